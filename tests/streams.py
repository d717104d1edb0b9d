"""Reading a finished video's streams back, as a player would: audio, subtitles, chapters."""
from __future__ import annotations

from fractions import Fraction
from pathlib import Path
from typing import Any

import av
import numpy as np

from scenes.output.mux import ChapterMark, video_end
from scenes.narration.beats import Cue


def read_back(path: Path) -> dict[str, Any]:
    """What a player would find in ``path``: streams, cues, chapters, audio.

    Keys: ``streams`` (list of {type, codec}), ``video`` ({codec, packets:
    [(pts_seconds, dts_seconds)], duration}), ``audio`` ({codec, rate,
    samples (mono float32, decoded), duration} or None), ``cues`` (list of
    Cue, empty gap samples dropped), ``chapters`` (list of ChapterMark) and
    ``max_interleave_lag`` (largest drop in decode time, in seconds, between
    an audio/video packet and any earlier one in file order; subtitles are
    left out because the mp4 muxer writes each cue's end marker right after
    the cue).
    """
    path = Path(path)
    with av.open(str(path)) as container:
        streams = [
            {"type": s.type, "codec": s.codec_context.name if s.codec_context else None}
            for s in container.streams
        ]
        chapters = [_chapter_from_entry(entry) for entry in container.chapters()]
    return {
        "streams": streams,
        "video": _read_video(path),
        "audio": _read_audio(path),
        "cues": _read_cues(path),
        "chapters": chapters,
        "max_interleave_lag": _interleave_lag(path),
    }


def _chapter_from_entry(entry: dict[str, Any]) -> ChapterMark:
    base = entry["time_base"]
    return ChapterMark(
        float(entry["start"] * base), float(entry["end"] * base), entry["metadata"].get("title", "")
    )


def _read_video(path: Path) -> dict[str, Any]:
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        packets = [
            (p.pts * stream.time_base, p.dts * stream.time_base if p.dts is not None else None)
            for p in container.demux(stream)
            if p.pts is not None
        ]
    return {
        "codec": stream.codec_context.name,
        "packets": packets,
        "duration": float(video_end(path)),
    }


def _read_audio(path: Path) -> dict[str, Any] | None:
    # A fresh container per stream: seeking back to 0 after another stream
    # was read can skip the first audio packet (seen with Opus in WebM).
    with av.open(str(path)) as container:
        if not container.streams.audio:
            return None
        stream = container.streams.audio[0]
        chunks = [frame.to_ndarray().reshape(-1) for frame in container.decode(stream)]
    samples = np.concatenate(chunks).astype(np.float32) if chunks else np.zeros(0, np.float32)
    return {
        "codec": stream.codec_context.name,
        "rate": stream.rate,
        "samples": samples,
        "duration": samples.size / stream.rate,
    }


def _read_cues(path: Path) -> list[Cue]:
    cues = []
    with av.open(str(path)) as container:
        if not container.streams.subtitles:
            return []
        stream = container.streams.subtitles[0]
        for packet in container.demux(stream):
            if packet.pts is None or packet.size == 0:
                continue
            # mov_text fills gaps between cues with empty samples; skip them.
            text = "\n".join(sub.dialogue.decode("utf-8") for sub in packet.decode())
            if text:
                start = packet.pts * stream.time_base
                cues.append(Cue(float(start), float(start + packet.duration * stream.time_base), text))
    return cues


def _interleave_lag(path: Path) -> float:
    lag, latest = Fraction(0), None
    with av.open(str(path)) as container:
        wanted = [s for s in container.streams if s.type in ("video", "audio")]
        for packet in container.demux(wanted):
            stamp = packet.dts if packet.dts is not None else packet.pts
            if stamp is None:
                continue
            time = stamp * packet.time_base
            latest = time if latest is None else max(latest, time)
            lag = max(lag, latest - time)
    return float(lag)
