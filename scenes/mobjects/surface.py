"""A loss surface seen from any angle, drawn from numpy arrays: shaded quads back to front, the run's
path on it, a ball, and contour lines (marching squares).

Manim's own 3-D surfaces are one mobject per face and far too slow to turn every frame;
this one is projected in numpy and painted by itself (``paint``) in a few hundred Cairo
calls. The view is two angles: ``elevation`` (0 looks from the side, 90 from straight
above) and ``azimuth`` (a turn about the vertical).
"""
from __future__ import annotations

import math

import cairo
import numpy as np
from manim import VMobject

from nnscratch.landscape import Landscape
from scenes.mobjects.style import HIGHLIGHT

# Low loss dark and cool, high loss bright and warm.
HEIGHT_COLOURS = np.array([[0x1B, 0x2A, 0x49], [0x2E, 0x6F, 0x8E], [0x6F, 0xB9, 0x8F], [0xE9, 0xD7, 0x58],
                           [0xF2, 0x8F, 0x3B]]) / 255.0
DRAWN_CELLS = 30  # quads per side drawn at most (a finer grid is drawn every other point; contours use all of it)
LIGHT = np.array([-0.3, -0.5, 0.8]) / np.linalg.norm([-0.3, -0.5, 0.8])


def height_colours(levels: np.ndarray) -> np.ndarray:
    """RGB rows for heights in [0, 1] along HEIGHT_COLOURS."""
    levels = np.clip(levels, 0.0, 1.0) * (len(HEIGHT_COLOURS) - 1)
    low = np.minimum(levels.astype(int), len(HEIGHT_COLOURS) - 2)
    t = (levels - low)[..., None]
    return HEIGHT_COLOURS[low] * (1 - t) + HEIGHT_COLOURS[low + 1] * t


class LossSurface(VMobject):
    """``landscape`` drawn inside a square of side ``size`` centred at ``center``.

    Heights are the loss, clipped at ``ceiling`` (the path's highest loss, a little more),
    so one far-off cliff does not flatten the valley the run moved in. ``path_losses`` are
    the run's recorded losses at its snapshots: the ball sits at its true loss, above or below
    the slice where the path leaves the plane.
    """

    def __init__(self, landscape: Landscape, path_losses: np.ndarray, size: float, center: np.ndarray,
                 relief: float = 0.55, **kwargs) -> None:
        super().__init__(stroke_opacity=0, fill_opacity=0, **kwargs)
        self.size, self.center_point, self.relief = size, np.asarray(center, dtype=float), relief
        alphas, betas = landscape.alphas, landscape.betas
        half = max(alphas.max() - alphas.min(), betas.max() - betas.min()) / 2
        mid = np.array([(alphas.max() + alphas.min()) / 2, (betas.max() + betas.min()) / 2])
        self.unit = lambda ab: (np.asarray(ab, dtype=float) - mid) / half  # plane coordinates -> [-1, 1]
        self.floor = float(landscape.losses.min())
        self.ceiling = max(float(np.max(path_losses)) * 1.15, self.floor + 1e-9)
        grid_x, grid_y = np.meshgrid((alphas - mid[0]) / half, (betas - mid[1]) / half)
        self.grid = np.stack([grid_x, grid_y, self.height(landscape.losses)], axis=-1)  # (rows, cols, 3)
        step = max(1, (len(alphas) - 1) // DRAWN_CELLS)
        self.drawn = self.grid[::step, ::step]
        self.colours = height_colours(self._cell_means(self.drawn[..., 2]) / relief)
        path = self.unit(landscape.path)
        self.path = np.column_stack([path, self.height(path_losses)])
        # A loss that varies only in its float32 rounding is flat: contours would draw the rounding.
        flat = float(np.ptp(landscape.losses)) <= 1e-5 * max(abs(self.floor), 1.0)
        self.contours = [] if flat else contour_lines(self.grid, levels=8)
        self.elevation, self.azimuth = 30.0, -60.0
        self.progress = 0.0  # of the path shown, 0..1 (the ball at its end)
        self.opacity = 1.0
        self.contour_opacity = 0.0
        half_size = size / 2
        c = self.center_point
        self.set_points_as_corners([c + [-half_size, -half_size, 0], c + [half_size, -half_size, 0],
                                    c + [half_size, half_size, 0], c + [-half_size, half_size, 0]])

    def height(self, losses: np.ndarray) -> np.ndarray:
        return self.relief * np.clip((np.asarray(losses, dtype=float) - self.floor) / (self.ceiling - self.floor),
                                     0.0, 1.2)

    @staticmethod
    def _cell_means(values: np.ndarray) -> np.ndarray:
        return (values[:-1, :-1] + values[1:, :-1] + values[:-1, 1:] + values[1:, 1:]) / 4

    def rotated(self, points: np.ndarray) -> np.ndarray:
        """Points (..., 3) in the viewer's frame: x to the right, y up the screen, z toward the viewer."""
        phi, theta = math.radians(self.elevation), math.radians(self.azimuth)
        x, y, z = points[..., 0], points[..., 1], points[..., 2]
        xr = x * math.cos(theta) - y * math.sin(theta)
        yr = x * math.sin(theta) + y * math.cos(theta)
        return np.stack([xr, yr * math.sin(phi) + z * math.cos(phi), -yr * math.cos(phi) + z * math.sin(phi)],
                        axis=-1)

    def to_scene(self, rotated: np.ndarray) -> np.ndarray:
        """Viewer-frame points to scene coordinates (x, y) in the square."""
        return self.center_point[:2] + rotated[..., :2] * (self.size / 2 / 1.45)

    def faces(self) -> tuple[np.ndarray, np.ndarray]:
        """The quads' corners in scene coordinates, shape (n, 4, 2), and their shaded RGB, back to front."""
        rotated = self.rotated(self.drawn)
        corners = np.stack([rotated[:-1, :-1], rotated[:-1, 1:], rotated[1:, 1:], rotated[1:, :-1]], axis=2)
        corners = corners.reshape(-1, 4, 3)
        normal = np.cross(corners[:, 2] - corners[:, 0], corners[:, 3] - corners[:, 1])
        normal /= np.linalg.norm(normal, axis=1, keepdims=True) + 1e-12
        light = 0.5 + 0.5 * np.abs(normal @ LIGHT)
        order = np.argsort(corners[:, :, 2].mean(axis=1))
        shaded = self.colours.reshape(-1, 3) * light[:, None]
        return self.to_scene(corners[order]), shaded[order]

    def shown_path(self) -> np.ndarray:
        """The path so far in scene coordinates, its last point where the ball is."""
        count = len(self.path)
        position = self.progress * (count - 1)
        whole = int(position)
        points = self.path[:whole + 1]
        if whole < count - 1:
            t = position - whole
            points = np.vstack([points, (1 - t) * self.path[whole] + t * self.path[whole + 1]])
        return self.to_scene(self.rotated(points))

    def paint(self, ctx: cairo.Context, camera) -> None:
        """The surface's quads back to front, then its contour lines, the path so far and the ball."""
        surface, line_width_multiple = self, camera.cairo_line_width_multiple
        opacity = surface.opacity
        if opacity <= 0:
            return
        corners, colours = surface.faces()
        ctx.set_line_join(cairo.LINE_JOIN_ROUND)
        ctx.set_line_width(0.6 * line_width_multiple)
        ctx.new_path()
        for quad, (r, g, b) in zip(corners.tolist(), colours.tolist()):
            ctx.move_to(*quad[0])
            for x, y in quad[1:]:
                ctx.line_to(x, y)
            ctx.close_path()
            ctx.set_source_rgba(b, g, r, opacity)
            ctx.fill_preserve()  # the same colour round the edge closes the hairline seams between quads
            ctx.stroke()
        if surface.contour_opacity > 0 and surface.contours:
            segments = surface.to_scene(surface.rotated(np.array(surface.contours)))
            ctx.set_source_rgba(1.0, 1.0, 1.0, 0.55 * surface.contour_opacity * opacity)
            ctx.set_line_width(1.5 * line_width_multiple)
            for (x0, y0), (x1, y1) in segments.tolist():
                ctx.move_to(x0, y0)
                ctx.line_to(x1, y1)
            ctx.stroke()
        if surface.progress > 0:
            path = surface.shown_path()
            r, g, b = HIGHLIGHT.to_rgb()
            ctx.set_source_rgba(b, g, r, opacity)
            ctx.set_line_width(3.0 * line_width_multiple)
            ctx.move_to(*path[0])
            for x, y in path[1:].tolist():
                ctx.line_to(x, y)
            ctx.stroke()
            x, y = path[-1]
            ctx.arc(x, y, 0.09, 0.0, 2 * math.pi)
            ctx.close_path()
            ctx.set_source_rgba(1.0, 1.0, 1.0, opacity)
            ctx.fill_preserve()
            ctx.set_source_rgba(0.1, 0.1, 0.1, opacity)
            ctx.set_line_width(2.0 * line_width_multiple)
            ctx.stroke()


def contour_lines(grid: np.ndarray, levels: int) -> list[np.ndarray]:
    """Segments of the surface's level lines, each (2, 3): marching squares over every cell, at
    ``levels`` heights evenly between the lowest and the highest."""
    heights = grid[..., 2]
    segments = []
    for level in np.linspace(heights.min(), heights.max(), levels + 2)[1:-1]:
        above = heights > level
        corners = [(0, 0), (0, 1), (1, 1), (1, 0)]  # around each cell
        crossings = []
        for (r0, c0), (r1, c1) in zip(corners, corners[1:] + corners[:1]):
            a = grid[r0:r0 + heights.shape[0] - 1, c0:c0 + heights.shape[1] - 1]
            b = grid[r1:r1 + heights.shape[0] - 1, c1:c1 + heights.shape[1] - 1]
            crosses = above[r0:r0 + heights.shape[0] - 1, c0:c0 + heights.shape[1] - 1] != \
                above[r1:r1 + heights.shape[0] - 1, c1:c1 + heights.shape[1] - 1]
            t = np.clip((level - a[..., 2]) / np.where(crosses, b[..., 2] - a[..., 2], 1.0), 0, 1)[..., None]
            crossings.append((crosses, a + t * (b - a)))
        found = np.stack([c for c, _ in crossings], axis=-1)
        points = np.stack([p for _, p in crossings], axis=-2)  # (rows, cols, 4, 3)
        for row, col in zip(*np.nonzero(found.sum(axis=-1) >= 2)):
            edges = np.flatnonzero(found[row, col])
            for first, second in zip(edges[0::2], edges[1::2]):  # a saddle's two segments, paired in order
                segments.append(np.stack([points[row, col, first], points[row, col, second]]))
    return segments
