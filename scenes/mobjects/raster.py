"""Images painted straight from numpy arrays by Cairo: heatmaps, neuron maps, digits, weights as pixels.

A replay changes its images every frame. Manim's ``ImageMobject`` resamples
through PIL on every draw; these mobjects instead hand their array to Cairo,
which scales it as it paints (smoothly for maps of a continuous plane, as
crisp squares for pixels). Each is a rectangle (or disks) of the scene that
``FastCamera`` asks to ``paint`` itself; its fill opacity is the image's, so
Manim's ``FadeIn`` and ``FadeOut`` work on it as on any VMobject.
"""
from __future__ import annotations

import math
from typing import Sequence

import cairo
import numpy as np
from manim import VMobject

from scenes.mobjects.path_cache import PathCache


def rgba_bytes(rgb: np.ndarray) -> np.ndarray:
    """RGB values in [0, 1] of shape (..., H, W, 3) as opaque bytes (..., H, W, 4), rounded.

    The bytes are in the order Manim's frame keeps them (R, G, B, A), which Cairo, reading
    the frame as native ARGB, takes for B, G, R, A: painting copies them across unchanged.
    """
    rgb = np.asarray(rgb, dtype=float)
    out = np.full((*rgb.shape[:-1], 4), 255, dtype=np.uint8)
    out[..., :3] = np.round(np.clip(rgb, 0.0, 1.0) * 255)
    return out


class CairoPainted(VMobject):
    """A rectangle of the scene that paints itself with Cairo; the camera calls ``paint``.

    Its own points outline the rectangle, so Manim knows where it is and keeps it in
    the display list; they are never stroked. The fill opacity is the opacity it paints with.
    """

    def __init__(self, left: float, bottom: float, width: float, height: float, **kwargs) -> None:
        super().__init__(stroke_width=0, fill_color="#000000", fill_opacity=1.0, **kwargs)
        self.set_points_as_corners([[left, bottom, 0], [left + width, bottom, 0], [left + width, bottom + height, 0],
                                    [left, bottom + height, 0], [left, bottom, 0]])
        self.made_width = width  # what sizes inside it are given for: a scale since shrinks them alike

    @property
    def box(self) -> tuple[float, float, float, float]:
        """Left, bottom, width and height now, read from the corners (so it follows moves and scales)."""
        corners = self.points[:, :2]
        left, bottom = corners.min(axis=0)
        right, top = corners.max(axis=0)
        return float(left), float(bottom), float(right - left), float(top - bottom)

    def scaled(self, width: float) -> float:
        """How much the mobject has been scaled since it was made, from its width now."""
        return width / self.made_width if self.made_width > 0 else 1.0

    @property
    def alpha(self) -> float:
        return float(self.fill_rgbas[0, 3])

    def paint(self, ctx: cairo.Context, camera) -> None:
        raise NotImplementedError


def image_pattern(pixels: np.ndarray, left: float, top: float, width: float, height: float,
                  smooth: bool, opaque: bool = True) -> cairo.SurfacePattern:
    """A Cairo pattern showing the bytes ``pixels`` (H, W, 4) over the scene rectangle whose top-left
    corner is (left, top); ``opaque=False`` reads their fourth byte as (premultiplied) alpha.
    The array must outlive the pattern: Cairo reads it in place."""
    rows, columns = pixels.shape[:2]
    pixels = np.ascontiguousarray(pixels, dtype=np.uint8)
    surface = cairo.ImageSurface.create_for_data(memoryview(pixels).cast("B"),
                                                 cairo.FORMAT_RGB24 if opaque else cairo.FORMAT_ARGB32, columns, rows,
                                                 4 * columns)
    pattern = cairo.SurfacePattern(surface)
    pattern.set_filter(cairo.FILTER_BILINEAR if smooth else cairo.FILTER_NEAREST)
    pattern.set_extend(cairo.EXTEND_PAD)  # no fade to transparent at the border when smoothed
    # From scene units (y up) to pixels of the image (row 0 at the top).
    sx, sy = columns / width, rows / height
    pattern.set_matrix(cairo.Matrix(sx, 0, 0, -sy, -left * sx, top * sy))
    return pattern


def blend_bytes(pixels: np.ndarray, toward: np.ndarray, t: float) -> np.ndarray:
    """Image bytes ``pixels`` moved ``t`` of the way to ``toward``, in integers (256 steps): exact at
    0 and 1, and a fiftieth of a millisecond for a few maps. Premultiplied alpha blends the same way."""
    if t <= 0:
        return pixels
    if t >= 1:
        return toward
    weight = int(round(t * 256))
    mixed = pixels.astype(np.uint16) * (256 - weight) + toward.astype(np.uint16) * weight + 128
    return (mixed >> 8).astype(np.uint8)


class Raster(CairoPainted):
    """An RGB image filling a rectangle of the scene; ``set_rgb`` or ``set_bytes`` changes it (every
    frame, if need be)."""

    def __init__(self, rgb: np.ndarray, width: float, height: float, smooth: bool = True, **kwargs) -> None:
        super().__init__(-width / 2, -height / 2, width, height, **kwargs)
        self.smooth = smooth
        self.pixels = rgba_bytes(rgb)

    def set_rgb(self, rgb: np.ndarray) -> "Raster":
        self.pixels = rgba_bytes(rgb)
        return self

    def set_bytes(self, pixels: np.ndarray) -> "Raster":
        """Show the bytes ``pixels`` (H, W, 4, as ``rgba_bytes`` makes them), read in place."""
        self.pixels = pixels
        return self

    def paint(self, ctx: cairo.Context, camera) -> None:
        alpha = self.alpha
        if alpha <= 0:
            return
        left, bottom, width, height = self.box
        paint_in_rectangle(ctx, image_pattern(self.pixels, left, bottom + height, width, height, self.smooth),
                           left, bottom, width, height, alpha)


def paint_in_rectangle(ctx: cairo.Context, pattern: cairo.Pattern, left: float, bottom: float, width: float,
                       height: float, alpha: float) -> None:
    ctx.save()
    ctx.new_path()
    ctx.rectangle(left, bottom, width, height)
    ctx.clip()
    ctx.set_source(pattern)
    if alpha >= 1:
        ctx.paint()
    else:
        ctx.paint_with_alpha(alpha)
    ctx.restore()


def disk_alpha(size: int) -> np.ndarray:
    """How much of each pixel of a ``size`` x ``size`` image the inscribed disk covers, in [0, 1]
    (one pixel of soft edge): an image masked by it paints a disk with a rectangle's cheap clip."""
    centres = np.arange(size) + 0.5 - size / 2
    distance = np.hypot(*np.meshgrid(centres, centres))
    return np.clip(size / 2 - distance + 0.5, 0.0, 1.0)


def masked_to_disk(pixels: np.ndarray) -> np.ndarray:
    """Opaque image bytes (..., S, S, 4) cut to their inscribed disk: premultiplied alpha, as Cairo takes it."""
    alpha = disk_alpha(pixels.shape[-2])[..., None]
    out = np.round(pixels.astype(np.float32) * alpha).astype(np.uint8)
    out[..., 3] = np.round(alpha[..., 0] * 255).astype(np.uint8)
    return out


class DiskImages(CairoPainted):
    """Square images, each shown in a disk: a map inside each of several neurons.

    ``centers`` are the disks' centres (n, 2) in scene units when made; the images follow
    the mobject if it moves. ``set_bytes`` takes (n, S, S, 4) bytes already cut to their
    disk (``masked_to_disk``), so each paints with a rectangle's clip, not a circle's.
    """

    def __init__(self, centers: np.ndarray, radius: float, pixels: np.ndarray, **kwargs) -> None:
        centers = np.asarray(centers, dtype=float)[:, :2]
        low, high = centers.min(axis=0) - radius, centers.max(axis=0) + radius
        super().__init__(low[0], low[1], *(high - low), **kwargs)
        self.offsets = (centers - low).tolist()  # from the rectangle's lower-left corner
        self.radius = radius
        self.count = len(centers)  # the first ``count`` disks are painted: a reveal raises it one by one
        self.set_bytes(pixels)

    def set_bytes(self, pixels: np.ndarray) -> "DiskImages":
        """Show ``pixels`` (n, S, S, 4 bytes, cut to disks), read in place."""
        self.pixels = pixels
        return self

    def paint(self, ctx: cairo.Context, camera) -> None:
        alpha = self.alpha
        if alpha <= 0:
            return
        left, bottom, width, _ = self.box
        scale = self.scaled(width)
        r = self.radius * scale
        for (dx, dy), pixels in zip(self.offsets[:self.count], self.pixels):
            x, y = left + dx * scale, bottom + dy * scale
            pattern = image_pattern(pixels, x - r, y + r, 2 * r, 2 * r, smooth=True, opaque=False)
            paint_in_rectangle(ctx, pattern, x - r, y - r, 2 * r, 2 * r, alpha)


class ScatterPoints(CairoPainted):
    """Many dots that do not change, drawn once per frame size into an image that each frame pastes.

    ``filled`` picks solid dots (training samples) or rings (test samples). Each dot has a
    thin dark outline so it stands out on any background.
    """

    def __init__(self, positions: np.ndarray, rgbs: np.ndarray, filled: Sequence[bool], radius: float,
                 **kwargs) -> None:
        positions = np.asarray(positions, dtype=float)[:, :2]
        margin = 2 * radius
        low, high = positions.min(axis=0) - margin, positions.max(axis=0) + margin
        super().__init__(low[0], low[1], *(high - low), **kwargs)
        self.offsets = positions - low
        self.rgbs, self.filled, self.radius = np.asarray(rgbs, dtype=float), np.asarray(filled, bool), radius
        self.cache = PathCache()  # {key: (surface, device x, device y)}; a copy starts empty

    def paint(self, ctx: cairo.Context, camera) -> None:
        alpha = self.alpha
        if alpha <= 0:
            return
        left, bottom, width, height = self.box
        # Rounded: other drawing translates the context there and back, which leaves float dust in it.
        key = (*(round(value, 4) for value in ctx.get_matrix()), round(left, 6), round(bottom, 6), round(width, 6))
        if key not in self.cache:
            if len(self.cache) > 4:
                self.cache.clear()
            self.cache[key] = self._draw_once(ctx, left, bottom, width, height)
        surface, x, y = self.cache[key]
        ctx.save()
        ctx.identity_matrix()
        ctx.set_source_surface(surface, x, y)
        ctx.paint_with_alpha(alpha)
        ctx.restore()

    def _draw_once(self, ctx: cairo.Context, left: float, bottom: float, width: float, height: float):
        """Every dot, drawn into an image the size of the rectangle in device pixels."""
        corners = [ctx.user_to_device(x, y) for x, y in ((left, bottom), (left + width, bottom + height))]
        x0, y0 = math.floor(min(c[0] for c in corners)), math.floor(min(c[1] for c in corners))
        x1, y1 = math.ceil(max(c[0] for c in corners)), math.ceil(max(c[1] for c in corners))
        surface = cairo.ImageSurface(cairo.FORMAT_ARGB32, max(1, x1 - x0), max(1, y1 - y0))
        dots = cairo.Context(surface)
        matrix = ctx.get_matrix()
        dots.set_matrix(cairo.Matrix(matrix.xx, matrix.yx, matrix.xy, matrix.yy, matrix.x0 - x0, matrix.y0 - y0))
        scale = self.scaled(width)
        r = self.radius * scale
        outline = 0.25 * r
        ring = 0.45 * r
        for (dx, dy), (red, green, blue), filled in zip((self.offsets * scale).tolist(), self.rgbs.tolist(),
                                                       self.filled.tolist()):
            x, y = left + dx, bottom + dy
            dots.new_path()
            dots.arc(x, y, r, 0.0, 2 * math.pi)
            dots.set_source_rgb(0, 0, 0)  # the dark outline, under the dot
            dots.set_line_width(2 * outline + (ring if not filled else 0))
            dots.stroke_preserve()
            dots.set_source_rgb(blue, green, red)  # Manim's frame is BGR to Cairo
            if filled:
                dots.fill()
            else:
                dots.set_line_width(ring)
                dots.stroke()
        surface.flush()
        return surface, x0, y0


class BoxOutlines(CairoPainted):
    """Rectangles outlined in colours that change every frame: right and wrong marks around digits.

    ``boxes`` holds (left, bottom, width, height) rows relative to the mobject's lower-left corner.
    """

    def __init__(self, boxes: np.ndarray, width: float, **kwargs) -> None:
        boxes = np.asarray(boxes, dtype=float)
        low = boxes[:, :2].min(axis=0)
        high = (boxes[:, :2] + boxes[:, 2:]).max(axis=0)
        super().__init__(low[0], low[1], *(high - low), **kwargs)
        self.relative = np.column_stack([boxes[:, :2] - low, boxes[:, 2:]]).tolist()
        self.line_width = width
        self.rgbs = np.ones((len(boxes), 3))

    def set_rgbs(self, rgbs: np.ndarray) -> "BoxOutlines":
        self.rgbs = np.asarray(rgbs, dtype=float)
        return self

    def paint(self, ctx: cairo.Context, camera) -> None:
        alpha = self.alpha
        if alpha <= 0:
            return
        left, bottom, width, _ = self.box
        scale = self.scaled(width)
        ctx.set_line_width(self.line_width * camera.cairo_line_width_multiple)
        ctx.set_line_join(cairo.LINE_JOIN_MITER)
        for (dx, dy, w, h), (red, green, blue) in zip(self.relative, self.rgbs.tolist()):
            ctx.new_path()
            ctx.rectangle(left + dx * scale, bottom + dy * scale, w * scale, h * scale)
            ctx.set_source_rgba(blue, green, red, alpha)
            ctx.stroke()
