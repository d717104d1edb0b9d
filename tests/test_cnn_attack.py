"""Hostile input against the CNN surfaces of issue 24 (render compare --vary layers=...;..., the network,
backprop, convolution and explainer chapters of a CNN run, crafted run files): each test holds a finding
fixed, and failed before its fix."""
import numpy as np
import pytest

from nnscratch import RunSpec, record_run

LAYERS = "28x28,conv4:3,pool2,10"


@pytest.fixture(scope="module")
def cnn():
    return record_run(RunSpec.for_dataset("digits", layers=LAYERS, samples=300, epochs=2))


def test_the_convolution_chapter_finds_its_kernel_at_its_strongest_place(cnn):
    # A decorator left behind on KernelAt (functools.lru_cache over the class) made every construction
    # hash its arrays: `render convolution` and the CNN explainer failed with "unhashable type".
    from scenes.chapters.convolution import kernel_at

    maps = cnn.probe_maps[0][-1].astype(float)
    kernel = int(np.argmax(maps.reshape(len(maps), -1).sum(axis=1)))
    network = cnn.network_at(cnn.n_snapshots - 1)
    trace = network.trace(cnn.probe_input.astype(float))
    image = cnn.probe_input.astype(float).reshape(1, 28, 28)
    found = kernel_at(cnn, 0, 0, trace.maps.z[1][0], image, kernel)
    row, column = np.unravel_index(np.argmax(maps[kernel]), maps[kernel].shape)
    assert (found.kernel, found.row, found.column) == (kernel, row, column)
    weights = cnn.kernels[0][-1][kernel].astype(float)
    bias = float(cnn.kernel_biases[0][-1][kernel])
    z = float((weights * image[:, row:row + 3, column:column + 3]).sum() + bias)
    assert found.z == pytest.approx(z, abs=1e-9)
    assert found.a == pytest.approx(max(z, 0.0), abs=1e-5)  # the map after ReLU, as recorded in float32


def overlaps(a, b) -> bool:
    """Whether the boxes of mobjects ``a`` and ``b`` overlap (touching is not overlapping)."""
    return bool(np.all(a.get_corner([-1, -1, 0])[:2] < b.get_corner([1, 1, 0])[:2]) and
                np.all(b.get_corner([-1, -1, 0])[:2] < a.get_corner([1, 1, 0])[:2]))


@pytest.mark.slow
def test_a_verdict_under_a_compared_column_covers_none_of_its_pictures_or_numbers(cnn, tmp_path):
    # `render compare --vary lr=0.002,1e-9 --layers 28x28,conv4:3,pool2,10`: "loss 2.39, 8% test: did not
    # learn" was written over the kernels' colour scale, its place being the whole column above the strip.
    from scenes.chapters.compare_networks import NetworksCompareScene
    from scenes.output.render import render_still

    stuck = record_run(RunSpec.for_dataset("digits", layers=LAYERS, samples=300, epochs=2, learning_rate=1e-9))
    scene = render_still(NetworksCompareScene, tmp_path / "c.png", resolution=(320, 180), histories=[cnn, stuck],
                         option="lr", values=[cnn.learning_rate, 1e-9])
    status = scene.status_texts[1][1]
    assert status.original_text.endswith("did not learn")  # told, and below everything else in its column
    for part in (scene.first_layers[1], scene.accuracy_rows[1], scene.parameter_texts[1]):
        assert not overlaps(status, part)
    assert status.get_top()[1] <= scene.first_layers[1].get_bottom()[1]


def test_a_compared_run_of_one_epoch_is_written_in_the_singular():
    # `render compare --vary activation=relu,tanh --layers 28x28,conv4:3,pool2,10 --epochs 1` wrote and
    # said "batch 32, 1 epochs".
    from scenes.chapters.compare_networks import NetworksCompareScene

    one = record_run(RunSpec.for_dataset("digits", layers=LAYERS, samples=100, epochs=1))
    assert NetworksCompareScene.settings(one)[-1] == "batch 32, 1 epoch"
    two = record_run(RunSpec.for_dataset("digits", layers=LAYERS, samples=100, epochs=2))
    assert NetworksCompareScene.settings(two)[-1] == "batch 32, 2 epochs"


def test_saved_runs_of_an_mlp_and_a_cnn_are_told_apart_by_their_layers_as_layer_strings(cnn):
    # `render compare --runs mlp.npz,cnn.npz` wrote the MLP's network as a Python list, "[784, 16, 10]",
    # beside the CNN's layer string; saved runs of two networks are now compared on their layers, each
    # labelled as --layers writes it.
    from nnscratch.comparison import varied_in

    mlp = record_run(RunSpec.for_dataset("digits", layers=(784, 16, 10), samples=300, epochs=2))
    variable, values = varied_in([cnn, mlp], ["cnn.npz", "mlp.npz"])
    assert variable.labels(values) == [LAYERS, "784,16,10"]


def crafted(run, path, **edits):
    """``run`` saved to ``path`` with ``edits`` (array name -> function of the array giving its new values)
    applied: finite, of the right shapes, so only a check of what the arrays mean can tell."""
    from nnscratch.runfile import read_run, write_run

    run.save(path)
    metadata, arrays = read_run(path)
    for name, edit in edits.items():
        arrays[name] = edit(arrays[name].copy()).astype(arrays[name].dtype)
    return write_run(path, metadata, arrays)


MAP_EDITS = {
    "kernels zeroed": {"kernels_0": lambda k: k * 0},
    "kernels at float32's largest": {"kernels_0": lambda k: np.full_like(k, 3e38)},
    "maps zeroed": {"probe_maps_0": lambda m: m * 0, "probe_maps_1": lambda m: m * 0},
    "maps negated": {"probe_maps_0": lambda m: -m},
    "maps of the last snapshot doubled": {"probe_maps_1": lambda m: np.concatenate([m[:-1], 2 * m[-1:]])},
}


@pytest.mark.parametrize("edits", MAP_EDITS.values(), ids=MAP_EDITS.keys())
def test_a_run_file_whose_probe_maps_are_not_its_kernels_is_refused(cnn, tmp_path, edits):
    # Crafted finite maps or kernels loaded, and the convolution chapter drew a map that is not the sum it
    # wrote (kernels of 3e38 printed as 39-digit numbers across the frame).
    from nnscratch import RunFileError, TrainingHistory

    path = crafted(cnn, tmp_path / "crafted.npz", **edits)
    with pytest.raises(RunFileError, match=r"crafted\.npz: array probe_maps_\d at epoch [\d,]+ is not what the "
                                           r"run's kernels make of its probe digit$"):
        TrainingHistory.load(path)


def test_a_run_file_whose_pool_winners_are_not_the_largest_is_refused(cnn, tmp_path):
    from click.testing import CliRunner

    from cli import main

    winners = cnn.probe_winners[0][-1]
    other = (winners.astype(int) + 1) % 4  # a cell of each window, never the recorded winner
    path = crafted(cnn, tmp_path / "crafted.npz", probe_winners_0=lambda w: np.concatenate([w[:-1], other[None]]))
    result = CliRunner().invoke(main, ["info", str(path)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.output.strip().splitlines() == [
        f"Error: {path}: array probe_winners_0 names cells that are not their windows' largest in the recorded maps"]


@pytest.mark.parametrize("layers", ["28x28,pool2,conv2:3,10", "28x28,conv2:5,pool2,conv3:3,pool3,10",
                                    "28x28,conv2:1,10", "784,8,10"])
def test_every_run_recorded_loads_whatever_its_shape(tmp_path, layers):
    from nnscratch import TrainingHistory

    run = record_run(RunSpec.for_dataset("digits", layers=layers, samples=200, epochs=2))
    loaded = TrainingHistory.load(run.save(tmp_path / "run.npz"))
    for recorded, read in zip(run.probe_maps, loaded.probe_maps):
        np.testing.assert_array_equal(recorded, read)


def test_dropout_compared_on_a_cnn_without_a_hidden_dense_layer_is_refused_before_training(monkeypatch):
    # `render compare --vary dropout=0,0.5 --layers 28x28,conv4:3,pool2,10` trained both runs, then found
    # them alike step for step: dropout silences dense hidden neurons, and this CNN has none.
    from click.testing import CliRunner

    import nnscratch.comparison
    from cli import main
    from nnscratch.comparison import ComparisonError, compared_specs, parse_variation

    variable, values = parse_variation("dropout=0,0.5")
    with pytest.raises(ComparisonError, match=f"^{LAYERS} has no hidden dense layer, so its dropout rates would "
                                              r"train the same run: compare them with one, e\.g\. layers "
                                              r"28x28,conv4:3,pool2,32,10$"):
        compared_specs({"layers": LAYERS}, variable, values)
    with_hidden = compared_specs({"layers": "28x28,conv4:3,pool2,8,10"}, variable, values)
    assert [spec.dropout for spec in with_hidden] == [0.0, 0.5]
    # A CNN's activation still shapes its conv layers: compared, not refused.
    assert len(compared_specs({"layers": LAYERS}, *parse_variation("activation=relu,tanh"))) == 2
    monkeypatch.setattr(nnscratch.comparison, "record_run", lambda *a, **k: pytest.fail("trained"))
    result = CliRunner().invoke(main, ["render", "compare", "--vary", "dropout=0,0.5", "--layers", LAYERS,
                                       "--samples", "200", "--epochs", "1", "--voice", "none", "--workers", "1"])
    assert result.exit_code == 2 and "has no hidden dense layer" in result.output


POOLS_ONLY = "28x28,pool2,pool2,10"  # a CNN the grammar takes with no conv layer


def test_a_network_of_pools_alone_is_told_by_the_chapters_that_need_no_kernel(tmp_path):
    # `render training --run pools.npz` and `render summary` failed with "IndexError: list index out of range"
    # (exit 1): they draw the first layer's kernels, and a network of pools has none.
    from click.testing import CliRunner

    from cli import main
    from scenes.chapters.catalogue import chapters_of

    run = record_run(RunSpec.for_dataset("digits", layers=POOLS_ONLY, samples=200, epochs=1))
    assert [chapter.name for chapter in chapters_of(None, run)] == ["data", "cost", "descent"]
    path = run.save(tmp_path / "pools.npz")
    for chapter in ("training", "summary"):
        output = tmp_path / f"{chapter}.png"
        result = CliRunner().invoke(main, ["render", chapter, "--run", str(path), "--still", "--output", str(output)])
        assert result.exit_code == 2, result.output
        assert result.output.strip().splitlines() == [
            f"Error: Invalid value for '--run': the {chapter} chapter starts from a conv layer over the image, not pool2"]
        assert not output.exists()


def test_an_explainer_no_chapter_can_tell_is_refused_in_one_line_naming_why():
    # An empty explainer failed with "IndexError: list index out of range" (exit 1) after starting a cluster.
    import click

    from cli import refused_untold
    from scenes.chapters.catalogue import CHAPTERS

    whys = [f"the {chapter.name} chapter cannot" for chapter in CHAPTERS]
    convolutional = [chapter.name for chapter in CHAPTERS if chapter.networks != "dense"]
    for names, is_cnn in ((convolutional, True), ([chapter.name for chapter in CHAPTERS], False)):
        # the first chapter that could tell such a network says why it does not
        with pytest.raises(click.BadParameter, match=f"no chapter of the explainer tells this run: the {names[0]} "):
            refused_untold(whys, is_cnn, "--run")
    assert "neuron" not in convolutional and "convolution" in convolutional
    refused_untold([None, *whys[1:]], True, "--run")  # one chapter tells it: no refusal


def test_a_learning_rate_in_a_formula_is_typeset_as_a_power_of_ten():
    # Typst's math set "1e-09" as "1e − 09": one minus nine, read as a subtraction.
    from scenes.narration.words import rate_code

    assert [rate_code(rate) for rate in (0.002, 1.0, 1e-9, 2.5e-5, 3e7)] == \
        ["0.002", "1", "10^(-9)", "2.5 times 10^(-5)", "3 times 10^(7)"]


@pytest.mark.slow
def test_the_step_of_a_run_that_barely_moved_is_written_clear_of_the_optimizers_lines():
    # `render backprop --run` of a run at lr 1e-9: its ten-digit step ran into "epoch 1: w = ...".
    from scenes.chapters.conv_backprop import ConvBackpropScene
    from tests.timeline import told

    stuck = record_run(RunSpec.for_dataset("digits", layers=LAYERS, samples=300, epochs=2, learning_rate=1e-9))
    scene = told(ConvBackpropScene, stuck)
    assert " 10^(-9) dot " in scene.step_line.typst_code and "e-09" not in scene.step_line.typst_code
    assert len(scene.run_lines) and not any(overlaps(scene.step_line, line) for line in scene.run_lines)
