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
# What a run may need in memory: its data, one pass over it, the network with its gradients and
# optimizer state, and the recorded snapshots (see training_memory).
MEMORY_LIMIT = 4 * 2**30
# The most snapshots a run records (recorder.snapshot_schedule), whatever its epochs: the bound the
# run-file reader holds a file's snapshot count to.
MAX_SNAPSHOTS = 400


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


# What one recorded epoch keeps besides its snapshot: the four curves in float64 while training and
# float32 after, the divergence watch's list of losses and the arrays it judges the last tenth with
# (measured: 108 bytes an epoch over 100,000 epochs of the default run).
EPOCH_BYTES = 160


def training_memory(sizes: Sequence[int], n_samples: int, n_snapshots: int, epochs: int) -> int:
    """Bytes a run needs at its peak: an upper bound from its shape, the sum of :func:`memory_parts`.
    Measured against tracemalloc's peak it is 1.3 to 4 times that, from [4, 6, 4, 1] to [784, 10000, 10]
    with Adam and a kept diverged run (the tests compare them)."""
    return sum(memory_parts(sizes, n_samples, n_snapshots, epochs).values())


def memory_parts(sizes: Sequence[int], n_samples: int, n_snapshots: int, epochs: int) -> dict[str, int]:
    """The parts of ``training_memory``, by what to shrink when they are too large.

    - data: the samples in float64 (made, then split), and in float32 in the history.
    - pass: one forward and backward pass over every sample, as the full-batch loss and gradients
      recorded each epoch make (a mini-batch step and the test evaluation are smaller passes, made
      after it): each layer's z, activation and dropout mask, and the temporaries of the pass, at
      most five arrays as wide as the widest layer at a time (measured: 6.2 of a 10,000-wide layer's
      arrays in all, with dropout).
    - parameters: nine float64 copies: the parameters, the epoch's gradients and a mini-batch step's
      (both alive during the step), two optimizer buffers, up to three temporaries of the update
      (Adam's), and the copy a kept diverged run ends on.
    - snapshots: float32 weights, biases, both gradients and the probe's values, preallocated.
    - epochs: the curves and the divergence watch, EPOCH_BYTES an epoch.
    """
    n_params = parameter_count(sizes)
    neurons, widest = sum(sizes), max(sizes[1:])
    return {
        "data": n_samples * (sizes[0] + sizes[-1]) * (8 * 3 + 4),
        "pass": n_samples * (3 * neurons + 5 * widest) * 8,
        "parameters": n_params * 8 * 9,
        "snapshots": n_snapshots * (2 * n_params + 2 * sum(sizes[1:])) * 4,
        "epochs": (epochs + 1) * EPOCH_BYTES,
    }


# What to shrink when each part of a run's memory is the largest.
MEMORY_CULPRITS = {
    "data": "its data: use fewer samples or a smaller input layer",
    "pass": "one pass of all its samples through its layers: use fewer samples or smaller layers",
    "parameters": "its parameters, their gradients and optimizer state: use fewer or smaller layers",
    "snapshots": "the recorded snapshots of its weights and gradients: use fewer or smaller layers",
    "epochs": "the curves of its epochs: use fewer epochs",
}


def memory_budget(sizes: Sequence[int], n_samples: int, n_snapshots: int, epochs: int) -> int:
    """The estimate of ``training_memory``, or ValueError naming what to shrink when it passes MEMORY_LIMIT."""
    return judge_memory(memory_parts(sizes, n_samples, n_snapshots, epochs))


def judge_memory(parts: dict[str, int]) -> int:
    """The sum of a run's ``memory_parts``, or ValueError naming what to shrink when it passes MEMORY_LIMIT."""
    need = sum(parts.values())
    if need > MEMORY_LIMIT:
        culprit = MEMORY_CULPRITS[max(parts, key=parts.get)]
        raise ValueError(f"this run would need about {need / 2**30:.2f} GiB of memory, more than the "
                         f"{MEMORY_LIMIT / 2**30:.0f} GiB nnscratch allows; most of it is {culprit}")
    return need
