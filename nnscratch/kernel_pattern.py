"""What a learned kernel looks for, read from its weights: an edge (one side of the kernel positive, the
opposite side negative, in one of eight directions), a spot (the centre against its surround), ink of any
shape (all weights of one sign), or no clean pattern when none of these carries most of the kernel.

Each pattern is a fixed template, and the templates are orthogonal: top rows against bottom rows, left
columns against right ones (an edge of any direction is a mix of these two), the centre against its
surround, and all ones. The share of a kernel's squared weights that lies along a pattern is how much of
the kernel it explains; the shares add up to at most 1, and a kernel is named by its largest only when
that is at least ``CLEAN_SHARE``.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

CLEAN_SHARE = 0.5  # more than half the kernel along one pattern: the rest cannot outweigh it

# An edge's direction: the side of the kernel that is positive, as (up, right) steps. On a digit (ink on a
# dark ground) such a kernel answers ink on that side and ground on the other: the stroke's edge that
# faces the negative side. Eight directions, from "up" anticlockwise... listed in the order of their angle.
SIDES = {  # (up, right): (where its weights are blue and red, where its map lights)
    (1, 0): ("blue on top, red below", "the strokes' lower edges"),
    (1, -1): ("blue at top left, red at bottom right", "the strokes' lower right edges"),
    (0, -1): ("blue on the left, red on the right", "the strokes' right edges"),
    (-1, -1): ("blue at bottom left, red at top right", "the strokes' upper right edges"),
    (-1, 0): ("blue below, red on top", "the strokes' upper edges"),
    (-1, 1): ("blue at bottom right, red at top left", "the strokes' upper left edges"),
    (0, 1): ("blue on the right, red on the left", "the strokes' left edges"),
    (1, 1): ("blue at top right, red at bottom left", "the strokes' lower left edges"),
}
OTHERS = {  # (kind, sign): (how its weights look, where its map lights)
    ("spot", 1): ("blue in the middle, red around it", "thin strokes and dots"),
    ("spot", -1): ("red in the middle, blue around it", "gaps ringed by ink"),
    ("ink", 1): ("blue all over", "wherever there is ink"),
    ("ink", -1): ("red all over", "the ground away from the ink"),
}


@dataclass(frozen=True)
class KernelPattern:
    """What one kernel looks for: ``kind`` is ``edge``, ``spot``, ``ink`` or ``none``; ``side`` the
    positive side of an edge as (up, right) steps, each -1, 0 or 1 (None for the others); ``sign`` +1
    when a spot's centre, or ink's every weight, is positive (0 for an edge or none); ``share`` the part
    of the kernel's squared weights along the pattern; ``shares`` every pattern's."""

    kind: str
    side: tuple[int, int] | None
    sign: int
    share: float
    shares: dict[str, float]

    @property
    def clean(self) -> bool:
        return self.kind != "none"

    def words(self) -> tuple[str, str]:
        """How its weights look and where its map lights, in words (both empty for no clean pattern)."""
        if self.kind == "edge":
            return SIDES[self.side]
        return OTHERS.get((self.kind, self.sign), ("", ""))


def templates(size: int) -> dict[str, np.ndarray]:
    """The unit templates of a ``size`` x ``size`` kernel: top rows +1 and bottom rows -1 (the middle row
    of an odd kernel 0), the same for left and right columns, the centre (one cell, or the middle 2 x 2 of
    an even kernel) against the mean of the whole, and all ones."""
    half = np.sign(np.arange(size)[::-1] - (size - 1) / 2)  # +1 first half, -1 last half, 0 the middle
    rows = np.repeat(half[:, None], size, axis=1)
    centre = np.zeros((size, size))
    middle = slice((size - 1) // 2, size // 2 + 1)
    centre[middle, middle] = 1.0
    spot = centre - centre.sum() / size ** 2  # zero mean: orthogonal to ink
    found = {"rows": rows, "columns": rows.T.copy(), "spot": spot, "ink": np.ones((size, size))}
    return {name: t / np.linalg.norm(t) for name, t in found.items()}


def edge_side(along_rows: float, along_columns: float) -> tuple[int, int]:
    """The positive side of an edge, (up, right), from the kernel's weight along the top-minus-bottom and
    left-minus-right templates: the nearest of the eight directions."""
    angle = math.atan2(along_rows, -along_columns)  # up is +y, right is +x
    step = round(angle / (math.pi / 4)) % 8
    return ((0, 1), (1, 1), (1, 0), (1, -1), (0, -1), (-1, -1), (-1, 0), (-1, 1))[step]


def kernel_pattern(weights: np.ndarray) -> KernelPattern:
    """The pattern a square 2-D kernel of weights looks for (see the module's note)."""
    weights = np.asarray(weights, dtype=float)
    if weights.ndim != 2 or weights.shape[0] != weights.shape[1] or weights.shape[0] < 2:
        raise ValueError(f"a kernel pattern needs a square kernel of 2 x 2 or more, not {weights.shape}")
    energy = float((weights ** 2).sum())
    along = {name: float((weights * t).sum()) for name, t in templates(len(weights)).items()}
    share = {name: (a * a / energy if energy > 0 else 0.0) for name, a in along.items()}
    shares = {"edge": share["rows"] + share["columns"], "spot": share["spot"], "ink": share["ink"]}
    best = max(shares, key=shares.get)
    if shares[best] < CLEAN_SHARE:
        return KernelPattern("none", None, 0, shares[best], shares)
    if best == "edge":
        return KernelPattern("edge", edge_side(along["rows"], along["columns"]), 0, shares[best], shares)
    return KernelPattern(best, None, 1 if along[best] > 0 else -1, shares[best], shares)


def named_kernel(kernels: np.ndarray, followed: int) -> tuple[int, KernelPattern]:
    """The kernel of a one-channel layer ``(filters, k, k)`` whose pattern to name: among the clean edges
    and spots (the patterns a stroke's shape is read by) the followed kernel, else the cleanest of them;
    failing those a kernel of clean ink, the followed one first; failing all, the followed kernel, its
    pattern ``none``."""
    patterns = [kernel_pattern(k) for k in kernels]
    shaped = [f for f, p in enumerate(patterns) if p.clean and p.kind != "ink"]
    inked = [f for f, p in enumerate(patterns) if p.kind == "ink"]
    for group in (shaped, inked):
        if followed in group:
            return followed, patterns[followed]
        if group:
            best = max(group, key=lambda f: patterns[f].share)
            return best, patterns[best]
    return followed, patterns[followed]


LIT_SHARE = 0.5  # a map's cell is lit at half its largest value or more


def lit_places(feature_map: np.ndarray, share: float = LIT_SHARE) -> np.ndarray:
    """The ``(row, column)`` of every cell of a map at ``share`` of its largest value or more (none for a
    map with nothing positive): where the map lights."""
    feature_map = np.asarray(feature_map, dtype=float)
    peak = float(feature_map.max()) if feature_map.size else 0.0
    if peak <= 0:
        return np.zeros((0, 2), dtype=int)
    return np.argwhere(feature_map >= share * peak)
