"""The explainer's chapters as Dask tasks: the local cluster against the process pool it replaced, one
and two local workers, and what the measured per-chapter times and segment sizes say for 10 and 100
machines. Run by hand on a quiet machine, never by the tests.

    .venv/bin/python benchmarks/cluster_speed.py [--old PATH_TO_A_CHECKOUT_WITH_THE_POOL] [--runs 3]
    .venv/bin/python benchmarks/cluster_speed.py --placement [--runs 5]
    .venv/bin/python benchmarks/cluster_speed.py --idle [--seconds 20]

--placement measures only how tasks are placed: two local workers sleep each chapter's measured
seconds (scaled by 0.4), beside a 30 MB run they depend on, all submitted at once (the scheduler
places each as it arrives, guessing its length) against handed out as threads free up, the
heaviest first (``cluster.handed_out``, the pool's way). Sleeping tasks need no processor, so
this part holds on a busy machine.

--idle measures what the local cluster's own housekeeping costs: the processor time of the command's
process (scheduler, nannies, client) and of its two workers while no task runs, with Dask's default
settings and with ours (``cluster.QUIET_LOCAL_CLUSTER``). On two cores every second of it is taken
from the renders. Idle processes need little processor, so this part holds on a busy machine.

--old is a checkout of the code before Dask (e.g. `git worktree add /tmp/pool b7f521f`): the same
command is run there and here, back to back, each render a fresh CLI process with the same run file
and an empty speech cache per run (the voice is espeak, which is the same speech every time).
"""
from __future__ import annotations

import argparse
import contextlib
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def render(checkout: Path, run: Path, output: Path, cache: Path, *extra: str) -> tuple[float, float, str]:
    """Seconds the whole command took, the video's length, and what it said."""
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "cli", "render", "explainer", "--run", str(run), "--quality",
                             "low", "--voice", "espeak", "--output", str(output), *extra], cwd=checkout,
                            capture_output=True, text=True, env={**os.environ, "XDG_CACHE_HOME": str(cache),
                                                                 "PYTHONPATH": str(checkout)})
    if result.returncode:
        raise SystemExit(f"render failed in {checkout}: {result.stderr.strip()}")
    seconds = time.perf_counter() - started
    return seconds, float(re.search(r"\(([\d.]+) s, ", result.stdout)[1]), result.stdout.strip()


def chapter_costs(run: Path, folder: Path) -> list[tuple[str, float, int]]:
    """Each chapter's render seconds on one worker and its segment's bytes (480p15, no voice)."""
    sys.path.insert(0, str(ROOT))
    from nnscratch import TrainingHistory
    from scenes.chapters.catalogue import chapters_of
    from scenes.output.parallel import ChapterTask, render_chapter

    history = TrainingHistory.load(run)
    costs = []
    for number, chapter in enumerate(chapters_of(None, history), start=1):
        piece = render_chapter(ChapterTask(number, chapter.name, 854, 480, 15, "mp4", None), history=history)
        costs.append((chapter.name, piece.seconds, len(piece.segment)))
    return costs


# Each chapter's seconds on one worker at 480p15 (results-cluster-2026-12-07.txt), heaviest first.
CHAPTER_SECONDS = {"backprop": 19.5, "forward": 9.9, "descent": 8.1, "training": 7.4, "network": 5.6,
                   "summary": 4.7, "neuron": 3.0, "cost": 2.9, "features": 2.4, "data": 1.9}
SCALE = 0.4


def _held(data: bytes) -> bytes:
    return data


def _chapter(name: str, run: bytes) -> str:
    time.sleep(CHAPTER_SECONDS[name] * SCALE)
    return name


def placement(runs: int) -> None:
    import uuid

    from distributed import Client, LocalCluster

    sys.path.insert(0, str(ROOT))
    from scenes.output.cluster import handed_out

    names = list(CHAPTER_SECONDS)
    ideal = sum(CHAPTER_SECONDS.values()) * SCALE / 2
    times: dict[str, list[float]] = {"all at once": [], "handed out": []}
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as local, \
            Client(local, set_as_default=False) as client:
        for _ in range(runs):
            for how in times:
                run = client.submit(_held, b"x" * 30_000_000, pure=False)

                def submit(name: str, index: int = 0):
                    return client.submit(_chapter, name, run, pure=False, priority=-index,
                                         key=f"chapter-{name}-{uuid.uuid4().hex[:8]}")

                started = time.perf_counter()
                if how == "all at once":
                    client.gather([submit(name, index) for index, name in enumerate(names)])
                else:
                    for _ in handed_out(client, names, submit):
                        pass
                times[how].append(time.perf_counter() - started)
                del run
    print(f"placement, two workers, chapters sleeping {SCALE} x their seconds (all on two threads at best: "
          f"{ideal:.1f} s):")
    for how, seconds in times.items():
        print(f"  {how}: median {statistics.median(seconds):.1f} s, range {min(seconds):.1f}-{max(seconds):.1f} s "
              f"({', '.join(f'{value:.1f}' for value in seconds)})")


def idle(seconds: float) -> None:
    import distributed  # noqa: F401  (its settings are Dask's once it is imported)
    import psutil

    sys.path.insert(0, str(ROOT))
    from scenes.output import cluster

    def cpu(times) -> float:
        return times.user + times.system

    me = psutil.Process()
    for name, quiet in (("Dask's defaults", False), ("ours", True)):
        with mock_quiet(cluster, quiet), cluster.connected() as client:
            client.wait_for_workers(2)
            workers = me.children(recursive=True)
            command, before = cpu(me.cpu_times()), [cpu(worker.cpu_times()) for worker in workers]
            time.sleep(seconds)
            command = cpu(me.cpu_times()) - command
            spent = sum(cpu(worker.cpu_times()) - start for worker, start in zip(workers, before))
        print(f"an idle local cluster, {name}: {command:.2f} s of processor time in the command and {spent:.2f} s in "
              f"its {len(workers)} workers over {seconds:.0f} s ({(command + spent) / seconds:.1%} of one core)",
              flush=True)


@contextlib.contextmanager
def mock_quiet(cluster, quiet: bool):
    """The cluster module with its quiet settings, or with Dask's own in their place."""
    saved = cluster.QUIET_LOCAL_CLUSTER
    if not quiet:
        import dask
        cluster.QUIET_LOCAL_CLUSTER = {key: dask.config.get(key) for key in saved}
    try:
        yield
    finally:
        cluster.QUIET_LOCAL_CLUSTER = saved


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--old", type=Path, default=None)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--placement", action="store_true")
    parser.add_argument("--idle", action="store_true")
    parser.add_argument("--seconds", type=float, default=20.0)
    args = parser.parse_args()
    if args.idle:
        idle(args.seconds)
        return
    if args.placement:
        placement(args.runs)
        return
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        run = folder / "digits.npz"
        subprocess.run([sys.executable, "-m", "cli", "train", "--dataset", "digits", "--out", str(run)], cwd=ROOT,
                       check=True, capture_output=True)
        ratios = []
        for attempt in range(args.runs):
            new, length, said = render(ROOT, run, folder / f"new{attempt}.mp4", folder / f"c-new{attempt}")
            line = f"run {attempt + 1}: dask local cluster {new:.1f} s for {length:.1f} s of video ({new / length:.3f}x)"
            if args.old is not None:
                old, _, _ = render(args.old, run, folder / f"old{attempt}.mp4", folder / f"c-old{attempt}")
                ratios.append(new / old)
                line += f"; the process pool {old:.1f} s ({old / length:.3f}x); dask / pool {new / old:.3f}"
            print(line, flush=True)
        if ratios:
            print(f"dask / pool, median of {len(ratios)}: {statistics.median(ratios):.3f} "
                  f"(range {min(ratios):.3f}-{max(ratios):.3f})")
        for workers in (1, 2):
            seconds, length, _ = render(ROOT, run, folder / f"w{workers}.mp4", folder / f"c-w{workers}", "--workers",
                                        str(workers))
            print(f"{workers} local worker(s): {seconds:.1f} s ({seconds / length:.3f}x its length)", flush=True)
        costs = chapter_costs(run, folder)
        total = sum(seconds for _, seconds, _ in costs)
        print("per chapter (one worker, 480p15, no voice): " + ", ".join(
            f"{name} {seconds:.1f} s / {size / 1e6:.2f} MB" for name, seconds, size in costs))
        longest = max(seconds for _, seconds, _ in costs)
        size = sum(size for _, _, size in costs)
        print(f"sum {total:.1f} s, longest chapter {longest:.1f} s, segments {size / 1e6:.1f} MB: one explainer "
              f"on 10 or 100 machines takes at least its longest chapter, {longest:.1f} s, plus the join; a batch of "
              f"N explainers on M workers about N x {total:.0f} s / M")


if __name__ == "__main__":
    main()
