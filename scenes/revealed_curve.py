"""A curve that draws itself from left to right, cheaply enough to change every frame."""
from __future__ import annotations

import numpy as np
from manim import VMobject


class RevealedCurve(VMobject):
    """A polyline through ``corners`` (scene points, x increasing), shown up to ``fraction`` of its length in x.

    Its points always hold the shown part, cut by a numpy slice, so any Manim camera draws
    it right; ``NetworkCamera`` instead strokes the whole curve, cached once as a Cairo path,
    clipped at the reveal line, which costs a few calls whatever the number of corners.
    """

    def __init__(self, corners: np.ndarray, **kwargs) -> None:
        super().__init__(**kwargs)
        self.corners = np.asarray(corners, dtype=float)
        self.cairo_path = None  # the full curve, made by the camera on first use
        self.reveal_x = self.corners[0, 0]
        self.set_fraction(0.0)

    def set_fraction(self, fraction: float) -> "RevealedCurve":
        """Show the curve from its first corner to ``fraction`` of the way along x."""
        xs = self.corners[:, 0]
        self.reveal_x = xs[0] + float(np.clip(fraction, 0.0, 1.0)) * (xs[-1] - xs[0])
        last = int(np.searchsorted(xs, self.reveal_x, side="right"))  # corners fully shown
        shown = self.corners[:max(last, 1)]
        if last < len(xs) and last > 0:
            a, b = self.corners[last - 1], self.corners[last]
            t = (self.reveal_x - a[0]) / (b[0] - a[0]) if b[0] > a[0] else 0.0
            shown = np.vstack([shown, a + t * (b - a)])
        if len(shown) < 2:
            shown = np.vstack([shown[:1], shown[:1]])
        # As Manim's set_points_as_corners: each segment a cubic with handles at its thirds.
        starts, ends = shown[:-1], shown[1:]
        cubic = np.stack([starts, starts + (ends - starts) / 3, starts + 2 * (ends - starts) / 3, ends], axis=1)
        self.points = cubic.reshape(-1, 3)
        return self
