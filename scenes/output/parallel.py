"""An explainer's chapters rendered side by side, as tasks on a Dask cluster, then joined into one
video without re-encoding.

Each chapter is a scene of its own, so the chapters render as tasks of their own (``cluster``: a
local cluster of one process per core by default, or any Dask scheduler). Every task renders with
the same encoder settings, so the segments join by copying their packets (``mux.join_videos``);
the narration's audio, captions and chapter marks are then laid over the whole, each moved by its
chapter's start. With no client the chapters render here, one after the other.
"""
from __future__ import annotations

import contextlib
import datetime
import threading
import time
import uuid
from dataclasses import dataclass, replace
from fractions import Fraction
from pathlib import Path

import manim
import numpy as np
import srt

from nnscratch import TrainingHistory
from nnscratch.files import check_output_path, publish, work_folder
from scenes.chapters.catalogue import BY_NAME, chapters_of
from scenes.chapters.explainer import chapter_scene
from scenes.narration.beats import Cue, Narration, mix
from scenes.narration.speech import Narrator, Voice
from scenes.output.cluster import RunBytes, TaskProgress, handed_out, history_of, is_local, progress_events, \
    scratch_folder, worker_name
from scenes.output.mux import ChapterMark, finish_video, join_videos, to_gif
from scenes.output.render import (
    RenderedVideo, ShowProgress, check_outputs, frame_settings, render_settings, render_still, run_scene,
    without_webm_warning,
)

GUESSED_SECONDS = 30.0  # a chapter's length before its task has planned it


@dataclass(frozen=True)
class ChapterTask:
    """What a worker needs to render one chapter, beside the run: its place and name, the frame settings
    and the voice (an engine is a few names and paths: it pickles, and loads its model where it speaks)."""

    number: int  # the chapter's place in this video, from 1
    chapter: str
    width: int
    height: int
    fps: int
    video_format: str
    voice: Voice | None
    topic: str = ""  # where its progress goes, as cluster events ("" for none)


@dataclass
class Piece:
    """One rendered chapter: its silent segment's bytes, its captions and speech from its own start, and
    how long it took where."""

    number: int
    title: str
    segment: bytes
    cues: list[Cue]
    clips: list[tuple[float, np.ndarray]]
    sample_rate: int
    seconds: float = 0.0
    worker: str = ""


def render_explainer(history: TrainingHistory, output: Path, chapters: list[str] | None = None, *,
                     quality: str = "high", fps: int | None = None, video_format: str = "mp4",
                     resolution: tuple[int, int] | None = None, progress: ShowProgress | None = None,
                     voice: Voice | None = None, client=None, shared: Path | None = None) -> RenderedVideo:
    """The chapters called ``chapters`` (default: all, see ``catalogue.CHAPTERS``) of ``history``, in
    one video at ``output`` with chapter marks, captions beside it and the voice's narration.
    With a Dask ``client`` the chapters render as its tasks, the longest first; else here, in turn.
    With ``shared``, a folder every worker reads at the same path, the run goes there as a file
    rather than to each worker as bytes. The output is written as ``render.render`` writes it: all at
    once, or not at all."""
    chapters = chapters_of(chapters, history)
    width, height, fps = frame_settings(quality, fps, video_format, resolution)
    output = Path(output)
    check_outputs(output, video_format)
    with work_folder(output) as workdir:
        tracker = Tracker(len(chapters), fps, progress)
        tasks = [ChapterTask(number, chapter.name, width, height, fps, video_format, voice,
                             f"nnscratch-progress-{uuid.uuid4().hex}" if client is not None else "")
                 for number, chapter in enumerate(chapters, start=1)]
        pieces = render_chapters(tasks, history, workdir, tracker, client, shared)
        segments = []
        for piece in pieces:
            segments.append(workdir / f"{piece.number:02d}.{'mp4' if video_format == 'gif' else video_format}")
            segments[-1].write_bytes(piece.segment)
        joined = workdir / f"joined.{'mp4' if video_format == 'gif' else video_format}"
        frames = join_videos(segments, joined, fps)
        lengths = [Fraction(count, fps) for count in frames]
        starts = [sum(lengths[:index], Fraction(0)) for index in range(len(lengths))]
        marks = [ChapterMark(float(start), float(start + length), piece.title)
                 for piece, start, length in zip(pieces, starts, lengths)]
        cues = [replace(cue, start=cue.start + float(start), end=cue.end + float(start))
                for piece, start in zip(pieces, starts) for cue in piece.cues]
        duration = float(sum(lengths, Fraction(0)))
        finished = workdir / f"finished.{video_format}"
        if video_format == "gif":
            to_gif(joined, finished, fps)
        else:
            rate = pieces[0].sample_rate
            clips = [(clip_start + float(start), samples)
                     for piece, start in zip(pieces, starts) for clip_start, samples in piece.clips]
            finish_video(joined, finished, audio=mix(clips, duration, rate) if voice is not None else None,
                         sample_rate=rate, cues=cues, chapters=marks)
        captions = workdir / "captions.srt"
        captions.write_text(srt.compose([srt.Subtitle(number, _delta(cue.start), _delta(cue.end), cue.text)
                                         for number, cue in enumerate(cues, start=1)]), encoding="utf-8")
        subtitles = output.with_suffix(".srt")
        publish((captions, subtitles), (finished, output))
    if progress:
        total = round(duration * fps)
        progress(total, total)
    return RenderedVideo(output, subtitles, width, height, fps, duration, None, voice.name if voice is not None else None,
                         marks, [(piece.title, piece.seconds, piece.worker) for piece in pieces])


def render_chapters(tasks: list[ChapterTask], history: TrainingHistory, workdir: Path, tracker: "Tracker",
                    client=None, shared: Path | None = None) -> list[Piece]:
    """Each task's chapter rendered: as tasks of ``client``'s cluster, the run sent to the workers once,
    the longest chapters first, each as a worker is free; or here, one after the other."""
    if client is None:
        return [render_chapter(task, history=history, progress=tracker.progress_of(task.number)) for task in tasks]
    # A cluster of this machine's own reads the run where it is written, stored rather than deflated: no
    # chapter starts until it is (the digits' run: 0.3 s against 1.7 s), and nothing crosses the scheduler.
    local = shared is None and is_local(client)
    if local:
        shared = workdir
    # Else a task that holds the run, not scattered data: scattered data has no lineage, and a worker that
    # dies holding its only copy would take every chapter down with it; a task is made again.
    if shared is not None:
        run = str((Path(shared) / f"nnscratch-run-{uuid.uuid4().hex[:12]}.npz").absolute())
        history.save(run, compressed=not local)
    else:
        run = client.submit(RunBytes.held, RunBytes.of(history, workdir), pure=False, key=f"run-{uuid.uuid4().hex[:8]}")
    order = sorted(tasks, key=lambda task: -BY_NAME[task.chapter].weight)
    pieces: dict[int, Piece] = {}

    def submit(task: ChapterTask):
        return client.submit(render_chapter, task, run, pure=False, key=f"chapter-{task.chapter}-{uuid.uuid4().hex[:8]}")

    try:
        with progress_events(client, tasks[0].topic, tracker.update), \
                contextlib.closing(handed_out(client, order, submit)) as finished:
            for task, future in finished:
                pieces[task.number] = future.result()  # raises the task's own exception; the rest are cancelled
        return [pieces[task.number] for task in tasks]
    finally:
        if shared is not None:
            Path(run).unlink(missing_ok=True)


def render_chapter(task: ChapterTask, run: "RunBytes | str | None" = None, history: TrainingHistory | None = None,
                   progress=None) -> Piece:
    """Render chapter ``task.chapter`` of ``history`` (or of the run sent as ``run``) silently, in a
    scratch folder of its own; its segment comes back as bytes and its speech as clips. Runs as a
    cluster's task, or here."""
    started = time.perf_counter()
    chapter = BY_NAME[task.chapter]
    history = history if history is not None else history_of(run)
    progress = progress or (TaskProgress(task.topic, task.number) if task.topic else None)
    narrator = Narrator(task.voice) if task.voice is not None else None
    narration = Narration(speech=narrator)
    try:
        with scratch_folder() as folder:
            settings = render_settings(task.width, task.height, task.fps, task.video_format, folder, task.chapter)
            with without_webm_warning(), manim.tempconfig(settings):
                scene = chapter_scene(chapter, task.number, history)(history=history, narration=narration,
                                                                     progress=progress, **chapter.told)
                run_scene(scene, folder)
                segment = Path(scene.renderer.file_writer.output_plan.primary_artifact).read_bytes()
    finally:
        if narrator is not None:
            narrator.close()
    if progress is not None:
        progress.finished(float(scene.time))
    return Piece(task.number, chapter.title, segment, narration.cues, narration.clips,
                 narrator.sample_rate if narrator is not None else 0, time.perf_counter() - started, worker_name())


def render_explainer_still(history: TrainingHistory, output: Path, chapters: list[str] | None = None, *,
                           quality: str = "high", resolution: tuple[int, int] | None = None,
                           at: float | None = None) -> manim.Scene:
    """A PNG at ``output`` of the explainer: the last chapter's final picture (the video itself ends
    on black), or with ``at`` the frame that ends the sentence on screen at ``at`` seconds, found
    chapter by chapter with every animation skipped. Returns the scene drawn."""
    chapters = chapters_of(chapters, history)
    output = Path(output)
    check_output_path(output, ".png")
    with work_folder(output) as workdir:
        still = workdir / "still.png"
        if at is None:
            chapter = chapters[-1]
            scene = render_still(chapter.scene_class(history), still, quality=quality, resolution=resolution,
                                 history=history, **chapter.told)
        else:
            elapsed = 0.0  # seconds of the chapters before this one
            for number, chapter in enumerate(chapters, start=1):
                scene = render_still(chapter_scene(chapter, number, history), still, quality=quality, resolution=resolution,
                                     at=at - elapsed, history=history, **chapter.told)
                if scene.time > at - elapsed:
                    break
                elapsed += scene.time
            else:  # ``at`` is past the end: the last chapter's last frame
                elapsed -= scene.time
            scene.video_time = elapsed + scene.time  # where the frame is in the whole video
        publish((still, output))
    return scene


def _delta(seconds: float) -> datetime.timedelta:
    return datetime.timedelta(seconds=seconds)


class Tracker:
    """The progress of all chapters as one: frames done of those expected, each chapter expected
    to last what it planned (GUESSED_SECONDS until it has), and exactly its length once finished."""

    def __init__(self, count: int, fps: int, show: ShowProgress | None) -> None:
        self.expected = [GUESSED_SECONDS] * count
        self.done = [0.0] * count
        self.fps, self.show = fps, show
        self.lock = threading.Lock()

    def update(self, number: int, kind: str, seconds: float) -> None:
        with self.lock:
            index = number - 1
            if kind == "planned":
                self.expected[index] = seconds
            elif kind == "finished":
                self.expected[index] = self.done[index] = seconds
            else:
                self.done[index] = seconds
            if self.show:
                total = sum(max(expected, done) for expected, done in zip(self.expected, self.done))
                self.show(round(sum(self.done) * self.fps), round(total * self.fps))

    def listen(self, queue) -> None:
        while (message := queue.get()) is not None:
            self.update(*message)

    def progress_of(self, number: int) -> "_DirectProgress":
        return _DirectProgress(self, number)


class _DirectProgress:
    def __init__(self, tracker: Tracker, number: int) -> None:
        self.tracker, self.number = tracker, number

    def planned(self, seconds: float) -> None:
        self.tracker.update(self.number, "planned", seconds)

    def done(self, seconds: float) -> None:
        self.tracker.update(self.number, "done", seconds)

    def finished(self, seconds: float) -> None:
        self.tracker.update(self.number, "finished", seconds)
