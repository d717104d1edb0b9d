"""Render time per second of video, with and without a voice; run by hand, never by the tests.

For each scene it renders the default run through the CLI (a fresh process each
time, as a user would) and prints seconds of render per second of video:
  - with --voice none,
  - with piper and an empty speech cache (the first render),
  - with piper and the cache warm (a second render of the same video),
and, with --baseline PATH, the same scene rendered by another checkout of
nnscratch (an older commit, say), to compare against the time before a change.

    .venv/bin/python benchmarks/narration_speed.py --quality low --runs 3
    .venv/bin/python benchmarks/narration_speed.py --baseline /tmp/old-nnscratch --quality high
    .venv/bin/python benchmarks/narration_speed.py --repo /tmp/this-commit   # a frozen checkout

Runs alternate between the variants, and each ratio is the median of per-run ratios.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCENES = ("network", "forward", "training")


def render(repo: Path, scene: str, quality: str, folder: Path, extra: list[str], cache: Path) -> tuple[float, float]:
    """Wall seconds of one CLI render and the video's length in seconds."""
    output = folder / f"{scene}.mp4"
    env = {**os.environ, "PYTHONPATH": str(repo), "XDG_CACHE_HOME": str(cache)}
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "cli", "render", scene, "--quality", quality,
                             "--output", str(output), *extra], cwd=repo, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"{scene} failed: {result.stderr.strip().splitlines()[-1]}")
    length = float(re.search(r"\(([\d.]+) s,", result.stdout).group(1))
    return elapsed, length


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quality", default="low")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--scenes", default=",".join(SCENES))
    parser.add_argument("--baseline", type=Path, help="another checkout of nnscratch to compare against")
    parser.add_argument("--repo", type=Path, default=ROOT, help="the checkout to measure (default: this one)")
    args = parser.parse_args()
    print(f"quality {args.quality}, {args.runs} runs; seconds of render per second of video (median)")
    for scene in args.scenes.split(","):
        per_second: dict[str, list[float]] = {}
        ratios: dict[str, list[float]] = {}
        lengths: dict[str, float] = {}
        for _ in range(args.runs):
            with tempfile.TemporaryDirectory() as folder:
                folder = Path(folder)
                cache = folder / "cache"
                measured = {}
                if args.baseline:
                    measured["baseline"] = render(args.baseline, scene, args.quality, folder, [], cache)
                measured["voice none"] = render(args.repo, scene, args.quality, folder, ["--voice", "none"], cache)
                measured["piper, first"] = render(args.repo, scene, args.quality, folder, ["--voice", "piper"], cache)
                measured["piper, cached"] = render(args.repo, scene, args.quality, folder, ["--voice", "piper"], cache)
                shutil.rmtree(cache, ignore_errors=True)
            for name, (elapsed, length) in measured.items():
                per_second.setdefault(name, []).append(elapsed / length)
                lengths[name] = length
            none = measured["voice none"][0]
            for name in ("piper, first", "piper, cached"):
                ratios.setdefault(f"{name} / none", []).append(measured[name][0] / none)
            if args.baseline:
                base = measured["baseline"][0] / measured["baseline"][1]
                ratios.setdefault("none / baseline, per video second", []).append(
                    (measured["voice none"][0] / measured["voice none"][1]) / base)
        print(f"{scene}:")
        for name, values in per_second.items():
            print(f"  {name:<16} {statistics.median(values):.3f} s/s  (video {lengths[name]:.1f} s)")
        for name, values in ratios.items():
            print(f"  {name:<36} {statistics.median(values):.2f}  (runs {min(values):.2f}-{max(values):.2f})")


if __name__ == "__main__":
    main()
