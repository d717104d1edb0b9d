"""A CNN's run: what the recorder keeps per snapshot, the run file's round trip and its checks, info,
and the render commands refusing a CNN in one line until a chapter draws convolutions."""
import os
import tracemalloc

import numpy as np
import pytest
from click.testing import CliRunner

from cli import main
from nnscratch import RunFileError, RunSpec, TrainingHistory, record_run, snapshot_schedule
from nnscratch.architecture import parse_layers
from nnscratch.runfile import array_layout
from tests.test_run_files import write_run

LAYERS = ("28x28", "conv3:3", "pool2", "conv4:3", "pool3", 10)  # 26x26 -> 13x13 -> 11x11 -> 3x3 (two dropped)


@pytest.fixture(scope="module")
def run():
    return record_run(RunSpec.for_dataset("digits", layers=LAYERS, samples=300, epochs=3, probe=5, l2=0.001))


def test_the_run_records_kernels_maps_and_winners_per_snapshot(run):
    S = run.n_snapshots
    assert S == 4 and run.is_convolutional and run.metadata["layers"] == "28x28,conv3:3,pool2,conv4:3,pool3,10"
    assert run.layer_sizes == [36, 10] and run.image_shape == (28, 28)
    assert [K.shape for K in run.kernels] == [(S, 3, 1, 3, 3), (S, 4, 3, 3, 3)]
    assert [b.shape for b in run.kernel_biases] == [(S, 3), (S, 4)]
    assert [K.shape for K in run.kernel_grads] == [K.shape for K in run.kernels]
    assert [m.shape for m in run.probe_maps] == [(S, 3, 26, 26), (S, 3, 13, 13), (S, 4, 11, 11), (S, 4, 3, 3)]
    assert [w.shape for w in run.probe_winners] == [(S, 3, 13, 13), (S, 4, 3, 3)]
    assert run.probe_winners[0].dtype == np.uint8 and run.probe_winners[1].max() < 9
    for snapshot in (0, S - 1):
        network = run.network_at(snapshot)
        trace = network.trace(run.probe_input.astype(float))
        for recorded, computed in zip(run.probe_maps, trace.maps.a[1:]):
            np.testing.assert_allclose(recorded[snapshot], computed[0], rtol=1e-5, atol=1e-6)
        for recorded, computed in zip(run.probe_winners, [w for w in trace.maps.winners if w is not None]):
            np.testing.assert_array_equal(recorded[snapshot], computed[0])
        np.testing.assert_allclose(run.probe_a[-1][snapshot], trace.output[0], rtol=1e-5, atol=1e-6)
        _, _, gradients = network.loss_and_gradients(run.X_train.astype(float), run.y_train.astype(float))
        for recorded, computed in zip(run.kernel_grads + run.kernel_bias_grads,
                                      gradients.kernels + gradients.kernel_biases):
            np.testing.assert_allclose(recorded[snapshot], computed, rtol=1e-4, atol=1e-6)
    assert not np.array_equal(run.kernels[0][0], run.kernels[0][-1])  # the kernels moved
    assert run.train_loss[-1] < run.train_loss[0]  # 24 small steps: it has begun to learn


def test_a_cnn_run_file_round_trips(run, tmp_path):
    path = run.save(tmp_path / "cnn.npz")
    loaded = TrainingHistory.load(path)
    assert loaded.metadata == run.metadata
    for name, array in run.arrays().items():
        np.testing.assert_array_equal(loaded.arrays()[name], array)
        assert loaded.arrays()[name].dtype == array.dtype
    assert set(loaded.arrays()) == set(run.arrays())
    assert loaded.network_at().n_parameters == 3 * 9 + 3 + 4 * 27 + 4 + 36 * 10 + 10
    np.testing.assert_array_equal(loaded.network_at().forward(run.X_test[:5]), run.network_at().forward(run.X_test[:5]))


def test_info_describes_a_cnn_run(run, tmp_path):
    path = run.save(tmp_path / "cnn.npz")
    result = CliRunner().invoke(main, ["info", str(path)])
    assert result.exit_code == 0, result.output
    assert "28x28,conv3:3,pool2,conv4:3,pool3,10 (512 parameters)" in result.output
    assert "relu hidden" in result.output and "adam, lr 0.002, batch 32" in result.output


def test_train_writes_a_cnn_run_from_the_command_line(tmp_path):
    out = tmp_path / "cnn.npz"
    result = CliRunner().invoke(main, ["train", "--dataset", "digits", "--layers", "28x28,conv2:5,pool4,10",
                                       "--samples", "200", "--epochs", "2", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("trained 28x28,conv2:5,pool4,10 relu on digits for 2 epochs")
    history = TrainingHistory.load(out)
    assert [K.shape[1:] for K in history.kernels] == [(2, 1, 5, 5)] and history.layer_sizes == [72, 10]


def crafted(run, tmp_path, change):
    metadata = dict(run.metadata, format_version=1)
    arrays = dict(run.arrays())
    metadata, arrays = change(metadata, arrays)
    return write_run(tmp_path / "bad.npz", metadata, arrays)


def drop(name):
    return lambda metadata, arrays: (metadata, {k: v for k, v in arrays.items() if k != name})


def edit(name, function):
    return lambda metadata, arrays: (metadata, {**arrays, name: function(arrays[name].copy())})


def with_meta(**changes):
    return lambda metadata, arrays: ({**metadata, **changes}, arrays)


def set_first(value):
    def change(array):
        array.reshape(-1)[0] = value
        return array
    return change


BAD_CNN_FILES = {
    "no kernels": (drop("kernels_1"), "arrays missing: kernels_1"),
    "no winners": (drop("probe_winners_0"), "arrays missing: probe_winners_0"),
    "kernel shape": (edit("kernels_0", lambda a: a[:, :2]), "array kernels_0 has shape (4, 2, 1, 3, 3), expected"),
    "winners dtype": (edit("probe_winners_1", lambda a: a.astype(np.int64)), "array probe_winners_1 holds int64"),
    "winner past its window": (edit("probe_winners_1", set_first(9)),
                               "array probe_winners_1 holds a winner past the 9 cells of a 3x3 window"),
    "map not finite": (edit("probe_maps_2", set_first(np.nan)), "array probe_maps_2 holds NaN or infinite values"),
    "layers not dense part": (with_meta(layer_sizes=[40, 10]),
                              "metadata entry 'layer_sizes': [40, 10] is not the dense part of"),
    "layers nonsense": (with_meta(layers="28x28,conv3:30,10"), "metadata entry 'layers': conv3:30: kernels are"),
    "layers not canonical": (with_meta(layers="28x28, conv3:3,pool2,conv4:3,pool3,10"),
                             "is not a convolutional network written as nnscratch writes one"),
    "layers of dense only": (with_meta(layers="784,10", layer_sizes=[784, 10]),
                             "is not a convolutional network written as nnscratch writes one"),
    "layers not text": (with_meta(layers=["28x28"]), "metadata entry 'layers': must be a text of the layer grammar"),
    "layers too long": (with_meta(layers="28x28," * 100 + "10"), "must be a text of the layer grammar"),
}


@pytest.mark.parametrize("name", BAD_CNN_FILES)
def test_a_malformed_cnn_run_file_is_refused_in_one_line(run, tmp_path, monkeypatch, name):
    change, message = BAD_CNN_FILES[name]
    path = crafted(run, tmp_path, change)
    with pytest.raises(RunFileError) as error:
        TrainingHistory.load(path)
    assert message in str(error.value) and "\n" not in str(error.value)
    folder = tmp_path / "cwd"
    folder.mkdir()
    monkeypatch.chdir(folder)
    for command in (["info"], ["render", "forward", "--run"]):
        result = CliRunner().invoke(main, [*command, str(path)])
        assert result.exit_code == 1, result.output  # as every unreadable run file (tests/test_run_files.py)
        lines = result.output.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith(f"Error: {path}: ") and message in lines[0], result.output
    assert os.listdir(folder) == []


def test_the_layout_of_a_cnn_run_follows_its_grammar(run):
    layout = array_layout(dict(run.metadata))
    assert layout["X_train"][1] == ("N", 784) and layout["probe_input"][1] == (784,)
    assert layout["kernels_1"][1] == ("S", 4, 3, 3, 3) and layout["kernel_bias_grads_0"][1] == ("S", 3)
    assert [layout[f"probe_maps_{s}"][1] for s in range(4)] == [("S", 3, 26, 26), ("S", 3, 13, 13),
                                                                ("S", 4, 11, 11), ("S", 4, 3, 3)]
    assert layout["probe_winners_1"] == (np.dtype("u1"), ("S", 4, 3, 3))
    assert layout["weights_0"][1] == ("S", 10, 36)
    assert "kernels_2" not in layout and "probe_maps_4" not in layout and "probe_winners_2" not in layout


def test_a_cnn_file_whose_arrays_are_not_its_networks_is_refused(run, tmp_path):
    other = "28x28,conv3:3,pool2,conv4:3,pool2,10"  # the same kernels, other maps and dense part
    path = crafted(run, tmp_path, with_meta(layers=other, layer_sizes=list(parse_layers(other).dense)))
    with pytest.raises(RunFileError, match=r"array weights_0 has shape \(4, 10, 36\), expected \(4, 10, 100\)"):
        TrainingHistory.load(path)


@pytest.mark.parametrize("command", [["render", "forward"], ["render", "explainer", "--chapters", "neuron,forward"],
                                     ["render", "features"]])
def test_render_refuses_a_cnn_run_naming_the_chapters_in_one_line(run, tmp_path, monkeypatch, command):
    path = run.save(tmp_path / "cnn.npz")
    folder = tmp_path / "cwd"
    folder.mkdir()
    monkeypatch.chdir(folder)
    result = CliRunner().invoke(main, [*command, "--run", str(path), "--quality", "low", "--voice", "none"])
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    told = command[3].split(",")[0] if command[1] == "explainer" else command[1]
    assert len(lines) == 1 and f"the {told} chapter " in lines[0], result.output
    assert "told by" in lines[0] and "convolution" in lines[0].split("told by")[1]
    assert os.listdir(folder) == []


def test_render_refuses_cnn_layers_before_training(tmp_path, monkeypatch):
    import nnscratch

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(nnscratch, "record_run", lambda *_, **__: pytest.fail("trained a CNN it cannot render"))
    for command, what in ((["render", "forward"], "the forward chapter passes an input through dense layers only"),
                          (["render", "explainer", "--chapters", "neuron,cost"],
                           "the neuron chapter draws one dense neuron weighing every pixel")):
        result = CliRunner().invoke(main, [*command, "--dataset", "digits", "--layers", "28x28,conv4:3,pool2,10"])
        assert result.exit_code == 2, result.output
        assert len(result.output.strip().splitlines()) == 1
        assert what in result.output and ("'--chapters'" if "--chapters" in command else "'--layers'") in result.output
    assert os.listdir(tmp_path) == []


def test_the_memory_estimate_of_a_cnn_run_is_above_what_it_takes():
    spec = RunSpec.for_dataset("digits", layers=LAYERS, samples=600, epochs=2)
    record_run(RunSpec())  # numpy's first-use imports are not the run's
    tracemalloc.start()
    try:
        record_run(spec)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    estimate = sum(parse_layers(spec.layers).memory_parts(spec.samples, len(snapshot_schedule(spec.epochs)),
                                                          spec.epochs).values())
    assert peak < estimate < 20 * peak + 10 * 2**20, (peak, estimate)


def test_a_diverging_cnn_kept_to_be_compared_ends_on_the_state_before(monkeypatch):
    # Epoch 3 cannot be recorded (as when its numbers pass float32): the run ends on epoch 2's state,
    # kernels included, restored from before the step that broke it.
    from nnscratch import recorder

    spec = RunSpec.for_dataset("digits", layers=("28x28", "conv2:3", "pool2", 10), samples=200, epochs=6)
    two_epochs = record_run(RunSpec.for_dataset("digits", layers=spec.layers, samples=200, epochs=2))
    original = recorder._SnapshotRecorder.record
    monkeypatch.setattr(recorder._SnapshotRecorder, "record",
                        lambda self, gradients, epoch: epoch != 3 and original(self, gradients, epoch))
    history = record_run(spec, keep_diverged=True)
    assert history.diverged["epoch"] == 3 and history.epochs == 2
    for kept, clean in zip(history.kernels + history.kernel_biases + history.weights,
                           two_epochs.kernels + two_epochs.kernel_biases + two_epochs.weights):
        np.testing.assert_array_equal(kept[-1], clean[-1])
