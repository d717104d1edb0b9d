"""A Cairo camera that lets a mobject paint itself: replays that change every frame draw whole networks,
surfaces, curves and images from numpy arrays in one call each.

Manim spends most of a frame on per-mobject Python (point checks, subpath splits, colour setup)
long before Cairo draws anything. A mobject with a ``paint(ctx, camera)`` method (the network's
canvas, the loss surface, a revealed curve, a readout's glyphs, the images of ``raster``) is
painted by that method instead, from its own arrays; it returns False to be drawn as any
VMobject. The camera knows no mobject by name: mobjects never import it. Tests render the same
state both ways and compare the pixels.
"""
from __future__ import annotations

import cairo
from manim import Camera, VMobject


class FastCamera(Camera):
    """Manim's Cairo camera, handing a mobject that paints itself its context, and drawing other
    VMobjects as Manim does but without the passes that paint nothing (a fill or stroke that is fully
    transparent): a curve's invisible fill still costs Cairo the rasterizing of the area under it."""

    def display_vectorized(self, vmobject: VMobject, ctx: cairo.Context):
        paint = getattr(vmobject, "paint", None)
        if paint is not None and paint(ctx, self) is not False:
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
