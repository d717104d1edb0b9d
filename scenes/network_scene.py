"""NetworkScene: the architecture, drawn with the colours of its real weights."""
from __future__ import annotations

from manim import (
    DOWN, LEFT, RIGHT, UP, Brace, Create, FadeIn, GrowFromCenter, LaggedStart, MathTypst, Text, VGroup, Write,
)

from scenes.common import HistoryScene
from scenes.narration import Beat
from scenes.style import ACTIVATION_LOOKS, LABEL, MUTED

RIGHT_COLUMN_X = 2.4

class NetworkScene(HistoryScene):
    """Layers appear left to right, edges draw in their weights' colours, then the labels and a legend.

    ``snapshot`` picks whose weights colour the edges: 0, the initial ones (default), or -1, the trained ones.
    """

    def __init__(self, history=None, snapshot: int = 0, **kwargs) -> None:
        super().__init__(history, **kwargs)
        self.snapshot = snapshot

    def prepare(self) -> None:
        self.network = self.make_network(width=6.2, height=4.8).shift(LEFT * 2.8 + DOWN * 0.1)
        self.network.set_weights(self.weights_at(self.snapshot), scale=self.weight_scale)
        sizes = self.history.layer_sizes
        self.title = Text(f"A {len(sizes)}-layer network: " + " → ".join(map(str, sizes)), font_size=34,
                          color=LABEL).to_edge(UP, buff=0.35)
        self.layer_labels = self.make_layer_labels()
        self.facts = self.make_facts()
        self.legend = self.network.legend(font_size=20, signed=self.history.metadata["activation"] == "tanh") \
            .next_to(self.facts, DOWN, buff=0.45, aligned_edge=LEFT)

    def script(self) -> list[Beat]:
        meta, sizes = self.history.metadata, self.history.layer_sizes
        weights = self.network.drawn_weights(self.weights_at(self.snapshot))
        positive = int((weights > 0).sum())
        when = "Before training" if self.snapshot == 0 else "After training"
        n_weights = sum(a * b for a, b in zip(sizes, sizes[1:]))
        n_biases = sum(sizes[1:])
        drawn = "drawn " if len(weights) < n_weights else ""
        return [
            Beat(f"This network has {len(sizes)} layers: {', '.join(map(str, sizes))} neurons, left to right.",
                 self.show_title),
            Beat("Each circle is a neuron. Information flows from left to right.", self.show_layers),
            Beat(f"{when}, {positive} of the {len(weights)} {drawn}weights are positive, drawn blue, "
                 f"and {len(weights) - positive} are negative, drawn red.", self.show_edges),
            Beat("The input layer takes the data, the hidden layers transform it, and the output layer answers.",
                 self.show_layer_labels),
            Beat(f"Every neuron adds up its weighted inputs and a bias, then applies {meta['activation']}.",
                 self.show_activation),
            Beat(f"Training tunes {n_weights + n_biases:,} numbers: {n_weights:,} weights and {n_biases:,} biases.",
                 self.show_parameter_count),
            Beat("Thicker edges are larger weights, and a brighter neuron fires more strongly.", self.show_legend),
        ]

    # -- layout -------------------------------------------------------------------

    def make_layer_labels(self) -> VGroup:
        net, sizes = self.network, self.history.layer_sizes
        bottom = net.neurons.get_bottom()[1] - 0.35
        labels = VGroup(self._label("input layer", sizes[0]).move_to([net.layer_center(0)[0], bottom, 0], UP),
                        self._label("output layer", sizes[-1]).move_to([net.layer_center(len(sizes) - 1)[0], bottom, 0], UP))
        if len(sizes) > 2:
            hidden = VGroup(*net.neurons[1:-1])
            brace = Brace(hidden, DOWN, buff=0.0, color=MUTED).move_to(
                [hidden.get_center()[0], bottom - 0.05, 0], UP)
            noun = "hidden layer" if len(sizes) == 3 else "hidden layers"
            text = self._label(noun, ", ".join(map(str, sizes[1:-1]))).next_to(brace, DOWN, buff=0.08)
            labels.add(VGroup(brace, text))
        return labels

    def _label(self, name: str, size) -> VGroup:
        return VGroup(Text(name, font_size=22, color=LABEL), Text(str(size), font_size=20, color=MUTED)).arrange(DOWN, buff=0.08)

    def make_facts(self) -> VGroup:
        meta, sizes = self.history.metadata, self.history.layer_sizes
        n_weights = sum(a * b for a, b in zip(sizes, sizes[1:]))
        n_biases = sum(sizes[1:])
        facts = VGroup(
            Text(f"hidden activation: {meta['activation']}", font_size=24, color=LABEL),
            MathTypst(ACTIVATION_LOOKS[meta["activation"]].formula, font_size=30, color=LABEL),
            Text(f"{n_weights + n_biases:,} parameters", font_size=24, color=LABEL),
            Text(f"= {n_weights:,} weights + {n_biases:,} biases", font_size=20, color=MUTED),
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.18)
        facts[1].shift(RIGHT * 0.2)
        return facts.move_to([RIGHT_COLUMN_X, 0, 0], LEFT).align_to(self.network.neurons, UP).shift(UP * 0.4)

    # -- beats ----------------------------------------------------------------------

    def show_title(self) -> None:
        self.play(Write(self.title), run_time=1.0)

    def show_layers(self) -> None:
        net = self.network
        self.play(LaggedStart(*(LaggedStart(*(GrowFromCenter(c) for c in column), lag_ratio=0.1)
                                for column in net.neurons), lag_ratio=0.5, run_time=2.0),
                  FadeIn(net.ellipses), FadeIn(net.size_braces))

    def show_edges(self) -> None:
        net = self.network
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
