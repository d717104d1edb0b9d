"""Every chapter against the rules of the story, on the runs the issue names, told as the explainer tells
it and alone: each number said is on screen while it is said, large enough to read, and marked by an
animation of its beat as it is said (not seconds later); no text too small to read; no still stretch over 4 s, and under 15% of the chapter
in still stretches of 2 s or more. A still render plays each beat to its end, so this reads every beat of
every chapter in minutes."""
from __future__ import annotations

import pytest

from scenes.chapters.catalogue import BY_NAME, NAMES
from tests.timeline import (
    RUNS,
    hold_share,
    late_numbers,
    run,
    small_texts,
    still_spans,
    told_as,
    unmarked_numbers,
    unshown_numbers,
)

pytestmark = pytest.mark.slow

LONGEST_STILL = 4.0
HELD_SHARE = 0.15

EVERY_CHAPTER = ("digits", "moons", "spiral", "deep tanh", "regularized", "default")
# Runs that strain what some chapters say: one that did not learn, one of 20,000 epochs, no hidden layer.
STRAINED = {"did not learn": ("descent", "training", "features", "summary"),
            "long": ("descent", "training", "features", "summary"), "no hidden layer": ("backprop",)}


def tells(name: str, chapter: str) -> bool:
    spec = RUNS[name]
    return BY_NAME[chapter].refusal(spec.dataset, spec.layers) is None


TOLD = [(name, chapter) for chapter in NAMES for name in EVERY_CHAPTER if tells(name, chapter)] + [
    (name, chapter) for name, chapters in STRAINED.items() for chapter in chapters if tells(name, chapter)]


@pytest.mark.parametrize("brief", [True, False], ids=["brief", "full"])
@pytest.mark.parametrize("name, chapter", TOLD, ids=[f"{chapter}-{name}" for name, chapter in TOLD])
def test_every_number_said_is_shown_and_marked_and_nothing_stands_still(name, chapter, brief):
    scene = told_as(chapter, run(name), brief)
    assert scene.told, "the chapter told nothing"
    assert unshown_numbers(scene) == []
    assert unmarked_numbers(scene) == []
    assert late_numbers(scene) == []
    assert small_texts(scene) == []
    longest = max((seconds for _, seconds in still_spans(scene)), default=0.0)
    assert longest <= LONGEST_STILL, still_spans(scene)
    assert hold_share(scene) < HELD_SHARE, still_spans(scene)


VOICED = [(name, chapter) for name, chapter in TOLD if name in ("digits", "moons")]


@pytest.mark.parametrize("brief", [True, False], ids=["brief", "full"])
@pytest.mark.parametrize("name, chapter", VOICED, ids=[f"{chapter}-{name}" for name, chapter in VOICED])
def test_every_number_is_marked_as_a_voice_says_it(name, chapter, brief):
    # A voice says a number in many more letters than it is written ("0.0684": "zero point zero six eight
    # four"), so its words come at other times than their characters' place: the digits and moons
    # explainers, timed as a voice at piper's pace times them.
    scene = told_as(chapter, run(name), brief, voiced=True)
    assert scene.told and all(beat.voiced for beat in scene.told)
    assert unmarked_numbers(scene) == []
    assert late_numbers(scene) == []


def test_the_explainer_lasts_three_to_six_minutes():
    """The brief tellings of the default explainer's chapters add up to 3 to 6 minutes (a title card of a
    few seconds each comes on top)."""
    seconds = sum(told_as(chapter, run("digits"), True).time for chapter in NAMES
                  if BY_NAME[chapter].tells(run("digits")))  # the convolution chapter tells a CNN only
    assert 150 <= seconds <= 330, seconds
