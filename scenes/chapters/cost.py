"""CostScene: how wrong the network is, on one example, then on the whole training set.

As 3Blue1Brown tells it, with the run's own numbers: the example's outputs beside what we want of
them; its cost computed from the probability it gives the right class, and seen on the curve of
−ln p; a confident mistake far up the curve; then many examples' costs dropping into their average,
the cost of the training set, after training and before it.

Every cost is ``NeuralNetwork.costs`` of the recorded weights, before training (epoch 0) and after
it; their average, plus the regularization penalty, is the cost the run recorded (which the core
and the command line call its loss).
"""
from __future__ import annotations

import math

import cairo
import numpy as np
from manim import (
    DOWN, LEFT, RIGHT, UP, Axes, Circle, Circumscribe, Create, Dot, FadeIn, FadeOut, FadeTransform, GrowFromEdge,
    Indicate, LaggedStart, VMobject,
    ManimColor, ShowPassingFlash, SurroundingRectangle, UpdateFromAlphaFunc, VGroup, Write, linear,
)

from nnscratch.losses import right_probability
from scenes.chapters.base import HistoryScene, after_gone, gone_first, output_names
from scenes.mobjects.glyphs import Formula, Label
from scenes.mobjects.layout import GAP, Region, fit, safe_area
from scenes.mobjects.number_matrix import MathsReadout
from scenes.mobjects.pixel_image import PixelImage
from scenes.mobjects.output_bars import MAX_BARS, OutputBars
from scenes.mobjects.plane_example import PlaneExample
from scenes.mobjects.plane_panel import class_of
from scenes.mobjects.raster import CairoPainted
from scenes.mobjects.readout import Readout
from scenes.mobjects.style import (
    CLASS_COLORS, HIGHLIGHT, LABEL, MUTED, NEGATIVE, OUTPUT_RIM, RIGHT as RIGHT_COLOR, WRONG, class_rgbs, neuron_colors,
)
from scenes.narration.beats import Beat, Brief
from scenes.narration.spoken import spoken
from scenes.narration.words import loss_number, number

CARDS = 12  # examples whose costs drop into the average one by one; then the rest, counted
IMAGE_CARDS = 9  # as pictures: three rows of three leave room for each cost written large enough to read
IMAGE_CARD_SIDE = 1.1  # a card's picture, before the cards are fitted to their room
IMAGE_CARD_FONT = 34  # its cost under it: about 15 px tall at 480p once fitted beside the curve
DOTS = 150  # examples drawn as points on the curve
FORMULA_FONT = 34
READOUT_FONT = 28
COLUMN_FONT = 30
LEFT_SHARE = 0.42  # of the frame's width: the example, then the examples counted
CARD_GROW = 1.9  # at most, a table of names and costs: font 22 grows to about 42
TABLE_GROW = 2.5  # at most, the plane or the table under the example's outputs
TABLE_ROWS, TABLE_FEATURES = 10, 4  # a table's rows and columns shown (more features: "…")
TABLE_SMALLEST = 0.75  # a table shrunk more (its font 24 under 18) is left out
CAPTION_ROOM = 0.7  # under a plane of points: the worst example's caption
TAG_RING, TAG_FONT = 0.17, 28  # the ring round the example's point on the curve, and its cost written by it
LOG_SHARE = 0.1  # the examples named all costing less than this share of a linear axis: a log axis instead


COST_CHUNK = 1000  # examples a forward pass takes at once: a CNN's maps of 8,000 digits are gigabytes


def outputs_and_costs(network, X: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each example's outputs and its cost, as ``NeuralNetwork.forward`` and ``costs`` give them, from one
    forward pass (not one for each), ``COST_CHUNK`` examples at a time."""
    X = network.as_inputs(X)
    targets = network.as_targets(y, len(X))
    layer = network.output_layer
    outputs, costs = [], []
    for start in range(0, len(X), COST_CHUNK):
        z = network.trace(X[start:start + COST_CHUNK]).z[-1]
        outputs.append(layer.activation(z))
        costs += [layer.loss(z[i:i + 1], targets[start + i:start + i + 1]) for i in range(len(z))]
    return np.concatenate(outputs), np.array(costs)


def probability_text(p: float, cost: float) -> str:
    """``p`` with as many decimals as it takes for −ln of the number shown to round to the cost shown
    (at least three): a sum on screen adds up as it is read."""
    for digits in range(3, 9):
        shown = round(p, digits)
        if shown > 0 and loss_number(-np.log(shown)) == loss_number(cost):
            return number(shown, digits)
    return number(p, 8)


def card_samples(costs: np.ndarray, probe: int, count: int = CARDS) -> list[int]:
    """The examples counted one by one (at most ``count``): the probe first, then examples at spread
    quantiles of the costs, and the worst last."""
    order = np.argsort(costs, kind="stable")
    quantiles = np.linspace(0.02, 0.98, count - 2)
    picks = [probe] + [int(order[int(q * (len(order) - 1))]) for q in quantiles] + [int(order[-1])]
    return list(dict.fromkeys(picks))


def typst_value(text: str) -> str:
    """A number for a formula: as text when written with an exponent ("1.59e−5"), which maths would
    set as a product with e."""
    return f'"{text}"' if "e" in text else text


class CurvePoints(CairoPainted):
    """Examples as discs on the cost's curve, painted from arrays in one call: their places move, and
    more of them show, in every frame of a count. ``shown`` says which are seen, ``rgbs`` their colours."""

    def __init__(self, positions: np.ndarray, rgbs: np.ndarray, radius: float, region: Region, **kwargs) -> None:
        super().__init__(region.left, region.bottom, region.width, region.height, **kwargs)
        self.positions = np.asarray(positions, dtype=float)[:, :2]
        self.rgbs = np.asarray(rgbs, dtype=float)
        self.shown = np.ones(len(self.positions), dtype=bool)
        self.radius = radius

    def paint(self, ctx: cairo.Context, camera) -> None:
        alpha = self.alpha
        if alpha <= 0:
            return
        for (x, y), (r, g, b) in zip(self.positions[self.shown].tolist(), self.rgbs[self.shown].tolist()):
            ctx.new_path()
            ctx.arc(x, y, self.radius, 0.0, 2 * math.pi)
            ctx.set_source_rgba(b, g, r, alpha)  # Manim's Cairo surface is BGR
            ctx.fill()


class CostScene(HistoryScene):
    """One example's cost from its outputs and what we want of them, the curve of −ln p, and the cost of
    the whole training set as the average of its examples' costs, after training and before it."""

    def __init__(self, history=None, **kwargs) -> None:
        super().__init__(history, **kwargs)
        h = self.history
        self.trained, self.initial = h.network_at(-1), h.network_at(0)
        X, y = h.X_train, h.y_train
        self.targets = self.trained.as_targets(y, len(X))
        self.outputs, self.costs = outputs_and_costs(self.trained, X, y)
        self.outputs_before, self.costs_before = outputs_and_costs(self.initial, X, y)
        self.classes = h.output_activation != "identity"
        self.probe = int(h.probe_index)
        self.worst = int(np.argmax(self.costs))
        self.cards = card_samples(self.costs, self.probe, IMAGE_CARDS if h.image_shape is not None else CARDS)
        self.dots = self.dot_samples()

    # -- numbers ------------------------------------------------------------------------

    def total(self, network, costs: np.ndarray) -> float:
        """The cost of the training set: the examples' average, plus the penalty on large weights."""
        return float(costs.mean() + network.penalty())

    def p_right(self, sample: int, before: bool = False) -> float:
        outputs = self.outputs_before if before else self.outputs
        return float(right_probability(outputs[sample], self.targets[sample])[0])

    def class_of(self, sample: int) -> str:
        y = self.targets[sample]
        names = self.history.class_names
        index = int(y[0]) if len(y) == 1 else int(np.argmax(y))
        return names[index] if names else str(index)

    def predicted_right(self, sample: int, before: bool = False) -> bool:
        output = (self.outputs_before if before else self.outputs)[sample]
        guess = int(output[0] >= 0.5) if len(output) == 1 else int(np.argmax(output))
        y = self.targets[sample]
        return guess == (int(y[0]) if len(y) == 1 else int(np.argmax(y)))

    def dot_samples(self) -> np.ndarray:
        """The examples drawn as points: the cards, and others spread evenly over the training set."""
        n = len(self.costs)
        spread = np.linspace(0, n - 1, min(n, DOTS)).astype(int)
        return np.array(list(dict.fromkeys([*self.cards, *spread.tolist()])))

    def counting_order(self) -> np.ndarray:
        """Every example once, the cards first: the order the average counts them in."""
        rest = np.setdiff1d(np.arange(len(self.costs)), self.cards)
        return np.concatenate([np.array(self.cards), rest])

    # -- layout -------------------------------------------------------------------------

    def prepare(self) -> None:
        area = safe_area()
        self.title = Label("The cost", font_size=38, color=LABEL)
        fit(self.title, area.above(area.top - self.title.height), UP + LEFT)
        self.subtitle = Label("how wrong the network is", font_size=24, color=MUTED)
        self.subtitle.next_to(self.title, RIGHT, buff=0.45, aligned_edge=DOWN)
        top = self.title.get_bottom()[1] - GAP
        split = area.left + LEFT_SHARE * area.width
        self.left = Region(area.left, split, area.bottom, top)
        self.right = Region(split + 2 * GAP, area.right, area.bottom, top)
        self.example = self.placed(self.make_example(self.probe))
        self.rule, self.rule_note = self.make_rule()
        self.plot = self.make_plot()
        self.bars = self.make_bars()

    def make_bars(self) -> OutputBars | None:
        """The example's outputs as bars, what we want as outlines, where the curve will be drawn (None for
        a real-valued output, or more outputs than bars can name)."""
        if not self.classes or len(self.targets[self.probe]) > MAX_BARS:
            return None
        region = self.right.below(self.rule.get_bottom()[1] - 1.1)
        bars = OutputBars(self.outputs[self.probe], self.targets[self.probe], output_names(self.history),
                          min(region.width, 1.2 * len(self.targets[self.probe]) + 1.0), 0.7 * region.height)
        return fit(bars, region)

    def make_example(self, sample: int) -> VGroup:
        """The example's picture (or its name), its output neurons and what we want of them, side by side."""
        h = self.history
        x = h.X_train[sample].astype(float)
        name = Label(f"sample {sample}: " + ", ".join(number(value) for value in x[:4]) + (" …" if len(x) > 4 else ""),
                     font_size=COLUMN_FONT, color=LABEL)
        if h.image_shape is not None:
            picture = PixelImage(x, h.image_shape, 1.9)
        elif len(x) == 2:  # points in the plane: the example among them, under its outputs
            picture = VGroup(name, self.plane_picture(sample, 2.6))
        else:  # a table's rows: the example among its neighbours, under its outputs
            picture = VGroup(name, self.table_picture(sample))
        names = output_names(h)
        outputs, wanted = self.outputs[sample], self.targets[sample]
        rows = VGroup()
        self.output_values, self.wanted_values, self.output_circles, self.wanted_circles = [], [], VGroup(), VGroup()
        right = self.right_row(sample) if self.classes and len(wanted) > 1 else None
        # The right class's probability with the digits its cost is computed from, as the formula writes it;
        # every readout as wide as the widest, so the rows' columns line up.
        texts = [probability_text(float(value), self.costs[sample]) if index == right else number(value, 3)
                 for index, value in enumerate(outputs)]
        width = max(5, *(len(text) for text in texts))
        for name, value, target, text in zip(names, outputs, wanted, texts):
            circle = self.neuron(value, OUTPUT_RIM)
            readout = MathsReadout(width, font_size=1.2 * COLUMN_FONT, color=LABEL).set_text(text)
            want = self.neuron(target, HIGHLIGHT)
            wanted_text = f"{target:.0f}" if self.classes else number(target)
            want_value = MathsReadout(len(wanted_text), font_size=1.2 * COLUMN_FONT, color=HIGHLIGHT).set_text(wanted_text)
            row = VGroup(Label(name, font_size=COLUMN_FONT, color=LABEL), circle, readout, want, want_value)
            row.arrange(RIGHT, buff=0.25)
            row[3].shift(RIGHT * 0.5)
            row[4].next_to(row[3], RIGHT, buff=0.25)
            rows.add(row)
            self.output_values.append(readout)
            self.wanted_values.append(want_value)
            self.output_circles.add(circle)
            self.wanted_circles.add(want)
        pitch = float(np.clip((self.left.height - 0.8) / max(len(rows), 1), 0.5, 0.75))
        for index, row in enumerate(rows):
            row.move_to([0, -index * pitch, 0], RIGHT)
        heads = VGroup(Label("output", font_size=COLUMN_FONT, color=MUTED).next_to(rows[0][1:3], UP, buff=0.3),
                       Label("wanted", font_size=COLUMN_FONT, color=HIGHLIGHT).next_to(rows[0][3:], UP, buff=0.3))
        self.example_rows, self.example_heads, self.picture = rows, heads, picture
        columns = VGroup(heads, rows)
        if isinstance(picture, PixelImage):
            return VGroup(picture, columns).arrange(RIGHT, buff=0.5, aligned_edge=UP)
        name, below = picture  # the name above, to keep the width; the plane or the table under the outputs
        return VGroup(name, columns, below).arrange(DOWN, buff=0.3, aligned_edge=LEFT)

    def plane_picture(self, sample: int, side: float) -> VGroup:
        """The training points in the plane, each in its class's colour, ``sample`` ringed among them."""
        return PlaneExample(self.history, self.history.X_train[sample], side)

    def table_picture(self, sample: int) -> VGroup:
        """Training examples as rows of their values and label, ``sample``'s row ringed among its neighbours."""
        h = self.history
        X, n = h.X_train.astype(float), len(h.X_train)
        features = min(X.shape[1], TABLE_FEATURES)
        picks = list(dict.fromkeys((sample + k) % n for k in range(-(TABLE_ROWS // 2), TABLE_ROWS - TABLE_ROWS // 2)))
        more = X.shape[1] > features
        heads = [f"x{j + 1}" for j in range(features)] + (["…"] if more else []) + ["label"]
        cells = [Label(text, font_size=24, color=MUTED) for text in heads]
        classes = max(2, self.targets.shape[1])
        colours = class_rgbs(classes) if classes <= len(CLASS_COLORS) else np.tile(ManimColor(LABEL).to_rgb(),
                                                                                   (classes, 1))
        for row in picks:
            values = [number(value) for value in X[row, :features]] + (["…"] if more else [])
            cells += [Label(text, font_size=24, color=LABEL) for text in values]
            if self.classes:
                index = int(class_of(h.y_train[row:row + 1])[0])
                cells.append(Label(self.class_of(row), font_size=24, color=ManimColor.from_rgb(colours[index])))
            else:
                cells.append(Label(number(self.targets[row][0]), font_size=24, color=LABEL))
        rows = len(cells) // len(heads)
        table = VGroup(*cells).arrange_in_grid(cols=len(heads), buff=(0.35, 0.1),  # evenly, descenders or not
                                               row_heights=[max(cell.height for cell in cells)] * rows,
                                               col_alignments="r" * (len(heads) - 1) + "l")
        place = 1 + picks.index(sample)
        ring = SurroundingRectangle(VGroup(*table[place * len(heads):(place + 1) * len(heads)]), color=HIGHLIGHT,
                                    buff=0.08, stroke_width=3)
        return VGroup(table, ring)

    def placed(self, example: VGroup) -> VGroup:
        """``example`` as large as the left of the frame allows (a single output's row grows), at its top left.
        Points in the plane or a table: the name and rows grow to the width, the plane or table takes the
        room left under them (less a line for the worst example's caption)."""
        if self.history.image_shape is None:
            head, below = VGroup(*example[:2]), example[2]
            head.scale(min(1.6, self.left.width / head.width))
            head.arrange(DOWN, buff=0.3, aligned_edge=LEFT)
            room = self.left.height - head.height - 0.3 - CAPTION_ROOM
            grow = min(TABLE_GROW, self.left.width / below.width, max(room, 1.2) / below.height)
            plane = self.history.X_train.shape[1] == 2
            if plane or grow >= TABLE_SMALLEST:
                below.scale(grow).next_to(head, DOWN, buff=0.3, aligned_edge=LEFT)
                return fit(example, self.left, UP + LEFT)
            # Many outputs leave no room for a table large enough to read: the name alone says the example.
            example.remove(below)
            self.picture.remove(below)
        grow = min(1.6, self.left.width / example.width, (self.left.height - 0.6) / example.height)
        return fit(example.scale(max(grow, 1.0)), self.left, UP + LEFT)

    @staticmethod
    def neuron(value: float, rim) -> Circle:
        rgb = neuron_colors(np.clip(np.array([value]), 0.0, 1.0))[0]
        return Circle(radius=0.2, stroke_color=rim, stroke_width=2.5, fill_color=ManimColor.from_rgb(rgb),
                      fill_opacity=1.0)

    def make_rule(self) -> tuple[Formula, Label]:
        code = "C = -ln p" if self.classes else "C = (a - y)^2"
        rule = Formula(code, font_size=FORMULA_FONT + 4, color=LABEL)
        note = Label("p: the probability given to the right class" if self.classes else "a: the output, y: the target",
                     font_size=24, color=MUTED)
        fit(rule, self.right.below(self.right.top).above(self.right.top - rule.height), UP + LEFT)
        note.next_to(rule, RIGHT, buff=0.4, aligned_edge=DOWN)
        fit(note, Region(note.get_left()[0], self.right.right, note.get_bottom()[1], note.get_top()[1]), LEFT)
        return rule, note

    def cost_line(self, sample: int) -> Formula:
        """The example's cost in its numbers: C = −ln p = its cost."""
        cost = loss_number(self.costs[sample])
        if self.classes:
            p = probability_text(self.p_right(sample), self.costs[sample])
            given = (f"-ln(1 - {number(self.outputs[sample][0], 3)}) = " if len(self.targets[sample]) == 1
                     and self.targets[sample][0] == 0 else "")
            code = f"C = {given}-ln {p} = {typst_value(cost)}"
        else:
            a, y = self.outputs[sample][0], self.targets[sample][0]
            code = f"C = ({number(a)} - {number(y)})^2 = {typst_value(cost)}"
        line = Formula(code, font_size=FORMULA_FONT, color=HIGHLIGHT)
        top = self.rule.get_bottom()[1] - 0.3
        return fit(line, self.right.below(top).above(top - line.height), UP + LEFT)

    def curve_x(self, samples: np.ndarray, before: bool = False) -> np.ndarray:
        """Where examples sit along the curve's axis: the right class's probability (or the error a − y)."""
        outputs = self.outputs_before if before else self.outputs
        if self.classes:
            return right_probability(outputs[samples], self.targets[samples])
        return outputs[samples, 0] - self.targets[samples, 0]

    def curve_y(self, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x, dtype=float)
        return -np.log(np.clip(x, 1e-300, None)) if self.classes else x * x

    def make_plot(self) -> VGroup:
        """Axes of the cost against the probability of the right class, the curve −ln p on them. When the
        examples named cost too little to rise off a linear axis (a sure run's p near 1), the cost's axis
        is in powers of ten, so each sits where its cost is."""
        shown = np.concatenate([self.costs[self.dots], self.costs_before[self.dots], [self.costs[self.worst]]])
        top = float(max(2.0, np.ceil(shown.max() * 1.08)))
        named = max(float(self.costs[self.probe]), float(self.costs[self.worst]))
        self.log_low = None  # the lowest power of ten on a log axis, or None for a linear one
        region = self.right.below(self.rule.get_bottom()[1] - 1.1)
        if self.classes:
            x_range = [0, 1, 0.25]
            if named < LOG_SHARE * top:
                lowest = max(min(float(self.costs[self.probe]), float(self.costs[self.worst])), 1e-12)
                self.log_low = math.floor(math.log10(lowest))
                # Up to 10 at least: the climb as p falls toward 0 is drawn, not only the examples' corner.
                top = float(max(1, math.ceil(math.log10(shown.max()))) - self.log_low)
        else:
            span = float(max(0.5, np.abs(self.curve_x(self.dots)).max(), np.abs(self.curve_x(self.dots, True)).max()))
            x_range = [-span, span, span / 2]
        step = 1.0 if self.log_low is not None else max(1.0, float(np.ceil(top / 5)))
        axes = Axes(x_range=x_range, y_range=[0, top, step], x_length=region.width - 1.0, y_length=region.height - 0.9,
                    axis_config={"color": MUTED, "include_tip": False, "stroke_width": 2},
                    tips=False)
        ticks = VGroup()
        for value in np.arange(x_range[0], x_range[1] + 1e-9, x_range[2]):
            ticks.add(Label(f"{value:g}", font_size=20, color=MUTED).next_to(axes.c2p(value, 0), DOWN, buff=0.12))
        for value in np.arange(0, top + 1e-9, step):
            ticks.add(Label(self.tick_text(value), font_size=20, color=MUTED).next_to(axes.c2p(x_range[0], value),
                                                                                      LEFT, buff=0.12))
        x_name = Label("p" if self.classes else "a − y", font_size=24, color=LABEL).next_to(
            axes.c2p(x_range[1], 0), UP + RIGHT, buff=0.08)
        if self.log_low is None:
            y_name = Label("C", font_size=24, color=LABEL).next_to(axes.c2p(x_range[0], top), RIGHT, buff=0.15)
        else:  # above the axis: the curve climbs beside it
            y_name = Label("C, in powers of ten", font_size=24, color=LABEL).next_to(
                axes.c2p(x_range[0], top), UP, buff=0.15, aligned_edge=LEFT)
        if self.log_low is not None:  # sampled evenly in log C: its plunge at p = 1 is as smooth as its climb
            xs = np.exp(-np.logspace(self.log_low, self.log_low + top, 400))[::-1]
        elif self.classes:  # sampled evenly in log p, so its climb near 0 is as smooth as its tail
            xs = np.exp(np.linspace(-top, 0.0, 400))
        else:
            xs = np.linspace(x_range[0], x_range[1], 200)
        curve = VMobject(stroke_color=NEGATIVE, stroke_width=4).set_points_smoothly(
            [axes.c2p(float(x), float(y)) for x, y in zip(xs, self.height_of(self.curve_y(xs)))])
        self.axes, self.curve, self.ticks = axes, curve, ticks
        plot = VGroup(axes, ticks, x_name, y_name, curve)
        return fit(plot, region, DOWN)

    def tick_text(self, value: float) -> str:
        """A tick of the cost's axis: its value, or on a log axis its power of ten as a plain decimal."""
        if self.log_low is None:
            return f"{value:g}"
        power = int(round(value)) + self.log_low
        return f"{10 ** power:g}" if power >= 0 else "0." + "0" * (-power - 1) + "1"

    def height_of(self, costs: np.ndarray) -> np.ndarray:
        """Where costs sit up the axis: as they are, or in powers of ten above the lowest (held to the axis)."""
        costs = np.asarray(costs, dtype=float)
        if self.log_low is None:
            return costs
        top = self.axes.y_range[1] if hasattr(self, "axes") else np.inf
        return np.clip(np.log10(np.clip(costs, 1e-300, None)) - self.log_low, 0.0, top)

    def point(self, x: float) -> np.ndarray:
        return self.axes.c2p(x, float(self.height_of(self.curve_y(np.array([x])))[0]))

    def points_at(self, xs: np.ndarray) -> np.ndarray:
        """Scene points of the curve at ``xs``, all at once (the axes are linear: an origin and two steps)."""
        origin = self.axes.c2p(0, 0)
        x_step, y_step = self.axes.c2p(1, 0) - origin, self.axes.c2p(0, 1) - origin
        xs = np.asarray(xs, dtype=float)
        return origin + xs[:, None] * x_step + self.height_of(self.curve_y(xs))[:, None] * y_step

    def colours_of(self, samples, before: bool = False) -> np.ndarray:
        """Green for an example the network gets right, red for one it gets wrong."""
        return np.array([(RIGHT_COLOR if self.predicted_right(int(s), before) else WRONG).to_rgb() for s in samples])

    # -- what is said -------------------------------------------------------------------

    def script(self) -> list[Beat]:
        return [
            Beat(self.wanted_caption(), self.show_example, in_brief=Brief.WITH_NEXT),
            Beat(self.cost_caption(), self.show_cost, spoken=self.spoken(self.cost_caption())),
            Beat(self.curve_caption(), self.show_curve, in_brief=Brief.WITH_NEXT),
            Beat(self.worst_caption(), self.show_worst, brief=self.worst_caption(brief=True),
                 spoken=self.spoken(self.worst_caption())),
            Beat(self.average_caption(), self.show_average, brief=self.average_caption(brief=True),
                 brief_show=lambda: (self.show_average(), self.trained.penalty() and self.show_penalty())),
            *([Beat(self.penalty_caption(), self.show_penalty, in_brief=Brief.LEFT_OUT)]
              if self.trained.penalty() else []),
            # Briefly left to the descent, which says it as its ball starts there.
            Beat(self.before_caption(), self.show_before, in_brief=Brief.LEFT_OUT),
            Beat("Training moves the weights to bring this average down; gradient descent, next, shows how.",
                 self.show_training, in_brief=Brief.LEFT_OUT),
        ]

    @staticmethod
    def spoken(caption: str) -> str:
        return spoken(caption.replace("−ln ", "minus the log of "))

    def example_words(self, sample: int) -> str:
        if self.history.image_shape is not None and self.history.class_names:
            return f"this {self.class_of(sample)}"
        return f"sample {sample}"

    def wanted_caption(self) -> str:
        probe = self.probe
        if not self.classes and self.history.target_name is not None:
            # The network learns the user's target standardised (the data chapter shows it in the file's units).
            return (f"How wrong is the network on {self.example_words(probe)}? Beside its output, what we want: "
                    f"its {self.history.target_name}, standardised: {number(self.targets[probe][0])}.")
        if not self.classes:
            return (f"How wrong is the network on {self.example_words(probe)}? Beside its output, what we want: "
                    f"the target, {number(self.targets[probe][0])}.")
        if len(self.targets[probe]) > 1:
            return (f"How wrong is the network on {self.example_words(probe)}? Beside its outputs, what we want: "
                    f"1 for the {self.class_of(probe)}, 0 for the others.")
        want = int(self.targets[probe][0])
        return (f"How wrong is the network on {self.example_words(probe)}? Its output is the probability of "
                f"{output_names(self.history)[0][2:-1]}; we want {want}, as the label is {self.class_of(probe)}.")

    def right_words(self, sample: int) -> str:
        """The probability of the right class, said with how it comes from the output."""
        if len(self.targets[sample]) == 1 and self.targets[sample][0] == 0:
            a = number(self.outputs[sample][0], 3)
            return f"1 − {a}, "
        return ""

    def cost_caption(self) -> str:
        probe = self.probe
        cost = loss_number(self.costs[probe])
        if not self.classes:
            return (f"Its cost is the square of the difference: ({number(self.outputs[probe][0])} − "
                    f"{number(self.targets[probe][0])})² = {cost}.")
        p = probability_text(self.p_right(probe), self.costs[probe])
        return (f"Its cost is minus the log of the probability it gives the right class: "
                f"{self.right_words(probe)}−ln {p} = {cost}.")

    def curve_caption(self) -> str:
        if not self.classes:
            return "Drawn against the difference, the cost is nothing for an exact answer and grows with its square."
        return ("Drawn against that probability, the cost is near nothing for a sure right answer and climbs "
                "steeply as the probability falls.")

    def worst_caption(self, brief: bool = False) -> str:
        worst = self.worst
        cost = loss_number(self.costs[worst])
        mistake = self.classes and not self.predicted_right(worst)
        who = f"sample {worst}" + (f", a {self.class_of(worst)}," if self.history.image_shape is not None else "")
        if not self.classes:
            return f"The worst example, {who} answers {number(self.outputs[worst][0])}: a cost of {cost}."
        p = probability_text(self.p_right(worst), self.costs[worst])
        if brief:
            start = "A confident mistake costs a lot" if mistake else "The hardest example costs the most"
            return f"{start}: {who} gets {p} for its class, a cost of {cost}."
        start = "A confident mistake costs the most" if mistake else "The hardest example costs the most"
        return f"{start}: {who} gets only {p} for its class, a cost of {cost}."

    def average_caption(self, brief: bool = False) -> str:
        n = len(self.costs)
        mean = loss_number(self.costs.mean())
        penalty = self.trained.penalty()
        if brief and penalty:
            return (f"The cost of the training set is the average over all {n:,}, {mean}, plus a penalty on large "
                    f"weights: {loss_number(self.total(self.trained, self.costs))}.")
        if brief:
            return f"The cost of the training set is the average over all {n:,}: {mean}."
        return f"The cost of the whole training set is the average of all {n:,} examples' costs: {mean}."

    def penalty_caption(self) -> str:
        penalty = self.trained.penalty()
        return (f"With regularization it also adds a penalty on large weights: {loss_number(self.costs.mean())} + "
                f"{loss_number(penalty)} = {loss_number(self.total(self.trained, self.costs))}.")

    def before_caption(self) -> str:
        before = loss_number(self.total(self.initial, self.costs_before))
        return f"Before training, with its first weights, the same cost was {before}."

    # -- beats: one example ---------------------------------------------------------------

    def show_example(self) -> None:
        """The example, its outputs, then a copy of them sliding aside into what we want."""
        rows = self.example_rows
        outputs = VGroup(*(VGroup(row[:3]) for row in rows))
        quick = 0.6 if self.brief else 1.0  # a brief telling folds this into the next sentence
        bars = self.bars
        # Beside the numbers, the same outputs as bars rising to their values. All of it comes in with the
        # title: the chapter's first second is not a title on black (the review saw one at a chapter's start).
        rising = [LaggedStart(*(GrowFromEdge(bar, DOWN) for bar in bars.bars), lag_ratio=0.08, group=bars.bars),
                  FadeIn(bars.names)] if bars is not None else []
        self.play(Write(self.title), FadeIn(self.subtitle), FadeIn(self.picture, scale=0.9),
                  LaggedStart(*(FadeIn(row) for row in outputs), lag_ratio=0.08, group=outputs),
                  FadeIn(self.example_heads[0]), *rising, run_time=1.6 * quick)
        wanted = VGroup(*(VGroup(row[3:]) for row in rows))
        copies = VGroup(*(VGroup(row[1].copy(), row[2].copy()) for row in rows))
        outlines = [Create(bars.outlines)] if bars is not None else []  # and what we want, around them
        self.play(FadeTransform(copies, wanted), FadeIn(self.example_heads[1]), *outlines,
                  run_time=0.8 if self.brief else self.paced(1.2))

    def right_row(self, sample: int) -> int:
        y = self.targets[sample]
        return 0 if len(y) == 1 else int(np.argmax(y))

    def show_cost(self) -> None:
        """The rule written, the right class's row ringed, its probability flying into the numbers; then the
        curve of the rule drawn beside them with the example's point on it (the right half never black)."""
        row = self.example_rows[self.right_row(self.probe)]
        self.ring = SurroundingRectangle(row, color=HIGHLIGHT, buff=0.08)
        self.play(Write(self.rule), FadeIn(self.rule_note), Create(self.ring), run_time=0.8 if self.brief else 1.0)
        self.line = self.cost_line(self.probe)
        source = row[2].copy()
        self.play(FadeTransform(source, self.line), run_time=1.0)
        bars = [FadeOut(self.bars, rate_func=gone_first)] if self.bars is not None else []  # the curve in their place
        arriving = {"rate_func": after_gone} if bars else {}
        self.play(*bars, Create(self.axes, **arriving), FadeIn(self.plot[1:4], **arriving),
                  run_time=0.5 if self.brief else 0.8)
        curve = self.curve.copy().reverse_points()  # drawn from p = 1, where a sure answer costs nothing
        self.play(Create(curve), run_time=self.paced(1.0, 0.6), rate_func=linear)
        self.remove(curve)
        self.add(self.curve)
        self.marker = Dot(self.point(float(self.curve_x(np.array([self.probe]))[0])), radius=0.09, color=HIGHLIGHT)
        self.marker_tag = self.point_tag(self.probe)
        ring, value = self.marker_tag
        self.play(FadeIn(self.marker, scale=3), Create(ring), Write(value),
                  Indicate(self.line, color=HIGHLIGHT, scale_factor=1.05), run_time=self.paced(0.5))

    def point_tag(self, sample: int) -> VGroup:
        """A ring round the example's point on the curve and its cost written over it: a sure right answer's
        point sits in the corner of the axes, on the curve and the axis at once, and a dot alone is lost there.
        The cost goes above the point and to its right, where the curve (falling as p grows) is lower, kept
        inside the axes."""
        centre = self.point(float(self.curve_x(np.array([sample]))[0]))
        ring = Circle(radius=TAG_RING, color=HIGHLIGHT, stroke_width=3).move_to(centre)
        value = Label(loss_number(self.costs[sample]), font_size=TAG_FONT, color=HIGHLIGHT)
        value.next_to(ring, UP, buff=0.08).align_to(ring, LEFT)
        overhang = value.get_right()[0] - self.axes.get_right()[0]
        if overhang > 0:
            value.shift(overhang * LEFT)
        return VGroup(ring, value)

    def show_curve(self) -> None:
        """The curve's climb traced from a sure right answer (p = 1) to a sure wrong one, the example's
        point pointed at where it sits."""
        trace = self.curve.copy().reverse_points().set_stroke(color=HIGHLIGHT, width=8)
        self.play(ShowPassingFlash(trace, time_width=0.4), run_time=1.0 if self.brief else self.paced(1.4, 0.7),
                  rate_func=linear)
        self.play(Indicate(self.marker, color=HIGHLIGHT, scale_factor=1.8), Indicate(self.marker_tag, color=HIGHLIGHT),
                  run_time=0.5 if self.brief else self.paced(0.6))

    def show_worst(self) -> None:
        """The worst example in place of the example: its outputs, its cost, its point sliding up the curve."""
        worst = self.worst
        x0 = float(self.curve_x(np.array([self.probe]))[0])
        x1 = float(self.curve_x(np.array([worst]))[0])
        old = VGroup(self.example, self.ring)
        self.example = self.placed(self.make_example(worst))
        row = self.example_rows[self.right_row(worst)]
        self.ring = SurroundingRectangle(row, color=HIGHLIGHT, buff=0.08)
        caption = Label(f"sample {worst}, labelled {self.class_of(worst)}", font_size=24, color=LABEL)
        caption.next_to(self.example, DOWN, buff=0.3, aligned_edge=LEFT)
        self.example_caption = caption
        line = self.cost_line(worst)
        self.play(FadeOut(old), FadeOut(self.marker_tag), FadeIn(self.example), FadeIn(caption), *self.swap_line(line),
                  run_time=0.8)
        # Along the curve, in log steps of p, so the climb near 0 takes its share of the time.
        xs = np.exp(np.linspace(np.log(max(x0, 1e-12)), np.log(max(x1, 1e-12)), 40)) if self.classes else \
            np.linspace(x0, x1, 40)
        path = [self.point(float(x)) for x in xs]

        def slide(dot: Dot, alpha: float) -> None:
            dot.move_to(path[min(int(alpha * (len(path) - 1)), len(path) - 1)])

        self.play(Create(self.ring), UpdateFromAlphaFunc(self.marker, slide), run_time=self.paced(1.6))

    def swap_line(self, line: Formula) -> list:
        old, self.line = self.line, line
        return [FadeOut(old), Write(line)]

    # -- beats: the training set ----------------------------------------------------------

    def make_cards(self) -> VGroup:
        """The examples counted one by one: each one's picture (or its name) over its cost."""
        h = self.history
        cards = VGroup()
        # As wide as the longest cost a card shows, before training or after ("1.15e−11" has eight characters).
        chars = max(7, *(len(loss_number(c)) for c in (*self.costs[self.cards], *self.costs_before[self.cards])))
        for sample in self.cards:
            face = (PixelImage(h.X_train[sample].astype(float), h.image_shape, IMAGE_CARD_SIDE)
                    if h.image_shape is not None else Label(f"#{sample}", font_size=20, color=LABEL))
            cost = MathsReadout(chars, font_size=IMAGE_CARD_FONT if h.image_shape is not None else 25,
                                color=RIGHT_COLOR if self.predicted_right(sample) else WRONG)
            cost.set_text(loss_number(self.costs[sample]))
            cards.add(VGroup(face, cost).arrange(DOWN, buff=0.1))
        top = self.average.get_bottom()[1] - 0.4
        region = self.left.below(top).above(self.left.bottom + self.penalty_room())
        if h.image_shape is not None:
            cards.arrange_in_grid(cols=3, buff=(0.25, 0.3))
            return fit(cards, region, UP)
        # Names and costs: a table as large as the room under the average, in the columns (and each name over
        # its cost, or beside it: a long plain decimal is wide) that let it grow most.
        layouts = [(side, cols) for side in (DOWN, RIGHT) for cols in (2, 3, 4, 6)]
        side, best = max(layouts, key=lambda layout: self.card_scale(cards, layout[1], region, layout[0]))
        grow = max(1.0, min(CARD_GROW, self.card_scale(cards, best, region, side)))
        cards.scale(grow)
        rows = math.ceil(len(cards) / best)
        if rows > 1 and cards.height < region.height:  # held by the width: the rows spread down the room
            spread = 0.3 * grow + (region.height - cards.height) / (rows - 1)
            cards.arrange_in_grid(cols=best, buff=(0.35 * grow, spread))
        return fit(cards, region, UP)

    @staticmethod
    def card_scale(cards: VGroup, cols: int, region: Region, side=DOWN) -> float:
        """How much ``cards`` in ``cols`` columns, each card's cost to the ``side`` of its name, could grow
        to fill ``region``."""
        for card in cards:
            card.arrange(side, buff=0.1 if side is DOWN else 0.25)
        cards.arrange_in_grid(cols=cols, buff=(0.35, 0.3))
        return min(region.width / cards.width, region.height / cards.height)

    def penalty_room(self) -> float:
        """The height kept under the cards for the sum with the penalty on the weights, when there is one."""
        return 1.3 if self.trained.penalty() or self.initial.penalty() else 0.0

    @staticmethod
    def reveal_card(card: VGroup, shown: bool) -> None:
        """A card seen or not: its face, and its cost's characters (a readout's frame stays unpainted)."""
        face, cost = card
        opacity = 1.0 if shown else 0.0
        if isinstance(face, PixelImage):  # its frame is an outline, never filled
            face.picture.set_opacity(opacity)
            face.frame.set_stroke(opacity=opacity)
        else:
            face.set_opacity(opacity)
        cost.glyphs.set_fill(opacity=opacity)

    def make_average(self) -> VGroup:
        """The average's formula and its live value, with the count of examples in it."""
        n = len(self.costs)
        formula = Formula(f"C_\"train\" = 1/{n} sum_(i=1)^({n}) C_i", font_size=FORMULA_FONT, color=LABEL)
        shown = [self.costs.mean(), self.costs_before.mean(), *self.costs[self.cards]]
        self.average_value = Readout(max(len(loss_number(value)) for value in shown) + 1, font_size=READOUT_FONT + 4,
                                     color=HIGHLIGHT)
        self.count_value = Readout(len(f"{n:,}"), font_size=READOUT_FONT, color=LABEL)
        equals = Formula("=", font_size=FORMULA_FONT, color=LABEL)
        row = VGroup(formula, equals, self.average_value).arrange(RIGHT, buff=0.25)
        self.average_value.match_y(equals)
        count = VGroup(Label("examples counted:", font_size=24, color=MUTED), self.count_value).arrange(RIGHT, buff=0.2)
        group = VGroup(row, count).arrange(DOWN, aligned_edge=LEFT, buff=0.2)
        self.average_parts = [formula, equals, self.average_value, *count]  # the formula first: it stays still
        return fit(group, self.left.below(self.left.top).above(self.left.top - group.height), UP + LEFT)

    def show_average(self) -> None:
        """Examples one after another, faster and faster: each card's cost dropping into the average
        and its point onto the curve; then the rest counted, their points raining, to the average of all."""
        order = self.counting_order()
        running = np.cumsum(self.costs[order]) / np.arange(1, len(order) + 1)
        rank = {int(sample): place for place, sample in enumerate(order)}
        self.average = self.make_average()
        self.cards_mob = self.make_cards()
        frame = self.axes.get_left()[0], self.axes.get_right()[0], self.axes.get_bottom()[1], self.axes.get_top()[1]
        self.point_dots = CurvePoints(self.points_at(self.curve_x(self.dots)), self.colours_of(self.dots), 0.045,
                                      Region(*frame))
        self.play(FadeOut(VGroup(self.example, self.ring, self.example_caption)), FadeOut(self.line),
                  FadeOut(self.marker), FadeIn(self.average), run_time=0.6)
        # Its parts on their own, the formula first: what changes at every frame from here (the numbers,
        # the cards, the points) comes after it, and Manim redraws at every frame all that follows the
        # first thing changing.
        self.remove(self.average)
        self.add(*self.average_parts)
        n_cards = len(self.cards)
        # Done as the average is said: the count at all of them and its value settled as they are heard.
        mean = loss_number(self.costs.mean())
        seconds = self.ending_as_said(max(3.0, self.beat_seconds() - 0.3), mean, least=3.0)
        # An accelerating flip-book: the first cards slowly, the last of 8,000 in a rush.
        counted = lambda alpha: max(1, int(round(n_cards * min(1.0, alpha / 0.6) if alpha < 0.6 else  # noqa: E731
                                              n_cards + (len(order) - n_cards) * ((alpha - 0.6) / 0.4) ** 2)))

        def step(_, alpha: float) -> None:
            k = counted(alpha)
            self.average_value.set_text(loss_number(running[k - 1]))
            self.count_value.set_text(f"{k:,}")
            for card_index, card in enumerate(self.cards_mob):
                self.reveal_card(card, card_index < k)
            self.point_dots.shown = ranks < k

        ranks = np.array([rank[int(s)] for s in self.dots])
        for card in self.cards_mob:
            self.reveal_card(card, False)
        self.point_dots.shown = np.zeros(len(self.dots), dtype=bool)
        self.add(*self.cards_mob, self.point_dots)
        self.play(UpdateFromAlphaFunc(self.average_value, step), run_time=seconds, rate_func=linear)
        # Lit while it is said, a line running round it: a long number's words (0.000101) outlast a pulse.
        self.play(Indicate(self.average_value, color=HIGHLIGHT),
                  Circumscribe(self.average_value, color=HIGHLIGHT, buff=0.06, time_width=0.6),
                  run_time=self.paced(0.6))

    def penalty_line(self, before: bool = False) -> VGroup:
        """The average cost plus the penalty on the weights: the cost of the training set the run recorded."""
        network, costs = (self.initial, self.costs_before) if before else (self.trained, self.costs)
        parts = (costs.mean(), network.penalty(), self.total(network, costs))
        line = Formula("{} + {} = {}".format(*(typst_value(loss_number(value)) for value in parts)),
                       font_size=FORMULA_FONT, color=HIGHLIGHT)
        note = Label("average + penalty on the weights", font_size=24, color=MUTED)
        group = VGroup(line, note).arrange(DOWN, aligned_edge=LEFT, buff=0.15)
        top = self.cards_mob.get_bottom()[1] - 0.3
        return fit(group, self.left.below(top).above(top - group.height), UP + LEFT)

    def show_penalty(self) -> None:
        """The penalty on the weights added to the average."""
        self.penalty = self.penalty_line()
        self.play(Write(self.penalty[0]), FadeIn(self.penalty[1]), run_time=self.paced(1.2, 0.8))

    def swap_penalty(self, before: bool) -> list:
        """The penalty's sum for the other weights, when there is a penalty."""
        if not self.trained.penalty() and not self.initial.penalty():
            return []
        old, self.penalty = getattr(self, "penalty", None), self.penalty_line(before)
        return [*([FadeOut(old)] if old is not None else []), Write(self.penalty[0]), FadeIn(self.penalty[1])]

    def move_points(self, before: bool, seconds: float) -> UpdateFromAlphaFunc:
        """Every point sliding along the curve to where the weights before training (or after) put it,
        each card's cost and the average counting with them."""
        start = self.curve_x(self.dots, before=not before)
        end = self.curve_x(self.dots, before=before)
        mean = (self.costs_before.mean(), self.costs.mean())
        first, last = (mean[1], mean[0]) if before else mean
        card_costs = (self.costs_before if before else self.costs)[self.cards]
        card_start = (self.costs if before else self.costs_before)[self.cards]
        colours = self.colours_of(self.dots, before)
        card_colours = [RIGHT_COLOR if self.predicted_right(int(s), before) else WRONG for s in self.cards]

        def step(_, alpha: float) -> None:
            if self.classes:  # along the curve in log p, as the cost is
                xs = np.exp((1 - alpha) * np.log(np.clip(start, 1e-300, None)) +
                            alpha * np.log(np.clip(end, 1e-300, None)))
            else:
                xs = (1 - alpha) * start + alpha * end
            self.point_dots.positions = self.points_at(xs)[:, :2]
            done = alpha >= 1
            self.average_value.set_text(loss_number(last if done else first + alpha * (last - first)))
            for card, a, b in zip(self.cards_mob, card_start, card_costs):
                card[1].set_text(loss_number(b if done else a + alpha * (b - a)))
            if done:
                self.point_dots.rgbs = colours
                for card, colour in zip(self.cards_mob, card_colours):
                    card[1].set_color(colour)

        # Driven from the first of what it changes: the average's value, the cards and the points follow it.
        return UpdateFromAlphaFunc(self.average_value, step, run_time=seconds)

    def show_before(self) -> None:
        """Every point slides to where the first weights put it, the cards' costs and the average climbing."""
        label = Label("before training", font_size=28, color=HIGHLIGHT)
        label.next_to(self.count_value, RIGHT, buff=0.5)
        self.when = label
        seconds = 1.4 if self.brief else self.paced(1.5, 0.9)  # a brief telling replays training after it
        self.play(FadeIn(label), self.move_points(True, seconds), *self.swap_penalty(True))

    def show_training(self) -> None:
        """Training's work, replayed: every point back down the curve, the costs falling with them."""
        label = Label("after training", font_size=28, color=HIGHLIGHT).move_to(self.when, LEFT)
        self.play(FadeOut(self.when), FadeIn(label), self.move_points(False, self.paced(1.5, 0.9)),
                  *self.swap_penalty(False))
        self.when = label
