"""NetworksCompareScene: networks of different kinds or shapes (an MLP and a CNN) on the same images,
replayed side by side from their own snapshots; also the comparison of CNN runs that differ in one choice.

A column per run: its name and layers, how it trained (activation, initialization, optimizer, learning
rate, batch and epochs: written, because an MLP and a CNN each train by their own kind's settings and
a comparison that hid it would be unfair), its parameters, what its first layer learned as pictures (an
MLP's first neurons, each a weight per pixel laid out as the image; a CNN's first kernels), on its own
colour scale, and its accuracy, train and test, at the epoch shown. Under the columns their training
losses and test accuracies share axes. Every number comes from the runs' histories; a run that did not
learn is said and marked not to have.
"""
from __future__ import annotations

import functools
import math
from typing import Sequence

import numpy as np
from manim import BLACK, DOWN, LEFT, RIGHT, UP, Axes, Create, FadeIn, Indicate, Rectangle, VGroup, Write

from nnscratch import TrainingHistory
from nnscratch.comparison import compared_specs, kind_of, parse_variation, record_runs
from scenes.chapters.compare import RUN_COLORS, CompareScene, joined
from scenes.mobjects.first_layer import FirstLayer, first_weights
from scenes.mobjects.glyphs import Label
from scenes.mobjects.layout import GAP, Region, fit, safe_area
from scenes.mobjects.plot import MetricPlot, labelled
from scenes.mobjects.readout import Readout
from scenes.mobjects.style import LABEL, MUTED
from scenes.narration.beats import Beat, Brief, counted

PANEL_SHARE = (0.64, 0.72)  # of the height below the title, for the runs: in columns (two), in bands (more)
WORDS_SHARE = 0.5  # of a column, for its words
BAND_BLOCKS = (2.4, 3.0, 2.8)  # widths of a band's words: name and layers, settings, parameters and accuracy
FONT = 22  # what the narration says numbers of, with room to shrink
COUNTS = {2: "Two", 3: "Three", 4: "Four"}
READABLE = 20  # the smallest text a number said may be shown in (tests/timeline.py's rule)
ACCURACY_WIDTH = len("100.0%")


def percent(value: float) -> str:
    return f"{value:.1%}"


def listed(words: Sequence[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + f" and {words[-1]}"


def between(epochs: np.ndarray, epoch: float) -> tuple[int, int, float]:
    """The snapshots around ``epoch`` among the recorded ``epochs`` and how far it is from the first to the
    second (0 to 1): a frame between them blends the two."""
    if len(epochs) == 1:
        return 0, 0, 0.0
    high = int(np.clip(np.searchsorted(epochs, epoch, side="right"), 1, len(epochs) - 1))
    low = high - 1
    return low, high, float(np.clip((epoch - epochs[low]) / (epochs[high] - epochs[low]), 0.0, 1.0))


def wrapped(text: str, width: float, font_size: float, colour) -> VGroup:
    """A layer string in one line, or in two split at a comma when one would be wider than ``width``."""
    line = Label(text, font_size=font_size, color=colour)
    parts = text.split(",")
    if line.width <= width or len(parts) < 2:
        return VGroup(line)
    cut = min(range(1, len(parts)), key=lambda k: abs(len(",".join(parts[:k])) - len(",".join(parts[k:]))))
    return VGroup(Label(",".join(parts[:cut]) + ",", font_size=font_size, color=colour),
                  Label(",".join(parts[cut:]), font_size=font_size, color=colour)).arrange(DOWN, buff=0.05)


def shows_networks(histories: Sequence[TrainingHistory], option: str | None) -> bool:
    """Whether a comparison is this scene's: one of its networks is convolutional (the other scene draws
    dense networks' edges, which a CNN has not), or its networks differ and read images (their first
    layers are pictures; networks of other data are drawn as networks)."""
    return any(history.is_convolutional for history in histories) or \
        (option == "layers" and all(history.image_shape is not None for history in histories))


@functools.lru_cache(maxsize=1)
def default_networks() -> tuple[tuple[TrainingHistory, ...], str, tuple]:
    """What ``manim scenes/chapters/compare_networks.py NetworksCompareScene`` replays: an MLP and the
    issue's CNN on 2,000 of the digits, each by its own kind's defaults (about ten seconds of training)."""
    variable, values = parse_variation("layers=784,16,16,10;28x28,conv8:3,pool2,conv16:3,pool2,10")
    return tuple(record_runs(compared_specs({"samples": 2000}, variable, values))), variable.option, tuple(values)


class NetworksCompareScene(CompareScene):
    """``histories`` (2 to 4 runs on the same images) side by side; ``option`` and ``values`` as for
    CompareScene ("layers" and the layer strings for networks of different shapes)."""

    def __init__(self, histories: Sequence[TrainingHistory] | None = None, option: str | None = None,
                 values: Sequence | None = None, **kwargs) -> None:
        if histories is None:
            histories, option, values = default_networks()
        super().__init__(histories, option, values, **kwargs)
        if any(history.image_shape is None for history in self.histories):
            raise ValueError("networks are compared by what their first layers learned, drawn as pictures: "
                             "the runs must be on images (--dataset digits)")
        self.firsts = [first_weights(history) for history in self.histories]
        self.kinds = [kind_of(history.metadata.get("layers", history.layer_sizes)) for history in self.histories]
        self.networks_vary = option == "layers"
        self.names = self.run_names()
        if self.networks_vary:  # what the captions call each run: its layer string is no name to say
            self.labels = list(self.names)
        self.network_mobs = []  # no network drawn: the first layers' pictures instead

    def run_names(self) -> list[str]:
        """How captions name each run: "the MLP" and "the CNN" when each kind is there once, "CNN A" and
        "CNN B" when one is there more often; the varied value's label ("lr 0.002") when the networks are
        one network."""
        if not self.networks_vary:
            return list(self.labels)
        names, seen = [], {}
        for kind in self.kinds:
            seen[kind] = seen.get(kind, 0) + 1
            # Lettered, not numbered: a number in a name would be a number said.
            names.append(f"the {kind}" if self.kinds.count(kind) == 1 else f"{kind} {'ABCD'[seen[kind] - 1]}")
        return names

    def heading(self, index: int) -> str:
        """A column's name: the run's as the captions say it, without "the"."""
        name = self.names[index]
        return name[4:] if name.startswith("the ") else name

    def layers_text(self, index: int) -> str:
        history = self.histories[index]
        return history.metadata.get("layers") or ",".join(map(str, history.layer_sizes))

    # -- layout ---------------------------------------------------------------------------

    def prepare(self) -> None:
        area, h = safe_area(), self.history
        data = "digits" if h.dataset_name == "digits" else h.data_name
        if self.networks_vary and len(set(self.kinds)) > 1 and len(self.kinds) == 2:
            title = f"An {self.kinds[0]} and a {self.kinds[1]} on the same {data}"
        elif self.networks_vary:
            title = f"{COUNTS[len(self.histories)]} networks on the same {data}"
        else:
            title = f"Comparing {self.variable.noun}" if self.variable is not None else "Comparing runs"
        self.title = fit(Label(title, font_size=38, color=LABEL), area.above(area.top - 0.7), UP + LEFT)
        self.subtitle = Label(self.subtitle_text(), font_size=22, color=MUTED)
        fit(self.subtitle, area.below(self.title.get_bottom()[1] - 0.12).above(
            self.title.get_bottom()[1] - 0.12 - self.subtitle.height), UP + LEFT)
        self.epoch_readout = Readout(len(f"{self.epochs:,}"), font_size=28, color=LABEL)
        self.readouts = labelled(Label("epoch", font_size=28, color=MUTED), self.epoch_readout,
                                 Label(f"/ {self.epochs:,}", font_size=28, color=MUTED))
        self.readouts.move_to([area.right, 0, 0], RIGHT).align_to(self.title, DOWN)
        if self.readouts.get_left()[0] < self.title.get_right()[0] + GAP:  # a long title: the readout by the subtitle
            self.readouts.next_to(self.subtitle, RIGHT, buff=0.4).align_to(self.subtitle, DOWN)
        content = area.below(min(self.subtitle.get_bottom()[1], self.readouts.get_bottom()[1]) - GAP)
        split = content.top - PANEL_SHARE[len(self.histories) > 2] * content.height
        self.build_panels(content.above(split))
        self.lower = content.below(split - GAP)
        self.build_plots(self.lower)
        self.prepare_states()

    def subtitle_text(self) -> str:
        h = self.history
        train, test = len(h.X_train), len(h.X_test)
        data = f"{train:,} training and {test:,} test {'digits' if h.dataset_name == 'digits' else 'images'}"
        if self.networks_vary:
            return f"the same {data}, the same seed"
        return f"the same {self.layers_text(0)} network, {data} and seed; only the {self.variable.noun[:-1]} changes" \
            if self.variable is not None else f"the same {data}"

    def build_panels(self, region: Region) -> None:
        """What each run is and learned: a column per run for two (its words beside its pictures), a band
        per run for three or four (its words in three blocks, then its pictures)."""
        self.columns, self.status_places, self.name_texts = [], [], VGroup()
        self.layer_texts, self.setting_texts, self.parameter_texts = VGroup(), VGroup(), VGroup()
        self.first_layers, self.accuracy_rows, self.accuracy_readouts, self.status_texts = [], VGroup(), [], []
        build = self.build_column if len(self.histories) <= 2 else self.build_band
        count = len(self.histories)
        for index in range(count):
            build(index, region, count)
            self.status_texts.append(self.status(index, ""))

    def run_parts(self, index: int, widths: tuple[float, float, float]) -> tuple:
        """Run ``index``'s name, layers, settings (three lines), parameters and accuracy (train over test):
        the name and layers no wider than ``widths[0]``, the settings than ``widths[1]``, the rest than
        ``widths[2]``; kept in the scene's groups."""
        history, colour = self.histories[index], RUN_COLORS[index]
        name = Label(self.heading(index), font_size=26, color=colour)
        layers = wrapped(self.layers_text(index), widths[0], 18, colour)
        settings = VGroup(*(Label(line, font_size=FONT, color=LABEL) for line in self.settings(history)))
        parameters = Label(f"{history.network_at().n_parameters:,} parameters", font_size=FONT, color=LABEL)
        train, test = Readout(ACCURACY_WIDTH, FONT, LABEL), Readout(ACCURACY_WIDTH, FONT, LABEL)
        accuracy = VGroup(labelled(Label("train", font_size=FONT, color=MUTED), train),
                          labelled(Label("test", font_size=FONT, color=MUTED), test)).arrange(
            DOWN, aligned_edge=RIGHT, buff=0.08)
        for part, width in zip((name, layers, *settings, parameters, accuracy), (widths[0],) * 2 + (widths[1],) * 3
                               + (widths[2],) * 2):
            if part.width > width:  # each line to the width alone: a long layer string shrinks only itself
                part.scale(width / part.width)
        self.name_texts.add(name)
        self.layer_texts.add(layers)
        self.setting_texts.add(settings)
        self.parameter_texts.add(parameters)
        self.accuracy_rows.add(accuracy)
        self.accuracy_readouts.append((train, test))
        return name, layers, settings, parameters, accuracy

    def build_column(self, index: int, region: Region, count: int) -> None:
        width = (region.width - (count - 1) * 2 * GAP) / count
        left = region.left + index * (width + 2 * GAP)
        column = Region(left, left + width, region.bottom, region.top)
        words = column.left_of(column.left + WORDS_SHARE * width)
        name, layers, settings, parameters, accuracy = self.run_parts(index, (words.width,) * 3)
        status_height = Label("Ag", font_size=FONT).height + 0.08
        stack = VGroup(name, layers, settings.arrange(DOWN, buff=0.1), parameters, accuracy).arrange(DOWN, buff=0.1)
        accuracy.shift(DOWN * 0.15)
        fit(stack, words.above(column.bottom + status_height), UP)
        pictures = column.right_of(words.right + GAP).above(column.bottom + status_height)
        self.first_layers.append(FirstLayer(self.firsts[index], pictures, font_size=FONT - 1))
        self.columns.append(column)
        self.status_places.append(column.below(column.bottom + status_height))

    def build_band(self, index: int, region: Region, count: int) -> None:
        height = (region.height - (count - 1) * GAP) / count
        top = region.top - index * (height + GAP)
        band = Region(region.left, region.right, top - height, top)
        blocks = BAND_BLOCKS
        name, layers, settings, parameters, accuracy = self.run_parts(index, blocks)
        edges = np.cumsum([band.left, *blocks])
        lefts = edges[:-1] + np.arange(len(blocks)) * GAP
        for part, left, width in zip((VGroup(name, layers).arrange(DOWN, buff=0.06), settings.arrange(DOWN, buff=0.08),
                                      VGroup(parameters, accuracy).arrange(DOWN, buff=0.08)), lefts, blocks):
            fit(part, Region(left, left + width, band.bottom, band.top), LEFT)
        pictures = band.right_of(lefts[-1] + blocks[-1] + GAP)
        self.first_layers.append(FirstLayer(self.firsts[index], pictures, font_size=FONT - 1, beside=True))
        self.columns.append(band)
        self.status_places.append(pictures)

    def status(self, index: int, text: str, colour=MUTED) -> VGroup:
        """How run ``index`` ended, in its place (under its column, or over its band's pictures on a dark
        backing), as large as the numbers the captions say from it."""
        place, banded = self.status_places[index], len(self.histories) > 2
        line = Label(text or " ", font_size=FONT, color=colour)
        fit(line, place, None if banded else DOWN)
        # Over a band's pictures the words need a ground: the pictures dimmed under them, as a run that failed.
        backing = Rectangle(width=place.width, height=place.height, stroke_width=0, fill_color=BLACK,
                            fill_opacity=0.75 if text.strip() and banded else 0).move_to(place.center)
        return VGroup(backing, line)

    @staticmethod
    def settings(history: TrainingHistory) -> list[str]:
        """How a run trained, in three short lines: "sigmoid, xavier init", "sgd, lr 0.2", "batch 32, 40
        epochs" (and its regularization when it has some)."""
        batch = f"batch {history.batch_size:,}" if history.batch_size else "full batch"
        planned = int(history.metadata.get("epochs", history.epochs))  # a diverged run stopped short of it
        lines = [f"{history.activation}, {history.metadata['weight_init']} init",
                 f"{history.optimizer}, lr {history.learning_rate:g}", f"{batch}, {counted(planned, 'epoch')}"]
        extras = [f"{name} {history.metadata[name]:g}" for name in ("l1", "l2") if history.metadata.get(name)]
        if history.dropout:
            extras.append(f"dropout {history.dropout:g}")
        return lines + ([", ".join(extras)] if extras else [])

    def build_plots(self, region: Region) -> None:
        """The training loss of every run on one axis, and beside it their test accuracy (their training
        accuracy when there is no test split)."""
        runs = list(zip(self.histories, RUN_COLORS, self.labels))
        finite = [float(h.train_loss.max()) for i, h in enumerate(self.histories) if self.diverged_at(i) is None]
        loss_top = max(max(finite, default=0.0), max(float(h.train_loss[0]) for h in self.histories)) * 1.1
        tested = all(h.has_test for h in self.histories)
        self.accuracy_kind = "test" if tested else "training"
        middle = (region.left + region.right) / 2
        tops = [f"{loss_top:.3g}", "100%"]
        keys = [self.heading(index) for index in range(len(self.histories))]
        self.plots = [
            MetricPlot(region.left_of(middle - GAP), "training loss", None,
                       [(h.train_loss, colour, key) for (h, colour, _), key in zip(runs, keys)], loss_top, tops[0],
                       self.axis, tops),
            MetricPlot(region.right_of(middle + GAP), "test accuracy" if tested else "training accuracy", None,
                       [(h.test_accuracy if tested else h.train_accuracy, colour, key)
                        for (h, colour, _), key in zip(runs, keys)], 1.0, tops[1], self.axis, tops),
        ]
        self.curves = [curve for plot in self.plots for curve in plot.curves]

    def prepare_states(self) -> None:
        self.states = [(history.snapshot_epochs.astype(float), first.images)
                       for history, first in zip(self.histories, self.firsts)]

    # -- the replay -----------------------------------------------------------------------

    def show_epoch(self, epoch: float) -> None:
        """Every run at ``epoch`` (one that stopped earlier, at its end): its pictures blended between the
        snapshots around it, its accuracy that of the epoch, its curves drawn up to it."""
        for index, ((epochs, images), first) in enumerate(zip(self.states, self.first_layers)):
            low, high, t = between(epochs, min(epoch, epochs[-1]))
            first.show_weights((1 - t) * images[low] + t * images[high])
            history = self.histories[index]
            shown = min(int(round(epoch)), history.epochs)
            train, test = self.accuracy_readouts[index]
            train.set_text(self.accuracy_text(history.train_accuracy, shown))
            test.set_text(self.accuracy_text(history.test_accuracy, shown))
            diverged = self.diverged_at(index)
            if diverged is not None and epoch >= diverged and not self.marked[index]:
                self.marked[index] = True
                self.swap_status(index, f"diverged at epoch {diverged:,}", self.status_colour(index))
        for plot in self.plots:
            plot.reveal(epoch)
        self.epoch_readout.set_text(f"{int(round(epoch)):,}")

    @staticmethod
    def accuracy_text(accuracies: np.ndarray, epoch: int) -> str:
        return "–" if not len(accuracies) or math.isnan(accuracies[epoch]) else percent(float(accuracies[epoch]))

    def final_accuracy(self, index: int, test: bool = True) -> float:
        history = self.histories[index]
        values = history.test_accuracy if test and history.has_test else history.train_accuracy
        return float(values[-1])

    # -- what is said ---------------------------------------------------------------------

    def script(self) -> list[Beat]:
        beats = [Beat(self.intro_caption(), self.show_columns, brief=self.intro_caption(brief=True))]
        if self.networks_vary and len(set(self.kinds)) > 1:
            beats.append(Beat(self.kinds_caption(), self.indicate_layers, in_brief=Brief.LEFT_OUT))
        beats += [
            Beat(self.settings_caption(), self.show_settings),
            Beat(self.parameters_caption(), self.show_parameters),
            Beat(self.pictures_caption(), self.show_pictures,
                 brief="Their first layers' weights as pictures, before training: blue positive, red negative."),
            Beat(f"Below, their training losses and {self.accuracy_kind} accuracies, "
                 "epoch by epoch, in the colours of their names.", self.show_plots, in_brief=Brief.WITH_NEXT),
            Beat("Each frame shows every run's real first-layer weights at the same epoch, and its accuracy, "
                 "train and test.", lambda: self.replay_part(0),
                 brief="Each frame shows every run's real first-layer weights at the same epoch."),
            Beat(self.lengths_caption(), lambda: self.replay_part(1)),
            Beat(self.accuracy_caption(), lambda: self.replay_part(2)),
        ]
        failed = self.failed_caption()
        if failed:
            beats.append(Beat(failed, self.flash_failed))
        beats.append(Beat(self.ranking_caption(), self.show_ranking))
        return beats

    def intro_caption(self, brief: bool = False) -> str:
        h = self.history
        data = "digits" if h.dataset_name == "digits" else "images"
        count = COUNTS[len(self.histories)]  # a word: the runs are counted on screen by their columns, not written
        if self.networks_vary:
            runs = joined(self.names) if len(set(self.kinds)) > 1 and len(self.kinds) == 2 else \
                f"{count.lower()} networks, {joined(self.names)}"
            runs = runs.replace("the MLP", "an MLP", 1).replace("the CNN", "a CNN", 1)
            runs = runs[0].upper() + runs[1:]
            if brief:
                return f"{runs}, on the same {data}."
            return (f"{runs}, trained on the same {len(h.X_train):,} {data} from the same seed, and tested on "
                    f"the same {len(h.X_test):,} they never saw.")
        noun = self.variable.noun[:-1] if self.variable is not None else "setting"
        said = (f"{count} runs of one network on the same {data} from the same seed, with one thing changed, the "
                f"{noun}: {joined(self.labels)}.")
        return said if not brief else f"{count} runs, with one thing changed: {joined(self.labels)}."

    def kinds_caption(self) -> str:
        """What tells an MLP from a CNN, said once for each kind there."""
        mlps, cnns = (self.kinds.count(kind) for kind in ("MLP", "CNN"))
        mlp = "The MLP's layers are" if mlps == 1 else "The MLPs' layers are"
        cnn = ("The CNN's first layers are convolutions, small kernels that slide over the image, with pools between "
               "them; its dense layers come at the end.") if cnns == 1 else \
            ("The CNNs' first layers are convolutions, small kernels that slide over the image, with pools between "
             "them; their dense layers come at the end.")
        return f"{mlp} all dense: each neuron weighs every pixel. {cnn}"

    def settings_caption(self) -> str:
        """How the runs trained, said where they differ: no comparison silently unfair."""
        parts = [[part for line in self.settings(history) for part in line.split(", ")] for history in self.histories]
        shared = [part for part in parts[0] if all(part in other for other in parts)]
        if not self.networks_vary:
            noun = self.variable.noun[:-1] if self.variable is not None else "one choice"
            return f"Apart from the {noun}, they train alike: {', '.join(shared)}."
        own = [[part for part in p if part not in shared] for p in parts]
        if not any(own):
            return f"They train alike: {', '.join(shared)}."
        clauses = [f"{name} with {listed(words) if words else 'the same'}" for name, words in zip(self.names, own)]
        return f"They train differently: {'; '.join(clauses)}."

    def parameters_caption(self) -> str:
        counts = [f"{history.network_at().n_parameters:,}" for history in self.histories]
        if not self.networks_vary:
            return f"Each has the same {counts[0]} parameters."
        said = "; ".join(f"{name}, {count}" if i else f"{name} has {count} parameters"
                         for i, (name, count) in enumerate(zip(self.names, counts)))
        return said[0].upper() + said[1:] + "."

    def pictures_caption(self) -> str:
        if any(label.font_size < READABLE for first in self.first_layers for label in first.caption):
            # Four runs leave their captions too small to be read out: what they are is said, not their counts.
            return ("Their first layers, before training: each neuron's or kernel's weights as a picture, as the "
                    "caption under it says. Blue is a positive weight, red a negative one, full colour at the ends "
                    "of each network's scale.")
        if not self.networks_vary:  # one network: its first layer said once
            first = self.firsts[0]
            what = counted(first.count, first.kind[:-1]) if first.shown == first.count else \
                f"the first {first.shown} {first.kind} of {first.count:,}"
            return (f"Their first layers, before training: {what}, each {first.side[0]} by {first.side[1]} weights. "
                    "Blue is a positive weight, red a negative one, full colour at the ends of each run's scale.")
        parts = []
        for name, first in zip(self.names, self.firsts):
            rows, columns = first.side
            what = counted(first.count, first.kind[:-1]) if first.shown == first.count else \
                f"first {first.shown} {first.kind} of {first.count:,}"
            parts.append(f"{name}'s {what}, each {rows} by {columns} weights")
        return ("Their first layers, before training: " + "; ".join(parts) + ". Blue is a positive weight, red a "
                "negative one, full colour at the ends of each network's scale.")

    def lengths_caption(self) -> str:
        """How long each trained, when they trained for different numbers of epochs."""
        if not self.lengths_differ():
            return self.halving_caption()
        epochs = [history.epochs for history in self.histories]
        shortest = [self.names[i] for i in range(len(epochs)) if epochs[i] == min(epochs)]
        longest = [self.names[i] for i in range(len(epochs)) if epochs[i] == max(epochs)]
        one = len(shortest) == 1
        said = (f"{joined(shortest)} {'trains' if one else 'train'} for {counted(min(epochs), 'epoch')} and "
                f"{'stops' if one else 'stop'} there; {joined(longest)} {'goes' if len(longest) == 1 else 'go'} on "
                f"to {max(epochs):,}.")
        return said[0].upper() + said[1:]

    def halving_caption(self) -> str:
        """Which run's loss halves first, or how they diverged. The epoch it halves at goes by under the
        replay's moving counter, so it is not said: a number said is a number shown."""
        if any(self.diverged_at(i) is not None for i in range(len(self.histories))):
            return self.events_caption()
        fastest = min(range(len(self.histories)), key=self.epoch_to_half)
        if self.epoch_to_half(fastest) > self.epochs:
            return "None of them halves its starting loss."
        return f"With {self.labels[fastest]}, the loss halves first."

    def accuracy_caption(self) -> str:
        tested = all(history.has_test for history in self.histories)
        finals = [(percent(self.final_accuracy(i)), percent(self.final_accuracy(i, test=False)))
                  for i in range(len(self.histories))]
        if tested:
            said = "; ".join(f"{name} gets {test} of the test digits right ({train} of its training ones)"
                             if not i else f"{name}, {test} ({train})"
                             for i, (name, (test, train)) in enumerate(zip(self.names, finals)))
        else:
            said = "; ".join(f"{name} gets {train} of its training digits right" if not i else f"{name}, {train}"
                             for i, (name, (_, train)) in enumerate(zip(self.names, finals)))
        return "At the end, " + said + "."

    def ranking_caption(self) -> str:
        learned = [i for i in self.ranked() if self.verdicts[i].learned]
        if not learned:
            return f"None of the {COUNTS[len(self.histories)].lower()} runs learned."
        best = max(learned, key=self.final_accuracy)
        where = "test" if self.histories[best].has_test else "training"
        said = f"On the {where} digits, {self.names[best]} does best, {percent(self.final_accuracy(best))}"
        if self.networks_vary:
            said += f", with {self.histories[best].network_at().n_parameters:,} parameters"
        unlearned = [self.names[i] for i in range(len(self.histories)) if i not in learned]
        return said + (f"; {joined(unlearned)} did not learn" if unlearned else "") + "."

    # -- beats ----------------------------------------------------------------------------

    def in_turn(self, steps: list[list], least: float = 0.8) -> None:
        """Play each step's animations after the last, sharing the sentence's time between them (each at
        least ``least`` seconds): what is said is shown while it is said, not before a long stillness."""
        for k, animations in enumerate(steps):
            self.play(*animations, run_time=self.paced(least, 1.0 / (len(steps) - k)))

    def show_columns(self) -> None:
        self.play(Write(self.title), FadeIn(self.subtitle), FadeIn(self.readouts), run_time=1.0)
        self.marked = [False] * len(self.histories)
        self.in_turn([[FadeIn(VGroup(name, layers), shift=DOWN * 0.1)]
                      for name, layers in zip(self.name_texts, self.layer_texts)])

    def indicate_layers(self) -> None:
        self.in_turn([[Indicate(layers, scale_factor=1.05)] for layers in self.layer_texts], least=1.2)

    def show_settings(self) -> None:
        # One animation a group, not a LaggedStart: a group of introducers marks nothing as said.
        self.in_turn([[FadeIn(settings, lag_ratio=0.3)] for settings in self.setting_texts])

    def show_parameters(self) -> None:
        self.in_turn([[Write(parameters)] for parameters in self.parameter_texts], least=0.6)

    def show_pictures(self) -> None:
        self.show_epoch(0.0)
        self.play(FadeIn(self.accuracy_rows), run_time=0.6)
        self.in_turn([[FadeIn(first.tiles, lag_ratio=0.05), FadeIn(VGroup(first.caption, first.scale_strip))]
                      for first in self.first_layers], least=1.2)

    def show_plots(self) -> None:
        parts = [part for plot in self.plots for part in (plot.axes, plot.labels)]
        self.play(*(Create(part) if isinstance(part, Axes) else FadeIn(part) for part in parts),
                  run_time=self.paced(1.3, 0.7))
        self.add(*self.curves)

    def replay_part(self, part: int) -> None:
        """The parent's replay; the part whose sentence says how long each trained points at the epochs."""
        if part == 1 and self.lengths_differ():
            self.play(*(Indicate(settings[2], scale_factor=1.0) for settings in self.setting_texts), run_time=0.8)
        super().replay_part(part)
        if part == 1 and not self.lengths_differ():
            self.point_at_names([i for i, label in enumerate(self.labels) if label in self.halving_caption()])
        if part == 2:  # the accuracies its sentence says, pointed at: one that never moved is said too
            self.play(*(Indicate(VGroup(self.name_texts[i], row), color=RUN_COLORS[i], scale_factor=1.1)
                        for i, row in enumerate(self.accuracy_rows)), run_time=0.8)

    def point_at_names(self, runs: list[int]) -> None:
        """The named runs' headings pointed at: a name said ("lr 0.02") is shown where it is said."""
        if runs:
            self.play(*(Indicate(self.name_texts[i], color=RUN_COLORS[i], scale_factor=1.15) for i in runs),
                      run_time=0.6)

    def flash_failed(self) -> None:
        super().flash_failed()
        self.point_at_names(self.failed())

    def replayed(self) -> list:
        return [*(first.tiles for first in self.first_layers), self.accuracy_rows]

    def lengths_differ(self) -> bool:
        return len({history.epochs for history in self.histories}) > 1 and \
            all(self.diverged_at(i) is None for i in range(len(self.histories)))

    def show_ranking(self) -> None:
        """The best run's test accuracy and parameters pointed at; the runs that failed named as failed."""
        learned = [i for i in self.ranked() if self.verdicts[i].learned]
        marks = []
        if learned:
            best = max(learned, key=self.final_accuracy)
            marks = [Indicate(self.accuracy_readouts[best][1], color=RUN_COLORS[best], scale_factor=1.2),
                     Indicate(VGroup(self.name_texts[best], self.parameter_texts[best]), color=RUN_COLORS[best],
                              scale_factor=1.1)]
        for index in range(len(self.histories)):
            if index not in learned:
                self.swap_status(index, self.final_words(index), self.status_colour(index))
                marks.append(Indicate(VGroup(self.name_texts[index], self.status_texts[index]),
                                      color=self.status_colour(index), scale_factor=1.0))
        self.play(*marks, run_time=self.paced(1.2, 0.8))
