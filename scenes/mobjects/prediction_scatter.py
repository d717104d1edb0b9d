"""Predicted against true, for a number the network predicts: the training replay's panel for regression.

Each shown example is a dot at its true target across and the network's prediction up, in the user's
own units. On the diagonal a prediction is exact; the vertical distance from it is the example's
error (its residual). The predictions at every keyframe are computed once from the recorded weights
(``nnscratch.snapshot_outputs``), and a frame blends the two keyframes around it, as the weights blend.
"""
from __future__ import annotations

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, Dot, Line, Rectangle, VGroup

from nnscratch import TrainingHistory
from nnscratch.history import r_squared, r_squared_text
from nnscratch.snapshot_outputs import activations_at
from scenes.mobjects.glyphs import Label
from scenes.mobjects.layout import Region
from scenes.narration.words import short_name
from scenes.mobjects.style import HIGHLIGHT, LABEL, MUTED, POSITIVE

SHOWN = 40  # examples drawn
FONT = 20


class PredictionScatter(VGroup):
    """The first SHOWN test examples (training ones without a test split) as predicted against true
    at each of ``snapshots``, in ``region``."""

    def __init__(self, history: TrainingHistory, snapshots: np.ndarray, region: Region, **kwargs) -> None:
        super().__init__(**kwargs)
        X, y = (history.X_test, history.y_test) if history.has_test else (history.X_train, history.y_train)
        self.source = "test" if history.has_test else "training"
        count = min(SHOWN, len(X))
        self.truth = history.raw_targets(y[:count, 0].astype(float))
        outputs = activations_at(history, snapshots, X[:count].astype(float))[-1][..., 0]  # (keyframes, count)
        self.predicted = history.raw_targets(outputs)
        self.scores = [r_squared(predicted, self.truth) for predicted in self.predicted]
        name = short_name(history.target_name or "target", 18)
        self.heading = Label(f"{count} {self.source} examples: {name}", font_size=FONT + 4, color=LABEL)
        self.heading.move_to([region.left, region.top, 0], UP + LEFT)
        # A square box under the heading, its range the truth's padded by a tenth: the diagonal corner to corner.
        below = region.below(self.heading.get_bottom()[1] - 0.25)
        side = min(below.width - 0.5, below.height - 0.5)
        low, high = float(self.truth.min()), float(self.truth.max())
        pad = 0.1 * (high - low or 1.0)
        self.low, self.high = low - pad, high + pad
        self.box = Rectangle(width=side, height=side, stroke_color=MUTED, stroke_width=1.5)
        self.box.move_to([below.left + 0.5 + side / 2, below.top - side / 2, 0])
        self.diagonal = Line(self.box.get_corner(DOWN + LEFT), self.box.get_corner(UP + RIGHT), stroke_color=MUTED,
                             stroke_width=1.5)
        self.axis_names = VGroup(
            Label(f"true {name}", font_size=FONT, color=MUTED).next_to(self.box, DOWN, buff=0.1),
            Label("predicted", font_size=FONT, color=MUTED).rotate(np.pi / 2).next_to(self.box, LEFT, buff=0.1))
        radius = max(0.03, side / 70)
        self.dots = VGroup(*(Dot(radius=radius, color=POSITIVE) for _ in range(count)))
        self.score = Label(self.score_text(len(self.scores) - 1), font_size=FONT + 4, color=HIGHLIGHT)
        self.score.next_to(self.box, DOWN, buff=0.1).align_to(self.box, LEFT).shift(DOWN * 0.3)
        self.add(self.heading, self.box, self.diagonal, self.axis_names, self.dots)
        self.show_at(0, 0.0)

    def score_text(self, key: int) -> str:
        return f"R² {r_squared_text(self.scores[key])}"

    def to_box(self, values: np.ndarray) -> np.ndarray:
        """Values in the target's units as shares of the box's side, clamped to its edges: a prediction
        far off at the start sits on the edge rather than off the panel."""
        return np.clip((np.asarray(values) - self.low) / (self.high - self.low), 0.0, 1.0)

    def show_at(self, low: int, t: float) -> None:
        """The predictions ``t`` of the way from keyframe ``low`` to the next, as the weights are blended."""
        high = min(low + 1, len(self.predicted) - 1)
        predicted = (1 - t) * self.predicted[low] + t * self.predicted[high]
        left, bottom = self.box.get_corner(DOWN + LEFT)[:2]
        side = self.box.width
        xs, ys = left + self.to_box(self.truth) * side, bottom + self.to_box(predicted) * side
        for dot, x, y in zip(self.dots, xs, ys):
            dot.move_to([x, y, 0])
