"""Numbers in rows and columns between square brackets, as a formula writes a matrix or a vector.

Each entry is a readout in the formulas' font, so an entry can be written, counted up or changed
while it is said (a readout that changes is a number marked), and a row or a column can be pointed
at: the matrix knows where each of its entries is, which a typeset formula does not tell.
"""
from __future__ import annotations

import functools
from typing import Sequence

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, Dot, UpdateFromAlphaFunc, VGroup, VMobject

from scenes.mobjects.glyphs import Formula
from scenes.mobjects.readout import CHARACTERS, Readout
from scenes.mobjects.style import LABEL

ROW_PITCH = 2.1  # digit heights from one row's baseline to the next
COLUMN_GAP = 1.3  # digit heights between columns
DOTS_WIDTH = 1.6  # digit heights: the width of a column of dots
BRACKET_PAD = 0.45  # digit heights the brackets reach past the first and last rows


@functools.lru_cache(maxsize=8)
def _typst_characters(font_size: float) -> Formula:
    return Formula('"' + CHARACTERS + '"', font_size=font_size)


class MathsReadout(Readout):
    """A readout in the formulas' font (Typst's): a number that stands in a formula."""

    @staticmethod
    def characters(font_size: float, color) -> VMobject:
        sample = _typst_characters(font_size).copy()
        return sample.set_color(color) if color is not None else sample


class NumberMatrix(VGroup):
    """``texts`` (rows of entries: a number's text, or None for dots standing for entries left out)
    between square brackets, each entry right-aligned in its column so decimal points line up.

    A row whose entries are all None is a row of vertical dots, a column of Nones one of
    horizontal dots, and where both cross, diagonal ones. ``colors`` (the same shape) colours
    each entry; ``chars`` is the widest text an entry will show (by default the widest given),
    for entries written later (``count``, ``change``).
    """

    def __init__(self, texts: Sequence[Sequence[str | None]], font_size: float = 24,
                 colors: Sequence[Sequence] | None = None, color=LABEL, chars: int | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.texts = [list(row) for row in texts]
        n_rows, n_columns = len(self.texts), len(self.texts[0])
        widest = max((len(text) for row in self.texts for text in row if text), default=1)
        self.chars = max(chars or 0, widest)
        probe = MathsReadout(self.chars, font_size=font_size, color=color)
        self.digit_height = probe.made[1]
        self.cell_width = probe.frame.width
        self.row_pitch = ROW_PITCH * self.digit_height
        dotted_rows = {i for i, row in enumerate(self.texts) if all(text is None for text in row)}
        dotted_columns = {j for j in range(n_columns) if all(row[j] is None for row in self.texts)}
        # A column of dots is narrower than one of numbers: only as wide as its dots.
        widths = [DOTS_WIDTH * self.digit_height if j in dotted_columns else self.cell_width for j in range(n_columns)]
        gap = COLUMN_GAP * self.digit_height
        lefts = np.concatenate([[0.0], np.cumsum([width + gap for width in widths])])[:-1]
        self.column_x = [left + width / 2 for left, width in zip(lefts, widths)]
        self.cells: list[list[VMobject]] = []
        for i, row in enumerate(self.texts):
            cells = []
            for j, text in enumerate(row):
                centre = np.array([self.column_x[j], -i * self.row_pitch, 0.0])
                if text is None:
                    kind = ("diagonal" if i in dotted_rows and j in dotted_columns else "vertical"
                            if i in dotted_rows else "horizontal")
                    cell = self._dots(kind).move_to(centre)
                else:
                    cell = MathsReadout(self.chars, font_size=font_size,
                                        color=colors[i][j] if colors is not None else color)
                    cell.set_text(text)
                    cell.shift(centre - cell.frame.get_center())  # by its frame: one baseline a row, whatever its digits
                cells.append(cell)
            self.cells.append(cells)
        self.rows = [VGroup(*cells) for cells in self.cells]
        self.columns = [VGroup(*(cells[j] for cells in self.cells)) for j in range(n_columns)]
        self.entries = VGroup(*(cell for cells in self.cells for cell in cells))
        self.brackets = self._brackets(n_rows, widths, color)
        self.add(self.entries, self.brackets)

    @property
    def readouts(self) -> list[Readout]:
        """Every numeric entry, row by row."""
        return [cell for cells in self.cells for cell in cells if isinstance(cell, Readout)]

    def _dots(self, kind: str) -> VMobject:
        """Three dots in a row, column or diagonal, as one shape (one draw, not three)."""
        step = 0.55 * self.digit_height
        offsets = {"vertical": [UP, 0 * UP, DOWN], "horizontal": [LEFT, 0 * UP, RIGHT],
                   "diagonal": [UP + LEFT, 0 * UP, DOWN + RIGHT]}[kind]
        dots = VMobject(fill_color=LABEL, fill_opacity=1.0, stroke_width=0)
        for offset in offsets:
            dots.append_vectorized_mobject(Dot(step * offset, radius=0.09 * self.digit_height))
        return dots

    def _brackets(self, n_rows: int, widths: list[float], color) -> VGroup:
        top = 0.5 * self.digit_height + BRACKET_PAD * self.digit_height
        bottom = -(n_rows - 1) * self.row_pitch - top
        inset = 0.35 * self.digit_height
        left_edge = self.column_x[0] - widths[0] / 2 - inset
        right_edge = self.column_x[-1] + widths[-1] / 2 + inset
        serif = 0.35 * self.digit_height
        width = max(1.5, 9.0 * self.digit_height)  # a stroke as heavy as the digits'
        brackets = VGroup()
        for x, direction in ((left_edge, 1), (right_edge, -1)):
            bracket = VMobject(stroke_color=color, stroke_width=width)
            bracket.set_points_as_corners([[x + direction * serif, top, 0], [x, top, 0], [x, bottom, 0],
                                           [x + direction * serif, bottom, 0]])
            brackets.add(bracket)
        return brackets

    def count(self, i: int, j: int, start: float, end: float, text, settle: float = 1.0) -> UpdateFromAlphaFunc:
        """Entry (i, j) counting from ``start`` to ``end``, each value written by ``text`` (a number
        formatter): a sum adding up as 3Blue1Brown's ChangingDecimal shows it. It reaches ``end`` at
        ``settle`` of the animation and holds it there: the true value is seen, not a value passing by."""
        cell = self.cells[i][j]
        return UpdateFromAlphaFunc(cell, lambda mob, alpha: mob.set_text(
            text(start + min(1.0, alpha / settle) * (end - start))))

    def change(self, i: int, j: int, text: str) -> UpdateFromAlphaFunc:
        """Entry (i, j) fading out and back in as ``text``: a value turned into another."""
        cell = self.cells[i][j]
        old = cell.text

        def step(mob: Readout, alpha: float) -> None:
            mob.set_text(old if alpha < 0.5 else text)
            mob.glyphs.set_fill(opacity=abs(1.0 - 2.0 * alpha))

        return UpdateFromAlphaFunc(cell, step)
