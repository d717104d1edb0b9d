"""The summary of a convolutional run recaps its ideas as pictures of the run, as the dense summary does: a
kernel over the window under it giving one cell of its map, ReLU, the max-pool, the dense layers' softmax,
the cost, a kernel weight's gradient Σ x·δ, the step downhill, training. Each number is recomputed here from
the recorded run (the gradient by finite differences of the network's own cost), not read back from the
scene's sums; the panels and the lines above them never overlap; every number said is on screen, marked."""
from __future__ import annotations

import math
from functools import cache

import numpy as np
import pytest

from nnscratch import RunSpec, TrainingHistory, record_run
from scenes.mobjects.layout import boxes_overlap, safe_area
from scenes.narration.words import fixed, loss_number, number, said
from tests.timeline import hold_share, small_texts, still_spans, told_as, unmarked_numbers, unshown_numbers

SMALL = "28x28,conv4:3,pool2,10"
DEFAULT_CNN = "28x28,conv8:3,pool2,conv16:3,pool2,64,10"


@cache
def cnn(layers: str = SMALL) -> TrainingHistory:
    return record_run(RunSpec.for_dataset("digits", layers=layers, samples=300, epochs=3))


@cache
def summed(layers: str = SMALL, brief: bool = False):
    return told_as("summary", cnn(layers), brief)


def test_a_cnn_is_summed_up_by_the_summary_chapters_own_code():
    from scenes.chapters.summary import ConvSummaryScene, SummaryScene

    scene = summed()
    assert type(scene) is ConvSummaryScene and isinstance(scene, SummaryScene)
    assert [panel.heading.original_text for panel in scene.panels] == [
        "window × kernel", "ReLU", "2 × 2 max-pool", "dense → softmax", "cost", "kernel gradient",
        "gradient: downhill", "training"]


def test_the_window_times_its_kernel_is_the_strongest_maps_brightest_cell():
    h = cnn()
    scene = summed()
    maps = h.probe_maps[0][-1].astype(float)
    kernel = int(np.argmax(maps.sum(axis=(1, 2))))  # the map that answers the digit most
    row, column = np.unravel_index(int(np.argmax(maps[kernel])), maps[kernel].shape)
    image = h.probe_input.astype(float).reshape(28, 28)
    weights = h.kernels[0][-1][kernel, 0].astype(float)
    z = float((image[row:row + 3, column:column + 3] * weights).sum() + h.kernel_biases[0][-1][kernel])
    assert scene.window.kernel == kernel and (scene.window.row, scene.window.column) == (row, column)
    assert scene.window_picture.value.original_text == f"z = {number(z)}"
    assert scene.squash_picture.value.original_text == f"a = relu(z) = {number(max(z, 0.0))}"
    assert max(z, 0.0) == pytest.approx(maps[kernel, row, column], abs=1e-5)  # the recorded map after ReLU


def test_the_pool_keeps_its_windows_largest_the_value_recorded_after_pooling():
    h = cnn()
    scene = summed()
    kernel, row, column = scene.window.kernel, scene.window.row // 2, scene.window.column // 2
    window = h.probe_maps[0][-1][kernel, 2 * row:2 * row + 2, 2 * column:2 * column + 2].astype(float)
    pooled = float(h.probe_maps[1][-1][kernel, row, column])
    assert pooled == pytest.approx(window.max())
    assert scene.pool_picture.value.original_text == f"max = {pooled:.2f}"
    u, v = divmod(int(np.argmax(window)), 2)
    assert np.allclose(scene.pool_picture.ring.get_center(), scene.pool_picture.window.cell_center(u, v))


def test_the_kernel_gradient_is_the_slope_of_the_examples_cost():
    """∂C/∂w of the weight shown, for the example the backprop chapter follows at its snapshot, by central
    differences of the network's own cost with that one weight moved."""
    from nnscratch.backprop import steepest_early_snapshot

    h = cnn()
    scene = summed()
    snapshot, sample = steepest_early_snapshot(h), int(h.probe_index)
    X, y = h.X_train[sample:sample + 1].astype(float), h.y_train[sample:sample + 1]
    slopes = np.zeros((4, 3, 3))
    for f in range(4):
        for i in range(3):
            for j in range(3):
                costs = []
                for eps in (1e-5, -1e-5):
                    moved = h.network_at(snapshot)
                    moved.kernels[0][f, 0, i, j] += eps
                    costs.append(float(moved.costs(X, y)[0]))
                slopes[f, i, j] = (costs[0] - costs[1]) / 2e-5
    f = int(np.argmax((slopes ** 2).sum(axis=(1, 2))))  # the kernel that moves most for this example
    i, j = np.unravel_index(int(np.argmax(np.abs(slopes[f]))), (3, 3))
    assert scene.gradient_kernel == f
    assert scene.kernel_gradient == pytest.approx(slopes[f, i, j], rel=1e-4, abs=1e-7)
    assert scene.gradient_picture.value.original_text == f"∂C/∂w = {said(fixed(scene.kernel_gradient))}"


def test_the_cost_is_the_followed_examples_and_the_step_is_the_runs_learning_rate():
    h = cnn()
    scene = summed()
    probe = int(h.probe_index)
    right = int(np.argmax(h.y_train[probe]))
    p = float(h.network_at(-1).forward(h.X_train[probe:probe + 1].astype(float))[0, right])
    assert scene.cost_picture.value.original_text == f"its cost: {loss_number(-math.log(p))}"
    assert f"{h.learning_rate:g}" in scene.downhill_picture.value.original_text


@pytest.mark.parametrize("layers", [SMALL, DEFAULT_CNN])
def test_nothing_overlaps_and_everything_stays_in_the_frame(layers):
    scene = summed(layers)
    area = safe_area()
    frames = [panel.frame for panel in scene.panels]
    assert not any(boxes_overlap(a, b) for n, a in enumerate(frames) for b in frames[n + 1:])
    lines = [scene.title, *scene.facts]
    assert not any(boxes_overlap(a, b) for n, a in enumerate(lines) for b in lines[n + 1:])
    assert all(line.get_bottom()[1] > max(frame.get_top()[1] for frame in frames) for line in lines)
    for frame, panel in zip(frames, scene.panels):
        for part in panel.submobjects[1:]:
            assert frame.get_left()[0] <= part.get_left()[0] and part.get_right()[0] <= frame.get_right()[0]
    # Each picture inside its panel, and the dense layers' sizes written under the network, not on its dots.
    pictures = [scene.window_picture, scene.squash_picture, scene.pool_picture, scene.network_mob, scene.cost_picture,
                scene.gradient_picture, scene.downhill_picture, scene.cost]
    for frame, picture in zip(frames, pictures):
        assert frame.get_left()[0] - 1e-6 <= picture.get_left()[0]
        assert picture.get_right()[0] <= frame.get_right()[0] + 1e-6
        assert frame.get_bottom()[1] - 1e-6 <= picture.get_bottom()[1]
        assert picture.get_top()[1] <= frame.get_top()[1] + 1e-6
    assert scene.network_mob.size_braces not in scene.network_mob.submobjects
    assert not boxes_overlap(scene.sizes_label, scene.network_mob.neurons)
    assert area.left - 1e-6 <= min(f.get_left()[0] for f in frames)
    assert max(line.get_right()[0] for line in lines) <= area.right + 1e-6
    for part in (scene.badge, scene.accuracy):
        assert part.get_top()[1] < min(frame.get_bottom()[1] for frame in frames)


def test_the_default_cnns_network_line_is_one_line_that_counts_its_parameters_by_kind():
    h = cnn(DEFAULT_CNN)
    scene = summed(DEFAULT_CNN)
    in_kernels = sum(K[-1].size + b[-1].size for K, b in zip(h.kernels, h.kernel_biases))
    dense = sum(W[-1].size + b[-1].size for W, b in zip(h.weights, h.biases))
    assert in_kernels == 8 * 9 + 8 + 16 * 8 * 9 + 16 and dense == 400 * 64 + 64 + 64 * 10 + 10
    assert scene.facts[1].original_text == (f"24 kernels, then 400 → 64 → 10: {in_kernels + dense:,} weights and "
                                            f"biases, {in_kernels:,} in kernels")
    assert scene.sizes_label.original_text == "400 → 64 → 10"


@pytest.mark.slow
@pytest.mark.parametrize("brief", [True, False], ids=["brief", "full"])
@pytest.mark.parametrize("layers", [SMALL, DEFAULT_CNN])
def test_every_number_said_is_on_screen_marked_and_nothing_holds(layers, brief):
    scene = summed(layers, brief)
    assert unshown_numbers(scene) == [] and unmarked_numbers(scene) == [] and small_texts(scene) == []
    assert max((seconds for _, seconds in still_spans(scene)), default=0.0) <= 4.0
    assert hold_share(scene) < 0.15
    if brief:
        assert scene.time <= 19.0  # the old numbers-only recap took 14 s: the pictures add under 5
