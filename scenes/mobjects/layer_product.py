"""One layer's W a + b = z in numbers, as 3Blue1Brown writes it beside the network, and its rows
computed one at a time: a box on a row of W, the sum it gives written into z, then the layer's
activation turning every sum into the neuron's value.

A large W shows some of its rows and columns with dots for the rest (``window``); the rows shown
are neurons the network draws, so each row has a neuron to light.
"""
from __future__ import annotations

from typing import Callable, Sequence

import numpy as np
from manim import RIGHT, UP, Rectangle, SurroundingRectangle, VGroup

from scenes.mobjects.glyphs import Formula
from scenes.mobjects.number_matrix import NumberMatrix
from scenes.mobjects.style import HIGHLIGHT, LABEL, MUTED, NEGATIVE, POSITIVE

Entry = int | None  # an index shown, or None for dots
SUM_SETTLES = 0.65  # of a row's time, when its sum has counted up to its value


def shown_in_order(chosen: set[int], count: int) -> list[Entry]:
    """``chosen`` indices of ``count`` in order, with None (dots) wherever entries are left out: between
    two that are not neighbours, before the first and after the last."""
    shown: list[Entry] = []
    previous = -1
    for index in sorted(chosen):
        if index != previous + 1:
            shown.append(None)
        shown.append(index)
        previous = index
    return shown + ([None] if previous != count - 1 else [])


def rows_shown(drawn: Sequence[int], count: int, limit: int, keep: Sequence[int] = ()) -> list[Entry]:
    """W's rows shown of ``count`` in at most ``limit`` places (dots included), taken from ``drawn`` (the
    neurons the network draws, in order): all of them, or the first ones, those in ``keep`` (when
    drawn) and the last drawn, with dots for the rows left out."""
    if count <= limit:
        return list(range(count))
    drawn = [int(index) for index in drawn]
    chosen = {int(index) for index in keep if int(index) in drawn} | {drawn[-1]}
    for index in drawn:
        if index in chosen:
            continue
        if len(shown_in_order(chosen | {index}, count)) > limit:
            break
        chosen.add(index)
    return shown_in_order(chosen, count)


def columns_shown(W: np.ndarray, a_prev: np.ndarray, drawn: Sequence[int], limit: int = 4) -> list[Entry]:
    """W's columns shown: all of them when they fit in ``limit`` places, else the three drawn inputs
    that add most to this layer's sums (the largest sum of |w a| down their column), in order, with one
    column of dots before the last for all the others, wherever they are."""
    if W.shape[1] <= limit:
        return list(range(W.shape[1]))
    drawn = np.asarray(drawn, dtype=int)
    weight = np.abs(W[:, drawn] * a_prev[drawn]).sum(axis=0)
    top = sorted(int(index) for index in drawn[np.argsort(-weight, kind="stable")[:limit - 1]])
    return [*top[:-1], None, top[-1]]


def _texts(values: np.ndarray, shown: Sequence[Entry], text: Callable[[float], str]) -> list[list[str | None]]:
    return [[None if i is None else text(values[i])] for i in shown]


class LayerProduct(VGroup):
    """``W a + b = z`` for one layer, the entries shown being W's ``rows`` and ``cols`` (None for dots).

    Parts: ``weights`` (blue entries positive, red negative, as the edges), ``inputs`` (the previous
    layer's values), ``biases``, ``results`` (empty until ``write_sum`` writes each sum, then
    ``squash_texts`` gives the layer's values), the ``plus`` and ``equals`` between them and the
    ``names`` under each bracket (W's with its size). ``text`` writes a number.
    """

    def __init__(self, W: np.ndarray, a_prev: np.ndarray, b: np.ndarray, z: np.ndarray, a: np.ndarray,
                 rows: Sequence[Entry], cols: Sequence[Entry], layer: int, text: Callable[[float], str],
                 value_text: Callable[[float], str] | None = None, font_size: float = 24, **kwargs) -> None:
        super().__init__(**kwargs)
        self.W, self.z, self.a, self.rows, self.cols, self.text = W, z, a, list(rows), list(cols), text
        self.value_text = value_text or text
        entries = [[None if i is None or j is None else text(W[i, j]) for j in cols] for i in rows]
        colors = [[POSITIVE if i is not None and j is not None and W[i, j] >= 0 else NEGATIVE for j in cols]
                  for i in rows]
        self.weights = NumberMatrix(entries, font_size, colors=colors)
        self.inputs = NumberMatrix(_texts(a_prev, cols, text), font_size)
        self.biases = NumberMatrix(_texts(b, rows, text), font_size)
        shown = [i for i in rows if i is not None]
        widest = max([len(text(value)) for value in z[shown]] + [len(self.value_text(value)) for value in a[shown]])
        self.results = NumberMatrix([[None if i is None else ""] for i in rows], font_size, chars=widest)
        self.plus, self.equals = Formula("+", font_size=font_size, color=LABEL), Formula("=", font_size=font_size,
                                                                                         color=LABEL)
        self.terms = VGroup(self.weights, self.inputs, self.plus, self.biases, self.equals, self.results)
        self.terms.arrange(RIGHT, buff=0.22)
        for part in (self.inputs, self.plus, self.equals):
            part.match_y(self.weights.entries)  # a shorter vector sits at the middle of W's rows
        n_out, n_in = W.shape
        self.weights_name = VGroup(Formula(f"W^(({layer}))", font_size=font_size, color=LABEL),
                                   Formula(f"{n_out} times {n_in}", font_size=font_size, color=MUTED)
                                   ).arrange(RIGHT, buff=0.2)
        self.sums_name = Formula(f"z^(({layer}))", font_size=font_size, color=LABEL)
        self.values_name = Formula(f"a^(({layer}))", font_size=font_size, color=LABEL)
        names = [(self.weights_name, self.weights), (Formula(f"a^(({layer - 1}))", font_size=font_size, color=LABEL),
                                                     self.inputs),
                 (Formula(f"b^(({layer}))", font_size=font_size, color=LABEL), self.biases),
                 (self.sums_name, self.results)]
        bottom = min(part.get_bottom()[1] for _, part in names) - 0.15
        for name, part in names:
            name.move_to([part.get_center()[0], bottom, 0], UP)
        self.values_name.move_to(self.sums_name)
        self.names = VGroup(*(name for name, _ in names))
        self.add(self.terms, self.names)

    def shown_rows(self) -> list[tuple[int, int]]:
        """(place in the matrix, index in W) of each numeric row, top to bottom."""
        return [(place, index) for place, index in enumerate(self.rows) if index is not None]

    def row_box(self, place: int) -> Rectangle:
        """A rectangle around row ``place`` of W (its dots included), as wide as W's entries."""
        row = self.weights.rows[place]
        box = SurroundingRectangle(VGroup(self.weights.entries, row), color=HIGHLIGHT, buff=0.06,
                                   stroke_width=3)
        box.stretch_to_fit_height(row.height + 0.12 if row.height > 0.05 else self.weights.digit_height + 0.12)
        return box.move_to([box.get_center()[0], row.get_center()[1], 0])

    def inputs_box(self) -> Rectangle:
        return SurroundingRectangle(self.inputs.entries, color=HIGHLIGHT, buff=0.08, stroke_width=3)

    def write_sum(self, place: int):
        """The sum of row ``place`` counting up in z to its value, as the row's products add up; there by
        two thirds of the row's time, so a frame mid-row shows the sum itself, not a count passing it."""
        index = self.rows[place]
        return self.results.count(place, 0, 0.0, float(self.z[index]), self.text, settle=SUM_SETTLES)

    def squash_texts(self) -> list[list[str | None]]:
        """The layer's values where its sums were."""
        return [[None if i is None else self.value_text(self.a[i])] for i in self.rows]

    def place_of(self, index: int) -> int | None:
        """Where W's row ``index`` is shown, or None."""
        return self.rows.index(index) if index in self.rows else None
