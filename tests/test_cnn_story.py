"""The story of a convolutional run: the chapters that tell it (the task, the convolution, the cost, gradient
descent on its own loss surface, training and the summary) told by the timeline's rules with the run's numbers
on screen; the loss surface computed through the CNN's own forward pass, kernels included; the chapters that
cannot tell it refusing in one line that names the one that does; and the CNN explainer as those chapters."""
from __future__ import annotations

import dataclasses
import os
from functools import cache

import numpy as np
import pytest
from click.testing import CliRunner

from cli import main
from nnscratch import RunSpec, TrainingHistory, record_run
from nnscratch.architecture import parse_layers
from nnscratch.landscape import (
    CONV_GRID_BUDGET, CONV_POINT_COST, MIN_RESOLUTION, MIN_SAMPLE, conv_example_cost, evaluation_plan,
    evaluation_sample, flat_parameters, gradient_slice, losses_at, plan_of, principal_plane,
)
from nnscratch.landscape_cache import run_key
from nnscratch.snapshot_outputs import activations_at
from scenes.chapters.catalogue import BY_NAME, NAMES, chapters_of, planned_refusal, refusal_of
from scenes.narration.words import accuracy_number, loss_number
from tests.timeline import (
    hold_share, late_numbers, small_texts, still_spans, told_as, unmarked_numbers, unshown_numbers,
)

LAYERS = "28x28,conv4:3,pool2,10"
DEFAULT_CNN = "28x28,conv8:3,pool2,conv16:3,pool2,64,10"
TELLS_A_CNN = ("data", "convolution", "cost", "descent", "training", "summary")
REFUSES_A_CNN = ("neuron", "forward", "features")  # the convolution chapter tells what each would


@cache
def cnn() -> TrainingHistory:
    """A small CNN on the digits, trained once per test session (under a second)."""
    return record_run(RunSpec.for_dataset("digits", layers=LAYERS, samples=300, epochs=3))


# -- which chapters tell a CNN, and the others' one line ----------------------------------------------

def test_the_explainer_of_a_cnn_is_the_chapters_that_tell_it_in_the_storys_order():
    names = [chapter.name for chapter in chapters_of(None, cnn())]
    assert set(TELLS_A_CNN) <= set(names) and not set(REFUSES_A_CNN) & set(names)
    assert names == [name for name in NAMES if name in names]
    assert names.index("data") < names.index("convolution") < names.index("cost") < names.index("descent") \
        < names.index("training") < names.index("summary")


@pytest.mark.parametrize("name", REFUSES_A_CNN)
def test_a_chapter_that_cannot_tell_a_cnn_says_why_in_one_line_naming_the_one_that_does(name):
    why = refusal_of(BY_NAME[name], cnn())
    assert why is not None and "\n" not in why and why.startswith(f"the {name} chapter ")
    assert why.endswith("told by the convolution chapter") and BY_NAME["convolution"].tells(cnn())
    # The same line before training, from the layers alone.
    assert planned_refusal([BY_NAME[name]], "digits", LAYERS) == why


@pytest.mark.parametrize("name", REFUSES_A_CNN)
def test_rendering_it_is_refused_before_training_exit_2_and_nothing_written(name, tmp_path, monkeypatch):
    import nnscratch

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(nnscratch, "record_run", lambda *_, **__: pytest.fail("trained a CNN it cannot render"))
    result = CliRunner().invoke(main, ["render", name, "--dataset", "digits", "--layers", LAYERS])
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and refusal_of(BY_NAME[name], cnn()) in lines[0], result.output
    assert os.listdir(tmp_path) == []


# -- the loss surface is the CNN's own --------------------------------------------------------------

def test_the_surface_spans_every_parameter_kernels_first():
    h = cnn()
    network = h.network_at(-1)
    flat = flat_parameters(h)
    assert flat.shape == (h.n_snapshots, network.n_parameters)
    kernel_size = h.kernels[0][0].size
    assert np.array_equal(flat[:, :kernel_size], h.kernels[0].reshape(h.n_snapshots, -1).astype(float))
    directions, explained, _ = principal_plane(h)
    assert directions.shape == (2, network.n_parameters) and 0.9 < sum(explained) <= 1 + 1e-9
    assert np.abs(directions[:, :kernel_size]).sum() > 0  # the kernels moved, and the plane follows them


def test_its_loss_is_the_networks_own_forward_pass_with_the_kernels_moved():
    h = cnn()
    sample = evaluation_sample(h)
    X, y = h.X_train[sample], h.y_train[sample]
    origin = flat_parameters(h)[-1]
    kernel_size = h.kernels[0][0].size
    along_kernels = np.zeros((2, len(origin)))
    along_kernels[0, :kernel_size] = 1 / np.sqrt(kernel_size)  # a unit move of the first kernels alone
    first_bias = kernel_size + sum(W[0].size for W in h.weights)  # every weight first, then the biases
    along_kernels[1, first_bias] = 1.0  # and of the first kernel's bias
    losses = losses_at(h, origin, along_kernels, np.array([[0.0, 0.0], [0.5, 0.0], [0.0, -0.3]]), sample)
    network = h.network_at(-1)
    assert losses[0] == pytest.approx(network.loss(X, y), rel=1e-9)
    network.kernels[0] = network.kernels[0] + 0.5 / np.sqrt(kernel_size)
    assert losses[1] == pytest.approx(network.loss(X, y), rel=1e-9) and losses[1] != pytest.approx(losses[0])
    network = h.network_at(-1)
    network.kernel_biases[0][0] -= 0.3
    assert losses[2] == pytest.approx(network.loss(X, y), rel=1e-9)


def test_the_slice_along_the_gradient_starts_at_the_snapshots_loss_and_moves_every_kernel():
    h = cnn()
    sample = evaluation_sample(h)
    ts, losses = gradient_slice(h, 0)
    network = h.network_at(0)
    assert losses[0] == pytest.approx(network.loss(h.X_train[sample], h.y_train[sample]), rel=1e-9)
    step = ts[1]
    network.kernels = [K - step * g[0].astype(float) for K, g in zip(network.kernels, h.kernel_grads)]
    network.kernel_biases = [b - step * g[0].astype(float) for b, g in zip(network.kernel_biases, h.kernel_bias_grads)]
    network.weights = [W - step * g[0].astype(float) for W, g in zip(network.weights, h.weight_grads)]
    network.biases = [b - step * g[0].astype(float) for b, g in zip(network.biases, h.bias_grads)]
    assert losses[1] == pytest.approx(network.loss(h.X_train[sample], h.y_train[sample]), rel=1e-9)


def test_a_cnns_surface_is_costed_by_its_convolutions_and_kept_under_its_budget():
    default = parse_layers(DEFAULT_CNN)
    # conv8:3 on 28x28 -> 8 maps of 26x26, 9 weights a cell; conv16:3 on 8 maps of 13x13 -> 16 of 11x11, 72 a cell.
    assert conv_example_cost(default) == 26 * 26 * 8 * 9 + 11 * 11 * 16 * 72 + 400 * 64 + 64 * 10
    examples, side = evaluation_plan(list(default.dense), 8000, architecture=default)
    assert examples == MIN_SAMPLE and MIN_RESOLUTION <= side
    assert side == MIN_RESOLUTION or side * side * (CONV_POINT_COST + examples * conv_example_cost(default)) \
        <= CONV_GRID_BUDGET
    h = cnn()
    assert plan_of(h) == evaluation_plan(h.layer_sizes, len(h.X_train), architecture=h.architecture)
    # A surface cached for a run is found only for its own kernels.
    moved = dataclasses.replace(h, kernels=[K + np.float32(0.01) for K in h.kernels])
    assert run_key(moved) != run_key(h)


def test_the_answers_at_snapshots_are_the_cnns_own():
    h = cnn()
    X = h.X_test[:5].astype(float)
    outputs = activations_at(h, [0, h.n_snapshots - 1], X)[-1]
    for row, snapshot in enumerate([0, h.n_snapshots - 1]):
        assert np.allclose(outputs[row], h.network_at(snapshot).forward(X))


# -- each chapter that tells a CNN, by the story's rules -------------------------------------------------

@pytest.mark.slow
@pytest.mark.parametrize("brief", [True, False], ids=["brief", "full"])
@pytest.mark.parametrize("chapter", [name for name in TELLS_A_CNN if name != "convolution"])
def test_every_number_said_is_shown_and_marked_and_nothing_stands_still(chapter, brief):
    scene = told_as(chapter, cnn(), brief)
    assert scene.told, "the chapter told nothing"
    assert unshown_numbers(scene) == []
    assert unmarked_numbers(scene) == []
    assert late_numbers(scene) == []
    assert small_texts(scene) == []
    assert max((seconds for _, seconds in still_spans(scene)), default=0.0) <= 4.0, still_spans(scene)
    assert hold_share(scene) < 0.15, still_spans(scene)


@pytest.mark.slow
@pytest.mark.parametrize("brief", [True, False], ids=["brief", "full"])
@pytest.mark.parametrize("chapter", [chapter.name for chapter in chapters_of(None, cnn())])
def test_every_number_is_marked_as_a_voice_says_it(chapter, brief):
    # Timed as a voice at piper's pace times the words (tests/test_story.py says why), every chapter of a
    # CNN's explainer.
    scene = told_as(chapter, cnn(), brief, voiced=True)
    assert scene.told and all(beat.voiced for beat in scene.told)
    assert unmarked_numbers(scene) == []
    assert late_numbers(scene) == []


@pytest.mark.slow
def test_the_explainers_convolution_leaves_the_kernels_replay_to_the_training_chapter():
    scene = told_as("convolution", cnn(), True)
    captions = [beat.caption for beat in scene.told]
    assert captions[0].startswith("A convolutional network reads our digit")
    assert captions[-1].startswith("The network answers") and not any("Replayed" in c for c in captions)
    assert unshown_numbers(scene) == [] and unmarked_numbers(scene) == [] and small_texts(scene) == []
    assert late_numbers(scene) == []
    assert hold_share(scene) < 0.15, still_spans(scene)


def shown_texts(scene) -> set[str]:
    return {text for beat in scene.told for text in beat.shown}


@pytest.mark.slow
def test_the_summary_counts_the_parameters_by_kind_and_ends_on_the_runs_numbers():
    h = cnn()
    scene = told_as("summary", h, False)
    in_kernels = sum(K[-1].size + b[-1].size for K, b in zip(h.kernels, h.kernel_biases))
    dense = sum(W[-1].size + b[-1].size for W, b in zip(h.weights, h.biases))
    assert in_kernels == 4 * 9 + 4 and dense == 676 * 10 + 10
    texts = shown_texts(scene)
    assert f"4 kernels, then 676 → 10: {in_kernels + dense:,} weights and biases, {in_kernels:,} in kernels" in texts
    captions = " ".join(beat.caption for beat in scene.told)
    assert f"{in_kernels + dense:,} weights and biases, {in_kernels:,} of them in the kernels" in captions
    assert {accuracy_number(h.test_accuracy[-1]), accuracy_number(h.train_accuracy[-1]),
            loss_number(h.train_loss[0]), loss_number(h.train_loss[-1])} <= texts
    # Its first layer as it ended: the kernel followed and its map of the probe, as the convolution chapter's.
    assert scene.window.weights.tolist() == h.kernels[0][-1][scene.window.kernel].astype(float).tolist()


def assert_panel_shows(panel, h: TrainingHistory, snapshot: int) -> None:
    from scenes.mobjects.conv_maps import map_colors
    from scenes.mobjects.raster import rgba_bytes
    from scenes.mobjects.style import weight_image_colors

    kernels = h.kernels[0][:, :, 0].astype(float)
    maps = h.probe_maps[0].astype(float)
    expected_kernels = weight_image_colors(kernels[snapshot], float(np.abs(kernels).max()))
    expected_maps = map_colors(maps[snapshot], float(np.abs(maps).max()))
    assert len(panel.kernels.pictures) == len(panel.maps.pictures) == kernels.shape[1]
    for picture, rgb in zip(panel.kernels.pictures, expected_kernels):
        assert np.array_equal(picture.pixels, rgba_bytes(rgb))
    for picture, rgb in zip(panel.maps.pictures, expected_maps):
        assert np.array_equal(picture.pixels, rgba_bytes(rgb))


@pytest.mark.slow
def test_the_training_replay_ends_on_the_last_kernels_and_maps_and_the_runs_curves():
    h = cnn()
    scene = told_as("training", h, True)
    assert_panel_shows(scene.conv_panel, h, -1)
    assert scene.loss_readout.text == loss_number(h.train_loss[-1])
    assert scene.accuracy_readout.text == accuracy_number(h.train_accuracy[-1])
    # Halfway between two keyframes the tiles are the blend of the two recorded states, as the caption says.
    from scenes.mobjects.raster import rgba_bytes
    from scenes.mobjects.style import weight_image_colors

    kernels = h.kernels[0][:, :, 0].astype(float)
    first, second = scene.keys[0], scene.keys[1]
    scene.conv_panel.show_at(0, 0.5)
    blend = weight_image_colors((kernels[first] + kernels[second]) / 2, float(np.abs(kernels).max()))
    assert all(np.array_equal(p.pixels, rgba_bytes(rgb)) for p, rgb in zip(scene.conv_panel.kernels.pictures, blend))
    assert any("kernels" in beat.caption for beat in scene.told)


@pytest.mark.slow
def test_the_cost_is_the_cnns_own_probability_of_the_right_digit():
    h = cnn()
    scene = told_as("cost", h, False)
    probe = int(h.probe_index)
    right = int(np.argmax(h.y_train[probe])) if h.y_train.ndim > 1 and h.y_train.shape[1] > 1 else int(h.y_train[probe])
    p = float(h.network_at(-1).forward(h.X_train[probe:probe + 1].astype(float))[0, right])
    said = next(beat for beat in scene.told if beat.caption.startswith("Its cost is"))
    assert said.caption.endswith(f"= {loss_number(-np.log(p))}.")
    average = h.network_at(-1).costs(h.X_train, h.y_train).mean()
    assert any(f": {loss_number(average)}." in beat.caption for beat in scene.told)


@pytest.mark.slow
def test_the_descent_counts_every_parameter_and_draws_the_cnns_surface():
    h = cnn()
    scene = told_as("descent", h, False)
    n = h.network_at(-1).n_parameters
    assert n == 4 * 9 + 4 + 676 * 10 + 10
    assert f"{n:,} weights and biases" in shown_texts(scene)
    sample = evaluation_sample(h)
    assert scene.landscape.n_samples == len(sample)
    # The surface's value at the final weights, the plane's origin, is the network's loss there.
    alphas, betas = scene.landscape.alphas, scene.landscape.betas
    at = losses_at(h, flat_parameters(h)[-1], scene.landscape.directions,
                   np.array([[alphas[3], betas[5]]]), sample)[0]
    assert scene.landscape.losses[5, 3] == pytest.approx(at, rel=1e-6)


# -- the CNN explainer ------------------------------------------------------------------------------

@pytest.mark.slow
def test_a_cnn_explainer_renders_its_chapters_marked_in_three_to_seven_minutes(tmp_path):
    from scenes.narration.speech import choose_voice
    from scenes.output.cluster import connected
    from scenes.output.parallel import render_explainer
    from tests.streams import read_back

    h = cnn()
    with connected(workers=2) as client:
        video = render_explainer(h, tmp_path / "explainer.mp4", resolution=(160, 90), fps=5,
                                 voice=choose_voice("espeak"), client=client)
    titles = [chapter.title for chapter in chapters_of(None, h)]
    assert [mark.title for mark in video.chapters] == titles
    assert [chapter.title for chapter in read_back(video.path)["chapters"]] == titles
    lengths = {mark.title: round(mark.end - mark.start, 1) for mark in video.chapters}
    assert 180 <= video.duration <= 420, lengths


def test_the_costs_outputs_and_costs_are_the_networks_from_one_pass_a_chunk_at_a_time(monkeypatch):
    from scenes.chapters import cost

    h = cnn()
    monkeypatch.setattr(cost, "COST_CHUNK", 7)  # chunks that do not divide the examples
    network = h.network_at(-1)
    outputs, costs = cost.outputs_and_costs(network, h.X_train, h.y_train)
    assert np.allclose(outputs, network.forward(h.X_train.astype(float)), rtol=1e-12, atol=0)
    assert np.allclose(costs, network.costs(h.X_train, h.y_train), rtol=1e-12, atol=0)
