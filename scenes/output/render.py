"""Render a scene from code into one finished file: settings checked, output atomic."""
from __future__ import annotations

import contextlib
import errno
import logging
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol
from xml.etree.ElementTree import ParseError

import manim

from nnscratch.files import check_output_path, publish, work_folder
from scenes.camera import stopping
from scenes.output.mux import ChapterMark, finish_video, to_gif
from scenes.narration.beats import Narration
from scenes.narration.speech import Narrator, Voice
from scenes.output.settings import FORMATS, GIF_DEFAULT_RATES, GIF_RATES, QUALITIES

MIN_FREE_BYTES = 64 * 2**20  # a render's partial movies, text outlines and final file, with room to spare


# The encoders' threads, fixed: x264 and VP9 cut the work by their thread count, so a count chosen
# from the machine's cores (their default) gives other bytes, and frames that differ within the
# encoder's noise, on a machine with other cores. Four keeps two cores busy with room to spare.
ENCODER_THREADS = 4
# How Manim encodes each format. MP4: x264's veryfast preset halves the encoding time of the
# default at a similar file size. WebM: VP9 in its real-time mode, whose default is three times
# slower than x264. GIF: Manim makes lossless RGB video first, which nnscratch turns into the GIF
# itself (see mux.to_gif): Manim's own GIF is dithered from chroma-halved frames.
ENCODERS: dict[str, dict] = {
    "mp4": {"format": "mp4", "video_encoder_options": {"preset": "veryfast", "threads": str(ENCODER_THREADS)}},
    "webm": {"format": "webm", "video_encoder_options": {"deadline": "realtime", "cpu-used": "8", "row-mt": "1",
                                                         "threads": str(ENCODER_THREADS)}},
    "gif": {"format": "mp4", "video_codec": "libx264rgb", "pixel_format": "rgb24",
            "video_encoder_options": {"crf": "0", "preset": "ultrafast"}},
}


def render_settings(width: int, height: int, fps: int, video_format: str, media_dir: Path, output_stem: str) -> dict:
    """The one mapping of Manim config keys this project sets. ``tempconfig`` silently drops
    unknown keys, so a test checks each of these against ``manim.config``."""
    return {
        "pixel_width": width,
        "pixel_height": height,
        "frame_rate": fps,
        "media_dir": str(media_dir),
        "output_file": output_stem,
        "save_last_frame": False,
        "preview": False,
        # Hashing every play() for the cache costs far more than it saves here (manim issue 2710).
        "disable_caching": True,
        # Manim draws a bar per animation; nnscratch draws one for the whole render (FrameProgress).
        "progress_bar": "none",
        "verbosity": "WARNING",
        **ENCODERS[video_format],
    }


@dataclass
class RenderedVideo:
    path: Path
    subtitles: Path | None
    width: int
    height: int
    fps: int
    duration: float
    scene: manim.Scene | None  # kept so callers (and tests) can read the layout that was drawn; None when joined
    voice: str | None = None  # the voice that speaks the narration, None for captions only
    chapters: list[ChapterMark] = field(default_factory=list)  # the chapters of a joined video, in order
    pieces: list[tuple[str, float, str]] = field(default_factory=list)  # each chapter's title, seconds, worker


class ShowProgress(Protocol):
    """Shows how far a render is: frames done, of the total expected (which may be revised)."""

    def __call__(self, done: int, total: int) -> None: ...


class FrameProgress:
    """A scene's ``Progress`` in seconds of video, shown as frames through ``show``."""

    def __init__(self, fps: int, show: ShowProgress) -> None:
        self.fps, self.show = fps, show
        self.expected = self.seconds = 0.0

    def planned(self, seconds: float) -> None:
        self.expected = seconds
        self.show(self.frames(self.seconds), self.frames(max(self.expected, self.seconds)))

    def done(self, seconds: float) -> None:
        self.seconds = seconds
        self.show(self.frames(seconds), self.frames(max(self.expected, seconds)))

    def frames(self, seconds: float) -> int:
        return int(round(seconds * self.fps))


def frame_settings(quality: str, fps: int | None, video_format: str,
                   resolution: tuple[int, int] | None) -> tuple[int, int, int]:
    """Width, height and frame rate of a video: the quality's, with ``fps`` and ``resolution`` if given."""
    if quality not in QUALITIES:
        raise ValueError(f"unknown quality {quality!r}; choose one of {', '.join(QUALITIES)}")
    if video_format not in FORMATS:
        raise ValueError(f"unknown format {video_format!r}; choose one of {', '.join(FORMATS)}")
    width, height, preset_fps = QUALITIES[quality]
    if resolution is not None:
        width, height = resolution
    fps = fps or (GIF_DEFAULT_RATES[quality] if video_format == "gif" else preset_fps)
    if video_format == "gif" and fps not in GIF_RATES:
        raise ValueError(f"a GIF plays {', '.join(map(str, GIF_RATES))} frames a second, not {fps}")
    return width, height, fps


def check_outputs(output: Path, video_format: str) -> None:
    """Refuse before any work an output (or its .srt) nnscratch may not write, or a disk too full."""
    check_output_path(output, f".{video_format}")
    check_output_path(output.with_suffix(".srt"))
    _check_free_space(output.absolute().parent)


def render(scene_class: type[manim.Scene], output: Path, *, quality: str = "high", fps: int | None = None,
           video_format: str = "mp4", resolution: tuple[int, int] | None = None, progress: ShowProgress | None = None,
           voice: Voice | None = None, **scene_kwargs) -> RenderedVideo:
    """Render ``scene_class(**scene_kwargs)`` to ``output`` (and its captions beside it as ``.srt``).

    The narration's captions go into the video as a soft subtitle track, and with a
    ``voice`` its speech as an audio track (MP4 and WebM; a GIF carries neither).
    Speech is synthesized in the background while the frames render.

    The video is made in a temporary folder beside ``output`` and moved into place only
    when complete, so an interrupted render never leaves a truncated file at ``output``;
    ``output`` must be a path ``nnscratch.files`` allows (OutputPathError otherwise).
    ``progress`` is shown the frames done and expected as the render goes.
    """
    width, height, fps = frame_settings(quality, fps, video_format, resolution)
    output = Path(output)
    check_outputs(output, video_format)
    if progress:
        scene_kwargs["progress"] = FrameProgress(fps, progress)
    narrator = Narrator(voice) if voice is not None else None
    narration = Narration(speech=narrator)
    try:
        with work_folder(output) as workdir:
            settings = render_settings(width, height, fps, video_format, workdir, output.stem)
            with without_webm_warning(), manim.tempconfig(settings):
                scene = scene_class(narration=narration, **scene_kwargs)
                run_scene(scene, workdir)
                plan = scene.renderer.file_writer.output_plan
                duration = float(scene.time)
            if progress:
                progress(round(duration * fps), round(duration * fps))
            video, finished = Path(plan.primary_artifact), workdir / f"finished.{video_format}"
            if video_format == "gif":
                to_gif(video, finished, fps)
            else:
                finish_video(video, finished, audio=narration.audio(duration),
                             sample_rate=narrator.sample_rate if narrator else 0, cues=narration.cues)
            video = finished
            moves = [(video, output)]
            subtitles = None
            if plan.subcaption_file is not None and Path(plan.subcaption_file).exists():
                subtitles = output.with_suffix(".srt")
                moves.insert(0, (Path(plan.subcaption_file), subtitles))
            publish(*moves)  # both or neither; the video last, so it appears only once all is in place
            return RenderedVideo(output, subtitles, width, height, fps, duration, scene,
                                 voice.name if voice is not None else None)
    finally:
        if narrator is not None:
            narrator.close()


def render_still(scene_class: type[manim.Scene], output: Path, *, quality: str = "high",
                 resolution: tuple[int, int] | None = None, at: float | None = None, **scene_kwargs) -> manim.Scene:
    """The scene's last frame as a PNG at ``output``, in seconds: every animation is skipped
    (Manim jumps each one to its end) and nothing is encoded. With ``at``, the frame that ends the
    beat on screen at ``at`` seconds. Returns the scene in the state drawn."""
    if at is not None:
        scene_kwargs["stop_at"] = at
    width, height, fps = QUALITIES[quality]
    if resolution is not None:
        width, height = resolution
    output = Path(output)
    check_output_path(output, ".png")
    with work_folder(output) as workdir:
        settings = {**render_settings(width, height, fps, "mp4", workdir, output.stem),
                    "save_last_frame": True, "format": "png"}
        with manim.tempconfig(settings):
            scene = scene_class(**scene_kwargs)
            run_scene(scene, workdir)
            frame = Path(scene.renderer.file_writer.output_plan.primary_artifact)
        publish((frame, output))
    return scene


class _WebmWarning(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return "Output format set as webm" not in record.getMessage()


@contextlib.contextmanager
def without_webm_warning():
    """Manim warns that WebM "can be slower" whenever the format is set: ENCODERS already makes
    it fast, so the warning would only worry the user."""
    quiet = _WebmWarning()
    logging.getLogger("manim").addFilter(quiet)
    try:
        yield
    finally:
        logging.getLogger("manim").removeFilter(quiet)


def run_scene(scene: manim.Scene, workdir: Path) -> None:
    """Render ``scene`` with Manim, a full disk or a refused write said as such."""
    try:
        with stopping.between_frames():
            scene.render()
    except ParseError:
        # Manim reads back the outline of every Text from an SVG it has just written:
        # an SVG that does not parse is one the file system refused to store.
        raise OSError(errno.ENOSPC, f"a temporary file in {workdir.parent} could not be written "
                                    "(is the disk full?)") from None
    except RuntimeError as error:
        refused = _refused_write(error)
        if refused is None:
            raise
        raise OSError(refused.errno, f"{refused.strerror} while writing the video in {workdir.parent}") from None


def _refused_write(error: BaseException) -> OSError | None:
    """The file system's refusal (disk full, quota, file size limit) behind an error Manim wrapped, if any."""
    while error is not None:
        if isinstance(error, OSError) and error.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
            return error
        error = error.__cause__ or error.__context__
    return None


def _check_free_space(folder: Path) -> None:
    free = shutil.disk_usage(folder).free
    if free < MIN_FREE_BYTES:
        raise OSError(errno.ENOSPC, f"only {free / 2**20:.0f} MB free in {folder}; a render needs "
                                    f"at least {MIN_FREE_BYTES / 2**20:.0f} MB")
