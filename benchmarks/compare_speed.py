"""How fast a comparison renders against one training replay of the same length; run by hand, never by the tests.

Four runs of the default network (--vary lr=0.1,0.3,1,3) against the training replay of one of them,
each with a 12 s replay and no voice, at 480p15 and 1080p60; both sides are timed per second of video
(the comparison says more, so it is longer), back to back, the median of a few repeats. Also the four
runs trained one after another and in as many processes as there are cores.

    .venv/bin/python benchmarks/compare_speed.py [--repeats 3] [--qualities low,high]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from nnscratch import RunSpec  # noqa: E402
from nnscratch.comparison import VARIABLES, record_runs, varied_specs  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--qualities", default="low,high")
    args = parser.parse_args()
    values = [0.1, 0.3, 1.0, 3.0]
    specs = varied_specs(RunSpec(), VARIABLES["lr"], values)
    started = time.perf_counter()
    runs = record_runs(specs)
    one_by_one = time.perf_counter() - started
    started = time.perf_counter()
    record_runs(specs)
    parallel = time.perf_counter() - started
    print(f"training 4 runs: {one_by_one:.2f} s one after another, {parallel:.2f} s in parallel "
          f"(x{one_by_one / parallel:.2f})")

    from scenes import CompareScene, TrainingScene
    from scenes.output.render import render

    with tempfile.TemporaryDirectory() as folder:
        for quality in args.qualities.split(","):
            ratios, compare_rates, replay_rates = [], [], []
            for _ in range(args.repeats):
                started = time.perf_counter()
                compared = render(CompareScene, Path(folder) / "compare.mp4", quality=quality, histories=runs,
                                  option="lr", values=values, duration=12.0)
                compare_rate = (time.perf_counter() - started) / compared.duration
                started = time.perf_counter()
                replay = render(TrainingScene, Path(folder) / "training.mp4", quality=quality, history=runs[2],
                                duration=12.0)
                replay_rate = (time.perf_counter() - started) / replay.duration
                ratios.append(compare_rate / replay_rate)
                compare_rates.append(compare_rate)
                replay_rates.append(replay_rate)
            print(f"{quality}: comparison of 4 runs {statistics.median(compare_rates):.3f} s per second of video "
                  f"({compared.duration:.1f} s long), one training replay {statistics.median(replay_rates):.3f} "
                  f"({replay.duration:.1f} s long): ratio {statistics.median(ratios):.2f} "
                  f"(runs {min(ratios):.2f}-{max(ratios):.2f})")


if __name__ == "__main__":
    main()
