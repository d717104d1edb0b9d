"""How much the plane panel and the neuron maps cost the training replay.

    .venv/bin/python benchmarks/plane_speed.py                  # 480p15 and 1080p60, 5 runs each
    .venv/bin/python benchmarks/plane_speed.py --runs 1 --only 480p15

Renders the TrainingScene replay of one 2-D run (2-8-8-3 on a three-armed spiral,
so every hidden neuron carries a map) twice: with the panel beside the network
(the heatmap of the output, the points, a map inside each neuron) and without it
(``answers=False``), everything else the same. Only the replay is timed, encoder
included; the two are measured back to back in each run, and the ratio is the
median of the per-run ratios, with its range. The target is a ratio of at least 0.8.
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

QUALITIES = {"480p15": (854, 480, 15), "1080p60": (1920, 1080, 60)}
REPLAY_SECONDS = 12.0


def spiral_history():
    from nnscratch import RunSpec, record_run
    return record_run(RunSpec.for_dataset("spiral", classes=3))


def replay_fps(history, width: int, height: int, fps: int, answers: bool) -> float:
    """Frames per second of the replay alone, with or without the panel of answers."""
    from manim import VGroup

    from scenes.narration.beats import Beat
    from scenes.output.render import render
    from scenes.chapters.training import TrainingScene

    class TimedReplay(TrainingScene):
        """The replay's three parts after a still start: everything it shows is on screen at once."""

        def script(self):
            self.replay_seconds, self.replay_frames = 0.0, 0
            return [Beat("set up", self.set_up)] + [Beat("replay", lambda part=part: self.timed(part))
                                                    for part in range(3)]

        def set_up(self):
            self.network_mob.use_fast_drawing()
            panel = [part for plot in self.plots for part in (plot.axes, plot.labels)]
            self.add(self.title, self.readouts, self.network_mob, *panel, *self.curves)
            if self.plane is not None:
                self.add(self.plane)
            if self.neuron_maps is not None:
                self.add(self.neuron_maps)
            self.apply_state(0.0)
            self.add(VGroup())  # nothing to play: the beat holds the still frame

        def timed(self, part: int):
            started, at = time.perf_counter(), self.time
            self.replay_part(part)
            self.replay_seconds += time.perf_counter() - started
            self.replay_frames += round((self.time - at) * self.camera.frame_rate)

    with tempfile.TemporaryDirectory() as folder:
        video = render(TimedReplay, Path(folder) / "replay.mp4", resolution=(width, height), fps=fps,
                       progress=False, history=history, duration=REPLAY_SECONDS, answers=answers)
    scene = video.scene
    return scene.replay_frames / scene.replay_seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--only", choices=list(QUALITIES), default=None)
    args = parser.parse_args()
    history = spiral_history()
    print(f"run: {history.layer_sizes} on a 3-armed spiral, {history.epochs} epochs; replay {REPLAY_SECONDS:g} s")
    for name, (width, height, fps) in QUALITIES.items():
        if args.only and name != args.only:
            continue
        with_panel, without = [], []
        for _ in range(args.runs):
            with_panel.append(replay_fps(history, width, height, fps, answers=True))
            without.append(replay_fps(history, width, height, fps, answers=False))
        ratios = [a / b for a, b in zip(with_panel, without)]
        print(f"{name}: with the plane and maps {statistics.median(with_panel):.1f} fps, without "
              f"{statistics.median(without):.1f} fps; ratio {statistics.median(ratios):.2f} "
              f"(runs {min(ratios):.2f}-{max(ratios):.2f}; target >= 0.8)")


if __name__ == "__main__":
    main()
