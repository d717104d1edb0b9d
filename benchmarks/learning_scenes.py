"""How long the learning scenes take; run by hand, never by the tests.

- the loss grid (61 x 61) of the default network, and of a 784-16-16-10 network on 2,000 digits;
- the backprop and descent scenes' render time per second of video at 480p15 and 1080p60
  (through the CLI, voice off, a fresh process each).

    .venv/bin/python benchmarks/learning_scenes.py [--runs 3]
"""
from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from nnscratch import RunSpec, record_run  # noqa: E402
from nnscratch.landscape import RESOLUTION, loss_landscape  # noqa: E402


def grid_seconds(spec: RunSpec) -> float:
    history = record_run(spec)
    started = time.perf_counter()
    loss_landscape(history)
    return time.perf_counter() - started


def render_ratio(scene: str, quality: str) -> float:
    with tempfile.TemporaryDirectory() as folder:
        output = Path(folder) / f"{scene}.mp4"
        started = time.perf_counter()
        result = subprocess.run([sys.executable, "-m", "cli", "render", scene, "--quality", quality, "--voice", "none",
                                 "--output", str(output)], cwd=ROOT, capture_output=True, text=True, check=True)
        elapsed = time.perf_counter() - started
    return elapsed / float(re.search(r"\(([\d.]+) s,", result.stdout).group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    default = [grid_seconds(RunSpec()) for _ in range(args.runs)]
    digits = [grid_seconds(RunSpec.for_dataset("digits", samples=2500, epochs=5)) for _ in range(args.runs)]
    print(f"loss grid {RESOLUTION}x{RESOLUTION}: default network {statistics.median(default):.2f} s (target <= 1), "
          f"784-16-16-10 on 2,000 digits {statistics.median(digits):.1f} s (target <= 20)")
    for scene in ("backprop", "descent"):
        for quality, target in (("low", 0.5), ("high", 2.0)):
            ratios = [render_ratio(scene, quality) for _ in range(args.runs)]
            print(f"{scene:<9} {quality:<4} {statistics.median(ratios):.2f} s per second of video "
                  f"(runs {min(ratios):.2f}-{max(ratios):.2f}, target <= {target})")


if __name__ == "__main__":
    main()
