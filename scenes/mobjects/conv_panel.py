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
from scenes.narration.words import fixed, said

HEADING_FONT = 23
TILE_GAP = 0.12  # between tiles of a row
BAND_GAP = 0.25  # between the kernels' band and the maps'


class ConvPanel(VGroup):
    """The first conv layer's kernels (``kernels``, a Tiles) above the probe's maps after it (``maps``), each
    under its heading, laid out in ``region`` at the snapshots ``keys`` of ``history``; ``show_at`` blends
    two neighbouring keys. ``probe_name``: what the followed example is ("6")."""

    def __init__(self, history: TrainingHistory, keys: Sequence[int], region: Region, probe_name: str,
                 change_since: int | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        kernels = history.kernels[0][:, :, 0].astype(float)  # (S, filters, k, k): the first layer sees one channel
        maps = history.probe_maps[0].astype(float)  # (S, filters, rows, columns), after ReLU
        self.kernel_scale = float(np.abs(kernels).max()) or 1.0
        self.map_scale = float(np.abs(maps).max()) or 1.0
        keys = np.asarray(keys, dtype=int)
        self.key_kernels, self.key_maps = kernels[keys], maps[keys]
        self.kernel_heading = heading_in("first-layer kernels", region.width)
        self.map_heading = heading_in(f"their maps of the {probe_name}", region.width)
        # The kernels' change since key ``change_since``, on a scale of its own, stated: after the first
        # epoch's big move, the later ones are a few hundredths of the kernels' scale, unseen on it.
        self.since = change_since
        self.change_heading = self.change = None
        headings = [self.kernel_heading, self.map_heading]
        if change_since is not None:
            later = self.key_kernels[change_since:] - self.key_kernels[change_since]
            self.change_scale = float(np.abs(later).max()) or 1.0
            epoch = int(history.snapshot_epochs[keys[change_since]])
            self.change_heading = heading_in(f"change since epoch {epoch:,} (±{said(fixed(self.change_scale, 2))})",
                                             region.width)
            headings.append(self.change_heading)
        bands = len(headings)
        band = (region.height - sum(h.height for h in headings) - 0.1 * bands - BAND_GAP * (bands - 1)) / bands
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
        if self.change_heading is not None:
            self.change = Tiles(weight_image_colors(self.change_at(len(self.key_kernels) - 1, 0.0), self.change_scale),
                                side, columns, TILE_GAP)
            self.change_heading.next_to(self.kernels, DOWN, buff=BAND_GAP, aligned_edge=LEFT)
            self.change.next_to(self.change_heading, DOWN, buff=0.1, aligned_edge=LEFT)
            self.map_heading.next_to(self.change, DOWN, buff=BAND_GAP, aligned_edge=LEFT)
            self.maps.next_to(self.map_heading, DOWN, buff=0.1, aligned_edge=LEFT)
            self.add(self.change_heading, self.change)

    @property
    def pictures(self) -> list:
        """What a replay redraws: the tiles' images, not their frames or headings."""
        return [self.kernels.pictures, self.maps.pictures] + ([self.change.pictures] if self.change else [])

    def change_at(self, low: int, t: float) -> np.ndarray:
        """The kernels' change since key ``since``, ``t`` of the way from key ``low`` to the next: none before it."""
        high = min(low + 1, len(self.key_kernels) - 1)
        blend = (1 - t) * self.key_kernels[low] + t * self.key_kernels[high]
        before = low + t <= self.since
        return np.zeros_like(blend) if before else blend - self.key_kernels[self.since]

    def show_at(self, low: int, t: float) -> ConvPanel:
        """The tiles ``t`` of the way from key ``low`` to the next: a blend of the two recorded states."""
        high = min(low + 1, len(self.key_kernels) - 1)
        blend = lambda values: (1 - t) * values[low] + t * values[high]  # noqa: E731
        self.kernels.show(weight_image_colors(blend(self.key_kernels), self.kernel_scale))
        self.maps.show(map_colors(blend(self.key_maps), self.map_scale))
        if self.change is not None:
            self.change.show(weight_image_colors(self.change_at(low, t), self.change_scale))
        return self


LATER_SHARE = 0.03  # of the kernels' scale: a later change this large is worth its own band


def later_change_key(history: TrainingHistory, keys: Sequence[int]) -> int | None:
    """The key after which the kernels' change is worth showing on a scale of its own: the first after the
    start (the first stretch moves them most at once; after it each epoch's move is a few hundredths of the
    run's scale, a drift the eye misses), when they moved by more than a trace after it; None when not."""
    kernels = history.kernels[0][:, :, 0].astype(float)[np.asarray(keys, dtype=int)]
    if len(kernels) < 3:
        return None
    scale = float(np.abs(history.kernels[0]).max()) or 1.0
    later = float(np.abs(kernels[1:] - kernels[1]).max())
    return 1 if later >= LATER_SHARE * scale else None


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
