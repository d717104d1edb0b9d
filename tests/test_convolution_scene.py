"""The convolution chapter: the run's own kernel, pixels, products, sum and map on screen, recomputed here
from the history's arrays; the map's pixels in its values' colours; the timeline's rules; and the refusals
(a run of dense layers here, a convolutional run in every other chapter)."""
import numpy as np
import pytest
from click.testing import CliRunner

from cli import main
from nnscratch import RunSpec, record_run
from scenes.chapters.convolution import ConvolutionScene
from scenes.mobjects.conv_maps import map_colors
from scenes.mobjects.style import weight_image_colors
from scenes.narration.words import number, said_numbers
from tests.frames import to_pixel
from tests.layout import final_state
from tests.test_what_it_learned import cell_centres
from tests.timeline import (
    hold_share,
    holds,
    late_numbers,
    small_texts,
    told,
    unmarked_numbers,
    unshown_numbers,
)

LAYERS = "28x28,conv8:3,pool2,conv16:3,pool2,10"


@pytest.fixture(scope="module")
def cnn():
    return record_run(RunSpec.for_dataset("digits", layers=LAYERS, samples=600, epochs=1))


def hand_convolution(cnn):
    """Kernel, place, pixels and sum found here from the history's arrays alone: the first conv's
    kernel whose recorded map sums highest, its map's largest cell, the pixels under it, w·x + b."""
    maps = cnn.probe_maps[0][-1].astype(float)
    kernel = int(np.argmax([m.sum() for m in maps]))
    row, column = np.unravel_index(np.argmax(maps[kernel]), maps[kernel].shape)
    weights = cnn.kernels[0][-1][kernel, 0].astype(float)
    image = cnn.probe_input.astype(float).reshape(28, 28)
    patch = image[row:row + 3, column:column + 3]
    bias = float(cnn.kernel_biases[0][-1][kernel])
    z = sum(weights[u, v] * patch[u, v] for u in range(3) for v in range(3)) + bias
    return kernel, (int(row), int(column)), weights, patch, bias, z, maps[kernel]


def shown(text: str) -> list[float]:
    return [float(n) for n in said_numbers(text)]


@pytest.mark.slow
def test_the_kernel_products_and_sum_are_the_runs(cnn):
    kernel, place, weights, patch, bias, z, a_map = hand_convolution(cnn)
    scene = told(ConvolutionScene.until("Then ReLU"), cnn)
    k = scene.first
    assert (k.kernel, (k.row, k.column)) == (kernel, place)
    assert [float(n.original_text.replace("−", "-")) for n in scene.kernel.numbers] == \
        [round(w, 2) for w in weights.ravel()]
    assert [float(n.original_text) for n in scene.window.numbers] == [round(x, 2) for x in patch.ravel()]
    # Each line of products writes a row of the kernel's weights, each with the pixel it multiplies.
    for row, line in enumerate(scene.product_lines[:3]):
        assert shown(line.typst_code) == [v for w, x in zip(weights[row], patch[row]) for v in (round(w, 2), round(x, 2))]
    assert shown(scene.product_lines[3].typst_code) == [round(bias, 2)]
    assert shown(scene.sum_line.typst_code) == [round(z, 2)]
    # The map's value there is the sum after ReLU, as the history recorded it.
    assert a_map[place] == pytest.approx(max(z, 0.0), abs=1e-5)
    assert shown(scene.relu_line.typst_code)[-1] == round(max(z, 0.0), 2)
    assert z > 0  # the place shown is the map's largest: a sum ReLU keeps


@pytest.mark.slow
def test_the_feature_maps_pixels_follow_its_values(cnn):
    width, height = 1280, 720
    scene, frame = final_state(ConvolutionScene.until("Then ReLU"), width, height, history=cnn)
    _, _, _, _, _, _, a_map = hand_convolution(cnn)
    feature = scene.feature
    assert np.array_equal(feature.values, a_map.astype(float))
    seen = np.array([frame[to_pixel(point, width, height)][:3] for point in cell_centres(feature.picture.box, 26, 26)],
                    dtype=float)
    want = map_colors(a_map, feature.value_scale).reshape(-1, 3) * 255
    assert np.abs(seen - want).max() <= 3
    brightness = seen.sum(axis=1)
    assert np.corrcoef(brightness, a_map.ravel())[0, 1] > 0.95
    assert brightness[np.argmax(a_map)] > brightness[np.argmin(a_map)] + 100


@pytest.mark.slow
def test_the_story_shows_and_marks_every_number_it_says_without_holds(cnn):
    scene = told(ConvolutionScene, cnn)
    assert unshown_numbers(scene) == []
    assert unmarked_numbers(scene) == []
    assert late_numbers(scene) == []
    assert small_texts(scene) == []
    assert all(seconds <= 4.0 for _, seconds in holds(scene)), holds(scene)
    assert hold_share(scene) < 0.15
    z = hand_convolution(cnn)[5]
    assert any(f"z = {z:.2f}".replace("-", "−") in beat.caption for beat in scene.told)


@pytest.fixture(scope="module")
def run_files(tmp_path_factory, cnn):
    folder = tmp_path_factory.mktemp("runs")
    dense = record_run(RunSpec(epochs=20))
    dense.save(folder / "dense.npz")
    cnn.save(folder / "cnn.npz")
    return folder


def test_a_run_of_dense_layers_is_refused_in_one_line(run_files, tmp_path):
    out = tmp_path / "conv.mp4"
    result = CliRunner().invoke(main, ["render", "convolution", "--run", str(run_files / "dense.npz"),
                                       "--output", str(out)])
    assert result.exit_code == 2
    message = result.output.strip().splitlines()
    assert len(message) == 1 and "the convolution chapter draws conv layers" in message[0] \
        and "not 4,6,4,1" in message[0], result.output
    assert not out.exists()


def test_the_other_chapters_still_refuse_a_convolutional_run(run_files, tmp_path):
    result = CliRunner().invoke(main, ["render", "forward", "--run", str(run_files / "cnn.npz"),
                                       "--output", str(tmp_path / "f.mp4")])
    assert result.exit_code == 2 and "the forward chapter passes an input through dense layers only" in result.output
    result = CliRunner().invoke(main, ["render", "explainer", "--chapters", "convolution"])
    assert result.exit_code == 2 and "the convolution chapter draws conv layers, so it needs" in result.output


@pytest.mark.parametrize("layers, message", [
    ("784,16,10", "needs a convolutional network"),
    ("28x28,conv4:7,10", "up to 5x5, not conv4:7"),
    ("28x28,conv40:3,pool2,pool2,10", "up to 32 of them, not conv40:3"),
    ("28x28,conv8:3,pool2,conv33:3,10", "up to 32 of them, not conv33:3"),
    ("28x28,pool2,conv4:3,10", "starts from a conv layer over the image, not pool2"),
])
def test_training_for_it_refuses_what_it_cannot_draw_before_any_work(tmp_path, layers, message):
    result = CliRunner().invoke(main, ["render", "convolution", "--layers", layers, "--epochs", "1",
                                       "--output", str(tmp_path / "c.mp4")])
    assert result.exit_code == 2 and message in result.output, result.output
    assert len(result.output.strip().splitlines()) == 1
    assert list(tmp_path.iterdir()) == []


@pytest.mark.slow
def test_every_kernel_pool_winner_next_layer_and_answer_are_the_runs(cnn):
    scene = told(ConvolutionScene, cnn)
    first_maps = cnn.probe_maps[0][-1].astype(float)
    assert [m.values.tolist() for m in scene.slot_maps] == first_maps.tolist()
    # The pool window holds the map's four values around the place shown, and the winner lit is the
    # recorded one, which is also the window's largest value and the pooled map's value there.
    kernel, (row, column), *_ = hand_convolution(cnn)
    pool = scene.pooled
    assert (pool.row, pool.column) == (row // 2, column // 2)
    window = first_maps[kernel, 2 * pool.row:2 * pool.row + 2, 2 * pool.column:2 * pool.column + 2]
    assert [float(n.original_text) for n in scene.pool_grid.numbers] == [round(v, 2) for v in window.ravel()]
    assert pool.winner == int(cnn.probe_winners[0][-1][kernel, pool.row, pool.column])
    assert window.ravel()[pool.winner] == window.max()
    assert scene.winner_number is scene.pool_grid.numbers[pool.winner]
    assert pool.value == pytest.approx(cnn.probe_maps[1][-1][kernel, pool.row, pool.column])
    # The next conv: one value of its map, the sum over all eight pooled maps of slice times window, plus bias.
    pooled = cnn.probe_maps[1][-1].astype(float)
    second = cnn.probe_maps[2][-1].astype(float)
    f = int(np.argmax(second.reshape(len(second), -1).sum(axis=1)))
    i, j = np.unravel_index(np.argmax(second[f]), second[f].shape)
    weights = cnn.kernels[1][-1][f].astype(float)
    z = sum(float((weights[c] * pooled[c, i:i + 3, j:j + 3]).sum()) for c in range(len(pooled)))
    z += float(cnn.kernel_biases[1][-1][f])
    assert (scene.second.kernel, scene.second.row, scene.second.column) == (f, i, j)
    assert shown(scene.channel_sum[0].typst_code)[-1] == round(z, 2)
    assert second[f, i, j] == pytest.approx(max(z, 0.0), abs=1e-5)
    assert np.array_equal(scene.out_map.values, second[f])
    # The answer: the recorded probabilities, the largest named.
    probabilities = cnn.probe_a[-1][-1]
    assert [float(v.original_text) for v in scene.bar_values] == [round(float(p), 2) for p in probabilities]
    best = int(np.argmax(probabilities))
    assert any(beat.caption.startswith(f"The network answers {best},") for beat in scene.told)
    assert len(scene.column) == 16 and scene.last_note.original_text.endswith("= 400 numbers")


@pytest.mark.slow
@pytest.mark.parametrize("layers", ["28x28,conv4:3,10", "28x28,conv6:5,pool2,conv8:3,16,10"])
def test_other_shapes_keep_the_rules(layers):
    run = record_run(RunSpec.for_dataset("digits", layers=layers, samples=300, epochs=1))
    scene = told(ConvolutionScene, run)
    assert unshown_numbers(scene) == [] and unmarked_numbers(scene) == [] and small_texts(scene) == []
    assert all(seconds <= 4.0 for _, seconds in holds(scene)) and hold_share(scene) < 0.15
    assert any(beat.caption.startswith(f"The network answers {int(np.argmax(run.probe_a[-1][-1]))},")
               for beat in scene.told)


@pytest.mark.slow
def test_the_pooled_map_is_drawn_in_its_recorded_values(cnn):
    width, height = 1280, 720
    scene, frame = final_state(ConvolutionScene.until("Window after window"), width, height, history=cnn)
    kernel = hand_convolution(cnn)[0]
    pooled = cnn.probe_maps[1][-1][kernel].astype(float)
    drawn = scene.pooled_map
    assert np.array_equal(drawn.values, pooled)
    seen = np.array([frame[to_pixel(point, width, height)][:3] for point in cell_centres(drawn.picture.box, 13, 13)],
                    dtype=float)
    # Drawn in its values' colours; and each value is the largest of its 2 x 2 window of the first map.
    assert np.abs(seen - map_colors(pooled, drawn.value_scale).reshape(-1, 3) * 255).max() <= 3
    first = cnn.probe_maps[0][-1][kernel].astype(float)[:26, :26].reshape(13, 2, 13, 2).max(axis=(1, 3))
    assert np.allclose(pooled, first)


# -- how the kernels were learned: before and after, and the replay ------------------------------------------

@pytest.fixture(scope="module")
def trained():
    """A run with a few snapshots to replay, one after every epoch, whose kernels move enough to see."""
    return record_run(RunSpec.for_dataset("digits", layers="28x28,conv6:3,pool2,10", samples=300, epochs=4,
                                          learning_rate=0.02))


def drawn_tiles(frame, tiles, images, width, height):
    """The colours at the centre of each cell of each tile, as rendered: (tiles, cells, 3)."""
    cells = images.shape[-1]
    return np.array([[frame[to_pixel(point, width, height)][:3] for point in cell_centres(picture.box, cells, cells)]
                     for picture in tiles.pictures], dtype=float)


@pytest.mark.slow
def test_the_kernels_before_and_after_training_are_drawn_from_the_recorded_ones(trained):
    width, height = 640, 360
    scene, frame = final_state(ConvolutionScene, width, height, history=trained)
    kernels = trained.kernels[0][:, :, 0].astype(float)  # (snapshots, filters, 3, 3)
    scale = float(np.abs(kernels).max())  # one scale for every snapshot, both rows
    assert [scene.weight_scale.low.original_text, scene.weight_scale.high.original_text] == \
        [number(-scale), number(scale)]
    for tiles, recorded in ((scene.kernels_before, kernels[0]), (scene.kernels_after, kernels[-1])):
        seen = drawn_tiles(frame, tiles, recorded, width, height)
        want = weight_image_colors(recorded, scale).reshape(len(recorded), -1, 3) * 255
        assert np.abs(seen - want).max() <= 3
        # Blue where a weight is positive, red where negative, brighter as it is larger.
        strong = np.abs(recorded.reshape(len(recorded), -1)) > 0.3 * scale
        positive = recorded.reshape(len(recorded), -1) > 0
        assert np.all((seen[..., 2] > seen[..., 0])[strong & positive])
        assert np.all((seen[..., 0] > seen[..., 2])[strong & ~positive])
    # The two rows differ where the run changed them: the picture is not one state drawn twice.
    assert not np.allclose(drawn_tiles(frame, scene.kernels_before, kernels[0], width, height),
                           drawn_tiles(frame, scene.kernels_after, kernels[-1], width, height), atol=3)
    # The probe's maps, after the replay, are the last snapshot's.
    maps = trained.probe_maps[0][-1].astype(float)
    seen = drawn_tiles(frame, scene.replay_tiles, maps, width, height)
    want = map_colors(maps, float(np.abs(trained.probe_maps[0]).max())).reshape(len(maps), -1, 3) * 255
    assert np.abs(seen - want).max() <= 3


@pytest.mark.slow
def test_the_replay_counts_the_snapshot_epochs_and_ends_on_the_last(trained):
    scene = told(ConvolutionScene, trained)
    epochs = trained.snapshot_epochs
    assert len(epochs) == 5
    shown = [scene.replay_state(p)[0] for p in np.linspace(0, 1, 401)]
    assert sorted(set(shown)) == [int(e) for e in epochs] and shown == sorted(shown)
    kernels = trained.kernels[0][:, :, 0].astype(float)
    maps = trained.probe_maps[0].astype(float)
    for progress, snapshot in ((0.0, 0), (0.5, 2), (1.0, -1)):
        _, k, m = scene.replay_state(progress)
        assert np.allclose(k, kernels[snapshot]) and np.allclose(m, maps[snapshot])
    # Between two snapshots the picture is their blend, as the caption says.
    _, k, m = scene.replay_state(0.125)
    assert np.allclose(k, (kernels[0] + kernels[1]) / 2) and np.allclose(m, (maps[0] + maps[1]) / 2)
    assert scene.epoch_readout.text == f"{int(epochs[-1])}"
    assert scene.peak_readout.text == number(maps[-1].max())
    replay = next(beat for beat in scene.told if beat.caption.startswith("Replayed from"))
    assert shown_numbers_of(replay.caption)[:2] == [float(epochs[0]), float(epochs[-1])]
    assert f"{number(maps[0].max())} to {number(maps[-1].max())}" in replay.caption \
        or f"stays at {number(maps[-1].max())}" in replay.caption
    assert "blended between the recorded epochs" in replay.caption
    # How the kernels moved, said as measured here: their mean change against the colour scale, and
    # whether the first epoch moved them most.
    scale = float(np.abs(kernels).max())
    per_epoch = [float(np.abs(kernels[i + 1] - kernels[i]).mean()) for i in range(len(kernels) - 1)]
    if float(np.abs(kernels[-1] - kernels[0]).mean()) < 0.05 * scale:
        assert "the kernels hardly change" in replay.caption
    elif per_epoch[0] == max(per_epoch):
        assert "the kernels change most at first" in replay.caption
    else:
        assert "the kernels change," in replay.caption
    assert unshown_numbers(scene) == [] and unmarked_numbers(scene) == []
    assert all(seconds <= 4.0 for _, seconds in holds(scene)) and hold_share(scene) < 0.15


def shown_numbers_of(text: str) -> list[float]:
    return [float(n.replace("−", "-").replace(",", "")) for n in said_numbers(text)]
