"""GradientDescentScene: the real cost surface of a run, the gradient as the way downhill, the learning
rate as the step's size, and the run rolling down.

The surface is ``nnscratch.landscape.loss_landscape`` of the recorded run (Li et al.
2018): the cost over the training set (the core's "loss") on a grid through the final
weights, along the two directions the weights moved most in. The ball sits at the recorded
cost of each snapshot; its arrow is the recorded (full-batch) gradient's share in that plane;
the gradient's entries are the recorded ones; the step-size plot is the cost along the recorded
gradient of one snapshot. For a network too big to evaluate that often over all its training data,
the surface and the plot are the cost over a fixed sample of it (and the grid may be coarser);
the scene says so, on screen and in words.
"""
from __future__ import annotations

import math
import textwrap

import numpy as np
from manim import (
    DOWN, LEFT, ORIGIN, RIGHT, UP, Arrow, Axes, Create, DashedLine, Dot, FadeIn, FadeOut, GrowArrow, Indicate,
    LaggedStart, UpdateFromAlphaFunc, VGroup, Write, linear, smooth, there_and_back,
)

from nnscratch.backprop import steepest_early_snapshot
from nnscratch.landscape import RESOLUTION, Landscape, gradient_arrays, gradient_slice
from nnscratch.landscape_cache import cached_landscape
from nnscratch.verdict import judge
from scenes.chapters.base import HistoryScene, after_gone, gone_first
from scenes.mobjects.glyphs import Formula, Label
from scenes.mobjects.layout import GAP, Region, fit, safe_area
from scenes.mobjects.readout import Readout
from scenes.mobjects.style import GRADIENT_NEGATIVE, GRADIENT_POSITIVE, HIGHLIGHT, LABEL, MUTED, NEGATIVE, OUTPUT_RIM
from scenes.mobjects.surface import ColourBar, Heights, LossSurface
from scenes.narration.beats import Beat, Brief
from scenes.narration.words import loss_number

COLUMN_WIDTH = 4.5
COLUMN_FONT = 25  # the column's words: their digits about 14 px tall at 480p (issue 23's floor)
BAR_STRIP = 1.75  # the colour bar, its numbers and its heading, between the surface and the column
REPLAY_SECONDS = 6.0  # the ball's roll, at least, when no cost it ends on is said
ROLL_LEAST = 2.5  # and when one is: the roll reaches it as it is said
POINTING = 0.8  # seconds a number is pointed at as it is said, within a longer play
SLOT = 0.16  # between the column's parts
LINE_GAP = 0.07  # between the lines of one part: tight, so the step-size chart under them keeps its size
RULE_FONT = 36  # the step's rule and the gradient's names: a formula's digits, as tall as the words' at 25
SLICE_LEAST = 0.6  # the step-size chart's height at least: lower still before its words shrink
# The views the camera moves through, (elevation, azimuth); the surface is framed anew for each.
START_VIEW = (30.0, 200.0)
PLANE_VIEW = (36.0, 212.0)
HEIGHT_VIEW = (40.0, 222.0)
STEP_VIEW = (40.0, 230.0)
ROLL_VIEW = (42.0, 250.0)
ABOVE_VIEW = (90.0, 180.0)  # from above; every view keeps the floor corner (1, 1) nearest, so the axes never jump
OPTIMIZER_NAMES = {"adam": "Adam", "rmsprop": "RMSprop", "momentum": "momentum"}


def plane_gradients(history, landscape: Landscape) -> np.ndarray:
    """Each snapshot's negative gradient (the recorded, full-batch one) in the plane of the surface:
    its components along the two directions, shape (S, 2). Read a layer at a time, as the directions
    are laid out (all weights, then all biases)."""
    downhill = np.zeros((history.n_snapshots, 2))
    at = 0
    for array in gradient_arrays(history):
        rows = array.reshape(len(array), -1).astype(float)
        downhill -= rows @ landscape.directions[:, at:at + rows.shape[1]].T
        at += rows.shape[1]
    return downhill


def flat_gradient(history, snapshot: int) -> np.ndarray:
    """The recorded gradient at ``snapshot`` as one vector, in ``flat_parameters``' order."""
    return np.concatenate([g[snapshot].ravel().astype(float) for g in gradient_arrays(history)])


def gradient_number(value: float) -> str:
    """An entry of the gradient with its sign, in three digits or so (``+0.213``, ``−0.0042``, ``+3.1e−5``)."""
    size = abs(value)
    if size >= 0.01:
        text = f"{value:+.3f}"
    elif size >= 0.001:
        text = f"{value:+.4f}"
    elif size == 0:
        text = "0"
    else:
        mantissa, exponent = f"{value:+.1e}".split("e")
        text = f"{mantissa}e{int(exponent)}"
    return text.replace("-", "−")


def shown_entries(gradient: np.ndarray, count: int = 3) -> list[int]:
    """The gradient's entries to draw, in order: the largest, the largest of the other sign (so both ways
    to move show, when both occur), then one of middling size among those that are not 0."""
    sizes = np.abs(gradient)
    order = np.argsort(-sizes, kind="stable")
    picks = [int(order[0])]
    other = order[np.sign(gradient[order]) == -np.sign(gradient[order[0]])]
    if len(other) and gradient[order[0]] != 0:
        picks.append(int(other[0]))
    nonzero = order[sizes[order] > 0]
    for index in [*nonzero[len(nonzero) // 3:], *order]:
        if len(picks) >= min(count, len(gradient)):
            break
        if int(index) not in picks:
            picks.append(int(index))
    return sorted(picks)


def above_curve(tangent: np.ndarray, label, gap: float) -> np.ndarray:
    """From a point on a curve running along ``tangent`` to the centre of ``label`` placed square to the
    curve on its upper side, ``gap`` clear of the point: a label there touches neither the point nor the
    line near it, whichever way the line slopes."""
    normal = np.array([-tangent[1], tangent[0], 0.0])
    normal = normal / max(float(np.linalg.norm(normal)), 1e-9)
    if normal[1] < 0:
        normal = -normal
    reach = abs(normal[0]) * label.width / 2 + abs(normal[1]) * label.height / 2 + gap
    return normal * reach


class GradientDescentScene(HistoryScene):
    """The cost surface in 3-D with its axes and colour bar, the ball at the run's start; the gradient
    as an arrow downhill and as one entry per weight; the learning rate as the step's size, on the cost
    along the gradient; the run rolling down; the same surface as a contour map from above."""

    def __init__(self, history=None, **kwargs) -> None:
        super().__init__(history, **kwargs)
        h = self.history
        self.landscape = cached_landscape(h)
        self.path_losses = h.train_loss[h.snapshot_epochs].astype(float)
        self.slice_snapshot = steepest_early_snapshot(h) if h.n_snapshots > 1 else 0
        self.slice_t, self.slice_losses = gradient_slice(h, self.slice_snapshot)
        self.verdict = judge(h)
        self.heights = Heights.of(self.landscape, self.path_losses)

    # -- layout -------------------------------------------------------------------------------

    def prepare(self) -> None:
        area, h = safe_area(), self.history
        self.title = Label("Gradient descent", font_size=38, color=LABEL)
        fit(self.title, area.above(area.top - self.title.height), UP + LEFT)
        content = area.below(self.title.get_bottom()[1] - GAP)
        self.column = content.right_of(content.right - COLUMN_WIDTH)
        strip = content.left_of(self.column.left - GAP).right_of(self.column.left - GAP - BAR_STRIP)
        room = area.left_of(strip.left - GAP).below(self.title.get_bottom()[1] - 0.1)
        self.surface = LossSurface(self.landscape, self.path_losses, room,
                                   plane_gradients(h, self.landscape) if self.moved() else None,
                                   arrow_at=self.slice_snapshot)
        self.surface.look_from(*START_VIEW)
        self.surface.opacity = 0.0
        self.colour_bar = ColourBar(self.heights, height=min(4.4, 0.64 * content.height))
        fit(self.colour_bar, strip.below(strip.top - 0.7), LEFT)
        self.colour_bar.point_at(float(self.heights.level(self.path_losses[0])))
        self.lay_out_column()
        self.show_epoch(0.0)

    def lay_out_column(self) -> None:
        """The facts, the readouts, the notes (batch, verdict), the step's rule and the panel, top to bottom."""
        h, column = self.history, self.column
        self.count = Label(f"{h.network_at().n_parameters:,} weights and biases", font_size=COLUMN_FONT + 1,
                           color=LABEL)
        plane = (f"{self.share_text()} of their movement\nlies in this plane" if self.moved() else
                 "the weights did not move")
        self.share_fact = Label(plane, font_size=COLUMN_FONT, color=MUTED, line_spacing=0.8)
        self.sample_facts = VGroup(*(Label(fact, font_size=COLUMN_FONT, color=MUTED)
                                     for fact in self.evaluation_facts(column.width)))
        for line in (self.count, self.share_fact, *self.sample_facts):  # each shrunk alone: not all for the widest
            if line.width > column.width:
                line.scale(column.width / line.width)
        self.facts = VGroup(self.count, self.share_fact, *self.sample_facts).arrange(DOWN, aligned_edge=LEFT,
                                                                                    buff=LINE_GAP)
        top = self.place(self.facts, column.top)
        self.readouts = self.make_readouts()
        top = self.place(self.readouts, top)
        self.verdict_note = self.make_verdict_note()
        if self.verdict_note is not None:
            top = self.place(self.verdict_note, top)
        # The gradient's column, told before the step's rule and after it, has the rest of the column to
        # itself (with the note naming the next chapter under it at the end); the batch's notes, the rule
        # and the step-size chart take the same room between.
        self.next_note = Label("Next: backpropagation,\nwhich computes the gradient", font_size=COLUMN_FONT,
                               color=LABEL, line_spacing=0.8)
        room = column.below(top)
        self.gradient_panel = self.make_gradient_panel(room.above(room.bottom + self.next_note.height + SLOT))
        self.place(self.next_note, self.gradient_panel.get_bottom()[1] - SLOT)
        self.notes = self.make_notes()
        if self.notes is not None:
            top = self.place(self.notes, top)
        self.rule = self.make_rule()
        top = self.place(self.rule, top)
        self.panel_region = column.below(top)
        self.slice_panel = self.make_slice_panel(self.panel_region)

    def place(self, part, top: float) -> float:
        """``part`` against the column's left, its top at ``top`` (shrunk if wider): the next part's top."""
        column = self.column
        fit(part, Region(column.left, column.right, top - part.height, top), UP + LEFT)
        return part.get_bottom()[1] - SLOT

    def make_readouts(self) -> VGroup:
        """The epoch and the ball's cost, each a readout as wide as the longest it shows: on one row, or
        on two when one would not fit the column at their size."""
        h = self.history
        widest = max(len(loss_number(loss)) for loss in self.path_losses)
        self.epoch_readout = Readout(len(f"{h.epochs:,}"), font_size=COLUMN_FONT + 2, color=LABEL)
        self.loss_readout = Readout(widest, font_size=COLUMN_FONT + 2, color=HIGHLIGHT)
        # "epoch 12 of 40": the epochs the roll will end on are written, and pointed at when said.
        self.epoch_total = Label(f"of {h.epochs:,}", font_size=COLUMN_FONT, color=MUTED)
        pairs = [VGroup(Label("epoch", font_size=COLUMN_FONT, color=MUTED), self.epoch_readout),
                 VGroup(Label(self.path_cost_name(), font_size=COLUMN_FONT, color=MUTED), self.loss_readout)]
        for label, readout in pairs:
            readout.next_to(label, RIGHT, buff=0.2)
            label.shift(UP * (readout.frame.get_bottom()[1] - label[0].get_bottom()[1]))  # on its baseline
        self.epoch_total.next_to(self.epoch_readout, RIGHT, buff=0.15)
        self.epoch_total.align_to(pairs[0][0], DOWN)
        pairs[0].add(self.epoch_total)
        row = VGroup(*pairs).arrange(RIGHT, buff=0.4)
        if row.width > self.column.width:
            row.arrange(DOWN, aligned_edge=LEFT, buff=LINE_GAP)
            # The readouts' right ends in one column, clear of both words.
            right = max(pair[0].get_right()[0] + 0.2 + pair[1].width for pair in pairs)
            for pair in pairs:  # a readout, and the total after it
                VGroup(*pair[1:]).shift(RIGHT * (right - pair[1].get_right()[0]))
        return row

    def share_text(self) -> str:
        share = sum(self.landscape.explained)
        return f"{share:.1%}" if share < 0.999 else f"{share:.2%}"

    def make_notes(self) -> VGroup | None:
        """What a step and an epoch are, when the run stepped on batches of its examples."""
        h = self.history
        if not h.batch_size:
            return None
        n = len(h.X_train)
        return VGroup(Label(f"step: a batch of {h.batch_size:,} examples", font_size=COLUMN_FONT, color=LABEL),
                      Label(f"epoch: all {n:,} = {self.steps_per_epoch():,} steps", font_size=COLUMN_FONT,
                            color=LABEL)
                      ).arrange(DOWN, aligned_edge=LEFT, buff=LINE_GAP)

    def steps_per_epoch(self) -> int:
        h = self.history
        return math.ceil(len(h.X_train) / h.batch_size) if h.batch_size else 1

    def make_verdict_note(self) -> Label | None:
        """A run that did not learn, or is unstable, said so on screen in the verdict's words."""
        verdict, said = self.verdict, []
        if not verdict.learned:
            said.append(f"did not learn: {verdict.why_not}")
        if verdict.unstable:
            said.append(f"unstable: {verdict.unstable}")
        if not said:
            return None
        lines = "\n".join(line for part in said for line in textwrap.wrap(part.replace("loss", "cost"), 30))
        return Label(lines, font_size=COLUMN_FONT, color=NEGATIVE, line_spacing=0.8)

    def make_rule(self) -> VGroup:
        """How a step moves a weight, with this run's learning rate η: its optimizer's rule, or, for one
        that sizes each weight's step itself, η and its name."""
        h = self.history
        rate = f"eta = {h.learning_rate:g}"
        if h.optimizer == "sgd":
            return VGroup(Formula(f"w arrow.l w - eta (partial C)/(partial w), quad {rate}", font_size=RULE_FONT,
                                  color=LABEL))
        if h.optimizer == "momentum":
            return VGroup(Formula(f"w arrow.l w - eta v, quad {rate}", font_size=RULE_FONT, color=LABEL),
                          Formula("v arrow.l 0.9 v + (partial C)/(partial w)", font_size=RULE_FONT, color=LABEL)
                          ).arrange(DOWN, aligned_edge=LEFT, buff=0.12)
        return VGroup(Formula(rate, font_size=RULE_FONT, color=LABEL),
                      Label(f"each weight's step\nsized by {OPTIMIZER_NAMES[h.optimizer]}", font_size=COLUMN_FONT,
                            color=MUTED, line_spacing=0.8)).arrange(RIGHT, buff=0.35)

    def make_gradient_panel(self, region: Region) -> VGroup:
        """The gradient as a column of entries, a few of them drawn: each weight's ∂C/∂w and an arrow
        the way the weight moves (against it), as long as the entry is large."""
        h = self.history
        gradient = flat_gradient(h, self.slice_snapshot)
        chosen = shown_entries(gradient)
        n_weights = sum(W[0].size for W in [*h.kernels, *h.weights])  # a CNN's kernel weights come first
        title = Label(f"the gradient: {h.network_at().n_parameters:,} entries", font_size=COLUMN_FONT + 1, color=LABEL)
        header = VGroup(Formula("(partial C)/(partial w)", font_size=RULE_FONT, color=LABEL),
                        Label("move", font_size=COLUMN_FONT, color=MUTED))
        largest = max(float(np.max(np.abs(gradient[chosen]))), 1e-300)
        rows, dots = VGroup(), VGroup()
        self.entry_indices = chosen
        name_x, value_x, arrow_x = 0.0, 1.2, 3.3
        y = 0.0
        for k, index in enumerate(chosen):
            value = float(gradient[index])
            name = f"w_({index + 1})" if index < n_weights else f"b_({index - n_weights + 1})"
            colour = GRADIENT_POSITIVE if value > 0 else GRADIENT_NEGATIVE
            direction = DOWN if value > 0 else UP
            arrow = (Arrow(ORIGIN, direction * (0.12 + 0.42 * abs(value) / largest), buff=0, color=colour,
                           stroke_width=6, max_tip_length_to_length_ratio=0.45, tip_length=0.14) if value
                     else Dot(radius=0.05, color=MUTED))
            row = VGroup(Formula(name, font_size=RULE_FONT, color=LABEL),
                         Label(gradient_number(value), font_size=COLUMN_FONT + 2, color=colour), arrow)
            row[0].move_to([name_x, y, 0], LEFT)
            row[1].move_to([value_x, y, 0], LEFT)
            row[2].move_to([arrow_x, y, 0])
            rows.add(row)
            if k < len(chosen) - 1:
                dots.add(Label("⋮", font_size=COLUMN_FONT, color=MUTED).move_to([name_x + 0.2, y - 0.33, 0]))
            y -= 0.66
        header[0].move_to([value_x + 0.55, 0.68, 0])
        header[1].move_to([arrow_x, 0.68, 0])
        title.move_to([name_x, 1.3, 0], LEFT)
        self.entry_rows, self.entry_header = rows, header
        panel = VGroup(title, header, rows, dots)
        fit(panel, region, UP + LEFT)
        return panel

    def make_slice_panel(self, region: Region) -> VGroup:
        """The cost along the downhill direction from the slice's snapshot, steps measured in learning
        rates so the axis is the same for η = 1e-300 and η = 1e6 (a range of 1e-299 scene units would
        underflow Manim's lengths); the cost axis spans what the slice reaches, not from 0."""
        h = self.history
        rate = h.learning_rate
        values = [self.slice_value(0.0), self.slice_value(rate), self.slice_value(10 * rate)]
        sample = self.evaluated_on()[0]  # the slice is over the surface's examples, as its heading says
        # The chart's steps are plain ones along the gradient, whatever sizes the run's own steps: said so
        # over it when the run's rule above it is another.
        steps_words = "stepping downhill" if h.optimizer == "sgd" else "plain steps"
        heading = Label(f"sample's cost, {steps_words}" if sample else f"cost, {steps_words}",
                        font_size=COLUMN_FONT, color=MUTED)
        # Ten times the step in red only when it lands higher than one step: a worse cost, not a bigger one.
        big = NEGATIVE if values[2] > values[1] else OUTPUT_RIM
        heights = VGroup(Label(loss_number(values[0]), font_size=COLUMN_FONT + 1, color=LABEL),
                         Label(loss_number(values[1]), font_size=COLUMN_FONT + 1, color=OUTPUT_RIM),
                         Label(loss_number(values[2]), font_size=COLUMN_FONT + 1, color=big))
        ticks = VGroup(Label(f"{rate:g}", font_size=COLUMN_FONT + 1, color=OUTPUT_RIM),
                       Label(f"{10 * rate:g}", font_size=COLUMN_FONT + 1, color=big))
        name = Label("step size", font_size=COLUMN_FONT, color=MUTED)
        low, high = float(self.slice_losses.min()), float(self.slice_losses.max())
        pad = max(high - low, 1e-6 * max(high, 1e-12)) * 0.1
        bottom, top = low - pad, high + pad
        steps = self.slice_t / rate
        reach = float(steps[-1])
        left = heights[0].width + 0.2  # the start's height, left of its dot on the axis
        below = ticks.height + name.height + 0.25
        axes = Axes(x_range=[0, reach, reach], y_range=[bottom, top, top - bottom],
                    x_length=region.width - left - 0.1,
                    y_length=max(SLICE_LEAST, region.height - heading.height - 0.2 - below - heights[1].height - 0.1),
                    tips=False, axis_config={"color": MUTED, "stroke_width": 2, "include_ticks": False})
        axes.move_to([region.left + left + axes.width / 2, 0, 0])
        curve = axes.plot_line_graph(steps, self.slice_losses, add_vertex_dots=False, line_color=LABEL,
                                     stroke_width=3)
        marks = VGroup(*(Dot(axes.c2p(multiple, value), radius=0.08, color=color)
                         for multiple, value, color in zip((0.0, 1.0, 10.0), values, (LABEL, OUTPUT_RIM, big))))
        heights[0].next_to(marks[0], LEFT, buff=0.1)
        for label, mark, multiple in zip(heights[1:], marks[1:], (1.0, 10.0)):
            # Off the curve on its upper side, square to it where the dot is: clear of the line both ways.
            d = 0.02 * reach
            ends = [np.array(axes.c2p(x, self.slice_value(x * rate))) for x in (max(multiple - d, 0.0),
                                                                                min(multiple + d, reach))]
            label.move_to(mark.get_center() + above_curve(ends[1] - ends[0], label, mark.radius + 0.08))
        heights[1].shift(RIGHT * max(0.0, heights[0].get_right()[0] + 0.1 - heights[1].get_left()[0]))
        if heights[2].get_right()[0] > axes.get_right()[0]:
            heights[2].align_to(axes, RIGHT)
        for tick, multiple in zip(ticks, (1.0, 10.0)):
            tick.next_to(axes.c2p(multiple, bottom), DOWN, buff=0.1)
        name.next_to(ticks, DOWN, buff=0.08).set_x(axes.get_center()[0])
        heading.next_to(axes, UP, buff=0.2 + heights[1].height).align_to(axes, LEFT)
        lowest = int(np.argmin(self.slice_losses))
        self.lowest_mark = Dot(axes.c2p(steps[lowest], self.slice_losses[lowest]), radius=0.07, color=HIGHLIGHT)
        self.start_line = DashedLine(axes.c2p(0, values[0]), axes.c2p(reach, values[0]), color=MUTED,
                                     stroke_width=2, dash_length=0.08)
        self.rider = Dot(axes.c2p(0, values[0]), radius=0.1, color=HIGHLIGHT)
        self.slice_axes, self.slice_curve, self.slice_marks = axes, curve, marks
        self.slice_heights, self.slice_ticks, self.slice_name, self.slice_heading = heights, ticks, name, heading
        panel = VGroup(heading, axes, curve, marks, heights, ticks, name, self.lowest_mark, self.start_line, self.rider)
        fit(panel, region, UP + LEFT)
        return panel

    # -- facts ---------------------------------------------------------------------------------

    def moved(self) -> bool:
        """Whether the recorded weights moved at all (steps too small for float32 leave them where they were)."""
        return sum(self.landscape.explained) > 0

    def evaluated_on(self) -> tuple[int | None, tuple[int, int] | None]:
        """The examples the surface is the cost of, when a sample, and its grid, when coarser than the full one."""
        landscape, n_train = self.landscape, len(self.history.X_train)
        grid = (len(landscape.betas), len(landscape.alphas))
        return (landscape.n_samples if landscape.n_samples < n_train else None,
                grid if grid[1] < RESOLUTION else None)

    def path_cost_name(self) -> str:
        """What the ball's readout is the cost of: the recorded cost of all the training examples, named so
        when the surface and the step's plot are a sample's (two costs of one moment, each labelled)."""
        return f"cost, all {len(self.history.X_train):,}" if self.evaluated_on()[0] else "cost"

    def all_words(self) -> str:
        """After a cost of the ball's, when the pictures are a sample's: whose cost it is."""
        return " over all of them" if self.evaluated_on()[0] else ""

    def evaluation_facts(self, width: float | None = None) -> list[str]:
        """What the surface is evaluated on, when it is not all the training data on the full grid; the
        sample's line without its last word when it would be wider than ``width`` (shrunk to fit, its
        numbers would be under what can be read)."""
        sample, grid = self.evaluated_on()
        facts = [f"grid of {grid[0]} × {grid[1]} points"] if grid else []
        if not sample:
            return facts
        over = f"cost over {sample:,} of {len(self.history.X_train):,}"
        if width is None or Label(f"{over} examples", font_size=22).width <= width:
            over += " examples"
        return [over, *facts]

    def slice_value(self, t: float) -> float:
        return float(np.interp(t, self.slice_t, self.slice_losses))

    def slice_epoch(self) -> int:
        return int(self.history.snapshot_epochs[self.slice_snapshot])

    def rises(self) -> int:
        """How many of the path's moves (snapshot to snapshot) went up."""
        return int(np.sum(np.diff(self.path_losses) > 0))

    def lesson(self) -> str:
        """What the step-size plot shows: "overshoot" (ten steps' worth lands above the start), "past lowest"
        (it has passed the lowest point on the way), "lower still" or "no change"."""
        rate = self.history.learning_rate
        start, step, big = self.slice_value(0), self.slice_value(rate), self.slice_value(10 * rate)
        if loss_number(big) == loss_number(start) == loss_number(step):
            return "no change"
        if big > start:
            return "overshoot"
        lowest = float(self.slice_losses[self.slice_t <= 10 * rate].min())
        return "past lowest" if loss_number(lowest) != loss_number(big) else "lower still"

    def show_epoch(self, progress: float) -> None:
        """Readouts and the colour bar's marker for the snapshot the ball has reached at ``progress`` of the path."""
        h = self.history
        index = min(int(round(progress * (h.n_snapshots - 1))), h.n_snapshots - 1)
        self.epoch_readout.set_text(f"{int(h.snapshot_epochs[index]):,}")
        self.loss_readout.set_text(loss_number(self.path_losses[index]))
        # The marker glides with the ball's height, between the snapshots the readouts step through.
        position = progress * (h.n_snapshots - 1)
        levels = self.heights.level(self.path_losses)
        self.colour_bar.point_at(float(np.interp(position, np.arange(h.n_snapshots), levels)))

    # -- what is said ---------------------------------------------------------------------------

    def script(self) -> list[Beat]:
        early = self.slice_snapshot > 0
        verdict = self.verdict_caption()
        return [
            Beat(self.landscape_caption(), self.show_landscape, brief=self.landscape_caption(brief=True),
                 brief_show=lambda: self.show_landscape(fill=False)),
            *([Beat(self.share_caption(), self.show_share, in_brief=Brief.LEFT_OUT)] if self.moved() else []),
            Beat(self.height_caption(), self.show_heights, in_brief=Brief.WITH_PREVIOUS),
            *([Beat(self.early_caption(), self.show_early, in_brief=Brief.WITH_NEXT,
                    brief_show=lambda: self.show_early(fill=False))] if early else []),
            # Briefly, the early beat's move plays under this one: the epoch it moves to is said here.
            Beat("The gradient says which way, and how much, to move each weight to lower the cost.",
                 self.show_gradient, brief=self.early_gradient_caption() if early else None),
            Beat("Each entry is how fast the cost rises as its weight grows; the weight moves the other way.",
                 self.show_entries, in_brief=Brief.LEFT_OUT),
            Beat(self.rate_caption(), self.show_rate, brief=self.rate_caption(brief=True),
                 brief_show=lambda: self.show_rate(share=0.75)),
            Beat(self.lesson_caption(), self.show_lesson, in_brief=Brief.WITH_PREVIOUS),
            Beat(self.roll_caption(), self.show_roll, brief=self.roll_caption(brief=True)),
            Beat("From above, the landscape is a contour map: each line joins weights of equal cost."
                 if not self.heights.flat else "From above, it is as flat: not one level line to draw.",
                 self.show_contours, in_brief=Brief.LEFT_OUT),
            *([Beat(verdict, self.show_verdict)] if verdict else []),
            # Briefly, the next chapter's card says it.
            Beat("How to compute the gradient is the next chapter: backpropagation.", self.show_next,
                 in_brief=Brief.LEFT_OUT),
        ]

    def landscape_caption(self, brief: bool = False) -> str:
        n = self.history.network_at().n_parameters
        if not self.moved():
            return (f"This network has {n:,} weights and biases. Picture its cost as a landscape over them; but "
                    "its weights did not move, so no direction stands out.")
        sample, _ = self.evaluated_on()
        if brief and sample:  # the height beat that says so is told with this one: the sample is named here
            return (f"Picture the cost, over a sample of {sample:,} training examples, as a landscape over the two "
                    f"directions holding {self.share_text()} of the weights' movement.")
        if brief:  # the share the picture holds, which it writes, said in a clause
            return (f"Picture the cost as a landscape over the two directions holding {self.share_text()} of the "
                    "weights' movement.")
        return (f"This network has {n:,} weights and biases. Picture its cost as a landscape over the two "
                "directions they moved most in.")

    def share_caption(self) -> str:
        said = f"{self.share_text()} of their movement lies in this plane"
        if self.share_text() == "100.00%":
            return said + ": the picture holds all of it."
        if sum(self.landscape.explained) >= 0.99:
            return said + ": the picture holds nearly all of it."
        return said + "; off it, the ball floats above or below the surface."

    def height_caption(self) -> str:
        """What the height is: the cost, over which examples and points when not all of them; and the start."""
        sample, grid = self.evaluated_on()
        over = ([f"over a sample of {sample:,} of the {len(self.history.X_train):,} training examples"] if sample
                else []) + ([f"at {grid[0]} by {grid[1]} points"] if grid else [])
        cost = f"the cost, {' and '.join(over)}" if over else "the cost"
        return (f"Height and colour are {cost}. Training starts here, with random weights, at a cost of "
                f"{loss_number(self.path_losses[0])}{self.all_words()}.")

    def early_caption(self) -> str:
        return (f"An epoch is one pass over the training data; by epoch {self.slice_epoch():,}, the cost is "
                f"{loss_number(self.path_losses[self.slice_snapshot])}{self.all_words()}.")

    def early_gradient_caption(self) -> str:
        """Briefly, the early beat's words in the gradient's: where the ball moved, and what an epoch is."""
        epoch = self.slice_epoch()
        passes = "1 pass" if epoch == 1 else f"{epoch:,} passes"
        return (f"After {passes} over the data, epoch {epoch:,}, the gradient says which way, and how much, to move "
                "each weight.")

    def verdict_caption(self) -> str | None:
        """A run that did not learn, or is unstable, said to be one (in the verdict's words, cost for loss)."""
        verdict, said = self.verdict, []
        if not verdict.learned:
            said.append(f"This run did not learn: {verdict.why_not}.")
        if verdict.unstable:
            said.append(f"{'And it' if said else 'This run'} is unstable: {verdict.unstable}.")
        return " ".join(said).replace("loss", "cost") if said else None

    def rate_caption(self, brief: bool = False) -> str:
        """The learning rate as the step's size, and the cost one step and ten take along the gradient."""
        h = self.history
        rate = h.learning_rate
        start, step, big = self.slice_value(0), self.slice_value(rate), self.slice_value(10 * rate)
        # The slice is over the surface's examples: a sample's cost is not the readout's.
        cost = "the sample's cost" if self.landscape.n_samples < len(h.X_train) else "the cost"
        plain = "" if h.optimizer == "sgd" else "plain "
        said = (f"The learning rate, {rate:g}, sets each step's size: a {plain}step takes {cost} from "
                f"{loss_number(start)} to {loss_number(step)}; ten times that, to {loss_number(big)}")
        if brief:  # the lesson in a clause when the plot shows a step too big, or none that moves
            return said + {"overshoot": ": too big, it overshoots.", "no change": ": nothing moves."}.get(
                self.lesson(), ".")
        return said + "."

    def lesson_caption(self) -> str:
        return {"overshoot": "Too big a step overshoots the valley and lands higher than it started.",
                "past lowest": "Past its lowest point the cost climbs again: a step can be too big.",
                "lower still": "Here even ten times the step still goes downhill.",
                "no change": "A step this small changes nothing at all."}[self.lesson()]

    def roll_caption(self, brief: bool = False) -> str:
        """The ball's way down, as the recorded costs went: downhill at every snapshot, or not."""
        h, losses = self.history, self.path_losses
        first, last = loss_number(losses[0]), loss_number(losses[-1])
        epochs = f"{h.epochs:,}"
        if h.batch_size:
            lead = (f"Each step follows a batch of {h.batch_size:,} examples; in {epochs} epochs, passes over them "
                    "all, ")
        elif self.slice_snapshot > 0:  # the epoch is defined: the early beat said it (briefly, the gradient's)
            lead = f"By epoch {epochs}, "
        else:
            lead = f"In {epochs} epochs, passes over the training data, "
        if not self.moved() or not self.verdict.learned:
            if first == last:
                return lead + f"the ball barely moves: the cost is still {last}{self.all_words()}."
            return lead + f"the ball barely moves: the cost goes from {first} to {last}{self.all_words()}."
        # "Down to" only when the last cost is the lowest: a last tick that rose is not rolled down to.
        ends = (f"the ball rolls down to a cost of {last}" if losses[-1] <= np.min(losses) else
                f"the ball ends at a cost of {last}") + self.all_words()
        said = lead + ends
        if brief:
            return said + "."
        if not self.rises():
            return said + ", downhill at every step."
        why = ("each step sees only a batch" if h.batch_size else
               "dropout silences random neurons at each step" if h.dropout else "a step can overshoot")
        return said + f"; not every move is downhill: {why}."

    # -- beats ------------------------------------------------------------------------------------

    def play(self, *animations, **kwargs) -> None:
        """Manim redraws, every frame of a play, each mobject from the first one that moves on: a play of
        the surface first puts it, and the readouts and the marker its updates change, last, so the texts
        that stand still are drawn once; any other play puts it first, so it is drawn once (none of these
        overlaps another part: the order hides nothing)."""
        surface = getattr(self, "surface", None)
        if surface is not None and surface in self.mobjects:
            if any(getattr(animation, "mobject", None) is surface for animation in animations):
                # The readouts themselves, not their row: its words stand still.
                companions = [self.epoch_readout, self.loss_readout, self.colour_bar.marker]
                shown = set(self.get_mobject_family_members())
                self.bring_to_front(surface, *(mobject for mobject in companions if mobject in shown))
            else:  # first, so that what moves after it does not redraw it
                self.bring_to_back(surface)
        super().play(*animations, **kwargs)

    def turn_to(self, view: tuple[float, float], run_time: float, rate_func=smooth) -> None:
        """The camera from where it is to ``view`` (elevation, azimuth) in ``run_time`` seconds."""
        surface = self.surface
        start = (surface.elevation, surface.azimuth)

        def step(s, alpha: float) -> None:
            s.look_from(start[0] + alpha * (view[0] - start[0]), start[1] + alpha * (view[1] - start[1]))

        self.play(UpdateFromAlphaFunc(surface, step), run_time=run_time, rate_func=rate_func)

    def fill_with_turn(self, view: tuple[float, float]) -> None:
        """Turn to ``view`` over what is left of the beat's words: a surface is seen in 3-D as it turns,
        and the beat does not stand still."""
        seconds = self.beat_seconds()
        if seconds >= 0.5:
            self.turn_to(view, seconds)

    def show_landscape(self, fill: bool = True) -> None:
        """The title; the surface rising out of the dark with the ball on it, its count of weights; then the
        floor's axes drawn as the camera turns to them."""
        surface = self.surface
        self.play(Write(self.title), run_time=0.8)
        self.add(surface)

        def rise(s, alpha: float) -> None:
            s.opacity = alpha

        self.play(UpdateFromAlphaFunc(surface, rise), Write(self.count), FadeIn(self.share_fact, shift=0.2 * UP),
                  run_time=1.2)
        start = (surface.elevation, surface.azimuth)

        def draw_axes(s, alpha: float) -> None:
            s.axes = alpha
            s.set_axis_label_opacity(alpha)
            s.look_from(start[0] + alpha * (PLANE_VIEW[0] - start[0]), start[1] + alpha * (PLANE_VIEW[1] - start[1]))

        # Told briefly, the sample the cost is over is said in this sentence and written next: the turn
        # ends as it is said.
        sample, turning = self.evaluated_on()[0], self.paced(2.0) if fill else 1.2
        if sample and not fill:
            turning = self.ending_as_said(turning, f"a sample of {sample:,}", least=0.6)
        self.play(UpdateFromAlphaFunc(surface, draw_axes), run_time=turning, rate_func=smooth)

    def show_share(self) -> None:
        self.play(Indicate(self.share_fact, color=HIGHLIGHT, scale_factor=1.08), run_time=1.2)
        self.fill_with_turn((PLANE_VIEW[0] + 2, PLANE_VIEW[1] + 5))

    def show_heights(self) -> None:
        """The colour bar grows; a level line climbs the surface from its floor to its top while the bar's
        marker climbs with it (this height, this colour, this cost); then the ball is pointed at, its
        epoch and cost written, and the marker settles at its cost."""
        surface, bar = self.surface, self.colour_bar
        bar.bar.shown = 0.0
        self.add(bar.bar)

        def fill(ramp, alpha: float) -> None:
            ramp.shown = alpha

        # What the cost is over, when a sample or a coarser grid, written as it is said.
        sampled = [Write(self.sample_facts)] if len(self.sample_facts) else []
        self.play(UpdateFromAlphaFunc(bar.bar, fill), FadeIn(bar.heading), Write(bar.numbers), *sampled, run_time=1.2)
        self.add(bar.marker)
        top = surface.heights.top_level
        start = (surface.elevation, surface.azimuth)

        def climb(s, alpha: float) -> None:
            s.level_line = alpha * top if top > 0 and 0 < alpha < 1 else None
            bar.point_at(alpha * top)
            s.look_from(start[0] + alpha * (HEIGHT_VIEW[0] - start[0]),
                        start[1] + alpha * (HEIGHT_VIEW[1] - start[1]))

        # The climb ends as the starting cost is said: the ball is pointed at and its cost written then.
        climbing = self.ending_as_said(max(1.5, self.beat_seconds() - 1.4),
                                       f"a cost of {loss_number(self.path_losses[0])}", least=1.5)
        self.play(UpdateFromAlphaFunc(surface, climb), run_time=climbing, rate_func=smooth)
        surface.level_line = None
        self.show_epoch(0.0)
        self.play(FadeIn(self.readouts), Indicate(bar.marker, color=HIGHLIGHT, scale_factor=1.6), self.ball_flash(),
                  run_time=1.2)

    def ball_flash(self, run_time: float = 1.2) -> UpdateFromAlphaFunc:
        """The ball swelling and settling: a mark on it, as Indicate marks a text."""

        def swell(s, alpha: float) -> None:
            s.ball_scale = 1.0 + 0.8 * math.sin(math.pi * alpha)

        return UpdateFromAlphaFunc(self.surface, swell, run_time=run_time)

    def roll(self, to_snapshot: int, run_time: float, turn_to: tuple[float, float] | None = None,
             rate_func=linear, along: list | None = None) -> None:
        """The ball rolls on from where it is to ``to_snapshot``, the path drawn behind it, the readouts and
        the bar's marker following, never back."""
        surface = self.surface
        begin = surface.progress
        end = to_snapshot / max(self.history.n_snapshots - 1, 1)
        start = (surface.elevation, surface.azimuth)

        def step(s, alpha: float) -> None:
            s.progress = begin + alpha * (end - begin)
            self.show_epoch(s.progress)
            if turn_to is not None:
                s.look_from(start[0] + alpha * (turn_to[0] - start[0]), start[1] + alpha * (turn_to[1] - start[1]))

        self.play(UpdateFromAlphaFunc(surface, step, run_time=run_time, rate_func=rate_func), *(along or []))

    def show_early(self, fill: bool = True) -> None:
        """The ball rolls to the early epoch the sentence names, reaching it as it is said; the view turns
        on for the rest of the sentence."""
        reached = self.until_said(f"{self.slice_epoch():,}")
        if reached:
            self.roll(self.slice_snapshot, max(0.8, reached + 0.3), rate_func=smooth)
            if fill:
                self.fill_with_turn(STEP_VIEW)
            else:
                self.turn_to(STEP_VIEW, 0.7)
            return
        self.roll(self.slice_snapshot, max(1.5, self.beat_seconds()) if fill else 1.5, turn_to=STEP_VIEW,
                  rate_func=smooth)

    def show_gradient(self) -> None:
        """The arrow grows out of the ball, downhill; the gradient's entries come in, each with its arrow."""
        title, header, rows, dots = self.gradient_panel

        def grow(s, alpha: float) -> None:
            s.arrow = alpha

        self.play(UpdateFromAlphaFunc(self.surface, grow), FadeIn(title), run_time=1.2)
        self.play(FadeIn(header), FadeIn(dots),
                  LaggedStart(*(FadeIn(VGroup(row[0], row[1]), shift=0.15 * RIGHT) for row in rows), lag_ratio=0.4),
                  LaggedStart(*(GrowArrow(row[2]) if isinstance(row[2], Arrow) else FadeIn(row[2]) for row in rows),
                              lag_ratio=0.4),
                  run_time=self.paced(2.0))

    def show_entries(self) -> None:
        """The ∂C/∂w heading, then each row's value and arrow in turn: the weight moves against its entry."""
        self.play(Indicate(self.entry_header[0], color=HIGHLIGHT), run_time=1.0)
        self.play(LaggedStart(*(Indicate(VGroup(row[1], row[2]), color=HIGHLIGHT, scale_factor=1.15)
                                for row in self.entry_rows), lag_ratio=0.6),
                  run_time=max(2.0, self.beat_seconds()))

    def show_rate(self, share: float = 1.0) -> None:
        """The step's rule written with its learning rate; the gradient's column gives way to the cost along
        the gradient; a dot rides the curve from the start to one step, then to ten, and each height is
        written as the dot arrives."""
        # The gradient's column gone before the rule is written where it stood (review23i saw them overlap).
        self.play(FadeOut(self.gradient_panel, rate_func=gone_first), Write(self.rule, rate_func=after_gone),
                  run_time=1.2)
        self.play(FadeIn(self.slice_heading), Create(self.slice_axes), Create(self.slice_curve),
                  Write(self.slice_ticks), FadeIn(self.slice_name), FadeIn(self.slice_marks[0]),
                  Write(self.slice_heights[0]), FadeIn(self.rider), run_time=1.2)
        rate = self.history.learning_rate
        ride = max(1.0, (share * self.beat_seconds() - 1.2) / 2)
        # Each ride ends as its height is said (the sentence's "to 2.46", "that, to 2.38").
        said = (f"to {loss_number(self.slice_value(rate))}", f"that, to {loss_number(self.slice_value(10 * rate))}")
        for multiple, mark, height, words in ((1.0, self.slice_marks[1], self.slice_heights[1], said[0]),
                                              (10.0, self.slice_marks[2], self.slice_heights[2], said[1])):
            arrives = self.until_said(words) if words in self.current_beat.caption else ride
            self.ride_to(multiple * rate, max(0.5, arrives))
            self.play(FadeIn(mark, scale=0.5), Write(height), run_time=0.6)

    def ride_to(self, t: float, run_time: float) -> None:
        """The slice's dot along the curve to step size ``t``."""
        axes, rider, rate = self.slice_axes, self.rider, self.history.learning_rate
        begin = axes.p2c(rider.get_center())[0] * rate

        def move(dot, alpha: float) -> None:
            here = begin + alpha * (t - begin)
            dot.move_to(axes.c2p(here / rate, self.slice_value(here)))

        self.play(UpdateFromAlphaFunc(rider, move), run_time=run_time, rate_func=smooth)

    def show_lesson(self) -> None:
        """What the plot says about the step's size, pointed at: the start's level it climbs past, the
        lowest point it passes, or the dot riding on down."""
        lesson = self.lesson()
        seconds = max(1.5, self.beat_seconds())
        if lesson == "overshoot":
            self.play(Create(self.start_line), run_time=1.0)
            self.play(Indicate(self.slice_heights[2], color=HIGHLIGHT), Indicate(self.slice_heights[0],
                                                                                 color=HIGHLIGHT),
                      run_time=max(1.0, seconds - 1.0))
        elif lesson == "past lowest":
            lowest = float(self.slice_t[np.argmin(self.slice_losses)])
            self.ride_to(lowest, seconds / 2)
            self.play(FadeIn(self.lowest_mark, scale=0.5), run_time=0.5)
            self.ride_to(10 * self.history.learning_rate, max(0.6, seconds / 2 - 0.5))
        elif lesson == "lower still":
            self.ride_to(float(self.slice_t[-1]), seconds)
        else:
            self.play(Indicate(self.slice_heights, color=HIGHLIGHT), run_time=seconds)

    def show_roll(self) -> None:
        """The batch and the epoch written, when the run stepped on batches; then the rest of the way down,
        the arrow riding with the ball, as long as the gradient there is."""
        if self.notes is not None:
            self.play(Write(self.notes), run_time=1.2)
        along = []
        if loss_number(self.path_losses[-1]) == loss_number(self.path_losses[0]):
            along.append(Indicate(self.loss_readout, color=HIGHLIGHT, run_time=1.4))  # "still": it did not change
        # The last cost reached as it is said, the readouts pointed at for the rest of the sentence; the
        # epochs it ends on pointed at as they are said.
        reached = self.until_said(loss_number(self.path_losses[-1]))
        seconds = max(ROLL_LEAST, reached + 0.3) if reached else max(REPLAY_SECONDS, self.beat_seconds())
        said = self.until_said(f"{self.history.epochs:,}")
        along.append(Indicate(self.epoch_total, color=HIGHLIGHT, run_time=seconds, rate_func=lambda t: there_and_back(
            min(1.0, max(0.0, (t * seconds - said) / POINTING)))))
        self.roll(self.history.n_snapshots - 1, seconds, turn_to=ROLL_VIEW, along=along)
        if reached:
            self.play(Indicate(self.loss_readout, color=HIGHLIGHT, scale_factor=1.1), run_time=self.paced(0.6))

    def show_contours(self) -> None:
        surface = self.surface
        start = (surface.elevation, surface.azimuth)

        def step(s, alpha: float) -> None:
            s.look_from(start[0] + alpha * (ABOVE_VIEW[0] - start[0]), start[1] + alpha * (ABOVE_VIEW[1] - start[1]))
            s.contour_opacity = alpha
            s.arrow = 1.0 - alpha

        self.play(UpdateFromAlphaFunc(surface, step), run_time=self.paced(2.5), rate_func=smooth)

    def show_verdict(self) -> None:
        self.play(Write(self.verdict_note), run_time=self.paced(1.5, 0.6))
        self.play(Indicate(self.verdict_note, color=HIGHLIGHT, scale_factor=1.05),
                  run_time=max(0.8, self.beat_seconds()))

    def show_next(self) -> None:
        """The gradient's column comes back, and what computes it is named: the next chapter."""
        gone = [FadeOut(self.notes)] if self.notes is not None else []  # said with the roll: the column's room
        self.play(FadeOut(self.slice_panel), FadeOut(self.rule), *gone, run_time=0.6)
        self.play(FadeIn(self.gradient_panel), Write(self.next_note), run_time=1.5)
        self.play(Indicate(self.gradient_panel[2], color=HIGHLIGHT, scale_factor=1.05),
                  run_time=max(1.0, self.beat_seconds()))
