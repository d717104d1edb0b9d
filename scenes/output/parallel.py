"""Chapters rendered in parallel processes, then joined into one video without re-encoding.

Each chapter is a scene of its own, so the chapters of an explainer render side by side,
one process per core. Every process renders with the same encoder settings, so the
pieces join by copying their packets (``mux.join_videos``); the narration's audio,
captions and chapter marks are then laid over the whole, each moved by its chapter's start.
"""
from __future__ import annotations

import contextlib
import ctypes
import datetime
import multiprocessing
import os
import signal
import threading
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, replace
from fractions import Fraction
from pathlib import Path

import manim
import numpy as np
import srt

from nnscratch import TrainingHistory
from nnscratch.files import check_output_path, publish, work_folder
from scenes.chapters.catalogue import BY_NAME, Chapter, chapters_of
from scenes.chapters.explainer import chapter_scene
from scenes.output.mux import ChapterMark, finish_video, join_videos, to_gif
from scenes.narration.beats import Cue, Narration, mix
from scenes.output.render import (
    RenderedVideo, ShowProgress, check_outputs, frame_settings, render_settings, render_still, run_scene,
    without_webm_warning,
)
from scenes.narration.speech import Narrator, Voice

GUESSED_SECONDS = 30.0  # a chapter's length before its process has planned it


@dataclass(frozen=True)
class PieceJob:
    """What a process needs to render one chapter (plain values and the voice: it crosses to another process)."""

    number: int  # the chapter's place in this video, from 1
    chapter: str
    run_path: str
    folder: str
    width: int
    height: int
    fps: int
    video_format: str
    voice: Voice | None  # an engine is a few names and paths: it pickles, its model loads where it speaks


@dataclass
class Piece:
    """One rendered chapter: its silent video, and its captions and speech from its own start."""

    number: int
    title: str
    video: str
    cues: list[Cue]
    clips: list[tuple[float, np.ndarray]]
    sample_rate: int


def available_cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def render_explainer(history: TrainingHistory, output: Path, chapters: list[str] | None = None, *,
                     quality: str = "high", fps: int | None = None, video_format: str = "mp4",
                     resolution: tuple[int, int] | None = None, progress: ShowProgress | None = None,
                     voice: Voice | None = None, workers: int | None = None) -> RenderedVideo:
    """The chapters called ``chapters`` (default: all, see ``explainer.CHAPTERS``) of ``history``, in
    one video at ``output`` with chapter marks, captions beside it and the voice's narration.
    Chapters render in up to ``workers`` processes (default: one per core); the output is written
    as ``render.render`` writes it: all at once, or not at all."""
    chapters = chapters_of(chapters, history)
    width, height, fps = frame_settings(quality, fps, video_format, resolution)
    output = Path(output)
    check_outputs(output, video_format)
    with work_folder(output) as workdir:
        run_path = workdir / "run.npz"
        history.save(run_path)
        jobs = [PieceJob(number, chapter.name, str(run_path), str(workdir / chapter.name), width, height, fps,
                         video_format, voice)
                for number, chapter in enumerate(chapters, start=1)]
        workers = min(len(jobs), workers or available_cores())
        tracker = Tracker(len(jobs), fps, progress)
        pieces = (render_in_processes(jobs, chapters, workers, tracker) if workers > 1 else
                  [render_piece(job, tracker.progress_of(job.number)) for job in jobs])
        joined = workdir / f"joined.{'mp4' if video_format == 'gif' else video_format}"
        frames = join_videos([Path(piece.video) for piece in pieces], joined, fps)
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
    return RenderedVideo(output, subtitles, width, height, fps, duration, None,
                         voice.name if voice is not None else None, marks)


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


def render_piece(job: PieceJob, progress=None) -> Piece:
    """Render chapter ``job.chapter`` silently into ``job.folder``; its speech comes back as clips."""
    chapter = BY_NAME[job.chapter]
    history = _history(job.run_path)
    voice = job.voice  # chosen once, where the command was read; it crosses to this process as it is
    narrator = Narrator(voice) if voice is not None else None
    narration = Narration(speech=narrator)
    folder = Path(job.folder)
    folder.mkdir()
    progress = progress or _QueueProgress(job.number)
    try:
        settings = render_settings(job.width, job.height, job.fps, job.video_format, folder, job.chapter)
        with without_webm_warning(), manim.tempconfig(settings):
            scene = chapter_scene(chapter, job.number, history)(history=history, narration=narration,
                                                    progress=progress, **chapter.told)
            run_scene(scene, folder)
            video = scene.renderer.file_writer.output_plan.primary_artifact
    finally:
        if narrator is not None:
            narrator.close()
    progress.finished(float(scene.time))
    return Piece(job.number, chapter.title, str(video), narration.cues, narration.clips,
                 narrator.sample_rate if narrator is not None else 0)


def render_in_processes(jobs: list[PieceJob], chapters: list[Chapter], workers: int, tracker: Tracker) -> list[Piece]:
    """Render ``jobs`` in ``workers`` fresh processes, the heaviest first; any failure stops them all."""
    context = multiprocessing.get_context("spawn")  # a fresh interpreter: no threads or Cairo state forked
    queue = context.Queue()
    listener = threading.Thread(target=tracker.listen, args=(queue,), daemon=True)
    listener.start()
    weights = {chapter.name: chapter.weight for chapter in chapters}
    executor = ProcessPoolExecutor(workers, mp_context=context, initializer=_start_worker, initargs=(queue,))
    try:
        futures = [executor.submit(render_piece, job) for job in sorted(jobs, key=lambda job: -weights[job.chapter])]
        pieces = {}
        for future in as_completed(futures):
            piece = future.result()
            pieces[piece.number] = piece
        return [pieces[job.number] for job in jobs]
    except BaseException:
        # Stop the others at once: the work folder they write into is about to be removed.
        for process in list(getattr(executor, "_processes", {}).values()):
            with contextlib.suppress(OSError):
                process.terminate()
        raise
    finally:
        executor.shutdown(wait=True, cancel_futures=True)
        queue.put(None)
        listener.join()


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


# -- in the worker processes -----------------------------------------------------------

_queue = None  # the worker's line to the parent's Tracker


class _QueueProgress:
    def __init__(self, number: int) -> None:
        self.number = number

    def planned(self, seconds: float) -> None:
        _queue.put((self.number, "planned", seconds))

    def done(self, seconds: float) -> None:
        _queue.put((self.number, "done", seconds))

    def finished(self, seconds: float) -> None:
        _queue.put((self.number, "finished", seconds))


def _start_worker(queue) -> None:
    global _queue
    _queue = queue
    # Ctrl-C reaches the whole process group: the parent stops the workers and cleans up.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    with contextlib.suppress(OSError, AttributeError):  # Linux only: die with the parent, whatever kills it
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


_histories: dict[str, TrainingHistory] = {}


def _history(path: str) -> TrainingHistory:
    """The run, loaded once per process however many chapters the process renders."""
    if path not in _histories:
        _histories[path] = TrainingHistory.load(path)
    return _histories[path]
