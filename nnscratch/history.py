"""The record of a training run, and its ``.npz`` file format.

A run file is a zip of ``.npy`` arrays (float32) plus ``metadata``, a JSON
string. It is written with fixed timestamps, so the same run gives the same
bytes, and read with ``allow_pickle=False``.
"""
from __future__ import annotations

import json
import os
import tempfile
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from nnscratch.network import NeuralNetwork, check_layer_sizes

FORMAT_VERSION = 1
_ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)


class RunFileError(ValueError):
    """A run file that cannot be read: missing, truncated, corrupt or not ours."""


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
    source: str | None = field(default=None, compare=False)

    @property
    def layer_sizes(self) -> list[int]:
        return list(self.metadata["layer_sizes"])

    @property
    def epochs(self) -> int:
        return len(self.train_loss) - 1

    @property
    def n_snapshots(self) -> int:
        return len(self.snapshot_epochs)

    @property
    def has_test(self) -> bool:
        return len(self.test_loss) > 0

    def network_at(self, snapshot: int = -1) -> NeuralNetwork:
        """A network holding the weights of one snapshot (the last by default)."""
        meta = self.metadata
        network = NeuralNetwork(
            meta["layer_sizes"], activation=meta["activation"], weight_init=meta["weight_init"],
            output=meta["output"], optimizer=meta["optimizer"], l1=meta["l1"], l2=meta["l2"], seed=meta["seed"],
        )
        network.copy_parameters_from([W[snapshot] for W in self.weights], [b[snapshot] for b in self.biases])
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
        named = {
            "train_loss": self.train_loss, "train_accuracy": self.train_accuracy,
            "test_loss": self.test_loss, "test_accuracy": self.test_accuracy,
            "snapshot_epochs": self.snapshot_epochs,
            "probe_input": self.probe_input, "probe_target": self.probe_target,
            "X_train": self.X_train, "y_train": self.y_train, "X_test": self.X_test, "y_test": self.y_test,
        }
        for name in _LAYER_ARRAYS:
            for layer, array in enumerate(getattr(self, name)):
                named[f"{name}_{layer}"] = array
        return named

    def save(self, path: str | os.PathLike) -> Path:
        """Write the run to ``path`` atomically: a failed write leaves no partial file."""
        path = Path(path)
        metadata = json.dumps({**self.metadata, "format_version": FORMAT_VERSION}, sort_keys=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
        try:
            with os.fdopen(handle, "wb") as raw, zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
                _write_array(archive, "metadata", np.array(metadata))
                for name, array in self.arrays().items():
                    _write_array(archive, name, array)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        return path

    @classmethod
    def load(cls, path: str | os.PathLike) -> "TrainingHistory":
        """Read a run file, raising RunFileError that names the file and what is wrong with it."""
        path = Path(path)
        if not path.is_file():
            raise RunFileError(f"{path}: no such run file")
        with open(path, "rb") as stream:
            if stream.read(4) != b"PK\x03\x04":
                raise RunFileError(f"{path}: not an nnscratch run file (not an .npz archive)")
        try:
            with np.load(path, allow_pickle=False) as archive:
                contents = {name: archive[name] for name in archive.files}
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, KeyError) as error:
            raise RunFileError(f"{path}: not a readable nnscratch run file ({_describe(error)})") from None
        try:
            return cls._from_contents(contents, str(path))
        except RunFileError as error:
            raise RunFileError(f"{path}: {error}") from None

    @classmethod
    def _from_contents(cls, contents: dict[str, np.ndarray], source: str) -> "TrainingHistory":
        if "metadata" not in contents:
            raise RunFileError("not an nnscratch run file (it has no metadata entry)")
        try:
            metadata = json.loads(str(contents.pop("metadata")))
        except ValueError:
            raise RunFileError("the metadata entry is not valid JSON") from None
        if not isinstance(metadata, dict) or "format_version" not in metadata:
            raise RunFileError("not an nnscratch run file (its metadata has no format version)")
        version = metadata.pop("format_version")
        if version != FORMAT_VERSION:
            raise RunFileError(f"format version {version} is not supported (this nnscratch reads {FORMAT_VERSION})")
        missing = [key for key in _REQUIRED_METADATA if key not in metadata]
        if missing:
            raise RunFileError(f"the metadata lacks {', '.join(missing)}")
        try:
            sizes = check_layer_sizes(metadata["layer_sizes"])
        except (ValueError, TypeError) as error:
            raise RunFileError(f"bad layer sizes in the metadata: {error}") from None
        n_layers = len(sizes) - 1
        expected = set(_FLAT_ARRAYS) | {f"{name}_{layer}" for name in _LAYER_ARRAYS for layer in range(n_layers)}
        absent = sorted(expected - contents.keys())
        if absent:
            raise RunFileError(f"arrays missing: {', '.join(absent[:5])}{' ...' if len(absent) > 5 else ''}")
        history = cls(
            metadata=metadata,
            **{name: contents[name] for name in _FLAT_ARRAYS},
            **{name: [contents[f"{name}_{layer}"] for layer in range(n_layers)] for name in _LAYER_ARRAYS},
            source=source,
        )
        history.check_shapes()
        return history

    def check_shapes(self) -> None:
        """Raise RunFileError if any array disagrees with the layer sizes or the epoch count."""
        sizes = self.layer_sizes
        n_snapshots, n_epochs = len(self.snapshot_epochs), len(self.train_loss)
        checks = [
            ("train_accuracy", self.train_accuracy.shape, (n_epochs,)),
            ("probe_input", self.probe_input.shape, (sizes[0],)),
            ("probe_target", self.probe_target.shape, (sizes[-1],)),
        ]
        for name in ("test_loss", "test_accuracy"):
            if len(getattr(self, name)):
                checks.append((name, getattr(self, name).shape, (n_epochs,)))
        for layer, (n_in, n_out) in enumerate(zip(sizes, sizes[1:])):
            checks += [
                (f"weights_{layer}", self.weights[layer].shape, (n_snapshots, n_out, n_in)),
                (f"weight_grads_{layer}", self.weight_grads[layer].shape, (n_snapshots, n_out, n_in)),
                (f"biases_{layer}", self.biases[layer].shape, (n_snapshots, n_out)),
                (f"bias_grads_{layer}", self.bias_grads[layer].shape, (n_snapshots, n_out)),
                (f"probe_z_{layer}", self.probe_z[layer].shape, (n_snapshots, n_out)),
                (f"probe_a_{layer}", self.probe_a[layer].shape, (n_snapshots, n_out)),
            ]
        for name, actual, wanted in checks:
            if actual != wanted:
                raise RunFileError(f"array {name} has shape {actual}, expected {wanted}")
        if n_epochs < 2 or n_snapshots < 1:
            raise RunFileError("the run holds no training")
        if self.X_train.ndim != 2 or self.X_train.shape[1] != sizes[0] or len(self.y_train) != len(self.X_train):
            raise RunFileError(f"training data of shape {self.X_train.shape} does not fit input layer {sizes[0]}")
        if not np.all(np.diff(self.snapshot_epochs) > 0) or self.snapshot_epochs[-1] != n_epochs - 1:
            raise RunFileError("snapshot epochs are not increasing up to the last epoch")


_FLAT_ARRAYS = (
    "train_loss", "train_accuracy", "test_loss", "test_accuracy", "snapshot_epochs",
    "probe_input", "probe_target", "X_train", "y_train", "X_test", "y_test",
)
_LAYER_ARRAYS = ("weights", "biases", "weight_grads", "bias_grads", "probe_z", "probe_a")
_REQUIRED_METADATA = ("layer_sizes", "activation", "output", "weight_init", "optimizer", "l1", "l2", "seed")


def _write_array(archive: zipfile.ZipFile, name: str, array: np.ndarray) -> None:
    info = zipfile.ZipInfo(f"{name}.npy", date_time=_ZIP_EPOCH)
    info.compress_type = zipfile.ZIP_DEFLATED
    with archive.open(info, "w", force_zip64=True) as stream:
        np.lib.format.write_array(stream, np.asarray(array), allow_pickle=False)


def _describe(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0]}" if text else type(error).__name__
