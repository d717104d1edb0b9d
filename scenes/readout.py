"""A number display that changes every frame at almost no cost.

``DecimalNumber`` rebuilds its digits on each change (about 8 ms here). A
readout has one glyph mobject per character slot, made once, and on a change
only copies the outline points of the character it should show into it. The
family never changes, which matters: Manim decides at the start of each
``play`` which mobjects to redraw, and a glyph swapped in later would be
missed while the one swapped out would linger.
"""
from __future__ import annotations

import numpy as np
from manim import DOWN, RIGHT, Text, VGroup, VMobject

CHARACTERS = "0123456789.,%−-+"


class Readout(VGroup):
    """Right-aligned text of at most ``width`` characters; digits share one advance so numbers do not jitter."""

    def __init__(self, width: int, font_size: float = 24, color=None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.outlines: dict[str, np.ndarray] = {}  # points with the glyph's centre at the origin
        self.heights: dict[str, float] = {}  # glyph centre above a digit's baseline
        self.advances: dict[str, float] = {}
        for char in CHARACTERS:
            # Cut from "0c" so the glyph keeps its height relative to a digit's baseline.
            pair = Text("0" + char, font_size=font_size, color=color)
            zero, glyph = pair[0], pair[1]
            self.outlines[char] = glyph.points - glyph.get_center()
            self.heights[char] = glyph.get_center()[1] - zero.get_bottom()[1]
            self.advances[char] = glyph.width
        digit = max(self.advances[c] for c in "0123456789")
        gap = digit * 0.15
        self.advances = {c: (digit if c.isdigit() else width_) + gap for c, width_ in self.advances.items()}
        height = Text("0", font_size=font_size).height
        template = Text("0", font_size=font_size, color=color)[0]
        # An invisible frame fixes the readout's extent, whatever it shows, for layout.
        self.frame = VMobject(stroke_opacity=0, fill_opacity=0)
        extent = width * (digit + gap)
        self.frame.set_points_as_corners([[0, 0, 0], [extent, 0, 0], [extent, height, 0], [0, height, 0], [0, 0, 0]])
        self.glyphs = [template.copy() for _ in range(width)]
        self.add(self.frame, *self.glyphs)
        self.text = None
        self.set_text("")

    def set_text(self, text: str) -> "Readout":
        """Show ``text``; characters outside the glyph set show as gaps."""
        if text == self.text:
            return self
        self.text = text
        text = text[-len(self.glyphs):].rjust(len(self.glyphs))
        corner = self.frame.get_corner(DOWN + RIGHT)
        x = corner[0]
        for glyph, char in zip(self.glyphs[::-1], text[::-1]):
            advance = self.advances.get(char, self.advances["0"])
            if char in self.outlines:
                glyph.points = self.outlines[char] + np.array([x - advance / 2, corner[1] + self.heights[char], 0])
            else:
                glyph.points = np.zeros((0, 3))
            x -= advance
        return self
