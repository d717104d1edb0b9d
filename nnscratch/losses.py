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


def right_probability(output: np.ndarray, target: np.ndarray) -> np.ndarray:
    """The probability each output row gives its right class: the softmax output of the labelled class,
    or a sigmoid output ``a`` where the label is 1 and ``1 − a`` where it is 0."""
    output, target = np.atleast_2d(output), np.atleast_2d(target)
    if output.shape[1] == 1:
        return np.where(target[:, 0] == 1, output[:, 0], 1.0 - output[:, 0])
    return output[np.arange(len(output)), target.argmax(axis=1)]


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


def _sigmoid_mse(z: np.ndarray, y: np.ndarray) -> float:
    return float(np.mean((sigmoid(z) - y) ** 2))


def _sigmoid_mse_stacked(z: np.ndarray, y: np.ndarray) -> np.ndarray:
    return ((sigmoid(z) - y) ** 2).mean(axis=(1, 2))


def _sigmoid_mse_gradient(z: np.ndarray, a: np.ndarray, y: np.ndarray) -> np.ndarray:
    return 2.0 * (a - y) / a.size * a * (1.0 - a)


def _softmax_mse(z: np.ndarray, y: np.ndarray) -> float:
    return float(np.mean((softmax(z) - y) ** 2))


def _softmax_mse_stacked(z: np.ndarray, y: np.ndarray) -> np.ndarray:
    # The outputs are axis 1 of (networks, outputs, samples): the softmax runs along it.
    shifted = np.exp(z - z.max(axis=1, keepdims=True))
    return ((shifted / shifted.sum(axis=1, keepdims=True) - y) ** 2).mean(axis=(1, 2))


def _softmax_mse_gradient(z: np.ndarray, a: np.ndarray, y: np.ndarray) -> np.ndarray:
    # dC/dz_i = a_i (g_i - sum_j g_j a_j), the softmax's Jacobian applied to g = dC/da.
    wish = 2.0 * (a - y) / a.size
    return a * (wish - (wish * a).sum(axis=1, keepdims=True))


OUTPUT_LAYERS: dict[str, OutputLayer] = {
    "sigmoid": OutputLayer(sigmoid, binary_cross_entropy, binary_cross_entropy_gradient, "binary cross-entropy",
                           binary_cross_entropy_by_output, binary_cross_entropy_stacked),
    "softmax": OutputLayer(softmax, cross_entropy, cross_entropy_gradient, "cross-entropy", cross_entropy_by_output,
                           cross_entropy_stacked),
    "identity": OutputLayer(identity, mean_squared_error, mean_squared_error_gradient, "mean squared error",
                            mean_squared_error_by_output, mean_squared_error_stacked),
}

# The losses a user may choose (``--loss``): cross-entropy is the one that pairs with the output's
# activation above (binary for one sigmoid output); mse is mean squared error on the activated outputs,
# TensorFlow Playground's only loss. A real-valued target has mean squared error alone.
LOSSES = ("cross-entropy", "mse")
MSE_NAME = "mean squared error"
SQUARED_OUTPUTS: dict[str, OutputLayer] = {
    "sigmoid": OutputLayer(sigmoid, _sigmoid_mse, _sigmoid_mse_gradient, MSE_NAME, mean_squared_error_by_output,
                           _sigmoid_mse_stacked),
    "softmax": OutputLayer(softmax, _softmax_mse, _softmax_mse_gradient, MSE_NAME, mean_squared_error_by_output,
                           _softmax_mse_stacked),
    "identity": OUTPUT_LAYERS["identity"],
}


def output_layer(output: str, loss: str | None = None) -> OutputLayer:
    """The output layer of activation ``output`` trained with ``loss`` (None: the one that pairs with it)."""
    if loss == "mse":
        return SQUARED_OUTPUTS[output]
    if loss == "cross-entropy" and output == "identity":
        raise ValueError("a real-valued (identity) output is trained with mse; cross-entropy needs classes")
    return OUTPUT_LAYERS[output]


def loss_choice(output: str, loss_name: str) -> str | None:
    """The ``--loss`` a run's recorded ``loss_name`` was, for an ``output``; ValueError if they cannot pair."""
    if loss_name == OUTPUT_LAYERS[output].loss_name:
        return None
    if loss_name == MSE_NAME:
        return "mse"
    raise ValueError(f"{loss_name!r} is not a loss of a {output} output")
