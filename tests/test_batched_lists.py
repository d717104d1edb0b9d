"""A play's adds and removes, batched, leave the scene as Manim's one-by-one calls leave it."""
from __future__ import annotations

from pathlib import Path

import manim
import numpy as np
import pytest
from manim import (
    BLUE, RED, Animation, AnimationGroup, Circle, Create, Dot, FadeIn, FadeOut, FadeTransform, LaggedStart, Line, Scene,
    ShowPassingFlash, Square, Succession, VGroup, Wait, Write,
)

from scenes.camera.batched_lists import BatchedLists
from scenes.mobjects.glyphs import Label


def story(scene: Scene) -> list[tuple[list[str], np.ndarray]]:
    """Plays that introduce, re-introduce, remove and swap mobjects, nested in groups; after each,
    the names of the scene's list and of its family, and the frame."""
    def named(mobject, name):
        mobject.name = name
        return mobject

    dots = [named(Dot([x - 2, 0, 0], color=BLUE), f"dot{x}") for x in range(5)]
    row = named(VGroup(*dots), "row")
    edges = [named(Line([x - 2, -1, 0], [x - 1.5, 1, 0], color=RED), f"edge{x}") for x in range(4)]
    square, circle = named(Square(), "square"), named(Circle(), "circle")
    word = named(Label("seen"), "word")
    seen = []

    def look() -> None:
        seen.append(([m.name for m in scene.mobjects], [m.name for m in scene.get_mobject_family_members()],
                     scene.renderer.get_frame().copy()))

    scene.add(named(VGroup(dots[0], dots[1]), "pair"))  # two dots already in the scene, inside a group
    look()
    scene.play(FadeIn(row), LaggedStart(*(Create(edge) for edge in edges)), FadeIn(dots[2]), run_time=0.5)
    look()
    scene.play(AnimationGroup(FadeIn(square), Write(word)), FadeIn(square.copy().shift(1)), run_time=0.5)
    look()
    scene.play(*(ShowPassingFlash(edge.copy()) for edge in edges), FadeOut(dots[3]), run_time=0.5)
    look()
    scene.play(FadeTransform(square, circle), FadeOut(edges[1]), run_time=0.5)
    look()
    scene.play(Succession(FadeIn(named(Dot([0, 2, 0]), "late")), FadeOut(word)), FadeOut(row), run_time=0.6)
    look()
    # An animation finished after the fade puts the circle back: removed, then added, in that order.
    scene.play(FadeOut(circle), Animation(Dot(), _on_finish=lambda _: scene.add(circle)), run_time=0.3)
    look()
    scene.play(Wait(0.2))
    look()
    return seen


class Manims(Scene):
    def construct(self) -> None:
        self.seen = story(self)


class Batched(BatchedLists):
    def construct(self) -> None:
        self.seen = story(self)


@pytest.fixture(scope="module")
def both(tmp_path_factory: pytest.TempPathFactory) -> tuple[list, list]:
    folder: Path = tmp_path_factory.mktemp("batched")
    settings = {"pixel_width": 160, "pixel_height": 90, "frame_rate": 10, "media_dir": str(folder),
                "disable_caching": True, "verbosity": "WARNING", "progress_bar": "none", "write_to_movie": False}
    seen = []
    for kind in (Manims, Batched):
        with manim.tempconfig(settings):
            scene = kind()
            scene.render()
            seen.append(scene.seen)
    return seen[0], seen[1]


def test_the_scene_list_after_each_play_is_manims(both: tuple[list, list]) -> None:
    manims, batched = both
    assert len(manims) == len(batched) == 8
    for (names, family, _), (got_names, got_family, _) in zip(manims, batched):
        assert got_names == names
        assert got_family == family
    # The story does what it says: the pair taken into the row, the edges drawn, the dot faded and the
    # flashes gone, an edge faded as the square became the circle, the row gone as the late dot came.
    names = [seen[0] for seen in manims]
    assert names[0] == ["pair"] and "pair" not in names[1] and "row" in names[1]
    assert names[1][-4:] == ["edge0", "edge1", "edge2", "edge3"]
    assert "dot3" not in names[3] and sum(name.startswith("edge") for name in names[3]) == 4
    assert "edge1" not in names[4] and names[4][-1] == "circle"
    assert "row" not in names[5] and "dot4" not in names[5] and names[5][-1] == "late"
    assert names[6][-1] == "circle"


def test_every_frame_after_a_play_is_manims(both: tuple[list, list]) -> None:
    manims, batched = both
    for (_, _, frame), (_, _, got) in zip(manims, batched):
        assert np.array_equal(got, frame)
    assert any(frame[..., :3].any() for _, _, frame in manims)  # something was drawn
