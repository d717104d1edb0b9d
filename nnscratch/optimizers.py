"""Optimizers that update a list of parameter arrays in place from their gradients.

Each follows torch.optim's formula and defaults, so a run here and one in PyTorch
take the same steps (tests check the formulas with tiny gradients, where the
placement of eps shows):

- SGD: ``p -= lr g``.
- Momentum (torch SGD with momentum, dampening 0): ``v = beta v + g; p -= lr v``.
- RMSprop (Hinton; torch's alpha is ``rho`` here): ``s = rho s + (1 - rho) g^2;
  p -= lr g / (sqrt(s) + eps)``.
- Adam (Kingma and Ba, Algorithm 1): ``m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2;
  p -= lr m_hat / (sqrt(v_hat) + eps)`` with the bias-corrected ``m_hat = m / (1 - b1^t)``
  and ``v_hat = v / (1 - b2^t)``: eps is added to the corrected sqrt(v), as in the paper.
"""
from __future__ import annotations

import numpy as np


class SGD:
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
            velocity += grad
            param -= learning_rate * velocity


class RMSprop:
    def __init__(self, rho: float = 0.99, eps: float = 1e-8) -> None:
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
        first_correction = 1.0 - self.beta1**self.t
        second_correction = np.sqrt(1.0 - self.beta2**self.t)
        for param, grad, first, second in zip(params, grads, self.first, self.second):
            first *= self.beta1
            first += (1.0 - self.beta1) * grad
            second *= self.beta2
            second += (1.0 - self.beta2) * grad * grad
            param -= learning_rate * (first / first_correction) / (np.sqrt(second) / second_correction + self.eps)


OPTIMIZERS = {"sgd": SGD, "momentum": Momentum, "rmsprop": RMSprop, "adam": Adam}
