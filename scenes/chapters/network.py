"""NetworkScene: the architecture, drawn with the colours of its real weights, each part shown as it is named.

Neurons grow column by column, the layers are counted as their sizes are said, the edges are drawn
and then counted by sign (each lit as the count passes it), the largest weights stand out while the
rest dim, and the neurons light to their activations for the example the story follows. Every
number is the run's: the weights of ``snapshot`` (the initial ones by default) and the probe's pass
through that network.
"""
from __future__ import annotations

import numpy as np
from manim import (
    DOWN, LEFT, RIGHT, UP, AnimationGroup, BackgroundRectangle, Brace, FadeIn, FadeOut, GrowFromCenter, Indicate,
    LaggedStart, Line, ShowPassingFlash, UpdateFromAlphaFunc, VGroup, Write,
)

from nnscratch.activations import HIDDEN_ACTIVATIONS
from scenes.chapters.base import HistoryScene
from scenes.mobjects.glyphs import Label
from scenes.mobjects.layout import GAP, Region, boxes_overlap, fit, fit_network, safe_area, short_sizes
from scenes.mobjects.readout import Readout
from scenes.mobjects.style import HIGHLIGHT, LABEL, MUTED, NEGATIVE, POSITIVE, neuron_colors
from scenes.narration.beats import Beat, Brief, counted
from scenes.narration.words import listed, number, short_name

LABEL_DROP = 0.3  # from the lowest neuron to the layer labels
SIDE_SHARE = 0.27  # of the width, for the counts beside the network
FONT = 26
COUNT_FONT = 34
THICKEST = 6.0  # the largest weight's stroke width: far wider than the faintest, at every resolution
DIMMED = 0.12  # the opacity of edges waiting to be counted, or not the ones talked about
STRONGEST_SHARE = 0.05  # of the drawn edges, the largest that stand out (at least 1, at most 12)
PLATE_GAP = 0.08  # between two activation plates beside neighbouring neurons
DIMMING_SHARE = 0.3  # of the first count, for the edges to dim as it begins


class NetworkScene(HistoryScene):
    """The network's parts named one by one on a large drawing of it, with its weights counted by sign.

    ``snapshot`` picks whose weights colour the edges: 0, the initial ones (default), or -1, the trained ones.
    """

    def __init__(self, history=None, snapshot: int = 0, **kwargs) -> None:
        super().__init__(history, **kwargs)
        self.snapshot = snapshot

    # -- layout -------------------------------------------------------------------------

    def prepare(self) -> None:
        area, sizes = safe_area(), self.history.layer_sizes
        self.title = fit(Label(f"A {len(sizes)}-layer network: {short_sizes(sizes)}", font_size=34, color=LABEL),
                         area.above(area.top - 0.6), UP)
        content = area.below(self.title.get_bottom()[1] - GAP)
        side = Region(content.right - SIDE_SHARE * content.width, content.right, content.bottom, content.top)
        region = content.left_of(side.left - 2 * GAP)
        for rows in (1, 2):  # a second row of labels only when the first would crowd
            self.network_mob = fit_network(self.named_network, region.above(region.bottom + self.label_room(rows)))
            self.layer_labels, crowded = self.make_layer_labels(region, two_rows=rows == 2)
            if not crowded:
                break
        net = self.network_mob
        self.flat = net.drawn_weights(self.weights_at(self.snapshot))
        # Widths relative to the largest weight drawn here (DESIGN: "relative to the largest abs(w)
        # shown"): initial weights are a fraction of the trained ones, and on the run's scale all thin.
        # Styled by the square of that share, as 3Blue1Brown styles by |w|^p: most edges faint, the large
        # ones standing out, so that "thicker is larger" can be seen (width still grows with |w|).
        self.scale = float(np.abs(self.flat).max()) or 1.0
        net.set_drawn_weights(np.sign(self.flat) * self.flat ** 2 / self.scale, scale=self.scale)
        self.full_rgbas, self.full_widths = net.edge_rgbas.copy(), net.edge_widths.copy()
        self.lines = [line for group in net.edges for line in group]
        self.edge_x = np.array([line.get_center()[0] for line in self.lines])
        self.activations = self.history.network_at(self.snapshot).trace(
            self.history.probe_input.astype(float)).a
        self.activations = [np.asarray(a)[0] for a in self.activations]
        self.make_side(side)
        self.strongest_plate = self.weight_plate(int(np.argmax(np.abs(self.flat))))
        self.activation_plates = self.make_activation_plates()

    def make_network(self, **layout):
        return super().make_network(max_edge_width=THICKEST, **layout)

    def make_side(self, side: Region) -> None:
        """The counts beside the network: the weights drawn, how many of them are positive and negative,
        and (told in full) the parameters training tunes. Built at the size it fits at, not shrunk to it:
        a readout places its digits at the size it was made."""
        scale = 1.0
        for _ in range(2):
            self.side = self.side_column(scale)
            scale *= min(1.0, side.width / self.side.width, side.height / self.side.height)
        fit(self.side, side, UP + LEFT)
        self.side.shift(DOWN * min(0.6, side.height - self.side.height))

    def side_column(self, scale: float) -> VGroup:
        n, font, count_font = len(self.flat), FONT * scale, COUNT_FONT * scale
        drawn = n < self.n_weights
        self.drawn_label = Label(f"{counted(n, 'drawn weight' if drawn else 'weight')}", font_size=font, color=LABEL)
        self.positive_count, self.negative_count = Readout(6, count_font, POSITIVE), Readout(6, count_font, NEGATIVE)
        rows = VGroup(*(VGroup(readout, Label(name, font_size=font, color=colour)).arrange(RIGHT, buff=0.2)
                        for readout, name, colour in ((self.positive_count, "positive", POSITIVE),
                                                      (self.negative_count, "negative", NEGATIVE))))
        rows.arrange(DOWN, aligned_edge=LEFT, buff=0.2)
        self.parameters = VGroup(
            Label(f"{self.n_weights + self.n_biases:,} parameters", font_size=font, color=LABEL),
            Label(f"= {counted(self.n_weights, 'weight')}", font_size=font, color=MUTED),
            Label(f"+ {counted(self.n_biases, 'bias', 'biases')}", font_size=font, color=MUTED),
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.12)
        return VGroup(VGroup(self.drawn_label, rows).arrange(DOWN, aligned_edge=LEFT, buff=0.25),
                      self.parameters).arrange(DOWN, aligned_edge=LEFT, buff=0.8)

    @property
    def n_weights(self) -> int:
        sizes = self.history.layer_sizes
        return sum(a * b for a, b in zip(sizes, sizes[1:]))

    @property
    def n_biases(self) -> int:
        return sum(self.history.layer_sizes[1:])

    def weight_plate(self, edge: int) -> VGroup:
        """The value of drawn edge ``edge`` on a dark plate at the edge's middle."""
        weight = float(self.flat[edge])
        label = Label(number(weight), font_size=24, color=POSITIVE if weight >= 0 else NEGATIVE)
        label.move_to(self.lines[edge].point_from_proportion(0.5))
        return VGroup(BackgroundRectangle(label, fill_opacity=0.85, buff=0.05), label)

    def make_activation_plates(self) -> VGroup:
        """The activations of the brightest and the dimmest drawn neuron of the first layer after the
        input (the output layer of a network without hidden ones), beside them: brighter, larger."""
        net, layer = self.network_mob, 1
        values = self.activations[layer][net.indices[layer]]
        # Of a signed activation with both signs drawn, the most positive (blue) and the most negative (amber).
        slots = (np.argmax(values), np.argmin(values)) if self.amber_shown() else \
            (np.argmax(np.abs(values)), np.argmin(np.abs(values)))
        plates = VGroup()
        for slot in dict.fromkeys(int(slot) for slot in slots):
            label = Label(number(float(values[slot])), font_size=22, color=LABEL)
            # Right of a hidden neuron; left of an output one, whose right is its name.
            side = LEFT if layer == len(net.neurons) - 1 else RIGHT
            label.next_to(net.neurons[layer][slot], side, buff=0.1)
            plates.add(VGroup(BackgroundRectangle(label, fill_opacity=0.85, buff=0.04), label))
        if len(plates) == 2:  # neighbours' plates would touch: each moves away from the other, just clear
            upper, lower = sorted(plates, key=lambda plate: -plate.get_y())
            overlap = lower.get_top()[1] + PLATE_GAP - upper.get_bottom()[1]
            if overlap > 0:
                upper.shift(UP * overlap / 2)
                lower.shift(DOWN * overlap / 2)
        return plates

    def amber_shown(self) -> bool:
        """Whether the first hidden layer's drawn neurons light amber too: a signed activation (tanh), and
        the followed example makes some of them negative."""
        if len(self.history.layer_sizes) < 3 or not HIDDEN_ACTIVATIONS[self.history.activation].signed:
            return False
        values = self.activations[1][self.network_mob.indices[1]]
        return bool((values < 0).any() and (values > 0).any())

    def label_room(self, rows: int) -> float:
        """Height under the network for one or two rows of layer labels."""
        one = self._label("hidden layers", "8").height
        return LABEL_DROP + one + (rows - 1) * (0.15 + 0.35 + one) + 0.35 * (len(self.history.layer_sizes) > 3)

    def make_layer_labels(self, region: Region, two_rows: bool) -> tuple[VGroup, bool]:
        """Labels under the input, hidden and output columns (a name over a size); a brace spans two or
        more hidden layers. Returns them and whether any two crowd each other on one row."""
        net, sizes = self.network_mob, self.history.layer_sizes
        top = net.neurons.get_bottom()[1] - LABEL_DROP
        x = [net.layer_center(layer)[0] for layer in range(len(sizes))]
        ends = VGroup(self._label("input layer", f"{sizes[0]:,}").move_to([x[0], top, 0], UP),
                      self._label("output layer", f"{sizes[-1]:,}").move_to([x[-1], top, 0], UP))
        for label in ends:  # inside the region, whatever the column's position
            label.shift(RIGHT * max(0.0, region.left - label.get_left()[0]))
            label.shift(LEFT * max(0.0, label.get_right()[0] - region.right))
        labels = VGroup(*ends)
        self.hidden_brace = VGroup()
        if len(sizes) == 3:
            labels.add(self._label("hidden layer", f"{sizes[1]:,}").move_to([x[1], top, 0], UP))
        elif len(sizes) > 3:
            span = Line([x[1] - net.radius, 0, 0], [x[-2] + net.radius, 0, 0])
            self.hidden_brace = Brace(span, DOWN, buff=0.0, color=MUTED).move_to([(x[1] + x[-2]) / 2, top, 0], UP)
            labels.add(self._label("hidden layers", short_sizes(sizes[1:-1])).next_to(self.hidden_brace, DOWN,
                                                                                       buff=0.08))
        if len(labels) == 3:
            hidden = labels[2]
            crowded = any(boxes_overlap(VGroup(hidden, self.hidden_brace), end, -GAP / 2) for end in ends)
            if crowded and two_rows:
                group = VGroup(self.hidden_brace, hidden)  # the brace over its text, both under the ends
                group.shift(group.copy().next_to(ends, DOWN, buff=0.15).set_x(group.get_x()).get_center() -
                            group.get_center())
                return labels, False
            return labels, crowded
        return labels, boxes_overlap(ends[0], ends[1], -GAP / 2)

    def _label(self, name: str, size: str) -> VGroup:
        return VGroup(Label(name, font_size=22, color=LABEL), Label(size, font_size=22, color=LABEL)).arrange(
            DOWN, buff=0.08)

    # -- what is said -------------------------------------------------------------------

    def script(self) -> list[Beat]:
        sizes = self.history.layer_sizes
        positive = int((self.flat > 0).sum())
        negative = int((self.flat < 0).sum())
        n, drawn = len(self.flat), "drawn " if len(self.flat) < self.n_weights else ""
        when = "Before training the weights are random" if self.snapshot == 0 else "These are the trained weights"
        if positive == 0 or negative == 0:
            signs = (f"all {counted(n, drawn + 'weight')} are "
                     f"{'positive, drawn blue' if negative == 0 else 'negative, drawn red'}")
            brief_signs = f"{signs[0].upper()}{signs[1:]}."
        else:
            of = f"of the {n:,} drawn" if drawn else f"of the {n:,}"
            signs = f"{positive:,} {of} are positive and {negative:,} negative"
            brief_signs = f"{positive:,} {of} are positive, {negative:,} negative."

        largest = float(self.flat[int(np.argmax(np.abs(self.flat)))])
        listed = ", ".join(f"{size:,}" for size in sizes)
        return [
            Beat("Each circle is a neuron, which holds one number.", self.show_neurons, in_brief=Brief.WITH_NEXT),
            Beat(f"A column of neurons is a layer; this network has {len(sizes)}: {listed} neurons.",
                 self.show_layers, brief=f"Circles are neurons; columns are layers: {listed}."),
            Beat(self.roles_caption(), self.show_roles, in_brief=Brief.WITH_PREVIOUS),
            # Briefly in a sentence of its own too: the counts start as their own sentence does, and each
            # number stands on screen as it is said.
            Beat("Each edge joins two neurons and carries a weight: blue if positive, red if negative.",
                 self.show_edges, brief="Edges carry weights: blue if positive, red if negative."),
            Beat(f"{when}: {signs}.", self.show_counts, brief=brief_signs),
            Beat(f"Thicker edges are larger weights: the largest drawn here is {number(largest)}.",
                 self.show_strongest, brief="Thicker edges, larger weights; brighter neurons, larger "
                                            + ("activations; amber ones, negative." if self.amber_shown() else
                                               "activations: they fire more strongly.")),
            Beat("A neuron's activation is how strongly it fires: the brighter it is drawn, the larger"
                 + (f"; {self.history.activation}'s can be negative too, drawn amber." if self.amber_shown()
                    else "."), self.show_activations, in_brief=Brief.WITH_PREVIOUS),
            Beat(f"Training tunes {self.n_weights + self.n_biases:,} numbers: "
                 f"{counted(self.n_weights, 'weight')} and {counted(self.n_biases, 'bias', 'biases')}, one per "
                 "neuron past the input layer.", self.show_parameters, in_brief=Brief.LEFT_OUT),
        ]

    def named_network(self, **layout):
        """The network, its input neurons named by the data's own features when it names them (a table's
        columns, shortened to fit)."""
        names = self.history.feature_names
        return self.make_network(**({"input_labels": [short_name(name) for name in names]} if names else {}),
                                 **layout)

    def roles_caption(self) -> str:
        h = self.history
        if h.feature_names:
            hidden = len(h.layer_sizes) - 2
            transform = "" if hidden == 0 else \
                f" the {'hidden layer transforms' if hidden == 1 else 'hidden layers transform'} them,"
            answer = (f"the output neuron predicts {h.target_name}" if h.regression else
                      f"the output layer answers {listed(h.class_names).replace(' and ', ' or ')}")
            return f"The input layer takes {listed(h.feature_names)};{transform} and {answer}."
        hidden = len(self.history.layer_sizes) - 2
        if hidden == 0:
            return "The input layer takes the data, and the output layer answers."
        noun = "hidden layer transforms" if hidden == 1 else "hidden layers transform"
        return f"The input layer takes the data, the {noun} it, and the output layer answers."

    def share(self, brief: float) -> float:
        """Of the beat left, the share an animation takes: all of it told in full, where each show has
        its own sentence, or ``brief`` where a brief telling plays several shows under one."""
        return brief if self.brief else 1.0

    # -- beats --------------------------------------------------------------------------

    def show_neurons(self) -> None:
        net = self.network_mob
        self.play(LaggedStart(*(LaggedStart(*(GrowFromCenter(c) for c in column), lag_ratio=0.1)
                                for column in net.neurons), lag_ratio=0.4),
                  FadeIn(net.ellipses), run_time=self.paced(1.0, self.share(0.3)))

    def show_layers(self) -> None:
        """Each column counted as its size is written, the title's sum of them with it."""
        net = self.network_mob
        sizes = [label[1] for label in self.layer_labels]  # each label is a name over a size
        columns = [net.neurons[0], net.neurons[-1]] + ([VGroup(*net.neurons[1:-1])] if len(sizes) == 3 else [])
        self.play(Write(self.title), LaggedStart(*(AnimationGroup(Write(size), Indicate(column, scale_factor=1.1, color=HIGHLIGHT))
                                for size, column in sorted(zip(sizes, columns), key=lambda pair: pair[1].get_x())),
                              lag_ratio=0.6),
                  FadeIn(net.size_braces), *([GrowFromCenter(self.hidden_brace)] if len(self.hidden_brace) else []),
                  run_time=self.paced(1.5, self.share(0.5)))

    def show_roles(self) -> None:
        """Each layer's role named under it, left to right, as its neurons are pointed at."""
        net = self.network_mob
        columns = [net.neurons[0], net.neurons[-1]] + ([VGroup(*net.neurons[1:-1])] if len(self.layer_labels) == 3
                                                         else [])
        roles = sorted(zip((label[0] for label in self.layer_labels), columns), key=lambda pair: pair[1].get_x())
        self.play(LaggedStart(*(AnimationGroup(FadeIn(name, shift=UP * 0.15),
                                               Indicate(column, scale_factor=1.1, color=HIGHLIGHT))
                                for name, column in roles), lag_ratio=0.7),
                  FadeIn(net.output_labels, lag_ratio=0.1), FadeIn(net.input_labels, lag_ratio=0.1),
                  run_time=self.paced(1.0))

    def show_edges(self) -> None:
        """The edges appearing layer by layer, left to right, in their weights' colours and widths. From
        here on the network paints itself from its arrays (``use_fast_drawing``): hundreds of edges change
        at every frame, and the neurons are painted over them in the same pass."""
        net = self.network_mob
        circles = [circle for column in net.neurons for circle in column]
        net.use_fast_drawing()
        self.remove(*circles)
        self.add(net.canvas)
        # The front passes the edges in order from left to right at an even count a second: a layer of
        # few faint edges (into one output) takes its share of the time, not a stretch that looks still.
        rank = np.argsort(np.argsort(self.edge_x, kind="stable"), kind="stable")
        across = rank / max(len(rank) - 1, 1)
        seconds = self.paced(2.0)
        # Each edge fades in over a quarter second as the front passes it, whatever the sentence's length:
        # faint edges fading over a second looked still, at 60 frames a second most of all.
        soft = min(0.15, 0.25 / seconds)

        def reveal(_, alpha: float) -> None:
            rgbas = self.full_rgbas.copy()
            rgbas[:, 3] *= np.clip((alpha * (1 + soft) - across) / soft, 0.0, 1.0)
            net.set_edge_styles(rgbas, self.full_widths)

        reveal(None, 0.0)
        self.play(UpdateFromAlphaFunc(net.canvas, reveal), run_time=seconds)

    def show_counts(self) -> None:
        """The edges dim; the positive ones light up in a sweep from left to right as they are counted,
        then the negative ones."""
        dim = self.full_rgbas.copy()
        dim[:, 3] *= DIMMED
        for readout in (self.positive_count, self.negative_count):
            readout.set_text("0")
        sentence = self.beat_seconds()
        # The positives counted as their number is said, at the sentence's start (the edges dimming as
        # they begin); the negatives until theirs is said, about two thirds in; then both flash.
        lit = dim.copy()
        for sign, readout, seconds in ((1, self.positive_count, 0.8),
                                       (-1, self.negative_count, max(1.0, 0.65 * sentence - 0.8))):
            chosen = np.flatnonzero(np.sign(self.flat) == sign)
            order = chosen[np.argsort(self.edge_x[chosen], kind="stable")]
            first = [Write(self.drawn_label), FadeIn(VGroup(*self.side[0][1]))] if sign > 0 else []
            self.play(*first, self.count_in(order, lit, readout, self.full_rgbas if sign > 0 else None),
                      run_time=seconds)
            lit[order] = self.full_rgbas[order]
        self.play(Indicate(self.positive_count, color=HIGHLIGHT, scale_factor=1.15),
                  Indicate(self.negative_count, color=HIGHLIGHT, scale_factor=1.15), run_time=self.paced(0.6))

    def count_in(self, order: np.ndarray, lit: np.ndarray, readout: Readout,
                 dimmed_from: np.ndarray | None = None) -> UpdateFromAlphaFunc:
        """The edges ``order`` lighting to their own colour one after another, ``readout`` counting them;
        with ``dimmed_from``, the others dimming from those colours to ``lit``'s as the count begins."""
        net, start = self.network_mob, lit.copy()

        def step(_, alpha: float) -> None:
            k = int(round(alpha * len(order)))
            rgbas = start.copy()
            if dimmed_from is not None:
                rgbas += (dimmed_from - start) * (1 - min(1.0, alpha / DIMMING_SHARE))
            rgbas[order[:k]] = self.full_rgbas[order[:k]]
            net.set_edge_styles(rgbas, self.full_widths)
            readout.set_text(f"{k:,}")

        return UpdateFromAlphaFunc(net.canvas, step)

    def light(self, layer: int) -> UpdateFromAlphaFunc:
        """The neurons of ``layer`` brightening to the followed example's activations."""
        net = self.network_mob
        first = sum(len(column) for column in net.neurons[:layer])
        where = slice(first, first + len(net.neurons[layer]))
        values = np.asarray(self.activations[layer], dtype=float)[net.indices[layer]]
        end = neuron_colors(net.level_functions[layer](values))
        start = net.neuron_rgbs[where].copy()

        def step(_, alpha: float) -> None:
            net.neuron_rgbs[where] = start + alpha * (end - start)

        return UpdateFromAlphaFunc(net.canvas, step)

    def sweep_edges(self, layer: int | None = None) -> UpdateFromAlphaFunc:
        """A bright front passing over the edges (of ``layer``'s group only, if given), left to right,
        each edge wider and lighter as it passes: the signal flowing on."""
        net = self.network_mob
        across = self.across()
        if layer is not None:
            bounds = np.cumsum([0] + [len(group) for group in net.edges])
            inside = np.zeros(len(across), dtype=bool)
            inside[bounds[layer]:bounds[layer + 1]] = True
            span = self.edge_x[inside]
            across = np.where(inside, (self.edge_x - span.min()) / ((span.max() - span.min()) or 1.0), -10.0)
        light = self.full_rgbas.copy()
        light[:, :3] = 0.45 * light[:, :3] + 0.55
        light[:, 3] = 1.0

        def step(_, alpha: float) -> None:
            near = np.clip(1 - np.abs(across - alpha * 1.3 + 0.15) / 0.15, 0.0, 1.0)[:, None]
            net.set_edge_styles(self.full_rgbas + near * (light - self.full_rgbas),
                                self.full_widths + 2.5 * near[:, 0])

        return UpdateFromAlphaFunc(net.canvas, step)

    def across(self) -> np.ndarray:
        """Each drawn edge's place from the network's left (0) to its right (1), by its middle."""
        span = self.edge_x.max() - self.edge_x.min() or 1.0
        return (self.edge_x - self.edge_x.min()) / span

    def edges_to(self, start: np.ndarray, end: np.ndarray) -> UpdateFromAlphaFunc:
        """The edges' colours going from ``start`` to ``end`` (RGBA rows), their widths held."""
        net = self.network_mob
        return UpdateFromAlphaFunc(net.canvas, lambda _, alpha: net.set_edge_styles(start + alpha * (end - start),
                                                                                   self.full_widths))

    def show_strongest(self) -> None:
        """All but the largest weights dim; those flash, and the largest's value is written on it."""
        count = int(np.clip(round(STRONGEST_SHARE * len(self.flat)), 1, 12))
        strongest = np.argsort(-np.abs(self.flat), kind="stable")[:count]
        focus = self.full_rgbas.copy()
        others = np.ones(len(focus), dtype=bool)
        others[strongest] = False
        focus[others, 3] *= 0.25
        flashes = [ShowPassingFlash(self.lines[i].copy().set_stroke(HIGHLIGHT, width=self.full_widths[i] + 3,
                                                                    opacity=1), time_width=0.6)
                   for i in strongest]
        self.play(self.edges_to(self.full_rgbas, focus), run_time=0.6)
        # Told briefly, the activations' sentence follows in the same breath: the neurons light as it is said.
        self.play(AnimationGroup(*flashes), FadeIn(self.strongest_plate, scale=0.8),
                  run_time=self.ending_as_said(self.paced(1.2, self.share(0.45)), "brighter neurons", least=0.8))

    def show_activations(self) -> None:
        """The edges back as they are; the neurons light to the followed example's activations, layer by
        layer, a pulse along the edges into each; the brightest and dimmest first-layer values written."""
        net = self.network_mob
        self.play(self.edges_to(net.edge_rgbas.copy(), self.full_rgbas), FadeOut(self.strongest_plate),
                  run_time=self.ending_as_said(0.5, "brighter neurons", least=0.3))
        layers = len(self.history.layer_sizes)
        each = max(0.4, (self.paced(0.4 * layers + 0.6) - 0.6) / layers)
        for layer in range(layers):
            pulse = [self.sweep_edges(layer - 1)] if layer else []
            # The plates' layer writes its values as it lights, so they stand while the later layers light.
            plates = [LaggedStart(*(FadeIn(plate, shift=0.1 * LEFT) for plate in self.activation_plates),
                                  lag_ratio=0.4, group=self.activation_plates)] if layer == 1 else []
            self.play(self.light(layer), *pulse, *plates, run_time=each)

    def show_parameters(self) -> None:
        """The count of what training tunes: a bright front passing over every edge with the weights, a
        ring around every neuron past the input layer with the biases."""
        net = self.network_mob
        seconds = self.paced(2.4)
        self.play(Write(self.parameters[0]), run_time=0.6)
        self.play(FadeIn(self.parameters[1], shift=0.1 * LEFT), self.sweep_edges(), run_time=(seconds - 0.6) / 2)
        rings = [ShowPassingFlash(circle.copy().set_fill(opacity=0).set_stroke(HIGHLIGHT, width=4), time_width=0.5)
                 for column in net.neurons[1:] for circle in column]
        self.play(FadeIn(self.parameters[2], shift=0.1 * LEFT), *rings, run_time=(seconds - 0.6) / 2)
