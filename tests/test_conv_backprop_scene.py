"""Backpropagation of a convolutional run, to one weight of a first-layer kernel: the core's intermediate
errors and that weight's gradient (against finite differences), the scene's numbers against the core's,
the pool winners it lights against the recorded ones, the error map's pixels, the timeline's rules, the
layout, the chapter's pick of scene, and a tiny render."""
import functools

import numpy as np
import pytest
from click.testing import CliRunner

from cli import main
from nnscratch import RunSpec, record_run
from nnscratch.conv import pool_backward
from nnscratch.conv_backprop import explain_conv_example, steepest_kernel_weight
from scenes.narration.words import fixed
from scenes.narration.words import said_numbers
from tests.timeline import hold_share, holds, late_numbers, small_texts, told, unmarked_numbers, unshown_numbers

LAYERS = "28x28,conv4:3,pool2,conv4:3,pool2,10"


@pytest.fixture(scope="module")
def cnn():
    return record_run(RunSpec.for_dataset("digits", layers=LAYERS, samples=300, epochs=2))


def example_of(history, snapshot=0, sample=None):
    sample = history.probe_index if sample is None else sample
    network = history.network_at(snapshot)
    return network, explain_conv_example(network, history.X_train[sample].astype(float), history.y_train[sample])


def image_of(history, sample=None):
    sample = history.probe_index if sample is None else sample
    return history.X_train[sample].astype(float).reshape(history.image_shape)


def numbers(text: str) -> list[float]:
    return [float(n) for n in said_numbers(text)]


# -- the core: every error on the way back, and one weight's gradient --------------------------------

def test_the_output_error_is_the_probabilities_less_the_one_hot(cnn):
    _, ex = example_of(cnn)
    label = int(np.argmax(cnn.y_train[cnn.probe_index]))  # the digits' labels are one-hot rows
    one_hot = np.eye(10)[label]
    assert np.array_equal(cnn.y_train[cnn.probe_index], one_hot)
    assert np.allclose(ex.output_error, ex.probabilities - one_hot, atol=1e-12)
    assert np.allclose(ex.probabilities, cnn.probe_a[-1][0], atol=1e-5)  # the run's own record of the probe
    assert ex.loss == pytest.approx(-np.log(ex.probabilities[label]))
    # Carried back through the dense weights to the flattened maps, then unflattened into the last pool's.
    network, _ = example_of(cnn)
    assert np.allclose(ex.flat_error, ex.output_error @ network.weights[0])
    assert np.array_equal(ex.stage_errors[-1].d_maps.ravel(), ex.flat_error)
    assert [e.stage for e in ex.stage_errors] == [0, 1, 2, 3]
    assert [e.dz is None for e in ex.stage_errors] == [False, True, False, True]


def test_the_max_pool_sends_each_windows_error_to_its_winner_alone(cnn):
    _, ex = example_of(cnn)
    pooled_error, map_error = ex.stage_errors[1].d_maps, ex.stage_errors[0].d_maps
    winners = ex.maps.winners[2]
    assert np.array_equal(winners, cnn.probe_winners[0][0])  # the run recorded the same winners
    for f in range(len(winners)):
        for r in range(winners.shape[1]):
            for c in range(winners.shape[2]):
                window = map_error[f, 2 * r:2 * r + 2, 2 * c:2 * c + 2].ravel()
                u = int(winners[f, r, c])
                assert window[u] == pooled_error[f, r, c]
                assert not np.delete(window, u).any()
                activations = ex.maps.a[1][f, 2 * r:2 * r + 2, 2 * c:2 * c + 2].ravel()
                assert activations[u] == activations.max()
    assert np.array_equal(map_error, pool_backward(pooled_error[None], winners[None], 2, (1, *map_error.shape))[0])
    # Then ReLU's slope: delta is the error where the sum was positive, 0 elsewhere.
    z = ex.maps.z[1]
    assert np.array_equal(ex.delta(0), np.where(z > 0, map_error, 0.0))


def test_one_kernel_weights_gradient_is_the_sum_of_input_times_error_and_the_cost_slope(cnn):
    network, ex = example_of(cnn)
    f, i, j = steepest_kernel_weight(ex)
    image, delta = image_of(cnn), ex.delta(0)[f]
    by_hand = sum(image[p + i, q + j] * delta[p, q] for p in range(26) for q in range(26))
    products = ex.weight_products(f, 0, i, j)
    assert products.shape == (26, 26)
    assert products[5, 7] == image[5 + i, 7 + j] * delta[5, 7]
    assert products.sum() == pytest.approx(by_hand, rel=1e-12)
    assert float(ex.gradients.kernels[0][f, 0, i, j]) == pytest.approx(by_hand, rel=1e-10)
    assert ex.penalty_gradient(f, 0, i, j) == pytest.approx(0.0, abs=1e-12)
    # The largest of its kernel, the kernel of the largest gradient.
    grads = ex.gradients.kernels[0][:, 0]
    assert abs(grads[f, i, j]) == np.abs(grads[f]).max()
    assert (grads[f] ** 2).sum() == (grads ** 2).sum(axis=(1, 2)).max()
    # Finite differences of the example's own cost.
    x, y = cnn.X_train[cnn.probe_index].astype(float), cnn.y_train[cnn.probe_index]
    eps = 1e-6
    costs = []
    for sign in (1, -1):
        network.kernels[0][f, 0, i, j] += sign * eps
        costs.append(network.costs(x[None], np.array([y]))[0])
        network.kernels[0][f, 0, i, j] -= sign * eps
    assert (costs[0] - costs[1]) / (2 * eps) == pytest.approx(by_hand, rel=1e-5, abs=1e-9)
    # And its bias: the sum of delta. (After a step: at the start every bias is 0, so a blank patch's sum sits
    # on ReLU's kink, where a two-sided difference halves its slope.)
    network, ex = example_of(cnn, snapshot=1)
    delta = ex.delta(0)[f]
    assert (network.kernel_biases[0] != 0).all()
    costs = []
    for sign in (1, -1):
        network.kernel_biases[0][f] += sign * eps
        costs.append(network.costs(x[None], np.array([y]))[0])
        network.kernel_biases[0][f] -= sign * eps
    assert (costs[0] - costs[1]) / (2 * eps) == pytest.approx(delta.sum(), rel=1e-5, abs=1e-9)


def cost_from_first_pool(network, pooled: np.ndarray, y) -> float:
    """The example's cost run forward from the first pool's maps ``pooled`` ``(channels, rows, cols)``: the
    later stages, the dense layers and the output, by the network's own pieces but not its backward pass."""
    from nnscratch.conv import flatten, maps_forward

    stages = network.architecture.stages
    trace = maps_forward(stages[2:], network.kernels[1:], network.kernel_biases[1:], network.activation,
                         pooled[None])
    a = flatten(trace.a[-1])
    last = len(network.weights) - 1
    for layer, (W, b) in enumerate(zip(network.weights, network.biases)):
        z = a @ W.T + b
        a = network.output_layer.activation(z) if layer == last else network.activation.function(z)
    return float(network.output_layer.loss(z, network.as_targets(np.array([y]), 1)))


def test_the_second_convs_error_crosses_back_as_patches_of_delta_times_the_slice_that_add():
    # The step a dense network has no picture of: the error at the second conv's sums goes back through
    # its kernels onto the maps it read; one kernel's cell sends delta times its k x k slice to the patch it
    # saw, neighbouring patches add, and over every kernel that is the first pool's error.
    from nnscratch.conv_backprop import ErrorCrossing, crossing_pick

    run = record_run(RunSpec.for_dataset("digits", layers=LAYERS, samples=300, epochs=2))
    network, ex = example_of(run, snapshot=1)
    assert ex.conv_stages == [0, 2]
    pooled_error = ex.stage_errors[1].d_maps
    for c in range(len(pooled_error)):
        assert np.allclose(ex.input_error(2, c), pooled_error[c], atol=1e-12, rtol=0)
    # One kernel's crossing, patch by patch: each cell's delta times the kernel's slice over map c.
    g, c = 1, 2
    crossing = ex.crossing(2, g, c)
    delta = ex.delta(2)[g]
    assert np.array_equal(crossing.weights, network.kernels[1][g, c])
    by_hand = np.zeros((13, 13))
    for p in range(11):
        for q in range(11):
            assert np.array_equal(crossing.patch(p, q), delta[p, q] * network.kernels[1][g, c])
            by_hand[p:p + 3, q:q + 3] += delta[p, q] * network.kernels[1][g, c]
    assert np.allclose(crossing.spread(), by_hand, atol=1e-15)
    # The first cells only, in reading order; a cell's share of one place is 0 outside its patch.
    assert np.allclose(crossing.spread(12), sum(np.pad(crossing.patch(*divmod(k, 11)),
                                                       ((k // 11, 10 - k // 11), (k % 11, 10 - k % 11)))
                                                for k in range(12)), atol=1e-15)
    assert crossing.share(4, 5, 4, 4) == 0.0 and crossing.share(4, 5, 6, 7) == delta[4, 5] * crossing.weights[2, 2]
    # Finite differences of the example's cost in the first pool's maps, at the largest error.
    x, y = run.X_train[run.probe_index].astype(float), run.y_train[run.probe_index]
    pooled = ex.maps.a[2].copy()
    assert cost_from_first_pool(network, pooled, y) == pytest.approx(network.costs(x[None], np.array([y]))[0],
                                                                      rel=1e-12)
    c, r, t = np.unravel_index(int(np.argmax(np.abs(pooled_error))), pooled_error.shape)
    eps = 1e-6
    costs = []
    for sign in (1, -1):
        nudged = pooled.copy()
        nudged[c, r, t] += sign * eps
        costs.append(cost_from_first_pool(network, nudged, y))
    assert (costs[0] - costs[1]) / (2 * eps) == pytest.approx(ex.input_error(2, c)[r, t], rel=1e-5)
    # The cell shown: the kernel adding most to that place, and of its cells covering it, the one adding most.
    kernel, p, q = crossing_pick(ex, 2, c, r, t)
    adds = [abs(ex.crossing(2, k, c).spread()[r, t]) for k in range(4)]
    assert adds[kernel] == max(adds)
    chosen = ex.crossing(2, kernel, c)
    assert r - 2 <= p <= r and t - 2 <= q <= t
    covering = [abs(chosen.share(u, v, r, t)) for u in range(max(0, r - 2), min(11, r + 1))
                for v in range(max(0, t - 2), min(11, t + 1))]
    assert abs(chosen.share(p, q, r, t)) == max(covering) > 0
    with pytest.raises(ValueError, match="not a conv after the first"):
        ex.crossing(0, 0, 0)
    assert isinstance(crossing, ErrorCrossing)


def test_a_penalty_is_the_gradient_less_the_products():
    run = record_run(RunSpec.for_dataset("digits", layers="28x28,conv4:3,pool2,10", samples=200, epochs=1, l2=0.01))
    network, ex = example_of(run)
    f, i, j = steepest_kernel_weight(ex)
    assert ex.penalty_gradient(f, 0, i, j) == pytest.approx(0.01 * network.kernels[0][f, 0, i, j], rel=1e-9)


def test_the_backward_pass_records_nothing_unless_asked(cnn):
    # The map errors are a view into the same pass: the gradients are the same with and without them.
    network = cnn.network_at(1)
    X, y = cnn.X_train[:8].astype(float), cnn.y_train[:8]
    Y = network.as_targets(y, 8)
    plain = network.backward(network.trace(X), Y)
    errors = []
    recorded = network.backward(network.trace(X), Y, map_errors=errors)
    assert all(np.array_equal(a, b) for a, b in zip(plain.kernels, recorded.kernels))
    assert [e.stage for e in errors] == [3, 2, 1, 0] and errors[-1].dz.shape == (8, 4, 26, 26)


def test_a_dense_network_is_refused():
    network = record_run(RunSpec(epochs=2)).network_at(0)
    with pytest.raises(ValueError, match="needs a network with conv layers"):
        explain_conv_example(network, np.zeros(4), 1)


# -- the chapter picks the scene; the command line ----------------------------------------------------

def test_the_backprop_chapter_tells_a_cnn_with_its_own_scene_and_an_mlp_as_before(cnn):
    from scenes.chapters.backprop import BackpropScene
    from scenes.chapters.catalogue import BY_NAME, chapters_of
    from scenes.chapters.conv_backprop import ConvBackpropScene

    chapter = BY_NAME["backprop"]
    assert chapter.scene_class(cnn) is ConvBackpropScene
    assert chapter.scene_class(record_run(RunSpec(epochs=2))) is BackpropScene
    assert chapter.scene_class() is BackpropScene
    assert "backprop" in [c.name for c in chapters_of(None, cnn)]


@pytest.mark.parametrize("layers, message", [
    ("28x28,conv4:7,10", "up to 5x5, not conv4:7"),
    ("28x28,pool2,conv4:3,10", "starts from a conv layer over the image, not pool2"),
])
def test_what_it_cannot_draw_is_refused_before_training(tmp_path, monkeypatch, layers, message):
    import nnscratch

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(nnscratch, "record_run", lambda *_, **__: pytest.fail("trained a CNN it cannot render"))
    result = CliRunner().invoke(main, ["render", "backprop", "--dataset", "digits", "--layers", layers])
    assert result.exit_code == 2, result.output
    assert len(result.output.strip().splitlines()) == 1 and message in result.output
    assert list(tmp_path.iterdir()) == []


# -- the scene: its numbers are the core's ------------------------------------------------------------

@pytest.fixture(scope="module")
def full(cnn):
    from scenes.chapters.conv_backprop import ConvBackpropScene

    return told(ConvBackpropScene, cnn)


@pytest.mark.slow
def test_the_gradient_on_screen_is_the_cores(cnn, full):
    network, ex = example_of(cnn, full.snapshot)
    f, i, j = steepest_kernel_weight(ex)
    assert (full.kernel, full.i, full.j) == (f, i, j)
    gradient = float(ex.gradients.kernels[0][f, 0, i, j])
    assert numbers(full.total.typst_code)[-1] == float(fixed(gradient))
    assert any(f"∂C/∂w = {fixed(gradient)}".replace("-", "−") in beat.caption for beat in full.told)
    # The total is the sum of the products the map filled with.
    assert np.array_equal(full.product_map.values, ex.weight_products(f, 0, i, j))
    assert full.sum_readout.text == fixed(full.running[-1]).replace("-", "−")
    assert full.running[-1] == pytest.approx(gradient, rel=1e-12)
    # The kernel's nine gradients beside its nine weights, both the core's.
    grads = ex.gradients.kernels[0][f, 0]
    assert [float(n.original_text.replace("−", "-")) for n in full.grad_grid.numbers] == \
        [float(fixed(g)) for g in grads.ravel()]
    assert [float(n.original_text.replace("−", "-")) for n in full.kernel_grid.numbers] == \
        [round(float(w), 2) for w in network.kernels[0][f, 0].ravel()]


@pytest.mark.slow
def test_the_products_written_are_input_times_delta_at_their_places(cnn, full):
    _, ex = example_of(cnn, full.snapshot)
    image, delta = image_of(cnn), ex.delta(0)[full.kernel]
    places = full.slow_places()
    assert len(places) == 3 and len(full.lines) == 3
    products = ex.weight_products(full.kernel, 0, full.i, full.j).ravel()
    assert not products[:places[0]].any()  # the first place written is the first that counts
    for place, line in zip(places, full.lines):
        p, q = divmod(place, 26)
        x, d = image[p + full.i, q + full.j], delta[p, q]
        assert numbers(line.typst_code) == [float(fixed(x)), float(fixed(d)), float(fixed(x * d))]
    so_far = fixed(full.running[places[-1]]).replace("-", "−")
    assert any(beat.caption.endswith(f"the sum so far is {so_far}.") for beat in full.told)


@pytest.mark.slow
def test_the_winners_lit_are_the_recorded_pool_winners(cnn, full):
    from scenes.mobjects.conv_maps import map_colors

    f, snapshot = full.kernel, full.snapshot
    recorded = cnn.probe_winners[0][snapshot][f]
    a_map = cnn.probe_maps[0][snapshot][f].astype(float)
    assert np.allclose(full.a_map_values, a_map, atol=1e-5)
    lit = np.zeros(a_map.shape, dtype=bool)
    for r in range(recorded.shape[0]):
        for c in range(recorded.shape[1]):
            u, v = divmod(int(recorded[r, c]), 2)
            lit[2 * r + u, 2 * c + v] = True
    colors = map_colors(full.a_map_values, full.a_scale)
    assert np.allclose(full.a_map.colors[lit], colors[lit])
    assert np.allclose(full.a_map.colors[~lit], 0.3 * colors[~lit])
    # The window magnified: its recorded winner ringed, its error the pool's, the other cells 0.
    row, column = full.window
    assert full.winner == int(recorded[row, column])
    texts = [n.original_text for n in full.window_errors.numbers]
    assert texts.count("0") == 3 and texts[full.winner] == fixed(full.pool_error).replace("-", "−")
    _, ex = example_of(cnn, snapshot)
    assert full.pool_error == ex.stage_errors[1].d_maps[f, row, column]
    # The window shown: of those whose winner fired (its error goes on through ReLU), the largest error.
    fired = ex.maps.a[2][f] > 0
    assert fired[row, column]
    assert abs(full.pool_error) == np.abs(ex.stage_errors[1].d_maps[f])[fired].max()
    assert ex.delta(0)[f][2 * row + full.winner // 2, 2 * column + full.winner % 2] == full.pool_error
    # And the map ends as delta, the core's.
    assert np.array_equal(full.error_map.values, ex.delta(0)[f])


@pytest.mark.slow
def test_the_step_is_said_with_the_runs_rate_and_optimizer(cnn, full):
    w, stepped, then = full.step_numbers()
    snapshot, f, i, j = full.snapshot, full.kernel, full.i, full.j
    whole = float(cnn.kernel_grads[0][snapshot][f, 0, i, j])
    assert float(stepped) == pytest.approx(float(w) - 0.002 * whole, abs=10 ** -len(w.partition(".")[2]))
    assert float(then) == pytest.approx(float(cnn.kernels[0][snapshot + 1][f, 0, i, j]),
                                        abs=10 ** -len(w.partition(".")[2]))
    captions = " ".join(beat.caption for beat in full.told)
    assert "η = 0.002" in captions and "Plain gradient descent would" in captions
    assert "Adam on batches of 32, 8 steps an epoch" in captions
    way = "" if full.went_downhill() else "up, " if float(then) > float(w) else "down, "
    assert f"Adam's steps had taken this weight {way}to {then.replace('-', '−')}" in captions
    assert numbers(full.average.typst_code)[-1] == float(fixed(whole))


@functools.cache
def run_of(layers: str):
    return record_run(RunSpec.for_dataset("digits", layers=layers, samples=300, epochs=2))


# The shapes that strain it: two pools, no pool, one conv and a dense hidden layer, 5 x 5 kernels.
SHAPES = [LAYERS, "28x28,conv4:3,pool2,16,10", "28x28,conv4:3,10", "28x28,conv6:5,pool2,conv8:3,16,10"]


@pytest.mark.slow
@pytest.mark.parametrize("layers", SHAPES)
def test_every_number_said_is_shown_and_marked_without_long_stills(layers):
    from scenes.chapters.conv_backprop import ConvBackpropScene

    for brief in (False, True):
        scene = told(ConvBackpropScene, run_of(layers), brief=brief)
        assert unshown_numbers(scene) == []
        assert unmarked_numbers(scene) == []
        assert late_numbers(scene) == []
        assert small_texts(scene) == []
        assert all(seconds <= 4.0 for _, seconds in holds(scene)), holds(scene)
        assert hold_share(scene) < 0.15
        assert 40 < scene.time < (90 if brief else 180)


@pytest.mark.slow
def test_the_explainer_tells_it_briefly(cnn):
    from tests.timeline import told_as

    scene = told_as("backprop", cnn, brief=True)
    assert type(scene).__name__ == "ConvBackpropScene"
    assert unshown_numbers(scene) == [] and unmarked_numbers(scene) == []
    full = told_as("backprop", cnn, brief=False)
    assert scene.time < 0.7 * full.time


# -- what is drawn: the error map's pixels, the layout, a tiny render ---------------------------------

@pytest.mark.slow
def test_the_error_map_is_drawn_in_deltas_colours(cnn):
    from scenes.chapters.conv_backprop import ConvBackpropScene
    from scenes.mobjects.error_maps import error_colors
    from tests.frames import to_pixel
    from tests.layout import final_state
    from tests.test_what_it_learned import cell_centres

    width, height = 1280, 720
    scene, frame = final_state(ConvBackpropScene.until("Now one weight"), width, height, history=cnn)
    drawn = scene.error_map
    _, ex = example_of(cnn, scene.snapshot)
    delta = ex.delta(0)[scene.kernel]
    seen = np.array([frame[to_pixel(point, width, height)][:3] for point in cell_centres(drawn.picture.box, 26, 26)],
                    dtype=float)
    want = error_colors(delta, drawn.value_scale).reshape(-1, 3) * 255
    assert np.abs(seen - want).max() <= 3
    assert (seen[delta.ravel() == 0].sum(axis=1) <= 6).all()  # no error, no colour
    positive = delta.ravel() > 0
    assert (seen[positive, 0] > seen[positive, 1]).all()  # magenta
    assert (seen[delta.ravel() < 0, 1] > seen[delta.ravel() < 0, 0]).all()  # green


@pytest.mark.slow
@pytest.mark.parametrize("layers", [LAYERS, "28x28,conv6:5,pool2,conv8:3,16,10"])
@pytest.mark.parametrize("until", ["It starts at the output", "Green marks", "Its kernel", "The other cells",
                                   "Take kernel", "The next places add", "All at once", "But this run steps", None])
def test_each_part_lays_out_inside_the_frame_and_clear(layers, until):
    from manim import Text

    from scenes.chapters.conv_backprop import ConvBackpropScene
    from scenes.mobjects.layout import boxes_overlap
    from tests.layout import describe, final_state, labels

    scene_class = ConvBackpropScene if until is None else ConvBackpropScene.until(until)  # None: its last frame
    scene, _ = final_state(scene_class, 854, 480, history=run_of(layers))
    found = [m for m in labels(scene) if not (isinstance(m, Text) and m in set(_grid_numbers(scene)))]
    assert len(found) >= 4
    half_w, half_h = scene.camera.frame_width / 2 - 0.1, scene.camera.frame_height / 2 - 0.1
    outside = [describe(m) for m in found if m.get_left()[0] < -half_w or m.get_right()[0] > half_w
               or m.get_bottom()[1] < -half_h or m.get_top()[1] > half_h]
    assert outside == []
    crowded = [(describe(a), describe(b)) for k, a in enumerate(found) for b in found[k + 1:]
               if boxes_overlap(a, b, tolerance=0.01)]
    assert crowded == []


def _grid_numbers(scene):
    """The numbers written in the cells of the value grids: each in its own cell, beside its neighbours."""
    for name in ("kernel_grid", "grad_grid", "window_grid", "window_errors"):
        grid = getattr(scene, name, None)
        if grid is not None:
            yield from grid.numbers


@pytest.mark.slow
def test_a_tiny_render(cnn, tmp_path):
    from scenes.chapters.conv_backprop import ConvBackpropScene
    from scenes.output.render import render
    from tests.frames import read_video

    video = render(ConvBackpropScene.until("Take kernel"), tmp_path / "bp.mp4", resolution=(160, 90), fps=5,
                   history=cnn)
    frames, _, width, height = read_video(video.path)
    assert (width, height) == (160, 90) and abs(len(frames) - video.duration * 5) <= 2
    assert np.asarray(frames[-1]).mean() > 2
    assert (tmp_path / "bp.srt").read_text().count("-->") >= 4


@pytest.mark.slow
def test_the_cli_renders_a_cnn_runs_backprop_still(cnn, tmp_path):
    from PIL import Image

    run = cnn.save(tmp_path / "cnn.npz")
    out = tmp_path / "bp.png"
    result = CliRunner().invoke(main, ["render", "backprop", "--run", str(run), "--still", "--quality", "low",
                                       "--output", str(out)])
    assert result.exit_code == 0, result.output
    with Image.open(out) as image:
        assert image.size == (854, 480) and np.asarray(image.convert("L")).mean() > 2


@pytest.mark.slow
def test_plain_gradient_descent_is_said_as_the_step_the_run_took():
    from scenes.chapters.conv_backprop import ConvBackpropScene

    run = record_run(RunSpec.for_dataset("digits", layers="28x28,conv4:3,pool2,16,10", samples=300, epochs=2,
                                         optimizer="sgd", learning_rate=0.1, batch_size=None))
    scene = told(ConvBackpropScene, run)
    assert scene.plain_steps() and scene.next_epoch == scene.epoch + 1
    w, stepped, then = scene.step_numbers()
    assert stepped == then  # one full-batch step of w - lr * gradient is where the run was an epoch later
    assert scene.told[-1].caption.startswith("Gradient descent steps against it") and "η = 0.1" in scene.told[-1].caption
    assert unshown_numbers(scene) == [] and unmarked_numbers(scene) == []


@pytest.mark.slow
def test_momentum_dropout_and_a_penalty_are_said():
    from scenes.chapters.conv_backprop import ConvBackpropScene

    run = record_run(RunSpec.for_dataset("digits", layers="28x28,conv4:3,pool2,16,10", samples=300, epochs=2,
                                         optimizer="momentum", learning_rate=0.05, l2=0.01, dropout=0.2))
    scene = told(ConvBackpropScene, run)
    captions = [beat.caption for beat in scene.told]
    assert any("with the penalty's" in caption for caption in captions)
    # The optimizer's sentence, then where its steps took the weight.
    assert "momentum on batches of 32, 8 steps an epoch, silencing 20% of its hidden neurons" in captions[-2]
    assert "momentum's steps had taken this weight" in captions[-1]
    assert unshown_numbers(scene) == [] and unmarked_numbers(scene) == [] and small_texts(scene) == []


# -- the craft pass (issue 23, the fresh review's CNN findings) ----------------------------------------

@pytest.mark.slow
def test_the_error_crosses_the_second_conv_on_screen_with_the_backward_passs_numbers(cnn, full):
    # The review: "Back through the 2 dense layers ... Then the first pool's 8 maps" skipped the second pool
    # and the conv, the step new in a CNN. Now one slice of it is told, from the run's numbers.
    network, ex = example_of(cnn, full.snapshot)
    f, g, (p, q) = full.kernel, full.cross_kernel, full.cross_cell
    row, column = full.window
    assert full.cross_target_cell == (row, column)  # the cell the next beat magnifies
    captions = [beat.caption for beat in full.told]
    start = next(k for k, caption in enumerate(captions) if caption.startswith("Through the second pool"))
    assert captions[start - 1].startswith("Green marks") and captions[start - 2].startswith("Back through")
    assert captions[start + 4].startswith("Take kernel") and not any("first pool's" in c for c in captions)
    assert "winner" in captions[start] and "δ" in captions[start]  # the second pool's routing, in a clause
    # The slice: the second conv's kernel over the followed map; the patch: one cell's delta times it.
    weights, delta = network.kernels[1][g, f], ex.delta(2)[g]
    assert np.array_equal(full.slice_grid.values, weights)
    assert [n.original_text for n in full.patch_grid.numbers] == \
        [fixed(v, 2).replace("-", "−") for v in (delta[p, q] * weights).ravel()]
    assert f"δ, {fixed(delta[p, q]).replace('-', '−')}, times the slice on pool map {f + 1}" in captions[start + 1]
    # Its neighbours' patches land one after another, each cell with an error once, and add.
    sums = full.crossing_sums()
    assert len(sums) == np.count_nonzero(delta)
    assert np.allclose(sums[0][p:p + 3, q:q + 3], delta[p, q] * weights) and np.count_nonzero(sums[0]) <= 9
    assert np.allclose(sums[-1], full.crossing.spread(), atol=1e-15)
    # All kernels' patches: the first pool's error as the backward pass gives it, said at the next beat's cell.
    assert np.array_equal(full.cross_values, ex.stage_errors[1].d_maps[f])
    total = fixed(ex.stage_errors[1].d_maps[f, row, column]).replace("-", "−")
    assert full.cross_words.original_text == "a transposed convolution"
    assert captions[start + 3].endswith(f"pool map {f + 1}'s error, {total}.")
    assert total == fixed(full.pool_error).replace("-", "−")


@pytest.mark.slow
def test_the_crossing_is_a_short_beat_when_told_briefly(cnn):
    from tests.timeline import told_as

    scene = told_as("backprop", cnn, brief=True)
    told = scene.told
    k = next(i for i, beat in enumerate(told) if beat.caption.startswith("Through the second pool"))
    # The review: the crossing's two ideas (a cell's patch; every kernel's patches adding) had 6.4 s; now about 10.
    assert "3 × 3 slice" in told[k + 1].caption and told[k + 2].caption.startswith(
        "Each pool cell's error sums δ × weight over the kernels")
    assert told[k + 3].caption.startswith("The first pool")
    assert 9.0 <= told[k + 3].start - told[k + 1].start <= 13.0
    assert unshown_numbers(scene) == [] and unmarked_numbers(scene) == []


@pytest.mark.slow
@pytest.mark.parametrize("brief", [False, True], ids=["full", "brief"])
def test_the_error_colours_are_keyed_once_where_the_error_maps_first_appear(cnn, brief):
    from scenes.chapters.conv_backprop import ConvBackpropScene
    from scenes.mobjects.error_maps import error_colors

    scene = told(ConvBackpropScene, cnn, brief=brief)
    keyed = [k for k, beat in enumerate(scene.told) if "green" in beat.caption.lower()]
    assert len(keyed) == 1 and "magenta" in scene.told[keyed[0]].caption.lower()
    assert scene.told[keyed[0] - 1].caption.startswith("Back through")  # the beat the error maps appear in
    (green_swatch, green_words), (magenta_swatch, magenta_words) = scene.key
    assert green_words.original_text == "green: raising it lowers the cost"
    assert magenta_words.original_text == "magenta: lowering it does"
    assert np.allclose(green_swatch.get_fill_color().to_rgb(), error_colors(np.array([-1.0]), 1.0)[0], atol=0.01)
    assert np.allclose(magenta_swatch.get_fill_color().to_rgb(), error_colors(np.array([1.0]), 1.0)[0], atol=0.01)
    # True to the code's sign: the right class's error p - 1 is negative, drawn green, and raising its sum
    # does lower the cost; a wrong class's is positive, magenta, and lowering its sum lowers the cost.
    network, ex = example_of(cnn, scene.snapshot)
    x, y = cnn.X_train[scene.sample].astype(float), cnn.y_train[scene.sample]
    z = network.trace(x[None]).z[-1]
    Y = network.as_targets(np.array([y]), 1)
    truth, wrong = scene.truth, int(np.argmax(np.where(ex.target > 0, -1.0, ex.output_error)))
    cost = network.output_layer.loss(z, Y)
    nudge = np.eye(len(ex.target))
    assert ex.output_error[truth] < 0 and network.output_layer.loss(z + 1e-3 * nudge[truth], Y) < cost
    assert ex.output_error[wrong] > 0 and network.output_layer.loss(z - 1e-3 * nudge[wrong], Y) < cost
    drawn = error_colors(ex.output_error, 1.0)
    assert drawn[truth][1] > drawn[truth][0] and drawn[wrong][0] > drawn[wrong][1]


@pytest.mark.slow
@pytest.mark.parametrize("layers", [LAYERS, "28x28,conv6:5,pool2,conv8:3,16,10"])
@pytest.mark.parametrize("downhill", [True, False], ids=["downhill", "uphill"])
def test_where_the_runs_steps_took_the_weight_is_said_without_contradiction(downhill, layers):
    # The review: the gradient +0.0896 would lower w, yet Adam's epoch moved it up, unexplained. Where the
    # run's next weight lies uphill of this gradient, the chapter says why; where downhill, it just says so.
    import copy

    from manim import Text

    from scenes.chapters.conv_backprop import ConvBackpropScene
    from scenes.mobjects.layout import boxes_overlap
    from tests.layout import describe, labels

    run = copy.deepcopy(run_of(layers))
    probe = told(ConvBackpropScene.until("Take kernel"), run)
    s, f, i, j = probe.snapshot, probe.kernel, probe.i, probe.j
    w, gradient = float(run.kernels[0][s][f, 0, i, j]), float(run.kernel_grads[0][s][f, 0, i, j])
    run.kernels[0][s + 1][f, 0, i, j] = w - 0.05 * np.sign(gradient) * (1 if downhill else -1)
    scene = told(ConvBackpropScene, run)
    assert scene.went_downhill() == downhill
    then = scene.step_numbers()[2].replace("-", "−")
    assert float(then.replace("−", "-")) == pytest.approx(float(run.kernels[0][s + 1][f, 0, i, j]), abs=1e-4)
    last = scene.told[-1].caption
    if downhill:
        assert last == f"By epoch 1, Adam's steps had taken this weight to {then}."
        assert scene.why_line not in scene.mobjects
    else:
        way = "up" if gradient > 0 else "down"
        assert last.startswith(f"Yet by epoch 1 Adam's steps had taken this weight {way}, to {then}:")
        assert "the slope under it changed" in last and scene.why_line in scene.mobjects
    assert scene.then_line.original_text in (f"epoch 1, by Adam: w = {then}", f"epoch 1: w = {then}")
    assert unshown_numbers(scene) == [] and unmarked_numbers(scene) == []
    # Written where it fits: inside the frame, clear of the step, the optimizer's lines and the grids.
    found = [m for m in labels(scene) if not (isinstance(m, Text) and m in set(_grid_numbers(scene)))]
    assert scene.then_line in found and (downhill or any(m in scene.why_line.get_family() for m in found))
    area = scene.area
    assert [describe(m) for m in found if m.get_left()[0] < area.left - 0.01 or m.get_right()[0] > area.right + 0.01
            or m.get_bottom()[1] < area.bottom - 0.01] == []
    assert [(describe(a), describe(b)) for k, a in enumerate(found) for b in found[k + 1:]
            if boxes_overlap(a, b, tolerance=0.01)] == []


@pytest.mark.slow
@pytest.mark.parametrize("brief", [False, True], ids=["full", "brief"])
def test_the_worked_numbers_the_step_and_the_output_table_are_legible_at_480p(cnn, brief):
    # The review measured "0.310 · (−0.0415) = −0.0129" at 10-11 px, the step and Adam's block at 10 px,
    # "0.04 − 1 = −0.96" at 6 px and the table's p, y, p − y at 8 px, at 480p: each is now 14 px or more.
    from manim import config

    from scenes.chapters.conv_backprop import ConvBackpropScene
    from tests.timeline import LEGIBLE_PIXELS, measured, small_pixels

    scene = told(measured(ConvBackpropScene), cnn, brief=brief)
    formulas = [line.typst_code for line in scene.lines] + [
        scene.right_formula.typst_code, scene.rule.typst_code, scene.total.typst_code, scene.average.typst_code,
        scene.step_line.typst_code]
    words = [line.original_text for line in scene.run_lines if hasattr(line, "original_text")] + [
        scene.then_line.original_text, scene.header[0].original_text]
    if getattr(scene, "cross_stage", None) is not None:  # the crossing's rule, in words, and its sum
        words += [line.original_text for line in (*scene.cross_rule, *scene.share_lines)]
    seen = {text for _, heights in scene.pixels for text in heights}
    assert set(formulas[:3]) <= seen and scene.step_line.typst_code in seen and scene.then_line.original_text in seen
    assert small_pixels(scene, lambda text: text in formulas or text in words) == []
    assert small_pixels(scene, lambda text: text.startswith("$")) == []  # and every formula of the chapter
    # The headers have no digits: their letters' own height, drawn.
    per_unit = 480 / config.frame_height
    for letter in scene.header[1:]:
        assert letter.height * per_unit >= LEGIBLE_PIXELS, letter.typst_code


@pytest.mark.slow
@pytest.mark.parametrize("layers", [LAYERS, "28x28,conv6:5,pool2,conv8:3,16,10", "28x28,conv4:3,10"])
def test_no_label_is_written_over_another_still_on_screen(layers):
    # The review: "δ of kernel 4, 26 × 26" was written over the fading "error of kernel 4's map" for 3 s.
    from manim import FadeOut, Write

    from scenes.chapters.base import after_gone, gone_first
    from scenes.chapters.conv_backprop import ConvBackpropScene
    from scenes.mobjects.layout import boxes_overlap
    from tests.layout import describe, labels

    clashes: list[tuple[str, str]] = []

    class Watched(ConvBackpropScene):

        def play(self, *animations, **kwargs) -> None:
            written = [a for a in animations if isinstance(a, Write)]
            # What fades out first, before a line written only after it is gone, is not written over.
            leaving = {id(m) for a in animations if isinstance(a, FadeOut) and a.rate_func is gone_first
                       for m in a.mobject.get_family()}
            if written:
                in_grids = set(_grid_numbers(self))
                present = [m for m in labels(self) if m not in in_grids]
                for write in written:
                    new, waits = write.mobject, write.rate_func is after_gone
                    clashes.extend((describe(new), describe(old)) for old in present
                                   if old is not new and not (waits and id(old) in leaving)
                                   and boxes_overlap(new, old, tolerance=0.01))
            super().play(*animations, **kwargs)

    for brief in (False, True):
        told(Watched, run_of(layers), brief=brief)
        assert clashes == []


@pytest.mark.slow
@pytest.mark.parametrize("brief", [False, True], ids=["full", "brief"])
def test_the_question_is_asked_over_the_networks_answer(cnn, brief):
    # The review: only the digit was on screen while "How does sample 0 move the first layer's kernels" was
    # asked. The output table (class, p, y) comes up with it; its errors come with the next beat.
    from scenes.chapters.conv_backprop import ConvBackpropScene
    from tests.layout import final_state

    scene, frame = final_state(ConvBackpropScene.until("Backpropagation through"), 854, 480, history=cnn,
                               brief=brief)
    family = set(scene.get_mobject_family_members())
    assert all(part in family for part in scene.header[:3])
    assert all(part in family for row in scene.rows for part in row[:3])
    assert not any(part in family for row in scene.rows for part in row[3:])
    p = [float(row[1].original_text) for row in scene.rows]
    assert p == [float(f"{v:.2f}") for v in example_of(cnn, scene.snapshot)[1].probabilities]
    # The right half under the title is inked with it: more than the subtitle's tail.
    right = np.asarray(frame[70:, 427:, :3], dtype=float).max(axis=2)
    assert (right > 100).mean() > 0.01


@pytest.mark.slow
@pytest.mark.parametrize("brief", [False, True], ids=["full", "brief"])
def test_the_first_product_is_written_as_it_is_said_and_added_after(cnn, brief):
    # The review (cue 62, "Here 0.310 × −0.0415 = −0.0129"): the window swept blank rows while "Here 0.310" was
    # said, the sum so far jumped to −0.0129 before any product was written, and "0.310 ·" came 1-1.5 s late.
    from scenes.chapters.conv_backprop import ConvBackpropScene
    from tests.timeline import NUMBER_SLACK, late_numbers

    seen: list[tuple[float, float, int, str, bool, bool]] = []  # (start, end, filled, sum, factors, product)

    class Watched(ConvBackpropScene):
        def play(self, *animations, **kwargs) -> None:
            start = self.time
            super().play(*animations, **kwargs)
            if hasattr(self, "first_parts"):
                shown = set(self.get_mobject_family_members())
                factors, product = self.first_parts
                seen.append((start, self.time, self.product_map.filled, self.sum_readout.text,
                             factors in shown or self.lines[0] in shown, product in shown or self.lines[0] in shown))

    scene = told(Watched, cnn, brief=brief)
    assert late_numbers(scene) == []
    place = scene.slow_places()[0]
    x_said, product_said = scene.first_numbers()
    beat = next(b for b in scene.told if f" {x_said} " in b.caption and product_said in b.caption)
    said_at = lambda words: beat.start + beat.spoken * beat.caption.index(words) / len(beat.caption)
    # The window stands on the place, and its factors are being written, as the pixel's value is said.
    factors_from = min(start for start, _, _, _, factors, _ in seen if factors)
    assert factors_from <= said_at(x_said) + NUMBER_SLACK
    assert all(filled == place + 1 for start, _, filled, *_ in seen if factors_from <= start < beat.end)
    # The sum so far counts the product only once the product is written.
    total = fixed(scene.running[place]).replace("-", "−")
    assert scene.running[place] != 0
    first_sum = min(end for _, end, _, text, _, _ in seen if text == total)
    product_at = min(end for _, end, _, _, _, product in seen if product)
    assert product_at <= first_sum
    assert all(text in ("0", fixed(0.0)) for _, end, _, text, _, _ in seen if end < product_at)


@pytest.mark.slow
@pytest.mark.parametrize("layers", [LAYERS, "28x28,conv6:5,pool2,conv8:3,16,10"])
def test_the_crossed_cells_error_is_added_kernel_by_kernel_to_the_backward_passs(layers):
    # The review: "all 16 kernels' patches: 0.180" was only words, the rule a formula with 6 px subscripts. Now
    # the followed kernel's share, the next largest ones' and the others' add up, line by line, to the cell's
    # error, and the rule is said in words.
    from scenes.chapters.conv_backprop import NAMED_KERNELS, ConvBackpropScene
    from nnscratch.conv_backprop import kernel_shares

    history = run_of(layers)
    scene = told(ConvBackpropScene, history)
    network, ex = example_of(history, scene.snapshot)
    s, f, (row, column) = scene.cross_stage, scene.kernel, scene.cross_target_cell
    shares = kernel_shares(ex, s, f, row, column)
    target = ex.stage_errors[s - 1].d_maps[f, row, column]
    assert shares.sum() == pytest.approx(target, abs=1e-12)
    assert len(shares) == network.kernels[1].shape[0] > NAMED_KERNELS
    order = scene.share_order()
    assert order[0] == scene.cross_kernel and len(set(order)) == NAMED_KERNELS
    assert min(abs(shares[k]) for k in order[1:]) >= max(abs(shares[k]) for k in range(len(shares)) if k not in order)
    lines = [line.original_text for line in scene.share_lines]
    assert len(lines) == NAMED_KERNELS + 1
    running = np.cumsum(shares[order])
    for n, (k, line) in enumerate(zip(order, lines)):
        assert f"kernel {k + 1}: {fixed(shares[k]).replace('-', '−')}" in line
        if n:
            assert line.endswith(f"= {fixed(running[n]).replace('-', '−')}")
    others = len(shares) - NAMED_KERNELS
    rest = fixed(shares.sum() - running[-1]).replace("-", "−")
    assert lines[-1] == f"+ the other {others}: {rest} = {fixed(target).replace('-', '−')}"
    # The map ends as the backward pass's error of the followed map; each step before it, the kernels so far.
    sums = scene.share_sums()
    assert np.allclose(sums[0], ex.crossing(s, order[0], f).spread(), atol=1e-15)
    assert np.array_equal(sums[-1], ex.stage_errors[s - 1].d_maps[f])
    assert np.array_equal(scene.pooled_map.values, ex.stage_errors[s - 1].d_maps[f])
    rule = " ".join(line.original_text for line in scene.cross_rule)
    assert rule == "each pool cell's error sums δ × weight over the kernels"
    # Told briefly, the kernels are named and the cell's error said, each written as it is said.
    brief = told(ConvBackpropScene, history, brief=True)
    caption = next(b.caption for b in brief.told if b.caption.startswith("Each pool cell's error sums"))
    assert f"kernel {order[0] + 1}'s" in caption and f"the other {others}'s" in caption
    assert caption.endswith(f"make {fixed(target).replace('-', '−')}.")
    assert late_numbers(brief) == [] and late_numbers(scene) == []


@pytest.mark.slow
@pytest.mark.parametrize("brief", [False, True], ids=["full", "brief"])
def test_the_followed_kernel_is_named_at_its_epoch_and_where_training_took_it(cnn, brief):
    # The review: backprop's kernel 4 (epoch 0: 0.17 ...) and the convolution chapter's (trained: 0.29 ...)
    # were never bridged. The grid says its epoch; the sentence says where training took the weight.
    from scenes.chapters.conv_backprop import ConvBackpropScene
    from nnscratch.followed_window import strongest
    from scenes.narration.words import number

    scene = told(ConvBackpropScene, cnn, brief=brief)
    f, i, j = scene.kernel, scene.i, scene.j
    assert scene.epoch == 0 and scene.kernel_note.original_text == f"kernel {f + 1} at epoch 0"
    trained = number(float(cnn.kernels[0][-1][f, 0, i, j]))
    last = int(cnn.snapshot_epochs[-1])
    assert scene.trained_label.original_text == f"epoch {last}: w = {trained}"
    assert trained != number(scene.weight())  # training moved it
    caption = next(b.caption for b in scene.told if f"weight of kernel {f + 1}" in b.caption)
    assert trained in caption and number(scene.weight()) in caption
    assert ("as training began" if not brief else "at the start") in caption
    # "we saw" only where the convolution chapter showed this kernel trained: the probe's strongest map at the end.
    shown = f == strongest(cnn.probe_maps[0][-1].astype(float)) and scene.sample == cnn.probe_index
    assert ("we saw" in caption) == (brief and shown)
