"""A scene's story as played, read from its record: what each beat said against what the screen showed,
and where nothing moved. A still render plays every beat (each animation jumped to its end) in
seconds, so these are cheap enough to check every scene on several runs."""
from __future__ import annotations

import tempfile
from functools import cache
from pathlib import Path

import numpy as np

from nnscratch import RunSpec, TrainingHistory, record_run
from scenes.chapters.base import HistoryScene
from scenes.narration.beats import Narration, said_at
from scenes.narration.speech import Narrator, SpeechCache
from scenes.narration.words import NUMBER as NUMBER_TOKENS, said_numbers
from scenes.output.render import render_still

# The runs the story is checked on: the default explainer's, and the shapes that strain a chapter.
RUNS = {
    "digits": RunSpec.for_dataset("digits"),
    "moons": RunSpec.for_dataset("moons"),
    "spiral": RunSpec.for_dataset("spiral", classes=3),
    "deep tanh": RunSpec.for_dataset("moons", layers=(2, 8, 8, 8, 8, 1), activation="tanh"),
    "regularized": RunSpec.for_dataset("moons", l1=0.001, l2=0.01, dropout=0.2, optimizer="momentum",
                                       learning_rate=0.1),
    "did not learn": RunSpec(learning_rate=1e-4, epochs=20, seed=5),
    "long": RunSpec(epochs=20000),
    "no hidden layer": RunSpec(layers=(4, 1), epochs=50),
    "default": RunSpec(),
}


@cache
def run(name: str) -> TrainingHistory:
    """The recorded run of ``RUNS[name]``, trained once per test session."""
    return record_run(RUNS[name])


class SteadyVoice:
    """A voice that says a sentence's spoken words at piper's pace (about 16 letters a second: 15-17 on the
    explainer's sentences) as a steady tone: a voiced render's timeline without synthesizing speech."""

    name, model_id, sample_rate = "steady", "steady-16", 1000
    letters = 16.0

    def synthesize(self, text: str) -> np.ndarray:
        return np.full(int(len(text) / self.letters * self.sample_rate), 0.5, np.float32)


def told_as(chapter: str, history: TrainingHistory, brief: bool, measure: bool = False,
            voiced: bool = False) -> HistoryScene:
    """The chapter's scene of ``history`` told to its end, as the explainer tells it (brief) or alone;
    with ``measure``, its texts' heights in pixels kept beat by beat (see ``measured``); ``voiced``, its
    beats timed by a voice (``SteadyVoice``) as a voiced render times them."""
    from scenes.chapters.catalogue import BY_NAME

    record = BY_NAME[chapter]
    options = dict(record.told) if brief else {}
    options["brief"] = brief
    scene_class = record.scene_class(history)
    scene_class = measured(scene_class) if measure else scene_class
    if not voiced:
        return told(scene_class, history, **options)
    with tempfile.TemporaryDirectory() as folder, Narrator(SteadyVoice(), SpeechCache(Path(folder))) as narrator:
        return told(scene_class, history, narration=Narration(speech=narrator), **options)


HOLD = 2.0  # a stretch of stillness this long or longer is a hold (../shared/tools/motion.py's rule)


def told(scene_class: type[HistoryScene], history, **options) -> HistoryScene:
    """``scene_class`` of ``history`` told to its end (a still of its last frame, at a tiny size)."""
    with tempfile.TemporaryDirectory() as folder:
        return render_still(scene_class, Path(folder) / "still.png", resolution=(160, 90), history=history, **options)


READABLE = 20  # the font size of a number said: about 24 px tall at 1080p, 11 at 480p (Manim's scale)
SMALLEST = 14  # and of any text at all: about 16 px at 1080p


LEGIBLE_PIXELS = 14.0  # the height of a digit the narration refers to, in pixels of a 480p frame (issue 23)


@cache
def _zero_height(kind: type) -> float:
    """The height of a "0" in a text of ``kind`` (Label or Formula) per unit of font size, in scene units."""
    return kind("0", font_size=100).height / 100


def digit_pixels(mobjects, frame_pixels: int = 480) -> dict[str, float]:
    """Each text seen among ``mobjects`` (and their parts), with the height its digits are drawn at in
    pixels of a frame ``frame_pixels`` tall: a label's, a formula's and a readout's "0" differ at one font
    size, so font sizes alone cannot say what is legible."""
    from manim import config

    from scenes.chapters.base import on_screen
    from scenes.mobjects.glyphs import Formula, Label
    from scenes.mobjects.readout import Readout

    per_unit = frame_pixels / config.frame_height
    heights: dict[str, float] = {}
    for mobject in mobjects:
        for part in mobject.get_family():
            if isinstance(part, Readout):
                zero = part.made[1] / part.made[0] * part.font_size_now
            elif isinstance(part, (Label, Formula)):
                zero = _zero_height(Label if isinstance(part, Label) else Formula) * part.font_size
            else:
                continue
            for text in on_screen([part]):
                heights[text] = max(heights.get(text, 0.0), zero * per_unit)
    return heights


def measured(scene_class: type[HistoryScene]) -> type[HistoryScene]:
    """``scene_class`` that keeps, for each beat, the pixel height of every text on screen after each of
    its plays (``pixels``: a list of (caption, {text: pixels})), for ``small_pixels``."""

    class Measured(scene_class):
        def play(self, *animations, **kwargs) -> None:
            super().play(*animations, **kwargs)
            if self.current_beat is not None:
                if not getattr(self, "pixels", None) or self.pixels[-1][0] is not self.current_beat:
                    self.pixels = [*getattr(self, "pixels", []), (self.current_beat, {})]
                seen = self.pixels[-1][1]
                for text, height in digit_pixels(self.mobjects).items():
                    seen[text] = max(height, seen.get(text, 0.0))

    Measured.__name__ = Measured.__qualname__ = f"{scene_class.__name__}Measured"
    return Measured


def small_pixels(scene: HistoryScene, texts, floor: float = LEGIBLE_PIXELS) -> list[tuple[str, str, float]]:
    """(caption, text, pixels) of every text chosen by ``texts`` (a predicate) drawn with digits under
    ``floor`` pixels tall at 480p during a beat of ``scene`` (told as ``measured``)."""
    return sorted({(beat.caption[:40], text, round(height, 1)) for beat, seen in getattr(scene, "pixels", [])
                   for text, height in seen.items() if texts(text) and height < floor})


def unshown_numbers(scene: HistoryScene, readable: float = READABLE) -> list[tuple[str, list[str]]]:
    """Each beat whose caption says a number no text on screen showed during the beat, large enough to
    read (``readable``), with those numbers."""
    missing = []
    for beat in scene.told:
        # (a font size computed back from a scaled text is 19.99999999999998 as often as 20: not smaller)
        shown = {number for text, size in beat.shown.items() if size >= readable - 1e-9 for number in said_numbers(text)}
        absent = [number for number in said_numbers(beat.caption) if number not in shown]
        if absent:
            missing.append((beat.caption, absent))
    return missing


def unmarked_numbers(scene: HistoryScene) -> list[tuple[str, list[str]]]:
    """Each beat whose caption says a number that no animation of the beat wrote, moved or pointed at
    (a readout that changed counts), with those numbers: said, and shown, but not marked as said."""
    missing = []
    for beat in scene.told:
        marked = {number for text in beat.marked for number in said_numbers(text)}
        absent = [number for number in said_numbers(beat.caption) if number not in marked]
        if absent:
            missing.append((beat.caption, absent))
    return missing


NUMBER_SLACK = 0.75  # seconds a number's marking may begin after its words are estimated to begin (an
# estimate from the characters before them: a word's place in speech is known to about half a second)


def late_numbers(scene: HistoryScene, slack: float = NUMBER_SLACK) -> list[tuple[str, str, float]]:
    """(caption, number, seconds late) of every number a beat says whose first marking (written, moved,
    pointed at) began more than ``slack`` after the number is said, the beat's words timed as
    ``HistoryScene.until_said`` times them (by what a voice says before them, or the characters read before
    them). A number marked before it is said is on time."""
    late = []
    for beat in scene.told:
        marks: dict[str, float] = {}
        for text, at in beat.marked_at.items():
            for number in said_numbers(text):
                marks[number] = min(at, marks.get(number, at))
        for token in NUMBER_TOKENS.finditer(beat.caption):
            number = said_numbers(token.group())[0]
            said = beat.start + said_at(beat.caption, token.start(), beat.spoken, beat.voiced)
            if number in marks and marks[number] > said + slack:
                late.append((beat.caption, number, round(marks[number] - said, 2)))
    return late


def small_texts(scene: HistoryScene, smallest: float = SMALLEST) -> list[tuple[str, float]]:
    """Every text on screen in any beat smaller than ``smallest``, with its font size."""
    return sorted({(text, round(size, 1)) for beat in scene.told for text, size in beat.shown.items()
                   if size < smallest})


def still_spans(scene: HistoryScene) -> list[tuple[float, float]]:
    """(start, seconds) of every stretch in which nothing moved: the scene's waits, joined where they touch."""
    spans: list[list[float]] = []
    for start, seconds in sorted(scene.waits):
        if spans and abs(spans[-1][0] + spans[-1][1] - start) < 1e-6:
            spans[-1][1] += seconds
        else:
            spans.append([start, seconds])
    return [(start, seconds) for start, seconds in spans]


def holds(scene: HistoryScene, at_least: float = HOLD) -> list[tuple[float, float]]:
    return [span for span in still_spans(scene) if span[1] >= at_least]


def hold_share(scene: HistoryScene) -> float:
    return sum(seconds for _, seconds in holds(scene)) / max(scene.time, 1e-9)
