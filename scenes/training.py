"""TrainingScene: training replayed from the history, network and curves in step."""
from __future__ import annotations

import math

import numpy as np
from manim import (
    DOWN, LEFT, RIGHT, UP, Axes, Create, FadeIn, Indicate, LaggedStart, Line, Text, ValueTracker,
    VGroup, VMobject, Write, linear,
)

from nnscratch import judge
from scenes.common import HistoryScene
from scenes.narration import Beat
from scenes.readout import Readout
from scenes.revealed_curve import RevealedCurve
from scenes.style import LABEL, MUTED, NEGATIVE

LOSS_COLOR = "#FFD95E"
ACCURACY_COLOR = "#83C167"
TEST_COLOR = "#9ADBC5"
MAX_CURVE_POINTS = 300
REPLAY_SHARES = (0.35, 0.3, 0.35)  # of the replay, for each of its three sentences


def labelled(*parts) -> VGroup:
    """Texts and readouts in a row on one baseline (a plain bottom alignment would sink words with descenders)."""
    row = VGroup(*parts).arrange(RIGHT, buff=0.18)
    baseline = next(part for part in parts if isinstance(part, Readout)).frame.get_bottom()[1]
    for part in parts:
        if isinstance(part, Text):
            digit_or_letter = next(glyph for glyph, char in zip(part, part.text.replace(" ", ""))
                                   if char.isalnum() and char not in "gjpqy")
            part.shift(UP * (baseline - digit_or_letter.get_bottom()[1]))
    return row


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
        self.duration = duration
        self.keys = self.history.keyframes(max(2, int(duration * 6)))
        self.verdict = judge(self.history)

    def prepare(self) -> None:
        self.network = self.make_network(width=5.0, height=5.0).shift([-3.55, -0.5, 0])
        self.prepare_keyframes()
        self.build_panel()

    def script(self) -> list[Beat]:
        h, meta = self.history, self.history.metadata
        dataset = meta.get("dataset", {}).get("name", "its")
        beats = [
            Beat(f"We train a {'-'.join(map(str, h.layer_sizes))} network on {dataset} data, with "
                 f"{meta['optimizer']} at learning rate {meta['learning_rate']:g}.", self.show_intro),
            Beat(f"At the start the weights are random, and the loss is {h.train_loss[0]:.3f}.",
                 self.show_start),
            Beat("Each frame shows the real weights at that epoch: edges recolour and thicken as they change.",
                 lambda: self.replay_part(0)),
            Beat("The neurons glow with the activations of one training sample.", lambda: self.replay_part(1)),
            Beat(self.outcome_caption(), lambda: self.replay_part(2)),
            Beat(self.summary_text() + ".", self.show_ending),
        ]
        if not self.verdict.learned:
            beats.append(Beat(f"This run did not learn: {self.verdict.why_not}.",
                              lambda: self.show_warning(f"did not learn: {self.verdict.why_not}")))
        if self.verdict.overfit:
            beats.append(Beat(f"And it overfits: {self.verdict.overfit}.",
                              lambda: self.show_warning("overfits: the test loss rose from epoch "
                                                        f"{self.verdict.best_test_epoch:,}")))
        return beats

    def outcome_caption(self) -> str:
        """What the loss and accuracy did, said as it was: a fall only when they fell."""
        h = self.history
        first, last = h.train_loss[0], h.train_loss[-1]
        learned = self.verdict.learned
        change = (f"The loss falls from {first:.3f} to {last:.4f} ({(first - last) / first:.0%} lower)"
                  if learned else f"The loss goes from {first:.3f} to {last:.4f}")
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
        h, net = self.history, self.network
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
        self.network.set_drawn_weights(weights, scale=self.weight_scale)
        self.network.set_drawn_activations(activations)
        shown_epoch = int(round(epoch))
        fraction = epoch / self.history.epochs
        for curve in self.curves:
            curve.set_fraction(fraction)
        h = self.history
        self.epoch_readout.set_text(f"{shown_epoch:,}")
        self.loss_readout.set_text(f"{h.train_loss[shown_epoch]:.4f}")
        if not math.isnan(h.train_accuracy[shown_epoch]):
            self.accuracy_readout.set_text(f"{100 * h.train_accuracy[shown_epoch]:.1f}%")

    # -- layout ------------------------------------------------------------------

    def build_panel(self) -> None:
        h = self.history
        self.title = Text("Training", font_size=38, color=LABEL).to_corner(UP + LEFT, buff=0.4)
        self.epoch_readout = Readout(len(f"{h.epochs:,}"), font_size=28, color=LABEL)
        self.readouts = labelled(Text("epoch", font_size=28, color=MUTED), self.epoch_readout,
                                 Text(f"/ {h.epochs:,}", font_size=28, color=MUTED))
        self.readouts.to_edge(RIGHT, buff=0.5).align_to(self.title, DOWN)

        epochs = np.arange(h.epochs + 1)
        step = max(1, math.ceil(len(epochs) / MAX_CURVE_POINTS))
        sampled = np.unique(np.concatenate([epochs[::step], [h.epochs]]))
        loss_top = float(np.nanmax(h.train_loss)) * 1.1
        if h.has_test:
            loss_top = max(loss_top, float(np.nanmax(h.test_loss[: max(2, h.epochs // 20)])) * 1.1)
        self.loss_readout = Readout(7, font_size=24, color=LOSS_COLOR)
        self.loss_axes, self.loss_labels, loss_curves = self.plot(sampled, [(h.train_loss, LOSS_COLOR, "train"),
                                                          (h.test_loss, TEST_COLOR, "test")],
                                                 loss_top, "loss", self.loss_readout, f"{loss_top:.2f}", 1.3, UP)
        self.curves = loss_curves
        self.accuracy_axes = None
        self.accuracy_readout = Readout(6, font_size=24, color=ACCURACY_COLOR)
        if not math.isnan(h.train_accuracy[0]):
            self.accuracy_axes, self.accuracy_labels, accuracy_curves = self.plot(
                sampled, [(h.train_accuracy, ACCURACY_COLOR, "train"), (h.test_accuracy, TEST_COLOR, "test")],
                1.0, "accuracy", self.accuracy_readout, "100%", -1.8, DOWN)
            self.curves += accuracy_curves

    def plot(self, epochs: np.ndarray, series, top: float, name: str, readout: Readout, top_label: str,
             center_y: float, key_side: np.ndarray) -> tuple[Axes, VGroup, list[RevealedCurve]]:
        """Axes of a metric over epochs, its full curves (drawn partially during the replay) and its labels."""
        h = self.history
        axes = Axes(x_range=[0, h.epochs, h.epochs], y_range=[0, top, top], x_length=5.0, y_length=2.0, tips=False,
                    axis_config={"color": MUTED, "stroke_width": 2, "include_ticks": False})
        axes.move_to([4.25, center_y, 0])
        heading = labelled(Text(name, font_size=24, color=LABEL), readout)
        heading.next_to(axes.c2p(0, top), UP + RIGHT, buff=0.15)
        labels = VGroup(
            heading,
            Text(top_label, font_size=16, color=MUTED).next_to(axes.c2p(0, top), LEFT, buff=0.1),
            Text("0", font_size=16, color=MUTED).next_to(axes.c2p(0, 0), LEFT, buff=0.1),
            Text(f"{h.epochs:,}", font_size=16, color=MUTED).next_to(axes.c2p(h.epochs, 0), DOWN, buff=0.1),
            Text("epoch", font_size=16, color=MUTED).next_to(axes.c2p(h.epochs / 2, 0), DOWN, buff=0.1),
        )
        curves = []
        keys = VGroup()
        for values, color, label in series:
            if len(values) == 0:
                continue
            # Both axes are linear, so scene coordinates are an affine map of (epoch, value).
            (x0, y0, _), (x1, y1, _) = axes.c2p(0, 0), axes.c2p(h.epochs, top)
            xs = x0 + epochs / h.epochs * (x1 - x0)
            ys = y0 + np.clip(values[epochs], 0, top) / top * (y1 - y0)
            curves.append(RevealedCurve(np.column_stack([xs, ys, np.zeros_like(xs)]), stroke_color=color,
                                        stroke_width=3))
            keys.add(VGroup(Line(LEFT * 0.15, RIGHT * 0.15, stroke_color=color, stroke_width=3),
                            Text(label, font_size=16, color=MUTED)).arrange(RIGHT, buff=0.08))
        if len(keys) > 1:
            corner = axes.c2p(h.epochs, top if key_side[1] > 0 else 0)
            keys.arrange(RIGHT, buff=0.25).next_to(corner, -key_side + LEFT, buff=0.1)
        else:
            keys = VGroup()
        return axes, VGroup(labels, keys), curves

    # -- beats -----------------------------------------------------------------------

    def show_intro(self) -> None:
        self.apply_state(0.0)
        panel = [self.loss_axes, self.loss_labels]
        if self.accuracy_axes is not None:
            panel += [self.accuracy_axes, self.accuracy_labels]
        # The network is drawn from arrays from the start: fading in 500 mobjects costs more than the replay.
        self.network.use_fast_drawing()
        self.play(Write(self.title), FadeIn(self.readouts), FadeIn(self.network), self.network.fade_in_fast(),
                  run_time=1.2)
        self.play(LaggedStart(*(Create(m) if isinstance(m, Axes) else FadeIn(m) for m in panel), lag_ratio=0.2),
                  run_time=1.3)
        self.add(*self.curves)

    def show_start(self) -> None:
        self.play(Indicate(self.loss_readout, color=LOSS_COLOR), run_time=1.0)

    def replay_part(self, part: int) -> None:
        """One sentence's share of the replay, stretched if the sentence needs longer."""
        if part == 0:
            self.start_replay()
        begin = sum(REPLAY_SHARES[:part])
        seconds = max(self.duration * REPLAY_SHARES[part], self.beat_seconds())
        # Each play ends by draining the encoder with nothing drawn beside it, so a part is one play.
        self.play(self.tracker.animate.set_value(begin + REPLAY_SHARES[part]), run_time=seconds, rate_func=linear)
        if part == len(REPLAY_SHARES) - 1:
            self.end_replay()

    def start_replay(self) -> None:
        self.tracker = ValueTracker(0.0)
        self.network.use_fast_drawing()
        # Manim redraws each frame only the mobjects from the first one with an updater on,
        # and keeps the rest in a still background: the driver goes after the axes and
        # labels, and what changes goes after the driver.
        self.driver = VMobject(stroke_width=0)  # drives, draws nothing
        self.driver.add_updater(lambda _: self.apply_state(self.tracker.get_value()))
        self.add(self.driver, self.network.canvas, *self.curves, self.epoch_readout,
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
        return (f"After {h.epochs:,} epochs: loss {h.train_loss[-1]:.4f}"
                + (f", accuracy {h.train_accuracy[-1]:.1%}" if not math.isnan(h.train_accuracy[-1]) else "")
                + (f" (test {h.test_accuracy[-1]:.1%})" if h.has_test and not math.isnan(h.test_accuracy[-1]) else ""))

    def show_ending(self) -> None:
        self.summary = Text(self.summary_text(), font_size=22, color=LABEL).to_edge(DOWN, buff=0.2)
        self.play(FadeIn(self.summary, shift=UP * 0.2), run_time=1.2)

    def show_warning(self, text: str) -> None:
        """A failure named on screen in the warning colour, above the summary."""
        warning = Text(text, font_size=22, color=NEGATIVE).next_to(self.summary, UP, buff=0.12)
        if hasattr(self, "warnings"):
            warning.next_to(self.warnings[-1], UP, buff=0.12)
        else:
            self.warnings = []
        self.warnings.append(warning)
        self.play(FadeIn(warning, shift=UP * 0.2), run_time=0.8)
