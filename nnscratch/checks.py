"""The one place where arguments are checked, for the library and the command line alike.

Each check returns the value in its plain Python type or raises ValueError with a
message that says what was wrong and what would be right.
"""
from __future__ import annotations

import math
import re
from typing import Sequence

import numpy as np

MAX_LAYER_SIZE = 10_000
MAX_LAYERS = 32
MAX_PARAMETERS = 20_000_000
MAX_SAMPLES = 100_000
MAX_EPOCHS = 1_000_000
# What a run may need in memory: its data, the network with its optimizer state, the
# temporaries of one training step and the recorded snapshots (see training_memory).
MEMORY_LIMIT = 4 * 2**30


# The one grammar of numbers typed by a user. Python's float() and int() also read digit separators
# (1_0), every script's digits (٣, ４) and superscripts (int() refuses ² only after isdigit() let it
# through): none of them is a number anyone means to type, so only ASCII decimals are read. nan and
# inf are read so that the bounds check refuses them by name ("must be a finite number ..., got nan").
DECIMAL = re.compile(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?|[+-]?(nan|inf|infinity)", re.IGNORECASE)
DIGITS = re.compile(r"[0-9]+")
MAX_DIGITS = 30  # more is no count of anything here, and int() of thousands of digits is slow


def shown(text: str, limit: int = 40) -> str:
    """User input as it goes into a message: quoted, escaped, and cut when long."""
    text = str(text)
    return repr(text if len(text) <= limit else text[:limit] + "...")


def parse_decimal(text: str) -> float:
    """The number a plain decimal text writes (``0.1``, ``-2``, ``1e-3``, ``.5``); ValueError for
    anything else. The result may be nan or inf: check it with ``finite_number``."""
    text = str(text).strip()
    if not DECIMAL.fullmatch(text):
        raise ValueError(f"{shown(text)} is not a number")
    return float(text)


def parse_whole(text: str) -> int:
    """The whole number a text of plain digits 0-9 writes; ValueError for anything else (``4_0``,
    ``+5``, ``4.0``, ``٣``, ``²``). Check its bounds with ``whole_number``."""
    text = str(text).strip()
    if not DIGITS.fullmatch(text):
        raise ValueError(f"{shown(text)} is not a whole number written in digits")
    if len(text.lstrip("0")) > MAX_DIGITS:
        raise ValueError(f"{shown(text)} is far too large")
    return int(text)


def finite_number(name: str, value, low: float | None = None, high: float | None = None,
                  low_open: bool = False, high_open: bool = False) -> float:
    """``value`` as a float, if it is a finite real number within the bounds."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise ValueError(f"{name} must be a number, got {value!r}")
    value = float(value) + 0.0  # -0.0 becomes 0.0: numpy refuses a scale of -0.0
    too_low = low is not None and (value <= low if low_open else value < low)
    too_high = high is not None and (value >= high if high_open else value > high)
    if not math.isfinite(value) or too_low or too_high:
        raise ValueError(f"{name} must be a finite number {_bounds(low, high, low_open, high_open)}, "
                         f"got {shortest(value)}")
    return value


def shortest(value: float) -> str:
    """A float as few digits as give it back exactly: 100.0000000000001 is not "100", and 3.0 is "3"."""
    text = repr(float(value))
    return text[:-2] if text.endswith(".0") else text


def whole_number(name: str, value, low: int | None = None, high: int | None = None) -> int:
    """``value`` as an int, if it is a whole number (not a bool, not a float) within the bounds."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise ValueError(f"{name} must be a whole number, got {value!r}")
    value = int(value)
    if (low is not None and value < low) or (high is not None and value > high):
        raise ValueError(f"{name} must be a whole number {_bounds(low, high, False, False)}, got {value}")
    return value


def _bounds(low, high, low_open: bool, high_open: bool) -> str:
    if low is not None and high is not None and not (low_open or high_open):
        return f"between {low:g} and {high:g}"
    parts = []
    if low is not None:
        parts.append(f"{'>' if low_open else '>='} {low:g}")
    if high is not None:
        parts.append(f"{'<' if high_open else '<='} {high:g}")
    return " and ".join(parts) if parts else ""


def one_of(name: str, value, choices) -> str:
    """``value`` if it is one of ``choices`` (the keys of a name -> thing table)."""
    if not isinstance(value, str) or value not in choices:
        raise ValueError(f"unknown {name} {value!r}; choose one of {', '.join(choices)}")
    return value


def layer_sizes(sizes: Sequence[int]) -> list[int]:
    """The sizes as ints, input first, if they make a network nnscratch supports."""
    if isinstance(sizes, (str, bytes)) or not isinstance(sizes, Sequence):
        raise ValueError(f"layer sizes must be a list of whole numbers, got {sizes!r}")
    sizes = list(sizes)
    if len(sizes) < 2:
        raise ValueError(f"a network needs at least an input and an output layer, got {sizes}")
    if len(sizes) > MAX_LAYERS:
        raise ValueError(f"at most {MAX_LAYERS} layers are supported, got {len(sizes)}")
    for size in sizes:
        if isinstance(size, (bool, np.bool_)) or not isinstance(size, (int, np.integer)):
            raise ValueError(f"layer sizes must be whole numbers, got {size!r}")
        if not 1 <= size <= MAX_LAYER_SIZE:
            raise ValueError(f"layer sizes must be between 1 and {MAX_LAYER_SIZE}, got {size}")
    parameters = parameter_count(sizes)
    if parameters > MAX_PARAMETERS:
        raise ValueError(f"{parameters:,} parameters is more than the {MAX_PARAMETERS:,} supported")
    return [int(size) for size in sizes]


def parameter_count(sizes: Sequence[int]) -> int:
    return sum(int(n_in) * int(n_out) + int(n_out) for n_in, n_out in zip(sizes, sizes[1:]))


# A step of a million gradients explodes any network at once; past it, the arithmetic of the scenes
# (ten steps, a step's landing) leaves float64 (a run file's 1e308 did).
MAX_LEARNING_RATE = 1e6


def learning_rate(value) -> float:
    return finite_number("the learning rate", value, low=0, high=MAX_LEARNING_RATE, low_open=True)


MAX_REGULARIZATION = 1000.0  # past this the penalty alone swamps any data, and its steps overflow


def dropout(value) -> float:
    return finite_number("dropout", value, 0, 1, high_open=True)


def regularization(name: str, value) -> float:
    return finite_number(name, value, low=0, high=MAX_REGULARIZATION)


def training_memory(sizes: Sequence[int], n_samples: int, batch_size: int | None, n_snapshots: int) -> int:
    """Bytes a run needs at its peak, estimated generously from its shape.

    The data in float64 (made, split, then kept in float32 by the history), one
    step's forward and backward arrays for a batch, the parameters with their
    gradients and two optimizer buffers, and the snapshots: float32 weights,
    biases, both gradients and the probe's values.
    """
    n_params = parameter_count(sizes)
    neurons = sum(sizes)
    batch = n_samples if batch_size is None else min(batch_size, n_samples)
    data = n_samples * (sizes[0] + sizes[-1]) * (8 * 3 + 4)
    step = batch * neurons * 8 * 3 + n_params * 8 * 4
    evaluation = n_samples * neurons * 8 * 2  # the full-batch loss and gradient recorded every epoch
    snapshots = n_snapshots * (2 * n_params + 2 * sum(sizes[1:])) * 4
    return data + step + evaluation + snapshots


def memory_budget(sizes: Sequence[int], n_samples: int, batch_size: int | None, n_snapshots: int) -> int:
    """The estimate of ``training_memory``, or ValueError naming what to shrink when it passes MEMORY_LIMIT."""
    need = training_memory(sizes, n_samples, batch_size, n_snapshots)
    if need > MEMORY_LIMIT:
        n_params = parameter_count(sizes)
        snapshots = n_snapshots * 2 * n_params * 4
        culprit = ("the recorded snapshots of its weights and gradients: use fewer or smaller layers"
                   if snapshots > need / 2 else "its data: use fewer samples or a smaller input layer")
        raise ValueError(f"this run would need about {need / 2**30:.2f} GiB of memory, more than the "
                         f"{MEMORY_LIMIT / 2**30:.0f} GiB nnscratch allows; most of it is {culprit}")
    return need
