"""Activation functions, each beside its derivative.

A derivative takes the pre-activation ``z`` and the activation ``a = f(z)``
that the forward pass already holds, so none recomputes ``f``.
"""
from __future__ import annotations

import math
from typing import Callable, NamedTuple

import numpy as np

LEAKY_SLOPE = 0.01


class Activation(NamedTuple):
    """An activation, its derivative beside it, and the values it can take."""

    function: Callable[[np.ndarray], np.ndarray]
    derivative: Callable[[np.ndarray, np.ndarray], np.ndarray]
    value_range: tuple[float, float]  # (low, high); infinite where unbounded

    @property
    def signed(self) -> bool:
        """Whether it can be negative (a neuron can be "loud" below zero, as tanh's -1)."""
        return self.value_range[0] < 0


def sigmoid(z: np.ndarray) -> np.ndarray:
    # e^-z overflows to infinity below z = -709 (-88 in float32), and 1 / infinity is the 0 the
    # sigmoid tends to; numpy's exp is three times faster than its tanh, the other way to write it.
    # Each step writes into one new array: temporaries cost as much as the exp (loss surfaces).
    z = np.asarray(z)
    a = np.negative(z, out=np.empty(z.shape, np.result_type(z.dtype, np.float16)))
    with np.errstate(over="ignore"):
        np.exp(a, out=a)
    a += 1.0
    np.reciprocal(a, out=a)
    return a if a.ndim else a[()]


def sigmoid_derivative(z: np.ndarray, a: np.ndarray) -> np.ndarray:
    return a * (1.0 - a)


def relu(z: np.ndarray) -> np.ndarray:
    return np.maximum(z, 0.0)


def relu_derivative(z: np.ndarray, a: np.ndarray) -> np.ndarray:
    return (z > 0).astype(z.dtype)


def tanh(z: np.ndarray) -> np.ndarray:
    return np.tanh(z)


def tanh_derivative(z: np.ndarray, a: np.ndarray) -> np.ndarray:
    return 1.0 - a * a


def leaky_relu(z: np.ndarray) -> np.ndarray:
    return np.where(z > 0, z, LEAKY_SLOPE * z)


def leaky_relu_derivative(z: np.ndarray, a: np.ndarray) -> np.ndarray:
    return np.where(z > 0, 1.0, LEAKY_SLOPE)


def identity(z: np.ndarray) -> np.ndarray:
    return z


def softmax(z: np.ndarray) -> np.ndarray:
    shifted = np.exp(z - z.max(axis=-1, keepdims=True))
    return shifted / shifted.sum(axis=-1, keepdims=True)


HIDDEN_ACTIVATIONS: dict[str, Activation] = {
    "sigmoid": Activation(sigmoid, sigmoid_derivative, (0.0, 1.0)),
    "relu": Activation(relu, relu_derivative, (0.0, math.inf)),
    "tanh": Activation(tanh, tanh_derivative, (-1.0, 1.0)),
    "leaky_relu": Activation(leaky_relu, leaky_relu_derivative, (-math.inf, math.inf)),
}
