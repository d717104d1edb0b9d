"""SummaryScene: the run's real final numbers, beside the trained network, and whether it learned."""
from __future__ import annotations

import math

from manim import DOWN, LEFT, UP, FadeIn, VGroup, Write

from nnscratch.verdict import judge
from scenes.chapters.base import HistoryScene
from scenes.narration.words import accuracy_number, data_words, loss_change, loss_number, neuron_words
from scenes.mobjects.glyphs import Label
from scenes.mobjects.layout import GAP, fit, fit_network, safe_area, short_sizes
from scenes.narration.beats import Beat, Brief
from scenes.mobjects.style import LABEL, MUTED, NEGATIVE

FACT_FONT = 28
COLUMN_SHARE = 0.55  # of the frame's width, for the facts


class SummaryScene(HistoryScene):
    """What was trained, how, and what it reached, one fact a beat, from the run's history."""

    def prepare(self) -> None:
        area, h = safe_area(), self.history
        self.title = Label("What the network learned", font_size=38, color=LABEL)
        fit(self.title, area.above(area.top - self.title.height), UP + LEFT)
        top = self.title.get_bottom()[1] - 2 * GAP
        column = area.below(top).right_of(area.right - COLUMN_SHARE * area.width)
        self.facts = [self.fact(text, detail) for text, detail in self.fact_texts()]
        verdict = judge(h)
        self.warning = None
        failings = ([] if verdict.learned else ["it did not learn"]) + (["it is unstable"] if verdict.unstable else []) \
            + (["it overfit"] if verdict.learned and verdict.overfit else [])
        if failings:
            self.warning = self.fact(", and ".join(failings), "", NEGATIVE)
            self.facts.append(self.warning)
        stack = VGroup(*self.facts).arrange(DOWN, aligned_edge=LEFT, buff=0.35)
        fit(stack, column, UP + LEFT)
        region = area.below(top).left_of(column.left - 2 * GAP)
        self.network_mob = fit_network(self.make_network, region)
        self.network_mob.set_weights(self.weights_at(-1), scale=self.weight_scale)
        self.network_mob.set_activations([a[0] for a in h.network_at(-1).trace(h.probe_input.astype(float)).a])

    @staticmethod
    def fact(text: str, detail: str, colour=LABEL) -> VGroup:
        lines = VGroup(Label(text, font_size=FACT_FONT, color=colour))
        if detail:
            lines.add(Label(detail, font_size=FACT_FONT - 6, color=MUTED))
        return lines.arrange(DOWN, aligned_edge=LEFT, buff=0.1)

    def fact_texts(self) -> list[tuple[str, str]]:
        h, meta = self.history, self.history.metadata
        sizes = h.layer_sizes
        n_parameters = sum(a * b + b for a, b in zip(sizes, sizes[1:]))
        batch = meta.get("batch_size")
        first, last = float(h.train_loss[0]), float(h.train_loss[-1])
        facts = [
            (data_words(h), f"{len(h.X_train):,} to train on, {len(h.X_test):,} to test"),
            (f"a {short_sizes(sizes)} network of {neuron_words(meta)}",
             f"{n_parameters:,} weights and biases"),
            (f"{h.epochs:,} epochs of {meta['optimizer']}, learning rate {meta['learning_rate']:g}",
             f"batches of {batch}" if batch else "the whole training set each step"),
            (f"loss {loss_number(first)} → {loss_number(last)}", loss_change(first, last)),
        ]
        accuracy = self.accuracy_text()
        if accuracy:
            facts.append(accuracy)
        return facts

    def accuracy_text(self) -> tuple[str, str] | None:
        h = self.history
        train = float(h.train_accuracy[-1])
        if math.isnan(train):
            return None
        test = float(h.test_accuracy[-1]) if h.has_test else math.nan
        if math.isnan(test):
            return f"accuracy {accuracy_number(train)} on the training set", "no test set was kept"
        return f"accuracy {accuracy_number(test)} on test examples", f"{accuracy_number(train)} on the training set"

    # -- what is said -------------------------------------------------------------------

    def script(self) -> list[Beat]:
        h = self.history
        verdict = judge(h)
        first, last = float(h.train_loss[0]), float(h.train_loss[-1])
        accuracy = self.accuracy_text()
        beats = [
            # A brief telling puts up the data's and the network's facts as the training's are said.
            Beat("To sum up, with the run's own numbers.", self.show_title, in_brief=Brief.WITH_NEXT),
            Beat(f"The data: {data_words(h)}; {len(h.X_train):,} examples to learn from and "
                 f"{len(h.X_test):,} kept apart to test.", lambda: self.show_fact(0), in_brief=Brief.WITH_NEXT),
            Beat(f"The network: {len(h.layer_sizes)} layers, {self.facts_text(1)}.", lambda: self.show_fact(1),
                 in_brief=Brief.WITH_NEXT),
            # The training chapter said how the loss went: a brief telling puts it up under the accuracy.
            Beat(f"It trained for {h.epochs:,} epochs, and the loss went from {loss_number(first)} to "
                 f"{loss_number(last)}.", lambda: (self.show_fact(2), self.show_fact(3)),
                 in_brief=Brief.WITH_NEXT if accuracy else Brief.SAID),
        ]
        if accuracy:
            said = (f"It gets {accuracy[0].removeprefix('accuracy ')}; {accuracy[1]}." if h.has_test else
                    f"It gets {accuracy[0].removeprefix('accuracy ')}.")
            beats.append(Beat(said, lambda: self.show_fact(4), brief=f"After {h.epochs:,} epochs, i{said[1:]}"))
        if not verdict.learned:
            unstable = f"; and it is unstable: {verdict.unstable}" if verdict.unstable else ""
            beats.append(Beat(f"This network did not learn: {verdict.why_not}{unstable}.", self.show_verdict))
        elif verdict.unstable:
            overfit = f"; and it overfit: {verdict.overfit}" if verdict.overfit else ""
            beats.append(Beat(f"It learned, but it is unstable: {verdict.unstable}{overfit}.", self.show_verdict))
        elif verdict.overfit:
            beats.append(Beat(f"It learned, then overfit: {verdict.overfit}.", self.show_verdict))
        beats.append(Beat("Every number and colour in this video came from this run, as it trained.",
                          self.show_closing))
        return beats

    def facts_text(self, index: int) -> str:
        return self.fact_texts()[index][1]

    # -- beats --------------------------------------------------------------------------

    def show_title(self) -> None:
        self.play(Write(self.title), FadeIn(self.network_mob), run_time=1.2)

    def show_fact(self, index: int) -> None:
        self.play(FadeIn(self.facts[index], shift=LEFT * 0.2), run_time=0.7)

    def show_verdict(self) -> None:
        self.play(FadeIn(self.warning), run_time=0.7)

    def show_closing(self) -> None:
        self.wait(0.5)
