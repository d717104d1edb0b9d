"""A network's neurons painted from its arrays in one call, its edges left as Manim's lines.

For a scene that lights neurons in nearly every frame but never changes a weight: Manim redraws
what moves, so lit Circles cost a Python pass each, and a whole painted network (``NetworkCanvas``)
repaints every edge whenever one neuron changes; here the edges stay in the still background and
only the discs are repainted, from ``NetworkMobject.neuron_rgbs``.
"""
from __future__ import annotations

import math

import cairo
import numpy as np
from manim import VMobject

from scenes.mobjects.network import NetworkMobject


class NeuronCanvas(VMobject):
    """Stands in for ``network_mob``'s neurons (put it in the scene in their place) and paints them, each
    filled with its row of ``network_mob.neuron_rgbs`` and rimmed as its circle is. Its own points span
    the neurons, so Manim keeps it in the display list; they are never drawn."""

    def __init__(self, network_mob: NetworkMobject, **kwargs) -> None:
        super().__init__(stroke_opacity=0, fill_opacity=0, **kwargs)
        self.network_mob = network_mob
        circles = [circle for column in network_mob.neurons for circle in column]
        self.centres = [tuple(circle.get_center()[:2]) for circle in circles]
        self.rims = [tuple(circle.get_stroke_color().to_rgb()) for circle in circles]
        self.rim_widths = [float(circle.stroke_width) for circle in circles]
        self.radius = network_mob.radius
        low = network_mob.neurons.get_corner(np.array([-1, -1, 0]))
        high = network_mob.neurons.get_corner(np.array([1, 1, 0]))
        self.set_points_as_corners([low, [high[0], low[1], 0], high])
        self.opacity = 1.0

    def paint(self, ctx: cairo.Context, camera) -> None:
        """Each disc, then its rim, as Manim draws a filled, stroked Circle (colours BGR, as Manim's
        Cairo surface takes them)."""
        if self.opacity <= 0:
            return
        width = camera.cairo_line_width_multiple
        for (x, y), (r, g, b), (sr, sg, sb), rim in zip(self.centres, self.network_mob.neuron_rgbs.tolist(), self.rims,
                                                        self.rim_widths):
            ctx.new_path()
            ctx.arc(x, y, self.radius, 0.0, 2 * math.pi)
            ctx.close_path()
            ctx.set_source_rgba(b, g, r, self.opacity)
            ctx.fill_preserve()
            ctx.set_source_rgba(sb, sg, sr, self.opacity)
            ctx.set_line_width(rim * width)
            ctx.stroke()
