"""What every nnscratch scene shares: the run it replays, the network drawing, narration."""
from __future__ import annotations

import functools

import numpy as np
from manim import Scene

from nnscratch import RunSpec, TrainingHistory, record_run
from scenes.fast_drawing import NetworkCamera
from scenes.network_mobject import NetworkMobject


@functools.lru_cache(maxsize=1)
def default_history() -> TrainingHistory:
    """The built-in run that ``manim scenes/x.py Scene`` replays: the CLI's defaults, trained in a fraction of a second."""
    return record_run(RunSpec())


def output_names(history: TrainingHistory) -> list[str]:
    n_out = history.layer_sizes[-1]
    output = history.metadata["output"]
    if output == "sigmoid" and n_out == 1:
        return ["p(class 1)"]
    if output == "softmax":
        return [f"class {k}" for k in range(n_out)]
    return [f"y{k + 1}" if n_out > 1 else "y" for k in range(n_out)]


def input_kind(history: TrainingHistory) -> str:
    X = history.X_train
    return "unit" if X.min() >= 0 and X.max() <= 1 else "real"


class HistoryScene(Scene):
    """A scene that replays a recorded run; with no run it trains the built-in default.

    Keyword arguments go on to ``Scene`` so the plain ``manim`` command works with none at all.
    """

    def __init__(self, history: TrainingHistory | None = None, **kwargs) -> None:
        kwargs.setdefault("camera_class", NetworkCamera)
        super().__init__(**kwargs)
        self.history = history if history is not None else default_history()

    def make_network(self, **layout) -> NetworkMobject:
        meta = self.history.metadata
        return NetworkMobject(self.history.layer_sizes, activation=meta["activation"], output=meta["output"],
                              input_kind=input_kind(self.history), output_labels=output_names(self.history),
                              **layout)

    def weights_at(self, snapshot: int) -> list[np.ndarray]:
        return [W[snapshot] for W in self.history.weights]

    def narrate(self, text: str, delay: float = 0.0) -> None:
        """Caption what is on screen from ``delay`` seconds from now until the next caption (or the
        end): Manim writes the captions to an .srt beside the video. A delay lets one ``play``
        carry several captions."""
        start = self.time + delay
        self._flush_caption(until=start)
        self._pending_caption = (text, start)

    def _flush_caption(self, until: float | None = None) -> None:
        pending = getattr(self, "_pending_caption", None)
        if pending is not None:
            text, start = pending
            end = self.time if until is None else until
            if end > start:
                self.add_subcaption(text, duration=end - start, offset=start - self.time)
            self._pending_caption = None

    def tear_down(self) -> None:
        self._flush_caption()
        super().tear_down()
