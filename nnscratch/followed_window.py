"""Where a convolutional run's kernel answers the followed example most: the kernel whose map responds
most, at that map's brightest place, with the inputs under it and the map's value there before and after
the activation. The convolution chapter follows it over the digit; the summary recaps it.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from nnscratch.history import TrainingHistory


@dataclass(frozen=True)
class KernelAt:
    """One kernel of a conv layer at one place of its input: its weights ``(channels, k, k)``, its bias,
    the inputs under it, and the map's value there before (``z``) and after the activation (``a``)."""

    kernel: int
    row: int
    column: int
    weights: np.ndarray
    bias: float
    patch: np.ndarray
    z: float
    a: float


def strongest(maps: np.ndarray) -> int:
    """The map (of ``(channels, rows, columns)``) that responds most: the largest sum of its values."""
    return int(np.argmax(maps.reshape(len(maps), -1).sum(axis=1)))


def kernel_at(history: TrainingHistory, conv: int, stage: int, z_maps: np.ndarray, inputs: np.ndarray,
              kernel: int) -> KernelAt:
    """Kernel ``kernel`` of conv ``conv`` (stage ``stage``) where its map answers the probe most."""
    a_map = history.probe_maps[stage][-1][kernel].astype(float)
    row, column = (int(v) for v in np.unravel_index(np.argmax(a_map), a_map.shape))
    weights = history.kernels[conv][-1][kernel].astype(float)
    size = weights.shape[-1]
    return KernelAt(kernel, row, column, weights, float(history.kernel_biases[conv][-1][kernel]),
                    inputs[:, row:row + size, column:column + size], float(z_maps[kernel, row, column]),
                    float(a_map[row, column]))
