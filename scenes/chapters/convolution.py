"""ConvolutionScene: how a convolutional network reads the probe digit, from the run's own kernels and maps.

The first conv layer's kernels are shown as a strip beside the digit (the small windows it is read
through); one of them (the one whose map responds most to the probe, named by its number in the run)
is magnified and laid over the digit: its nine weights times the nine pixels under it, plus its bias,
written as a sum that is the map's value there; then the kernel slides and the feature map of sums
fills cell by cell (negative sums red), ReLU setting its negatives to 0. Every kernel of the layer then
makes its own map, and one map's pattern is named from its kernel's weights (nnscratch.kernel_pattern: an
edge of one direction, a spot, ink, or no clean pattern), the places that map lights marked on the digit;
a 2x2 max-pool keeps each window's winner (the recorded one); the next conv layer
adds up what its 3-D kernel (one of a strip of them, named by its number) finds in every map into one
new map; the last maps are flattened into the dense layer, whose softmax gives the answer. Then how the
kernels were learned: the first layer's kernels at the first snapshot beside those at the last, on one
colour scale, and a replay over the recorded snapshots (blended between them) in which the kernels move
and the probe digit's first maps change with them, the epoch counting.

Every number and colour is the run's at its last snapshot (the closing replay's at every snapshot): the
kernels, biases, maps, winners and outputs read from the history, the pre-activation sums ``z`` from
nnscratch's own forward pass of the network at that snapshot (the history keeps the maps after ReLU).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Arrow,
    Create,
    FadeIn,
    FadeOut,
    GrowFromEdge,
    Indicate,
    LaggedStart,
    Line,
    Rectangle,
    ReplacementTransform,
    SurroundingRectangle,
    TransformFromCopy,
    UpdateFromAlphaFunc,
    VGroup,
    Write,
    linear,
)

from nnscratch import TrainingHistory
from nnscratch.architecture import Conv, Pool
from nnscratch.followed_window import kernel_at, strongest
from nnscratch.kernel_pattern import lit_places, named_kernel
from scenes.chapters.base import HistoryScene, default_conv_history, output_names
from scenes.mobjects.conv_maps import (
    FillingMap,
    SumMap,
    ValueGrid,
    map_colors,
    square_at,
    value_text,
)
from scenes.mobjects.glyphs import Formula, Label, typst_number
from scenes.mobjects.layout import Region, fit, safe_area
from scenes.mobjects.pixel_image import PixelImage
from scenes.mobjects.raster import Raster
from scenes.mobjects.readout import Readout
from scenes.mobjects.style import (
    HIGHLIGHT,
    LABEL,
    MUTED,
    POSITIVE,
    pixel_greys,
    weight_image_colors,
)
from scenes.mobjects.tiles import Tiles, WeightScale
from scenes.narration.beats import Beat, Brief
from scenes.narration.words import number

TITLE_FONT = 38
NOTE_FONT = 23  # the names under the pictures: digits 14 px tall at 480p
LEGIBLE_FORMULA = 36  # a formula whose digits are 14 px tall or more at 480p (a Formula's "0" is small for its size)
LEGIBLE_NOTE = 24  # and a label's
CELL = 0.82  # a magnified cell, in scene units
DIGIT_SIDE = 3.4  # the probe digit's side, in scene units
KERNEL_SHARE = 0.45  # a kernel drawn over its map, as a share of the map's side
POOL_SIDE = 5.0  # the pooled map's source, large on the left
MIN_CELL = 0.66  # and at least this large: a weight's two decimals written at font size 14 or more
STRIP_GAP = 0.3  # between the kernels of a strip
MAP_ROOM = 3.2  # the least width the feature map keeps beside the kernel, with its gap
MIN_MAP = 1.6  # the feature map's side at least, while it waits small over the products
PRODUCTS_GAP = 0.3  # between the window and kernel and the lines of products under them
POOL_CELL = 1.25  # a cell of the magnified pool window
SLOW_CELLS = 3  # cells the kernel computes one at a time before it speeds up
FAST_ROWS = 3  # rows it then sweeps at speed; the rest of the map comes at once
TILE_GAP = 0.2  # between the kernels (or maps) of a row in the training beats
LABEL_COLUMN = 2.4  # left of them: what each row is
REPLAY_PER_SNAPSHOT = 0.5  # seconds of replay between two recorded snapshots, before pacing
REPLAY_SECONDS = (3.0, 8.0)  # and the least and most the replay lasts, before pacing: every frame a new blend


@dataclass(frozen=True)
class PoolAt:
    """One max-pool window of the chosen map: its place in the pooled map, its values, the recorded
    winner (flat index in the window) and the value that went on."""

    row: int
    column: int
    window: np.ndarray
    winner: int
    value: float
    pooled: np.ndarray


def shown_value(value: float) -> float:
    """``value`` as two decimals show it, never a minus zero (−0.004 is written 0.00)."""
    return round(float(value), 2) or 0.0


def product(weight: float, value: float) -> str:
    """``w dot x`` in Typst, the weight coloured by its sign, a negative one in parentheses."""
    weight, value = shown_value(weight), shown_value(value)
    code = typst_number(weight, colored=True)
    return f"({code}) dot {typst_number(value)}" if weight < 0 else f"{code} dot {typst_number(value)}"


def tiles_in(rgb: np.ndarray, region: Region, gap: float) -> Tiles:
    """Images of ``rgb`` as the largest tiles that fit ``region`` (the columns chosen for it), centred there."""
    count = len(rgb)

    def side(columns: int) -> float:
        rows = -(-count // columns)
        return min((region.width - (columns - 1) * gap) / columns, (region.height - (rows - 1) * gap) / rows)

    columns = max(range(1, count + 1), key=side)
    return Tiles(rgb, side(columns), columns, gap).move_to(region.center)


def map_size(shape) -> str:
    return f"{shape[-2]} × {shape[-1]}"


class ConvolutionScene(HistoryScene):
    """A convolutional run's layers at work on the probe digit, kernel by kernel, with the run's numbers."""

    def __init__(self, history: TrainingHistory | None = None, **kwargs) -> None:
        super().__init__(history if history is not None else default_conv_history(), **kwargs)
        if not self.history.is_convolutional:
            raise ValueError("the convolution chapter draws conv layers, and this run has none")

    # -- what is shown: read from the run ------------------------------------------------------

    def prepare(self) -> None:
        h = self.history
        self.stages = h.architecture.stages
        trace = h.network_at(-1).trace(h.probe_input[None, :].astype(float))
        self.maps_trace = trace.maps
        self.image = h.probe_input.astype(float).reshape(h.image_shape)
        self.filters = self.stages[0].filters
        first_maps = h.probe_maps[0][-1].astype(float)
        self.first = kernel_at(h, 0, 0, trace.maps.z[1][0], self.image[None], strongest(first_maps))
        self.pool = self.stages[1] if len(self.stages) > 1 and isinstance(self.stages[1], Pool) else None
        second = next((s for s, stage in enumerate(self.stages) if isinstance(stage, Conv) and s > 0), None)
        self.second_stage = second
        if second is not None:
            inputs = h.probe_maps[second - 1][-1].astype(float)
            self.second = kernel_at(h, 1, second, trace.maps.z[second + 1][0], inputs,
                                    strongest(h.probe_maps[second][-1].astype(float)))
        self.probabilities = h.probe_a[-1][-1].astype(float)
        self.area = safe_area()
        self.title = Label("Convolution", font_size=TITLE_FONT, color=LABEL)
        self.title.move_to([self.area.left, self.area.top, 0], UP + LEFT)
        self.layout_first()

    def layout_first(self) -> None:
        """The digit on the left, the window under the kernel and the kernel in the middle, the formula
        under them, the feature map on the right."""
        top = self.title.get_bottom()[1] - 0.45
        left = self.area.left
        k = self.first
        size = k.weights.shape[-1]
        self.digit = PixelImage(self.image.ravel(), self.image.shape, DIGIT_SIDE)
        self.digit.move_to([left + DIGIT_SIDE / 2, top - DIGIT_SIDE / 2, 0])
        self.digit_note = Label(f"{map_size(self.image.shape)} pixels", font_size=NOTE_FONT, color=MUTED)
        self.digit_note.next_to(self.digit, DOWN, buff=0.15)
        pixel = self.digit.picture.width / self.image.shape[1]
        corner = self.digit.picture.get_corner(UP + LEFT)
        self.pixel_of = lambda row, column, span=1: corner + np.array([(column + span / 2) * pixel,
                                                                         -(row + span / 2) * pixel, 0])
        self.kernel_frame = square_at(self.pixel_of(k.row, k.column, size), size * pixel, HIGHLIGHT)
        patch = k.patch[0]
        # Cells as large as leave the map room beside them: a 5 x 5 kernel's smaller than a 3 x 3's.
        room = self.area.width - DIGIT_SIDE - 0.55 - 0.8 - MAP_ROOM
        cell = min(CELL, max(room / (2 * size), MIN_CELL))
        self.window = ValueGrid(patch, pixel_greys(patch), cell)
        self.window.move_to([left + DIGIT_SIDE + 0.55 + self.window.width / 2, top - self.window.height / 2, 0])
        self.window_note = Label("the pixels under it", font_size=NOTE_FONT, color=MUTED)
        self.window_note.next_to(self.window, UP, buff=0.12)
        self.weight_scale_first = float(np.abs(self.history.kernels[0][-1]).max())
        weights = k.weights[0]
        self.kernel = ValueGrid(weights, weight_image_colors(weights, self.weight_scale_first), cell)
        self.kernel.next_to(self.window, RIGHT, buff=0.8)
        self.times = Label("×", font_size=36, color=LABEL).move_to(
            (self.window.get_right() + self.kernel.get_left()) / 2)
        self.kernel_note = Label(f"kernel {k.kernel + 1} of {self.filters}", font_size=NOTE_FONT, color=LABEL)
        self.kernel_note.next_to(self.kernel, UP, buff=0.12)
        # The feature map on the right, its cells filled as the kernel reaches them.
        z_map = self.maps_trace.z[1][0][k.kernel]
        self.a_map = self.history.probe_maps[0][-1][k.kernel].astype(float)
        side = self.area.right - self.kernel.get_right()[0] - 0.4
        self.feature = SumMap(z_map, side, scale=float(np.abs(z_map).max()))
        self.feature.move_to([self.area.right - side / 2, top - side / 2, 0])
        self.feature.fill_to(0)
        self.feature_note = Label(f"feature map, {map_size(z_map.shape)}", font_size=NOTE_FONT, color=MUTED)
        self.feature_note.next_to(self.feature, DOWN, buff=0.15).align_to(self.feature, RIGHT)
        if self.feature_note.get_left()[0] < self.kernel.get_right()[0] + 0.1:  # a small map beside a tall kernel
            below_kernel = self.feature_note.get_top()[1] - self.kernel.get_bottom()[1] + 0.15
            self.feature_note.shift(DOWN * max(0.0, below_kernel))
        self.feature_note_spot = self.feature_note.get_center()
        # While the products are worked the map waits smaller, above them, so their lines may run the width
        # of the frame at a legible size; it grows to its place as the kernel starts to slide.
        products_top = self.window.get_bottom()[1] - PRODUCTS_GAP
        small = min(side, max(MIN_MAP, top - products_top - self.feature_note.height - 0.3))
        self.feature_small = SumMap(z_map, small, scale=self.feature.value_scale)
        self.feature_small.move_to([self.area.right - small / 2, top - small / 2, 0])
        self.feature_small.fill_to(0)
        self.feature_note.next_to(self.feature_small, DOWN, buff=0.15).align_to(self.feature_small, RIGHT)
        if self.feature_note.get_left()[0] < self.kernel.get_right()[0] + 0.1:  # as the large map's, under the kernel
            below_kernel = self.feature_note.get_top()[1] - self.kernel.get_bottom()[1] + 0.15
            self.feature_note.shift(DOWN * max(0.0, below_kernel))
        self.map_frame = square_at(self.feature_small.cell_center(k.row, k.column), self.feature_small.pixel,
                                   HIGHLIGHT, 2.5)
        self.products = self.make_products()
        self.layout_strip()
        self.layout_all()
        self.layout_pattern()
        if self.pool is not None:
            self.layout_pool()
        if self.second_stage is not None:
            self.layout_second()
        self.layout_answer()
        self.layout_training()

    def layout_strip(self) -> None:
        """The first layer's kernels, all of them, as a strip of tiles: large beside the digit while the
        small windows are named, then under the digit, the one followed ringed and numbered."""
        size = self.first.weights.shape[-1]
        kernels = self.history.kernels[0][-1][:, 0].astype(float)  # (filters, k, k): the image has one channel
        colors = weight_image_colors(kernels, self.weight_scale_first)
        top = self.title.get_bottom()[1] - 0.45
        wide = Region(self.digit.get_right()[0] + 0.8, self.area.right, self.area.bottom + 0.3, top - 0.6)
        narrow = Region(self.area.left, self.digit.get_right()[0], self.area.bottom,
                        self.digit_note.get_bottom()[1] - 0.75)
        self.kernel_strip = tiles_in(colors, wide, STRIP_GAP)
        self.strip_small = tiles_in(colors, narrow, STRIP_GAP * 0.5)
        self.strip_note = Label(f"small windows: its {self.filters} kernels of {size} × {size}", font_size=NOTE_FONT,
                                color=LABEL).next_to(self.kernel_strip, UP, buff=0.2)
        self.strip_note_small = Label(f"{self.filters} kernels of {size} × {size}", font_size=NOTE_FONT,
                                      color=LABEL).next_to(self.strip_small, UP, buff=0.15)
        self.strip_ring = SurroundingRectangle(self.strip_small.pictures[self.first.kernel], color=HIGHLIGHT,
                                               buff=0.04, stroke_width=3)

    def layout_second(self) -> None:
        """The maps the next conv reads in a grid on the left, each with its slice of the chosen kernel;
        a sum in the middle; the new map on the right, the formula under it."""
        h, k = self.history, self.second
        inputs = h.probe_maps[self.second_stage - 1][-1].astype(float)
        channels = len(inputs)
        top = self.title.get_bottom()[1] - 0.45
        region = Region(self.area.left, -0.9, self.area.bottom, top)
        columns, side = max(((c, min((region.width - (c - 1) * 0.3) / (c * (1 + KERNEL_SHARE) + 0.1 * c),
                                     (region.height - (-(-channels // c) - 1) * 0.2) / (-(-channels // c))))
                             for c in (1, 2, 3, 4)), key=lambda t: t[1])
        input_scale = float(np.abs(inputs).max()) or 1.0
        slice_scale = float(np.abs(h.kernels[1][-1]).max())
        self.in_maps, self.in_slices, self.in_marks = [], [], VGroup()
        size = k.weights.shape[-1]
        for c in range(channels):
            row, column = divmod(c, columns)
            x = region.left + column * (side * (1 + KERNEL_SHARE) + 0.1 + 0.3)
            y = region.top - row * (side + 0.2)
            feature = FillingMap(inputs[c], side, scale=input_scale).move_to([x + side / 2, y - side / 2, 0])
            piece = Raster(weight_image_colors(k.weights[c], slice_scale), KERNEL_SHARE * side, KERNEL_SHARE * side,
                           smooth=False)
            piece.next_to(feature, RIGHT, buff=0.1)
            self.in_maps.append(feature)
            self.in_slices.append(piece)
            self.in_marks.add(square_at(feature.cell_center(k.row + (size - 1) / 2, k.column + (size - 1) / 2),
                                        size * feature.pixel, HIGHLIGHT, 2))
        self.inputs_group = VGroup(*self.in_maps, *self.in_slices)
        self.second_map = h.probe_maps[self.second_stage][-1][k.kernel].astype(float)
        right = Region(self.inputs_group.get_right()[0] + 1.6, self.area.right, self.area.bottom, top)
        out_side = min(right.width, 3.4)
        self.out_map = FillingMap(self.second_map, out_side)
        self.out_map.move_to([right.left + right.width / 2, top - out_side / 2, 0])
        self.out_note = Label(f"new map, {map_size(self.second_map.shape)}", font_size=NOTE_FONT, color=MUTED)
        self.out_note.next_to(self.out_map, DOWN, buff=0.15)
        self.out_cell = square_at(self.out_map.cell_center(k.row, k.column), self.out_map.pixel, HIGHLIGHT, 2.5)
        self.sigma = Formula("sum", font_size=60, color=HIGHLIGHT)
        self.sigma.move_to([(self.inputs_group.get_right()[0] + self.out_map.get_left()[0]) / 2,
                            self.out_map.get_center()[1], 0])
        self.sum_arrows = VGroup(*(Line(piece.get_right(), self.sigma.get_left() + LEFT * 0.1, stroke_width=2,
                                        color=MUTED) for piece in self.in_slices))
        self.sum_arrows.add(Arrow(self.sigma.get_right(), self.out_map.get_left(), buff=0.1, color=HIGHLIGHT))
        filters = self.stages[self.second_stage].filters
        self.slices_note = Label(f"kernel {k.kernel + 1} of {filters}: {channels} slices of {size} × {size}",
                                 font_size=NOTE_FONT, color=LABEL)
        self.slices_note.move_to([self.out_map.get_center()[0], self.title.get_center()[1], 0])
        if self.slices_note.get_right()[0] > self.area.right:
            self.slices_note.shift(LEFT * (self.slices_note.get_right()[0] - self.area.right))
        # The sum written without scripts (they were 6-7 px at 480p): what it runs over said in words under it.
        self.channel_sum = VGroup(
            Formula(f"z = sum w dot x + b = {typst_number(k.z)}", font_size=LEGIBLE_FORMULA, color=LABEL),
            Label(f"over all {channels} maps' {size} × {size} windows", font_size=LEGIBLE_NOTE, color=MUTED),
        ).arrange(DOWN, buff=0.15)
        self.channel_sum.next_to(self.out_note, DOWN, buff=0.35)
        if self.channel_sum.get_right()[0] > self.area.right:
            self.channel_sum.shift(LEFT * (self.channel_sum.get_right()[0] - self.area.right))
        self.layout_second_strip(Region(self.inputs_group.get_right()[0] + 0.8, self.area.right, self.area.bottom,
                                        top - 0.2))

    def layout_second_strip(self, region: Region) -> None:
        """The next layer's kernels in a row on the right, each a column of its slices (one a map, top to
        bottom), the followed one ringed: the row the chosen kernel's slices are taken from."""
        kernels = self.history.kernels[1][-1].astype(float)  # (filters, channels, k, k)
        filters, channels, size, _ = kernels.shape
        colors = weight_image_colors(kernels, float(np.abs(kernels).max()))
        # A cell as large as lets the row fit: slices 1.2 cells apart, kernels a slice apart.
        cell = min(0.8 * region.height / (channels * size + 1.2 * (channels - 1)),
                   region.width / (size * (2 * filters - 1)), 0.2)
        gap = 1.2 * cell
        self.second_strip = VGroup()
        for f in range(filters):
            column = VGroup(*(Raster(colors[f, c], size * cell, size * cell, smooth=False)
                              for c in range(channels))).arrange(DOWN, buff=gap)
            self.second_strip.add(column)
        self.second_strip.arrange(RIGHT, buff=size * cell).move_to(region.center)
        self.second_strip_note = Label(f"{filters} kernels of {channels} × {size} × {size}", font_size=NOTE_FONT,
                                       color=LABEL).next_to(self.second_strip, UP, buff=0.2)
        self.second_ring = SurroundingRectangle(self.second_strip[self.second.kernel], color=HIGHLIGHT, buff=0.05,
                                                stroke_width=3)

    def layout_answer(self) -> None:
        """The last maps in a grid on the left; the column they flatten into; the probabilities as bars."""
        h = self.history
        self.last_maps = h.probe_maps[-1][-1].astype(float)
        self.names = output_names(h)
        channels, rows, columns = self.last_maps.shape
        top = self.title.get_bottom()[1] - 0.45
        count = channels * rows * columns
        scale = float(np.abs(self.last_maps).max()) or 1.0
        across = int(np.ceil(np.sqrt(channels)))
        down = -(-channels // across)
        side = min(6.0 / across - 0.12, (top - self.area.bottom - 0.6) / down - 0.12)
        self.last_group = VGroup()
        for c in range(channels):
            r, q = divmod(c, across)
            m = FillingMap(self.last_maps[c], side, scale=scale)
            m.move_to([self.area.left + q * (side + 0.12) + side / 2, top - r * (side + 0.12) - side / 2, 0])
            self.last_group.add(m)
        self.last_note = Label(f"{channels} × {rows} × {columns} = {count} numbers", font_size=NOTE_FONT,
                               color=LABEL)
        self.last_note.next_to(self.last_group, DOWN, buff=0.2).align_to(self.last_group, LEFT)
        # The column: each map's cells as a strip, row by row, one map after another (the flatten's order).
        height = top - self.area.bottom - 0.3
        strip = height / channels
        x = self.last_group.get_right()[0] + 0.9
        self.column = VGroup()
        colors = map_colors(self.last_maps, scale).reshape(channels, rows * columns, 3)
        for c in range(channels):
            piece = Raster(colors[c][:, None, :], 0.3, strip, smooth=False)
            piece.move_to([x, top - (c + 0.5) * strip, 0])
            self.column.add(piece)
        # The column's outline, empty until the maps flatten into it: drawn with the dense layers while the
        # maps fill, so the right of the frame is not left empty meanwhile.
        self.column_frame = Rectangle(width=self.column.width, height=self.column.height, stroke_color=MUTED,
                                      stroke_width=1.5).move_to(self.column)
        self.column_note = Label(f"{count}", font_size=NOTE_FONT, color=LABEL).next_to(self.column, RIGHT, buff=0.1)
        self.column_note.align_to(self.column, UP)
        # The answer: a bar a class, as long as its probability, the value written after it.
        bars_left = x + 2.2
        width = self.area.right - bars_left - 1.2
        n = len(self.probabilities)
        pitch = min(0.6, height / n)
        self.bars, self.bar_values, self.bar_names = VGroup(), VGroup(), VGroup()
        for i, p in enumerate(self.probabilities):
            y = top - (i + 0.5) * pitch
            bar = Rectangle(width=max(width * p, 0.02), height=0.7 * pitch, stroke_width=0, fill_color=POSITIVE,
                            fill_opacity=0.9)
            bar.move_to([bars_left, y, 0], LEFT)
            self.bars.add(bar)
            self.bar_names.add(Label(self.names[i], font_size=24, color=LABEL).next_to([bars_left, y, 0], LEFT,
                                                                                       buff=0.15))
            self.bar_values.add(Label(value_text(p), font_size=22, color=LABEL).next_to(bar, RIGHT, buff=0.12))
        # The dense layers between the column and the answer, when there are any besides the output: drawn, so
        # the picture does not wire the column straight to the probabilities when it does not.
        hidden = h.layer_sizes[1:-1]
        start = self.column.get_right()
        self.dense = VGroup()
        if hidden:
            box = Rectangle(width=0.4, height=min(0.6 * height, 3.0), stroke_color=MUTED, stroke_width=2)
            box.move_to([x + 0.95, top - height / 2, 0])
            sizes = Label(" → ".join(str(size) for size in hidden), font_size=NOTE_FONT, color=LABEL)
            sizes.next_to(box, UP, buff=0.12)
            into = Arrow(self.column.get_right(), box.get_left(), buff=0.1, stroke_width=1.2, tip_length=0.1,
                         color=MUTED)
            self.dense = VGroup(into, box, sizes)
            start = box.get_right()
        self.fan = VGroup(*(Arrow(start, name.get_left(), buff=0.1, stroke_width=1.2, tip_length=0.1, color=MUTED)
                            for name in self.bar_names))

    def layout_training(self) -> None:
        """The first layer's kernels at the first snapshot (a row) and at the last (the row under it), on one
        colour scale, its strip at the bottom; under them the probe digit and its maps, which the replay
        runs with the second row."""
        h = self.history
        self.replay_kernels = h.kernels[0][:, :, 0].astype(float)  # (snapshots, filters, k, k)
        self.replay_maps = h.probe_maps[0].astype(float)  # (snapshots, filters, rows, columns)
        # One scale over every snapshot: the colours of two states compare, and the replay never recolours.
        self.kernel_scale = float(np.abs(self.replay_kernels).max()) or 1.0
        self.replay_map_scale = float(np.abs(self.replay_maps).max()) or 1.0
        top = self.title.get_bottom()[1] - 0.45
        left, gap, band_gap, bar_room = self.area.left + LABEL_COLUMN, TILE_GAP, 0.35, 1.0
        width = self.area.right - left
        band = (top - self.area.bottom - bar_room - 2 * band_gap) / 3
        filters = self.filters

        def side_for(columns: int) -> float:
            rows = -(-filters // columns)
            return min((width - (columns - 1) * gap) / columns, (band - (rows - 1) * gap) / rows)

        columns = max(range(1, filters + 1), key=side_for)
        side = side_for(columns)
        first, last = self.replay_kernels[0], self.replay_kernels[-1]
        self.kernels_before = Tiles(weight_image_colors(first, self.kernel_scale), side, columns, gap)
        self.kernels_after = Tiles(weight_image_colors(last, self.kernel_scale), side, columns, gap)
        self.replay_tiles = Tiles(map_colors(self.replay_maps[-1], self.replay_map_scale), side, columns, gap)
        bands = [top - i * (band + band_gap) for i in range(3)]
        for tiles, band_top in zip((self.kernels_before, self.kernels_after, self.replay_tiles), bands):
            tiles.move_to([left + width / 2, band_top - band / 2, 0])
        epochs = h.snapshot_epochs
        self.before_label = Label(f"epoch {int(epochs[0]):,}", font_size=28, color=LABEL)
        self.before_label.move_to([self.area.left, self.kernels_before.get_center()[1], 0], LEFT)
        self.epoch_readout = Readout(len(f"{int(epochs[-1]):,}"), font_size=28, color=LABEL)
        self.epoch_readout.set_text(f"{int(epochs[-1]):,}")
        word = Label("epoch", font_size=28, color=LABEL)
        self.epoch_readout.next_to(word, RIGHT, buff=0.15).align_to(word[0], DOWN)  # on the baseline of its "e"
        self.after_label = VGroup(word, self.epoch_readout)
        self.after_label.move_to([self.area.left, self.kernels_after.get_center()[1], 0], LEFT)
        probe_side = min(band, LABEL_COLUMN - 0.4)
        self.replay_digit = PixelImage(self.image.ravel(), self.image.shape, probe_side)
        self.replay_digit.move_to([self.area.left + probe_side / 2, self.replay_tiles.get_center()[1], 0])
        self.replay_arrow = Arrow(self.replay_digit.get_right(), self.replay_tiles.get_left(), buff=0.08,
                                  stroke_width=2, tip_length=0.15, color=MUTED)
        # The bottom row: the kernels' colour scale on the left, the maps' strongest value on the right.
        self.scale_note = Label("kernel weights", font_size=NOTE_FONT, color=MUTED)
        self.weight_scale = WeightScale(self.kernel_scale, min(4.6, width * 0.45))
        strip_y = self.area.bottom + bar_room - 0.3
        self.scale_note.move_to([self.area.left, strip_y, 0], LEFT)
        self.weight_scale.shift(np.array([self.scale_note.get_right()[0] + 0.3, strip_y, 0])
                                - self.weight_scale.strip.get_left())
        self.peak_readout = Readout(6, font_size=28, color=LABEL)
        self.peak_readout.set_text(number(self.replay_maps[-1].max()))
        peak_word = Label("strongest map cell", font_size=NOTE_FONT, color=MUTED)
        self.peak_readout.next_to(peak_word, RIGHT, buff=0.2).align_to(peak_word[0], DOWN)
        self.peak_label = VGroup(peak_word, self.peak_readout)
        self.peak_label.move_to([self.area.right, strip_y, 0], RIGHT)
        self.replay_group = VGroup(self.kernels_after, self.after_label, self.replay_tiles, self.peak_label)

    def replay_state(self, progress: float) -> tuple[int, np.ndarray, np.ndarray]:
        """Epoch shown, kernels and probe maps at ``progress`` in [0, 1] of the replay: between two recorded
        snapshots a blend of the two (as the caption says), the epoch that of the nearer snapshot."""
        last = len(self.replay_kernels) - 1
        position = float(np.clip(progress, 0.0, 1.0)) * last
        low = max(0, min(int(position), last - 1))
        t = position - low
        high = min(low + 1, last)
        blend = lambda values: (1 - t) * values[low] + t * values[high]
        epoch = int(self.history.snapshot_epochs[high if t >= 0.5 else low])
        return epoch, blend(self.replay_kernels), blend(self.replay_maps)

    def show_replay_state(self, progress: float) -> None:
        epoch, kernels, maps = self.replay_state(progress)
        self.epoch_readout.set_text(f"{epoch:,}")
        self.peak_readout.set_text(number(maps.max()))
        self.kernels_after.show(weight_image_colors(kernels, self.kernel_scale))
        self.replay_tiles.show(map_colors(maps, self.replay_map_scale))

    def layout_all(self) -> None:
        """Every kernel of the first layer over its map, in a grid right of the digit."""
        h = self.history
        maps = h.probe_maps[0][-1].astype(float)
        self.layer_scale = float(np.abs(maps).max()) or 1.0
        left, top = self.digit.get_right()[0] + 0.6, self.digit.get_top()[1]
        region = Region(left, self.area.right, self.area.bottom + 0.2, top)
        gap, note = 0.3, 0.12
        columns, side = max(((c, min((region.width - (c - 1) * gap) / c,
                                     (region.height - (-(-self.filters // c) - 1) * gap) / (-(-self.filters // c))
                                     / (1 + KERNEL_SHARE) - note)) for c in (2, 4, 6, 8)), key=lambda t: t[1])
        self.slots = VGroup()
        self.slot_maps, self.slot_kernels = [], []
        for f in range(self.filters):
            row, column = divmod(f, columns)
            x = region.left + column * (side + gap) + side / 2
            y = region.top - row * (side * (1 + KERNEL_SHARE) + note + gap)
            weights = h.kernels[0][-1][f, 0].astype(float)
            kernel = Raster(weight_image_colors(weights, self.weight_scale_first), KERNEL_SHARE * side,
                            KERNEL_SHARE * side, smooth=False)
            kernel.move_to([x, y - KERNEL_SHARE * side / 2, 0])
            feature = FillingMap(maps[f], side, scale=self.layer_scale)
            feature.move_to([x, y - KERNEL_SHARE * side - note - side / 2, 0])
            self.slot_kernels.append(kernel)
            self.slot_maps.append(feature)
            self.slots.add(kernel, feature)

    def layout_pattern(self) -> None:
        """The kernel whose pattern is named (the followed one when it is a clean edge or spot, else the
        cleanest: nnscratch.kernel_pattern) magnified under the digit, the parts of it the pattern sets
        against each other ringed; the places its map lights marked on the digit, where the kernel sat."""
        kernels = self.history.kernels[0][-1][:, 0].astype(float)
        self.pattern_kernel, self.pattern = named_kernel(kernels, self.first.kernel)
        f = self.pattern_kernel
        self.pattern_slot = SurroundingRectangle(VGroup(self.slot_kernels[f], self.slot_maps[f]), color=HIGHLIGHT,
                                                 buff=0.06, stroke_width=3)
        if not self.pattern.clean:
            return
        weights = kernels[f]
        size = len(weights)
        # Under the digit, its name over it: the cells as large as that leaves them, the weights written in
        # them when they are large enough to be read (a 3 x 3 kernel's are), its colours alone when not.
        self.pattern_note = Label(f"kernel {f + 1}", font_size=LEGIBLE_NOTE, color=LABEL)
        top = self.digit_note.get_bottom()[1] - 0.25
        cell = min(CELL, (top - self.pattern_note.height - 0.12 - self.area.bottom) / size, self.digit.width / size)
        self.pattern_grid = ValueGrid(weights, weight_image_colors(weights, self.weight_scale_first), cell)
        if cell < MIN_CELL:
            self.pattern_grid.remove(self.pattern_grid.numbers)
            self.pattern_grid.numbers = VGroup()
        self.pattern_note.move_to([self.digit.get_left()[0], top, 0], UP + LEFT)
        self.pattern_grid.next_to(self.pattern_note, DOWN, buff=0.12).align_to(self.pattern_note, LEFT)
        self.pattern_parts = VGroup(*(Rectangle(width=columns * cell, height=rows * cell, stroke_color=HIGHLIGHT,
                                                stroke_width=4).move_to(self.pattern_grid.cell_center(
                                                    row + (rows - 1) / 2, column + (columns - 1) / 2))
                                      for row, column, rows, columns in self.pattern_cells(size)))
        pixel = self.digit.picture.width / self.image.shape[1]
        self.lit = lit_places(self.history.probe_maps[0][-1][f].astype(float))
        self.lit_marks = VGroup(*(Rectangle(width=0.6 * pixel, height=0.6 * pixel, stroke_width=0,
                                            fill_color=HIGHLIGHT, fill_opacity=0.9).move_to(
                                                self.pixel_of(row, column, size)) for row, column in self.lit))

    def pattern_cells(self, size: int) -> list[tuple[int, int, int, int]]:
        """The blocks of the named kernel its pattern sets against each other, as (row, column, rows,
        columns): an edge's two outer rows, or columns, or corners (its positive side first); a spot's
        centre (one cell, or the middle 2 x 2 of an even kernel); ink's whole kernel."""
        p, last = self.pattern, size - 1
        if p.kind == "edge":
            up, right = p.side
            if up and right:  # a diagonal: the corner on each side
                corner = (0 if up > 0 else last, last if right > 0 else 0)
                return [(*corner, 1, 1), (last - corner[0], last - corner[1], 1, 1)]
            if up:
                return [(0 if up > 0 else last, 0, 1, size), (last if up > 0 else 0, 0, 1, size)]
            return [(0, last if right > 0 else 0, size, 1), (0, 0 if right > 0 else last, size, 1)]
        if p.kind == "spot":
            span = 2 - size % 2
            return [((size - 1) // 2, (size - 1) // 2, span, span)]
        return [(0, 0, size, size)]

    def layout_pool(self) -> None:
        """The chosen map large where the digit was, a window of it magnified, the pooled map on the right."""
        h, k, size = self.history, self.first, self.pool.size
        pooled = h.probe_maps[1][-1][k.kernel].astype(float)
        row, column = min(k.row // size, pooled.shape[0] - 1), min(k.column // size, pooled.shape[1] - 1)
        winner = int(h.probe_winners[0][-1][k.kernel, row, column])
        window = self.a_map[row * size:(row + 1) * size, column * size:(column + 1) * size]
        self.pooled = PoolAt(row, column, window, winner, float(pooled[row, column]), pooled)
        self.big_map = FillingMap(self.a_map, POOL_SIDE, scale=self.layer_scale)
        self.big_map.move_to(self.digit.picture.get_corner(UP + LEFT), UP + LEFT)
        self.big_note = Label(f"its map, {map_size(self.a_map.shape)}", font_size=NOTE_FONT, color=MUTED)
        self.big_note.next_to(self.big_map, DOWN, buff=0.15)
        self.pool_frame = square_at(self.big_map.cell_center(row * size + (size - 1) / 2,
                                                             column * size + (size - 1) / 2),
                                    size * self.big_map.pixel, HIGHLIGHT)
        self.pool_grid = ValueGrid(window, map_colors(window, self.layer_scale), POOL_CELL, font_size=30)
        self.pool_grid.move_to([self.big_map.get_right()[0] + 0.9 + self.pool_grid.width / 2,
                                self.big_map.get_center()[1], 0])
        self.pool_note = Label(f"{size} × {size} window", font_size=NOTE_FONT, color=LABEL)
        self.pool_note.next_to(self.pool_grid, UP, buff=0.15)
        u, v = divmod(winner, size)
        self.winner_ring = square_at(self.pool_grid.cell_center(u, v), POOL_CELL, HIGHLIGHT, 5)
        self.winner_number = self.pool_grid.numbers[winner]
        side = self.area.right - self.pool_grid.get_right()[0] - 0.9
        self.pooled_map = FillingMap(pooled, side, scale=self.layer_scale)
        self.pooled_map.move_to([self.area.right - side / 2, self.big_map.get_center()[1], 0])
        self.pooled_note = Label(f"pooled, {map_size(pooled.shape)}", font_size=NOTE_FONT, color=LABEL)
        self.pooled_note.next_to(self.pooled_map, DOWN, buff=0.15)
        self.pooled_cell = square_at(self.pooled_map.cell_center(row, column), self.pooled_map.pixel, HIGHLIGHT, 2.5)

    def make_products(self) -> VGroup:
        """z as the nine products, a row of the kernel a line, then the bias and the sum; then a = relu(z)."""
        k = self.first
        weights, patch = k.weights[0], k.patch[0]
        lines = VGroup()
        for row in range(weights.shape[0]):
            terms = " + ".join(product(w, x) for w, x in zip(weights[row], patch[row]))
            lines.add(Formula(("z = " if row == 0 else "+ ") + terms, font_size=LEGIBLE_FORMULA, color=LABEL))
        b = shown_value(k.bias)
        bias = f"({typst_number(b)})" if b < 0 else typst_number(b)
        lines.add(Formula(f'+ {bias} quad "(the bias)"', font_size=LEGIBLE_FORMULA, color=LABEL))
        self.sum_line = Formula(f"z = {typst_number(k.z)}", font_size=LEGIBLE_FORMULA + 2, color=HIGHLIGHT)
        self.relu_line = Formula(f'a = op("relu")(z) = max(0, {typst_number(k.z)}) = {typst_number(k.a)}',
                                 font_size=LEGIBLE_FORMULA + 2, color=LABEL)
        group = VGroup(*lines, self.sum_line, self.relu_line).arrange(DOWN, aligned_edge=LEFT, buff=0.12)
        for line in list(lines)[1:]:
            line.shift(RIGHT * 0.55)
        # Under the window and the kernel, the frame's width to the right edge: the small map ends above.
        below = Region(self.window.get_left()[0], self.area.right, self.area.bottom,
                       min(self.window.get_bottom()[1], self.kernel.get_bottom()[1]) - PRODUCTS_GAP)
        below = below.below(self.feature_note.get_bottom()[1] - 0.15)
        fit(group, below, UP + LEFT)
        self.product_lines = lines
        return group

    # -- the story ----------------------------------------------------------------------------

    def script(self) -> list[Beat]:
        k = self.first
        size = k.weights.shape[-1]
        rows, columns = self.image.shape
        beats = [
            Beat(f"A convolutional network reads our digit, {rows} × {columns} pixels, through small windows.",
                 self.show_digit),
            Beat(f"Its first layer learned {self.filters} kernels of {size} × {size} weights: kernel {k.kernel + 1} "
                 "is the one our digit excites most.", self.show_kernel),
            Beat("Blue weights are positive, red ones negative.", self.show_signs),
            Beat("Laid over the digit, each weight multiplies the pixel under it.", self.show_products),
            Beat(f"The nine products and the bias add up to z = {number(k.z)}.", self.show_sum),
            Beat(f"ReLU keeps z when it is positive and gives 0 when not: a = {number(k.a)}, one cell of the map.",
                 self.show_relu),
            Beat("Then the kernel slides on, a pixel at a time, each place one cell.", self.show_slide),
            Beat(f"Faster, then all at once: a feature map of {map_size(self.a_map.shape)} sums.", self.show_rest),
            Beat("Then ReLU sets every negative sum in the map to 0.", self.show_map_relu),
            Beat(f"Each of the {self.filters} kernels makes its own map of our digit.",
                 self.show_all_maps),
            Beat("A map is bright where the digit holds its kernel's pattern.", self.show_brightest),
            Beat(self.pattern_words(), self.show_pattern),
        ]
        if self.pool is not None:
            beats += self.pool_beats()
        if self.second_stage is not None:
            beats += self.second_beats()
        return beats + self.answer_beats() + self.training_beats()

    def pattern_words(self) -> str:
        """What one kernel looks for, in the words its weights earn (nnscratch.kernel_pattern)."""
        if not self.pattern.clean:
            return "No kernel here is a clean edge or spot: each mixes several patterns."
        looks, places = self.pattern.words()
        return f"Kernel {self.pattern_kernel + 1} is {looks}: its map lights {places}."

    def second_beats(self) -> list[Beat]:
        k = self.second
        channels, size = k.weights.shape[0], k.weights.shape[-1]
        filters = self.stages[self.second_stage].filters
        return [
            Beat(f"The next layer has {filters} kernels of {channels} × {size} × {size}, a {size} × {size} slice "
                 f"for each map: here, kernel {k.kernel + 1}.", self.show_slices),
            Beat(f"Each slice weighs its own map; all {channels} sums and a bias add up to one value, "
                 f"z = {number(k.z)}.", self.show_channel_sum),
            Beat(f"Place by place, after ReLU, that makes one new map of {map_size(self.second_map.shape)}.",
                 self.show_second_map),
        ]

    def answer_beats(self) -> list[Beat]:
        channels, rows, columns = self.last_maps.shape
        dense = "dense layers" if len(self.history.layer_sizes) > 2 else "dense layer"
        best = int(np.argmax(self.probabilities))
        return [
            Beat(f"The last maps are {channels} of {rows} × {columns}: {channels * rows * columns} numbers.",
                 self.show_last_maps),
            Beat(f"Flattened into one column, they feed the {dense}, whose softmax gives each digit a probability.",
                 self.show_flatten),
            Beat(f"The network answers {self.names[best]}, with probability {value_text(self.probabilities[best])}.",
                 self.show_answer),
        ]

    def training_beats(self) -> list[Beat]:
        h = self.history
        first, last = int(h.snapshot_epochs[0]), int(h.snapshot_epochs[-1])
        scale = self.kernel_scale
        epochs = "epoch" if last == 1 else "epochs"
        # Told briefly (the explainer's telling) they are left out: the training chapter replays the same
        # kernels and maps beside the curves.
        return [
            Beat(f"The first layer's kernels were learned: random at epoch {first:,}; after {last:,} {epochs}, these, "
                 "and these maps of our digit.", self.show_kernels_learned, in_brief=Brief.LEFT_OUT),
            Beat(f"One colour scale for both: blue up to {number(scale)}, red down to {number(-scale)}, "
                 "black at 0.", self.show_kernel_scale, in_brief=Brief.LEFT_OUT),
            Beat(f"Replayed from epoch {first:,} to {last:,}, blended between the recorded epochs: "
                 f"{self.kernel_change_words()}, and {self.peak_words()}.",
                 self.show_kernel_replay, in_brief=Brief.LEFT_OUT),
        ]

    def peak_words(self) -> str:
        """The probe maps' largest value at the first snapshot and the last, as the readout shows them."""
        start, end = number(self.replay_maps[0].max()), number(self.replay_maps[-1].max())
        if start == end:
            return f"the maps' strongest cell stays at {end}"
        return f"the maps' strongest cell goes from {start} to {end}"

    def kernel_change_words(self) -> str:
        """How the first layer's kernels moved over the run, as the replay shows it: hardly (their mean
        change under 5% of the colour scale), most at first (the first interval's change per epoch the
        largest), or simply changing."""
        kernels, epochs = self.replay_kernels, self.history.snapshot_epochs.astype(float)
        if np.abs(kernels[-1] - kernels[0]).mean() < 0.05 * self.kernel_scale:
            return "here the kernels hardly change"
        rates = np.abs(np.diff(kernels, axis=0)).mean(axis=(1, 2, 3)) / np.maximum(np.diff(epochs), 1.0)
        if len(rates) > 1 and int(np.argmax(rates)) == 0:
            return "the kernels change most at first"
        return "the kernels change"

    def pool_beats(self) -> list[Beat]:
        n, p = self.pool.size, self.pooled
        return [
            Beat(f"Max-pooling shrinks each map: of every {n} × {n} window, only the largest value goes on.",
                 self.show_pool_window),
            Beat(f"Here that is {value_text(p.value)}; the others are dropped.", self.show_winner),
            Beat(f"Window after window, the map becomes {map_size(p.pooled.shape)}.", self.show_pooling),
        ]

    # -- beats: one kernel --------------------------------------------------------------------

    def show_digit(self) -> None:
        """The digit, and beside it the first layer's kernels, large: the small windows it is read through."""
        strip = self.kernel_strip
        self.play(Write(self.title), FadeIn(self.digit, scale=0.9), run_time=1.0)
        self.play(Write(self.digit_note), LaggedStart(*(FadeIn(p, scale=0.6) for p in strip.pictures), lag_ratio=0.15),
                  FadeIn(strip.frames), run_time=self.paced(1.2, 0.5))
        self.play(Write(self.strip_note), Create(self.kernel_frame), run_time=self.paced(0.8))

    def show_kernel(self) -> None:
        """The strip goes under the digit, the followed kernel ringed there and magnified with its weights;
        the map it will fill waits on the right, empty."""
        chosen = self.first.kernel
        self.play(ReplacementTransform(self.kernel_strip, self.strip_small),
                  ReplacementTransform(self.strip_note, self.strip_note_small), run_time=1.0)
        self.feature_small.fill_to(0)
        self.play(Create(self.strip_ring), TransformFromCopy(self.strip_small.pictures[chosen], self.kernel.picture),
                  Write(self.kernel_note), Create(self.kernel.lines), Create(self.kernel.frame),
                  FadeIn(self.feature_small), Write(self.feature_note), run_time=1.0)
        self.play(LaggedStart(*(FadeIn(n, scale=0.6) for n in self.kernel.numbers), lag_ratio=0.25),
                  run_time=self.paced(1.5))

    def show_signs(self) -> None:
        weights = self.first.weights[0].ravel()
        positive = [n for n, w in zip(self.kernel.numbers, weights) if w > 0]
        negative = [n for n, w in zip(self.kernel.numbers, weights) if w < 0]
        for group in (positive, negative):
            if group:
                self.play(LaggedStart(*(Indicate(n, color=HIGHLIGHT, scale_factor=1.3) for n in group),
                                      lag_ratio=0.2), run_time=self.paced(1.0, 0.5))

    def show_products(self) -> None:
        """The window under the kernel grows out of the digit, then each row of the kernel and of the
        window flies into its line of products."""
        self.window.save_state()
        self.window.replace(self.kernel_frame, stretch=True)
        self.play(self.window.animate.restore(), Write(self.window_note), Write(self.times), run_time=1.0)
        seconds = self.paced(2.4) / len(self.product_lines[:-1])
        size = self.first.weights.shape[-1]
        for row, line in enumerate(self.product_lines[:-1]):
            cells = slice(row * size, (row + 1) * size)
            self.play(TransformFromCopy(VGroup(*self.kernel.numbers[cells], *self.window.numbers[cells]), line),
                      run_time=seconds)

    def show_sum(self) -> None:
        self.play(Write(self.product_lines[-1]), run_time=0.8)
        # The terms lit line by line as they are added, the total written under them.
        self.play(LaggedStart(*(Indicate(line, color=HIGHLIGHT, scale_factor=1.03) for line in self.product_lines),
                              lag_ratio=0.3), Write(self.sum_line), run_time=self.paced(1.2))

    def show_relu(self) -> None:
        self.play(Write(self.relu_line), run_time=self.paced(1.0, 0.5))
        small = self.feature_small
        cell = Rectangle(width=small.pixel, height=small.pixel, stroke_width=0,
                         fill_color=map_colors(np.array([self.first.a]), small.value_scale)[0], fill_opacity=1)
        cell.move_to(self.map_frame)
        self.play(TransformFromCopy(self.relu_line[-4:], cell), Create(self.map_frame), run_time=self.paced(1.0))
        self.map_cell = cell

    def show_slide(self) -> None:
        """The products and the window go; the kernel steps from the start of its row, cell by cell."""
        k, feature = self.first, self.feature
        size = k.weights.shape[-1]
        self.play(FadeOut(VGroup(self.products, self.window, self.window_note, self.times)), FadeOut(self.map_cell),
                  run_time=0.6)
        # The map grows to its place, with room now the products are gone.
        start = k.row * feature.columns
        feature.fill_to(0)
        self.play(ReplacementTransform(self.feature_small, feature), self.feature_note.animate.move_to(
            self.feature_note_spot), self.map_frame.animate.become(
            square_at(feature.cell_center(k.row, k.column), feature.pixel, HIGHLIGHT, 2.5)), run_time=0.6)
        feature.fill_to(start)
        self.move_kernel(start - 1 if start else 0, size)
        seconds = self.paced(SLOW_CELLS * 0.9) / SLOW_CELLS
        for index in range(start, start + SLOW_CELLS):
            self.play(feature.filling(index, index + 1, lambda i: self.move_kernel(i, size)), run_time=seconds)

    def show_rest(self) -> None:
        k, feature = self.first, self.feature
        size = k.weights.shape[-1]
        start = k.row * feature.columns + SLOW_CELLS
        end = min(feature.rows * feature.columns, start + FAST_ROWS * feature.columns)
        self.play(feature.filling(start, end, lambda i: self.move_kernel(i, size)), run_time=self.paced(2.0, 0.6))
        # The key to the red cells, where ReLU's note will follow it.
        self.negative_note = Label("red: negative sums", font_size=NOTE_FONT, color=LABEL)
        self.negative_note.next_to(self.feature_note, DOWN, buff=0.12).align_to(self.feature_note, RIGHT)
        self.play(feature.filling(0, feature.rows * feature.columns), FadeOut(self.kernel_frame),
                  FadeOut(self.map_frame), Indicate(self.feature_note, color=HIGHLIGHT), Write(self.negative_note),
                  run_time=self.paced(0.8))

    def move_kernel(self, index: int, size: int) -> None:
        row, column = divmod(index, self.feature.columns)
        self.kernel_frame.move_to(self.pixel_of(row, column, size))
        self.map_frame.move_to(self.feature.cell_center(row, column))

    def show_map_relu(self) -> None:
        """ReLU sweeping down the map: each row's red (negative) cells going to the map's 0."""
        # Under the map's name, not over it: both hold while the red cells go dark.
        self.relu_note = Label("after ReLU: negatives 0", font_size=NOTE_FONT, color=LABEL)
        self.relu_note.next_to(self.feature_note, DOWN, buff=0.12).align_to(self.feature_note, RIGHT)
        self.play(FadeOut(self.negative_note), run_time=0.3)
        self.play(Write(self.relu_note), run_time=0.6)
        self.play(self.feature.becoming(self.a_map), run_time=self.paced(1.5))

    # -- beats: every kernel ------------------------------------------------------------------

    def show_all_maps(self) -> None:
        """The kernel and its map go to their place among the others; every other kernel's map fills."""
        k = self.first
        chosen_kernel, chosen_map = self.slot_kernels[k.kernel], self.slot_maps[k.kernel]
        self.play(FadeOut(VGroup(self.kernel.numbers, self.kernel.lines, self.kernel.frame, self.kernel_note,
                                 self.relu_note, self.feature_note, self.feature.frame)),
                  ReplacementTransform(self.kernel.picture, chosen_kernel),
                  ReplacementTransform(self.feature.picture, chosen_map.picture), FadeIn(chosen_map.frame),
                  run_time=1.0)
        self.add(chosen_map)
        others = [f for f in range(self.filters) if f != k.kernel]
        for f in others:
            self.slot_maps[f].fill_to(0)
        # The other kernels leave the strip for their places over their maps.
        strip = self.strip_small
        self.play(LaggedStart(*(ReplacementTransform(strip.pictures[f], self.slot_kernels[f]) for f in others),
                              lag_ratio=0.2),
                  FadeOut(VGroup(strip.pictures[k.kernel], strip.frames, self.strip_ring, self.strip_note_small)),
                  LaggedStart(*(FadeIn(self.slot_maps[f].frame) for f in others), lag_ratio=0.2),
                  run_time=0.8)
        self.add(*(self.slot_maps[f] for f in others))
        self.play(LaggedStart(*(self.slot_maps[f].filling(0, self.slot_maps[f].rows * self.slot_maps[f].columns)
                                for f in others), lag_ratio=0.3), run_time=self.paced(2.0))

    def show_brightest(self) -> None:
        """A ring on each map's brightest cell in turn, and on the digit where that kernel sat."""
        seconds = self.paced(2.0) / self.filters
        size = self.first.weights.shape[-1]
        ring = square_at(self.slot_maps[0].cell_center(0, 0), 3 * self.slot_maps[0].pixel, HIGHLIGHT, 2.5)
        on_digit = square_at(self.pixel_of(0, 0, size), size * self.digit.picture.width / self.image.shape[1],
                             HIGHLIGHT, 2.5)
        for f, feature in enumerate(self.slot_maps):
            row, column = np.unravel_index(np.argmax(feature.values), feature.values.shape)
            target = ring.copy().move_to(feature.cell_center(row, column))
            spot = on_digit.copy().move_to(self.pixel_of(row, column, size))
            if f == 0:
                self.play(Create(target), Create(spot), run_time=seconds)
                ring, on_digit = target, spot
            else:
                self.play(ring.animate.move_to(target), on_digit.animate.move_to(spot), run_time=seconds)
        self.spot_marks = VGroup(ring, on_digit)

    def show_pattern(self) -> None:
        """The named kernel's map ringed among the others and its weights magnified under the digit, the
        parts its pattern sets against each other ringed as they are said; then the places its map lights
        marked on the digit, where the kernel sat, as "its map lights" is said."""
        f = self.pattern_kernel
        if not self.pattern.clean:  # no pattern to name: the ring goes from kernel to kernel, each a mixture
            self.play(FadeOut(self.spot_marks), Create(self.pattern_slot), run_time=0.5)
            seconds = self.paced(2.0) / self.filters
            for kernel, feature in zip(self.slot_kernels, self.slot_maps):
                ring = SurroundingRectangle(VGroup(kernel, feature), buff=0.06)
                self.play(self.pattern_slot.animate.move_to(ring), Indicate(kernel, color=HIGHLIGHT),
                          run_time=seconds)
            self.spot_marks = VGroup(self.pattern_slot)
            return
        grid, parts = self.pattern_grid, self.pattern_parts
        # Each part ringed as its words are said: an edge's "blue on top", then its "red below".
        looks = self.pattern.words()[0]
        phrases = looks.split(", ") if len(parts) == 2 else [looks]
        self.play(FadeOut(self.spot_marks), Create(self.pattern_slot), Write(self.pattern_note),
                  TransformFromCopy(self.slot_kernels[f], grid.picture), FadeIn(VGroup(grid.lines, grid.frame)),
                  run_time=self.ending_as_said(1.0, phrases[0], least=0.6))
        self.play(LaggedStart(*(FadeIn(n, scale=0.6) for n in grid.numbers), lag_ratio=0.1), Create(parts[0]),
                  run_time=max(0.5, self.until_said(phrases[0]) + 0.4))
        for part, phrase in zip(parts[1:], phrases[1:]):  # drawn while it is said, until the map is named
            self.play(Create(part), run_time=max(0.4, self.until_said(phrase) + 0.4, self.until_said("its map lights")))
        self.play(LaggedStart(*(FadeIn(mark, scale=2.0) for mark in self.lit_marks), lag_ratio=0.05),
                  Indicate(self.slot_maps[f], color=HIGHLIGHT, scale_factor=1.05), run_time=self.paced(1.2))
        self.spot_marks = VGroup(self.pattern_slot, self.pattern_note, grid, self.pattern_parts, self.lit_marks)

    # -- beats: max-pooling -------------------------------------------------------------------

    def show_pool_window(self) -> None:
        k = self.first
        others = VGroup(*(m for f, m in enumerate(self.slots) if m is not self.slot_maps[k.kernel]))
        # The others leave first: the map growing to the left would otherwise pass over its neighbours.
        self.play(FadeOut(VGroup(others, self.spot_marks, self.digit, self.digit_note)), run_time=0.4)
        self.play(ReplacementTransform(self.slot_maps[k.kernel], self.big_map), run_time=0.7)
        self.pooled_map.fill_to(0)
        self.play(Write(self.big_note), Create(self.pool_frame), Write(self.pool_note), FadeIn(self.pooled_map),
                  Write(self.pooled_note), run_time=0.8)
        self.pool_grid.save_state()
        self.pool_grid.replace(self.pool_frame, stretch=True)
        self.play(self.pool_grid.animate.restore(), run_time=self.paced(1.2))

    def show_winner(self) -> None:
        self.play(Create(self.winner_ring), Indicate(self.winner_number, color=HIGHLIGHT, scale_factor=1.3),
                  run_time=1.0)
        losers = VGroup(*(n for i, n in enumerate(self.pool_grid.numbers) if i != self.pooled.winner))
        self.play(losers.animate.set_opacity(0.25), run_time=self.paced(1.0))

    def show_pooling(self) -> None:
        """The winner flies to its cell of the pooled map; then window after window, the map fills."""
        p, size = self.pooled, self.pool.size
        pooled = self.pooled_map
        cell = Rectangle(width=pooled.pixel, height=pooled.pixel, stroke_width=0, fill_opacity=1,
                         fill_color=map_colors(np.array([p.value]), self.layer_scale)[0])
        self.play(TransformFromCopy(self.winner_number, cell.move_to(pooled.cell_center(p.row, p.column))),
                  Create(self.pooled_cell), run_time=1.0)
        self.remove(cell)

        def follow(index: int) -> None:
            row, column = divmod(index, pooled.columns)
            self.pool_frame.move_to(self.big_map.cell_center(row * size + (size - 1) / 2,
                                                             column * size + (size - 1) / 2))
            self.pooled_cell.move_to(pooled.cell_center(row, column))

        total = pooled.rows * pooled.columns
        # Manim redraws each frame only the mobjects from the first animated one up: the two frames that
        # follow the sweep go on top, so the window on the source map is seen moving with the cursor.
        self.bring_to_front(self.pool_frame, self.pooled_cell)
        self.play(FadeOut(VGroup(self.pool_grid, self.winner_ring, self.pool_note)),
                  pooled.filling(0, total, follow), Indicate(self.pooled_note, color=HIGHLIGHT),
                  run_time=self.paced(2.5))

    # -- beats: the next layer ----------------------------------------------------------------

    def show_slices(self) -> None:
        """The pooled map joins the other maps the next layer reads; the chosen kernel's slices beside them."""
        k = self.first
        keep = self.in_maps[k.kernel]
        leaving = VGroup(self.big_map, self.big_note, self.pool_frame, self.pooled_cell, self.pooled_note)
        self.play(FadeOut(leaving), ReplacementTransform(self.pooled_map, keep), run_time=1.0)
        others = [m for c, m in enumerate(self.in_maps) if c != k.kernel]
        self.play(LaggedStart(*(FadeIn(m) for m in others), lag_ratio=0.15), Write(self.second_strip_note),
                  LaggedStart(*(FadeIn(column) for column in self.second_strip), lag_ratio=0.05), run_time=1.0)
        # The followed kernel ringed in the row, its slices taken out to the maps they weigh.
        chosen = self.second_strip[self.second.kernel]
        self.play(Create(self.second_ring), Write(self.slices_note), run_time=0.6)
        self.play(LaggedStart(*(TransformFromCopy(piece, slice_) for piece, slice_ in zip(chosen, self.in_slices)),
                              lag_ratio=0.2), run_time=self.paced(1.2))

    def show_channel_sum(self) -> None:
        self.out_map.fill_to(0)
        self.play(FadeOut(VGroup(self.second_strip, self.second_strip_note, self.second_ring)), run_time=0.4)
        self.play(LaggedStart(*(Create(mark) for mark in self.in_marks), lag_ratio=0.15), FadeIn(self.out_map),
                  Write(self.out_note), run_time=1.0)
        self.play(LaggedStart(*(GrowFromEdge(arrow, LEFT) for arrow in self.sum_arrows), lag_ratio=0.1),
                  FadeIn(self.sigma), run_time=1.0)
        self.play(Write(self.channel_sum), Create(self.out_cell), run_time=self.paced(1.2, 0.6))
        # The one value computed goes to its one cell, the rest of the map still empty: filling the map in
        # reading order up to it would show the cells before it done before "place by place" is said.
        k, out = self.second, self.out_map
        self.out_value = Rectangle(width=out.pixel, height=out.pixel, stroke_width=0, fill_opacity=1,
                                   fill_color=out.colors[k.row, k.column]).move_to(out.cell_center(k.row, k.column))
        self.play(TransformFromCopy(self.channel_sum[0][-4:], self.out_value),
                  Indicate(self.channel_sum[0][-4:], color=HIGHLIGHT), run_time=self.paced(0.6))
        self.bring_to_front(self.out_cell)

    def show_second_map(self) -> None:
        size = self.second.weights.shape[-1]
        centres = [np.array(mark.get_center()) - m.cell_center(self.second.row + (size - 1) / 2,
                                                               self.second.column + (size - 1) / 2)
                   for mark, m in zip(self.in_marks, self.in_maps)]

        def follow(index: int) -> None:
            row, column = divmod(index, self.out_map.columns)
            for mark, m, offset in zip(self.in_marks, self.in_maps, centres):
                mark.move_to(m.cell_center(row + (size - 1) / 2, column + (size - 1) / 2) + offset)
            self.out_cell.move_to(self.out_map.cell_center(row, column))

        total = self.out_map.rows * self.out_map.columns
        # The cell computed stays lit until the sweep reaches it (it is drawn as the map draws it), the
        # ring that follows the sweep over both.
        self.bring_to_front(self.out_value, self.out_cell)
        self.play(FadeOut(self.channel_sum), self.out_map.filling(0, total, follow),
                  Indicate(self.out_note, color=HIGHLIGHT), run_time=self.paced(2.5))
        self.remove(self.out_value)

    # -- beats: the answer --------------------------------------------------------------------

    def show_last_maps(self) -> None:
        gone = [m for m in self.mobjects if m is not self.title]
        for m in self.last_group:
            m.fill_to(0)
        # The last maps come in as the next layer's picture goes: a cross-fade, not 0.5 s of near-black.
        self.play(*(FadeOut(m) for m in gone), LaggedStart(*(FadeIn(m) for m in self.last_group), lag_ratio=0.05),
                  run_time=0.8)
        # What they will feed drawn on the right as they fill: the empty column, the dense layers, the classes.
        self.play(LaggedStart(*(m.filling(0, m.rows * m.columns) for m in self.last_group), lag_ratio=0.1),
                  Write(self.last_note), self.drawing_the_dense_side(), run_time=self.paced(1.5))

    def drawing_the_dense_side(self) -> LaggedStart:
        """The empty column, the dense layers and the classes' names, drawn one after another."""
        dense = ([GrowFromEdge(self.dense[0], LEFT), Create(self.dense[1]), Write(self.dense[2])]
                 if len(self.dense) else [])
        return LaggedStart(Create(self.column_frame), *dense,
                           LaggedStart(*(GrowFromEdge(a, LEFT) for a in self.fan), lag_ratio=0.05),
                           LaggedStart(*(Write(name) for name in self.bar_names), lag_ratio=0.05), lag_ratio=0.25)

    def show_flatten(self) -> None:
        self.play(*(TransformFromCopy(m, piece) for m, piece in zip(self.last_group, self.column)),
                  run_time=self.paced(1.5, 0.4))
        pointed = [Indicate(self.dense[1], color=HIGHLIGHT)] if len(self.dense) else []
        self.play(Write(self.column_note), *pointed, run_time=0.8)
        self.play(LaggedStart(*(GrowFromEdge(bar, LEFT) for bar in self.bars), lag_ratio=0.08),
                  LaggedStart(*(FadeIn(value) for value in self.bar_values), lag_ratio=0.08),
                  run_time=self.paced(1.5))

    def show_answer(self) -> None:
        best = int(np.argmax(self.probabilities))
        ring = SurroundingRectangle(VGroup(self.bar_names[best], self.bars[best], self.bar_values[best]),
                                    color=HIGHLIGHT, buff=0.08)
        self.play(Create(ring), Indicate(self.bar_names[best], color=HIGHLIGHT, scale_factor=1.4),
                  Indicate(self.bar_values[best], color=HIGHLIGHT), run_time=self.paced(1.5))

    # -- beats: how the kernels were learned --------------------------------------------------

    def show_kernels_learned(self) -> None:
        gone = [m for m in self.mobjects if m is not self.title]
        self.play(*(FadeOut(m) for m in gone), run_time=0.6)
        self.play(Write(self.before_label), LaggedStart(*(FadeIn(p, scale=0.7) for p in self.kernels_before.pictures),
                                                        lag_ratio=0.1), FadeIn(self.kernels_before.frames),
                  run_time=self.paced(1.5, 0.4))
        self.play(FadeIn(self.after_label), FadeIn(self.kernels_after.frames),
                  LaggedStart(*(FadeIn(p, scale=0.7) for p in self.kernels_after.pictures), lag_ratio=0.1),
                  run_time=self.paced(1.5, 0.5))
        self.play(FadeIn(self.replay_digit), GrowFromEdge(self.replay_arrow, LEFT),
                  LaggedStart(*(FadeIn(p) for p in self.replay_tiles), lag_ratio=0.1), FadeIn(self.peak_label),
                  run_time=self.paced(1.2))

    def show_kernel_scale(self) -> None:
        bar = self.weight_scale
        self.play(FadeIn(VGroup(*bar.submobjects[:2])), Write(self.scale_note), run_time=0.8)
        # Each end of the scale written as it is said, then the black middle.
        seconds = self.paced(2.4) / 3
        for label in (bar.high, bar.low, bar.middle):
            self.play(Write(label), run_time=seconds)

    def show_kernel_replay(self) -> None:
        group = self.replay_group
        # What the replay redraws goes in as one group, its parts taken out first (the fades added them one
        # by one): Manim redraws each frame only what an animation moves, so the readouts and maps go too.
        self.remove(*group.get_family())
        self.add(group)
        # The readouts turn back to the first snapshot's values (which marks them as said); a strongest
        # cell that reads the same at both ends is pointed at instead.
        same = number(self.replay_maps[0].max()) == self.peak_readout.text
        pointed = [Indicate(self.peak_readout, color=HIGHLIGHT)] if same else []
        self.play(UpdateFromAlphaFunc(group, lambda _, alpha: self.show_replay_state(0.0)),
                  Indicate(self.after_label[0], color=HIGHLIGHT), *pointed, run_time=1.0)
        shortest, longest = REPLAY_SECONDS
        seconds = min(max(shortest, REPLAY_PER_SNAPSHOT * (len(self.replay_kernels) - 1)), longest)
        self.play(UpdateFromAlphaFunc(group, lambda _, alpha: self.show_replay_state(alpha)),
                  rate_func=linear, run_time=self.paced(seconds))
