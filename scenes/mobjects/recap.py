"""The summary's recap: one small picture per idea of the story, each drawn from numbers it is given.

A ``RecapPanel`` is a framed cell of the summary's grid with the idea's name; the pictures that go in
them are built at the size they are shown (their numbers keep their font size, never shrunk under
what can be read): a neuron's weighted sum, the activation squashing it, the example's cost over its
outputs, the cost along the way downhill, the network the gradient flows back through. Every number
comes from the caller (the summary computes them from the recorded run).
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from manim import (
    DOWN, LEFT, RIGHT, UP, Axes, Circle, DashedLine, Dot, Line, ManimColor, Rectangle, RoundedRectangle, VGroup,
)

from scenes.mobjects.conv_maps import ValueGrid, value_text
from scenes.mobjects.glyphs import Formula, Label
from scenes.mobjects.layout import Region
from scenes.mobjects.raster import Raster
from scenes.mobjects.style import (
    EDGE_MAX_WIDTH, HIGHLIGHT, LABEL, MUTED, RIGHT as RIGHT_COLOR, edge_min_width, edge_styles, neuron_colors,
)
from scenes.narration.words import loss_number, number

HEADING_FONT = 24
VALUE_FONT = 24  # a number the narration says: readable at 480p
NOTE_FONT = 23  # a class's name under its bar, a pooled value: 14 px at 480p
FORMULA_FONT = 34  # Typst's glyphs run smaller than a Label's at one size: 14 px at 480p
PAD = 0.14  # inside a panel's frame


class RecapPanel(VGroup):
    """A framed cell of the recap with its idea's name in its top-left corner; ``inside`` is the room
    left for the picture."""

    def __init__(self, heading: str, region: Region) -> None:
        super().__init__()
        self.frame = RoundedRectangle(width=region.width, height=region.height, corner_radius=0.12,
                                      stroke_color=MUTED, stroke_width=1.5, stroke_opacity=0.7).move_to(region.center)
        self.heading = Label(heading, font_size=HEADING_FONT, color=LABEL)
        self.heading.move_to([region.left + PAD, region.top - PAD, 0], UP + LEFT)
        self.inside = Region(region.left + PAD, region.right - PAD, region.bottom + PAD,
                             self.heading.get_bottom()[1] - 0.1)
        self.add(self.frame, self.heading)


class SumPicture(VGroup):
    """A neuron's largest inputs flowing along their weights into it, its sum written under it:
    ``formula`` (z = Σ w·a + b) and ``value`` (z = its number)."""

    def __init__(self, inputs: np.ndarray, weights: np.ndarray, z: float, input_levels, rim,
                 region: Region) -> None:
        super().__init__()
        self.formula = Formula("z = sum_i w_i a_i + b", font_size=FORMULA_FONT, color=LABEL)
        self.value = Label(f"z = {number(z)}", font_size=VALUE_FONT, color=HIGHLIGHT)
        lines = VGroup(self.formula, self.value).arrange(RIGHT, buff=0.35)
        if lines.width > region.width:
            lines.arrange(DOWN, buff=0.12, aligned_edge=LEFT)
        lines.move_to([region.center[0], region.bottom + lines.height / 2, 0])
        room = Region(region.left, region.right, lines.get_top()[1] + 0.15, region.top)
        count = len(inputs)
        radius = min(0.17, room.height / (2.6 * max(count, 1)))
        ys = np.linspace(room.top - radius, room.bottom + radius, count) if count > 1 else [room.center[1]]
        left = room.left + 0.4 * room.width - 0.9
        self.inputs = VGroup(*(Circle(radius=radius, stroke_color=MUTED, stroke_width=2, fill_opacity=1,
                                      fill_color=ManimColor.from_rgb(neuron_colors(input_levels(np.array([a])))[0]))
                               .move_to([left, y, 0]) for a, y in zip(inputs, ys)))
        neuron_radius = min(0.42, room.height / 2)
        self.neuron = Circle(radius=neuron_radius, stroke_color=rim, stroke_width=3, fill_opacity=1,
                             fill_color=ManimColor.from_rgb(neuron_colors(np.zeros(1))[0]))
        self.neuron.move_to([left + 1.9, room.center[1], 0])
        scale = float(np.abs(weights).max()) or 1.0
        rgbas, widths = edge_styles(weights, scale, EDGE_MAX_WIDTH, edge_min_width(1080))
        self.edges = VGroup(*(Line(circle.get_right(), self.neuron.get_left(), stroke_width=width,
                                   stroke_color=ManimColor.from_rgb(rgba[:3]), stroke_opacity=rgba[3])
                              for circle, rgba, width in zip(self.inputs, rgbas, widths)))
        self.add(self.edges, self.inputs, self.neuron, self.formula, self.value)


class SquashPicture(VGroup):
    """The activation's curve, the sum z on its axis and the activation a it gives: ``dot`` is where
    z meets the curve, ``value`` the activation written beside it."""

    def __init__(self, response, z: float, a: float, name: str, region: Region) -> None:
        super().__init__()
        span = float(max(4.0, np.ceil(abs(z) * 1.2)))
        values = response(np.linspace(-span, span, 161))
        low, high = min(0.0, float(values.min())), max(1.0, float(values.max()))
        self.value = Label(f"a = {name}(z) = {number(a)}", font_size=VALUE_FONT, color=HIGHLIGHT)
        self.value.move_to([region.left, region.bottom, 0], DOWN + LEFT)
        self.axes = Axes(x_range=[-span, span, span], y_range=[low, high, high - low], x_length=region.width * 0.9,
                         y_length=max(0.6, region.top - self.value.get_top()[1] - 0.2), tips=False,
                         axis_config={"color": MUTED, "stroke_width": 2, "include_ticks": False})
        self.axes.move_to([region.center[0], (region.top + self.value.get_top()[1] + 0.15) / 2, 0])
        self.curve = self.axes.plot(lambda t: float(response(np.array([t]))[0]), x_range=[-span, span],
                                    color=LABEL, stroke_width=3)
        self.base, self.point = self.axes.c2p(z, 0), self.axes.c2p(z, a)
        self.drop = DashedLine(self.base, self.point, color=HIGHLIGHT, stroke_width=2)
        self.dot = Dot(self.point, radius=0.08, color=HIGHLIGHT)
        self.add(self.axes, self.curve, self.drop, self.dot, self.value)


class CostPicture(VGroup):
    """The example's outputs as bars, the right answer's in green, and its cost written under them:
    ``bars`` grow from the axis, ``value`` says the cost. With no classes (a number predicted), the
    prediction and the truth are written instead of bars."""

    def __init__(self, outputs: np.ndarray, right: int | None, names: Sequence[str], cost: float, region: Region,
                 said: str | None = None) -> None:
        super().__init__()
        self.value = Label(said or f"its cost: {loss_number(cost)}", font_size=VALUE_FONT, color=HIGHLIGHT)
        self.value.move_to([region.left, region.bottom, 0], DOWN + LEFT)
        self.bars, self.names = VGroup(), VGroup()
        if right is None:
            self.add(self.value)
            return
        top = region.top
        names_row = self.value.get_top()[1] + 0.12
        slot = region.width / len(outputs)
        labels = bar_names(names, 0.95 * slot)
        floor = names_row + max(label.height for label in labels) + 0.08
        width = min(0.45, 0.7 * slot)
        for index, (value, label) in enumerate(zip(np.clip(outputs, 0.0, 1.0), labels)):
            x = region.left + (index + 0.5) * slot
            color = RIGHT_COLOR if index == right else MUTED
            height = max(float(value) * (top - floor), 0.01)
            self.bars.add(Rectangle(width=width, height=height, stroke_width=0, fill_color=color,
                                    fill_opacity=0.9).move_to([x, floor, 0], DOWN))
            self.names.add(label.move_to([x, names_row, 0], DOWN))
        self.axis = Line([region.left, floor, 0], [region.right, floor, 0], stroke_color=MUTED, stroke_width=1.5)
        self.add(self.axis, self.bars, self.names, self.value)


class DownhillPicture(VGroup):
    """The cost along the way the gradient points down, one step of the learning rate marked on it:
    ``ball`` starts at the top and ``landing`` is where the step puts it."""

    def __init__(self, steps: np.ndarray, losses: np.ndarray, learning_rate: float, region: Region) -> None:
        super().__init__()
        self.value = Label(f"a step: learning rate {learning_rate:g}", font_size=VALUE_FONT, color=HIGHLIGHT)
        if self.value.width > region.width:  # a narrow panel: the rate said, at its size, not the words shrunk
            self.value = Label(f"learning rate {learning_rate:g}", font_size=VALUE_FONT, color=HIGHLIGHT)
        if self.value.width > region.width:
            self.value.scale(region.width / self.value.width)
        self.value.move_to([region.left, region.bottom, 0], DOWN + LEFT)
        finite = np.isfinite(losses)
        self.ball = self.landing = self.curve = None
        if finite.sum() < 2:  # a run whose cost is no number has no slope to draw
            self.add(self.value)
            return
        steps, losses = steps[finite], losses[finite]
        low, high = float(losses.min()), float(losses.max())
        spread = max(high - low, 1e-9 * max(abs(high), 1e-12))
        self.axes = Axes(x_range=[0, float(steps[-1]), float(steps[-1])], y_range=[low - 0.1 * spread,
                                                                                  high + 0.1 * spread, 1.2 * spread],
                         x_length=region.width * 0.9, y_length=max(0.6, region.top - self.value.get_top()[1] - 0.2),
                         tips=False, axis_config={"color": MUTED, "stroke_width": 2, "include_ticks": False})
        self.axes.move_to([region.center[0], (region.top + self.value.get_top()[1] + 0.15) / 2, 0])
        self.curve = self.axes.plot_line_graph(steps, losses, add_vertex_dots=False, line_color=LABEL,
                                               stroke_width=3)
        self.path = [self.axes.c2p(s, v) for s, v in zip(steps, losses) if s <= 1.0 + 1e-9]
        self.ball = Dot(self.path[0], radius=0.09, color=HIGHLIGHT)
        self.landing = self.path[-1]
        self.add(self.axes, self.curve, self.ball, self.value)


SHRINK = 0.75  # the most a bar's name is shrunk to fit its slot: 15 of 20, still read


def bar_names(names: Sequence[str], slot: float) -> list[Label]:
    """A label under each bar: its class name, a word a line where it must, shrunk a little if it must;
    when one still does not fit, the classes' numbers (0, 1, ...) for all, so no two names run together."""
    labels = []
    for name in map(str, names):
        label = Label(name, font_size=NOTE_FONT, color=LABEL)
        if label.width > slot and " " in name:
            label = Label(name.replace(" ", "\n"), font_size=NOTE_FONT, color=LABEL)
        if label.width > slot / SHRINK:
            return [Label(str(index), font_size=NOTE_FONT, color=LABEL) for index in range(len(names))]
        if label.width > slot:
            label.scale(slot / label.width)
        labels.append(label)
    return labels



# -- a convolutional run's pictures: a kernel over its window, the pool, a kernel weight's gradient ----------

ARROW_GAP = 0.5  # between a picture and what it gives, room for the arrow or the sign


class WindowPicture(VGroup):
    """The pixels under a kernel times the kernel, giving one cell of its map: ``window`` and ``kernel``
    (grids coloured as pixels and as weights), ``feature`` (the map, the cell given ringed by ``cell``),
    ``formula`` (z = Σ w·x + b) and ``value`` (z = its number)."""

    def __init__(self, window_rgb: np.ndarray, kernel_rgb: np.ndarray, map_rgb: np.ndarray, place: tuple[int, int],
                 z: float, region: Region) -> None:
        super().__init__()
        self.formula = Formula("z = sum w x + b", font_size=FORMULA_FONT, color=LABEL)
        self.value = Label(f"z = {number(z)}", font_size=VALUE_FONT, color=HIGHLIGHT)
        lines = _under(VGroup(self.formula, self.value), region)
        room = Region(region.left, region.right, lines.get_top()[1] + 0.15, region.top)
        # Window, kernel and map side by side: the map as tall as the room, the grids each half of what is left.
        side = min(room.height, (room.width - 2 * ARROW_GAP) / 2.2)
        grid = min(room.height * 0.75, (room.width - 2 * ARROW_GAP - side) / 2)
        self.window = _grid(window_rgb, grid)
        self.kernel = _grid(kernel_rgb, grid)
        self.feature = Raster(map_rgb, side, side, smooth=False)
        self.times = Label("×", font_size=VALUE_FONT, color=LABEL)
        row = VGroup(self.window, self.kernel, self.feature).arrange(RIGHT, buff=ARROW_GAP)
        row.move_to(room.center)
        self.times.move_to((self.window.get_right() + self.kernel.get_left()) / 2)
        self.arrow = Line(self.kernel.get_right() + RIGHT * 0.08, self.feature.get_left() + LEFT * 0.08,
                          stroke_color=MUTED, stroke_width=2).add_tip(tip_length=0.12)
        pixel = side / map_rgb.shape[1]
        corner = self.feature.get_corner(UP + LEFT)
        self.cell = Rectangle(width=pixel, height=pixel, stroke_color=HIGHLIGHT, stroke_width=2.5).move_to(
            corner + np.array([(place[1] + 0.5) * pixel, -(place[0] + 0.5) * pixel, 0]))
        self.add(self.window, self.times, self.kernel, self.arrow, self.feature, self.cell, self.formula, self.value)


class PoolPicture(VGroup):
    """A max-pool's window of a map with its values written (``window``, the winner ringed by ``ring``), and
    the one value it keeps (``kept``, written in ``value``)."""

    def __init__(self, values: np.ndarray, rgb: np.ndarray, winner: int, kept: float, region: Region) -> None:
        super().__init__()
        self.value = Label(f"max = {value_text(kept)}", font_size=VALUE_FONT, color=HIGHLIGHT)
        self.value.move_to([region.left, region.bottom, 0], DOWN + LEFT)
        room = Region(region.left, region.right, self.value.get_top()[1] + 0.15, region.top)
        size = len(values)
        cell = min(0.75, room.height / size, (room.width - ARROW_GAP) / (size + 1))
        self.window = ValueGrid(values, rgb, cell, font_size=NOTE_FONT)
        u, v = divmod(int(winner), size)
        self.kept = ValueGrid(np.array([[kept]]), rgb[u:u + 1, v:v + 1], cell, font_size=NOTE_FONT)
        self.kept.remove(self.kept.lines)  # one cell has no lines between cells: an empty group at the origin
        VGroup(self.window, self.kept).arrange(RIGHT, buff=ARROW_GAP * 1.6).move_to(room.center)
        self.ring = Rectangle(width=cell, height=cell, stroke_color=HIGHLIGHT, stroke_width=3).move_to(
            self.window.cell_center(u, v))
        self.arrow = Line(self.window.get_right() + RIGHT * 0.08, self.kept.get_left() + LEFT * 0.08,
                          stroke_color=MUTED, stroke_width=2).add_tip(tip_length=0.12)
        self.add(self.window, self.ring, self.arrow, self.kept, self.value)


class GradientPicture(VGroup):
    """A kernel weight's gradient for one example: the pixels that weight multiplied at every place
    (``pixels``) times the error δ there (``errors``), added up: ``formula`` (∂C/∂w = Σ x·δ) and ``value``."""

    def __init__(self, pixels_rgb: np.ndarray, errors_rgb: np.ndarray, gradient: str, region: Region) -> None:
        super().__init__()
        self.formula = Formula("partial C \\/ partial w = sum x delta", font_size=FORMULA_FONT, color=LABEL)
        self.value = Label(f"∂C/∂w = {gradient}", font_size=VALUE_FONT, color=HIGHLIGHT)
        lines = _under(VGroup(self.formula, self.value), region)
        room = Region(region.left, region.right, lines.get_top()[1] + 0.15, region.top)
        side = min(room.height, (room.width - ARROW_GAP) / 2)
        self.pixels = Raster(pixels_rgb, side, side, smooth=False)
        self.errors = Raster(errors_rgb, side, side, smooth=False)
        VGroup(self.pixels, self.errors).arrange(RIGHT, buff=ARROW_GAP).move_to(room.center)
        self.times = Label("×", font_size=VALUE_FONT, color=LABEL).move_to(
            (self.pixels.get_right() + self.errors.get_left()) / 2)
        self.add(self.pixels, self.times, self.errors, self.formula, self.value)


def _under(lines: VGroup, region: Region) -> VGroup:
    """A formula and its value in a row at the bottom of ``region``, or one over the other if the row is too wide."""
    lines.arrange(RIGHT, buff=0.3)
    if lines.width > region.width:
        lines.arrange(DOWN, buff=0.1, aligned_edge=LEFT)
    return lines.move_to([region.left, region.bottom, 0], DOWN + LEFT)


def _grid(rgb: np.ndarray, side: float) -> VGroup:
    """A small square image of ``rgb`` with its cells' lines, no numbers: too small to write them."""
    rows, columns = rgb.shape[:2]
    picture = Raster(rgb, side, side, smooth=False)
    lines = VGroup(*(Line([-side / 2 + side * c / columns, -side / 2, 0], [-side / 2 + side * c / columns, side / 2, 0])
                     for c in range(1, columns)),
                   *(Line([-side / 2, -side / 2 + side * r / rows, 0], [side / 2, -side / 2 + side * r / rows, 0])
                     for r in range(1, rows))).set_stroke(MUTED, 1, 0.6)
    frame = Rectangle(width=side, height=side, stroke_color=MUTED, stroke_width=1.5)
    return VGroup(picture, lines.move_to(picture), frame.move_to(picture))
