"""A run trained a step at a time, as a dashboard drives it, recorded as it goes.

``LiveRun(spec)`` builds the network and data of ``record_run(spec)`` and trains them by the same
loop, one mini-batch step (or, for full-batch runs, one epoch) per ``step()``: after ``n`` epochs its
weights, losses and snapshots are those of ``record_run`` with ``epochs=n``. ``history()`` gives the
epochs trained so far as a TrainingHistory, which the scenes render and a run file holds. The
learning rate may change between steps; the history records the latest one.
"""
from __future__ import annotations

import copy
from dataclasses import replace

import numpy as np

from nnscratch import checks
from nnscratch.history import TrainingHistory
from nnscratch.network import Gradients, NeuralNetwork
from nnscratch.recorder import DivergenceError, DivergenceWatch, run_metadata, snapshot_schedule
from nnscratch.run import RunSpec, prepare_run

SNAPSHOT_NAMES = ("weights", "biases", "weight_grads", "bias_grads", "probe_z", "probe_a")


class LiveRun:
    """The network of ``spec`` with its data, trained by ``step`` and recorded at every whole epoch.

    A step that makes the run diverge (a loss that is no longer a number or explodes, weights past
    float32) stops it: ``diverged`` says why, in words, and every step after it does nothing until
    ``reset``. The history then ends at the last epoch recorded before it.
    """

    def __init__(self, spec: RunSpec = RunSpec()) -> None:
        data, network, plan, self.dataset_info = prepare_run(spec)
        self.spec = spec
        # Shaped as the recorder shapes them (``recorder._checked_data``), the output layer fixed by the labels.
        self.X = network.as_inputs(data.X_train)
        self.X_test = network.as_inputs(data.X_test) if data.has_test else np.zeros((0, self.X.shape[1]))
        network.settle_output(data.y_train)
        self.y = network.as_targets(data.y_train, len(self.X))
        self.y_test = network.as_targets(data.y_test, len(self.X_test)) if data.has_test \
            else np.zeros((0, self.y.shape[1]))
        # A batch of the whole set is full batch, as the recorder takes it.
        self.batch_size = plan.batch_size if plan.batch_size is not None and plan.batch_size < len(self.X) else None
        self.plan = replace(plan, batch_size=self.batch_size)
        self._initial = copy.deepcopy(network)  # its weights, generator and optimizer state, for reset
        self.learning_rate = float(spec.learning_rate)
        self.reset()

    # -- state -----------------------------------------------------------------------------------

    def reset(self) -> None:
        """Back to the starting weights, generator and optimizer state: the same run, from its start."""
        self.network: NeuralNetwork = copy.deepcopy(self._initial)
        self.watch = DivergenceWatch(self.network, self.learning_rate)
        self.metrics: list[tuple[float, float, float, float]] = []  # per epoch: train and test loss, accuracy
        self.snapshots: dict[int, dict[str, list[np.ndarray]]] = {}  # epoch -> its row of each array
        self.steps_into_epoch = 0
        self.steps = 0
        self.diverged: str | None = None
        self._order: np.ndarray | None = None
        self._gradients: Gradients | None = None
        self._close_epoch()

    @property
    def epoch(self) -> int:
        """Whole epochs trained and recorded."""
        return len(self.metrics) - 1

    @property
    def steps_per_epoch(self) -> int:
        return 1 if self.batch_size is None else -(-len(self.X) // self.batch_size)

    @property
    def probe_index(self) -> int:
        return self.plan.probe_index

    def set_learning_rate(self, value: float) -> None:
        """The rate of the steps to come (checked: a positive, finite number)."""
        self.learning_rate = checks.learning_rate(value)
        self.watch.learning_rate = self.learning_rate  # its advice names the rate in use

    # -- training ------------------------------------------------------------------------------

    def step(self) -> bool:
        """One step of gradient descent, as the recorder takes it; True when it ends an epoch.
        Does nothing (False) once the run has diverged."""
        if self.diverged is not None:
            return False
        network, rate = self.network, self.learning_rate
        with np.errstate(all="ignore"):  # overflow and NaN are caught below, in words
            if self.batch_size is None:
                if not network.dropout:
                    network.apply_gradients(self._gradients, rate)
                else:  # dropout draws its masks for the step
                    network.step(self.X, self.y, rate)
            else:
                if self._order is None:
                    self._order = network.rng.permutation(len(self.X))
                start = self.steps_into_epoch * self.batch_size
                batch = self._order[start:start + self.batch_size]
                network.step(self.X[batch], self.y[batch], rate)
        self.steps += 1
        self.steps_into_epoch += 1
        if not all(np.isfinite(W).all() for W in [*network.weights, *network.biases]):
            self.diverged = (f"training diverged in epoch {self.epoch + 1}: the weights grew past what a number "
                             f"holds; try a smaller learning rate than {rate:g}")
            return False
        if self.steps_into_epoch < self.steps_per_epoch:
            return False
        self.steps_into_epoch, self._order = 0, None
        self._close_epoch()
        return self.diverged is None

    def judge(self) -> None:
        """Call the run diverged if its loss has averaged far above where it started over its last tenth, as
        the recorder judges a run at its end (``DivergenceWatch.finish``); a dashboard asks after each action."""
        if self.diverged is None and self.epoch >= 1:
            try:
                self.watch.finish(self.epoch, self.metrics[-1][0])
            except DivergenceError as error:
                self.diverged = str(error)

    def run_epoch(self) -> None:
        """Steps to the end of the epoch under way."""
        while self.diverged is None and not self.step():
            pass

    def _close_epoch(self) -> None:
        """Measure and record the state after a whole epoch, as the recorder does at each of its epochs."""
        epoch = len(self.metrics)
        network = self.network
        with np.errstate(all="ignore"):
            loss, accuracy, gradients = network.loss_and_gradients(self.X, self.y)
            try:
                self.watch.check(epoch, loss)
            except DivergenceError as error:
                self.diverged = str(error)
                return
            row = self._row(gradients)
            if row is None:
                self.diverged = (f"training diverged at epoch {epoch}: the weights or their gradients grew past "
                                 f"what float32 holds; try a smaller learning rate than {self.learning_rate:g}")
                return
            test = network.evaluate(self.X_test, self.y_test) if len(self.X_test) else (np.nan, np.nan)
        self._gradients = gradients
        self.metrics.append((float(loss), float(accuracy), *map(float, test)))
        self.snapshots[epoch] = row
        self._thin()

    def _row(self, gradients: Gradients) -> dict[str, list[np.ndarray]] | None:
        trace = self.network.trace(self.X[self.probe_index])
        with np.errstate(over="ignore"):
            row = {"weights": [W.astype(np.float32) for W in self.network.weights],
                   "biases": [b.astype(np.float32) for b in self.network.biases],
                   "weight_grads": [g.astype(np.float32) for g in gradients.weights],
                   "bias_grads": [g.astype(np.float32) for g in gradients.biases],
                   "probe_z": [z[0].astype(np.float32) for z in trace.z[1:]],
                   "probe_a": [a[0].astype(np.float32) for a in trace.a[1:]]}
        finite = all(np.isfinite(array).all() for arrays in row.values() for array in arrays)
        return row if finite else None

    def _thin(self) -> None:
        """Keep at most twice the snapshots a run file holds: those nearest the schedule of a run as long."""
        if len(self.snapshots) <= 2 * checks.MAX_SNAPSHOTS:
            return
        kept = set(self._chosen_epochs())
        self.snapshots = {epoch: row for epoch, row in self.snapshots.items() if epoch in kept}

    def _chosen_epochs(self) -> list[int]:
        """The recorded epochs nearest the snapshot schedule of a run of ``epoch`` epochs, first and last included."""
        recorded = np.array(sorted(self.snapshots))
        wanted = snapshot_schedule(self.epoch)
        nearest = recorded[np.clip(np.searchsorted(recorded, wanted), 0, len(recorded) - 1)]
        return sorted({0, self.epoch, *map(int, nearest)})

    # -- the record ------------------------------------------------------------------------------

    def history(self, probe: int | None = None) -> TrainingHistory:
        """The whole epochs trained so far as a recorded run (ValueError before the first one ends), following
        training sample ``probe`` (default: the spec's). Another sample's activations are traced through each
        snapshot's recorded (float32) weights, where the spec's own were recorded from the live network."""
        epochs = self.epoch
        if epochs < 1:
            raise ValueError("no epoch has been trained yet: a recorded run needs at least one")
        if probe is None:
            probe = self.probe_index
        probe = checks.whole_number("the probe sample", probe, 0, len(self.X) - 1)
        chosen = self._chosen_epochs()
        metrics = np.array(self.metrics, dtype=float).T
        has_test = len(self.X_test) > 0
        plan = replace(self.plan, epochs=epochs, learning_rate=self.learning_rate, probe_index=probe)
        metadata = run_metadata(self.network, epochs, plan, self.dataset_info)
        empty = np.zeros(0, dtype=np.float32)
        layers = {name: [np.stack([self.snapshots[epoch][name][layer] for epoch in chosen])
                         for layer in range(len(self.network.weights))] for name in SNAPSHOT_NAMES}
        if probe != self.probe_index:
            layers["probe_z"], layers["probe_a"] = self._traced(probe, chosen)
        return TrainingHistory(
            metadata=metadata,
            train_loss=metrics[0].astype(np.float32), train_accuracy=metrics[1].astype(np.float32),
            test_loss=metrics[2].astype(np.float32) if has_test else empty,
            test_accuracy=metrics[3].astype(np.float32) if has_test else empty,
            snapshot_epochs=np.array(chosen, dtype=np.int64),
            probe_input=self.X[probe].astype(np.float32),
            probe_target=self.y[probe].astype(np.float32),
            X_train=self.X.astype(np.float32), y_train=self.y.astype(np.float32),
            X_test=self.X_test.astype(np.float32), y_test=self.y_test.astype(np.float32),
            **layers,
        )

    def _traced(self, probe: int, epochs: list[int]) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """Training sample ``probe``'s sums and activations at each of ``epochs``, one (S, n) array per layer."""
        network = copy.copy(self.network)  # its weights replaced, never the live network's
        rows = []
        for epoch in epochs:
            network.weights = [W.astype(float) for W in self.snapshots[epoch]["weights"]]
            network.biases = [b.astype(float) for b in self.snapshots[epoch]["biases"]]
            rows.append(network.trace(self.X[probe]))
        layers = range(len(self.network.weights))
        return ([np.stack([trace.z[layer + 1][0] for trace in rows]).astype(np.float32) for layer in layers],
                [np.stack([trace.a[layer + 1][0] for trace in rows]).astype(np.float32) for layer in layers])
