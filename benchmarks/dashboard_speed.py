"""How long the dashboard's Step takes, its repaint included: what a click costs before the picture changes.

    .venv/bin/python benchmarks/dashboard_speed.py              # 30 steps each, written to results-dashboard-<date>.txt
    .venv/bin/python benchmarks/dashboard_speed.py --steps 10 --no-write

Times ``Dashboard.step`` (the click's handler: one step of gradient descent, then every picture repainted:
the network by the fast Cairo camera, the curves, the boundary of 2-D data or the digit, the layer's
view) for the default network (4-6-4-1, full batch: a step is an epoch) and the digits' 784-16-16-10
(mini-batches of 32). Targets: under 0.2 s and under 0.5 s. The dashboard's building is timed apart.
"""
from __future__ import annotations

import argparse
import datetime
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CASES = {"default 4-6-4-1": ({}, 0.2), "moons 2-8-8-1": ({"dataset": "moons"}, 0.2),
         "digits 784-16-16-10": ({"dataset": "digits"}, 0.5)}


def measure(options: dict, steps: int) -> tuple[float, list[float]]:
    from scenes import Dashboard

    start = time.perf_counter()
    dashboard = Dashboard(**options)
    built = time.perf_counter() - start
    times = []
    for _ in range(steps):
        start = time.perf_counter()
        dashboard.step()
        times.append(time.perf_counter() - start)
    assert dashboard.run.steps == steps and "failed" not in dashboard.message.value
    return built, times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    import scenes.output.dashboard  # noqa: F401 - Manim's and ipywidgets' import, not a step's
    # The machine is shared: its load says how far to trust a run's numbers.
    lines = [f"{datetime.datetime.now():%Y-%m-%d %H:%M}, {os.cpu_count()} cores, load average "
             + ", ".join(f"{load:.1f}" for load in os.getloadavg())]
    print(lines[0])
    for name, (options, target) in CASES.items():
        built, times = measure(options, args.steps)
        median, worst = statistics.median(times), max(times)
        verdict = "meets" if median < target else "MISSES"
        lines.append(f"{name}: step + repaint median {median * 1000:.1f} ms, worst {worst * 1000:.1f} ms over "
                     f"{args.steps} steps ({verdict} the {target:g} s target); built in {built:.2f} s")
        print(lines[-1], flush=True)
    if not args.no_write:
        path = Path(__file__).with_name(f"results-dashboard-{datetime.date.today():%Y-%m-%d}.txt")
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        print(f"written to {path}")


if __name__ == "__main__":
    main()
