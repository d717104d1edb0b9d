"""The plane panel of the training replay: the data over the network's answer at every point of the plane.

Training points are filled dots, test points rings, each in its class's colour;
under them the heatmap of the network's output (``plane_maps``) changes with the
weights, so the decision boundary moves as the network learns. A heading row
names it with the dot keys, and a legend under the square names the classes.
"""
from __future__ import annotations

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, Circle, Rectangle, Square, VGroup

from nnscratch import TrainingHistory
from scenes.mobjects.glyphs import Label
from scenes.mobjects.layout import Region
from scenes.mobjects.plane_maps import PlaneMaps
from scenes.mobjects.raster import Raster, ScatterPoints
from scenes.mobjects.style import LABEL, MUTED, class_rgbs

HEADING_FONT = 24
KEY_FONT = 16
DOT_SHARE = 0.011  # a point's radius, as a share of the square's side
LEGEND_GAP = 0.3  # between legend entries on a row


def class_of(y: np.ndarray) -> np.ndarray:
    """Class indices from labels as the history stores them: one 0/1 column, or one-hot rows."""
    return (y[:, 0] >= 0.5).astype(int) if y.shape[1] == 1 else y.argmax(axis=1)


class PlanePanel(VGroup):
    """The panel filling ``region``, showing ``maps`` (its heatmap at each keyframe) and the run's data."""

    def __init__(self, history: TrainingHistory, maps: PlaneMaps, class_names: tuple[str, ...], region: Region,
                 **kwargs) -> None:
        super().__init__(**kwargs)
        self.maps = maps
        self.heading = Label("output", font_size=HEADING_FONT, color=LABEL)
        self.keys = VGroup(self._key(True, "train"), self._key(False, "test")).arrange(RIGHT, buff=0.25)
        self.legend = self._legend(class_names, region.width)
        head = self.heading.height + 0.15
        keys_below = self.heading.width + self.keys.width + 0.3 > region.width  # keys on a row of their own
        if keys_below:
            head += self.keys.height + 0.1
        side = max(0.5, min(region.width, region.height - head - self.legend.height - 0.2))
        self.heading.move_to([region.left, region.top, 0], UP + LEFT)
        top = region.top - head
        # Decided once: the heading's height measured again after its move can differ in the last bit.
        if keys_below:
            self.keys.move_to([region.left, self.heading.get_bottom()[1] - 0.1, 0], UP + LEFT)
        else:
            self.keys.move_to([region.right, self.heading.get_center()[1], 0], RIGHT)
        left = region.left + (region.width - side) / 2
        self.square = Raster(maps.heat[0, ..., :3] / 255, side, side, smooth=True)
        self.square.move_to([left + side / 2, top - side / 2, 0])
        self.frame = Rectangle(width=side, height=side, stroke_color=MUTED, stroke_width=1.5).move_to(self.square)
        self.legend.move_to([region.left, top - side - 0.2, 0], UP + LEFT)
        self.dots = self._points(history, left, top - side, side)
        self.labels = VGroup(self.heading, self.keys, self.legend)
        self.add(self.frame, self.square, self.dots, self.labels)

    def _key(self, filled: bool, name: str) -> VGroup:
        dot = Circle(radius=0.06, stroke_color=LABEL, stroke_width=2.5 if not filled else 0,
                     fill_color=LABEL, fill_opacity=1.0 if filled else 0.0)
        return VGroup(dot, Label(name, font_size=KEY_FONT, color=MUTED)).arrange(RIGHT, buff=0.08)

    def _legend(self, names: tuple[str, ...], width: float) -> VGroup:
        """One swatch and name per class, in as many columns as fit ``width``."""
        entries = [VGroup(Square(0.16, stroke_width=0, fill_color=rgb, fill_opacity=1.0),
                          Label(name, font_size=KEY_FONT, color=MUTED)).arrange(RIGHT, buff=0.1)
                   for rgb, name in zip(class_rgbs(len(names)), names)]
        widest = max(entry.width for entry in entries)
        columns = max(1, min(len(entries), int((width + LEGEND_GAP) // (widest + LEGEND_GAP))))
        rows = [VGroup(*entries[i:i + columns]).arrange(RIGHT, buff=LEGEND_GAP) for i in range(0, len(entries), columns)]
        legend = VGroup(*rows).arrange(DOWN, aligned_edge=LEFT, buff=0.1)
        for row in rows[1:]:  # columns line up under the first row's
            for entry, above in zip(row, rows[0]):
                entry.align_to(above, LEFT)
        return legend

    def _points(self, history: TrainingHistory, left: float, bottom: float, side: float) -> ScatterPoints:
        X = np.concatenate([history.X_train, history.X_test]).astype(float)
        classes = np.concatenate([class_of(history.y_train), class_of(history.y_test)])
        positions = np.column_stack([left, bottom]) + self.maps.plane.to_unit(X) * side
        filled = np.arange(len(X)) < len(history.X_train)
        rgbs = class_rgbs(self.maps.n_classes)[classes]
        return ScatterPoints(positions, rgbs, filled, DOT_SHARE * side)

    def show_at(self, low: int, t: float) -> None:
        """The heatmap ``t`` of the way from keyframe ``low`` to the next."""
        self.square.set_bytes(self.maps.heat_at(low, t))
