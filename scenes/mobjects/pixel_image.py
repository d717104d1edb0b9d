"""An input image as a grid of pixels, and its pixels unrolled into the input column, as 3Blue1Brown does.

The picture is the sample's values as grey levels (0 black, 1 white), painted as
crisp squares. Unrolled row by row, pixel ``i`` is input neuron ``i``: copies of
the pixels fly, the drawn neurons' into them and the elided middle's into the
column's dots. A flying pixel is a white square as opaque as its value, so on
black it is its grey, and a blank pixel is nothing that could hide what it passes.
"""
from __future__ import annotations

import numpy as np
from manim import LEFT, UP, WHITE, Rectangle, Square, Transform, VGroup, VMobject

from scenes.mobjects.network import NetworkMobject
from scenes.mobjects.raster import Raster
from scenes.mobjects.style import MUTED, pixel_greys

FLIGHT_SHARE = 0.35  # of the unrolling, that one pixel takes to fly


class PixelImage(VGroup):
    """``values`` (rows * columns, in [0, 1], row by row) as squares filling ``side`` x ``side`` scene units."""

    def __init__(self, values: np.ndarray, shape: tuple[int, int], side: float, **kwargs) -> None:
        super().__init__(**kwargs)
        rows, columns = shape
        self.values = np.clip(np.asarray(values, dtype=float), 0.0, 1.0)
        self.shape = shape
        cell = side / max(rows, columns)
        self.picture = Raster(pixel_greys(self.values.reshape(shape)), columns * cell, rows * cell, smooth=False)
        self.frame = Rectangle(width=columns * cell, height=rows * cell, stroke_color=MUTED, stroke_width=1.5)
        self.add(self.picture, self.frame)

    def unroll_into(self, network_mob: NetworkMobject, run_time: float = 2.5) -> Transform:
        """Copies of the inked pixels flying, in reading order, to their input neurons: into the drawn
        neuron of the same index, or into the dots that stand for the undrawn ones. The pixels are
        squares made for the flight only (side by side they would show seams where they meet), where
        the picture is now and as large."""
        columns = self.shape[1]
        cell = self.picture.width / columns
        corner = self.picture.get_corner(UP + LEFT)
        drawn = {int(index): slot for slot, index in enumerate(network_mob.indices[0])}
        dots = network_mob.ellipses[0].get_center() if len(network_mob.ellipses) else None
        movers, targets = VGroup(), VGroup()
        for index in np.flatnonzero(self.values > 0):
            row, column = divmod(int(index), columns)
            pixel = Square(cell, stroke_width=0, fill_color=WHITE, fill_opacity=float(self.values[index]))
            pixel.move_to(corner + [(column + 0.5) * cell, -(row + 0.5) * cell, 0])
            movers.add(pixel)
            if index in drawn:
                neuron = network_mob.neurons[0][drawn[index]]
                target = Square(neuron.width * 0.7, stroke_width=0, fill_color=WHITE,
                                fill_opacity=pixel.get_fill_opacity()).move_to(neuron)
            else:
                target = pixel.copy().scale(0.05).move_to(dots)
            targets.add(target)
        if not len(movers):  # a blank image: nothing to fly
            movers.add(VMobject())
            targets.add(VMobject())
        # Each pixel flies for FLIGHT_SHARE of the run, the next one starting a little later: a stream.
        lag = (1 / FLIGHT_SHARE - 1) / max(len(movers) - 1, 1)
        return Transform(movers, targets, lag_ratio=lag, run_time=run_time, remover=True)
