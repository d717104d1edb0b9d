"""Output layers: an output activation paired with its loss.

Each loss is computed from the output pre-activation ``z`` (the logits), so
it stays finite where ``log(a)`` would not, and its gradient with respect to
``z`` is the simple ``a - y`` form that backpropagation starts from.
"""
from __future__ import annotations

from typing import Callable, NamedTuple

import numpy as np

from nnscratch.activations import identity, sigmoid, softmax


class OutputLayer(NamedTuple):
    activation: Callable[[np.ndarray], np.ndarray]
    loss: Callable[[np.ndarray, np.ndarray], float]
    loss_gradient: Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]
    loss_name: str


def binary_cross_entropy(z: np.ndarray, y: np.ndarray) -> float:
    # log(1 + e^z) - y z, written so that exp never overflows.
    per_element = np.maximum(z, 0.0) - z * y + np.log1p(np.exp(-np.abs(z)))
    return float(per_element.sum() / len(z))


def binary_cross_entropy_gradient(z: np.ndarray, a: np.ndarray, y: np.ndarray) -> np.ndarray:
    return (a - y) / len(z)


def cross_entropy(z: np.ndarray, y: np.ndarray) -> float:
    top = z.max(axis=1, keepdims=True)
    log_sum_exp = top[:, 0] + np.log(np.exp(z - top).sum(axis=1))
    return float((log_sum_exp - (y * z).sum(axis=1)).mean())


def cross_entropy_gradient(z: np.ndarray, a: np.ndarray, y: np.ndarray) -> np.ndarray:
    return (a - y) / len(z)


def mean_squared_error(z: np.ndarray, y: np.ndarray) -> float:
    return float(np.mean((z - y) ** 2))


def mean_squared_error_gradient(z: np.ndarray, a: np.ndarray, y: np.ndarray) -> np.ndarray:
    return 2.0 * (a - y) / a.size


OUTPUT_LAYERS: dict[str, OutputLayer] = {
    "sigmoid": OutputLayer(sigmoid, binary_cross_entropy, binary_cross_entropy_gradient, "binary cross-entropy"),
    "softmax": OutputLayer(softmax, cross_entropy, cross_entropy_gradient, "cross-entropy"),
    "identity": OutputLayer(identity, mean_squared_error, mean_squared_error_gradient, "mean squared error"),
}
