"""A few pixels of an image, magnified, each with its value written in it, as 3Blue1Brown writes the
number into each pixel; and the grey scale that reads a value as a brightness.

The window is cut from a ``PixelImage`` on screen: a frame marks it there, the magnified cells
grow out of it, and lines join the two, so the numbers are seen to be those pixels.
"""
from __future__ import annotations

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, Animation, Create, FadeIn, LaggedStart, Line, Rectangle, Restore, VGroup

from scenes.mobjects.glyphs import Label
from scenes.mobjects.pixel_image import PixelImage
from scenes.mobjects.raster import Raster
from scenes.mobjects.style import HIGHLIGHT, LABEL, MUTED, pixel_greys

NUMBER_FONT = 20  # a pixel's value: readable at 480p (about 11 px tall there, 24 at 1080p)
DARK_TEXT = "#111111"  # a number on a light pixel
LIGHT_TEXT = "#EEEEEE"  # and on a dark one


def pixel_text(value: float) -> str:
    """A pixel's value as its cell shows it: 0 and 1 exactly as they are, the rest to two decimals."""
    if value <= 0:
        return "0"
    if value >= 1:
        return "1"
    return f"{value:.2f}"


def telling_window(values: np.ndarray, shape: tuple[int, int], size: int) -> tuple[int, int]:
    """The top-left (row, column) of the ``size`` x ``size`` window of an image that says most about
    its values: the one with the most different values in it, blank paper and ink together (a
    stroke's edge), ties going to the first in reading order."""
    image = np.asarray(values, dtype=float).reshape(shape)
    rows, columns = shape
    size = min(size, rows, columns)
    best, best_score = (0, 0), -1.0
    for row in range(rows - size + 1):
        for column in range(columns - size + 1):
            window = image[row:row + size, column:column + size]
            blank = np.count_nonzero(window == 0)
            # Distinct values first; a window of ink alone or paper alone says half of the story.
            score = len(np.unique(window)) + (size * size if 0 < blank < size * size else 0)
            if score > best_score:
                best, best_score = (row, column), score
    return best


class PixelZoom(VGroup):
    """The ``size`` x ``size`` pixels of ``image`` from ``corner`` (row, column), magnified into cells of
    ``cell`` scene units with the value of each written in it, and placed with its top-left at
    ``top_left``. Parts: ``window`` (the frame on the image), ``cells`` (the magnified pixels and the
    lines between them), ``numbers`` (one Label a pixel, row by row) and ``leaders`` (lines from the
    window to the cells)."""

    def __init__(self, image: PixelImage, corner: tuple[int, int], size: int, cell: float,
                 top_left: np.ndarray, **kwargs) -> None:
        super().__init__(**kwargs)
        rows, columns = image.shape
        self.corner, self.size = corner, size
        row, column = corner
        self.values = image.values.reshape(rows, columns)[row:row + size, column:column + size]
        pixel = image.picture.width / columns
        image_corner = image.picture.get_corner(UP + LEFT)
        self.window = Rectangle(width=size * pixel, height=size * pixel, stroke_color=HIGHLIGHT, stroke_width=3)
        self.window.move_to(image_corner + np.array([(column + size / 2) * pixel, -(row + size / 2) * pixel, 0]))
        side = size * cell
        picture = Raster(pixel_greys(self.values), side, side, smooth=False)
        lines = VGroup(*(Line([k * cell, 0, 0], [k * cell, -side, 0]) for k in range(size + 1)),
                       *(Line([0, -k * cell, 0], [side, -k * cell, 0]) for k in range(size + 1)))
        lines.set_stroke(MUTED, width=1.5)
        lines.move_to(picture)
        self.cells = VGroup(picture, lines)
        self.cells.move_to(np.asarray(top_left) + np.array([side / 2, -side / 2, 0]))
        self.numbers = VGroup()
        for (r, c), value in np.ndenumerate(self.values):
            text = Label(pixel_text(value), font_size=NUMBER_FONT, color=DARK_TEXT if value > 0.5 else LIGHT_TEXT)
            text.scale(min(1.0, 0.86 * cell / text.width))
            text.move_to(self.cells.get_corner(UP + LEFT) + np.array([(c + 0.5) * cell, -(r + 0.5) * cell, 0]))
            self.numbers.add(text)
        self.leaders = VGroup(*(Line(self.window.get_corner(side_), self.cells.get_corner(side_))
                                for side_ in (UP + LEFT, DOWN + LEFT)))
        self.leaders.set_stroke(HIGHLIGHT, width=1.5, opacity=0.6)
        self.add(self.leaders, self.window, self.cells, self.numbers)

    def grow(self, run_time: float = 1.2) -> Animation:
        """The window framed on the image, then its pixels growing out of it to their magnified place."""
        self.cells.save_state()
        self.cells.replace(self.window, stretch=True)
        return LaggedStart(Create(self.window), Restore(self.cells), Create(self.leaders), lag_ratio=0.35,
                           run_time=run_time, group=self)

    def write_numbers(self, run_time: float) -> list[Animation]:
        """Each pixel taking its value: the numbers appear in reading order, a row at a time (one
        animation each, so only that row's numbers are redrawn while it is written)."""
        rows = [VGroup(*self.numbers[row * self.size:(row + 1) * self.size]) for row in range(self.size)]
        # The group is what the animation shows: a group of introduced mobjects would be left empty.
        return [LaggedStart(*(FadeIn(number, scale=0.6) for number in row), lag_ratio=0.3,
                            run_time=run_time / self.size, group=row) for row in rows]


class GreyScale(VGroup):
    """How a value reads as a brightness: a bar from black to white, ``0`` at its dark end and ``1``
    at its light end, upright and ``length`` tall."""

    def __init__(self, length: float, thickness: float = 0.28, font_size: float = 24, **kwargs) -> None:
        super().__init__(**kwargs)
        ramp = np.linspace(1.0, 0.0, 64)[:, None]  # top row first: white at the top
        self.bar = Raster(pixel_greys(ramp), thickness, length, smooth=True)
        self.outline = Rectangle(width=thickness, height=length, stroke_color=MUTED, stroke_width=1.5)
        self.low = Label("0", font_size=font_size, color=LABEL).next_to(self.bar, DOWN, buff=0.1)
        self.high = Label("1", font_size=font_size, color=LABEL).next_to(self.bar, UP, buff=0.1)
        self.low_name = Label("black", font_size=font_size * 0.8, color=MUTED).next_to(self.low, RIGHT, buff=0.12)
        self.high_name = Label("white", font_size=font_size * 0.8, color=MUTED).next_to(self.high, RIGHT, buff=0.12)
        self.add(self.bar, self.outline, self.low, self.high, self.low_name, self.high_name)

    def grow(self, run_time: float = 1.0) -> Animation:
        """The bar rising from its black end to its white end, each end's value written as it is reached."""
        self.bar.save_state()
        self.bar.stretch(0.02, 1, about_edge=DOWN)
        return LaggedStart(FadeIn(VGroup(self.low, self.low_name), shift=UP * 0.1), Create(self.outline),
                           Restore(self.bar), FadeIn(VGroup(self.high, self.high_name), shift=UP * 0.1),
                           lag_ratio=0.3, run_time=run_time, group=self)
