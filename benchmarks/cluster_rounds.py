"""The local Dask cluster against the process pool it replaced, on today's chapters, paired in rounds.

    git worktree add --detach /tmp/poolnow HEAD && git -C /tmp/poolnow apply "$PWD/benchmarks/pool_for_comparison.patch"
    .venv/bin/python benchmarks/cluster_rounds.py RUN.npz [--rounds 3]

Three ways of rendering the same explainer (480p15, espeak, an empty speech cache each, a fresh CLI process
each, in turn in every round): the pool (the worktree above: b7f521f's process pool put back in place of
the cluster, writing the run as it did), the local cluster with Dask's own settings and the run sent
deflated through the scheduler (benchmarks/dask_defaults_cli.py), and the local cluster as it is. Prints
each command's wall time, the processor time of it and its processes, and the video's length.
Run by hand on a quiet machine; nothing here is asserted in the test suite.
"""
from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("run", type=Path)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--pool", type=Path, default=Path("/tmp/poolnow"))
    args = parser.parse_args()
    common = ["render", "explainer", "--run", str(args.run.absolute()), "--quality", "low", "--voice", "espeak"]
    sides = {"pool": (args.pool, [sys.executable, "-m", "cli"]),
             "dask-defaults": (ROOT, [sys.executable, str(ROOT / "benchmarks" / "dask_defaults_cli.py")]),
             "dask-quiet": (ROOT, [sys.executable, "-m", "cli"])}
    with tempfile.TemporaryDirectory() as folder:
        for number in range(args.rounds):
            for side, (path, command) in sides.items():
                cache = Path(folder) / f"cache-{side}"
                shutil.rmtree(cache, ignore_errors=True)
                before, started = resource.getrusage(resource.RUSAGE_CHILDREN), time.perf_counter()
                result = subprocess.run([*command, *common, "--output", str(Path(folder) / f"{side}.mp4")], cwd=path,
                                        capture_output=True, text=True,
                                        env={**os.environ, "XDG_CACHE_HOME": str(cache), "PYTHONPATH": str(path)})
                wall, after = time.perf_counter() - started, resource.getrusage(resource.RUSAGE_CHILDREN)
                cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
                if result.returncode:
                    raise SystemExit(f"{side} failed: {result.stderr.strip()[-400:]}")
                length = re.search(r"\(([\d.]+) s, ", result.stdout)[1]
                print(f"round {number + 1} {side:14s} wall {wall:6.1f} s  cpu {cpu:6.1f} s  video {length} s  "
                      f"load {open('/proc/loadavg').read().split()[0]}", flush=True)


if __name__ == "__main__":
    main()
