"""What the network chapter's overview of a convolutional network can draw, and the arithmetic it tells.

The catalogue reads the bounds to refuse a network before any training (this module imports no Manim);
the scene (``scenes.chapters.conv_network``) reads them to lay the network out, and the receptive field
and parameter counts it says are worked out here, from the architecture and the run's arrays.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nnscratch.architecture import Architecture, Conv, Pool

# Columns side by side across the frame: the digit, a column a stage, the dense layers. Past six stages
# each column would be a sliver; past 64 maps a column would say "+N more" of nearly all of them.
MAX_STAGES = 6
MAX_MAPS = 64


def overview_refusal(name: str, architecture: Architecture) -> str | None:
    """Why the ``name`` chapter cannot draw ``architecture`` as its overview, in one line; None when it can."""
    stages = architecture.stages
    if not architecture.convs:
        return (f"the {name} chapter traces what one cell of a conv layer sees, so it needs a conv layer, "
                f"not {architecture.text}")
    if len(stages) > MAX_STAGES:
        return f"the {name} chapter draws up to {MAX_STAGES} conv and pool layers side by side, not {len(stages)}"
    crowded = next((conv for conv in architecture.convs if conv.filters > MAX_MAPS), None)
    if crowded is not None:
        return f"the {name} chapter draws up to {MAX_MAPS} maps a layer, not {crowded}"
    return None


@dataclass(frozen=True)
class Window:
    """A square of a column's maps (column 0: the image; column s + 1: the maps after stage s): its top
    row, left column and side, in that column's cells."""

    column: int
    row: int
    left: int
    size: int


def receptive_field(architecture: Architecture, conv_stage: int, row: int, column: int) -> list[Window]:
    """What cell (``row``, ``column``) of the maps after stage ``conv_stage`` (a conv) is computed from, column
    by column back to the image, nearest first: a k x k kernel over a window widens it by k - 1 (stride 1, no
    padding), an n x n pool of stride n multiplies it by n."""
    stages = architecture.stages
    if not isinstance(stages[conv_stage], Conv):
        raise ValueError(f"stage {conv_stage} is {stages[conv_stage]}, not a conv layer")
    top, left, size = row, column, 1
    windows = []
    for stage in range(conv_stage, -1, -1):
        kind = stages[stage]
        if isinstance(kind, Conv):
            size += kind.size - 1
        else:
            top, left, size = top * kind.size, left * kind.size, size * kind.size
        windows.append(Window(stage, top, left, size))
    return windows


def last_conv(architecture: Architecture) -> int:
    """The stage index of the last conv layer."""
    return max(s for s, stage in enumerate(architecture.stages) if isinstance(stage, Conv))


@dataclass(frozen=True)
class LayerCount:
    """The parameters of one layer: ``name`` as its column is labelled, its weights and biases."""

    name: str
    weights: int
    biases: int

    @property
    def total(self) -> int:
        return self.weights + self.biases


def parameter_counts(kernels: list[np.ndarray], kernel_biases: list[np.ndarray], weights: list[np.ndarray],
                     biases: list[np.ndarray], architecture: Architecture) -> list[LayerCount]:
    """Each conv, pool and dense layer's parameters in order, counted from one snapshot's arrays
    (``kernels[c]`` of one snapshot, and so on): a pool has none."""
    counts, conv = [], 0
    for stage in architecture.stages:
        if isinstance(stage, Pool):
            counts.append(LayerCount(str(stage), 0, 0))
        else:
            counts.append(LayerCount(str(stage), int(np.size(kernels[conv])), int(np.size(kernel_biases[conv]))))
            conv += 1
    for W, b in zip(weights, biases):
        counts.append(LayerCount(f"dense {np.shape(W)[0]}", int(np.size(W)), int(np.size(b))))
    return counts
