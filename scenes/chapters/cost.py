"""CostScene: how wrong the network is, one example at a time, and the loss as their average.

Every cost is ``NeuralNetwork.costs`` of the recorded weights, before training (epoch 0)
and after it; their average plus the regularization penalty is the recorded loss.
"""
from __future__ import annotations

import numpy as np
from manim import LEFT, RIGHT, UP, FadeIn, Indicate, LaggedStart, Rectangle, SurroundingRectangle, VGroup, Write

from scenes.chapters.base import HistoryScene
from scenes.narration.words import loss_number
from scenes.mobjects.glyphs import Formula, Label
from scenes.narration.words import number
from scenes.mobjects.layout import GAP, fit, safe_area
from scenes.narration.beats import Beat, Brief
from scenes.mobjects.style import HIGHLIGHT, LABEL, MUTED

QUANTILES = (0.25, 0.5, 0.75, 0.95)  # of the trained costs: the rows besides the probe and the worst
BAR_LENGTH = 1.6  # the longest cost bar, before fitting
CELL_FONT = 28


def row_samples(costs: np.ndarray, probe: int) -> list[int]:
    """The probe, samples at QUANTILES of the costs, and the worst; easiest first."""
    order = np.argsort(costs, kind="stable")
    picks = [probe] + [int(order[int(q * (len(order) - 1))]) for q in QUANTILES] + [int(order[-1])]
    unique = list(dict.fromkeys(picks))
    return sorted(unique, key=lambda i: (costs[i], i))


class CostScene(HistoryScene):
    """A table of training examples with each one's answer and cost, after training and before it,
    and the loss as the average cost over the whole training set."""

    def __init__(self, history=None, **kwargs) -> None:
        super().__init__(history, **kwargs)
        h = self.history
        self.trained, self.initial = h.network_at(-1), h.network_at(0)
        self.costs = self.trained.costs(h.X_train, h.y_train)
        self.costs_before = self.initial.costs(h.X_train, h.y_train)
        self.probe = int(h.probe_index)
        self.rows = row_samples(self.costs, self.probe)
        self.worst = self.rows[-1]
        self.classes = h.output_activation != "identity"
        self.names = h.class_names

    # -- numbers ------------------------------------------------------------------------

    def label_of(self, sample: int) -> str:
        y = self.history.y_train[sample]
        if not self.classes:
            return ", ".join(number(v) for v in y)
        return self.names[int(y[0]) if len(y) == 1 else int(np.argmax(y))]

    def answer_of(self, network, sample: int) -> float | np.ndarray:
        """The probability given to the right class, or the output itself for real targets."""
        output = network.forward(self.history.X_train[sample].astype(float))[0]
        if not self.classes:
            return output
        y = self.history.y_train[sample]
        if len(output) == 1:
            return float(output[0] if y[0] == 1 else 1 - output[0])
        return float(output[int(np.argmax(y))])

    def answer_text(self, network, sample: int) -> str:
        answer = self.answer_of(network, sample)
        return number(answer, 3) if self.classes else ", ".join(number(v) for v in answer)

    def loss_of(self, network, costs: np.ndarray) -> float:
        return float(costs.mean() + network.penalty())

    # -- layout -------------------------------------------------------------------------

    def prepare(self) -> None:
        area, h = safe_area(), self.history
        self.title = Label("The cost", font_size=38, color=LABEL)
        fit(self.title, area.above(area.top - self.title.height), UP + LEFT)
        self.subtitle = Label(f"how wrong the network is, on {len(h.X_train):,} training examples", font_size=22,
                             color=MUTED)
        fit(self.subtitle, area.below(self.title.get_bottom()[1] - 0.15).above(
            self.title.get_bottom()[1] - 0.15 - self.subtitle.height), UP + LEFT)
        top = self.subtitle.get_bottom()[1] - GAP
        code = ("C = -ln p_\"right class\"" if self.classes else "C = (a - y)^2")
        self.formula = Formula(code, font_size=34, color=LABEL)
        fit(self.formula, area.below(top - GAP).above(top - GAP - 0.8), UP + LEFT)
        self.table = self.make_table()
        fit(self.table, area.below(self.formula.get_bottom()[1] - 2 * GAP), UP)

    def make_table(self) -> VGroup:
        h = self.history
        scale = max(float(self.costs[self.rows].max()), float(self.costs_before[self.rows].max()),
                    self.loss_of(self.initial, self.costs_before), 1e-9)
        answer = "p(right class)" if self.classes else "output"
        label = "label" if self.classes else "target"
        header = [self.cell("sample", MUTED), self.cell(label, MUTED),
                  self.cell(answer, MUTED), self.cell("cost", MUTED),
                  self.cell(answer, MUTED), self.cell("cost", MUTED)]
        body = []
        for sample in self.rows:
            body.append([self.cell(f"{sample}", LABEL), self.cell(self.label_of(sample), LABEL),
                         self.cell(self.answer_text(self.trained, sample), LABEL),
                         self.bar(self.costs[sample], scale),
                         self.cell(self.answer_text(self.initial, sample), LABEL),
                         self.bar(self.costs_before[sample], scale)])
        loss, loss_before = self.loss_of(self.trained, self.costs), self.loss_of(self.initial, self.costs_before)
        average = [self.cell("average", LABEL), self.cell(f"of {len(h.X_train):,}", MUTED), self.cell("", LABEL),
                   self.bar(loss, scale), self.cell("", LABEL), self.bar(loss_before, scale)]
        grid = [header, *body, average]
        widths = [max(row[c].width for row in grid) for c in range(6)]
        gaps = [0.5, 0.7, 0.4, 1.0, 0.4]
        xs = np.concatenate([[0.0], np.cumsum([w + g for w, g in zip(widths, gaps)])])
        y = 0.0
        rows = VGroup()
        for number_, row in enumerate(grid):
            height = max(cell.height for cell in row)
            if number_ == len(grid) - 1:
                y -= 0.25  # the average sits apart, under a rule
            for c, cell in enumerate(row):
                # Tops aligned: digits and letters share their tops, not their centres (descenders).
                cell.move_to([xs[c], y, 0], UP + LEFT)
            rows.add(VGroup(*row))
            y -= height + 0.22
        self.header, self.body, self.average = rows[0], VGroup(*rows[1:-1]), rows[-1]
        left = VGroup(self.header[2], self.header[3])
        right = VGroup(self.header[4], self.header[5])
        self.after_heading = Label(f"after {h.epochs:,} epochs", font_size=CELL_FONT, color=LABEL).next_to(left, UP, 0.15)
        self.before_heading = Label("before training", font_size=CELL_FONT, color=LABEL).next_to(right, UP, 0.15)
        self.rule = Rectangle(width=xs[-1] + widths[-1], height=0.01, stroke_width=0, fill_color=MUTED,
                              fill_opacity=1).move_to([(xs[-1] + widths[-1]) / 2, self.average.get_top()[1] + 0.17, 0])
        self.after_columns = VGroup(self.after_heading, self.header[2], self.header[3],
                                    *(VGroup(row[2], row[3]) for row in [*self.body, self.average]))
        self.before_columns = VGroup(self.before_heading, self.header[4], self.header[5],
                                     *(VGroup(row[4], row[5]) for row in [*self.body, self.average]))
        return VGroup(self.after_heading, self.before_heading, rows, self.rule)

    @staticmethod
    def cell(text: str, colour) -> Label:
        return Label(text, font_size=CELL_FONT, color=colour)

    def bar(self, cost: float, scale: float) -> VGroup:
        length = max(0.02, BAR_LENGTH * min(1.0, cost / scale))
        bar = Rectangle(width=length, height=0.18, stroke_width=0, fill_color=MUTED, fill_opacity=1)
        text = Label(loss_number(cost), font_size=CELL_FONT, color=LABEL)
        slot = Rectangle(width=BAR_LENGTH, height=0.18, stroke_opacity=0, fill_opacity=0)
        bar.align_to(slot, LEFT)
        drawn = VGroup(text, VGroup(slot, bar)).arrange(RIGHT, buff=0.2)
        drawn[1].match_y(text)
        return drawn

    # -- what is said -------------------------------------------------------------------

    def script(self) -> list[Beat]:
        h = self.history
        loss, loss_before = self.loss_of(self.trained, self.costs), self.loss_of(self.initial, self.costs_before)
        probe = self.probe
        brief_rule = None
        cost = loss_number(self.costs[probe])
        if self.classes:
            rule = ("For an example of a class, the cost is minus the log of the probability the network gives "
                    "the right class: a sure right answer costs 0, a sure wrong one a lot.")
            brief_rule = "An example's cost is minus the log of the probability given to its right class."
            probe_said = (f"Sample {probe}, the one we followed, is labelled {self.label_of(probe)}: the "
                          f"network gives that class {self.answer_text(self.trained, probe)}, a cost of {cost}.")
            probe_brief = (f"Sample {probe}, labelled {self.label_of(probe)}, gets "
                           f"{self.answer_text(self.trained, probe)} for its class: a cost of {cost}.")
        else:
            rule = "For a number, the cost is the squared difference between the output and the target."
            probe_said = (f"Sample {probe}, the one we followed, has the target {self.label_of(probe)}: the network "
                          f"answers {self.answer_text(self.trained, probe)}, a cost of {cost}.")
            probe_brief = (f"Sample {probe}, target {self.label_of(probe)}, gets "
                           f"{self.answer_text(self.trained, probe)}: a cost of {cost}.")
        penalty = self.trained.penalty()
        average = (f"The loss is the average cost over all {len(h.X_train):,} training examples: "
                   f"{loss_number(loss)}" + (f", with the regularization penalty of {loss_number(penalty)} added."
                                             if penalty else "."))
        return [
            Beat("How good are the network's answers? The cost puts how wrong it is on one example in one number.",
                 self.show_title, in_brief=Brief.WITH_NEXT),
            Beat(rule, self.show_formula, brief=brief_rule),
            Beat(probe_said, self.show_rows, brief=probe_brief),
            Beat(f"These {len(self.rows)} examples run from the easiest to the hardest: the worst, sample "
                 f"{self.worst}, costs {loss_number(self.costs[self.worst])}.", self.show_worst,
                 in_brief=Brief.LEFT_OUT),
            Beat(average, self.show_average, brief=average.replace("The loss is the average cost over", "The loss is "
                                                                   "their average over")),
            Beat(self.before_caption(loss, loss_before), self.show_before, in_brief=Brief.LEFT_OUT),
            Beat("Training searches for the weights that make this average small; backpropagation tells it "
                 "which way to move each one.", self.show_goal,
                 brief="Training seeks the weights that make this average small; backpropagation says which way "
                       "to move each."),
        ]

    def before_caption(self, loss: float, loss_before: float) -> str:
        said = f"Before training, with its first weights, the loss was {loss_number(loss_before)}"
        if loss_before > 1.1 * loss:
            return said + f": {loss_before / loss:,.1f} times what it is now."
        if loss_before >= loss / 1.1:
            return said + ": training hardly changed it."
        return said + ": training made it worse."

    # -- beats --------------------------------------------------------------------------

    def show_title(self) -> None:
        self.play(Write(self.title), FadeIn(self.subtitle), run_time=1.0)

    def show_formula(self) -> None:
        self.play(Write(self.formula), run_time=1.2)

    def show_rows(self) -> None:
        self.play(FadeIn(self.header[:2]), FadeIn(self.after_heading), FadeIn(self.header[2:4]), run_time=0.6)
        self.play(LaggedStart(*(FadeIn(VGroup(*row[:4])) for row in self.body), lag_ratio=0.15), run_time=1.4)
        probe_row = self.body[self.rows.index(self.probe)]
        self.probe_box = SurroundingRectangle(VGroup(*probe_row[:4]), color=HIGHLIGHT, buff=0.08)
        self.play(FadeIn(self.probe_box), run_time=0.5)

    def show_worst(self) -> None:
        worst_row = self.body[self.rows.index(self.worst)]
        box = SurroundingRectangle(VGroup(*worst_row[:4]), color=HIGHLIGHT, buff=0.08)
        self.play(self.probe_box.animate.become(box), run_time=0.8)

    def show_average(self) -> None:
        self.play(FadeIn(self.rule), FadeIn(VGroup(*self.average[:4])), run_time=0.8)
        self.play(Indicate(self.average[3], color=HIGHLIGHT, scale_factor=1.1), run_time=1.0)

    def show_before(self) -> None:
        self.play(FadeIn(self.before_columns[:3]), run_time=0.6)
        self.play(LaggedStart(*(FadeIn(column) for column in self.before_columns[3:]), lag_ratio=0.1), run_time=1.4)

    def show_goal(self) -> None:
        self.play(Indicate(self.average[3], color=HIGHLIGHT, scale_factor=1.1), run_time=1.0)
