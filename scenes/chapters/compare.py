"""CompareScene: runs that differ in one choice, replayed side by side from their own snapshots.

Each run's network recolours from its own recorded weights at the same epoch; their loss (and
accuracy) curves share one axis, a colour per run as its legend names it. A run that diverged
stops where it did, marked in red; one that did not learn is said not to have. For
initializations, each layer's activations at epoch 0 show how the signal spreads (or fades);
for activations, each function and its slope. Every number comes from the runs' histories.
"""
from __future__ import annotations

import functools
import math
from typing import Sequence

import numpy as np
from manim import (
    DOWN, LEFT, RIGHT, UP, Axes, Create, DashedVMobject, FadeIn, FadeOut, Indicate, LaggedStart, Line, Rectangle,
    ValueTracker, VGroup, VMobject, Write, linear,
)

from nnscratch import RunSpec, TrainingHistory, judge
from nnscratch.activations import HIDDEN_ACTIVATIONS
from nnscratch.comparison import VARIABLES, activation_spread, record_runs, varied_specs
from scenes.chapters.base import HistoryScene
from scenes.narration.words import loss_number
from scenes.mobjects.glyphs import Label
from scenes.mobjects.layout import GAP, Region, fit, fit_network, safe_area, short_sizes
from scenes.narration.beats import Beat, Brief
from scenes.mobjects.plot import EpochAxis, MetricPlot, labelled
from scenes.mobjects.readout import Readout
from scenes.mobjects.style import CLASS_COLORS, HIGHLIGHT, LABEL, MUTED, NEGATIVE

RUN_COLORS = CLASS_COLORS[:4]  # one colour per run, as the classes of the plane have theirs
NETWORK_SHARE = 0.47  # of the height below the title, for the row of networks
DRAWN = 8  # neurons drawn a layer in each small network
WARNING = "#FFB347"  # did not learn: amber, between the right answers' green and divergence's red
REPLAY_SHARES = (0.35, 0.3, 0.35)  # of the replay, for each of its three sentences


@functools.lru_cache(maxsize=1)
def default_comparison() -> tuple[tuple[TrainingHistory, ...], str, tuple]:
    """The built-in comparison ``manim scenes/chapters/compare.py CompareScene`` replays: three learning rates."""
    values = (0.1, 1.0, 30.0)
    specs = varied_specs(RunSpec(), VARIABLES["lr"], values)
    return tuple(record_runs(specs)), "lr", values


class CompareScene(HistoryScene):
    """``histories`` (2 to 4 runs) replayed in step. ``option`` names what they vary (a key of
    ``nnscratch.comparison.VARIABLES``) and ``values`` its value in each run; with neither the runs
    are named "run 1", "run 2"... ``duration`` is the replay's length in seconds."""

    def __init__(self, histories: Sequence[TrainingHistory] | None = None, option: str | None = None,
                 values: Sequence | None = None, duration: float = 12.0, history: TrainingHistory | None = None,
                 **kwargs) -> None:
        # ``history`` is what every other scene replays: a comparison replays ``histories`` instead.
        if histories is None:
            histories, option, values = default_comparison()
        histories = list(histories)
        if not 2 <= len(histories) <= len(RUN_COLORS):
            raise ValueError(f"compare 2 to {len(RUN_COLORS)} runs, not {len(histories)}")
        super().__init__(histories[0], **kwargs)
        self.histories = histories
        self.variable = VARIABLES.get(option) if option is not None else None
        self.values = list(values) if values is not None else [None] * len(histories)
        self.labels = (self.variable.labels(self.values) if self.variable is not None
                       else [f"run {index + 1}" for index in range(len(histories))])
        self.replay_seconds = duration
        self.verdicts = [judge(history) for history in histories]
        self.epochs = max(history.epochs for history in histories)  # a diverged run stopped short of it
        self.axis = EpochAxis(self.epochs)
        # One width scale for every network: a weight looks the same in each.
        self.weight_scale = max(float(np.abs(W).max()) for history in histories for W in history.weights)

    # -- what the runs did --------------------------------------------------------------

    def diverged_at(self, index: int) -> int | None:
        diverged = self.histories[index].diverged
        return None if diverged is None else int(diverged["epoch"])

    def final_words(self, index: int) -> str:
        """A run's end in a few words: its loss and accuracy, or how it failed."""
        history, verdict = self.histories[index], self.verdicts[index]
        if self.diverged_at(index) is not None:
            return f"diverged at epoch {self.diverged_at(index):,}"
        words = f"loss {loss_number(history.train_loss[-1])}"
        accuracy = history.test_accuracy[-1] if history.has_test else history.train_accuracy[-1]
        if not math.isnan(accuracy):
            words += f", {accuracy:.0%} {'test' if history.has_test else 'train'}"
        return (f"{words}: did not learn" if not verdict.learned else f"{words}: unstable" if verdict.unstable
                else words)

    def status_colour(self, index: int):
        if self.diverged_at(index) is not None:
            return NEGATIVE
        verdict = self.verdicts[index]
        return LABEL if verdict.learned and not verdict.unstable else WARNING

    def ranked(self) -> list[int]:
        """The runs that did not diverge, lowest final loss first."""
        kept = [i for i in range(len(self.histories)) if self.diverged_at(i) is None]
        return sorted(kept, key=lambda i: float(self.histories[i].train_loss[-1]))

    # -- layout -------------------------------------------------------------------------

    def prepare(self) -> None:
        area, h = safe_area(), self.history
        noun = self.variable.noun if self.variable is not None else "runs"
        self.title = Label(f"Comparing {noun}", font_size=38, color=LABEL)
        fit(self.title, area.above(area.top - self.title.height), UP + LEFT)
        networks_vary = self.variable is not None and self.variable.option == "layers"
        same = ("the same data and seed" if networks_vary
                else f"the same {short_sizes(h.layer_sizes)} network, data and seed")
        self.subtitle = Label(same + (f"; only the {noun[:-1]} changes" if self.variable else ""), font_size=22,
                             color=MUTED)
        fit(self.subtitle, area.below(self.title.get_bottom()[1] - 0.12).above(
            self.title.get_bottom()[1] - 0.12 - self.subtitle.height), UP + LEFT)
        self.epoch_readout = Readout(len(f"{self.epochs:,}"), font_size=28, color=LABEL)
        self.readouts = labelled(Label("epoch", font_size=28, color=MUTED), self.epoch_readout,
                                 Label(f"/ {self.epochs:,}", font_size=28, color=MUTED))
        self.readouts.move_to([area.right, 0, 0], RIGHT).align_to(self.title, DOWN)
        if self.readouts.get_left()[0] < self.title.get_right()[0] + GAP:  # a long title: the readout below it
            self.readouts.next_to(self.subtitle, RIGHT, buff=0.4).align_to(self.subtitle, DOWN)
            fit(self.readouts, area.right_of(self.subtitle.get_right()[0] + 0.3).above(
                self.subtitle.get_bottom()[1] - 0.05).below(self.subtitle.get_top()[1] + 0.3), RIGHT)
        content = area.below(min(self.subtitle.get_bottom()[1], self.readouts.get_bottom()[1]) - GAP)
        split = content.top - NETWORK_SHARE * content.height
        self.build_networks(content.above(split))
        self.lower = content.below(split - GAP)
        self.build_plots(self.lower)
        self.prepare_states()

    def build_networks(self, region: Region) -> None:
        """A column per run: its name in its colour, its network, and a line for how it ends."""
        count = len(self.histories)
        width = (region.width - (count - 1) * 2 * GAP) / count
        label_height = Label("Ag", font_size=24).height
        status_height = Label("Ag", font_size=18).height
        self.network_mobs, self.name_texts, self.status_texts, self.columns = [], VGroup(), [], []
        for index, history in enumerate(self.histories):
            left = region.left + index * (width + 2 * GAP)
            column = Region(left, left + width, region.bottom, region.top)
            self.columns.append(column)
            name = Label(self.labels[index], font_size=24, color=RUN_COLORS[index])
            fit(name, column.above(column.top - label_height), UP)
            self.name_texts.add(name)
            body = column.below(name.get_bottom()[1] - 0.12).above(column.bottom + status_height + 0.12)
            # No output labels: three or four networks side by side have no room for them, and the
            # outputs are the same in each.
            network = fit_network(lambda history=history, **size: self.make_network(
                history, max_drawn=DRAWN, output_labels=None, **size), body)
            network.set_weights([W[0] for W in history.weights], scale=self.weight_scale)
            network.remove(network.size_braces)  # the subtitle gives the sizes; braces would crowd small networks
            self.network_mobs.append(network)
            self.status_texts.append(self.status(index, ""))

    def status(self, index: int, text: str, colour=MUTED) -> Label:
        """The line under run ``index``'s network, placed in its column."""
        column = self.columns[index]
        line = Label(text or " ", font_size=18, color=colour)
        return fit(line, column.above(column.bottom).below(column.bottom + line.height + 0.02), DOWN)

    def build_plots(self, region: Region) -> None:
        """The loss of every run on one axis, and beside it their accuracy when the runs have one."""
        runs = list(zip(self.histories, RUN_COLORS, self.labels))
        finite = [float(h.train_loss.max()) for i, (h, _, _) in enumerate(runs) if self.diverged_at(i) is None]
        # The axis holds every run that did not diverge, and where all began; a diverged run leaves it.
        loss_top = max(max(finite, default=0.0), max(float(h.train_loss[0]) for h in self.histories)) * 1.1
        self.loss_readout = Readout(1, font_size=24, color=LABEL)
        self.accuracy_readout = Readout(1, font_size=24, color=LABEL)
        has_accuracy = not any(math.isnan(h.train_accuracy[0]) for h in self.histories)
        middle = (region.left + region.right) / 2
        loss_region = region.left_of(middle - GAP) if has_accuracy else region
        tops = [f"{loss_top:.3g}", "100%"]
        self.plots = [MetricPlot(loss_region, "training loss", self.loss_readout,
                                 [(h.train_loss, colour, label) for h, colour, label in runs], loss_top, tops[0],
                                 self.axis, tops)]
        if has_accuracy:
            self.plots.append(MetricPlot(region.right_of(middle + GAP), "training accuracy", self.accuracy_readout,
                                         [(h.train_accuracy, colour, label) for h, colour, label in runs], 1.0,
                                         tops[1], self.axis, tops))
        self.curves = [curve for plot in self.plots for curve in plot.curves]

    def prepare_states(self) -> None:
        """Each run's drawn weights and probe activations at every snapshot, once: a frame then
        interpolates a few hundred numbers per run."""
        self.states = []
        for history, network in zip(self.histories, self.network_mobs):
            weights = np.stack([network.drawn_weights([W[k] for W in history.weights])
                                for k in range(history.n_snapshots)])
            activations = np.stack([network.drawn_activations([history.probe_input] + [A[k] for A in history.probe_a])
                                    for k in range(history.n_snapshots)])
            self.states.append((history.snapshot_epochs.astype(float), weights, activations))

    def epoch_at(self, progress: float) -> float:
        """The epoch the replay shows at ``progress`` in [0, 1]: even along the epoch axis."""
        if self.axis.log:
            return float(np.expm1(progress * math.log1p(self.epochs)))
        return progress * self.epochs

    def show_epoch(self, epoch: float) -> None:
        """Every run at ``epoch`` (a run that stopped earlier, at its end), the curves drawn up to it."""
        for index, (network, (epochs, weights, activations)) in enumerate(zip(self.network_mobs, self.states)):
            at = min(epoch, epochs[-1])
            high = int(np.clip(np.searchsorted(epochs, at, side="right"), 1, len(epochs) - 1))
            low = high - 1
            t = 0.0 if epochs[high] == epochs[low] else (at - epochs[low]) / (epochs[high] - epochs[low])
            t = min(max(t, 0.0), 1.0) if len(epochs) > 1 else 0.0
            network.set_drawn_weights((1 - t) * weights[low] + t * weights[high], scale=self.weight_scale)
            network.set_drawn_activations((1 - t) * activations[low] + t * activations[high])
            diverged = self.diverged_at(index)
            if diverged is not None and epoch >= diverged and not self.marked[index]:
                self.marked[index] = True
                self.swap_status(index, f"diverged at epoch {diverged:,}", NEGATIVE)
        for plot in self.plots:
            plot.reveal(epoch)
        self.epoch_readout.set_text(f"{int(round(epoch)):,}")

    def swap_status(self, index: int, text: str, colour) -> None:
        new = self.status(index, text, colour)
        self.remove(self.status_texts[index])
        self.status_texts[index] = new
        self.add(new)

    # -- what is said -------------------------------------------------------------------

    def script(self) -> list[Beat]:
        noun = self.variable.noun[:-1] if self.variable is not None else None
        names = joined(self.labels)
        count = len(self.histories)
        intro = (f"{count} networks on the same data from the same seed: {names}." if noun == "network" else
                 f"{count} runs of one network on the same data from the same seed, with one thing changed, the "
                 f"{noun}: {names}." if noun else f"{count} runs on the same data: {names}.")
        beats = [Beat(intro, self.show_networks,
                      brief=f"{len(self.histories)} runs, with one thing changed: {names}." if noun else None)]
        beats += self.special_beats()
        keys = ("Their training losses share one axis, and their accuracies another, in the colours of their "
                "names." if len(self.plots) > 1 else "Their training losses share one axis, in the colours of "
                                                      "their names.")
        beats += [
            Beat(keys, self.show_plots),
            Beat("Each frame shows every run's real weights at the same epoch, and its curve up to there."
                 + self.dropout_words(), lambda: self.replay_part(0),
                 brief="Each frame shows every run's real weights at the same epoch." + self.dropout_words(brief=True)),
            Beat(self.events_caption(), lambda: self.replay_part(1)),
            Beat(self.outcome_caption(), lambda: self.replay_part(2)),
        ]
        failed = self.failed_caption()
        if failed:
            beats.append(Beat(failed, self.flash_failed))
        beats.append(Beat(self.ranking_caption(), self.show_ranking))
        return beats

    def dropout_words(self, brief: bool = False) -> str:
        """What a run with dropout shows, said: its glow and curves are the whole network, evaluated,
        not the thinned networks its steps trained."""
        if not any(history.dropout for history in self.histories):
            return ""
        if brief:
            return " Runs with dropout are shown whole, as evaluated."
        return (" A run with dropout silenced random hidden neurons at each training step; its glow and curves "
                "are the whole network, as it is evaluated.")

    def failed(self) -> list[int]:
        """The runs that did not learn, or are unstable, without diverging."""
        return [i for i, verdict in enumerate(self.verdicts)
                if (not verdict.learned or verdict.unstable) and self.diverged_at(i) is None]

    def failed_caption(self) -> str:
        """The runs that did not learn or are unstable, with why: one clause for each reason they share."""
        reasons: dict[str, list[int]] = {}
        for index in self.failed():
            verdict = self.verdicts[index]
            why = f"it did not learn: {verdict.why_not}" if not verdict.learned else f"it is unstable: {verdict.unstable}"
            reasons.setdefault(why, []).append(index)
        clauses = [f"with {joined([self.labels[i] for i in runs])}, {why}" for why, runs in reasons.items()]
        said = "; ".join(clauses)
        return "W" + said[1:] + "." if said else ""

    def special_beats(self) -> list[Beat]:
        """Why the choice matters, made visible before the replay: for initializations the spread of
        each layer's activations at the start, for activations each function and its slope."""
        option = self.variable.option if self.variable is not None else None
        if option == "init" and len(self.history.layer_sizes) > 2:
            return self.spread_beats()
        if option == "activation":
            return self.activation_beats()
        return []

    def events_caption(self) -> str:
        diverged = [i for i in range(len(self.histories)) if self.diverged_at(i) is not None]
        if not diverged:
            fastest = min(range(len(self.histories)), key=lambda i: self.epoch_to_half(i))
            return (f"With {self.labels[fastest]}, the loss halves first, by epoch {self.epoch_to_half(fastest):,}."
                    if self.epoch_to_half(fastest) <= self.epochs else "None of them halves its starting loss.")
        said = "; ".join(f"with {self.labels[i]}, training diverged at epoch {self.diverged_at(i):,}"
                         for i in diverged)
        return "W" + said[1:] + (": its loss left the axis, and its network stops there." if len(diverged) == 1
                                 else ": their losses left the axis, and their networks stop there.")

    def epoch_to_half(self, index: int) -> int:
        """The first epoch at which run ``index``'s training loss is half its start (past the end if never)."""
        loss = self.histories[index].train_loss.astype(float)
        below = np.flatnonzero(loss <= loss[0] / 2)
        return int(below[0]) if len(below) else self.epochs + 1

    def outcome_caption(self) -> str:
        ranked = self.ranked()
        if not ranked:
            return "Every run diverged."
        best, worst = ranked[0], ranked[-1]
        low, high = (float(self.histories[i].train_loss[-1]) for i in (best, worst))
        epochs = f"After {self.histories[best].epochs:,} epochs"
        if len(ranked) > 1 and high - low <= 0.02 * high:
            return f"{epochs} they end within 2% of each other, at a training loss of about {loss_number(low)}."
        said = f"{epochs} the lowest training loss is {self.labels[best]}'s, {loss_number(low)}"
        if len(ranked) > 1:
            said += f"; the highest, {self.labels[worst]}'s, {loss_number(high)}"
        return said + "."

    def ranking_caption(self) -> str:
        """The verdict: which runs learned, in order of their final loss, and the best on the test data."""
        learned = [i for i in self.ranked() if self.verdicts[i].learned]
        diverged = [self.labels[i] for i in range(len(self.histories)) if self.diverged_at(i) is not None]
        parts = []
        if not learned:
            parts.append(f"None of the {len(self.histories)} runs learned")
        elif len(learned) == 1:
            parts.append(f"Only {self.labels[learned[0]]} learned")
        else:
            parts.append("Of the runs that learned, from lowest final loss to highest: "
                         + ", ".join(self.labels[i] for i in learned))
        tested = [i for i in learned if self.histories[i].has_test and not math.isnan(self.histories[i].test_accuracy[-1])]
        if len(tested) > 1:
            best = max(tested, key=lambda i: float(self.histories[i].test_accuracy[-1]))
            parts.append(f"on the test data, {self.labels[best]} does best, "
                         f"{float(self.histories[best].test_accuracy[-1]):.0%}")
        if diverged and learned:
            parts.append(f"{joined(diverged)} diverged")
        return "; ".join(parts) + "."

    # -- the special beats --------------------------------------------------------------

    def spread_beats(self) -> list[Beat]:
        spreads = [activation_spread(history) for history in self.histories]
        last = len(self.history.layer_sizes) - 2
        deviations = [histogram_deviation(*spread[-1]) for spread in spreads]
        self.spreads = spreads
        widest, narrowest = int(np.argmax(deviations)), int(np.argmin(deviations))
        layers = "hidden layer 1" if last == 1 else f"hidden layers 1 to {last}"
        return [
            Beat(f"Before any training: how each initialization passes the signal on. Each histogram is the "
                 f"activations of {layers} over the training data, at epoch 0.", self.show_spreads,
                 brief=f"At epoch 0, each histogram is the activations of {layers} over the training data."),
            Beat(f"In the last hidden layer their standard deviation is {deviations[widest]:.2f} under "
                 f"{self.labels[widest]} and {deviations[narrowest]:.2f} under {self.labels[narrowest]}"
                 + (": a signal that narrow says little about the input." if deviations[narrowest]
                    < 0.25 * deviations[widest] else "."), self.indicate_spreads),
            Beat("Now the training itself.", self.hide_special, in_brief=Brief.WITH_NEXT),
        ]

    def activation_beats(self) -> list[Beat]:
        names = [str(value) for value in self.values]
        slopes = {name: self.slope_peak(name) for name in names}
        top, bottom = max(slopes.values()), min(slopes.values())
        steepest = [name for name in names if slopes[name] >= top - 1e-3]
        flattest = [name for name in names if slopes[name] <= bottom + 1e-3]
        compared = (f"Their slopes reach at most {top:.2f}, all of them" if top - bottom < 1e-3 else
                    f"{joined(steepest)} {'reaches' if len(steepest) == 1 else 'reach'} a slope of {top:.2f}; "
                    f"{joined(flattest)}, at most {bottom:.2f}")
        return [
            Beat("Each activation's curve, solid, and its slope, dashed: the slope is how much of an error "
                 "passes back through a neuron.", self.show_functions,
                 brief="Each activation, solid, and its slope, dashed."),
            Beat(compared[0].upper() + compared[1:] + ".", lambda: None),
            Beat("Now the training itself.", self.hide_special, in_brief=Brief.WITH_NEXT),
        ]

    @staticmethod
    def slope_peak(name: str) -> float:
        z = np.linspace(-4, 4, 801)
        activation = HIDDEN_ACTIVATIONS[name]
        return float(activation.derivative(z, activation.function(z)).max())

    def histogram_rows(self) -> VGroup:
        """A row per run of small histograms, one per hidden layer, in the region of the plots: the layers
        named above the columns, the range of the values under them."""
        region = self.lower
        small = 16
        layers = len(self.spreads[0])
        name_width = max(Label(label, font_size=18).width for label in self.labels) + 0.2
        cell = (region.width - name_width - (layers - 1) * GAP) / layers
        lefts = [region.left + name_width + layer * (cell + GAP) for layer in range(layers)]
        headings = VGroup(*(Label(f"hidden layer {layer + 1}", font_size=small, color=MUTED) for layer in range(layers)))
        for heading, left in zip(headings, lefts):
            heading.move_to([left + cell / 2, region.top - heading.height / 2, 0])
        edges = self.spreads[0][0][1]
        ends = VGroup()
        for left in lefts:
            ends.add(Label(f"{edges[0]:g}", font_size=small, color=MUTED).move_to([left, 0, 0], LEFT),
                     Label(f"{edges[-1]:g}", font_size=small, color=MUTED).move_to([left + cell, 0, 0], RIGHT))
        top = headings.get_bottom()[1] - 0.1
        bottom = region.bottom + ends.height + 0.08
        ends.set_y(region.bottom + ends.height / 2)
        count = len(self.histories)
        row_height = (top - bottom - (count - 1) * GAP) / count
        rows = VGroup(headings, ends)
        for index, spread in enumerate(self.spreads):
            row_top = top - index * (row_height + GAP)
            name = Label(self.labels[index], font_size=18, color=RUN_COLORS[index])
            name.move_to([region.left + name.width / 2, row_top - row_height / 2, 0])
            row = VGroup(name)
            peak = max(float(counts.max()) for counts, _ in spread) or 1.0
            for left, (counts, _) in zip(lefts, spread):
                bars = VGroup()
                width = cell / len(counts)
                for k, share in enumerate(counts):
                    if share <= 0:
                        continue
                    bar_height = max(0.02, (row_height - 0.05) * share / peak)
                    bars.add(Rectangle(width=width * 0.9, height=bar_height, stroke_width=0,
                                       fill_color=RUN_COLORS[index], fill_opacity=0.85).move_to(
                        [left + (k + 0.5) * width, row_top - row_height + bar_height / 2, 0]))
                base = Line([left, row_top - row_height, 0], [left + cell, row_top - row_height, 0],
                            stroke_color=MUTED, stroke_width=1.5)
                row.add(VGroup(base, bars))
            rows.add(row)
        return rows

    def function_plots(self) -> VGroup:
        """Each run's activation and its slope over z in [-4, 4], under its network."""
        plots = VGroup()
        z = np.linspace(-4, 4, 161)
        for index, name in enumerate(str(value) for value in self.values):
            column = self.columns[index]
            region = Region(column.left, column.right, self.lower.bottom, self.lower.top)
            activation = HIDDEN_ACTIVATIONS[name]
            a = activation.function(z)
            slope = activation.derivative(z, a)
            low, high = min(-1.0, float(a.min())), max(1.0, float(min(a.max(), 4.0)))
            axes = Axes(x_range=[-4, 4, 4], y_range=[low, high, high - low], x_length=region.width - 0.4,
                        y_length=max(0.8, region.height - 0.6), tips=False,
                        axis_config={"color": MUTED, "stroke_width": 1.5, "include_ticks": False})
            curve = axes.plot_line_graph(z, np.clip(a, low, high), add_vertex_dots=False,
                                         line_color=RUN_COLORS[index], stroke_width=3)
            slope_line = axes.plot_line_graph(z, np.clip(slope, low, high), add_vertex_dots=False,
                                              line_color=RUN_COLORS[index], stroke_width=2)
            dashed = DashedVMobject(slope_line["line_graph"], num_dashes=28)
            title = Label(f"{name} and its slope", font_size=18, color=RUN_COLORS[index])
            group = VGroup(axes, curve, dashed)
            fit(group, region.below(region.top - 0.35), DOWN)
            title.next_to(group, UP, buff=0.08)
            plots.add(VGroup(group, title))
        return plots

    # -- beats --------------------------------------------------------------------------

    def show_networks(self) -> None:
        self.play(Write(self.title), FadeIn(self.subtitle), FadeIn(self.readouts), run_time=1.0)
        self.show_epoch(0.0)
        for network in self.network_mobs:
            network.use_fast_drawing()
        self.play(*(FadeIn(network) for network in self.network_mobs),
                  *(network.fade_in_fast() for network in self.network_mobs),
                  LaggedStart(*(FadeIn(name, shift=DOWN * 0.1) for name in self.name_texts), lag_ratio=0.25),
                  run_time=1.5)

    def show_spreads(self) -> None:
        self.special = self.histogram_rows()
        self.play(FadeIn(self.special, lag_ratio=0.05), run_time=1.5)

    def indicate_spreads(self) -> None:
        # The last hidden layer's column, where the spreads are compared.
        self.play(*(Indicate(row[-1], color=HIGHLIGHT, scale_factor=1.0) for row in self.special[2:]), run_time=1.2)

    def show_functions(self) -> None:
        self.special = self.function_plots()
        self.play(*(Create(plot[0]) for plot in self.special), *(FadeIn(plot[1]) for plot in self.special),
                  run_time=1.5)

    def hide_special(self) -> None:
        self.play(FadeOut(self.special), run_time=0.6)

    def show_plots(self) -> None:
        parts = [part for plot in self.plots for part in (plot.axes, plot.labels)]
        self.play(*(Create(part) if isinstance(part, Axes) else FadeIn(part) for part in parts), run_time=1.3)
        self.add(*self.curves)

    def replay_part(self, part: int) -> None:
        """One sentence's share of the replay, stretched if the sentence needs longer."""
        if part == 0:
            self.tracker = ValueTracker(0.0)
            self.marked = [False] * len(self.histories)
            self.driver = VMobject(stroke_width=0)
            self.driver.add_updater(lambda _: self.show_epoch(self.epoch_at(self.tracker.get_value())))
            self.add(self.driver, *self.replayed(), *self.curves, self.epoch_readout)
        begin = sum(REPLAY_SHARES[:part])
        seconds = max(self.replay_seconds * REPLAY_SHARES[part], self.beat_seconds())
        self.play(self.tracker.animate.set_value(begin + REPLAY_SHARES[part]), run_time=seconds, rate_func=linear)
        if part == len(REPLAY_SHARES) - 1:
            self.driver.clear_updaters()
            self.show_epoch(float(self.epochs))

    def replayed(self) -> list:
        """What the replay's frames redraw besides the curves: added after the driver, so each frame
        draws it anew (Manim keeps what lies under every moving thing as a still background)."""
        return [network.canvas for network in self.network_mobs]

    def flash_failed(self) -> None:
        """The runs that did not learn, named under their networks in the warning colour."""
        for index in self.failed():
            self.swap_status(index, self.final_words(index), WARNING)
        self.play(*(FadeIn(self.status_texts[i], shift=UP * 0.1) for i in self.failed()), run_time=1.0)

    def show_ranking(self) -> None:
        for index in range(len(self.histories)):
            self.swap_status(index, self.final_words(index), self.status_colour(index))
        self.play(*(Indicate(text, color=self.status_colour(i), scale_factor=1.0)
                    for i, text in enumerate(self.status_texts)), run_time=1.2)


def joined(names: Sequence[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + f" and {names[-1]}"


def histogram_deviation(counts: np.ndarray, edges: np.ndarray) -> float:
    """The standard deviation of the values a histogram holds, each at the middle of its bin."""
    if not counts.sum():
        return 0.0
    middles = (edges[:-1] + edges[1:]) / 2
    mean = np.average(middles, weights=counts)
    return float(np.sqrt(np.average((middles - mean) ** 2, weights=counts)))
