"""What a network's first layer learned, as pictures that can take new weights every frame: an MLP's
first neurons, each neuron's weights laid out as the image they weigh (28 × 28 on the digits), or a
CNN's first kernels (3 × 3), with the colour scale they are read on, its ends written."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from manim import DOWN, RIGHT, UP, VGroup

from nnscratch import TrainingHistory
from scenes.mobjects.glyphs import Label
from scenes.mobjects.layout import Region, fit
from scenes.mobjects.style import MUTED, weight_image_colors
from scenes.mobjects.tiles import Tiles, WeightScale
from scenes.narration.beats import counted

MAX_PICTURES = 16  # drawn at most: a wider first layer shows its first ones
SCALE_PERCENTILE = 95  # an MLP's pictures are full colour from the |w| only this share of its weights stays under
TILE_GAP = 0.08


@dataclass(frozen=True)
class FirstWeights:
    """A run's first-layer weights as images: ``images`` (snapshots, pictures, rows, columns) of the
    first ``shown`` of its ``count`` neurons (an MLP) or kernels (a CNN), ``kind`` "neurons" or
    "kernels", and the ``scale`` at which a weight's colour is full."""

    images: np.ndarray
    count: int
    kind: str
    scale: float

    @property
    def shown(self) -> int:
        return self.images.shape[1]

    @property
    def side(self) -> tuple[int, int]:
        return self.images.shape[2], self.images.shape[3]

    def words(self) -> tuple[str, str]:
        """What the pictures are, in the two lines of their caption: "16 neurons", "28 × 28 weights each"."""
        rows, columns = self.side
        what = counted(self.count, self.kind[:-1]) if self.shown == self.count else \
            f"the first {self.shown} of {self.count:,} {self.kind}"
        return what, f"{rows} × {columns} weights each"


def first_weights(history: TrainingHistory, most: int = MAX_PICTURES) -> FirstWeights:
    """The first layer of ``history`` as pictures: a CNN's first conv kernels (their one input channel,
    the image; one scale over every snapshot, so the colours of two epochs compare), else an MLP's first
    layer, each neuron's weights as the image (full colour from the 95th percentile of the trained
    weights' sizes, as the features chapter draws them, so the bulk of them shows). ValueError when the
    inputs are not images."""
    if history.is_convolutional:
        kernels = history.kernels[0][:, :most, 0].astype(float)  # (S, filters, k, k): the image's one channel
        scale = float(np.abs(kernels).max()) or 1.0
        return FirstWeights(kernels, history.kernels[0].shape[1], "kernels", scale)
    shape = history.image_shape
    if shape is None:
        raise ValueError("a first layer is drawn as pictures only when the inputs are images")
    weights = history.weights[0][:, :most].astype(float)
    images = weights.reshape(weights.shape[0], weights.shape[1], *shape)
    sizes = np.abs(images[-1])
    scale = float(np.percentile(sizes, SCALE_PERCENTILE)) or float(sizes.max()) or 1.0
    return FirstWeights(images, history.weights[0].shape[1], "neurons", scale)


def grid_shape(count: int, width: float, height: float, gap: float = TILE_GAP) -> tuple[float, int]:
    """The side of each of ``count`` square tiles and the columns that make them largest in ``width`` by
    ``height``."""
    best = (0.0, 1)
    for columns in range(1, count + 1):
        rows = -(-count // columns)
        side = min((width - (columns - 1) * gap) / columns, (height - (rows - 1) * gap) / rows)
        if side > best[0]:
            best = (side, columns)
    return best


class FirstLayer(VGroup):
    """A run's first-layer pictures in ``region``: the tiles, the caption saying what they are under them,
    and the colour scale under that. Parts: ``tiles``, ``caption``, ``scale_strip``."""

    def __init__(self, weights: FirstWeights, region: Region, font_size: float = 20, beside: bool = False,
                 **kwargs) -> None:
        super().__init__(**kwargs)
        self.weights = weights
        self.caption = VGroup(*(Label(line, font_size=font_size, color=MUTED) for line in weights.words()))
        self.caption.arrange(DOWN, buff=0.08)
        self.scale_strip = WeightScale(weights.scale, min(region.width * 0.7, 3.2, self.caption.width),
                                       height=0.16, font_size=font_size - 2)
        notes = VGroup(self.caption, self.scale_strip).arrange(DOWN, buff=0.12)
        if beside:  # the caption and the scale to the right of the pictures
            fit(notes, region.right_of(region.right - notes.width), RIGHT)
            tiles_region = region.left_of(notes.get_left()[0] - 0.2)
        else:
            tiles_region = region.above(region.bottom + notes.height + 0.12)
        side, columns = grid_shape(weights.shown, tiles_region.width, tiles_region.height)
        self.tiles = Tiles(self.colors(weights.images[0]), side, columns, TILE_GAP)
        if beside:
            fit(self.tiles, tiles_region, RIGHT)
        else:
            fit(self.tiles, tiles_region.below(tiles_region.top).above(tiles_region.top - self.tiles.height), UP)
            notes.next_to(self.tiles, DOWN, buff=0.1)
        self.add(self.tiles, self.caption, self.scale_strip)

    def colors(self, images: np.ndarray) -> np.ndarray:
        return weight_image_colors(images, self.weights.scale)

    def show_weights(self, images: np.ndarray) -> FirstLayer:
        """The pictures of ``images`` (pictures, rows, columns), in the scale's colours."""
        self.tiles.show(self.colors(images))
        return self
