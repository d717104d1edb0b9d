"""NetworkScene: the architecture, drawn with the colours of its real weights."""
from __future__ import annotations

from manim import (
    DOWN, LEFT, RIGHT, UP, Brace, Create, FadeIn, GrowFromCenter, LaggedStart, MathTypst, Text, VGroup, Write,
)

from scenes.common import HistoryScene
from scenes.style import LABEL, MUTED

RIGHT_COLUMN_X = 2.4

ACTIVATION_FORMULAS = {
    "sigmoid": "sigma(z) = 1 / (1 + e^(-z))",
    "relu": "op(\"relu\")(z) = max(0, z)",
    "tanh": "tanh(z) = (e^z - e^(-z)) / (e^z + e^(-z))",
    "leaky_relu": "op(\"leaky\")(z) = max(0.01 z, z)",
}


class NetworkScene(HistoryScene):
    """Layers appear left to right, edges draw in their weights' colours, then the labels and a legend.

    ``snapshot`` picks whose weights colour the edges: 0, the initial ones (default), or -1, the trained ones.
    """

    def __init__(self, history=None, snapshot: int = 0, **kwargs) -> None:
        super().__init__(history, **kwargs)
        self.snapshot = snapshot

    def construct(self) -> None:
        self.network = self.make_network(width=6.2, height=4.8).shift(LEFT * 2.8 + DOWN * 0.1)
        self.network.set_weights(self.weights_at(self.snapshot))
        self.show_title()
        self.show_layers()
        self.show_edges()
        self.show_layer_labels()
        self.show_facts()
        self.show_legend()
        self.wait(2.5)

    def show_title(self) -> None:
        sizes = self.history.layer_sizes
        self.title = Text(f"A {len(sizes)}-layer network: " + " → ".join(map(str, sizes)), font_size=34,
                          color=LABEL).to_edge(UP, buff=0.35)
        self.narrate(f"This network has {len(sizes)} layers of {', '.join(map(str, sizes))} neurons.")
        self.play(Write(self.title), run_time=1.0)

    def show_layers(self) -> None:
        net = self.network
        self.narrate("Each circle is a neuron; information flows from left to right.")
        self.play(LaggedStart(*(LaggedStart(*(GrowFromCenter(c) for c in column), lag_ratio=0.1)
                                for column in net.neurons), lag_ratio=0.5, run_time=2.0),
                  FadeIn(net.ellipses), FadeIn(net.size_braces))

    def show_edges(self) -> None:
        net = self.network
        weights = net.drawn_weights(self.weights_at(self.snapshot))
        positive = int((weights > 0).sum())
        when = "Before training" if self.snapshot == 0 else "After training"
        self.narrate(f"{when}, {positive} of the {len(weights)} drawn weights are positive (blue) "
                     f"and {len(weights) - positive} negative (red).")
        self.play(LaggedStart(*(Create(group, lag_ratio=0.02) for group in net.edges), lag_ratio=0.6, run_time=2.5))
        self.bring_to_front(net.neurons)
        self.play(FadeIn(net.output_labels), run_time=0.5)

    def show_layer_labels(self) -> None:
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
        self.layer_labels = labels
        self.narrate("The input layer takes the data, the hidden layers transform it, the output layer answers.")
        self.play(LaggedStart(*(FadeIn(label, shift=UP * 0.2) for label in labels), lag_ratio=0.3, run_time=1.5))
        self.wait(0.5)

    def _label(self, name: str, size) -> VGroup:
        return VGroup(Text(name, font_size=22, color=LABEL), Text(str(size), font_size=20, color=MUTED)).arrange(DOWN, buff=0.08)

    def show_facts(self) -> None:
        meta, sizes = self.history.metadata, self.history.layer_sizes
        n_weights = sum(a * b for a, b in zip(sizes, sizes[1:]))
        n_biases = sum(sizes[1:])
        formula = MathTypst(ACTIVATION_FORMULAS[meta["activation"]], font_size=30, color=LABEL)
        facts = VGroup(
            Text(f"hidden activation: {meta['activation']}", font_size=24, color=LABEL),
            formula,
            Text(f"{n_weights + n_biases:,} parameters", font_size=24, color=LABEL),
            Text(f"= {n_weights:,} weights + {n_biases:,} biases", font_size=20, color=MUTED),
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.18)
        facts[1].shift(RIGHT * 0.2)
        facts.move_to([RIGHT_COLUMN_X, 0, 0], LEFT).align_to(self.network.neurons, UP).shift(UP * 0.4)
        self.facts = facts
        self.narrate(f"Every neuron applies {meta['activation']} to a weighted sum; "
                     f"the network learns {n_weights + n_biases:,} numbers: {n_weights:,} weights and {n_biases:,} biases.")
        self.play(LaggedStart(*(FadeIn(f, shift=LEFT * 0.2) for f in facts), lag_ratio=0.3, run_time=2.0))
        self.wait(1.0)

    def show_legend(self) -> None:
        legend = self.network.legend(font_size=20)
        legend.next_to(self.facts, DOWN, buff=0.45, aligned_edge=LEFT)
        self.narrate("Blue edges are positive weights, red negative; thicker means larger. "
                     "A brighter neuron is firing more strongly.")
        self.play(FadeIn(legend, shift=UP * 0.2), run_time=1.0)
        self.wait(1.0)
