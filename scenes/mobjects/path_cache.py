"""Where a camera keeps the Cairo paths it made for a mobject, so it builds each one once."""
from __future__ import annotations


class PathCache(dict):
    """Cairo paths by key. A copy of the mobject starts with an empty cache: Cairo paths cannot be
    copied, and Manim copies mobjects (``Mobject.copy``, the starting states of ``FadeIn``...)."""

    def __deepcopy__(self, memo: dict) -> "PathCache":
        return PathCache()

    def __copy__(self) -> "PathCache":
        return PathCache()
