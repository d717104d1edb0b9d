"""A cost surface seen from any angle, drawn from numpy arrays: shaded quads back to front, the floor's
axes, the run's path on it, a ball, the downhill arrow, contour lines (marching squares), and the
colour bar that reads its heights.

Manim's own 3-D surfaces are one mobject per face and far too slow to turn every frame;
this one is projected in numpy and painted by itself (``paint``) in a few hundred Cairo
calls. The view is two angles: ``elevation`` (0 looks from the side, 90 from straight
above) and ``azimuth`` (a turn about the vertical).

Height is the cost, linear over the costs the run passed through and, above them, bending
smoothly towards a shelf (``Heights``): a far-off cliff does not flatten the valley the run moved
in, and the high ground is never cut off flat (the jagged flap a clipped mesh makes). Colour
follows height, and the colour bar's ticks sit at the heights of the costs they name.
"""
from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import cairo
import numpy as np
from manim import RIGHT, UP, Triangle, VGroup, VMobject

from nnscratch.landscape import Landscape
from scenes.mobjects.glyphs import Label
from scenes.mobjects.layout import Region
from scenes.mobjects.path_cache import PathCache
from scenes.mobjects.raster import Raster, image_pattern, paint_in_rectangle, rgba_bytes
from scenes.mobjects.style import HIGHLIGHT, LABEL, MUTED
from scenes.narration.words import loss_number

# Low cost dark and cool, high cost bright and warm.
HEIGHT_COLOURS = np.array([[0x1B, 0x2A, 0x49], [0x2E, 0x6F, 0x8E], [0x6F, 0xB9, 0x8F], [0xE9, 0xD7, 0x58],
                           [0xF2, 0x8F, 0x3B]]) / 255.0
DRAWN_CELLS = 30  # quads per side drawn at most (a finer grid is drawn every other point; contours use all of it)
LIGHT = np.array([-0.3, -0.5, 0.8]) / np.linalg.norm([-0.3, -0.5, 0.8])
KNEE = 1.15  # the height scale is linear up to this much above the run's highest cost...
SHELF = 0.5  # ... and above it rises less and less, never by this share of that height more
LOWEST = -0.25  # a ball below the slice (the path leaves the plane) is drawn at most this far under its floor
TOP_VIEW = 89.0  # elevations from here up are seen from straight above: the surface is painted as an image
IMAGE_SIDE = 120  # pixels per side of that image (bilinear from the grid: smooth, no 30 x 30 cells)
ARROW_REACH = 0.4  # the downhill arrow where it is introduced, in the floor's half-widths (1: centre to edge)
ARROW_LONGEST = 0.7  # and at its longest
BALL = 0.12  # the ball's radius, in scene units


class CachedGlyph(VMobject):
    """A glyph of a label that moves every frame (by shifts only), painted from one Cairo path made the
    first time and translated after: Manim's own drawing rebuilds every glyph's path each frame, which
    costs more than the whole surface."""

    def __init__(self, glyph: VMobject, **kwargs) -> None:
        super().__init__(**kwargs)
        self.points = glyph.points.copy()
        self.match_style(glyph)
        self.cairo_paths = PathCache()

    def paint(self, ctx: cairo.Context, camera) -> bool:
        """Fill the cached outline, moved to where the glyph is now; False (drawn as any VMobject) for
        what this does not cover: strokes, gradients, no points."""
        if len(self.points) == 0 or len(self.fill_rgbas) != 1 or self.stroke_width > 0:
            return False
        r, g, b, a = self.fill_rgbas[0].tolist()
        if a == 0:
            return True
        scale = tuple(ctx.get_matrix())[:4]
        anchor = self.points[0, :2]
        if scale not in self.cairo_paths:
            camera.set_cairo_context_path(ctx, self)
            self.cairo_paths[scale] = (ctx.copy_path_flat(), anchor.copy())
        path, made_at = self.cairo_paths[scale]
        dx, dy = (anchor - made_at).tolist()
        ctx.new_path()
        ctx.translate(dx, dy)
        ctx.append_path(path)
        ctx.translate(-dx, -dy)
        ctx.set_source_rgba(b, g, r, a)
        ctx.fill()
        return True


def moving_label(text: str, **kwargs) -> Label:
    """A Label whose glyphs paint themselves from cached paths (see ``CachedGlyph``)."""
    label = Label(text, **kwargs)
    label.submobjects = [CachedGlyph(glyph) for glyph in label.submobjects]
    return label


def height_colours(levels: np.ndarray) -> np.ndarray:
    """RGB rows for heights in [0, 1] along HEIGHT_COLOURS."""
    levels = np.clip(levels, 0.0, 1.0) * (len(HEIGHT_COLOURS) - 1)
    low = np.minimum(levels.astype(int), len(HEIGHT_COLOURS) - 2)
    t = (levels - low)[..., None]
    return HEIGHT_COLOURS[low] * (1 - t) + HEIGHT_COLOURS[low + 1] * t


@dataclass(frozen=True)
class Heights:
    """Cost to height: 0 at the surface's lowest cost ``floor``, 1 at ``knee`` (a little above the
    highest cost the run had), linear between; above the knee, a bend towards 1 + SHELF that keeps
    rising however high the cost (its slope 1 at the knee, so no crease, and never 0, so no plateau).
    ``top`` is the surface's highest cost: colour runs from the floor's height (0) to its height."""

    floor: float
    knee: float
    top: float

    @classmethod
    def of(cls, landscape: Landscape, path_losses: np.ndarray) -> Heights:
        floor, top = float(landscape.losses.min()), float(landscape.losses.max())
        knee = max(float(np.max(path_losses)) * KNEE, floor + 1e-9 * max(abs(floor), 1.0), floor + 1e-300)
        return cls(floor, knee, top)

    @property
    def flat(self) -> bool:
        """A surface whose costs differ only in float32 rounding, or in digits past those the colour bar
        writes: no height, no contours, one colour (relief drawn from a difference no number shows would
        picture a landscape that is not there)."""
        return self.top - self.floor <= 1e-5 * max(abs(self.floor), 1.0) or loss_number(self.top) == loss_number(
            self.floor)

    def level(self, losses) -> np.ndarray:
        """Heights of ``losses``, 0 at the floor, 1 at the knee (a ball may sit a little below 0)."""
        x = (np.asarray(losses, dtype=float) - self.floor) / (self.knee - self.floor)
        above = np.maximum(x - 1.0, 0.0)
        bent = 1.0 + SHELF * above / (SHELF + above)
        return np.maximum(np.where(x <= 1.0, x, bent), LOWEST)

    @property
    def top_level(self) -> float:
        return 0.0 if self.flat else float(self.level(self.top))

    def colour_share(self, levels) -> np.ndarray:
        """Where ``levels`` fall between the floor's height and the top's, for colour: 0 to 1."""
        top = self.top_level
        return np.clip(np.asarray(levels, dtype=float) / top, 0.0, 1.0) if top > 0 else np.zeros_like(levels)


class LossSurface(VMobject):
    """``landscape`` drawn in ``region``: the cost over the plane of the run's two principal
    directions, as a surface seen from (``elevation``, ``azimuth``), with the path of the run
    (``path_losses`` are its recorded costs at its snapshots: the ball sits at its true cost, above
    or below the slice where the path leaves the plane). ``downhill`` (one row per snapshot, or None)
    is the negative gradient's share in the plane, in the plane's coordinates: drawn as an arrow from
    the ball when ``arrow`` > 0. What is drawn is set by plain attributes the scene animates:
    ``opacity``, ``progress`` (of the path, 0..1), ``axes`` (the floor's axes, 0..1 drawn),
    ``contour_opacity``, ``level_line`` (a height whose contour is drawn, or None), ``arrow``, ``ball_scale``.
    """

    def __init__(self, landscape: Landscape, path_losses: np.ndarray, region: Region,
                 downhill: np.ndarray | None = None, arrow_at: int = 0, relief: float = 0.75, **kwargs) -> None:
        super().__init__(stroke_opacity=0, fill_opacity=0, **kwargs)
        self.relief = relief
        alphas, betas = landscape.alphas, landscape.betas
        half = max(alphas.max() - alphas.min(), betas.max() - betas.min()) / 2
        mid = np.array([(alphas.max() + alphas.min()) / 2, (betas.max() + betas.min()) / 2])
        self.half_span = float(half)
        self.unit = lambda ab: (np.asarray(ab, dtype=float) - mid) / half  # plane coordinates -> [-1, 1]
        self.heights = Heights.of(landscape, path_losses)
        grid_x, grid_y = np.meshgrid((alphas - mid[0]) / half, (betas - mid[1]) / half)
        levels = np.zeros_like(landscape.losses, dtype=float) if self.heights.flat else \
            self.heights.level(landscape.losses)
        self.levels = levels
        self.grid = np.stack([grid_x, grid_y, relief * levels], axis=-1)  # (rows, cols, 3)
        step = max(1, (len(alphas) - 1) // DRAWN_CELLS)
        self.drawn = self.grid[::step, ::step]
        self.colours = height_colours(self.heights.colour_share(self._cell_means(self.drawn[..., 2]) / relief))
        self.vertex_colours = height_colours(self.heights.colour_share(levels))
        path = self.unit(landscape.path)
        path_levels = np.zeros(len(path)) if self.heights.flat else self.heights.level(path_losses)
        self.path = np.column_stack([path, relief * path_levels])
        self.downhill = None if downhill is None else self._arrows(np.asarray(downhill, dtype=float), arrow_at)
        self.contours = [] if self.heights.flat else contour_lines(self.grid, levels=8)
        self._elevation, self._azimuth = 35.0, 25.0
        self.progress = 0.0  # of the path shown, 0..1 (the ball at its end)
        self.opacity = 1.0
        self.axes = 0.0
        self.contour_opacity = 0.0
        self.level_line: float | None = None
        self.arrow = 0.0
        self.ball_scale = 1.0  # the ball swells to be pointed at
        self.axis_labels = VGroup(moving_label("direction 1", font_size=22, color=MUTED),
                                  moving_label("direction 2", font_size=22, color=MUTED))
        self.add(self.axis_labels)
        # Their sizes and centres, kept: a label's bounding box is a pass over all its glyphs, and the
        # framing asks for it several times a frame.
        self._label_sizes = [np.array([label.width, label.height]) for label in self.axis_labels]
        self._label_centres = [label.get_center()[:2] for label in self.axis_labels]
        self.set_axis_label_opacity(0.0)
        self.fit(region)

    # -- heights ------------------------------------------------------------------------------

    @staticmethod
    def _cell_means(values: np.ndarray) -> np.ndarray:
        return (values[:-1, :-1] + values[1:, :-1] + values[:-1, 1:] + values[1:, 1:]) / 4

    @staticmethod
    def _arrows(downhill: np.ndarray, arrow_at: int) -> np.ndarray:
        """Each snapshot's arrow in floor units: the downhill direction, ARROW_REACH long at snapshot
        ``arrow_at`` (where it is introduced) and elsewhere in proportion to the gradient's share in the
        plane, up to ARROW_LONGEST (a steeper stretch later would leave the surface)."""
        sizes = np.linalg.norm(downhill, axis=1)
        unit = sizes[arrow_at] if len(sizes) and sizes[arrow_at] > 0 else (sizes.max() if len(sizes) else 0.0)
        if not unit > 0:
            return np.zeros_like(downhill)
        lengths = np.minimum(sizes / unit * ARROW_REACH, ARROW_LONGEST)
        return downhill / np.maximum(sizes, 1e-300)[:, None] * lengths[:, None]

    def surface_level(self, xy: np.ndarray) -> float:
        """The drawn surface's height (a level, 0 at the floor) at floor point ``xy``, bilinear in its cell."""
        rows, cols = self.levels.shape
        x = float(np.clip((xy[0] + 1) / 2 * (cols - 1), 0, cols - 1))
        y = float(np.clip((xy[1] + 1) / 2 * (rows - 1), 0, rows - 1))
        i, j = min(int(x), cols - 2), min(int(y), rows - 2)
        u, v = x - i, y - j
        grid = self.levels
        return float((1 - u) * (1 - v) * grid[j, i] + u * (1 - v) * grid[j, i + 1]
                     + (1 - u) * v * grid[j + 1, i] + u * v * grid[j + 1, i + 1])

    # -- the view -----------------------------------------------------------------------------

    @property
    def elevation(self) -> float:
        return self._elevation

    @elevation.setter
    def elevation(self, value: float) -> None:
        self._elevation = float(value)
        self.place_axis_labels()

    @property
    def azimuth(self) -> float:
        return self._azimuth

    @azimuth.setter
    def azimuth(self, value: float) -> None:
        self._azimuth = float(value)
        self.place_axis_labels()

    def look_from(self, elevation: float, azimuth: float) -> LossSurface:
        """Both angles at once: the labels placed (and the view framed) once, not for a half-turned view."""
        self._elevation, self._azimuth = float(elevation), float(azimuth)
        self.place_axis_labels()
        return self

    def rotated(self, points: np.ndarray, view: tuple[float, float] | None = None) -> np.ndarray:
        """Points (..., 3) in the viewer's frame: x to the right, y up the screen, z toward the viewer."""
        elevation, azimuth = view if view is not None else (self._elevation, self._azimuth)
        phi, theta = math.radians(elevation), math.radians(azimuth)
        x, y, z = points[..., 0], points[..., 1], points[..., 2]
        xr = x * math.cos(theta) - y * math.sin(theta)
        yr = x * math.sin(theta) + y * math.cos(theta)
        return np.stack([xr, yr * math.sin(phi) + z * math.cos(phi), -yr * math.cos(phi) + z * math.sin(phi)],
                        axis=-1)

    def to_scene(self, rotated: np.ndarray) -> np.ndarray:
        """Viewer-frame points to scene coordinates (x, y), framed for the current view."""
        scale, origin = self.framing()
        return origin + rotated[..., :2] * scale

    def outline(self) -> np.ndarray:
        """What a view must keep in the region: the grid's edge, its floor's corners, the path, some of the rest."""
        edge = np.concatenate([self.grid[0], self.grid[-1], self.grid[:, 0], self.grid[:, -1]])
        floor = np.array([[-1, -1, 0], [1, -1, 0], [1, 1, 0], [-1, 1, 0]], dtype=float)
        return np.concatenate([edge, floor, self.path, self.grid.reshape(-1, 3)[::7]])

    def fit(self, region: Region) -> None:
        """Draw the surface in ``region``: each view as large as it fits there with its axis labels, so
        the camera reframes as it turns."""
        self.region = region
        self._framings: dict[tuple[float, float], tuple[float, np.ndarray]] = {}
        self._outline = self.outline()
        corners = [[region.left, region.bottom, 0], [region.right, region.bottom, 0],
                   [region.right, region.top, 0], [region.left, region.top, 0]]
        self.set_points_as_corners([*corners, corners[0]])
        self.place_axis_labels()

    def framing(self, view: tuple[float, float] | None = None) -> tuple[float, np.ndarray]:
        """The scale and the centre that fit the surface seen from ``view`` (default: the current one),
        its axis labels included, into its region."""
        view = view if view is not None else (self._elevation, self._azimuth)
        key = (round(view[0], 4), round(view[1], 4))
        if key not in self._framings:
            if len(self._framings) > 4096:
                self._framings.clear()
            self._framings[key] = self._fitted(view)
        return self._framings[key]

    def _fitted(self, view: tuple[float, float]) -> tuple[float, np.ndarray]:
        """The largest scale at which the view's outline and its axis labels fit the region, and the
        origin that centres them. Each label sits a fixed distance (its ``_label_offset``) outside the
        middle of its edge, in a direction that does not change with the scale: the whole's extent is
        the outline's, times the scale, plus what the labels add beyond it, which a few rounds settle."""
        region = self.region
        projected = self.rotated(self._outline, view)[..., :2]
        low, high = projected.min(axis=0), projected.max(axis=0)
        span = np.maximum(high - low, 1e-9)
        centre = self.rotated(np.zeros(3), view)[:2]
        middles = [self.rotated(edge, view)[..., :2].mean(axis=0) for edge in self.front_edges(view)]
        offsets = [self._label_offset(size, middle - centre) for size, middle in zip(self._label_sizes, middles)]
        space = np.array([region.width, region.height])
        scale = float(np.min(space / span))
        for _ in range(5):
            lows, highs = self._extent(low, high, middles, offsets, scale)
            scale = max(float(np.min((space - ((highs - lows) - span * scale)) / span)), 1e-6)
        lows, highs = self._extent(low, high, middles, offsets, scale)
        return scale, region.center[:2] - (lows + highs) / 2

    def _extent(self, low: np.ndarray, high: np.ndarray, middles: list, offsets: list,
                scale: float) -> tuple[np.ndarray, np.ndarray]:
        """The lowest and highest corners of the outline and the labels, at ``scale``, about an origin at 0."""
        corners = [low * scale, high * scale]
        for size, middle, offset in zip(self._label_sizes, middles, offsets):
            place = middle * scale + offset
            corners += [place - size / 2, place + size / 2]
        return np.min(corners, axis=0), np.max(corners, axis=0)

    @staticmethod
    def _label_offset(size: np.ndarray, away: np.ndarray) -> np.ndarray:
        """From an edge's middle to the centre of its label of ``size``: out, away from the floor's centre,
        by half the label's extent that way and a little more."""
        away = away / (np.linalg.norm(away) + 1e-9)
        reach = abs(away[0]) * size[0] / 2 + abs(away[1]) * size[1] / 2 + 0.12
        return away * reach

    def front_edges(self, view: tuple[float, float] | None = None) -> tuple[np.ndarray, np.ndarray]:
        """The floor's two edges that meet at its corner nearest the viewer (the lowest on screen; from
        straight above, the lower left): the one along direction 1 and the one along direction 2, each as
        two points (floor height)."""
        corners = np.array([[-1, -1, 0], [1, -1, 0], [1, 1, 0], [-1, 1, 0]], dtype=float)
        screen = self.rotated(corners, view)[:, :2]
        nearest = corners[int(np.argmin(np.round(screen[:, 1], 6) + 1e-3 * screen[:, 0]))]
        along_1 = np.array([nearest, [-nearest[0], nearest[1], 0]])
        along_2 = np.array([nearest, [nearest[0], -nearest[1], 0]])
        return along_1, along_2

    def place_axis_labels(self) -> None:
        """Each axis label beside the middle of its edge, on the side away from the floor's centre."""
        if not hasattr(self, "_framings"):
            return
        centre = self.to_scene(self.rotated(np.zeros(3)))
        for k, (label, size, edge) in enumerate(zip(self.axis_labels, self._label_sizes, self.front_edges())):
            middle = self.to_scene(self.rotated(edge)).mean(axis=0)
            place = middle + self._label_offset(size, middle - centre)
            label.shift([*(place - self._label_centres[k]), 0.0])
            self._label_centres[k] = place

    def set_axis_label_opacity(self, opacity: float) -> None:
        for label in self.axis_labels:
            label.set_fill(opacity=opacity)

    # -- what is painted ------------------------------------------------------------------------

    def faces(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The quads' corners in scene coordinates, shape (n, 4, 2), their shaded RGB, and whether each lies
        on the grid's rim, back to front."""
        rotated = self.rotated(self.drawn)
        corners = np.stack([rotated[:-1, :-1], rotated[:-1, 1:], rotated[1:, 1:], rotated[1:, :-1]], axis=2)
        corners = corners.reshape(-1, 4, 3)
        normal = np.cross(corners[:, 2] - corners[:, 0], corners[:, 3] - corners[:, 1])
        normal /= np.linalg.norm(normal, axis=1, keepdims=True) + 1e-12
        light = 0.5 + 0.5 * np.abs(normal @ LIGHT)
        order = np.argsort(corners[:, :, 2].mean(axis=1))
        shaded = self.colours.reshape(-1, 3) * light[:, None]
        return self.to_scene(corners[order]), shaded[order], self._rim[order]

    @functools.cached_property
    def _rim(self) -> np.ndarray:
        """Which quads (in ``drawn``'s order) touch the grid's edge."""
        rows, cols = self.drawn.shape[0] - 1, self.drawn.shape[1] - 1
        rim = np.zeros((rows, cols), dtype=bool)
        rim[0, :] = rim[-1, :] = rim[:, 0] = rim[:, -1] = True
        return rim.ravel()

    def ball_position(self) -> np.ndarray:
        """Where the ball is on the path (3-D, floor units), at ``progress``."""
        count = len(self.path)
        position = self.progress * (count - 1)
        whole = min(int(position), count - 1)
        if whole >= count - 1:
            return self.path[-1]
        t = position - whole
        return (1 - t) * self.path[whole] + t * self.path[whole + 1]

    def shown_path(self) -> np.ndarray:
        """The path so far in scene coordinates, its last point where the ball is."""
        position = self.progress * (len(self.path) - 1)
        points = np.vstack([self.path[:int(position) + 1], self.ball_position()])
        return self.to_scene(self.rotated(points))

    def arrow_points(self) -> np.ndarray | None:
        """The downhill arrow from the ball (scene coordinates, tail and tip), ``arrow`` of it drawn; None
        when there is none to draw."""
        if self.downhill is None or self.arrow <= 0:
            return None
        position = self.progress * (len(self.path) - 1)
        whole = min(int(position), len(self.path) - 1)
        t = position - whole
        move = self.downhill[whole] if whole >= len(self.path) - 1 else \
            (1 - t) * self.downhill[whole] + t * self.downhill[whole + 1]
        if not np.any(move):
            return None
        tail = self.ball_position()
        tip_xy = tail[:2] + move * self.arrow
        tip = np.array([*tip_xy, self.relief * self.surface_level(tip_xy) + 0.02])
        if self.heights.flat:
            tip[2] = tail[2]
        return self.to_scene(self.rotated(np.array([tail, tip])))

    def top_image(self) -> np.ndarray:
        """The surface from straight above as RGB bytes, IMAGE_SIDE pixels a side, bilinear from the
        grid's colours (row 0 at direction 2's high end)."""
        if not hasattr(self, "_top_image"):
            rows, cols = self.levels.shape
            ys = np.linspace(rows - 1, 0, IMAGE_SIDE)
            xs = np.linspace(0, cols - 1, IMAGE_SIDE)
            y0, x0 = np.minimum(ys.astype(int), rows - 2), np.minimum(xs.astype(int), cols - 2)
            v, u = (ys - y0)[:, None, None], (xs - x0)[None, :, None]
            c = self.vertex_colours
            rgb = ((1 - v) * (1 - u) * c[y0][:, x0] + (1 - v) * u * c[y0][:, x0 + 1]
                   + v * (1 - u) * c[y0 + 1][:, x0] + v * u * c[y0 + 1][:, x0 + 1])
            self._top_image = rgba_bytes(rgb * 0.92)
        return self._top_image

    def paint(self, ctx: cairo.Context, camera) -> None:
        """The floor's axes, the surface (quads back to front, or from above an image), its level
        lines, the path so far, the downhill arrow and the ball."""
        opacity = self.opacity
        if opacity <= 0:
            return
        width = camera.cairo_line_width_multiple
        ctx.new_path()  # Manim leaves the last mobject's outline as the current path: it is no part of this
        ctx.set_line_join(cairo.LINE_JOIN_ROUND)
        ctx.set_line_cap(cairo.LINE_CAP_ROUND)
        if self.axes > 0:
            self._paint_axes(ctx, width, opacity)
        if self._elevation >= TOP_VIEW:
            self._paint_from_above(ctx, opacity)
        else:
            self._paint_quads(ctx, width, opacity)
        if self.level_line is not None and not self.heights.flat:
            segments = contour_segments(self.grid, self.relief * self.level_line)
            if segments:
                self._paint_segments(ctx, segments, (1.0, 1.0, 1.0, 0.9 * opacity), 2.5 * width)
        if self.contour_opacity > 0 and self.contours:
            self._paint_segments(ctx, self.contours, (1.0, 1.0, 1.0, 0.55 * self.contour_opacity * opacity),
                                 1.5 * width)
        if self.progress > 0:
            ctx.new_path()
            path = self.shown_path()
            r, g, b = HIGHLIGHT.to_rgb()
            ctx.set_source_rgba(b, g, r, opacity)
            ctx.set_line_width(3.5 * width)
            ctx.move_to(*path[0])
            for x, y in path[1:].tolist():
                ctx.line_to(x, y)
            ctx.stroke()
        arrow = self.arrow_points()
        if arrow is not None:
            self._paint_arrow(ctx, arrow, width, opacity)
        x, y = self.to_scene(self.rotated(self.ball_position()))
        ctx.new_path()
        ctx.arc(x, y, BALL * self.ball_scale, 0.0, 2 * math.pi)
        ctx.close_path()
        ctx.set_source_rgba(1.0, 1.0, 1.0, opacity)
        ctx.fill_preserve()
        ctx.set_source_rgba(0.1, 0.1, 0.1, opacity)
        ctx.set_line_width(2.0 * width)
        ctx.stroke()

    def _paint_quads(self, ctx: cairo.Context, width: float, opacity: float) -> None:
        """The quads back to front, without antialiasing, which leaves no seams between neighbours and costs
        a third of antialiased fills; then the rim's quads again, antialiased, so the surface's outline is
        smooth (inside it, neighbouring quads differ little in colour)."""
        corners, colours, rim = self.faces()
        quads = np.concatenate([corners.reshape(-1, 8), colours[:, ::-1]], axis=1)  # Cairo's frame is BGR
        ctx.set_antialias(cairo.ANTIALIAS_NONE)
        self._fill_quads(ctx, quads.tolist(), opacity)
        ctx.set_antialias(cairo.ANTIALIAS_DEFAULT)
        self._fill_quads(ctx, quads[rim].tolist(), opacity)

    @staticmethod
    def _fill_quads(ctx: cairo.Context, quads: list, opacity: float) -> None:
        for x0, y0, x1, y1, x2, y2, x3, y3, b, g, r in quads:
            ctx.move_to(x0, y0)
            ctx.line_to(x1, y1)
            ctx.line_to(x2, y2)
            ctx.line_to(x3, y3)
            ctx.close_path()
            ctx.set_source_rgba(b, g, r, opacity)
            ctx.fill()

    def _paint_from_above(self, ctx: cairo.Context, opacity: float) -> None:
        """The surface from straight above: the floor square, turned by the azimuth, filled with the image."""
        corners = self.to_scene(self.rotated(np.array([[-1, 1, 0], [1, 1, 0], [1, -1, 0], [-1, -1, 0]], dtype=float)))
        pixels = self.top_image()
        ctx.save()
        ctx.new_path()
        ctx.move_to(*corners[0])
        for x, y in corners[1:].tolist():
            ctx.line_to(x, y)
        ctx.close_path()
        ctx.clip()
        # The image's pixel (0, 0) at the floor's corner (-1, 1), its columns along direction 1, its rows
        # down direction 2: an affine map from scene units to pixels.
        origin, right, down = corners[0], corners[1] - corners[0], corners[3] - corners[0]
        to_scene = cairo.Matrix(right[0] / IMAGE_SIDE, right[1] / IMAGE_SIDE, down[0] / IMAGE_SIDE,
                                down[1] / IMAGE_SIDE, origin[0], origin[1])
        to_scene.invert()
        pattern = image_pattern(pixels, 0, 0, 1, 1, smooth=True)
        pattern.set_matrix(to_scene)
        ctx.set_source(pattern)
        ctx.paint_with_alpha(opacity)
        ctx.restore()

    def _paint_axes(self, ctx: cairo.Context, width: float, opacity: float) -> None:
        r, g, b = MUTED.to_rgb()
        ctx.new_path()
        ctx.set_source_rgba(b, g, r, opacity)
        ctx.set_line_width(2.5 * width)
        for edge in self.front_edges():
            start, end = self.to_scene(self.rotated(edge))
            end = start + (end - start) * self.axes
            ctx.move_to(*start)
            ctx.line_to(*end)
        ctx.stroke()

    def _paint_segments(self, ctx: cairo.Context, segments, rgba: tuple, line_width: float) -> None:
        points = self.to_scene(self.rotated(np.array(segments)))
        ctx.new_path()
        r, g, b, a = rgba
        ctx.set_source_rgba(b, g, r, a)
        ctx.set_line_width(line_width)
        for (x0, y0), (x1, y1) in points.tolist():
            ctx.move_to(x0, y0)
            ctx.line_to(x1, y1)
        ctx.stroke()

    def _paint_arrow(self, ctx: cairo.Context, arrow: np.ndarray, width: float, opacity: float) -> None:
        tail, tip = arrow
        along = tip - tail
        length = float(np.linalg.norm(along))
        if length < 1e-6:
            return
        unit = along / length
        head = min(0.22, 0.6 * length)
        base = tip - unit * head
        side = np.array([-unit[1], unit[0]]) * head * 0.5
        ctx.new_path()
        r, g, b = HIGHLIGHT.to_rgb()
        ctx.set_source_rgba(b, g, r, opacity)
        ctx.set_line_width(5.0 * width)
        ctx.move_to(*tail)
        ctx.line_to(*base)
        ctx.stroke()
        ctx.move_to(*tip)
        ctx.line_to(*(base + side))
        ctx.line_to(*(base - side))
        ctx.close_path()
        ctx.fill()


class HeightBar(Raster):
    """The colour bar's ramp, shown from its foot up to ``shown`` of its height (it fills as heights
    are named, from the lowest)."""

    def __init__(self, rgb: np.ndarray, width: float, height: float, **kwargs) -> None:
        super().__init__(rgb, width, height, smooth=True, **kwargs)
        self.shown = 1.0

    def paint(self, ctx: cairo.Context, camera) -> None:
        alpha = self.alpha
        if alpha <= 0 or self.shown <= 0:
            return
        left, bottom, width, height = self.box
        paint_in_rectangle(ctx, image_pattern(self.pixels, left, bottom + height, width, height, self.smooth),
                           left, bottom, width, height * min(self.shown, 1.0), alpha)


class ColourBar(VGroup):
    """The surface's heights as a bar of its colours, ``height`` tall: the cost at its floor and at its
    top written beside it, and where the height scale bends (the run's costs below, the high ground
    above) when the surface rises past it; ``marker`` points at a height (the ball's, or a level)."""

    def __init__(self, heights: Heights, height: float, width: float = 0.28, font_size: float = 22,
                 **kwargs) -> None:
        super().__init__(**kwargs)
        self.scale_heights = heights
        top = heights.top_level
        levels = np.linspace(top, 0.0, 96)[:, None]  # row 0 at the top
        self.bar = HeightBar(height_colours(heights.colour_share(levels)) * 0.92, width, height)
        self.ticks = VGroup()
        self.tick_levels: list[float] = []
        self.tick_costs: list[float] = []
        for level, cost in self._ticks():
            self.tick_levels.append(level)
            self.tick_costs.append(cost)
        self.numbers = VGroup(*(Label(loss_number(cost), font_size=font_size, color=LABEL) for cost in self.tick_costs))
        self.heading = Label("cost", font_size=24, color=LABEL)
        self.marker = Triangle(color=HIGHLIGHT, fill_color=HIGHLIGHT, fill_opacity=1.0, stroke_width=0)
        self.marker.rotate(-math.pi / 2).scale_to_fit_height(0.2)
        self.add(self.bar, self.numbers, self.heading, self.marker)
        self.arrange_parts()

    def _ticks(self) -> list[tuple[float, float]]:
        """(height, cost) of each number written: the floor, the top, and the bend when the surface passes it."""
        heights = self.scale_heights
        if heights.flat:
            return [(0.0, heights.floor)]
        ticks = [(0.0, heights.floor), (heights.top_level, heights.top)]
        if heights.top_level > 1.08:  # the bend, a tenth of the bar or more below the top
            ticks.insert(1, (1.0, heights.knee))
        return ticks

    def y_of(self, level: float) -> float:
        """The bar's y at height ``level`` (clamped to the bar)."""
        top = self.scale_heights.top_level
        share = float(np.clip(level / top, 0.0, 1.0)) if top > 0 else 0.5
        return self.bar.get_bottom()[1] + share * self.bar.height

    def arrange_parts(self) -> None:
        """Numbers to the right of the bar at their heights, the heading above, the marker to its left."""
        for number, level in zip(self.numbers, self.tick_levels):
            number.next_to([self.bar.get_right()[0], self.y_of(level), 0], RIGHT, buff=0.12)
        # Numbers that would touch are pushed apart, the top one up.
        for lower, upper in zip(self.numbers, self.numbers[1:]):
            gap = upper.get_bottom()[1] - lower.get_top()[1]
            if gap < 0.06:
                upper.shift(UP * (0.06 - gap))
        self.heading.next_to(self.bar, UP, buff=0.18)
        self.point_at(0.0)

    def point_at(self, level: float) -> ColourBar:
        self.marker.move_to([self.bar.get_left()[0] - 0.06 - self.marker.width / 2, self.y_of(level), 0])
        return self


def contour_segments(grid: np.ndarray, level: float) -> list[np.ndarray]:
    """Segments (each (2, 3)) of the surface's level line at height ``level``: marching squares over every cell."""
    heights = grid[..., 2]
    rows, cols = heights.shape[0] - 1, heights.shape[1] - 1
    above = heights > level
    corners = [(0, 0), (0, 1), (1, 1), (1, 0)]  # around each cell
    found, points = [], []
    for (r0, c0), (r1, c1) in zip(corners, corners[1:] + corners[:1]):
        a, b = grid[r0:r0 + rows, c0:c0 + cols], grid[r1:r1 + rows, c1:c1 + cols]
        crosses = above[r0:r0 + rows, c0:c0 + cols] != above[r1:r1 + rows, c1:c1 + cols]
        t = np.clip((level - a[..., 2]) / np.where(crosses, b[..., 2] - a[..., 2], 1.0), 0, 1)[..., None]
        found.append(crosses)
        points.append(a + t * (b - a))
    found, points = np.stack(found, axis=-1), np.stack(points, axis=-2)  # (rows, cols, 4), (rows, cols, 4, 3)
    segments = []
    for row, col in zip(*np.nonzero(found.sum(axis=-1) >= 2)):
        edges = np.flatnonzero(found[row, col])
        for first, second in zip(edges[0::2], edges[1::2]):  # a saddle's two segments, paired in order
            segments.append(np.stack([points[row, col, first], points[row, col, second]]))
    return segments


def contour_lines(grid: np.ndarray, levels: int) -> list[np.ndarray]:
    """Segments of the surface's level lines, each (2, 3), at ``levels`` heights evenly between the
    lowest and the highest."""
    heights = grid[..., 2]
    return [segment for level in np.linspace(heights.min(), heights.max(), levels + 2)[1:-1]
            for segment in contour_segments(grid, level)]
