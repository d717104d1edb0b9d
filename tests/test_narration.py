"""The narration timeline: beats last as long as their words need, captions are up exactly then, and
the picture shows what is said; with a voice the video speaks, without one it carries captions only."""
from __future__ import annotations

import numpy as np
import pytest
import srt
from manim import Circle, Create

from nnscratch import RunSpec, record_run
from scenes import BackpropScene, ForwardPassScene, GradientDescentScene, NetworkScene, TrainingScene
from scenes.chapters.base import HistoryScene
from scenes.narration.beats import MIN_BEAT, PAUSE, READING_SPEED, Beat, Brief, reading_seconds, told_briefly
from scenes.output.render import render
from scenes.narration.speech import EspeakTTS, PiperTTS
from tests.frames import luminance, read_video, to_pixel
from tests.streams import read_back

FPS = 10


class FixedVoice:
    """A voice whose sentences last ``seconds[text]`` (a steady tone, so never silent), counting requests."""

    name, model_id, sample_rate = "fixed", "fixed-1", 1000

    def __init__(self, seconds: dict[str, float]) -> None:
        self.seconds, self.calls = seconds, []

    def synthesize(self, text: str) -> np.ndarray:
        self.calls.append(text)
        return np.full(int(self.seconds.get(text, 0.5) * self.sample_rate), 0.5, np.float32)


class Scripted(HistoryScene):
    def script(self) -> list[Beat]:
        return [
            Beat("Short, with a long animation.", lambda: self.play(Create(Circle()), run_time=4.0)),
            Beat("A caption with nothing moving stays up until a person has read it."),
            Beat("Short, long speech.", spoken="short long speech"),
        ]


def test_a_beat_lasts_as_long_as_its_animation_its_reading_and_its_speech(tmp_path):
    voice = FixedVoice({"short long speech": 6.0})
    video = render(Scripted, tmp_path / "beats.mp4", resolution=(160, 90), fps=FPS, voice=voice)
    narration = video.scene.narration
    cues = narration.cues
    first, second, third = (cue.end - cue.start for cue in cues)
    assert first == pytest.approx(4.0, abs=1 / FPS)  # the animation is the longest
    assert second == pytest.approx(reading_seconds(cues[1].text), abs=1 / FPS)  # the reading is
    assert reading_seconds(cues[1].text) == pytest.approx(len(cues[1].text) / READING_SPEED + PAUSE)
    assert third == pytest.approx(6.0 + PAUSE, abs=1 / FPS)  # the speech is
    assert [cue.start for cue in cues[1:]] == [cue.end for cue in cues[:-1]]
    # Every sentence was asked for in order, in its spoken form, before the first beat ended.
    assert voice.calls == ["Short, with a long animation.", narration.captions[1], "short long speech"]
    # The track holds each clip at its beat's start and is silent before it.
    track = narration.audio(video.duration)
    start = int(round(cues[2].start * voice.sample_rate))
    assert np.all(track[start:start + 6000] == 0.5) and np.all(track[start - 100:start] == 0.0)
    assert [(c.start.total_seconds(), c.end.total_seconds(), c.content)
            for c in srt.parse(video.subtitles.read_text())] == [
        (pytest.approx(c.start, abs=0.002), pytest.approx(c.end, abs=0.002), c.text) for c in cues]


def test_a_caption_shorter_than_the_minimum_still_stays_up():
    assert reading_seconds("Hi.") == MIN_BEAT


def test_a_brief_telling_folds_beats_into_their_neighbours_and_leaves_some_out():
    played = []
    shown = lambda name: lambda: played.append(name)  # noqa: E731
    beats = [
        Beat("Opening.", shown("open")),
        Beat("Joins the opening.", shown("after open"), in_brief=Brief.WITH_PREVIOUS),
        Beat("Left out.", shown("never"), in_brief=Brief.LEFT_OUT),
        Beat("Joins what follows.", shown("before next"), in_brief=Brief.WITH_NEXT),
        Beat("Said at length, with numbers 1.5.", shown("said"), brief="Said briefly, 1.5.",
             spoken="said at length"),
        Beat("Shown in silence.", shown("silent"), in_brief=Brief.SILENT),
        Beat("Shown another way.", shown("long way"), brief_show=shown("short way")),
        Beat("Nothing after it.", shown("last"), in_brief=Brief.WITH_NEXT),
    ]
    told = told_briefly(beats)
    assert [(beat.caption, beat.in_brief) for beat in told] == [
        ("Opening.", Brief.SAID), ("Said briefly, 1.5.", Brief.SAID), ("Shown in silence.", Brief.SILENT),
        ("Shown another way.", Brief.SAID), ("", Brief.SILENT)]
    assert told[1].spoken is None  # the brief words are spoken as they are written
    for beat in told:
        beat.show()
    assert played == ["open", "after open", "before next", "said", "silent", "short way", "last"]
    # A beat that joins the one before, with none before it, plays on its own, silent.
    lone = told_briefly([Beat("First of all.", shown("lone"), in_brief=Brief.WITH_PREVIOUS)])
    assert [beat.in_brief for beat in lone] == [Brief.SILENT]
    # The full telling is the script itself: nothing folded, nothing left out.
    assert [beat.caption for beat in beats] == [
        "Opening.", "Joins the opening.", "Left out.", "Joins what follows.", "Said at length, with numbers 1.5.",
        "Shown in silence.", "Shown another way.", "Nothing after it."]


class Folded(HistoryScene):
    """A beat that stretches its animation to its words, and one folded after it in a brief telling."""

    def script(self) -> list[Beat]:
        return [
            Beat("Stretched.", lambda: self.play(Create(Circle()), run_time=max(1.0, self.beat_seconds())),
                 spoken="stretched"),
            Beat("Folded after it.", lambda: self.play(Create(Circle()), run_time=1.0), spoken="folded",
                 in_brief=Brief.WITH_PREVIOUS),
            Beat("Then a stretch that starts late.", lambda: (
                self.play(Create(Circle()), run_time=1.0), self.hold(self.beat_seconds())), spoken="late"),
        ]


@pytest.mark.slow
@pytest.mark.parametrize("brief", [False, True], ids=["full", "brief"])
def test_an_animation_stretches_to_what_is_left_of_its_beats_words(tmp_path, brief):
    voice = FixedVoice({"stretched": 3.0, "folded": 2.0, "late": 4.0})
    video = render(Folded, tmp_path / "f.mp4", resolution=(160, 90), fps=FPS, voice=voice, brief=brief)
    lengths = [cue.end - cue.start for cue in video.scene.narration.cues]
    if brief:  # the folded animation plays after the stretched one: the beat is its words and a second
        assert lengths == [pytest.approx(3.0 + PAUSE + 1.0, abs=1 / FPS), pytest.approx(4.0 + PAUSE, abs=1 / FPS)]
    else:
        assert lengths == [pytest.approx(seconds + PAUSE, abs=1 / FPS) for seconds in (3.0, 2.0, 4.0)]


SHAPES = {
    "default": RunSpec(epochs=100),
    "tiny": RunSpec(layers=(1, 1, 1), epochs=100),
    "small": RunSpec(layers=(2, 3, 1), epochs=100),
    "deep": RunSpec(layers=(4, 8, 8, 8, 8, 8, 8, 8, 8, 1), epochs=100),
    "wide": RunSpec(layers=(784, 16, 16, 2), epochs=30),
    "spiral": RunSpec(dataset="spiral", layers=(2, 8, 8, 1), activation="tanh", optimizer="adam",
                      learning_rate=0.02, epochs=300),
    "classes": RunSpec(dataset="gaussians", layers=(2, 6, 2), epochs=100),
}


@pytest.fixture(scope="module")
def runs():
    return {name: record_run(spec) for name, spec in SHAPES.items()}


@pytest.mark.slow
@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("scene_class", [NetworkScene, ForwardPassScene, TrainingScene, BackpropScene,
                                         GradientDescentScene],
                         ids=["network", "forward", "training", "backprop", "descent"])
def test_every_caption_can_be_read_on_every_shape(runs, tmp_path, shape, scene_class):
    extra = {"duration": 4.0} if scene_class is TrainingScene else {}
    video = render(scene_class, tmp_path / "v.mp4", resolution=(160, 90), fps=5,
                   history=runs[shape], **extra)
    cues = list(srt.parse(video.subtitles.read_text()))
    assert len(cues) >= 3
    for cue in cues:
        seconds = (cue.end - cue.start).total_seconds()
        assert seconds >= 1.5, (cue.content, seconds)
        assert len(cue.content) / seconds <= 17.0, (cue.content, seconds)
    assert all(before.end == after.start for before, after in zip(cues, cues[1:]))
    frames, _, _, _ = read_video(video.path)
    assert len(frames) / 5 >= cues[-1].end.total_seconds() - 0.2  # the video outlasts its last caption


@pytest.mark.slow
def test_each_layer_lights_while_its_caption_is_up(tmp_path):
    """Measured on decoded pixels: the moment each layer's brightest neuron lights up falls inside the
    caption that says so."""
    history = record_run(RunSpec(epochs=300))
    width, height = 320, 180
    video = render(ForwardPassScene, tmp_path / "f.mp4", resolution=(width, height), fps=FPS,
                   history=history)
    frames, _, _, _ = read_video(video.path)
    cues = list(srt.parse(video.subtitles.read_text()))
    scene, sizes = video.scene, history.layer_sizes
    for layer in range(1, len(sizes)):
        values = scene.trace.a[layer][0]
        neuron = scene.network_mob.neurons[layer][int(np.argmax(values))]
        row, column = to_pixel(neuron.get_center(), width, height)
        trace = np.array([luminance(frame[row, column]) for frame in frames])
        before, after = trace[int(2 * FPS)], trace[-1]
        assert abs(after - before) > 20, (layer, before, after)
        halfway = (before + after) / 2
        lit = np.argmax(trace >= halfway if after > before else trace <= halfway) / FPS
        saying = [cue for cue in cues if cue.start.total_seconds() <= lit <= cue.end.total_seconds()]
        assert len(saying) == 1, (layer, lit)
        # The caption up at that moment tells the value this layer's brightest neuron reaches, or
        # names the layer: its own name, the output layer, or a run of hidden layers told together.
        # A long caption is split into cues; a neuron lights as its row is computed, so perhaps in the
        # second: the sentence is the beat's whole caption.
        cue = saying[0].content.replace("\n", " ")
        text = next(beat.caption for beat in scene.told if cue in beat.caption.replace("\n", " "))
        assert (f"{values.max():.2f}".replace("-", "−") in text or "output layer" in text
                or "Hidden layers" in text or f"hidden layer {layer}" in text.lower()), (layer, lit, text)


@pytest.mark.slow
@pytest.mark.parametrize("video_format, audio, subtitles", [("mp4", "aac", "mov_text"), ("webm", "opus", "webvtt")])
def test_a_voiced_video_speaks_through_every_beat(tmp_path, video_format, audio, subtitles):
    voice = PiperTTS() if video_format == "mp4" else EspeakTTS()
    video = render(NetworkScene, tmp_path / f"n.{video_format}", resolution=(160, 90), fps=FPS,
                   video_format=video_format, voice=voice, history=record_run(RunSpec(epochs=20)))
    info = read_back(video.path)
    kinds = {(stream["type"], stream["codec"]) for stream in info["streams"]}
    assert ("audio", audio) in kinds and ("subtitle", subtitles) in kinds
    assert abs(info["audio"]["duration"] - info["video"]["duration"]) <= 0.2
    cues = list(srt.parse(video.subtitles.read_text()))
    assert [cue.text for cue in info["cues"]] == [cue.content for cue in cues]
    samples, rate = info["audio"]["samples"], info["audio"]["rate"]
    for cue in cues:  # someone is speaking in the first second of every beat
        start = int(cue.start.total_seconds() * rate)
        window = samples[start:start + rate].astype(float)
        assert np.sqrt(np.mean(window ** 2)) > 0.01, cue.content
    assert video.voice == voice.name


@pytest.mark.slow
def test_without_a_voice_there_is_no_audio_stream_but_the_subtitles_are_in(tmp_path):
    video = render(NetworkScene, tmp_path / "n.mp4", resolution=(160, 90), fps=FPS,
                   history=record_run(RunSpec(epochs=20)))
    info = read_back(video.path)
    assert info["audio"] is None and [stream["type"] for stream in info["streams"]] == ["video", "subtitle"]
    assert len(info["cues"]) == len(list(srt.parse(video.subtitles.read_text())))


class CountingVoice:
    """espeak-ng, counting what it is asked to say."""

    def __init__(self) -> None:
        self.inner, self.calls = EspeakTTS(), []
        self.name, self.model_id, self.sample_rate = "counting", self.inner.model_id, self.inner.sample_rate

    def synthesize(self, text: str) -> np.ndarray:
        self.calls.append(text)
        return self.inner.synthesize(text)


@pytest.mark.slow
def test_a_second_render_synthesizes_nothing(tmp_path):
    history = record_run(RunSpec(epochs=20))
    voice = CountingVoice()
    first = render(NetworkScene, tmp_path / "a.mp4", resolution=(160, 90), fps=FPS,
                   voice=voice, history=history)
    said = list(voice.calls)
    second = render(NetworkScene, tmp_path / "b.mp4", resolution=(160, 90), fps=FPS,
                    voice=voice, history=history)
    assert len(said) == len(first.scene.narration.captions) and voice.calls == said
    np.testing.assert_array_equal(read_back(first.path)["audio"]["samples"], read_back(second.path)["audio"]["samples"])


@pytest.mark.parametrize("part", [
    "Then sigmoid squashes z into an activation between 0 and 1: a = 1.00",
    "Hidden layer 2 computes sigmoid of W a + b; neuron 4 ends highest, at 0.89.",
    "To move this output, there are three ways. First, its bias: dC/db = δ = −0.919",
    "How would sample 0 change every weight? We look at epoch 0.",
])
def test_a_caption_line_never_parts_a_number_from_what_names_it(part):
    from scenes.narration.beats import LINE_CHARS, wrapped

    lines = wrapped(part).split("\n")
    assert len(lines) == 2 and " ".join(lines) == part
    assert all(len(line) <= LINE_CHARS for line in lines)
    assert not lines[1][0].isdigit() and lines[1][0] not in "−-=+×≈"
    assert lines[0][-1] not in "=+×≈"


def test_a_caption_is_not_cut_into_cues_inside_a_formula():
    from scenes.narration.beats import caption_parts

    caption = ("Second, its weights, each in proportion to the activation it comes from: dC/dw = a × δ. "
               "Magenta weights would lower the cost by going down, green ones by going up.")
    parts = caption_parts(caption)
    assert len(parts) > 1 and " ".join(parts) == caption
    assert not any(part[0] in "×=+−" or part[-1] in "×=+" for part in parts)
