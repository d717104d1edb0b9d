"""A number said is marked as it is said: where a word falls in its beat's sentence is estimated from the
characters before it (``HistoryScene.until_said``), and the story's test holds every number's first marking
against that estimate (``tests.timeline.late_numbers``). Both rules are checked here on records built by hand."""
from types import SimpleNamespace

import pytest

from scenes.chapters.base import BeatRecord, HistoryScene
from scenes.narration.beats import PAUSE, Beat, Narration, reading_seconds, said_at
from tests.timeline import SteadyVoice
from scenes.narration.speech import Narrator, SpeechCache
from scenes.narration.spoken import spoken
from tests.timeline import NUMBER_SLACK, late_numbers


def beat_at(caption: str, start: float, seconds: float, now: float) -> SimpleNamespace:
    """What ``until_said`` reads of a scene: its beat, when the beat began, its narration, the time now."""
    beat = Beat(caption, lambda: None)
    return SimpleNamespace(current_beat=beat, beat_start=start, time=now,
                           narration=SimpleNamespace(said_at=lambda beat, at: said_at(beat.caption, at, seconds, False)))


def test_words_are_timed_by_the_characters_before_them():
    caption = "Then hidden layer 2: neuron 4 ends highest, at 0.89."
    scene = beat_at(caption, start=10.0, seconds=5.2, now=10.5)
    expected = 10.0 + 5.2 * caption.index("neuron 4") / len(caption) - 10.5
    assert HistoryScene.until_said(scene, "neuron 4") == pytest.approx(expected)
    assert HistoryScene.until_said(scene, "Then") == 0.0  # said already: no time to wait
    assert HistoryScene.until_said(scene, "neuron 9") == 0.0  # not in the sentence
    late = beat_at(caption, start=10.0, seconds=5.2, now=14.9)
    assert HistoryScene.until_said(late, "0.89") == 0.0  # past it: now, not a negative wait


def test_a_number_marked_seconds_after_it_is_said_is_late_and_one_marked_before_is_not():
    caption = "The cost falls from 2.55 to 0.0684."
    said_at = {number: 100.0 + 4.0 * caption.index(number) / len(caption) for number in ("2.55", "0.0684")}
    record = BeatRecord(caption, 100.0, end=104.5, spoken=4.0,
                        marked_at={"2.55": said_at["2.55"] - 1.0, "cost 0.0684": said_at["0.0684"] + 2.0})
    assert late_numbers(SimpleNamespace(told=[record])) == [(caption, "0.0684", 2.0)]
    record.marked_at["cost 0.0684"] = said_at["0.0684"] + NUMBER_SLACK - 0.05
    assert late_numbers(SimpleNamespace(told=[record])) == []
    # A number never marked is for unmarked_numbers to report, not this rule.
    assert late_numbers(SimpleNamespace(told=[BeatRecord(caption, 0.0, spoken=4.0)])) == []


def test_a_voice_says_a_number_in_its_letters_and_its_words_come_at_its_pace(tmp_path):
    # "92.8%" is five characters and thirty spoken letters: by a voice, the words after it come later in
    # the sentence than their characters' place; and a sentence read longer than it is spoken holds after
    # the voice ends, its words said at the voice's pace, not spread over the hold.


    caption = "Its test accuracy ends at 92.8% on the digits it never saw."
    beat = Beat(caption, lambda: None)
    with Narrator(SteadyVoice(), SpeechCache(tmp_path)) as narrator:
        voiced = Narration(speech=narrator)
        spoken_seconds = len(spoken(caption)) / SteadyVoice.letters
        assert voiced.said_seconds(beat) == pytest.approx(spoken_seconds + PAUSE, abs=1e-3)
        at = caption.index("on the digits")
        share = len(spoken(caption[:at])) / len(spoken(caption))
        assert voiced.said_at(beat, at) == pytest.approx(spoken_seconds * share, abs=1e-3)
        assert share > at / len(caption) + 0.05  # the number's letters push the words after it later
    read = Narration()
    assert read.said_seconds(beat) == pytest.approx(reading_seconds(caption))
    assert read.said_at(beat, at) == pytest.approx(reading_seconds(caption) * at / len(caption))


def test_a_beat_read_longer_than_spoken_times_its_words_by_the_voice(tmp_path):


    class Quick(SteadyVoice):
        letters = 40.0  # far quicker than reading: the beat holds for its reading time

    caption = "The cost falls from 2.55 to 0.0684 over forty epochs of training."
    beat = Beat(caption, lambda: None)
    with Narrator(Quick(), SpeechCache(tmp_path)) as narrator:
        narration = Narration(speech=narrator)
        assert narration.seconds(beat) == pytest.approx(reading_seconds(caption))
        assert narration.said_seconds(beat) < narration.seconds(beat) - 1.0
        end = narration.said_at(beat, len(caption))
        assert end == pytest.approx(narration.said_seconds(beat) - PAUSE, abs=1e-3)


def test_a_voiced_beats_subtitles_change_where_the_voice_reaches_the_next_part():
    # review23i: "slope and wish: 0.665 x ..." came up 2.4-3.3 s after its words, the beat's time shared by
    # characters while the numbers after them take most of the speech. Each part is still up long enough to
    # read, and leaves the parts after it theirs.
    from scenes.narration.beats import READING_SPEED, timed_parts

    caption = "Along one chain, the chain rule multiplies activation, slope and wish: 0.665 × 0.214 × 0.635 ≈ 0.0902."
    said = len(spoken(caption)) / SteadyVoice.letters + PAUSE
    end = max(reading_seconds(caption), said)
    read, voiced = timed_parts(caption, 0.0, end), timed_parts(caption, 0.0, end, said)
    assert [cue.text for cue in read] == [cue.text for cue in voiced] and len(voiced) == 2
    first = voiced[0].text.replace("\n", " ")
    reached = said_at(caption, caption.index(first) + len(first), said, voiced=True)
    assert voiced[0].end == pytest.approx(max(reached, len(first) / READING_SPEED))
    assert voiced[0].end < read[0].end - 2.0
    for cue in voiced:
        assert len(cue.text.replace("\n", " ")) / (cue.end - cue.start) <= READING_SPEED + 1e-9
    assert voiced[-1].end == end and voiced[1].start == voiced[0].end
