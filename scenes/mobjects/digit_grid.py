"""A grid of test digits in the training replay, each marked right or wrong by the network of the moment.

The network's answer for every shown digit is computed from the recorded weights
at every keyframe, once (``nnscratch.snapshot_outputs``); a frame then picks the
keyframe's answers: the digit it says under each image, and a frame around the
image, green when it matches the label and red when not. A heading counts them.
"""
from __future__ import annotations

import numpy as np
from manim import LEFT, UP, VGroup

from nnscratch import TrainingHistory
from nnscratch.snapshot_outputs import activations_at, predictions
from scenes.mobjects.glyphs import Label
from scenes.mobjects.layout import Region
from scenes.mobjects.plot import labelled
from scenes.mobjects.raster import BoxOutlines, Raster
from scenes.mobjects.readout import Readout
from scenes.mobjects.style import LABEL, MUTED, RIGHT as RIGHT_COLOR, WRONG, pixel_greys

SHOWN = 24  # digits in the grid
SHAPES = ((6, 4), (4, 6), (3, 8), (8, 3), (12, 2), (2, 12))  # rows and columns it may take
LABEL_FONT = 18
CELL_GAP = 0.16
BOX_WIDTH = 2.5  # the right/wrong frame, in Manim stroke units
BOX_PAD = 0.04  # from the image to its frame, so the frame covers none of the digit's pixels
LABEL_DROP = 0.1  # from the frame to the answer under it


def best_shape(width: float, height: float, label_height: float) -> tuple[int, int, float]:
    """Rows, columns and image side that give the largest images in a ``width`` x ``height`` area."""
    options = []
    for rows, columns in SHAPES:
        side = min((width - (columns - 1) * CELL_GAP) / columns,
                   (height - rows * (label_height + LABEL_DROP + BOX_PAD) - (rows - 1) * CELL_GAP) / rows)
        options.append((side, rows, columns))
    side, rows, columns = max(options)
    return rows, columns, side


class DigitGrid(VGroup):
    """The first test digits (training digits if the run has no test split) in ``region``, their answers
    at each of ``snapshots`` made once. ``image_shape`` is the pixels' rows and columns."""

    def __init__(self, history: TrainingHistory, snapshots: np.ndarray, image_shape: tuple[int, int],
                 class_names: tuple[str, ...], region: Region, **kwargs) -> None:
        super().__init__(**kwargs)
        X, y = (history.X_test, history.y_test) if history.has_test else (history.X_train, history.y_train)
        self.source = "test" if history.has_test else "training"
        count = min(SHOWN, len(X))
        X, y = X[:count].astype(float), y[:count]
        self.labels_true = y[:, 0].astype(int) if y.shape[1] == 1 else y.argmax(axis=1)
        self.answers = predictions(activations_at(history, snapshots, X)[-1])  # (keyframes, count)
        self.right = self.answers == self.labels_true  # (keyframes, count)
        self.names = class_names
        self.count_readout = Readout(len(str(count)), font_size=24, color=RIGHT_COLOR)
        pictures = "digits" if history.dataset_name == "digits" else "images"
        self.heading = labelled(Label(f"{self.source} {pictures}", font_size=24, color=LABEL), self.count_readout,
                                Label(f"/ {count} right", font_size=24, color=MUTED))
        self.heading.move_to([region.left, region.top, 0], UP + LEFT)
        template = Readout(max(len(name) for name in class_names), font_size=LABEL_FONT, color=LABEL)
        label_height = template.height
        area = region.below(self.heading.get_bottom()[1] - 0.2)
        rows, columns, side = best_shape(area.width, area.height, label_height)
        cell_w, cell_h = side + CELL_GAP, side + BOX_PAD + LABEL_DROP + label_height + CELL_GAP
        left = area.left + (area.width - (columns * cell_w - CELL_GAP)) / 2
        self.images, self.answer_readouts, boxes = VGroup(), VGroup(), []
        for index in range(count):
            row, column = divmod(index, columns)
            x, top = left + column * cell_w, area.top - row * cell_h
            image = Raster(pixel_greys(X[index].reshape(image_shape)), side, side, smooth=False)
            image.move_to([x + side / 2, top - side / 2, 0])
            self.images.add(image)
            readout = template.copy()
            readout.move_to([x + side / 2, top - side - BOX_PAD - LABEL_DROP - label_height / 2, 0])
            self.answer_readouts.add(readout)
            boxes.append([x - BOX_PAD, top - side - BOX_PAD, side + 2 * BOX_PAD, side + 2 * BOX_PAD])
        self.boxes = BoxOutlines(np.array(boxes), BOX_WIDTH)
        self.class_rgbs = np.array([RIGHT_COLOR.to_rgb(), WRONG.to_rgb()])
        self.shown_key = None
        self.add(self.heading, self.images, self.boxes, self.answer_readouts)
        self.show_key(0)

    def show_key(self, key: int) -> None:
        """The answers at keyframe ``key``: each digit's frame and answer, and the count of right ones."""
        if key == self.shown_key:
            return
        self.shown_key = key
        right = self.right[key]
        self.boxes.set_rgbs(np.where(right[:, None], self.class_rgbs[0], self.class_rgbs[1]))
        for readout, answer, is_right in zip(self.answer_readouts, self.answers[key], right):
            readout.set_text(self.names[answer])
            readout.glyphs.set_fill(RIGHT_COLOR if is_right else WRONG)
        self.count_readout.set_text(str(int(right.sum())))
