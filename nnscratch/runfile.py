"""The run file: a zip of ``.npy`` arrays and a JSON ``metadata`` entry, read as untrusted input.

Reading never trusts the file. Only the members this format defines are opened;
the metadata is checked first, against one schema; from it follow the dtype and
shape of every array, and each array's header is checked against them before a
byte of its data is decompressed. The sizes a header may choose (snapshots,
samples) are bounded by what a run of that metadata records: at most
checks.MAX_SNAPSHOTS snapshots, the samples its dataset entry counts, and no more
than training it could hold in checks.MEMORY_LIMIT. So a file cannot make
nnscratch spend more than training the run it claims to be did. Values are checked last: finite numbers,
accuracies in [0, 1], snapshot epochs in order, labels that fit the output.
Anything else is a RunFileError naming the member.
"""
from __future__ import annotations

import io
import json
import os
import stat
import struct
import zipfile
import zlib
from pathlib import Path
from typing import Callable

import numpy as np

from nnscratch import checks
from nnscratch.activations import HIDDEN_ACTIVATIONS
from nnscratch.architecture import Architecture, Pool, parse_layers
from nnscratch.datasets import DATASETS, MANY_CLASS_NAMES, MAX_CLASSES
from nnscratch.files import atomic_file
from nnscratch.initializers import INITIALIZERS
from nnscratch.losses import OUTPUT_LAYERS, loss_choice
from nnscratch.user_data import check_data_entry
from nnscratch.optimizers import OPTIMIZERS

FORMAT_VERSION = 1
MAX_METADATA_CHARS = 16_384
MAX_HEADER_BYTES = 4096  # an .npy header is a short dict; numpy itself allows 10,000
MAX_MEMBERS = 512  # a run of the deepest network has 198; more is not a run file
MAX_LOSS = 1e30  # past this no run could have been recorded: divergence stops far below it
READ_CHUNK = 16 * 2**20
_ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
FLAT_ARRAYS = ("train_loss", "train_accuracy", "test_loss", "test_accuracy", "snapshot_epochs",
               "probe_input", "probe_target", "X_train", "y_train", "X_test", "y_test")
LAYER_ARRAYS = ("weights", "biases", "weight_grads", "bias_grads", "probe_z", "probe_a")
# A CNN's besides (numbered per conv, per stage, per pool): its kernels and their gradients, the probe's
# maps after each conv and pool, and each pool's winners, the flat index in its window (uint8).
CONV_ARRAYS = ("kernels", "kernel_biases", "kernel_grads", "kernel_bias_grads")
MAP_ARRAYS = ("probe_maps",)
WINNER_ARRAYS = ("probe_winners",)


class RunFileError(ValueError):
    """A run file that cannot be used: missing, truncated, corrupt, inconsistent or not ours."""


# -- the metadata schema ----------------------------------------------------------------------

def _optional(check: Callable) -> Callable:
    return lambda value: None if value is None else check(value)


def _dataset(value) -> dict:
    if not isinstance(value, dict):
        raise ValueError(f"must be a mapping, got {value!r}")
    fields = {
        "name": lambda v: checks.one_of("dataset", v, DATASETS),
        "samples": lambda v: checks.whole_number("samples", v, 4, checks.MAX_SAMPLES),
        "noise": lambda v: checks.finite_number("noise", v, 0, 5),
        "test_fraction": lambda v: checks.finite_number("test_fraction", v, 0, 1, high_open=True),
        # Recorded only when it is not the dataset's own number (runs of two classes stay as they were).
        "classes": lambda v: checks.whole_number("classes", v, 3, MAX_CLASSES),
    }
    unknown = sorted(set(value) - set(fields))
    if unknown:
        raise ValueError(f"has an unknown field {unknown[0]!r}")
    if "name" not in value:
        raise ValueError("has no name")
    checked = {name: fields[name](item) for name, item in value.items()}
    if "classes" in checked and checked["name"] not in MANY_CLASS_NAMES:
        raise ValueError(f"gives {checked['classes']} classes, but the {checked['name']} dataset is made with "
                         "its own number of them")
    return checked


def _layers(value) -> str:
    """A convolutional network's grammar, in its canonical form (a network of dense layers has none)."""
    if not isinstance(value, str) or len(value) > 400:
        raise ValueError(f"must be a text of the layer grammar, got {str(value)[:60]!r}")
    architecture = parse_layers(value)
    if not architecture.is_convolutional or architecture.text != value:
        raise ValueError(f"{value[:60]!r} is not a convolutional network written as nnscratch writes one")
    return value


def _diverged(value) -> dict:
    if not isinstance(value, dict) or set(value) != {"epoch", "cause"}:
        raise ValueError(f"must be a mapping of epoch and cause, got {str(value)[:60]!r}")
    cause = value["cause"]
    if not isinstance(cause, str) or not 0 < len(cause) <= 400:
        raise ValueError("its cause must be a text of 1 to 400 characters")
    return {"epoch": checks.whole_number("epoch", value["epoch"], 1, checks.MAX_EPOCHS), "cause": cause}


METADATA_SCHEMA: dict[str, Callable] = {
    "layer_sizes": checks.layer_sizes,
    "activation": lambda v: checks.one_of("activation", v, HIDDEN_ACTIVATIONS),
    "output": lambda v: checks.one_of("output", v, OUTPUT_LAYERS),
    "loss": lambda v: checks.one_of("loss", v, [layer.loss_name for layer in OUTPUT_LAYERS.values()]),
    "weight_init": lambda v: checks.one_of("weight initializer", v, INITIALIZERS),
    "optimizer": lambda v: checks.one_of("optimizer", v, OPTIMIZERS),
    "learning_rate": checks.learning_rate,
    "batch_size": _optional(lambda v: checks.whole_number("batch_size", v, 1)),
    "l1": lambda v: checks.regularization("l1", v),
    "l2": lambda v: checks.regularization("l2", v),
    "seed": _optional(lambda v: checks.whole_number("seed", v, 0, 2**63 - 1)),
    "epochs": lambda v: checks.whole_number("epochs", v, 1, checks.MAX_EPOCHS),
    "probe_index": lambda v: checks.whole_number("probe_index", v, 0, checks.MAX_SAMPLES - 1),
    "dataset": _dataset,
    "dropout": checks.dropout,
    # A run kept to be compared though it diverged: the epoch it diverged at, and why.
    "diverged": _diverged,
    "layers": _layers,
    # The user's own data (instead of "dataset"): its file, names and scaling; checked with the network below.
    "data": lambda v: v,
}
OPTIONAL_METADATA = ("dataset", "dropout", "diverged", "layers", "data")


def check_metadata(metadata) -> dict:
    """The metadata with every entry checked against METADATA_SCHEMA; RunFileError names the first bad one."""
    if not isinstance(metadata, dict):
        raise RunFileError("the metadata is not a JSON object")
    missing = [key for key in METADATA_SCHEMA if key not in metadata and key not in OPTIONAL_METADATA]
    if missing:
        raise RunFileError(f"the metadata lacks {', '.join(missing)}")
    unknown = sorted(key for key in metadata if key not in METADATA_SCHEMA)
    if unknown:
        raise RunFileError(f"the metadata has an unknown entry {unknown[0][:40]!r}")
    checked = {}
    for key, value in metadata.items():
        try:
            checked[key] = METADATA_SCHEMA[key](value)
        except (ValueError, TypeError) as error:
            raise RunFileError(f"metadata entry {key!r}: {error}") from None
    if "layers" in checked and list(parse_layers(checked["layers"]).dense) != checked["layer_sizes"]:
        raise RunFileError(f"metadata entry 'layer_sizes': {checked['layer_sizes']} is not the dense part of "
                           f"{checked['layers']}, {list(parse_layers(checked['layers']).dense)}")
    try:
        loss_choice(checked["output"], checked["loss"])
    except ValueError:
        raise RunFileError(f"metadata entry 'loss': {checked['loss']!r} is not the loss of a "
                           f"{checked['output']} output") from None
    if "data" in checked:
        if "dataset" in checked:
            raise RunFileError("the metadata has both a dataset and data of the user's; a run has one")
        try:
            checked["data"] = check_data_entry(checked["data"], checked["layer_sizes"], checked["output"])
        except (ValueError, TypeError) as error:
            raise RunFileError(f"metadata entry 'data': {error}") from None
    classes = checked.get("dataset", {}).get("classes")
    if classes is not None and (checked["output"] != "softmax" or checked["layer_sizes"][-1] != classes):
        raise RunFileError(f"metadata entry 'dataset': {classes} classes need an output layer of {classes} "
                           f"softmax neurons, not {checked['layer_sizes'][-1]} {checked['output']}")
    return checked


# -- the arrays each run holds, as the metadata defines them ------------------------------------

def array_layout(metadata: dict) -> dict[str, tuple[np.dtype, tuple]]:
    """Dtype and shape of every array; a shape may name a free size: S snapshots, N training
    samples, M test samples, T the length of the test curves (0 or epochs + 1)."""
    sizes, epochs = metadata["layer_sizes"], metadata["epochs"]
    architecture = architecture_of(metadata)
    f32, n_in, n_out = np.dtype("<f4"), architecture.n_inputs, sizes[-1]
    layout = {
        "train_loss": (f32, (epochs + 1,)), "train_accuracy": (f32, (epochs + 1,)),
        "test_loss": (f32, ("T",)), "test_accuracy": (f32, ("T",)),
        "snapshot_epochs": (np.dtype("<i8"), ("S",)),
        "probe_input": (f32, (n_in,)), "probe_target": (f32, (n_out,)),
        "X_train": (f32, ("N", n_in)), "y_train": (f32, ("N", n_out)),
        "X_test": (f32, ("M", n_in)), "y_test": (f32, ("M", n_out)),
    }
    for layer, (fan_in, fan_out) in enumerate(zip(sizes, sizes[1:])):
        for name in LAYER_ARRAYS:
            layout[f"{name}_{layer}"] = (f32, ("S", fan_out, fan_in) if name in ("weights", "weight_grads")
                                         else ("S", fan_out))
    for conv, shape in enumerate(architecture.kernel_shapes()):
        for name in CONV_ARRAYS:
            layout[f"{name}_{conv}"] = (f32, ("S", *shape) if name in ("kernels", "kernel_grads") else ("S", shape[0]))
    maps = architecture.map_shapes()[1:]
    for stage, shape in enumerate(maps):
        layout[f"probe_maps_{stage}"] = (f32, ("S", *shape))
    pooled = [shape for stage, shape in zip(architecture.stages, maps) if isinstance(stage, Pool)]
    for pool, shape in enumerate(pooled):
        layout[f"probe_winners_{pool}"] = (np.dtype("u1"), ("S", *shape))
    return layout


def architecture_of(metadata: dict) -> Architecture:
    """The network a run's checked metadata describes: its ``layers`` grammar, else its ``layer_sizes``."""
    return parse_layers(metadata.get("layers", metadata["layer_sizes"]))


def _entry(metadata: dict) -> dict:
    """What the metadata says of the data: the built-in dataset's entry, or the user's data's."""
    return metadata.get("dataset", metadata.get("data", {}))


def _free_size_bounds(metadata: dict) -> dict[str, tuple[Callable[[int], bool], str]]:
    """For each free size, whether a run of this metadata can have it, and what it can have:
    the recorder keeps at most MAX_SNAPSHOTS snapshots at distinct epochs from 0 to the last
    (a kept diverged run fewer), and the dataset entry, when there is one, counts the samples."""
    epochs = metadata["epochs"]
    snapshots = min(epochs + 1, checks.MAX_SNAPSHOTS)
    samples = _entry(metadata).get("samples", checks.MAX_SAMPLES)
    return {
        "S": (lambda n: 1 <= n <= snapshots, f"a run of {epochs:,} epochs records 1 to {snapshots} snapshots"),
        "N": (lambda n: 2 <= n <= samples, f"a run has 2 to {samples:,} training samples"),
        "M": (lambda n: 0 <= n <= samples, f"a run has at most {samples:,} test samples"),
        "T": (lambda n: n in (0, epochs + 1), f"its test curves are empty or of {epochs + 1:,} epochs"),
    }


def check_shapes(metadata: dict, described: Callable[[str], tuple[np.dtype, tuple]]) -> dict[str, tuple]:
    """The shape of every array of ``array_layout(metadata)``, each as ``described(name)`` gives its
    dtype and shape, if a run of this metadata can hold them all; RunFileError names the first array
    or size none has. Reading checks a file's .npy headers with it before any data; saving, the arrays."""
    layout, bounds, free, shapes = array_layout(metadata), _free_size_bounds(metadata), {}, {}
    for name, (dtype, pattern) in layout.items():
        found, shape = described(name)
        if found != dtype:
            raise RunFileError(f"array {name} holds {found}, expected {dtype}")
        shapes[name] = _match_shape(name, shape, pattern, free, bounds)
    _check_run_size(metadata, free, sum(int(np.prod(shape)) * layout[name][0].itemsize
                                        for name, shape in shapes.items()))
    return shapes


def _check_run_size(metadata: dict, free: dict[str, int], declared: int) -> None:
    """Refuse sizes that no run of this metadata recorded, taken together: samples other than the dataset
    entry counts, or more than training could hold (recorder.train refuses a run whose
    checks.training_memory passes MEMORY_LIMIT, and a kept diverged run's is smaller still). The arrays
    are part of that memory, so this also bounds what reading them takes."""
    samples = free["N"] + free["M"]
    counted = _entry(metadata).get("samples")
    if counted is not None and counted != samples:
        entry = "dataset" if "dataset" in metadata else "data"
        raise RunFileError(f"metadata entry {entry!r}: {counted:,} samples, but the arrays hold {samples:,}")
    need = sum(architecture_of(metadata).memory_parts(samples, free["S"], metadata["epochs"]).values())
    if need > checks.MEMORY_LIMIT:
        raise RunFileError(f"its arrays hold {free['S']:,} snapshots and {samples:,} samples "
                           f"({declared / 2**30:.2f} GiB), which no run can record: training it would need "
                           f"about {need / 2**30:.2f} GiB, more than the {checks.MEMORY_LIMIT / 2**30:.0f} GiB "
                           "nnscratch allows")


# -- reading ----------------------------------------------------------------------------------

def read_run(path: str | os.PathLike) -> tuple[dict, dict[str, np.ndarray]]:
    """The checked metadata and arrays of a run file; RunFileError (naming the file) if anything is off."""
    if not os.fspath(path):  # Path('') is '.', the current folder: say what was given
        raise RunFileError("an empty path is not a file name")
    path = Path(path)
    try:
        # Non-blocking, then fstat: a FIFO put in the file's place cannot make the open hang.
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except FileNotFoundError:
        raise RunFileError(f"{path}: no such run file") from None
    except OSError as error:
        raise RunFileError(f"{path}: cannot read it ({error.strerror or error})") from None
    status = os.fstat(descriptor)
    if not stat.S_ISREG(status.st_mode):
        os.close(descriptor)
        raise RunFileError(f"{path}: not a regular file, so not a run file")
    with open(descriptor, "rb") as stream:
        try:
            size = status.st_size
            if stream.read(4) != b"PK\x03\x04":
                raise RunFileError("not an nnscratch run file (not an .npz archive)")
            _check_directory(stream, size)
            with zipfile.ZipFile(stream) as archive:
                return _read_archive(archive)
        except RunFileError as error:
            raise RunFileError(f"{path}: {error}") from None
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, KeyError, NotImplementedError,
                RuntimeError, struct.error) as error:
            raise RunFileError(f"{path}: not a readable nnscratch run file ({_describe(error)})") from None


def _check_directory(stream, size: int) -> None:
    """Refuse a zip whose central directory lists more members than a run has, before zipfile
    reads it all into memory: the end record (zip64's when present) says how many there are."""
    tail_size = min(size, 65_557)  # the end record, 22 bytes, after a comment of at most 65,535
    stream.seek(size - tail_size)
    tail = stream.read(tail_size)
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or at + 22 > len(tail):
        return  # zipfile reports the damage in its own words
    members, directory_bytes = struct.unpack("<HI", tail[at + 10:at + 16])
    locator = tail[at - 20:at] if at >= 20 else b""
    if locator[:4] == b"PK\x06\x07":
        stream.seek(struct.unpack("<Q", locator[8:16])[0])
        record = stream.read(56)
        if record[:4] == b"PK\x06\x06" and len(record) == 56:
            members, directory_bytes = struct.unpack("<QQ", record[32:48])
    if members > MAX_MEMBERS or directory_bytes > MAX_MEMBERS * 1024:
        raise RunFileError(f"not an nnscratch run file (it lists {members:,} members; a run has at most "
                           f"{MAX_MEMBERS})")
    stream.seek(0)


def _read_archive(archive: zipfile.ZipFile) -> tuple[dict, dict[str, np.ndarray]]:
    infos = archive.infolist()
    members = {info.filename: info for info in infos}
    if len(members) != len(infos):
        seen: set[str] = set()
        twice = next(info.filename for info in infos if info.filename in seen or seen.add(info.filename))
        raise RunFileError(f"member {twice[:60]!r} appears twice")
    if "metadata.npy" not in members:
        raise RunFileError("not an nnscratch run file (it has no metadata entry)")
    metadata = _read_metadata(archive, members["metadata.npy"])
    layout = array_layout(metadata)
    absent = sorted(name for name in layout if f"{name}.npy" not in members)
    if absent:
        raise RunFileError(f"arrays missing: {', '.join(absent[:5])}{' ...' if len(absent) > 5 else ''}")
    headers = check_shapes(metadata, lambda name: _member_header(archive, members[f"{name}.npy"], name))
    arrays = {}
    for name, shape in headers.items():
        with archive.open(members[f"{name}.npy"]) as stream:
            _read_header(stream, name)
            arrays[name] = _read_data(stream, name, layout[name][0], shape)
    check_values(metadata, arrays)
    return metadata, arrays


def _member_header(archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str) -> tuple[np.dtype, tuple]:
    with archive.open(info) as stream:
        shape, dtype = _read_header(stream, name)
    return dtype, shape


def _read_metadata(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> dict:
    with archive.open(info) as stream:
        shape, dtype = _read_header(stream, "metadata")
        if dtype.kind != "U" or shape != () or dtype.itemsize > 4 * MAX_METADATA_CHARS:
            raise RunFileError(f"the metadata entry is not a JSON string of at most {MAX_METADATA_CHARS:,} characters")
        text = str(_read_data(stream, "metadata", dtype, shape)[()])
    try:
        metadata = json.loads(text, parse_constant=_refuse_constant)
    except (ValueError, RecursionError):
        raise RunFileError("the metadata entry is not valid JSON") from None
    if not isinstance(metadata, dict) or "format_version" not in metadata:
        raise RunFileError("not an nnscratch run file (its metadata has no format version)")
    version = metadata.pop("format_version")
    if type(version) is not int or version != FORMAT_VERSION:
        raise RunFileError(f"format version {str(version)[:20]} is not supported "
                           f"(this nnscratch reads {FORMAT_VERSION})")
    return check_metadata(metadata)


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not a number JSON allows")


def _read_header(stream, name: str) -> tuple[tuple, np.dtype]:
    """Shape and dtype from an .npy header, whose length is checked before it is read: numpy
    would read a header of any declared length (up to 4 GB) before looking at it."""
    prefix = stream.read(8)
    if len(prefix) < 8 or prefix[:6] != b"\x93NUMPY" or prefix[6] not in (1, 2, 3):
        raise RunFileError(f"array {name} has no readable .npy header")
    length_field = stream.read(2 if prefix[6] == 1 else 4)
    length = int.from_bytes(length_field, "little") if len(length_field) in (2, 4) else -1
    if not 0 < length <= MAX_HEADER_BYTES:
        raise RunFileError(f"array {name} has an .npy header of {length:,} bytes, more than any array needs")
    header = stream.read(length)
    if len(header) != length:
        raise RunFileError(f"array {name} is truncated")
    whole = io.BytesIO(prefix + length_field + header)
    try:
        version = np.lib.format.read_magic(whole)
        read = np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0
        shape, fortran, dtype = read(whole)
    except (ValueError, SyntaxError, TypeError, EOFError, MemoryError, RecursionError) as error:
        raise RunFileError(f"array {name} has no readable .npy header ({_describe(error)})") from None
    if dtype.hasobject:
        raise RunFileError(f"array {name} holds Python objects, which would need a pickle; "
                           "nnscratch never loads pickles")
    if fortran:
        raise RunFileError(f"array {name} is stored in Fortran order; run files are in C order")
    return tuple(shape), dtype


def _match_shape(name: str, shape: tuple, pattern: tuple, free: dict[str, int], bounds: dict) -> tuple:
    """``shape`` if it fits ``pattern``, binding each free size at its first appearance."""
    if len(shape) == len(pattern):
        for size, want in zip(shape, pattern):
            if isinstance(want, str) and want not in free:
                fits, what = bounds[want]
                if not fits(size):
                    raise RunFileError(f"array {name} has shape {shape}, which no run of this metadata has "
                                       f"({what})")
                free[want] = size
    wanted = tuple(free.get(size, size) for size in pattern)
    if shape != wanted:
        raise RunFileError(f"array {name} has shape {shape}, expected {wanted}")
    return shape


def _read_data(stream, name: str, dtype: np.dtype, shape: tuple) -> np.ndarray:
    """The array's data, read in chunks straight into its own memory (no second copy)."""
    array = np.empty(shape, dtype=dtype)
    view = memoryview(array.reshape(-1).view(np.uint8)) if array.size else memoryview(b"")
    done = 0
    while done < len(view):
        count = stream.readinto(view[done:done + READ_CHUNK])
        if not count:
            raise RunFileError(f"array {name} is truncated")
        done += count
    return array


# -- values -----------------------------------------------------------------------------------

def check_values(metadata: dict, arrays: dict[str, np.ndarray]) -> None:
    """RunFileError naming the first array whose values no real run could have recorded."""
    for name, array in arrays.items():
        if name not in ("train_accuracy", "test_accuracy") and not np.isfinite(array).all():
            raise RunFileError(f"array {name} holds NaN or infinite values")
    for name in ("train_loss", "test_loss"):
        if len(arrays[name]) and not ((arrays[name] >= 0) & (arrays[name] <= MAX_LOSS)).all():
            raise RunFileError(f"array {name} holds losses outside [0, {MAX_LOSS:g}]")
    regression = metadata["output"] == "identity"
    for name in ("train_accuracy", "test_accuracy"):
        values = arrays[name]
        valid = np.isnan(values) if regression else np.zeros(values.shape, bool)
        if not (valid | ((values >= 0) & (values <= 1))).all():
            raise RunFileError(f"array {name} holds values outside [0, 1]")
    epochs = arrays["snapshot_epochs"]
    if epochs[0] != 0 or epochs[-1] != metadata["epochs"] or not (np.diff(epochs) > 0).all():
        raise RunFileError(f"array snapshot_epochs must rise from 0 to the last epoch, {metadata['epochs']}")
    n_train = len(arrays["X_train"])
    if metadata["probe_index"] >= n_train:
        raise RunFileError(f"metadata entry 'probe_index': {metadata['probe_index']} is past the "
                           f"{n_train} training samples")
    for name, source in (("probe_input", "X_train"), ("probe_target", "y_train")):
        if not np.array_equal(arrays[name], arrays[source][metadata["probe_index"]]):
            raise RunFileError(f"array {name} is not training sample {metadata['probe_index']}")
    for name in ("y_train", "y_test"):
        _check_targets(name, arrays[name], metadata["output"])
    for pool, stage in enumerate(architecture_of(metadata).pools):
        if (arrays[f"probe_winners_{pool}"] >= stage.size ** 2).any():
            raise RunFileError(f"array probe_winners_{pool} holds a winner past the {stage.size ** 2} cells of "
                               f"a {stage.size}x{stage.size} window")


def _check_targets(name: str, y: np.ndarray, output: str) -> None:
    if output == "sigmoid" and not np.isin(y, (0, 1)).all():
        raise RunFileError(f"array {name} holds labels other than 0 and 1 for a sigmoid output")
    if output == "softmax" and len(y) and not (np.isin(y, (0, 1)).all() and (y.sum(axis=1) == 1).all()):
        raise RunFileError(f"array {name} holds rows that are not one-hot labels for a softmax output")


# -- writing ----------------------------------------------------------------------------------

def write_run(path: str | os.PathLike, metadata: dict, arrays: dict[str, np.ndarray], compressed: bool = True) -> Path:
    """Write a run file atomically, with fixed timestamps so the same run gives the same bytes.
    ``compressed=False`` stores the arrays as they are: a file about five times larger, written several
    times faster (for a copy that crosses no network, such as the one a local cluster's workers read)."""
    path = Path(path)
    text = json.dumps({**metadata, "format_version": FORMAT_VERSION}, sort_keys=True, allow_nan=False)
    method = zipfile.ZIP_DEFLATED if compressed else zipfile.ZIP_STORED
    with atomic_file(path) as raw, zipfile.ZipFile(raw, "w", method) as archive:
        _write_array(archive, "metadata", np.array(text), method)
        for name, array in arrays.items():
            _write_array(archive, name, array, method)
    return path


def _write_array(archive: zipfile.ZipFile, name: str, array: np.ndarray, method: int) -> None:
    info = zipfile.ZipInfo(f"{name}.npy", date_time=_ZIP_EPOCH)
    info.compress_type = method
    with archive.open(info, "w", force_zip64=True) as stream:
        np.lib.format.write_array(stream, np.asarray(array), allow_pickle=False)


def _describe(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0][:120]}" if text else type(error).__name__
