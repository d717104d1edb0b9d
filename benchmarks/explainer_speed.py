"""How long the default explainer takes to render against its own length; run by hand, never by the tests.

- `nnscratch render explainer` (the digits' defaults, 10 chapters) with the piper voice: at 480p15
  with an empty speech cache (the speech is synthesized beside the frames), then at 480p15 and
  1080p60 with it cached, as every later render of the run finds it;
- `--still` of every scene at 1080p, descent's twice: the second finds its loss surface cached.

Each render is a fresh CLI process, as a user runs it; the run is trained once and replayed
with --run, so training (about 10 s for the digits) is not in the ratios.

    .venv/bin/python benchmarks/explainer_speed.py [--qualities low,high] [--skip-stills | --only-stills]
"""
from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCENES = ("data", "network", "neuron", "forward", "cost", "backprop", "descent", "training", "features", "summary")


def cli(*args: str, env: dict | None = None) -> tuple[str, float]:
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "cli", *args], cwd=ROOT, capture_output=True, text=True,
                            env=env)
    if result.returncode != 0:
        raise SystemExit(f"nnscratch {' '.join(args)} failed: {result.stderr.strip() or result.stdout.strip()}")
    return result.stdout, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--qualities", default="low,high")
    parser.add_argument("--skip-stills", action="store_true")
    parser.add_argument("--only-stills", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        run = Path(folder) / "digits.npz"
        _, seconds = cli("train", "--dataset", "digits", "--out", str(run))
        print(f"trained the digits' default run in {seconds:.1f} s")
        env = {**os.environ, "XDG_CACHE_HOME": str(Path(folder) / "cache")}  # starts empty
        renders = [("low", "empty"), *((quality, "cached") for quality in args.qualities.split(","))]
        for quality, cache in [] if args.only_stills else renders:
            output = Path(folder) / f"explainer-{quality}.mp4"
            said, seconds = cli("render", "explainer", "--run", str(run), "--quality", quality, "--voice", "piper",
                                "--output", str(output), env=env)
            length = float(re.search(r"\(([\d.]+) s, ", said)[1])
            print(f"explainer {quality}, speech {cache}: {length:.1f} s of video in {seconds:.1f} s: "
                  f"{seconds / length:.3f}x its length  [{said.strip()}]")
        if not args.skip_stills:
            fresh = {**os.environ, "XDG_CACHE_HOME": str(Path(folder) / "still-cache")}  # no surface cached
            for scene in (*SCENES, "descent", "explainer"):
                again = scene == "descent" and (Path(folder) / "descent.png").exists()
                _, seconds = cli("render", scene, "--run", str(run), "--quality", "high", "--still",
                                 "--output", str(Path(folder) / f"{scene}.png"), env=fresh)
                print(f"--still {scene} at 1080p: {seconds:.1f} s" + (" (its loss surface cached)" if again else ""))


if __name__ == "__main__":
    main()
