"""Narration audio, soft subtitles and chapters added to a silent Manim video.

The video stream is remuxed packet by packet (never decoded or re-encoded), so
frames and timestamps are exactly those Manim wrote. Only PyAV is used; no
ffmpeg binary is needed.
"""
from __future__ import annotations

import heapq
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from fractions import Fraction
from pathlib import Path
from typing import Any

import av
import numpy as np
from av.subtitles.subtitle import SubtitleSet

from scenes.narration.beats import Cue

MS = Fraction(1, 1000)


@dataclass(frozen=True)
class ChapterMark:
    start: float  # seconds
    end: float
    title: str


@dataclass(frozen=True)
class _Family:
    """How one container kind carries each extra stream."""

    muxer: str
    audio_codec: str
    audio_rates: tuple[int, ...]  # the sample rates the codec takes, the highest last
    audio_bit_rate: int
    audio_options: dict[str, str]
    subtitle_codec: str
    options: dict[str, str]

    def audio_rate(self, narration_rate: int) -> int:
        """The narration's own rate when the codec takes it (nothing to resample, and AAC encodes
        22.05 kHz speech in a third of the time of 48 kHz), else the codec's highest."""
        return narration_rate if narration_rate in self.audio_rates else self.audio_rates[-1]


# One row per container that can carry them; a GIF carries none.
FAMILIES = {
    # faststart puts the index first so browsers can play before the download ends. FFmpeg's AAC
    # "fast" coder encodes six minutes of 22.05 kHz speech in 2.1 s, its default two-loop search
    # in 3.7 s, with the same fidelity (decoded back, 38-39 dB signal to noise for both).
    ".mp4": _Family("mp4", "aac", (8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000), 96_000,
                    {"aac_coder": "fast"}, "mov_text", {"movflags": "+faststart"}),
    # bitexact: Matroska would give each track a random number, so no two renders had the same bytes.
    ".webm": _Family("webm", "libopus", (8000, 12000, 16000, 24000, 48000), 64_000, {}, "webvtt",
                     {"fflags": "+bitexact"}),
}

# Both the mov_text and the webvtt encoders parse their input as ASS events,
# so their codec context needs an ASS header with a Default style.
_ASS_HEADER = b"""[Script Info]
ScriptType: v4.00+
PlayResX: 384
PlayResY: 288

[V4+ Styles]
Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, \
Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, \
Alignment, MarginL, MarginR, MarginV, Encoding
Style: Default,Arial,16,&Hffffff,&Hffffff,&H0,&H0,0,0,0,0,100,100,0,0,1,1,0,2,10,10,10,0

[Events]
Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text
"""


def finish_video(
    video_in: Path,
    video_out: Path,
    *,
    audio: np.ndarray | None,
    sample_rate: int,
    cues: Sequence[Cue] | None,
    chapters: Sequence[ChapterMark] | None = None,
) -> None:
    """Write ``video_out``: the video of ``video_in`` plus audio, subtitles and chapters.

    ``audio`` is mono float32 in [-1, 1] starting at t=0; it is padded with
    silence or cut to the video's duration. Cues and chapters must not overlap;
    they are clipped to the video's duration (ones starting after its end are
    dropped). The container follows ``video_out``'s suffix: .mp4 (AAC, mov_text,
    index first for the web) or .webm (Opus, WebVTT). The caller makes the write
    atomic (nnscratch writes into a work folder and publishes the result).
    """
    video_in, video_out = Path(video_in), Path(video_out)
    family = FAMILIES.get(video_out.suffix.lower())
    if family is None:
        raise ValueError(f"a {video_out.suffix or 'suffix-less'} file cannot carry audio, subtitles or "
                         f"chapters; use one of {', '.join(FAMILIES)}")
    if audio is not None and (np.ndim(audio) != 1 or sample_rate <= 0):
        raise ValueError("audio must be a 1-D (mono) array with a positive sample_rate")
    duration = video_end(video_in)
    kept_cues, kept_chapters = _clip(cues or (), duration), _clip(chapters or (), duration)
    _remux(video_in, video_out, family, duration, audio, sample_rate, kept_cues, kept_chapters)


def join_videos(pieces: Sequence[Path], joined: Path, fps: int) -> list[int]:
    """Write ``pieces`` one after the other into ``joined`` without re-encoding, and return each
    one's number of frames. The pieces must share their encoder's settings (Manim made them with
    the same ones): packets are copied, and every frame is stamped anew at exactly 1/fps after the
    one before, so no seam (nor any join inside a piece) gains or loses time."""
    period = Fraction(1, fps)
    stamps = [_stamps(Path(piece)) for piece in pieces]
    with av.open(str(joined), "w") as out:
        stream, shape, base = None, None, 0
        for piece, (ranks, delay) in zip(pieces, stamps):
            with av.open(str(piece)) as source:
                source_stream = source.streams.video[0]
                context = source_stream.codec_context
                if stream is None:
                    stream = out.add_stream_from_template(source_stream)
                    shape = (context.name, context.width, context.height, context.pix_fmt)
                elif (context.name, context.width, context.height, context.pix_fmt) != shape:
                    raise ValueError(f"{piece} is {context.name} {context.width}x{context.height}, "
                                     f"unlike the first piece's {shape[0]} {shape[1]}x{shape[2]}")
                packets = (packet for packet in source.demux(source_stream) if packet.dts is not None)
                for index, (packet, rank) in enumerate(zip(packets, ranks)):
                    # Frame ``rank`` in showing order is packet ``index`` in decoding order; an encoder
                    # that reorders frames decodes each ``delay`` frames before it shows the first.
                    packet.time_base = period
                    packet.pts, packet.dts, packet.duration = base + rank, base + index - delay, 1
                    packet.stream = stream
                    out.mux(packet)
            base += len(ranks)
    return [len(ranks) for ranks, _ in stamps]


def _stamps(path: Path) -> tuple[list[int], int]:
    """Each packet's place in showing order, in decoding order, and the decoder's delay in frames."""
    with av.open(str(path)) as source:
        stream = source.streams.video[0]
        times = [(packet.pts, packet.dts) for packet in source.demux(stream) if packet.dts is not None]
    if not times:
        raise ValueError(f"{path} holds no video frames")
    order = sorted(range(len(times)), key=lambda index: times[index][0])
    ranks = [0] * len(times)
    for rank, index in enumerate(order):
        ranks[index] = rank
    # The first packet is decoded this many frame periods before the first frame is shown.
    first_shown = times[order[0]][0]
    delay = max(0, round((first_shown - times[0][1]) / _median_step(sorted(pts for pts, _ in times))))
    return ranks, delay


def _median_step(shown: list[int]) -> int:
    steps = sorted(b - a for a, b in zip(shown, shown[1:]))
    return max(1, steps[len(steps) // 2]) if steps else 1


def video_end(path: Path) -> Fraction:
    """When the video of ``path`` ends: its last frame's time plus that frame's duration."""
    with av.open(str(path)) as container:
        return _video_end(container, container.streams.video[0])


def _video_end(container: Any, stream: Any) -> Fraction:
    # WebM packets from Manim carry duration 0, so fall back to one frame
    # period from the stream's rate.
    frame = Fraction(1) / Fraction(stream.average_rate or stream.guessed_rate or 1)
    end = Fraction(0)
    for packet in container.demux(stream):
        if packet.pts is None:
            continue
        length = packet.duration * stream.time_base if packet.duration else frame
        end = max(end, packet.pts * stream.time_base + length)
    return end


def _remux(
    video_in: Path,
    temp: Path,
    family: _Family,
    duration: Fraction,
    audio: np.ndarray | None,
    sample_rate: int,
    cues: Sequence[Cue],
    chapters: Sequence[ChapterMark],
) -> None:
    with (
        av.open(str(video_in)) as source,
        av.open(str(temp), "w", format=family.muxer, container_options=family.options) as out,
    ):
        video_in_stream = source.streams.video[0]
        video_out = out.add_stream_from_template(video_in_stream)
        sources: list[Iterator[tuple[Fraction, int, av.Packet]]] = [
            _timed(_video_packets(source, video_in_stream, video_out), order=0)
        ]
        if audio is not None:
            sources.append(_timed(_audio_packets(out, family, audio, sample_rate, duration), order=1))
        if cues:
            sources.append(_timed(_subtitle_packets(out, family, cues), order=2))
        if chapters:
            out.set_chapters(_chapter_entries(chapters))
        # Merge by decode time so the file is interleaved as players read it;
        # av_interleaved_write_frame alone would buffer a whole stream.
        for _, _, packet in heapq.merge(*sources, key=lambda item: (item[0], item[1])):
            out.mux(packet)


def _timed(packets: Iterator[av.Packet], order: int) -> Iterator[tuple[Fraction, int, av.Packet]]:
    for packet in packets:
        stamp = packet.dts if packet.dts is not None else packet.pts
        yield stamp * packet.time_base, order, packet


def _video_packets(source: Any, stream: Any, out_stream: Any) -> Iterator[av.Packet]:
    for packet in source.demux(stream):
        if packet.dts is None:  # the demuxer's end-of-stream flush packet
            continue
        packet.stream = out_stream
        yield packet


def _audio_packets(
    out: Any, family: _Family, audio: np.ndarray, sample_rate: int, duration: Fraction
) -> Iterator[av.Packet]:
    """Encode all audio up front: a minute of speech is a few thousand packets."""
    rate = family.audio_rate(sample_rate)
    samples = _fit_length(_resample(audio, sample_rate, rate), rate, duration)
    stream = out.add_stream(family.audio_codec, rate=rate, layout="mono", options=family.audio_options)
    stream.bit_rate = family.audio_bit_rate
    frame = av.AudioFrame.from_ndarray(samples[np.newaxis, :], format="flt", layout="mono")
    frame.sample_rate = rate
    frame.pts = 0
    frame.time_base = Fraction(1, rate)
    packets = list(stream.encode(frame)) + list(stream.encode(None))
    for packet in packets:
        packet.stream = stream
    return iter(packets)


def _resample(audio: np.ndarray, rate_in: int, rate_out: int) -> np.ndarray:
    samples = np.ascontiguousarray(np.clip(audio, -1.0, 1.0), dtype=np.float32)
    if rate_in == rate_out or samples.size == 0:
        return samples
    frame = av.AudioFrame.from_ndarray(samples[np.newaxis, :], format="flt", layout="mono")
    frame.sample_rate = rate_in
    resampler = av.AudioResampler(format="flt", layout="mono", rate=rate_out)
    frames = resampler.resample(frame) + resampler.resample(None)
    return np.concatenate([f.to_ndarray().reshape(-1) for f in frames]).astype(np.float32)


def _fit_length(samples: np.ndarray, rate: int, duration: Fraction) -> np.ndarray:
    wanted = round(duration * rate)
    if samples.size >= wanted:
        return samples[:wanted]
    return np.concatenate([samples, np.zeros(wanted - samples.size, dtype=np.float32)])


def _subtitle_packets(out: Any, family: _Family, cues: Sequence[Cue]) -> Iterator[av.Packet]:
    stream = out.add_stream(family.subtitle_codec)
    stream.time_base = MS
    stream.codec_context.time_base = MS
    stream.codec_context.subtitle_header = _ASS_HEADER
    stream.metadata["language"] = "eng"
    escape = _webvtt_escape if family.subtitle_codec == "webvtt" else _no_escape
    packets = []
    for index, cue in enumerate(cues):
        start, end = round(cue.start * 1000), round(cue.end * 1000)
        # ASS event fields: ReadOrder, Layer, Style, Name, MarginL/R/V, Effect, Text.
        event = f"{index},0,Default,,0,0,0,,{escape(_ass_text(cue.text))}"
        subtitle = SubtitleSet.create(event.encode("utf-8"), 0, end - start, pts=start)
        packet = stream.codec_context.encode_subtitle(subtitle)
        packet.stream = stream
        packet.time_base = MS
        packets.append(packet)
    return iter(packets)


def _ass_text(text: str) -> str:
    # In ASS a backslash starts an escape (\N, \h) and "{\" an override
    # block, so a literal backslash is shown as the look-alike U+29F5.
    return text.replace("\\", "\u29f5").replace("\r\n", "\n").replace("\n", "\\N")


def _webvtt_escape(text: str) -> str:
    # The webvtt encoder copies text verbatim, so "<b>" would become markup.
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _no_escape(text: str) -> str:
    return text


def _clip(items: Sequence[Any], duration: Fraction) -> list[Any]:
    """Items sorted by start, checked, and cut to the video's length."""
    limit = float(duration)
    kept = []
    for item in sorted(items, key=lambda item: item.start):
        if item.start < 0 or item.end <= item.start:
            raise ValueError(f"bad time span {item.start}..{item.end} in {item!r}")
        if kept and item.start < kept[-1].end - 1e-3:
            raise ValueError(f"{item!r} overlaps {kept[-1]!r}")
        if item.start < limit:
            kept.append(replace(item, end=min(item.end, limit)))
    return kept


def _chapter_entries(chapters: Sequence[ChapterMark]) -> list[dict[str, Any]]:
    return [
        {
            "id": number,
            "start": round(chapter.start * 1000),
            "end": round(chapter.end * 1000),
            "time_base": MS,
            "metadata": {"title": chapter.title},
        }
        for number, chapter in enumerate(chapters, start=1)
    ]


def to_gif(video_in: Path, gif_out: Path, fps: int) -> None:
    """A GIF of ``video_in`` (lossless RGB frames) whose thin lines stay solid: one palette for the
    whole video, made in a first pass, and no dithering, which would break a line a pixel wide
    into dots. Frames last exactly 1/``fps`` s, which must be a whole number of hundredths.
    Frames are decoded, filtered and encoded one at a time, so memory stays flat however long the video."""
    if 100 % fps:
        raise ValueError(f"a GIF cannot play {fps} frames a second exactly; use a rate that divides 100")
    palette = _palette(video_in)
    with av.open(str(video_in)) as source, av.open(str(gif_out), "w", format="gif") as out:
        stream = source.streams.video[0]
        gif = out.add_stream("gif", rate=fps)
        gif.width, gif.height, gif.pix_fmt = stream.width, stream.height, "pal8"
        graph = av.filter.Graph()
        frames, colours = graph.add_buffer(template=stream), graph.add_buffer(
            width=palette.width, height=palette.height, format=palette.format.name, time_base=Fraction(1, fps))
        use = graph.add("paletteuse", "dither=none")
        sink = graph.add("buffersink")
        frames.link_to(use, 0, 0)
        colours.link_to(use, 0, 1)
        use.link_to(sink)
        graph.configure()
        colours.push(palette)
        colours.push(None)
        count = 0
        for frame in source.decode(stream):
            frames.push(frame)
            count = _encode(_pulled(sink), gif, out, count, fps)
        frames.push(None)
        _encode(_pulled(sink), gif, out, count, fps)
        for packet in gif.encode(None):
            out.mux(packet)


def _palette(video_in: Path) -> av.VideoFrame:
    """The 256 colours that best draw every pixel of every frame of ``video_in``."""
    with av.open(str(video_in)) as source:
        stream = source.streams.video[0]
        graph = av.filter.Graph()
        sink = graph.add("buffersink")
        graph.link_nodes(graph.add_buffer(template=stream), graph.add("palettegen", "stats_mode=full"),
                         sink).configure()
        palettes: list[av.VideoFrame] = []
        for frame in source.decode(stream):
            graph.push(frame)
            palettes.extend(_pulled(sink))  # palettegen gives nothing before the end: this runs it
        graph.push(None)
        palettes.extend(_pulled(sink))
    return palettes[-1]


def _pulled(sink: Any) -> Iterator[av.VideoFrame]:
    """The frames the filter graph of ``sink`` can give now. A push only queues its frame before
    the graph; the filters run when the sink is pulled. So a graph must be pulled after each push,
    even one that gives nothing yet, or every frame waits in memory (6 MB each at 1080p)."""
    while True:
        try:
            yield sink.pull()
        except (av.error.BlockingIOError, av.error.EOFError):
            return


def _encode(frames: Iterator[av.VideoFrame], stream: Any, out: Any, count: int, fps: int) -> int:
    """Encode ``frames`` as frames ``count``, ``count`` + 1, ... of ``stream``, each 1/``fps`` s long;
    returns the count after them."""
    for frame in frames:
        frame.pts, frame.time_base = count, Fraction(1, fps)
        for packet in stream.encode(frame):
            out.mux(packet)
        count += 1
    return count
