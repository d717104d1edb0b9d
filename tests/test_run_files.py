"""A run file is untrusted input: a generated set of crafted files, each refused in one line naming the member."""
import io
import json
import os
import time
import tracemalloc
import zipfile

import numpy as np
import pytest
from click.testing import CliRunner

from cli import main
from nnscratch import RunFileError, RunSpec, TrainingHistory, record_run, snapshot_schedule
from nnscratch.recorder import DivergenceError, DivergenceWatch
from nnscratch.runfile import array_layout

READERS = [["info"], ["render", "network", "--run"], ["render", "forward", "--run"], ["render", "training", "--run"]]


@pytest.fixture(scope="module")
def good():
    history = record_run(RunSpec(epochs=30))
    metadata = dict(history.metadata, format_version=1)
    return metadata, history.arrays()


def npy(array: np.ndarray) -> bytes:
    stream = io.BytesIO()
    np.lib.format.write_array(stream, array, allow_pickle=True)
    return stream.getvalue()


def header_only(descr: str, shape: tuple, fortran: bool = False) -> bytes:
    stream = io.BytesIO()
    np.lib.format.write_array_header_1_0(stream, {"descr": descr, "fortran_order": fortran, "shape": shape})
    return stream.getvalue()


def write_run(path, metadata, arrays, raw=None):
    """A run file from metadata (a dict or a raw JSON string) and arrays, with ``raw`` members as bytes."""
    text = metadata if isinstance(metadata, str) else json.dumps(metadata)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        if "metadata" not in (raw or {}):
            archive.writestr("metadata.npy", npy(np.array(text)))
        for name, array in arrays.items():
            archive.writestr(f"{name}.npy", npy(array))
        for name, data in (raw or {}).items():
            archive.writestr(f"{name}.npy", data)
    return path


def meta(**changes):
    def change(metadata, arrays):
        metadata = dict(metadata)
        for key, value in changes.items():
            if value is DROP:
                metadata.pop(key)
            else:
                metadata[key] = value
        return metadata, arrays, None
    return change


def array(name, edit):
    def change(metadata, arrays):
        arrays = dict(arrays)
        arrays[name] = edit(arrays[name].copy())
        return metadata, arrays, None
    return change


def raw(name, data):
    def change(metadata, arrays):
        return metadata, {k: v for k, v in arrays.items() if k != name}, {name: data}
    return change


def declaring(sizes, **changes):
    """A small file declaring what it likes: every array of the shape a run of the changed metadata
    has with the free sizes (S snapshots, N and M samples) ``sizes`` gives, as an .npy header with
    zeros up to 1 MB and nothing after the header of a larger one (reading its data would allocate it)."""
    def change(metadata, arrays):
        metadata = {**metadata, **changes}
        free = {"T": metadata["epochs"] + 1, **sizes}
        raw = {}
        for name, (dtype, pattern) in array_layout(metadata).items():
            shape = tuple(free.get(size, size) for size in pattern)
            size = int(np.prod(shape)) * dtype.itemsize
            raw[name] = header_only(dtype.str, shape) + (bytes(size) if size <= 2**20 else b"")
        return metadata, {}, raw
    return change


def setitem(index, value):
    def edit(values):
        values[index] = value
        return values
    return edit


DROP = object()
CRAFTED = {
    # metadata values
    "activation evil": (meta(activation="evil"), "metadata entry 'activation': unknown activation 'evil'"),
    "output evil": (meta(output="evil"), "metadata entry 'output': unknown output 'evil'"),
    "optimizer evil": (meta(optimizer="lbfgs"), "metadata entry 'optimizer': unknown optimizer 'lbfgs'"),
    "init evil": (meta(weight_init=7), "metadata entry 'weight_init': unknown weight initializer 7"),
    "dataset evil": (meta(dataset={"name": "mnist"}), "metadata entry 'dataset': unknown dataset 'mnist'"),
    "dataset field": (meta(dataset={"name": "sample", "x": 1}), "metadata entry 'dataset': has an unknown field 'x'"),
    "l2 negative": (meta(l2=-1), "metadata entry 'l2': l2 must be a finite number between 0 and 1000, got -1"),
    "l1 text": (meta(l1="a"), "metadata entry 'l1': l1 must be a number, got 'a'"),
    "l1 bool": (meta(l1=True), "metadata entry 'l1': l1 must be a number, got True"),
    "seed text": (meta(seed="x"), "metadata entry 'seed': seed must be a whole number, got 'x'"),
    "seed negative": (meta(seed=-1), "metadata entry 'seed': seed must be a whole number between 0 and"),
    "seed float": (meta(seed=1.5), "metadata entry 'seed': seed must be a whole number, got 1.5"),
    "learning rate zero": (meta(learning_rate=0), "metadata entry 'learning_rate': the learning rate must be"),
    "batch size zero": (meta(batch_size=0), "metadata entry 'batch_size': batch_size must be a whole number >= 1"),
    "epochs wrong": (meta(epochs=31), "array train_loss has shape (31,), expected (32,)"),
    "epochs huge": (meta(epochs=10**9), "metadata entry 'epochs': epochs must be a whole number between 1 and"),
    "probe past data": (meta(probe_index=999), "metadata entry 'probe_index': 999 is past the 160 training samples"),
    "layers text": (meta(layer_sizes="4,6,4,1"), "metadata entry 'layer_sizes': layer sizes must be a list"),
    "layers zero": (meta(layer_sizes=[4, 0, 4, 1]), "metadata entry 'layer_sizes': layer sizes must be between 1"),
    "layers huge": (meta(layer_sizes=[10000, 10000, 10000, 1]), "metadata entry 'layer_sizes': 200,030,001 "),
    "loss mismatch": (meta(loss="cross-entropy"), "metadata entry 'loss': 'cross-entropy' is not the loss of a sigmoid"),
    "unknown entry": (meta(extra=1), "the metadata has an unknown entry 'extra'"),
    "dropout one": (meta(dropout=1.0), "metadata entry 'dropout': dropout must be a finite number"),
    "dropout text": (meta(dropout="0.5"), "metadata entry 'dropout': dropout must be a number, got '0.5'"),
    "diverged text": (meta(diverged="yes"), "metadata entry 'diverged': must be a mapping of epoch and cause"),
    "diverged field": (meta(diverged={"epoch": 3, "cause": "x", "more": 1}),
                       "metadata entry 'diverged': must be a mapping of epoch and cause"),
    "diverged epoch 0": (meta(diverged={"epoch": 0, "cause": "x"}),
                         "metadata entry 'diverged': epoch must be a whole number between 1 and"),
    "diverged long cause": (meta(diverged={"epoch": 3, "cause": "x" * 401}),
                            "metadata entry 'diverged': its cause must be a text of 1 to 400 characters"),
    "missing entry": (meta(optimizer=DROP), "the metadata lacks optimizer"),
    "version text": (meta(format_version="1"), "format version 1 is not supported"),
    "version true": (meta(format_version=True), "format version True is not supported"),
    "version 99": (meta(format_version=99), "format version 99 is not supported"),
    "version float": (meta(format_version=1.0), "format version 1.0 is not supported"),
    "no version": (meta(format_version=DROP), "its metadata has no format version"),
    # the metadata entry itself
    "not json": (lambda m, a: ("{not json", a, None), "the metadata entry is not valid JSON"),
    "json nan": (lambda m, a: (json.dumps(m).replace('"l1": 0.0', '"l1": NaN'), a, None),
                 "the metadata entry is not valid JSON"),
    "json list": (lambda m, a: ("[1, 2]", a, None), "its metadata has no format version"),
    "json deep": (lambda m, a: ("[" * 5000 + "]" * 5000, a, None), "the metadata entry is not valid JSON"),
    "json too deep and long": (lambda m, a: ("[" * 100_000 + "]" * 100_000, a, None),
                               "the metadata entry is not a JSON string of at most 16,384 characters"),
    "metadata huge": (lambda m, a: (json.dumps(dict(m, pad="x" * 1_000_000)), a, None),
                      "the metadata entry is not a JSON string of at most 16,384 characters"),
    "metadata number": (lambda m, a: (m, a, {"metadata": npy(np.zeros(3))}),
                        "the metadata entry is not a JSON string"),
    # array values
    "loss nan": (array("train_loss", setitem(3, np.nan)), "array train_loss holds NaN or infinite values"),
    "weights nan": (array("weights_1", setitem((5, 0, 0), np.nan)), "array weights_1 holds NaN or infinite values"),
    "bias inf": (array("biases_0", setitem((0, 0), np.inf)), "array biases_0 holds NaN or infinite values"),
    "gradient nan": (array("weight_grads_2", setitem((1, 0, 0), np.nan)), "array weight_grads_2 holds NaN"),
    "loss negative": (array("train_loss", setitem(0, -3e38)), "array train_loss holds losses outside [0, 1e+30]"),
    "loss huge": (array("test_loss", setitem(4, 3e38)), "array test_loss holds losses outside [0, 1e+30]"),
    "accuracy 7.5": (array("train_accuracy", setitem(-1, 7.5)), "array train_accuracy holds values outside [0, 1]"),
    "accuracy nan": (array("test_accuracy", setitem(2, np.nan)), "array test_accuracy holds values outside [0, 1]"),
    "snapshot -5": (array("snapshot_epochs", setitem(0, -5)), "array snapshot_epochs must rise from 0 to the last"),
    "snapshots unsorted": (array("snapshot_epochs", lambda v: v[::-1].copy()), "array snapshot_epochs must rise"),
    "snapshot past end": (array("snapshot_epochs", setitem(-1, 99)), "array snapshot_epochs must rise"),
    "X_test wide": (array("X_test", lambda v: np.zeros((len(v), 5), np.float32)),
                    "array X_test has shape (40, 5), expected (40, 4)"),
    "X_train float64": (array("X_train", lambda v: v.astype(np.float64)), "array X_train holds float64, expected float32"),
    "big endian": (array("weights_0", lambda v: v.astype(">f4")), "array weights_0 holds >f4, expected float32"),
    "label 0.5": (array("y_train", setitem((7, 0), 0.5)), "array y_train holds labels other than 0 and 1"),
    "probe differs": (array("probe_input", setitem(0, 0.123)), "array probe_input is not training sample 0"),
    "fewer snapshots": (array("weights_0", lambda v: v[:-1].copy()), "array weights_0 has shape (30, 6, 4), expected (31, 6, 4)"),
    # headers and bytes
    "pickle": (raw("weights_0", npy(np.array([{"evil": 1}], dtype=object))), "array weights_0 holds Python objects"),
    "fortran": (raw("weights_0", header_only("<f4", (31, 6, 4), fortran=True) + bytes(31 * 24 * 4)),
                "array weights_0 is stored in Fortran order"),
    "10^12 elements": (raw("train_loss", header_only("<f4", (10**12,))), "array train_loss has shape (1000000000000,)"),
    "10^9 samples": (raw("X_train", header_only("<f4", (10**9, 4))), "array X_train has shape (1000000000, 4), which no run"),
    "truncated data": (raw("weights_1", header_only("<f4", (31, 4, 6)) + bytes(100)), "array weights_1 is truncated"),
    "no header": (raw("weights_1", b"garbage"), "array weights_1 has no readable .npy header"),
    "header bomb": (raw("metadata", b"\x93NUMPY\x02\x00" + (2**32 - 1).to_bytes(4, "little") + b"{" * 1000),
                    "array metadata has an .npy header of 4,294,967,295 bytes, more than any array needs"),
    "header unparsable": (raw("weights_1", b"\x93NUMPY\x01\x00" + (16).to_bytes(2, "little") + b"{'a': print(1)}\n"),
                          "array weights_1 has no readable .npy header"),
    "missing array": (lambda m, a: (m, {k: v for k, v in a.items() if k != "probe_a_2"}, None),
                      "arrays missing: probe_a_2"),
    # sizes that no run of the metadata has, each refused from the headers, before any data
    "1001 snapshots": (declaring({"S": 1001, "N": 160, "M": 40}, epochs=1000),
                       "array snapshot_epochs has shape (1001,), which no run of this metadata has (a run of "
                       "1,000 epochs records 1 to 400 snapshots)"),
    "samples past the dataset": (declaring({"S": 31, "N": 100_000, "M": 0}),
                                 "array X_train has shape (100000, 4), which no run of this metadata has (a run "
                                 "has 2 to 200 training samples)"),
    "samples not the dataset's": (declaring({"S": 31, "N": 160, "M": 120}),
                                  "metadata entry 'dataset': 200 samples, but the arrays hold 280"),
    # 3.56 GiB of arrays, under the 4 GiB a file could declare before: a run of this network on
    # 200,000 samples would need 25.6 GiB to train, and train() refuses it.
    "3.56 GiB declared": (declaring({"S": 400, "N": 100_000, "M": 100_000}, layer_sizes=[784, 1250, 10],
                                    epochs=1000, dataset={"name": "sample"}, output="softmax",  # no count
                                    loss="cross-entropy"),
                          "its arrays hold 400 snapshots and 200,000 samples (3.56 GiB), which no run can "
                          "record: training it would need about 25.62 GiB, more than the 4 GiB nnscratch allows"),
}


def many_members(path, metadata, arrays):
    write_run(path, metadata, arrays, raw={f"junk_{k}": b"" for k in range(600)})


def duplicate_member(path, metadata, arrays):
    write_run(path, metadata, arrays)
    with zipfile.ZipFile(path, "a") as archive, pytest.warns(UserWarning, match="Duplicate name"):
        archive.writestr("weights_0.npy", npy(arrays["weights_0"]))


def encrypted_flag(path, metadata, arrays):
    """Bit 0 of the general purpose flags says "encrypted", in the local header and the directory."""
    write_run(path, metadata, arrays)
    data = bytearray(path.read_bytes())
    data[6] |= 1  # the first local header's flags
    directory = data.find(b"PK\x01\x02")
    data[directory + 8] |= 1
    path.write_bytes(bytes(data))


WHOLE_FILES = {
    "many members": (many_members, "it lists 630 members; a run has at most 512"),
    "duplicate member": (duplicate_member, "member 'weights_0.npy' appears twice"),
    "encrypted": (encrypted_flag, "not a readable nnscratch run file (RuntimeError: File"),
}


@pytest.fixture(scope="module")
def crafted(good, tmp_path_factory):
    folder = tmp_path_factory.mktemp("crafted")
    paths = {}
    for name, (change, _) in CRAFTED.items():
        metadata, arrays, extra = change(*good)
        paths[name] = write_run(folder / f"{name.replace(' ', '_')}.npz", metadata, arrays, extra)
    for name, (make, message) in WHOLE_FILES.items():
        paths[name] = folder / f"{name.replace(' ', '_')}.npz"
        make(paths[name], *good)
    return paths


def test_the_unchanged_file_loads(good, tmp_path):
    history = TrainingHistory.load(write_run(tmp_path / "good.npz", *good))
    assert history.epochs == 30 and history.layer_sizes == [4, 6, 4, 1]


EXPECTED = {**{name: message for name, (_, message) in CRAFTED.items()},
            **{name: message for name, (_, message) in WHOLE_FILES.items()}}


@pytest.mark.parametrize("name", EXPECTED)
def test_each_crafted_file_is_refused_naming_the_member(crafted, name):
    with pytest.raises(RunFileError) as error:
        TrainingHistory.load(crafted[name])
    message = str(error.value)
    assert message.startswith(f"{crafted[name]}: ")
    assert EXPECTED[name] in message
    assert "\n" not in message


@pytest.mark.parametrize("reader", READERS, ids=lambda r: " ".join(r))
def test_every_command_refuses_every_crafted_file_in_one_line(crafted, reader, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    for name, path in crafted.items():
        result = runner.invoke(main, [*reader, str(path)])
        assert result.exit_code == 1, (name, result.output)
        lines = result.output.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith(f"Error: {path}: ") and EXPECTED[name] in lines[0], \
            (name, result.output)
    assert os.listdir(tmp_path) == []


def test_only_the_members_the_format_defines_are_opened(good, tmp_path, monkeypatch):
    # A member the format does not define is never decompressed, however large it claims to be.
    path = write_run(tmp_path / "extra.npz", *good, raw={"extra_zeros": bytes(50 * 2**20)})
    opened = []
    original = zipfile.ZipFile.open

    def spy(self, name, *args, **kwargs):
        opened.append(name.filename if isinstance(name, zipfile.ZipInfo) else name)
        return original(self, name, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "open", spy)
    TrainingHistory.load(path)
    assert "extra_zeros.npy" not in opened
    assert set(opened) == {f"{name}.npy" for name in ["metadata", *good[1]]}


@pytest.mark.parametrize("make", [lambda p: os.mkfifo(p), lambda p: p.mkdir()], ids=["fifo", "folder"])
def test_a_run_that_is_not_a_regular_file_is_refused_without_reading(tmp_path, make):
    path = tmp_path / "run.npz"
    make(path)
    result = CliRunner().invoke(main, ["info", str(path)])
    assert result.exit_code == 1
    assert result.output.strip() == f"Error: {path}: not a regular file, so not a run file"


def test_a_small_file_declaring_gigabytes_is_refused_from_its_headers_without_allocating(crafted):
    path = crafted["3.56 GiB declared"]
    assert path.stat().st_size < 100_000
    started = time.perf_counter()
    tracemalloc.start()
    try:
        with pytest.raises(RunFileError, match="which no run can record"):
            TrainingHistory.load(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 4 * 2**20 and time.perf_counter() - started < 5, peak


def diverging_at(epoch):
    """DivergenceWatch.check as it is, but for a divergence at ``epoch``: a kept run then ends there."""
    check = DivergenceWatch.check

    def diverge(self, at, loss):
        if at == epoch:
            raise DivergenceError(f"training diverged at epoch {epoch}: the test says so")
        check(self, at, loss)
    return diverge


REAL_RUNS = {
    "default": (RunSpec(), None),
    "400 snapshots": (RunSpec(epochs=399), None),
    "digits": (RunSpec.for_dataset("digits", samples=2000, epochs=3), None),
    "moons": (RunSpec.for_dataset("moons"), None),
    "relu, dead neurons": (RunSpec(layers=(4, 32, 32, 1), activation="relu", weight_init="he", learning_rate=3), None),
    "kept diverged, ended far above": (RunSpec(learning_rate=100), None),
    "kept diverged, exploded": (RunSpec(learning_rate=3000), None),
    # Stopped at 592 of 624 epochs: the snapshots of 624 epochs' schedule up to there are more than
    # 592 epochs' own schedule has (284 to 269), so a file's snapshots are bounded by 400, not by that.
    "kept diverged, stopped early": (RunSpec(epochs=624), 592),
}


@pytest.mark.parametrize("name", REAL_RUNS)
def test_real_runs_load_as_they_were_saved(name, tmp_path, monkeypatch):
    spec, diverge_at = REAL_RUNS[name]
    if diverge_at is not None:
        monkeypatch.setattr(DivergenceWatch, "check", diverging_at(diverge_at))
    history = record_run(spec, keep_diverged=True)
    if name.startswith("kept diverged"):
        assert "diverged" in history.metadata
    if name == "relu, dead neurons":  # every neuron dead by the end: its gradients are zeros, which compress most
        assert not history.weight_grads[0][-1].any() and not history.weight_grads[1][-1].any()
    if diverge_at is not None:
        assert history.epochs == diverge_at and history.n_snapshots > len(snapshot_schedule(diverge_at))
    loaded = TrainingHistory.load(history.save(tmp_path / "run.npz"))
    assert loaded.metadata == json.loads(json.dumps(history.metadata))
    for array_name, array in history.arrays().items():
        np.testing.assert_array_equal(loaded.arrays()[array_name], array, err_msg=array_name)


@pytest.mark.slow
def test_the_default_digits_run_loads(tmp_path):
    history = record_run(RunSpec.for_dataset("digits"))
    loaded = TrainingHistory.load(history.save(tmp_path / "digits.npz"))
    assert loaded.X_train.shape == (8000, 784) and loaded.n_snapshots == 41


@pytest.mark.parametrize("command", [["info", ""], ["render", "network", "--run", ""]], ids=["info", "--run"])
def test_an_empty_path_is_not_a_file_name(command, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # Path('') would be '.', this folder
    result = CliRunner().invoke(main, command)
    assert result.exit_code == 1
    assert result.output.strip() == "Error: an empty path is not a file name"
    assert os.listdir(tmp_path) == []


def test_saving_refuses_a_run_the_loader_would_refuse(tmp_path):
    history = record_run(RunSpec(epochs=5))
    history.train_loss[2] = np.nan
    with pytest.raises(RunFileError, match="array train_loss holds NaN"):
        history.save(tmp_path / "run.npz")
    history = record_run(RunSpec(epochs=5))
    history.X_train = history.X_train.astype(np.float64)
    with pytest.raises(RunFileError, match="array X_train holds float64, expected float32"):
        history.save(tmp_path / "run.npz")
    assert os.listdir(tmp_path) == []
