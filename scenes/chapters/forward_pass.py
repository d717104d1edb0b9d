"""ForwardPassScene: one real input flows through the trained network, layer by layer.

Told as 3Blue1Brown tells it, with the run's own numbers: a digit's pixels unroll, row by row, into
the input column; beside the network each layer's W a + b is written out, a box sliding down W's
rows while the neuron each row computes lights up and its sum is written; the activation turns the
sums into the layer's values; at the output, softmax turns them into probabilities.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np
from manim import (
    DOWN, LEFT, RIGHT, UP, AnimationGroup, Brace, Circle, Create, FadeIn, FadeOut, Indicate,
    LaggedStart, Line, ShowPassingFlash, SurroundingRectangle, Transform, VGroup, Write,
    ReplacementTransform, Succession, TransformMatchingShapes, UpdateFromAlphaFunc, interpolate_color, smooth,
    WHITE,
)

from nnscratch.verdict import decision, judge
from scenes.chapters.base import HistoryScene, after_gone, drawn_pixels, gone_first
from scenes.mobjects.glyphs import Formula, Label
from scenes.mobjects.layer_product import LayerProduct, columns_shown, rows_shown
from scenes.mobjects.layout import GAP, boxes_overlap, fit, fit_network, safe_area
from scenes.mobjects.network import drawn_indices
from scenes.mobjects.neuron_canvas import NeuronCanvas
from scenes.mobjects.pixel_image import PixelImage, PixelRows
from scenes.mobjects.plane_example import PlaneExample
from scenes.mobjects.style import (
    ACTIVATION_LOOKS, HIGHLIGHT, LABEL, MUTED, NEGATIVE, OUTPUT_RIM, neuron_colors,
)
from scenes.narration.beats import Beat, Brief
from scenes.narration.words import number

MAX_TOLD_LAYERS = 3  # hidden layers after the first told one by one; more are told together
HIDDEN_PLACES = 8  # rows of a hidden layer's W shown, dots included
OUTPUT_PLACES = 7  # of the output layer's: up to seven (ten rows would not leave the answer room at a legible size)
COLUMN_PLACES = 3  # columns of W shown, dots included: two inputs and the dots for the rest
PRODUCT_FONT = 24  # the numbers of W a + b as made: digits 0.17 units tall, 23 px at 1080p
MAX_PRODUCT_FONT = 40  # and as large as they may grow where the frame has room
MIN_PRODUCT_FONT = 33  # and no smaller: digits 14 px tall at 480p, read without squinting (issue 23's review)
SAID_ROOM = 0.8  # under a hidden layer's numbers, for the value the caption names
SAID_ROOM_OUTPUT = 1.7  # under the output layer's, for the answer's three lines
EQUATION_FONT = 34
SAID_FONT = 28  # the value a caption names, written under the numbers
INPUT_FONT = 22.5  # the input's values beside its neurons, and the outputs' names: digits 14 px tall at 480p
MIN_NETWORK_WIDTH = 5.0  # the network keeps at least this much of the frame's width
MAX_NETWORK_SHARE = 0.55  # and takes at most this share of it
MIN_LAYER_GAP = 1.5  # between its columns, where the frame allows
THUMBNAIL = 1.1  # the side of the picture in the corner, once unrolled (or of the plane, once read)
LONE_NAME_WIDTH = 1.0  # a lone output's name wider than this goes under its neuron
PLANE_SIDE = 5.0  # the plane of a two-input run at most, while its example is read
BAND_HEIGHT = 0.22  # the pixels end to end, across the bottom of the frame
FLASHED_EDGES = 48  # of a layer's drawn edges, the strongest, pulse as the signal passes
ROW_SECONDS = 0.25  # a row of W computed, at the least (a long sentence slows the box down)
# What an activation does to a layer's sums, in a few words (no number: a number said is shown).
SQUASHES = {"sigmoid": "squashes each sum into its neuron's value", "tanh": "squashes each sum into its neuron's value",
            "relu": "keeps each positive sum and silences the others",
            "leaky_relu": "keeps each positive sum and shrinks the others"}


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
        self.last = len(self.history.layer_sizes) - 1
        # The neurons the network draws of each layer, by the rule NetworkMobject follows, known before it is built.
        self.drawn_indices = [[int(i) for i in drawn_indices(size)] for size in self.history.layer_sizes]
        pixels = drawn_pixels(self.history)
        if pixels is not None:
            self.drawn_indices[0] = [int(i) for i in pixels]

    # -- the run's numbers -------------------------------------------------------------

    def values(self, layer: int) -> np.ndarray:
        return self.trace.a[layer][0]

    def function_of(self, layer: int) -> str:
        return self.history.output_activation if layer == self.last else self.history.activation

    def value_text(self, layer: int):
        """How a layer's values are written: the outputs' probabilities to three decimals, as the answer says them."""
        digits = 3 if layer == self.last else 2
        return lambda value: number(value, digits)

    def named_neuron(self, layer: int) -> int:
        """The neuron of ``layer`` the caption names: the highest, or at the output the class picked."""
        values = self.values(layer)
        predicted = self.answer()[0] if layer == self.last else None
        return int(predicted) if predicted is not None and len(values) > 1 else int(np.argmax(values))

    def told_layers(self) -> list[int]:
        """The layers whose W a + b is written out: the first, the hidden ones told one by one, the output."""
        middle = list(range(2, self.last))
        return sorted({1, self.last, *(middle if len(middle) <= MAX_TOLD_LAYERS else [])})

    # -- layout ------------------------------------------------------------------------

    def prepare(self) -> None:
        h, area = self.history, safe_area()
        self.title = Label("The forward pass", font_size=38, color=LABEL)
        fit(self.title, area.above(area.top - self.title.height), UP + LEFT)
        self.origin_caption = Label(self.origin_words(), font_size=26, color=MUTED)
        self.origin_caption.next_to(self.title, RIGHT, buff=0.45, aligned_edge=DOWN)
        top = self.title.get_bottom()[1] - GAP
        self.equations = {layer: self.equation(layer) for layer in range(1, self.last + 1)}
        self.products = {layer: self.make_product(layer) for layer in self.told_layers()}
        # The numbers as large as the frame allows, and never smaller than legible: the network gives up
        # width first. Each layer's product is scaled on its own (a narrow W grows where a wide one cannot).
        widest = max(product.width for product in self.products.values())
        inputs = None if h.image_shape is not None else [number(value) for value in self.x]
        network_width = self.network_width(inputs, area)
        room = top - area.bottom - max(equation.height for equation in self.equations.values()) - 0.35
        floor, ceiling = MIN_PRODUCT_FONT / PRODUCT_FONT, MAX_PRODUCT_FONT / PRODUCT_FONT
        beside_network = float(np.clip((area.width - network_width - 2 * GAP) / widest, floor, ceiling))
        width = float(max(widest * beside_network, 4.6))  # the numbers' width, or the words' under them
        self.column = area.right_of(area.right - width).below(top)
        beside = self.column
        if h.image_shape is not None or h.X_train.shape[1] == 2:  # the picture (or the plane) stays in the
            beside = self.column.left_of(self.column.right - THUMBNAIL - GAP)  # corner: the equations keep left
        for equation in self.equations.values():
            fit(equation, beside.below(beside.top).above(beside.top - equation.height), UP + LEFT)
        below = self.column.top - max(equation.height for equation in self.equations.values()) - 0.35
        for layer, product in self.products.items():
            said_room = SAID_ROOM_OUTPUT if layer == self.last else SAID_ROOM
            scale = min(ceiling, width / product.width, (room - said_room) / product.height)
            product.values_name.scale(scale)  # not drawn until the sums turn into values
            fit(product.scale(scale), self.column.below(below), UP + LEFT)
        region = area.left_of(self.column.left - 2 * GAP).below(top)
        shape = h.image_shape
        if shape is not None:
            region = region.above(area.bottom + BAND_HEIGHT + 3 * GAP)  # the band passes under the network
        net = self.network_mob = self.fitted_network(inputs, region)
        # Labels that grew past the region: the network fitted again into the room they leave.
        left, right = region.left - net.get_left()[0], net.get_right()[0] - region.right
        if left > 1e-6 or right > 1e-6:
            room = region.right_of(region.left + max(left, 0.0)).left_of(region.right - max(right, 0.0))
            net = self.network_mob = self.fitted_network(inputs, room)
        if len(net.output_labels) == 1 and net.output_labels[0].get_top()[1] < net.neurons[-1][0].get_bottom()[1]:
            # Under its neuron, grown: just clear of the layer before's neurons, short of the numbers.
            label = net.output_labels[0]
            before = [neuron for neuron in net.neurons[-2] if boxes_overlap(neuron, label, -0.05)]
            if before:
                clear = max(neuron.get_right()[0] for neuron in before) + 0.08 - label.get_left()[0]
                label.shift(RIGHT * max(0.0, min(clear, self.column.left - GAP - label.get_right()[0])))
            label.add_background_rectangle(opacity=1.0, buff=0.04).set_z_index(2)  # over the edges it crosses
        self.network_mob.set_weights(self.weights_at(-1), scale=self.weight_scale)
        self.neurons = NeuronCanvas(self.network_mob).set_z_index(1)
        self.current_equation: Formula | None = None
        self.product: LayerProduct | None = None
        self.said: VGroup | None = None  # the neuron a caption names: its rings and its words
        self.image = self.rows = None
        if shape is not None:
            side = min(self.column.width, self.column.height - 0.8, 4.4)
            self.image = PixelImage(self.x, shape, side).move_to(self.column.center)
            self.thumbnail = PixelImage(self.x, shape, THUMBNAIL)
            self.thumbnail.move_to([self.column.right - THUMBNAIL / 2, area.top - THUMBNAIL / 2, 0])
            self.band = (area.left + 0.3, area.right - 0.3, area.bottom + BAND_HEIGHT / 2 + 0.05)
        self.plane = None  # a two-input example's place among the data: large as it is read, then in the corner
        if shape is None and h.X_train.shape[1] == 2:
            side = min(self.column.width, self.column.height - 0.8, PLANE_SIDE)
            self.plane = PlaneExample(h, self.x, side).move_to(self.column.center)
            self.plane_corner = np.array([self.column.right - THUMBNAIL / 2, area.top - THUMBNAIL / 2, 0.0])

    def fitted_network(self, inputs: list[str] | None, region):
        """The labelled network fitted to ``region``; the input's values and the outputs' names, which are
        said, then written at INPUT_FONT, however the network was scaled to fit (it writes them at 20)."""
        net = fit_network(lambda **size: self.labelled_network(inputs, **size), region)
        for label in net.input_labels:
            label.scale(INPUT_FONT / self.font_of(label), about_edge=RIGHT)
        for label in net.output_labels:
            label.scale(INPUT_FONT / self.font_of(label), about_edge=LEFT if len(net.output_labels) > 1 else UP)
        return net

    @staticmethod
    def font_of(label) -> float:
        """The font size a network's label (or the text in it) is drawn at now: the network is scaled to fit."""
        return float(next(part.font_size for part in label.get_family() if isinstance(part, Label)))

    def labelled_network(self, inputs: list[str] | None, **size):
        """The network with its input's values beside it; a lone output's long name ("p(lower moon)") under
        its neuron, not beside it: the width it would take is the numbers'. It moves right just clear of the
        layer before's neurons, as large as it will be written (the network is fitted to its place with it)."""
        net = self.make_network(input_labels=inputs, **size)
        if len(net.output_labels) == 1 and net.output_labels[0].width > LONE_NAME_WIDTH:
            label = net.output_labels[0].next_to(net.neurons[-1][0], DOWN, buff=0.12)
            # Each side's growth when it is scaled about its top to INPUT_FONT, the network fitted to as
            # little as 0.85 of this size.
            grow = label.width * (INPUT_FONT / 20 / 0.85 - 1) / 2
            before = [neuron for neuron in net.neurons[-2] if boxes_overlap(neuron, label, -grow - 0.05)]
            if before:
                label.shift(RIGHT * (max(n.get_right()[0] for n in before) + 0.08 + grow - label.get_left()[0]))
        return net

    def network_width(self, inputs: list[str] | None, area) -> float:
        """The width the network needs at the least: its labels and braces, and a gap between its
        columns that keeps each layer's edges apart (within a share of the frame)."""
        measured = self.labelled_network(inputs, width=4.0, height=area.height - 1.0, draw_edges=False)
        overhang = measured.width - float(np.ptp(np.concatenate(measured.positions)[:, 0]))
        return float(np.clip(overhang + MIN_LAYER_GAP * self.last, MIN_NETWORK_WIDTH, MAX_NETWORK_SHARE * area.width))

    def origin_words(self) -> str:
        """The example followed, and its label when it has one: "training sample 0, labelled 3"."""
        truth, names = self.answer()[2], self.history.class_names
        return self.origin + (f", labelled {names[truth]}" if truth is not None else "")

    def equation(self, layer: int) -> Formula:
        f = ACTIVATION_LOOKS[self.function_of(layer)].symbol
        inner = f"W^(({layer})) a^(({layer - 1})) + b^(({layer}))"
        return Formula(f"a^(({layer})) = {f}({inner})" if f else f"a^(({layer})) = {inner}", font_size=EQUATION_FONT,
                       color=LABEL)

    def make_product(self, layer: int) -> LayerProduct:
        """The numbers of z = W a + b for ``layer``: some of W's rows and columns when it is large, the
        neuron the caption names among the rows."""
        W, b = self.network.weights[layer - 1], self.network.biases[layer - 1]
        a_prev, z, a = self.values(layer - 1), self.trace.z[layer][0], self.values(layer)
        net_indices = self.drawn(layer)
        places = OUTPUT_PLACES if layer == self.last else HIDDEN_PLACES
        rows = rows_shown(net_indices, W.shape[0], places, keep=[self.named_neuron(layer)])
        cols = columns_shown(W, a_prev, self.drawn(layer - 1), COLUMN_PLACES)
        return LayerProduct(W, a_prev, b, z, a, rows, cols, layer, text=lambda value: number(value),
                            value_text=self.value_text(layer), font_size=PRODUCT_FONT)

    def drawn(self, layer: int) -> list[int]:
        """The neurons of ``layer`` the network draws."""
        return self.drawn_indices[layer]

    # -- what is said ------------------------------------------------------------------

    def script(self) -> list[Beat]:
        h = self.history
        verdict = judge(h)
        if verdict.learned:
            opening = ("Here is the network after training. Let's push one example through it, layer by layer, "
                       "with its real numbers.")
            brief = f"Now the network reads {self.origin}" + (
                f", {self.image_words()}." if self.image is not None else ".")
        else:
            opening = (f"Here is the network after training; it did not learn: {verdict.why_not}. Still, let's "
                       "push one example through it, layer by layer.")
            brief = None
        beats = [Beat(opening, lambda: (self.show_network(), self.show_verdict(verdict), self.show_layer_by_layer()),
                      brief=brief, brief_show=self.show_network_briefly if verdict.learned else None)]
        beats += self.input_beats(verdict.learned)
        for layer in self.told_layers():
            if layer == 1:
                beats += self.first_layer_beats()
            elif layer == self.last:
                beats += self.output_beats()
            else:
                beats.append(Beat(self.same_caption(layer), lambda layer=layer: self.show_whole_layer(layer),
                                  brief=f"Then hidden layer {layer}: {self.highest_words(layer)}."))
            if layer == 1 and self.last - 2 > MAX_TOLD_LAYERS:
                middle = list(range(2, self.last))
                beats.append(Beat(f"Hidden layers {middle[0]} to {middle[-1]} do the same, one after another; "
                                  f"in the last of them, {self.highest_words(middle[-1])}.",
                                  lambda: self.show_layers_together(middle)))
        beats.append(Beat(self.prediction_caption(), self.show_prediction, brief=self.prediction_caption(True)))
        return beats

    def input_beats(self, learned: bool) -> list[Beat]:
        """The input: its values, or for an image its picture, then its pixels unrolled into the input column."""
        if self.image is None and self.history.feature_names:
            names = self.history.feature_names
            shown = ", ".join(f"{name} {number(v)}" for name, v in zip(names[:4], self.x)) + \
                (" …" if len(self.x) > 4 else "")
            return [Beat(f"{self.origin.capitalize()}, standardised: {shown}. Each input neuron's brightness is its "
                         "value.", self.show_input, brief=f"Its values, {shown}, light the input neurons.")]
        if self.image is None:
            shown = ", ".join(number(v) for v in self.x[:6]) + (" …" if len(self.x) > 6 else "")
            # Briefly, the example was named in the sentence before: its values alone.
            return [Beat(f"{self.origin.capitalize()}: {shown}. Each input neuron's brightness is its value.",
                         self.show_input, brief=f"Its values, {shown}, light the input neurons.")]
        rows, columns = self.image.shape
        return [
            Beat(f"{self.origin.capitalize()} is {self.image_words()}: {rows} by {columns} pixels, each a grey "
                 "level from 0 for black to 1 for white.", self.show_image,
                 brief=f"{self.origin.capitalize()} is {self.image_words()}.",
                 brief_show=lambda: self.show_image(sizes=False),
                 in_brief=Brief.WITH_PREVIOUS if learned else Brief.SAID),
            Beat(f"Row by row, its {len(self.x)} pixels line up, end to end.", self.show_line_up,
                 brief=f"Row by row, its {len(self.x)} pixels become input neurons."),
            Beat(f"Each becomes an input neuron, as bright as its pixel. Those drawn are where "
                 f"{'digits' if self.history.dataset_name == 'digits' else 'the images'} differ most; "
                 "the rest go into the dots.", self.show_into_neurons, in_brief=Brief.WITH_PREVIOUS),
        ]

    def image_words(self) -> str:
        """What the input picture is, in a few words: "a handwritten 3"."""
        truth, names = self.answer()[2], self.history.class_names
        if truth is None:
            return "an image"
        return f"a handwritten {names[truth]}" if self.history.dataset_name == "digits" else \
            f"an image of the class {names[truth]}"

    def layer_name(self, layer: int) -> str:
        return "the output layer" if layer == self.last else f"hidden layer {layer}"

    def function_word(self, layer: int) -> str:
        name = self.function_of(layer)
        return "nothing more" if name == "identity" else name.replace("_", " ")

    def highest_words(self, layer: int) -> str:
        """The value a layer reaches, as said: its only neuron's, or its highest neuron's."""
        values = self.values(layer)
        digits = 3 if layer == self.last else 2
        if len(values) == 1:
            return f"its neuron reads {number(values[0], digits)}"
        k = int(np.argmax(values))
        return f"neuron {k + 1} ends highest, at {number(values[k], digits)}"

    def first_layer_beats(self) -> list[Beat]:
        """Layer 1 at length: the sum, W's shape, its rows one by one, the activation, the highest value."""
        if self.last == 1:
            return self.output_beats()
        W = self.network.weights[0]
        f = self.function_word(1)
        z0, a0, place = self.first_squashed(1)
        squash = SQUASHES.get(self.function_of(1), "turns each sum into its neuron's value")
        return [
            Beat("Into hidden layer 1: each neuron adds up the previous layer's values times its weights, plus "
                 "its bias.", lambda: self.show_sum_parts(1, shape=True),
                 brief=f"Hidden layer 1: W a + b, row by row, then {f}; {self.highest_words(1)}.",
                 brief_show=lambda: self.show_whole_layer(1)),
            Beat(f"W has a row for each of the {W.shape[0]} neurons and a column for each of the {W.shape[1]} "
                 "inputs.", self.show_shape, in_brief=Brief.LEFT_OUT),
            Beat("Row by row, a row of W times a, plus b, is the sum of one neuron of hidden layer 1, and it "
                 "lights up.", lambda: self.show_rows(1), in_brief=Brief.LEFT_OUT),
            Beat(f"Then {f} {squash}: {z0} becomes {a0}, and so on.", lambda: self.show_squash(1, place),
                 in_brief=Brief.LEFT_OUT),
            Beat(f"So hidden layer 1 takes its values: {self.highest_words(1)}.", lambda: self.show_named(1),
                 in_brief=Brief.LEFT_OUT),
        ]

    def first_squashed(self, layer: int) -> tuple[str, str, int]:
        """The first row shown: its sum and its value, as written, and its place in the matrix."""
        product = self.products[layer]
        place, index = product.shown_rows()[0]
        return number(self.trace.z[layer][0][index]), self.value_text(layer)(self.values(layer)[index]), place

    def same_caption(self, layer: int) -> str:
        return f"Hidden layer {layer} does the same with layer {layer - 1}'s values: {self.highest_words(layer)}."

    def output_beats(self) -> list[Beat]:
        """The output layer: its sums, then what its activation makes of them."""
        layer, name = self.last, self.history.output_activation
        same = "does the same" if layer > 1 else "adds up the inputs times its weights, plus its bias"
        if name == "softmax":
            caption = (f"The output layer {same}; then softmax turns the sums into probabilities that add up to 1: "
                       "e to each sum, divided by the total of them all.")
            brief = "At the output, softmax turns the sums into probabilities that add up to 1."
            return [Beat(caption, lambda: self.show_whole_layer(layer), brief=brief)]
        if name == "sigmoid":
            names = self.history.class_names
            what = f"the probability of {names[1]}" if names else "a probability"
            caption = f"The output layer {same}, with sigmoid: its value is {what}."
            brief = f"The output layer {same}, with sigmoid."
        else:
            caption = f"The output layer {same}, with nothing more: its sum is the answer."
            brief = f"The output layer {same}, with nothing more."
        # Told in a sentence of its own, briefly too: under the answer's, the value said would come
        # seconds before the sums that make it.
        return [Beat(caption, lambda: self.show_whole_layer(layer), brief=brief)]

    # -- the answer --------------------------------------------------------------------

    def answer(self) -> tuple[int | None, bool, int | None]:
        """The class the output picks (None for real-valued outputs), whether it is undecided,
        and the true class (None for a custom input)."""
        output = self.values(self.last)
        if not self.history.class_names:
            return None, False, None
        predicted, undecided = decision(output)
        truth = None
        if self.label is not None:
            truth = int(self.label[0]) if len(self.label) == 1 else int(np.argmax(self.label))
        return predicted, undecided, truth

    def answer_probability(self) -> float:
        """The probability of the class picked, as the output gives it."""
        output = self.values(self.last)
        predicted = self.answer()[0]
        return float(output[0] if len(output) == 1 else output[predicted])

    def prediction_caption(self, brief: bool = False) -> str:
        """What the output says, the class it picks, and against the label, right or wrong."""
        output = self.values(self.last)
        names = self.history.class_names
        predicted, undecided, truth = self.answer()
        if predicted is None:
            return ("The output neuron" + ("s read " if len(output) > 1 else " reads ")
                    + ", ".join(number(v, 3) for v in output[:4]) + (", …" if len(output) > 4 else "") + ".")
        p = number(self.answer_probability(), 3)
        reads = (f"The {names[predicted]} gets {p}, the most{'' if brief else ' of all'}" if len(output) > 1
                 else f"The output neuron reads {p}")
        if undecided:
            said = f"{reads}: too close to call, so the network is undecided (it leans to {names[predicted]})."
            if truth is not None:
                said += f" The label is {names[truth]}, so it leans the {'right' if truth == predicted else 'wrong'} way."
            return said
        if truth is None:
            return f"{reads}: the network says {names[predicted]}."
        if brief and truth == predicted:
            return f"{reads}: the network says {names[predicted]}, rightly."
        if brief:
            return f"{reads}: the network says {names[predicted]}, but the label is {names[truth]}."
        return (f"{reads}: the network says {names[predicted]}. "
                f"The label is {names[truth]}: {'right' if truth == predicted else 'wrong'}.")

    # -- beats: the network and the input ------------------------------------------------

    def show_network(self, also: Sequence = ()) -> None:
        """The title, the neurons, then the edges drawn (with ``also``)."""
        net = self.network_mob
        self.play(Write(self.title), run_time=0.8)
        self.play(LaggedStart(*(FadeIn(column, lag_ratio=0.1) for column in net.neurons), lag_ratio=0.3,
                              group=net.neurons),
                  FadeIn(net.ellipses), FadeIn(net.size_braces), FadeIn(net.output_labels), run_time=1.0)
        self.play(LaggedStart(*(Create(group, lag_ratio=0.01) for group in net.edges), lag_ratio=0.4, group=net.edges),
                  *also, run_time=1.5)
        # From here on the neurons are painted from the network's arrays, in one call a frame: they change
        # in nearly every frame of this chapter, its edges never. The rings and pixels pointing at them go above.
        self.take_away(net.neurons)
        self.add(self.neurons)

    def show_verdict(self, verdict) -> None:
        """A run that did not learn says so on screen, with the reason the caption gives."""
        if verdict.learned:
            return
        self.verdict = Label(f"did not learn: {verdict.why_not}", font_size=24, color=NEGATIVE)
        self.verdict.next_to(self.title, RIGHT, buff=0.45, aligned_edge=DOWN)
        self.play(FadeIn(self.verdict, shift=DOWN * 0.1), run_time=0.5)

    def origin_in(self) -> list:
        """The example's name coming in beside the title, in place of a verdict there."""
        if self.origin_caption in self.mobjects:  # already there (a brief telling names it with the network):
            return [Indicate(self.origin_caption, color=HIGHLIGHT, scale_factor=1.0)]  # pointed at, not faded again
        verdict = getattr(self, "verdict", None)
        plane = [FadeIn(self.plane, scale=0.9)] if self.plane is not None and self.plane not in self.mobjects else []
        return [FadeIn(self.origin_caption), *plane, *([FadeOut(verdict)] if verdict is not None else [])]

    def show_layer_by_layer(self) -> None:
        """A pulse crossing the network one layer after another, for as long as the sentence lasts."""
        if self.plane is not None:  # "one example": a two-input run's example ringed among the data
            self.play(FadeIn(self.plane, scale=0.9), run_time=0.8)
        layers = len(self.network_mob.edges)
        step = max(0.6, self.beat_seconds() / max(layers, 1))
        # One play (each play redraws the still background once: the network's every edge).
        self.play(Succession(*(self.flash(layer, step) for layer in range(layers))), run_time=step * layers)

    def take_away(self, *mobjects) -> None:
        """Take ``mobjects`` and all their parts out of the scene: an animation may have added a part on
        its own, and Manim's ``remove`` takes out only what was added as it is named."""
        self.add(*mobjects)
        self.remove(*mobjects)

    def show_network_briefly(self) -> None:
        """The network, and with it the example named (a brief telling names them in one sentence): its name
        comes in as the edges are drawn, before the sentence ends on it."""
        self.show_network(also=self.origin_in() if self.image is None else ())

    def show_input(self) -> None:
        net = self.network_mob
        # The example's place among the data pointed at while its two values are written at the inputs.
        point = [Indicate(self.plane.ring, color=HIGHLIGHT, scale_factor=1.6)] if self.plane is not None else []
        self.play(*self.origin_in(),
                  LaggedStart(*(FadeIn(label, shift=RIGHT * 0.2) for label in net.input_labels), lag_ratio=0.15,
                              group=net.input_labels),
                  self.light(0, self.x), run_time=self.paced(1.5, 0.8))
        if point:
            self.play(*point, run_time=self.paced(0.8))

    def show_image(self, sizes: bool = True) -> None:
        """The picture, large; with ``sizes``, its rows and columns counted and its grey levels' scale."""
        self.play(*self.origin_in(), FadeIn(self.image, scale=0.8), run_time=1.0)
        if sizes:
            sizes = self.image_sizes()
            braces, marks = VGroup(sizes[0][0], sizes[1][0]), VGroup(sizes[0][1], sizes[1][1], sizes[2])
            self.play(Create(braces), FadeIn(marks), run_time=self.paced(1.0, 0.9))  # a picture is not drawn: it fades

    def image_sizes(self) -> VGroup:
        """Braces of the picture's rows and columns, and its grey levels from 0 to 1, under it."""
        rows, columns = self.image.shape
        picture = self.image.picture
        top = VGroup(Brace(picture, UP, buff=0.08, color=MUTED))
        top.add(Label(str(columns), font_size=24, color=LABEL).next_to(top[0], UP, buff=0.08))
        side = VGroup(Brace(picture, LEFT, buff=0.08, color=MUTED))
        side.add(Label(str(rows), font_size=24, color=LABEL).next_to(side[0], LEFT, buff=0.08))
        ramp = PixelImage(np.linspace(0, 1, 16), (1, 16), 2.0)
        scale = VGroup(Label("0", font_size=24, color=LABEL), ramp, Label("1", font_size=24, color=LABEL))
        scale.arrange(RIGHT, buff=0.15).next_to(picture, DOWN, buff=0.2)
        self.sizes = VGroup(top, side, scale)
        return self.sizes

    def show_line_up(self) -> None:
        """The picture's rows spreading apart, then row after row lying down end to end across the frame,
        with the count of its pixels under them."""
        sizes = getattr(self, "sizes", None)
        self.rows = PixelRows(self.image).set_z_index(2)  # they fly over the network into its dots
        self.take_away(self.image)
        self.add(self.rows)
        left, right, y = self.band
        # The count over the band's place as the rows spread: the number is said early in the sentence.
        top = y + BAND_HEIGHT / 2
        count = VGroup(Brace(Line([left, top, 0], [right, top, 0]), UP, buff=0.06, color=MUTED))
        count.add(Label(f"{len(self.x)}", font_size=26, color=LABEL).next_to(count[0], UP, buff=0.06))
        self.count = count
        self.play(self.rows.spread(), *([FadeOut(sizes)] if sizes is not None else []),
                  FadeIn(count, shift=DOWN * 0.1), run_time=0.4 if self.brief else 0.7)
        self.play(self.rows.line_up(left, right, y, BAND_HEIGHT), run_time=1.2 if self.brief else self.paced(1.8, 0.7))

    def show_into_neurons(self) -> None:
        """The drawn pixels marked on the band and flying into their neurons; the rest into the dots."""
        net = self.network_mob
        markers = self.rows.markers(net).set_z_index(2)
        self.play(LaggedStart(*(FadeIn(marker, scale=2.0) for marker in markers), lag_ratio=0.05, group=markers),
                  run_time=0.3 if self.brief else 0.7)
        self.play(self.rows.into(net, markers), FadeOut(self.count), run_time=self.paced(1.0 if self.brief else 1.5, 0.7))
        self.take_away(markers, self.rows)
        self.play(self.light(0, self.x), FadeIn(self.thumbnail, shift=UP * 0.2), run_time=self.paced(0.4))

    # -- beats: a layer ----------------------------------------------------------------

    def show_sum_parts(self, layer: int = 1, shape: bool = False) -> None:
        """The layer's equation, the edges into it pulsing, and W a + b in numbers with its sums empty
        (the last layer's numbers giving way): copies of the previous layer's neurons fly into a's
        entries. W's size is named, unless ``shape`` says a sentence of its own names it (``show_shape``)."""
        self.clear_said()
        product = self.products[layer]
        self.swap_equation(layer)
        # The last layer's numbers gone before the new ones come to the same place.
        leaving = [FadeOut(self.product, rate_func=gone_first)] if self.product is not None else []
        if self.plane is not None and self.plane.width > THUMBNAIL + 1e-6:  # read: to the corner, out of the way
            leaving.append(self.plane.animate(rate_func=gone_first).scale(THUMBNAIL / self.plane.width)
                           .move_to(self.plane_corner))
        arriving = after_gone if leaving else smooth
        self.product = product
        names = product.names[1:] if shape else product.names
        parts = VGroup(product.weights, product.inputs, product.plus, product.biases, product.equals,
                       product.results, names)
        sources, targets = VGroup(), VGroup()
        for place, index in enumerate(product.cols):
            if index is not None and index in self.drawn(layer - 1):
                sources.add(self.network_mob.neurons[layer - 1][self.drawn(layer - 1).index(index)].copy())
                targets.add(product.inputs.cells[place][0].copy().set_opacity(0))
        flights = [Transform(sources, targets, remover=True, path_arc=-0.6)] if len(sources) else []
        run_time = self.paced(1.2, 0.9) if shape else 1.2 * self.tempo
        self.play(*leaving, self.flash(layer - 1, run_time),
                  LaggedStart(*(FadeIn(part, shift=DOWN * 0.1) for part in parts), lag_ratio=0.12, group=parts,
                              rate_func=arriving),
                  *flights, run_time=run_time)
        # Each part on its own in the scene: Manim redraws, at every frame, all that follows the first
        # group holding something that moves, and the sums are written one by one while W stays still.
        self.remove(parts)
        self.add(*parts)

    @property
    def tempo(self) -> float:
        """How long a layer's animations take against the full telling's: a brief telling says less."""
        return 0.6 if self.brief else 1.0

    def swap_equation(self, layer: int) -> None:
        equation = self.equations[layer]
        if self.current_equation is None:
            self.play(Write(equation), run_time=0.8 * self.tempo)
        else:
            # What the layers share stays put; only the layer's numbers (and its function) change.
            self.play(TransformMatchingShapes(self.current_equation, equation), run_time=0.6 * self.tempo)
        self.current_equation = equation

    def show_shape(self, layer: int = 1) -> None:
        """W's size under it, its rows pointed at, then its columns."""
        product = self.products[layer]
        self.play(Write(product.weights_name), run_time=0.6)
        rows = [SurroundingRectangle(row, color=HIGHLIGHT, buff=0.04) for row in product.weights.rows]
        columns = [SurroundingRectangle(column, color=HIGHLIGHT, buff=0.04) for column in product.weights.columns]
        self.play(LaggedStart(*(ShowPassingFlash(box, time_width=0.6) for box in rows), lag_ratio=0.15),
                  run_time=max(0.6, 0.5 * self.beat_seconds()))
        self.play(LaggedStart(*(ShowPassingFlash(box, time_width=0.6) for box in columns), lag_ratio=0.2),
                  run_time=max(0.6, self.beat_seconds()))

    def show_rows(self, layer: int, seconds: float | None = None, least: float = ROW_SECONDS) -> None:
        """A box sliding down W's rows in ``seconds`` (default: the rest of the sentence): at each, the
        sum counted up into z while the row's neuron lights to its value and its edges pulse; at a row
        of dots, the neurons it stands for light together."""
        product = self.products[layer]
        seconds = seconds if seconds is not None else self.beat_seconds()
        # A frame a row at the least: a shorter play is drawn a frame long all the same, with Manim's warning.
        step = max(least * self.tempo, (seconds - 0.3) / len(product.rows), 1 / self.camera.frame_rate)
        pointer, inputs = product.row_box(0), product.inputs_box()
        # The sums' name pointed at as they begin: the layer a caption names ("hidden layer 1") is its index.
        self.play(Create(pointer), Create(inputs), Indicate(product.sums_name, color=HIGHLIGHT), run_time=0.3)
        drawn, values = self.drawn(layer), self.values(layer)
        lit: set[int] = set()
        for place, index in enumerate(product.rows):
            if index is None:
                hidden = [k for k in drawn if k not in product.rows and k not in lit]
                lit.update(hidden)
                self.play(pointer.animate.become(product.row_box(place)), self.light(layer, values, hidden),
                          run_time=step)
                continue
            lit.add(index)
            animations = [pointer.animate.become(product.row_box(place)), product.write_sum(place)]
            if index in drawn:
                animations += [self.light(layer, values, [index]), self.incoming_flash(layer, index)]
            self.play(*animations, run_time=step)
        self.pointers = VGroup(pointer, inputs)  # they go as the sums turn into values

    def light(self, layer: int, values: np.ndarray, indices: Sequence[int] | None = None) -> UpdateFromAlphaFunc:
        """The drawn neurons of ``layer`` among ``indices`` (default: all) brightening to their ``values``
        (the whole layer's), in the network's arrays: the painted network follows them."""
        net = self.network_mob
        drawn = self.drawn(layer)
        chosen = [k for k in (drawn if indices is None else indices) if k in drawn]
        first = sum(len(column) for column in net.indices[:layer])
        slots = [first + drawn.index(k) for k in chosen]
        target = neuron_colors(net.level_functions[layer](np.asarray(values, dtype=float)[chosen]))
        begin = net.neuron_rgbs[slots].copy()

        def step(_, alpha: float) -> None:
            net.neuron_rgbs[slots] = begin + alpha * (target - begin)

        return UpdateFromAlphaFunc(self.neurons, step)

    @staticmethod
    def ring(neuron, color=HIGHLIGHT) -> Circle:
        """A ring around ``neuron``, above the painted network."""
        return Circle(radius=neuron.width / 2 + 0.07, color=color, stroke_width=4).move_to(neuron).set_z_index(2)

    def incoming_flash(self, layer: int, index: int) -> AnimationGroup:
        """A pulse along the edges into neuron ``index`` of ``layer``."""
        net = self.network_mob
        per = len(net.indices[layer - 1])
        slot = self.drawn(layer).index(index)
        lines = net.edges[layer - 1][slot * per:(slot + 1) * per]
        return AnimationGroup(*(ShowPassingFlash(line.copy().set_stroke(
            color=interpolate_color(line.get_stroke_color(), WHITE, 0.6), width=max(2 * line.stroke_width, 4.0),
            opacity=1.0), time_width=0.6) for line in lines))

    def flash(self, layer: int, run_time: float) -> AnimationGroup:
        """A pulse from ``layer`` to the next along its strongest drawn edges (the widest), which carry
        the signal: a pulse on hundreds of faint edges would only blur them together, and cost a frame
        a hundred lines."""
        lines = list(self.network_mob.edges[layer])
        strongest = sorted(lines, key=lambda line: -line.stroke_width)[:FLASHED_EDGES]
        return AnimationGroup(*(ShowPassingFlash(line.copy().set_stroke(
            color=interpolate_color(line.get_stroke_color(), WHITE, 0.55), width=max(2.0 * line.stroke_width, 5.0),
            opacity=1.0), time_width=0.45) for line in strongest), run_time=run_time)

    def show_squash(self, layer: int, place: int | None = None, seconds: float | None = None,
                    also: Sequence = ()) -> None:
        """The activation turning each sum in z into its neuron's value, the name z into a; with ``place``,
        that row's sum pointed at first (the one the caption reads)."""
        product = self.products[layer]
        if place is not None:
            self.play(Indicate(product.results.cells[place][0], color=HIGHLIGHT, scale_factor=1.3), run_time=0.6)
        texts = product.squash_texts()
        changes = [product.results.change(row, 0, text[0]) for row, text in enumerate(texts) if text[0] is not None]
        product.values_name.move_to(product.sums_name)
        self.play(FadeOut(self.pointers), LaggedStart(*changes, lag_ratio=0.15, group=product.results),
                  ReplacementTransform(product.sums_name, product.values_name), *also,
                  run_time=seconds if seconds is not None else self.paced(1.0, 0.8))
        product.names.remove(product.sums_name)
        product.names.add(product.values_name)  # the product goes as a whole, its values' name with it

    def show_named(self, layer: int) -> None:
        """The neuron the caption names, ringed in the network and in the numbers, its words under them."""
        self.clear_said()
        product = self.products[layer]
        said = self.named_said(layer)
        self.said = said
        self.play(Create(said[0]), Write(said[1]), Indicate(product.values_name, color=HIGHLIGHT),
                  run_time=self.paced(0.9 * self.tempo, 0.7))

    def named_said(self, layer: int) -> VGroup:
        """Rings around the neuron the caption names, in the network and in the numbers, and its words
        under the numbers."""
        product, net = self.products[layer], self.network_mob
        k = self.named_neuron(layer)
        values = self.values(layer)
        rings = VGroup()
        if k in self.drawn(layer):
            neuron = net.neurons[layer][self.drawn(layer).index(k)]
            rings.add(self.ring(neuron))
        place = product.place_of(k)
        if place is not None:
            rings.add(SurroundingRectangle(product.results.cells[place][0], color=HIGHLIGHT, buff=0.06))
        if layer == self.last and self.history.class_names and len(values) > 1:
            words = f"p({self.history.class_names[k]}) = {number(values[k], 3)}"
        else:
            words = f"neuron {k + 1}: {self.value_text(layer)(values[k])}"
        label = Label(words, font_size=SAID_FONT, color=HIGHLIGHT)
        top = product.get_bottom()[1] - 0.25
        fit(label, self.column.below(top).above(top - label.height), UP + LEFT)
        return VGroup(rings, label)

    def clear_said(self) -> None:
        if self.said is not None:
            self.play(FadeOut(self.said), run_time=0.3 * self.tempo)
            self.said = None

    def show_whole_layer(self, layer: int) -> None:
        """A layer in one beat: W a + b in numbers, its rows computed, the activation, the value named."""
        self.show_sum_parts(layer)
        left = self.beat_seconds()
        if layer != self.last and self.function_of(layer) != "identity":
            # The neuron named as its words begin: the rows take the time before them, and it is ringed
            # as the sums become values.
            before = self.until_said(self.highest_words(layer)) or 0.75 * left
            # A layer after the first, told briefly, runs its rows as fast as it must (a frame a row at
            # the least) to ring its neuron as it is named: the first layer showed them row by row.
            least = 1 / self.camera.frame_rate if self.brief else ROW_SECONDS
            rows = len(self.products[layer].rows)
            self.show_rows(layer, before if self.brief else max(least * self.tempo * rows, before), least)
            said = self.said = self.named_said(layer)
            # Ringed and named at once, as it is named (a ring drawn with the squash was whole a second later).
            self.play(Create(said[0]), Write(said[1]), run_time=0.4)
            self.show_squash(layer, seconds=self.paced(0.9 * self.tempo, 0.7))
            # The ring in the numbers was drawn around the sum; it now holds the value the sum became.
            place = self.products[layer].place_of(self.named_neuron(layer))
            if place is not None:
                said[0][-1].become(SurroundingRectangle(self.products[layer].results.cells[place][0],
                                                        color=HIGHLIGHT, buff=0.06))
            return
        self.show_rows(layer, max(ROW_SECONDS * self.tempo * len(self.products[layer].rows), 0.55 * left))
        if self.function_of(layer) != "identity":
            self.show_squash(layer, seconds=max(0.8 * self.tempo, 0.2 * left))
        else:
            self.play(FadeOut(self.pointers), run_time=0.3)
        if layer != self.last:
            self.show_named(layer)
        elif self.history.output_activation == "softmax":
            self.show_softmax()

    def show_softmax(self) -> None:
        """Softmax's rule under the numbers: e to each sum over the total, adding up to 1."""
        rule = Formula("p_i = e^(z_i) / (sum_j e^(z_j)), quad sum_i p_i = 1", font_size=EQUATION_FONT,
                       color=LABEL)
        top = self.product.get_bottom()[1] - 0.25
        fit(rule, self.column.below(top).above(top - rule.height), UP + LEFT)
        self.said = VGroup(rule)
        self.play(Write(rule), run_time=self.paced(0.9 * self.tempo, 0.8))

    def show_layers_together(self, layers: list[int]) -> None:
        """Many hidden layers in turn: each one's equation, its edges pulsing, its neurons lighting."""
        self.clear_said()
        if self.product is not None:
            self.play(FadeOut(self.product), run_time=0.3)
            self.product = None
        for layer in layers:
            self.swap_equation(layer)
            self.play(self.flash(layer - 1, 0.6),
                      self.light(layer, self.values(layer)), run_time=0.6)
        k = int(np.argmax(self.values(layers[-1])))
        if k in self.drawn(layers[-1]):
            neuron = self.network_mob.neurons[layers[-1]][self.drawn(layers[-1]).index(k)]
            ring = self.ring(neuron)
            label = Label(f"neuron {k + 1}: {number(self.values(layers[-1])[k])}", font_size=SAID_FONT,
                          color=HIGHLIGHT)
            top = self.current_equation.get_bottom()[1] - 0.4
            fit(label, self.column.below(top).above(top - label.height), UP + LEFT)
            self.said = VGroup(ring, label)
            self.play(Create(ring), Write(label), run_time=self.paced(0.8, 0.8))

    def show_prediction(self) -> None:
        """The answer: the output neuron picked ringed with its label, its probability, the verdict."""
        output = self.values(self.last)
        names = self.history.class_names
        predicted, undecided, truth = self.answer()
        self.clear_said()
        product = self.products[self.last]
        lines = VGroup()
        if predicted is None:
            lines.add(Label("output = " + ", ".join(number(v, 3) for v in output[:4]), font_size=SAID_FONT,
                            color=LABEL))
        else:
            p = number(self.answer_probability(), 3)
            shown = f"p({names[1]}) = {p}" if len(output) == 1 else f"p({names[predicted]}) = {p}"
            lines.add(Label(shown, font_size=SAID_FONT, color=HIGHLIGHT))
            lines.add(Label("undecided" if undecided else f"the network says {names[predicted]}", font_size=SAID_FONT,
                            color=HIGHLIGHT if undecided else LABEL))
        color = HIGHLIGHT
        if truth is not None:
            right = truth == predicted
            verdict = f"label: {names[truth]}" + ("" if undecided else f"  {'✓ right' if right else '✗ wrong'}")
            color = HIGHLIGHT if undecided else OUTPUT_RIM if right else NEGATIVE
            lines.add(Label(verdict, font_size=SAID_FONT, color=color))
        lines.arrange(DOWN, aligned_edge=LEFT, buff=0.2)
        top = product.get_bottom()[1] - 0.25
        fit(lines, self.column.below(top), UP + LEFT)
        # The neuron that answers, and its label, ringed tight: its neighbours stay clear.
        drawn = self.drawn(self.last)
        k = predicted if predicted is not None and len(output) > 1 and predicted in drawn else drawn[0]
        neuron = self.network_mob.neurons[-1][drawn.index(k)]
        marked = VGroup(neuron)
        if len(self.network_mob.output_labels):
            marked.add(self.network_mob.output_labels[drawn.index(k)])
        box = SurroundingRectangle(marked, color=color, buff=0.05, corner_radius=0.06).set_z_index(2)
        rings = VGroup(box)
        place = product.place_of(k)
        if place is not None:
            rings.add(SurroundingRectangle(product.results.cells[place][0], color=color, buff=0.06))
        self.said = VGroup(rings, lines)
        # The value read is said first: it comes with the rings, the answer's words after it.
        self.play(Create(rings), FadeIn(lines[0], shift=UP * 0.2), run_time=0.6)
        rest = lines[1:]
        if len(rest):
            self.play(LaggedStart(*(FadeIn(line, shift=UP * 0.2) for line in rest), lag_ratio=0.4, group=rest),
                      run_time=self.paced(1.0, 0.6))
        ping = self.ring(neuron, color)
        self.play(ping.animate.scale(2.2).set_stroke(opacity=0), run_time=self.paced(0.8), remover=True)
