"""A batch of videos: a TOML file of render commands, each a task on a Dask cluster.

    [[video]]
    scene = "training"            # a render command's name
    output = "videos/moons.mp4"
    dataset = "moons"             # and any option of that command, by its name
    epochs = 500

Each video is one task: its command runs on a worker, in the worker's scratch folder, and the
video's bytes come back to be written where the job says, whole or not at all. A job that fails is
reported; the others are made.
"""
from __future__ import annotations

import contextlib
import os
import time
import tomllib
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from nnscratch.checks import shown
from nnscratch.files import atomic_file, new_folders
from scenes.output import cluster


@dataclass(frozen=True)
class Job:
    """One video of a batch: its number in the file, its render command and that command's arguments
    (``--output`` aside)."""

    number: int
    scene: str
    output: Path
    args: tuple[str, ...]

    @property
    def name(self) -> str:
        return f"job {self.number} ({self.scene} -> {self.output})"


@dataclass
class JobResult:
    number: int
    video: bytes = b""
    captions: bytes | None = None
    duration: float = 0.0
    seconds: float = 0.0
    worker: str = ""
    error: str | None = None


def job_arguments(table: dict) -> list[str]:
    """A job's table as the options a render command takes: ``epochs = 500`` is ``--epochs 500``, a list
    is comma-separated, ``true`` is a flag and ``false`` leaves it out."""
    args = []
    for key, value in table.items():
        option = "--" + str(key).replace("_", "-")
        if value is True:
            args.append(option)
        elif value is not False:
            args += [option, ",".join(map(str, value)) if isinstance(value, list) else str(value)]
    return args


def option_units(args: list[str]) -> list[tuple[str, list[str]]]:
    """``--quality low --still`` as [("--quality", ["low"]), ("--still", [])]; ValueError for a word
    that is no option."""
    units: list[tuple[str, list[str]]] = []
    for arg in args:
        if arg.startswith("--"):
            name, equals, value = arg.partition("=")
            units.append((name, [value] if equals else []))
        elif units:
            units[-1][1].append(arg)
        else:
            raise ValueError(f"{shown(arg)} is not an option; options for every job look like --quality low")
    return units


def read_jobs(path: str, defaults: list[str], scenes: list[str]) -> list["Job"]:
    """The jobs of the batch file at ``path``: a ``[[video]]`` table for each, its ``scene`` (one of
    ``scenes``), its ``output`` and any option of that command by its name; ``defaults`` go to every job
    that does not set them. ValueError, naming the job, for anything wrong."""
    try:
        with open(path, "rb") as stream:
            tables = tomllib.load(stream).get("video")
    except FileNotFoundError:
        raise ValueError(f"{shown(path)}: no such file") from None
    except (OSError, ValueError, UnicodeDecodeError) as error:
        raise ValueError(f"{shown(path)} is not a batch file: {str(error)[:120]}") from None
    if not isinstance(tables, list) or not tables or not all(isinstance(table, dict) for table in tables):
        raise ValueError(f"{shown(path)} lists no videos: write a [[video]] table for each, with its scene and output")
    units = option_units(defaults)
    jobs, outputs = [], {}
    for number, table in enumerate(tables, start=1):
        table = dict(table)
        scene, output = table.pop("scene", None), table.pop("output", None)
        if scene not in scenes or not isinstance(output, str) or not output:
            raise ValueError(f"job {number}: give its scene (one of {', '.join(scenes)}) and its output file, "
                             'e.g. scene = "training" and output = "moons.mp4"')
        if "output" in [unit for unit, _ in units]:
            raise ValueError("--output names one file; each job gives its own")
        args = job_arguments(table)
        given = {arg for arg in args if arg.startswith("--")}
        for option, values in units:
            if option not in given:
                args += [option, *values]
        job = Job(number, scene, Path(output), tuple(args))
        key = os.path.realpath(output)
        if key in outputs:
            raise ValueError(f"{job.name}: job {outputs[key]} writes the same file; give each its own output")
        outputs[key] = number
        jobs.append(job)
    return jobs


def made_on_a_worker(job: Job, topic: str, render: Callable[[Job, Path], tuple[str | None, float]]) -> JobResult:
    """A batch's video rendered as a task: by ``render(job, output)`` into the task's scratch folder,
    its progress sent as events of ``topic``, the file's bytes sent back (workers write nowhere else)."""
    started = time.perf_counter()
    with cluster.scratch_folder() as folder, cluster.as_a_task(cluster.JobProgress(topic, job.number)):
        video = folder / f"video{job.output.suffix}"
        error, duration = render(job, video)
        if error is not None:
            return JobResult(job.number, error=error, worker=cluster.worker_name())
        captions = video.with_suffix(".srt")
        return JobResult(job.number, video.read_bytes(), captions.read_bytes() if captions.exists() else None,
                         duration, time.perf_counter() - started, cluster.worker_name())


def run_jobs(client, jobs: list[Job], render: Callable[[Job, Path], tuple[str | None, float]],
             show: Callable[[int, int], None] | None = None) -> dict[int, JobResult]:
    """Every job as a task of ``client``'s cluster (here, in turn, without one), each video written as
    soon as it comes back; ``show(done, total)`` frames of them all. A failed job is in its result; an
    interrupt cancels every task and is raised."""
    results: dict[int, JobResult] = {}
    if client is None:
        for job in jobs:
            results[job.number] = _written(job, made_on_a_worker(job, "", render))
        return results
    topic, frames = f"nnscratch-batch-{uuid.uuid4().hex}", {}

    def progressed(event) -> None:
        _, (number, done, total) = event
        frames[number] = (done, total)
        if show is not None:
            show(sum(done for done, _ in frames.values()), sum(total for _, total in frames.values()))

    client.subscribe_topic(topic, progressed)

    def submit(job: Job):
        return client.submit(made_on_a_worker, job, topic, render, pure=False,
                             key=f"video-{job.number}-{uuid.uuid4().hex[:8]}")

    try:
        with contextlib.closing(cluster.handed_out(client, jobs, submit)) as finished:
            for job, future in finished:
                try:
                    result = future.result()
                except Exception as error:  # the task itself failed: every worker that ran it died
                    result = JobResult(job.number, error=f"{type(error).__name__}: {str(error)[:200]}")
                results[job.number] = _written(job, result)
    finally:
        client.unsubscribe_topic(topic)
    return results


def _written(job: Job, result: JobResult) -> JobResult:
    """The job's video (and its captions) written where the job says, whole or not at all."""
    if result.error is not None:
        return result
    try:
        with new_folders(job.output.parent):
            if result.captions is not None:
                with atomic_file(job.output.with_suffix(".srt")) as stream:
                    stream.write(result.captions)
            with atomic_file(job.output) as stream:
                stream.write(result.video)
    except (OSError, ValueError) as error:
        result.error = f"cannot write {job.output}: {getattr(error, 'strerror', None) or error}"
    return result


def summary(jobs: list[Job], results: dict[int, JobResult]) -> list[tuple[str, ...]]:
    """The batch's table: a row per video made (video, length, seconds, worker), a header first."""
    rows = [("video", "length", "seconds", "worker")]
    for job in jobs:
        result = results[job.number]
        if result.error is None:
            rows.append((str(job.output), f"{result.duration:.1f} s", f"{result.seconds:.1f} s", result.worker))
    return rows
