"""One example's place among the data: the training points of a two-input run in their square, each in
its class's colour, and the example ringed where its two values put it.

The forward pass reads this point through the network and the cost scores it: both show where it lies,
so "the input" is a place among the data, not two numbers out of nowhere.
"""
from __future__ import annotations

import numpy as np
from manim import Circle, Square, VGroup

from nnscratch import TrainingHistory
from scenes.mobjects.plane_panel import class_of
from scenes.mobjects.raster import ScatterPoints
from scenes.mobjects.style import HIGHLIGHT, MUTED, class_rgbs

POINT_SHARE = 0.011  # of the square's side: a training point's radius
RING_SHARE = 0.06  # and the ring's around the example


class PlaneExample(VGroup):
    """The training points of ``history`` (two inputs) in a square of ``side``, ``x`` ringed among them.

    Parts: ``square``, ``dots`` (the points), ``ring``. Each axis spans its input's training range, so the cloud
    fills the square; an ``x`` outside that range is ringed at the square's edge.
    """

    def __init__(self, history: TrainingHistory, x: np.ndarray, side: float, **kwargs) -> None:
        super().__init__(**kwargs)
        X = history.X_train.astype(float)[:, :2]
        self.low, self.high = X.min(axis=0), X.max(axis=0)
        self.square = Square(side, stroke_color=MUTED, stroke_width=1.5)
        self.corner, self.side = self.square.get_corner([-1, -1, 0])[:2], side
        classes = class_of(history.y_train)
        self.dots = ScatterPoints(self.place_of(X), class_rgbs(max(2, int(classes.max()) + 1))[classes],
                                    np.ones(len(X), dtype=bool), POINT_SHARE * side)
        self.ring = Circle(radius=RING_SHARE * side, color=HIGHLIGHT, stroke_width=3)
        self.ring.move_to([*self.place_of(np.asarray(x, dtype=float)[None, :2])[0], 0])
        self.add(self.square, self.dots, self.ring)

    def place_of(self, X: np.ndarray) -> np.ndarray:
        """Where points ``X`` (rows of two values) sit in the square, as it was made."""
        unit = np.clip((X - self.low) / np.where(self.high > self.low, self.high - self.low, 1.0), 0.0, 1.0)
        return self.corner + 0.04 * self.side + unit * 0.92 * self.side
