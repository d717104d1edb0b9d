"""TrainingScene: training replayed from the history, network and curves in step."""
from __future__ import annotations

import math

import numpy as np
from manim import (
    DOWN, LEFT, RIGHT, UP, Axes, Create, FadeIn, Indicate, LaggedStart, Text, ValueTracker, VMobject, Write,
    linear,
)

from nnscratch import judge
from scenes.common import HistoryScene, loss_change, loss_number
from scenes.layout import GAP, Region, fit, fit_network, safe_area
from scenes.narration import Beat
from scenes.plot import EpochAxis, MetricPlot, labelled
from scenes.readout import Readout
from scenes.style import LABEL, MUTED, NEGATIVE

LOSS_COLOR = "#FFD95E"
ACCURACY_COLOR = "#83C167"
TEST_COLOR = "#C8A2E8"  # lavender: unlike the train curves of both plots
PANEL_SHARE = 0.44  # of the width below the title, for the plots
SUMMARY_FONT = 20
REPLAY_SHARES = (0.35, 0.3, 0.35)  # of the replay, for each of its three sentences


class TrainingScene(HistoryScene):
    """Replay the run in about ``duration`` seconds whatever its number of epochs.

    Keyframes are taken from the history where it changes fastest and the state
    between them is interpolated, so 500 and 50,000 epochs make replays of one length.
    ``duration`` is the replay's length; a part of it lasts longer when its sentence
    needs more time to be read or spoken.
    """

    def __init__(self, history=None, duration: float = 12.0, **kwargs) -> None:
        super().__init__(history, **kwargs)
        if not (math.isfinite(duration) and duration >= 3):
            raise ValueError(f"duration must be at least 3 s, got {duration}")
        self.replay_seconds = duration
        self.keys = self.history.keyframes(max(2, int(duration * 6)))
        self.verdict = judge(self.history)

    def prepare(self) -> None:
        area = safe_area()
        self.build_header(area)
        content = area.below(self.title.get_bottom()[1] - GAP)
        panel = content.right_of(content.right - PANEL_SHARE * content.width)
        self.build_panel(panel)
        left = content.left_of(panel.left - 2 * GAP)
        # Room at the bottom left for the summary and up to two warnings, one line each.
        line = Text("Ag", font_size=SUMMARY_FONT).height
        self.text_band = left.below(left.bottom + 3 * line + 2 * 0.12)
        self.network_mob = fit_network(self.make_network, left.above(self.text_band.top + GAP))
        self.prepare_keyframes()

    def script(self) -> list[Beat]:
        h, meta = self.history, self.history.metadata
        dataset = meta.get("dataset", {}).get("name", "its")
        moved = np.abs(self.key_weights[-1] - self.key_weights[0]).mean() / max(self.weight_scale, 1e-12)
        weights = ("Each frame shows the real weights at that epoch: edges recolour and thicken as they change."
                   if moved >= 0.05 else "Each frame shows the real weights at that epoch: here they hardly change.")
        signed = meta["activation"] in ("tanh", "leaky_relu")
        beats = [
            Beat(f"We train a {'-'.join(map(str, h.layer_sizes))} network on {dataset} data, with "
                 f"{meta['optimizer']} at learning rate {meta['learning_rate']:g}.", self.show_intro),
            Beat(f"The loss measures how wrong its answers are; an epoch is one pass over the "
                 f"{len(h.X_train):,} training samples.", self.show_measures),
            Beat(f"At the start the weights are random, and the loss is {loss_number(h.train_loss[0])}.",
                 self.show_start),
            Beat(weights, lambda: self.replay_part(0)),
            Beat("The neurons glow with the activations of one training sample"
                 + (": blue when positive, amber when negative." if signed else "."), lambda: self.replay_part(1),
                 detail=not signed),
            Beat(self.outcome_caption(), lambda: self.replay_part(2)),
            Beat(self.summary_text() + ".", self.show_ending, detail=True),
        ]
        if not self.verdict.learned:
            beats.append(Beat(f"This run did not learn: {self.verdict.why_not}.",
                              lambda: self.show_warning(f"did not learn: {self.verdict.why_not}")))
        if self.verdict.overfit:
            beats.append(Beat(f"And it overfits: {self.verdict.overfit}.", self.show_overfit))
        return beats

    def outcome_caption(self) -> str:
        """What the loss and accuracy did, said as it was: a fall only when they fell."""
        h = self.history
        first, last = float(h.train_loss[0]), float(h.train_loss[-1])
        learned = self.verdict.learned
        if not learned:
            change = f"The loss goes from {loss_number(first)} to {loss_number(last)}"
        elif first >= 10 * last:
            change = f"The loss falls from {loss_number(first)} to {loss_number(last)}, {loss_change(first, last)}"
        else:
            change = f"The loss falls from {loss_number(first)} to {loss_number(last)} ({loss_change(first, last)})"
        if math.isnan(h.train_accuracy[0]):
            return change + "."
        before, after = h.train_accuracy[0], h.train_accuracy[-1]
        if learned and after > before:
            return change + f", and accuracy climbs from {before:.0%} to {after:.0%}."
        return change + f", and accuracy ends at {after:.0%}."

    # -- state at a point of the replay --------------------------------------------

    def prepare_keyframes(self) -> None:
        """The drawn edges' weights and drawn neurons' activations at every keyframe, once: a frame
        then interpolates a few hundred numbers, however wide the layers are."""
        h, net = self.history, self.network_mob
        self.key_epochs = h.snapshot_epochs[self.keys].astype(float)
        self.key_weights = np.stack([net.drawn_weights([W[k] for W in h.weights]) for k in self.keys])
        self.key_activations = np.stack([net.drawn_activations([h.probe_input] + [A[k] for A in h.probe_a])
                                         for k in self.keys])

    def state_at(self, progress: float) -> tuple[float, np.ndarray, np.ndarray]:
        """Epoch, drawn weights and drawn probe activations at ``progress`` in [0, 1] of the replay."""
        position = progress * (len(self.keys) - 1)
        low = min(int(position), len(self.keys) - 2)
        t = position - low
        mix = lambda values: (1 - t) * values[low] + t * values[low + 1]  # noqa: E731
        return float(mix(self.key_epochs)), mix(self.key_weights), mix(self.key_activations)

    def apply_state(self, progress: float) -> None:
        epoch, weights, activations = self.state_at(progress)
        self.network_mob.set_drawn_weights(weights, scale=self.weight_scale)
        self.network_mob.set_drawn_activations(activations)
        shown_epoch = int(round(epoch))
        for plot in self.plots:
            plot.reveal(epoch)
        h = self.history
        self.epoch_readout.set_text(f"{shown_epoch:,}")
        self.loss_readout.set_text(loss_number(h.train_loss[shown_epoch]))
        if not math.isnan(h.train_accuracy[shown_epoch]):
            self.accuracy_readout.set_text(f"{100 * h.train_accuracy[shown_epoch]:.1f}%")

    # -- layout ------------------------------------------------------------------

    def build_header(self, area: Region) -> None:
        h = self.history
        self.title = Text("Training", font_size=38, color=LABEL)
        fit(self.title, area.above(area.top - self.title.height), UP + LEFT)
        self.epoch_readout = Readout(len(f"{h.epochs:,}"), font_size=28, color=LABEL)
        self.readouts = labelled(Text("epoch", font_size=28, color=MUTED), self.epoch_readout,
                                 Text(f"/ {h.epochs:,}", font_size=28, color=MUTED))
        self.readouts.move_to([area.right, 0, 0], RIGHT).align_to(self.title, DOWN)

    def build_panel(self, panel: Region) -> None:
        """The loss plot, and the accuracy plot below it when the run has accuracies."""
        h, axis = self.history, EpochAxis(self.history.epochs)
        losses = np.concatenate([h.train_loss, h.test_loss]).astype(float)
        loss_top = max(float(losses.max()) * 1.05, 1e-6)
        self.loss_readout = Readout(7, font_size=24, color=LOSS_COLOR)
        self.accuracy_readout = Readout(6, font_size=24, color=ACCURACY_COLOR)
        has_accuracy = not math.isnan(h.train_accuracy[0])
        middle = (panel.bottom + panel.top) / 2
        loss_region = panel.above(middle + GAP) if has_accuracy else panel
        tops = [f"{loss_top:.3g}", "100%"]
        self.plots = [MetricPlot(loss_region, "loss", self.loss_readout,
                                 [(h.train_loss, LOSS_COLOR, "train"), (h.test_loss, TEST_COLOR, "test")],
                                 loss_top, tops[0], axis, tops)]
        if has_accuracy:
            self.plots.append(MetricPlot(panel.below(middle - GAP), "accuracy", self.accuracy_readout,
                                         [(h.train_accuracy, ACCURACY_COLOR, "train"),
                                          (h.test_accuracy, TEST_COLOR, "test")], 1.0, tops[1], axis, tops))
        self.curves = [curve for plot in self.plots for curve in plot.curves]

    # -- beats -----------------------------------------------------------------------

    def show_intro(self) -> None:
        self.apply_state(0.0)
        panel = [part for plot in self.plots for part in (plot.axes, plot.labels)]
        # The network is drawn from arrays from the start: fading in 500 mobjects costs more than the replay.
        self.network_mob.use_fast_drawing()
        self.play(Write(self.title), FadeIn(self.readouts), FadeIn(self.network_mob), self.network_mob.fade_in_fast(),
                  run_time=1.2)
        self.play(LaggedStart(*(Create(m) if isinstance(m, Axes) else FadeIn(m) for m in panel), lag_ratio=0.2),
                  run_time=1.3)
        self.add(*self.curves)

    def show_measures(self) -> None:
        self.play(Indicate(self.plots[0].heading, color=LOSS_COLOR), Indicate(self.readouts, color=LABEL),
                  run_time=1.5)

    def show_start(self) -> None:
        self.play(Indicate(self.loss_readout, color=LOSS_COLOR), run_time=1.0)

    def replay_part(self, part: int) -> None:
        """One sentence's share of the replay, stretched if the sentence needs longer."""
        if part == 0:
            self.start_replay()
        begin = sum(REPLAY_SHARES[:part])
        seconds = max(self.replay_seconds * REPLAY_SHARES[part], self.beat_seconds())
        # Each play ends by draining the encoder with nothing drawn beside it, so a part is one play.
        self.play(self.tracker.animate.set_value(begin + REPLAY_SHARES[part]), run_time=seconds, rate_func=linear)
        if part == len(REPLAY_SHARES) - 1:
            self.end_replay()

    def start_replay(self) -> None:
        self.tracker = ValueTracker(0.0)
        self.network_mob.use_fast_drawing()
        # Manim redraws each frame only the mobjects from the first one with an updater on,
        # and keeps the rest in a still background: the driver goes after the axes and
        # labels, and what changes goes after the driver.
        self.driver = VMobject(stroke_width=0)  # drives, draws nothing
        self.driver.add_updater(lambda _: self.apply_state(self.tracker.get_value()))
        self.add(self.driver, self.network_mob.canvas, *self.curves, self.epoch_readout,
                 self.loss_readout, self.accuracy_readout)
        # Manim calls update() down every family each frame; only the driver has anything to do.
        self.still = [mobject for mobject in self.mobjects if mobject is not self.driver]
        for mobject in self.still:
            mobject.suspend_updating()

    def end_replay(self) -> None:
        self.driver.clear_updaters()
        for mobject in self.still:
            mobject.resume_updating()
        self.apply_state(1.0)

    def summary_text(self) -> str:
        h = self.history
        return (f"After {h.epochs:,} epochs: loss {loss_number(h.train_loss[-1])}"
                + (f", accuracy {h.train_accuracy[-1]:.1%}" if not math.isnan(h.train_accuracy[-1]) else "")
                + (f" (test {h.test_accuracy[-1]:.1%})" if h.has_test and not math.isnan(h.test_accuracy[-1]) else ""))

    def show_ending(self) -> None:
        self.summary = Text(self.summary_text(), font_size=SUMMARY_FONT, color=LABEL)
        fit(self.summary, self.text_band.below(self.text_band.bottom + self.summary.height), DOWN + LEFT)
        self.warnings = []
        self.play(FadeIn(self.summary, shift=UP * 0.2), run_time=1.2)

    def show_overfit(self) -> None:
        best = self.verdict.best_test_epoch
        marker = self.plots[0].marker(best, f"test lowest, epoch {best:,}")
        self.play(FadeIn(marker), run_time=0.8)
        self.show_warning(f"overfits: the test loss rose from epoch {best:,}")

    def show_warning(self, text: str) -> None:
        """A failure named on screen in the warning colour, above the summary."""
        warning = Text(text, font_size=SUMMARY_FONT, color=NEGATIVE)
        bottom = (self.warnings[-1] if self.warnings else self.summary).get_top()[1] + 0.12
        fit(warning, self.text_band.above(bottom).below(bottom + warning.height), DOWN + LEFT)
        self.warnings.append(warning)
        self.play(FadeIn(warning, shift=UP * 0.2), run_time=0.8)
