"""NeuronScene: one neuron up close, its weighted sum and its activation, in the run's own numbers.

Every number is a value of ``nnscratch.neuron.explain_neuron`` for the trained network and the
example the forward pass shows (the run's probe, unless ``sample`` says otherwise).
"""
from __future__ import annotations

import numpy as np
from manim import (
    DOWN, LEFT, RIGHT, UP, Axes, BackgroundRectangle, Circle, Create, DashedLine, Dot, FadeIn, LaggedStart, Line,
    ManimColor, VGroup, Write,
)

from nnscratch.neuron import explain_neuron
from scenes.chapters.base import HistoryScene, input_kind
from scenes.mobjects.glyphs import Formula, Label
from scenes.narration.words import number
from scenes.mobjects.glyphs import typst_number
from scenes.mobjects.layout import GAP, Region, boxes_overlap, fit, safe_area
from scenes.narration.beats import Beat, Brief, counted
from scenes.mobjects.style import (
    ACTIVATION_LOOKS, EDGE_MAX_WIDTH, HIDDEN_RIM, HIGHLIGHT, INPUT_LEVELS, INPUT_RIM, LABEL, MUTED, NEGATIVE,
    OUTPUT_RIM, POSITIVE, edge_min_width, edge_styles, neuron_colors,
)

SHOWN_TERMS = 4  # inputs written out; a wider layer shows its largest terms and sums the rest
COLUMN_WIDTH = 6.4
FORMULA_FONT = 30
SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def curve_span(z: float) -> float:
    """Half the width of the activation plot: wide enough for the curve's bends and this z."""
    return float(max(4.0, np.ceil(abs(z) * 1.15)))


class NeuronDiagram(VGroup):
    """The inputs written out, their edges in the weights' colours, and one large neuron."""

    def __init__(self, terms: np.ndarray, inputs: np.ndarray, weights: np.ndarray, hidden: int, input_levels,
                 weight_scale: float, rim, names: list[str]) -> None:
        super().__init__()
        count = len(terms)
        spacing = 1.15
        ys = (np.arange(count)[::-1] - (count - 1) / 2) * spacing
        self.inputs = VGroup(*(Circle(radius=0.26, stroke_color=INPUT_RIM, stroke_width=2, fill_opacity=1,
                                      fill_color=ManimColor.from_rgb(neuron_colors(input_levels(np.array([inputs[i]])))[0]))
                               .move_to([-2.6, y, 0]) for i, y in zip(terms, ys)))
        self.neuron = Circle(radius=0.75, stroke_color=rim, stroke_width=3, fill_opacity=1,
                             fill_color=ManimColor.from_rgb(neuron_colors(np.zeros(1))[0])).move_to([1.6, 0, 0])
        rgbas, widths = edge_styles(weights[terms], weight_scale, EDGE_MAX_WIDTH + 1, edge_min_width(1080))
        self.edges = VGroup()
        for circle, rgba, width in zip(self.inputs, rgbas, widths):
            start, end = circle.get_center(), self.neuron.get_center()
            direction = (end - start) / np.linalg.norm(end - start)
            self.edges.add(Line(start + direction * 0.26, end - direction * 0.75, stroke_width=width,
                                stroke_color=ManimColor.from_rgb(rgba[:3]), stroke_opacity=rgba[3]))
        self.values = VGroup(*(self.plate(number(inputs[i]), LABEL).next_to(circle, LEFT, buff=0.12)
                               for i, circle in zip(terms, self.inputs)))
        self.names = VGroup(*(Label(names[i], font_size=22, color=MUTED).next_to(value, LEFT, buff=0.12)
                              for i, value in zip(terms, self.values)))
        self.weight_labels = VGroup()
        for i, edge in zip(terms, self.edges):
            colour = POSITIVE if weights[i] >= 0 else NEGATIVE
            self.weight_labels.add(self.plate(number(weights[i]), colour).move_to(edge.point_from_proportion(0.42)))
        self.more = VGroup()
        if hidden:
            self.more = Label(f"+ {hidden:,} more inputs", font_size=22, color=MUTED).next_to(
                VGroup(self.inputs, self.values, self.names), DOWN, buff=0.3)
        self.add(self.edges, self.inputs, self.values, self.names, self.neuron, self.weight_labels, self.more)

    @staticmethod
    def plate(text: str, colour) -> VGroup:
        label = Label(text, font_size=24, color=colour)
        return VGroup(BackgroundRectangle(label, fill_opacity=0.85, buff=0.05), label)


class NeuronScene(HistoryScene):
    """One neuron of the first hidden layer (the output layer of a network without one) for one
    training example, with the trained weights: its inputs, weights, bias, z, and a = f(z) on the
    curve of f. ``sample`` picks the example (default: the run's probe), ``neuron`` the neuron
    (default: the one the example makes fire most)."""

    def __init__(self, history=None, sample: int | None = None, neuron: int | None = None, **kwargs) -> None:
        super().__init__(history, **kwargs)
        h = self.history
        self.sample = h.probe_index if sample is None else sample
        if not 0 <= self.sample < len(h.X_train):
            raise ValueError(f"sample must be between 0 and {len(h.X_train) - 1}, got {self.sample}")
        self.network = h.network_at(-1)
        self.step = explain_neuron(self.network, h.X_train[self.sample].astype(float), 1, neuron, SHOWN_TERMS)
        name = h.output_activation if self.step.is_output else h.activation
        self.look = ACTIVATION_LOOKS[name]
        self.activation_name = name

    # -- layout -----------------------------------------------------------------------

    def prepare(self) -> None:
        area, step = safe_area(), self.step
        self.title = Label("One neuron", font_size=38, color=LABEL)
        fit(self.title, area.above(area.top - self.title.height), UP + LEFT)
        self.subtitle = Label(f"{self.neuron_name()} · training sample {self.sample} · trained weights",
                             font_size=22, color=MUTED)
        fit(self.subtitle, area.below(self.title.get_bottom()[1] - 0.15).above(
            self.title.get_bottom()[1] - 0.15 - self.subtitle.height), UP + LEFT)
        top = self.subtitle.get_bottom()[1] - GAP
        self.column = area.right_of(area.right - COLUMN_WIDTH).below(top)
        region = area.left_of(self.column.left - 2 * GAP).below(top)
        n_inputs = len(step.inputs)
        rim = OUTPUT_RIM if step.is_output else HIDDEN_RIM
        self.diagram = NeuronDiagram(step.terms, step.inputs, step.weights, n_inputs - len(step.terms),
                                     INPUT_LEVELS[input_kind(self.history)], self.weight_scale, rim,
                                     [f"x{i + 1}".translate(SUBSCRIPTS) for i in range(n_inputs)])
        fit(self.diagram, region)
        self.sum_label = NeuronDiagram.plate(f"z = {number(step.z)}", LABEL).next_to(self.diagram.neuron, UP,
                                                                                       buff=0.15)
        self.output_label = NeuronDiagram.plate(f"a = {number(step.a)}", LABEL).next_to(
            self.diagram.neuron, DOWN, buff=0.15)
        self.formulas = [Formula(code, font_size=FORMULA_FONT, color=LABEL) for code in self.formula_codes()]
        stack = VGroup(*self.formulas).arrange(DOWN, aligned_edge=LEFT, buff=0.3)
        fit(stack, self.column.above(self.column.top - 0.45 * self.column.height), UP + LEFT)
        self.plot = self.make_plot(self.column.below(stack.get_bottom()[1] - 2 * GAP))

    def neuron_name(self) -> str:
        layer = "the output layer" if self.step.is_output else "hidden layer 1"
        return f"neuron {self.step.neuron + 1} of {layer}"

    def formula_codes(self) -> list[str]:
        step = self.step
        symbolic = " + ".join(f"w_{i + 1} x_{i + 1}" for i in step.terms)
        products = [f"{self.factor(step.weights[i], colored=True)} dot {self.factor(step.inputs[i])}"
                    for i in step.terms]
        if len(step.terms) < len(step.inputs):
            hidden = len(step.inputs) - len(step.terms)
            symbolic += " + dots.c"
            products.append(f'underbrace({self.factor(step.rest)}, "{hidden:,} more")')
        products.append(self.factor(step.bias))
        half = (len(products) + 1) // 2
        # Two lines when there are many terms, so the numbers keep a readable size.
        numeric = (f"z &= {' + '.join(products)}" if len(products) <= 3 else
                   f"z &= {' + '.join(products[:half])} \\ &+ {' + '.join(products[half:])}")
        apply = self.look.symbol
        result = (f"a = {apply}(z) = {apply}({typst_number(step.z)}) = {typst_number(step.a)}" if apply
                  else f"a = z = {typst_number(step.a)}")
        return [f"z = {symbolic} + b", numeric, f"z = {typst_number(step.z)}", result]

    @staticmethod
    def factor(value: float, colored: bool = False) -> str:
        """A number in a sum of products: in parentheses when negative, as one writes 2 + (−0.41) · 1."""
        code = typst_number(value, colored=colored)
        return f"({code})" if value < 0 else code

    def make_plot(self, region: Region) -> VGroup:
        step = self.step
        span = curve_span(step.z)
        values = step.response(np.linspace(-span, span, 201))
        low, high = min(0.0, float(values.min())), max(1.0, float(values.max()))
        room = 0.5  # under the axis for the numbers and z's mark, left of it for a's numbers
        self.axes = Axes(x_range=[-span, span, span / 2], y_range=[low, high, (high - low) / 2],
                         x_length=region.width - room, y_length=max(1.0, region.height - 2 * room),
                         tips=False, axis_config={"color": MUTED, "stroke_width": 2})
        self.curve = self.axes.plot(lambda t: float(step.response(t)[0]), x_range=[-span, span],
                                    color=LABEL, stroke_width=3)
        name = self.activation_name if self.look.symbol else "f"
        axis_names = VGroup(Label("z", font_size=22, color=MUTED).next_to(self.axes.x_axis, RIGHT, buff=0.1),
                            Label(f"a = {name}(z)", font_size=22, color=MUTED).next_to(self.axes.y_axis, UP, buff=0.1))
        ticks = VGroup(*(Label(number(t, 0), font_size=18, color=MUTED).next_to(self.axes.c2p(t, 0), DOWN, buff=0.1)
                         for t in (-span, span)),
                       *(Label(number(v, 0), font_size=18, color=MUTED).next_to(self.axes.c2p(-span, v), LEFT, buff=0.1)
                         for v in (low, high)))
        plot = VGroup(self.axes, self.curve, axis_names, ticks)
        natural = plot.width
        fit(plot, region.above(region.bottom + 0.35))
        shrink = plot.width / natural  # the marks take the size the fitted plot gives its numbers
        base, point = self.axes.c2p(step.z, 0), self.axes.c2p(step.z, step.a)
        self.drop = DashedLine(base, point, color=HIGHLIGHT, stroke_width=2)
        self.across = DashedLine(point, self.axes.c2p(0, step.a), color=HIGHLIGHT, stroke_width=2)
        self.dot = Dot(point, radius=0.08, color=HIGHLIGHT)
        self.z_mark = Label(f"z = {number(step.z)}", font_size=20, color=HIGHLIGHT).scale(shrink)
        self.z_mark.next_to(base, DOWN if step.a >= 0 else UP, buff=0.1)
        self.a_mark = NeuronDiagram.plate(f"a = {number(step.a)}", HIGHLIGHT)
        self.a_mark.scale(20 / 24 * shrink)
        # Above the dot and to its left, unless the plot's name is there (a near the top): then under it.
        for side in (UP + LEFT, DOWN + LEFT, DOWN + RIGHT):
            self.a_mark.next_to(point, side, buff=0.08)
            if not boxes_overlap(self.a_mark, axis_names[1]):
                break
        # A number the marks would cover is read from the marks instead.
        for tick in list(ticks):
            if boxes_overlap(tick, self.z_mark) or boxes_overlap(tick, self.a_mark):
                ticks.remove(tick)
        return plot

    # -- what is said -------------------------------------------------------------------

    def script(self) -> list[Beat]:
        step, n_inputs = self.step, len(self.step.inputs)
        values = ", ".join(number(step.inputs[i]) for i in step.terms)
        if len(step.terms) == n_inputs:
            inputs = (f"Its inputs are the example's {counted(n_inputs, 'value')}: {values}."
                      if n_inputs > 1 else f"Its input is the example's one value, {values}.")
        else:
            inputs = (f"It takes all {n_inputs:,} of the example's values; here are the "
                      f"{len(step.terms)} that count most, by weight times value: {values}.")
        brief_inputs = inputs if len(step.terms) == n_inputs else \
            f"It takes all {n_inputs:,} of the example's values; here are the {len(step.terms)} that count most."
        sign = "positive" if step.z >= 0 else "negative"
        return [
            Beat(f"Let's look at one neuron up close: {self.neuron_name()}, for training sample {self.sample}.",
                 self.show_neuron, in_brief=Brief.WITH_NEXT),
            Beat(inputs, self.show_inputs, brief=brief_inputs),
            # A brief telling says the weighted sum in one sentence, and the activation in another.
            Beat("Each input is multiplied by the weight on its edge: blue weights are positive, red ones negative.",
                 self.show_weights, brief=f"Each is multiplied by the weight on its edge; with the bias, "
                                          f"{number(step.bias)}, they add up to z = {number(step.z)}."),
            Beat(f"The neuron adds up the products and its bias, {number(step.bias)}: "
                 f"the weighted sum z is {number(step.z)}, {sign}.", self.show_sum, in_brief=Brief.WITH_PREVIOUS),
            Beat(f"Then {self.function_name()} {self.look.says}.", self.show_curve,
                 brief=f"Then {self.function_name()} {self.look.says}: at z = {number(step.z)} it gives "
                       f"a = {number(step.a)}, how strongly it fires."),
            Beat(f"At z = {number(step.z)} it gives a = {number(step.a)}: how strongly this neuron fires, "
                 "its brightness in the drawings.", self.show_activation, in_brief=Brief.WITH_PREVIOUS),
            Beat("Every neuron does this with its own weights and bias; a network is many of them, "
                 "layer after layer.", self.show_all, in_brief=Brief.LEFT_OUT),
        ]

    def function_name(self) -> str:
        return {"leaky_relu": "leaky relu", "identity": "the identity"}.get(self.activation_name,
                                                                          self.activation_name)

    # -- beats --------------------------------------------------------------------------

    def show_neuron(self) -> None:
        d = self.diagram
        self.play(Write(self.title), FadeIn(self.subtitle), run_time=1.0)
        self.play(FadeIn(d.inputs), Create(d.edges), FadeIn(d.neuron), FadeIn(d.more), run_time=1.2)

    def show_inputs(self) -> None:
        d = self.diagram
        self.play(LaggedStart(*(FadeIn(VGroup(n, v)) for n, v in zip(d.names, d.values)), lag_ratio=0.2),
                  run_time=1.2)

    def show_weights(self) -> None:
        self.play(LaggedStart(*(FadeIn(label) for label in self.diagram.weight_labels), lag_ratio=0.2),
                  Write(self.formulas[0]), run_time=1.5)

    def show_sum(self) -> None:
        self.play(FadeIn(self.formulas[1], shift=DOWN * 0.1), run_time=0.9)
        self.play(FadeIn(self.formulas[2], shift=DOWN * 0.1), FadeIn(self.sum_label), run_time=0.8)

    def show_curve(self) -> None:
        axes, names = self.plot[0], self.plot[2]
        self.play(Create(axes), FadeIn(names), FadeIn(self.plot[3]), run_time=0.8)
        self.play(Create(self.curve), run_time=1.2)

    def show_activation(self) -> None:
        self.play(Create(self.drop), FadeIn(self.z_mark), run_time=0.8)
        self.play(FadeIn(self.dot, scale=0.5), Create(self.across), FadeIn(self.a_mark), run_time=0.8)
        level = ACTIVATION_LOOKS[self.activation_name].levels(np.array([self.step.a]))
        self.play(self.diagram.neuron.animate.set_fill(ManimColor.from_rgb(neuron_colors(level)[0])), FadeIn(self.output_label),
                  Write(self.formulas[3]), run_time=1.0)

    def show_all(self) -> None:
        self.play(self.diagram.neuron.animate.set_stroke(HIGHLIGHT, width=5), rate_func=lambda t: np.sin(np.pi * t),
                  run_time=1.2)
