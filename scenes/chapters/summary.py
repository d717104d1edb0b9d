"""SummaryScene: the story's recap, one small picture per idea drawn from this run, then its final numbers.

The ideas in the order the story told them, each a panel of a grid that fills the frame and each
appearing as it is said: a neuron's weighted sum (the neuron the story followed, for the example it
followed, with its real inputs, weights and z), the activation squashing that sum, the example's cost
over its outputs, the cost along the way the gradient points down with one step of the learning rate,
the network the gradient flows back through (backpropagation), and the cost falling over the epochs
(training). Under them the test and training accuracies as bars, and the verdict of
``nnscratch.verdict.judge`` as a badge: learned, did not learn, unstable or overfit. It closes on the
signal of the example flowing through the trained network.

A convolutional run (``ConvSummaryScene``, the catalogue's ``conv_scene``) is summed up by the same
layout, facts, results and beats; only its panels differ: a kernel over the window under it giving one cell
of its map, ReLU, the max-pool, the dense layers' softmax, the cost, a kernel weight's gradient Σ x·δ, the
step downhill, training.
"""
from __future__ import annotations

import functools
import math
from typing import Callable, Sequence

import numpy as np
from manim import (
    DOWN, LEFT, RIGHT, UP, Animation, Create, FadeIn, GrowFromEdge, Indicate, LaggedStart, ManimColor,
    MoveAlongPath, Rectangle, RoundedRectangle, TransformFromCopy, VGroup, VMobject, Write,
)

from nnscratch.backprop import steepest_early_snapshot
from nnscratch.landscape import gradient_slice
from nnscratch.losses import right_probability
from nnscratch.neuron import NeuronSum, explain_neuron, telling_neuron
from nnscratch.verdict import judge
from nnscratch.activations import HIDDEN_ACTIVATIONS
from nnscratch.architecture import Pool
from nnscratch.conv_backprop import explain_conv_example, steepest_kernel_weight
from nnscratch.followed_window import kernel_at, strongest
from scenes.chapters.base import HistoryScene, followed_step, input_kind
from scenes.mobjects.conv_maps import map_colors, value_text
from scenes.mobjects.error_maps import error_colors
from scenes.narration.words import (
    accuracy_number, fixed, listed, loss_change, loss_number, number, said, verdict_words,
)
from scenes.mobjects.glyphs import Formula, Label
from scenes.mobjects.layout import GAP, Region, fit, fit_network, safe_area, short_sizes
from scenes.mobjects.recap import (
    FORMULA_FONT, CostPicture, DownhillPicture, GradientPicture, PoolPicture, RecapPanel, SquashPicture, SumPicture,
    WindowPicture,
)
from scenes.narration.beats import Beat, Brief
from scenes.mobjects.style import (
    ACTIVATION_LOOKS, HIDDEN_RIM, HIGHLIGHT, INPUT_LEVELS, LABEL, MUTED, NEGATIVE, OUTPUT_RIM, RIGHT as RIGHT_COLOR,
    neuron_colors, pixel_greys, weight_image_colors,
)

FACT_FONT = 24
NUMBER_FONT = 24  # the numbers said, on the curve and the bars
LOSS_COLOR = "#FFD95E"  # as the training chapter draws the cost
TEST_COLOR = "#C8A2E8"
ACCURACY_COLOR = "#83C167"
SUM_TERMS = 3  # a neuron's inputs drawn in its panel: its largest
SLICE_REACH = 3.0  # learning rates along the way downhill: the step taken and what lies past it
BRIEF_PACE = 0.7  # a brief telling's shortest animations, against the full telling's
RESULTS_HEIGHT = 1.15  # the strip under the grid: accuracy bars and the verdict
OPTIMIZER_WORDS = {"sgd": "gradient descent", "momentum": "gradient descent with momentum",
                   "rmsprop": "gradient descent (rmsprop)", "adam": "gradient descent (adam)"}
IDEAS = ("weighted sum", "squash", "cost", "gradient: downhill", "backpropagation", "training")


class SummaryScene(HistoryScene):
    """The story's ideas recapped as pictures of this run, then what it reached, drawn and said."""

    ideas = IDEAS
    columns = 3  # the grid of the ideas' panels
    brings_network = True  # the network's fact brings the network

    def __init__(self, history=None, **kwargs) -> None:
        super().__init__(history, **kwargs)
        h = self.history
        self.verdict = judge(h)
        self.network = h.network_at(-1)
        self.probe = int(h.probe_index)
        x = self.network.as_inputs(h.X_train[self.probe].astype(float))
        targets = self.network.as_targets(h.y_train[self.probe:self.probe + 1], 1)
        self.example_outputs = self.network.forward(x)[0]
        self.example_cost = float(self.network.costs(h.X_train[self.probe:self.probe + 1],
                                                     h.y_train[self.probe:self.probe + 1])[0])
        self.right_class = None if h.output_activation == "identity" else int(
            targets[0, 0] if len(targets[0]) == 1 else np.argmax(targets[0]))
        self.slice_snapshot = steepest_early_snapshot(h)
        ts, losses = gradient_slice(h, self.slice_snapshot, steps=31, reach=SLICE_REACH)
        self.slice_steps = ts / h.learning_rate  # in learning rates: a step is 1
        self.slice_losses = losses.astype(float)
        self.read_ideas()

    def read_ideas(self) -> None:
        """The numbers of the pictures particular to this kind of network: the neuron followed's sum."""
        x = self.history.X_train[self.probe].astype(float)
        self.step: NeuronSum = explain_neuron(self.network, x, 1, telling_neuron(self.network, x), SUM_TERMS)

    def prepare(self) -> None:
        area = safe_area()
        self.title = Label("Summing up", font_size=38, color=LABEL)
        fit(self.title, area.above(area.top - self.title.height), UP + LEFT)
        texts = self.fact_texts()
        self.facts = VGroup(*(Label(f"{text}: {detail}", font_size=FACT_FONT - 2, color=MUTED)
                              for text, detail in texts[:2])).arrange(DOWN, aligned_edge=RIGHT, buff=0.12)
        fit(self.facts, area.right_of(self.title.get_right()[0] + 0.5).above(area.top - self.facts.height),
            UP + RIGHT)
        top = min(self.title.get_bottom()[1], self.facts.get_bottom()[1]) - GAP
        results = Region(area.left, area.right, area.bottom, area.bottom + RESULTS_HEIGHT)
        grid = Region(area.left, area.right, results.top + GAP, top)
        rows = -(-len(self.ideas) // self.columns)
        grid_cells = cells(grid, self.columns, rows)
        self.panels = VGroup(*(RecapPanel(name, cell) for name, cell in zip(self.ideas, grid_cells)))
        self.make_pictures()
        self.make_results(results)

    def make_pictures(self) -> None:
        h, step = self.history, self.step
        rim = OUTPUT_RIM if step.is_output else HIDDEN_RIM
        terms = step.terms
        self.sum_picture = SumPicture(step.inputs[terms], step.weights[terms], step.z,
                                      INPUT_LEVELS[input_kind(h)], rim, self.panels[0].inside)
        self.activation_name = name = h.output_activation if step.is_output else h.activation
        symbol = {"sigmoid": "σ", "tanh": "tanh", "relu": "relu", "leaky_relu": "leaky", "softmax": "softmax"}.get(
            name, "f")
        self.squash_picture = SquashPicture(step.response, step.z, step.a, symbol, self.panels[1].inside)
        self.cost_picture = CostPicture(self.output_bars(), self.right_class, self.output_names(), self.example_cost,
                                        self.panels[2].inside, said=self.cost_words())
        self.downhill_picture = DownhillPicture(self.slice_steps, self.slice_losses, h.learning_rate,
                                                self.panels[3].inside)
        inside = self.panels[4].inside
        self.backprop_formula = Formula("(partial C)/(partial w) = a delta", font_size=FORMULA_FONT, color=LABEL)
        self.backprop_formula.move_to([inside.left, inside.bottom, 0], DOWN + LEFT)
        self.network_mob = fit_network(functools.partial(self.make_network, output_labels=None),
                                       inside.above(self.backprop_formula.get_top()[1] + 0.12))
        self.network_mob.set_weights(self.weights_at(-1), scale=self.weight_scale)
        self.network_mob.set_activations([a[0] for a in self.network.trace(h.probe_input.astype(float)).a])
        inside = self.panels[5].inside
        self.cost = self.cost_curve(inside)

    def make_results(self, region: Region) -> None:
        """The final numbers under the grid: accuracy bars on the left, the verdict on the right."""
        h = self.history
        self.badge = self.verdict_badge()
        fit(self.badge, region.right_of(region.right - 0.42 * region.width), RIGHT)
        left = region.left_of(self.badge.get_left()[0] - 0.6)
        has_accuracy = not math.isnan(float(h.train_accuracy[-1]))
        self.accuracy = self.accuracy_bars(left) if has_accuracy else None
        self.fit = None
        if h.regression and h.user_data is not None:  # a number predicted: its R² under the cost
            test = f", test {h.r_squared_words(test=True)}" if h.has_test else ""
            self.fit = Label(f"R² {h.r_squared_words()}{test}", font_size=FACT_FONT, color=LABEL)
            fit(self.fit, left, LEFT)

    # -- the numbers of the pictures -------------------------------------------------------

    def output_bars(self) -> np.ndarray:
        """The example's outputs as bars: each class's probability (a single sigmoid output is two: the
        first class's 1 − a, the second's a)."""
        outputs = self.example_outputs.astype(float)
        if self.right_class is not None and len(outputs) == 1:
            return np.array([1.0 - outputs[0], outputs[0]])
        return outputs

    def output_names(self) -> list[str]:
        names = self.history.class_names
        count = len(self.output_bars())
        if names and len(names) >= count:
            return [str(name) for name in names][:count]
        return [str(index) for index in range(count)]

    def p_right(self) -> float:
        """The probability the trained network gives the followed example's right class."""
        targets = self.network.as_targets(self.history.y_train[self.probe:self.probe + 1], 1)
        return float(right_probability(self.example_outputs[None, :], targets)[0])

    def cost_words(self) -> str:
        if self.right_class is None:
            truth = float(self.history.y_train[self.probe].reshape(-1)[0])
            predicted = number(float(self.example_outputs[0]))
            return f"{predicted} for {number(truth)}: cost {loss_number(self.example_cost)}"
        return f"its cost: {loss_number(self.example_cost)}"

    # -- the recap's parts -----------------------------------------------------------------

    def fact_texts(self) -> list[tuple[str, str]]:
        """What was trained and how, each a line: the data, the network, the training (then the cost, and
        the accuracy when there is one)."""
        h, meta = self.history, self.history.metadata
        batch = meta.get("batch_size")
        first, last = float(h.train_loss[0]), float(h.train_loss[-1])
        facts = [
            (self.data_name(), f"{len(h.X_train):,} training, {len(h.X_test):,} test"),
            self.network_fact(),
            (f"{h.epochs:,} epochs", f"learning rate {meta['learning_rate']:g}"
             + (f", steps of {batch}" if batch else "")),
            (f"cost {loss_number(first)} → {loss_number(last)}", loss_change(first, last)),
        ]
        accuracy = self.accuracy_text()
        if accuracy:
            facts.append(accuracy)
        return facts

    def network_fact(self) -> tuple[str, str]:
        """The network's layers, and its count of weights and biases."""
        sizes = self.history.layer_sizes
        return short_sizes(sizes), f"{sum(a * b + b for a, b in zip(sizes, sizes[1:])):,} weights and biases"

    def network_words(self) -> str:
        """The network as the recap says it."""
        return ", ".join(self.network_fact())

    def data_name(self) -> str:
        """The data in two or three words, without numbers of its own (the lines' numbers are the counts)."""
        data = self.history.user_data
        if data is not None:
            what = f"{data['target']} to predict" if self.history.regression else listed(self.history.class_names)
            return f"{data['file']}, {what}"
        return {"digits": "handwritten digits", "moons": "two half-moons", "spiral": "spiral arms",
                "circles": "a ring around a disc", "xor": "points by sign", "gaussians": "clusters",
                "sample": "two blobs"}.get(self.history.dataset_name, "examples")

    def accuracy_text(self) -> tuple[str, str] | None:
        h = self.history
        train = float(h.train_accuracy[-1])
        if math.isnan(train):
            return None
        test = float(h.test_accuracy[-1]) if h.has_test else math.nan
        if math.isnan(test):
            return f"accuracy {accuracy_number(train)} on the training set", "no test set was kept"
        return f"accuracy {accuracy_number(test)} on test examples", f"{accuracy_number(train)} on the training set"

    def cost_curve(self, region: Region) -> VGroup:
        """The training cost over the epochs as one line in ``region``, its first and last values written
        at its ends: the fall said, drawn."""
        h = self.history
        # The heading on a row of its own, as the accuracy's: a curve that hardly fell ends as high as
        # it starts, where a heading beside it would sit on its last value.
        heading = Label(f"cost over {h.epochs:,} epochs", font_size=FACT_FONT, color=LABEL)
        if heading.width > region.width:  # a narrow panel
            heading = Label(f"cost, {h.epochs:,} epochs", font_size=FACT_FONT, color=LABEL)
        heading.move_to([region.left, region.top, 0], UP + LEFT)
        start = Label(loss_number(h.train_loss[0]), font_size=NUMBER_FONT, color=LOSS_COLOR)
        end = Label(loss_number(h.train_loss[-1]), font_size=NUMBER_FONT, color=LOSS_COLOR)
        box = Region(region.left + start.width + 0.15, region.right - end.width - 0.15, region.bottom + 0.05,
                     heading.get_bottom()[1] - 0.1 - start.height / 2)
        losses = h.train_loss.astype(float)
        epochs = np.unique(np.round(np.linspace(0, len(losses) - 1, min(len(losses), 200))).astype(int))
        top = float(losses.max()) or 1.0
        # A long run's first epochs hold its fall: epochs spread as log(1 + epoch), as the training chapter's axis.
        position = np.log1p(epochs) / math.log1p(epochs[-1]) if epochs[-1] >= 5000 else epochs / max(epochs[-1], 1)
        points = np.column_stack([box.left + position * box.width, box.bottom + losses[epochs] / top * box.height,
                                  np.zeros(len(epochs))])
        line = VMobject(stroke_color=LOSS_COLOR, stroke_width=3).set_points_as_corners(points)
        start.next_to(points[0], LEFT, buff=0.1)
        end.next_to(points[-1], RIGHT, buff=0.1)
        axis = VGroup(*(Rectangle(width=box.width, height=0.0, stroke_color=MUTED, stroke_width=1.5)
                        .move_to([box.left + box.width / 2, box.bottom, 0]),))
        return VGroup(heading, axis, line, start, end)

    def accuracy_bars(self, region: Region) -> VGroup:
        """Test and training accuracy as bars along a 0 to 100% track, each with its number."""
        h = self.history
        rows = [("training", float(h.train_accuracy[-1]), ACCURACY_COLOR)]
        if h.has_test and not math.isnan(float(h.test_accuracy[-1])):
            rows.insert(0, ("test", float(h.test_accuracy[-1]), TEST_COLOR))
        heading = Label("accuracy", font_size=FACT_FONT, color=LABEL)
        heading.move_to([region.left, region.top, 0], UP + LEFT)
        names = [Label(name, font_size=FACT_FONT - 2, color=MUTED) for name, _, _ in rows]
        values = [Label(accuracy_number(value), font_size=NUMBER_FONT, color=color) for _, value, color in rows]
        name_width = max(name.width for name in names) + 0.15
        value_width = max(value.width for value in values) + 0.15
        track_width = max(0.5, region.width - name_width - value_width)
        row_height = min(0.42, (heading.get_bottom()[1] - 0.1 - region.bottom) / len(rows))
        bars, tracks = VGroup(), VGroup()
        for index, ((_, value, color), name, label) in enumerate(zip(rows, names, values)):
            y = heading.get_bottom()[1] - 0.1 - (index + 0.5) * row_height
            left = region.left + name_width
            name.move_to([region.left, y, 0], LEFT)
            track = Rectangle(width=track_width, height=row_height * 0.6, stroke_color=MUTED, stroke_width=1,
                              fill_opacity=0).move_to([left + track_width / 2, y, 0])
            bar = Rectangle(width=max(track_width * value, 0.01), height=row_height * 0.6, stroke_width=0,
                            fill_color=color, fill_opacity=0.85).move_to([left, y, 0], LEFT)
            label.next_to(track, RIGHT, buff=0.12)
            bars.add(bar)
            tracks.add(track)
        self.bar_values = VGroup(*values)
        return VGroup(heading, VGroup(*names), tracks, bars, self.bar_values)

    def verdict_badge(self) -> VGroup:
        """The verdict in a frame of its colour: green when it learned, red for a failing."""
        verdict, words, colour = self.verdict, self.verdict_words()[1], RIGHT_COLOR
        if not verdict.learned or verdict.unstable or verdict.overfit:
            colour = NEGATIVE
        text = Label(words, font_size=FACT_FONT + 2, color=colour)
        frame = RoundedRectangle(width=text.width + 0.4, height=text.height + 0.3, corner_radius=0.12,
                                 stroke_color=colour, stroke_width=3).move_to(text)
        return VGroup(frame, text)

    def verdict_words(self) -> tuple[str, str]:
        return verdict_words(self.verdict, self.history)

    # -- what is said -------------------------------------------------------------------

    def script(self) -> list[Beat]:
        h = self.history
        first, last = float(h.train_loss[0]), float(h.train_loss[-1])
        accuracy = self.accuracy_text()
        said_accuracy = ""
        if accuracy and h.has_test:
            said_accuracy = (f"It gets {accuracy_number(h.test_accuracy[-1])} of the test examples right, and "
                             f"{self.training_words()}.")
        elif accuracy:
            said_accuracy = f"It gets {accuracy_number(h.train_accuracy[-1])} of its training examples right."
        # Told briefly, right after the training chapter said the cost's fall: the test accuracy, or
        # the cost where there is none to say.
        brief_accuracy = (f": {accuracy_number(h.test_accuracy[-1])} right on test" if accuracy and h.has_test
                          else f", its cost {loss_number(last)}")
        fit_words = ""
        if h.regression and h.user_data is not None:
            # A number predicted is judged by its error, not right or wrong: R² says how much of the target's
            # spread the predictions account for (1 all of it, 0 no more than always guessing its mean).
            train_fit, test_fit = h.r_squared_words(), h.r_squared_words(test=True)
            fit_words = (f"its predictions of {h.target_name} reach an R² of {train_fit}" if train_fit != "undefined"
                         else f"the R² of its predictions of {h.target_name} is undefined, their true values all equal")
            if h.has_test:
                fit_words += (f", and {test_fit} on the test examples" if test_fit != "undefined" else
                              ", and undefined on the test examples, whose true values are all equal")
            brief_accuracy = f"; {fit_words}"
        verdict_said, _ = self.verdict_words()
        short = verdict_said.split(":")[0].split(", and the test")[0].rstrip(".")
        fell = self.verdict.learned and last < first
        beats = [
            # A brief telling folds the grid's first ideas under one sentence, the rest under the next.
            Beat("To sum up, with this run's own numbers.", self.show_title, in_brief=Brief.WITH_NEXT),
            Beat(f"The data: {self.data_name()}; {len(h.X_train):,} examples to learn from and "
                 f"{len(h.X_test):,} kept apart to test.", lambda: self.show_fact(0), in_brief=Brief.WITH_NEXT),
            Beat(f"The network: {self.network_words()}.", lambda: self.show_fact(1), in_brief=Brief.WITH_NEXT),
            *self.idea_beats(),
            Beat(f"Training takes the steps: over {h.epochs:,} epochs its cost fell from {loss_number(first)} to "
                 f"{loss_number(last)}." if fell else
                 f"Training took the steps: over {h.epochs:,} epochs its cost went from {loss_number(first)} to "
                 f"{loss_number(last)}.", self.show_training,
                 brief=f"After {h.epochs:,} epochs of training{brief_accuracy}. {short}.",
                 brief_show=lambda: (self.show_training(0.15), self.show_results())),
        ]
        if said_accuracy:
            beats.append(Beat(said_accuracy, self.show_accuracy, in_brief=Brief.LEFT_OUT))
        elif fit_words:
            beats.append(Beat(f"Its error shrank: {fit_words}.", self.show_fit, in_brief=Brief.LEFT_OUT))
        beats.append(Beat(verdict_said, self.show_verdict, in_brief=Brief.LEFT_OUT))
        beats.append(Beat("Every number and colour in this video came from this run, as it trained.",
                          self.show_closing, in_brief=Brief.LEFT_OUT))
        return beats

    def idea_beats(self) -> list[Beat]:
        """The ideas' panels, each drawn as it is said; a brief telling folds them under two sentences."""
        return [
            Beat(f"Each neuron weighs its inputs and adds them up: for our example, this one's sum is "
                 f"{number(self.step.z)}.", self.show_sum,
                 brief="A neuron sums its weighted inputs and squashes the sum.",
                 brief_show=lambda: self.in_parts((self.show_sum, "squashes"), (self.show_squash, None))),
            Beat(f"The activation squashes it, to {number(self.step.a)}.", self.show_squash,
                 in_brief=Brief.LEFT_OUT),
            Beat(f"The cost says how wrong the answer is: here {loss_number(self.example_cost)}.", self.show_cost,
                 brief="The cost scores the answer; backprop finds the way downhill.",
                 # Each panel as its idea is named: the backprop before the way downhill it finds.
                 brief_show=lambda: self.in_parts((self.show_cost, "backprop"), (self.show_backprop, "downhill"),
                                                  (self.show_downhill, None))),
            self.downhill_beat(),
            Beat("Backpropagation computes the gradient, from the output back.", self.show_backprop,
                 in_brief=Brief.LEFT_OUT),
        ]

    def downhill_beat(self) -> Beat:
        return Beat(f"The gradient points downhill; a step is the learning rate, {self.history.learning_rate:g}, "
                    "times it.", self.show_downhill, in_brief=Brief.LEFT_OUT)

    # -- beats --------------------------------------------------------------------------

    def panel(self, idea: str) -> RecapPanel:
        """The panel of ``idea`` (one of ``ideas``)."""
        return self.panels[list(self.ideas).index(idea)]

    def in_parts(self, *parts: tuple[Callable[[float], None], str | None]) -> None:
        """Several ideas' panels under one sentence, each drawn from when its idea is named until the next
        one is (``parts``: each panel's show, and the words that name the next idea; None for the last)."""
        for show, following in parts:
            self.part_until = following
            try:
                show(1.0)
            finally:
                self.part_until = None

    part_until: str | None = None  # the words that end the part being drawn (see ``in_parts``)

    def beat_seconds(self) -> float:
        """What is left of the beat's words, or, while a part of it is drawn, until the next part is named."""
        beat = self.current_beat
        if self.part_until is not None and beat is not None and self.part_until in beat.caption:
            return self.until_said(self.part_until)
        return super().beat_seconds()

    def part_time(self, share: float, least: float) -> float:
        """An animation's run time: ``share`` of what is left of the beat's words, never under ``least``
        (a brief beat shows several ideas under one sentence, each its share, each quicker)."""
        return self.paced(least * (BRIEF_PACE if self.brief else 1.0), share)

    def show_title(self) -> None:
        self.network_mob.use_fast_drawing()
        frames = [panel.frame for panel in self.panels]
        # Told briefly, the grid and the facts come at once: the sentence they share names the first idea.
        facts = [FadeIn(fact, shift=LEFT * 0.2) for fact in self.facts] if self.brief else []
        network = [FadeIn(self.network_mob), self.network_mob.fade_in_fast()] if self.brief and \
            self.brings_network else []
        self.play(Write(self.title), LaggedStart(*(Create(frame) for frame in frames), lag_ratio=0.15), *facts,
                  *network, run_time=0.6 if self.brief else self.paced(1.2))

    def show_fact(self, index: int) -> None:
        """A line of what was trained; the network's line brings the network, in the panel where the
        gradient will flow back through it (a CNN's dense layers come with their own panel's idea)."""
        if self.brief:  # shown with the title
            return
        if index == 1 and self.brings_network:
            self.play(FadeIn(self.network_mob), self.network_mob.fade_in_fast(), run_time=0.4)
        # Written as it is said, then pointed at: a slow fade of one line reads as a still frame.
        self.play(Write(self.facts[index]), run_time=self.paced(1.0, 0.65))
        self.play(Indicate(self.facts[index], color=HIGHLIGHT, scale_factor=1.0), run_time=self.paced(0.8))

    def show_sum(self, share: float = 1.0) -> None:
        """The inputs flow along their weights into the neuron, and its sum is written."""
        panel, picture = self.panels[0], self.sum_picture
        self.play(FadeIn(panel.heading), FadeIn(picture.inputs), FadeIn(picture.neuron), run_time=0.4)
        self.play(LaggedStart(*(Create(edge) for edge in picture.edges), lag_ratio=0.3),
                  Write(picture.formula), run_time=self.part_time(share * 0.5, 0.8))
        self.play(Write(picture.value), Indicate(picture.neuron, scale_factor=1.15),
                  run_time=self.part_time(share, 0.6))

    def show_squash(self, share: float = 1.0) -> None:
        """The curve is drawn, and the sum climbs from its axis to the curve: the activation."""
        panel, picture = self.panels[1], self.squash_picture
        self.play(FadeIn(panel.heading), Create(picture.axes), Create(picture.curve),
                  run_time=self.part_time(share * 0.4, 0.6))
        picture.dot.move_to(picture.base)
        self.play(FadeIn(picture.dot), run_time=0.2)
        self.play(picture.dot.animate.move_to(picture.point), Create(picture.drop), Write(picture.value),
                  self.activated(), run_time=self.part_time(share, 0.8))

    def activated(self):
        """What the activation changes in the picture before it: the neuron of the sum takes the colour of
        its activation, as the network draws it."""
        level = ACTIVATION_LOOKS[self.activation_name].levels(np.array([self.step.a]))
        return self.sum_picture.neuron.animate.set_fill(ManimColor.from_rgb(neuron_colors(level)[0]))

    def show_cost(self, share: float = 1.0) -> None:
        """The example's outputs grow as bars, the right one in green, and its cost is written."""
        panel, picture = self.panel("cost"), self.cost_picture
        self.play(FadeIn(panel.heading), FadeIn(picture.names), *(Create(picture.axis),) if len(picture.bars) else (),
                  run_time=0.4)
        if len(picture.bars):
            self.play(LaggedStart(*(GrowFromEdge(bar, DOWN) for bar in picture.bars), lag_ratio=0.1),
                      run_time=self.part_time(share * 0.5, 0.7))
        self.play(Write(picture.value), run_time=self.part_time(share, 0.6))

    def show_downhill(self, share: float = 1.0) -> None:
        """The cost along the way downhill is drawn, and the ball takes one step of the learning rate."""
        panel, picture = self.panel("gradient: downhill"), self.downhill_picture
        if picture.curve is None:
            self.play(FadeIn(panel.heading), Write(picture.value), run_time=self.part_time(share, 0.8))
            return
        self.play(FadeIn(panel.heading), Create(picture.axes), Create(picture.curve), FadeIn(picture.ball),
                  run_time=self.part_time(share * 0.4, 0.6))
        path = VMobject().set_points_smoothly(picture.path) if len(picture.path) > 2 else VMobject(
            ).set_points_as_corners(picture.path if len(picture.path) > 1 else [picture.path[0]] * 2)
        self.play(MoveAlongPath(picture.ball, path), Write(picture.value), run_time=self.part_time(share, 0.8))

    def show_backprop(self, share: float = 1.0) -> None:
        """The gradient's pulse runs back through the network, output to input, under its formula."""
        panel = self.panels[4]
        layers = len(self.network_mob.layer_sizes) - 1
        self.play(FadeIn(panel.heading), Write(self.backprop_formula),
                  run_time=self.part_time(share * 0.3, 0.6))
        seconds = max(0.3, self.part_time(share, 0.3 * layers) / layers)
        for layer in reversed(range(layers)):
            self.play(self.network_mob.forward_flash(layer, run_time=seconds, reverse=True))

    def show_training(self, share: float = 1.0) -> None:
        """The cost's fall drawn as its two ends are said: first value, the curve, the last value."""
        heading, axis, line, start, end = self.cost
        self.play(FadeIn(self.panel("training").heading), FadeIn(heading), Create(axis), FadeIn(start), run_time=0.4)
        # The curve reaches its end as the last cost is said (its label then written).
        last = f"to {loss_number(self.history.train_loss[-1])}"
        self.play(Create(line), run_time=self.ending_as_said(self.part_time(share * 0.8, 0.8), last, least=0.8))
        self.play(FadeIn(end, shift=RIGHT * 0.1), run_time=0.4)

    def show_results(self) -> None:
        """The final numbers: the training panel's last cost pointed at, then the accuracy and the verdict
        under the grid."""
        end = self.cost[-1]
        if self.accuracy is not None:
            self.show_accuracy(0.3, also=[Indicate(end)])
        elif self.fit is not None:
            self.play(Indicate(end), run_time=0.6)
            self.show_fit()
        self.show_verdict()

    def show_fit(self) -> None:
        self.play(FadeIn(self.fit, shift=RIGHT * 0.1), run_time=self.paced(0.6))

    def show_accuracy(self, share: float = 1.0, also: Sequence[Animation] = ()) -> None:
        heading, names, tracks, bars, values = self.accuracy
        # The bars grown by the time their first number is said, not still fading in under it; the other
        # number, when the sentence says it too, lit as it is said.
        first, *others = values
        self.play(FadeIn(heading), FadeIn(names), Create(tracks), *(GrowFromEdge(bar, LEFT) for bar in bars),
                  FadeIn(values, shift=RIGHT * 0.1), *also,
                  run_time=self.ending_as_said(self.part_time(share, 0.8), first.original_text))
        beat = self.current_beat
        if others and beat is not None and self.training_words() in beat.caption:  # (test and training may read alike)
            self.play(Indicate(others[0]), run_time=self.peaking_as_said(self.training_words()))

    def training_words(self) -> str:
        """The training accuracy as said after the test accuracy."""
        return f"{accuracy_number(self.history.train_accuracy[-1])} of its training examples"

    def show_verdict(self) -> None:
        self.play(FadeIn(self.badge, scale=1.2), run_time=0.6)
        self.play(Indicate(self.badge, scale_factor=1.05), run_time=self.paced(0.8))  # set at the edge: 1.2x clips

    def show_closing(self) -> None:
        """The signal of the example followed flowing through the trained network, layer by layer: every
        colour it passes is the run's."""
        layers = len(self.network_mob.layer_sizes) - 1
        seconds = max(0.6, self.paced(0.8 * layers) / layers)
        for layer in range(layers):
            self.play(self.network_mob.forward_flash(layer, run_time=seconds))


class ConvSummaryScene(SummaryScene):
    """A convolutional run summed up as a dense one is, its own ideas in the panels: a kernel over the
    window under it giving one cell of its map, ReLU, the max-pool, the dense layers' softmax, the cost,
    a kernel weight's gradient Σ x·δ, the step downhill, training. The convolution chapter's kernel and
    window, the backprop chapter's example, snapshot and weight: the same numbers the story told."""

    columns = 4
    brings_network = False  # the dense layers come in with their panel's idea

    def read_ideas(self) -> None:
        h = self.history
        trace = self.network.trace(h.probe_input[None, :].astype(float))
        image = h.probe_input.astype(float).reshape(h.image_shape)
        self.window = kernel_at(h, 0, 0, trace.maps.z[1][0], image[None], strongest(h.probe_maps[0][-1].astype(float)))
        self.a_map = h.probe_maps[0][-1][self.window.kernel].astype(float)
        stages = h.architecture.stages
        self.pool = stages[1] if len(stages) > 1 and isinstance(stages[1], Pool) else None
        if self.pool is not None:
            size, k = self.pool.size, self.window
            pooled = h.probe_maps[1][-1][k.kernel].astype(float)
            row, column = min(k.row // size, pooled.shape[0] - 1), min(k.column // size, pooled.shape[1] - 1)
            self.pool_window = self.a_map[row * size:(row + 1) * size, column * size:(column + 1) * size]
            self.pool_winner = int(h.probe_winners[0][-1][k.kernel, row, column])
            self.pool_kept = float(pooled[row, column])
        snapshot, sample = followed_step(h, None, None)
        example = explain_conv_example(h.network_at(snapshot), h.X_train[sample].astype(float), h.y_train[sample])
        self.gradient_kernel, i, j = steepest_kernel_weight(example)
        self.delta_map = example.delta(0)[self.gradient_kernel]
        rows, columns = self.delta_map.shape
        self.gradient_pixels = example.maps.a[0][0][i:i + rows, j:j + columns]
        self.kernel_gradient = float(example.weight_products(self.gradient_kernel, 0, i, j).sum())  # Σ x·δ

    @property
    def ideas(self) -> tuple[str, ...]:  # type: ignore[override]
        pool = () if self.pool is None else (f"{self.pool.size} × {self.pool.size} max-pool",)
        return ("window × kernel", "ReLU", *pool, "dense → softmax", "cost", "kernel gradient",
                "gradient: downhill", "training")

    def kernel_counts(self) -> tuple[int, int]:
        """The kernels over all the conv layers, and their weights and biases."""
        convs = self.history.architecture.kernel_shapes()
        return sum(f for f, _, _, _ in convs), sum(f * c * k * k + f for f, c, k, _ in convs)

    def network_fact(self) -> tuple[str, str]:
        """The kernels, then the dense layers; the weights and biases of all, those in the kernels apart."""
        kernels, in_kernels = self.kernel_counts()
        return (f"{kernels} kernels, then {short_sizes(self.history.layer_sizes)}",
                f"{self.network.n_parameters:,} weights and biases, {in_kernels:,} in kernels")

    def network_words(self) -> str:
        h = self.history
        kernels, in_kernels = self.kernel_counts()
        dense = "dense layers" if len(h.layer_sizes) > 2 else "dense layer"
        return (f"{kernels} kernels, then the {dense} {short_sizes(h.layer_sizes)}; "
                f"{self.network.n_parameters:,} weights and biases, {in_kernels:,} of them in the kernels")

    def make_pictures(self) -> None:
        h, k = self.history, self.window
        panels = iter(self.panels)
        self.window_picture = WindowPicture(
            pixel_greys(k.patch[0]), weight_image_colors(k.weights[0], float(np.abs(h.kernels[0][-1]).max())),
            map_colors(self.a_map, float(self.a_map.max()) or 1.0), (k.row, k.column), k.z, next(panels).inside)
        response = HIDDEN_ACTIVATIONS[h.activation].function
        name = {"relu": "relu", "leaky_relu": "leaky", "sigmoid": "σ", "tanh": "tanh"}.get(h.activation, "f")
        self.squash_picture = SquashPicture(response, k.z, k.a, name, next(panels).inside)
        self.pool_picture = None
        if self.pool is not None:
            scale = float(self.a_map.max()) or 1.0
            self.pool_picture = PoolPicture(self.pool_window, map_colors(self.pool_window, scale), self.pool_winner,
                                            self.pool_kept, next(panels).inside)
        inside = next(panels).inside
        self.sizes_label = Label(short_sizes(h.layer_sizes), font_size=FACT_FONT, color=LABEL)
        self.sizes_label.move_to([inside.left, inside.bottom, 0], DOWN + LEFT)
        self.network_mob = fit_network(functools.partial(self.make_network, output_labels=None),
                                       inside.above(self.sizes_label.get_top()[1] + 0.12))
        # Its sizes are written under it: a brace's "64" would sit on the flattened column's dots.
        self.network_mob.remove(self.network_mob.size_braces)
        self.network_mob.set_weights(self.weights_at(-1), scale=self.weight_scale)
        self.network_mob.set_activations([a[0] for a in self.network.trace(h.probe_input.astype(float)).a])
        self.cost_picture = CostPicture(self.output_bars(), self.right_class, self.output_names(), self.example_cost,
                                        next(panels).inside, said=self.cost_words())
        scale = float(np.abs(self.delta_map).max()) or 1.0
        self.gradient_picture = GradientPicture(pixel_greys(self.gradient_pixels), error_colors(self.delta_map, scale),
                                                self.gradient_text(), next(panels).inside)
        self.downhill_picture = DownhillPicture(self.slice_steps, self.slice_losses, h.learning_rate,
                                                next(panels).inside)
        self.cost = self.cost_curve(next(panels).inside)

    def gradient_text(self) -> str:
        return said(fixed(self.kernel_gradient))

    def idea_beats(self) -> list[Beat]:
        k, h = self.window, self.history
        relu = h.activation == "relu"
        act = "ReLU" if relu else "the activation"
        squash = (f"ReLU keeps a positive sum and zeroes a negative one: here {number(k.a)}." if relu
                  else f"The activation squashes it, to {number(k.a)}.")
        beats = [
            Beat(f"A kernel times the pixels under it, plus its bias, gives one cell of its map: here {number(k.z)}.",
                 self.show_window, brief=f"Kernels make maps of the digit; {act} "
                                         + ("keeps what is positive" if relu else "squashes each sum")
                                         + (", and pooling the strongest." if self.pool else "."),
                 brief_show=lambda: self.in_parts((self.show_window, act),
                                                  (self.show_squash, "pooling" if self.pool else None),
                                                  *([(self.show_pool, None)] if self.pool else []))),
            Beat(squash, self.show_squash, in_brief=Brief.LEFT_OUT),
        ]
        if self.pool is not None:
            n = self.pool.size
            beats.append(Beat(f"A {n} × {n} max-pool keeps each window's largest, here {value_text(self.pool_kept)}.",
                              self.show_pool, in_brief=Brief.LEFT_OUT))
        beats += [
            Beat("Flattened, the last maps feed the dense layers, and softmax gives each digit a probability.",
                 self.show_dense, brief="Dense layers answer; the cost scores it; backprop finds each kernel's "
                                        "way downhill.",
                 brief_show=lambda: self.in_parts((self.show_dense, "the cost"), (self.show_cost, "backprop"),
                                                  (self.show_gradient, "downhill"), (self.show_downhill, None))),
            Beat(f"The cost says how wrong the answer is: here {loss_number(self.example_cost)}.", self.show_cost,
                 in_brief=Brief.LEFT_OUT),
            Beat(f"Backpropagation gives each kernel weight its gradient: the pixel it multiplied times the error δ, "
                 f"added over every place. Here {self.gradient_text()}.", self.show_gradient,
                 in_brief=Brief.LEFT_OUT),
            self.downhill_beat(),
        ]
        return beats

    # -- beats --------------------------------------------------------------------------

    def show_window(self, share: float = 1.0) -> None:
        """The window and the kernel, their product going to the map's cell, and its sum written."""
        panel, picture = self.panels[0], self.window_picture
        self.play(FadeIn(panel.heading), FadeIn(picture.window), FadeIn(picture.kernel), Write(picture.times),
                  run_time=self.part_time(share * 0.3, 0.5))
        self.play(FadeIn(picture.feature), Create(picture.arrow), Write(picture.formula),
                  run_time=self.part_time(share * 0.6, 0.6))
        self.play(Create(picture.cell), Write(picture.value), run_time=self.part_time(share, 0.6))

    def activated(self):
        """The map's cell the activation goes to, flashed."""
        return Indicate(self.window_picture.cell, color=HIGHLIGHT)

    def show_pool(self, share: float = 1.0) -> None:
        """The window's values, its winner ringed, and the one value it keeps."""
        panel, picture = self.panels[2], self.pool_picture
        self.play(FadeIn(panel.heading), FadeIn(picture.window), run_time=self.part_time(share * 0.3, 0.5))
        self.play(Create(picture.ring), run_time=self.part_time(share * 0.5, 0.4))
        self.play(Create(picture.arrow), TransformFromCopy(picture.window.numbers[self.pool_winner], picture.kept),
                  Write(picture.value), run_time=self.part_time(share, 0.6))

    def show_dense(self, share: float = 1.0) -> None:
        """The dense layers lit by the example, the signal flowing through them to the softmax's outputs."""
        panel = self.panel("dense → softmax")
        self.play(FadeIn(panel.heading), FadeIn(self.network_mob), self.network_mob.fade_in_fast(),
                  Write(self.sizes_label), run_time=self.part_time(share * 0.3, 0.5))
        layers = len(self.network_mob.layer_sizes) - 1
        seconds = max(0.3, self.part_time(share, 0.3 * layers) / layers)
        for layer in range(layers):
            self.play(self.network_mob.forward_flash(layer, run_time=seconds))

    def show_gradient(self, share: float = 1.0) -> None:
        """The pixels the weight multiplied and the error there, their products added: the gradient."""
        panel, picture = self.panel("kernel gradient"), self.gradient_picture
        self.play(FadeIn(panel.heading), FadeIn(picture.pixels), Write(picture.times), FadeIn(picture.errors),
                  run_time=self.part_time(share * 0.4, 0.6))
        self.play(Write(picture.formula), run_time=self.part_time(share * 0.7, 0.5))
        self.play(Write(picture.value), Indicate(picture.errors, scale_factor=1.05),
                  run_time=self.part_time(share, 0.6))


def cells(region: Region, columns: int, rows: int, gap: float = GAP) -> list[Region]:
    """``region`` cut into ``columns`` × ``rows`` cells with ``gap`` between them, row by row from the top."""
    width = (region.width - (columns - 1) * gap) / columns
    height = (region.height - (rows - 1) * gap) / rows
    return [Region(region.left + c * (width + gap), region.left + c * (width + gap) + width,
                   region.top - r * (height + gap) - height, region.top - r * (height + gap))
            for r in range(rows) for c in range(columns)]

