"""What the convolution scene costs per second of video, against the forward pass (issue 24: no more).

    .venv/bin/python benchmarks/convolution_speed.py [--runs 3]

Trains the default CNN and the digits' default network once (the shipped digits, a couple of epochs:
the scenes draw the same things whatever the accuracy), then renders `nnscratch render convolution`
of the one and `nnscratch render forward` of the other at 480p15 without a voice, each a fresh CLI
process, back to back in every round, and reports each one's render seconds per second of video and
their ratio (median of the rounds, with its range). The machine is shared: read the ratio, measured
pairwise, more than the seconds. Run by hand: nothing here is asserted in the test suite.
"""
from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCENES = {"convolution": "cnn.npz", "forward": "mlp.npz"}


def cli(*arguments: str, cache: Path) -> str:
    result = subprocess.run([sys.executable, "-m", "cli", *arguments], cwd=ROOT, capture_output=True, text=True,
                            env={**os.environ, "XDG_CACHE_HOME": str(cache)})
    if result.returncode:
        raise SystemExit(f"nnscratch {' '.join(arguments)} failed: {result.stderr.strip()}")
    return result.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        cache = folder / "cache"
        cli("train", "--dataset", "digits", "--layers", "28x28,conv8:3,pool2,conv16:3,pool2,64,10", "--epochs", "2",
            "--out", str(folder / "cnn.npz"), cache=cache)
        cli("train", "--dataset", "digits", "--epochs", "10", "--out", str(folder / "mlp.npz"), cache=cache)
        per_second: dict[str, list[float]] = {name: [] for name in SCENES}
        for attempt in range(args.runs):
            for name, run in SCENES.items():
                started = time.perf_counter()
                said = cli("render", name, "--run", str(folder / run), "--quality", "low", "--voice", "none",
                           "--output", str(folder / f"{name}{attempt}.mp4"), cache=cache)
                seconds = time.perf_counter() - started
                length = float(re.search(r"\(([\d.]+) s, ", said)[1])
                per_second[name].append(seconds / length)
                print(f"run {attempt + 1}: {name} {seconds:.1f} s for {length:.1f} s of video "
                      f"({seconds / length:.3f} s a second)", flush=True)
        ratios = [c / f for c, f in zip(per_second["convolution"], per_second["forward"])]
        for name, values in per_second.items():
            print(f"{name}: median {statistics.median(values):.3f} s of rendering a second of video")
        print(f"convolution / forward, per second of video: median {statistics.median(ratios):.2f} "
              f"(range {min(ratios):.2f}-{max(ratios):.2f})")


if __name__ == "__main__":
    main()
