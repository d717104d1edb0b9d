"""A curve that draws itself from left to right, cheaply enough to change every frame."""
from __future__ import annotations

import bisect

import cairo
import numpy as np
from manim import VMobject

from scenes.mobjects.path_cache import PathCache


THIRDS = np.array([[0.0], [1 / 3], [2 / 3], [1.0]])


class RevealedCurve(VMobject):
    """A polyline through ``corners`` (scene points, x increasing), shown up to ``fraction`` of its length in x.

    Its points always hold the shown part, cut by a numpy slice, so any Manim camera draws
    it right; the fast camera instead calls ``paint``, which strokes the whole curve, cached once as a Cairo path,
    clipped at the reveal line, which costs a few calls whatever the number of corners.
    """

    def __init__(self, corners: np.ndarray, **kwargs) -> None:
        super().__init__(**kwargs)
        self.corners = np.asarray(corners, dtype=float)
        self.xs = self.corners[:, 0].tolist()
        self.full_points = corner_cubics(self.corners)
        self.cairo_paths = PathCache()  # the full curve, made by the camera on first use
        self.reveal_x = self.xs[0]
        self.set_fraction(0.0)

    def set_fraction(self, fraction: float) -> "RevealedCurve":
        """Show the curve from its first corner to ``fraction`` of the way along x."""
        first, final = self.xs[0], self.xs[-1]
        return self.reveal_to(first + min(max(fraction, 0.0), 1.0) * (final - first))

    def reveal_to(self, x: float) -> "RevealedCurve":
        """Show the curve from its first corner up to the scene's ``x`` (all of it past its last corner)."""
        self.reveal_x = min(max(x, self.xs[0]), self.xs[-1])
        whole = bisect.bisect_right(self.xs, self.reveal_x) - 1  # segments shown whole
        if whole >= len(self.xs) - 1:
            self.points = self.full_points
            return self
        a, b = self.corners[whole], self.corners[whole + 1]
        t = (self.reveal_x - a[0]) / (b[0] - a[0]) if b[0] > a[0] else 0.0
        tail = a + THIRDS * (t * (b - a))  # the cut segment as one cubic, handles at its thirds
        self.points = np.concatenate([self.full_points[:4 * whole], tail])
        return self

    def paint(self, ctx: cairo.Context, camera) -> None:
        """The whole curve as one cached Cairo path, clipped at the reveal line."""
        rgba = self.stroke_rgbas[0]
        if self.stroke_width == 0 or rgba[3] == 0:
            return
        if "curve" not in self.cairo_paths:
            ctx.new_path()
            ctx.move_to(*self.corners[0, :2])
            for x, y in self.corners[1:, :2].tolist():
                ctx.line_to(x, y)
            self.cairo_paths["curve"] = ctx.copy_path()
        width = self.stroke_width * camera.cairo_line_width_multiple
        x0, x1 = self.corners[0, 0], self.reveal_x
        y_low, y_high = self.corners[:, 1].min() - width, self.corners[:, 1].max() + width
        ctx.save()
        ctx.new_path()
        ctx.rectangle(x0 - width, y_low, x1 - x0 + width, y_high - y_low)
        ctx.clip()
        ctx.new_path()
        ctx.append_path(self.cairo_paths["curve"])
        ctx.set_source_rgba(rgba[2], rgba[1], rgba[0], rgba[3])
        ctx.set_line_width(width)
        ctx.set_line_join(cairo.LINE_JOIN_MITER)
        ctx.set_line_cap(cairo.LINE_CAP_BUTT)
        ctx.stroke()
        ctx.restore()


def corner_cubics(corners: np.ndarray) -> np.ndarray:
    """Points of straight segments between corners, as Manim's set_points_as_corners makes them:
    each segment a cubic with its handles at its thirds."""
    starts, ends = corners[:-1], corners[1:]
    return np.stack([starts, starts + (ends - starts) / 3, starts + 2 * (ends - starts) / 3, ends],
                    axis=1).reshape(-1, 3)
