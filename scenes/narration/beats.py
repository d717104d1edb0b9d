"""The narration timeline: a scene is a script of beats, each a sentence and the animations that show it.

A beat lasts as long as the longest of its animations, its speech (plus a pause)
and its reading time (``READING_SPEED`` characters a second, plus a pause), and
never less than ``MIN_BEAT``. Its caption is on screen exactly during the beat, so
what is said is what is shown. Speech for every beat is asked for when the script
is known, and synthesized in the background while the frames render.
"""
from __future__ import annotations

from dataclasses import dataclass, replace, field
from enum import Enum
from typing import Callable, Protocol

import numpy as np

from scenes.narration.spoken import said_share, spoken

READING_SPEED = 15.0  # characters a second that people read comfortably
LINE_CHARS = 42  # a subtitle line, by the usual broadcast rule: at most two of them on screen
PAUSE = 0.5  # seconds after a sentence, before the next one
MIN_BEAT = 1.8  # seconds: shorter captions flash by, however few their words


class Brief(Enum):
    """What a brief telling (the explainer's, where another chapter said it already) does with a beat."""

    SAID = "said"  # told: its caption, or its ``brief`` words when it has them
    SILENT = "silent"  # its animations play with no caption
    WITH_PREVIOUS = "with previous"  # its animations play after the beat before's, under that caption
    WITH_NEXT = "with next"  # its animations play before the next beat's, under that caption
    LEFT_OUT = "left out"  # neither its words nor its animations: nothing after may need what it shows


@dataclass
class Beat:
    """A sentence and what shows it: ``show`` plays the animations (it may play none).

    ``spoken`` is what the voice says when it should differ from the caption
    ("minus two point one four" for "−2.14"); by default it is made from the caption.
    ``in_brief`` says what a brief telling does with the beat (see ``Brief``); ``brief``,
    if given, is what a brief telling says instead of the caption, and ``brief_show`` what it
    plays instead of ``show`` (a beat that says, briefly, what several beats show).
    """

    caption: str
    show: Callable[[], None] = lambda: None
    spoken: str | None = None
    in_brief: Brief = Brief.SAID
    brief: str | None = None
    brief_show: Callable[[], None] | None = None


def _in_turn(*shows: Callable[[], None]) -> Callable[[], None]:
    def show() -> None:
        for part in shows:
            part()
    return show


def told_briefly(beats: list[Beat]) -> list[Beat]:
    """``beats`` as a brief telling plays them: each said beat with its ``brief`` words, the beats
    that join a neighbour folded into its animations, the rest silent or left out. The result
    holds only said beats (``Brief.SAID``) and silent ones (``Brief.SILENT``)."""
    told: list[Beat] = []
    waiting: list[Callable[[], None]] = []  # the shows of beats that join the next said one
    for beat in beats:
        mode = beat.in_brief
        if mode is Brief.LEFT_OUT:
            continue
        show = beat.brief_show or beat.show
        if mode is Brief.WITH_NEXT:
            waiting.append(show)
        elif mode is Brief.WITH_PREVIOUS and told:
            told[-1] = replace(told[-1], show=_in_turn(told[-1].show, *waiting, show))
            waiting = []
        elif mode is Brief.SAID:
            words = {"caption": beat.brief, "spoken": None} if beat.brief is not None else {}
            told.append(replace(beat, show=_in_turn(*waiting, show), brief=None, brief_show=None, **words))
            waiting = []
        else:  # silent, or joining a previous beat there is none of
            told.append(replace(beat, show=_in_turn(*waiting, show), brief_show=None, in_brief=Brief.SILENT))
            waiting = []
    if waiting:  # nothing said after them: they play on their own
        told.append(Beat("", _in_turn(*waiting), in_brief=Brief.SILENT))
    return told


@dataclass(frozen=True)
class Cue:
    """A caption on screen from ``start`` to ``end`` seconds."""

    start: float
    end: float
    text: str


class Speech(Protocol):
    """What the timeline needs of a voice: speech samples for a text, asked for ahead of time."""

    name: str
    sample_rate: int

    def request(self, text: str): ...  # a Future of a float32 mono array


BREAKS = ((". ", 0), ("? ", 0), ("! ", 0), ("; ", 1), (": ", 1), (", ", 2), (" (", 2), (" and ", 3),
          (" but ", 3), (" so ", 3), (" ", 4))  # where a caption may be cut, and how much it costs


def caption_parts(caption: str, limit: int = 2 * LINE_CHARS) -> list[str]:
    """A caption cut into pieces of at most ``limit`` characters, each fitting two subtitle lines:
    at the break that best keeps the pieces even, sentence ends before clauses before phrases."""
    if len(caption) <= limit:
        return [caption]
    candidates = []
    for mark, cost in BREAKS:
        at = caption.find(mark)
        while at >= 0:
            cut = at + (1 if mark[0] in ".?!;:," else 0)
            inside = mark == " " and _binds(caption, at)  # "dC/dw = a × δ" is not cut, as a line is not
            if not inside and min(cut, len(caption) - cut) >= 28:  # each piece stays up at least 28/15 s
                # Even pieces, good breaks, and pieces that need no further cut.
                overlong = (cut > limit) + (len(caption) - cut > limit)
                candidates.append((abs(cut - len(caption) / 2) / len(caption) + 0.15 * cost + overlong, cut))
            at = caption.find(mark, at + 1)
    cut = min(candidates)[1] if candidates else limit
    return caption_parts(caption[:cut].rstrip(), limit) + caption_parts(caption[cut:].lstrip(), limit)


def wrapped(text: str, width: int = LINE_CHARS) -> str:
    """``text`` on lines of at most ``width`` characters (two, for a caption part), broken near the middle,
    and not between a number and what names it ("a = 1.00", "neuron 4") when another space fits."""
    if len(text) <= width:
        return text
    spaces = [index for index, char in enumerate(text) if char == " "]
    fitting = [at for at in spaces if at <= width and len(text) - at - 1 <= width] or spaces or [width]
    loose = [at for at in fitting if not _binds(text, at)]
    at = min(loose or fitting, key=lambda index: abs(index - len(text) / 2))
    return text[:at] + "\n" + text[at + 1:].strip()


def _binds(text: str, at: int) -> bool:
    """Whether the space at ``at`` holds a number to its name or a formula together: a number, a
    sign or an operator follows, or an operator comes before."""
    following, before = text[at + 1:at + 2], text[at - 1:at]
    return following.isdigit() or following in "−-=+×≈·" or before in "=+×≈·"


def timed_parts(caption: str, start: float, end: float, said: float | None = None) -> list[Cue]:
    """The cues of one beat: its caption in parts, each on screen for a share of the beat in
    proportion to its length, so every part is read at the beat's own pace; or, with ``said`` (the
    seconds a voice takes to say it, pause included), each from when the voice reaches it: a part of
    numbers is said in many more letters than it is written."""
    parts = caption_parts(caption)
    total = sum(len(part) for part in parts)
    cues, at, offset = [], start, 0
    for index, part in enumerate(parts):
        offset = caption.find(part, offset) + len(part)
        if index == len(parts) - 1:
            until = end
        elif said is not None:
            # Where the voice reaches the next part, yet each part up long enough to read, and time left
            # for the parts after it to be read (the beat lasts at least its reading time).
            rest = sum(len(later) for later in parts[index + 1:]) / READING_SPEED
            until = max(start + said_at(caption, offset, said, voiced=True), at + len(part) / READING_SPEED)
            until = min(until, end - rest)
        else:
            until = at + (end - start) * len(part) / total
        cues.append(Cue(at, until, wrapped(part)))
        at = until
    return cues


def said_at(caption: str, at: int, seconds: float, voiced: bool) -> float:
    """Seconds into a beat of ``seconds`` at which its caption's character ``at`` is reached: by a voice,
    after what it says of the text before it (numbers said in full), then its pause; read, after the
    characters before it."""
    if voiced:
        return (seconds - PAUSE) * said_share(caption, at)
    return seconds * at / max(len(caption), 1)


def counted(count: int, noun: str, plural: str | None = None) -> str:
    """``3 weights``, ``1 weight``: a number with its noun in the right form."""
    return f"{count:,} {noun if count == 1 else plural or noun + 's'}"


def reading_seconds(caption: str) -> float:
    """How long a caption must stay up to be read, pause included."""
    return max(MIN_BEAT, len(caption) / READING_SPEED + PAUSE)


@dataclass
class Narration:
    """The beats a scene played: their captions in time, and the speech to place under them."""

    speech: Speech | None = None
    spoken_text: Callable[[str], str] = spoken
    cues: list[Cue] = field(default_factory=list)  # the captions as subtitles show them: in parts, wrapped
    captions: list[str] = field(default_factory=list)  # each beat's whole caption, in order
    spans: list[tuple[float, float]] = field(default_factory=list)  # each beat's start and end, in seconds
    clips: list[tuple[float, np.ndarray]] = field(default_factory=list)  # (start, samples)
    _pending: dict[int, object] = field(default_factory=dict)

    def prefetch(self, beats: list[Beat]) -> None:
        """Ask for the speech of every beat now, so it is synthesized while earlier beats render."""
        if self.speech is None:
            return
        for beat in beats:
            if id(beat) not in self._pending:
                self._pending[id(beat)] = self.speech.request(self.words(beat))

    def words(self, beat: Beat) -> str:
        return beat.spoken if beat.spoken is not None else self.spoken_text(beat.caption)

    def samples(self, beat: Beat) -> np.ndarray | None:
        if self.speech is None:
            return None
        self.prefetch([beat])
        return self._pending[id(beat)].result()

    def seconds(self, beat: Beat) -> float:
        """How long ``beat`` must last for its words: read, and spoken if there is a voice."""
        return max(reading_seconds(beat.caption), self.said_seconds(beat))

    def said_seconds(self, beat: Beat) -> float:
        """How long ``beat``'s words take as they come: the voice's, pause included, or else their reading
        time. A beat read longer than it is spoken holds after its voice ends, and its words come at the
        voice's pace, not spread over the hold."""
        samples = self.samples(beat)
        if samples is None:
            return reading_seconds(beat.caption)
        return len(samples) / self.speech.sample_rate + PAUSE

    def timed_parts(self, beat: Beat, start: float, end: float) -> list[Cue]:
        """``beat``'s cues from ``start`` to ``end``: each part up from when its words are said."""
        return timed_parts(beat.caption, start, end, self.said_seconds(beat) if self.speech is not None else None)

    def said_at(self, beat: Beat, at: int) -> float:
        """Seconds into ``beat`` at which its caption's character ``at`` is reached, by the voice or read."""
        return said_at(beat.caption, at, self.said_seconds(beat), voiced=self.speech is not None)

    def played(self, beat: Beat, start: float, end: float) -> None:
        """Record that ``beat`` was on screen from ``start`` to ``end``."""
        self.cues += self.timed_parts(beat, start, end)
        self.captions.append(beat.caption)
        self.spans.append((start, end))
        samples = self.samples(beat)
        if samples is not None:
            self.clips.append((start, samples))

    def audio(self, duration: float) -> np.ndarray | None:
        """One track of ``duration`` seconds with each beat's speech at its start, or None without a voice."""
        if self.speech is None:
            return None
        return mix(self.clips, duration, self.speech.sample_rate)


def mix(clips: list[tuple[float, np.ndarray]], duration: float, rate: int) -> np.ndarray:
    """One track of ``duration`` seconds at ``rate`` with each clip's samples from its start (seconds)."""
    track = np.zeros(int(round(duration * rate)), dtype=np.float32)
    for start, samples in clips:
        first = int(round(start * rate))
        piece = samples[: max(0, len(track) - first)]
        track[first:first + len(piece)] += piece
    return track
