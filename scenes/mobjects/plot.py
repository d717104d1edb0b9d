"""A metric over the epochs of a run, laid out inside a region: the plot the training replay draws.

The value axis covers every plotted value, train and test alike; the legend sits
on the heading's row, where no curve can pass; the labels at the axis ends stay
inside the region. Long runs get a logarithmic epoch axis, marked on the axis,
so the early learning is not squeezed into its first pixel.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, Axes, DashedLine, Line, VGroup

from scenes.mobjects.glyphs import Label
from scenes.mobjects.layout import Region
from scenes.mobjects.readout import Readout
from scenes.mobjects.revealed_curve import RevealedCurve
from scenes.mobjects.style import LABEL, MUTED
from scenes.narration.words import fixed

LOG_EPOCHS = 5000  # from this many epochs on, the epoch axis is logarithmic
MAX_CURVE_POINTS = 300
SMALL = 16  # font size of the axis labels


@dataclass(frozen=True)
class EpochAxis:
    """Where an epoch sits along the axis, as a fraction of its length: linear, or log(1 + epoch)."""

    epochs: int

    @property
    def log(self) -> bool:
        return self.epochs >= LOG_EPOCHS

    def position(self, epoch):
        if self.log:
            return np.log1p(epoch) / math.log1p(self.epochs)
        return np.asarray(epoch, dtype=float) / self.epochs

    def samples(self) -> np.ndarray:
        """The epochs a curve passes through: even along the axis, so a log axis is dense early."""
        if self.log:
            points = np.expm1(np.linspace(0.0, math.log1p(self.epochs), MAX_CURVE_POINTS))
        else:
            points = np.linspace(0, self.epochs, min(self.epochs + 1, MAX_CURVE_POINTS))
        return np.unique(np.concatenate([np.round(points).astype(int), [0, self.epochs]]))

    def ticks(self) -> list[int]:
        """Epochs to label under the axis besides its ends: the powers of ten on a log axis."""
        if not self.log:
            return []
        return [10**k for k in range(1, int(math.log10(self.epochs)) + 1) if 10**k < self.epochs * 0.7]


def labelled(*parts) -> VGroup:
    """Texts and readouts in a row on one baseline (a plain bottom alignment would sink words with descenders)."""
    row = VGroup(*parts).arrange(RIGHT, buff=0.18)
    baseline = next(part for part in parts if isinstance(part, Readout)).frame.get_bottom()[1]
    for part in parts:
        if isinstance(part, Label):
            digit_or_letter = next(glyph for glyph, char in zip(part, part.text.replace(" ", ""))
                                   if char.isalnum() and char not in "gjpqy")
            part.shift(UP * (baseline - digit_or_letter.get_bottom()[1]))
    return row


class MetricPlot(VGroup):
    """Axes of one metric over epochs filling ``region``, with its curves (revealed up to an epoch
    during a replay), a heading that carries a live readout, and its labels.

    ``series`` holds (values per epoch, colour, name) for each curve; an empty one is left out, and
    one shorter than the axis (a run that stopped early) ends where its values do.
    ``stacked_labels`` lists the value-axis labels of every plot stacked with this one, so all of
    their axes start at one x.
    """

    def __init__(self, region: Region, name: str, readout: Readout | None, series: Sequence[tuple], top: float,
                 top_label: str, axis: EpochAxis, stacked_labels: Sequence[str] = (), small: float = SMALL,
                 floor: float | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        # With a ``floor``, the values' axis is logarithmic from it to ``top``: a cost that fell a
        # hundredfold still shows its later moves (a stall, a rise) instead of lying on the axis.
        self.axis, self.top, self.floor = axis, top, floor
        heading = Label(name, font_size=24, color=LABEL)
        self.heading = labelled(heading, readout) if readout is not None else VGroup(heading)
        series = [entry for entry in series if len(entry[0])]
        # A series may carry a readout of its own (values, colour, name, readout): shown after its key.
        self.keys = VGroup(*(self._key(color, label, small, *rest) for _, color, label, *rest in series)) \
            if len(series) > 1 or any(len(entry) > 3 for entry in series) else VGroup()
        self.keys.arrange(RIGHT, buff=0.25)
        if self.keys.width > region.width - self.heading.width - 0.3:  # beside the heading, one key a row
            self.keys.arrange(DOWN, aligned_edge=LEFT, buff=0.08)
        bottom_label = "0" if floor is None else fixed(floor, 1)
        value_labels = [Label(top_label, font_size=small, color=MUTED), Label(bottom_label, font_size=small,
                                                                              color=MUTED)]
        epoch_name = Label("epoch (log scale)" if axis.log else "epoch", font_size=small, color=MUTED)
        left = max(Label(text, font_size=small).width for text in [top_label, bottom_label, *stacked_labels]) + 0.12
        # The epoch numbers under the axis, and on a log axis its name on a row of its own below them.
        bottom = (epoch_name.height + 0.14) * (2 if axis.log else 1)
        keys_below = self.heading.width + self.keys.width + 0.3 > region.width  # a narrow plot: keys on a row below
        head = (self.heading.height + self.keys.height + 0.1 if keys_below
                else max(self.heading.height, self.keys.height)) + 0.15
        self.axes = Axes(x_range=[0, 1, 1], y_range=[0, top, top], x_length=region.width - left - 0.05,
                         y_length=max(0.5, region.height - head - bottom), tips=False,
                         axis_config={"color": MUTED, "stroke_width": 2, "include_ticks": False})
        self.axes.move_to([region.left + left + self.axes.width / 2, region.bottom + bottom + self.axes.height / 2, 0])
        origin, corner = self.axes.c2p(0, 0), self.axes.c2p(1, top)
        self.heading.move_to([region.left, region.top, 0], UP + LEFT)
        keys_top = self.heading.get_bottom()[1] - 0.1 if keys_below else region.top
        self.keys.move_to([region.right, keys_top, 0], UP + RIGHT)
        value_labels[0].next_to(self.axes.c2p(0, top), LEFT, buff=0.1)
        value_labels[1].next_to(origin, LEFT, buff=0.1)
        for power in self.powers_of_ten():  # between the ends of a log axis, where they leave room
            label = Label(fixed(power, 1), font_size=small, color=MUTED).next_to(
                self.axes.c2p(0, self.value_y(power)), LEFT, buff=0.1)
            if all(abs(label.get_y() - other.get_y()) > label.height * 1.8 for other in value_labels):
                value_labels.append(label)
        epoch_labels = [Label(f"{axis.epochs:,}", font_size=small, color=MUTED).next_to(self.axes.c2p(1, 0), DOWN,
                                                                                       buff=0.08)]
        epoch_labels[0].align_to(self.axes.c2p(1, 0), RIGHT)  # its right end at the axis end, not past it
        epoch_name.next_to(self.axes.c2p(0.5, 0), DOWN, buff=0.08)
        if axis.log:
            epoch_name.next_to(epoch_labels[0], DOWN, buff=0.06).set_x(self.axes.c2p(0.5, 0)[0])
        else:  # on the numbers' row: left of the last number, clear of it, on a short axis too
            epoch_name.shift(LEFT * max(0.0, epoch_name.get_right()[0] + 0.15 - epoch_labels[0].get_left()[0]))
        row = [*epoch_labels] if axis.log else [*epoch_labels, epoch_name]
        for tick in axis.ticks():
            label = Label(f"{tick:,}", font_size=small, color=MUTED).next_to(
                self.axes.c2p(float(axis.position(tick)), 0), DOWN, buff=0.08)
            if all(label.get_right()[0] + 0.1 < other.get_left()[0] or other.get_right()[0] + 0.1 < label.get_left()[0]
                   for other in row):
                epoch_labels.append(label)
                row.append(label)
        self.labels = VGroup(self.heading, self.keys, *value_labels, *epoch_labels, epoch_name)
        epochs = axis.samples()
        self.curves = []
        for values, color, *_ in series:
            values = np.asarray(values, dtype=float)
            shown = epochs[epochs < len(values)]
            if shown[-1] != len(values) - 1:
                shown = np.append(shown, len(values) - 1)
            xs = origin[0] + axis.position(shown) * (corner[0] - origin[0])
            ys = origin[1] + self.value_y(values[shown]) / top * (corner[1] - origin[1])
            self.curves.append(RevealedCurve(np.column_stack([xs, ys, np.zeros_like(xs)]), stroke_color=color,
                                             stroke_width=3))
        self.add(self.axes, self.labels)

    def value_y(self, values):
        """Where ``values`` sit up the axes, in the axes' units (0 at the bottom, ``top`` at the top):
        in proportion, or on a log axis in proportion to their logarithm above the floor."""
        values = np.asarray(values, dtype=float)
        if self.floor is None:
            return np.clip(values, 0.0, self.top)
        ratio = np.log(np.clip(values, self.floor, self.top) / self.floor) / math.log(self.top / self.floor)
        return ratio * self.top

    def powers_of_ten(self) -> list[float]:
        if self.floor is None:
            return []
        low, high = math.floor(math.log10(self.floor)) + 1, math.ceil(math.log10(self.top)) - 1
        return [10.0 ** k for k in range(low, high + 1) if self.floor < 10.0 ** k < self.top]

    @staticmethod
    def _key(color, label: str, small: float, readout: Readout | None = None) -> VGroup:
        parts = [Line(LEFT * 0.15, RIGHT * 0.15, stroke_color=color, stroke_width=3),
                 Label(label, font_size=small, color=MUTED)]
        if readout is None:
            return VGroup(*parts).arrange(RIGHT, buff=0.08)
        key = labelled(*parts[1:], readout)
        return VGroup(parts[0], key).arrange(RIGHT, buff=0.08)

    def marker(self, epoch: int, text: str, small: float = SMALL) -> VGroup:
        """A dashed line up the plot at ``epoch``, labelled at its top."""
        x = self.axes.c2p(float(self.axis.position(epoch)), 0)[0]
        line = DashedLine([x, self.axes.c2p(0, 0)[1], 0], [x, self.axes.c2p(0, self.top)[1], 0], color=MUTED,
                          stroke_width=2, dash_length=0.06)
        # Inside the axes, beside the line's top: above it run the heading and the legend. On the
        # side with more room; on two lines, or smaller, when one line does not fit there.
        room_right = self.axes.c2p(1, 0)[0] - x - 0.08
        room_left = x - self.axes.c2p(0, 0)[0] - 0.08
        right = room_right >= room_left
        room = room_right if right else room_left
        label = Label(text, font_size=small, color=MUTED)
        if label.width > room and ", " in text:
            label = Label(text.replace(", ", "\n", 1), font_size=small, color=MUTED, line_spacing=0.8)
        if label.width > room:
            label.scale(max(room, 0.1) / label.width)
        label.move_to(line.get_end() + (RIGHT * 0.08 if right else LEFT * 0.08), UP + (LEFT if right else RIGHT))
        return VGroup(line, label)

    def reveal(self, epoch: float) -> None:
        """Show the curves up to ``epoch`` (a curve that ends before it, whole)."""
        x = self.axes.c2p(float(self.axis.position(epoch)), 0)[0]
        for curve in self.curves:
            curve.reveal_to(x)
