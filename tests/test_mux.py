"""Audio, soft subtitles and chapters muxed into real Manim videos, read back as a player would."""
from __future__ import annotations

import os
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from scenes.narration import speech
from scenes.output.mux import ChapterMark, finish_video
from scenes.narration.beats import Cue
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
CHAPTERS = [ChapterMark(0.0, 1.5, "The network"), ChapterMark(1.5, VIDEO_SECONDS, "Learning")]
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


def lossless_video(path: Path, frames: int, width: int, height: int) -> Path:
    """``frames`` frames at 10 fps, encoded as Manim encodes a GIF's frames (lossless RGB): a dark
    background and two blocks sliding across it, a few colours as in a scene."""
    import av

    from scenes.output.render import ENCODERS

    settings = ENCODERS["gif"]
    with av.open(str(path), "w", format=settings["format"]) as out:
        stream = out.add_stream(settings["video_codec"], rate=10, options=settings["video_encoder_options"])
        stream.width, stream.height, stream.pix_fmt = width, height, settings["pixel_format"]
        for index in range(frames):
            image = np.full((height, width, 3), (12, 16, 24), np.uint8)
            x = index * 3 % (width - 40)
            image[20:60, x:x + 40] = (220, 80, 60)
            image[height - 60:height - 20, width - 40 - x:width - x] = (60, 120, 230)
            for packet in stream.encode(av.VideoFrame.from_ndarray(image, format="rgb24")):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    return path


# Run in a fresh process, since the frames live in FFmpeg's C memory, which tracemalloc does not see;
# its peak is reset after the imports (whose own peak would hide a smaller one) and read in kilobytes.
_GIF_PEAK = r"""
import re, sys
from pathlib import Path
from scenes.output.mux import to_gif
def kilobytes(field):
    return int(re.search(field + r":\s+(\d+) kB", Path("/proc/self/status").read_text()).group(1))
Path("/proc/self/clear_refs").write_text("5")
start = kilobytes("VmRSS")
to_gif(Path(sys.argv[1]), Path(sys.argv[2]), 10)
print(kilobytes("VmHWM") - start)
"""


def gif_peak(video: Path, gif: Path) -> int:
    """How many bytes making the GIF of ``video`` adds to a process's peak memory (Linux)."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    result = subprocess.run([sys.executable, "-c", _GIF_PEAK, str(video), str(gif)], capture_output=True,
                            text=True, check=True, env={**os.environ, "PYTHONPATH": root})
    return int(result.stdout) * 1024


def test_a_gifs_memory_is_flat_in_its_length(tmp_path: Path) -> None:
    import av

    width, height = 480, 270
    frame_bytes = width * height * 3
    short, long = (lossless_video(tmp_path / f"{frames}.mp4", frames, width, height) for frames in (60, 240))
    short_peak, long_peak = gif_peak(short, tmp_path / "short.gif"), gif_peak(long, tmp_path / "long.gif")
    # Each frame pushed into the palette pass and never pulled used to wait there until the end:
    # the 180 frames more held 180 frames' worth more (70 MB here, 6 MB a frame at 1080p).
    assert long_peak - short_peak < 8 * frame_bytes
    assert long_peak < 240 * frame_bytes / 2  # far from holding the frames, however many
    with av.open(str(tmp_path / "long.gif")) as container:
        stream = container.streams.video[0]
        delays = [packet.duration * packet.time_base for packet in container.demux(stream) if packet.size]
    assert len(delays) == 240 and set(delays) == {Fraction(1, 10)}  # every frame kept, each 1/10 s

