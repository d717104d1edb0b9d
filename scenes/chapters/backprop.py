"""BackpropScene: how one training example tells every weight which way to move, told as 3Blue1Brown
tells it, with the run's real numbers.

One example's cost; the nudge it wishes on every output, sized by its value; the three ways an output
can move; the wishes of all the outputs adding up at one hidden neuron; one chain lifted out of the
network and the chain rule written along it, each factor lit where it comes from; the same backwards
through every layer; many examples' wishes averaged into the whole set's gradient; and the step.

Every number on screen is a value of ``nnscratch.backprop`` for the example at the chosen snapshot
(``explain_example``, ``wish_terms``, ``example_gradients``) or of the recorded run: the whole set's
gradient, the learning rate, and the weights one snapshot later.
"""
from __future__ import annotations

import math

import numpy as np
from manim import (
    DOWN, LEFT, RIGHT, UP, WHITE, Animation, AnimationGroup, Arrow, Circle, Create, FadeIn, FadeOut, GrowArrow,
    GrowFromEdge, Indicate, LaggedStart, Line, ManimColor, Mobject, ShowPassingFlash, SurroundingRectangle,
    Transform, TransformFromCopy, UpdateFromAlphaFunc, VGroup, VMobject, Write, interpolate_color,
)

from nnscratch.backprop import example_gradients, explain_example, wish_terms
from nnscratch.verdict import distinct
from scenes.chapters.base import HistoryScene, after_gone, followed_step, gone_first, output_names
from scenes.mobjects.cost_curve import CostCurve
from scenes.mobjects.glyphs import Formula, Label
from scenes.mobjects.layout import GAP, Region, fit, fit_network, safe_area
from scenes.mobjects.output_bars import MAX_BARS, OutputBars
from scenes.mobjects.pixel_image import PixelImage
from scenes.mobjects.readout import Readout
from scenes.mobjects.style import (
    ACTIVATION_LOOKS, GRADIENT_NEGATIVE, GRADIENT_PALETTE, GRADIENT_POSITIVE, HIDDEN_RIM, HIGHLIGHT, LABEL, MUTED,
    WEIGHT_PALETTE, neuron_colors,
)
from scenes.narration.beats import Beat, Brief
from scenes.narration.words import fixed, number, rate_code, said

COLUMN_WIDTH = 6.3  # the right column: the cost, then one panel at a time (wishes, three ways, sum, chain, ...)
COLUMN_GAP = 0.45  # between the network's wishes and the column
GUTTER = 0.45  # right of the output labels: each output's wish, small, once the lifted outputs are back
OUTPUT_ROWS = 5  # the lifted outputs stand in columns of at most this many
LEGIBLE_FONT = 33  # the formulas and the lines of numbers worked out: digits 14 px tall at 480p
FORMULA_FONT = LEGIBLE_FONT
VALUE_FONT = 22  # the values beside arrows and under nodes: said numbers, so at least 20
RING = 1.45  # a ring around a neuron, in neuron radii
FADED = 0.12  # the opacity left to the edges a sentence is not about
FLASHED_EDGES = 40  # pulses into a layer as the example passes forward
EXAMPLES_LISTED = 4  # examples shown one by one before the running average takes the rest
EDGES_Z, OVER_EDGES = 0.1, 0.5  # the painted edges' z_index, and that of what is drawn over them (neurons: 1)
UP_COLOR, DOWN_COLOR = GRADIENT_NEGATIVE, GRADIENT_POSITIVE  # a wish to rise is green, to fall magenta, as edges


def factor(text: str) -> str:
    """A number as a factor of a product, in parentheses when negative: 2 · (−3)."""
    return f"({text})" if text.startswith("-") else text


def nudge(start: np.ndarray, value: float, unit: float, shortest: float = 0.1, width: float = 5.0) -> Arrow:
    """A wish drawn as 3Blue1Brown draws it: an arrow from ``start``, up for a positive value, down for a
    negative one, ``unit`` scene units long per unit of value (never shorter than ``shortest``, so a
    tiny wish is still seen to be there), green up and magenta down."""
    length = max(shortest, unit * abs(value))
    direction = UP if value >= 0 else DOWN
    return Arrow(start, start + direction * length, buff=0, stroke_width=width, tip_length=min(0.16, 0.5 * length),
                 max_tip_length_to_length_ratio=0.5, max_stroke_width_to_length_ratio=60,
                 color=UP_COLOR if value >= 0 else DOWN_COLOR)


def centred_nudge(centre: np.ndarray, value: float, unit: float, shortest: float = 0.1) -> Arrow:
    """``nudge`` with its middle at ``centre``: beside a neuron, within its slot."""
    length = max(shortest, unit * abs(value))
    return nudge(centre - (UP if value >= 0 else DOWN) * length / 2, value, unit, shortest)


def _flat(animations) -> list[Animation]:
    """The animations of a play, those inside groups included."""
    found = []
    for animation in animations:
        found.append(animation)
        if isinstance(animation, AnimationGroup):
            found += _flat(animation.animations)
    return found


def _box(mobject: Mobject, pad: float = 0.2) -> tuple[float, float, float, float] | None:
    """``mobject``'s extent (left, right, bottom, top), padded for what grows as it is pointed at; None
    for a mobject with no points."""
    drawn = [part.points for part in mobject.family_members_with_points()]
    if not drawn:
        return None
    points = np.concatenate(drawn)
    low, high = points.min(axis=0), points.max(axis=0)
    return low[0] - pad, high[0] + pad, low[1] - pad, high[1] + pad


def _own_box(mobject: Mobject) -> tuple[float, float, float, float]:
    """The extent of ``mobject``'s own points, its parts left out."""
    low, high = mobject.points.min(axis=0), mobject.points.max(axis=0)
    return low[0], high[0], low[1], high[1]


def _overlap(a, b) -> bool:
    return a[0] < b[1] and b[0] < a[1] and a[2] < b[3] and b[2] < a[3]


class LiftedOutputs(VGroup):
    """The output layer drawn large beside the network: ``circles`` (one per drawn output), their
    ``names``, the ``arrows`` of their wishes and the ``values`` those arrows stand for."""

    def __init__(self, circles: VGroup, names: VGroup, arrows: VGroup, values: VGroup, **kwargs) -> None:
        super().__init__(**kwargs)
        self.circles, self.names, self.arrows, self.values = circles, names, arrows, values
        self.add(circles, names, arrows, values)


class BackpropScene(HistoryScene):
    """One example's cost, the nudges it wishes at the output, the three ways to make them, the wishes
    summed at one hidden neuron, one chain and the chain rule along it, every layer backwards, then the
    whole set's gradient as the average of every example's, and the step.

    ``sample`` picks the training example (default: the run's probe), ``epoch`` the snapshot
    (the nearest recorded one; default: early in training, where the gradients are large).
    """

    def __init__(self, history=None, sample: int | None = None, epoch: int | None = None, **kwargs) -> None:
        super().__init__(history, **kwargs)
        h = self.history
        self.snapshot, self.sample = followed_step(h, epoch, sample)
        self.epoch = int(h.snapshot_epochs[self.snapshot])
        self.next_epoch = int(h.snapshot_epochs[self.snapshot + 1])
        self.network = h.network_at(self.snapshot)
        x, y = h.X_train[self.sample].astype(float), h.y_train[self.sample].astype(float)
        self.example = explain_example(self.network, x, y)
        self.after = explain_example(h.network_at(self.snapshot + 1), x, y)
        self.batch = [g[self.snapshot].astype(float) for g in h.weight_grads]
        self.output = len(h.layer_sizes) - 1
        # The output neuron whose error is largest: the one whose three ways are shown.
        self.focus = int(np.argmax(np.abs(self.example.deltas[self.output])))
        self.hidden = self.output - 1 if self.output > 1 else None  # the hidden layer whose neuron sums wishes

    # -- drawing ----------------------------------------------------------------------

    def get_moving_mobjects(self, *animations: Animation) -> list[Mobject]:
        """What a play redraws at every frame: Manim's list (everything drawn after the first thing that
        moves), less what lies clear of all that moves. The network and the column never overlap, so a
        formula written in the column does not repaint the network's edges, nor do the edges recolouring
        repaint every glyph of the column; what a mover passes over keeps its place above it."""
        moving = super().get_moving_mobjects(*animations)
        movers: list[Mobject] = []
        for animation in _flat(animations):
            movers += [animation.mobject] + [getattr(animation, name) for name in ("target_mobject", "starting_mobject")
                                             if isinstance(getattr(animation, name, None), Mobject)]
        boxes = [box for box in (_box(mobject) for mobject in movers) if box is not None]
        animated = {part for animation in _flat(animations) for part in animation.mobject.get_family()}
        # A group draws nothing of its own: its parts are in the list, each kept or left on its own merit.
        return [mobject for mobject in moving if mobject in animated or mobject.updaters
                or (len(mobject.points) and any(_overlap(_own_box(mobject), box) for box in boxes))]

    # -- the numbers ------------------------------------------------------------------

    def output_wishes(self) -> np.ndarray:
        """Which way, and how hard, each output would move to lower the cost: against ∂C/∂a, or for a
        softmax against ∂C/∂z = a − y. A softmax's cost, −ln a_y, depends on the right class's output
        alone, so ∂C/∂a is 0 for every other: they go down only through z, by their probabilities."""
        if self.softmax:
            return -self.example.deltas[self.output]
        return -self.example.wants[self.output]

    @property
    def softmax(self) -> bool:
        return self.history.output_activation == "softmax"

    def chain_weight(self, layer: int) -> tuple[int, int]:
        """The drawn weight into ``layer`` with the largest gradient for this example: its (row, column) in W."""
        rows, cols = self.network_mob.indices[layer], self.network_mob.indices[layer - 1]
        gradient = np.abs(self.example.gradients.weights[layer - 1][np.ix_(rows, cols)])
        row, col = divmod(int(np.argmax(gradient)), len(cols))
        return int(rows[row]), int(cols[col])

    def followed_weight(self) -> tuple[int, int, int]:
        """The weight the chain rule, the average and the step are about: (layer, row, column). With a
        hidden layer, the chain's into the last one; with none, the focus output's strongest."""
        if self.hidden is not None:
            return (self.hidden, *self.chain_weight(self.hidden))
        cols = self.network_mob.indices[0]
        gradient = np.abs(self.example.gradients.weights[0][self.focus, cols])
        return 1, self.focus, int(cols[int(np.argmax(gradient))])

    def penalized(self) -> bool:
        meta = self.history.metadata
        return bool(meta["l1"] or meta["l2"])

    def penalty_words(self) -> str:
        """The penalty's gradient as a formula in words: l1·sign(w), l2·w, or both."""
        meta = self.history.metadata
        return " + ".join(term for term, strength in (("l1·sign(w)", meta["l1"]), ("l2·w", meta["l2"])) if strength)

    def penalty_code(self) -> str:
        meta = self.history.metadata
        return " + ".join(term for term, strength in (('l_1 "sign"(w)', meta["l1"]), ("l_2 w", meta["l2"]))
                          if strength)

    def plain_steps(self) -> bool:
        """Whether the run stepped as w ← w − η ∂C/∂w on the whole set's gradient, once an epoch."""
        h = self.history
        return h.optimizer == "sgd" and h.batch_size is None and not h.dropout

    # -- layout -----------------------------------------------------------------------

    def prepare(self) -> None:
        h, area = self.history, safe_area()
        self.title = Label("Backpropagation", font_size=38, color=LABEL)
        fit(self.title, area.above(area.top - self.title.height), UP + LEFT)
        under_title = self.title.get_bottom()[1] - 0.15
        # What the colours show, named under the title: this example, then the whole set, then the step's result.
        self.subtitles = {key: self.subtitle_label(text, under_title) for key, text in (
            ("example", f"training sample {self.sample} at epoch {self.epoch:,}"),
            ("all", f"all {len(h.X_train):,} training samples at epoch {self.epoch:,}"),
            ("stepped", f"the weights at epoch {self.next_epoch:,}"),
            ("after", f"training sample {self.sample} at epoch {self.next_epoch:,}"))}
        self.subtitle = self.subtitles["example"]
        self.column = area.right_of(area.right - COLUMN_WIDTH).below(self.title.get_bottom()[1] - GAP)
        self.image = None
        if h.image_shape is not None:  # the example itself, beside the title, as 3Blue1Brown keeps it in a corner
            side = self.title.get_top()[1] - self.subtitle.get_bottom()[1]
            self.image = PixelImage(self.example.a[0], h.image_shape, side)
            self.image.next_to(VGroup(self.title, *self.subtitles.values()), RIGHT, buff=0.4).align_to(self.title, UP)
        region = area.left_of(self.column.left - COLUMN_GAP - GUTTER).below(self.subtitle.get_bottom()[1] - GAP)
        inputs = [number(value) for value in self.example.a[0]]
        self.network_mob = fit_network(lambda **size: self.make_network(input_labels=inputs, **size), region, LEFT)
        self.network_mob.set_weights(self.weights_at(self.snapshot), scale=self.weight_scale)
        quiet = [self.example.a[0]] + [np.zeros_like(a) for a in self.example.a[1:]]
        self.network_mob.set_activations(quiet)  # lit layer by layer as the example passes forward
        # The edges recolour, fade and light up again and again: painted from arrays, not line by line.
        self.network_mob.use_fast_drawing(edges_only=True)
        # Drawn after the texts (which never overlap it), so a frame that changes the edges redraws only
        # what lies over them (neurons, arrows, rings: z_index OVER_EDGES and up), not every glyph.
        self.network_mob.canvas.set_z_index(EDGES_Z)
        self.gradient_scale = max(float(np.abs(g).max()) for g in self.example.gradients.weights) or 1.0
        self.batch_scale = max(float(np.abs(g).max()) for g in self.batch) or 1.0
        self.weight = self.followed_weight()
        layer, row, col = self.weight
        self.per_example = example_gradients(self.network, h.X_train.astype(float), h.y_train.astype(float),
                                             layer, row, col)
        if self.hidden is not None:
            self.terms = wish_terms(self.network, self.example, self.hidden, row)
        self.cost_formula = self.place(self.cost_formula_mob(), self.column.top)
        self.stage = self.column.below(self.cost_formula.get_bottom()[1] - 0.45)
        self.output_arrows = self.make_output_wishes()
        self.lifted = self.make_lifted_outputs()
        self.hidden_arrows: VGroup | None = None  # the wishes beside a hidden layer's neurons, while shown
        self.picked: Line | None = None  # the followed weight picked out of the network, once it is
        self.ring: Circle | None = None  # around the neuron the sentence is about
        self.source_ring: Circle | None = None  # around the neuron the followed weight comes from
        self.panel = VGroup()  # what the stage shows now
        self.output_bars = self.make_output_bars()

    def subtitle_label(self, text: str, top: float) -> Label:
        label = Label(text, font_size=22, color=MUTED)
        return fit(label, safe_area().below(top).above(top - label.height), UP + LEFT)

    def place(self, mobject, top: float, region: Region | None = None, align=UP + LEFT):
        """``mobject`` in the column (or ``region``) with its top at ``top``."""
        region = region or self.column
        return fit(mobject, region.below(top).above(max(region.bottom, top - mobject.height)), align)

    def formula(self, code: str, font_size: float = FORMULA_FONT, color=LABEL) -> Formula:
        return Formula(code, font_size=font_size, color=color)

    def cost_formula_mob(self) -> VGroup:
        ex, kind = self.example, self.history.output_activation
        if kind == "sigmoid":
            a, y = ex.a[-1][0], ex.target[0]
            # As the cost chapter wrote it: −ln of the probability the answer gives the label.
            lines = (["y = 1, \"so\" C = -ln a", f"= -ln {a:.3f} = {ex.loss:.3f}"] if y == 1 else
                     ["y = 0, \"so\" C = -ln(1 - a)", f"= -ln(1 - {a:.3f}) = {ex.loss:.3f}"])
        elif kind == "softmax":
            truth = int(np.argmax(ex.target))
            lines = [f"C = -ln p = -ln {ex.a[-1][truth]:.3f} = {ex.loss:.3f}"]
        else:
            lines = [f"C = \"mean\" (a - y)^2 = {ex.loss:.3f}"]
        return VGroup(*(self.formula(line, font_size=LEGIBLE_FONT) for line in lines)).arrange(DOWN, aligned_edge=LEFT,
                                                                                      buff=0.15)

    def make_output_wishes(self) -> VGroup:
        """An arrow beside every drawn output of the network, right of its name, sized by its wish within
        its neuron's slot: the lifted outputs' arrows, brought back."""
        net, values = self.network_mob, self.output_wishes()
        drawn = net.indices[-1]
        slot = min(0.85 * net.spacing, 1.4) if len(drawn) > 1 else 1.4
        unit = slot / (float(np.abs(values[drawn]).max()) or 1.0)
        right = max(label.get_right()[0] for label in net.output_labels) if len(net.output_labels) else \
            net.neurons[-1].get_right()[0]
        return VGroup(*(centred_nudge(np.array([right + 0.22, neuron.get_center()[1], 0]), values[index], unit,
                                      shortest=0.1) for index, neuron in zip(drawn, net.neurons[-1])))

    def make_lifted_outputs(self) -> "LiftedOutputs":
        """The output layer lifted out large, as 3Blue1Brown enlarges it for the wishes: each drawn output
        a neuron as bright as its activation, its name, the arrow of its wish (sized by its value, against
        the largest) and that value, in one column or two."""
        net, stage, values = self.network_mob, self.stage, self.output_wishes()
        drawn = list(net.indices[-1])
        columns = 1 if len(drawn) <= OUTPUT_ROWS else 2
        rows = math.ceil(len(drawn) / columns)
        spacing = min(1.2, stage.height / rows)
        radius = min(0.24, 0.3 * spacing)
        unit = 0.85 * spacing / (float(np.abs(values[drawn]).max()) or 1.0)
        fills = self.output_colours(self.example.a[self.output])
        names, width = self.names(), stage.width / columns
        circles, labels, arrows, texts = VGroup(), VGroup(), VGroup(), VGroup()
        for place, index in enumerate(drawn):
            column, row = divmod(place, rows)
            centre = np.array([stage.left + column * width + radius + 0.05, stage.top - spacing * (row + 0.5), 0])
            circles.add(Circle(radius=radius, stroke_color=net.neurons[-1][place].get_stroke_color(), stroke_width=3,
                               fill_color=fills[place], fill_opacity=1.0).move_to(centre))
            labels.add(Label(names[index], font_size=24, color=LABEL).next_to(circles[-1], RIGHT, buff=0.2))
        arrow_x = max(label.get_right()[0] for label in labels[:rows]) + 0.3
        for place, index in enumerate(drawn):
            x, y = arrow_x + (place // rows) * width, circles[place].get_center()[1]
            arrows.add(centred_nudge(np.array([x, y, 0]), values[index], unit, shortest=0.12))
            value = Label(self.wish_number(-values[index]), font_size=24, color=LABEL)
            texts.add(value.next_to(np.array([x + 0.2, y, 0]), RIGHT, buff=0))
        return LiftedOutputs(circles, labels, arrows, texts)

    def output_colours(self, values: np.ndarray) -> list[ManimColor]:
        """The fill of each drawn output neuron at activations ``values``, as the network lights it."""
        net = self.network_mob
        levels = net.level_functions[-1](np.asarray(values, dtype=float)[net.indices[-1]])
        return [ManimColor.from_rgb(rgb) for rgb in neuron_colors(levels)]

    def wish_number(self, value: float) -> str:
        """An output's ∂C/∂z (softmax: a − y, to three decimals as probabilities) or ∂C/∂a, shown and said."""
        return number(value, 3) if self.softmax else said(fixed(value))

    def hidden_wishes(self, layer: int, values: np.ndarray, unit: float | None = None) -> VGroup:
        """One arrow beside every drawn neuron of hidden ``layer``, for the wishes ``values`` (one per neuron)."""
        net = self.network_mob
        drawn = np.asarray(values, dtype=float)[net.indices[layer]]
        unit = unit or 0.85 * net.spacing / (float(np.abs(drawn).max()) or 1.0)
        # Clear of the ring a neuron may wear (ring_around).
        return VGroup(*(centred_nudge(neuron.get_center() + RIGHT * (net.radius * RING + 0.12), value, unit,
                                      shortest=0.08)
                        for value, neuron in zip(drawn, net.neurons[layer]))).set_z_index(1)

    def ring_around(self, neuron) -> Circle:
        """A ring around a neuron of the network: the one the sentence is about."""
        return Circle(radius=self.network_mob.radius * RING, color=HIGHLIGHT, stroke_width=4).move_to(neuron) \
            .set_z_index(1)

    def picked_edge(self) -> Line:
        """The followed weight's edge, picked out of the network: a thick line in the highlight colour."""
        layer, row, col = self.weight
        edge = self.network_mob.edge_at(layer, row, col)
        return edge.copy().set_stroke(color=HIGHLIGHT, width=min(max(3 * edge.stroke_width, 6), 10), opacity=1.0) \
            .set_z_index(OVER_EDGES)

    # -- what is said -------------------------------------------------------------------

    def names(self) -> list[str]:
        """Each output's name, as the network's drawing names it: its class, p(class), or its place."""
        return output_names(self.history)

    def focus_name(self) -> str:
        return f"the {self.names()[self.focus]}" if self.softmax else "the output"

    def script(self) -> list[Beat]:
        s, e = self.sample, self.epoch
        beats = [
            Beat(f"Backpropagation: how one example tells every weight which way to move. This one is training "
                 f"sample {s}, at epoch {e:,}.", self.show_intro,
                 brief=f"Which way should sample {s} move each weight, at epoch {e:,}?"),
            Beat(self.cost_caption(), self.show_cost, brief=self.cost_caption(brief=True)),
            Beat(self.wish_caption(), self.show_wishes, brief=self.wish_caption(brief=True)),
            *self.three_ways_beats(),
        ]
        if self.hidden is not None:
            beats += [
                Beat(self.sum_caption(), self.show_sum, brief=self.sum_caption(brief=True)),
                Beat(self.pick_caption(), self.show_chain, brief=self.chain_caption(brief=True),
                     brief_show=lambda: (self.show_chain(share=0.2), self.show_chain_rule(share=0.3),
                                         self.show_chain_numbers())),
                Beat("The chain rule multiplies its links: the activation a that feeds w, the slope "
                     f"{self.slope_symbol()}'(z), and ∂C/∂a, the wishes just summed.", self.show_chain_rule,
                     in_brief=Brief.LEFT_OUT),
                Beat(self.chain_caption(), self.show_chain_numbers, in_brief=Brief.LEFT_OUT),
                Beat(self.sweep_caption(), self.show_sweep, brief=self.sweep_caption(brief=True)),
            ]
        beats += [
            Beat(self.average_caption(), self.show_average, brief=self.average_caption(brief=True)),
            Beat(self.step_caption(), self.show_step, brief=self.step_caption(brief=True)),
            Beat(self.after_caption(), self.show_after, in_brief=Brief.LEFT_OUT),
        ]
        return beats

    def cost_caption(self, brief: bool = False) -> str:
        ex, names = self.example, self.history.class_names
        output = ex.a[-1]
        cost = (f"C = {number(ex.loss, 3)}." if brief else
                f"The cost of this example is C = {number(ex.loss, 3)}.")
        if self.history.output_activation == "sigmoid":
            return (f"The network answers {number(output[0], 3)} for {names[1]}; the label says "
                    f"{int(ex.target[0])}{': ' if brief else '. '}{cost}")
        if self.softmax:
            truth = int(np.argmax(ex.target))
            return (f"It gives the right class, {names[truth]}, a probability of {number(output[truth], 3)}: {cost}"
                    if brief else
                    f"The network gives the right class, {names[truth]}, a probability of {number(output[truth], 3)}. "
                    f"{cost}")
        return (f"The network answers {number(output[0], 3)}; the target is {number(ex.target[0], 3)}"
                f"{': ' if brief else '. '}{cost}")

    def wish_caption(self, brief: bool = False) -> str:
        wants = self.example.wants[self.output]
        if self.softmax:
            truth = self.names()[int(np.argmax(self.example.target))]
            if brief:
                return f"To lower it, the {truth}'s sum should rise, every other fall by its probability."
            return (f"To lower the cost, the {truth}'s sum z should rise, and every other fall by its probability: "
                    "each arrow points against ∂C/∂z = a − y.")
        if len(wants) == 1:
            direction = "rise" if wants[0] < 0 else "fall"
            if brief:
                return f"To lower it, the output should {direction}: ∂C/∂a = {said(fixed(wants[0]))}."
            return (f"To lower the cost, the output should {direction}: ∂C/∂a = {said(fixed(wants[0]))}, "
                    "and its arrow points against it.")
        if brief:
            return "To lower the cost, the outputs want to move along the arrows, against ∂C/∂a."
        return ("To lower the cost, each output would like to move along its arrow, against ∂C/∂a: "
                "up where it is below its target, down where it is above.")

    def three_ways_beats(self) -> list[Beat]:
        delta = said(fixed(self.example.deltas[self.output][self.focus]))
        who = self.focus_name()
        if self.hidden is not None:
            brief = (f"It can move three ways: its bias, by its error δ = ∂C/∂z = {delta}; its weights, by the "
                     "activations before; and those activations, by the weights.")
            ways = "can move three ways."
        else:  # the layer before is the input: data, which no step changes
            brief = (f"It can move two ways: its bias, by its error δ = ∂C/∂z = {delta}; and its weights, by the "
                     "inputs before.")
            ways = "can move two ways; the inputs before it are data."
        beats = [
            Beat(f"{who.capitalize()} {ways} First, its bias: a nudge to b moves z as much, so ∂C/∂b = ∂C/∂z, "
                 f"which we call its error, δ = {delta}.",
                 self.show_bias, brief=brief,
                 brief_show=lambda: (self.show_bias(share=0.3), self.show_weights(share=0.5),
                                     self.show_previous())),
            Beat(self.weights_caption(), self.show_weights, in_brief=Brief.LEFT_OUT),
        ]
        if self.hidden is not None:
            beats.append(Beat("Third, the activations before it, each in proportion to its weight: this output adds "
                              "w × δ to their ∂C/∂a.", self.show_previous, in_brief=Brief.LEFT_OUT))
        return beats

    def brightest_before(self) -> int:
        """The drawn neuron of the layer before the outputs that fires most: its weight to the focus matters most."""
        net = self.network_mob
        drawn = net.indices[self.output - 1]
        return int(drawn[int(np.argmax(np.abs(self.example.a[self.output - 1][drawn])))])

    def neuron_name(self, layer: int, index: int) -> str:
        return f"input {index + 1}" if layer == 0 else f"neuron {index + 1} of layer {layer}"

    def weights_caption(self) -> str:
        k = self.brightest_before()
        a = self.example.a[self.output - 1][k]
        gradient = a * self.example.deltas[self.output][self.focus]
        return ("Second, its weights, each in proportion to the activation it comes from: ∂C/∂w = a × δ. "
                f"The brightest, {self.neuron_name(self.output - 1, k)} at {said(fixed(a))}, gives "
                f"{said(fixed(gradient))}.")

    def sum_caption(self, brief: bool = False) -> str:
        layer, row, _ = self.weight
        total = said(fixed(self.example.wants[layer][row]))
        where = f"neuron {row + 1} of hidden layer {layer}"
        if self.history.layer_sizes[-1] == 1 and self.hidden == self.output - 1:
            return f"At {where}, the one output's wish comes back through one weight: ∂C/∂a = w δ = {total}."
        if brief:
            return f"At {where}, all the outputs' wishes add up: ∂C/∂a = Σ w δ = {total}."
        return (f"Every output asks this of the neurons before it. At {where}, all their wishes add up: "
                f"∂C/∂a = Σ w δ = {total}.")

    def pick_caption(self) -> str:
        layer, row, col = self.weight
        source = f"neuron {col + 1} of hidden layer {layer - 1}" if layer > 1 else self.neuron_name(0, col)
        return f"Now one chain, a neuron a layer, and one weight on it: from {source} into neuron {row + 1}."

    def slope_symbol(self) -> str:
        """The hidden activation as a caption names it: σ, tanh, relu."""
        return {"sigmoid": "σ", "tanh": "tanh", "relu": "relu", "leaky_relu": "leaky"}[self.history.activation]

    def chain_numbers(self) -> tuple[str, str, str, str]:
        layer, row, col = self.weight
        a_prev, slope, want, _ = self.example.chain_rule(layer, row, col)
        return fixed(a_prev), fixed(slope), fixed(want), self.product_and_total()[0]

    def product_and_total(self) -> tuple[str, str]:
        """The chain rule's product and the gradient the step follows (the product plus the penalty's), as
        shown: with more digits when a small penalty would round them equal ("0.0902 + 0.0001 = 0.0902")."""
        layer, row, col = self.weight
        product, total = self.example.chain_rule(layer, row, col)[3], self.total_gradient()
        texts = fixed(product), fixed(total)
        return distinct(product, total) if self.penalized() and texts[0] == texts[1] else texts

    def total_gradient(self) -> float:
        layer, row, col = self.weight
        return float(self.example.gradients.weights[layer - 1][row, col])

    def chain_caption(self, brief: bool = False) -> str:
        a, s, d, p = (said(text) for text in self.chain_numbers())
        layer, row, col = self.weight
        penalty = said(fixed(self.example.penalty_gradient(layer, row, col)))
        total = said(self.product_and_total()[1])
        if brief:
            # The formula is written on screen as it goes; said, its factors in words (shorter than its symbols).
            return (f"Along one chain, the chain rule multiplies activation, slope and wish: {a} × {s} × {d} ≈ {p}"
                    + (f"; the step's, with the penalty, {total}." if self.penalized() else "."))
        # ≈: the product is of the unrounded factors, so it may differ from the shown ones' in its last digit.
        return (f"In numbers: ∂C/∂w = {a} × {s} × {d} ≈ {p}."
                + (f" The penalty adds {self.penalty_words()} = {penalty}: the step follows {total}."
                   if self.penalized()
                   else ""))

    def sweep_caption(self, brief: bool = False) -> str:
        if self.output > 2:
            return ("And so on, back through every layer." if brief else
                    "And so on, backwards layer by layer: each neuron sums the wishes after it, and every weight "
                    "gets its ∂C/∂w.")
        return ("Every other weight gets its ∂C/∂w the same way." if brief else
                "Every other weight gets its ∂C/∂w the same way: here they all are, for this one example.")

    def whole_gradient(self) -> float:
        layer, row, col = self.weight
        return float(self.batch[layer - 1][row, col])

    def average_caption(self, brief: bool = False) -> str:
        count = len(self.history.X_train)
        g = said(fixed(self.whole_gradient()))
        penalty = ", plus the penalty" if self.penalized() else ""
        if brief:
            return f"The step follows the average over all {count:,} samples{penalty}: {g} for this weight."
        # With a penalty, the step follows more than the cost's gradient: no ∂C/∂w is named for it.
        named = "" if self.penalized() else "∂C/∂w = "
        return (f"That is one example's wish. The step follows the average over all {count:,} training "
                f"samples{penalty}: for this weight, {named}{g}.")

    def step_numbers(self) -> tuple[str, str, str]:
        """The weight before, after a step on the whole set's gradient, and where the run really took it
        one snapshot later, each with the digits that show the change truly."""
        layer, row, col = self.weight
        w = float(self.network.weights[layer - 1][row, col])
        stepped = w - self.history.learning_rate * self.whole_gradient()
        then = float(self.history.weights[layer - 1][self.snapshot + 1][row, col])
        pairs = [distinct(w, stepped), distinct(w, then)]
        places = max(len(text.partition(".")[2]) for pair in pairs for text in pair if "e" not in text)
        return tuple(f"{value:.{places}f}" for value in (w, stepped, then))

    def step_ways(self, form: str = "full") -> list[str]:
        """Each way the run's steps differ from plain gradient descent on the whole set, with the same
        numbers in each ``form``: "full" words for a caption, "brief" ones, or "screen" lines."""
        h, meta = self.history, self.history.metadata
        ways = []
        if meta.get("batch_size") is not None:
            size, steps = meta["batch_size"], math.ceil(len(h.X_train) / meta["batch_size"])
            ways += {"full": [f"stepped after each batch of {size:,} samples, {steps:,} times an epoch"],
                     "brief": [f"after {steps:,} steps on batches of {size:,}"],
                     "screen": [f"batches of {size:,} samples", f"{steps:,} steps an epoch"]}[form]
        optimizer = meta["optimizer"]
        if optimizer != "sgd":
            name = {"momentum": "momentum", "adam": "Adam", "rmsprop": "RMSprop"}.get(optimizer, optimizer)
            how = {"momentum": ", which adds part of the last step", "adam": ", which sizes each weight's step "
                   "by its recent gradients", "rmsprop": ", which sizes each weight's step by its recent gradients"}
            ways.append({"full": f"stepped with {name}{how.get(optimizer, '')}",
                         "brief": f"with {name}{how.get(optimizer, '')}"}.get(form, f"with {name}"))
        if meta.get("dropout"):
            share = f"{meta['dropout']:.0%}"
            ways.append({"full": f"silenced {share} of its hidden neurons at each step",
                         "brief": f"silencing {share} of its hidden neurons",
                         "screen": f"{share} of hidden neurons silenced"}[form])
        return ways

    def rule_words(self) -> str:
        """Gradient descent's step, as the caption writes it (the penalty's gradient added, if any)."""
        return "w ← w − η (∂C/∂w + its penalty)" if self.penalized() else "w ← w − η ∂C/∂w"

    def step_caption(self, brief: bool = False) -> str:
        rate, rule = self.history.learning_rate, self.rule_words()
        w, stepped, then = (said(text) for text in self.step_numbers())
        if self.plain_steps():
            if brief:
                return f"Gradient descent steps against it: {rule} with η = {rate:g}, from {w} to {stepped}."
            return (f"Gradient descent steps against it, scaled by the learning rate η = {rate:g}: {rule} "
                    f"takes this weight from {w} to {stepped}.")
        if brief:
            return (f"With η = {rate:g}, {rule} would take it from {w} to {stepped}; "
                    f"{', '.join(self.step_ways('brief'))}, the run was at {then} by epoch {self.next_epoch:,}.")
        said_rule = (f"A step against it, {rule} with η = {rate:g}, would take this weight from {w} to "
                     f"{stepped}.")
        return said_rule + f" This run {' and '.join(self.step_ways())}: by epoch {self.next_epoch:,} it was {then}."

    def after_caption(self) -> str:
        before, after = self.example.loss, self.after.loss
        first, second = (said(text) for text in distinct(before, after))
        way = "falls" if after < before else "rises: a step for the whole set need not help every sample"
        return f"With the weights of epoch {self.next_epoch:,}, this example's cost {way}, from {first} to {second}."

    # -- beats: the example and its wishes -----------------------------------------------

    def make_output_bars(self) -> OutputBars | None:
        """The example's outputs beside what is wanted of them, in the stage: the gap the cost will put a
        number on (None for a real-valued output, or more outputs than bars can name)."""
        kind, wanted = self.history.output_activation, self.example.target
        if kind not in ("softmax", "sigmoid") or len(wanted) > MAX_BARS:
            return None
        stage = self.stage
        bars = OutputBars(self.example.a[self.output], wanted, self.names(),
                          min(stage.width, 1.2 * len(wanted) + 1.0), 0.5 * stage.height)
        return fit(bars, stage.below(stage.top - 0.3), UP)

    def show_intro(self) -> None:
        net, bars = self.network_mob, self.output_bars
        # What is wanted of the outputs from the start (the outlines); where the example lands, as it does.
        wanted = [FadeIn(bars.names), Create(bars.outlines, lag_ratio=0.1)] if bars is not None else []
        self.play(Write(self.title), FadeIn(self.subtitle), *([FadeIn(self.image)] if self.image else []),
                  FadeIn(net), net.fade_in_fast(), *wanted, run_time=1.2)
        self.bring_to_front(net.neurons)
        # The example passes forward, layer by layer: these are the activations backpropagation starts from.
        layers = range(1, self.output + 1)
        each = self.paced(0.9 * len(layers)) / len(layers)
        for layer in layers:
            landing = ([LaggedStart(*(GrowFromEdge(bar, DOWN) for bar in bars.bars), lag_ratio=0.1)]
                       if bars is not None and layer == self.output else [])
            self.play(self.forward_flash(layer, each), net.light_layer(layer, self.example.a[layer], run_time=each),
                      *landing)

    def show_cost(self) -> None:
        net = self.network_mob
        truth = int(np.argmax(self.example.target)) if self.softmax else 0
        neuron = net.neuron_at(self.output, truth)
        pointed = [Indicate(neuron, color=HIGHLIGHT, scale_factor=1.4)] if neuron is not None else []
        label = (net.output_labels[list(net.indices[-1]).index(truth)]
                 if len(net.output_labels) and truth in net.indices[-1] else None)
        if label is not None:
            pointed.append(Indicate(label, color=HIGHLIGHT))
        if neuron is None:
            self.play(*pointed, Write(self.cost_formula), run_time=self.paced(1.5, 0.5))
        else:
            # The probability said, written at the neuron that gives it, then carried into the formula.
            value = Label(number(float(self.example.a[self.output][truth]), 3), font_size=24, color=HIGHLIGHT)
            value.next_to(label if label is not None else neuron, RIGHT, buff=0.15)
            self.play(*pointed, Write(value), run_time=self.paced(1.2, 0.3))
            self.play(Write(self.cost_formula), value.animate.move_to(self.cost_formula).set_opacity(0),
                      run_time=self.paced(1.2, 0.4))
            self.remove(value)
        curve = self.cost_curve()
        if curve is None:
            self.play(Indicate(self.cost_formula[-1], color=HIGHLIGHT, scale_factor=1.05), run_time=self.paced(1.0))
            return
        # Where this cost sits on the cost chapter's curve: the stage below the formula is not left black.
        bars = [FadeOut(self.output_bars, rate_func=gone_first)] if self.output_bars is not None else []
        self.play(*bars, Create(curve.axes), FadeIn(curve.ticks, curve.names), Create(curve.curve), run_time=0.8)
        self.play(FadeIn(curve.point, scale=3), Indicate(self.cost_formula[-1], color=HIGHLIGHT, scale_factor=1.05),
                  run_time=self.paced(0.8))
        self.curve_panel = curve

    def cost_curve(self) -> CostCurve | None:
        """The example's cost on the curve −ln p of the probability it gives the right class, in the stage
        (None for a real-valued output, whose cost is a square)."""
        ex, kind = self.example, self.history.output_activation
        if kind == "softmax":
            p = float(ex.a[-1][int(np.argmax(ex.target))])
        elif kind == "sigmoid":
            p = float(ex.a[-1][0] if ex.target[0] == 1 else 1.0 - ex.a[-1][0])
        else:
            return None
        stage = self.stage
        curve = CostCurve(p, min(stage.width, 4.6), min(0.6 * stage.height, 3.2))
        return self.place(curve, stage.top)

    def show_wishes(self) -> None:
        net, lifted = self.network_mob, self.lifted
        truth = int(np.argmax(self.example.target)) if self.softmax else 0
        # The output layer lifted out large, beside the network, each neuron with its name (in the cost's place).
        curve = getattr(self, "curve_panel", None)
        arriving = {"rate_func": after_gone} if curve is not None else {}
        self.play(*(TransformFromCopy(neuron, circle, **arriving) for neuron, circle in zip(net.neurons[-1],
                                                                                           lifted.circles)),
                  FadeIn(lifted.names, **arriving), *([FadeOut(curve, rate_func=gone_first)] if curve else []),
                  run_time=self.paced(0.6, 0.2))
        self.curve_panel = None
        self.play(LaggedStart(*(GrowArrow(arrow) for arrow in lifted.arrows), lag_ratio=0.15),
                  FadeIn(lifted.values, shift=LEFT * 0.1, lag_ratio=0.15),  # one FadeIn: LaggedStart hides its mobjects
                  *self.point_at_output(truth), run_time=self.paced(1.2, 0.4))
        # What the arrows ask for: the outputs moving to their targets, and back (3Blue1Brown's preview).
        self.play(*self.light_outputs(self.example.target), run_time=0.8)
        self.play(*self.light_outputs(self.example.a[self.output]), run_time=0.8)
        # Then the wishes compared: a frame moving from the largest to the next largest.
        order = np.argsort(-np.abs(self.output_wishes()[net.indices[-1]]))
        if len(order) > 1 and self.beat_seconds() > 0.6:
            rows = [VGroup(lifted.circles[i], lifted.names[i], lifted.arrows[i], lifted.values[i]) for i in order[:2]]
            frame = SurroundingRectangle(rows[0], color=HIGHLIGHT, buff=0.08)
            self.play(Create(frame), run_time=0.5)
            self.play(frame.animate.become(SurroundingRectangle(rows[1], color=HIGHLIGHT, buff=0.08)),
                      run_time=max(0.6, self.beat_seconds() - 0.3))
            self.play(FadeOut(frame), run_time=0.3)

    def light_outputs(self, values: np.ndarray) -> list:
        """The outputs, in the network and lifted out, brightening or dimming to ``values``."""
        return [self.network_mob.light_layer(self.output, values)] + [
            circle.animate.set_fill(colour, opacity=1.0)
            for circle, colour in zip(self.lifted.circles, self.output_colours(values))]

    def put_outputs_back(self) -> None:
        """The lifted outputs back into the network: their arrows, small, beside the network's outputs."""
        lifted, net = self.lifted, self.network_mob
        homes = [circle.copy().move_to(neuron).scale(neuron.width / circle.width)
                 for circle, neuron in zip(lifted.circles, net.neurons[-1])]
        # The names and values gone before the circles fly home over where they were.
        self.play(*(Transform(circle, home, rate_func=after_gone) for circle, home in zip(lifted.circles, homes)),
                  *(Transform(big, small, rate_func=after_gone)
                    for big, small in zip(lifted.arrows, self.output_arrows)),
                  FadeOut(lifted.names, rate_func=gone_first), FadeOut(lifted.values, rate_func=gone_first),
                  run_time=0.7)
        self.remove(lifted.circles)
        self.output_arrows = lifted.arrows  # the same arrows, now small beside the network

    def focus_neuron(self):
        return self.network_mob.neuron_at(self.output, self.focus)

    def output_label(self, index: int):
        """The drawn name of output ``index``, or None."""
        net = self.network_mob
        drawn = list(net.indices[-1])
        return net.output_labels[drawn.index(index)] if len(net.output_labels) and index in drawn else None

    def point_at_output(self, index: int) -> list:
        """Its name nodding: the output the sentence names."""
        label = self.output_label(index)
        return [Indicate(label, color=HIGHLIGHT, scale_factor=1.3)] if label is not None else []

    def ways_formula(self) -> Formula:
        return self.formula("z_j = sum_k {{ w_(j k) : w }} {{ a_k : a }} + {{ b_j : b }}", font_size=34)

    def show_bias(self, share: float = 1.0) -> None:
        self.put_outputs_back()
        ways = self.place(self.ways_formula(), self.stage.top)
        self.box = SurroundingRectangle(ways.select("b"), color=HIGHLIGHT, buff=0.06)
        delta = fixed(self.example.deltas[self.output][self.focus])
        bias = self.place(self.formula(f"(partial C)/(partial b_j) = (partial C)/(partial z_j) = delta_j = {delta}"),
                          ways.get_bottom()[1] - 0.35)
        neuron = self.focus_neuron()
        self.ring = self.ring_around(neuron)
        self.ways = VGroup(ways, bias)
        self.panel = VGroup(ways, bias, self.box)
        self.play(Write(ways), FadeIn(self.ring), run_time=self.paced(1.0, 0.3 * share))
        self.play(FadeIn(self.box), Write(bias), Indicate(neuron, color=HIGHLIGHT, scale_factor=1.3),
                  *self.point_at_output(self.focus), run_time=self.paced(1.2, 0.9 * share))

    def show_weights(self, share: float = 1.0) -> None:
        net, layer = self.network_mob, self.output
        drawn = net.indices[layer - 1]
        into = [net.edge_index(layer, self.focus, k) for k in drawn]
        k = self.brightest_before()
        a = self.example.a[layer - 1][k]
        gradient = a * self.example.deltas[layer][self.focus]
        top = self.ways[-1].get_bottom()[1] - 0.35
        rule = self.place(self.formula("(partial C)/(partial w_(j k)) = a_k delta_j"), top)
        source = self.neuron_name(layer - 1, k)
        delta = factor(fixed(self.example.deltas[layer][self.focus]))
        # The neuron named on a line, its product on the next: each at full size, neither shrunk to fit.
        example = VGroup(self.formula(f'"{source}:"', font_size=LEGIBLE_FONT),
                         self.formula(f"{fixed(a)} dot {delta} = {fixed(gradient)}", font_size=LEGIBLE_FONT))
        example = self.place(example.arrange(DOWN, aligned_edge=LEFT, buff=0.15), rule.get_bottom()[1] - 0.2)
        self.weight_example = example
        self.ways.add(rule, example)
        self.panel.add(rule, example)
        # This output's weights take the colours of their gradients; the others step back.
        # (The edges change in plays of their own, short: a play redraws what it animates to its end.)
        self.play(Transform(self.box, SurroundingRectangle(self.ways[0].select("w"), color=HIGHLIGHT, buff=0.06)),
                  net.fade_edges(into, FADED), run_time=0.7)
        self.play(net.recolour(self.example.gradients.weights, self.gradient_scale, GRADIENT_PALETTE,
                               layers=[layer - 1]), run_time=0.8)
        self.play(Write(rule), run_time=self.paced(0.8, 0.3 * share))
        # The brighter the neuron a weight comes from, the more that weight matters: the brightest nod.
        brightest = [net.neuron_at(layer - 1, int(index)) for index in
                     drawn[np.argsort(-np.abs(self.example.a[layer - 1][drawn]))[:4]]]
        self.play(LaggedStart(*(Indicate(neuron, color=HIGHLIGHT, scale_factor=1.4) for neuron in brightest),
                              lag_ratio=0.3), FadeIn(example, shift=DOWN * 0.1), run_time=self.paced(1.2, share))

    def show_previous(self, share: float = 1.0) -> None:
        """The activations before the output, each asked to move by this output's w × δ."""
        net, layer = self.network_mob, self.output
        if self.hidden is None:  # the inputs: data, which no step changes
            self.play(Indicate(net.neurons[0], color=HIGHLIGHT, scale_factor=1.1), run_time=self.paced(1.0, share))
            return
        terms = self.network.weights[layer - 1][self.focus] * self.example.deltas[layer][self.focus]
        self.hidden_arrows = self.hidden_wishes(layer - 1, -terms)
        top = self.ways[-1].get_bottom()[1] - 0.3
        rule = self.place(self.formula("(partial C)/(partial a_k) = w_(j k) delta_j + dots.c"), top)
        self.ways.add(rule)
        self.panel.add(rule)
        self.play(Transform(self.box, SurroundingRectangle(self.ways[0].select("a"), color=HIGHLIGHT, buff=0.06)),
                  run_time=0.5)
        self.play(self.back_flash(layer, [self.focus]), Write(rule),
                  LaggedStart(*(GrowArrow(arrow) for arrow in self.hidden_arrows), lag_ratio=0.08),
                  run_time=self.paced(1.4, share))

    def back_flash(self, layer: int, rows, run_time: float = 1.0) -> AnimationGroup:
        """A pulse running backwards, right to left, along the drawn edges into neurons ``rows`` of ``layer``."""
        pairs = [(int(row), int(col)) for row in rows for col in self.network_mob.indices[layer - 1]]
        return self.pulses(layer, pairs, reverse=True, run_time=run_time)

    def forward_flash(self, layer: int, run_time: float) -> AnimationGroup:
        """The example's signal into ``layer``, left to right, along the edges that carry most of it (the
        largest |w a|): a few dozen pulses, not one on each of hundreds of edges."""
        net = self.network_mob
        rows, cols = net.indices[layer], net.indices[layer - 1]
        carried = np.abs(self.network.weights[layer - 1][np.ix_(rows, cols)] * self.example.a[layer - 1][cols])
        strongest = np.argsort(-carried, axis=None)[:FLASHED_EDGES]
        pairs = [(int(rows[index // len(cols)]), int(cols[index % len(cols)])) for index in strongest]
        return self.pulses(layer, pairs, reverse=False, run_time=run_time)

    def pulses(self, layer: int, pairs, reverse: bool, run_time: float) -> AnimationGroup:
        """A bright pulse along each drawn edge (row, col) into ``layer``, over the painted edges."""
        flashes = []
        for row, col in pairs:
            edge = self.network_mob.edge_at(layer, row, col)
            if edge is None:
                continue
            pulse = edge.copy().set_stroke(color=interpolate_color(edge.get_stroke_color(), WHITE, 0.6),
                                           width=max(2.5 * edge.stroke_width, 5.0), opacity=1.0)
            if reverse:
                pulse.reverse_points()
            flashes.append(ShowPassingFlash(pulse.set_z_index(OVER_EDGES), time_width=0.5))
        return AnimationGroup(*flashes, run_time=run_time)

    # -- beats: the wishes summed, one chain ------------------------------------------------

    def clear_panel(self, *keep) -> list:
        """Fading out what the stage shows, but ``keep``."""
        gone = [part for part in self.panel if part not in keep]
        self.panel = VGroup(*keep)
        return [FadeOut(part, rate_func=gone_first) for part in gone]

    def term_code(self, terms: np.ndarray) -> list[str]:
        """The terms of a sum as Typst, signs between them, a few a line."""
        decimals = 3 if len(terms) <= 4 else 2
        texts = [f"{terms[0]:.{decimals}f}"] + [f"{'-' if t < 0 else '+'} {abs(t):.{decimals}f}" for t in terms[1:]]
        return [" ".join(texts[start:start + 5]) for start in range(0, len(texts), 5)]

    def sum_lines(self) -> list[str]:
        """The sum ∂C/∂a_k = Σ_j w_jk δ_j in numbers, as Typst lines: its terms, or for one output the
        product itself."""
        layer, row, _ = self.weight
        total = fixed(self.example.wants[layer][row])
        if len(self.terms) == 1:
            w, delta = self.network.weights[layer][0, row], self.example.deltas[layer + 1][0]
            return ["= w_(1 k) delta_1", f"= {fixed(w)} dot {factor(fixed(delta))} approx {total}"]
        # The total on a line of its own: every line at full size in the column, none shrunk to fit.
        return [("= " if index == 0 else "") + code for index, code in enumerate(self.term_code(self.terms))] + \
            [f"approx {total}"]

    def show_sum(self) -> None:
        """At one hidden neuron, every output's wish through its weight, w_jk δ_j, drawn as an arrow
        beside it (born from that output's edge), then the arrows tip to tail: their sum, ∂C/∂a."""
        net, (layer, row, _) = self.network_mob, self.weight
        stage = self.stage
        names = output_names(self.history)
        total = float(self.example.wants[layer][row])
        header = Label(f"neuron {row + 1} of hidden layer {layer}", font_size=24, color=LABEL)
        self.place(header, stage.top)
        radius = 0.42
        formula = self.formula("(partial C)/(partial a_k) = sum_j w_(j k) delta_j")
        lines = [self.formula(line, font_size=LEGIBLE_FONT) for line in self.sum_lines()]
        written = VGroup(formula, *lines).arrange(DOWN, aligned_edge=LEFT, buff=0.18)
        # The room for the wishes and their sum, from the header down to the formulas.
        room = header.get_bottom()[1] - 0.3 - (stage.bottom + written.height + 0.6)
        y0 = header.get_bottom()[1] - 0.3 - room / 2
        wishes = -self.terms
        single = len(wishes) == 1
        cumulative = np.concatenate([[0.0], np.cumsum(wishes)])
        extent = float(cumulative.max() - cumulative.min()) or 1.0
        longest = float(np.abs(wishes).max()) or 1.0
        unit = min(0.45 * room / longest, 0.9 * room / extent)
        self.big = Circle(radius=radius, stroke_color=HIDDEN_RIM, stroke_width=3,
                          fill_color=net.neuron_at(layer, row).get_fill_color(), fill_opacity=1.0)
        self.big.move_to([stage.left + radius + 0.05, y0, 0])
        stack_x = self.big.get_right()[0] + 0.3
        first = stack_x + 0.8
        spacing = min(0.6, (stage.right - 0.2 - first) / max(len(wishes), 1))
        row_arrows, row_names = VGroup(), VGroup()
        for j, wish in enumerate(wishes):
            centre = np.array([first + spacing * (j + 0.5), y0, 0])
            row_arrows.add(centred_nudge(centre, wish, unit, shortest=0.08))
            name = Label(names[j] if len(names[j]) <= 3 else str(j + 1), font_size=20, color=MUTED)
            row_names.add(name.move_to(centre + DOWN * (0.5 * longest * unit + 0.25)))
        start = y0 - 0.5 * (cumulative.max() + cumulative.min()) * unit
        stacked = VGroup(*(nudge(np.array([stack_x, start + c * unit, 0]), wish, unit, shortest=1e-3, width=4)
                           for c, wish in zip(cumulative[:-1], wishes)))
        self.sum_arrow = nudge(np.array([stack_x + (0 if single else 0.28), start, 0]), float(-total), unit,
                               shortest=0.08, width=7)
        below = min(self.big.get_bottom()[1], self.sum_arrow.get_bottom()[1],
                    row_names.get_bottom()[1] if not single else self.big.get_bottom()[1])
        self.place(written, below - 0.3)
        # The hidden layer's arrows now carry every output's wish, summed: as at this neuron, so at all.
        summed = self.hidden_wishes(layer, -self.example.wants[layer])
        keep = [index for index in (net.edge_index(self.output, int(j), row) for j in net.indices[-1])
                if index is not None]
        neuron = net.neuron_at(layer, row)
        # The sum is of the weights times the outputs' errors: the edges to the outputs show their weights again.
        weights = net.recolour(self.weights_at(self.snapshot), self.weight_scale, WEIGHT_PALETTE,
                               layers=[self.output - 1])
        self.play(*self.clear_panel(), FadeOut(self.ring), weights, net.fade_edges(keep, FADED),
                  TransformFromCopy(neuron, self.big), FadeIn(header, rate_func=after_gone), run_time=self.paced(0.8, 0.15))
        self.ring = self.ring_around(neuron)
        # Each output's edge to this neuron becomes that output's wish beside it.
        edges = [net.edge_at(self.output, j, row) for j in range(len(wishes))]
        targets = [self.sum_arrow] if single else row_arrows
        born = [TransformFromCopy(edge, arrow) if edge is not None else GrowArrow(arrow)
                for edge, arrow in zip(edges, targets)]
        self.play(FadeIn(self.ring), LaggedStart(*born, lag_ratio=0.12), *([] if single else [FadeIn(row_names)]),
                  Write(formula), run_time=self.paced(1.2, 0.35))
        if not single:  # tip to tail, they add up (copies: the row stays, each output's part): one arrow
            self.play(TransformFromCopy(row_arrows, stacked), run_time=self.paced(0.9, 0.4))
        grown = [] if single else [GrowArrow(self.sum_arrow)]
        self.play(*grown, Write(VGroup(*lines)), Transform(self.hidden_arrows, summed)
                  if self.hidden_arrows is not None else FadeIn(summed), run_time=self.paced(0.9, 0.6))
        if self.hidden_arrows is None:
            self.hidden_arrows = summed
        self.play(Indicate(self.sum_arrow, color=HIGHLIGHT), Indicate(lines[-1], color=HIGHLIGHT, scale_factor=1.05),
                  run_time=self.paced(0.6))
        extra = [] if single else [row_arrows, row_names, stacked]
        self.contributions, self.stacked = row_arrows, stacked  # each output's wish here, and tip to tail
        self.panel = VGroup(header, self.big, self.sum_arrow, formula, *lines, *extra)
        self.sum_header = header

    def make_chain(self) -> None:
        """The chain lifted out: the neuron the weight comes from, the weight, the neuron it feeds with its
        wish, and the cost beyond; each with its value, shown as the chain rule names it."""
        stage, (layer, row, col) = self.stage, self.weight
        ex = self.example
        radius, gap = 0.38, 2.6
        y = stage.top - 1.1  # room above for the neurons' names, on two lines
        left = np.array([stage.left + radius + 0.2, y, 0])
        middle = left + RIGHT * gap
        source = self.network_mob.neuron_at(layer - 1, col)
        self.chain_left = Circle(radius=radius, stroke_color=source.get_stroke_color(), stroke_width=3,
                                 fill_color=source.get_fill_color(), fill_opacity=1.0).move_to(left)
        self.chain_middle = self.big.copy().scale(radius / (self.big.width / 2)).move_to(middle)
        self.chain_edge = Line(left + RIGHT * radius, middle + LEFT * radius, color=HIGHLIGHT, stroke_width=6)
        w = float(self.network.weights[layer - 1][row, col])
        self.chain_w = Label(f"w = {said(fixed(w))}", font_size=VALUE_FONT, color=HIGHLIGHT)
        self.chain_w.next_to(self.chain_edge, UP, buff=0.12)
        source_name = f"input {col + 1}" if layer == 1 else f"neuron {col + 1}\nof layer {layer - 1}"
        self.chain_names = VGroup(Label(source_name, font_size=VALUE_FONT, color=MUTED),
                                  Label(f"neuron {row + 1}\nof layer {layer}", font_size=VALUE_FONT, color=MUTED))
        for name, node in zip(self.chain_names, (self.chain_left, self.chain_middle)):
            name.next_to(node, UP, buff=0.12)
        self.chain_a = Label(f"a = {said(fixed(ex.a[layer - 1][col]))}", font_size=VALUE_FONT, color=LABEL)
        self.chain_a.next_to(self.chain_left, DOWN, buff=0.15)
        self.chain_z = Label(f"z = {said(fixed(ex.z[layer][row]))}", font_size=VALUE_FONT, color=LABEL)
        self.chain_z.next_to(self.chain_middle, DOWN, buff=0.15)
        self.slope = self.slope_sketch(float(ex.z[layer][row]))
        self.slope.next_to(self.chain_z, DOWN, buff=0.12)
        self.chain_slope = Label(f"{self.slope_symbol()}'(z) = {said(fixed(ex.derivatives[layer][row]))}",
                                 font_size=VALUE_FONT, color=LABEL).next_to(self.slope, RIGHT, buff=0.15)
        want = float(ex.wants[layer][row])
        wish_x = self.chain_middle.get_right()[0] + 0.22
        # Within the neuron's height: the names above it and z below it stay clear.
        unit = min(2 * radius, self.sum_arrow.height) / max(abs(want), 1e-12)
        self.chain_arrow = centred_nudge(np.array([wish_x, y, 0]), -want, unit, shortest=0.08)
        # The chain goes on to the cost through every output: what it asks of this neuron is ∂C/∂a.
        self.chain_want = Label(f"∂C/∂a = {said(fixed(want))}", font_size=VALUE_FONT, color=LABEL)
        self.chain_want.next_to(np.array([wish_x + 0.2, y, 0]), RIGHT, buff=0)
        if self.chain_slope.get_right()[0] > stage.right:  # a long name (tanh, leaky): under the curve
            self.chain_slope.next_to(self.slope, DOWN, buff=0.1)
        for label in (*self.chain_names, self.chain_a, self.chain_slope, self.chain_want):
            label.shift(RIGHT * max(0.0, stage.left - label.get_left()[0])
                        + LEFT * max(0.0, label.get_right()[0] - stage.right))

    def slope_sketch(self, z: float) -> VGroup:
        """The hidden activation's curve around ``z``, with its tangent there: how steeply a turns with z."""
        f, df = self.network.activation.function, self.network.activation.derivative
        span, width, height = 4.0, 1.6, 0.9
        zs = np.linspace(z - span, z + span, 60)
        values = f(zs)
        low, high = float(values.min()), float(values.max())
        scale_y = height / max(high - low, 1e-9)
        points = np.column_stack([(zs - z) / (2 * span) * width, (values - low) * scale_y - height / 2,
                                  np.zeros_like(zs)])
        curve = VMobject(stroke_color=MUTED, stroke_width=3).set_points_smoothly(points)
        at = np.array([0.0, (float(f(np.array([z]))[0]) - low) * scale_y - height / 2, 0])
        slope = float(df(np.array([z]), f(np.array([z])))[0]) * scale_y / (width / (2 * span))
        direction = np.array([1.0, slope, 0]) / math.hypot(1.0, slope)
        tangent = Line(at - direction * 0.45, at + direction * 0.45, color=HIGHLIGHT, stroke_width=4)
        dot = Circle(radius=0.05, color=HIGHLIGHT, fill_opacity=1.0).move_to(at)
        return VGroup(curve, tangent, dot)

    def show_chain(self, share: float = 1.0) -> None:
        net, (layer, row, col) = self.network_mob, self.weight
        self.make_chain()
        keep = [net.edge_index(layer, row, col)] + [index for index in (net.edge_index(self.output, int(j), row)
                                                                        for j in net.indices[-1]) if index is not None]
        self.picked = self.picked_edge()
        source = net.neuron_at(layer - 1, col)
        self.source_ring = self.ring_around(source)
        formula, lines = self.panel[3], self.panel[4:]
        self.play(*(FadeOut(part) for part in (formula, *lines)), net.fade_edges(keep, FADED),
                  FadeOut(self.hidden_arrows), run_time=self.paced(0.4, 0.2 * share))
        self.hidden_arrows = None
        # The weight, picked out of the network, then lifted out with the neurons at its ends.
        self.play(Create(self.picked), FadeIn(self.source_ring), run_time=self.paced(0.5, 0.3 * share))
        self.play(Transform(self.big, self.chain_middle), Transform(self.sum_header, self.chain_names[1]),
                  TransformFromCopy(source, self.chain_left), FadeIn(self.chain_names[0]),
                  TransformFromCopy(self.picked, self.chain_edge), run_time=self.paced(0.7, 0.6 * share))
        # Told briefly, the chain rule's factors follow in the same sentence: its first is written as said.
        self.play(Transform(self.sum_arrow, self.chain_arrow), FadeIn(self.chain_w, shift=UP * 0.1),
                  run_time=self.ending_as_said(self.paced(0.5, share), self.factor_words()[0], least=0.3))
        self.panel = VGroup(self.big, self.sum_header, self.chain_left, self.chain_names[0], self.chain_edge,
                            self.sum_arrow, self.chain_w)

    def factor_words(self) -> list[str]:
        """The words that name each factor of the chain rule in the sentence said (told briefly, the chain and
        its rule share one): its name (activation, slope, wish), else its value."""
        caption = self.current_beat.caption if self.current_beat is not None else ""
        names = (("activation",), ("slope",), ("wish", "∂C/∂a"))
        values = [said(text) for text in self.chain_numbers()[:3]]
        return [next((word for word in words if word in caption), value) for words, value in zip(names, values)]

    def chain_formula(self) -> Formula:
        f = ACTIVATION_LOOKS[self.history.activation].symbol
        return self.formula(f"(partial C)/(partial w) = {{{{ a^((l-1)) : fa }}}} dot {{{{ {f}'(z) : fs }}}} dot "
                            f"{{{{ (partial C)/(partial a) : fd }}}}", font_size=34)

    def show_chain_rule(self, share: float = 1.0) -> None:
        """The chain rule along the chain, each factor lit where it comes from: the activation that feeds
        the weight, the slope of the neuron's activation at its z, and the wishes summed at it."""
        top = min(self.slope.get_bottom()[1], self.chain_slope.get_bottom()[1]) - 0.35
        rule = self.place(self.chain_formula(), top)
        self.rule = rule
        left_side = VGroup(*(part for part in rule if not any(part in rule.select(g) for g in ("fa", "fs", "fd"))))
        # Each factor comes as it is named (its name, or its value, as the sentence says it).
        said_as = self.factor_words()
        self.play(Write(left_side), run_time=self.ending_as_said(self.paced(0.4, 0.15 * share), said_as[0], 0.2))
        sources = ((rule.select("fa"), [Indicate(self.chain_left, color=HIGHLIGHT, scale_factor=1.3),
                                         FadeIn(self.chain_a, shift=DOWN * 0.1)]),
                   (rule.select("fs"), [Indicate(self.big, color=HIGHLIGHT, scale_factor=1.3), FadeIn(self.chain_z),
                                        FadeIn(self.slope), FadeIn(self.chain_slope)]),
                   (rule.select("fd"), [Indicate(self.sum_arrow, color=HIGHLIGHT), FadeIn(self.chain_want)]))
        for index, (term, lit) in enumerate(sources):
            run_time = self.paced(0.5, share / (len(sources) - index))
            # Done by the next factor's name, the last by the first value's (told briefly, the values fly
            # into the product next, each as it is said).
            after = said_as[index + 1] if index + 1 < len(sources) else said(self.chain_numbers()[0])
            run_time = self.ending_as_said(run_time, after)
            self.play(FadeIn(term, shift=DOWN * 0.1), *lit, run_time=run_time)
        self.remove(left_side, *(term for term, _ in sources))
        self.add(rule)  # the same glyphs, now as the one formula they are
        self.panel.add(rule, self.chain_a, self.chain_z, self.slope, self.chain_slope, self.chain_want)

    def show_chain_numbers(self) -> None:
        a, s, d, p = self.chain_numbers()
        numbers = self.formula(f"= {{{{ {a} : na }}}} dot {{{{ {factor(s)} : ns }}}} dot {{{{ {factor(d)} : nd }}}} "
                               f"approx {{{{ {p} : np }}}}")
        self.place(numbers, self.rule.get_bottom()[1] - 0.25)
        parts = [numbers.select(name) for name in ("na", "ns", "nd", "np")]
        # The product written as it is said (a penalty's words may follow it in the same sentence).
        reached = self.until_said(said(p))
        each = max(0.3, (reached + 0.2) / 4) if reached else self.paced(1.6, 0.7) / 4
        sources = (self.chain_a, self.chain_slope, self.chain_want)
        late = self.current_beat is not None and said(p) in self.current_beat.caption and reached < 1.0
        if late:  # little or no time left before it is said: the factors flash, all at once
            self.play(FadeIn(numbers), *(Indicate(source, color=HIGHLIGHT) for source in sources), run_time=0.6)
        else:
            # Each factor's value flies from where the chain shows it into the product, landing as it is said.
            flights = []
            values = (a, s, d)
            for index, (part, source, value) in enumerate(zip(parts[:3], sources, values)):
                # The line's own glyphs fly, from over the chain's: landed, they are what the line fades in
                # onto (a copy of the chain's glyphs, a size apart, showed both for a second, then snapped).
                digits = len(part.family_members_with_points())
                origin = VGroup(*source[-digits:])
                flight = part.copy().match_height(origin).move_to(origin)
                lands = self.until_said(said(value)) + 0.3 if reached else each
                self.play(flight.animate.move_to(part).match_height(part), Indicate(source, color=HIGHLIGHT),
                          run_time=max(0.3, lands))
                flights.append(flight)
                # Landed as its word starts, it stays lit while the word is said; the next leaves just before its own.
                dwell = self.until_said(said(values[index + 1])) - 0.3 if reached and index < 2 else 0.0
                if dwell >= 0.3:
                    self.play(Indicate(flight, color=HIGHLIGHT, scale_factor=1.1), run_time=dwell)
            # The flown values stay where they landed while the line comes in around them (no blink).
            self.play(FadeIn(numbers), run_time=max(0.3, self.until_said(said(p))) if reached else each)
            self.remove(*flights)
        extra = []
        if self.penalized():
            layer, row, col = self.weight
            penalty = fixed(self.example.penalty_gradient(layer, row, col))
            product, total = self.product_and_total()
            line = VGroup(self.formula(f'"penalty:" {self.penalty_code()} = {penalty}', font_size=LEGIBLE_FONT),
                          self.formula(f'"the step follows" {product} + {factor(penalty)} = {total}',
                                       font_size=LEGIBLE_FONT)).arrange(DOWN, aligned_edge=LEFT, buff=0.15)
            self.place(line, numbers.get_bottom()[1] - 0.25)
            extra = [line]
            self.play(Write(line), run_time=self.paced(1.0, 0.8))
        self.play(Indicate(numbers, color=HIGHLIGHT, scale_factor=1.05), Indicate(self.chain_edge, color=HIGHLIGHT),
                  run_time=self.paced(0.6))
        self.panel.add(numbers, *extra)

    def show_sweep(self) -> None:
        """Every layer's weights take their gradients for this example, from the output back; the wishes
        move back a layer at a time."""
        net = self.network_mob
        layers = list(range(self.output, 0, -1))
        each = self.paced(0.4 * len(layers), 0.85) / len(layers)
        self.play(net.fade_edges(range(len(net.edge_rgbas)), FADED), FadeOut(self.ring), FadeOut(self.source_ring),
                  run_time=0.4)
        for layer in layers:
            wishes = []
            if layer - 1 >= 1:
                arrows = self.hidden_wishes(layer - 1, -self.example.wants[layer - 1])
                wishes = ([Transform(self.hidden_arrows, arrows)] if self.hidden_arrows is not None
                          else [LaggedStart(*(GrowArrow(arrow) for arrow in arrows), lag_ratio=0.05)])
                if self.hidden_arrows is None:
                    self.hidden_arrows = arrows
            elif self.hidden_arrows is not None:
                wishes = [FadeOut(self.hidden_arrows)]
                self.hidden_arrows = None
            self.play(net.recolour(self.example.gradients.weights, self.gradient_scale, GRADIENT_PALETTE,
                                   layers=[layer - 1], run_time=each), *wishes, run_time=each)
        if self.beat_seconds() > 0.5:  # the weight of the chain, among all the others now
            self.play(Indicate(self.picked, color=HIGHLIGHT, scale_factor=1.0), run_time=self.beat_seconds())

    # -- beats: the average, the step ------------------------------------------------------

    def example_rows(self) -> list[int]:
        """The examples listed one by one: this one, then the next ones in the training set."""
        count = len(self.history.X_train)
        return [(self.sample + offset) % count for offset in range(min(EXAMPLES_LISTED, count))]

    def running_order(self) -> np.ndarray:
        """Every training example once, the listed ones first: the order the running average takes them."""
        listed = self.example_rows()
        rest = np.setdiff1d(np.arange(len(self.history.X_train)), listed)
        return np.concatenate([listed, rest]).astype(int)

    def example_table(self, top: float) -> VGroup:
        """The listed examples, a row each: its picture (for images), its name, and its own ∂C/∂w for the
        weight, the values right-aligned in one column."""
        h, stage = self.history, self.stage
        rows = VGroup()
        picture = 0.5 if h.image_shape is not None else 0.0
        name_x, value_right = stage.left + picture + 0.25 * bool(picture), stage.left + picture + 3.4
        for place, n in enumerate(self.example_rows()):
            y = top - (max(picture, 0.36) + 0.12) * (place + 0.5)
            name = Label(f"sample {n}", font_size=VALUE_FONT, color=LABEL)
            name.move_to([name_x, y, 0], LEFT)
            value = Label(said(fixed(self.per_example[n])), font_size=VALUE_FONT, color=LABEL)
            value.move_to([value_right, y, 0], RIGHT)
            parts = [name, value]
            if picture:
                image = PixelImage(h.X_train[n].astype(float), h.image_shape, picture)
                parts.insert(0, image.move_to([stage.left + picture / 2, y, 0]))
            rows.add(VGroup(*parts))
        return rows

    def average_formula(self) -> Formula:
        g = fixed(self.whole_gradient())
        mean = "1/N sum_(n=1)^N (partial C_n)/(partial w)"
        code = (f"{mean} + {self.penalty_code()} = {g}" if self.penalized() else
                f"(partial C)/(partial w) = {mean} = {g}")
        return self.formula(code, font_size=LEGIBLE_FONT)

    def show_average(self) -> None:
        h, net, stage = self.history, self.network_mob, self.stage
        count = len(h.X_train)
        header = Label("∂C/∂w of this weight, sample by sample", font_size=22, color=MUTED)
        self.place(header, stage.top)
        rows = self.example_table(header.get_bottom()[1] - 0.25)
        order = self.running_order()
        means = np.cumsum(self.per_example[order]) / np.arange(1, count + 1)
        counter = Readout(len(f"{count:,}"), font_size=26, color=LABEL)
        mean = Readout(max(len(said(fixed(value))) for value in means), font_size=26, color=HIGHLIGHT)
        running = VGroup(Label("average over", font_size=24, color=LABEL), counter,
                         Label("samples:", font_size=24, color=LABEL), mean).arrange(RIGHT, buff=0.15)
        self.place(running, rows.get_bottom()[1] - 0.3)
        counter.set_text("0")
        mean.set_text("")
        formula = self.place(self.average_formula(), running.get_bottom()[1] - 0.35)
        subtitle = self.subtitles["all"]
        if self.picked is None:  # no chain before (no hidden layer): the weight picked out now
            self.picked = self.picked_edge()
            self.play(Create(self.picked), run_time=0.5)
        # No one example now: its values, its wishes and its activations leave the network.
        self.play(*self.clear_panel(), FadeIn(header, rate_func=after_gone), *self.swap_subtitle(subtitle),
                  FadeIn(running, rate_func=after_gone), *self.example_leaves(), run_time=0.9)
        self.subtitle = subtitle

        def show_first(shown: int):
            def update(_, alpha: float) -> None:
                if alpha > 0.5:
                    counter.set_text(f"{shown:,}")
                    mean.set_text(said(fixed(means[shown - 1])))
            return update

        listed = self.paced(1.6, 0.35) / len(rows)
        before_all = self.until_said(f"all {count:,}")
        if before_all:  # listed before "all 8,000" is said: the count runs under those words
            listed = max(0.3, min(listed, before_all / len(rows)))
        for index, row in enumerate(rows):
            flying = row[-1].copy()
            self.play(FadeIn(row, shift=LEFT * 0.2), run_time=listed * 0.5)
            self.play(flying.animate.move_to(mean).set_opacity(0), UpdateFromAlphaFunc(running, show_first(index + 1)),
                      run_time=listed * 0.5)
            self.remove(flying)

        # Then every other example, faster and faster: the average settles on the whole set's gradient.
        start = len(rows)

        def run_on(_, alpha: float) -> None:
            shown = int(round(start * (count / start) ** alpha)) if start > 0 else count
            shown = min(count, max(start, shown))
            counter.set_text(f"{shown:,}")
            mean.set_text(said(fixed(means[shown - 1])) if shown < count else said(fixed(self.whole_gradient())))

        # All counted as the average is said: the count at all of them as its number is heard.
        self.play(UpdateFromAlphaFunc(running, run_on),
                  run_time=self.ending_as_said(self.paced(1.6, 0.6), said(fixed(self.whole_gradient())), least=0.6))
        # The average of every example's wishes, on every edge: the whole set's gradient.
        self.play(net.recolour(self.batch, self.batch_scale, GRADIENT_PALETTE), Write(formula), run_time=1.0)
        self.play(Indicate(mean, color=HIGHLIGHT), Indicate(formula, color=HIGHLIGHT, scale_factor=1.05),
                  run_time=self.paced(0.6))
        self.panel = VGroup(header, rows, running, formula)

    def show_step(self) -> None:
        net, stage = self.network_mob, self.stage
        rate = self.history.learning_rate
        w, stepped, then = self.step_numbers()
        g = fixed(self.whole_gradient())
        # The rate beside the rule it scales: the caption says "η = 0.2" as it begins, before the numbers (under
        # a penalty's longer rule, which it would shrink below reading size beside it).
        rate_mob = self.formula(f"eta = {rate_code(rate)}")
        if self.penalized():
            rule = VGroup(self.formula(f"w <- w - eta ((partial C)/(partial w) + {self.penalty_code()})"),
                          rate_mob).arrange(DOWN, aligned_edge=LEFT, buff=0.15)
        else:
            rule = VGroup(self.formula("w <- w - eta (partial C)/(partial w),"), rate_mob).arrange(RIGHT, buff=0.3)
        numbers = self.formula(f"{w} - {rate_code(rate)} dot {factor(g)} = {stepped}")
        parts = [rule, numbers]
        if not self.plain_steps():
            lines = ["this run:"] + self.step_ways("screen")
            parts.append(VGroup(*(Label(line, font_size=VALUE_FONT, color=MUTED) for line in lines))
                         .arrange(DOWN, aligned_edge=LEFT, buff=0.1))
            parts.append(self.formula(f'"epoch {self.next_epoch:,}:" w = {then}'))
        group = VGroup(*parts).arrange(DOWN, aligned_edge=LEFT, buff=0.3)
        top = stage.top
        self.place(group, top - self.panel[-1].height - 0.4, stage)  # below the last panel, moved up to the top
        # The rate first, as the sentence begins with it (while the last panel makes room); the rule, then its
        # numbers written by the time the weight after the step is said, about halfway.
        self.play(*self.clear_panel(self.panel[-1]), self.panel[-1].animate.move_to(
            [stage.left + self.panel[-1].width / 2, top - self.panel[-1].height / 2, 0]), Write(rate_mob),
            run_time=0.6)
        self.play(Write(rule[0]), Indicate(self.picked, color=HIGHLIGHT, scale_factor=1.0),
                  run_time=self.paced(0.8, 0.2))
        self.play(Write(numbers), run_time=self.paced(1.2, 0.25))
        after = [W[self.snapshot + 1] for W in self.history.weights]
        shown = [FadeIn(part) for part in parts[2:]]
        stepped_subtitle = self.subtitles["stepped"]
        self.play(net.recolour(after, self.weight_scale, WEIGHT_PALETTE), *shown, *self.swap_subtitle(stepped_subtitle),
                  run_time=1.2)
        self.subtitle = stepped_subtitle
        if len(parts) > 2:  # how the run's own steps went, pointed at as it is said
            self.play(Indicate(parts[2], color=HIGHLIGHT, scale_factor=1.05), run_time=self.paced(0.8, 0.5))
        self.play(Indicate(self.picked, color=HIGHLIGHT, scale_factor=1.0), Indicate(parts[-1], color=HIGHLIGHT,
                                                                                     scale_factor=1.05),
                  run_time=self.paced(0.6))
        self.panel.add(group, self.picked)

    def swap_subtitle(self, subtitle) -> list:
        """The subtitle under the title giving way to ``subtitle`` in its place, one after the other."""
        return [FadeOut(self.subtitle, rate_func=gone_first), FadeIn(subtitle, rate_func=after_gone)]

    def example_leaves(self) -> list:
        """This example's picture, input values and wishes fading, its neurons going quiet."""
        net = self.network_mob
        shown = [part for part in (self.image, net.input_labels, self.output_arrows, self.hidden_arrows)
                 if part is not None and len(part)]
        shown += [ring for ring in (self.ring, self.source_ring) if ring is not None and ring in self.mobjects]
        self.hidden_arrows = None
        return [FadeOut(part) for part in shown] + [net.light_layer(layer, np.zeros_like(a), run_time=0.6)
                                                    for layer, a in enumerate(self.example.a)]

    def show_after(self) -> None:
        net = self.network_mob
        first, second = distinct(self.example.loss, self.after.loss)
        change = self.formula(f"C: {first} -> {second}", font_size=LEGIBLE_FONT)
        self.place(change, self.cost_formula.get_top()[1])
        subtitle = self.subtitles["after"]
        # The same example again, through the stepped weights.
        back = [FadeIn(part) for part in (self.image, net.input_labels) if part is not None and len(part)]
        self.play(FadeOut(self.cost_formula, rate_func=gone_first), FadeIn(change, rate_func=after_gone),
                  *self.swap_subtitle(subtitle), *back,
                  *(net.light_layer(layer, a) for layer, a in enumerate(self.after.a)), run_time=self.paced(1.5, 0.5))
        self.subtitle = subtitle
        self.cost_formula = change
        self.play(Indicate(change, color=HIGHLIGHT, scale_factor=1.05), run_time=self.paced(1.0))

