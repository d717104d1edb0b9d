"""Convolution, max-pooling and flatten, forward and backward, vectorised in float64.

Maps are ``(samples, channels, rows, columns)`` as torch holds them. A convolution is torch's
``conv2d`` with stride 1 and no padding: a cross-correlation (the kernel is not flipped),
``z[n, f, i, j] = b[f] + sum over c, u, v of W[f, c, u, v] x[n, c, i + u, j + v]``, computed as one
matrix product of the kernels with the input's columns (im2col: every K x K patch of every channel
as a row). A max-pool of N takes each N x N window's largest value (stride N; rows and columns left
over are dropped, as torch does); its winner is the window's flat index ``u * N + v``, the first
largest on a tie as torch's kernel picks it, and the gradient flows back to the winner alone. The
flatten is a reshape of ``(channels, rows, columns)`` into one row, as ``torch.flatten`` does.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from nnscratch.activations import Activation
from nnscratch.architecture import Conv, Stage


def channels_last(x: np.ndarray) -> np.ndarray:
    """``(n, c, h, w)`` maps as ``(n, h, w, c)``: a view, contiguous for the maps this module makes."""
    return x.transpose(0, 2, 3, 1)


def channels_first(x: np.ndarray) -> np.ndarray:
    return x.transpose(0, 3, 1, 2)


# The maps are held in memory channels last, (n, h, w, c), and shown channels first as views: then
# a convolution's output rows are its maps without a copy, each kernel offset's patch is a contiguous
# run of channels, and a pool's windows are strided views. Every loop below is over the K x K kernel
# offsets or the N x N window cells, each step a whole-array operation over every pixel at once.

def im2col(x: np.ndarray, size: int) -> np.ndarray:
    """Every ``size`` x ``size`` patch of ``x`` ``(n, c, h, w)`` as a row in (row offset, column offset,
    channel) order: shape ``(n * out_h * out_w, size * size * c)``, rows in (sample, row, column) order."""
    n, c, h, w = x.shape
    out_h, out_w = h - size + 1, w - size + 1
    pixels = channels_last(x)
    columns = np.empty((n, out_h, out_w, size, size, c))
    for u in range(size):
        for v in range(size):
            columns[:, :, :, u, v, :] = pixels[:, u:u + out_h, v:v + out_w, :]
    return columns.reshape(n * out_h * out_w, size * size * c)


def kernel_rows(kernels: np.ndarray) -> np.ndarray:
    """Kernels ``(filters, c, k, k)`` as rows in im2col's (row offset, column offset, channel) order."""
    return kernels.transpose(0, 2, 3, 1).reshape(len(kernels), -1)


def conv_forward(x: np.ndarray, kernels: np.ndarray, biases: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The maps ``z`` ``(n, filters, out_h, out_w)`` of ``kernels`` ``(filters, c, k, k)`` over ``x``, and the
    columns they were computed from (kept for the backward pass)."""
    n, _, h, w = x.shape
    filters, _, size, _ = kernels.shape
    columns = im2col(x, size)
    z = columns @ kernel_rows(kernels).T
    z += biases
    return channels_first(z.reshape(n, h - size + 1, w - size + 1, filters)), columns


def conv_backward(dz: np.ndarray, columns: np.ndarray, kernels: np.ndarray, input_shape: tuple,
                  input_gradient: bool = True) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """From dC/dz of a convolution: dC/d(kernels), dC/d(biases) and, when asked, dC/dx.

    dC/dW is the sum over positions of input times error (``columns`` times ``dz``); dC/dx sends each
    position's error back through the kernel to the K x K inputs it saw, added where patches overlap."""
    n, c, h, w = input_shape
    filters, _, size, _ = kernels.shape
    out_h, out_w = h - size + 1, w - size + 1
    dz_rows = channels_last(dz).reshape(-1, filters)  # (n * out_h * out_w, filters)
    kernel_grad = np.ascontiguousarray((dz_rows.T @ columns).reshape(filters, size, size, c).transpose(0, 3, 1, 2))
    bias_grad = dz_rows.sum(axis=0)
    if not input_gradient:
        return kernel_grad, bias_grad, None
    dcolumns = (dz_rows @ kernel_rows(kernels)).reshape(n, out_h, out_w, size, size, c)
    dx = np.zeros((n, h, w, c))
    for u in range(size):
        for v in range(size):
            dx[:, u:u + out_h, v:v + out_w, :] += dcolumns[:, :, :, u, v, :]
    return kernel_grad, bias_grad, channels_first(dx)


def pool_forward(x: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """The max-pooled maps and each window's winner (its flat index ``u * size + v`` in the window, uint8):
    the cells are visited row by row and only a strictly larger value takes over, so a tie goes to the first."""
    pixels = channels_last(x)
    out_h, out_w = pixels.shape[1] // size, pixels.shape[2] // size
    best = pixels[:, 0:out_h * size:size, 0:out_w * size:size, :].copy()
    winners = np.zeros(best.shape, dtype=np.uint8)
    for cell in range(1, size * size):
        u, v = divmod(cell, size)
        values = pixels[:, u:out_h * size:size, v:out_w * size:size, :]
        larger = values > best
        np.copyto(best, values, where=larger)
        np.copyto(winners, cell, where=larger)
    return channels_first(best), channels_first(winners)


def pool_backward(dout: np.ndarray, winners: np.ndarray, size: int, input_shape: tuple) -> np.ndarray:
    """dC/dx of a max-pool: each window's gradient to its winner, nothing to the rest nor to the cropped edge."""
    n, c, h, w = input_shape
    d_pooled, won = channels_last(dout), channels_last(winners)
    out_h, out_w = won.shape[1:3]
    dx = np.zeros((n, h, w, c))
    for cell in range(size * size):
        u, v = divmod(cell, size)
        np.copyto(dx[:, u:out_h * size:size, v:out_w * size:size, :], d_pooled, where=won == cell)
    return channels_first(dx)


def flatten(maps: np.ndarray) -> np.ndarray:
    """``(n, c, h, w)`` maps as rows of ``c * h * w`` in (channel, row, column) order, as torch.flatten."""
    return maps.reshape(len(maps), -1)


@dataclass
class MapsTrace:
    """What the convolutional part computed for a batch: ``a[0]`` the input images ``(n, 1, rows, cols)``,
    then for each stage ``s`` its maps ``a[s + 1]``; a conv's pre-activation ``z[s + 1]`` and columns,
    a pool's ``winners[s + 1]`` (None where a stage has none)."""

    a: list[np.ndarray]
    z: list[np.ndarray | None] = field(default_factory=list)
    columns: list[np.ndarray | None] = field(default_factory=list)
    winners: list[np.ndarray | None] = field(default_factory=list)


def maps_forward(stages: tuple[Stage, ...], kernels: list[np.ndarray], biases: list[np.ndarray],
                 activation: Activation, images: np.ndarray) -> MapsTrace:
    """Run the stages over ``images`` ``(n, 1, rows, cols)``: each conv then ``activation``, each pool."""
    trace = MapsTrace([images], [None], [None], [None])
    convs = iter(zip(kernels, biases))
    for stage in stages:
        x = trace.a[-1]
        if isinstance(stage, Conv):
            W, b = next(convs)
            z, columns = conv_forward(x, W, b)
            trace.a.append(activation.function(z))
            trace.z.append(z)
            trace.columns.append(columns)
            trace.winners.append(None)
        else:
            pooled, winners = pool_forward(x, stage.size)
            trace.a.append(pooled)
            trace.z.append(None)
            trace.columns.append(None)
            trace.winners.append(winners)
    return trace


@dataclass
class StageError:
    """The error backpropagation carries through one stage ``stage``: dC/d(the maps it made), ``d_maps``,
    and for a conv dC/dz, ``dz``, the error at its sums (``d_maps`` times the activation's slope)."""

    stage: int
    d_maps: np.ndarray
    dz: np.ndarray | None


def maps_backward(stages: tuple[Stage, ...], kernels: list[np.ndarray], activation: Activation,
                  trace: MapsTrace, d_maps: np.ndarray, errors: list[StageError] | None = None
                  ) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """From dC/d(the last maps), the gradients of every conv's kernels and biases, first conv first.
    ``errors``, when given a list, receives each stage's StageError, the last stage first."""
    kernel_grads: list[np.ndarray] = []
    bias_grads: list[np.ndarray] = []
    conv_index = len(kernels)
    for s in range(len(stages) - 1, -1, -1):
        stage, x_shape = stages[s], trace.a[s].shape
        if isinstance(stage, Conv):
            conv_index -= 1
            dz = d_maps * activation.derivative(trace.z[s + 1], trace.a[s + 1])
            if errors is not None:
                errors.append(StageError(s, d_maps, dz))
            dW, db, d_maps = conv_backward(dz, trace.columns[s + 1], kernels[conv_index], x_shape,
                                           input_gradient=s > 0)
            kernel_grads.append(dW)
            bias_grads.append(db)
        else:
            if errors is not None:
                errors.append(StageError(s, d_maps, None))
            d_maps = pool_backward(d_maps, trace.winners[s + 1], stage.size, x_shape)
    return kernel_grads[::-1], bias_grads[::-1]
