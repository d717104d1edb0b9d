"""The record of a training run; ``runfile`` holds its file format."""
from __future__ import annotations

import math
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from nnscratch.architecture import Architecture
from nnscratch.datasets import class_names, image_shape_of, what_it_learned
from nnscratch.losses import loss_choice
from nnscratch.network import NeuralNetwork
from nnscratch.recorded_maps import check_recorded_maps
from nnscratch.runfile import (
    CONV_ARRAYS, FLAT_ARRAYS, LAYER_ARRAYS, MAP_ARRAYS, WINNER_ARRAYS, RunFileError, architecture_of, check_metadata,
    check_shapes, check_values, read_run, write_run,
)

__all__ = ["RunFileError", "TrainingHistory", "r_squared_text"]


def r_squared(predicted: np.ndarray, truth: np.ndarray) -> float:
    """1 - the squared error over the truth's own spread (1: every prediction exact; 0: the mean's); nan when
    the truths are all equal. The same in any units the two share, raw or standardised."""
    truth = np.asarray(truth, dtype=float)
    spread = float(((truth - truth.mean()) ** 2).sum())
    return 1.0 - float(((np.asarray(predicted, dtype=float) - truth) ** 2).sum()) / spread if spread > 0 else float("nan")


def r_squared_text(value: float) -> str:
    """An R² as words say it: "0.912", or "undefined" for the nan of targets that are all equal (no spread
    to account for), which no format should print as "nan"."""
    return "undefined" if math.isnan(value) else f"{value:.3f}"


@dataclass
class TrainingHistory:
    """What a training run recorded.

    Per epoch (index ``e`` is the state after ``e`` epochs, 0 is the initial state):
    ``train_loss``, ``train_accuracy``, ``test_loss``, ``test_accuracy``, each of
    shape ``(epochs + 1,)``; the test ones are empty when there is no test split.

    Per snapshot ``s`` (taken after ``snapshot_epochs[s]`` epochs), one array per layer
    ``l = 0..L-1`` (the layer from ``l`` to ``l + 1``): ``weights[l]`` of shape
    ``(S, n_out, n_in)``, ``biases[l]`` ``(S, n_out)``, ``weight_grads`` and ``bias_grads``
    alike (full-batch gradients at that state), and the probe sample's ``probe_z[l]``
    and ``probe_a[l]`` of shape ``(S, n_out)``.

    A convolutional run (``metadata["layers"]``, the grammar; ``layer_sizes`` is then its dense part,
    the flattened maps first) also holds, per conv ``c``: ``kernels[c]`` ``(S, filters, channels, k, k)``,
    ``kernel_biases[c]`` ``(S, filters)`` and their full-batch gradients ``kernel_grads``,
    ``kernel_bias_grads``; per conv or pool stage ``s``, the probe's maps after it, ``probe_maps[s]``
    ``(S, channels, rows, cols)``; per pool ``p``, ``probe_winners[p]`` (uint8), each window's winner as
    its flat index ``u * N + v``. For a network of dense layers these lists are empty.
    """

    metadata: dict
    train_loss: np.ndarray
    train_accuracy: np.ndarray
    test_loss: np.ndarray
    test_accuracy: np.ndarray
    snapshot_epochs: np.ndarray
    weights: list[np.ndarray]
    biases: list[np.ndarray]
    weight_grads: list[np.ndarray]
    bias_grads: list[np.ndarray]
    probe_input: np.ndarray
    probe_target: np.ndarray
    probe_z: list[np.ndarray]
    probe_a: list[np.ndarray]
    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    kernels: list[np.ndarray] = field(default_factory=list)
    kernel_biases: list[np.ndarray] = field(default_factory=list)
    kernel_grads: list[np.ndarray] = field(default_factory=list)
    kernel_bias_grads: list[np.ndarray] = field(default_factory=list)
    probe_maps: list[np.ndarray] = field(default_factory=list)
    probe_winners: list[np.ndarray] = field(default_factory=list)
    source: str | None = field(default=None, compare=False)

    @property
    def layer_sizes(self) -> list[int]:
        return list(self.metadata["layer_sizes"])

    @property
    def architecture(self) -> Architecture:
        """The network as the layer grammar parses it (``architecture.text``, ``stages``, ``map_shapes()``)."""
        return architecture_of(self.metadata)

    @property
    def is_convolutional(self) -> bool:
        return "layers" in self.metadata

    @property
    def epochs(self) -> int:
        return len(self.train_loss) - 1

    @property
    def n_snapshots(self) -> int:
        return len(self.snapshot_epochs)

    @property
    def has_test(self) -> bool:
        return len(self.test_loss) > 0

    # -- what the run was, by name (its metadata is the file's record of it) -----------------------

    @property
    def activation(self) -> str:
        """The hidden layers' activation, e.g. "sigmoid"."""
        return self.metadata["activation"]

    @property
    def output_activation(self) -> str:
        """The output layer's activation, which fixes the loss: "sigmoid", "softmax" or "identity"."""
        return self.metadata["output"]

    @property
    def learning_rate(self) -> float:
        return float(self.metadata["learning_rate"])

    @property
    def optimizer(self) -> str:
        return self.metadata["optimizer"]

    @property
    def batch_size(self) -> int | None:
        """Examples a step, or None for the whole training set."""
        return self.metadata.get("batch_size")

    @property
    def dropout(self) -> float:
        """The share of hidden neurons each step silenced (recorded only when used)."""
        return float(self.metadata.get("dropout", 0.0))

    @property
    def probe_index(self) -> int:
        """The training sample whose activations were recorded."""
        return int(self.metadata.get("probe_index", 0))

    @property
    def diverged(self) -> dict | None:
        """When and why a run kept to be compared diverged (its epoch and cause), else None."""
        return self.metadata.get("diverged")

    @property
    def dataset_name(self) -> str | None:
        """The dataset the run was made from ("digits", "moons"...), None for data of the caller's own."""
        return self.metadata.get("dataset", {}).get("name")

    @property
    def user_data(self) -> dict | None:
        """The record of the user's own data the run trained on (file, names, scaling), else None."""
        return self.metadata.get("data")

    @property
    def data_name(self) -> str:
        """What the run trained on, as a line says it: the dataset's name, or the user's file."""
        return self.user_data["file"] if self.user_data else (self.dataset_name or "data of its own")

    @property
    def regression(self) -> bool:
        """True when the run predicts a real-valued target (an identity output, mean squared error)."""
        return self.output_activation == "identity"

    @property
    def loss_choice(self) -> str | None:
        """The ``--loss`` the run was trained with: None for the one that pairs with its output, or "mse"."""
        return loss_choice(self.output_activation, self.metadata["loss"])

    @property
    def class_names(self) -> tuple[str, ...]:
        """The names of the run's classes, label order (empty for real-valued outputs)."""
        if self.output_activation == "identity":
            return ()
        if self.user_data is not None:
            return tuple(self.user_data["classes"])
        return class_names(self.dataset_name, 2 if self.output_activation == "sigmoid" else self.layer_sizes[-1])

    @property
    def feature_names(self) -> tuple[str, ...]:
        """The names of the inputs, when the data named them (a table's columns); else empty."""
        return tuple((self.user_data or {}).get("features", ()))

    @property
    def target_name(self) -> str | None:
        """What the user's data calls its target (a table's label column), else None."""
        return self.user_data["target"] if self.user_data else None

    @property
    def image_shape(self) -> tuple[int, int] | None:
        """Rows and columns of pixels when the run's inputs are images (the digits), else None."""
        if self.is_convolutional:
            return self.architecture.image.rows, self.architecture.image.cols
        if self.user_data is not None:
            shape = self.user_data.get("image_shape")
            return tuple(shape) if shape is not None else None
        return image_shape_of(self.dataset_name, self.layer_sizes[0])

    def raw_inputs(self, X: np.ndarray) -> np.ndarray:
        """Inputs as the user's data wrote them (the run trained on them standardised, or pixels in 0-1)."""
        data = self.user_data
        if data is None:
            return np.asarray(X, dtype=float)
        return np.asarray(X, dtype=float) * np.array(data["feature_scale"]) + np.array(data["feature_mean"])

    def raw_targets(self, y: np.ndarray) -> np.ndarray:
        """A real-valued target (or prediction) in the user's own units."""
        data = self.user_data or {}
        return np.asarray(y, dtype=float) * data.get("target_scale", 1.0) + data.get("target_mean", 0.0)

    def r_squared(self, snapshot: int = -1, test: bool = False) -> float:
        """The coefficient of determination of a real-valued target at a snapshot: 1 - the squared error of
        the predictions over the target's own variance (1 is perfect, 0 no better than guessing the mean)."""
        X, y = (self.X_test, self.y_test) if test else (self.X_train, self.y_train)
        return r_squared(self.network_at(snapshot).forward(X.astype(float)), y)

    def r_squared_words(self, snapshot: int = -1, test: bool = False) -> str:
        """R² as a line says it: "0.912", or "undefined" when the targets it is measured on are all equal."""
        return r_squared_text(self.r_squared(snapshot, test))

    def metrics_words(self, epoch: int = -1) -> str:
        """Loss and accuracy after ``epoch`` epochs, as one line says them: "loss 0.2139, accuracy 92.5%
        (test 91.3%)" (no accuracy for real-valued targets)."""
        text = f"loss {self.train_loss[epoch]:.4f}"
        snapshot = {0: 0, -1: -1, self.epochs: -1}.get(epoch)
        if self.regression:  # a number predicted is judged by its R², never by an accuracy
            if self.user_data is None or snapshot is None:
                return text
            return text + f", R² {self.r_squared_words(snapshot)}" + (
                f" (test {self.r_squared_words(snapshot, test=True)})" if self.has_test and snapshot == -1 else "")
        if not math.isnan(self.train_accuracy[epoch]):
            text += f", accuracy {self.train_accuracy[epoch]:.1%}"
        if self.has_test and epoch == -1 and not math.isnan(self.test_accuracy[-1]):
            text += f" (test {self.test_accuracy[-1]:.1%})"
        return text

    def describe(self) -> list[tuple[str, str]]:
        """What the run is, row by row, as ``nnscratch info`` shows it."""
        meta, dataset = self.metadata, self.metadata.get("dataset", {})
        classes = f" ({dataset['classes']} classes)" if "classes" in dataset else ""
        return [
            ("layers", f"{meta['layers'] if self.is_convolutional else meta['layer_sizes']} "
                       f"({self.network_at().n_parameters:,} parameters)"),
            ("activation", f"{self.activation} hidden, {self.output_activation} output, {meta.get('loss', '?')} loss"),
            *([self._user_data_row()] if self.user_data else []),
            ("init", meta["weight_init"]),
            ("training", f"{self.optimizer}, lr {self.learning_rate}, batch {self.batch_size or 'full'}, "
                         f"l1 {meta['l1']}, l2 {meta['l2']}, dropout {meta.get('dropout', 0)}, seed {meta['seed']}"),
            ("data", f"{dataset.get('name', '?')}{classes}: {len(self.X_train)} train, {len(self.X_test)} test, "
                     f"noise {dataset.get('noise', '?')}" if not self.user_data else
                     f"{self.user_data['file']} ({self.user_data['kind']}): {len(self.X_train)} train, "
                     f"{len(self.X_test)} test"),
            ("epochs", f"{self.epochs} ({self.n_snapshots} snapshots)"),
            ("first", self.metrics_words(0)),
            ("final", self.metrics_words()),
            *([("diverged", self.diverged["cause"])] if self.diverged else []),
        ]

    def _user_data_row(self) -> tuple[str, str]:
        data = self.user_data
        if self.regression:
            return "task", f"regression: predicts {data['target']} (a number) from {self._inputs_named()}"
        return "classes", f"{len(data['classes'])} ({', '.join(data['classes'])}) from {self._inputs_named()}"

    def _inputs_named(self) -> str:
        if self.image_shape is not None:
            return f"images of {self.image_shape[0]}x{self.image_shape[1]} pixels"
        names = self.feature_names
        return ", ".join(names[:8]) + (f" and {len(names) - 8} more" if len(names) > 8 else "")

    @property
    def learned_kind(self) -> str | None:
        """How what the network learned can be drawn: "images", "plane" or None (``what_it_learned``)."""
        if self.image_shape is not None:
            return "images"
        return what_it_learned(self.dataset_name, self.layer_sizes)

    def network_at(self, snapshot: int = -1) -> NeuralNetwork:
        """A network holding the weights of one snapshot (the last by default)."""
        meta = self.metadata
        network = NeuralNetwork(
            meta.get("layers", meta["layer_sizes"]), activation=meta["activation"], weight_init=meta["weight_init"],
            output=meta["output"], optimizer=meta["optimizer"], l1=meta["l1"], l2=meta["l2"], seed=meta["seed"],
            loss=self.loss_choice,
        )
        network.copy_parameters_from([W[snapshot] for W in self.weights], [b[snapshot] for b in self.biases],
                                     [K[snapshot] for K in self.kernels], [b[snapshot] for b in self.kernel_biases])
        return network

    def change_per_interval(self) -> np.ndarray:
        """How much happens between consecutive snapshots, shape ``(S - 1,)``, summing to 1.

        Half is the share of the total weight movement, half the share of the total
        change of the loss, so both a reshuffle of weights and a drop of the loss count.
        """
        # One interval at a time: a whole-array diff of a 784-wide layer's snapshots, in float64,
        # would hold several times the history in temporaries.
        movement = np.array([sum(float(np.linalg.norm(W[i + 1].astype(float) - W[i])) for W in self.weights)
                             for i in range(len(self.snapshot_epochs) - 1)])
        loss = self.train_loss[self.snapshot_epochs].astype(float)
        parts = [movement, np.abs(np.diff(loss))]
        shares = [part / part.sum() for part in parts if part.sum() > 0]
        if not shares:
            return np.full(len(self.snapshot_epochs) - 1, 1.0 / max(len(self.snapshot_epochs) - 1, 1))
        return sum(shares) / len(shares)

    def keyframes(self, n: int) -> np.ndarray:
        """Up to ``n`` snapshot indices, first and last included, spaced so that about the same
        amount happens between consecutive ones: dense where training changes fast.

        A fifth of the spacing is even in snapshot order, so quiet stretches still move.
        """
        if n < 2:
            raise ValueError(f"at least 2 keyframes are needed, got {n}")
        count = len(self.snapshot_epochs)
        if count <= n:
            return np.arange(count)
        weights = 0.8 * self.change_per_interval() + 0.2 / (count - 1)
        progress = np.concatenate([[0.0], np.cumsum(weights)])
        progress /= progress[-1]
        chosen = np.searchsorted(progress, np.linspace(0.0, 1.0, n), side="left")
        return np.unique(np.clip(chosen, 0, count - 1))

    # -- file format -------------------------------------------------------

    def arrays(self) -> dict[str, np.ndarray]:
        """Every array by its name in the run file."""
        named = {name: getattr(self, name) for name in FLAT_ARRAYS}
        for name in LAYER_ARRAYS + CONV_ARRAYS + MAP_ARRAYS + WINNER_ARRAYS:
            for layer, array in enumerate(getattr(self, name)):
                named[f"{name}_{layer}"] = array
        return named

    def save(self, path: str | os.PathLike, compressed: bool = True) -> Path:
        """Write the run to ``path`` atomically: a failed or interrupted write leaves no file.

        The run is checked as reading checks a file first (metadata, shapes, values), so what is saved
        can be loaded. ``compressed=False`` writes it faster and larger (see ``runfile.write_run``).
        """
        metadata = check_metadata(dict(self.metadata))
        arrays = {name: np.asarray(array) for name, array in self.arrays().items()}
        check_shapes(metadata, lambda name: (arrays[name].dtype, arrays[name].shape))
        check_values(metadata, arrays)
        return write_run(path, self.metadata, arrays, compressed)

    @classmethod
    def load(cls, path: str | os.PathLike) -> "TrainingHistory":
        """Read a run file, raising RunFileError that names the file and what is wrong with it."""
        metadata, arrays = read_run(path)
        n_layers = len(metadata["layer_sizes"]) - 1
        architecture = architecture_of(metadata)
        counts = {**{name: n_layers for name in LAYER_ARRAYS},
                  **{name: len(architecture.convs) for name in CONV_ARRAYS},
                  **{name: len(architecture.stages) for name in MAP_ARRAYS},
                  **{name: len(architecture.pools) for name in WINNER_ARRAYS}}
        history = cls(
            metadata=metadata,
            **{name: arrays[name] for name in FLAT_ARRAYS},
            **{name: [arrays[f"{name}_{layer}"] for layer in range(count)] for name, count in counts.items()},
            source=str(path),
        )
        try:
            check_recorded_maps(history)
        except RunFileError as error:
            raise RunFileError(f"{path}: {error}") from None
        return history
