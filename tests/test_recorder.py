"""train() records what the scenes replay, and run files round-trip exactly."""
import json
import zipfile

import numpy as np
import pytest

from nnscratch import DivergenceError, NeuralNetwork, RunFileError, TrainingHistory, make_dataset, snapshot_schedule, train


def small_run(epochs=30, seed=5, **kwargs):
    data = make_dataset("moons", 60, seed=seed)
    network = NeuralNetwork([2, 4, 3, 1], activation="tanh", seed=seed)
    history = train(network, data.X_train, data.y_train, epochs=epochs, learning_rate=0.3,
                    X_test=data.X_test, y_test=data.y_test, probe_index=2, metadata={"dataset": {"name": "moons"}},
                    **kwargs)
    return network, data, history


def test_every_step_is_snapshotted_for_a_short_run():
    network, data, history = small_run(epochs=30)
    np.testing.assert_array_equal(history.snapshot_epochs, np.arange(31))
    assert history.train_loss.shape == (31,) and history.test_accuracy.shape == (31,)
    assert [W.shape for W in history.weights] == [(31, 4, 2), (31, 3, 4), (31, 1, 3)]
    # the last snapshot is the trained network, the first the untrained one
    np.testing.assert_allclose(history.weights[1][-1], network.weights[1], rtol=1e-6)
    fresh = NeuralNetwork([2, 4, 3, 1], activation="tanh", seed=5)
    np.testing.assert_allclose(history.weights[0][0], fresh.weights[0], rtol=1e-6)


def test_snapshot_holds_the_gradient_and_probe_trace_of_its_state():
    network, data, history = small_run(epochs=10)
    at_four = history.network_at(4)
    loss, acc, grads = at_four.loss_and_gradients(data.X_train, data.y_train)
    assert history.train_loss[4] == pytest.approx(loss, rel=1e-5)
    np.testing.assert_allclose(history.weight_grads[0][4], grads.weights[0], rtol=1e-4, atol=1e-7)
    trace = at_four.trace(data.X_train[2])
    np.testing.assert_allclose(history.probe_a[1][4], trace.a[2][0], rtol=1e-5)
    np.testing.assert_allclose(history.probe_z[2][4], trace.z[3][0], rtol=1e-5)
    np.testing.assert_allclose(history.probe_input, data.X_train[2], rtol=1e-6)


def test_long_runs_keep_a_bounded_number_of_snapshots_dense_at_the_start():
    schedule = snapshot_schedule(50_000, max_snapshots=400)
    assert len(schedule) <= 400
    assert schedule[0] == 0 and schedule[-1] == 50_000
    assert np.all(np.diff(schedule) > 0)
    assert set(range(10)) <= set(schedule.tolist())
    assert np.sum(schedule < 500) > np.sum(schedule > 49_500) * 5
    np.testing.assert_array_equal(snapshot_schedule(99, 400), np.arange(100))


def test_no_run_records_more_snapshots_than_a_run_file_holds():
    data = make_dataset("xor", 20)
    with pytest.raises(ValueError, match="max_snapshots must be at most 400, the most a run file holds, got 401"):
        train(NeuralNetwork([2, 2, 1]), data.X_train, data.y_train, epochs=1000, max_snapshots=401)
    assert len(snapshot_schedule(10**6, 400)) <= 400


def test_memory_of_a_long_run_is_bounded():
    _, _, short = small_run(epochs=500)
    _, _, long = small_run(epochs=5000)
    assert long.n_snapshots <= 400
    assert long.weights[0].nbytes <= 1.5 * short.weights[0].nbytes
    assert long.train_loss.shape == (5001,)
    assert len(snapshot_schedule(50_000)) <= 1.5 * len(snapshot_schedule(500))


def test_progress_callback_sees_every_epoch():
    seen = []
    small_run(epochs=12, on_epoch=lambda epoch, loss, acc: seen.append((epoch, loss)))
    assert [epoch for epoch, _ in seen] == list(range(1, 13))
    assert all(np.isfinite(loss) for _, loss in seen)


def test_divergence_names_the_epoch_and_suggests_a_smaller_rate():
    X = np.linspace(0, 10, 20)[:, None]
    network = NeuralNetwork([1, 8, 1], activation="relu", weight_init="he", output="identity", seed=0)
    with pytest.raises(DivergenceError, match=r"diverged at epoch \d+.*smaller learning rate"):
        train(network, X, 50 * X, epochs=200, learning_rate=5.0)


@pytest.mark.parametrize("kwargs, message", [
    ({"epochs": 0}, "epochs"), ({"epochs": 2.5}, "epochs"), ({"learning_rate": 0.0}, "learning rate"),
    ({"learning_rate": float("nan")}, "learning rate"), ({"batch_size": 0}, "batch size"),
    ({"probe_index": 999}, "probe"),
])
def test_bad_training_options_are_refused(kwargs, message):
    data = make_dataset("xor", 20)
    options = {"epochs": 3, "learning_rate": 0.1, **kwargs}
    with pytest.raises(ValueError, match=message):
        train(NeuralNetwork([2, 2, 1]), data.X_train, data.y_train, **options)


@pytest.mark.parametrize("compressed", [True, False])
def test_save_load_round_trip_is_exact(tmp_path, compressed):
    _, _, history = small_run()
    path = history.save(tmp_path / "run.npz", compressed=compressed)
    with zipfile.ZipFile(path) as archive:
        methods = {info.compress_type for info in archive.infolist()}
    assert methods == {zipfile.ZIP_DEFLATED if compressed else zipfile.ZIP_STORED}
    loaded = TrainingHistory.load(path)
    assert loaded.metadata == json.loads(json.dumps(history.metadata))
    for name, array in history.arrays().items():
        np.testing.assert_array_equal(loaded.arrays()[name], array, err_msg=name)
        assert loaded.arrays()[name].dtype == array.dtype
    assert loaded.weights[0].dtype == np.float32
    np.testing.assert_array_equal(loaded.network_at().forward(loaded.X_train), history.network_at().forward(history.X_train))


def test_same_options_and_seed_give_byte_identical_files(tmp_path):
    paths = []
    for name in ("a.npz", "b.npz"):
        _, _, history = small_run(batch_size=8)
        paths.append(history.save(tmp_path / name))
    assert paths[0].read_bytes() == paths[1].read_bytes()
    _, _, other = small_run(seed=6)
    assert other.save(tmp_path / "c.npz").read_bytes() != paths[0].read_bytes()


def write_zip(path, entries):
    with zipfile.ZipFile(path, "w") as archive:
        for name, array in entries.items():
            with archive.open(f"{name}.npy", "w") as stream:
                np.lib.format.write_array(stream, array)


@pytest.fixture
def saved(tmp_path):
    _, _, history = small_run()
    return history, history.save(tmp_path / "run.npz")


def test_missing_file(tmp_path):
    with pytest.raises(RunFileError, match=r"nope\.npz: no such run file"):
        TrainingHistory.load(tmp_path / "nope.npz")


def test_truncated_file(saved, tmp_path):
    _, path = saved
    cut = tmp_path / "cut.npz"
    cut.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    with pytest.raises(RunFileError, match=r"cut\.npz: not a readable nnscratch run file"):
        TrainingHistory.load(cut)


def test_corrupt_bytes_inside(saved, tmp_path):
    _, path = saved
    data = bytearray(path.read_bytes())
    for offset in range(200, len(data) - 200, 97):
        data[offset] ^= 0xFF
    bad = tmp_path / "bad.npz"
    bad.write_bytes(bytes(data))
    with pytest.raises(RunFileError, match=r"bad\.npz"):
        TrainingHistory.load(bad)


def test_foreign_files(tmp_path):
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    with pytest.raises(RunFileError, match=r"notes\.txt: not an nnscratch run file \(not an \.npz archive\)"):
        TrainingHistory.load(text)
    with open(tmp_path / "array.npz", "wb") as stream:
        np.save(stream, np.zeros(3))
    with pytest.raises(RunFileError, match="not an .npz archive"):
        TrainingHistory.load(tmp_path / "array.npz")
    other = tmp_path / "other.npz"
    np.savez(other, x=np.zeros(3))
    with pytest.raises(RunFileError, match=r"other\.npz: not an nnscratch run file \(it has no metadata entry\)"):
        TrainingHistory.load(other)


def test_object_arrays_are_never_unpickled(tmp_path):
    path = tmp_path / "pickle.npz"
    np.savez(path, metadata=np.array([{"evil": 1}], dtype=object))
    with pytest.raises(RunFileError, match="pickle"):
        TrainingHistory.load(path)


def test_wrong_version_missing_arrays_and_bad_shapes(saved, tmp_path):
    history, path = saved
    arrays = {name: array for name, array in history.arrays().items()}
    meta = dict(history.metadata, format_version=99)
    write_zip(tmp_path / "v99.npz", {"metadata": np.array(json.dumps(meta)), **arrays})
    with pytest.raises(RunFileError, match="format version 99 is not supported"):
        TrainingHistory.load(tmp_path / "v99.npz")

    meta["format_version"] = 1
    without = {k: v for k, v in arrays.items() if k != "weights_1"}
    write_zip(tmp_path / "missing.npz", {"metadata": np.array(json.dumps(meta)), **without})
    with pytest.raises(RunFileError, match="arrays missing: weights_1"):
        TrainingHistory.load(tmp_path / "missing.npz")

    reshaped = dict(arrays, weights_0=arrays["weights_0"][:, :3])
    write_zip(tmp_path / "shape.npz", {"metadata": np.array(json.dumps(meta)), **reshaped})
    with pytest.raises(RunFileError, match=r"weights_0 has shape \(31, 3, 2\), expected \(31, 4, 2\)"):
        TrainingHistory.load(tmp_path / "shape.npz")

    write_zip(tmp_path / "json.npz", {"metadata": np.array("{not json"), **arrays})
    with pytest.raises(RunFileError, match="not valid JSON"):
        TrainingHistory.load(tmp_path / "json.npz")


def test_failed_save_leaves_no_file(tmp_path, monkeypatch):
    _, _, history = small_run()
    target = tmp_path / "run.npz"

    def explode(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(np.lib.format, "write_array", explode)
    with pytest.raises(OSError, match="disk full"):
        history.save(target)
    assert list(tmp_path.iterdir()) == []


def test_keyframes_are_dense_where_training_changes_fast():
    _, _, history = small_run(epochs=300)
    keys = history.keyframes(40)
    assert keys[0] == 0 and keys[-1] == history.n_snapshots - 1
    assert len(keys) <= 40 and np.all(np.diff(keys) > 0)
    change = history.change_per_interval()
    assert change.shape == (history.n_snapshots - 1,) and change.sum() == pytest.approx(1.0)
    # The busiest tenth of the intervals gets more keyframes than the quietest tenth.
    order = np.argsort(change)
    busy, quiet = set(order[-30:].tolist()), set(order[:30].tolist())
    in_busy = sum(1 for k in keys[1:] if k - 1 in busy)
    in_quiet = sum(1 for k in keys[1:] if k - 1 in quiet)
    assert in_busy > in_quiet
    np.testing.assert_array_equal(history.keyframes(10_000), np.arange(history.n_snapshots))
    with pytest.raises(ValueError):
        history.keyframes(1)


def test_change_per_interval_weighs_weight_movement_and_loss_change_equally():
    _, _, history = small_run(epochs=300)
    movement = sum(np.linalg.norm(np.diff(W.reshape(len(W), -1).astype(float), axis=0), axis=1)
                   for W in history.weights)
    loss_change = np.abs(np.diff(history.train_loss[history.snapshot_epochs].astype(float)))
    expected = (movement / movement.sum() + loss_change / loss_change.sum()) / 2
    np.testing.assert_allclose(history.change_per_interval(), expected, rtol=1e-6)


def climbing_run(**options) -> TrainingHistory:
    """A run whose loss must climb: a line fitted by steps 2.05 / λ_max of the loss's curvature, so the
    error along the steepest direction grows by 1.05 at every step (not a chaotic path: a linear map)."""
    X = np.linspace(-1, 1, 20)[:, None]
    y = 2 * X[:, 0] + 0.5
    curvature = 2 / len(X) * np.array([[np.sum(X**2), np.sum(X)], [np.sum(X), len(X)]])
    rate = 2.05 / np.linalg.eigvalsh(curvature).max()
    return train(NeuralNetwork([1, 1], output="identity", seed=0), X, y, epochs=40, learning_rate=rate, **options)


def test_a_diverged_run_kept_for_a_comparison_ends_where_it_diverged(tmp_path):
    from nnscratch import RunSpec, judge, record_run

    with pytest.raises(DivergenceError, match="diverged at epoch 1: the loss exploded"):
        record_run(RunSpec(learning_rate=3000))
    exploded = record_run(RunSpec(learning_rate=3000), keep_diverged=True)
    assert exploded.metadata["diverged"]["epoch"] == 1 and "exploded" in exploded.metadata["diverged"]["cause"]
    # It ends on the epoch it diverged at, its jump recorded: loss, weights and all.
    assert exploded.epochs == 1 and list(exploded.snapshot_epochs) == [0, 1]
    assert exploded.train_loss[1] > 100 * exploded.train_loss[0]
    assert judge(exploded).why_not == "it diverged at epoch 1"
    # One that ends far above where it started keeps its whole run, marked from the epoch it went above.
    climbed = climbing_run(keep_diverged=True)
    assert "climbing from" in climbed.metadata["diverged"]["cause"]
    assert climbed.epochs == 40 and climbed.snapshot_epochs[-1] == 40
    since = climbed.metadata["diverged"]["epoch"]
    line = 4 * climbed.train_loss[0]
    assert climbed.train_loss[since] > line and np.exp(np.log(climbed.train_loss[since:]).mean()) > line
    climbed.save(tmp_path / "run.npz")
    assert TrainingHistory.load(tmp_path / "run.npz").metadata["diverged"] == climbed.metadata["diverged"]
    # A run that did not diverge is the same run either way.
    calm, kept = record_run(RunSpec(epochs=50)), record_run(RunSpec(epochs=50), keep_diverged=True)
    assert "diverged" not in kept.metadata
    np.testing.assert_array_equal(calm.weights[0], kept.weights[0])
