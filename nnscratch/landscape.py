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

CHUNK_VALUES = 1_000_000  # floats of activations evaluated at once: 4 MB, near the caches
# Grid points per side: 30 cells, as many as the surface draws (scenes.surface), and contours as
# smooth to the eye as from twice as many; each point is a forward pass over all the training data.
RESOLUTION = 31


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


def loss_landscape(history: TrainingHistory, resolution: int = RESOLUTION, margin: float = 0.25) -> Landscape:
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
    ``points``, evaluated in chunks with one batched forward pass each.

    The forward passes run in float32, with the samples along the last axis (each layer a batched
    matrix product, each activation over long contiguous rows): a drawing's precision, with the
    surface of 8,000 digits in seconds, not minutes. The loss itself keeps its digits however small
    (see ``losses.cross_entropy_stacked``)."""
    network = history.network_at(-1)
    X = history.X_train.astype(np.float32)
    targets = history.y_train.astype(np.float32).T  # (outputs, samples)
    base = _as_float32(unflatten(network, origin))
    moves = [_as_float32(unflatten(network, direction)) for direction in directions]
    # The first layer's weights are base + alpha * move0 + beta * move1, so its product with the data
    # is three matrix products for every point of the grid: made once here, not once per chunk.
    products = [W[0] @ X.T for W in (base[0], moves[0][0], moves[1][0])]
    widest = max(network.layer_sizes[1:])  # the activations held at once; the inputs are not
    chunk = max(1, CHUNK_VALUES // (len(X) * widest))
    out = np.empty(len(points))
    points = np.asarray(points, dtype=np.float32)
    for start in range(0, len(points), chunk):
        out[start:start + chunk] = _chunk_losses(network, products, targets, base, moves, points[start:start + chunk])
    if network.l1 or network.l2:
        out += _penalties(network, base, moves, points.astype(float))
    return out


def _as_float32(parameters: tuple[list[np.ndarray], list[np.ndarray]]) -> tuple[list[np.ndarray], list[np.ndarray]]:
    weights, biases = parameters
    return [W.astype(np.float32) for W in weights], [b.astype(np.float32) for b in biases]


def _chunk_losses(network: NeuralNetwork, products: list[np.ndarray], targets: np.ndarray, base, moves,
                  points: np.ndarray) -> np.ndarray:
    """Losses at a few grid points at once (the data's loss, without penalty): each layer's weights are
    base + alpha * move0 + beta * move1; ``products`` are the first layer's base and moves times the data."""
    (W0, b0), ((D0, d0), (E0, e0)) = base, (moves[0], moves[1])
    alpha, beta = points[:, 0][:, None, None], points[:, 1][:, None, None]
    last = len(W0) - 1
    XW, XD, XE = products  # (neurons, samples)
    z = XW[None] + alpha * XD[None]  # (points, neurons, samples)
    z += beta * XE[None]
    for layer in range(len(W0)):
        bias = b0[layer] + points[:, :1] * d0[layer] + points[:, 1:] * e0[layer]  # (points, neurons)
        if layer > 0:
            z = (W0[layer] + alpha * D0[layer] + beta * E0[layer]) @ a  # a batched matmul goes through BLAS
        z += bias[:, :, None]
        if layer < last:
            a = network.activation.function(z)
    return network.output_layer.stacked_loss(z, targets)


def _penalties(network: NeuralNetwork, base, moves, points: np.ndarray) -> np.ndarray:
    """The regularization penalty at each point, in float64: it is a sum over all the weights."""
    (W0, _), ((D0, _), (E0, _)) = base, (moves[0], moves[1])
    penalty = np.zeros(len(points))
    for W, D, E in zip(W0, D0, E0):
        W, D, E = W.astype(float), D.astype(float), E.astype(float)
        step = max(1, CHUNK_VALUES // W.size)
        for start in range(0, len(points), step):
            alpha, beta = points[start:start + step, 0, None, None], points[start:start + step, 1, None, None]
            at = W[None] + alpha * D[None] + beta * E[None]
            penalty[start:start + step] += (network.l1 * np.abs(at).sum(axis=(1, 2))
                                            + 0.5 * network.l2 * (at * at).sum(axis=(1, 2)))
    return penalty


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
