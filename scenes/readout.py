"""A number display that changes every frame at almost no cost.

``DecimalNumber`` rebuilds its digits on each change (about 8 ms here). A
readout keeps the outline of every character it can show, made once, and on
a change writes the outlines of the new text, placed side by side, into a
single VMobject: one mobject to draw per frame, and a family that never
changes, which matters because Manim decides at the start of each ``play``
which mobjects to redraw.
"""
from __future__ import annotations

import numpy as np
from manim import DOWN, RIGHT, Text, VGroup, VMobject

CHARACTERS = "0123456789.,%−-+"


class Readout(VGroup):
    """Right-aligned text of at most ``width`` characters; digits share one advance so numbers do not jitter."""

    def __init__(self, width: int, font_size: float = 24, color=None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.width_in_chars = width
        # One Text holds every character on one baseline: the bottom of its "0".
        sample = Text(CHARACTERS, font_size=font_size, color=color)
        baseline = sample[0].get_bottom()[1]
        self.outlines = {char: glyph.points - glyph.get_center() for char, glyph in zip(CHARACTERS, sample)}
        self.heights = {char: glyph.get_center()[1] - baseline for char, glyph in zip(CHARACTERS, sample)}
        advances = {char: glyph.width for char, glyph in zip(CHARACTERS, sample)}
        digit = max(advances[c] for c in "0123456789")
        gap = digit * 0.15
        self.advances = {c: (digit if c.isdigit() else w) + gap for c, w in advances.items()}
        height = sample[0].height
        # An invisible frame fixes the readout's extent, whatever it shows, for layout.
        self.frame = VMobject(stroke_opacity=0, fill_opacity=0, stroke_width=0)
        extent = width * (digit + gap)
        self.frame.set_points_as_corners([[0, 0, 0], [extent, 0, 0], [extent, height, 0], [0, height, 0], [0, 0, 0]])
        self.glyphs = VMobject().match_style(sample[0])
        self.add(self.frame, self.glyphs)
        self.text = None
        self.set_text("")

    def set_text(self, text: str) -> "Readout":
        """Show ``text``; characters outside the glyph set show as gaps."""
        if text == self.text:
            return self
        self.text = text
        corner = self.frame.get_corner(DOWN + RIGHT)
        x = corner[0]
        parts = []
        for char in reversed(text[-self.width_in_chars:]):
            advance = self.advances.get(char, self.advances["0"])
            if char in self.outlines:
                parts.append(self.outlines[char] + np.array([x - advance / 2, corner[1] + self.heights[char], 0]))
            x -= advance
        self.glyphs.points = np.concatenate(parts) if parts else np.zeros((0, 3))
        return self
