"""Train a network and record what the video will replay."""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Callable, NamedTuple

import numpy as np

from nnscratch import checks
from nnscratch.architecture import Pool
from nnscratch.history import TrainingHistory
from nnscratch.network import NeuralNetwork
from nnscratch.runfile import MAX_LOSS, check_metadata
from nnscratch.verdict import distinct, tail_length

DEFAULT_MAX_SNAPSHOTS = checks.MAX_SNAPSHOTS
DIVERGENCE_FACTOR = 4.0
EXPLOSION_FACTOR = 100.0


class DivergenceError(RuntimeError):
    """The loss stopped being a finite number, or grew far above where it started."""


def snapshot_schedule(epochs: int, max_snapshots: int = DEFAULT_MAX_SNAPSHOTS) -> np.ndarray:
    """Epochs at which to snapshot: all of them when they fit, else dense at the start.

    Most of what a network learns changes early, so half the budget is spread
    geometrically (1, 2, 4, ... epochs) and half evenly. Always includes 0 and ``epochs``.
    ``max_snapshots`` is at most checks.MAX_SNAPSHOTS, the most a run file holds.
    """
    max_snapshots = checks.whole_number("max_snapshots", max_snapshots, 2)
    if max_snapshots > checks.MAX_SNAPSHOTS:  # a run recorded with more could be saved, but never read
        raise ValueError(f"max_snapshots must be at most {checks.MAX_SNAPSHOTS}, the most a run file holds, "
                         f"got {max_snapshots:,}")
    if epochs + 1 <= max_snapshots:
        return np.arange(epochs + 1)
    geometric = np.geomspace(1, epochs, max_snapshots // 2)
    even = np.linspace(0, epochs, max_snapshots - max_snapshots // 2)
    chosen = np.unique(np.round(np.concatenate([[0], geometric, even])).astype(np.int64))
    return chosen


@dataclass(frozen=True)
class TrainingPlan:
    """How to train: ``epochs`` passes at ``learning_rate``, in mini-batches of ``batch_size`` (None:
    the whole set each step), recording training sample ``probe_index`` at up to ``max_snapshots``
    snapshots; ``keep_diverged`` ends a diverged run where it diverged instead of raising (to compare
    runs, one of which may diverge). ``checked`` gives it back with every value checked once."""

    epochs: int = 500
    learning_rate: float = 0.1
    batch_size: int | None = None
    probe_index: int = 0
    max_snapshots: int = DEFAULT_MAX_SNAPSHOTS
    keep_diverged: bool = False

    def checked(self) -> "TrainingPlan":
        snapshot_schedule(1, self.max_snapshots)  # its bounds
        return replace(self, epochs=checks.whole_number("epochs", self.epochs, 1, checks.MAX_EPOCHS),
                       learning_rate=checks.learning_rate(self.learning_rate),
                       batch_size=None if self.batch_size is None else
                       checks.whole_number("the batch size", self.batch_size, 1),
                       probe_index=checks.whole_number("the probe sample", self.probe_index, 0))


def train(network: NeuralNetwork, X: np.ndarray, y: np.ndarray, plan: TrainingPlan | None = None, *,
          X_test: np.ndarray | None = None, y_test: np.ndarray | None = None,
          on_epoch: Callable[[int, float, float], None] | None = None, metadata: dict | None = None,
          **plan_fields) -> TrainingHistory:
    """Train ``network`` in place on ``(X, y)`` as ``plan`` says (or a plan of ``plan_fields``:
    ``train(network, X, y, epochs=1000, learning_rate=0.02)``) and return what happened.

    Loss and accuracy are kept for every epoch (on ``X_test``, ``y_test`` too when given); weights,
    biases, full-batch gradients and the trace of the probe sample at the epochs of
    :func:`snapshot_schedule`. ``on_epoch(epoch, loss, accuracy)`` is called after each epoch of
    training. ``metadata`` adds entries to the run's metadata (``{"dataset": {...}}``).

    Raises DivergenceError naming the epoch and the cause when the run diverges (see
    :class:`DivergenceWatch`). A plan that keeps diverged runs returns one instead, ended at its last
    epoch before the divergence, with ``metadata["diverged"]`` saying when and why; one that diverges
    at its first step still raises.
    """
    if plan is not None and plan_fields:
        raise ValueError(f"give a TrainingPlan or its fields ({', '.join(plan_fields)}), not both")
    plan = (plan or TrainingPlan(**plan_fields)).checked()
    data = _checked_data(network, X, y, X_test, y_test, plan.probe_index)
    if plan.batch_size is not None and plan.batch_size >= len(data.X):
        plan = replace(plan, batch_size=None)  # a batch of the whole set is full batch
    schedule = snapshot_schedule(plan.epochs, plan.max_snapshots)
    network.architecture.memory_budget(len(data.X) + len(data.X_test), len(schedule), plan.epochs)
    # Overflow and NaN are caught by the divergence check, in words; numpy's warnings would only add noise.
    with np.errstate(all="ignore"):
        metrics, recorder, diverged = _run_epochs(network, data, plan, schedule, on_epoch)
    schedule = np.array(recorder.epochs, dtype=np.int64)
    epochs = int(schedule[-1])  # fewer than asked for when a kept diverged run stopped early
    metrics = metrics[:, :epochs + 1]
    if diverged is not None:
        metadata = {**(metadata or {}), "diverged": diverged}
    recorded = run_metadata(network, epochs, plan, metadata)
    empty = np.zeros(0, dtype=np.float32)
    return TrainingHistory(
        metadata=recorded,
        train_loss=metrics[0].astype(np.float32),
        train_accuracy=metrics[1].astype(np.float32),
        test_loss=metrics[2].astype(np.float32) if data.has_test else empty,
        test_accuracy=metrics[3].astype(np.float32) if data.has_test else empty,
        snapshot_epochs=schedule,
        probe_input=data.X[plan.probe_index].astype(np.float32),
        probe_target=data.y[plan.probe_index].astype(np.float32),
        X_train=data.X.astype(np.float32),
        y_train=data.y.astype(np.float32),
        X_test=data.X_test.astype(np.float32),
        y_test=data.y_test.astype(np.float32),
        **recorder.layer_arrays(),
    )


class _Data(NamedTuple):
    X: np.ndarray
    y: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray

    @property
    def has_test(self) -> bool:
        return len(self.X_test) > 0


def _checked_data(network: NeuralNetwork, X, y, X_test, y_test, probe_index: int) -> _Data:
    """Inputs and targets shaped as the network wants them (the output layer is fixed here)."""
    X = network.as_inputs(X)
    network.settle_output(y)
    y = network.as_targets(y, len(X))
    checks.whole_number("the probe sample", probe_index, 0, len(X) - 1)
    if X_test is not None and len(X_test) > 0:
        X_test = network.as_inputs(X_test)
        y_test = network.as_targets(y_test, len(X_test))
    else:
        X_test, y_test = np.zeros((0, X.shape[1])), np.zeros((0, y.shape[1]))
    return _Data(X, y, X_test, y_test)


def _run_epochs(network: NeuralNetwork, data: _Data, plan: TrainingPlan, schedule: np.ndarray,
                on_epoch) -> tuple[np.ndarray, "_SnapshotRecorder", dict | None]:
    """The training loop: metrics every epoch, a snapshot at the scheduled ones, a step in between.
    Returns the metrics, the snapshots and, for a diverged run kept, when and why it diverged."""
    epochs, learning_rate, batch_size, keep_diverged = (plan.epochs, plan.learning_rate, plan.batch_size,
                                                        plan.keep_diverged)
    is_snapshot = np.zeros(epochs + 1, dtype=bool)
    is_snapshot[schedule] = True
    metrics = np.full((4, epochs + 1), np.nan)
    recorder = _SnapshotRecorder(network, len(schedule), data.X[plan.probe_index])
    watch = DivergenceWatch(network, learning_rate)
    last_good = None  # the state before the latest step, to end a kept diverged run on
    for epoch in range(epochs + 1):
        loss, acc, gradients = network.loss_and_gradients(data.X, data.y)
        try:
            watch.check(epoch, loss)
            if is_snapshot[epoch] and not recorder.record(gradients, epoch):
                cause = ("try a smaller learning rate than " f"{learning_rate:g}" if epoch else
                         "before any step, so the initial weights, the data or l1 and l2 are too large")
                raise DivergenceError(f"training diverged at epoch {epoch}: the weights or their gradients grew "
                                      f"past what float32 holds; {cause}")
        except DivergenceError as error:
            if not keep_diverged or epoch == 0:
                raise
            test = network.evaluate(data.X_test, data.y_test) if data.has_test else (0.0, 0.0)
            if all(np.isfinite(value) and value <= MAX_LOSS for value in (loss, test[0])) \
                    and recorder.record(gradients, epoch):
                metrics[:, epoch] = loss, acc, *test  # the run ends on the epoch it diverged at, its jump drawn
            elif last_good is not None and epoch >= 2:  # or on the one before, the last it could record
                weights, biases, good_gradients, kernels, kernel_biases = last_good
                network.copy_parameters_from(weights, biases, kernels, kernel_biases)
                if recorder.epochs[-1] != epoch - 1:
                    recorder.record(good_gradients, epoch - 1)
            else:
                raise
            return metrics, recorder, {"epoch": epoch, "cause": str(error)}
        metrics[0, epoch], metrics[1, epoch] = loss, acc
        if data.has_test:
            metrics[2, epoch], metrics[3, epoch] = network.evaluate(data.X_test, data.y_test)
        if epoch > 0 and on_epoch is not None:
            on_epoch(epoch, loss, acc)
        if epoch == epochs:
            try:
                watch.finish(epoch, loss)
            except DivergenceError as error:
                if not keep_diverged:
                    raise
                return metrics, recorder, {"epoch": watch.diverged_since(), "cause": str(error)}
            break
        if keep_diverged:
            last_good = ([W.copy() for W in network.weights], [b.copy() for b in network.biases], gradients,
                         [K.copy() for K in network.kernels], [b.copy() for b in network.kernel_biases])
        if batch_size is None and not network.dropout:
            network.apply_gradients(gradients, learning_rate)
        elif batch_size is None:  # dropout draws its masks for the step: the gradient above has none
            network.step(data.X, data.y, learning_rate)
        else:
            order = network.rng.permutation(len(data.X))
            for start in range(0, len(data.X), batch_size):
                batch = order[start:start + batch_size]
                network.step(data.X[batch], data.y[batch], learning_rate)
    return metrics, recorder, None


class DivergenceWatch:
    """Decides when a run has diverged, and says why in words.

    A run diverges when its loss stops being a finite number, when it explodes past
    EXPLOSION_FACTOR times its loss before the first step (training stops at once), or
    when it ends far above where it started: when its loss over the last tenth of its
    epochs (``verdict.tail_length``) averages above DIVERGENCE_FACTOR times that loss.
    The average is geometric, so a loss that alternates high and low is judged the same
    whichever epoch the run ends on, and one spike that comes back down (adaptive optimizers
    on mini-batches make them) weighs little. Gradient descent that works lowers the loss;
    one that overshoots makes it grow.
    """

    def __init__(self, network: NeuralNetwork, learning_rate: float) -> None:
        self.network, self.learning_rate = network, learning_rate
        self.initial: float | None = None
        self.losses: list[float] = []  # every epoch's loss so far, epoch 0 first

    def check(self, epoch: int, loss: float) -> None:
        """Raise DivergenceError if the loss after ``epoch`` epochs shows the run has diverged."""
        penalty = self.network.penalty()
        if not np.isfinite(penalty):
            strengths = " and ".join(f"{name} = {value:g}" for name, value in
                                     (("l1", self.network.l1), ("l2", self.network.l2)) if value)
            self._stop(epoch, f"the regularization penalty is {penalty} ({strengths}); use a smaller strength")
        if np.isfinite(loss) and loss > MAX_LOSS:
            self._stop(epoch, f"the loss is {loss:.3g}, too large for a run file to hold; "
                              + ("use a smaller l1 or l2" if penalty > loss / 2 else self._advice()))
        if not np.isfinite(loss):
            if self.initial is None:
                self._stop(epoch, f"the loss is {loss} before any training; "
                                  "the inputs or the initial weights are too large")
            self._stop(epoch, f"the loss became {loss}; {self._advice()}")
        self.losses.append(float(loss))
        if self.initial is None:
            self.initial = loss
            return
        if loss > EXPLOSION_FACTOR * self.initial:
            penalized = penalty > loss - penalty
            self._stop(epoch, f"the {'regularization penalty' if penalized else 'loss'} exploded to {loss:.4g}, "
                              f"over {EXPLOSION_FACTOR:g} times the {self.initial:.4g} it started at; "
                              f"{self._advice(penalized)}")

    def diverged_since(self) -> int | None:
        """The epoch from which the loss has averaged above DIVERGENCE_FACTOR times its start, when the
        run's last tenth does; None when the run ends below that line.

        The first epoch above the line from which the loss to the end, and from every later epoch up
        to the start of the last tenth, averages above it (geometrically)."""
        epochs = len(self.losses) - 1
        if epochs < 1:
            return None
        line = DIVERGENCE_FACTOR * self.initial
        losses = np.asarray(self.losses[1:])  # epochs 1..end
        logs = np.log(np.maximum(losses, 1e-300))
        suffix_means = np.cumsum(logs[::-1])[::-1] / np.arange(epochs, 0, -1)  # of epochs e..end, e = 1..
        above = suffix_means[:epochs - tail_length(epochs) + 1] > np.log(line)
        if not above[-1]:
            return None
        below = np.flatnonzero(~above)
        start = int(below[-1]) + 1 if len(below) else 0
        return start + int(np.argmax(losses[start:] > line)) + 1

    def finish(self, epoch: int, loss: float) -> None:
        """Raise DivergenceError if the run ends far above where it started."""
        since = self.diverged_since()
        if since is None:
            return
        tail = np.asarray(self.losses[-tail_length(epoch):])
        if (np.diff(tail) > 0).all():
            end = "climbing from {} to {} in its last {:,} epochs".format(*distinct(tail[0], tail[-1]), len(tail))
        elif tail.max() < 2 * tail.min():
            end = f"ending at {loss:.4g} after epoch {epoch}"
        else:
            end = "jumping between {} and {} in its last {:,} epochs".format(*distinct(tail.min(), tail.max()),
                                                                            len(tail))
        self._stop(since, f"its loss has averaged over {DIVERGENCE_FACTOR:g} times the {self.initial:.4g} it "
                          f"started at since then, {end}; {self._advice()}")

    def _advice(self, penalized: bool = False) -> str:
        if penalized:
            return f"try a smaller l1 or l2, or a smaller learning rate than {self.learning_rate:g}"
        return f"try a smaller learning rate than {self.learning_rate:g}"

    @staticmethod
    def _stop(epoch: int, why: str) -> None:
        raise DivergenceError(f"training diverged at epoch {epoch}: {why}")


def run_metadata(network: NeuralNetwork, epochs: int, plan: TrainingPlan, extra: dict | None) -> dict:
    return check_metadata({
        "layer_sizes": network.layer_sizes,
        "activation": network.activation_name,
        "output": network.output_name,
        "loss": network.output_layer.loss_name,
        "weight_init": network.weight_init,
        "optimizer": network.optimizer_name,
        "learning_rate": plan.learning_rate,
        "batch_size": plan.batch_size,
        "l1": network.l1,
        "l2": network.l2,
        "seed": network.seed,
        "epochs": epochs,
        "probe_index": int(plan.probe_index),
        # Recorded only when used, so the runs made before dropout existed read as they were.
        **({"dropout": network.dropout} if network.dropout else {}),
        # A convolutional network's whole grammar; layer_sizes above is its dense part.
        **({"layers": network.architecture.text} if network.is_convolutional else {}),
        **(extra or {}),
    })


class _SnapshotRecorder:
    """Preallocated float32 arrays that snapshots are copied into; for a CNN also its kernels, their
    biases and gradients, the probe's maps after every conv and pool, and each pool's winners (uint8)."""

    def __init__(self, network: NeuralNetwork, n_snapshots: int, probe: np.ndarray) -> None:
        self.network, self.probe, self.count = network, probe, 0
        self.epochs: list[int] = []  # of the rows recorded
        shapes = [W.shape for W in network.weights]
        self.arrays = {
            "weights": [np.empty((n_snapshots, *shape), np.float32) for shape in shapes],
            "weight_grads": [np.empty((n_snapshots, *shape), np.float32) for shape in shapes],
        }
        for name in ("biases", "bias_grads", "probe_z", "probe_a"):
            self.arrays[name] = [np.empty((n_snapshots, shape[0]), np.float32) for shape in shapes]
        kernels = [K.shape for K in network.kernels]
        maps = network.architecture.map_shapes()[1:]
        pooled = [shape for stage, shape in zip(network.architecture.stages, maps) if isinstance(stage, Pool)]
        self.arrays.update({
            "kernels": [np.empty((n_snapshots, *shape), np.float32) for shape in kernels],
            "kernel_grads": [np.empty((n_snapshots, *shape), np.float32) for shape in kernels],
            "kernel_biases": [np.empty((n_snapshots, shape[0]), np.float32) for shape in kernels],
            "kernel_bias_grads": [np.empty((n_snapshots, shape[0]), np.float32) for shape in kernels],
            "probe_maps": [np.empty((n_snapshots, *shape), np.float32) for shape in maps],
            "probe_winners": [np.empty((n_snapshots, *shape), np.uint8) for shape in pooled],
        })

    def record(self, gradients, epoch: int) -> bool:
        """Copy the network's state at ``epoch`` into the next row; False, and the row not kept,
        if it does not fit in float32."""
        row = self.count
        with np.errstate(over="ignore"):
            self._copy_row(row, gradients, self.network.trace(self.probe))
        if not all(np.isfinite(arrays[layer][row]).all() for arrays in self.arrays.values()
                   for layer in range(len(arrays))):
            return False
        self.count += 1
        self.epochs.append(epoch)
        return True

    def _copy_row(self, row: int, gradients, trace) -> None:
        for layer in range(len(self.network.weights)):
            self.arrays["weights"][layer][row] = self.network.weights[layer]
            self.arrays["biases"][layer][row] = self.network.biases[layer]
            self.arrays["weight_grads"][layer][row] = gradients.weights[layer]
            self.arrays["bias_grads"][layer][row] = gradients.biases[layer]
            self.arrays["probe_z"][layer][row] = trace.z[layer + 1][0]
            self.arrays["probe_a"][layer][row] = trace.a[layer + 1][0]
        for conv, K in enumerate(self.network.kernels):
            self.arrays["kernels"][conv][row] = K
            self.arrays["kernel_biases"][conv][row] = self.network.kernel_biases[conv]
            self.arrays["kernel_grads"][conv][row] = gradients.kernels[conv]
            self.arrays["kernel_bias_grads"][conv][row] = gradients.kernel_biases[conv]
        if trace.maps is not None:
            for stage, maps in enumerate(trace.maps.a[1:]):
                self.arrays["probe_maps"][stage][row] = maps[0]
            for pool, winners in enumerate(w for w in trace.maps.winners if w is not None):
                self.arrays["probe_winners"][pool][row] = winners[0]

    def layer_arrays(self) -> dict[str, list[np.ndarray]]:
        """The rows recorded (fewer than planned when a kept diverged run ended early)."""
        return {name: [array[:self.count] for array in arrays] for name, arrays in self.arrays.items()}
