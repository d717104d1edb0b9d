"""A play's scene list changes made in one call each, as Manim would make them one by one.

Manim sets up each animation of a play on its own: a FadeIn or a Create first lists every
family member of the scene to see whether its mobject is there, then adds it, and each add
walks the whole scene's family again to take it out of wherever it was. When the frames are
done, each FadeOut or edge flash removes its mobject with another such walk. A play that
fades in the seven hundred pieces of a formula, or flashes the edges of a drawn network,
spends seconds there. Here the scene's family is listed once and grows as Manim's would; what
is introduced is added in one call, and what the finished animations remove in one call:
Manim's ``add`` and ``remove`` of several mobjects leave the list as one call per mobject does.
"""
from __future__ import annotations

from collections.abc import Iterator

from manim import Animation, AnimationGroup, Mobject, Scene


class BatchedLists(Scene):
    """A scene whose plays set up their animations with one listing and one add, and clean up
    with one remove."""

    _removed: list[Mobject] | None = None  # removals waiting, from a play whose frames are done

    def begin_animations(self) -> None:
        members = set(self.get_mobject_family_members())
        introduced: list[Mobject] = []
        for animation in self.animations:
            members = self._set_up(animation, members, introduced)
            animation.begin()
        if introduced:
            self.add(*introduced)
        self.moving_mobjects, self.static_mobjects = self.get_moving_and_static_mobjects(self.animations)

    def _set_up(self, animation: Animation, members: set[Mobject], introduced: list[Mobject]) -> set[Mobject]:
        """Set ``animation`` up as Manim's ``_setup_scene`` would; returns the scene's family members after."""
        setup = type(animation)._setup_scene
        if setup is Animation._setup_scene:
            if animation.is_introducer() and animation.mobject not in members:
                introduced.append(animation.mobject)
                members.update(animation.mobject.get_family())
            return members
        if setup is AnimationGroup._setup_scene:
            for part in animation.animations:
                members = self._set_up(part, members, introduced)
            return members
        # A kind that sets itself up otherwise (Succession, speed modifiers): as Manim does, in order.
        if introduced:
            self.add(*introduced)
            introduced.clear()
        animation._setup_scene(self)
        return set(self.get_mobject_family_members())

    def _get_animation_time_progression(self, animations: list[Animation], duration: float) -> _FramesThenCleanUp:
        return _FramesThenCleanUp(super()._get_animation_time_progression(animations, duration), self)

    def remove(self, *mobjects: Mobject) -> BatchedLists:
        if self._removed is not None:
            self._removed.extend(mobjects)
            return self
        return super().remove(*mobjects)

    def remove_waiting(self) -> None:
        """Make the removals that wait, so what reads or changes the scene's list sees them made."""
        removed, self._removed = self._removed, None
        if removed:
            super().remove(*removed)

    def add(self, *mobjects: Mobject) -> BatchedLists:
        self.remove_waiting()  # a FadeTransform removes its source, then adds its target: in that order
        return super().add(*mobjects)

    def get_mobject_family_members(self) -> list[Mobject]:
        self.remove_waiting()
        return super().get_mobject_family_members()

    def update_mobjects(self, dt: float) -> None:
        self.remove_waiting()
        super().update_mobjects(dt)


class _FramesThenCleanUp:
    """A play's time progression: once its last frame is done, what the animations remove while
    they are cleaned up waits for the play to close the progression, and goes in one call."""

    def __init__(self, progression, scene: BatchedLists) -> None:
        self.progression, self.scene = progression, scene

    def __iter__(self) -> Iterator[float]:
        yield from self.progression
        self.scene._removed = []

    def close(self) -> None:
        self.progression.close()
        self.scene.remove_waiting()
