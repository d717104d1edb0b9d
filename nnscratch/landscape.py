"""The loss surface along a real run, in the plane its weights moved most in (Li et al., 2018).

Every snapshot's parameters are flattened into one vector, centred on the final
ones, and the two principal directions of those vectors span a plane through
the final weights. The loss is evaluated on a grid in that plane, all grid
points at once; the run's own path is projected onto it. The share of the
path's variance the two directions explain says how faithful the slice is: the
real path leaves the plane by the rest.

The cost is bounded whatever the network: the plane comes from the snapshots' S x S Gram
matrix, built a block of parameters at a time (never the S x P matrix of them all, gigabytes for
a wide network), and when the forward passes over the whole training set would cost more than
``GRID_BUDGET``, the loss is evaluated on a fixed sample of it, as large as the budget allows,
and on fewer grid points if even a small sample would not fit (``evaluation_plan``). The
Landscape says how many examples its loss is over (the scene says so on screen and in words).

A convolutional network's parameters are its kernels and their biases as well as its dense weights
and biases (``parameter_arrays``: every weight, kernels first, then every bias), so its plane spans
them all, and its loss at each point is the network's own forward pass (``NeuralNetwork.loss``:
convolutions, pools, dense layers and the penalty) with those parameters set, within CONV_GRID_BUDGET.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nnscratch.architecture import Architecture, Conv
from nnscratch.history import TrainingHistory
from nnscratch.network import NeuralNetwork

CHUNK_VALUES = 1_000_000  # floats of activations evaluated at once: 4 MB, near the caches
# Grid points per side: 30 cells, as many as the surface draws (scenes.mobjects.surface), and contours as
# smooth to the eye as from twice as many; each point is a forward pass over the training data.
RESOLUTION = 31
# The surface's forward passes may cost this many element operations (see ``surface_cost``), about
# 1.5 s on the 2-core machine it was measured on (2.2 to 3.5 element operations a nanosecond, the
# model's constants below fitted there). The default digits network (784-16-16-10) over its 8,000
# training examples costs 2.9e9 (1.0 s) and is evaluated on all of them; a 784-500-10 network on 880
# of them (1.2 s, the whole set took 57 s), and a 784-10000-10 one on 100 examples at 20 x 20 points.
GRID_BUDGET = 4.0e9
MIN_SAMPLE = 100  # examples at least, ten of each digit: past that, fewer points are dropped rather than examples
MIN_RESOLUTION = 11  # grid points per side at least: a network so big that these pass the budget pays for them
SAMPLE_SEED = 20180101  # a fixed sample: every render of a run draws the same surface
PRODUCT_SHARE = 0.1  # a multiply-add of a matrix product, in element operations: BLAS does them in vectors
NEURON_OPERATIONS = 8  # element operations per neuron per example: the moves, the bias, the activation, the loss
L1_OPERATIONS = 40  # element operations per weight for a row of points' L1 penalties (see ``_absolute_sums``)
# A CNN's surface is one forward pass of the network a point (numpy's convolutions, float64): its cost
# counted in multiply-adds per example (``conv_example_cost``; the default CNN's is 214,000 a digit, about
# 0.4 ms here on a loaded machine), plus each point's own setting up of the network and its passes, as
# many multiply-adds as CONV_POINT_COST. Within CONV_GRID_BUDGET the default CNN gets its 100-example
# sample on 11 x 11 points (8 s here under load, and the slice along its gradient, 121 passes, 6 s), the
# tests' 28x28,conv4:3,pool2,10 (31,000) on 20 x 20.
CONV_GRID_BUDGET = 3.0e9
CONV_POINT_COST = 4.0e6


@dataclass
class Landscape:
    """The loss over a grid ``losses[j, i]`` at ``final + alphas[i] * directions[0] + betas[j] * directions[1]``,
    the run's snapshots projected onto the plane (``path``, shape (S, 2); its last row is (0, 0)),
    the share of the path's variance each direction explains, and how many training examples the
    loss is the mean over (fewer than the run's when the surface is evaluated on a sample)."""

    directions: np.ndarray
    explained: tuple[float, float]
    path: np.ndarray
    alphas: np.ndarray
    betas: np.ndarray
    losses: np.ndarray
    n_samples: int  # training examples the loss is evaluated on: all of them, or the sample ``evaluation_sample`` draws


def parameter_arrays(history: TrainingHistory) -> list[np.ndarray]:
    """The recorded parameters, each array (S, ...), in ``flat_parameters``' order: every weight (a CNN's
    kernels first, then the dense weights), then every bias (the kernels' first). A network of dense
    layers has no kernels: its weights, then its biases."""
    return [*history.kernels, *history.weights, *history.kernel_biases, *history.biases]


def gradient_arrays(history: TrainingHistory) -> list[np.ndarray]:
    """The recorded full-batch gradients, in the order of ``parameter_arrays``."""
    return [*history.kernel_grads, *history.weight_grads, *history.kernel_bias_grads, *history.bias_grads]


def flat_parameters(history: TrainingHistory) -> np.ndarray:
    """Every snapshot's weights and biases as one row, shape (S, n_parameters), in float64."""
    parts = [array.reshape(len(array), -1) for array in parameter_arrays(history)]
    return np.concatenate([part.astype(float) for part in parts], axis=1)


def unflatten(network: NeuralNetwork, vector: np.ndarray) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Weights and biases shaped as ``network``'s from a row of ``flat_parameters`` (of a network of dense
    layers; ``unflatten_all`` for a CNN's kernels too)."""
    _, weights, _, biases = unflatten_all(network, vector)
    return weights, biases


def unflatten_all(network: NeuralNetwork, vector: np.ndarray) -> tuple[list[np.ndarray], ...]:
    """Kernels, weights, kernel biases and biases shaped as ``network``'s from a row of ``flat_parameters``."""
    parts, at = [], 0
    for group in (network.kernels, network.weights, network.kernel_biases, network.biases):
        shaped = []
        for array in group:
            shaped.append(vector[at:at + array.size].reshape(array.shape))
            at += array.size
        parts.append(shaped)
    return tuple(parts)


def snapshot_parameters(history: TrainingHistory, snapshot: int) -> np.ndarray:
    """One snapshot's row of ``flat_parameters``, without the others."""
    return np.concatenate([array[snapshot].ravel().astype(float) for array in parameter_arrays(history)])


def _centred_blocks(history: TrainingHistory):
    """The snapshots' parameters centred on the final ones, in ``flat_parameters``' column order, as
    ``(first column, block)`` pairs of about CHUNK_VALUES floats each: a wide network's whole (S, P)
    matrix in float64 is gigabytes."""
    at = 0
    for array in parameter_arrays(history):
        rows = array.reshape(len(array), -1)
        step = max(1, CHUNK_VALUES // len(rows))
        for start in range(0, rows.shape[1], step):
            block = rows[:, start:start + step].astype(float)
            yield at + start, block - block[-1]
        at += rows.shape[1]


def principal_plane(history: TrainingHistory) -> tuple[np.ndarray, tuple[float, float], np.ndarray]:
    """The two directions the run's weights moved most in (unit rows), the share of the path's
    variance each explains, and the path projected onto them.

    The principal directions of the centred snapshots C (S x P) are C's top right singular vectors;
    they are found from the S x S Gram matrix C C^T (its eigenvectors u give the directions C^T u),
    so memory grows with the snapshots, not with the network, and each pass reads C a block at a time."""
    n_parameters = sum(array[0].size for array in parameter_arrays(history))
    gram = np.zeros((history.n_snapshots, history.n_snapshots))
    for _, block in _centred_blocks(history):
        gram += block @ block.T
    _, vectors = np.linalg.eigh(gram)  # ascending
    top = vectors[:, ::-1][:, :2]
    directions = np.zeros((2, n_parameters))  # a second row of zeros for a single snapshot
    for at, block in _centred_blocks(history):
        directions[:top.shape[1], at:at + block.shape[1]] = top.T @ block
    directions = _orthonormal(directions)
    path = np.zeros((history.n_snapshots, 2))
    for at, block in _centred_blocks(history):
        path += block @ directions[:, at:at + block.shape[1]].T
    # Each direction pointing the way the run went, from its start towards the final weights: an
    # eigenvector's sign is the solver's choice, and the picture should not turn with it.
    signs = np.where(path[0] > 0, -1.0, 1.0)
    directions *= signs[:, None]
    path *= signs
    total = float(np.trace(gram))  # the path's whole variance, the sum of all the eigenvalues
    shares = (path**2).sum(axis=0) / total if total > 0 else np.zeros(2)
    return directions, (float(shares[0]), float(shares[1])), path


def _orthonormal(rows: np.ndarray) -> np.ndarray:
    """``rows`` made two unit rows at right angles, in place (each is P floats), the first along its
    own direction. A direction the path does not move in (a run of two snapshots moves along one
    line) is replaced by one at right angles to the first: it explains nothing either way, and the
    grid still needs a second axis."""
    first, second = rows
    scale = float(np.linalg.norm(first))
    if scale > 0 and np.isfinite(scale):
        first /= scale
    else:
        first[:] = 0.0
        first[0] = 1.0
    for _ in range(2):  # twice: the first pass leaves rounding along ``first``
        second -= (second @ first) * first
    length = float(np.linalg.norm(second))
    if not length > 1e-9 * scale:
        axis = int(np.argmin(np.abs(first)))  # the coordinate ``first`` leans on least
        np.multiply(first, -first[axis], out=second)
        second[axis] += 1.0
        length = float(np.linalg.norm(second))
    second /= length
    return rows


def surface_cost(layer_sizes: list[int], n_examples: int, points: int, l1_rows: int = 0) -> float:
    """Element operations of the losses at ``points`` points of a plane over ``n_examples`` examples,
    as ``losses_at`` computes them: the first layer's three products with the data once, then for
    every point each later layer's weights made once and multiplied with every example, and a few
    operations per neuron and example (a multiply-add in a matrix product counts PRODUCT_SHARE);
    and an L1 penalty's pass over every weight for each of ``l1_rows`` rows of points."""
    first = 3 * n_examples * layer_sizes[0] * layer_sizes[1] * PRODUCT_SHARE
    later = sum(a * b for a, b in zip(layer_sizes[1:-1], layer_sizes[2:]))
    neurons = sum(layer_sizes[1:])
    per_point = 4 * later + n_examples * (later * PRODUCT_SHARE + NEURON_OPERATIONS * neurons)
    parameters = sum(a * b + b for a, b in zip(layer_sizes, layer_sizes[1:]))
    return first + points * per_point + l1_rows * parameters * L1_OPERATIONS


def conv_example_cost(architecture: Architecture) -> int:
    """Multiply-adds of one example's forward pass through a CNN: each conv's kernels at every place of
    its maps, then the dense layers' weights."""
    shapes, total = architecture.map_shapes(), 0
    for stage, before, after in zip(architecture.stages, shapes, shapes[1:]):
        if isinstance(stage, Conv):
            total += after[0] * after[1] * after[2] * before[0] * stage.size * stage.size
    dense = architecture.dense
    return total + sum(a * b for a, b in zip(dense, dense[1:]))


def evaluation_plan(layer_sizes: list[int], n_examples: int, l1: bool = False,
                    architecture: Architecture | None = None) -> tuple[int, int]:
    """How many of ``n_examples`` training examples the surface's loss is evaluated on, and its grid
    points per side (with an L1 penalty, ``l1``, summed on every row): all of them on RESOLUTION x
    RESOLUTION points when that fits GRID_BUDGET; else as many examples as fit, if that is MIN_SAMPLE
    or more; else MIN_SAMPLE examples on as many points per side as fit, MIN_RESOLUTION at least.
    A convolutional ``architecture`` is costed as its forward passes are (``conv_example_cost``),
    within CONV_GRID_BUDGET."""
    if architecture is not None and architecture.is_convolutional:
        per_example, budget = conv_example_cost(architecture), CONV_GRID_BUDGET

        def cost(examples: int, side: int) -> float:
            return side * side * (CONV_POINT_COST + examples * per_example)
    else:
        budget = GRID_BUDGET

        def cost(examples: int, side: int) -> float:
            return surface_cost(layer_sizes, examples, side * side, side if l1 else 0)

    if cost(n_examples, RESOLUTION) <= budget:
        return n_examples, RESOLUTION
    fits = int((budget - cost(0, RESOLUTION)) // (cost(1, RESOLUTION) - cost(0, RESOLUTION)))
    if fits >= MIN_SAMPLE:
        return fits, RESOLUTION
    examples = min(n_examples, MIN_SAMPLE)
    sides = range(RESOLUTION - 1, MIN_RESOLUTION, -1)
    return examples, next((side for side in sides if cost(examples, side) <= budget), MIN_RESOLUTION)


def plan_of(history: TrainingHistory) -> tuple[int, int]:
    """``evaluation_plan`` of the run: its network, its training examples, its penalty."""
    return evaluation_plan(history.layer_sizes, len(history.X_train), bool(history.metadata["l1"]),
                           history.architecture if history.is_convolutional else None)


def evaluation_sample(history: TrainingHistory) -> np.ndarray:
    """The training examples (sorted indices) the surface's loss is evaluated on, as many as
    ``evaluation_plan`` says: all of them, or a sample drawn with a fixed seed and stratified by
    class, so each class keeps its share and every render of the run draws the same surface."""
    n = len(history.X_train)
    size, _ = plan_of(history)
    if size >= n:
        return np.arange(n)
    labels = _classes(history.y_train)
    order = np.random.default_rng(SAMPLE_SEED).permutation(n)
    order = order[np.argsort(labels[order], kind="stable")]  # by class, shuffled within each
    # Every (n / size)-th of that order: each class in proportion, to one example.
    return np.sort(order[(np.arange(size) * n) // size])


def _classes(targets: np.ndarray) -> np.ndarray:
    """Each example's class: the hot output of a one-hot target, or a single output's 0 or 1."""
    targets = np.asarray(targets)
    return targets.argmax(axis=1) if targets.shape[1] > 1 else (targets[:, 0] > 0.5).astype(int)


def loss_landscape(history: TrainingHistory, resolution: int | None = None, margin: float = 0.25) -> Landscape:
    """The training loss on a ``resolution`` x ``resolution`` grid in the run's principal plane: a
    square, with one scale along both directions, round the projected path and ``margin`` of its
    span more on each side (a path that runs along one direction still shows the loss across it).
    The loss is over the examples of ``evaluation_sample``, all of them unless that costs too much, and
    ``resolution`` is the one ``evaluation_plan`` allows unless given."""
    if resolution is None:
        _, resolution = plan_of(history)
    directions, explained, path = principal_plane(history)
    middle = (path.max(axis=0) + path.min(axis=0)) / 2
    half = max(float((path.max(axis=0) - path.min(axis=0)).max()), 1e-3) * (0.5 + margin)
    alphas = np.linspace(middle[0] - half, middle[0] + half, resolution)
    betas = np.linspace(middle[1] - half, middle[1] + half, resolution)
    grid = np.stack(np.meshgrid(alphas, betas), axis=-1).reshape(-1, 2)
    sample = evaluation_sample(history)
    losses = losses_at(history, snapshot_parameters(history, -1), directions, grid, sample)
    return Landscape(directions, explained, path, alphas, betas, losses.reshape(resolution, resolution), len(sample))


def losses_at(history: TrainingHistory, origin: np.ndarray, directions: np.ndarray, points: np.ndarray,
              sample: np.ndarray | None = None) -> np.ndarray:
    """The training loss (regularization included) at ``origin + points @ directions`` for every row of
    ``points``, evaluated in chunks with one batched forward pass each; over the training examples
    ``sample`` (indices) when given, else all of them.

    The forward passes run in float32, with the samples along the last axis (each layer a batched
    matrix product, each activation over long contiguous rows): a drawing's precision, with the
    surface of 8,000 digits in seconds, not minutes. The loss itself keeps its digits however small
    (see ``losses.cross_entropy_stacked``)."""
    network = history.network_at(-1)
    if network.is_convolutional:
        return _network_losses(history, network, origin, directions, points, sample)
    base = _as_float32(unflatten(network, origin))
    moves = [_as_float32(unflatten(network, direction)) for direction in directions]
    return _losses(history, network, base, moves, points, sample)


def _network_losses(history: TrainingHistory, network: NeuralNetwork, origin: np.ndarray, directions: np.ndarray,
                    points: np.ndarray, sample: np.ndarray | None) -> np.ndarray:
    """``losses_at`` of a CNN: at each point its kernels, weights and biases set to ``origin + points @
    directions``, and the loss (regularization included) of the network's own forward pass."""
    chosen = slice(None) if sample is None else sample
    X, y = history.X_train[chosen].astype(float), history.y_train[chosen]
    out = np.empty(len(points))
    for index, (alpha, beta) in enumerate(np.asarray(points, dtype=float)):
        kernels, weights, kernel_biases, biases = unflatten_all(network, origin + alpha * directions[0]
                                                                + beta * directions[1])
        network.copy_parameters_from(weights, biases, kernels, kernel_biases)
        out[index] = network.loss(X, y)
    return out


def _losses(history: TrainingHistory, network: NeuralNetwork, base, moves, points: np.ndarray,
            sample: np.ndarray | None) -> np.ndarray:
    """``losses_at`` with the origin and the two moves as float32 weights and biases, layer by layer."""
    chosen = slice(None) if sample is None else sample
    X = history.X_train[chosen].astype(np.float32)
    targets = history.y_train[chosen].astype(np.float32).T  # (outputs, samples)
    # The first layer's weights are base + alpha * move0 + beta * move1, so its product with the data
    # is three matrix products for every point of the grid: made once here, not once per chunk.
    products = [W[0] @ X.T for W in (base[0], moves[0][0], moves[1][0])]
    widest = max(network.layer_sizes[1:])  # the activations held at once; the inputs are not
    largest = max((W.size for W in network.weights[1:]), default=0)  # and each point's weights of one layer
    chunk = max(1, CHUNK_VALUES // (len(X) * widest + largest))
    out = np.empty(len(points))
    points = np.asarray(points, dtype=np.float32)
    for start in range(0, len(points), chunk):
        out[start:start + chunk] = _chunk_losses(network, products, targets, base, moves, points[start:start + chunk])
    if network.l1 or network.l2:
        out += _penalties(network, base, moves, points.astype(float))
    return out


def _as_float32(parameters: tuple[list[np.ndarray], list[np.ndarray]]) -> tuple[list[np.ndarray], list[np.ndarray]]:
    weights, biases = parameters
    return [W.astype(np.float32, copy=False) for W in weights], [b.astype(np.float32, copy=False) for b in biases]


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
    """The regularization penalty at each point, in float64. It is a sum over all the weights, made
    a block of weights at a time and never once per point: at W + a D + b E the L2 sum is a quadratic
    in a and b, and the L1 sum is made a row of points at a time (see ``_absolute_sums``)."""
    (W0, _), ((D0, _), (E0, _)) = base, (moves[0], moves[1])
    penalty = np.zeros(len(points))
    a, b = points[:, 0], points[:, 1]
    for W, D, E in zip(W0, D0, E0):
        for start in range(0, W.size, CHUNK_VALUES):
            w, d, e = (M.ravel()[start:start + CHUNK_VALUES].astype(float) for M in (W, D, E))
            if network.l2:
                squares = (w @ w + 2 * a * (w @ d) + 2 * b * (w @ e) + a * a * (d @ d) + 2 * a * b * (d @ e)
                           + b * b * (e @ e))
                penalty += 0.5 * network.l2 * squares
            if network.l1:
                penalty += network.l1 * _absolute_sums(w, d, e, points)
    return penalty


def _absolute_sums(w: np.ndarray, d: np.ndarray, e: np.ndarray, points: np.ndarray) -> np.ndarray:
    """``sum |w + a d + b e|`` at every point ``(a, b)``, one pass over the terms for each row of
    points (those with one b), not for each point. Along a row each term is sign(d) (c + a d), with
    c = w + b e, once a passes the term's zero -c / d, and minus that before it; so a row's sums are
    running sums over the terms whose zero each of its a has passed."""
    out = np.empty(len(points))
    moving = d != 0
    fixed = np.abs(w[~moving]), e[~moving], w[~moving]  # terms the row's a does not change
    w, d, e = w[moving], d[moving], e[moving]
    sign = np.sign(d)
    signed_w, signed_e, size = sign * w, sign * e, np.abs(d)
    totals = signed_w.sum(), signed_e.sum(), size.sum()
    rows, row_of = np.unique(points[:, 1], return_inverse=True)
    for row, beta in enumerate(rows):
        on_row = np.flatnonzero(row_of == row)
        on_row = on_row[np.argsort(points[on_row, 0], kind="stable")]
        alphas = points[on_row, 0]
        passed = _passed(alphas, -(w + beta * e) / d)  # finite or infinite, never nan: d is not 0
        past_w, past_e, past_d = (np.cumsum(np.bincount(passed, weights=weights, minlength=len(alphas) + 1))[:-1]
                                  for weights in (signed_w, signed_e, size))
        still = fixed[0].sum() if not beta else np.abs(fixed[2] + beta * fixed[1]).sum()
        out[on_row] = (still + 2 * (past_w + beta * past_e) - (totals[0] + beta * totals[1])
                       + alphas * (2 * past_d - totals[2]))
    return out


def _passed(alphas: np.ndarray, zeros: np.ndarray) -> np.ndarray:
    """How many of the sorted ``alphas`` are at or before each of ``zeros``, as
    ``np.searchsorted(alphas, zeros, side="right")``. A grid's alphas are evenly spaced, and then
    arithmetic finds it, ten times faster than a binary search for each of millions of terms, and is
    put right where rounding left it one place off."""
    n = len(alphas)
    step = (alphas[-1] - alphas[0]) / (n - 1) if n > 1 else 0.0
    if not step > 0 or np.abs(np.diff(alphas) - step).max() > 1e-3 * step:
        return np.searchsorted(alphas, zeros, side="right")
    guess = np.clip(np.floor((zeros - alphas[0]) / step) + 1, 0, n).astype(np.intp)
    bounds = np.concatenate([[-np.inf], alphas, [np.inf]])  # bounds[k] is alphas[k - 1]
    guess -= bounds[guess] > zeros  # one too many: the last alpha counted lies past the zero
    guess += bounds[guess + 1] <= zeros  # one too few: the next alpha is at or before it
    return np.minimum(guess, n, out=guess)  # an infinite zero (a move of 1e-300) is past them all, once


def gradient_slice(history: TrainingHistory, snapshot: int, steps: int = 121,
                   reach: float = 12.0) -> tuple[np.ndarray, np.ndarray]:
    """The loss along the negative gradient from one snapshot: ``(t, loss(theta - t * gradient))`` for
    ``t`` from 0 to ``reach`` learning rates, so a plain step of the run's learning rate is ``t = lr``.
    It is the loss over the same examples as the surface's (``evaluation_sample`` of its grid)."""
    learning_rate = history.learning_rate
    ts = np.linspace(0.0, reach * learning_rate, steps)
    if history.is_convolutional:  # small enough to hold flat: its own forward pass at each step
        downhill = -np.concatenate([g[snapshot].ravel().astype(float) for g in gradient_arrays(history)])
        directions = np.stack([downhill, np.zeros_like(downhill)])
        losses = losses_at(history, snapshot_parameters(history, snapshot), directions,
                           np.column_stack([ts, np.zeros_like(ts)]), evaluation_sample(history))
        return ts, losses
    # Layer by layer as recorded (float32): the flat float64 vectors of a wide network are gigabytes.
    origin = _as_float32(([W[snapshot] for W in history.weights], [b[snapshot] for b in history.biases]))
    downhill = _as_float32(([-g[snapshot] for g in history.weight_grads], [-g[snapshot] for g in history.bias_grads]))
    across = ([np.zeros_like(W) for W in origin[0]], [np.zeros_like(b) for b in origin[1]])
    losses = _losses(history, history.network_at(-1), origin, [downhill, across],
                     np.column_stack([ts, np.zeros_like(ts)]), evaluation_sample(history))
    return ts, losses
