"""ForwardPassScene: one real input flows through the trained network, layer by layer."""
from __future__ import annotations

from typing import Sequence

import numpy as np
from manim import (
    DOWN, LEFT, RIGHT, UP, BackgroundRectangle, Circle, Create, FadeIn, FadeOut, Indicate, LaggedStart,
    SurroundingRectangle, VGroup, Write,
)

from nnscratch.verdict import decision, judge
from scenes.chapters.base import HistoryScene
from scenes.mobjects.glyphs import Formula, Label, typst_number
from scenes.mobjects.layout import GAP, fit, fit_network, safe_area
from scenes.narration.beats import Beat, Brief, counted
from scenes.mobjects.pixel_image import PixelImage
from scenes.mobjects.style import ACTIVATION_LOOKS, HIGHLIGHT, LABEL, MUTED, NEGATIVE, OUTPUT_RIM
from scenes.narration.words import number

MAX_TOLD_LAYERS = 3  # hidden layers after the first told one by one; more are told together
MAX_VALUE_LABELS = 10  # value labels beside neurons only where a column is this short
MIN_LABEL_GAP = 1.2  # and the columns this far apart, so labels do not crowd the next layer's edges
COLUMN_WIDTH = 6.8  # the right column: equations, the numbers of W a + b, the prediction
WINDOW_ROWS, WINDOW_COLUMNS = 8, 4  # of W shown in numbers; a larger W shows some of its rows and the columns of drawn inputs
PRODUCT_FONT = 24  # digits about 0.18 units tall: 16 px at 720p, 24 at 1080p
IMAGE_SHARE = 0.28  # of the network's region, for an input image left of the network (its side at most)
IMAGE_GAP = 0.35  # between the image and the network


def window_of(drawn, count: int, limit: int) -> list[int | None]:
    """The indices shown of ``count`` entries in at most about ``limit`` places, taken from ``drawn``
    (the ones the network draws, in order): all of them, or the first ones and the last, with a gap
    (None, drawn as dots) wherever the entries shown are not neighbours."""
    if count <= limit:
        return list(range(count))
    shown, previous = [], -1
    for index in [*drawn[:max(limit - 2, 1)], drawn[-1]]:
        if index != previous + 1:
            shown.append(None)
        shown.append(int(index))
        previous = index
    return shown + ([None] if previous != count - 1 else [])


def product_code(W: np.ndarray, a_prev: np.ndarray, b: np.ndarray, z: np.ndarray, rows: list, cols: list,
                 boxed: tuple[int, int] | None = None) -> str:
    """Typst for ``W a + b = z`` showing the ``rows`` and ``cols`` of W (None: a row or column of dots),
    with the entry ``boxed`` framed in the highlight colour."""
    def entry(i, j) -> str:
        if i is None or j is None:
            return "dots.down" if i is None and j is None else "dots.v" if i is None else "dots.h"
        code = typst_number(W[i, j], colored=True)
        if (i, j) == boxed:
            code = f'#box(stroke: 1.5pt + rgb("{HIGHLIGHT.to_hex()}"), inset: 3pt)[{code}]'
        return code

    matrix = 'mat(delim: "[", ' + "; ".join(", ".join(entry(i, j) for j in cols) for i in rows) + ")"
    return f"{matrix} {vector_code(a_prev, cols)} + {vector_code(b, rows)} = {vector_code(z, rows)}"


def vector_code(values: np.ndarray, shown: list) -> str:
    return 'vec(delim: "[", ' + ", ".join("dots.v" if i is None else typst_number(values[i]) for i in shown) + ")"


class ForwardPassScene(HistoryScene):
    """Light each layer of the trained network to its true activations for one input.

    ``input_values`` is a custom input (one value per input neuron); otherwise ``sample``
    picks a training sample, and with neither the run's probe sample is used.
    """

    def __init__(self, history=None, input_values: Sequence[float] | None = None, sample: int | None = None,
                 **kwargs) -> None:
        super().__init__(history, **kwargs)
        self.network = self.history.network_at(-1)
        n_inputs = self.history.layer_sizes[0]
        if input_values is not None:
            if len(input_values) != n_inputs:
                raise ValueError(f"the input has {len(input_values)} values but the input layer has {n_inputs}")
            self.x, self.label, self.origin = np.asarray(input_values, float), None, "your input"
        else:
            index = self.history.probe_index if sample is None else sample
            if not 0 <= index < len(self.history.X_train):
                raise ValueError(f"sample must be between 0 and {len(self.history.X_train) - 1}, got {index}")
            self.x = self.history.X_train[index].astype(float)
            self.label = self.history.y_train[index].astype(float)
            self.origin = f"training sample {index}"
        self.trace = self.network.trace(self.x)

    def prepare(self) -> None:
        h, area = self.history, safe_area()
        self.title = Label("Forward pass", font_size=38, color=LABEL)
        fit(self.title, area.above(area.top - self.title.height), UP + LEFT)
        self.subtitle = Label(f"trained for {h.epochs:,} epochs: loss {h.train_loss[-1]:.3g}", font_size=22,
                             color=MUTED)
        fit(self.subtitle, area.right_of(self.title.get_right()[0] + 0.4).above(self.title.get_bottom()[1]),
            DOWN + LEFT)
        self.origin_caption = Label(self.origin, font_size=22, color=MUTED)
        fit(self.origin_caption, area.below(self.title.get_bottom()[1] - 0.2).above(
            self.title.get_bottom()[1] - 0.2 - self.origin_caption.height), UP + LEFT)
        self.column = area.right_of(area.right - COLUMN_WIDTH).below(self.title.get_bottom()[1] - GAP)
        region = area.left_of(self.column.left - 2 * GAP).below(self.origin_caption.get_bottom()[1] - GAP)
        self.image = None
        inputs = [number(value) for value in self.x]
        shape = h.image_shape
        if shape is not None:
            # The picture at the left, its pixels numbered in the column they unroll into.
            side = min(IMAGE_SHARE * region.width, region.height)
            self.image = PixelImage(self.x, shape, side)
            self.image.move_to([region.left + side / 2, (region.top + region.bottom) / 2, 0])
            region = region.right_of(region.left + side + IMAGE_GAP)
            inputs = [f"#{index + 1}" for index in range(len(self.x))]
        self.network_mob = fit_network(lambda **size: self.make_network(input_labels=inputs, **size), region)
        self.network_mob.set_weights(self.weights_at(-1), scale=self.weight_scale)
        self.product_layer = 1
        self.named_value: VGroup | None = None  # a crowded hidden layer's value the caption says, while said
        self.first_equation = self.place_equation(self.equation(1))
        self.current_equation_bottom = self.first_equation.get_bottom()[1]

    def script(self) -> list[Beat]:
        h, sizes = self.history, self.history.layer_sizes
        shown = ", ".join(number(v) for v in self.x[:6]) + (" …" if len(self.x) > 6 else "")
        verdict = judge(h)
        trained = (f"Here is a network trained for {h.epochs:,} epochs; its loss fell to {h.train_loss[-1]:.3g}."
                   if verdict.learned else
                   f"Here is a network trained for {h.epochs:,} epochs that did not learn: {verdict.why_not}.")
        brief = f"Now the network trained for {h.epochs:,} epochs" if verdict.learned else None
        if brief and self.image is not None:  # a brief telling shows the picture as it names it
            brief += f", and {self.origin}, {self.image_words()}"
        beats = [
            Beat(trained, self.show_network, brief=brief and brief + "."),
            Beat("Let's push one input through it, layer by layer, with the real numbers.", self.show_equation,
                 in_brief=Brief.WITH_PREVIOUS),
            *self.input_beats(shown),
            Beat(self.sum_caption(1), lambda: self.show_sum(1), in_brief=Brief.WITH_NEXT),
            *self.product_beats(1),
        ]
        last = len(sizes) - 1
        middle = list(range(2, last))
        if len(middle) > MAX_TOLD_LAYERS:
            # Many hidden layers do the same thing: one beat takes them all, in turn.
            beats.append(Beat(f"Hidden layers {middle[0]} to {middle[-1]} do the same, one after another; "
                              f"in the last of them, {self.highlight(middle[-1])}.",
                              lambda: [self.show_layer(layer, quick=True) for layer in middle]))
        else:
            beats += [Beat(self.brief_caption(layer), lambda layer=layer: self.show_layer(layer),
                           brief=f"Then hidden layer {layer}: {self.highlight(layer)}.") for layer in middle]
        if last > 1:  # a brief telling lights the outputs under the prediction's sentence
            beats.append(Beat(self.brief_caption(last), lambda: self.show_layer(last), in_brief=Brief.WITH_NEXT))
        beats.append(Beat(self.prediction_caption(), self.show_prediction))
        return beats

    # -- what is said ---------------------------------------------------------------

    def input_beats(self, shown: str) -> list[Beat]:
        """The input: its values, or for an image its picture, then its pixels unrolled into the input column."""
        if self.image is None:
            return [Beat(f"{self.origin.capitalize()}: {shown}. Each input neuron's brightness is its value.",
                         self.show_input)]
        rows, columns = self.image.shape
        what = self.image_words()
        drawn = len(self.network_mob.indices[0])
        hidden = len(self.x) - drawn
        learned = judge(self.history).learned  # a brief telling names the picture with the trained network
        return [
            Beat(f"{self.origin.capitalize()} is {what}: {rows} by {columns} pixels, each a grey level from 0 "
                 "for black to 1 for white.", self.show_image, brief=f"{self.origin.capitalize()} is {what}.",
                 in_brief=Brief.WITH_PREVIOUS if learned else Brief.SAID),
            Beat(f"Row by row, its {len(self.x)} pixels become the input neurons, each as bright as its pixel. "
                 f"The {drawn} drawn are where digits differ most; the other {counted(hidden, 'pixel')} go into "
                 "the dots.",
                 self.show_unroll, brief=f"Row by row, its {len(self.x)} pixels become the input neurons."),
        ]

    def image_words(self) -> str:
        """What the input picture is, in a few words: "a handwritten 3"."""
        truth, names = self.answer()[2], self.history.class_names
        return f"a handwritten {names[truth]}" if truth is not None else "an image"

    def layer_name(self, layer: int) -> str:
        return "the output layer" if layer == len(self.history.layer_sizes) - 1 else f"hidden layer {layer}"

    def sum_caption(self, layer: int) -> str:
        size = self.history.layer_sizes[layer]
        who = "its neuron" if size == 1 else f"each of its {size} neurons"
        return (f"Into {self.layer_name(layer)}: {who} adds up the previous layer's values "
                "times the weights, plus a bias.")

    def brief_caption(self, layer: int) -> str:
        if layer == len(self.history.layer_sizes) - 1:  # its values are the answer, told next
            return f"The output layer does the same, with {self._function_word(layer)}."
        return f"Hidden layer {layer} does the same with {self._function_word(layer)}: {self.highlight(layer)}."

    def highlight(self, layer: int) -> str:
        """The value a layer reaches, as said: its only neuron's, or its highest neuron's (the
        output layer's to three decimals, named by its class)."""
        values = self.trace.a[layer][0]
        output = layer == len(self.history.layer_sizes) - 1
        digits = 3 if output else 2
        if len(values) == 1:
            return f"its neuron reads {number(values[0], digits)}"
        strongest = int(np.argmax(values))
        names = self.history.class_names
        who = f"the {names[strongest]} neuron" if output and names else f"neuron {strongest + 1}"
        return f"{who} ends highest, at {number(values[strongest], digits)}"

    def _function_word(self, layer: int) -> str:
        last = len(self.history.layer_sizes) - 1
        name = self.history.output_activation if layer == last else self.history.activation
        return "nothing more (identity)" if name == "identity" else name

    # -- beats ----------------------------------------------------------------------

    def show_network(self) -> None:
        self.play(Write(self.title), FadeIn(self.subtitle), run_time=1.0)
        self.play(FadeIn(self.network_mob.neurons), FadeIn(self.network_mob.ellipses), FadeIn(self.network_mob.size_braces),
                  FadeIn(self.network_mob.output_labels), run_time=0.8)
        self.play(LaggedStart(*(Create(group, lag_ratio=0.01) for group in self.network_mob.edges), lag_ratio=0.4),
                  run_time=1.5)
        self.bring_to_front(self.network_mob.neurons)

    def place_equation(self, equation: Formula) -> Formula:
        return fit(equation, self.column.above(self.column.top - equation.height), UP + LEFT)

    def show_equation(self) -> None:
        self.current_equation = self.first_equation
        self.play(Write(self.current_equation), run_time=1.0)

    def show_input(self) -> None:
        net = self.network_mob
        self.play(FadeIn(self.origin_caption),
                  LaggedStart(*(FadeIn(label, shift=RIGHT * 0.2) for label in net.input_labels), lag_ratio=0.15),
                  net.light_layer(0, self.x), run_time=1.5)

    def show_image(self) -> None:
        self.play(FadeIn(self.origin_caption), FadeIn(self.image), run_time=1.2)

    def show_unroll(self) -> None:
        net = self.network_mob
        self.play(self.image.unroll_into(net), run_time=2.5)
        self.play(LaggedStart(*(FadeIn(label, shift=RIGHT * 0.2) for label in net.input_labels), lag_ratio=0.1),
                  net.light_layer(0, self.x), run_time=1.2)

    def equation(self, layer: int) -> Formula:
        last = len(self.history.layer_sizes) - 1
        activation = self.history.output_activation if layer == last else self.history.activation
        f = ACTIVATION_LOOKS[activation].symbol
        inner = f"W^(({layer})) a^(({layer - 1})) + b^(({layer}))"
        body = f"{f}({inner})" if f else inner
        return Formula(f"a^(({layer})) = {body}", font_size=40, color=LABEL)

    def show_sum(self, layer: int, quick: bool = False) -> None:
        """The equation for ``layer`` and the signal pulsing along the edges into it."""
        if self.named_value is not None:
            self.play(FadeOut(self.named_value), run_time=0.3)
            self.named_value = None
        if layer > 1:
            equation = self.place_equation(self.equation(layer))
            self.swap(self.current_equation, equation, run_time=0.3 if quick else 0.6)
            self.current_equation = equation
        self.play(self.network_mob.forward_flash(layer - 1, run_time=0.8 if quick else 1.3))

    def show_layer(self, layer: int, quick: bool = False) -> None:
        self.show_sum(layer, quick)
        self.show_activation(layer, quick, name=True)

    def show_activation(self, layer: int, quick: bool = False, name: bool = False) -> None:
        """The neurons of ``layer`` lighting to their true activations, with their values beside them,
        and the neuron the caption names pointed at; with ``name``, a hidden layer too crowded for
        labels has the value the caption says written under its equation."""
        net, sizes = self.network_mob, self.history.layer_sizes
        values = self.trace.a[layer][0]
        self.play(net.light_layer(layer, values), run_time=0.5 if quick else 0.8)
        column_gap = net.positions[1][0, 0] - net.positions[0][0, 0]
        hidden = layer < len(sizes) - 1
        labelled = hidden and len(net.indices[layer]) <= MAX_VALUE_LABELS and column_gap >= MIN_LABEL_GAP
        if labelled:
            self.play(FadeIn(self.value_labels(layer, values)), run_time=0.4)
        drawn = list(net.indices[layer])
        strongest = int(np.argmax(values))
        if len(values) > 1 and strongest in drawn and not quick:
            neuron = net.neurons[layer][drawn.index(strongest)]
            named = []
            if name and hidden and not labelled:
                said = Label(f"neuron {strongest + 1}: {number(values[strongest])}", font_size=30, color=HIGHLIGHT)
                top = self.current_equation.get_bottom()[1] - 0.8
                fit(said, self.column.below(top).above(top - said.height), UP + LEFT)
                ring = Circle(radius=neuron.width / 2 + 0.05, color=HIGHLIGHT, stroke_width=3).move_to(neuron)
                self.named_value = VGroup(said, ring)
                named = [FadeIn(self.named_value)]
            self.play(Indicate(neuron, color=HIGHLIGHT, scale_factor=1.3), *named, run_time=1.0)

    def value_labels(self, layer: int, values: np.ndarray) -> VGroup:
        labels = VGroup()
        for value, circle in zip(values[self.network_mob.indices[layer]], self.network_mob.neurons[layer]):
            text = Label(number(value), font_size=16, color=LABEL)
            # Just off the circle's upper right, so the neuron itself stays in full view.
            text.move_to(circle.get_corner(UP + RIGHT) + np.array([0.02, -0.02, 0]), DOWN + LEFT)
            labels.add(VGroup(BackgroundRectangle(text, fill_opacity=0.85, buff=0.03), text))
        return labels

    def make_product(self, layer: int) -> None:
        """The numbers of z = W a + b for ``layer`` as formulas, once: a corner of W when it is too
        big, fewer columns before smaller digits; and the same with its strongest entry boxed."""
        W = self.network.weights[layer - 1]
        b, a_prev = self.network.biases[layer - 1], self.trace.a[layer - 1][0]
        z, a = self.trace.z[layer][0], self.trace.a[layer][0]
        rows = window_of(self.network_mob.indices[layer], W.shape[0], WINDOW_ROWS)
        for shown in range(WINDOW_COLUMNS, 2, -1):
            cols = window_of(self.network_mob.indices[layer - 1], W.shape[1], shown)
            self.product = Formula(product_code(W, a_prev, b, z, rows, cols), font_size=PRODUCT_FONT, color=LABEL)
            if self.product.width <= self.column.width:
                break
        top = self.current_equation_bottom - 0.4
        fit(self.product, self.column.below(top).above(top - self.product.height), UP + LEFT)
        entries = [(i, j) for i in rows if i is not None for j in cols if j is not None]
        self.strongest = max(entries, key=lambda entry: abs(W[entry]))
        self.product_boxed = Formula(product_code(W, a_prev, b, z, rows, cols, boxed=self.strongest),
                                     font_size=PRODUCT_FONT, color=LABEL)
        self.product_boxed.scale(self.product.height / self.product_boxed.height)
        self.product_boxed.move_to(self.product.get_corner(UP + LEFT), UP + LEFT)
        self.product_whole = len(entries) == W.size
        f = ACTIVATION_LOOKS[self.history.activation if layer < len(self.history.layer_sizes) - 1
                             else self.history.output_activation].symbol
        self.product_result = Formula(f"a^(({layer})) = {f}(z) = {vector_code(a, rows)}" if f
                                      else f"a^(({layer})) = z", font_size=PRODUCT_FONT, color=LABEL)
        top = self.product.get_bottom()[1] - 0.3
        fit(self.product_result, self.column.below(top).above(top - self.product_result.height), UP + LEFT)

    def product_beats(self, layer: int) -> list[Beat]:
        """The real numbers of z = W a + b for one layer, its strongest weight, then a = f(z)."""
        self.make_product(layer)
        W = self.network.weights[layer - 1]
        z, a = self.trace.z[layer][0], self.trace.a[layer][0]
        row, col = self.strongest
        shows = "" if self.product_whole else ", too big to show whole, so here are some of its rows and columns"
        if W.size == 1:
            weight = f"Its one weight, {number(W[row, col])}, links the input to the neuron."
        else:
            weight = (f"The strongest weight{'' if self.product_whole else ' shown'}, {number(W[row, col])}, "
                      f"links input {col + 1} to neuron {row + 1}.")
        sums = "the sum" if len(z) == 1 else "each sum"
        squash = ", ".join(f"{number(zi)} → {number(ai)}" for zi, ai in zip(z[:3], a[:3])) \
            + (", and so on" if len(z) > 3 else "")
        function = self._function_word(layer)
        whole = (f"{self.layer_name(layer).capitalize()} computes {function} of W a + b, with W {W.shape[0]} by "
                 f"{W.shape[1]}: {self.highlight(layer)}." if function != "nothing more (identity)"
                 else f"{self.layer_name(layer).capitalize()} computes W a + b, with W {W.shape[0]} by "
                      f"{W.shape[1]}: {self.highlight(layer)}.")
        return [
            # A brief telling says the whole layer in one sentence, under its product, squash and light.
            Beat(f"In numbers: W is {W.shape[0]} by {W.shape[1]}{shows}. Blue entries are positive, red negative.",
                 lambda: self.show_product(), brief=whole, brief_show=lambda: self.show_whole_layer(layer)),
            Beat(weight, lambda: self.show_weight(layer, row, col), in_brief=Brief.LEFT_OUT),
            Beat(f"Then {function} squashes {sums}: {squash}.", lambda: self.show_squash(layer),
                 in_brief=Brief.LEFT_OUT),
            Beat(f"So {self.layer_name(layer)} takes its {'value' if len(z) == 1 else 'values'}: "
                 f"{self.highlight(layer)}.", lambda: self.show_activation(layer), in_brief=Brief.LEFT_OUT),
        ]

    def show_product(self) -> None:
        self.play(FadeIn(self.product, shift=DOWN * 0.2), run_time=1.2)

    def show_weight(self, layer: int, row: int, col: int) -> None:
        """Point at one weight, in the matrix and on its edge, for the whole beat: ``row`` and
        ``col`` are its indices in W."""
        net = self.network_mob
        edge = net.edges[layer - 1][list(net.indices[layer]).index(row) * len(net.indices[layer - 1])
                                    + list(net.indices[layer - 1]).index(col)]
        neuron = net.neurons[layer][list(net.indices[layer]).index(row)]
        edge_look = (edge.get_stroke_color(), edge.stroke_width, edge.get_stroke_opacity())
        rim_look = (neuron.get_stroke_color(), neuron.stroke_width)
        self.swap(self.product, self.product_boxed, run_time=0.4)
        self.play(edge.animate.set_stroke(color=HIGHLIGHT, width=max(3 * edge_look[1], 6), opacity=1.0),
                  neuron.animate.set_stroke(color=HIGHLIGHT, width=4), run_time=0.8)
        self.product = self.product_boxed
        self.hold(self.beat_seconds() - 0.8)
        self.play(edge.animate.set_stroke(color=edge_look[0], width=edge_look[1], opacity=edge_look[2]),
                  neuron.animate.set_stroke(color=rim_look[0], width=rim_look[1]), run_time=0.8)

    def show_squash(self, layer: int) -> None:
        self.play(FadeIn(self.product_result, shift=DOWN * 0.2), run_time=0.8)
        self.clear_product()

    def clear_product(self) -> None:
        """The numbers of W a + b held until the sentence is said, then gone."""
        self.hold(self.beat_seconds() - 0.6)
        self.play(FadeOut(self.product), FadeOut(self.product_result), run_time=0.6)

    def show_whole_layer(self, layer: int) -> None:
        """A layer in one beat: W a + b in numbers, a = f(z), the layer lighting up."""
        self.show_product()
        self.play(FadeIn(self.product_result, shift=DOWN * 0.2), run_time=0.8)
        self.show_activation(layer)
        self.clear_product()

    # -- the answer -----------------------------------------------------------------

    def answer(self) -> tuple[int | None, bool, int | None]:
        """The class the output picks (None for real-valued outputs), whether it is undecided,
        and the true class (None for a custom input)."""
        output = self.trace.a[-1][0]
        if not self.history.class_names:
            return None, False, None
        predicted, undecided = decision(output)
        truth = None
        if self.label is not None:
            truth = int(self.label[0]) if len(self.label) == 1 else int(np.argmax(self.label))
        return predicted, undecided, truth

    def prediction_caption(self) -> str:
        output = self.trace.a[-1][0]
        names = self.history.class_names
        predicted, undecided, truth = self.answer()
        if len(output) > 1 and names:  # the class the outputs pick, named by its own neuron as the screen shows it
            reads = f"At the output, {self.highlight(len(self.history.layer_sizes) - 1)}"
        else:
            reads = (f"The output neuron{'s' if len(output) > 1 else ''} read{'' if len(output) > 1 else 's'} "
                     + ", ".join(number(v, 3) for v in output[:4]) + (", …" if len(output) > 4 else ""))
        if predicted is None:
            return reads + "."
        if undecided:
            said = f"{reads}: too close to call, so the network is undecided (it leans to {names[predicted]})."
        else:
            said = f"{reads}: the network says {names[predicted]}."
        if truth is not None and undecided:
            said += (f" The label is {names[truth]}, so it leans the "
                     f"{'right' if truth == predicted else 'wrong'} way.")
        elif truth is not None:
            said += f" The label is {names[truth]}: {'right' if truth == predicted else 'wrong'}."
        return said

    def show_prediction(self) -> None:
        output = self.trace.a[-1][0]
        names = self.history.class_names
        predicted, undecided, truth = self.answer()
        lines = VGroup()
        if predicted is None:
            lines.add(Label("output = " + ", ".join(number(v, 3) for v in output[:4]), font_size=30, color=LABEL))
        else:
            p = output[0] if len(output) == 1 else output[predicted]
            shown = f"p({names[1]}) = {p:.3f}" if len(output) == 1 else f"p({names[predicted]}) = {p:.3f}"
            lines.add(Label(shown, font_size=30, color=LABEL))
            lines.add(Label("undecided" if undecided else f"prediction: {names[predicted]}", font_size=30,
                           color=HIGHLIGHT if undecided else LABEL))
        color = HIGHLIGHT
        if truth is not None:
            right = truth == predicted
            verdict = f"label: {names[truth]}" + ("" if undecided else f"  {'✓ right' if right else '✗ wrong'}")
            color = HIGHLIGHT if undecided else OUTPUT_RIM if right else NEGATIVE
            lines.add(Label(verdict, font_size=30, color=color))
        lines.arrange(DOWN, aligned_edge=LEFT, buff=0.25)
        fit(lines, self.column.below(self.current_equation.get_bottom()[1] - 0.8), UP + LEFT)
        # The box marks the neuron that answers: the predicted class's, or the single output.
        drawn = list(self.network_mob.indices[-1])
        neuron = self.network_mob.neurons[-1][drawn.index(predicted) if len(output) > 1 and predicted in drawn else 0]
        box = SurroundingRectangle(neuron, color=color, buff=0.08, corner_radius=0.08)
        self.play(Create(box), run_time=0.6)
        self.play(LaggedStart(*(FadeIn(line, shift=UP * 0.2) for line in lines), lag_ratio=0.4), run_time=1.5)
        self.play(Indicate(neuron, color=color, scale_factor=1.3), run_time=0.8)
