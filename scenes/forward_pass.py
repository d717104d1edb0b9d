"""ForwardPassScene: one real input flows through the trained network, layer by layer."""
from __future__ import annotations

import math
from typing import Sequence

import numpy as np
from manim import (
    DOWN, LEFT, RIGHT, UP, BackgroundRectangle, Create, FadeIn, FadeOut, FadeTransform, Indicate, LaggedStart,
    MathTypst, SurroundingRectangle, Text, VGroup, Write,
)

from scenes.common import HistoryScene, output_names
from scenes.style import LABEL, MUTED, NEGATIVE, OUTPUT_RIM, POSITIVE

FUNCTION_NAMES = {"sigmoid": "sigma", "tanh": "tanh", "relu": "op(\"relu\")", "leaky_relu": "op(\"leaky\")",
                  "softmax": "op(\"softmax\")", "identity": ""}
MAX_PRODUCT_SIZE = 8  # the numeric W a + b is written out for the first layer no larger than this
MAX_VALUE_LABELS = 10  # value labels beside neurons only where a column is this short
MIN_LABEL_GAP = 1.2  # and the columns this far apart, so labels do not crowd the next layer's edges
RIGHT_COLUMN_X = 1.45


def number(value: float, digits: int = 2) -> str:
    """A decimal with a true minus sign, e.g. −0.53."""
    text = f"{value:.{digits}f}"
    return text.replace("-", "−")


def typst_number(value: float, colored: bool = False) -> str:
    if not math.isfinite(value):
        raise ValueError(f"{value} cannot be typeset: only finite numbers reach Typst")
    text = f"{value:.2f}"
    if not colored:
        return text
    color = (POSITIVE if value >= 0 else NEGATIVE).to_hex()
    # The trailing space matters: Typst would take a ';' right after ']' as the end of the code call.
    return f'#text(fill: rgb("{color}"))[${text}$] '


class Formula(MathTypst):
    """MathTypst with a short repr: Manim names each progress bar after its animation's mobject,
    and a matrix of coloured numbers makes a repr of several hundred characters."""

    def __repr__(self) -> str:
        return "Formula"


class ForwardPassScene(HistoryScene):
    """Light each layer of the trained network to its true activations for one input.

    ``input_values`` is a custom input (one value per input neuron); otherwise ``sample``
    picks a training sample, and with neither the run's probe sample is used.
    """

    def __init__(self, history=None, input_values: Sequence[float] | None = None, sample: int | None = None,
                 **kwargs) -> None:
        super().__init__(history, **kwargs)
        self.network_model = self.history.network_at(-1)
        n_inputs = self.history.layer_sizes[0]
        if input_values is not None:
            if len(input_values) != n_inputs:
                raise ValueError(f"the input has {len(input_values)} values but the input layer has {n_inputs}")
            self.x, self.label, self.origin = np.asarray(input_values, float), None, "your input"
        else:
            index = self.history.metadata.get("probe_index", 0) if sample is None else sample
            if not 0 <= index < len(self.history.X_train):
                raise ValueError(f"sample must be between 0 and {len(self.history.X_train) - 1}, got {index}")
            self.x = self.history.X_train[index].astype(float)
            self.label = self.history.y_train[index].astype(float)
            self.origin = f"training sample {index}"
        self.trace = self.network_model.trace(self.x)

    def construct(self) -> None:
        self.network = self.make_network(width=5.0, height=5.0).shift([-3.35, -0.6, 0])
        self.network.set_weights(self.weights_at(-1))
        self.show_network()
        self.show_input()
        product_layer = self.first_small_layer()
        for layer in range(1, len(self.history.layer_sizes)):
            self.show_layer(layer, with_product=layer == product_layer)
        self.show_prediction()
        self.wait(2.5)

    # -- steps ------------------------------------------------------------------

    def show_network(self) -> None:
        h = self.history
        self.title = Text("Forward pass", font_size=38, color=LABEL).to_corner(UP + LEFT, buff=0.4)
        subtitle = Text(f"trained for {h.epochs:,} epochs: loss {h.train_loss[-1]:.3g}", font_size=22,
                        color=MUTED).next_to(self.title, RIGHT, buff=0.4, aligned_edge=DOWN)
        self.narrate(f"A network trained for {h.epochs:,} epochs, its loss down to {h.train_loss[-1]:.3g}. "
                     "Let's push one input through it.")
        self.play(Write(self.title), FadeIn(subtitle), run_time=1.0)
        self.play(FadeIn(self.network.neurons), FadeIn(self.network.ellipses), FadeIn(self.network.size_braces),
                  FadeIn(self.network.output_labels), run_time=0.8)
        self.play(LaggedStart(*(Create(group, lag_ratio=0.01) for group in self.network.edges), lag_ratio=0.4),
                  run_time=1.5)
        self.bring_to_front(self.network.neurons)

    def show_input(self) -> None:
        net = self.network
        values = self.x[net.indices[0]]
        labels = VGroup(*(Text(number(v), font_size=20, color=LABEL).next_to(c, LEFT, buff=0.14)
                          for v, c in zip(values, net.neurons[0])))
        caption = Text(self.origin, font_size=22, color=MUTED).next_to(self.title, DOWN, buff=0.25, aligned_edge=LEFT)
        shown = ", ".join(number(v) for v in self.x[:6]) + (" …" if len(self.x) > 6 else "")
        self.narrate(f"{self.origin.capitalize()}: {shown}. Each input neuron's brightness is its value.")
        self.play(FadeIn(caption), LaggedStart(*(FadeIn(t, shift=RIGHT * 0.2) for t in labels), lag_ratio=0.15),
                  net.light_layer(0, self.x), run_time=1.5)
        self.input_caption = caption
        self.wait(0.5)

    def equation(self, layer: int) -> MathTypst:
        last = len(self.history.layer_sizes) - 1
        activation = self.history.metadata["output"] if layer == last else self.history.metadata["activation"]
        f = FUNCTION_NAMES[activation]
        inner = f"W^(({layer})) a^(({layer - 1})) + b^(({layer}))"
        body = f"{f}({inner})" if f else inner
        return Formula(f"a^(({layer})) = {body}", font_size=40, color=LABEL)

    def show_layer(self, layer: int, with_product: bool) -> None:
        net = self.network
        equation = self.equation(layer).move_to([RIGHT_COLUMN_X, 2.75, 0], LEFT)
        if layer == 1:
            self.play(Write(equation), run_time=1.0)
        else:
            self.play(FadeTransform(self.current_equation, equation), run_time=0.6)
        self.current_equation = equation

        values = self.trace.a[layer][0]
        sizes = self.history.layer_sizes
        strongest = int(np.argmax(values))
        kind = "the output layer" if layer == len(sizes) - 1 else f"hidden layer {layer}"
        who = "its neuron" if sizes[layer] == 1 else f"each of its {sizes[layer]} neurons"
        outcome = (f"It reads {values[0]:.2f}." if sizes[layer] == 1
                   else f"Neuron {strongest + 1} ends highest, at {values[strongest]:.2f}.")
        self.narrate(f"Into {kind}: {who} adds up the previous layer's values times the weights, plus a bias, "
                     f"and applies {self._function_word(layer)}. {outcome}")
        self.play(net.forward_flash(layer - 1, run_time=1.3))
        if with_product:
            self.wait(1.2)
            self.show_product(layer)
        self.play(net.light_layer(layer, values), run_time=0.8)
        column_gap = net.positions[1][0, 0] - net.positions[0][0, 0]
        if layer < len(sizes) - 1 and len(net.indices[layer]) <= MAX_VALUE_LABELS and column_gap >= MIN_LABEL_GAP:
            self.play(FadeIn(self.value_labels(layer, values)), run_time=0.4)
        self.wait(0.4)

    def _function_word(self, layer: int) -> str:
        last = len(self.history.layer_sizes) - 1
        name = self.history.metadata["output"] if layer == last else self.history.metadata["activation"]
        return "nothing more (identity)" if name == "identity" else name

    def value_labels(self, layer: int, values: np.ndarray) -> VGroup:
        labels = VGroup()
        for value, circle in zip(values[self.network.indices[layer]], self.network.neurons[layer]):
            text = Text(number(value), font_size=16, color=LABEL)
            # Just off the circle's upper right, so the neuron itself stays in full view.
            text.move_to(circle.get_corner(UP + RIGHT) + np.array([0.02, -0.02, 0]), DOWN + LEFT)
            labels.add(VGroup(BackgroundRectangle(text, fill_opacity=0.85, buff=0.03), text))
        return labels

    def first_small_layer(self) -> int | None:
        sizes = self.history.layer_sizes
        for layer in range(1, len(sizes)):
            if sizes[layer] <= MAX_PRODUCT_SIZE and sizes[layer - 1] <= MAX_PRODUCT_SIZE:
                return layer
        return None

    def show_product(self, layer: int) -> None:
        """The real numbers of z = W a + b, then a = f(z), for one small layer."""
        W = self.network_model.weights[layer - 1]
        b = self.network_model.biases[layer - 1]
        a_prev = self.trace.a[layer - 1][0]
        z = self.trace.z[layer][0]
        a = self.trace.a[layer][0]

        def mat(rows) -> str:
            return 'mat(delim: "[", ' + "; ".join(", ".join(typst_number(v, colored=True) for v in row)
                                                   for row in rows) + ")"

        def vec(values) -> str:
            return 'vec(delim: "[", ' + ", ".join(typst_number(v) for v in values) + ")"

        size = 24 if max(W.shape) <= 5 else 20
        product = Formula(f"{mat(W)} {vec(a_prev)} + {vec(b)} = {vec(z)}", font_size=size, color=LABEL)
        room = 7.1 - RIGHT_COLUMN_X - 0.2
        if product.width > room:
            product.scale_to_fit_width(room)
        product.next_to(self.current_equation, DOWN, buff=0.45, aligned_edge=LEFT)
        f = FUNCTION_NAMES[self.history.metadata["activation"] if layer < len(self.history.layer_sizes) - 1
                           else self.history.metadata["output"]]
        result = Formula(f"a^(({layer})) = {f}(z) = {vec(a)}" if f else f"a^(({layer})) = z",
                           font_size=size, color=LABEL)
        result.scale(product.font_size / size).next_to(product, DOWN, buff=0.35, aligned_edge=LEFT)
        top = int(np.argmax(np.abs(W).ravel()))
        row, col = divmod(top, W.shape[1])
        self.narrate(f"In numbers: W is {W.shape[0]} by {W.shape[1]}; its largest weight, {W[row, col]:.2f}, "
                     f"links input {col + 1} to neuron {row + 1}. Blue entries are positive, red negative.")
        self.play(FadeIn(product, shift=DOWN * 0.2), run_time=1.2)
        self.wait(2.2)
        self.narrate(f"Then {self._function_word(layer)} squashes each sum: "
                     + ", ".join(f"{zi:.2f} → {ai:.2f}" for zi, ai in zip(z[:3], a[:3])) + ".")
        self.play(FadeIn(result, shift=DOWN * 0.2), run_time=0.8)
        self.wait(2.0)
        self.play(FadeOut(product), FadeOut(result), run_time=0.6)

    def show_prediction(self) -> None:
        output = self.trace.a[-1][0]
        names = output_names(self.history)
        meta = self.history.metadata
        lines = VGroup()
        if meta["output"] == "sigmoid" and len(output) == 1:
            predicted = int(output[0] >= 0.5)
            lines.add(Text(f"p(class 1) = {output[0]:.3f}", font_size=30, color=LABEL))
            lines.add(Text(f"prediction: class {predicted}", font_size=30, color=LABEL))
        elif meta["output"] == "softmax":
            predicted = int(np.argmax(output))
            lines.add(Text(f"{names[predicted]}: p = {output[predicted]:.3f}", font_size=30, color=LABEL))
            lines.add(Text(f"prediction: class {predicted}", font_size=30, color=LABEL))
        else:
            predicted = None
            lines.add(Text("output = " + ", ".join(number(v, 3) for v in output[:4]), font_size=30, color=LABEL))
        caption = f"The output neuron{'s' if len(output) > 1 else ''} read{'' if len(output) > 1 else 's'} " \
                  + ", ".join(f"{v:.3f}" for v in output[:4])
        if predicted is not None:
            caption += f": the network predicts class {predicted}"
        if self.label is not None and predicted is not None:
            truth = int(self.label[0]) if len(self.label) == 1 else int(np.argmax(self.label))
            right = truth == predicted
            verdict = f"label: class {truth}  {'✓ right' if right else '✗ wrong'}"
            lines.add(Text(verdict, font_size=30, color=OUTPUT_RIM if right else NEGATIVE))
            caption += f", and the label is {truth}: {'right' if right else 'wrong'}."
        else:
            caption += "."
        lines.arrange(DOWN, aligned_edge=LEFT, buff=0.25).move_to([RIGHT_COLUMN_X, 0.3, 0], LEFT)
        box = SurroundingRectangle(self.network.neurons[-1], color=OUTPUT_RIM, buff=0.08, corner_radius=0.08)
        self.narrate(caption)
        self.play(Create(box), run_time=0.6)
        self.play(LaggedStart(*(FadeIn(line, shift=UP * 0.2) for line in lines), lag_ratio=0.4), run_time=1.5)
        self.play(Indicate(self.network.neurons[-1], color=OUTPUT_RIM, scale_factor=1.3), run_time=0.8)
