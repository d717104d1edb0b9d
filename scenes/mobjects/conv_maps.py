"""What a convolutional layer shows: a few values magnified with each written in its cell (a window of
pixels, a kernel's weights, a pool's window), and a feature map that fills cell by cell as its kernel
slides. Colours follow the visual language: pixels grey, weights blue positive and red negative as
bright as their size, a map's values as neurons' fills (blue positive, amber negative, dark at 0); a
map of sums before ReLU draws its negative sums red, as negative weights are, so that ReLU is seen.
"""
from __future__ import annotations

import numpy as np
from manim import DOWN, LEFT, UP, Line, Rectangle, UpdateFromAlphaFunc, VGroup

from scenes.mobjects.glyphs import Label
from scenes.mobjects.raster import Raster
from scenes.mobjects.style import MUTED, NEGATIVE, neuron_colors

EMPTY = np.array([0.07, 0.07, 0.07])  # a map's cell not computed yet: near black, unlike a quiet 0
DARK_TEXT = "#111111"
LIGHT_TEXT = "#EEEEEE"


def map_colors(values: np.ndarray, scale: float) -> np.ndarray:
    """RGB of a map's values as neurons are filled: blue towards +scale, amber towards -scale, dark at 0."""
    values = np.asarray(values, dtype=float)
    levels = values / scale if scale > 0 else np.zeros_like(values)
    return neuron_colors(levels.ravel()).reshape(*values.shape, 3)


NEGATIVE_FLOOR = 0.45  # the least brightness of a negative sum's red: a small one still reads as negative


def sum_colors(values: np.ndarray, scale: float) -> np.ndarray:
    """RGB of a map's sums before ReLU: positive ones as ``map_colors`` paints them, negative ones red (as
    negative weights are), from ``NEGATIVE_FLOOR`` of full red up to full red at -scale, so that what ReLU
    will set to 0 is seen; 0 dark, as in the map after ReLU."""
    values = np.asarray(values, dtype=float)
    rgb = map_colors(np.maximum(values, 0.0), scale)
    quiet = map_colors(np.zeros(1), scale)[0]
    strength = np.clip(-values / scale, 0.0, 1.0) if scale > 0 else np.zeros_like(values)
    red = quiet + (np.array(NEGATIVE.to_rgb()) - quiet) * (NEGATIVE_FLOOR + (1 - NEGATIVE_FLOOR) * strength)[..., None]
    return np.where((values < 0)[..., None], red, rgb)


def value_text(value: float) -> str:
    """A value in a cell, two decimals and a true minus sign: as the formulas beside it write it."""
    return f"{round(float(value), 2) or 0.0:.2f}".replace("-", "−")  # never a minus zero


class ValueGrid(VGroup):
    """``values`` (rows x columns) magnified into square cells of ``cell`` scene units painted ``rgb``,
    each value written in its cell. Parts: ``picture``, ``lines`` (between the cells), ``numbers``
    (one Label a cell, row by row) and ``frame``."""

    def __init__(self, values: np.ndarray, rgb: np.ndarray, cell: float, font_size: float = 22,
                 texts: list[str] | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.values = np.asarray(values, dtype=float)
        rows, columns = self.values.shape
        self.cell = cell
        self.picture = Raster(rgb, columns * cell, rows * cell, smooth=False)
        self.lines = VGroup(*(Line([k * cell, 0, 0], [k * cell, -rows * cell, 0]) for k in range(1, columns)),
                            *(Line([0, -k * cell, 0], [columns * cell, -k * cell, 0]) for k in range(1, rows)))
        self.lines.set_stroke(MUTED, width=1.2)
        self.lines.move_to(self.picture)
        self.frame = Rectangle(width=columns * cell, height=rows * cell, stroke_color=MUTED, stroke_width=2)
        self.frame.move_to(self.picture)
        brightness = np.asarray(rgb, dtype=float).reshape(-1, 3) @ np.array([0.2126, 0.7152, 0.0722])
        texts = texts or [value_text(value) for value in self.values.ravel()]
        self.numbers = VGroup()
        for index, (text, light) in enumerate(zip(texts, brightness)):
            row, column = divmod(index, columns)
            label = Label(text, font_size=font_size, color=DARK_TEXT if light > 0.5 else LIGHT_TEXT)
            if label.width > 0.88 * cell:
                label.scale(0.88 * cell / label.width)
            label.move_to(self.cell_center(row, column))
            self.numbers.add(label)
        self.add(self.picture, self.lines, self.frame, self.numbers)

    def cell_center(self, row: int, column: int) -> np.ndarray:
        return self.picture.get_corner(UP + LEFT) + np.array([(column + 0.5) * self.cell, -(row + 0.5) * self.cell, 0])


class FillingMap(VGroup):
    """A feature map of ``values`` (rows x columns) drawn ``side`` scene units wide, its cells coloured
    by their values (``map_colors`` at ``scale``) once computed and near black before: ``fill_to`` shows
    the first cells in reading order, ``filling`` animates the kernel's sweep. Parts: ``picture``, ``frame``."""

    def __init__(self, values: np.ndarray, side: float, scale: float | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.values = np.asarray(values, dtype=float)
        self.rows, self.columns = self.values.shape
        self.value_scale = scale if scale is not None else float(np.abs(self.values).max()) or 1.0
        self.colors = self.coloured(self.values)
        self.pixel = side / max(self.rows, self.columns)
        self.picture = Raster(self.colors, self.columns * self.pixel, self.rows * self.pixel, smooth=False)
        self.frame = Rectangle(width=self.picture.width, height=self.picture.height, stroke_color=MUTED,
                               stroke_width=1.5).move_to(self.picture)
        self.filled = self.rows * self.columns
        self.add(self.picture, self.frame)

    def coloured(self, values: np.ndarray) -> np.ndarray:
        """The cells' colours for ``values`` on the map's scale (a map of another palette says its own)."""
        return map_colors(values, self.value_scale)

    def fill_to(self, count: int) -> FillingMap:
        """The first ``count`` cells in reading order computed, the rest still empty."""
        count = int(np.clip(count, 0, self.rows * self.columns))
        if count != self.filled:
            shown = self.colors.reshape(-1, 3).copy()
            shown[count:] = EMPTY
            self.picture.set_rgb(shown.reshape(self.rows, self.columns, 3))
            self.filled = count
        return self

    def show_values(self, values: np.ndarray) -> FillingMap:
        """The map's cells taking other values on the same scale (after ReLU: its negatives at 0)."""
        self.values = np.asarray(values, dtype=float)
        self.colors = self.coloured(self.values)
        self.picture.set_rgb(self.colors)
        self.filled = self.rows * self.columns
        return self

    def becoming(self, values: np.ndarray) -> UpdateFromAlphaFunc:
        """The map's values turning into ``values`` (on the same scale) row by row from the top: ReLU
        sweeping over it."""
        old, new = self.colors.copy(), self.coloured(values)

        def step(mob: FillingMap, alpha: float) -> None:
            rows = round(alpha * mob.rows)
            mob.picture.set_rgb(np.concatenate([new[:rows], old[rows:]]))
            if alpha >= 1:
                mob.show_values(values)

        return UpdateFromAlphaFunc(self, step)

    def cell_center(self, row: int, column: int) -> np.ndarray:
        return self.picture.get_corner(UP + LEFT) + np.array([(column + 0.5) * self.pixel, -(row + 0.5) * self.pixel,
                                                              0])

    def filling(self, start: int, end: int, follow=None) -> UpdateFromAlphaFunc:
        """Cells ``start`` to ``end`` (reading order) computed one after another; ``follow(index)`` is
        called with the cell being computed (to move the kernel's frame along)."""

        def step(mob: FillingMap, alpha: float) -> None:
            index = start + round(alpha * (end - start))
            mob.fill_to(index)
            if follow is not None and index > 0:
                follow(index - 1)

        return UpdateFromAlphaFunc(self, step)


class SumMap(FillingMap):
    """A feature map of sums before the activation: its negative cells red (``sum_colors``), so the ReLU
    that sets them to 0 is seen; once all its values are 0 or more it is drawn as any map is."""

    def coloured(self, values: np.ndarray) -> np.ndarray:
        return sum_colors(values, self.value_scale)


def square_at(center: np.ndarray, side: float, color, width: float = 3.0) -> Rectangle:
    """An outline ``side`` wide around ``center``: where a kernel or a window lies."""
    return Rectangle(width=side, height=side, stroke_color=color, stroke_width=width).move_to(center)


def below(mobject, text: str, font_size: float = 22, color=MUTED) -> Label:
    """A caption under ``mobject``."""
    return Label(text, font_size=font_size, color=color).next_to(mobject, DOWN, buff=0.15).align_to(mobject, LEFT)

