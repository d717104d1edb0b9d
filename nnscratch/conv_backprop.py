"""Backpropagation into a convolutional network's first kernels for one example, every intermediate kept:
what the backprop chapter shows of a CNN run.

The error starts at the output, ``dC/dz = p - y`` for a softmax and its cross-entropy; the dense layers
carry it back to the flattened maps, which unflatten into the last stage's maps; a max-pool hands each
window's error to its winner alone (the rest get 0); a conv's activation slope turns dC/d(maps) into its
error ``delta = dC/dz``; a later conv sends its error back through its kernels. At the first conv, one
kernel weight's gradient is the sum over every output position (p, q) of the input pixel under that
weight there times the error there::

    dC/dw[f, c, i, j] = sum over p, q of x[c, p + i, q + j] * delta[f, p, q]

(plus the penalty's ``l1 sign(w) + l2 w`` for a regularized run). Every value comes from the network's
own backward pass (``NeuralNetwork.backward`` with its ``map_errors``); ``weight_products`` spells the
sum above out term by term, and tests hold its total against the backward pass's gradient.

A later conv hands its error to the maps it read the same way, one kernel and one input map at a time
(``ErrorCrossing``): each cell's error times the kernel's k x k slice over that map lands on the k x k
patch of the map the cell saw, and the patches of neighbouring cells overlap and add, a "transposed
convolution"; over all the conv's kernels they add up to that map's error, which tests hold against the
backward pass's.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nnscratch.architecture import Conv
from nnscratch.conv import MapsTrace, StageError
from nnscratch.network import Gradients, NeuralNetwork


@dataclass
class ConvExampleBackprop:
    """One example's forward and backward pass through a convolutional network. Arrays are the example's
    own (no sample axis): ``maps`` keeps the forward pass (``a[0]`` the image ``(1, rows, cols)``),
    ``stage_errors[s]`` the error carried through stage ``s``, first stage first."""

    loss: float  # the example's cost C, without the penalty
    target: np.ndarray  # the one-hot row of the right class
    probabilities: np.ndarray  # the output
    dense_deltas: list[np.ndarray]  # each dense layer's dC/dz, the first dense layer's first, the output's last
    flat_error: np.ndarray  # dC/d(the flattened maps): the first dense layer's error through its weights
    maps: MapsTrace
    stage_errors: list[StageError]
    gradients: Gradients  # of this example's cost (penalty included, as training's)
    kernels: list[np.ndarray]  # the network's kernels then, each conv's ``(filters, channels, k, k)``, first first
    conv_stages: list[int]  # the stage of each conv, first first

    def crossing(self, stage: int, kernel: int, channel: int) -> ErrorCrossing:
        """How the error of ``kernel`` of the conv at ``stage`` (not the first) crosses back onto its
        input map ``channel``."""
        if stage not in self.conv_stages or stage == 0:
            raise ValueError(f"stage {stage} is not a conv after the first")
        weights = self.kernels[self.conv_stages.index(stage)][kernel, channel]
        return ErrorCrossing(self.delta(stage)[kernel], weights)

    def input_error(self, stage: int, channel: int) -> np.ndarray:
        """The error at the conv's input map ``channel``: every kernel's patches added, ``(rows, cols)``."""
        filters = self.kernels[self.conv_stages.index(stage)].shape[0]
        return sum(self.crossing(stage, kernel, channel).spread() for kernel in range(filters))

    @property
    def output_error(self) -> np.ndarray:
        """dC/dz at the output: for a softmax and cross-entropy, the probabilities minus the one-hot."""
        return self.dense_deltas[-1]

    def delta(self, stage: int = 0) -> np.ndarray:
        """The error dC/dz of the conv at ``stage`` ``(filters, rows, cols)``."""
        dz = self.stage_errors[stage].dz
        if dz is None:
            raise ValueError(f"stage {stage} is a pool, which has no sums z")
        return dz

    def weight_products(self, kernel: int, channel: int, i: int, j: int) -> np.ndarray:
        """Each output position's term of dC/dw[kernel, channel, i, j] at the first conv: the input under
        the weight there (the input shifted by (i, j)) times the error there, ``(rows, cols)``; their sum is
        the cost's part of the gradient."""
        delta = self.delta(0)[kernel]
        rows, cols = delta.shape
        return self.maps.a[0][channel, i:i + rows, j:j + cols] * delta

    def penalty_gradient(self, kernel: int, channel: int, i: int, j: int) -> float:
        """The penalty's part of that weight's gradient: the backward pass's total less the products' sum."""
        total = float(self.gradients.kernels[0][kernel, channel, i, j])
        return total - float(self.weight_products(kernel, channel, i, j).sum())


@dataclass
class ErrorCrossing:
    """One kernel's error ``delta`` ``(rows, cols)`` sent back through its slice ``weights`` ``(k, k)`` onto
    one map it read ``(rows + k - 1, cols + k - 1)``: the cell (p, q) saw the patch of that map from (p, q)
    to (p + k - 1, q + k - 1), so its share of their error is its delta times the slice, and neighbouring
    cells' patches overlap and add."""

    delta: np.ndarray
    weights: np.ndarray

    @property
    def cells(self) -> int:
        return self.delta.size

    def patch(self, p: int, q: int) -> np.ndarray:
        """The cell (p, q)'s share of the error of the k x k patch of the map it saw."""
        return self.delta[p, q] * self.weights

    def spread(self, cells: int | None = None) -> np.ndarray:
        """The patches of the first ``cells`` cells in reading order (all by default) added onto the map."""
        rows, cols = self.delta.shape
        size = self.weights.shape[0]
        counted = self.delta.ravel().copy()
        counted[self.cells if cells is None else cells:] = 0.0
        counted = counted.reshape(rows, cols)
        out = np.zeros((rows + size - 1, cols + size - 1))
        for u in range(size):  # each weight of the slice shifts the whole error map by its offset
            for v in range(size):
                out[u:u + rows, v:v + cols] += self.weights[u, v] * counted
        return out

    def covering(self, row: int, column: int) -> tuple[int, int, int, int]:
        """The block of cells whose patches cover the map's cell (row, column): (first row, first column,
        last row, last column), within the error's bounds."""
        rows, cols = self.delta.shape
        size = self.weights.shape[0]
        return max(0, row - size + 1), max(0, column - size + 1), min(rows - 1, row), min(cols - 1, column)

    def terms(self, row: int, column: int) -> np.ndarray:
        """What each cell of ``covering(row, column)`` adds to the map's error at (row, column), its δ times
        the slice's weight that lay over that cell, laid out as the block: their sum is the kernel's share."""
        top, left, bottom, right = self.covering(row, column)
        return np.array([[self.share(p, q, row, column) for q in range(left, right + 1)]
                         for p in range(top, bottom + 1)])

    def share(self, p: int, q: int, row: int, column: int) -> float:
        """What cell (p, q) adds to the map's error at (row, column): 0 unless its patch covers it."""
        size = self.weights.shape[0]
        u, v = row - p, column - q
        return float(self.delta[p, q] * self.weights[u, v]) if 0 <= u < size and 0 <= v < size else 0.0


def kernel_shares(example: ConvExampleBackprop, stage: int, channel: int, row: int, column: int) -> np.ndarray:
    """What each kernel of the conv at ``stage`` adds, through all its patches, to the error of its input map
    ``channel`` at (row, column): they sum to that error (the transposed convolution, kernel by kernel)."""
    filters = example.kernels[example.conv_stages.index(stage)].shape[0]
    return np.array([example.crossing(stage, kernel, channel).spread()[row, column] for kernel in range(filters)])


def crossing_pick(example: ConvExampleBackprop, stage: int, channel: int, row: int, column: int
                  ) -> tuple[int, int, int]:
    """(kernel, p, q): of the conv at ``stage``, the kernel whose patches add most (in size) to the error
    of its input map ``channel`` at (row, column), and of that kernel's cells whose patch covers it, the
    one that adds most."""
    filters = example.kernels[example.conv_stages.index(stage)].shape[0]
    crossings = [example.crossing(stage, kernel, channel) for kernel in range(filters)]
    kernel = int(np.argmax([abs(c.spread()[row, column]) for c in crossings]))
    crossing = crossings[kernel]
    rows, cols = crossing.delta.shape
    size = crossing.weights.shape[0]
    covering = [(p, q) for p in range(max(0, row - size + 1), min(rows, row + 1))
                for q in range(max(0, column - size + 1), min(cols, column + 1))]
    p, q = max(covering, key=lambda cell: abs(crossing.share(*cell, row, column)))
    return kernel, p, q


def explain_conv_example(network: NeuralNetwork, x: np.ndarray, y) -> ConvExampleBackprop:
    """The forward and backward pass of the convolutional ``network`` on the single example ``(x, y)``
    (``x`` the image's pixels in a row, ``y`` its class), nothing changed."""
    if not network.is_convolutional:
        raise ValueError("explain_conv_example needs a network with conv layers")
    if not isinstance(network.architecture.stages[0], Conv):
        raise ValueError("explain_conv_example needs a conv layer over the image first")
    X = network.as_inputs(x)
    Y = network.as_targets(np.asarray(y, dtype=float).reshape(1, -1) if np.ndim(y) else np.array([[y]]), 1)
    trace = network.trace(X)
    loss = float(network.output_layer.loss(trace.z[-1], Y))
    deltas: list[np.ndarray] = []
    errors: list[StageError] = []
    gradients = network.backward(trace, Y, deltas=deltas, map_errors=errors)
    first = lambda arrays: [None if a is None else a[0] for a in arrays]
    maps = MapsTrace(first(trace.maps.a), first(trace.maps.z), [None] * len(trace.maps.a), first(trace.maps.winners))
    stage_errors = [StageError(e.stage, e.d_maps[0], None if e.dz is None else e.dz[0]) for e in reversed(errors)]
    flat_error = (deltas[-1] @ network.weights[0])[0]
    conv_stages = [s for s, stage in enumerate(network.architecture.stages) if isinstance(stage, Conv)]
    return ConvExampleBackprop(loss, Y[0], trace.a[-1][0], [d[0] for d in reversed(deltas)], flat_error, maps,
                               stage_errors, gradients, [k.copy() for k in network.kernels], conv_stages)


def steepest_kernel_weight(example: ConvExampleBackprop) -> tuple[int, int, int]:
    """The first conv's kernel whose gradient for this example is largest (its sum of squares), and the
    place (i, j) of its largest weight gradient there: (kernel, i, j), channel 0."""
    grads = example.gradients.kernels[0][:, 0]
    kernel = int(np.argmax((grads ** 2).sum(axis=(1, 2))))
    i, j = np.unravel_index(int(np.argmax(np.abs(grads[kernel]))), grads[kernel].shape)
    return kernel, int(i), int(j)


def sample_weight_gradients(network: NeuralNetwork, X: np.ndarray, y: np.ndarray, kernel: int, i: int, j: int
                            ) -> np.ndarray:
    """Each sample's own gradient of the first conv's weight ``(kernel, 0, i, j)``, penalty included as in
    ``explain_conv_example``: the values whose mean over the training set is the set's gradient. ``X`` the
    samples' pixels in rows, ``y`` their targets; one batched backward pass (the batch's cost is their mean,
    so each sample's own is the batch's part times their count)."""
    if not network.is_convolutional:
        raise ValueError("sample_weight_gradients needs a network with conv layers")
    inputs = network.as_inputs(X)
    trace = network.trace(inputs)
    errors: list[StageError] = []
    network.backward(trace, network.as_targets(y, len(inputs)), map_errors=errors)
    delta = errors[-1].dz[:, kernel]  # the first conv's, recorded last
    rows, cols = delta.shape[1:]
    pixels = trace.maps.a[0][:, 0, i:i + rows, j:j + cols]
    w = float(network.kernels[0][kernel, 0, i, j])
    penalty = network.l1 * np.sign(w) + network.l2 * w
    return len(inputs) * (pixels * delta).sum(axis=(1, 2)) + penalty

