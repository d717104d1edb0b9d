"""The network's answer over the plane of 2-D data, as images made once at every keyframe of a replay.

The plane is a square around the data. A grid of it goes through the recorded
network at each keyframe in one batched pass (``nnscratch.snapshot_outputs``):
the output becomes the heatmap (class colours mixed by probability, dark where
undecided), and every input and hidden neuron's activation becomes a small map
in that neuron's own colours, cut to a disk. A frame then only blends two
neighbouring keyframes' images, a few thousand bytes.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nnscratch import TrainingHistory
from nnscratch.snapshot_outputs import activations_at, class_probabilities
from nnscratch.verdict import UNDECIDED_MARGIN
from scenes.mobjects.raster import blend_bytes, masked_to_disk, rgba_bytes
from scenes.mobjects.style import neuron_colors, plane_colors

HEAT_GRID = 128  # pixels a side of the heatmap: the network is asked at 128 x 128 points of the plane
CHUNK_BYTES = 64 * 2**20  # the most the batched pass may hold at once, per layer: keyframes go in chunks
MAP_GRID = 32  # pixels a side of a neuron's map, for a disk tens of pixels wide
PLANE_MARGIN = 0.08  # of the data's span, left clear around it


@dataclass(frozen=True)
class Plane:
    """A square of the input plane: centre (x, y) and half its side, in the data's units."""

    x: float
    y: float
    half: float

    @classmethod
    def around(cls, X: np.ndarray) -> "Plane":
        """The smallest square, with a margin, that holds every point of ``X`` (n, 2)."""
        low, high = X.min(axis=0), X.max(axis=0)
        centre = (low + high) / 2
        half = max(float((high - low).max()) / 2, 1e-6) * (1 + 2 * PLANE_MARGIN)
        return cls(float(centre[0]), float(centre[1]), half)

    def grid(self, size: int) -> np.ndarray:
        """The centres of ``size`` x ``size`` cells, row by row from the top left, shape (size * size, 2)."""
        steps = (np.arange(size) + 0.5) / size * 2 - 1
        xs, ys = np.meshgrid(self.x + steps * self.half, self.y - steps * self.half)
        return np.column_stack([xs.ravel(), ys.ravel()])

    def to_unit(self, X: np.ndarray) -> np.ndarray:
        """Points of the plane as fractions of the square from its lower-left corner, shape (n, 2)."""
        return (np.asarray(X, dtype=float) - [self.x - self.half, self.y - self.half]) / (2 * self.half)


class PlaneMaps:
    """The heatmap of the output, and a map of each mapped neuron, at each of ``snapshots``.

    ``mapped`` lists (layer, neuron index) pairs to map, ``levels`` the level function of
    each of those layers (how the network's drawing maps activations to brightness).
    """

    def __init__(self, history: TrainingHistory, snapshots: np.ndarray,
                 mapped: list[tuple[int, int]] = (), levels: dict[int, object] | None = None) -> None:
        self.plane = Plane.around(np.concatenate([history.X_train, history.X_test]).astype(float))
        count, widest = len(snapshots), max(history.layer_sizes)
        self.heat = np.zeros((count, HEAT_GRID, HEAT_GRID, 4), dtype=np.uint8)
        self.maps = np.zeros((count, len(mapped), MAP_GRID, MAP_GRID, 4), dtype=np.uint8)
        # The share of the plane it cannot decide (dark), at each keyframe: as ``verdict.decision`` calls it.
        self.undecided = np.zeros(count)
        step = max(1, CHUNK_BYTES // (HEAT_GRID * HEAT_GRID * widest * 8))
        for start in range(0, count, step):
            chunk = snapshots[start:start + step]
            outputs = activations_at(history, chunk, self.plane.grid(HEAT_GRID))[-1]
            probabilities = class_probabilities(outputs).reshape(len(chunk), HEAT_GRID, HEAT_GRID, -1)
            self.heat[start:start + step] = rgba_bytes(plane_colors(probabilities))
            ranked = np.sort(probabilities, axis=-1)
            margins = ranked[..., -1] - (ranked[..., -2] if ranked.shape[-1] > 1 else 1 - ranked[..., -1])
            self.undecided[start:start + step] = (margins < 2 * UNDECIDED_MARGIN).mean(axis=(1, 2))
            if mapped:
                activations = activations_at(history, chunk, self.plane.grid(MAP_GRID))
                for slot, (layer, neuron) in enumerate(mapped):
                    values = activations[layer][..., neuron].reshape(len(chunk), MAP_GRID, MAP_GRID)
                    rgb = neuron_colors(levels[layer](values.ravel())).reshape(*values.shape, 3)
                    self.maps[start:start + step, slot] = masked_to_disk(rgba_bytes(rgb))
        self.n_classes = probabilities.shape[-1]

    def heat_at(self, low: int, t: float) -> np.ndarray:
        """The heatmap ``t`` of the way from keyframe ``low`` to the next, as bytes (G, G, 4)."""
        return blend_bytes(self.heat[low], self.heat[min(low + 1, len(self.heat) - 1)], t)

    def maps_at(self, low: int, t: float) -> np.ndarray:
        """The neurons' maps ``t`` of the way from keyframe ``low`` to the next, as bytes (n, S, S, 4),
        each cut to its disk."""
        return blend_bytes(self.maps[low], self.maps[min(low + 1, len(self.maps) - 1)], t)
