"""Train a network and record what the video will replay."""
from __future__ import annotations

from typing import Callable

import numpy as np

from nnscratch.history import TrainingHistory
from nnscratch.network import NeuralNetwork

DEFAULT_MAX_SNAPSHOTS = 400


class DivergenceError(RuntimeError):
    """The loss stopped being a finite number."""


def snapshot_schedule(epochs: int, max_snapshots: int = DEFAULT_MAX_SNAPSHOTS) -> np.ndarray:
    """Epochs at which to snapshot: all of them when they fit, else dense at the start.

    Most of what a network learns changes early, so half the budget is spread
    geometrically (1, 2, 4, ... epochs) and half evenly. Always includes 0 and ``epochs``.
    """
    if max_snapshots < 2:
        raise ValueError(f"max_snapshots must be at least 2, got {max_snapshots}")
    if epochs + 1 <= max_snapshots:
        return np.arange(epochs + 1)
    geometric = np.geomspace(1, epochs, max_snapshots // 2)
    even = np.linspace(0, epochs, max_snapshots - max_snapshots // 2)
    chosen = np.unique(np.round(np.concatenate([[0], geometric, even])).astype(np.int64))
    return chosen


def train(
    network: NeuralNetwork,
    X: np.ndarray,
    y: np.ndarray,
    epochs: int = 500,
    learning_rate: float = 0.1,
    batch_size: int | None = None,
    X_test: np.ndarray | None = None,
    y_test: np.ndarray | None = None,
    probe_index: int = 0,
    max_snapshots: int = DEFAULT_MAX_SNAPSHOTS,
    on_epoch: Callable[[int, float, float], None] | None = None,
    metadata: dict | None = None,
) -> TrainingHistory:
    """Train ``network`` in place for ``epochs`` epochs and return what happened.

    Loss and accuracy are kept for every epoch; weights, biases, full-batch
    gradients and the trace of training sample ``probe_index`` at the epochs of
    :func:`snapshot_schedule`. ``batch_size`` None means full batch.
    ``on_epoch(epoch, loss, accuracy)`` is called after each epoch of training.

    Raises DivergenceError naming the epoch when the loss becomes NaN or infinite.
    """
    if isinstance(epochs, bool) or not isinstance(epochs, (int, np.integer)) or epochs < 1:
        raise ValueError(f"epochs must be a whole number >= 1, got {epochs!r}")
    if not (np.isfinite(learning_rate) and learning_rate > 0):
        raise ValueError(f"the learning rate must be a finite number > 0, got {learning_rate}")
    if batch_size is not None and batch_size < 1:
        raise ValueError(f"the batch size must be at least 1, got {batch_size}")
    X = network._as_inputs(X)
    y = network._as_targets(y, len(X))
    if not 0 <= probe_index < len(X):
        raise ValueError(f"the probe sample must be between 0 and {len(X) - 1}, got {probe_index}")
    has_test = X_test is not None and len(X_test) > 0
    if has_test:
        X_test = network._as_inputs(X_test)
        y_test = network._as_targets(y_test, len(X_test))
    full_batch = batch_size is None or batch_size >= len(X)

    schedule = snapshot_schedule(epochs, max_snapshots)
    is_snapshot = np.zeros(epochs + 1, dtype=bool)
    is_snapshot[schedule] = True
    metrics = np.full((4, epochs + 1), np.nan)
    recorder = _SnapshotRecorder(network, len(schedule), X[probe_index])

    for epoch in range(epochs + 1):
        loss, acc, gradients = network.loss_and_gradients(X, y)
        if not np.isfinite(loss):
            raise DivergenceError(
                f"training diverged at epoch {epoch}: the loss became {loss}; "
                f"try a smaller learning rate than {learning_rate:g}"
            )
        metrics[0, epoch], metrics[1, epoch] = loss, acc
        if has_test:
            metrics[2, epoch], metrics[3, epoch] = network.evaluate(X_test, y_test)
        if is_snapshot[epoch] and not recorder.record(gradients):
            raise DivergenceError(
                f"training diverged at epoch {epoch}: the weights grew past what float32 holds; "
                f"try a smaller learning rate than {learning_rate:g}"
            )
        if epoch > 0 and on_epoch is not None:
            on_epoch(epoch, loss, acc)
        if epoch == epochs:
            break
        if full_batch:
            network.apply_gradients(gradients, learning_rate)
        else:
            order = network.rng.permutation(len(X))
            for start in range(0, len(X), batch_size):
                batch = order[start:start + batch_size]
                network.train_step(X[batch], y[batch], learning_rate)

    run_metadata = {
        "layer_sizes": network.layer_sizes,
        "activation": network.activation_name,
        "output": network.output_name,
        "loss": network.output_layer.loss_name,
        "weight_init": network.weight_init,
        "optimizer": network.optimizer_name,
        "learning_rate": float(learning_rate),
        "batch_size": None if full_batch else int(batch_size),
        "l1": network.l1,
        "l2": network.l2,
        "seed": network.seed,
        "epochs": int(epochs),
        "probe_index": int(probe_index),
        **(metadata or {}),
    }
    empty = np.zeros(0, dtype=np.float32)
    return TrainingHistory(
        metadata=run_metadata,
        train_loss=metrics[0].astype(np.float32),
        train_accuracy=metrics[1].astype(np.float32),
        test_loss=metrics[2].astype(np.float32) if has_test else empty,
        test_accuracy=metrics[3].astype(np.float32) if has_test else empty,
        snapshot_epochs=schedule,
        probe_input=X[probe_index].astype(np.float32),
        probe_target=y[probe_index].astype(np.float32),
        X_train=X.astype(np.float32),
        y_train=y.astype(np.float32),
        X_test=(X_test if has_test else np.zeros((0, X.shape[1]))).astype(np.float32),
        y_test=(y_test if has_test else np.zeros((0, y.shape[1]))).astype(np.float32),
        **recorder.layer_arrays(),
    )


class _SnapshotRecorder:
    """Preallocated float32 arrays that snapshots are copied into."""

    def __init__(self, network: NeuralNetwork, n_snapshots: int, probe: np.ndarray) -> None:
        self.network, self.probe, self.count = network, probe, 0
        shapes = [W.shape for W in network.weights]
        self.arrays = {
            "weights": [np.empty((n_snapshots, *shape), np.float32) for shape in shapes],
            "weight_grads": [np.empty((n_snapshots, *shape), np.float32) for shape in shapes],
        }
        for name in ("biases", "bias_grads", "probe_z", "probe_a"):
            self.arrays[name] = [np.empty((n_snapshots, shape[0]), np.float32) for shape in shapes]

    def record(self, gradients) -> bool:
        """Copy the network's state into the next row; False if it does not fit in float32."""
        trace = self.network.trace(self.probe)
        row = self.count
        with np.errstate(over="ignore"):
            self._copy_row(row, gradients, trace)
        self.count += 1
        return all(np.isfinite(arrays[layer][row]).all() for arrays in self.arrays.values()
                   for layer in range(len(arrays)))

    def _copy_row(self, row: int, gradients, trace) -> None:
        for layer in range(len(self.network.weights)):
            self.arrays["weights"][layer][row] = self.network.weights[layer]
            self.arrays["biases"][layer][row] = self.network.biases[layer]
            self.arrays["weight_grads"][layer][row] = gradients.weights[layer]
            self.arrays["bias_grads"][layer][row] = gradients.biases[layer]
            self.arrays["probe_z"][layer][row] = trace.z[layer + 1][0]
            self.arrays["probe_a"][layer][row] = trace.a[layer + 1][0]

    def layer_arrays(self) -> dict[str, list[np.ndarray]]:
        return self.arrays
