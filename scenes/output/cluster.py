"""Render work as tasks on a Dask cluster: an explainer's chapters, a comparison's runs, a batch's videos.

One code path from a laptop to a cluster: with no address (and no ``DASK_SCHEDULER_ADDRESS``) the
command starts a ``LocalCluster`` of one worker process per core, in a scratch folder of its own, and
closes it when it ends; with an address it uses that scheduler (started by ``dask scheduler`` and
``dask worker``, or by any of Dask's deployment tools: SSH, Kubernetes, Slurm through dask-jobqueue).

What crosses the wire is small and checked: a run goes to the workers once (scattered), as the
bytes of its run file, which each worker reads as any untrusted run file; a task names its chapter
and its render settings; what comes back is an encoded segment and its timing. Workers write only
into their own scratch folder. Progress comes back as events, at most a few a second per task.
"""
from __future__ import annotations

import contextlib
import ctypes
import gc
import hashlib
import logging
import os
import shutil
import signal
import tempfile
import threading
import time
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator, Sequence, TypeVar

from nnscratch import RunSpec, TrainingHistory, record_run
from nnscratch.files import TEMP_PREFIX, remove_leftovers

if TYPE_CHECKING:
    from distributed import Client, Future

T = TypeVar("T")

CONNECT_SECONDS = 5  # an address that answers nothing in this long is said to be unreachable
PROGRESS_EVERY = 0.25  # seconds between a task's progress events


# Our own cluster's housekeeping, made quieter. On two cores every wake-up of the scheduler, the nannies
# and the workers is taken from the renders: with Dask's defaults (a 20 ms event-loop tick, a 10 ms
# profiler, a 100 ms memory monitor, work stealing and the memory manager every second or two) an idle
# local cluster costs 1.9 s of processor time in 20 s, with these 0.24 s (benchmarks/cluster_speed.py
# --idle). None of it serves a cluster of our own: its tasks are handed out as workers free up (no
# stealing), hold no replicas (no memory manager), and its profiler runs only when Bokeh is there to
# show a dashboard. A cluster given by address keeps its own settings.
QUIET_LOCAL_CLUSTER = {
    "distributed.admin.tick.interval": "1s",
    "distributed.admin.system-monitor.interval": "2s",
    "distributed.worker.profile.enabled": False,
    "distributed.worker.memory.monitor-interval": "1s",
    "distributed.scheduler.work-stealing": False,
    "distributed.scheduler.active-memory-manager.start": False,
}


class ClusterUnavailable(RuntimeError):
    """The scheduler named cannot be reached (or a local cluster cannot start); said in one line."""


def available_cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


@contextlib.contextmanager
def connected(address: str | None = None, workers: int | None = None,
              scratch: str | os.PathLike | None = None) -> Iterator["Client"]:
    """A Dask client for the length of the block: of the scheduler at ``address`` (or at
    ``DASK_SCHEDULER_ADDRESS``), else of a local cluster of ``workers`` processes (one per core),
    whose scratch space is ``scratch`` (a temporary folder when None), closed and removed after."""
    from distributed import Client, LocalCluster

    address = address or os.environ.get("DASK_SCHEDULER_ADDRESS") or None
    if address:
        try:
            client = Client(address, timeout=CONNECT_SECONDS, set_as_default=False)
        except (OSError, TimeoutError) as error:
            raise ClusterUnavailable(f"no Dask scheduler answers at {address} ({_reason(error)}); start one with "
                                     "`dask scheduler` and `dask worker ADDRESS`, or leave --scheduler out to "
                                     "render on this machine") from None
        try:
            yield client
        finally:
            closed(client)
        return
    import dask

    logging.getLogger("distributed").setLevel(logging.CRITICAL)  # its exit-time notes are not the user's
    if scratch is None:  # named as work folders are: a later run removes what a killed one left
        remove_leftovers(tempfile.gettempdir())
    folder = Path(tempfile.mkdtemp(prefix=f"{TEMP_PREFIX}{os.getpid()}-", suffix=".render")) if scratch is None \
        else Path(scratch)
    cluster = None
    # The scheduler's scratch in the folder too. The workers forked, not spawned: spawned, their nannies'
    # queues hold named semaphores that Python's resource tracker, when a render is stopped mid-task,
    # reports as leaked at exit (in two lines the user did not ask for); forked, the semaphores have
    # no names. Nothing has started a thread by then but Dask's own loop.
    settings = dask.config.set({"temporary-directory": str(folder), "distributed.worker.multiprocessing-method": "fork",
                                **QUIET_LOCAL_CLUSTER, **({"distributed.worker.profile.enabled": True} if _has_bokeh()
                                                          else {})})
    try:
        # Worker processes, one thread each: Manim and Cairo hold the interpreter, and a render is one
        # thread's work. No dashboard unless Bokeh is there to serve one.
        with warnings.catch_warnings():  # "port in use": it takes another, and says so on stderr
            warnings.simplefilter("ignore")
            cluster = LocalCluster(n_workers=workers or available_cores(), threads_per_worker=1, processes=True,
                                   dashboard_address=":0", local_directory=str(folder),
                                   silence_logs=logging.CRITICAL, preload=[__name__])
        client = Client(cluster, set_as_default=False)
    except Exception as error:
        if cluster is not None:
            cluster.close()
        settings.__exit__(None, None, None)
        shutil.rmtree(folder, ignore_errors=True)
        raise ClusterUnavailable(f"a local Dask cluster could not start: {_reason(error)}") from None
    try:
        yield client
    finally:
        closed(client)
        with contextlib.suppress(Exception):
            cluster.close()
        settings.__exit__(None, None, None)
        # The nannies' queues hold named semaphores, released when they are collected: collected now,
        # or Python's resource tracker reports them as leaked when the command ends.
        cluster = client = None
        gc.collect()
        if scratch is None:
            shutil.rmtree(folder, ignore_errors=True)


def closed(client: "Client") -> None:
    """Close ``client``, quietly. On a machine under load its close can time out; a client whose close
    failed tries again when it is collected, at the command's exit, where the timeout would be printed
    as a traceback after the video was written: it is taken as closed instead."""
    with contextlib.suppress(Exception):
        client.close()
    if client.status != "closed":
        client.status = "closed"


def is_local(client: "Client") -> bool:
    """Whether ``client``'s cluster is the one ``connected`` started on this machine."""
    from distributed import LocalCluster

    return isinstance(getattr(client, "cluster", None), LocalCluster)


def dask_setup(worker) -> None:
    """In each local worker process as it starts (Dask's preload): Ctrl-C reaches the whole process
    group, and it is the command's to answer (it cancels the tasks and closes the cluster); a worker
    that took it as its own would die mid-task with a traceback."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for number in (signal.SIGTERM, signal.SIGHUP):  # forked from the command: not its handlers, a quiet end
        signal.signal(number, signal.SIG_DFL)
    with contextlib.suppress(OSError, AttributeError):  # Linux: die with the command, whatever kills it
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def dashboard(client: "Client") -> str | None:
    """The link to the cluster's dashboard when one is running, else None. A scheduler always serves
    some HTTP routes under that name; the dashboard's pages are there only when its process has Bokeh."""
    with contextlib.suppress(Exception):
        if "dashboard" in client.scheduler_info().get("services", {}) and client.run_on_scheduler(_has_bokeh):
            return client.dashboard_link
    return None


def _has_bokeh() -> bool:
    import importlib.util

    return importlib.util.find_spec("bokeh") is not None


def _reason(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return (text[0][:160] if text else type(error).__name__) or type(error).__name__


# -- runs on the wire ---------------------------------------------------------------------------

@dataclass(frozen=True)
class RunBytes:
    """A run as it crosses to a worker: its run file's bytes and their digest (the worker's cache key)."""

    digest: str
    data: bytes

    @staticmethod
    def held(run: "RunBytes") -> "RunBytes":
        """The run as a task's result, which the cluster can make again wherever it is needed."""
        return run

    @classmethod
    def of(cls, history: TrainingHistory, folder: Path) -> "RunBytes":
        path = folder / "run.npz"
        history.save(path)
        data = path.read_bytes()
        return cls(hashlib.sha256(data).hexdigest()[:24], data)


_loaded: dict[str, TrainingHistory] = {}


def history_of(run: "RunBytes | str") -> TrainingHistory:
    """The run a task works on, read once per worker process: from its bytes (checked as any run file
    is, in the worker's scratch), or from a path on a shared file system."""
    if isinstance(run, str):
        key = run
    else:
        key = run.digest
    if key not in _loaded:
        if isinstance(run, str):
            _loaded[key] = TrainingHistory.load(run)
        else:
            with scratch_folder() as folder:
                path = folder / "run.npz"
                path.write_bytes(run.data)
                _loaded[key] = TrainingHistory.load(path)
    return _loaded[key]


@contextlib.contextmanager
def scratch_folder() -> Iterator[Path]:
    """A folder of this task's own in the worker's scratch space (the process's temp folder outside a
    worker), removed when the task ends however it ends."""
    base = None
    with contextlib.suppress(Exception):
        from distributed import get_worker

        base = get_worker().local_directory
    folder = Path(tempfile.mkdtemp(prefix="nnscratch-task-", dir=base))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def worker_name() -> str:
    """The worker running this task, as the summary names it ("this process" outside a cluster)."""
    with contextlib.suppress(Exception):
        from distributed import get_worker

        return get_worker().address
    return "this process"


# -- progress from the workers ------------------------------------------------------------------

class TaskProgress:
    """A task's progress (``planned``, ``done``, ``finished``, in seconds of video) sent to the client
    as events of ``topic``, at most every PROGRESS_EVERY seconds but for the first and the last."""

    def __init__(self, topic: str, number: int) -> None:
        self.topic, self.number, self.last = topic, number, 0.0

    def _send(self, kind: str, seconds: float, always: bool = False) -> None:
        now = time.monotonic()
        if not always and now - self.last < PROGRESS_EVERY:
            return
        self.last = now
        with contextlib.suppress(Exception):
            from distributed import get_worker

            get_worker().log_event(self.topic, (self.number, kind, float(seconds)))

    def planned(self, seconds: float) -> None:
        self._send("planned", seconds, always=True)

    def done(self, seconds: float) -> None:
        self._send("done", seconds)

    def finished(self, seconds: float) -> None:
        self._send("finished", seconds, always=True)


@contextlib.contextmanager
def progress_events(client: "Client", topic: str, update: Callable[[int, str, float], None]) -> Iterator[None]:
    """Call ``update(number, kind, seconds)`` for each progress event of ``topic`` while the block runs."""

    def handle(event) -> None:
        _, (number, kind, seconds) = event
        update(number, kind, seconds)

    client.subscribe_topic(topic, handle)
    try:
        yield
    finally:
        with contextlib.suppress(Exception):
            client.unsubscribe_topic(topic)


def handed_out(client: "Client", items: Sequence[T], submit: Callable[[T], "Future"]) -> Iterator[tuple[T, "Future"]]:
    """Each item with its finished task (``submit(item)``), as they finish: the items submitted in the
    order given, only as many at a time as the cluster has threads, the next as one finishes. The
    scheduler places a task on a worker when it is submitted, guessing its length; chapters that are
    all submitted at once queue behind each other on one worker while another idles (1.0-1.4x the
    process pool's time on two cores), so they are handed out as the pool did, the heaviest first.
    Closing the generator (a failure, an interrupt) cancels the tasks still running, on the cluster too."""
    from distributed import as_completed

    waiting, running = list(items)[::-1], {}
    finished = as_completed(loop=client.loop)

    def top_up() -> None:
        slots = max(1, sum(client.nthreads().values()))  # asked each time: workers come and go
        while waiting and len(running) < slots:
            item = waiting.pop()
            future = submit(item)
            running[future] = item
            finished.add(future)

    try:
        top_up()
        for future in finished:
            item = running.pop(future)
            top_up()
            yield item, future
    finally:
        if running:
            with contextlib.suppress(Exception):
                client.cancel(list(running), force=True)


def gather_all(client: "Client", futures: list) -> list:
    """Every future's result, in order; the first failure cancels the rest (on the cluster too) and is
    raised; so is an interrupt (Ctrl-C, a signal), after cancelling them all."""
    from distributed import as_completed

    try:
        for future in as_completed(futures, loop=client.loop):
            if future.status == "error":
                future.result()  # raises the task's own exception
        return [future.result() for future in futures]
    except BaseException:
        with contextlib.suppress(Exception):
            client.cancel(futures, force=True)
        raise


# -- a task that runs a whole command (a batch's video) ------------------------------------------

_here = threading.local()  # what this thread knows of the task it runs


@contextlib.contextmanager
def as_a_task(progress: Callable[[int, int], None] | None = None) -> Iterator[None]:
    """Run the block as a cluster's task: a command run in it renders in this process (it opens no
    cluster of its own) and shows its progress through ``progress(done, total)`` frames."""
    _here.inside, _here.progress = True, progress
    try:
        yield
    finally:
        _here.inside, _here.progress = False, None


def inside_a_task() -> bool:
    return getattr(_here, "inside", False)


def task_progress() -> Callable[[int, int], None] | None:
    return getattr(_here, "progress", None)


class JobProgress:
    """A job's frames done and expected, sent to the client as events of ``topic`` (throttled)."""

    def __init__(self, topic: str, number: int) -> None:
        self.topic, self.number, self.last = topic, number, 0.0

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self.last < PROGRESS_EVERY and done < total:
            return
        self.last = now
        with contextlib.suppress(Exception):
            from distributed import get_worker

            get_worker().log_event(self.topic, (self.number, int(done), int(total)))


# -- a comparison's runs -------------------------------------------------------------------------

def _record(spec: RunSpec) -> TrainingHistory:
    return record_run(spec, keep_diverged=True)


def record_runs(specs: Sequence[RunSpec], client: "Client | None" = None) -> list[TrainingHistory]:
    """Each spec's run, as ``record_run(spec, keep_diverged=True)`` makes it alone: on the cluster's
    workers when a client is given (one task a run), else one after the other here."""
    if client is None or len(specs) < 2:
        return [_record(spec) for spec in specs]
    return gather_all(client, [client.submit(_record, spec, pure=False) for spec in specs])
