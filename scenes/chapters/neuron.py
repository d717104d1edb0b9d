"""NeuronScene: one neuron up close, its weighted sum and its activation, in the run's own numbers.

Every number is a value of ``nnscratch.neuron.explain_neuron`` for the trained network and the
example the story follows (the run's probe, unless ``sample`` says otherwise). The neuron is the one
whose story is worth telling (``telling_neuron``): its sum lies where the activation bends, so the
squashing shows, and the inputs written out carry much of it. On images its weights are drawn over
the pixels, 3Blue1Brown's way, and the inputs written out are ringed where they are on the image.
The products flow along their edges into the neuron as its sum counts up, the bias joins them, and
the sum climbs the activation curve to the neuron's activation.
"""
from __future__ import annotations

import numpy as np
from manim import (
    DOWN, LEFT, RIGHT, UP, AnimationGroup, Axes, BackgroundRectangle, Circle, Create, DashedLine, Dot, FadeIn,
    FadeOut, GrowFromCenter, Indicate, LaggedStart, Line, ManimColor, MoveAlongPath, Restore, Succession, Triangle,
    UpdateFromAlphaFunc, VGroup, Write,
)

from nnscratch.neuron import SHOWN_TERMS, NeuronSum, explain_neuron, telling_neuron
from scenes.chapters.base import HistoryScene, input_kind
from scenes.mobjects.glyphs import Formula, Label, typst_number
from scenes.mobjects.layout import GAP, Region, boxes_overlap, fit, fit_network, safe_area
from scenes.mobjects.pixel_image import PixelImage
from scenes.mobjects.raster import Raster
from scenes.mobjects.readout import Readout
from scenes.mobjects.style import (
    ACTIVATION_LOOKS, EDGE_MAX_WIDTH, HIDDEN_RIM, HIGHLIGHT, INPUT_LEVELS, INPUT_RIM, LABEL, MUTED, NEGATIVE,
    OUTPUT_RIM, POSITIVE, edge_min_width, edge_styles, neuron_colors, weight_image_colors,
)
from scenes.narration.beats import Beat, Brief
from scenes.narration.words import number

FORMULA_FONT = 30
PLATE_FONT = 24
TICK_FONT = 21  # the curve's bounds are said ("between 0 and 1"): readable, 20 or more
SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def curve_span(values) -> float:
    """Half the width of the activation plot: wide enough for the curve's bends and every z shown."""
    return float(max(4.0, np.ceil(float(np.max(np.abs(values))) * 1.15)))


class NeuronDiagram(VGroup):
    """The inputs written out, their edges in the weights' colours, and one large neuron; ``products``
    holds each term's w·x, ready to flow along its edge into the neuron."""

    def __init__(self, step: NeuronSum, input_levels, rim, names: list[str] | None, width: float,
                 height: float = 0.0) -> None:
        super().__init__()
        terms, inputs, weights = step.terms, step.inputs, step.weights
        count = len(terms)
        # A few inputs spread over the height they have (room kept under them for the bias and a).
        spacing = float(np.clip((height - 2.6) / max(count - 1, 1), 1.15, 2.2))
        ys = (np.arange(count)[::-1] - (count - 1) / 2) * spacing
        left = -width / 2 + (1.5 if names else 0.9)
        self.inputs = VGroup(*(Circle(radius=0.26, stroke_color=INPUT_RIM, stroke_width=2, fill_opacity=1,
                                      fill_color=ManimColor.from_rgb(
                                          neuron_colors(input_levels(np.array([inputs[i]])))[0])).move_to([left, y, 0])
                               for i, y in zip(terms, ys)))
        self.neuron = Circle(radius=0.75, stroke_color=rim, stroke_width=3, fill_opacity=1,
                             fill_color=ManimColor.from_rgb(neuron_colors(np.zeros(1))[0]))
        self.neuron.move_to([width / 2 - 0.75, 0, 0])
        scale = float(np.abs(weights).max()) or 1.0
        rgbas, widths = edge_styles(weights[terms], scale, EDGE_MAX_WIDTH + 1, edge_min_width(1080))
        self.edges = VGroup()
        for circle, rgba, line_width in zip(self.inputs, rgbas, widths):
            start, end = circle.get_center(), self.neuron.get_center()
            direction = (end - start) / np.linalg.norm(end - start)
            self.edges.add(Line(start + direction * 0.26, end - direction * 0.75, stroke_width=line_width,
                                stroke_color=ManimColor.from_rgb(rgba[:3]), stroke_opacity=rgba[3]))
        self.values = VGroup(*(plate(number(inputs[i]), LABEL).next_to(circle, LEFT, buff=0.12)
                               for i, circle in zip(terms, self.inputs)))
        self.names = VGroup(*(Label(names[i], font_size=22, color=MUTED).next_to(value, LEFT, buff=0.12)
                              for i, value in zip(terms, self.values))) if names else VGroup()
        self.weight_labels = VGroup(*(plate(number(weights[i]), POSITIVE if weights[i] >= 0 else NEGATIVE)
                                      .move_to(edge.point_from_proportion(0.4)) for i, edge in zip(terms, self.edges)))
        self.products = VGroup(*(plate(number(weights[i] * inputs[i]), HIGHLIGHT).move_to(
            edge.point_from_proportion(0.62)) for i, edge in zip(terms, self.edges)))
        hidden = len(inputs) - count
        self.more = VGroup()
        if hidden:
            self.more = Label(f"+ {hidden:,} more inputs", font_size=22, color=MUTED).next_to(
                VGroup(self.inputs, self.values), DOWN, buff=0.3).align_to(self.values, LEFT)
        self.bias = plate(f"b = {number(step.bias)}", LABEL).next_to(self.neuron, DOWN, buff=0.2)
        self.add(self.edges, self.inputs, self.values, self.names, self.neuron, self.weight_labels, self.more,
                 self.bias)


def plate(text: str, colour, font_size: float = PLATE_FONT) -> VGroup:
    """A number on a dark plate, readable over edges."""
    label = Label(text, font_size=font_size, color=colour)
    return VGroup(BackgroundRectangle(label, fill_opacity=0.85, buff=0.05), label)


class NeuronScene(HistoryScene):
    """One neuron of the first hidden layer (the output layer of a network without one) for one
    training example, with the trained weights: its inputs, weights, bias, z, and a = f(z) on the
    curve of f. ``sample`` picks the example (default: the run's probe), ``neuron`` the neuron
    (default: the one whose story is worth telling, see ``telling_neuron``)."""

    def __init__(self, history=None, sample: int | None = None, neuron: int | None = None, **kwargs) -> None:
        super().__init__(history, **kwargs)
        h = self.history
        self.sample = h.probe_index if sample is None else sample
        if not 0 <= self.sample < len(h.X_train):
            raise ValueError(f"sample must be between 0 and {len(h.X_train) - 1}, got {self.sample}")
        self.network = h.network_at(-1)
        x = h.X_train[self.sample].astype(float)
        if neuron is None:
            neuron = telling_neuron(self.network, x)
        self.step = explain_neuron(self.network, x, 1, neuron, SHOWN_TERMS)
        name = h.output_activation if self.step.is_output else h.activation
        self.look = ACTIVATION_LOOKS[name]
        self.activation_name = name
        self.image = h.image_shape is not None and len(self.step.inputs) == int(np.prod(h.image_shape))

    # -- the numbers told ---------------------------------------------------------------

    @property
    def shown_sum(self) -> float:
        return float(self.step.products[self.step.terms].sum())

    @property
    def all_shown(self) -> bool:
        return len(self.step.terms) == len(self.step.inputs)

    def partial_sums(self) -> list[float]:
        """z as it is counted: after the terms written out, after the rest, and with the bias."""
        step = self.step
        first = self.shown_sum
        return [first, first + step.rest, step.z]

    # -- layout -------------------------------------------------------------------------

    def prepare(self) -> None:
        area, step = safe_area(), self.step
        self.title = Label("One neuron", font_size=38, color=LABEL)
        fit(self.title, area.above(area.top - self.title.height), UP + LEFT)
        self.subtitle = Label(f"{self.neuron_name()} · {self.example_name()} · trained weights", font_size=22,
                              color=MUTED)
        fit(self.subtitle, area.below(self.title.get_bottom()[1] - 0.12).above(
            self.title.get_bottom()[1] - 0.12 - self.subtitle.height), UP + LEFT)
        top = self.subtitle.get_bottom()[1] - GAP
        content = area.below(top)
        column = content.right_of(content.right - (0.37 if self.image else 0.42) * content.width)
        middle = content.left_of(column.left - 2 * GAP)
        if self.image:
            side = 0.26 * content.width
            self.make_pictures(Region(content.left, content.left + side, content.bottom, content.top))
            middle = middle.right_of(content.left + side + 0.7)
        rim = OUTPUT_RIM if step.is_output else HIDDEN_RIM
        names = None if self.image else [f"x{i + 1}".translate(SUBSCRIPTS) for i in range(len(step.inputs))]
        self.diagram = NeuronDiagram(step, INPUT_LEVELS[input_kind(self.history)], rim, names, middle.width,
                                     middle.height - 0.7)
        fit(self.diagram, middle.below(middle.top - 0.7))
        self.make_context(content)
        # z counts inside the neuron, as 3Blue1Brown writes a neuron's number in it.
        # A readout is made at the size it is shown (its glyphs are placed unscaled): sized to the neuron.
        widest = max(len(number(value)) for value in [0.0, *self.partial_sums()])
        font = PLATE_FONT
        for _ in range(2):
            self.z_name = Label("z =", font_size=font, color=LABEL)
            self.z_readout = Readout(widest, font, LABEL)
            self.z_value = VGroup(self.z_name, self.z_readout).arrange(RIGHT, buff=0.1)
            font *= min(1.0, 0.85 * self.diagram.neuron.width / self.z_value.width)
        self.z_value.move_to(self.diagram.neuron)
        self.a_value = plate(f"a = {number(step.a)}", HIGHLIGHT, PLATE_FONT + 4).next_to(
            self.diagram.bias, DOWN, buff=0.15)
        self.leaders = self.make_leaders() if self.image else VGroup()
        self.make_formulas(column)
        self.plot = self.make_plot(column.below(self.formulas.get_bottom()[1] - 2 * GAP))

    def neuron_name(self) -> str:
        layer = "the output layer" if self.step.is_output else "hidden layer 1"
        return f"neuron {self.step.neuron + 1} of {layer}"

    def example_name(self, ours: bool = False) -> str:
        """The example the neuron reads: "the 3 we follow" on screen, "our 3" (``ours``) in a sentence."""
        h = self.history
        if self.sample != h.probe_index:
            return f"training sample {self.sample}"
        if self.image and h.class_names:
            name = h.class_names[int(h.probe_target.argmax())]
            return f"our {name}" if ours else f"the {name} we follow"
        return "the example we follow"

    def make_pictures(self, region: Region) -> None:
        """The example's pixels, the neuron's weights drawn as an image under them (blue positive, red
        negative, as bright as they are large), and their products, which is what the sum adds."""
        h, step = self.history, self.step
        shape, n = h.image_shape, len(step.inputs)
        captions = [Label(text, font_size=22, color=MUTED) for text in
                    (f"{n:,} pixels", f"its {n:,} weights", "pixel × weight")]
        room = captions[0].height + 0.2
        side = min(region.width, (region.height - 2 * room - 0.15) / 2)
        self.digit = PixelImage(step.inputs, shape, side)
        self.digit.move_to([region.left + side / 2, region.top - side / 2, 0])
        weights = step.weights.reshape(shape)
        self.weight_image = Raster(weight_image_colors(weights, float(np.abs(weights).max()) or 1.0), side, side,
                                   smooth=False)
        self.weight_image.next_to(self.digit, DOWN, buff=room + 0.15)
        self.digit_caption, self.weight_caption, self.product_caption = captions
        self.digit_caption.next_to(self.digit, DOWN, buff=0.1)
        self.weight_caption.next_to(self.weight_image, DOWN, buff=0.1)
        self.product_caption.move_to(self.digit_caption)
        # The products, once the weights are on the pixels, grow to the whole column: what the sum adds.
        big = min(region.width, region.height - room)
        products = step.products.reshape(shape)
        self.product_image = Raster(weight_image_colors(products, float(np.abs(products).max()) or 1.0), big, big,
                                    smooth=False)
        self.product_frame = self.digit.frame.copy().replace(self.product_image, stretch=True)
        self.product_view = VGroup(self.product_image, self.product_frame)
        self.product_view.move_to([region.left + big / 2, (region.top + region.bottom + room) / 2, 0])
        self.product_caption.next_to(self.product_view, DOWN, buff=0.1)
        pixel = big / shape[1]
        corner = self.product_image.get_corner(UP + LEFT)
        self.rings = VGroup()
        for index in step.terms:
            row, column = divmod(int(index), shape[1])
            self.rings.add(Circle(radius=0.9 * pixel, color=HIGHLIGHT, stroke_width=2.5).move_to(
                corner + np.array([(column + 0.5) * pixel, -(row + 0.5) * pixel, 0])))

    def make_context(self, region: Region) -> None:
        """The whole network, filling the view before the neuron does: the neuron is picked out of it. It
        paints itself from its arrays (fading a network's hundreds of edges as Manim's lines costs seconds)."""
        layer = 1
        self.context = None
        network = fit_network(self.make_network, region)
        drawn = list(network.indices[layer])
        if self.step.neuron not in drawn:
            return
        network.set_weights(self.weights_at(-1), scale=self.weight_scale)
        self.context_neuron = network.neurons[layer][drawn.index(self.step.neuron)]
        self.context_ring = Circle(radius=2.2 * network.radius, color=HIGHLIGHT, stroke_width=4).move_to(
            self.context_neuron)
        self.context = network.use_fast_drawing()

    def make_leaders(self) -> VGroup:
        return VGroup(*(DashedLine(ring.get_right(), value.get_left(), color=HIGHLIGHT, stroke_width=1.5,
                                   dash_length=0.08)
                        for ring, value in zip(self.rings, self.diagram.values)))

    def make_formulas(self, column: Region) -> None:
        """The sum in symbols; under it a ledger of the same sum in this example's numbers, a row for each
        part of the story (the terms, the rest, the bias) and z under a rule; then the activation of z."""
        step, n = self.step, len(self.step.inputs)
        if self.all_shown:
            symbolic = " + ".join(f"w_{i + 1} x_{i + 1}" for i in range(n))
            rows = [(Formula(f"w_{i + 1} x_{i + 1}", font_size=FORMULA_FONT - 4, color=MUTED),
                     ("+ " if k else "") + f"{factor(step.weights[i], True)} dot {factor(step.inputs[i])}")
                    for k, i in enumerate(step.terms)]
        else:
            symbolic = f"w_1 x_1 + w_2 x_2 + dots.c + w_({n}) x_({n})"
            rows = [(f"{len(step.terms)} largest w·x", typst_number(self.shown_sum)),
                    (f"{n - len(step.terms):,} more w·x", f"+ {factor(step.rest)}")]
        rows.append(("bias", f"+ {factor(step.bias)}"))
        rows.append(("z", f"= {typst_number(step.z)}"))
        self.general = Formula(f"z = {symbolic} + b", font_size=FORMULA_FONT, color=LABEL)
        self.ledger = VGroup()
        for note, code in rows:  # a term's note is maths, in the formulas' font; the others are words
            self.ledger.add(VGroup(note if isinstance(note, Formula) else Label(note, font_size=22, color=MUTED),
                                   Formula(code, font_size=FORMULA_FONT, color=LABEL)))
        self.ledger.arrange(DOWN, buff=0.22)
        right = max(row[1].get_right()[0] for row in self.ledger)
        notes_right = right - max(row[1].width for row in self.ledger) - 0.35
        for row in self.ledger:
            row[1].align_to([right, 0, 0], RIGHT)
            row[0].align_to([notes_right, 0, 0], RIGHT).set_y(row[1].get_y())
        total = self.ledger[-1]
        self.rule = Line(LEFT * self.ledger.width / 2, RIGHT * self.ledger.width / 2, color=MUTED, stroke_width=1.5)
        self.rule.next_to(total, UP, buff=0.11).align_to(self.ledger, RIGHT)
        apply = self.look.symbol
        self.result = Formula(f"a = {apply}(z) = {apply}({typst_number(step.z)}) = {typst_number(step.a)}" if apply
                              else f"a = z = {typst_number(step.a)}", font_size=FORMULA_FONT, color=LABEL)
        self.formulas = VGroup(self.general, VGroup(self.ledger, self.rule), self.result).arrange(
            DOWN, aligned_edge=RIGHT, buff=0.3)
        self.formulas[1].align_to(self.general, LEFT).shift(RIGHT * 0.3)
        self.result.align_to(self.general, LEFT)
        fit(self.formulas, column.above(column.top - 0.58 * column.height), UP + LEFT)

    def make_plot(self, region: Region) -> VGroup:
        """The activation against z, built at its size (its numbers keep theirs): axes, the curve, the
        marker that follows z as it is counted, and the marks of z and a."""
        step = self.step
        span = curve_span([step.z, *self.partial_sums()])
        values = step.response(np.linspace(-span, span, 201))
        low, high = min(0.0, float(values.min())), max(1.0, float(values.max()))
        room = 0.55  # under the axis for the numbers, left of it for a's numbers
        self.axes = Axes(x_range=[-span, span, span / 2], y_range=[low, high, (high - low) / 2],
                         x_length=region.width - room - 0.4, y_length=max(1.0, region.height - 2 * room),
                         tips=False, axis_config={"color": MUTED, "stroke_width": 2})
        self.axes.move_to(region.center + np.array([room / 2 - 0.2, 0.1, 0]))
        self.curve = self.axes.plot(lambda t: float(step.response(t)[0]), x_range=[-span, span],
                                    color=LABEL, stroke_width=3)
        name = self.activation_name if self.look.symbol else "f"
        self.axis_names = VGroup(Label("z", font_size=24, color=MUTED).next_to(self.axes.x_axis, RIGHT, buff=0.1),
                                 Label(f"a = {name}(z)", font_size=22, color=MUTED).next_to(self.axes.y_axis, UP,
                                                                                             buff=0.1))
        self.ticks = VGroup(*(Label(number(t, 0), font_size=TICK_FONT, color=MUTED).next_to(self.axes.c2p(t, 0), DOWN,
                                                                                     buff=0.1)
                              for t in (-span, span)),
                            *(Label(number(v, 0), font_size=TICK_FONT, color=MUTED).next_to(
                                self.axes.c2p(0, v), DOWN + LEFT if v == 0 else LEFT, buff=0.12)  # 0 clear of z's axis
                              for v in (low, high)))
        base, point = self.axes.c2p(step.z, 0), self.axes.c2p(step.z, step.a)
        self.marker = Triangle(color=HIGHLIGHT, fill_opacity=1, stroke_width=0).scale(0.09).move_to(
            self.axes.c2p(0, 0)).shift(DOWN * 0.12)
        self.drop = DashedLine(base, point, color=HIGHLIGHT, stroke_width=2)
        self.across = DashedLine(point, self.axes.c2p(0, step.a), color=HIGHLIGHT, stroke_width=2)
        self.dot = Dot(base, radius=0.08, color=HIGHLIGHT)  # it climbs to the curve as z is squashed
        self.a_mark = plate(f"a = {number(step.a)}", HIGHLIGHT, 22)
        # Inside the frame and clear of the plot's name; where a side allows, clear of the a axis too.
        right = safe_area().right

        def fits(side, *others) -> bool:
            self.a_mark.next_to(point, side, buff=0.08)
            return self.a_mark.get_right()[0] <= right and not any(boxes_overlap(self.a_mark, o) for o in others)

        sides = [side for side in (UP + LEFT, DOWN + LEFT, DOWN + RIGHT) if fits(side, self.axis_names[1])]
        clear = [side for side in sides if fits(side, self.axis_names[1], self.axes.y_axis)]
        self.a_mark.next_to(point, (clear or sides or [DOWN + LEFT])[0], buff=0.08)
        # A number the marks would cover is read from the marks instead.
        for tick in list(self.ticks):
            if boxes_overlap(tick, self.a_mark):
                self.ticks.remove(tick)
        return VGroup(self.axes, self.curve, self.axis_names, self.ticks)

    # -- what is said -------------------------------------------------------------------

    def script(self) -> list[Beat]:
        step, n = self.step, len(self.step.inputs)
        bias, z, a = number(step.bias), number(step.z), number(step.a)
        sign = "positive" if step.z >= 0 else "negative"
        squash = f"Then {self.function_name()} {self.look.says}."
        if self.image:
            inputs = Beat(f"It takes all {n:,} pixels of the example, each through an edge with its own weight.",
                          self.show_inputs, in_brief=Brief.WITH_NEXT)
            weights = Beat("Each pixel is multiplied by its weight: where ink meets blue the sum grows, where it "
                           "meets red it shrinks.", self.show_products,
                           brief=f"It takes all {n:,} pixels, each times its own weight: blue adds, red takes away.")
        else:
            values = ", ".join(number(step.inputs[i]) for i in step.terms)
            inputs = Beat(f"Its inputs are the example's values: {values}." if n > 1 else
                          f"Its input is the example's one value, {values}.", self.show_inputs,
                          in_brief=Brief.WITH_NEXT)
            weights = Beat("Each input is multiplied by the weight on its edge: blue weights are positive, red ones "
                           "negative.", self.show_products,
                           brief="It takes the example's values, each times the weight on its edge.")
        if self.all_shown:
            summed = [Beat(f"The neuron adds up the products and its bias, {bias}: the weighted sum z is {z}, "
                           f"{sign}.", self.show_sum, brief=f"With the bias, {bias}, they add up to z = {z}.")]
        else:
            shown, rest = number(self.shown_sum), number(step.rest)
            hidden = n - len(step.terms)
            summed = [Beat(f"The {len(step.terms)} products that count most add {shown}; the other {hidden:,} add "
                           f"{rest}.", self.show_terms, in_brief=Brief.WITH_NEXT),
                      Beat(f"Then the bias, {bias}, is added: the weighted sum z is {z}.", self.show_bias,
                           brief=f"The {len(step.terms)} that count most add {shown}, the other {hidden:,} add "
                                 f"{rest}, the bias {bias}: z = {z}.")]
        return [
            Beat(f"Let's look at one neuron up close: {self.neuron_name()}, for {self.example_name(ours=True)}.",
                 self.show_neuron, in_brief=Brief.WITH_NEXT),
            inputs, weights, *summed,
            Beat(squash, self.show_curve, in_brief=Brief.WITH_NEXT),
            Beat(f"At z = {z} it gives a = {a}: how strongly this neuron fires, its brightness in the drawings.",
                 self.show_activation, brief=f"{self.function_name().capitalize()} {self.look.says}: z = {z} gives "
                                             f"a = {a}."),
        ]

    def function_name(self) -> str:
        return {"leaky_relu": "leaky relu", "identity": "the identity"}.get(self.activation_name,
                                                                          self.activation_name)

    def share(self, brief: float, full: float = 1.0) -> float:
        """Of the beat left, the share an animation takes: ``full`` told in full (by default all of it:
        each show has its own sentence), or ``brief`` where a brief telling plays several shows under one."""
        return brief if self.brief else full

    def least(self, full: float, brief: float) -> float:
        """The shortest an animation may be: ``brief`` where a brief telling fits several shows in a sentence."""
        return brief if self.brief else full

    # -- beats --------------------------------------------------------------------------

    def show_neuron(self) -> None:
        """The network; one neuron of it picked out, and the rest fading as it grows to its place."""
        d, context = self.diagram, self.context
        if context is None:
            self.play(Write(self.title), FadeIn(self.subtitle), GrowFromCenter(d.neuron),
                      run_time=self.paced(1.0, self.share(0.3)))
            return
        parts = VGroup(context.ellipses, context.size_braces, context.output_labels)
        self.add(context.canvas)
        self.play(Write(self.title), FadeIn(self.subtitle), context.fade_in_fast(), FadeIn(parts),
                  run_time=self.least(0.8, 0.6))
        self.play(Create(self.context_ring), run_time=self.paced(self.least(0.6, 0.4), self.share(0.0, 0.35)))
        grown = self.context_neuron.copy()
        self.add(grown)
        self.play(UpdateFromAlphaFunc(context.canvas, lambda _, alpha: setattr(context, "opacity", 1 - alpha)),
                  FadeOut(parts), FadeOut(self.context_ring), grown.animate.replace(d.neuron).set_style(
                      fill_color=d.neuron.get_fill_color(), stroke_color=d.neuron.get_stroke_color(),
                      stroke_width=d.neuron.get_stroke_width()),
                  run_time=self.paced(self.least(0.9, 0.7), self.share(0.0)))
        self.remove(grown, context.canvas)
        self.add(d.neuron)

    def show_inputs(self) -> None:
        """The inputs and their edges; on images, the example and the neuron's weights drawn as an image."""
        d = self.diagram
        pictures = [FadeIn(VGroup(self.digit, self.digit_caption)),
                    FadeIn(VGroup(self.weight_image, self.weight_caption), shift=0.2 * UP)] if self.image else []
        self.play(*pictures, LaggedStart(*(FadeIn(VGroup(circle, value, *([name] if len(d.names) else [])))
                                           for circle, value, name in zip(d.inputs, d.values,
                                                                          d.names if len(d.names) else d.inputs)),
                                         lag_ratio=0.25, group=VGroup(d.inputs, d.values, d.names)),
                  LaggedStart(*(Create(edge) for edge in d.edges), lag_ratio=0.25),
                  FadeIn(d.more), run_time=self.paced(self.least(1.4, 1.0), self.share(0.0)))

    def show_products(self) -> None:
        """Each weight written on its edge; on images the weights slide onto the pixels and become their
        products, and the pixels written out are ringed where they are."""
        d = self.diagram
        self.play(LaggedStart(*(FadeIn(label, scale=0.8) for label in d.weight_labels), lag_ratio=0.25,
                              group=d.weight_labels), Write(self.general),
                  run_time=self.paced(self.least(1.0, 0.7), self.share(0.0, 0.3) if self.image else 1.0))
        if self.image:
            self.play(self.weight_image.animate.move_to(self.digit), FadeOut(self.weight_caption),
                      run_time=self.paced(self.least(0.8, 0.6), self.share(0.0, 0.35)))
            # The products where the weights lie on the pixels, then grown to the whole column.
            self.product_view.save_state()
            self.product_view.replace(self.digit, stretch=True)
            self.play(FadeOut(self.weight_image), FadeOut(self.digit), FadeIn(self.product_view),
                      FadeOut(self.digit_caption), run_time=self.least(0.6, 0.4))
            self.play(Restore(self.product_view), FadeIn(self.product_caption), run_time=self.least(0.8, 0.6))
            self.play(LaggedStart(*(Create(ring) for ring in self.rings), lag_ratio=0.3),
                      LaggedStart(*(Create(leader) for leader in self.leaders), lag_ratio=0.3),
                      run_time=self.paced(self.least(1.0, 0.8)))

    def flow(self, products: list[VGroup], start: float, end: float, run_time: float) -> AnimationGroup:
        """``products`` flowing into the neuron one after another while z counts from ``start`` to ``end``
        (in the readout over the neuron, and the marker under the plot's axis)."""
        centre = self.diagram.neuron.get_center()
        moves = [Succession(FadeIn(p, scale=0.7), p.animate.move_to(centre).scale(0.6).set_opacity(0))
                 for p in products]

        def count(_, alpha: float) -> None:
            value = start + alpha * (end - start)
            self.z_readout.set_text(number(value))
            self.marker.move_to(self.axes.c2p(value, 0)).shift(DOWN * 0.12)

        return AnimationGroup(LaggedStart(*moves, lag_ratio=0.45), UpdateFromAlphaFunc(self.z_readout, count),
                              run_time=run_time)

    def show_terms(self) -> None:
        """The written-out products flow into the neuron, then the rest of them: each a row of the ledger."""
        d, sums = self.diagram, self.partial_sums()
        self.start_counting()
        seconds = self.paced(2.4, self.share(0.5))
        self.play(self.flow(list(d.products), 0.0, sums[0], 0.6 * seconds), FadeIn(self.ledger[0], shift=0.1 * DOWN))
        more = d.more.copy().set_color(HIGHLIGHT)
        self.play(self.flow([more], sums[0], sums[1], 0.4 * seconds), FadeIn(self.ledger[1], shift=0.1 * DOWN))

    def show_bias(self) -> None:
        """The bias joins the sum: z is counted."""
        sums = self.partial_sums()
        self.play(FadeIn(self.diagram.bias, shift=0.1 * UP), run_time=0.5)
        self.play(self.flow([self.diagram.bias.copy()], sums[1], sums[2], self.paced(1.2, 0.6)),
                  FadeIn(self.ledger[-2], shift=0.1 * DOWN))
        self.play(Create(self.rule), FadeIn(self.ledger[-1], shift=0.1 * DOWN), Indicate(self.z_value),
                  run_time=self.paced(0.6))

    def show_sum(self) -> None:
        """Every product flows into the neuron, then the bias: z is counted (inputs all written out)."""
        d, step = self.diagram, self.step
        self.start_counting()
        self.play(FadeIn(d.bias, shift=0.1 * UP), run_time=0.4)
        seconds = self.paced(2.4, 0.85)
        terms = VGroup(*self.ledger[:len(step.terms)])
        self.play(self.flow(list(d.products), 0.0, self.shown_sum, 0.55 * seconds),
                  LaggedStart(*(FadeIn(row, shift=0.1 * DOWN) for row in terms), lag_ratio=0.45, group=terms))
        self.play(self.flow([d.bias.copy()], self.shown_sum, step.z, 0.45 * seconds),
                  FadeIn(self.ledger[-2], shift=0.1 * DOWN))
        self.play(Create(self.rule), FadeIn(self.ledger[-1], shift=0.1 * DOWN), Indicate(self.z_value),
                  run_time=self.paced(0.6))

    def start_counting(self) -> None:
        """z at 0 in the neuron, and the axis it will be read on, its marker at 0."""
        self.z_readout.set_text(number(0.0))
        self.play(FadeIn(self.z_value), FadeIn(self.plot[0]), FadeIn(self.axis_names[0]), FadeIn(self.marker),
                  run_time=0.5)

    def show_curve(self) -> None:
        """The activation's curve drawn over the axes, with the numbers that bound it."""
        self.play(FadeIn(self.axis_names[1]), FadeIn(self.ticks), run_time=0.5)
        # A bright point runs ahead of the line: the curve's flat ends lie along the axis, where the line
        # alone would be drawn unseen.
        tracer = Dot(self.curve.get_start(), radius=0.06, color=HIGHLIGHT)
        self.play(Create(self.curve), MoveAlongPath(tracer, self.curve), run_time=self.paced(1.5, self.share(0.4)))
        self.remove(tracer)

    def show_activation(self) -> None:
        """z climbs to the curve and across to a: squashed; the neuron lights to its activation."""
        step = self.step
        # The sum said first is pointed at where it sits, as the dot sets off from it.
        self.play(FadeIn(self.dot, scale=0.5), Indicate(self.z_value, color=HIGHLIGHT), run_time=0.5)
        self.play(Create(self.drop), self.dot.animate.move_to(self.axes.c2p(step.z, step.a)),
                  run_time=self.paced(1.0, 0.15))
        level = ACTIVATION_LOOKS[self.activation_name].levels(np.array([step.a]))
        self.play(Create(self.across), FadeIn(self.a_mark), Write(self.result), run_time=self.paced(0.8, 0.5))
        fill = neuron_colors(level)[0]
        ink = "#111111" if float(np.dot(fill, [0.2126, 0.7152, 0.0722])) > 0.5 else LABEL  # z stays readable
        self.play(self.diagram.neuron.animate.set_fill(ManimColor.from_rgb(fill)), self.z_value.animate.set_color(ink),
                  FadeIn(self.a_value), run_time=self.paced(0.8))


def factor(value: float, colored: bool = False) -> str:
    """A number in a sum of products: in parentheses when negative, as one writes 2 + (−0.41) · 1."""
    code = typst_number(value, colored=colored)
    return f"({code})" if value < 0 else code
