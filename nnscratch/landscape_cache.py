"""A run's loss surface, computed once: kept on disk under the run's content, as speech is under its text.

The surface of the 8,000 digits is 961 forward passes over every training sample, seconds of work
that every render and still of the descent scene of that run would repeat. The key is a hash of
everything the surface depends on, so a changed run never finds a stale surface. The cache is
best-effort, and never fails or blocks a render: anything at a cache path that is not a regular
file holding a surface is a miss (a FIFO there is never opened for a blocking read), and a cache
that cannot be written (a read-only or missing folder, a folder or FIFO in the file's place) only
makes the next render slower; the user is told that once per process, in one line.

``prefetch`` starts the computation in a process of its own (forked, so the run is not copied),
to run while the renderer loads on the other core: Manim's import is the other second and a half
of a still, and a thread would wait for the interpreter that the import holds. ``cached_landscape``
then takes the prefetched surface rather than starting again.
"""
from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import signal
import zipfile
from pathlib import Path

import numpy as np

from nnscratch.files import (
    OutputPathError, atomic_file, cache_dir, check_output_folder, is_regular, open_regular, tell_once, why_unwritten,
)
from nnscratch.history import TrainingHistory
from nnscratch.landscape import SAMPLE_SEED, Landscape, loss_landscape, parameter_arrays, plan_of

_computing: dict[Path, tuple] = {}  # prefetches under way: (process, the end of its pipe), by cache file
# A process forked from this one (a local Dask worker) did not start those prefetches and cannot wait
# for them: it reads the file they write, or computes the surface itself.
os.register_at_fork(after_in_child=_computing.clear)

FORMAT = 3  # bumped whenever the surface would be computed differently (3: on a sample when over budget)


def run_key(history: TrainingHistory) -> str:
    """A hash of what the loss surface of ``history`` depends on: its parameters at every snapshot,
    its training data and the parts of its metadata that shape a forward pass and its loss."""
    digest = hashlib.sha256()
    meta = history.metadata
    # The examples and grid the surface is evaluated on too: a changed budget never finds a stale surface.
    plan = [*plan_of(history), SAMPLE_SEED]
    convolutional = [meta["layers"]] if "layers" in meta else []  # a CNN's convs and pools: a key of its own
    digest.update(json.dumps([FORMAT, meta["layer_sizes"], meta["activation"], meta["output"], meta.get("l1"),
                              meta.get("l2"), plan, *convolutional], sort_keys=True).encode())
    for array in [*parameter_arrays(history), history.X_train, history.y_train]:
        array = np.ascontiguousarray(array)
        digest.update(f"{array.dtype.str}{array.shape}".encode())
        digest.update(array.data)
    return digest.hexdigest()[:40]


def cached_landscape(history: TrainingHistory, folder: Path | None = None) -> Landscape:
    """``loss_landscape(history)``, from the cache when it holds it (or from a prefetch under way)."""
    path = _path(history, folder)
    prefetched = _collect(path)
    if prefetched is None:
        stored = _read(path, history)
        if stored is not None:
            return stored
    landscape, unwritten = prefetched or _compute(history, path)
    if unwritten is not None:
        tell_once("landscapes", f"warning: the loss surface is not cached ({unwritten}); the next render computes "
                                "it again")
    return landscape


def prefetch(history: TrainingHistory, folder: Path | None = None) -> None:
    """Start computing the surface of ``history`` in another process, unless the cache holds it."""
    path = _path(history, folder)
    for done in [key for key, (process, _) in _computing.items() if not process.is_alive()]:
        _collect(done)  # prefetches nobody asked for (an explainer's chapters read the file): reaped
    if path in _computing or is_regular(path):
        return
    context = multiprocessing.get_context("fork")
    receiving, sending = context.Pipe(duplex=False)
    process = context.Process(target=_prefetched, args=(history, path, sending), name="loss surface", daemon=True)
    process.start()
    sending.close()
    _computing[path] = (process, receiving)


def _prefetched(history: TrainingHistory, path: Path, sending) -> None:
    # Quiet whatever happens: a Ctrl-C stops the command itself, and a surface that fails here is
    # computed again by the renderer, which says why if it fails there too.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for number in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(number, signal.SIG_DFL)
    try:
        sending.send(_compute(history, path))
    except Exception:
        pass


def _collect(path: Path) -> tuple[Landscape, str | None] | None:
    """What ``_compute`` returned in a prefetch, once it has; None if there was none or it failed (the
    caller computes it then, and says why it fails)."""
    if path not in _computing:
        return None
    process, receiving = _computing.pop(path)
    try:
        return receiving.recv()
    except (EOFError, OSError):
        return None
    finally:
        receiving.close()
        process.join()


def _path(history: TrainingHistory, folder: Path | None) -> Path:
    return (folder if folder is not None else cache_dir("landscapes")) / f"{run_key(history)}.npz"


def _compute(history: TrainingHistory, path: Path) -> tuple[Landscape, str | None]:
    """The surface, and why it could not be kept at ``path`` (None when it was): said by the process
    that renders, not by a prefetch's, so it is said once."""
    landscape = loss_landscape(history)
    try:
        check_output_folder(path.parent)  # a file in the folder's way is said as such, not as "file exists"
        path.parent.mkdir(parents=True, exist_ok=True)
        with atomic_file(path) as stream:  # a concurrent render reads no file or the whole file
            np.savez(stream, directions=landscape.directions, explained=np.array(landscape.explained),
                     path=landscape.path, alphas=landscape.alphas, betas=landscape.betas, losses=landscape.losses,
                     n_samples=np.array(landscape.n_samples))
    except (OSError, OutputPathError) as error:
        return landscape, why_unwritten(error)
    return landscape, None


def _read(path: Path, history: TrainingHistory) -> Landscape | None:
    n_parameters = sum(W[0].size for W in history.weights) + sum(b[0].size for b in history.biases)
    stream = open_regular(path)  # None for no file, and for a FIFO or device there: a miss, never a wait
    if stream is None:
        return None
    try:
        with stream, np.load(stream, allow_pickle=False) as stored:
            arrays = {name: stored[name] for name in ("directions", "explained", "path", "alphas", "betas", "losses",
                                                      "n_samples")}
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile):
        return None  # a foreign or damaged file: computed again, and overwritten
    shapes = {"directions": (2, n_parameters), "explained": (2,), "path": (history.n_snapshots, 2), "n_samples": ()}
    if any(arrays[name].shape != shape for name, shape in shapes.items()) or arrays["losses"].ndim != 2 \
            or arrays["losses"].shape != (len(arrays["betas"]), len(arrays["alphas"])) \
            or not all(np.isfinite(array).all() for array in arrays.values()) \
            or not 1 <= arrays["n_samples"] <= len(history.X_train):
        return None
    return Landscape(arrays["directions"], (float(arrays["explained"][0]), float(arrays["explained"][1])),
                     arrays["path"], arrays["alphas"], arrays["betas"], arrays["losses"], int(arrays["n_samples"]))
