"""TrainingScene: training replayed from the history, network and curves in step.

The run's weights were recorded at its snapshots (every epoch, when they fit). A
replay of a few seconds shows more frames than that, so each frame blends the two
recorded states around its moment, and the narration says so; the curves, the
readouts and the digits' answers show recorded values only. After the replay the
test set does what the data chapter promised: training and test accuracy side by
side, and the gap between them, read as memorising or not from the real numbers.
A convolutional network's first layer replays beside its dense layers: its kernels
recolouring over the maps they make of the example followed (``ConvPanel``).
"""
from __future__ import annotations

import math

import numpy as np
from manim import (
    DOWN, LEFT, RIGHT, UP, Axes, Circle, Circumscribe, Create, DoubleArrow, FadeIn, FadeOut, GrowFromCenter, Indicate,
    LaggedStart, Dot, Line, MoveAlongPath, UpdateFromAlphaFunc, ValueTracker, VGroup, VMobject, Write, linear, smooth,
    there_and_back,
)

from nnscratch import judge
from nnscratch.activations import HIDDEN_ACTIVATIONS
from nnscratch.history import r_squared_text
from scenes.chapters.base import HistoryScene, words_at
from scenes.narration.words import accuracy_number, fixed, loss_number
from scenes.mobjects.digit_grid import DigitGrid
from scenes.mobjects.conv_panel import ConvPanel, later_change_key
from scenes.mobjects.glyphs import Label
from scenes.mobjects.layout import GAP, Region, fit, fit_network, safe_area
from scenes.narration.beats import Beat, Brief
from scenes.mobjects.neuron_maps import MAP_NEURON_RADIUS, mapped_neurons, neuron_maps, room_for_maps
from scenes.mobjects.pixel_image import PixelImage
from scenes.mobjects.plane_maps import PlaneMaps
from scenes.mobjects.plane_panel import PlanePanel, class_of
from scenes.mobjects.prediction_scatter import PredictionScatter
from scenes.mobjects.plot import EpochAxis, MetricPlot, labelled
from scenes.mobjects.readout import Readout
from scenes.mobjects.style import CLASS_COLORS, HIGHLIGHT, LABEL, MUTED, NEGATIVE, NEURON_RADIUS

LOSS_COLOR = "#FFD95E"
ACCURACY_COLOR = "#83C167"
TEST_COLOR = "#C8A2E8"  # lavender: unlike the train curves of both plots
PANEL_SHARE = 0.44  # of the width below the title, for the plots
SIDE_SHARE = 0.31  # of that width, for a panel of what the network answers (the plane, or digits)
SIDE_PLOTS_SHARE = 0.29  # for the plots, beside such a panel
BAND_FONT = 23  # the line under the network: what an epoch is, later the warnings (14 px at 480p)
PLOT_FONT = 23  # the plots' axis labels and keys: 14 px tall at 480p
REPLAY_SHARES = (0.35, 0.3, 0.35)  # of the replay, for each of its three sentences
KEYS_PER_SECOND = 12  # recorded states a second of replay, where the run recorded that many
CONV_SHARE = 0.33  # of the network's width, for a CNN's first layer (its kernels over its maps of the probe)
GAP_SMALL = 2.0  # points of accuracy: a gap this small is none to speak of
GAP_LARGE = 10.0  # and one this large is much memorised


class TrainingScene(HistoryScene):
    """Replay the run in about ``duration`` seconds whatever its number of epochs.

    Keyframes are taken from the history where it changes fastest (up to KEYS_PER_SECOND a
    second) and each frame blends the two around its moment, so 40 and 50,000 epochs make
    replays of one length that move at every frame. ``duration`` is the replay's length; a part
    of it lasts longer when its sentence needs more time to be read or spoken.

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
        self.keys = self.history.keyframes(max(2, int(duration * KEYS_PER_SECOND)))
        self.verdict = judge(self.history)
        self.answers_kind = answers_kind(self.history) if answers else None
        self.plane = self.neuron_maps = self.digits = self.scatter = self.conv_panel = None
        self.mapped: list[tuple[int, int]] = []  # (layer, neuron) of each neuron that shows a map
        self.warnings: list[Label] = []

    def prepare(self) -> None:
        area = safe_area()
        self.build_header(area)
        content = area.below(self.title.get_bottom()[1] - GAP)
        # A CNN's first layer beside its dense layers takes the room of a panel of answers.
        share = SIDE_PLOTS_SHARE if self.answers_kind is not None or self.history.is_convolutional else PANEL_SHARE
        panel = content.right_of(content.right - share * content.width)
        self.build_panel(panel)
        left = content.left_of(panel.left - 2 * GAP)
        # A band at the bottom left: the example followed, and what an epoch is (later, any warnings).
        line = Label("Ag", font_size=BAND_FONT).height
        self.text_band = left.below(left.bottom + 2 * line + 0.15)
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
        if self.history.is_convolutional:  # the first layer on the left, the dense layers right of it
            conv = upper.left_of(upper.left + CONV_SHARE * upper.width)
            upper = upper.right_of(conv.right + 2 * GAP)
            self.conv_panel = ConvPanel(self.history, self.keys, conv, self.probe_name(),
                                        change_since=later_change_key(self.history, self.keys))
        self.network_mob = fit_network(lambda **size: self.make_network(**layout, **size), upper)
        self.prepare_keyframes()
        if self.answers_kind == "plane":
            self.mapped = mapped if room_for_maps(self.network_mob) else []  # (layer, neuron) of each map
            self.build_plane(side, self.mapped)
        elif self.answers_kind == "digits":
            self.digits = DigitGrid(self.history, self.keys, self.history.image_shape, self.history.class_names,
                                    side)
        elif self.answers_kind == "predictions":
            self.scatter = PredictionScatter(self.history, self.keys, side)
        self.build_band()

    def build_plane(self, region: Region, mapped: list[tuple[int, int]]) -> None:
        """The plane panel in ``region``, and maps inside the ``mapped`` neurons, from one batched pass."""
        levels = {layer: self.network_mob.level_functions[layer] for layer, _ in mapped}
        self.plane_maps = PlaneMaps(self.history, self.keys, mapped, levels)
        self.plane = PlanePanel(self.history, self.plane_maps, self.history.class_names, region)
        if mapped:
            self.neuron_maps = neuron_maps(self.network_mob, mapped, self.plane_maps.maps[0])

    def build_band(self) -> None:
        """The example whose activations light the neurons (a picture of it, or a ring on the plane),
        and beside it what an epoch is, in the run's numbers."""
        h, band = self.history, self.text_band
        self.probe_mob = None
        if h.image_shape is not None:
            picture = PixelImage(h.probe_input, h.image_shape, band.height)
            label = Label(f"the {self.probe_name()}\nwe follow", font_size=BAND_FONT, color=LABEL, line_spacing=0.8)
            self.probe_mob = VGroup(picture, label.next_to(picture, RIGHT, buff=0.15))
            fit(self.probe_mob, band, LEFT)
        elif self.plane is not None:
            square = self.plane.square.box
            where = np.array(square[:2]) + self.plane_maps.plane.to_unit(h.probe_input[None].astype(float))[0] * square[2]
            self.probe_mob = Circle(radius=max(4 * self.plane.dots.radius, 0.08), color=HIGHLIGHT,
                                    stroke_width=3).move_to([*where, 0])
        text_left = (self.probe_mob.get_right()[0] + 3 * GAP if self.probe_mob is not None
                     and h.image_shape is not None else band.left)
        self.definition = VGroup(*(Label(line, font_size=BAND_FONT, color=MUTED) for line in self.epoch_lines()))
        self.definition.arrange(DOWN, aligned_edge=LEFT, buff=0.1)
        fit(self.definition, band.right_of(text_left), LEFT)

    def probe_name(self) -> str:
        """What the followed example is: its class name, or its target."""
        names = self.history.class_names
        target = self.history.probe_target.reshape(1, -1)
        return names[int(class_of(target)[0])] if names else "example"

    def epoch_lines(self) -> tuple[str, str]:
        """What an epoch is, and the step's size, in the run's numbers: two lines."""
        h = self.history
        samples, batch = len(h.X_train), h.batch_size
        steps = f"{-(-samples // batch):,} steps of {batch}" if batch else "1 step on them all"
        optimizer = f" ({h.optimizer})" if h.optimizer != "sgd" else ""
        dropout = f", dropout {h.dropout:.0%}" if h.dropout else ""
        return (f"1 epoch: {samples:,} samples, {steps}", f"learning rate {h.learning_rate:g}{optimizer}{dropout}")

    # -- the story ----------------------------------------------------------------------

    def script(self) -> list[Beat]:
        h = self.history
        samples, batch = len(h.X_train), h.batch_size
        steps = (f"{-(-samples // batch):,} steps, each on a batch of {batch} samples" if batch
                 else "one step, on all of them at once")
        beats = [
            Beat(f"We train the network for {h.epochs:,} epochs, at learning rate {h.learning_rate:g}.",
                 self.show_intro,
                 brief=f"Training: {h.epochs:,} epochs."),  # the descent defined an epoch
            Beat(f"An epoch is one pass over all {samples:,} training samples: {steps}.", self.show_epoch,
                 in_brief=Brief.WITH_PREVIOUS),
            *self.answers_beats(),
            Beat(self.start_caption(), self.show_start, in_brief=Brief.WITH_NEXT),
            Beat(self.replay_caption(), lambda: self.replay_part(0), brief=self.replay_caption(brief=True)),
            Beat(self.glow_caption(), lambda: self.replay_part(1),
                 in_brief=Brief.SAID if h.dropout else Brief.WITH_NEXT,
                 brief_show=None if h.dropout else lambda: self.replay_part(1, stretch=False),
                 brief=self.dropout_words().strip() or None),
            Beat(self.outcome_caption(), lambda: self.replay_part(2), brief=self.outcome_caption(brief=True)),
            Beat(self.gap_caption(), self.show_ending, brief=self.gap_caption(brief=True),
                 brief_show=lambda: self.show_ending(stalled=self.says_stalled())),
            *self.digits_ending_beats(),
        ]
        if not self.verdict.learned:
            beats.append(Beat(f"This run did not learn: {self.verdict.why_not}.",
                              lambda: self.show_warning(f"did not learn: {self.verdict.why_not}")))
        if self.verdict.unstable:
            beats.append(Beat(f"And it is unstable: {self.verdict.unstable}; a smaller learning rate would steady "
                              "it.", lambda: self.show_warning("unstable: its cost still jumps")))
        if self.verdict.overfit:
            beats.append(Beat(self.overfit_caption(), self.show_overfit))
        elif self.verdict.stalled and self.verdict.learned:
            beats.append(Beat(self.stalled_caption(), self.show_stalled, in_brief=Brief.LEFT_OUT))
        return [self.said_as_cost(beat) for beat in beats]

    @staticmethod
    def said_as_cost(beat: Beat) -> Beat:
        """The verdict's words call the cost "loss", as the core does; the video says "cost" throughout."""
        for name in ("caption", "brief"):
            text = getattr(beat, name)
            if text:
                setattr(beat, name, text.replace("training loss", "training cost").replace("test loss", "test cost")
                        .replace("its loss", "its cost"))
        return beat

    def start_caption(self) -> str:
        h = self.history
        accuracy = (f", and it gets {accuracy_number(h.train_accuracy[0])} of them right"
                    if not math.isnan(h.train_accuracy[0]) else "")
        return f"At the start the weights are random: the cost is {loss_number(h.train_loss[0])}{accuracy}."

    def replay_caption(self, brief: bool = False) -> str:
        """What a frame of the replay is, said truly: recorded weights, blended between records."""
        moved = np.abs(self.key_weights[-1] - self.key_weights[0]).mean() / max(self.weight_scale, 1e-12)
        every = self.history.n_snapshots == self.history.epochs + 1
        records = "recorded after every epoch" if every else "recorded at chosen epochs"
        if moved < 0.05:
            return f"Each frame shows the weights at that moment, {records} and blended between: here they hardly change."
        if self.conv_panel is not None:
            dense = self.dense_words()
            if brief:
                return (f"Each frame blends the recorded weights of that moment: the kernels, the {self.probe_name()}'s "
                        f"maps they make, and the {dense} edges.")
            return (f"Each frame shows the weights at that moment: {records}, and blended in between. The kernels "
                    f"recolour, and the maps they make of the {self.probe_name()} change with them; beside them, the "
                    f"{dense} edges recolour and thicken.")
        if brief:
            follow = " and the boundary" if self.answers_kind == "plane" else ""
            lit = f", lit by {self.probe_words()}" if self.probe_words() else ""
            return f"Each frame blends the recorded weights{follow}{lit}."
        return (f"Each frame shows the weights at that moment: {records}, and blended in between. Edges recolour and "
                "thicken as they change.")

    def probe_words(self) -> str:
        """The example whose activations the neurons show, as the captions name it."""
        if self.history.image_shape is not None:
            return f"the {self.probe_name()} we follow"
        return "the point we follow, ringed" if self.plane is not None else ""

    def glow_caption(self) -> str:
        signed = HIDDEN_ACTIVATIONS[self.history.activation].signed
        colours = ": blue when positive, amber when negative" if signed else ""
        if self.history.image_shape is not None:
            who = f"{self.probe_words()}, bottom left"
        elif self.plane is not None:
            who = "the point we follow, ringed on the plane"
        else:
            who = "the training sample we follow"
        maps = ", around their maps," if self.neuron_maps is not None else ""
        neurons = f"The {self.dense_words()} neurons" if self.conv_panel is not None else "The neurons"
        return f"{neurons} glow{maps} with the activations of {who}{colours}." + self.dropout_words()

    def dense_words(self) -> str:
        """A CNN's dense part as the captions name it, possessive: "dense layer's" or "dense layers'"."""
        return "dense layers'" if len(self.history.layer_sizes) > 2 else "dense layer's"

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
                           brief="Beside it, the plane of the data, test points hollow."),
                      Beat(f"Behind them, the network's answer at every point of the plane, {self.undecided_words()}",
                           self.show_plane_answer,
                           brief=f"Behind them, its answer at every point, {self.undecided_words()}")]
        if self.neuron_maps is not None:
            signed = HIDDEN_ACTIVATIONS[self.history.activation].signed
            beats.append(Beat("Inside each neuron before the output, a map of its own output over the same plane"
                              + (": blue where positive, amber where negative." if signed
                                 else ", brighter where it fires."), self.show_neuron_maps,
                              brief="Inside each neuron before the output, a map of its own output"
                                    + (": blue where positive, amber where negative." if signed
                                       else ", brighter where it fires.")))
        if self.scatter is not None:
            target = self.history.target_name or "target"
            beats.append(Beat(f"Beside the network, {len(self.scatter.dots)} {self.scatter.source} examples: each dot "
                              f"is one, its true {target} across and the network's prediction up. On the diagonal a "
                              "prediction is exact; the distance from it is the error.", self.show_scatter,
                              brief=f"Beside it, each dot is an example's true {target} against the prediction."))
        if self.digits is not None:
            grid = self.digits
            beats.append(Beat(f"Beside the network, {len(grid.labels_true)} {grid.source} {self.pictures} with its "
                              "answer under each: framed green when right, red when wrong.", self.show_digits,
                              brief=f"Beside it, {len(grid.labels_true)} {grid.source} {self.pictures}: green if "
                                    "right, red if wrong."))
        return beats

    def undecided_words(self) -> str:
        """What the answer's dark means, and how much of the plane it covers at the start, as it is:
        at epoch 0 most networks cannot decide anywhere, and a seam only forms as they learn."""
        share = float(self.plane_maps.undecided[0])
        if share >= 0.9:
            return "dark where it cannot decide: at the start, nearly all of it."
        if share >= 0.5:
            return "dark where it cannot decide: at the start, most of it."
        return "in its classes' colours; the dark seam is where it cannot decide."

    @property
    def pictures(self) -> str:
        """What the answered pictures are: the digits, or the images of the user's own."""
        return "digits" if self.history.dataset_name == "digits" else "images"

    def digits_ending_beats(self) -> list[Beat]:
        if self.scatter is not None:
            return [Beat(f"At the end its predictions of these {len(self.scatter.dots)} {self.scatter.source} "
                         f"examples reach an R² of {r_squared_text(self.scatter.scores[-1])}: 1 would put every dot on the "
                         "diagonal, 0 is no better than guessing the average.", self.show_scatter_score,
                         in_brief=Brief.LEFT_OUT)]
        if self.digits is None:
            return []
        right, count = int(self.digits.right[-1].sum()), len(self.digits.labels_true)
        return [Beat(f"At the end it reads {right} of these {count} {self.pictures} right.", self.show_digits_count,
                     in_brief=Brief.LEFT_OUT)]

    def outcome_caption(self, brief: bool = False) -> str:
        """What the cost and accuracy did, said as it was: a fall only when they fell."""
        h = self.history
        first, last = float(h.train_loss[0]), float(h.train_loss[-1])
        verb = "falls" if self.verdict.learned and last < first else "goes"
        change = f"The cost {verb} from {loss_number(first)} to {loss_number(last)}"
        if math.isnan(h.train_accuracy[0]):
            return change + "."
        before, after = h.train_accuracy[0], h.train_accuracy[-1]
        if self.verdict.learned and after > before:
            climbs = "" if brief else " climbs"
            return change + f"; training accuracy{climbs} from {accuracy_number(before)} to {accuracy_number(after)}."
        return change + f", and training accuracy ends at {accuracy_number(after)}."

    def has_gap(self) -> bool:
        """Whether the run has a test accuracy to hold against the training one."""
        h = self.history
        return h.has_test and not math.isnan(h.test_accuracy[-1]) and not math.isnan(h.train_accuracy[-1])

    def gap_points(self) -> float:
        """Training accuracy minus test accuracy at the end, in percentage points, to the tenth shown."""
        h = self.history
        return round(100 * float(h.train_accuracy[-1]), 1) - round(100 * float(h.test_accuracy[-1]), 1)

    def gap_text(self) -> str:
        """The gap between the training and the test accuracy, as said."""
        gap = self.gap_points()
        return ("the same" if gap == 0 else f"a gap of {gap:.1f} points" if gap > 0 else
                f"{abs(gap):.1f} points higher on test")

    def gap_caption(self, brief: bool = False) -> str:
        """The check the data chapter promised: accuracy on examples never trained on, against the
        training accuracy, and what the gap says."""
        h = self.history
        if not h.has_test:
            return "No examples were kept apart, so nothing shows whether it learned or memorised."
        if not self.has_gap():
            return f"On the test examples it never trained on, the cost ends at {loss_number(h.test_loss[-1])}."
        kind = {"digits": self.pictures, "plane": "points"}.get(self.answers_kind, "examples")
        test, train = accuracy_number(h.test_accuracy[-1]), accuracy_number(h.train_accuracy[-1])
        gap = self.gap_points()
        if not self.verdict.learned:
            meaning = "it learned nothing, so it memorised nothing either"
        elif self.verdict.overfit or self.verdict.stalled:  # its test cost stopped following the training's
            meaning = "it has begun to memorise"
        elif abs(gap) < GAP_SMALL:  # of the accuracies alone: it claims nothing of the costs
            meaning = "almost none: what it learned holds for examples it never saw"
        elif gap < GAP_LARGE:
            meaning = "it learned, memorising a little"
        else:
            meaning = "much of what it learned, it memorised"
        gap_text = self.gap_text()
        if gap == 0 and self.verdict.learned and not self.verdict.stalled:
            meaning = "what it learned holds for examples it never saw"
        if brief:
            # The full telling says the stall in a sentence of its own; a brief one in a clause.
            stalled = f", its cost stalled at {loss_number(h.test_loss[-1])}" if self.says_stalled() else ""
            return f"On test {kind} it never saw: {test}{stalled}; {gap_text}: {meaning}."
        return (f"The test: on {kind} it never trained on it gets {test}, against {train} on its own; "
                f"{gap_text}: {meaning}.")

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
        """Epoch, drawn weights and drawn probe activations at ``progress`` in [0, 1] of the replay:
        between two keyframes, a blend of the two, as the narration says."""
        low, t = self.key_position(progress)
        mix = lambda values: (1 - t) * values[low] + t * values[low + 1]  # noqa: E731
        return float(mix(self.key_epochs)), mix(self.key_weights), mix(self.key_activations)

    def apply_state(self, progress: float) -> None:
        self.show_answers(*self.key_position(progress))
        if self.conv_panel is not None:
            self.conv_panel.show_at(*self.key_position(progress))
        epoch, weights, activations = self.state_at(progress)
        self.network_mob.set_drawn_weights(weights, scale=self.weight_scale)
        self.network_mob.set_drawn_activations(activations)
        for plot in self.plots:
            plot.reveal(epoch)
        self.show_epoch_numbers(int(math.floor(epoch + 1e-9)))

    def show_epoch_numbers(self, epoch: int) -> None:
        """The readouts at a recorded epoch: the cost and accuracies it really had then."""
        h = self.history
        self.epoch_readout.set_text(f"{epoch:,}")
        self.loss_readout.set_text(loss_number(h.train_loss[epoch]))
        if h.has_test:
            self.test_loss_readout.set_text(loss_number(h.test_loss[epoch]))
        if not math.isnan(h.train_accuracy[epoch]):
            self.accuracy_readout.set_text(accuracy_number(h.train_accuracy[epoch]))
            if h.has_test:
                self.test_accuracy_readout.set_text(accuracy_number(h.test_accuracy[epoch]))

    def show_answers(self, low: int, t: float) -> None:
        """The panel beside the network at ``t`` of the way from keyframe ``low`` to the next: images
        blend, and the digits take the nearer keyframe's answers (an answer is right or wrong, not between)."""
        if self.plane is not None:
            self.plane.show_at(low, t)
        if self.neuron_maps is not None:
            self.neuron_maps.set_bytes(self.plane_maps.maps_at(low, t))
        if self.digits is not None:
            self.digits.show_key(low + int(t >= 0.5))
        if self.scatter is not None:
            self.scatter.show_at(low, t)

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
        """The cost plot, and the accuracy plot below it when the run has accuracies: a live readout of
        each curve in its key, train and test."""
        h, axis = self.history, EpochAxis(self.history.epochs)
        losses = np.concatenate([h.train_loss, h.test_loss]).astype(float)
        loss_top = max(float(losses.max()) * 1.05, 1e-6)
        readout = lambda width, color: Readout(width, font_size=PLOT_FONT, color=color)  # noqa: E731
        # As wide as the longest cost it will show: 0.0000289 and <0.000001 are nine characters, and a
        # readout shows only its last ones (".0000289" read as another number).
        widest = max([8, *(len(loss_number(value)) for value in losses[np.isfinite(losses)])])
        self.loss_readout, self.test_loss_readout = readout(widest, LOSS_COLOR), readout(widest, TEST_COLOR)
        self.accuracy_readout, self.test_accuracy_readout = readout(6, ACCURACY_COLOR), readout(6, TEST_COLOR)
        has_accuracy = not math.isnan(h.train_accuracy[0])
        middle = (panel.bottom + panel.top) / 2
        loss_region = panel.above(middle + GAP) if has_accuracy else panel
        floor = cost_floor(losses, loss_top)
        tops = [f"{loss_top:.3g}", "100%", *([fixed(floor, 1)] if floor else [])]
        self.plots = [MetricPlot(loss_region, "cost (log scale)" if floor else "cost", None,
                                 [(h.train_loss, LOSS_COLOR, "train", self.loss_readout),
                                  (h.test_loss, TEST_COLOR, "test", self.test_loss_readout)],
                                 loss_top, tops[0], axis, tops, small=PLOT_FONT, floor=floor)]
        if has_accuracy:
            self.plots.append(MetricPlot(panel.below(middle - GAP), "accuracy", None,
                                         [(h.train_accuracy, ACCURACY_COLOR, "train", self.accuracy_readout),
                                          (h.test_accuracy, TEST_COLOR, "test", self.test_accuracy_readout)],
                                         1.0, tops[1], axis, tops, small=PLOT_FONT))
        self.curves = [curve for plot in self.plots for curve in plot.curves]

    def plot_point(self, plot: int, epoch: int, value: float) -> np.ndarray:
        """Where ``value`` at ``epoch`` sits on plot ``plot`` (0 the cost, 1 the accuracy)."""
        chart = self.plots[plot]
        return chart.axes.c2p(float(chart.axis.position(epoch)), float(chart.value_y(value)))

    # -- beats -----------------------------------------------------------------------

    def show_intro(self) -> None:
        self.apply_state(0.0)
        panel = [part for plot in self.plots for part in (plot.axes, plot.labels)]
        # The network is drawn from arrays from the start: fading in 500 mobjects costs more than the replay.
        self.network_mob.use_fast_drawing()
        # Told briefly, under "Training: N epochs." alone, it is quick: the seconds go to the test's clause.
        conv = [FadeIn(self.conv_panel)] if self.conv_panel is not None else []
        axes = LaggedStart(*(Create(m) if isinstance(m, Axes) else FadeIn(m) for m in panel), lag_ratio=0.2)
        if self.brief:  # all at once
            self.play(Write(self.title), FadeIn(self.readouts), *conv, FadeIn(self.network_mob),
                      self.network_mob.fade_in_fast(), axes, run_time=1.0)
        else:
            self.play(Write(self.title), FadeIn(self.readouts), *conv, FadeIn(self.network_mob),
                      self.network_mob.fade_in_fast(), run_time=1.2)
            self.play(axes, run_time=self.paced(1.3, 0.5))
        self.add(*self.curves)
        # The learning rate's line as it is said; the epoch's, with the next sentence, which says it.
        self.play(Write(self.definition[1]), run_time=0.5 if self.brief else self.paced(1.0))

    def show_epoch(self) -> None:
        """An epoch's numbers written as they are said (a slow flash of them reads as a still frame), then
        pointed at with the epoch counter."""
        self.play(Write(self.definition[0]), run_time=0.5 if self.brief else self.paced(2.5, 0.7))
        self.play(Indicate(self.definition[0], color=HIGHLIGHT, scale_factor=1.0),
                  Indicate(self.readouts, color=LABEL, scale_factor=1.0),
                  run_time=0.3 if self.brief else self.paced(1.0))

    def show_measures(self) -> None:
        # Each key, with its readout, flashes as its curve is named; they sit at the frame's right edge,
        # so they flash without growing, or they would cross it.
        keys = [key for plot in self.plots for key in plot.keys]
        self.play(LaggedStart(*(Indicate(key, scale_factor=1.0) for key in keys), lag_ratio=0.5),
                  run_time=self.paced(2.0))

    def show_plane(self) -> None:
        plane = self.plane
        self.play(FadeIn(plane.frame), FadeIn(plane.labels), FadeIn(plane.dots, lag_ratio=0.01),
                  run_time=self.paced(1.2))

    def show_plane_answer(self) -> None:
        # Under the points, which stay on top.
        self.play(FadeIn(self.plane.square), run_time=self.paced(1.2, 0.9))
        self.add(self.plane.dots)

    def show_neuron_maps(self) -> None:
        """The maps come one neuron at a time, input neurons first, for as long as the sentence: a slow
        fade of all at once would look still."""
        maps, total = self.neuron_maps, len(self.mapped)

        def reveal(mob, alpha: float) -> None:
            mob.count = math.ceil(alpha * total)

        maps.count = 0
        self.add(maps)
        self.play(UpdateFromAlphaFunc(maps, reveal), run_time=self.paced(1.2, 0.9))

    def show_digits(self) -> None:
        grid = self.digits
        self.play(FadeIn(grid.heading), LaggedStart(*(FadeIn(image) for image in grid.images), lag_ratio=0.15),
                  run_time=self.paced(1.5, 0.55))
        self.play(FadeIn(grid.boxes), LaggedStart(*(FadeIn(answer) for answer in grid.answer_readouts),
                                                   lag_ratio=0.15), run_time=self.paced(1.0))

    def show_scatter(self) -> None:
        scatter = self.scatter
        self.play(FadeIn(scatter.heading), Create(scatter.box), FadeIn(scatter.axis_names), run_time=self.paced(1.0, 0.5))
        self.play(Create(scatter.diagonal), LaggedStart(*(FadeIn(dot) for dot in scatter.dots), lag_ratio=0.05),
                  run_time=self.paced(1.2, 0.5))

    def show_scatter_score(self) -> None:
        self.play(FadeIn(self.scatter.score, shift=UP * 0.1), run_time=self.paced(0.8))

    def show_digits_count(self) -> None:
        self.play(Indicate(self.digits.heading, color=LABEL), run_time=self.paced(1.2))

    def show_start(self) -> None:
        readouts = [self.loss_readout] + ([self.accuracy_readout] if len(self.plots) > 1 else [])
        # Told briefly it plays before the replay's sentence: briefly, or it would hold the replay back.
        self.play(*(Indicate(readout, color=LABEL) for readout in readouts),
                  run_time=1.0 if self.brief else self.paced(1.0))

    def replay_part(self, part: int, stretch: bool = True) -> None:
        """One sentence's share of the replay, stretched if the sentence needs longer (unless
        ``stretch`` is False: a part played under another's sentence leaves the stretching to it)."""
        if part == 0:
            self.start_replay()
        begin = sum(REPLAY_SHARES[:part])
        final = self.history.train_loss[-1], self.history.train_accuracy[-1]
        ended = [loss_number(final[0]), accuracy_number(final[1])] if part == 2 else []
        ended = [text if readout.text == text else None
                 for readout, text in zip([self.loss_readout, self.accuracy_readout], ended)]
        seconds = max(self.replay_seconds * REPLAY_SHARES[part], self.beat_seconds() if stretch else 0.0)
        # The final cost reached as it is said (the readouts pointed at for the rest of the sentence); the
        # middle part, told under the same sentence, takes its share of the time before it.
        reached = self.until_said(loss_number(final[0])) if part in (1, 2) else 0.0
        if reached and part == 2 and stretch:
            seconds = max(0.8, reached + 0.3)
        elif reached and part == 1 and not stretch:
            seconds = min(seconds, max(0.6, 0.5 * reached))
        else:
            reached = 0.0
            if part == 1 and stretch:  # the last part's share beyond the time to its number plays here
                spare = self.replay_seconds * REPLAY_SHARES[2] - (self.outcome_reach() + 0.3)
                seconds = max(self.replay_seconds * REPLAY_SHARES[1] + max(0.0, spare), self.beat_seconds())
        # Each play ends by draining the encoder with nothing drawn beside it, so a part is one play; what
        # the sentence points at is shown in its first second, inside it.
        early = lambda t: smooth(min(1.0, t * seconds / 0.8))  # noqa: E731
        pointed = []
        if self.probe_mob is not None and part < 2:
            pointed.append(FadeIn(self.probe_mob, rate_func=early) if part == 0 else
                           Indicate(self.probe_mob, color=HIGHLIGHT, scale_factor=1.0,
                                    rate_func=lambda t: there_and_back(min(1.0, t * seconds / 0.8))))
        if part == 1 and self.history.dropout:
            pointed.append(Indicate(self.definition[1], color=HIGHLIGHT, scale_factor=1.0,
                                    rate_func=lambda t: there_and_back(min(1.0, t * seconds / 1.0))))
        # The values the curves began from, as the outcome's sentence says them (which, told briefly,
        # begins under the replay's middle part).
        if part == 2 and not getattr(self, "marks", None) or part == 1 and not stretch:
            pointed.append(FadeIn(self.start_marks(), rate_func=early))
        self.play(self.tracker.animate(rate_func=linear).set_value(begin + REPLAY_SHARES[part]), *pointed,
                  run_time=seconds)
        if part == len(REPLAY_SHARES) - 1:
            self.end_replay()
            # The numbers it ended on, pointed at, when the replay's last part did not change them.
            ends = [self.loss_readout] + ([self.accuracy_readout] if len(self.plots) > 1 else [])
            if reached:  # the rest of the sentence: the cost reached, then the accuracy as it is said
                said = self.until_said(accuracy_number(final[1])) if len(ends) > 1 else 0.0
                self.play(Indicate(self.loss_readout, color=HIGHLIGHT, scale_factor=1.15),
                          run_time=max(0.8, min(said, self.beat_seconds()) if said else self.beat_seconds()))
                if len(ends) > 1:
                    self.play(Indicate(self.accuracy_readout, color=HIGHLIGHT, scale_factor=1.15),
                              run_time=self.paced(0.8))
            elif any(readout.text == text for readout, text in zip(ends, ended)):
                self.play(*(Indicate(readout, color=LABEL, scale_factor=1.0) for readout in ends),
                          run_time=self.paced(0.8))

    def until_next(self, words: list[str]) -> float:
        """Seconds until the first of ``words`` still to be said (more than 0.8 s off), or 0."""
        return next((t for t in map(self.until_said, words) if t > 0.8), 0.0)

    def outcome_reach(self) -> float:
        """Seconds into the outcome's sentence, told in full, at which its final cost is said (the replay's
        last part ends there), estimated as ``until_said`` does."""
        caption, words = self.outcome_caption(), loss_number(self.history.train_loss[-1])
        if words not in caption:
            return self.replay_seconds * REPLAY_SHARES[2]
        return words_at(self.narration, Beat(caption, lambda: None), words)

    def start_marks(self) -> VGroup:
        """The values the curves started from, written at their first points as the outcome says them."""
        h, marks = self.history, VGroup()
        series = [(0, h.train_loss, loss_number, LOSS_COLOR)]
        if len(self.plots) > 1:
            series.append((1, h.train_accuracy, accuracy_number, ACCURACY_COLOR))
        for plot, values, words, color in series:
            point = self.plot_point(plot, 0, values[0])
            rises = float(values[-1]) > float(values[0])
            label = Label(words(values[0]), font_size=PLOT_FONT, color=color)
            # Beside the start, on the side the curve leaves (above a falling curve, below a rising one),
            # or a little further off where the curves or other labels are in the way.
            sides = [DOWN, UP] if rises else [UP, DOWN]
            spots = [(point + RIGHT * dx + side * dy, LEFT - side) for dy in (0.06, 0.25, 0.45, 0.7)
                     for side in sides for dx in (0.12, 0.45)]
            self.place_in_plot(label, plot, spots, avoid=list(marks))
            marks.add(label)
        self.marks = marks
        return marks

    def place_in_plot(self, label: Label, plot: int, spots: list, avoid: list) -> bool:
        """``label`` at the first of ``spots`` inside plot ``plot``'s axes and clear of its curves,
        its labels and ``avoid`` (True), or where it is least in the way (False): see ``place_clear``."""
        chart = self.plots[plot]
        within = Region(chart.axes.get_left()[0], chart.axes.get_right()[0], chart.axes.get_bottom()[1],
                        chart.axes.get_top()[1])
        return place_clear(label, spots, within, [*chart.labels, *avoid],
                    [traced(curve.corners) for curve in chart.curves])

    def start_replay(self) -> None:
        self.tracker = ValueTracker(0.0)
        self.network_mob.use_fast_drawing()
        # Manim redraws each frame only the mobjects from the first one with an updater on,
        # and keeps the rest in a still background: the driver goes after the axes and
        # labels, and what changes goes after the driver.
        self.driver = VMobject(stroke_width=0)  # drives, draws nothing
        self.driver.add_updater(lambda _: self.apply_state(self.tracker.get_value()))
        self.add(self.driver, self.network_mob.canvas, *self.changing_answers(), *self.curves, *self.live_readouts())
        # Manim calls update() down every family each frame; only the driver has anything to do.
        self.still = [mobject for mobject in self.mobjects if mobject is not self.driver]
        for mobject in self.still:
            mobject.suspend_updating()

    def live_readouts(self) -> list[Readout]:
        return [self.epoch_readout, self.loss_readout, self.test_loss_readout, self.accuracy_readout,
                self.test_accuracy_readout]

    def changing_answers(self) -> list:
        """What the replay redraws of the panel beside the network, in drawing order."""
        parts = [self.neuron_maps] if self.neuron_maps is not None else []
        if self.conv_panel is not None:
            parts += self.conv_panel.pictures
        if self.plane is not None:
            parts += [self.plane.square, self.plane.dots]
        if self.digits is not None:
            parts += [self.digits.boxes, *self.digits.answer_readouts, self.digits.count_readout]
        if self.scatter is not None:
            parts += [self.scatter.dots]
        return parts

    def end_replay(self) -> None:
        self.driver.clear_updaters()
        for mobject in self.still:
            mobject.resume_updating()
        self.apply_state(1.0)

    def says_stalled(self) -> bool:
        """Whether the test cost stopped falling while the training cost fell on (short of overfitting,
        which has its own sentence), and the cost plot is there to show it."""
        return bool(self.verdict.stalled and self.verdict.learned and self.has_gap() and len(self.plots) >= 2)

    def show_ending(self, stalled: bool = False) -> None:
        """The test set's check: the test accuracy's readout ringed, and the gap between the two
        accuracy curves' ends marked and measured; with ``stalled``, the test cost's readout ringed
        between the two, as the clause that says it stalled is said."""
        if not self.has_gap() or len(self.plots) < 2:
            keys = [key for plot in self.plots for key in plot.keys[1:]]
            self.play(*(Indicate(key, scale_factor=1.0) for key in keys), run_time=self.paced(1.0))
            return
        h, plot = self.history, self.plots[1]
        end = len(h.train_accuracy) - 1
        train, test = self.plot_point(1, end, h.train_accuracy[-1]), self.plot_point(1, end, h.test_accuracy[-1])
        x = plot.axes.c2p(1, 0)[0] - 0.15
        high, low = max(train[1], test[1]), min(train[1], test[1])
        if high - low > 0.25:
            marker = DoubleArrow([x, high, 0], [x, low, 0], buff=0, color=HIGHLIGHT, stroke_width=3,
                                 tip_length=0.12, max_tip_length_to_length_ratio=0.4)
        else:
            marker = Line([x, high + 0.06, 0], [x, low - 0.06, 0], color=HIGHLIGHT, stroke_width=3)
        gap = self.gap_points()
        # As the sentence says it: no gap is "the same".
        label = Label(f"gap {abs(gap):.1f} points" if gap else "the same", font_size=PLOT_FONT, color=HIGHLIGHT)
        # Beside the marker, under the two curves' ends (above them when they end low), or further off
        # where the curves or the start's marks are in the way.
        first_below = low - plot.axes.get_bottom()[1] > label.height + 0.2
        spots = [(np.array([x - 0.1 - dx, low - dy if below else high + dy, 0]), RIGHT + (UP if below else DOWN))
                 for dy in (0.12, 0.3, 0.5, 0.75) for below in (first_below, not first_below) for dx in (0.0, 0.4)]
        self.place_in_plot(label, 1, spots, avoid=list(getattr(self, "marks", [])))
        self.gap_marker = VGroup(marker, label)
        test_key = plot.keys[1]
        # The test accuracy alone, then the stalled test cost, each lit from when it is said until the next
        # thing is (the training accuracy, which comes with the gap's marker, or the gap's words); a line
        # runs round each key, since a slow Indicate of a small key would read as a still frame.
        gap_words = [f"against {accuracy_number(h.train_accuracy[-1])}", self.gap_text()]
        lit = [test_key, *([self.plots[0].keys[1]] if stalled else [])]
        following = [[loss_number(h.test_loss[-1]), *gap_words], gap_words] if stalled else [gap_words]
        for key, words, share in zip(lit, following, (0.2 if stalled else 0.3, 0.3)):
            self.play(Indicate(key, color=HIGHLIGHT, scale_factor=1.0),
                      Circumscribe(key, color=HIGHLIGHT, buff=0.04, time_width=0.6),
                      run_time=self.until_next(words) or self.paced(1.0, share))
        self.play(GrowFromCenter(marker), FadeIn(label, shift=LEFT * 0.2), Indicate(plot.keys[0], scale_factor=1.0),
                  run_time=self.paced(1.0, 0.5))
        # The gap measured, pointed at again while the sentence says what it means.
        self.play(Indicate(label, color=HIGHLIGHT), run_time=self.paced(1.0))

    def overfit_caption(self) -> str:
        """When the test cost turned, and where it ended: the numbers the plot marks and its key shows."""
        best, h = self.verdict.best_test_epoch, self.history
        return (f"And it overfits: from epoch {best:,} its test cost rose, to {loss_number(h.test_loss[-1])}, while "
                "its training cost kept falling.")

    def stalled_caption(self) -> str:
        """Short of overfitting: the test cost flat since its lowest while the training cost fell on."""
        kind = {"digits": self.pictures, "plane": "points"}.get(self.answers_kind, "examples")
        return (f"Its cost says the same: on the test it has not fallen since epoch "
                f"{self.verdict.best_test_epoch:,}, while on its own {kind} it went on down to "
                f"{loss_number(self.history.train_loss[-1])}: the start of memorising.")

    def show_stalled(self) -> None:
        """The lowest test cost's epoch marked as it is said; a dot runs along the test curve from there to
        its end (level: it has not fallen), then one along the training curve, down to its last cost."""
        self.mark_lowest_test(0.6)  # quickly: a slow fade reads as a still frame; the traces take the time
        best, h = self.verdict.best_test_epoch, self.history
        for values, color, share in ((h.test_loss, TEST_COLOR, 0.5), (h.train_loss, LOSS_COLOR, 1.0)):
            path = VMobject().set_points_as_corners([self.plot_point(0, epoch, values[epoch])
                                                     for epoch in range(best, len(values))])
            # The stretch said, traced in white over its curve (its own colour over itself would not be seen).
            path.set_stroke(LABEL, width=5)
            dot = Dot(path.get_start(), radius=0.09, color=color).set_stroke(LABEL, width=2)
            pointed = [Indicate(self.loss_readout, color=HIGHLIGHT)] if values is h.train_loss else []
            self.play(FadeIn(dot, scale=1.5), run_time=0.2)
            self.play(MoveAlongPath(dot, path), Create(path), *pointed, run_time=self.paced(1.2, share))
            self.remove(dot)

    def show_overfit(self) -> None:
        self.mark_lowest_test()
        self.play(Indicate(self.plots[0].keys[1], color=HIGHLIGHT, scale_factor=1.0), run_time=self.paced(1.0, 0.4))
        self.show_warning(f"overfits: the test cost rose from epoch {self.verdict.best_test_epoch:,}")

    def mark_lowest_test(self, run_time: float = 0.8) -> None:
        """The epoch of the lowest test cost, marked on the cost plot and labelled clear of the curves."""
        best = self.verdict.best_test_epoch
        line, label = self.plots[0].marker(best, f"test lowest, epoch {best:,}", small=PLOT_FONT)
        words = self.place_lowest_label(line, label)
        parts = [words]
        if words is None:  # no room for the words and the epoch together: the epoch at the line's foot
            tick = Label(f"{best:,}", font_size=PLOT_FONT, color=MUTED)
            foot = [(line.get_bottom() + side * 0.08 + UP * 0.04, DOWN - side) for side in (RIGHT, LEFT)]
            if self.place_in_plot(tick, 0, foot, avoid=list(getattr(self, "marks", []))):
                words = self.place_lowest_label(line, Label("test lowest", font_size=PLOT_FONT, color=MUTED),
                                                avoid=[tick])
                parts = [words, tick]
        if words is None:  # the least in the way, beside the line
            words, parts = label, [label]
            self.place_in_plot(label, 0, self.beside_line(line, label), avoid=list(getattr(self, "marks", [])))
        if words.get_left()[0] < line.get_x() < words.get_right()[0] and words.get_bottom()[1] > line.get_bottom()[1]:
            line.put_start_and_end_on(line.get_start(), [line.get_x(), words.get_bottom()[1] - 0.06, 0])
        self.lowest_marker = VGroup(line, *parts)
        self.play(FadeIn(self.lowest_marker), run_time=run_time)

    @staticmethod
    def beside_line(line, label: Label) -> list:
        """Spots for ``label`` beside the top of the dashed ``line``, or lower down it, the side it was put first."""
        right = label.get_left()[0] > line.get_x()
        sides = [RIGHT, LEFT] if right else [LEFT, RIGHT]
        return [(np.array([line.get_x(), line.get_top()[1] - dy, 0]) + side * 0.08, UP - side)
                for dy in np.arange(0.0, max(line.height - label.height, 0.01), 0.15) for side in sides]

    def place_lowest_label(self, line, label: Label, avoid: list = ()) -> Label | None:
        """``label`` beside the line's top or lower down it; failing that (a log cost axis puts both curves
        across the line's whole height), anywhere in the cost plot, nearest the line's top first; on two
        lines or on one. The label placed clear of the curves, the plot's labels and the start's marks, or None."""
        axes = self.plots[0].axes
        top = np.array([line.get_x(), line.get_top()[1], 0])
        anywhere = sorted((np.array([x, y, 0]) for x in np.arange(axes.get_left()[0], axes.get_right()[0], 0.08)
                           for y in np.arange(axes.get_top()[1], axes.get_bottom()[1], -0.06)),
                          key=lambda point: float(np.linalg.norm(point - top)))
        text = label.original_text.replace("\n", ", ")
        forms = [label] + ([Label(text, font_size=PLOT_FONT, color=MUTED)] if text != label.original_text else [])
        for form in forms:
            spots = self.beside_line(line, form) + [(point, UP) for point in anywhere]
            if self.place_in_plot(form, 0, spots, avoid=[*getattr(self, "marks", []), *avoid]):
                return form
        return None

    def show_warning(self, text: str) -> None:
        """A failure named on screen in the warning colour, in the band under the network: the first
        takes the place of what an epoch is, which has been said; a second goes above it."""
        warning = Label(text, font_size=BAND_FONT, color=NEGATIVE)
        band = self.text_band
        if self.probe_mob is not None and self.history.image_shape is not None:
            band = band.right_of(self.probe_mob.get_right()[0] + 3 * GAP)
        bottom = self.warnings[-1].get_top()[1] + 0.08 if self.warnings else band.bottom
        fit(warning, band.above(bottom).below(bottom + warning.height), LEFT)
        gone = [FadeOut(self.definition)] if not self.warnings else []
        self.warnings.append(warning)
        self.play(*gone, FadeIn(warning, shift=UP * 0.2), run_time=self.paced(0.8, 0.5))
        if self.beat_seconds() > 1.0:  # named again while the sentence says why
            self.play(Indicate(warning, color=NEGATIVE, scale_factor=1.0), run_time=self.paced(1.0))


LOG_COST_FALL = 20.0  # a cost that ends this many times under the axis's top lies on its floor: a log axis


def cost_floor(losses: np.ndarray, top: float) -> float | None:
    """The bottom of a logarithmic cost axis (a power of ten under the lowest cost), when the costs end so far
    under ``top`` that on a linear axis the curves would lie on its floor and a stall or a rise would not be
    seen; None for a linear axis from 0."""
    losses = np.asarray(losses, dtype=float)
    losses = losses[np.isfinite(losses) & (losses > 0)]
    if not len(losses) or top / float(losses.min()) < LOG_COST_FALL:
        return None
    return max(10.0 ** math.floor(math.log10(float(losses.min()))), 1e-6)


def answers_kind(history) -> str | None:
    """Which panel shows the network's answers: "plane" for classes of 2-D points, "digits" for
    classes of images, "predictions" for a number of the user's predicted (predicted against true),
    None for anything else (a CNN's panel is its first layer: see ``ConvPanel``)."""
    if history.is_convolutional:
        return None  # its first layer's kernels and maps take the room beside the dense layers
    if history.output_activation == "identity":
        return "predictions" if history.layer_sizes[-1] == 1 and history.user_data is not None else None
    if history.layer_sizes[0] == 2:
        return "plane"
    if history.image_shape is not None:
        return "digits"
    return None


def traced(corners: np.ndarray, step: float = 0.03) -> np.ndarray:
    """Points along a polyline through ``corners`` no more than ``step`` apart: what a label must not cover."""
    a, b = corners[:-1, :2], corners[1:, :2]
    counts = np.maximum(1, np.ceil(np.linalg.norm(b - a, axis=1) / step).astype(int))
    segment = np.repeat(np.arange(len(a)), counts)
    t = np.concatenate([np.arange(count) / count for count in counts])
    return np.vstack([a[segment] + t[:, None] * (b - a)[segment], corners[-1:, :2]])


def place_clear(label, spots: list, within: Region, avoid: list, lines: list[np.ndarray],
                margin: float = 0.05) -> bool:
    """Move ``label`` to the first of ``spots`` (each a point and the label's edge or corner put there)
    where it crosses no mobject of ``avoid``, stays inside ``within`` and covers none of the ``lines``'
    points; failing that, to the spot inside the frame that crosses the fewest of ``avoid``, then keeps
    inside ``within``, then covers the fewest points (a curve under a number is less harm than two
    numbers on each other). True when it found a clear spot."""
    points = np.concatenate(lines) if lines else np.zeros((0, 2))
    boxes = [(m.get_left()[0], m.get_right()[0], m.get_bottom()[1], m.get_top()[1]) for m in avoid
             if m is not label and m.width + m.height > 0]
    frame = safe_area()
    best, best_score = None, None
    for point, edge in spots:
        label.move_to(point, edge)
        left, right, bottom, top = label.get_left()[0], label.get_right()[0], label.get_bottom()[1], label.get_top()[1]
        crowded = sum(left < r + margin and l - margin < right and bottom < t + margin and b - margin < top
                      for l, r, b, t in boxes)
        off_frame = left < frame.left or right > frame.right or bottom < frame.bottom or top > frame.top
        outside = (left < within.left - 1e-6 or right > within.right + 1e-6 or bottom < within.bottom - 1e-6
                   or top > within.top + 1e-6)
        covered = int(np.sum((points[:, 0] > left - margin) & (points[:, 0] < right + margin)
                             & (points[:, 1] > bottom - margin) & (points[:, 1] < top + margin)))
        score = (off_frame, crowded, outside, covered)
        if score == (False, 0, False, 0):
            return True
        if best_score is None or score < best_score:
            best, best_score = (point, edge), score
    label.move_to(*best)
    return False
