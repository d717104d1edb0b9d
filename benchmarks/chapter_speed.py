"""Each explainer chapter's render time in this process, one after another (no cluster): run from two
checkouts side by side, one core each, to tell one commit's cost from the machine's wandering speed; run by
hand, never by the tests.

    cd CHECKOUT && /work/main/.venv/bin/python -m benchmarks.chapter_speed RUN.npz [--quality high] [--chapters a,b]

The speech is read from the cache (XDG_CACHE_HOME): render once at 480p15 first so both find it there.
"""
from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from nnscratch import TrainingHistory
from scenes.chapters.catalogue import CHAPTERS, refusal_of
from scenes.narration.speech import choose_voice
from scenes.output.parallel import render_explainer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("run")
    parser.add_argument("--quality", default="high")
    parser.add_argument("--chapters", default=None)
    args = parser.parse_args()
    history = TrainingHistory.load(args.run)
    names = args.chapters.split(",") if args.chapters else [c.name for c in CHAPTERS if refusal_of(c, history) is None]
    voice, total, length = choose_voice("piper"), 0.0, 0.0
    with tempfile.TemporaryDirectory() as folder:
        for name in names:
            started = time.perf_counter()
            made = render_explainer(history, Path(folder) / f"{name}.mp4", [name], quality=args.quality, voice=voice)
            seconds = time.perf_counter() - started
            total, length = total + seconds, length + made.duration
            print(f"{name}: {made.duration:.2f} s of video in {seconds:.1f} s", flush=True)
    print(f"all: {length:.1f} s of video in {total:.1f} s: {total / length:.3f}x its length, on one core")


if __name__ == "__main__":
    main()
