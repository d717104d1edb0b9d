"""A run trained a step at a time (the dashboard's) is the recorded run, epoch for epoch."""
import numpy as np
import pytest

from nnscratch import RunSpec, SpecError, TrainingHistory, record_run
from nnscratch import live as live_module
from nnscratch.live import LiveRun
from nnscratch.recorder import snapshot_schedule


@pytest.mark.parametrize("spec", [RunSpec(epochs=6), RunSpec.for_dataset("moons", epochs=4),
                                  RunSpec.for_dataset("digits", samples=400, epochs=2),
                                  RunSpec(epochs=3, batch_size=50, dropout=0.2, optimizer="adam")],
                         ids=["sample", "moons", "digits", "dropout-adam"])
def test_a_live_run_trained_epoch_by_epoch_is_the_recorded_run(spec):
    live = LiveRun(spec)
    for _ in range(spec.epochs):
        live.run_epoch()
    live_history, recorded = live.history(), record_run(spec)
    assert live_history.metadata == recorded.metadata
    for name in ("train_loss", "train_accuracy", "test_loss", "test_accuracy", "snapshot_epochs"):
        np.testing.assert_array_equal(getattr(live_history, name), getattr(recorded, name), err_msg=name)
    for name in ("weights", "biases", "weight_grads", "bias_grads", "probe_a"):
        for mine, theirs in zip(getattr(live_history, name), getattr(recorded, name)):
            np.testing.assert_array_equal(mine, theirs, err_msg=name)


def test_a_run_whose_loss_stays_far_above_its_start_is_called_diverged_and_reset_starts_it_again():
    live = LiveRun(RunSpec(epochs=10))
    initial = [W.copy() for W in live.network.weights]
    live.set_learning_rate(100.0)
    for _ in range(10):
        live.run_epoch()
    live.judge()  # sigmoids saturated at a huge rate: a loss many times its start, no overflow
    assert live.diverged is not None and "smaller learning rate than 100" in live.diverged
    assert not live.step() and live.epoch == 10  # nothing more is trained
    live.reset()
    assert live.diverged is None and live.epoch == 0 and live.steps == 0
    for W, W0 in zip(live.network.weights, initial):
        np.testing.assert_array_equal(W, W0)


def assert_same_run(mine: TrainingHistory, recorded: TrainingHistory) -> None:
    assert mine.metadata == recorded.metadata
    for name in ("train_loss", "train_accuracy", "test_loss", "test_accuracy", "snapshot_epochs"):
        np.testing.assert_array_equal(getattr(mine, name), getattr(recorded, name), err_msg=name)
    for name in ("weights", "biases", "weight_grads", "bias_grads", "probe_z", "probe_a"):
        for a, b in zip(getattr(mine, name), getattr(recorded, name)):
            np.testing.assert_array_equal(a, b, err_msg=name)


@pytest.mark.parametrize("pieces", [(801,), (1000,), (1200,), (900, 300)], ids=["801", "1000", "1200", "900+300"])
def test_a_live_run_past_a_run_files_snapshots_is_still_the_recorded_run(pieces):
    # A run of N > 399 epochs snapshots snapshot_schedule(N), which for a later N needs epochs an earlier
    # schedule skipped: the live run must still have them.
    live = LiveRun(RunSpec.for_dataset("moons", epochs=1))
    for piece in pieces:
        for _ in range(piece):
            live.run_epoch()
        recorded = record_run(RunSpec.for_dataset("moons", epochs=live.epoch))
        assert recorded.n_snapshots < live.epoch + 1  # a schedule that skips epochs
        assert_same_run(live.history(), recorded)


def test_past_its_budget_the_record_is_thinned_to_it_and_saves_as_a_run(tmp_path, monkeypatch):
    monkeypatch.setattr(live_module, "SNAPSHOT_BUDGET", 1)  # the least: twice a run file's snapshots
    live = LiveRun(RunSpec(epochs=1, samples=40))
    assert live.exact_epochs == 2 * 400 - 1
    for _ in range(live.exact_epochs):
        live.step()
    np.testing.assert_array_equal(live.history().snapshot_epochs, snapshot_schedule(live.exact_epochs))
    for _ in range(2000 - live.exact_epochs):
        live.step()
    rows = live.snapshots
    assert live.epoch == 2000 and len(rows.epochs) <= len(rows.rows) == 800
    history = live.history()
    assert history.n_snapshots <= 400 and history.snapshot_epochs[0] == 0 and history.snapshot_epochs[-1] == 2000
    assert len(history.train_loss) == 2001  # every epoch's loss, whatever the snapshots
    index = int(np.searchsorted(history.snapshot_epochs, 1500))
    epoch = int(history.snapshot_epochs[index])
    assert abs(epoch - 1500) <= 10  # the kept epochs still cover the run evenly
    loaded = TrainingHistory.load(history.save(tmp_path / "run.npz"))
    np.testing.assert_array_equal(loaded.weights[1][-1], np.float32(live.network.weights[1]))


def test_a_convolutional_run_is_refused_by_name():
    with pytest.raises(SpecError, match="dense layers only"):
        LiveRun(RunSpec.for_dataset("digits", layers="28x28,conv4:3,pool2,10", samples=200))


def test_a_history_may_follow_another_sample_as_a_run_recorded_with_that_probe():
    live = LiveRun(RunSpec.for_dataset("moons", epochs=5))
    for _ in range(5):
        live.run_epoch()
    mine, recorded = live.history(probe=7), record_run(RunSpec.for_dataset("moons", epochs=5, probe=7))
    assert mine.metadata == recorded.metadata and mine.probe_index == 7
    np.testing.assert_array_equal(mine.probe_input, recorded.probe_input)
    for name in ("probe_z", "probe_a"):  # traced through the float32 snapshots, not the live float64 weights
        for a, b in zip(getattr(mine, name), getattr(recorded, name)):
            np.testing.assert_allclose(a, b, atol=1e-5)
    with pytest.raises(ValueError, match="probe sample"):
        live.history(probe=len(live.X))


def test_no_history_before_a_whole_epoch():
    live = LiveRun(RunSpec.for_dataset("digits", samples=200, epochs=1))
    live.step()
    with pytest.raises(ValueError, match="no epoch has been trained yet"):
        live.history()
