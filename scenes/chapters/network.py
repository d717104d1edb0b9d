"""NetworkScene: the architecture, drawn with the colours of its real weights."""
from __future__ import annotations

from manim import (
    DOWN, LEFT, RIGHT, UP, Brace, Create, FadeIn, GrowFromCenter, LaggedStart, Line, VGroup,
    Write,
)

from nnscratch.activations import HIDDEN_ACTIVATIONS
from scenes.chapters.base import HistoryScene
from scenes.mobjects.glyphs import Formula, Label
from scenes.mobjects.layout import GAP, Region, boxes_overlap, fit, fit_network, safe_area, short_sizes
from scenes.narration.beats import Beat, Brief, counted
from scenes.mobjects.network import NetworkMobject
from scenes.mobjects.style import ACTIVATION_LOOKS, LABEL, MUTED

LABEL_DROP = 0.3  # from the lowest neuron to the layer labels

class NetworkScene(HistoryScene):
    """Layers appear left to right, edges draw in their weights' colours, then the labels and a legend.

    ``snapshot`` picks whose weights colour the edges: 0, the initial ones (default), or -1, the trained ones.
    """

    def __init__(self, history=None, snapshot: int = 0, **kwargs) -> None:
        super().__init__(history, **kwargs)
        self.snapshot = snapshot

    def prepare(self) -> None:
        area, sizes = safe_area(), self.history.layer_sizes
        self.title = fit(Label(f"A {len(sizes)}-layer network: {short_sizes(sizes)}", font_size=34, color=LABEL),
                         area.above(area.top - 0.6), UP)
        content = area.below(self.title.get_bottom()[1] - GAP)
        self.facts = self.make_facts()
        self.legend = self.network_legend()
        column = VGroup(self.facts, self.legend).arrange(DOWN, aligned_edge=LEFT, buff=0.45)
        width = min(column.width, 0.36 * content.width)
        fit(column, Region(content.right - width, content.right, content.bottom, content.top), UP + LEFT)
        region = content.left_of(column.get_left()[0] - 2 * GAP)
        for rows in (1, 2):  # a second row of labels only when the first would crowd
            self.network_mob = fit_network(self.make_network, region.above(region.bottom + self.label_room(rows)))
            self.layer_labels, crowded = self.make_layer_labels(region, two_rows=rows == 2)
            if not crowded:
                break
        self.network_mob.set_weights(self.weights_at(self.snapshot), scale=self.weight_scale)

    def script(self) -> list[Beat]:
        meta, sizes = self.history.metadata, self.history.layer_sizes
        weights = self.network_mob.drawn_weights(self.weights_at(self.snapshot))
        positive = int((weights > 0).sum())
        when = "Before training" if self.snapshot == 0 else "After training"
        n_weights = sum(a * b for a, b in zip(sizes, sizes[1:]))
        n_biases = sum(sizes[1:])
        drawn = "drawn " if len(weights) < n_weights else ""
        negative = len(weights) - positive
        if positive == 0 or negative == 0:
            signs = (f"{when}, all {counted(len(weights), drawn + 'weight')} are "
                     f"{'positive, drawn blue' if negative == 0 else 'negative, drawn red'}.")
        else:
            signs = (f"{when}, {positive} of the {counted(len(weights), drawn + 'weight')} "
                     f"{'is' if positive == 1 else 'are'} positive, drawn blue, and {negative} "
                     f"{'is' if negative == 1 else 'are'} negative, drawn red.")
        signed = HIDDEN_ACTIVATIONS[meta["activation"]].signed
        return [
            Beat(f"This network has {len(sizes)} layers: {', '.join(map(str, sizes))} neurons, left to right.",
                 self.show_title),
            # A brief telling draws the layers and their labels while the sentence above is said.
            Beat("Each circle is a neuron. Information flows from left to right.", self.show_layers,
                 in_brief=Brief.WITH_PREVIOUS),
            Beat(self.roles_caption(), self.show_layer_labels, in_brief=Brief.WITH_PREVIOUS),
            Beat(signs, self.show_edges, brief=signs.replace(", drawn blue,", ", blue,").replace(" are negative, drawn red", " negative, red")),
            Beat(self.activation_caption(), self.show_activation, in_brief=Brief.WITH_PREVIOUS),
            Beat(f"Training tunes {n_weights + n_biases:,} numbers: {counted(n_weights, 'weight')} and "
                 f"{counted(n_biases, 'bias', 'biases')}.", self.show_parameter_count, in_brief=Brief.WITH_PREVIOUS),
            Beat("Thicker edges are larger weights, and a brighter neuron fires more strongly"
                 + ("; an amber one is negative." if signed else "."), self.show_legend),
        ]

    def roles_caption(self) -> str:
        hidden = len(self.history.layer_sizes) - 2
        if hidden == 0:
            return "The input layer takes the data, and the output layer answers."
        noun = "hidden layer transforms" if hidden == 1 else "hidden layers transform"
        return f"The input layer takes the data, the {noun} it, and the output layer answers."

    def activation_caption(self) -> str:
        meta, sizes = self.history.metadata, self.history.layer_sizes
        finish = {"sigmoid": "sigmoid turns the sum into a probability between 0 and 1",
                  "softmax": "softmax turns the sums into probabilities that add up to 1",
                  "identity": "the sum is the answer as it is"}[meta["output"]]
        if len(sizes) == 2:
            subject = "The output neuron" if sizes[-1] == 1 else "Each output neuron"
            return f"{subject} adds up its weighted inputs and a bias; {finish}."
        output = "the output neuron" if sizes[-1] == 1 else "the output neurons"
        return (f"Each hidden neuron adds up its weighted inputs and a bias, then applies {meta['activation']}; "
                f"{output} {'does' if sizes[-1] == 1 else 'do'} the same, but {finish}.")

    # -- layout -------------------------------------------------------------------

    def label_room(self, rows: int) -> float:
        """Height under the network for one or two rows of layer labels."""
        one = self._label("hidden layers", "8").height
        return LABEL_DROP + one + (rows - 1) * (0.15 + 0.35 + one) + 0.35 * (len(self.history.layer_sizes) > 3)

    def make_layer_labels(self, region: Region, two_rows: bool) -> tuple[VGroup, bool]:
        """Labels under the input, hidden and output columns; a brace spans two or more hidden layers.
        Returns them and whether any two crowd each other on one row."""
        net, sizes = self.network_mob, self.history.layer_sizes
        top = net.neurons.get_bottom()[1] - LABEL_DROP
        x = [net.layer_center(layer)[0] for layer in range(len(sizes))]
        ends = VGroup(self._label("input layer", f"{sizes[0]:,}").move_to([x[0], top, 0], UP),
                      self._label("output layer", f"{sizes[-1]:,}").move_to([x[-1], top, 0], UP))
        for label in ends:  # inside the region, whatever the column's position
            label.shift(RIGHT * max(0.0, region.left - label.get_left()[0]))
            label.shift(LEFT * max(0.0, label.get_right()[0] - region.right))
        labels = VGroup(*ends)
        if len(sizes) == 3:
            labels.add(self._label("hidden layer", f"{sizes[1]:,}").move_to([x[1], top, 0], UP))
        elif len(sizes) > 3:
            span = Line([x[1] - net.radius, 0, 0], [x[-2] + net.radius, 0, 0])
            brace = Brace(span, DOWN, buff=0.0, color=MUTED).move_to([(x[1] + x[-2]) / 2, top, 0], UP)
            text = self._label("hidden layers", short_sizes(sizes[1:-1])).next_to(brace, DOWN, buff=0.08)
            labels.add(VGroup(brace, text))
        if len(labels) == 3:
            hidden = labels[2]
            crowded = any(boxes_overlap(hidden, end, -GAP / 2) for end in ends)
            if crowded and two_rows:
                hidden.next_to(ends, DOWN, buff=0.15).set_x(hidden.get_x())
                return labels, False
            return labels, crowded
        return labels, boxes_overlap(ends[0], ends[1], -GAP / 2)

    def _label(self, name: str, size: str) -> VGroup:
        return VGroup(Label(name, font_size=22, color=LABEL), Label(size, font_size=20, color=MUTED)).arrange(DOWN, buff=0.08)

    def make_facts(self) -> VGroup:
        meta, sizes = self.history.metadata, self.history.layer_sizes
        n_weights = sum(a * b for a, b in zip(sizes, sizes[1:]))
        n_biases = sum(sizes[1:])
        facts = VGroup(
            Label(f"hidden activation: {meta['activation']}", font_size=24, color=LABEL),
            Formula(ACTIVATION_LOOKS[meta["activation"]].formula, font_size=28, color=LABEL),
            Label(f"{n_weights + n_biases:,} parameters", font_size=24, color=LABEL),
            Label(f"= {n_weights:,} weights + {n_biases:,} biases", font_size=20, color=MUTED),
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.18)
        facts[1].shift(RIGHT * 0.2)
        return facts

    def network_legend(self) -> VGroup:
        return NetworkMobject.legend(font_size=20, signed=HIDDEN_ACTIVATIONS[self.history.activation].signed)

    # -- beats ----------------------------------------------------------------------

    def show_title(self) -> None:
        self.play(Write(self.title), run_time=1.0)

    def show_layers(self) -> None:
        net = self.network_mob
        self.play(LaggedStart(*(LaggedStart(*(GrowFromCenter(c) for c in column), lag_ratio=0.1)
                                for column in net.neurons), lag_ratio=0.5, run_time=2.0),
                  FadeIn(net.ellipses), FadeIn(net.size_braces))

    def show_edges(self) -> None:
        net = self.network_mob
        self.play(LaggedStart(*(Create(group, lag_ratio=0.02) for group in net.edges), lag_ratio=0.6, run_time=2.5))
        self.bring_to_front(net.neurons)
        self.play(FadeIn(net.output_labels), run_time=0.5)

    def show_layer_labels(self) -> None:
        self.play(LaggedStart(*(FadeIn(label, shift=UP * 0.2) for label in self.layer_labels), lag_ratio=0.3,
                              run_time=1.5))

    def show_activation(self) -> None:
        self.play(LaggedStart(*(FadeIn(fact, shift=LEFT * 0.2) for fact in self.facts[:2]), lag_ratio=0.3,
                              run_time=1.2))

    def show_parameter_count(self) -> None:
        self.play(LaggedStart(*(FadeIn(fact, shift=LEFT * 0.2) for fact in self.facts[2:]), lag_ratio=0.3,
                              run_time=1.0))

    def show_legend(self) -> None:
        self.play(FadeIn(self.legend, shift=UP * 0.2), run_time=1.0)
