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
    loss_gradient: Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]  # dC/dz
    loss_name: str
    activation_gradient: Callable[[np.ndarray, np.ndarray], np.ndarray]  # dC/da, what the output wishes
    # The loss of many networks at once (the loss surface's grid): their logits stacked as
    # (networks, outputs, samples), the targets as (outputs, samples); one loss per network.
    stacked_loss: Callable[[np.ndarray, np.ndarray], np.ndarray]


TINY = 1e-12  # keeps dC/da finite where a saturated output touches 0 or 1


def binary_cross_entropy(z: np.ndarray, y: np.ndarray) -> float:
    # log(1 + e^z) - y z, written so that exp never overflows.
    per_element = np.maximum(z, 0.0) - z * y + np.log1p(np.exp(-np.abs(z)))
    return float(per_element.sum() / len(z))


def binary_cross_entropy_stacked(z: np.ndarray, y: np.ndarray) -> np.ndarray:
    per_element = np.maximum(z, 0.0) - z * y + np.log1p(np.exp(-np.abs(z)))
    return per_element.sum(axis=(1, 2)) / z.shape[2]


def binary_cross_entropy_gradient(z: np.ndarray, a: np.ndarray, y: np.ndarray) -> np.ndarray:
    return (a - y) / len(z)


def binary_cross_entropy_by_output(a: np.ndarray, y: np.ndarray) -> np.ndarray:
    a = np.clip(a, TINY, 1.0 - TINY)
    return (a - y) / (a * (1.0 - a)) / len(a)


def cross_entropy(z: np.ndarray, y: np.ndarray) -> float:
    top = z.max(axis=1, keepdims=True)
    log_sum_exp = top[:, 0] + np.log(np.exp(z - top).sum(axis=1))
    return float((log_sum_exp - (y * z).sum(axis=1)).mean())


def cross_entropy_stacked(z: np.ndarray, y: np.ndarray) -> np.ndarray:
    # log(sum e^z) - z_right as log(1 + the others' e^(z - top)) + (top - z_right): a sure right
    # answer's tiny loss keeps its digits in float32, where 1 + tiny would lose them. The top's own
    # e^0 = 1 is left out of the sum, and any others that tie with it counted back as whole ones.
    top = z.max(axis=1, keepdims=True)
    others = np.exp(z - top)
    at_top = others == 1.0
    ties = at_top.sum(axis=1) - 1
    others[at_top] = 0.0
    right = (z * y).sum(axis=1)
    return (np.log1p(others.sum(axis=1) + ties) + (top[:, 0] - right)).mean(axis=1)


def cross_entropy_gradient(z: np.ndarray, a: np.ndarray, y: np.ndarray) -> np.ndarray:
    return (a - y) / len(z)


def cross_entropy_by_output(a: np.ndarray, y: np.ndarray) -> np.ndarray:
    return -y / np.clip(a, TINY, None) / len(a)


def mean_squared_error(z: np.ndarray, y: np.ndarray) -> float:
    return float(np.mean((z - y) ** 2))


def mean_squared_error_stacked(z: np.ndarray, y: np.ndarray) -> np.ndarray:
    return ((z - y) ** 2).mean(axis=(1, 2))


def mean_squared_error_gradient(z: np.ndarray, a: np.ndarray, y: np.ndarray) -> np.ndarray:
    return 2.0 * (a - y) / a.size


def mean_squared_error_by_output(a: np.ndarray, y: np.ndarray) -> np.ndarray:
    return 2.0 * (a - y) / a.size


OUTPUT_LAYERS: dict[str, OutputLayer] = {
    "sigmoid": OutputLayer(sigmoid, binary_cross_entropy, binary_cross_entropy_gradient, "binary cross-entropy",
                           binary_cross_entropy_by_output, binary_cross_entropy_stacked),
    "softmax": OutputLayer(softmax, cross_entropy, cross_entropy_gradient, "cross-entropy", cross_entropy_by_output,
                           cross_entropy_stacked),
    "identity": OutputLayer(identity, mean_squared_error, mean_squared_error_gradient, "mean squared error",
                            mean_squared_error_by_output, mean_squared_error_stacked),
}
