"""Many small images side by side: a conv layer's kernels, or the maps they make, as tiles in a grid
that can all take new pixels every frame (a training replay); and the scale a kernel's colours are read
on, as a strip from red through black to blue with its ends and middle written."""
from __future__ import annotations

import numpy as np
from manim import DOWN, LEFT, RIGHT, Rectangle, VGroup

from scenes.mobjects.glyphs import Label
from scenes.mobjects.raster import Raster
from scenes.mobjects.style import LABEL, MUTED, weight_image_colors
from scenes.narration.words import number


class Tiles(VGroup):
    """Images of ``rgb`` (count, rows, columns, 3) as squares of ``side`` scene units, ``columns`` to a
    row with ``gap`` between them, each framed. Parts: ``pictures`` (one Raster an image), ``frames``."""

    def __init__(self, rgb: np.ndarray, side: float, columns: int, gap: float, **kwargs) -> None:
        super().__init__(**kwargs)
        self.side = side
        self.pictures, self.frames = VGroup(), VGroup()
        for index, image in enumerate(rgb):
            row, column = divmod(index, columns)
            centre = np.array([column * (side + gap) + side / 2, -row * (side + gap) - side / 2, 0.0])
            self.pictures.add(Raster(image, side, side, smooth=False).move_to(centre))
            self.frames.add(Rectangle(width=side, height=side, stroke_color=MUTED, stroke_width=1.2).move_to(centre))
        self.add(self.pictures, self.frames)

    def show(self, rgb: np.ndarray) -> Tiles:
        """Every tile taking new pixels (one image a tile, in order)."""
        for picture, image in zip(self.pictures, rgb):
            picture.set_rgb(image)
        return self


class WeightScale(VGroup):
    """The colours of weights from ``-scale`` to ``scale`` as a strip ``width`` long (red, black at 0,
    blue, as ``weight_image_colors`` paints them), the ends and the middle written under it. Parts:
    ``strip``, ``low``, ``middle``, ``high`` (the Labels)."""

    def __init__(self, scale: float, width: float, height: float = 0.28, font_size: float = 24, **kwargs) -> None:
        super().__init__(**kwargs)
        self.scale = scale
        values = np.linspace(-scale, scale, 96)
        self.strip = Raster(weight_image_colors(values, scale)[None, :, :], width, height, smooth=True)
        frame = Rectangle(width=width, height=height, stroke_color=MUTED, stroke_width=1.2)
        self.low = Label(number(-scale), font_size=font_size, color=LABEL)
        self.middle = Label("0", font_size=font_size, color=LABEL)
        self.high = Label(number(scale), font_size=font_size, color=LABEL)
        self.low.next_to(self.strip, DOWN, buff=0.12).align_to(self.strip, LEFT)
        self.middle.next_to(self.strip, DOWN, buff=0.12)
        self.high.next_to(self.strip, DOWN, buff=0.12).align_to(self.strip, RIGHT)
        self.add(self.strip, frame, self.low, self.middle, self.high)
