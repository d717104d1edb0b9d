"""The loss surface along a real run, in the plane its weights moved most in (Li et al., 2018).

Every snapshot's parameters are flattened into one vector, centred on the final
ones, and the two principal directions of those vectors span a plane through
the final weights. The loss is evaluated on a grid in that plane, all grid
points at once; the run's own path is projected onto it. The share of the
path's variance the two directions explain says how faithful the slice is: the
real path leaves the plane by the rest.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nnscratch.history import TrainingHistory
from nnscratch.network import NeuralNetwork

CHUNK_VALUES = 4_000_000  # floats of activations evaluated at once: about 32 MB


@dataclass
class Landscape:
    """The loss over a grid ``losses[j, i]`` at ``final + alphas[i] * directions[0] + betas[j] * directions[1]``,
    the run's snapshots projected onto the plane (``path``, shape (S, 2); its last row is (0, 0)),
    and the share of the path's variance each direction explains."""

    directions: np.ndarray
    explained: tuple[float, float]
    path: np.ndarray
    alphas: np.ndarray
    betas: np.ndarray
    losses: np.ndarray


def flat_parameters(history: TrainingHistory) -> np.ndarray:
    """Every snapshot's weights and biases as one row, shape (S, n_parameters), in float64."""
    parts = [W.reshape(len(W), -1) for W in history.weights] + list(history.biases)
    return np.concatenate([part.astype(float) for part in parts], axis=1)


def unflatten(network: NeuralNetwork, vector: np.ndarray) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Weights and biases shaped as ``network``'s from a row of ``flat_parameters``."""
    weights, at = [], 0
    for W in network.weights:
        weights.append(vector[at:at + W.size].reshape(W.shape))
        at += W.size
    biases = []
    for b in network.biases:
        biases.append(vector[at:at + b.size])
        at += b.size
    return weights, biases


def principal_plane(history: TrainingHistory) -> tuple[np.ndarray, tuple[float, float], np.ndarray]:
    """The two directions the run's weights moved most in (unit rows), the share of the path's
    variance each explains, and the path projected onto them."""
    path = flat_parameters(history)
    centred = path - path[-1]
    _, singular, rows = np.linalg.svd(centred, full_matrices=False)
    total = float((singular**2).sum())
    directions = rows[:2] if len(rows) >= 2 else np.vstack([rows, np.zeros_like(rows)])
    shares = tuple(float(s**2 / total) if total > 0 else 0.0 for s in list(singular[:2]) + [0.0] * (2 - len(singular[:2])))
    return directions, (shares[0], shares[1]), centred @ directions.T


def loss_landscape(history: TrainingHistory, resolution: int = 61, margin: float = 0.25) -> Landscape:
    """The training loss on a ``resolution`` x ``resolution`` grid in the run's principal plane: a
    square, with one scale along both directions, round the projected path and ``margin`` of its
    span more on each side (a path that runs along one direction still shows the loss across it)."""
    directions, explained, path = principal_plane(history)
    middle = (path.max(axis=0) + path.min(axis=0)) / 2
    half = max(float((path.max(axis=0) - path.min(axis=0)).max()), 1e-3) * (0.5 + margin)
    alphas = np.linspace(middle[0] - half, middle[0] + half, resolution)
    betas = np.linspace(middle[1] - half, middle[1] + half, resolution)
    grid = np.stack(np.meshgrid(alphas, betas), axis=-1).reshape(-1, 2)
    losses = losses_at(history, flat_parameters(history)[-1], directions, grid)
    return Landscape(directions, explained, path, alphas, betas, losses.reshape(resolution, resolution))


def losses_at(history: TrainingHistory, origin: np.ndarray, directions: np.ndarray, points: np.ndarray) -> np.ndarray:
    """The training loss (regularization included) at ``origin + points @ directions`` for every row of
    ``points``, evaluated in chunks with one batched forward pass each."""
    network = history.network_at(-1)
    X, y = history.X_train.astype(float), history.y_train.astype(float)
    base = unflatten(network, origin)
    moves = [unflatten(network, direction) for direction in directions]
    # The first layer's weights are base + alpha * move0 + beta * move1, so its product with the data
    # is three matrix products for every point of the grid: made once here, not once per chunk.
    products = [X @ W[0].T for W in (base[0], moves[0][0], moves[1][0])]
    widest = max(network.layer_sizes[1:])  # the activations held at once; the inputs are not
    chunk = max(1, CHUNK_VALUES // (len(X) * widest))
    out = np.empty(len(points))
    for start in range(0, len(points), chunk):
        out[start:start + chunk] = _chunk_losses(network, products, y, base, moves, points[start:start + chunk])
    return out


def _chunk_losses(network: NeuralNetwork, products: list[np.ndarray], y: np.ndarray, base, moves,
                  points: np.ndarray) -> np.ndarray:
    """Losses at a few grid points at once: each layer's weights are base + alpha * move0 + beta * move1;
    ``products`` are the data times the first layer's base and moves."""
    (W0, b0), ((D0, d0), (E0, e0)) = (base[0], base[1]), (moves[0], moves[1])
    alpha, beta = points[:, 0][:, None, None], points[:, 1][:, None, None]
    last = len(W0) - 1
    weights_at = [W0[l] + alpha * D0[l] + beta * E0[l] for l in range(len(W0))]  # (g, out, in)
    biases_at = [b0[l] + points[:, :1] * d0[l] + points[:, 1:] * e0[l] for l in range(len(W0))]  # (g, out)
    XW, XD, XE = products
    z = XW[None] + alpha * XD[None] + beta * XE[None] + biases_at[0][:, None, :]
    for layer in range(len(W0)):
        if layer > 0:
            # A batched matmul goes through BLAS; einsum here does not, and took 6x longer.
            z = a @ weights_at[layer].transpose(0, 2, 1) + biases_at[layer][:, None, :]
        a = network.output_layer.activation(z) if layer == last else network.activation.function(z)
    losses = np.array([network.output_layer.loss(z[g], y) for g in range(len(points))])
    if network.l1:
        losses += network.l1 * sum(np.abs(W).sum(axis=(1, 2)) for W in weights_at)
    if network.l2:
        losses += 0.5 * network.l2 * sum((W * W).sum(axis=(1, 2)) for W in weights_at)
    return losses


def gradient_slice(history: TrainingHistory, snapshot: int, steps: int = 121,
                   reach: float = 12.0) -> tuple[np.ndarray, np.ndarray]:
    """The loss along the negative gradient from one snapshot: ``(t, loss(theta - t * gradient))`` for
    ``t`` from 0 to ``reach`` learning rates, so a plain step of the run's learning rate is ``t = lr``."""
    learning_rate = float(history.metadata["learning_rate"])
    origin = flat_parameters(history)[snapshot]
    gradient = np.concatenate([g[snapshot].astype(float).ravel() for g in history.weight_grads]
                              + [g[snapshot].astype(float) for g in history.bias_grads])
    ts = np.linspace(0.0, reach * learning_rate, steps)
    losses = losses_at(history, origin, np.vstack([-gradient, np.zeros_like(gradient)]),
                       np.column_stack([ts, np.zeros_like(ts)]))
    return ts, losses
