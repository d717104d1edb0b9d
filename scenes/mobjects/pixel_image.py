"""An input image as a grid of pixels, and its pixels unrolled into the input column, as 3Blue1Brown does.

The picture is the sample's values as grey levels (0 black, 1 white), painted as
crisp squares. Unrolled row by row, pixel ``i`` is input neuron ``i``: the rows
spread apart, lie end to end in one band, and the band goes into the input
layer, the pixels the network draws flying into their neurons and the others
into the column's dots.
"""
from __future__ import annotations

import numpy as np
from manim import (
    PI, WHITE, AnimationGroup, Circle, LaggedStart, Rectangle, Square, Transform, VGroup,
)

from scenes.mobjects.network import NetworkMobject
from scenes.mobjects.raster import Raster
from scenes.mobjects.style import INPUT_RIM, MUTED, pixel_greys


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


class PixelRows(VGroup):
    """The rows of ``image`` as strips of pixels, where the picture is, to unroll it: the rows spread
    apart (``spread``), lie end to end in one band (``line_up``), and the band goes into the input
    layer (``into``). Each strip paints its own pixels, so the band is the picture's true values."""

    def __init__(self, image: PixelImage, **kwargs) -> None:
        super().__init__(**kwargs)
        self.values, self.shape = image.values, image.shape
        rows, columns = image.shape
        left, bottom, width, height = image.picture.box
        cell = height / rows
        greys = pixel_greys(self.values.reshape(image.shape))
        self.strips = VGroup(*(Raster(greys[row:row + 1], width, cell, smooth=False)
                               .move_to([left + width / 2, bottom + height - (row + 0.5) * cell, 0])
                               for row in range(rows)))
        self.add(self.strips)
        self.band: tuple[float, float, float, float] | None = None  # left, right, y, height, once lined up

    def spread(self, factor: float = 1.6, run_time: float = 0.8):
        """The rows moving apart, each keeping its size."""
        return self.strips.animate(run_time=run_time).space_out_submobjects(factor)

    def line_up(self, left: float, right: float, y: float, height: float, run_time: float = 2.0) -> LaggedStart:
        """Row after row swinging down into one band from ``left`` to ``right`` at height ``y``: the
        first row at the left, each next one after it, as the pixels are numbered."""
        self.band = (left, right, y, height)
        width = (right - left) / len(self.strips)
        flights = []
        for row, strip in enumerate(self.strips):
            target = strip.copy().stretch_to_fit_width(width).stretch_to_fit_height(height)
            flights.append(Transform(strip, target.move_to([left + (row + 0.5) * width, y, 0]), path_arc=PI / 3))
        return LaggedStart(*flights, lag_ratio=0.12, run_time=run_time, group=self.strips)

    def point_of(self, index: int) -> np.ndarray:
        """Where pixel ``index`` lies in the band."""
        left, right, y, _ = self.band
        rows, columns = self.shape
        pixel = (right - left) / (rows * columns)
        return np.array([left + (index + 0.5) * pixel, y, 0.0])

    def markers(self, network_mob: NetworkMobject) -> VGroup:
        """A square on the band at each pixel the network draws (its input neurons), as bright as the pixel."""
        _, _, _, height = self.band
        side = 1.4 * height
        return VGroup(*(Square(side, stroke_color=INPUT_RIM, stroke_width=2.5, fill_color=WHITE,
                               fill_opacity=float(self.values[index])).move_to(self.point_of(int(index)))
                        for index in network_mob.indices[0]))

    def into(self, network_mob: NetworkMobject, markers: VGroup, run_time: float = 1.5) -> AnimationGroup:
        """The ``markers`` flying into their input neurons, each becoming a disc as bright as its pixel,
        and the rest of the band shrinking into the column's dots (or onto the neurons, with none)."""
        targets = [Circle(radius=network_mob.radius, stroke_color=INPUT_RIM, stroke_width=2.5, fill_color=WHITE,
                          fill_opacity=marker.get_fill_opacity()).move_to(neuron)
                   for marker, neuron in zip(markers, network_mob.neurons[0])]
        dots = (network_mob.ellipses[0].get_center() if len(network_mob.ellipses)
                else network_mob.neurons[0].get_center())
        flights = [Transform(marker, target, path_arc=-PI / 4) for marker, target in zip(markers, targets)]
        shrink = [strip.animate.scale(0.05).move_to(dots).set_opacity(0) for strip in self.strips]
        return AnimationGroup(LaggedStart(*flights, lag_ratio=0.05, group=markers),
                              LaggedStart(*shrink, lag_ratio=0.02, group=self.strips), run_time=run_time)
