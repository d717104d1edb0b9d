"""ConvNetworkScene: a convolutional network drawn as CNN Explainer's overview draws one, from the run's arrays.

Left to right: the probe digit, then for each conv and pool layer a column of the digit's feature maps
after it (the recorded maps of the last snapshot, on the convolution chapter's colour scale, one scale a
layer), each column labelled with its layer and its shape; then the flatten and the dense layers as
neurons, the output with the class names and the answer. The layers appear as they are named; then
one cell of the last conv layer's maps is ringed and what it is computed from is lit, column by column
back to the digit (its k x k window in every map of the layer before, then wider through each pool and
kernel: the receptive field, its size said); then each layer's parameters, counted from the run's
arrays, and their total.

Every map, weight and activation is the run's at its last snapshot: the overview shows what the trained
network reads (``snapshot`` is taken for the dense chapter's sake and not used).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    BackgroundRectangle,
    Create,
    FadeIn,
    FadeOut,
    Indicate,
    LaggedStart,
    Mobject,
    Rectangle,
    SurroundingRectangle,
    UpdateFromAlphaFunc,
    VGroup,
    VMobject,
    Write,
)

from nnscratch.architecture import Conv, Pool
from scenes.chapters.base import HistoryScene, output_names
from scenes.chapters.overview_bounds import (
    Window,
    last_conv,
    overview_refusal,
    parameter_counts,
    receptive_field,
)
from scenes.mobjects.conv_maps import FillingMap, value_text
from scenes.mobjects.glyphs import Label
from scenes.mobjects.layout import GAP, safe_area
from scenes.mobjects.network import NetworkMobject
from scenes.mobjects.pixel_image import PixelImage
from scenes.mobjects.style import HIGHLIGHT, LABEL, MUTED
from scenes.narration.beats import Beat, Brief

TITLE_FONT = 30
FONT = 23  # every label a number is said from: its digits 14 px tall at 480p (tests/timeline.py LEGIBLE_PIXELS)
NAME_FONT = 33  # a layer's name: its small letters ("input", "dense") 14 px tall at 480p, not a digit's height
MAP_GAP = 0.07  # between the maps of a column
SUB_GAP = 0.1  # between the sub-columns of a column with many maps
LINK_ROOM = 0.45  # between two columns, for the links from one to the next
MAX_SIDE = 1.8  # a map's side at most, in scene units
MIN_SIDE = 0.2
MAX_SUB = 3  # sub-columns a column may split into before it says "+N more"
DIGIT_SIDE = (1.3, 2.8)  # the probe digit's side: at least, at most
DENSE_PITCH = (0.75, 1.15)  # between the dense part's neuron columns: at least, at most
DENSE_SHARE = 0.3  # of the frame's width, the most the dense part's columns span (many dense layers squeeze)
LINK_OPACITY = 0.35
ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth")


@dataclass
class Column:
    """One column of the overview: a title, a shape, and its pictures (a map a picture; the digit is one)."""

    name: str
    shape: str
    pictures: list[Mobject]
    hidden: int = 0  # maps not drawn, said by ``more``
    more: Mobject | None = None

    @property
    def group(self) -> VGroup:
        return VGroup(*self.pictures, *([self.more] if self.more is not None else []))


def every(items: list[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``: every item said, however many (each is a number on screen)."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + f" and {items[-1]}"


def article(count: int) -> str:
    """The article before a number said aloud: "an 8 × 8 patch", "a 10 × 10 patch"."""
    return "an" if str(count).startswith("8") or count in (11, 18) else "a"


def kernel_shape(stage: Conv, channels: int) -> str:
    """A conv's kernel as its shape: "3 × 3" over one map, "8 × 3 × 3" over 8 (a later conv's kernel has a
    slice for each map it reads, as the convolution chapter names it)."""
    square = f"{stage.size} × {stage.size}"
    return square if channels == 1 else f"{channels} × {square}"


def stage_words(stage: Conv | Pool, channels: int = 1) -> str:
    """A conv or pool layer named in words, not in the command line's grammar ("conv8:3", "pool2"); a conv
    reading ``channels`` maps, its kernels with their depth ("16 kernels 8 × 3 × 3")."""
    if isinstance(stage, Conv):
        return f"{stage.filters} kernel{'s' if stage.filters != 1 else ''} {kernel_shape(stage, channels)}"
    return f"max-pool {stage.size} × {stage.size}"


class LayerName(VGroup):
    """A layer's name over its column: its words large (``NAME_FONT``), a size after them ("16 kernels"
    over "8 × 3 × 3", "max-pool" over "2 × 2") on a line of its own at ``FONT``, so that a long name is no
    wider than its words. ``original_text`` is the name as one line, as a Label's is."""

    def __init__(self, name: str, **kwargs) -> None:
        super().__init__(**kwargs)
        self.original_text = name
        words, size = re.fullmatch(r"(.*?[^\d\s])(?:\s+(\d.*))?", name).groups()
        self.add(Label(words, font_size=NAME_FONT, color=LABEL))
        if size:
            self.add(Label(size, font_size=FONT, color=LABEL))
        self.arrange(DOWN, buff=0.06)


def map_shape(shape: tuple[int, int, int]) -> str:
    channels, rows, columns = shape
    return f"{channels} × {rows} × {columns}"


def staggered(labels: list[Mobject], xs: list[float], top: float) -> None:
    """``labels`` centred on ``xs`` under ``top``; every other one a row lower when neighbours would touch."""
    for label, x in zip(labels, xs):
        label.move_to([x, top, 0], UP)
    crowded = any(a.get_right()[0] + GAP > b.get_left()[0] for a, b in pairwise(labels))
    if crowded:
        drop = max(label.height for label in labels) + 0.08
        for label in labels[1::2]:
            label.shift(DOWN * drop)


class ConvNetworkScene(HistoryScene):
    """A convolutional run's overview: the probe digit's maps layer by layer, what one cell sees, the parameters.
    The network chapter of a convolutional run (the catalogue's ``conv_scene``); ``snapshot`` is accepted as
    the network chapter's option, and the maps drawn are the trained network's."""

    def __init__(self, history=None, snapshot: int = 0, **kwargs) -> None:
        super().__init__(history, **kwargs)
        self.snapshot = snapshot
        if not self.history.is_convolutional:
            raise ValueError("the overview draws conv layers, and this run has none")
        why = overview_refusal("network", self.history.architecture)
        if why is not None:
            raise ValueError(why)

    # -- what is shown: read from the run ---------------------------------------------------

    def prepare(self) -> None:
        h = self.history
        self.architecture = h.architecture
        self.stages = self.architecture.stages
        self.shapes = self.architecture.map_shapes()
        self.image = h.probe_input.astype(float).reshape(h.image_shape)
        self.thing = "digit" if h.dataset_name == "digits" else "image"  # what the probe is called aloud
        self.maps = [m[-1].astype(float) for m in h.probe_maps]  # after each stage, at the last snapshot
        self.scales = [float(np.abs(m).max()) or 1.0 for m in self.maps]
        self.names = output_names(h)
        self.probabilities = h.probe_a[-1][-1].astype(float)
        self.answer = int(np.argmax(self.probabilities))
        self.counts = parameter_counts([k[-1] for k in h.kernels], [b[-1] for b in h.kernel_biases],
                                       [W[-1] for W in h.weights], [b[-1] for b in h.biases], self.architecture)
        self.total = sum(count.total for count in self.counts)
        self.area = safe_area()
        self.title = Label("A convolutional network, layer by layer", font_size=TITLE_FONT, color=LABEL)
        self.title.move_to([self.area.left, self.area.top, 0], UP + LEFT)
        self.total_label = Label(f"{self.total:,} parameters in all", font_size=26, color=HIGHLIGHT)
        self.total_label.move_to([self.area.right, self.title.get_center()[1], 0], RIGHT)
        self.lay_out()
        self.lay_out_field()
        self.lay_out_counts()

    def lay_out(self) -> None:
        """Heads under the title, the columns of maps under them, the dense part on the right; a row at the
        bottom for the receptive field's sizes and the parameter counts."""
        heads_top = self.title.get_bottom()[1] - 0.2
        # Room for two rows of the tallest head (a conv's or a pool's names its size on a line of its own),
        # should they stagger.
        names = ["input", *(stage_words(kind, shape[0]) for kind, shape in zip(self.stages, self.shapes))]
        tallest = max(self.head(name, "0").height for name in names)
        bottom_row = 0.3
        maps_top = heads_top - 2 * tallest - 0.08 - 0.25
        maps_bottom = self.area.bottom + 2 * bottom_row + 0.2  # two rows, should the counts stagger
        height = maps_top - maps_bottom
        # The dense part's heads are two lines, not three: under them it may start higher than the maps.
        dense_top = heads_top - tallest - 0.08 - self.head("output", "0").height - 0.25
        self.dense_net = self.make_dense(dense_top - maps_bottom)
        self.dense_middle = (dense_top + maps_bottom) / 2
        # Room right of the class names for the answer's probability.
        self.plate_room = Label(value_text(self.probabilities[self.answer]), font_size=FONT).width + 0.25
        dense_width = self.dense_net.width + self.plate_room
        # The widest maps that leave every column, head and count clear of its neighbours.
        budget = self.area.width - dense_width - LINK_ROOM
        while True:
            side, digit = self.choose_sides(height, budget)
            self.place_columns(side, digit, height, (maps_top + maps_bottom) / 2, heads_top, dense_width)
            if not self.crowded() or side <= MIN_SIDE:
                break
            budget -= 0.3
        self.links = [self.make_links(i) for i in range(len(self.columns) - 1)]
        self.flatten_links = self.make_flatten_links()
        self.bottom_y = self.area.bottom + bottom_row / 2 + 0.05

    def place_columns(self, side: float, digit: float, height: float, middle: float, heads_top: float,
                      dense_width: float) -> None:
        """The digit, then a column a stage, left to right, each centred on the maps' band; the dense part
        on the right, its output labels against the frame's edge; the heads over them all."""
        self.digit = PixelImage(self.image.ravel(), self.image.shape, digit)
        self.digit.move_to([self.area.left + digit / 2, middle, 0])
        self.columns = [Column("input", " × ".join(map(str, self.image.shape)), [self.digit])]
        x = self.area.left + digit + LINK_ROOM
        for stage, (kind, maps) in enumerate(zip(self.stages, self.maps)):
            column = self.make_column(stage_words(kind, self.shapes[stage][0]), self.shapes[stage + 1], maps,
                                      self.scales[stage], side, height)
            column.group.move_to([x + column.group.width / 2, middle, 0])
            x += column.group.width + LINK_ROOM
            self.columns.append(column)
        self.dense_net.move_to([self.area.right - self.plate_room - self.dense_net.width / 2, self.dense_middle, 0])
        spare = self.dense_net.get_left()[0] - x
        if spare > 0:  # the columns spread over the room left, evenly
            step = spare / len(self.columns)
            for index, column in enumerate(self.columns[1:], start=1):
                column.group.shift(RIGHT * step * index)
        net, sizes = self.dense_net, self.history.layer_sizes
        dense_heads = [self.head("flatten", f"{sizes[0]:,}")]
        dense_heads += [self.head("dense", f"{size:,}") for size in sizes[1:-1]]
        dense_heads.append(self.head("output", f"{sizes[-1]:,}"))
        self.heads = [self.head(c.name, c.shape) for c in self.columns] + dense_heads
        xs = [c.group.get_center()[0] for c in self.columns] + [net.layer_center(i)[0] for i in range(len(sizes))]
        staggered(self.heads, xs, heads_top)

    def crowded(self) -> bool:
        """Whether two heads touch, or the last column of maps reaches the dense part."""
        heads = self.heads
        touching = any(a.get_right()[0] + GAP > b.get_left()[0] and abs(a.get_y() - b.get_y()) < 0.05
                       for i, a in enumerate(heads) for b in heads[i + 1:])
        return touching or self.columns[-1].group.get_right()[0] + LINK_ROOM > self.dense_net.get_left()[0] + 1e-6

    def head(self, name: str, shape: str) -> VGroup:
        return VGroup(LayerName(name), Label(shape, font_size=FONT, color=MUTED)).arrange(DOWN, buff=0.08)

    def make_dense(self, height: float) -> NetworkMobject:
        """The flatten and the dense layers as neurons, coloured by the trained weights."""
        h = self.history
        sizes = h.layer_sizes
        pitch = float(np.clip(DENSE_SHARE * self.area.width / (len(sizes) - 1), *DENSE_PITCH))
        net = NetworkMobject(sizes, width=pitch * (len(sizes) - 1), height=height - 0.2,
                             activation=h.metadata["activation"], output=h.metadata["output"], input_kind="real",
                             output_labels=self.names, max_edge_width=3.0)
        net.remove(net.size_braces)  # the heads above say the sizes
        weights = [W[-1] for W in h.weights]
        net.set_weights(weights, scale=max(float(np.abs(W).max()) for W in weights) or 1.0)
        self.dense_activations = [self.maps[-1].ravel(), *(a[-1].astype(float) for a in h.probe_a)]
        self.dense_lit = net.drawn_activations(self.dense_activations)
        net.set_drawn_activations(np.zeros_like(self.dense_lit))
        return net

    def choose_sides(self, height: float, width: float) -> tuple[float, float]:
        """The largest map side (and the digit's side with it) at which every column fits ``width``."""
        side = MAX_SIDE
        while side > MIN_SIDE:
            digit = float(np.clip(2.5 * side, *DIGIT_SIDE))
            need = digit + sum(self.column_width(shape, side, height) + LINK_ROOM for shape in self.shapes[1:])
            if need <= width:
                return side, min(digit, height)
            side -= 0.02
        return MIN_SIDE, DIGIT_SIDE[0]

    def column_plan(self, shape: tuple[int, int, int], side: float, height: float) -> tuple[int, int, int]:
        """Maps a sub-column, sub-columns, and maps drawn, for maps of ``shape`` at ``side`` in ``height``."""
        channels, rows, columns = shape
        tall = side * rows / max(rows, columns)
        per = max(1, int((height + MAP_GAP) // (tall + MAP_GAP)))
        subs = -(-channels // per)
        if subs <= MAX_SUB:
            return -(-channels // subs), subs, channels  # as many maps in each sub-column as can be
        return per, MAX_SUB, MAX_SUB * (per - 1)  # the bottom row says how many more

    def column_width(self, shape: tuple[int, int, int], side: float, height: float) -> float:
        _, subs, _ = self.column_plan(shape, side, height)
        wide = side * shape[2] / max(shape[1], shape[2])
        return subs * wide + (subs - 1) * SUB_GAP

    def make_column(self, name: str, shape: tuple[int, int, int], maps: np.ndarray, scale: float, side: float,
                    height: float) -> Column:
        per, subs, drawn = self.column_plan(shape, side, height)
        channels, rows, columns = shape
        tall, wide = side * rows / max(rows, columns), side * columns / max(rows, columns)
        fill = per - 1 if drawn < channels else per  # maps a sub-column; the last row then says "+N more"
        top = (per * tall + (per - 1) * MAP_GAP) / 2
        pictures = []
        for c in range(drawn):
            sub, slot = divmod(c, fill)
            picture = FillingMap(maps[c], side, scale=scale)
            picture.move_to([sub * (wide + SUB_GAP) + wide / 2, top - slot * (tall + MAP_GAP) - tall / 2, 0])
            pictures.append(picture)
        column = Column(name, map_shape(shape), pictures, hidden=channels - drawn)
        if column.hidden:
            width = subs * wide + (subs - 1) * SUB_GAP
            more = Label(f"+{column.hidden} more", font_size=FONT, color=LABEL)
            if more.width > width:
                more = Label(f"+{column.hidden}", font_size=FONT, color=LABEL)
            more.move_to([width / 2, top - (per - 1) * (tall + MAP_GAP) - tall / 2, 0])
            column.more = more
        return column

    def make_links(self, index: int) -> VMobject:
        """Thin lines from column ``index`` into the next: every map into every map through a conv (a
        kernel reads all of them), each map into its own through a pool."""
        before, after = self.columns[index], self.columns[index + 1]
        conv = isinstance(self.stages[index], Conv)
        pairs = ([(a, b) for a in before.pictures for b in after.pictures] if conv or len(before.pictures) == 1
                 else list(zip(before.pictures, after.pictures)))
        return self.segments([(a.get_right(), b.get_left()) for a, b in pairs])

    def make_flatten_links(self) -> VMobject:
        """Each map of the last column into the flatten's neurons that hold its values (the maps in
        (channel, row, column) order), or into the column's dots when none of them is drawn."""
        net, last = self.dense_net, self.columns[-1]
        cells = int(np.prod(self.shapes[-1][1:]))
        pairs = []
        for c, picture in enumerate(last.pictures):
            held = [neuron for index, neuron in zip(net.indices[0], net.neurons[0]) if index // cells == c]
            ends = [n.get_left() for n in held] or ([net.ellipses[0].get_left()] if len(net.ellipses) else
                                                     [net.neurons[0].get_left()])
            pairs += [(picture.get_right(), end) for end in ends]
        return self.segments(pairs)

    @staticmethod
    def segments(pairs) -> VMobject:
        """Lines from each start to its end, as one mobject, drawn behind the maps: a line from a map in a
        column's first sub-column passes behind those of its next ones, not over their pixels."""
        lines = VMobject(stroke_color=MUTED, stroke_width=1.0, stroke_opacity=LINK_OPACITY)
        for start, end in pairs:
            lines.start_new_path(start)
            lines.add_line_to(end)
        return lines.set_z_index(-1)

    # -- what one cell sees --------------------------------------------------------------------

    def lay_out_field(self) -> None:
        """The cell of the last conv layer that answers most, the windows it is computed from in every
        column back to the digit, and each window's size written under its column."""
        stage = last_conv(self.architecture)
        maps = self.maps[stage]
        drawn = len(self.columns[stage + 1].pictures)
        self.field_map = int(np.argmax(maps[:drawn].reshape(drawn, -1).max(axis=1)))
        row, column = (int(v) for v in np.unravel_index(np.argmax(maps[self.field_map]), maps.shape[1:]))
        self.field_cell = (stage, row, column)
        self.windows = receptive_field(self.architecture, stage, row, column)
        picture = self.columns[stage + 1].pictures[self.field_map]
        self.cell_ring = Rectangle(width=picture.pixel, height=picture.pixel, stroke_color=HIGHLIGHT,
                                   stroke_width=3).move_to(picture.cell_center(row, column))
        self.cell_ring_big = SurroundingRectangle(picture, color=HIGHLIGHT, buff=0.04, stroke_width=2)
        self.field_marks, self.field_tags, self.field_cones = [], [], []
        targets = [self.cell_ring]
        for window in self.windows:
            column = self.columns[window.column]
            marks = VGroup(*(self.window_mark(picture, window) for picture in column.pictures))
            channels = self.shapes[window.column][0]
            text = (f"{window.size} × {window.size}" if window.column == 0 else
                    f"{window.size} × {window.size} × {channels}")
            tag = Label(text, font_size=FONT, color=HIGHLIGHT)
            tag.next_to(column.group, DOWN, buff=0.12)  # by the maps it measures
            self.field_marks.append(marks)
            self.field_tags.append(tag)
            # A kernel reads every map before it; a pool, each map its own.
            pairs = ([(mark, target) for mark in marks for target in targets]
                     if isinstance(self.stages[window.column], Conv) or len(targets) == 1 else list(zip(marks, targets)))
            # Over the maps, unlike the links: what it joins lies inside them.
            self.field_cones.append(self.segments([(mark.get_right(), target.get_left()) for mark, target in pairs])
                                    .set_stroke(HIGHLIGHT, width=1.2, opacity=0.6).set_z_index(0))
            targets = list(marks)
        # Nearest column first: a tag that would touch the one right of it goes down a row.
        for tag, right_of_it in zip(self.field_tags[1:], self.field_tags):
            if tag.get_right()[0] + GAP > right_of_it.get_left()[0] and \
                    tag.get_bottom()[1] < right_of_it.get_top()[1] and tag.get_top()[1] > right_of_it.get_bottom()[1]:
                tag.shift(DOWN * (tag.get_top()[1] - right_of_it.get_bottom()[1] + 0.08))

    @staticmethod
    def window_mark(picture: Mobject, window: Window) -> Rectangle:
        if isinstance(picture, PixelImage):
            pixel = picture.picture.width / picture.shape[1]
            corner = picture.picture.get_corner(UP + LEFT)
        else:
            pixel = picture.pixel
            corner = picture.picture.get_corner(UP + LEFT)
        centre = corner + np.array([(window.left + window.size / 2) * pixel, -(window.row + window.size / 2) * pixel, 0])
        return Rectangle(width=window.size * pixel, height=window.size * pixel, stroke_color=HIGHLIGHT,
                         stroke_width=2.5).move_to(centre)

    # -- the parameters ------------------------------------------------------------------------

    def lay_out_counts(self) -> None:
        """Each layer's parameter count under its column (a conv's and a pool's under its maps, a dense
        layer's under the neurons it feeds), and the row's name under the digit."""
        xs = [c.group.get_center()[0] for c in self.columns[1:]]
        xs += [self.dense_net.layer_center(i)[0] for i in range(1, len(self.history.layer_sizes))]
        self.count_labels = [Label(f"{count.total:,}", font_size=FONT, color=LABEL) for count in self.counts]
        for label, x in zip(self.count_labels, xs):
            label.move_to([x, self.bottom_y, 0])
        self.count_name = Label("parameters", font_size=FONT, color=MUTED)
        self.count_name.move_to([self.area.left, self.bottom_y, 0], LEFT)
        row = [self.count_name, *self.count_labels]
        staggered = any(a.get_right()[0] + GAP / 2 > b.get_left()[0] for a, b in pairwise(row))
        if staggered:
            for label in self.count_labels[1::2]:
                label.shift(UP * (label.height + 0.08))
        self.count_sums = self.make_count_sums(xs) if not staggered else []

    def make_count_sums(self, xs: list[float]) -> list[Label]:
        """Over each conv's count, how it is made from its kernels' shape in the run (filters · channels ·
        k · k weights + a bias a filter); none when two would touch or one would leave the frame."""
        h, sums, conv = self.history, [], 0
        for stage, x in zip(self.stages, xs):
            if isinstance(stage, Conv):
                filters, channels, k, _ = h.kernels[conv][-1].shape
                conv += 1
                text = f"{filters}·{channels}·{k}·{k} + {h.kernel_biases[conv - 1][-1].size}"
                sums.append(Label(text, font_size=FONT, color=MUTED).move_to(
                    [x, self.bottom_y + self.count_name.height + 0.12, 0]))
        if any(a.get_right()[0] + GAP > b.get_left()[0] for a, b in pairwise(sums)) or any(
                label.get_left()[0] < self.count_name.get_right()[0] + GAP / 2 and label.get_bottom()[1] <
                self.count_name.get_top()[1] for label in sums) or (
                sums and sums[-1].get_right()[0] > self.dense_net.get_left()[0]):
            return []
        return sums

    # -- what is said --------------------------------------------------------------------------

    def script(self) -> list[Beat]:
        rows, columns = self.image.shape
        stage_heads = self.heads[1:len(self.columns)]
        shapes = ", ".join(head[1].original_text for head in stage_heads)
        beats = [Beat(f"Our {self.thing}, {rows} × {columns} pixels, goes in on the left.", self.show_input,
                      brief=f"Our {self.thing}, {rows} × {columns}, then each layer's maps of it, left to right: "
                            f"{shapes}.")]
        convs = 0
        for stage, kind in enumerate(self.stages):
            shape = self.shapes[stage + 1]
            if isinstance(kind, Conv):
                convs += 1
                words = (f"{self.named('conv', convs - 1).capitalize()}'s {kind.filters} kernels of "
                         f"{kernel_shape(kind, self.shapes[stage][0])} make {shape[0]} feature maps of {shape[1]} × "
                         f"{shape[2]}.")
            else:
                words = f"Max-pooling keeps each window's largest value: {shape[0]} maps of {shape[1]} × {shape[2]}."
            beats.append(Beat(words, self.stage_show(stage), in_brief=Brief.WITH_PREVIOUS))
        return beats + self.dense_beats() + self.field_beats() + self.count_beats()

    def dense_beats(self) -> list[Beat]:
        sizes = self.history.layer_sizes
        channels, rows, columns = self.shapes[-1]
        name, p = self.names[self.answer], value_text(self.probabilities[self.answer])
        reads = (f"read by dense layers of {every([f'{s:,}' for s in sizes[1:]])} neurons" if len(sizes) > 2
                 else f"read by the {sizes[-1]:,} output neurons")
        return [
            Beat(f"Flattened, the {channels} maps of {rows} × {columns} are {sizes[0]:,} numbers, {reads}.",
                 self.show_dense, brief=f"Flattened into {sizes[0]:,} numbers, {reads}: the answer, "
                                        f"{name}, with probability {p}."),
            Beat(f"For our {self.thing} the network answers {name}, with probability {p}.", self.show_answer,
                 in_brief=Brief.WITH_PREVIOUS),
        ]

    def field_beats(self) -> list[Beat]:
        first, seen = self.windows[0], self.windows[-1]
        before = self.shapes[first.column][0]
        rows, columns = self.image.shape
        which = "last conv layer" if len(self.architecture.convs) > 1 else "conv layer"
        patch = f"{article(seen.size)} {seen.size} × {seen.size} patch of the {self.thing}"
        reads = (f"a {first.size} × {first.size} window of the map before it" if before == 1 else
                 f"a {first.size} × {first.size} window in all {before} maps before it")
        brief = (f"One cell of the {which} sees {patch}." if first.column == 0 else
                 f"One cell of the {which} reads {reads}; through {'it' if before == 1 else 'them'} it sees {patch}.")
        beats = [Beat(f"Now follow one cell of the {which}'s maps, ringed here.", self.show_cell, brief=brief)]
        for step, window in enumerate(self.windows):
            kind = self.stages[window.column]
            if window.column == 0:
                lead = (f"Its kernel reads {window.size} × {window.size} pixels:" if step == 0 else
                        f"Through {self.named('conv', 0) + chr(39) + 's kernels' if isinstance(kind, Conv) else 'the pool'},")
                words = (f"{lead} this one cell sees {article(window.size)} {window.size} × {window.size} patch of the "
                         f"{self.thing}'s {rows} × {columns} pixels.")
            elif step == 0 and self.shapes[window.column][0] == 1:
                words = f"It is the sum of a {window.size} × {window.size} window of the map before it."
            elif step == 0:
                words = (f"It is the sum of a {window.size} × {window.size} window in each of the "
                         f"{self.shapes[window.column][0]} maps before it: all of them at once.")
            elif isinstance(kind, Pool):
                words = (f"Each of those cells is the largest of a window before the pool: {window.size} × "
                         f"{window.size} cells there.")
            else:
                words = (f"Through {kernel_shape(kind, self.shapes[window.column][0])} kernels, the window grows "
                         f"to {window.size} × {window.size}.")
            beats.append(Beat(words, self.field_show(step), in_brief=Brief.WITH_PREVIOUS))
        return beats

    def count_beats(self) -> list[Beat]:
        convs = [count for count in self.counts if count.name.startswith("conv")]
        dense = self.counts[len(self.stages):]
        conv_words = every([f"{count.total:,}" for count in convs])
        dense_words = every([f"{count.total:,}" for count in dense])
        which = max(range(len(self.counts)), key=lambda index: self.counts[index].total)
        if which >= len(self.stages):
            holder = self.named("dense", which - len(self.stages))
        else:
            holder = self.named("conv", sum(isinstance(stage, Conv) for stage in self.stages[:which]))
        pools = sum(isinstance(stage, Pool) for stage in self.stages)
        pools = "" if not pools else " The pool learns nothing." if pools == 1 else " The pools learn nothing."
        return [
            Beat(f"Each kernel has a weight for each cell of its window in every map it reads, and a bias: "
                 f"{conv_words} parameters in the conv {'layer' if len(convs) == 1 else 'layers'}.{pools}",
                 self.show_conv_counts, brief=f"Its parameters: {conv_words} in the conv {'layer' if len(convs) == 1 else 'layers'}, "
                       f"{dense_words} in the dense {'one' if len(dense) == 1 else 'ones'}; {self.total:,} in all."),
            Beat(f"The dense {'layer holds' if len(dense) == 1 else 'layers hold'} {dense_words}: a weight for each "
                 "input, and a bias for each neuron.", self.show_dense_counts, in_brief=Brief.WITH_PREVIOUS),
            Beat(f"{self.total:,} parameters in all; {holder} holds the most.", self.show_total,
                 in_brief=Brief.WITH_PREVIOUS),
        ]

    def named(self, kind: str, index: int) -> str:
        """"the conv layer" of a network with one, "the second conv layer" of one with more (kind: conv, dense)."""
        count = (len(self.architecture.convs) if kind == "conv" else len(self.history.layer_sizes) - 1)
        return f"the {kind} layer" if count == 1 else f"the {ORDINALS[index]} {kind} layer"

    def part(self, shows_left: int, run_time: float) -> float:
        """Seconds for one of ``shows_left`` shows under the sentence: told in full each has its own
        sentence, told briefly they share one."""
        return self.paced(run_time, 1.0 / shows_left if self.brief else 1.0)

    # -- beats ---------------------------------------------------------------------------------

    def show_input(self) -> None:
        head = self.heads[0]
        self.play(Write(self.title), FadeIn(self.digit, scale=0.9), run_time=0.8)
        self.play(Write(head), Indicate(self.digit, color=HIGHLIGHT, scale_factor=1.05),
                  run_time=self.part(len(self.stages) + 1, 1.0))

    def stage_show(self, stage: int):
        def show() -> None:
            column, head = self.columns[stage + 1], self.heads[stage + 1]
            for picture in column.pictures:
                picture.fill_to(0)
            seconds = self.part(len(self.stages) - stage, 1.6)
            self.play(Create(self.links[stage]), Write(head),
                      LaggedStart(*(FadeIn(p) for p in column.pictures), lag_ratio=0.1), run_time=0.4 * seconds)
            fills = [p.filling(0, p.rows * p.columns) for p in column.pictures]
            extra = [FadeIn(column.more)] if column.more is not None else []
            self.play(LaggedStart(*fills, lag_ratio=0.15), *extra, run_time=0.6 * seconds)
        return show

    def show_dense(self) -> None:
        net = self.dense_net
        dense_heads = self.heads[len(self.columns):]
        seconds = self.part(2, 2.0)
        self.play(Indicate(self.heads[len(self.columns) - 1], color=HIGHLIGHT), Create(self.flatten_links),
                  FadeIn(net.neurons[0]), FadeIn(net.ellipses), Write(dense_heads[0]), run_time=0.4 * seconds)
        self.play(LaggedStart(*(Create(group) for group in net.edges), lag_ratio=0.5),
                  LaggedStart(*(FadeIn(column) for column in net.neurons[1:]), lag_ratio=0.5),
                  LaggedStart(*(Write(head) for head in dense_heads[1:]), lag_ratio=0.5, group=VGroup(*dense_heads[1:])),
                  FadeIn(net.output_labels), run_time=0.6 * seconds)

    def show_answer(self) -> None:
        net = self.dense_net
        dark = np.zeros_like(self.dense_lit)

        def light(_, alpha: float) -> None:
            net.set_drawn_activations(dark + alpha * (self.dense_lit - dark))

        self.play(UpdateFromAlphaFunc(net, light), run_time=self.part(1, 1.2) * 0.5)
        neuron = net.neuron_at(len(net.neurons) - 1, self.answer)
        named = net.output_labels[list(net.indices[-1]).index(self.answer)]
        plate = Label(value_text(self.probabilities[self.answer]), font_size=FONT, color=HIGHLIGHT)
        plate.next_to(named, RIGHT, buff=0.15)
        self.answer_plate = VGroup(BackgroundRectangle(plate, fill_opacity=0.85, buff=0.04), plate)
        self.answer_ring = SurroundingRectangle(VGroup(neuron, named), color=HIGHLIGHT, buff=0.06)
        self.play(Create(self.answer_ring), Indicate(named, color=HIGHLIGHT, scale_factor=1.4),
                  FadeIn(self.answer_plate), run_time=self.paced(1.0, 0.5 if self.brief else 1.0))

    def show_cell(self) -> None:
        """The links between the columns dim; the last conv layer's chosen map, then its cell, ringed."""
        self.play(*(links.animate.set_stroke(opacity=0.12) for links in (*self.links, self.flatten_links)),
                  run_time=0.5)
        self.play(Create(self.cell_ring_big), run_time=0.5)
        # Ringed until its window's size is said, which the next picture writes.
        first = self.windows[0].size
        self.play(Create(self.cell_ring), Indicate(self.cell_ring, color=HIGHLIGHT, scale_factor=2.0),
                  run_time=self.ending_as_said(self.part(len(self.windows) + 1, 1.0), f"{first} × {first}", 0.5))

    def field_show(self, step: int):
        def show() -> None:
            window = self.windows[step]
            marks, tag, cone = self.field_marks[step], self.field_tags[step], self.field_cones[step]
            seconds = self.part(len(self.windows) - step, 1.6)
            # Told briefly, the windows before the digit's share the sentence with it: they leave the time
            # for its size to be written before it is said (the patch the cell sees, the sentence's point).
            seen = self.windows[-1]
            due = self.until_said(f"{seen.size} × {seen.size}") if step < len(self.windows) - 1 else 0.0
            if due > 0:
                seconds = max(0.8, min(seconds, (due - 1.0) / (len(self.windows) - 1 - step)))
            pointed = []
            column = self.columns[window.column]
            if column.more is not None:
                pointed.append(Indicate(column.more, color=HIGHLIGHT))
            if window.column == 0:
                pointed.append(Indicate(self.heads[0], color=HIGHLIGHT))
            if step > 0 and self.stages[window.column].__class__ is Conv:
                pointed.append(Indicate(self.heads[window.column + 1][0], color=HIGHLIGHT))
            # The window's size written with its marks, the writing done as the size is heard (it landed up to
            # a second after it was said): the marks drawn first when the sentence says it later.
            write = min(0.5 * seconds, 1.0)
            lead = self.until_said(f"{window.size} × {window.size}") - write
            drawn = [LaggedStart(*(Create(mark) for mark in marks), lag_ratio=0.05), Create(cone)]
            if lead > 0.3:
                self.play(*drawn, run_time=lead)
                self.play(Write(tag), run_time=write)
            else:
                self.play(*drawn, Write(tag), run_time=write)
                lead = 0.0
            self.play(Indicate(tag, color=HIGHLIGHT, scale_factor=1.1), *pointed,
                      run_time=max(seconds - lead - write, 0.5))
        return show

    def show_conv_counts(self) -> None:
        leaving = VGroup(*self.field_tags, *self.field_cones)  # the windows stay lit
        stages = len(self.stages)
        self.play(FadeOut(leaving), FadeIn(self.count_name), run_time=0.5)
        labels = self.count_labels[:stages]
        # How each conv's count is made written over it as the count is (the count is said first).
        sums = ([LaggedStart(*(Write(label) for label in self.count_sums), lag_ratio=0.3,
                             group=VGroup(*self.count_sums))] if self.count_sums else [])
        self.play(*sums, LaggedStart(*(Write(label) for label in labels), lag_ratio=0.3, group=VGroup(*labels)),
                  # The layers' names pointed at, not their maps: an animated map would be drawn again over
                  # the receptive field's marks.
                  LaggedStart(*(Indicate(self.heads[i + 1][0], color=HIGHLIGHT) for i in range(stages)),
                              lag_ratio=0.3), run_time=self.part(3, 1.6))

    def show_dense_counts(self) -> None:
        labels = self.count_labels[len(self.stages):]
        net = self.dense_net
        self.play(LaggedStart(*(Write(label) for label in labels), lag_ratio=0.4, group=VGroup(*labels)),
                  LaggedStart(*(Indicate(column, color=HIGHLIGHT) for column in net.neurons[1:]), lag_ratio=0.4),
                  *(FadeOut(label) for label in self.count_sums),
                  run_time=self.part(2, 1.4))

    def show_total(self) -> None:
        largest = max(range(len(self.counts)), key=lambda i: self.counts[i].total)
        self.play(Write(self.total_label), run_time=0.8)
        self.play(Indicate(self.count_labels[largest], color=HIGHLIGHT, scale_factor=1.3),
                  run_time=self.part(1, 1.0))
