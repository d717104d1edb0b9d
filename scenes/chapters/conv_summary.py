"""ConvSummaryScene: a convolutional run's recap in its own final numbers, drawn, and whether it learned.

The summary chapter of a convolutional run (the catalogue's ``conv_scene``); a run of dense layers is
summed up idea by idea by SummaryScene.

On the left, the trained network lit by the example the story followed; on the
right what it learned from and how (one line each, no unexplained terms), the
cost curve drawn as its fall is said, the test and training accuracies grown as
bars, and the verdict of ``nnscratch.verdict.judge`` as a badge: learned, did not
learn, unstable or overfit. It closes on the signal flowing through the network,
the one still stretch the story may keep. A convolutional network's first layer stands left of its dense
layers, its kernels over the maps they make of that example, and its weights and biases are counted by kind.
"""
from __future__ import annotations

import math

import numpy as np
from manim import (
    DOWN, LEFT, RIGHT, UP, Create, FadeIn, GrowFromEdge, Indicate, Rectangle, RoundedRectangle, VGroup, VMobject,
    Write,
)

from nnscratch.verdict import judge
from scenes.chapters.base import HistoryScene
from scenes.mobjects.conv_panel import ConvPanel
from scenes.mobjects.plane_panel import class_of
from scenes.narration.words import accuracy_number, listed, loss_change, loss_number, verdict_words
from scenes.mobjects.glyphs import Label
from scenes.mobjects.layout import GAP, Region, fit, fit_network, safe_area, short_sizes
from scenes.narration.beats import Beat, Brief
from scenes.mobjects.style import LABEL, MUTED, NEGATIVE, RIGHT as RIGHT_COLOR

FACT_FONT = 24
NUMBER_FONT = 24  # the numbers said, on the curve and the bars
COLUMN_SHARE = 0.52  # of the frame's width, for the recap beside the network
CONV_SHARE = 0.33  # of the network's room, for a CNN's first layer (its kernels over its maps of the probe)
LOSS_COLOR = "#FFD95E"  # as the training chapter draws the cost
TEST_COLOR = "#C8A2E8"
ACCURACY_COLOR = "#83C167"
OPTIMIZER_WORDS = {"sgd": "gradient descent", "momentum": "gradient descent with momentum",
                   "rmsprop": "gradient descent (rmsprop)", "adam": "gradient descent (adam)"}


class ConvSummaryScene(HistoryScene):
    """What was trained, how, and what it reached, drawn and said from the run's history."""

    def prepare(self) -> None:
        area, h = safe_area(), self.history
        self.verdict = judge(h)
        self.title = Label("Summing up", font_size=38, color=LABEL)
        fit(self.title, area.above(area.top - self.title.height), UP + LEFT)
        top = self.title.get_bottom()[1] - 2 * GAP
        column = area.below(top).right_of(area.right - COLUMN_SHARE * area.width)
        region = area.below(top).left_of(column.left - 2 * GAP)
        self.conv_panel = None
        if h.is_convolutional:  # its first layer as it ended, left of the dense layers
            conv = region.left_of(region.left + CONV_SHARE * region.width)
            region = region.right_of(conv.right + 2 * GAP)
            self.conv_panel = ConvPanel(h, [h.n_snapshots - 1], conv, self.probe_name())
        self.network_mob = fit_network(self.make_network, region)
        self.network_mob.set_weights(self.weights_at(-1), scale=self.weight_scale)
        self.network_mob.set_activations([a[0] for a in h.network_at(-1).trace(h.probe_input.astype(float)).a])
        self.facts = VGroup(*(Label(f"{text}: {detail}" if detail else text, font_size=FACT_FONT - 2, color=MUTED)
                              for text, detail in self.fact_texts()[:3])).arrange(DOWN, aligned_edge=LEFT, buff=0.14)
        fit(self.facts, column.above(column.top - self.facts.height), UP + LEFT)
        for line in self.facts:  # each shrunk on its own, if it must be: a long one leaves the others their size
            fit(line, Region(column.left, column.right, line.get_bottom()[1], line.get_top()[1]), LEFT)
        below = column.below(self.facts.get_bottom()[1] - 0.35)
        self.badge = self.verdict_badge()
        fit(self.badge, below.above(below.bottom + self.badge.height), DOWN + LEFT)
        middle = below.above(self.badge.get_top()[1] + 0.3)
        has_accuracy = not math.isnan(float(h.train_accuracy[-1]))
        fits = h.regression and h.user_data is not None  # a number predicted: its R² under the cost
        cost_region = middle.above(middle.top - (0.55 if has_accuracy else 0.75 if fits else 1.0) * middle.height)
        self.cost = self.cost_curve(cost_region)
        self.accuracy = self.accuracy_bars(middle.below(cost_region.bottom - 0.25)) if has_accuracy else None
        self.fit = None
        if fits:
            test = f", test {h.r_squared_words(test=True)}" if h.has_test else ""
            self.fit = Label(f"R² {h.r_squared_words()}{test}", font_size=FACT_FONT, color=LABEL)
            fit(self.fit, middle.below(cost_region.bottom - 0.2), UP + LEFT)

    # -- the recap's parts -----------------------------------------------------------------

    def fact_texts(self) -> list[tuple[str, str]]:
        """What was trained and how, each a line: the data, the network, the training (then the cost, and
        the accuracy when there is one)."""
        h, meta = self.history, self.history.metadata
        sizes = h.layer_sizes
        n_parameters = sum(a * b + b for a, b in zip(sizes, sizes[1:]))
        network = (short_sizes(sizes), f"{n_parameters:,} weights and biases")
        if h.is_convolutional:
            kernels, in_kernels = self.kernel_counts()
            # Two lines: one would be shrunk past reading, and the others with it.
            network = (f"{kernels} kernels, then {short_sizes(sizes)}\n{n_parameters + in_kernels:,} weights and "
                       f"biases, {in_kernels:,} in kernels", "")
        batch = meta.get("batch_size")
        first, last = float(h.train_loss[0]), float(h.train_loss[-1])
        facts = [
            (self.data_name(), f"{len(h.X_train):,} training, {len(h.X_test):,} test"),
            network,
            (f"{h.epochs:,} epochs", f"learning rate {meta['learning_rate']:g}"
             + (f", steps of {batch}" if batch else "")),
            (f"cost {loss_number(first)} → {loss_number(last)}", loss_change(first, last)),
        ]
        accuracy = self.accuracy_text()
        if accuracy:
            facts.append(accuracy)
        return facts

    def kernel_counts(self) -> tuple[int, int]:
        """A CNN's kernels, over all its conv layers, and their weights and biases."""
        convs = self.history.architecture.kernel_shapes()
        return sum(f for f, _, _, _ in convs), sum(f * c * k * k + f for f, c, k, _ in convs)

    def network_words(self) -> str:
        """The network as the recap says it: its layers and its count of weights and biases, a CNN's by kind."""
        h = self.history
        if not h.is_convolutional:
            return f"{short_sizes(h.layer_sizes)}, {self.fact_texts()[1][1]}"
        kernels, in_kernels = self.kernel_counts()
        dense = "dense layers" if len(h.layer_sizes) > 2 else "dense layer"
        total = h.network_at(-1).n_parameters
        return (f"{kernels} kernels, then the {dense} {short_sizes(h.layer_sizes)}; {total:,} weights and biases, "
                f"{in_kernels:,} of them in the kernels")

    def probe_name(self) -> str:
        """What the followed example is: its class name, or "example"."""
        names = self.history.class_names
        return names[int(class_of(self.history.probe_target.reshape(1, -1))[0])] if names else "example"

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
        heading = Label("cost", font_size=FACT_FONT, color=LABEL)
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
                             f"{accuracy_number(h.train_accuracy[-1])} of its training examples.")
        elif accuracy:
            said_accuracy = f"It gets {accuracy_number(h.train_accuracy[-1])} of its training examples right."
        brief_accuracy = (f", and it gets {accuracy_number(h.test_accuracy[-1])} of test examples right"
                          if accuracy and h.has_test else "")
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
        beats = [
            # A brief telling puts the recap's first lines up as the cost's fall is said.
            Beat("To sum up, with the run's own numbers.", self.show_title, in_brief=Brief.WITH_NEXT),
            Beat(f"The data: {self.data_name()}; {len(h.X_train):,} examples to learn from and "
                 f"{len(h.X_test):,} kept apart to test.", lambda: self.show_fact(0), in_brief=Brief.WITH_NEXT),
            Beat(f"The network: {self.network_words()}.",
                 lambda: self.show_fact(1), in_brief=Brief.WITH_NEXT),
            Beat(f"It trained for {h.epochs:,} epochs, and its cost fell from {loss_number(first)} to "
                 f"{loss_number(last)}." if self.verdict.learned and last < first else
                 f"It trained for {h.epochs:,} epochs; its cost went from {loss_number(first)} to {loss_number(last)}.",
                 self.show_cost, brief=f"To sum up: its cost went from {loss_number(first)} to {loss_number(last)}"
                                       f"{brief_accuracy}."),
        ]
        if said_accuracy:
            beats.append(Beat(said_accuracy, self.show_accuracy, in_brief=Brief.WITH_PREVIOUS))
        elif fit_words:
            beats.append(Beat(f"Its error shrank: {fit_words}.", self.show_fit, in_brief=Brief.WITH_PREVIOUS))
        short = verdict_said.split(":")[0].split(", and the test")[0].rstrip(".")
        beats.append(Beat(verdict_said, self.show_verdict,
                          brief=f"{short}. Every number and colour here came from this run.",
                          brief_show=lambda: (self.show_verdict(), self.show_closing())))
        beats.append(Beat("Every number and colour in this video came from this run, as it trained.",
                          self.show_closing, in_brief=Brief.LEFT_OUT))
        return beats

    # -- beats --------------------------------------------------------------------------

    def show_title(self) -> None:
        self.network_mob.use_fast_drawing()
        conv = [FadeIn(self.conv_panel)] if self.conv_panel is not None else []
        self.play(Write(self.title), *conv, FadeIn(self.network_mob), self.network_mob.fade_in_fast(),
                  run_time=1.0 if self.brief else self.paced(1.2))

    def show_fact(self, index: int) -> None:
        self.play(FadeIn(self.facts[index], shift=LEFT * 0.2), run_time=0.6 if self.brief else self.paced(0.7))

    def show_cost(self) -> None:
        """The cost's fall drawn as its two ends are said: first value, the curve, the last value."""
        if self.brief:
            self.show_fact(2)
        else:
            self.play(FadeIn(self.facts[2], shift=LEFT * 0.2), run_time=0.6)
        heading, axis, line, start, end = self.cost
        self.play(FadeIn(heading), Create(axis), FadeIn(start), run_time=0.6)
        self.play(Create(line), run_time=1.0 if self.brief else self.paced(1.2, 0.7))
        self.play(FadeIn(end, shift=RIGHT * 0.1), run_time=0.5)

    def show_fit(self) -> None:
        self.play(FadeIn(self.fit, shift=RIGHT * 0.1), run_time=self.paced(0.6))

    def show_accuracy(self) -> None:
        heading, names, tracks, bars, values = self.accuracy
        self.play(FadeIn(heading), FadeIn(names), Create(tracks), run_time=0.5)
        self.play(*(GrowFromEdge(bar, LEFT) for bar in bars), run_time=self.paced(1.0, 0.6))
        self.play(FadeIn(values, shift=RIGHT * 0.1), run_time=self.paced(0.5))

    def show_verdict(self) -> None:
        self.play(FadeIn(self.badge, scale=1.2), run_time=0.8)
        self.play(Indicate(self.badge, scale_factor=1.05), run_time=1.0 if self.brief else self.paced(1.0))

    def show_closing(self) -> None:
        """The signal of the example followed flowing through the trained network, layer by layer: every
        colour it passes is the run's."""
        layers = len(self.network_mob.layer_sizes) - 1 + (self.conv_panel is not None)
        seconds = max(0.6, self.paced(0.8 * layers) / layers)
        if self.conv_panel is not None:  # its maps first: what the dense layers take
            self.play(Indicate(self.conv_panel.maps, color=LABEL, scale_factor=1.05), run_time=seconds)
            layers -= 1
        for layer in range(layers):
            self.play(self.network_mob.forward_flash(layer, run_time=seconds))

