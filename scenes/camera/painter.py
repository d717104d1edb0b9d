"""Drawing a whole network in one call from numpy arrays, for replays that change it every frame.

Manim spends most of a frame on per-mobject Python (point checks, subpath
splits, colour setup) long before Cairo draws anything. During a replay every
edge and neuron changes every frame, so the network is drawn instead by
``NetworkCamera`` straight from the arrays that ``NetworkMobject.set_weights``
and ``set_activations`` fill: a handful of Cairo calls per edge and nothing else.
A test renders the same state both ways and compares the pixels.
"""
from __future__ import annotations

import math

import cairo
import numpy as np
from manim import Camera, VMobject

from scenes.mobjects.network import NetworkCanvas, NetworkMobject
from scenes.mobjects.raster import CairoPainted
from scenes.mobjects.readout import ReadoutGlyphs
from scenes.mobjects.revealed_curve import RevealedCurve
from scenes.mobjects.style import HIGHLIGHT
from scenes.mobjects.surface import LossSurface


class NetworkCamera(Camera):
    """Manim's Cairo camera, drawing any ``NetworkCanvas`` directly, and other VMobjects as Manim
    does but without the passes that paint nothing (a fill or stroke that is fully transparent):
    a curve's invisible fill still costs Cairo the rasterizing of the area under it."""

    def display_vectorized(self, vmobject: VMobject, ctx: cairo.Context):
        if isinstance(vmobject, NetworkCanvas):
            draw_network(vmobject.network_mob, ctx, self.cairo_line_width_multiple)
            return self
        if isinstance(vmobject, LossSurface):
            draw_surface(vmobject, ctx, self.cairo_line_width_multiple)
            return self
        if isinstance(vmobject, RevealedCurve):
            self.draw_revealed_curve(vmobject, ctx)
            return self
        if isinstance(vmobject, CairoPainted):  # images and marks that paint themselves from arrays
            vmobject.paint(ctx, self.cairo_line_width_multiple)
            return self
        if isinstance(vmobject, ReadoutGlyphs) and self.draw_readout(vmobject, ctx):
            return self
        background = vmobject.background_stroke_width > 0 and vmobject.background_stroke_rgbas[:, 3].any()
        fill = vmobject.fill_rgbas[:, 3].any()
        stroke = vmobject.stroke_width > 0 and vmobject.stroke_rgbas[:, 3].any()
        if not (background or fill or stroke):
            return self
        self.set_cairo_context_path(ctx, vmobject)
        if background:
            self.apply_stroke(ctx, vmobject, background=True)
        if fill:
            self.apply_fill(ctx, vmobject)
        if stroke:
            self.apply_stroke(ctx, vmobject)
        return self

    def draw_readout(self, glyphs: ReadoutGlyphs, ctx: cairo.Context) -> bool:
        """Fill the shown characters from one cached Cairo path per character, moved into place.
        False (draw it as any VMobject) for what this does not cover: gradients, strokes, moved points."""
        if (len(glyphs.fill_rgbas) != 1 or glyphs.stroke_width > 0 or glyphs.background_stroke_width > 0
                or not glyphs.placements_hold()):
            return False
        r, g, b, a = glyphs.fill_rgbas[0].tolist()
        if a == 0 or not glyphs.placed:
            return True
        # Flattened once into line segments, as Cairo would flatten them at every fill: that holds
        # for one scale of scene units to pixels, so the scale is part of the key.
        scale = tuple(ctx.get_matrix())[:4]
        paths = glyphs.cairo_paths
        for char, _, _ in glyphs.placed:
            if (char, scale) not in paths:
                outline = VMobject()
                outline.points = glyphs.outlines[char]
                self.set_cairo_context_path(ctx, outline)
                paths[char, scale] = ctx.copy_path_flat()
        ctx.new_path()
        for char, x, y in glyphs.placed:
            ctx.translate(x, y)
            ctx.append_path(paths[char, scale])
            ctx.translate(-x, -y)
        ctx.set_source_rgba(b, g, r, a)
        ctx.fill()
        return True

    def draw_revealed_curve(self, curve: RevealedCurve, ctx: cairo.Context) -> None:
        """The whole curve as one cached Cairo path, clipped at the reveal line."""
        rgba = curve.stroke_rgbas[0]
        if curve.stroke_width == 0 or rgba[3] == 0:
            return
        if "curve" not in curve.cairo_paths:
            ctx.new_path()
            ctx.move_to(*curve.corners[0, :2])
            for x, y in curve.corners[1:, :2].tolist():
                ctx.line_to(x, y)
            curve.cairo_paths["curve"] = ctx.copy_path()
        width = curve.stroke_width * self.cairo_line_width_multiple
        x0, x1 = curve.corners[0, 0], curve.reveal_x
        y_low, y_high = curve.corners[:, 1].min() - width, curve.corners[:, 1].max() + width
        ctx.save()
        ctx.new_path()
        ctx.rectangle(x0 - width, y_low, x1 - x0 + width, y_high - y_low)
        ctx.clip()
        ctx.new_path()
        ctx.append_path(curve.cairo_paths["curve"])
        ctx.set_source_rgba(rgba[2], rgba[1], rgba[0], rgba[3])
        ctx.set_line_width(width)
        ctx.set_line_join(cairo.LINE_JOIN_MITER)
        ctx.set_line_cap(cairo.LINE_CAP_BUTT)
        ctx.stroke()
        ctx.restore()


def draw_network(network_mob: NetworkMobject, ctx: cairo.Context, line_width_multiple: float) -> None:
    """Edges, then neurons over them, as Manim would draw the same Lines and Circles.

    The context already maps scene units to pixels. Manim's Cairo surface stores
    colours as BGR, so colours go in reversed, as Manim's own camera passes them.
    """
    opacity = network_mob.opacity
    if opacity <= 0:
        return
    ctx.set_line_cap(cairo.LINE_CAP_BUTT)
    ctx.set_line_join(cairo.LINE_JOIN_MITER)
    ctx.new_path()  # stroke() and fill() clear the path: one new_path serves every shape below
    for (x0, y0, x1, y1), (r, g, b, a), width in zip(network_mob.edge_segments, network_mob.edge_rgbas.tolist(),
                                                      network_mob.edge_widths.tolist()):
        if width <= 0 or a <= 0:
            continue
        ctx.move_to(x0, y0)
        ctx.line_to(x1, y1)
        ctx.set_source_rgba(b, g, r, a * opacity)
        ctx.set_line_width(width * line_width_multiple)
        ctx.stroke()
    radius = network_mob.radius
    for (x, y), (r, g, b), (sr, sg, sb, sa), rim in zip(network_mob.neuron_points, network_mob.neuron_rgbs.tolist(),
                                                        network_mob.rim_rgbas.tolist(),
                                                        network_mob.rim_widths.tolist()):
        ctx.arc(x, y, radius, 0.0, 2 * math.pi)
        ctx.close_path()
        ctx.set_source_rgba(b, g, r, opacity)
        ctx.fill_preserve()
        ctx.set_source_rgba(sb, sg, sr, sa * opacity)
        ctx.set_line_width(rim * line_width_multiple)
        ctx.stroke()


def draw_surface(surface: LossSurface, ctx: cairo.Context, line_width_multiple: float) -> None:
    """The surface's quads back to front, then its contour lines, the path so far and the ball."""
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
