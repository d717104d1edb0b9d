"""A run's loss surface, computed once: kept on disk under the run's content, as speech is under its text.

The surface of the 8,000 digits is 961 forward passes over every training sample, seconds of work
that every render and still of the descent scene of that run would repeat. The key is a hash of
everything the surface depends on, so a changed run never finds a stale surface; a file that does
not read back as one is a miss, and a cache that cannot be written only makes the next render slower.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np

from nnscratch import TrainingHistory
from nnscratch.files import atomic_file, cache_dir
from nnscratch.landscape import Landscape, loss_landscape

FORMAT = 2  # bumped whenever the surface would be computed differently


def run_key(history: TrainingHistory) -> str:
    """A hash of what the loss surface of ``history`` depends on: its parameters at every snapshot,
    its training data and the parts of its metadata that shape a forward pass and its loss."""
    digest = hashlib.sha256()
    meta = history.metadata
    digest.update(json.dumps([FORMAT, meta["layer_sizes"], meta["activation"], meta["output"], meta.get("l1"),
                              meta.get("l2")], sort_keys=True).encode())
    for array in [*history.weights, *history.biases, history.X_train, history.y_train]:
        array = np.ascontiguousarray(array)
        digest.update(f"{array.dtype.str}{array.shape}".encode())
        digest.update(array.data)
    return digest.hexdigest()[:40]


def cached_landscape(history: TrainingHistory, folder: Path | None = None) -> Landscape:
    """``loss_landscape(history)``, from the cache when it holds it."""
    path = (folder if folder is not None else cache_dir("landscapes")) / f"{run_key(history)}.npz"
    found = _read(path, history)
    if found is not None:
        return found
    landscape = loss_landscape(history)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with atomic_file(path) as stream:  # a concurrent render reads no file or the whole file
            np.savez(stream, directions=landscape.directions, explained=np.array(landscape.explained),
                     path=landscape.path, alphas=landscape.alphas, betas=landscape.betas, losses=landscape.losses)
    except OSError:
        pass
    return landscape


def _read(path: Path, history: TrainingHistory) -> Landscape | None:
    n_parameters = sum(W[0].size for W in history.weights) + sum(b[0].size for b in history.biases)
    try:
        with np.load(path, allow_pickle=False) as stored:
            arrays = {name: stored[name] for name in ("directions", "explained", "path", "alphas", "betas", "losses")}
    except (OSError, ValueError, KeyError, EOFError):
        return None  # no file, or a foreign or damaged one: computed again, and overwritten
    shapes = {"directions": (2, n_parameters), "explained": (2,), "path": (history.n_snapshots, 2)}
    if any(arrays[name].shape != shape for name, shape in shapes.items()) or arrays["losses"].ndim != 2 \
            or arrays["losses"].shape != (len(arrays["betas"]), len(arrays["alphas"])) \
            or not all(np.isfinite(array).all() for array in arrays.values()):
        return None
    return Landscape(arrays["directions"], (float(arrays["explained"][0]), float(arrays["explained"][1])),
                     arrays["path"], arrays["alphas"], arrays["betas"], arrays["losses"])
