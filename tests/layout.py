"""Helpers for layout tests: a scene's final state without rendering its video, and its labels' boxes."""
from __future__ import annotations

import tempfile
from pathlib import Path

import manim
import numpy as np
from manim import Brace, MathTypst, Mobject, Text
from PIL import Image

from scenes.mobjects.readout import Readout
from scenes.output.render import render_still

LABELS = (Text, MathTypst, Readout, Brace)  # what must sit inside the frame and clear of each other


def final_state(scene_class, width: int, height: int, **scene_kwargs) -> tuple[manim.Scene, np.ndarray]:
    """The scene after its last beat, and that last frame, as ``render_still`` makes it."""
    with tempfile.TemporaryDirectory() as folder:
        scene = render_still(scene_class, Path(folder) / "still.png", resolution=(width, height), **scene_kwargs)
        return scene, np.asarray(Image.open(Path(folder) / "still.png").convert("RGBA"))


def labels(scene: manim.Scene) -> list[Mobject]:
    """Every visible text, formula, readout and brace on screen, each as one box."""
    found: list[Mobject] = []

    def walk(mobject: Mobject) -> None:
        if isinstance(mobject, LABELS):
            if isinstance(mobject, Readout) or any(part.get_fill_opacity() > 0 or part.get_stroke_opacity() > 0
                                                   for part in mobject.family_members_with_points()):
                found.append(mobject)
            return
        for part in mobject.submobjects:
            walk(part)

    for mobject in scene.mobjects:
        walk(mobject)
    return found


def describe(mobject: Mobject) -> str:
    text = getattr(mobject, "text", None) or getattr(mobject, "tex_string", None) or type(mobject).__name__
    return f"{text!r} at x {mobject.get_left()[0]:.2f}..{mobject.get_right()[0]:.2f}, " \
           f"y {mobject.get_bottom()[1]:.2f}..{mobject.get_top()[1]:.2f}"
