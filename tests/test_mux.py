"""Audio, soft subtitles and chapters muxed into real Manim videos, read back as a player would."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from scenes import speech
from scenes.mux import Chapter, finish_video
from scenes.narration import Cue
from tests.streams import read_back

VIDEO_SECONDS = 4.0


def render_scene(folder: Path, fmt: str) -> Path:
    """A 4 s, 160x90, 10 fps Manim video, as the real renderer writes it."""
    import manim

    class Tiny(manim.Scene):
        def construct(self) -> None:
            self.add(manim.Circle())
            self.play(manim.Create(manim.Square()), run_time=1)
            self.wait(VIDEO_SECONDS - 1)

    settings = {
        "pixel_width": 160,
        "pixel_height": 90,
        "frame_rate": 10,
        "format": fmt,
        "media_dir": str(folder),
        "disable_caching": True,
        "verbosity": "WARNING",
        "progress_bar": "none",
        "output_file": "tiny",
    }
    with manim.tempconfig(settings):
        scene = Tiny()
        scene.render()
        return Path(scene.renderer.file_writer.output_plan.primary_artifact)


@pytest.fixture(scope="session", params=["mp4", "webm"])
def manim_video(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return render_scene(tmp_path_factory.mktemp(f"manim-{request.param}"), request.param)


SPEECH_AT = 1.0  # seconds into the video where the sentence is placed
CUES = [
    Cue(0.5, 1.25, "Four inputs -> six hidden units"),
    Cue(1.25, 2.0, "Weights: <w> & biases"),
    Cue(2.5, 3.6, "Two\nlines"),
]
CHAPTERS = [Chapter(0.0, 1.5, "The network"), Chapter(1.5, VIDEO_SECONDS, "Learning")]
# AAC keeps the voices' own 22.05 kHz; Opus takes no such rate, so the speech is resampled to 48 kHz.
CODECS = {".mp4": ("aac", "mov_text", 22050), ".webm": ("opus", "webvtt", 48000)}


@pytest.fixture(scope="module")
def speech_clip() -> tuple[np.ndarray, int]:
    voice = speech.EspeakTTS()
    return voice.synthesize("Four inputs."), voice.sample_rate


def place(clip: np.ndarray, rate: int, at: float) -> np.ndarray:
    """A narration track: silence, then the clip at ``at`` seconds."""
    return np.concatenate([np.zeros(round(at * rate), dtype=np.float32), clip])


def window_rms(samples: np.ndarray, rate: int, start: float, end: float) -> float:
    part = samples[round(start * rate) : round(end * rate)].astype(np.float64)
    return float(np.sqrt(np.mean(part**2)))


@pytest.fixture
def finished(manim_video: Path, tmp_path: Path, speech_clip: tuple[np.ndarray, int]) -> tuple[Path, Path, float]:
    clip, rate = speech_clip
    out = tmp_path / f"final{manim_video.suffix}"
    finish_video(
        manim_video, out, audio=place(clip, rate, SPEECH_AT), sample_rate=rate, cues=CUES, chapters=CHAPTERS
    )
    return manim_video, out, clip.size / rate


def test_video_is_copied_not_reencoded(finished: tuple[Path, Path, float]) -> None:
    source, out, _ = finished
    before, after = read_back(source)["video"], read_back(out)["video"]
    assert after["codec"] == before["codec"]
    assert len(after["packets"]) == len(before["packets"]) == VIDEO_SECONDS * 10
    assert after["packets"] == before["packets"]  # exact pts and dts, as fractions


def test_packet_bytes_identical(finished: tuple[Path, Path, float]) -> None:
    import av

    source, out, _ = finished

    def payloads(path: Path) -> list[bytes]:
        with av.open(str(path)) as c:
            return [bytes(p) for p in c.demux(c.streams.video[0]) if p.size]

    assert payloads(out) == payloads(source)


def test_streams_and_audio_duration(finished: tuple[Path, Path, float]) -> None:
    _, out, _ = finished
    info = read_back(out)
    audio_codec, subtitle_codec, audio_rate = CODECS[out.suffix]
    kinds = {(s["type"], s["codec"]) for s in info["streams"]}
    assert {("audio", audio_codec), ("subtitle", subtitle_codec)} <= kinds
    assert info["audio"]["codec"] == audio_codec and info["audio"]["rate"] == audio_rate
    assert abs(info["audio"]["duration"] - info["video"]["duration"]) < 0.1
    assert abs(info["video"]["duration"] - VIDEO_SECONDS) < 1e-6
    assert info["max_interleave_lag"] < 0.5


def test_speech_where_placed_and_silence_elsewhere(finished: tuple[Path, Path, float]) -> None:
    _, out, clip_seconds = finished
    audio = read_back(out)["audio"]
    samples, rate = audio["samples"], audio["rate"]
    assert window_rms(samples, rate, SPEECH_AT + 0.1, SPEECH_AT + clip_seconds - 0.1) > 0.02
    assert window_rms(samples, rate, 0.0, SPEECH_AT - 0.1) < 1e-3
    assert window_rms(samples, rate, SPEECH_AT + clip_seconds + 0.1, VIDEO_SECONDS) < 1e-3


def test_cues_read_back(finished: tuple[Path, Path, float]) -> None:
    _, out, _ = finished
    got = read_back(out)["cues"]
    assert [c.text for c in got] == [c.text for c in CUES]
    for want, have in zip(CUES, got):
        assert abs(have.start - want.start) <= 0.01
        assert abs(have.end - want.end) <= 0.01


def test_chapters_read_back(finished: tuple[Path, Path, float]) -> None:
    _, out, _ = finished
    got = read_back(out)["chapters"]
    assert [c.title for c in got] == [c.title for c in CHAPTERS]
    for want, have in zip(CHAPTERS, got):
        assert abs(have.start - want.start) <= 0.01
        assert abs(have.end - want.end) <= 0.01


def test_audio_is_padded_and_trimmed(manim_video: Path, tmp_path: Path) -> None:
    rate = 16000
    for seconds in (0.5, VIDEO_SECONDS + 3):
        out = tmp_path / f"{seconds}{manim_video.suffix}"
        tone = np.full(round(seconds * rate), 0.1, dtype=np.float32)
        finish_video(manim_video, out, audio=tone, sample_rate=rate, cues=None, chapters=None)
        info = read_back(out)
        assert abs(info["audio"]["duration"] - VIDEO_SECONDS) < 0.05
        assert info["cues"] == [] and info["chapters"] == []


def test_cues_past_the_end_are_clipped(manim_video: Path, tmp_path: Path) -> None:
    out = tmp_path / f"clip{manim_video.suffix}"
    cues = [Cue(3.0, 9.0, "runs long"), Cue(9.5, 10.0, "after the end")]
    finish_video(manim_video, out, audio=None, sample_rate=48000, cues=cues, chapters=None)
    got = read_back(out)["cues"]
    assert [c.text for c in got] == ["runs long"]
    assert abs(got[0].end - VIDEO_SECONDS) <= 0.01


def test_overlapping_cues_are_refused(manim_video: Path, tmp_path: Path) -> None:
    out = tmp_path / f"bad{manim_video.suffix}"
    with pytest.raises(ValueError, match="overlaps"):
        finish_video(
            manim_video, out, audio=None, sample_rate=48000,
            cues=[Cue(0, 2, "a"), Cue(1, 3, "b")], chapters=None,
        )
    assert not out.exists()


def top_level_boxes(path: Path) -> list[str]:
    names, data, at = [], path.read_bytes(), 0
    while at + 8 <= len(data):
        size = int.from_bytes(data[at : at + 4], "big")
        names.append(data[at + 4 : at + 8].decode("latin-1"))
        if size == 1:
            size = int.from_bytes(data[at + 8 : at + 16], "big")
        if size < 8:
            break
        at += size
    return names


def test_an_mp4_has_its_index_first_and_a_webm_is_matroska(finished: tuple[Path, Path, float]) -> None:
    _, out, _ = finished
    if out.suffix == ".mp4":
        boxes = top_level_boxes(out)
        assert boxes.index("moov") < boxes.index("mdat")  # players can start before the download ends
    else:
        assert out.read_bytes()[:4] == b"\x1aE\xdf\xa3"  # the EBML header


def test_a_gif_cannot_carry_them(tmp_path: Path, manim_video: Path) -> None:
    with pytest.raises(ValueError, match="cannot carry audio"):
        finish_video(manim_video, tmp_path / "out.gif", audio=np.zeros(1, np.float32), sample_rate=8000, cues=None)
    assert list(tmp_path.iterdir()) == []
