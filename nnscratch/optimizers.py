"""Optimizers that update a list of parameter arrays in place from their gradients."""
from __future__ import annotations

import numpy as np


class SGD:
    def __init__(self) -> None:
        pass

    def step(self, params: list[np.ndarray], grads: list[np.ndarray], learning_rate: float) -> None:
        for param, grad in zip(params, grads):
            param -= learning_rate * grad


class Momentum:
    def __init__(self, beta: float = 0.9) -> None:
        self.beta = beta
        self.velocity: list[np.ndarray] | None = None

    def step(self, params: list[np.ndarray], grads: list[np.ndarray], learning_rate: float) -> None:
        if self.velocity is None:
            self.velocity = [np.zeros_like(p) for p in params]
        for param, grad, velocity in zip(params, grads, self.velocity):
            velocity *= self.beta
            velocity -= learning_rate * grad
            param += velocity


class RMSprop:
    def __init__(self, rho: float = 0.9, eps: float = 1e-8) -> None:
        self.rho, self.eps = rho, eps
        self.mean_square: list[np.ndarray] | None = None

    def step(self, params: list[np.ndarray], grads: list[np.ndarray], learning_rate: float) -> None:
        if self.mean_square is None:
            self.mean_square = [np.zeros_like(p) for p in params]
        for param, grad, mean_square in zip(params, grads, self.mean_square):
            mean_square *= self.rho
            mean_square += (1.0 - self.rho) * grad * grad
            param -= learning_rate * grad / (np.sqrt(mean_square) + self.eps)


class Adam:
    def __init__(self, beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8) -> None:
        self.beta1, self.beta2, self.eps = beta1, beta2, eps
        self.t = 0
        self.first: list[np.ndarray] | None = None
        self.second: list[np.ndarray] | None = None

    def step(self, params: list[np.ndarray], grads: list[np.ndarray], learning_rate: float) -> None:
        if self.first is None or self.second is None:
            self.first = [np.zeros_like(p) for p in params]
            self.second = [np.zeros_like(p) for p in params]
        self.t += 1
        # Bias correction folded into the step size (Kingma and Ba, section 2).
        step_size = learning_rate * np.sqrt(1.0 - self.beta2**self.t) / (1.0 - self.beta1**self.t)
        for param, grad, first, second in zip(params, grads, self.first, self.second):
            first *= self.beta1
            first += (1.0 - self.beta1) * grad
            second *= self.beta2
            second += (1.0 - self.beta2) * grad * grad
            param -= step_size * first / (np.sqrt(second) + self.eps)


OPTIMIZERS = {"sgd": SGD, "momentum": Momentum, "rmsprop": RMSprop, "adam": Adam}
