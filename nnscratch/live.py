"""A run trained a step at a time, as a dashboard drives it, recorded as it goes.

``LiveRun(spec)`` builds the network and data of ``record_run(spec)`` and trains them by the same
loop, one mini-batch step (or, for full-batch runs, one epoch) per ``step()``: after ``n`` epochs its
weights, losses and snapshots are those of ``record_run`` with ``epochs=n``. ``history()`` gives the
epochs trained so far as a TrainingHistory, which the scenes render and a run file holds. The
learning rate may change between steps; the history records the latest one.

A run of n epochs snapshots the epochs of ``snapshot_schedule(n)``, and the schedule of a later n may
need any epoch from n/200 on: so every epoch's snapshot is kept, one float32 row each, while they fit in
SNAPSHOT_BUDGET bytes (``exact_epochs`` says up to which epoch that is: about 270,000 for the moons'
2-8-8-1, 2,500 for the digits' 784-16-16-10). Past it the rows are thinned to those nearest the
schedule and an even grid, and a history's snapshots are the kept epochs nearest the schedule.
"""
from __future__ import annotations

import copy
from dataclasses import replace

import numpy as np

from nnscratch import checks
from nnscratch.history import TrainingHistory
from nnscratch.network import Gradients, NeuralNetwork
from nnscratch.recorder import DivergenceError, DivergenceWatch, run_metadata, snapshot_schedule
from nnscratch.run import RunSpec, SpecError, is_convolutional, prepare_run

SNAPSHOT_NAMES = ("weights", "biases", "weight_grads", "bias_grads", "probe_z", "probe_a")
SNAPSHOT_BUDGET = 256 * 2**20  # bytes of snapshots kept: every epoch's, while they fit


class SnapshotRows:
    """Each recorded epoch's snapshot as one float32 row of a growing array, at most ``budget`` bytes in
    all (never fewer rows than twice a run file's snapshots): one array, not thousands of small ones."""

    def __init__(self, shapes: dict[str, list[tuple[int, ...]]], budget: int) -> None:
        self.layout: list[tuple[str, int, tuple[int, ...], slice]] = []
        width = 0
        for name in SNAPSHOT_NAMES:
            for layer, shape in enumerate(shapes[name]):
                size = int(np.prod(shape))
                self.layout.append((name, layer, shape, slice(width, width + size)))
                width += size
        self.capacity = max(2 * checks.MAX_SNAPSHOTS, budget // (4 * width))
        self.rows = np.empty((min(self.capacity, 64), width), np.float32)
        self.epochs: list[int] = []  # of the rows kept, ascending

    def add(self, epoch: int, row: dict[str, list[np.ndarray]]) -> None:
        """Keep ``epoch``'s row (the latest epoch), thinning the others when the budget is full."""
        if len(self.epochs) == len(self.rows):
            if len(self.rows) < self.capacity:
                grown = np.empty((min(2 * len(self.rows), self.capacity), self.rows.shape[1]), np.float32)
                grown[:len(self.rows)] = self.rows
                self.rows = grown
            else:
                self._thin(epoch)
        flat = self.rows[len(self.epochs)]
        for name, layer, _, place in self.layout:
            flat[place] = row[name][layer].ravel()
        self.epochs.append(epoch)

    def _thin(self, epoch: int) -> None:
        """About half the rows kept: those nearest the schedule of a run of ``epoch`` epochs, then an even grid."""
        recorded = np.asarray(self.epochs)
        kept = set(map(int, nearest(recorded, snapshot_schedule(epoch))))
        count = max(self.capacity // 2 - len(kept), self.capacity // 4)
        grid = np.linspace(0, len(recorded) - 1, count).round().astype(int)
        kept.update(int(recorded[i]) for i in grid)
        keep = np.flatnonzero(np.isin(recorded, sorted(kept)))
        self.rows[:len(keep)] = self.rows[keep]
        self.epochs = [int(recorded[i]) for i in keep]

    def arrays(self, epochs: list[int]) -> dict[str, list[np.ndarray]]:
        """Each name's per-layer arrays at ``epochs`` (kept ones), a row per epoch."""
        picked = self.rows[np.searchsorted(self.epochs, epochs)]
        out: dict[str, list[np.ndarray]] = {name: [] for name in SNAPSHOT_NAMES}
        for name, _, shape, place in self.layout:
            out[name].append(np.ascontiguousarray(picked[:, place]).reshape(len(epochs), *shape))
        return out

    def row(self, epoch: int) -> dict[str, list[np.ndarray]]:
        """One kept epoch's arrays."""
        return {name: [array[0] for array in arrays] for name, arrays in self.arrays([epoch]).items()}


def nearest(recorded: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """For each of ``wanted``, the nearest of the ascending ``recorded`` (the later one on a tie)."""
    right = np.clip(np.searchsorted(recorded, wanted), 0, len(recorded) - 1)
    left = np.clip(right - 1, 0, len(recorded) - 1)
    return np.where(np.abs(recorded[left] - wanted) < np.abs(recorded[right] - wanted), recorded[left],
                    recorded[right])


class LiveRun:
    """The network of ``spec`` with its data, trained by ``step`` and recorded at every whole epoch.

    A step that makes the run diverge (a loss that is no longer a number or explodes, weights past
    float32) stops it: ``diverged`` says why, in words, and every step after it does nothing until
    ``reset``. The history then ends at the last epoch recorded before it.
    """

    def __init__(self, spec: RunSpec = RunSpec()) -> None:
        if is_convolutional(spec.layers):  # its kernels and maps are not recorded here: its history would lack them
            raise SpecError("layers", "a live run records dense layers only, and these have conv or pool layers")
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
        self._metrics = np.empty((64, 4))  # grown by doubling; every epoch's, never thinned
        self._measured = 0
        self.snapshots = SnapshotRows(self._snapshot_shapes(), SNAPSHOT_BUDGET)
        self.steps_into_epoch = 0
        self.steps = 0
        self.diverged: str | None = None
        self._order: np.ndarray | None = None
        self._gradients: Gradients | None = None
        self._close_epoch()

    def _snapshot_shapes(self) -> dict[str, list[tuple[int, ...]]]:
        weights = [W.shape for W in self.network.weights]
        per_neuron = [(shape[0],) for shape in weights]
        return {"weights": weights, "weight_grads": weights, "biases": per_neuron, "bias_grads": per_neuron,
                "probe_z": per_neuron, "probe_a": per_neuron}

    @property
    def exact_epochs(self) -> int:
        """Up to how many epochs a history holds exactly the snapshots of ``record_run``: every epoch's is kept
        up to here, and thinned past it."""
        return self.snapshots.capacity - 1

    @property
    def epoch(self) -> int:
        """Whole epochs trained and recorded."""
        return self._measured - 1

    @property
    def metrics(self) -> np.ndarray:
        """A row per epoch recorded, epoch 0 first: training loss and accuracy, test loss and accuracy (NaN
        without a test set)."""
        return self._metrics[:self._measured]

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
        the recorder judges a run at its end (``DivergenceWatch.finish``): for when a training of N epochs ends,
        never mid-run, so that it says what ``record_run`` with this many epochs says. Mid-run only the
        recorder's per-epoch checks (a loss not a number, or exploded) stop a run, in ``step``."""
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
        epoch = self._measured
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
        if self._measured == len(self._metrics):
            self._metrics = np.concatenate([self._metrics, np.empty_like(self._metrics)])
        self._metrics[epoch] = loss, accuracy, *test
        self._measured += 1
        self.snapshots.add(epoch, row)

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

    def _chosen_epochs(self) -> list[int]:
        """The kept epochs nearest the snapshot schedule of a run of ``epoch`` epochs (all of it, up to
        ``exact_epochs``), first and last included."""
        recorded = np.asarray(self.snapshots.epochs)
        return sorted({0, self.epoch, *map(int, nearest(recorded, snapshot_schedule(self.epoch)))})

    def last_snapshot(self) -> dict[str, list[np.ndarray]]:
        """The arrays of the latest epoch recorded."""
        return self.snapshots.row(self.snapshots.epochs[-1])

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
        metrics = self.metrics.T
        has_test = len(self.X_test) > 0
        plan = replace(self.plan, epochs=epochs, learning_rate=self.learning_rate, probe_index=probe)
        metadata = run_metadata(self.network, epochs, plan, self.dataset_info)
        empty = np.zeros(0, dtype=np.float32)
        layers = self.snapshots.arrays(chosen)
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
        kept = self.snapshots.arrays(epochs)
        for index in range(len(epochs)):
            network.weights = [W[index].astype(float) for W in kept["weights"]]
            network.biases = [b[index].astype(float) for b in kept["biases"]]
            rows.append(network.trace(self.X[probe]))
        layers = range(len(self.network.weights))
        return ([np.stack([trace.z[layer + 1][0] for trace in rows]).astype(np.float32) for layer in layers],
                [np.stack([trace.a[layer + 1][0] for trace in rows]).astype(np.float32) for layer in layers])
