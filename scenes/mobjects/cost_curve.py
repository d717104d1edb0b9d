"""The cost of one example against the probability it gives the right class: the curve C = −ln p on
small axes, the example's point on it. Backpropagation opens on the cost the cost chapter drew: where
this example sits on that curve is what the gradient will push it down from."""
from __future__ import annotations

import math

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, Axes, Dot, VGroup, VMobject

from scenes.mobjects.glyphs import Label
from scenes.mobjects.style import HIGHLIGHT, LABEL, MUTED, NEGATIVE

TICK_FONT = 22  # digits 14 px tall at 480p


class CostCurve(VGroup):
    """Axes of C against p (0 to 1; C from 0 to the example's cost rounded up, at least 3), the curve
    −ln p, and ``point`` at the example's ``p``. Parts: ``axes``, ``ticks``, ``names``, ``curve``, ``point``."""

    def __init__(self, p: float, width: float, height: float, **kwargs) -> None:
        super().__init__(**kwargs)
        cost = -math.log(max(p, 1e-300))
        top = float(max(3, math.ceil(cost * 1.15)))
        self.axes = Axes(x_range=[0, 1, 0.5], y_range=[0, top, top], x_length=width - 0.6, y_length=height - 0.7,
                         axis_config={"color": MUTED, "include_tip": False, "stroke_width": 2}, tips=False)
        self.ticks = VGroup(
            *(Label(text, font_size=TICK_FONT, color=MUTED).next_to(self.axes.c2p(value, 0), DOWN, buff=0.1)
              for text, value in (("0", 0.0), ("1", 1.0))),
            Label(f"{top:g}", font_size=TICK_FONT, color=MUTED).next_to(self.axes.c2p(0, top), LEFT, buff=0.1))
        self.names = VGroup(Label("p", font_size=24, color=LABEL).next_to(self.axes.c2p(1, 0), UP + RIGHT, buff=0.06),
                            Label("C", font_size=24, color=LABEL).next_to(self.axes.c2p(0, top), RIGHT, buff=0.12))
        xs = np.exp(np.linspace(-top, 0.0, 200))  # evenly in log p: its climb near 0 as smooth as its tail
        self.curve = VMobject(stroke_color=NEGATIVE, stroke_width=4).set_points_smoothly(
            [self.axes.c2p(float(x), float(-math.log(x))) for x in xs])
        self.point = Dot(self.axes.c2p(p, cost), radius=0.09, color=HIGHLIGHT)
        self.add(self.axes, self.ticks, self.names, self.curve, self.point)
