"""The last chapters' craft (issue 23): the summary recaps the story's ideas as pictures of the run, each
appearing as it is said, then its final numbers; the training chapter's brief telling says the stalled test
cost; the features chapter fills its right half with the neuron's picture, the digit followed and their
product. Numbers are recomputed here from the recorded weights, not read back from the scenes' own sums."""
import math

import numpy as np
import pytest

from nnscratch import RunSpec, judge, record_run
from nnscratch.landscape import gradient_slice
from nnscratch.neuron import telling_neuron
from scenes.chapters.summary import IDEAS
from manim import DL, UR

from scenes.mobjects.layout import boxes_overlap, safe_area
from scenes.mobjects.raster import rgba_bytes
from scenes.mobjects.style import RIGHT, weight_image_colors
from scenes.narration.words import accuracy_number, loss_number, number
from tests.timeline import run, told_as


@pytest.fixture(scope="module")
def small_digits():
    return record_run(RunSpec.for_dataset("digits", samples=600, epochs=3))


@pytest.fixture(scope="module")
def moons():
    return record_run(RunSpec.for_dataset("moons", epochs=200))


def first_shown(scene, text: str) -> int | None:
    """The index of the first beat during which ``text`` was on screen."""
    return next((index for index, beat in enumerate(scene.told) if text in beat.shown), None)


# -- the summary: the ideas as pictures of this run ---------------------------------------------------------

def test_the_recaps_sum_and_squash_are_the_followed_neurons_for_the_followed_example(small_digits, moons):
    for history, symbol, squash in ((small_digits, "σ", lambda z: 1 / (1 + math.exp(-z))), (moons, "tanh", math.tanh)):
        scene = told_as("summary", history, True)
        x = history.X_train[history.probe_index].astype(float)
        W, b = history.weights[0][-1].astype(float), history.biases[0][-1].astype(float)
        neuron = scene.step.neuron
        assert neuron == telling_neuron(history.network_at(-1), x)  # the neuron chapter's neuron
        z = float(W[neuron] @ x + b[neuron])
        assert scene.sum_picture.value.original_text == f"z = {number(z)}"
        assert scene.squash_picture.value.original_text == f"a = {symbol}(z) = {number(squash(z))}"
        # The inputs drawn are the largest terms w·a, their edges in the weights' signs.
        products = W[neuron] * x
        largest = np.sort(np.argsort(-np.abs(products))[:3])
        assert len(scene.sum_picture.edges) == len(largest)


def test_the_recaps_cost_is_the_followed_examples_over_its_outputs(small_digits):
    scene = told_as("summary", small_digits, True)
    h = small_digits
    x, label = h.X_train[h.probe_index].astype(float), int(h.y_train[h.probe_index].argmax())
    a = x
    for W, b in zip(h.weights, h.biases):
        z = W[-1].astype(float) @ a + b[-1].astype(float)
        a = 1 / (1 + np.exp(-z)) if W is not h.weights[-1] else np.exp(z - z.max()) / np.exp(z - z.max()).sum()
    assert scene.cost_picture.value.original_text == f"its cost: {loss_number(-math.log(a[label]))}"
    bars = scene.cost_picture.bars
    heights = np.array([bar.height for bar in bars])
    tallest = int(np.argmax(a))
    np.testing.assert_allclose(heights / heights[tallest], np.maximum(a / a[tallest], heights.min() / heights[tallest]),
                               atol=0.02)
    assert bars[label].get_fill_color().to_hex() == RIGHT.to_hex()
    assert [name.original_text for name in scene.cost_picture.names] == [str(k) for k in range(10)]


def test_the_recaps_way_downhill_is_the_cost_along_the_recorded_gradient_and_the_ball_takes_one_step(moons):
    scene = told_as("summary", moons, True)
    picture = scene.downhill_picture
    snapshot = scene.slice_snapshot
    ts, losses = gradient_slice(moons, snapshot, steps=31, reach=3.0)
    drawn = np.array([picture.axes.p2c(point) for point in picture.curve["line_graph"].points[::4]])
    steps = ts / moons.learning_rate
    np.testing.assert_allclose(np.interp(drawn[:, 0], steps, losses), drawn[:, 1], rtol=1e-3, atol=1e-6)
    landed = picture.axes.p2c(picture.ball.get_center())
    assert landed[0] == pytest.approx(1.0, abs=1e-6)  # one step of the learning rate
    # The rate at its readable size: the words before it go when the panel is too narrow for them.
    assert picture.value.original_text in {f"a step: learning rate {moons.learning_rate:g}",
                                           f"learning rate {moons.learning_rate:g}"}
    assert picture.value.font_size == pytest.approx(24)


def test_each_idea_appears_as_it_is_said_in_both_tellings(moons):
    said = {"weighted sum": "adds them up", "squash": "squashes", "cost": "The cost", "gradient: downhill":
            "downhill", "backpropagation": "Backpropagation", "training": "Training"}
    full = told_as("summary", moons, False)
    for idea in IDEAS:
        beat = first_shown(full, idea)
        assert beat is not None and said[idea] in full.told[beat].caption, (idea, beat)
    brief = told_as("summary", moons, True)
    assert [first_shown(brief, idea) for idea in IDEAS] == [0, 0, 1, 1, 1, 2]
    assert [beat.caption for beat in brief.told][:2] == [
        "A neuron sums its weighted inputs and squashes the sum.",
        "The cost scores the answer; backprop finds the way downhill."]


def test_the_recap_fills_the_frame_in_a_grid_with_the_final_numbers_under_it(moons):
    scene = told_as("summary", moons, True)
    area = safe_area()
    frames = [panel.frame for panel in scene.panels]
    assert len(frames) == 6
    assert min(f.get_left()[0] for f in frames) == pytest.approx(area.left, abs=0.01)
    assert max(f.get_right()[0] for f in frames) == pytest.approx(area.right, abs=0.01)
    assert sum(f.width * f.height for f in frames) > 0.6 * area.width * area.height
    assert not any(boxes_overlap(a, b) for i, a in enumerate(frames) for b in frames[i + 1:])
    bottom = min(f.get_bottom()[1] for f in frames)
    for part in (scene.badge, scene.accuracy):  # the final numbers under the grid
        assert part.get_top()[1] < bottom
    shown = scene.told[-1].shown  # and on screen at the end
    assert {"accuracy", "learned", accuracy_number(moons.test_accuracy[-1])} <= set(shown)
    assert scene.title.original_text == "Summing up"


def test_a_run_that_did_not_learn_is_summed_up_as_one():
    history = record_run(RunSpec(learning_rate=1e-4, epochs=20, seed=5))
    scene = told_as("summary", history, True)
    assert not judge(history).learned
    last = scene.told[-1].caption
    assert last.startswith(f"After 20 epochs of training: {accuracy_number(history.test_accuracy[-1])} right on test.")
    assert "This network did not learn" in last and scene.badge[1].original_text.startswith("did not learn")


@pytest.mark.slow
def test_the_summarys_brief_telling_ends_on_the_digits_final_numbers():
    history = run("digits")
    scene = told_as("summary", history, True)
    test = accuracy_number(history.test_accuracy[-1])
    assert judge(history).stalled  # its test cost stopped falling while its training cost fell: said so
    assert scene.told[-1].caption == (f"After 40 epochs of training: {test} right on test. "
                                      "It learned, then began to memorise.")
    assert scene.time <= 17.0  # today's brief telling was 12.4 s of reading: within ~5 s of it


# -- training: the stalled test cost, said briefly ---------------------------------------------------------

@pytest.mark.slow
def test_the_brief_training_says_the_stalled_test_cost_as_it_is_pointed_at():
    history = run("digits")
    verdict = judge(history)
    assert verdict.stalled and verdict.learned and not verdict.overfit
    scene = told_as("training", history, True)
    stalled = f"its cost stalled at {loss_number(history.test_loss[-1])}"
    beats = [beat for beat in scene.told if stalled in beat.caption]
    assert len(beats) == 1
    assert loss_number(history.test_loss[-1]) in {text for text in beats[0].marked}
    # The seconds taken back elsewhere: no longer than before the clause (30.8 s of reading).
    assert scene.time <= 30.8


def test_a_run_whose_test_cost_kept_falling_says_nothing_of_a_stall(moons):
    assert not judge(moons).stalled
    scene = told_as("training", moons, True)
    assert not any("stalled" in beat.caption for beat in scene.told)


# -- what it learned: the right half carries what is said ---------------------------------------------------

def test_the_features_right_half_shows_the_neuron_the_digit_followed_and_their_product_from_the_start(small_digits):
    scene = told_as("features", small_digits, True)
    h = small_digits
    neuron = scene.response["neuron"]
    name = h.class_names[int(h.probe_target.argmax())]
    assert first_shown(scene, f"neuron {neuron + 1}") == 0  # lifted out as "784 weights, one per pixel" is said
    assert first_shown(scene, f"the {name} we follow") == 1 and first_shown(scene, "weight × ink") == 1
    W = h.weights[0][-1].astype(float)
    scale = float(np.percentile(np.abs(W[:min(len(W), 32)]), 95))
    x = h.probe_input.astype(float).reshape(-1)
    expected = rgba_bytes(weight_image_colors((W[neuron] * x).reshape(28, 28), scale))
    np.testing.assert_array_equal(scene.ink[0].pixels, expected)
    average = scene.response["average"]
    expected = rgba_bytes(weight_image_colors((W[neuron] * average).reshape(28, 28), scale))
    np.testing.assert_array_equal(scene.average_ink[0].pixels, expected)
    # Right of the grid, inside the frame, above the bars.
    grid_right = max(picture.get_right()[0] for picture in scene.pictures)
    for part in (scene.zoom, scene.ink, scene.average):
        assert part.get_left()[0] > grid_right and part.get_right()[0] <= safe_area().right + 1e-6
        assert part.get_bottom()[1] > scene.bars.get_top()[1]


def test_the_class_it_fires_least_for_is_ringed_with_its_value_and_its_average_shown_in_the_mosts_place(
        small_digits):
    # The review: "and least for 0s, 0.00" was said while nothing pointed at a bar too short to see.
    scene = told_as("features", small_digits, True)
    r, h = scene.response, small_digits
    least = r["least_slot"]
    shown = scene.get_mobject_family_members()
    ring = scene.least_ring
    assert ring in shown
    for part in (scene.bar_rects[least], scene.bar_names[least], scene.value_of[least]):
        assert part in shown  # and inside the ring
        assert (ring.get_corner(DL)[:2] <= part.get_corner(DL)[:2] + 1e-6).all()
        assert (ring.get_corner(UR)[:2] >= part.get_corner(UR)[:2] - 1e-6).all()
    assert scene.value_of[least].original_text == number(r["least_mean"])
    # The least class's average and its weight x ink replace the most's, where they were.
    assert scene.least_caption.original_text == f"average {h.class_names[r['least']]}"
    assert scene.least_average in shown and scene.least_ink in shown and scene.average not in shown
    X, y = h.X_test.astype(float), h.y_test.argmax(axis=1)
    np.testing.assert_allclose(r["least_average"], X[y == r["least"]].mean(axis=0))
    W = h.weights[0][-1].astype(float)
    scale = float(np.percentile(np.abs(W[:min(len(W), 32)]), 95))
    neuron = r["neuron"]
    expected = rgba_bytes(weight_image_colors((W[neuron] * r["least_average"]).reshape(28, 28), scale))
    np.testing.assert_array_equal(scene.least_ink[0].pixels, expected)
    assert np.allclose(scene.least_ink.get_center(), scene.ink.get_center())
    # Each class it fires for nearly as much had its average in the same place as it was named.
    for cls, view in zip(r["close"], scene.close_views):
        assert view[2].original_text == f"average {h.class_names[cls]}"
        np.testing.assert_allclose(scene.response["close_averages"][r["close"].index(cls)],
                                   X[y == cls].mean(axis=0))
        assert np.allclose(view[0].get_center(), scene.least_average.get_center())
        assert view[0] not in shown  # given way to the next
