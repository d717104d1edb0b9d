"""What every nnscratch scene shares: the run it replays, the network drawing, narration."""
from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
from manim import AnimationGroup, FadeTransform, Mobject, Wait, smooth

from nnscratch import RunSpec, TrainingHistory, record_run
from nnscratch.backprop import nearest_snapshot, steepest_early_snapshot
from scenes.camera import stopping
from scenes.camera import still
from scenes.camera.batched_lists import BatchedLists
from scenes.camera.painter import FastCamera
from scenes.narration.beats import Beat, Brief, Narration, reading_seconds, told_briefly
from scenes.narration.words import short_name
from scenes.mobjects.glyphs import Formula, Label
from scenes.mobjects.network import NetworkMobject
from scenes.mobjects.readout import Readout
from scenes.mobjects.style import MAX_DRAWN_NEURONS


# A play that puts one thing where another was: the old gone in the first part of it, the new coming
# after, so the two never cross-fade into one unreadable block (rate functions for their animations).
SWAP_SHARE = 0.35


def gone_first(t: float) -> float:
    return smooth(min(1.0, t / SWAP_SHARE))


def after_gone(t: float) -> float:
    return smooth(max(0.0, (t - SWAP_SHARE) / (1 - SWAP_SHARE)))


class Progress(Protocol):
    """Told how far a render is, in seconds of video: what to expect, then what is done."""

    def planned(self, seconds: float) -> None: ...

    def done(self, seconds: float) -> None: ...


@dataclass
class BeatRecord:
    """What a beat did, as played: when, what it said, and every text on screen at the end of one of
    its plays (a number said is a number shown: tests hold the two against each other)."""

    caption: str
    start: float
    end: float = 0.0
    shown: dict[str, float] = field(default_factory=dict)  # each text seen, and its largest font size then
    marked: set[str] = field(default_factory=set)  # texts an animation of the beat wrote, moved or pointed at
    marked_at: dict[str, float] = field(default_factory=dict)  # each marked text: when its first marking began
    spoken: float = 0.0  # seconds its words take (read, or spoken), from ``start``
    voiced: bool = False  # spoken by a voice: its words come as the voice says them, not as read

    def see(self, texts: dict[str, float]) -> None:
        for text, size in texts.items():
            self.shown[text] = max(size, self.shown.get(text, 0.0))


def on_screen(mobjects: list[Mobject], visible_only: bool = True) -> dict[str, float]:
    """The texts of the labels, formulas and readouts among ``mobjects`` (and their parts) that can be
    seen, each with its font size (Manim's, which follows scaling: the same at every resolution)."""
    texts: dict[str, float] = {}
    for mobject in mobjects:
        for part in mobject.get_family():
            text = (part.original_text if isinstance(part, Label) else part.typst_code if isinstance(part, Formula)
                    else part.text if isinstance(part, Readout) else None)
            if text and (not visible_only or _visible(part)):
                size = float(part.font_size if not isinstance(part, Readout) else part.font_size_now)
                texts[text] = max(size, texts.get(text, 0.0))
    return texts


def _animated(animation) -> list[Mobject]:
    """The mobjects ``animation`` writes, moves or points at. A group's own mobject leaves out what its
    introducers (FadeIn, Write, Create) bring in, so a group is read animation by animation."""
    if isinstance(animation, Wait):
        return []
    if isinstance(animation, AnimationGroup):
        return [mobject for part in animation.animations for mobject in _animated(part)]
    mobject = getattr(animation, "mobject", None)
    return [] if mobject is None else [mobject]


def _readouts(mobjects: list[Mobject]) -> dict[int, str | None]:
    return {id(part): part.text for mobject in mobjects for part in mobject.get_family() if isinstance(part, Readout)}


def _visible(mobject: Mobject) -> bool:
    drawn = mobject.family_members_with_points()
    return any(part.get_fill_opacity() > 0.1 for part in drawn) if drawn else False


def followed_step(history: TrainingHistory, epoch: int | None, sample: int | None) -> tuple[int, int]:
    """The snapshot a backpropagation chapter steps from (the steepest early one, or the nearest to
    ``epoch``) and the training example it follows (the probe unless ``sample``), checked."""
    if history.n_snapshots < 2:
        raise ValueError("the run has one snapshot only, so there is no step to show")
    snapshot = steepest_early_snapshot(history) if epoch is None else nearest_snapshot(history, epoch)
    sample = history.probe_index if sample is None else sample
    if not 0 <= sample < len(history.X_train):
        raise ValueError(f"sample must be between 0 and {len(history.X_train) - 1}, got {sample}")
    return snapshot, sample


def words_at(narration: Narration, beat: Beat, words: str) -> float:
    """Seconds into ``beat`` at which ``words`` (in its caption) begin to be said, by the narration's voice
    or, without one, read."""
    return narration.said_at(beat, beat.caption.find(words))


@functools.lru_cache(maxsize=1)
def default_history() -> TrainingHistory:
    """The built-in run that ``manim scenes/x.py Scene`` replays: the CLI's defaults, trained in a fraction of a second."""
    return record_run(RunSpec())


@functools.lru_cache(maxsize=1)
def default_image_history() -> TrainingHistory:
    """The built-in run of a scene that needs images: the digits' defaults on a fifth of them, in a second."""
    return record_run(RunSpec.for_dataset("digits", samples=2000, epochs=10))


@functools.lru_cache(maxsize=1)
def default_conv_history() -> TrainingHistory:
    """The run ``manim scenes/chapters/convolution.py ConvolutionScene`` tells: a small CNN on a tenth of the digits."""
    return record_run(RunSpec.for_dataset("digits", layers="28x28,conv8:3,pool2,conv16:3,pool2,10", samples=1000,
                                          epochs=2))


def output_names(history: TrainingHistory) -> list[str]:
    """What each output neuron stands for: the probability of a class, or a real value."""
    names, n_out = history.class_names, history.layer_sizes[-1]
    if history.output_activation == "sigmoid":
        return [f"p({names[1]})"]
    if names:
        return list(names)
    if history.target_name is not None and n_out == 1:
        return [short_name(history.target_name)]  # a number predicted, by the user's name for it
    return [f"y{k + 1}" if n_out > 1 else "y" for k in range(n_out)]


def drawn_pixels(history: TrainingHistory, count: int = MAX_DRAWN_NEURONS) -> np.ndarray | None:
    """The ``count`` input neurons drawn of a run on images: the pixels whose values vary most over the
    training images, in reading order (the first and last pixels, drawn by default, are blank in every
    digit), or None for other inputs."""
    if history.image_shape is None or history.is_convolutional or history.layer_sizes[0] <= count:
        return None  # a CNN's dense layer takes the flattened maps, not the pixels
    spread = history.X_train.astype(np.float32).var(axis=0)
    return np.sort(np.argsort(-spread, kind="stable")[:count])


def input_kind(history: TrainingHistory) -> str:
    X = history.X_train
    return "unit" if X.min() >= 0 and X.max() <= 1 else "real"


class HistoryScene(BatchedLists):
    """A scene that replays a recorded run; with no run it trains the built-in default.

    A subclass lays out what it needs in ``prepare`` and tells its story in ``script``:
    a list of beats, each a sentence and the animations that show it (see ``narration``).
    Keyword arguments go on to ``Scene`` so the plain ``manim`` command works with none at all.
    """

    ending_hold = 1.0  # seconds of stillness after the last beat, so the video does not end mid-thought

    def __init__(self, history: TrainingHistory | None = None, narration: Narration | None = None,
                 stop_at: float | None = None, progress: Progress | None = None, brief: bool = False,
                 **kwargs) -> None:
        kwargs.setdefault("camera_class", FastCamera)
        super().__init__(**kwargs)
        self.history = history if history is not None else default_history()
        self.narration = narration if narration is not None else Narration()
        self.stop_at = stop_at  # seconds: end with the beat on screen then (for a still of that moment)
        self.progress = progress
        self.brief = brief  # told as the explainer tells it: see narration.Brief
        self.current_beat: Beat | None = None
        self.beat_start = 0.0  # when the current beat began, in seconds of video
        self.told: list[BeatRecord] = []  # every beat said, as played
        self.waits: list[tuple[float, float]] = []  # (start, seconds) of each wait: nothing moved
        # Edge widths are relative to the run's largest |w|, so one weight looks the same in every scene.
        self.weight_scale = max(float(np.abs(W).max()) for W in self.history.weights)

    def construct(self) -> None:
        self.prepare()
        beats = told_briefly(self.script()) if self.brief else self.script()
        said = [beat for beat in beats if beat.in_brief is not Brief.SILENT or not self.brief]
        self.narration.prefetch(said)
        if self.progress is not None:
            # The words' reading time: the length to expect before any speech is synthesized.
            self.progress.planned(sum(reading_seconds(beat.caption) for beat in said) + self.ending_hold)
        for beat in beats:
            if self.stop_at is not None and self.time > self.stop_at:
                return
            if self.brief and beat.in_brief is Brief.SILENT:
                beat.show()
            else:
                self.play_beat(beat)
        if self.stop_at is not None and self.time > self.stop_at:
            return  # the moment asked for is in the last beat: keep its picture
        self.finish()

    def finish(self) -> None:
        """End the video: by default a moment of stillness after the last beat."""
        self.wait(self.ending_hold)

    def play(self, *animations, **kwargs) -> None:
        start = self.time
        readouts = _readouts(self.mobjects) if self.current_beat is not None else {}
        if self.drawing_a_still:
            self.jump_to_end(*animations, **kwargs)
        else:
            super().play(*animations, **kwargs)  # Manim's wait() plays a Wait, so this sees every frame
        if animations and all(isinstance(animation, Wait) for animation in animations):
            self.waits.append((start, self.time - start))
        if self.told and self.current_beat is not None:
            self.told[-1].see(on_screen(self.mobjects))
            moved = [mobject for animation in animations for mobject in _animated(animation)]
            changed = [part for mobject in self.mobjects for part in mobject.get_family()
                       if isinstance(part, Readout) and readouts.get(id(part), part.text) != part.text]
            written, counted = set(on_screen(moved, visible_only=False)), set(on_screen(changed))
            self.told[-1].marked |= written | counted
            # What an animation writes or points at is marked as it begins; a readout's value as it is reached.
            for text in written:
                self.told[-1].marked_at.setdefault(text, start)
            for text in counted - written:
                self.told[-1].marked_at.setdefault(text, self.time)
        if self.progress is not None:
            self.progress.done(self.time)

    @property
    def drawing_a_still(self) -> bool:
        """Whether this render makes one still frame (``--still``), not a video."""
        return self.renderer.file_writer.output_spec.is_still

    def jump_to_end(self, *animations, **kwargs) -> None:
        """Play ``animations`` in no time, to their last state: a still draws no frame before its last."""
        self.animations = self.compile_animations(*animations, **kwargs)
        self.add_mobjects_from_animations(self.animations)
        self.duration = self.get_run_time(self.animations)
        still.jump_to_end(self, *self.animations)
        self.update_mobjects(0)  # what updaters draw (a replay's driver) follows the animations' ends
        self.renderer.time += self.duration
        self.renderer.num_plays += 1

    @classmethod
    def until(cls, caption_start: str) -> type["HistoryScene"]:
        """This scene stopped after the beat whose caption starts with ``caption_start``: a still of that
        moment, or a shorter video of the story so far."""

        class Until(cls):
            def script(self) -> list[Beat]:
                beats = super().script()
                return beats[:next(i for i, beat in enumerate(beats) if beat.caption.startswith(caption_start)) + 1]

        Until.__name__ = Until.__qualname__ = f"{cls.__name__}Until"
        return Until

    def prepare(self) -> None:
        """Build and place the mobjects the beats will show (nothing is added or played here)."""

    def script(self) -> list[Beat]:
        raise NotImplementedError

    def play_beat(self, beat: Beat) -> None:
        """Play ``beat``'s animations, then hold until its words are read and spoken; caption it throughout."""
        start = self.beat_start = self.time
        self.current_beat = beat
        self.told.append(BeatRecord(beat.caption, start, spoken=self.narration.said_seconds(beat),
                                    voiced=self.narration.speech is not None))
        self.told[-1].see(on_screen(self.mobjects))
        beat.show()
        self.hold(self.narration.seconds(beat) - (self.time - start))
        self.told[-1].end = self.time
        self.narration.played(beat, start, self.time)
        # Manim writes the .srt from these; the video's own subtitle track is made from the same cues.
        for cue in self.narration.timed_parts(beat, start, self.time):
            self.add_subcaption(cue.text, duration=cue.end - cue.start, offset=cue.start - self.time)
        self.current_beat = None

    def swap(self, old: Mobject, new: Mobject, run_time: float = 0.6) -> None:
        """``old`` turning into ``new``. A still skips every animation to its end, where Manim would
        still deep-copy both formulas to build the transform (a second each): it swaps them instead."""
        if self.drawing_a_still:
            self.remove(old)
            self.add(new)
        else:
            self.play(FadeTransform(old, new), run_time=run_time)

    def hold(self, seconds: float) -> None:
        """Wait ``seconds`` if that makes at least one frame (Manim warns of shorter waits)."""
        if seconds * self.camera.frame_rate >= 1:
            self.wait(seconds)

    def paced(self, run_time: float, share: float = 1.0) -> float:
        """``run_time``, or ``share`` of the rest of the beat's sentence when that is longer: what shows
        what is said moves for as long as it is said, not briefly and then still."""
        return max(run_time, share * self.beat_seconds())

    def beat_seconds(self) -> float:
        """How much longer the current beat needs for its words: an animation can be stretched to it
        (0 for a beat told without words, or once its words have had their time)."""
        if self.current_beat is None:
            return 0.0
        return max(0.0, self.narration.seconds(self.current_beat) - (self.time - self.beat_start))

    def until_said(self, words: str) -> float:
        """Seconds from now until ``words`` begin in the current beat's sentence, its time shared among its
        characters as speech shares it (0 when they are not in it, or already said): what shows them can
        be timed to land as they are heard, not when the sentence ends."""
        beat = self.current_beat
        if beat is None or words not in beat.caption:
            return 0.0
        return max(0.0, self.beat_start + words_at(self.narration, beat, words) - self.time)

    def update_mobjects(self, dt: float) -> None:
        stopping.stop_if_asked()  # a frame's start: a signal's stop raised where no encoder lock is held
        super().update_mobjects(dt)

    def ending_as_said(self, run_time: float, words: str, least: float = 0.3) -> float:
        """``run_time``, shortened (to no less than ``least``) so that an animation starting now ends by the
        time ``words`` are said: what comes after it then shows them as they are heard."""
        beat = self.current_beat
        if beat is None or words not in beat.caption:
            return run_time
        return min(run_time, max(least, self.until_said(words)))

    def peaking_as_said(self, words: str, least: float = 0.8) -> float:
        """The run time of a pointer that starts now and peaks halfway (Indicate's there and back) as
        ``words`` are said: lit while they are heard, not before."""
        return max(least, 2 * (self.until_said(words) + 0.3))

    def make_network(self, history: TrainingHistory | None = None, **layout) -> NetworkMobject:
        """A drawing of the network of ``history`` (default: the scene's run)."""
        history = history if history is not None else self.history
        meta = history.metadata
        drawn = layout.get("max_drawn", MAX_DRAWN_NEURONS)
        layout.setdefault("output_labels", output_names(history))
        return NetworkMobject(history.layer_sizes, activation=meta["activation"], output=meta["output"],
                              input_kind=input_kind(history), input_indices=drawn_pixels(history, drawn), **layout)

    def weights_at(self, snapshot: int) -> list[np.ndarray]:
        return [W[snapshot] for W in self.history.weights]
