"""A number display that changes every frame at almost no cost.

``DecimalNumber`` rebuilds its digits on each change (about 8 ms here). A
readout keeps the outline of every character it can show, made once, and on
a change writes the outlines of the new text, placed side by side, into a
single VMobject: one mobject to draw per frame, and a family that never
changes, which matters because Manim decides at the start of each ``play``
which mobjects to redraw. ``FastCamera`` fills the same characters from
Cairo paths it makes once per character, skipping Manim's per-curve path
building.
"""
from __future__ import annotations

import cairo
import numpy as np
from manim import VGroup, VMobject

from scenes.mobjects.glyphs import Label
from scenes.mobjects.path_cache import PathCache

CHARACTERS = "0123456789.,%−-+e<"  # "<" for a cost below what plain decimals write (words.loss_number)


class ReadoutGlyphs(VMobject):
    """The characters a readout shows, as one path. ``placed`` lists each shown character with the
    offset of its outline (outlines are centred on the origin), for cameras that draw from it."""

    def __init__(self, outlines: dict[str, np.ndarray], **kwargs) -> None:
        super().__init__(**kwargs)
        self.outlines = outlines
        self.placed: list[tuple[str, float, float]] = []
        self.cairo_paths = PathCache()

    def show(self, placed: list[tuple[str, float, float]]) -> None:
        self.placed = placed
        self.points = (np.concatenate([self.outlines[char] + np.array([x, y, 0.0]) for char, x, y in placed])
                       if placed else np.zeros((0, 3)))
        self._shown = (len(self.points), tuple(self.points[0, :2]) if placed else None)

    def placements_hold(self) -> bool:
        """Whether the points are still where ``show`` put them: a shift or scale since moves the points only."""
        count, first = self._shown
        return len(self.points) == count and (first is None or tuple(self.points[0, :2]) == first)

    def paint(self, ctx: cairo.Context, camera) -> bool:
        """Fill the shown characters from one cached Cairo path per character, moved into place.
        False (the camera draws it as any VMobject) for what this does not cover: gradients, strokes, moved points."""
        if (len(self.fill_rgbas) != 1 or self.stroke_width > 0 or self.background_stroke_width > 0
                or not self.placements_hold()):
            return False
        r, g, b, a = self.fill_rgbas[0].tolist()
        if a == 0 or not self.placed:
            return True
        # Flattened once into line segments, as Cairo would flatten them at every fill: that holds
        # for one scale of scene units to pixels, so the scale is part of the key.
        scale = tuple(ctx.get_matrix())[:4]
        paths = self.cairo_paths
        for char, _, _ in self.placed:
            if (char, scale) not in paths:
                outline = VMobject()
                outline.points = self.outlines[char]
                camera.set_cairo_context_path(ctx, outline)
                paths[char, scale] = ctx.copy_path_flat()
        ctx.new_path()
        for char, x, y in self.placed:
            ctx.translate(x, y)
            ctx.append_path(paths[char, scale])
            ctx.translate(-x, -y)
        ctx.set_source_rgba(b, g, r, a)
        ctx.fill()
        return True


class Readout(VGroup):
    """Right-aligned text of at most ``width`` characters; digits share one advance so numbers do not jitter."""

    def __init__(self, width: int, font_size: float = 24, color=None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.width_in_chars = width
        # One text holds every character on one baseline: the bottom of its "0".
        sample = self.characters(font_size, color)
        baseline = sample[0].get_bottom()[1]
        self.outlines = {char: glyph.points - glyph.get_center() for char, glyph in zip(CHARACTERS, sample)}
        self.heights = {char: glyph.get_center()[1] - baseline for char, glyph in zip(CHARACTERS, sample)}
        advances = {char: glyph.width for char, glyph in zip(CHARACTERS, sample)}
        digit = max(advances[c] for c in "0123456789")
        gap = digit * 0.15
        self.advances = {c: (digit if c.isdigit() else w) + gap for c, w in advances.items()}
        height = sample[0].height
        self.made = (font_size, height)  # its font size, at the height of its "0" then
        # An invisible frame fixes the readout's extent, whatever it shows, for layout.
        self.frame = VMobject(stroke_opacity=0, fill_opacity=0, stroke_width=0)
        extent = width * (digit + gap)
        self.frame.set_points_as_corners([[0, 0, 0], [extent, 0, 0], [extent, height, 0], [0, height, 0], [0, 0, 0]])
        self.glyphs = ReadoutGlyphs(self.outlines).match_style(sample[0])
        self.add(self.frame, self.glyphs)
        self.text = None
        self.outline_scale = 1.0  # of the outlines and advances, against the readout as made
        self.set_text("")

    @staticmethod
    def characters(font_size: float, color) -> VMobject:
        """Every character a readout can show, in ``CHARACTERS``' order, one submobject each, in its font."""
        return Label(CHARACTERS, font_size=font_size, color=color)

    @property
    def font_size_now(self) -> float:
        """Its font size as drawn: as made, times what it has been scaled by since."""
        font_size, height = self.made
        return font_size * self.frame.height / height if height else font_size

    def match_scale(self) -> None:
        """Outlines and advances as large as the readout is now: text written after a scale (a readout
        fitted into a layout) is as large as its frame, not as it was made."""
        scale = self.frame.height / self.made[1] if self.made[1] else 1.0
        if abs(scale - self.outline_scale) < 1e-9:
            return
        ratio = scale / self.outline_scale
        self.outlines = {char: outline * ratio for char, outline in self.outlines.items()}
        self.heights = {char: height * ratio for char, height in self.heights.items()}
        self.advances = {char: advance * ratio for char, advance in self.advances.items()}
        self.glyphs.outlines = self.outlines
        self.glyphs.cairo_paths = PathCache()  # its paths were flattened from the old outlines
        self.outline_scale = scale

    def set_text(self, text: str) -> "Readout":
        """Show ``text``; characters outside the glyph set show as gaps."""
        # The same text again is nothing to do, unless a transform has since moved the glyphs' points (a
        # FadeIn begun on "0" ends by setting them to its copy's "0", whatever the readout shows by then).
        if text == self.text and self.glyphs.placements_hold():
            return self
        self.text = text
        self.match_scale()
        corner = self.frame.points[3]  # the frame's bottom-right corner, without a bounding-box pass
        x = corner[0]
        placed = []
        for char in reversed(text[-self.width_in_chars:]):
            advance = self.advances.get(char, self.advances["0"])
            if char in self.outlines:
                placed.append((char, float(x - advance / 2), float(corner[1] + self.heights[char])))
            x -= advance
        self.glyphs.show(placed)
        return self
