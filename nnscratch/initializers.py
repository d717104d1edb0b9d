"""Weight initializers: name -> function of (n_in, n_out, rng) -> W of shape (n_out, n_in)."""
from __future__ import annotations

from typing import Callable

import numpy as np

RANDOM_STD = 0.5


def random_normal(n_in: int, n_out: int, rng: np.random.Generator) -> np.ndarray:
    return rng.normal(0.0, RANDOM_STD, size=(n_out, n_in))


def xavier(n_in: int, n_out: int, rng: np.random.Generator) -> np.ndarray:
    # Glorot and Bengio (2010): keeps the variance of signals and gradients alike across layers.
    return rng.normal(0.0, np.sqrt(2.0 / (n_in + n_out)), size=(n_out, n_in))


def he(n_in: int, n_out: int, rng: np.random.Generator) -> np.ndarray:
    # He et al. (2015): relu zeroes half its inputs, so double the variance.
    return rng.normal(0.0, np.sqrt(2.0 / n_in), size=(n_out, n_in))


INITIALIZERS: dict[str, Callable[[int, int, np.random.Generator], np.ndarray]] = {
    "random": random_normal,
    "xavier": xavier,
    "he": he,
}
