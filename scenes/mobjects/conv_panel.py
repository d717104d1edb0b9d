"""A convolutional network's first layer as training moves it: its kernels over the maps they make of the
probe digit, one tile each, at the recorded snapshots and blended between them (a replay), or at one.

The kernels are coloured as weights (``weight_image_colors``), the maps as the convolution chapter colours
them (``map_colors``), each on one scale over the whole run: a tile that brightens grew, none recolours
because another did. Tiles of the convolution chapter (``Tiles``)."""
from __future__ import annotations

from typing import Sequence

import numpy as np
from manim import DOWN, LEFT, UP, VGroup

from nnscratch import TrainingHistory
from scenes.mobjects.conv_maps import map_colors
from scenes.mobjects.glyphs import Label
from scenes.mobjects.layout import Region
from scenes.mobjects.style import MUTED, weight_image_colors
from scenes.mobjects.tiles import Tiles

HEADING_FONT = 22
TILE_GAP = 0.12  # between tiles of a row
BAND_GAP = 0.25  # between the kernels' band and the maps'


class ConvPanel(VGroup):
    """The first conv layer's kernels (``kernels``, a Tiles) above the probe's maps after it (``maps``), each
    under its heading, laid out in ``region`` at the snapshots ``keys`` of ``history``; ``show_at`` blends
    two neighbouring keys. ``probe_name``: what the followed example is ("6")."""

    def __init__(self, history: TrainingHistory, keys: Sequence[int], region: Region, probe_name: str,
                 **kwargs) -> None:
        super().__init__(**kwargs)
        kernels = history.kernels[0][:, :, 0].astype(float)  # (S, filters, k, k): the first layer sees one channel
        maps = history.probe_maps[0].astype(float)  # (S, filters, rows, columns), after ReLU
        self.kernel_scale = float(np.abs(kernels).max()) or 1.0
        self.map_scale = float(np.abs(maps).max()) or 1.0
        keys = np.asarray(keys, dtype=int)
        self.key_kernels, self.key_maps = kernels[keys], maps[keys]
        self.kernel_heading = heading_in("first-layer kernels", region.width)
        self.map_heading = heading_in(f"their maps of the {probe_name}", region.width)
        band = (region.height - self.kernel_heading.height - self.map_heading.height - 0.2 - BAND_GAP) / 2
        filters = kernels.shape[1]
        columns = max(range(1, filters + 1), key=lambda c: tile_side(filters, c, region.width, band))
        side = tile_side(filters, columns, region.width, band)
        self.kernels = Tiles(weight_image_colors(self.key_kernels[-1], self.kernel_scale), side, columns, TILE_GAP)
        self.maps = Tiles(map_colors(self.key_maps[-1], self.map_scale), side, columns, TILE_GAP)
        self.kernel_heading.move_to([region.left, region.top, 0], UP + LEFT)
        self.kernels.next_to(self.kernel_heading, DOWN, buff=0.1, aligned_edge=LEFT)
        self.map_heading.next_to(self.kernels, DOWN, buff=BAND_GAP, aligned_edge=LEFT)
        self.maps.next_to(self.map_heading, DOWN, buff=0.1, aligned_edge=LEFT)
        self.add(self.kernel_heading, self.kernels, self.map_heading, self.maps)

    @property
    def pictures(self) -> list:
        """What a replay redraws: the tiles' images, not their frames or headings."""
        return [self.kernels.pictures, self.maps.pictures]

    def show_at(self, low: int, t: float) -> ConvPanel:
        """The tiles ``t`` of the way from key ``low`` to the next: a blend of the two recorded states."""
        high = min(low + 1, len(self.key_kernels) - 1)
        blend = lambda values: (1 - t) * values[low] + t * values[high]  # noqa: E731
        self.kernels.show(weight_image_colors(blend(self.key_kernels), self.kernel_scale))
        self.maps.show(map_colors(blend(self.key_maps), self.map_scale))
        return self


def heading_in(text: str, width: float) -> Label:
    """``text`` as a heading, broken after its second word when one line is wider than ``width``."""
    heading = Label(text, font_size=HEADING_FONT, color=MUTED)
    if heading.width <= width:
        return heading
    words = text.split(" ")
    return Label(" ".join(words[:2]) + "\n" + " ".join(words[2:]), font_size=HEADING_FONT, color=MUTED,
                 line_spacing=0.8)


def tile_side(count: int, columns: int, width: float, height: float) -> float:
    """The side of ``count`` tiles ``columns`` to a row that fit ``width`` x ``height``."""
    rows = -(-count // columns)
    return max(0.0, min((width - (columns - 1) * TILE_GAP) / columns, (height - (rows - 1) * TILE_GAP) / rows))
