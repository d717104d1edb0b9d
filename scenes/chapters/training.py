"""TrainingScene: training replayed from the history, network and curves in step."""
from __future__ import annotations

import math

import numpy as np
from manim import (
    DOWN, LEFT, RIGHT, UP, Axes, Create, FadeIn, Indicate, LaggedStart, ValueTracker, VMobject, Write,
    linear,
)

from nnscratch import judge
from nnscratch.activations import HIDDEN_ACTIVATIONS
from scenes.chapters.base import HistoryScene
from scenes.narration.words import accuracy_number, loss_change, loss_number
from scenes.mobjects.digit_grid import DigitGrid
from scenes.mobjects.glyphs import Label
from scenes.mobjects.layout import GAP, Region, fit, fit_network, safe_area
from scenes.narration.beats import Beat, Brief, counted
from scenes.mobjects.neuron_maps import MAP_NEURON_RADIUS, mapped_neurons, neuron_maps, room_for_maps
from scenes.mobjects.plane_maps import PlaneMaps
from scenes.mobjects.plane_panel import PlanePanel
from scenes.mobjects.plot import EpochAxis, MetricPlot, labelled
from scenes.mobjects.readout import Readout
from scenes.mobjects.style import CLASS_COLORS, LABEL, MUTED, NEGATIVE, NEURON_RADIUS

LOSS_COLOR = "#FFD95E"
ACCURACY_COLOR = "#83C167"
TEST_COLOR = "#C8A2E8"  # lavender: unlike the train curves of both plots
PANEL_SHARE = 0.44  # of the width below the title, for the plots
SIDE_SHARE = 0.31  # of that width, for a panel of what the network answers (the plane, or digits)
SIDE_PLOTS_SHARE = 0.29  # for the plots, beside such a panel
SUMMARY_FONT = 20
REPLAY_SHARES = (0.35, 0.3, 0.35)  # of the replay, for each of its three sentences


class TrainingScene(HistoryScene):
    """Replay the run in about ``duration`` seconds whatever its number of epochs.

    Keyframes are taken from the history where it changes fastest and the state
    between them is interpolated, so 500 and 50,000 epochs make replays of one length.
    ``duration`` is the replay's length; a part of it lasts longer when its sentence
    needs more time to be read or spoken.

    Beside the network, a panel shows what the network answers as it learns: for 2-D
    data the plane (the points over the output's heatmap, and a map inside each neuron
    of a narrow network), for images a grid of digits marked right or wrong.
    ``answers=False`` leaves the panel out.
    """

    def __init__(self, history=None, duration: float = 12.0, answers: bool = True, **kwargs) -> None:
        super().__init__(history, **kwargs)
        if not (math.isfinite(duration) and duration >= 3):
            raise ValueError(f"duration must be at least 3 s, got {duration}")
        self.replay_seconds = duration
        self.keys = self.history.keyframes(max(2, int(duration * 6)))
        self.verdict = judge(self.history)
        self.answers_kind = answers_kind(self.history) if answers else None
        self.plane = self.neuron_maps = self.digits = None
        self.mapped: list[tuple[int, int]] = []  # (layer, neuron) of each neuron that shows a map

    def prepare(self) -> None:
        area = safe_area()
        self.build_header(area)
        content = area.below(self.title.get_bottom()[1] - GAP)
        share = PANEL_SHARE if self.answers_kind is None else SIDE_PLOTS_SHARE
        panel = content.right_of(content.right - share * content.width)
        self.build_panel(panel)
        left = content.left_of(panel.left - 2 * GAP)
        # Room at the bottom left for the summary and up to two warnings, one line each.
        line = Label("Ag", font_size=SUMMARY_FONT).height
        self.text_band = left.below(left.bottom + 3 * line + 2 * 0.12)
        upper = left.above(self.text_band.top + GAP)
        side = None
        if self.answers_kind is not None:
            side = upper.right_of(upper.right - SIDE_SHARE * content.width)
            upper = upper.left_of(side.left - 2 * GAP)
        mapped = mapped_neurons(self.history.layer_sizes) if self.answers_kind == "plane" else []
        layout = {"max_radius": MAP_NEURON_RADIUS if mapped else NEURON_RADIUS}
        if self.answers_kind == "plane" and self.history.output_activation == "softmax":
            # The plane's legend names the classes: a swatch of each colour beside its output neuron
            # ties the two together and leaves the network the room the names would take.
            layout["output_colors"] = CLASS_COLORS[:self.history.layer_sizes[-1]]
        self.network_mob = fit_network(lambda **size: self.make_network(**layout, **size), upper)
        self.prepare_keyframes()
        if self.answers_kind == "plane":
            self.mapped = mapped if room_for_maps(self.network_mob) else []  # (layer, neuron) of each map
            self.build_plane(side, self.mapped)
        elif self.answers_kind == "digits":
            self.digits = DigitGrid(self.history, self.keys, self.history.image_shape, self.history.class_names,
                                    side)

    def build_plane(self, region: Region, mapped: list[tuple[int, int]]) -> None:
        """The plane panel in ``region``, and maps inside the ``mapped`` neurons, from one batched pass."""
        levels = {layer: self.network_mob.level_functions[layer] for layer, _ in mapped}
        self.plane_maps = PlaneMaps(self.history, self.keys, mapped, levels)
        self.plane = PlanePanel(self.history, self.plane_maps, self.history.class_names, region)
        if mapped:
            self.neuron_maps = neuron_maps(self.network_mob, mapped, self.plane_maps.maps[0])

    def script(self) -> list[Beat]:
        h, meta = self.history, self.history.metadata
        dataset = meta.get("dataset", {}).get("name", "its")
        moved = np.abs(self.key_weights[-1] - self.key_weights[0]).mean() / max(self.weight_scale, 1e-12)
        follow = {None: "", "plane": ", and the boundary moves with them", "digits": ", and the answers with them"}
        weights = (f"Each frame shows the real weights at that epoch: edges recolour and thicken as they change"
                   f"{follow[self.answers_kind]}." if moved >= 0.05
                   else "Each frame shows the real weights at that epoch: here they hardly change.")
        brief_weights = (f"Each frame shows the real weights at that epoch{follow[self.answers_kind]}."
                         if moved >= 0.05 else None)
        signed = HIDDEN_ACTIVATIONS[meta["activation"]].signed
        beats = [
            Beat(f"We train a {'-'.join(map(str, h.layer_sizes))} network on {dataset} data, with "
                 f"{meta['optimizer']} at learning rate {meta['learning_rate']:g}.", self.show_intro,
                 brief=f"Now the training: {counted(h.epochs, 'epoch')}, each a pass over the "
                       f"{len(h.X_train):,} samples, at learning rate {meta['learning_rate']:g}"
                       + (f" with {meta['optimizer']}." if meta["optimizer"] != "sgd" else ".")),
            Beat(f"The loss measures how wrong its answers are; an epoch is one pass over the "
                 f"{len(h.X_train):,} training samples.", self.show_measures, in_brief=Brief.WITH_PREVIOUS),
            *self.answers_beats(),
            Beat(f"At the start the weights are random, and the loss is {loss_number(h.train_loss[0])}.",
                 self.show_start, in_brief=Brief.WITH_NEXT if brief_weights else Brief.SAID),
            Beat(weights, lambda: self.replay_part(0),
                 brief=f"From random weights on, e{brief_weights[1:]}" if brief_weights else None),
            Beat("The neurons glow" + (", around their maps," if self.neuron_maps is not None else "")
                 + " with the activations of one training sample"
                 + (": blue when positive, amber when negative." if signed else ".") + self.dropout_words(),
                 lambda: self.replay_part(1), in_brief=Brief.SAID if meta.get("dropout") else Brief.WITH_NEXT,
                 brief_show=None if meta.get("dropout") else lambda: self.replay_part(1, stretch=False),
                 brief=self.dropout_words().strip() or None),
            Beat(self.outcome_caption(), lambda: self.replay_part(2), brief=self.outcome_caption(brief=True)),
            *self.digits_ending_beats(),
            Beat(self.summary_text() + ".", self.show_ending, in_brief=Brief.WITH_PREVIOUS),
        ]
        if not self.verdict.learned:
            beats.append(Beat(f"This run did not learn: {self.verdict.why_not}.",
                              lambda: self.show_warning(f"did not learn: {self.verdict.why_not}")))
        if self.verdict.unstable:
            beats.append(Beat(f"And it is unstable: {self.verdict.unstable}; a smaller learning rate would steady "
                              "it.", lambda: self.show_warning("unstable: its loss still jumps")))
        if self.verdict.overfit:
            beats.append(Beat(f"And it overfits: {self.verdict.overfit}.", self.show_overfit))
        return beats

    def dropout_words(self) -> str:
        """What the glow leaves out of a run with dropout, said: the replay shows the evaluated network."""
        dropout = self.history.dropout
        if not dropout:
            return ""
        return (f" Each training step silenced a random {dropout:.0%} of the hidden neurons; the glow shows "
                "them all, as the network is evaluated.")

    def answers_beats(self) -> list[Beat]:
        """What the panel beside the network shows, said before the replay starts."""
        beats = []
        if self.plane is not None:
            marked = (", which mark the output neurons too" if self.history.output_activation == "softmax" else "")
            beats += [Beat("Beside the network, the plane of the data: training points filled, test points "
                           f"hollow, in their classes' colours{marked}.", self.show_plane,
                           brief="Beside it, the plane of the data: training points filled, test points hollow."),
                      Beat("Behind them, the network's answer at every point of the plane; the dark seam is "
                           "where it cannot decide.", self.show_plane_answer,
                           brief="Behind them, its answer at every point; the dark seam is where it cannot decide.")]
        if self.neuron_maps is not None:
            signed = HIDDEN_ACTIVATIONS[self.history.activation].signed
            beats.append(Beat("Inside each neuron, a map of its own output over the same plane"
                              + (": blue where positive, amber where negative." if signed
                                 else ", brighter where it fires."), self.show_neuron_maps,
                              brief="Inside each neuron, a map of its own output"
                                    + (": blue where positive, amber where negative." if signed
                                       else ", brighter where it fires.")))
        if self.digits is not None:
            grid = self.digits
            beats.append(Beat(f"Beside the network, {len(grid.labels_true)} {grid.source} digits with its answer "
                              "under each: framed green when right, red when wrong.", self.show_digits,
                              brief=f"Beside it, {len(grid.labels_true)} {grid.source} digits and its answers: green "
                                    "when right, red when wrong."))
        return beats

    def digits_ending_beats(self) -> list[Beat]:
        if self.digits is None:
            return []
        right, count = int(self.digits.right[-1].sum()), len(self.digits.labels_true)
        return [Beat(f"At the end it reads {right} of these {count} digits right.", self.show_digits_count)]

    def outcome_caption(self, brief: bool = False) -> str:
        """What the loss and accuracy did, said as it was: a fall only when they fell."""
        h = self.history
        first, last = float(h.train_loss[0]), float(h.train_loss[-1])
        learned = self.verdict.learned
        if not learned or last >= first:
            change = f"The loss goes from {loss_number(first)} to {loss_number(last)}"
        elif brief:
            change = f"The loss falls from {loss_number(first)} to {loss_number(last)}"
        elif first >= 10 * last:
            change = f"The loss falls from {loss_number(first)} to {loss_number(last)}, {loss_change(first, last)}"
        else:
            change = f"The loss falls from {loss_number(first)} to {loss_number(last)} ({loss_change(first, last)})"
        if math.isnan(h.train_accuracy[0]):
            return change + "."
        before, after = h.train_accuracy[0], h.train_accuracy[-1]
        test = (f", test accuracy to {accuracy_number(h.test_accuracy[-1])}" if brief else
                f"; on the test set, {accuracy_number(h.test_accuracy[-1])}") \
            if h.has_test and not math.isnan(h.test_accuracy[-1]) else ""
        if learned and after > before:
            return (change + f"{';' if brief else ', and'} training accuracy climbs from "
                    f"{accuracy_number(before)} to {accuracy_number(after)}{test}.")
        if brief:
            test = test.replace(", test accuracy to", ", test accuracy")
        return change + f", and training accuracy ends at {accuracy_number(after)}{test}."

    # -- state at a point of the replay --------------------------------------------

    def prepare_keyframes(self) -> None:
        """The drawn edges' weights and drawn neurons' activations at every keyframe, once: a frame
        then interpolates a few hundred numbers, however wide the layers are."""
        h, net = self.history, self.network_mob
        self.key_epochs = h.snapshot_epochs[self.keys].astype(float)
        self.key_weights = np.stack([net.drawn_weights([W[k] for W in h.weights]) for k in self.keys])
        self.key_activations = np.stack([net.drawn_activations([h.probe_input] + [A[k] for A in h.probe_a])
                                         for k in self.keys])

    def key_position(self, progress: float) -> tuple[int, float]:
        """The keyframe at or before ``progress`` in [0, 1] of the replay, and how far it is towards the next."""
        position = progress * (len(self.keys) - 1)
        low = max(0, min(int(position), len(self.keys) - 2))
        return low, position - low

    def state_at(self, progress: float) -> tuple[float, np.ndarray, np.ndarray]:
        """Epoch, drawn weights and drawn probe activations at ``progress`` in [0, 1] of the replay."""
        low, t = self.key_position(progress)
        mix = lambda values: (1 - t) * values[low] + t * values[low + 1]  # noqa: E731
        return float(mix(self.key_epochs)), mix(self.key_weights), mix(self.key_activations)

    def apply_state(self, progress: float) -> None:
        self.show_answers(*self.key_position(progress))
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

    def show_answers(self, low: int, t: float) -> None:
        """The panel beside the network at ``t`` of the way from keyframe ``low`` to the next: images
        blend, and the digits take the nearer keyframe's answers (an answer is right or wrong, not between)."""
        if self.plane is not None:
            self.plane.show_at(low, t)
        if self.neuron_maps is not None:
            self.neuron_maps.set_bytes(self.plane_maps.maps_at(low, t))
        if self.digits is not None:
            self.digits.show_key(low + int(t >= 0.5))

    # -- layout ------------------------------------------------------------------

    def build_header(self, area: Region) -> None:
        h = self.history
        self.title = Label("Training", font_size=38, color=LABEL)
        fit(self.title, area.above(area.top - self.title.height), UP + LEFT)
        self.epoch_readout = Readout(len(f"{h.epochs:,}"), font_size=28, color=LABEL)
        self.readouts = labelled(Label("epoch", font_size=28, color=MUTED), self.epoch_readout,
                                 Label(f"/ {h.epochs:,}", font_size=28, color=MUTED))
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
        # The readouts sit at the frame's right edge: they flash without growing, or they would cross it.
        self.play(Indicate(self.plots[0].heading, color=LOSS_COLOR),
                  Indicate(self.readouts, color=LABEL, scale_factor=1.0), run_time=1.5)

    def show_plane(self) -> None:
        plane = self.plane
        self.play(FadeIn(plane.frame), FadeIn(plane.labels), FadeIn(plane.dots), run_time=1.2)

    def show_plane_answer(self) -> None:
        # Under the points, which stay on top.
        self.play(FadeIn(self.plane.square), run_time=1.2)
        self.add(self.plane.dots)

    def show_neuron_maps(self) -> None:
        self.play(FadeIn(self.neuron_maps), run_time=1.2)

    def show_digits(self) -> None:
        grid = self.digits
        self.play(FadeIn(grid.heading), FadeIn(grid.images), run_time=1.0)
        self.play(FadeIn(grid.boxes), FadeIn(grid.answer_readouts), run_time=0.8)

    def show_digits_count(self) -> None:
        self.play(Indicate(self.digits.heading, color=LABEL), run_time=1.2)

    def show_start(self) -> None:
        self.play(Indicate(self.loss_readout, color=LOSS_COLOR), run_time=1.0)

    def replay_part(self, part: int, stretch: bool = True) -> None:
        """One sentence's share of the replay, stretched if the sentence needs longer (unless
        ``stretch`` is False: a part played under another's sentence leaves the stretching to it)."""
        if part == 0:
            self.start_replay()
        begin = sum(REPLAY_SHARES[:part])
        seconds = max(self.replay_seconds * REPLAY_SHARES[part], self.beat_seconds() if stretch else 0.0)
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
        self.add(self.driver, self.network_mob.canvas, *self.changing_answers(), *self.curves, self.epoch_readout,
                 self.loss_readout, self.accuracy_readout)
        # Manim calls update() down every family each frame; only the driver has anything to do.
        self.still = [mobject for mobject in self.mobjects if mobject is not self.driver]
        for mobject in self.still:
            mobject.suspend_updating()

    def changing_answers(self) -> list:
        """What the replay redraws of the panel beside the network, in drawing order."""
        parts = [self.neuron_maps] if self.neuron_maps is not None else []
        if self.plane is not None:
            parts += [self.plane.square, self.plane.dots]
        if self.digits is not None:
            parts += [self.digits.boxes, *self.digits.answer_readouts, self.digits.count_readout]
        return parts

    def end_replay(self) -> None:
        self.driver.clear_updaters()
        for mobject in self.still:
            mobject.resume_updating()
        self.apply_state(1.0)

    def summary_text(self) -> str:
        h = self.history
        return (f"After {h.epochs:,} epochs: loss {loss_number(h.train_loss[-1])}"
                + (f", accuracy {accuracy_number(h.train_accuracy[-1])}" if not math.isnan(h.train_accuracy[-1]) else "")
                + (f" (test {accuracy_number(h.test_accuracy[-1])})" if h.has_test and not math.isnan(h.test_accuracy[-1]) else ""))

    def show_ending(self) -> None:
        self.summary = Label(self.summary_text(), font_size=SUMMARY_FONT, color=LABEL)
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
        warning = Label(text, font_size=SUMMARY_FONT, color=NEGATIVE)
        bottom = (self.warnings[-1] if self.warnings else self.summary).get_top()[1] + 0.12
        fit(warning, self.text_band.above(bottom).below(bottom + warning.height), DOWN + LEFT)
        self.warnings.append(warning)
        self.play(FadeIn(warning, shift=UP * 0.2), run_time=0.8)


def answers_kind(history) -> str | None:
    """Which panel shows the network's answers: "plane" for classes of 2-D points, "digits" for
    classes of images, None for anything else (real-valued outputs, other inputs)."""
    if history.output_activation == "identity":
        return None
    if history.layer_sizes[0] == 2:
        return "plane"
    if history.image_shape is not None:
        return "digits"
    return None
