"""The user's own data: a CSV table, a NumPy ``.npy``/``.npz`` file or a folder of images, read as untrusted input.

Whatever the form, the result is one :class:`UserData`: the raw values as rows, the target of each
row (a class index, or a real value for regression), and the data's own names (its classes, its
features, its target). Every refusal is a :class:`UserDataError`, one line naming the file and,
where it applies, the line and the column. Sizes are checked before anything is read.

Conventions (the README says them too):
- CSV: a header row naming the columns is required; comma, semicolon or tab, sniffed from the header;
  UTF-8 with or without a byte-order mark. The label is the last column unless ``label`` names one.
- Labels that are text are classes, named by their values in sorted order (so the same table gives the
  same class numbers whatever the order of its rows). Numeric labels that are whole numbers with at most
  MAX_CLASSES distinct values are classes too, named by their values in numeric order; any other numeric
  label is a real-valued target: regression, which needs two values or more. A label column of numbers
  with a few cells that are not (an "NA") is refused naming the first, not read as text classes.
- Every value must lie within ±MAX_MAGNITUDE (1e150), so that its column's mean and standard deviation
  can be computed in float64; names may not hold control or text-direction characters; a table needs
  at least MIN_SAMPLES rows. Images are told by their classes: an .npz of images with a real-valued y is refused.
- ``.npz``: arrays ``X`` (samples x features, or samples x rows x columns for images) and ``y``, and
  optionally ``class_names`` and ``feature_names`` (text arrays); ``.npy``: one 2-D array whose last
  column is the label. Never unpickled; every header is checked before its data is decompressed.
- A folder: one subfolder per class (sorted by name, as torchvision's ImageFolder does), PNG or JPEG
  images in each, read as greyscale and resized to ``image_size`` x ``image_size`` pixels.
"""
from __future__ import annotations

import csv
import functools
import io
import math
import os
import re
import stat
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from nnscratch import checks
from nnscratch.datasets import Dataset, checked_split

MAX_FILE_BYTES = 256 * 2**20  # a table of MAX_SAMPLES rows of MAX_FEATURES numbers is ~100 MB of text
MAX_FEATURES = 64  # named columns a table may have: each is an input neuron the scenes name
MAX_NAME_CHARS = 64
MAX_CLASSES = 10  # classes the scenes can name (the digits' ten)
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg")
MIN_IMAGE_SIZE, MAX_IMAGE_SIZE, DEFAULT_IMAGE_SIZE = 4, 64, 28
MAX_IMAGE_PIXELS = 40_000_000  # a picture larger than this is refused before it is decoded (a decompression bomb)
MAX_ARRAY_MEMBERS = 16
MIN_SAMPLES = 4  # the fewest rows that split into a training and a test part (checks.whole_number's bound too)
# A value's square must stay finite in float64 for its mean and standard deviation to be computed
# (1e154 squared overflows past ~1.8e308); a bound well inside that, summed over MAX_SAMPLES rows, leaves room.
MAX_MAGNITUDE = 1e150
# Characters a name may not hold, as it is printed to a terminal and drawn: the C0 and C1 controls, DEL,
# the line and paragraph separators and the bidirectional overrides and isolates that reorder what follows.
UNSAFE_CHARACTERS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
SNIFFED = ",;\t"
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}


class UserDataError(ValueError):
    """Data of the user's that cannot be trained on; the message names the file, line and column."""


@dataclass(frozen=True)
class UserData:
    """The user's samples as loaded: raw values, targets and names.

    ``X`` has shape ``(n, features)`` in the file's own units (pixels 0-255 for images); ``y`` has shape
    ``(n,)``: class indices 0 .. K-1 when ``class_names`` is not empty, else real values (regression).
    """

    source: str  # the file's name, as the scenes and messages say it
    kind: str  # "table", "arrays" or "images"
    X: np.ndarray
    y: np.ndarray
    class_names: tuple[str, ...]
    feature_names: tuple[str, ...]  # empty for images: their inputs are pixels
    target_name: str
    image_shape: tuple[int, int] | None = None

    @property
    def regression(self) -> bool:
        return not self.class_names

    @property
    def n_samples(self) -> int:
        return len(self.X)

    @property
    def n_features(self) -> int:
        return self.X.shape[1]

    @property
    def n_classes(self) -> int:
        return len(self.class_names)


# -- the file itself ---------------------------------------------------------------------------------

def _open_checked(path: Path) -> os.stat_result:
    """The file's status, if it is a readable regular file or a folder no larger than we read."""
    try:
        status = os.stat(path)
    except FileNotFoundError:
        raise UserDataError(f"{path}: no such file or folder") from None
    except OSError as error:
        raise UserDataError(f"{path}: cannot read it ({error.strerror or error})") from None
    if stat.S_ISDIR(status.st_mode):
        return status
    if not stat.S_ISREG(status.st_mode):
        raise UserDataError(f"{path}: not a regular file or a folder, so not data nnscratch reads")
    if status.st_size > MAX_FILE_BYTES:
        raise UserDataError(f"{path}: {_size(status.st_size)} is larger than the {_size(MAX_FILE_BYTES)} "
                            "nnscratch reads; use fewer rows")
    if status.st_size == 0:
        raise UserDataError(f"{path}: the file is empty")
    return status


def _size(n_bytes: int) -> str:
    return f"{n_bytes / 2**20:,.1f} MiB" if n_bytes >= 2**20 else f"{n_bytes:,} bytes"


def _read_bytes(path: Path) -> bytes:
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)  # a FIFO swapped in cannot hang the open
    except OSError as error:
        raise UserDataError(f"{path}: cannot read it ({error.strerror or error})") from None
    with open(descriptor, "rb") as stream:
        if not stat.S_ISREG(os.fstat(stream.fileno()).st_mode):
            raise UserDataError(f"{path}: not a regular file, so not data nnscratch reads")
        return stream.read(MAX_FILE_BYTES + 1)


def load_user_data(path: str | os.PathLike, label: str | None = None,
                   image_size: int = DEFAULT_IMAGE_SIZE) -> UserData:
    """Read the data at ``path`` (a CSV, .npy, .npz or a folder of class folders); UserDataError if unusable.

    ``label`` names the target column of a CSV (default: its last); ``image_size`` is the side in pixels
    images are resized to. The same file, unchanged, is read once per process.
    """
    if not os.fspath(path):
        raise UserDataError("an empty path is not a file name")
    path = Path(path)
    status = _open_checked(path)
    if UNSAFE_CHARACTERS.search(path.name):
        raise UserDataError(f"{path}: the file name holds control or text-direction characters, which the "
                            "scenes and messages would print; rename it")
    image_size = checks.whole_number("the image size", image_size, MIN_IMAGE_SIZE, MAX_IMAGE_SIZE)
    identity = (str(path.resolve()), status.st_ino, status.st_mtime_ns, status.st_size)
    return _load(path, identity, label, image_size)


@functools.lru_cache(maxsize=4)
def _load(path: Path, identity: tuple, label: str | None, image_size: int) -> UserData:
    if path.is_dir():
        if label is not None:
            raise UserDataError(f"{path}: a folder of images takes its labels from its subfolders, so --label "
                                "has no column to name; leave it out")
        try:
            data = _read_folder(path, image_size)
        except OSError as error:  # a subfolder or image that cannot be listed or read: named by the error
            where = error.filename or path
            raise UserDataError(f"{where}: cannot read it ({error.strerror or error})") from None
    else:
        content = _read_bytes(path)
        if path.suffix.lower() in (".npz", ".npy"):
            if label is not None:
                raise UserDataError(f"{path}: a NumPy file gives its labels as y, so --label has no column to "
                                    "name; leave it out")
            data = _read_npz(path, content) if path.suffix.lower() == ".npz" else _read_npy(path, content)
        else:
            data = _read_csv(path, content, label)
    if data.n_samples < MIN_SAMPLES:
        what = "images" if path.is_dir() else "rows" if data.kind == "table" else "samples"
        raise UserDataError(f"{path}: {data.n_samples} {what} of data; nnscratch needs at least {MIN_SAMPLES} to "
                            "train and test on")
    data.X.setflags(write=False)
    data.y.setflags(write=False)
    return data


# -- targets: classes or regression ------------------------------------------------------------------

def _targets(path: Path, values: list[str] | np.ndarray, what: str,
             given_names: tuple[str, ...] | None = None, place: Callable[[int], str] | None = None
             ) -> tuple[np.ndarray, tuple[str, ...]]:
    """Class indices and names, or real values and no names (regression), from the label values.

    ``place(row)`` says where a row's label is ("line 19, column 'price'"); by default its sample number."""
    place = place or (lambda row: f"{what}, sample {row + 1}")
    if given_names is not None:
        numbers = np.asarray(values, dtype=float)
        whole = np.isfinite(numbers).all() and (numbers == np.round(numbers)).all()
        if not whole or numbers.min() < 0 or numbers.max() >= len(given_names):
            raise UserDataError(f"{path}: {what} must hold class numbers 0 to {len(given_names) - 1}, one for each "
                                f"of its {len(given_names)} class_names")
        used = len(np.unique(numbers))
        if used != len(given_names):  # a name no sample has, or a class named by another's name
            raise UserDataError(f"{path}: class_names names {len(given_names)} classes, but {what} holds "
                                f"{used} different class numbers; give one name for each class y holds")
        return _checked_classes(path, numbers, given_names, what)
    if isinstance(values, np.ndarray) and values.dtype.kind in "iuf":
        numbers = values.astype(float)
    else:
        parsed = [_number_or_none(str(value)) for value in values]
        texts = [row for row, number in enumerate(parsed) if number is None]
        if texts and len(texts) < len(parsed) / 2:  # mostly numbers: a cell that is not one is a slip, not a class
            row = texts[0]
            raise UserDataError(f"{path}: {place(row)}: {checks.shown(str(values[row]))} is not a number; the "
                                f"other labels are numbers")
        if not texts:
            numbers = np.array(parsed, dtype=float)
        else:
            names = tuple(sorted(set(map(str, values))))
            if len(names) > MAX_CLASSES:
                raise UserDataError(f"{path}: {what} holds {len(names):,} different labels; the scenes name at most "
                                    f"{MAX_CLASSES} classes") from None
            index = {name: k for k, name in enumerate(names)}
            return _checked_classes(path, np.array([index[str(v)] for v in values], float), names, what)
    if not np.isfinite(numbers).all():
        row = int(np.flatnonzero(~np.isfinite(numbers))[0])
        raise UserDataError(f"{path}: {place(row)}: {numbers[row]} is not a finite number; labels must be finite")
    distinct = np.unique(numbers)
    if (distinct == np.round(distinct)).all() and len(distinct) <= MAX_CLASSES:
        names = tuple(checks.shortest(value) for value in distinct)
        return _checked_classes(path, np.searchsorted(distinct, numbers).astype(float), names, what)
    if len(distinct) == 1:
        raise UserDataError(f"{path}: {what} has one value only ({checks.shortest(distinct[0])}): nothing to predict")
    _check_scale(path, numbers, what, place)
    return numbers, ()


def _number_or_none(text: str) -> float | None:
    try:
        return checks.parse_decimal(text)
    except ValueError:
        return None


def _check_scale(path: Path, values: np.ndarray, column: str, place: Callable[[int], str]) -> None:
    """Refuse a column whose standardising would overflow: a value beyond MAX_MAGNITUDE, or a mean or
    standard deviation that float64 cannot hold. ``place(row)`` names where a row of ``column`` is."""
    big = np.abs(values) > MAX_MAGNITUDE
    if big.any():
        row = int(np.flatnonzero(big)[0])
        raise UserDataError(f"{path}: {place(row)}: {checks.shortest(values[row])} is beyond ±{MAX_MAGNITUDE:g}, so "
                            "its scale cannot be computed in float64; rescale the column")
    with np.errstate(all="ignore"):  # within the bound they are finite; checked still, as what training divides by
        mean, std = float(values.mean()), float(values.std())
    if not (math.isfinite(mean) and math.isfinite(std)):
        raise UserDataError(f"{path}: {column}: its mean and standard deviation overflow float64; rescale it")


def _checked_classes(path: Path, y: np.ndarray, names: tuple[str, ...], what: str
                     ) -> tuple[np.ndarray, tuple[str, ...]]:
    present = np.unique(y)
    if len(present) < 2:
        only = names[int(present[0])] if len(present) else "none"
        raise UserDataError(f"{path}: {what} holds one class only ({only!r}); a network needs two or more to tell "
                            "apart")
    for name in names:
        _check_name(path, name, "class name")
    return y, names


def _check_name(path: Path, name: str, what: str) -> str:
    if not name.strip():
        raise UserDataError(f"{path}: a {what} is empty")
    if len(name) > MAX_NAME_CHARS:
        raise UserDataError(f"{path}: the {what} {checks.shown(name)} is {len(name)} characters long; at most "
                            f"{MAX_NAME_CHARS}")
    if UNSAFE_CHARACTERS.search(name):
        raise UserDataError(f"{path}: the {what} {checks.shown(name)} holds control or text-direction characters")
    return name


# -- CSV ---------------------------------------------------------------------------------------------

def _read_csv(path: Path, content: bytes, label: str | None) -> UserData:
    encoding = _utf16(content[:8192])
    if encoding:
        raise UserDataError(f"{path}: a {encoding} text file; save the table as UTF-8")
    if b"\x00" in content[:8192]:
        raise UserDataError(f"{path}: a binary file, not a CSV table of text")
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = content[:error.start].count(b"\n") + 1
        raise UserDataError(f"{path}: line {line} is not UTF-8 text (byte {error.start:,}); save the table as "
                            "UTF-8") from None
    lines = text.splitlines()
    if not any(line.strip() for line in lines):
        raise UserDataError(f"{path}: the file holds no table, only blank lines")
    header_line = next(line for line in lines if line.strip())
    delimiter = max(SNIFFED, key=header_line.count)
    # strict: a quote left open is an error at the end of the file, not the rest of the file as one cell
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    header, rows, start = None, [], 1
    try:
        for row in reader:
            start = reader.line_num + 1  # where the next row begins, if its quote is never closed
            if not any(cell.strip() for cell in row):
                continue
            if header is None:
                header = [cell.strip() for cell in row]
                continue
            rows.append((reader.line_num, row))
            if len(rows) > checks.MAX_SAMPLES:
                raise UserDataError(f"{path}: more than {checks.MAX_SAMPLES:,} rows; nnscratch trains on at most "
                                    f"{checks.MAX_SAMPLES:,}")
    except csv.Error as error:
        if "unexpected end of data" in str(error):
            raise UserDataError(f"{path}: line {start}: a quote (\") opened in this row is never closed") from None
        raise UserDataError(f"{path}: line {reader.line_num}: not a readable CSV row ({error})") from None
    columns = _checked_header(path, header, delimiter)
    if not rows:
        raise UserDataError(f"{path}: a header but no rows of data")
    target = _label_column(path, columns, label)
    for line, row in rows:
        if len(row) != len(columns):
            raise UserDataError(f"{path}: line {line} has {len(row)} values, but the header names {len(columns)} "
                                f"columns ({DELIMITER_NAMES[delimiter]}-separated)")
    features = [k for k in range(len(columns)) if k != target]
    if len(features) > MAX_FEATURES:
        raise UserDataError(f"{path}: {len(features)} feature columns; the scenes name at most {MAX_FEATURES} "
                            "input neurons")
    X = np.empty((len(rows), len(features)))
    for j, column in enumerate(features):
        for i, (line, row) in enumerate(rows):
            X[i, j] = _feature_value(path, line, columns[column], row[column])
    labels = []
    for line, row in rows:
        value = row[target].strip()
        if not value:
            raise UserDataError(f"{path}: line {line}, column {columns[target]!r}: the label is empty")
        labels.append(value)
    for j, column in enumerate(features):
        _check_scale(path, X[:, j], f"column {columns[column]!r}",
                     lambda i, name=columns[column]: f"line {rows[i][0]}, column {name!r}")
    y, names = _targets(path, labels, f"the label column {columns[target]!r}",
                        place=lambda i: f"line {rows[i][0]}, column {columns[target]!r}")
    return UserData(path.name, "table", X, y, names, tuple(columns[k] for k in features), columns[target])


def _utf16(head: bytes) -> str | None:
    """The name of the encoding when the bytes are UTF-16 text (a byte-order mark, or ASCII with every
    other byte zero), else None: read as UTF-8 it would pass for a binary file."""
    if head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return "UTF-16"
    for text, zeros in ((head[0::2], head[1::2]), (head[1::2], head[0::2])):
        if len(head) >= 8 and text.count(0) == 0 and zeros.count(0) >= len(zeros) // 2:
            return "UTF-16"
    return None


def _checked_header(path: Path, header: list[str] | None, delimiter: str) -> list[str]:
    if header is None:
        raise UserDataError(f"{path}: the file holds no table")
    if len(header) < 2:
        raise UserDataError(f"{path}: line 1 names one column; a table needs at least one feature and a label, "
                            "separated by commas, semicolons or tabs")
    if sum(_is_number(cell) for cell in header) >= len(header) - 1:  # numbers but the label (if that)
        raise UserDataError(f"{path}: line 1 looks like data, not a header: the first line must name the columns")
    seen: dict[str, int] = {}
    for number, name in enumerate(header, 1):
        if not name:
            raise UserDataError(f"{path}: line 1: column {number} has no name")
        _check_name(path, name, f"column name (column {number})")
        if name in seen:
            raise UserDataError(f"{path}: line 1: columns {seen[name]} and {number} are both named {name!r}; "
                                "each column needs a name of its own")
        seen[name] = number
    return header


def _label_column(path: Path, columns: list[str], label: str | None) -> int:
    if label is None:
        return len(columns) - 1
    if label not in columns:
        shown = ", ".join(columns[:8]) + (", ..." if len(columns) > 8 else "")
        raise UserDataError(f"{path}: no column {checks.shown(label)} to take the labels from; the columns are "
                            f"{shown}")
    return columns.index(label)


def _is_number(text: str) -> bool:
    try:
        checks.parse_decimal(text)
    except ValueError:
        return False
    return True


def _feature_value(path: Path, line: int, column: str, text: str) -> float:
    text = text.strip()
    if not text:
        raise UserDataError(f"{path}: line {line}, column {column!r}: the value is missing; features must be numbers")
    try:
        value = checks.parse_decimal(text)
    except ValueError:
        raise UserDataError(f"{path}: line {line}, column {column!r}: {checks.shown(text)} is not a number; "
                            "features must be numbers (only the label column may hold text)") from None
    if not math.isfinite(value):
        raise UserDataError(f"{path}: line {line}, column {column!r}: {text} is not a finite number")
    return value


# -- NumPy -------------------------------------------------------------------------------------------

def _read_npy(path: Path, content: bytes) -> UserData:
    from nnscratch.runfile import RunFileError, _read_data, _read_header

    stream = io.BytesIO(content)
    try:
        shape, dtype = _read_header(stream, "the array")
        _check_numbers(path, "the array", dtype)
        if len(shape) != 2 or shape[1] < 2 or shape[0] < 1:
            raise UserDataError(f"{path}: an .npy file must be one 2-D array of samples x (features + label), "
                                f"got shape {shape}")
        _check_array_size(path, "the array", shape, dtype)
        array = _read_data(stream, "the array", dtype, shape).astype(float)
    except RunFileError as error:  # its messages say "array NAME ...", and this array has no name
        raise UserDataError(f"{path}: {str(error).replace('array the array', 'the array', 1)}") from None
    X = _checked_values(path, "the array's features", array[:, :-1])
    if X.shape[1] > MAX_FEATURES:
        raise UserDataError(f"{path}: {X.shape[1]} features; the scenes name at most {MAX_FEATURES} input neurons")
    y, names = _targets(path, array[:, -1], "the last column")
    features = tuple(f"x{k + 1}" for k in range(X.shape[1]))
    return UserData(path.name, "arrays", X, y, names, features, "y")


def _read_npz(path: Path, content: bytes) -> UserData:
    from nnscratch.runfile import RunFileError, _check_directory

    if content[:4] != b"PK\x03\x04":
        raise UserDataError(f"{path}: not an .npz archive")
    stream = io.BytesIO(content)
    try:
        _check_directory(stream, len(content))
        with zipfile.ZipFile(stream) as archive:
            members = {info.filename: info for info in archive.infolist()}
            if len(members) > MAX_ARRAY_MEMBERS:
                raise UserDataError(f"{path}: {len(members)} arrays; an .npz of data holds X, y, class_names and "
                                    "feature_names")
            missing = [name for name in ("X", "y") if f"{name}.npy" not in members]
            if missing:
                raise UserDataError(f"{path}: no array {' or '.join(missing)}; an .npz of data holds X (samples x "
                                    "features, or samples x rows x columns) and y (one label each)")
            return _arrays_data(path, archive, members)
    except RunFileError as error:
        raise UserDataError(f"{path}: {error}") from None
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, KeyError, NotImplementedError,
            RuntimeError) as error:
        if isinstance(error, UserDataError):
            raise
        raise UserDataError(f"{path}: not a readable .npz archive ({type(error).__name__})") from None


def _member(path: Path, archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str, texts: bool = False,
            labels: bool = False) -> np.ndarray:
    from nnscratch.runfile import _read_data, _read_header

    with archive.open(info) as stream:
        shape, dtype = _read_header(stream, name)
        if texts:
            if dtype.kind != "U" or len(shape) != 1 or dtype.itemsize > 4 * MAX_NAME_CHARS:
                raise UserDataError(f"{path}: {name} must be a 1-D array of text of at most {MAX_NAME_CHARS} "
                                    f"characters each, got {dtype} of shape {shape}")
        elif not (labels and dtype.kind == "U" and dtype.itemsize <= 4 * MAX_NAME_CHARS):
            _check_numbers(path, name, dtype)
        _check_array_size(path, name, shape, dtype)
        return _read_data(stream, name, dtype, shape)


def _check_numbers(path: Path, name: str, dtype: np.dtype) -> None:
    if dtype.kind not in "iuf":
        raise UserDataError(f"{path}: {name} holds {dtype}; it must hold numbers")


def _check_array_size(path: Path, name: str, shape: tuple, dtype: np.dtype) -> None:
    if shape and shape[0] > checks.MAX_SAMPLES:
        raise UserDataError(f"{path}: {name} holds {shape[0]:,} samples; nnscratch trains on at most "
                            f"{checks.MAX_SAMPLES:,}")
    size = int(np.prod(shape, dtype=np.int64)) * max(dtype.itemsize, 8)  # read into float64
    if size > MAX_FILE_BYTES:
        raise UserDataError(f"{path}: {name} would take {_size(size)} in memory, more than the "
                            f"{_size(MAX_FILE_BYTES)} nnscratch reads")


def _arrays_data(path: Path, archive: zipfile.ZipFile, members: dict) -> UserData:
    X = _member(path, archive, members["X.npy"], "X").astype(float)
    y = _member(path, archive, members["y.npy"], "y", labels=True)
    names = {name: tuple(str(v) for v in _member(path, archive, members[f"{name}.npy"], name, texts=True))
             for name in ("class_names", "feature_names") if f"{name}.npy" in members}
    if X.ndim not in (2, 3) or len(X) == 0 or X.shape[1] == 0 or (X.ndim == 3 and X.shape[2] == 0):
        raise UserDataError(f"{path}: X must be samples x features (2-D) or samples x rows x columns of pixels "
                            f"(3-D), got shape {X.shape}")
    if y.shape not in ((len(X),), (len(X), 1)):
        raise UserDataError(f"{path}: y must hold one label for each of X's {len(X):,} samples, got shape {y.shape}")
    image_shape = None
    if X.ndim == 3:
        image_shape = (int(X.shape[1]), int(X.shape[2]))
        if max(image_shape) > MAX_IMAGE_SIZE:
            raise UserDataError(f"{path}: images of {image_shape[0]}x{image_shape[1]} pixels; at most "
                                f"{MAX_IMAGE_SIZE}x{MAX_IMAGE_SIZE}")
        if "feature_names" in names:
            raise UserDataError(f"{path}: X holds images, whose inputs are pixels; leave feature_names out")
        X = X.reshape(len(X), -1)
        X = _checked_values(path, "X", X)
        if X.min() < 0 or X.max() > 255:
            raise UserDataError(f"{path}: X's pixels must lie in 0 to 255 (or 0 to 1), got {X.min():g} to "
                                f"{X.max():g}")
        if X.max() <= 1:
            X = X * 255.0  # pixels in 0-1: as 0-255, the one unit images are kept in
    else:
        X = _checked_values(path, "X", X)
        if X.shape[1] > MAX_FEATURES:
            raise UserDataError(f"{path}: X has {X.shape[1]} features; the scenes name at most {MAX_FEATURES} input "
                                "neurons (images go as samples x rows x columns)")
    features = ()
    if image_shape is None:
        features = names.get("feature_names", tuple(f"x{k + 1}" for k in range(X.shape[1])))
        if len(features) != X.shape[1]:
            raise UserDataError(f"{path}: feature_names names {len(features)} features, but X has {X.shape[1]}")
        for name in features:
            _check_name(path, name, "feature name")
        if len(set(features)) != len(features):
            raise UserDataError(f"{path}: feature_names names a feature twice")
    class_names = names.get("class_names")
    if class_names is not None and not 2 <= len(class_names) <= MAX_CLASSES:
        raise UserDataError(f"{path}: class_names names {len(class_names)} classes; 2 to {MAX_CLASSES} can be told "
                            "apart and named")
    if class_names is not None and len(set(class_names)) != len(class_names):
        raise UserDataError(f"{path}: class_names names a class twice")
    targets, class_names = _targets(path, y.reshape(-1), "y", class_names)
    if image_shape is not None and not class_names:
        raise UserDataError(f"{path}: X holds images and y real values (regression); nnscratch tells images by "
                            f"their classes: give y as class numbers (at most {MAX_CLASSES} whole values)")
    return UserData(path.name, "images" if image_shape else "arrays", X, targets, class_names, features, "y",
                    image_shape)


def _checked_values(path: Path, name: str, X: np.ndarray) -> np.ndarray:
    bad = ~np.isfinite(X)
    if bad.any():
        row, column = (int(k) for k in np.argwhere(bad)[0][:2])
        raise UserDataError(f"{path}: {name} holds {X[row, column]} at sample {row + 1}, feature {column + 1}; "
                            "features must be finite numbers")
    big = np.abs(X) > MAX_MAGNITUDE  # at once: an image's thousands of pixel columns checked one by one is slow
    if big.any():
        column = int(np.argwhere(big)[0][1])
        _check_scale(path, X[:, column], f"{name}, feature {column + 1}",
                     lambda row, column=column: f"{name}, sample {row + 1}, feature {column + 1}")
    return X


# -- a folder of images ------------------------------------------------------------------------------

def _read_folder(path: Path, size: int) -> UserData:
    classes = sorted(entry.name for entry in os.scandir(path) if entry.is_dir(follow_symlinks=False)
                     and not entry.name.startswith("."))
    files = {name: sorted(entry.path for entry in os.scandir(path / name)
                          if entry.is_file(follow_symlinks=False) and entry.name.lower().endswith(IMAGE_SUFFIXES))
             for name in classes}
    if not any(files.values()):
        raise UserDataError(f"{path}: no images (PNG or JPEG) in subfolders; put each class's images in a subfolder "
                            "named after the class")
    if len(classes) < 2:
        raise UserDataError(f"{path}: one class only ({classes[0]!r}); a network needs two or more subfolders to "
                            "tell apart")
    if len(classes) > MAX_CLASSES:
        raise UserDataError(f"{path}: {len(classes)} subfolders; the scenes name at most {MAX_CLASSES} classes")
    empty = [name for name in classes if not files[name]]
    if empty:
        raise UserDataError(f"{path}: the subfolder {empty[0]!r} holds no images (PNG or JPEG)")
    count = sum(len(names) for names in files.values())
    if count > checks.MAX_SAMPLES:
        raise UserDataError(f"{path}: {count:,} images; nnscratch trains on at most {checks.MAX_SAMPLES:,}")
    total = sum(os.stat(file).st_size for names in files.values() for file in names)
    if total > MAX_FILE_BYTES:
        raise UserDataError(f"{path}: its images take {_size(total)}, more than the {_size(MAX_FILE_BYTES)} "
                            "nnscratch reads")
    for name in classes:
        _check_name(path, name, "class name (a subfolder's)")
    X = np.empty((count, size * size))
    y = np.empty(count)
    row = 0
    for k, name in enumerate(classes):
        for file in files[name]:
            X[row] = _image_pixels(Path(file), size)
            y[row] = k
            row += 1
    return UserData(path.name, "images", X, y, tuple(classes), (), "class", (size, size))


def _image_pixels(file: Path, size: int) -> np.ndarray:
    import warnings

    from PIL import Image, UnidentifiedImageError

    try:
        with warnings.catch_warnings():  # Pillow warns of a big picture on stderr; ours is the one line below
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(file)
        with image:
            if image.format not in ("PNG", "JPEG"):
                raise UserDataError(f"{file}: a {image.format} image; nnscratch reads PNG and JPEG")
            if image.width * image.height > MAX_IMAGE_PIXELS:
                raise UserDataError(f"{file}: {image.width}x{image.height} pixels is larger than the "
                                    f"{MAX_IMAGE_PIXELS:,} pixels nnscratch reads")
            grey = image.convert("L").resize((size, size), Image.Resampling.BILINEAR)
            return np.asarray(grey, dtype=float).reshape(-1)
    except UserDataError:
        raise
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as error:
        raise UserDataError(f"{file}: not a readable image ({type(error).__name__})") from None
    except Image.DecompressionBombError as error:  # Pillow refuses past twice its own limit, saying the size
        found = re.search(r"\((\d+) pixels\)", str(error))
        size_said = f"{int(found.group(1)):,} pixels" if found else "its size"
        raise UserDataError(f"{file}: {size_said} is larger than the {MAX_IMAGE_PIXELS:,} pixels nnscratch "
                            "reads") from None


# -- for training ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Scaling:
    """How the raw values became the network's inputs (and targets): ``(raw - mean) / scale``."""

    feature_mean: tuple[float, ...]
    feature_scale: tuple[float, ...]
    target_mean: float = 0.0
    target_scale: float = 1.0


def scaling_of(data: UserData, X_train: np.ndarray, y_train: np.ndarray) -> Scaling:
    """Images as pixels 0-1; a table's features standardised on the training part (mean 0, standard
    deviation 1, so every feature starts on the same footing whatever its unit); a real target too."""
    if data.image_shape is not None:
        return Scaling((0.0,), (255.0,))
    mean, std = X_train.mean(axis=0), X_train.std(axis=0)
    scale = np.where(std > 0, std, 1.0)
    target_mean, target_scale = 0.0, 1.0
    if data.regression:
        target_mean, target_std = float(y_train.mean()), float(y_train.std())
        target_scale = target_std if target_std > 0 else 1.0
    return Scaling(tuple(float(v) for v in mean), tuple(float(v) for v in scale), target_mean, target_scale)


def checked_samples(data: UserData, samples: int) -> int:
    """``samples``, if the data has that many rows."""
    samples = checks.whole_number("the number of samples", samples, 4, checks.MAX_SAMPLES)
    if samples > data.n_samples:
        raise ValueError(f"{data.source} has {data.n_samples:,} samples, so --samples must be at most "
                         f"{data.n_samples:,}, got {samples:,}")
    return samples


def split_user_data(data: UserData, samples: int, test_fraction: float, seed: int) -> tuple[Dataset, Scaling]:
    """``samples`` rows drawn by ``seed``, split into train and test parts and scaled for training."""
    samples = checked_samples(data, samples)
    n_train = checked_split(samples, test_fraction, max(data.n_classes, 1))
    rows = np.random.default_rng(seed).permutation(data.n_samples)[:samples]
    X, y = data.X[rows], data.y[rows]
    scaling = scaling_of(data, X[:n_train], y[:n_train])
    X = (X - np.array(scaling.feature_mean)) / np.array(scaling.feature_scale)
    y = (y - scaling.target_mean) / scaling.target_scale
    return Dataset(data.source, X[:n_train], y[:n_train, None], X[n_train:], y[n_train:, None], 0.0), scaling


def data_metadata(data: UserData, scaling: Scaling, samples: int, test_fraction: float) -> dict:
    """The run file's record of the data: its names and scaling, so a replay needs no original file."""
    entry = {"file": data.source, "kind": data.kind, "target": data.target_name, "samples": samples,
             "test_fraction": test_fraction, "feature_mean": list(scaling.feature_mean),
             "feature_scale": list(scaling.feature_scale)}
    if data.class_names:
        entry["classes"] = list(data.class_names)
    else:
        entry.update(target_mean=scaling.target_mean, target_scale=scaling.target_scale)
    if data.feature_names:
        entry["features"] = list(data.feature_names)
    if data.image_shape is not None:
        entry["image_shape"] = list(data.image_shape)
    return entry


# -- the run file's record of the data, read back as untrusted --------------------------------------

KINDS = ("table", "arrays", "images")


def _name_list(what: str, value, low: int, high: int) -> list[str]:
    if not isinstance(value, list) or not low <= len(value) <= high:
        raise ValueError(f"{what} must be a list of {low} to {high} names")
    for name in value:
        if not isinstance(name, str) or not name.strip() or len(name) > MAX_NAME_CHARS \
                or UNSAFE_CHARACTERS.search(name):
            raise ValueError(f"{what} must be names of 1 to {MAX_NAME_CHARS} printable characters")
    if len(set(value)) != len(value):
        raise ValueError(f"{what} names one twice")
    return list(value)


def _numbers(what: str, value, positive: bool = False) -> list[float]:
    if not isinstance(value, list) or not 1 <= len(value) <= checks.MAX_LAYER_SIZE:
        raise ValueError(f"{what} must be a list of numbers")
    return [_bounded(what, item, positive) for item in value]


def _bounded(what: str, value, positive: bool = False) -> float:
    """A scaling number as the data's own could have made it: within MAX_MAGNITUDE (and > 0 for a scale)."""
    return checks.finite_number(what, value, 0 if positive else -MAX_MAGNITUDE, MAX_MAGNITUDE, low_open=positive)


def _file_name(value) -> str:
    if not isinstance(value, str) or len(value) > 255:
        raise ValueError("file must be a file name of at most 255 characters")
    if not value or UNSAFE_CHARACTERS.search(value):
        raise ValueError("file must be a file name of printable characters")
    if "/" in value or value in (".", ".."):  # the run recorded the file's name alone (its source)
        raise ValueError("file must be a file name, not a path")
    return value


def _image_shape(value) -> list[int]:
    if not isinstance(value, list) or len(value) != 2:
        raise ValueError("image_shape must be [rows, columns]")
    return [checks.whole_number("image_shape", side, 1, MAX_IMAGE_SIZE) for side in value]


DATA_FIELDS = {
    "file": _file_name,
    "kind": lambda v: checks.one_of("kind", v, KINDS),
    "target": lambda v: _name_list("target", [v], 1, 1)[0],
    "samples": lambda v: checks.whole_number("samples", v, 4, checks.MAX_SAMPLES),
    "test_fraction": lambda v: checks.finite_number("test_fraction", v, 0, 1, high_open=True),
    "feature_mean": lambda v: _numbers("feature_mean", v),
    "feature_scale": lambda v: _numbers("feature_scale", v, positive=True),
    "classes": lambda v: _name_list("classes", v, 2, MAX_CLASSES),
    "features": lambda v: _name_list("features", v, 1, MAX_FEATURES),
    "target_mean": lambda v: _bounded("target_mean", v),
    "target_scale": lambda v: _bounded("target_scale", v, positive=True),
    "image_shape": _image_shape,
}
REQUIRED_DATA_FIELDS = ("file", "kind", "target", "samples", "test_fraction", "feature_mean", "feature_scale")


def check_data_entry(value, layer_sizes: list[int], output: str) -> dict:
    """The run file's ``data`` entry, checked alone and against the network it trained (ValueError)."""
    if not isinstance(value, dict):
        raise ValueError(f"must be a mapping, got {str(value)[:40]!r}")
    unknown = sorted(set(value) - set(DATA_FIELDS))
    if unknown:
        raise ValueError(f"has an unknown field {unknown[0][:40]!r}")
    missing = [name for name in REQUIRED_DATA_FIELDS if name not in value]
    if missing:
        raise ValueError(f"lacks {', '.join(missing)}")
    entry = {name: DATA_FIELDS[name](item) for name, item in value.items()}
    n_in, n_out = layer_sizes[0], layer_sizes[-1]
    classes = entry.get("classes")
    if classes is None:
        if output != "identity" or n_out != 1 or "target_mean" not in entry or "target_scale" not in entry:
            raise ValueError("a real-valued target needs one identity output, its target_mean and target_scale")
    elif not ((len(classes) == 2 and (output, n_out) in (("sigmoid", 1), ("softmax", 2)))
              or (output == "softmax" and n_out == len(classes))):
        raise ValueError(f"{len(classes)} classes do not fit an output layer of {n_out} {output}")
    elif "target_mean" in entry or "target_scale" in entry:
        raise ValueError("classes take no target_mean or target_scale")
    images = entry["kind"] == "images"
    if images != ("image_shape" in entry) or images == ("features" in entry):
        raise ValueError("images have an image_shape and no feature names; tables the other way round")
    if images and classes is None:  # refused at load too: the scenes tell pictures by their classes
        raise ValueError("images need classes; nnscratch does not tell a regression on images")
    if images and entry["image_shape"][0] * entry["image_shape"][1] != n_in:
        raise ValueError(f"images of {entry['image_shape']} pixels do not fit an input layer of {n_in}")
    if "features" in entry and len(entry["features"]) != n_in:
        raise ValueError(f"{len(entry['features'])} feature names for an input layer of {n_in}")
    widths = (1,) if images else (n_in,)
    for name in ("feature_mean", "feature_scale"):
        if len(entry[name]) not in widths:
            raise ValueError(f"{name} must hold {widths[0]} values")
    return entry
