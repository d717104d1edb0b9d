"""Layout computed from what is drawn: regions of the frame, and mobjects fitted into them.

Every scene places its parts by measuring them, never by hand-tuned coordinates
that only suit the default network: a region is cut from the frame, a part is
built, measured, and fitted (shrunk if it must, never grown past its natural size).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np
from manim import Mobject, config

MARGIN = 0.25  # scene units kept clear at the frame's edge (34 px at 1080p)
GAP = 0.2  # between neighbouring parts


@dataclass(frozen=True)
class Region:
    """A rectangle of the frame, in scene units."""

    left: float
    right: float
    bottom: float
    top: float

    @property
    def width(self) -> float:
        return self.right - self.left

    @property
    def height(self) -> float:
        return self.top - self.bottom

    @property
    def center(self) -> np.ndarray:
        return np.array([(self.left + self.right) / 2, (self.bottom + self.top) / 2, 0.0])

    def below(self, y: float) -> "Region":
        return Region(self.left, self.right, self.bottom, min(self.top, y))

    def above(self, y: float) -> "Region":
        return Region(self.left, self.right, max(self.bottom, y), self.top)

    def left_of(self, x: float) -> "Region":
        return Region(self.left, min(self.right, x), self.bottom, self.top)

    def right_of(self, x: float) -> "Region":
        return Region(max(self.left, x), self.right, self.bottom, self.top)


def safe_area() -> Region:
    """The frame less its margin: nothing is drawn outside it."""
    half_w, half_h = config.frame_width / 2 - MARGIN, config.frame_height / 2 - MARGIN
    return Region(-half_w, half_w, -half_h, half_h)


def fit(mobject: Mobject, region: Region, align: np.ndarray | None = None) -> Mobject:
    """Shrink ``mobject`` (never grow it) until it fits ``region``, then place it there:
    centred, or against the sides ``align`` points to (e.g. UP + LEFT)."""
    scale = min(1.0, region.width / max(mobject.width, 1e-9), region.height / max(mobject.height, 1e-9))
    if scale < 1.0:
        mobject.scale(scale)
    target = region.center.copy()
    if align is not None:
        target[0] += align[0] * (region.width - mobject.width) / 2
        target[1] += align[1] * (region.height - mobject.height) / 2
    mobject.move_to(target)
    return mobject


def fit_network(make: Callable[..., Mobject], region: Region, align: np.ndarray | None = None) -> Mobject:
    """A network built by ``make(width=, height=)`` so that it fills ``region`` with its braces and
    labels included: built once to measure what sticks out past its neuron centres, then again
    with the spans that leave room for it. Edges never reach past the neurons, so the measured one
    has none (a third of a large network's build)."""
    first = make(width=region.width, height=region.height, draw_edges=False)
    width = region.width - _grid_overhang(first, 0)
    height = region.height - _grid_overhang(first, 1)
    if width <= 0.2 or height <= 0.2:  # labels alone fill the region: shrink the whole instead
        width, height = region.width, region.height
    return fit(make(width=width, height=height), region, align)


def _grid_overhang(network, axis: int) -> float:
    """How far a network's mobject reaches past its neuron centres' span along ``axis``."""
    centres = np.concatenate(network.positions)[:, axis]
    return (network.width if axis == 0 else network.height) - (centres.max() - centres.min())


def short_sizes(sizes: Sequence[int]) -> str:
    """Layer sizes as a title reads them; in a long list, runs of three or more shortened: ``4 → 8 ×8 → 1``."""
    runs: list[list[int]] = []
    for size in sizes:
        if runs and runs[-1][0] == size:
            runs[-1][1] += 1
        else:
            runs.append([size, 1])
    parts = []
    for size, count in runs:
        parts += [f"{size:,} ×{count}"] if count >= 3 and len(sizes) > 5 else [f"{size:,}"] * count
    return " → ".join(parts)


def boxes_overlap(a: Mobject, b: Mobject, tolerance: float = 0.0) -> bool:
    """Whether the bounding boxes of ``a`` and ``b`` intersect by more than ``tolerance``."""
    return (a.get_left()[0] < b.get_right()[0] - tolerance and b.get_left()[0] < a.get_right()[0] - tolerance
            and a.get_bottom()[1] < b.get_top()[1] - tolerance and b.get_bottom()[1] < a.get_top()[1] - tolerance)
