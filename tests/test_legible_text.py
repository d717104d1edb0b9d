"""Issue 23's small text in the chapters the digits and CNN explainers share (the cost, descent, training,
the summary): what the narration refers to drawn at least 13-14 px tall at 480p, measured from the texts on
screen beat by beat (tests/timeline.py ``measured``); the marks that must be seen where they sit (the cost's
point on its curve, the lowest test cost's label clear of the curves); and two seams where one thing crossed
another (the cost chapter's opening, backpropagation's outputs flying home)."""
from __future__ import annotations

from functools import cache

import numpy as np
import pytest

from nnscratch import RunSpec, TrainingHistory, record_run
from scenes.mobjects.layout import boxes_overlap
from scenes.narration.words import loss_number
from tests.timeline import LEGIBLE_PIXELS, digit_pixels, small_pixels, told_as
from tests.timeline import run as story_run

SMALL_CNN = "28x28,conv4:3,pool2,10"


@cache
def cnn() -> TrainingHistory:
    """A small CNN on the digits (under a second): pictures for cards, the CNN's tellings."""
    return record_run(RunSpec.for_dataset("digits", layers=SMALL_CNN, samples=300, epochs=3))


def history_of(name: str) -> TrainingHistory:
    return cnn() if name == "cnn" else story_run(name)


FLOOR = 13.0  # pixels at 480p: the floor the issue holds for what the narration refers to (14 is the aim)
RUNS = ["cnn", pytest.param("digits", marks=pytest.mark.slow)]
TELLINGS = pytest.mark.parametrize("brief", [False, True], ids=["full", "brief"])


def pixels_of(mobject) -> float:
    """The height of ``mobject``'s digits (a label, formula or readout) in pixels of a 480p frame."""
    return max(digit_pixels([mobject]).values())


# -- the cost ----------------------------------------------------------------------------------------

@TELLINGS
@pytest.mark.parametrize("name", RUNS)
def test_the_cost_cards_write_each_examples_cost_under_its_picture_legibly(name, brief):
    # The review read the cards' costs ("0.000597", "<0.000001") at 8-9 px: fewer cards, each cost under
    # its picture at 14 px.
    scene = told_as("cost", history_of(name), brief, measure=True)
    texts = [card[1].text for card in scene.cards_mob]
    assert texts == [loss_number(c) for c in scene.costs[scene.cards]]
    assert small_pixels(scene, lambda text: text in texts) == []
    assert min(pixels_of(card[1]) for card in scene.cards_mob) >= LEGIBLE_PIXELS
    for face, cost in scene.cards_mob:
        assert cost.get_top()[1] <= face.get_bottom()[1] + 1e-6
        assert abs(cost.get_center()[0] - face.get_center()[0]) < 0.5 * face.width


@pytest.mark.parametrize("name", RUNS)
def test_the_examples_point_on_the_curve_is_ringed_with_its_cost_written_clear_of_the_curve(name):
    # The review could not see the 0.000597 dot in the curve's p = 1 corner: a ring and the cost by it.
    from scenes import CostScene
    from tests.timeline import told

    history = history_of(name)
    scene = told(CostScene.until("Drawn against"), history)
    ring, value = scene.marker_tag
    assert value.original_text == loss_number(scene.costs[scene.probe])
    shown = scene.get_mobject_family_members()
    assert ring in shown and value in shown and scene.marker in shown
    assert np.allclose(ring.get_center(), scene.marker.get_center(), atol=1e-6)
    assert ring.width > 1.5 * scene.marker.width  # round the dot, apart from it
    assert pixels_of(value) >= LEGIBLE_PIXELS
    # Inside the axes, and above every point of the curve under it.
    assert scene.axes.get_left()[0] <= value.get_left()[0] and value.get_right()[0] <= scene.axes.get_right()[0]
    curve = scene.curve.points
    under = curve[(curve[:, 0] >= value.get_left()[0]) & (curve[:, 0] <= value.get_right()[0])]
    assert len(under) and (under[:, 1] < value.get_bottom()[1]).all()
    # Gone as the point slides up to the worst example.
    after = told(CostScene.until(scene.worst_caption()[:30]), history)
    assert after.told[-1].caption == after.worst_caption()
    assert not set(after.marker_tag) & set(after.get_mobject_family_members())


# -- descent -----------------------------------------------------------------------------------------

@TELLINGS
@pytest.mark.parametrize("name", RUNS)
def test_descents_column_and_step_chart_are_legible(name, brief):
    # The review read the column (facts, epoch and cost, the batch's notes, the gradient's entries) at
    # 9-10 px and the step chart's labels as small: every text of the column, the chart's numbers and the
    # formulas at least 13 px (the floor; a CNN's column holds two more facts and a two-line rule,
    # so 14 everywhere would squeeze the step chart).
    scene = told_as("descent", history_of(name), brief, measure=True)
    column = [scene.count, scene.share_fact, *scene.sample_facts, *scene.readouts, scene.gradient_panel[0],
              *(scene.notes if scene.notes is not None else []), *[row[1] for row in scene.entry_rows]]
    words = {text for part in column for text in digit_pixels([part])}
    assert small_pixels(scene, lambda text: text in words, floor=FLOOR) == []
    chart = {text for part in (*scene.slice_heights, *scene.slice_ticks) for text in digit_pixels([part])}
    assert chart and small_pixels(scene, lambda text: text in chart, floor=FLOOR) == []
    assert small_pixels(scene, lambda text: text.startswith("$"), floor=FLOOR) == []
    # The gradient's entries have the column under the readouts to themselves, and are seen at the end.
    assert scene.gradient_panel.get_top()[1] <= scene.readouts.get_bottom()[1]
    assert scene.next_note.get_top()[1] <= scene.gradient_panel.get_bottom()[1]
    if not brief:  # (the explainer's next chapter names backpropagation itself)
        shown = scene.get_mobject_family_members()
        assert scene.entry_rows[0][1] in shown and scene.next_note in shown
        if scene.notes is not None:
            assert not set(scene.notes) & set(shown)  # gone for the gradient's entries, which take their room


# -- training ----------------------------------------------------------------------------------------

STALLS = {  # runs whose test cost stops falling, on a logarithmic cost axis, trained in about a second
    "stalled": RunSpec.for_dataset("digits", samples=300, epochs=300),
    "overfits": RunSpec.for_dataset("digits", samples=500, epochs=200, learning_rate=1.0),
}


@cache
def stalled(name: str) -> TrainingHistory:
    return record_run(STALLS[name])


@TELLINGS
@pytest.mark.parametrize("name", RUNS)
def test_trainings_plots_legends_and_side_labels_are_legible(name, brief):
    # The review read the side labels and the legends at about 11 px: every word and number of the plots,
    # the band under the network and the first layer's headings are 14 px.
    from scenes.mobjects.conv_panel import ConvPanel

    scene = told_as("training", history_of(name), brief, measure=True)
    parts = [*scene.plots, *scene.definition, *getattr(scene, "marks", []), scene.lowest_marker] \
        if getattr(scene, "lowest_marker", None) is not None else [*scene.plots, *scene.definition]
    panels = [part for part in scene.mobjects if isinstance(part, ConvPanel)]
    texts = {text for part in [*parts, *panels] for text in digit_pixels([part])}
    assert any(text in ("train", "test") for text in texts)  # the legend is among them
    assert small_pixels(scene, lambda text: text in texts) == []


def lowest_marker_of(history: TrainingHistory):
    from scenes.chapters.training import traced

    scene = told_as("training", history, False)
    assert scene.lowest_marker is not None
    plot = scene.plots[0]
    return scene, plot, np.concatenate([traced(curve.corners) for curve in plot.curves])


@pytest.mark.parametrize("name", ["stalled", "overfits", "spiral", pytest.param("digits", marks=pytest.mark.slow)])
def test_the_lowest_test_cost_is_labelled_clear_of_every_curve(name):
    # The review saw "test lowest, epoch N" over the test curve when the cost axis is logarithmic (both
    # curves then run across the dashed line's whole height): the label's box covers no curve's point.
    history = stalled(name) if name in STALLS else story_run(name)
    scene, plot, points = lowest_marker_of(history)
    line, *texts = scene.lowest_marker
    best = scene.verdict.best_test_epoch
    assert "test lowest" in texts[0].original_text and f"{best:,}" in " ".join(t.original_text for t in texts)
    axes = plot.axes
    for text in texts:
        left, right, bottom, top = text.get_left()[0], text.get_right()[0], text.get_bottom()[1], text.get_top()[1]
        covered = (points[:, 0] >= left) & (points[:, 0] <= right) & (points[:, 1] >= bottom) & (points[:, 1] <= top)
        assert not covered.any(), (text.original_text, int(covered.sum()))
        assert axes.get_left()[0] - 1e-6 <= left and right <= axes.get_right()[0] + 1e-6
        assert axes.get_bottom()[1] - 1e-6 <= bottom and top <= axes.get_top()[1] + 1e-6
        for mark in getattr(scene, "marks", []):  # nor on the start's values
            assert not boxes_overlap(text, mark)
        # The dashed line runs up to the words, not through them.
        if left < line.get_x() < right:
            assert line.get_top()[1] <= bottom + 1e-6
    assert line.get_x() == pytest.approx(axes.c2p(float(plot.axis.position(best)), 0)[0], abs=1e-6)


def test_on_a_logarithmic_cost_axis_the_lowest_cost_is_marked():
    assert stalled("stalled").epochs == 300
    _, plot, _ = lowest_marker_of(stalled("stalled"))
    assert plot.floor is not None  # the case the review found


# -- the summary -------------------------------------------------------------------------------------

@TELLINGS
@pytest.mark.parametrize("name", RUNS)
def test_the_summarys_panels_write_their_formulas_and_names_legibly(name, brief):
    # The review found the panels' captions small (their formulas, the classes under the cost's bars at
    # 12-13 px): every text of the summary at 13 px, the formulas and the classes' names at 14. Left out:
    # a max-pool window's four values, each shrunk to its cell (the value it keeps is written large under
    # it), and the layer sizes a network drawing writes by its braces.
    from scenes.mobjects.network import NetworkMobject

    scene = told_as("summary", history_of(name), brief, measure=True)
    pool = getattr(scene, "pool_picture", None)
    pooled = set(digit_pixels([pool.window])) if pool is not None else set()
    drawn = {text for mobject in scene.mobjects for part in mobject.get_family() if isinstance(part, NetworkMobject)
             for text in digit_pixels([part])}
    names = [str(k) for k in range(10)]
    assert small_pixels(scene, lambda text: text.startswith("$") or text in names) == []
    assert small_pixels(scene, lambda text: text not in pooled | drawn, floor=FLOOR) == []
    assert any(text.startswith("$") for _, seen in scene.pixels for text in seen)  # formulas were measured


# -- overlaps at two seams ---------------------------------------------------------------------------

def playing(scene_class):
    """``scene_class`` keeping each play's animations and what was on screen after it (``plays``)."""

    class Recorded(scene_class):
        def play(self, *animations, **kwargs) -> None:
            super().play(*animations, **kwargs)
            self.plays = [*getattr(self, "plays", []), (animations, set(self.get_mobject_family_members()))]

    Recorded.__name__ = Recorded.__qualname__ = f"{scene_class.__name__}Recorded"
    return Recorded


@TELLINGS
@pytest.mark.parametrize("name", ["cnn", "spiral"])
def test_the_cost_chapter_opens_on_its_example_not_on_its_title_alone(name, brief):
    # The review saw the chapter's first second as its title on black (digits 118.2-119.3): the example's
    # outputs, and their bars, come in with the title in the chapter's first play.
    from scenes import CostScene
    from tests.timeline import told

    scene = told(playing(CostScene.until("How wrong")), history_of(name), brief=brief)
    _, shown = scene.plays[0]
    assert scene.title in shown and scene.picture in shown
    assert all(row[1] in shown for row in scene.example_rows)  # each output's value
    if scene.bars is not None:
        assert all(bar in shown for bar in scene.bars.bars)


def test_the_outputs_fly_home_only_once_their_names_and_values_have_gone():
    # The review saw the lifted outputs' circles cross the fading list of their values (digits 203.0):
    # the list is gone before the circles move.
    from manim import FadeOut, Transform

    from scenes import BackpropScene
    from scenes.chapters.base import SWAP_SHARE
    from tests.timeline import told

    scene = told(playing(BackpropScene), story_run("spiral"))
    lifted = scene.lifted
    home = [animations for animations, _ in scene.plays
            if any(isinstance(a, FadeOut) and a.mobject is lifted.names for a in animations)]
    assert len(home) == 1
    fades = [a for a in home[0] if isinstance(a, FadeOut)]
    moves = [a for a in home[0] if isinstance(a, Transform) and not isinstance(a, FadeOut)]
    assert {a.mobject for a in fades} >= {lifted.names, lifted.values} and len(moves) >= len(lifted.circles)
    assert all(a.rate_func(SWAP_SHARE) == pytest.approx(1.0) for a in fades)
    assert all(a.rate_func(SWAP_SHARE) == pytest.approx(0.0) for a in moves)
