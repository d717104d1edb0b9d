"""DataScene: the task, from the run's own data. What the examples are, what they are labelled,
the one the other scenes follow (the probe), and the test examples kept apart.

Digits show as a grid of real training images with their labels; points in the
plane as a scatter in their class colours (train filled, test hollow); any other
data as a table of its first examples' numbers. Every value is the run's.
"""
from __future__ import annotations

import numpy as np
from manim import (
    DOWN, LEFT, RIGHT, UP, Circle, ManimColor, Create, FadeIn, Rectangle, Square, SurroundingRectangle, VGroup, Write,
)

from scenes.chapters.base import HistoryScene
from scenes.narration.words import data_words
from scenes.narration.words import number
from scenes.mobjects.glyphs import Label
from scenes.mobjects.layout import GAP, fit, safe_area
from scenes.narration.beats import Beat, Brief, counted
from scenes.mobjects.pixel_image import PixelImage
from scenes.mobjects.plane_maps import Plane
from scenes.mobjects.plane_panel import DOT_SHARE, class_of
from scenes.mobjects.raster import Raster, ScatterPoints
from scenes.mobjects.style import CLASS_COLORS, HIGHLIGHT, LABEL, MUTED, class_rgbs, pixel_greys

SHOWN_DIGITS = 24  # training digits in the grid
GRID_COLUMNS = 6
TABLE_ROWS = 8  # examples in the table of numbers
TABLE_COLUMNS = 6  # input columns shown at most; wider inputs end in "…"
PICTURE_SHARE = 0.55  # of the width, for the picture of the data
FONT = 22
TABLE_FONT = 34


def with_article(name: str) -> str:
    """``a 7``, ``an 8``: a class name as a caption says it."""
    return f"{'an' if name[:1].lower() in '8aeiou' or name.startswith('11') else 'a'} {name}"


class DataScene(HistoryScene):
    """The run's data: what one example is, its label, the probe, and the test split."""

    def prepare(self) -> None:
        h = self.history
        area = safe_area()
        self.title = Label("The task", font_size=38, color=LABEL)
        fit(self.title, area.above(area.top - self.title.height), UP + LEFT)
        content = area.below(self.title.get_bottom()[1] - 2 * GAP)
        self.picture_region = content.left_of(content.left + PICTURE_SHARE * content.width)
        self.side_region = content.right_of(self.picture_region.right + 2 * GAP)
        self.names = h.class_names
        self.classes = class_of(h.y_train) if self.names else None
        self.probe = self.probe_index()
        self.shape = h.image_shape
        self.frame_group, self.tests, self.probe_mob = VGroup(), VGroup(), None
        if self.shape is not None:
            self.build_digits()
        elif h.layer_sizes[0] == 2:
            self.build_plane()
        else:
            self.build_table()

    def probe_index(self) -> int | None:
        """Where the probe sample is in the training set, if it is one of them."""
        matches = np.flatnonzero(np.all(self.history.X_train == self.history.probe_input, axis=1))
        return int(matches[0]) if len(matches) else None

    def probe_class(self) -> str:
        target = self.history.probe_target.reshape(1, -1)
        return self.names[int(class_of(target)[0])] if self.names else \
            ", ".join(number(value) for value in target[0])

    # -- the three pictures of data ------------------------------------------------

    def build_digits(self) -> None:
        h, region = self.history, self.picture_region
        count = min(SHOWN_DIGITS, len(h.X_train))
        rows = -(-count // GRID_COLUMNS)
        label_height = Label("0", font_size=18).height + 0.08
        side = min((region.width - (GRID_COLUMNS - 1) * 0.12) / GRID_COLUMNS,
                   (region.height - rows * label_height - (rows - 1) * 0.12) / rows)
        self.examples, self.labels = VGroup(), VGroup()
        for index in range(count):
            row, column = divmod(index, GRID_COLUMNS)
            x = region.left + column * (side + 0.12) + side / 2
            y = region.top - row * (side + label_height + 0.12) - side / 2
            image = Raster(pixel_greys(h.X_train[index].astype(float).reshape(self.shape)), side, side, smooth=False)
            self.examples.add(image.move_to([x, y, 0]))
            label = self.names[self.classes[index]] if self.names else ""
            self.labels.add(Label(label, font_size=18, color=MUTED).next_to(image, DOWN, buff=0.06))
        side_region = self.side_region
        big = min(side_region.width, side_region.height * 0.55)
        self.probe_mob = PixelImage(h.probe_input.astype(float), self.shape, big)
        self.probe_label = Label(f"labelled {self.probe_class()}", font_size=FONT, color=LABEL)
        rows_, columns_ = self.shape
        self.probe_numbers = Label(f"{rows_} × {columns_} = {rows_ * columns_} numbers", font_size=FONT,
                                  color=MUTED)
        self.probe_group = VGroup(self.probe_mob, self.probe_label, self.probe_numbers).arrange(
            DOWN, aligned_edge=LEFT, buff=0.15)
        fit(self.probe_group, side_region, UP + LEFT)
        self.test_note = self.test_text().next_to(self.probe_group, DOWN, buff=0.4, aligned_edge=LEFT)
        fit(self.test_note, side_region.below(self.probe_group.get_bottom()[1] - 0.3), UP + LEFT)

    def build_plane(self) -> None:
        h, region = self.history, self.picture_region
        X_all = np.concatenate([h.X_train, h.X_test]).astype(float)
        plane = Plane.around(X_all)
        margin = 0.45  # for the axis names left of and under the square
        side = min(region.width - margin, region.height - margin)
        left, bottom = region.left + margin, region.top - side
        self.frame = Rectangle(width=side, height=side, stroke_color=MUTED, stroke_width=1.5)
        self.frame.move_to([left + side / 2, bottom + side / 2, 0])
        n_classes = len(self.names) if self.names else 1
        rgbs = class_rgbs(n_classes)

        def points(X, y, filled):
            classes = class_of(y) if self.names else np.zeros(len(X), dtype=int)
            positions = np.column_stack([left, bottom]) + plane.to_unit(X.astype(float)) * side
            return ScatterPoints(positions, rgbs[classes], [filled] * len(X), DOT_SHARE * side), positions

        self.examples, positions = points(h.X_train, h.y_train, True)
        self.tests = points(h.X_test, h.y_test, False)[0] if h.has_test else VGroup()
        axes = VGroup(Label("x₁", font_size=18, color=MUTED).next_to(self.frame, DOWN, buff=0.08),
                      Label("x₂", font_size=18, color=MUTED).next_to(self.frame, LEFT, buff=0.08))
        self.frame_group = VGroup(self.frame, axes)
        self.labels = self.legend(rgbs) if self.names else VGroup()
        fit(self.labels, self.side_region.above(self.side_region.top - self.labels.height), UP + LEFT)
        ring_at = plane.to_unit(h.probe_input.astype(float).reshape(1, 2))[0] * side + [left, bottom]
        self.probe_mob = Circle(radius=3 * DOT_SHARE * side, color=HIGHLIGHT, stroke_width=3)
        self.probe_mob.move_to([*ring_at, 0])
        x, y = h.probe_input.astype(float)
        self.probe_label = Label(f"({number(x)}, {number(y)}): {self.probe_class()}", font_size=FONT, color=HIGHLIGHT)
        self.probe_numbers = VGroup()
        self.probe_group = VGroup(self.probe_label)
        fit(self.probe_group, self.side_region.below(self.labels.get_bottom()[1] - 0.4), UP + LEFT)
        self.test_note = self.test_text()
        fit(self.test_note, self.side_region.below(self.probe_group.get_bottom()[1] - 0.4), UP + LEFT)

    def legend(self, rgbs: np.ndarray) -> VGroup:
        keys = VGroup(*(VGroup(Square(0.18, stroke_width=0, fill_color=rgb, fill_opacity=1.0),
                               Label(name, font_size=FONT, color=LABEL)).arrange(RIGHT, buff=0.12)
                        for rgb, name in zip(rgbs, self.names)))
        return keys.arrange(DOWN, aligned_edge=LEFT, buff=0.15)

    def build_table(self) -> None:
        """The first examples' numbers, a row each, with their class; the probe's row is boxed if it is one."""
        h = self.history
        n_inputs = h.layer_sizes[0]
        shown_columns = min(n_inputs, TABLE_COLUMNS)
        rows = list(range(min(TABLE_ROWS, len(h.X_train))))
        if self.probe is not None and self.probe not in rows:
            rows[-1] = self.probe
        self.table_rows = rows
        header = [f"x{i + 1}" for i in range(shown_columns)] + (["…"] if shown_columns < n_inputs else []) + \
            ["class" if self.names else "target"]
        cells = [[Label(text, font_size=TABLE_FONT, color=MUTED) for text in header]]
        for row in rows:
            values = [number(v) for v in h.X_train[row, :shown_columns].astype(float)]
            values += ["…"] if shown_columns < n_inputs else []
            target = h.y_train[row:row + 1]
            values.append(self.names[int(class_of(target)[0])] if self.names else number(float(target[0, 0])))
            colours = [LABEL] * (len(values) - 1) + [self.class_colour(row)]
            cells.append([Label(value, font_size=TABLE_FONT, color=colour) for value, colour in zip(values, colours)])
        widths = [max(line[c].width for line in cells) for c in range(len(header))]
        table = VGroup()
        for line in cells:
            row_group = VGroup()
            x = 0.0
            for cell, width in zip(line, widths):
                row_group.add(cell.move_to([x + width, 0, 0], RIGHT))
                x += width + 0.45
            table.add(row_group)
        table.arrange(DOWN, aligned_edge=RIGHT, buff=0.22)
        for line in table:  # right-aligned columns: align each cell with the header's
            for cell, head in zip(line, table[0]):
                cell.align_to(head, RIGHT)
        # Inset by the probe box's margin, so the box too stays inside.
        fit(table, self.picture_region.right_of(self.picture_region.left + 0.12).below(self.picture_region.top - 0.12),
            UP + LEFT)
        self.examples, self.labels = VGroup(*table[0], *(line[:-1] for line in table[1:])), \
            VGroup(*(line[-1] for line in table[1:]))
        self.table = table
        probe_row = rows.index(self.probe) + 1 if self.probe in rows else None
        if probe_row is not None:
            self.probe_mob = SurroundingRectangle(table[probe_row], color=HIGHLIGHT, buff=0.08)
        self.probe_label = Label(f"the example we follow: {self.probe_class()}", font_size=FONT, color=HIGHLIGHT)
        self.probe_numbers = VGroup()
        self.probe_group = VGroup(self.probe_label)
        fit(self.probe_group, self.side_region, UP + LEFT)
        self.test_note = self.test_text()
        fit(self.test_note, self.side_region.below(self.probe_group.get_bottom()[1] - 0.4), UP + LEFT)

    def class_colour(self, row: int):
        if not self.names or len(self.names) > len(CLASS_COLORS):
            return LABEL
        return ManimColor(class_rgbs(len(self.names))[int(self.classes[row])])

    def test_text(self) -> VGroup:
        h = self.history
        lines = [f"{len(h.X_train):,} to train on"]
        lines.append(f"{len(h.X_test):,} kept apart to test" if h.has_test else "none kept apart to test")
        return VGroup(*(Label(line, font_size=FONT, color=LABEL if i == 0 else MUTED)
                        for i, line in enumerate(lines))).arrange(DOWN, aligned_edge=LEFT, buff=0.12)

    # -- the story ------------------------------------------------------------------

    def script(self) -> list[Beat]:
        h = self.history
        n_inputs = h.layer_sizes[0]
        words = data_words(h)
        if self.shape is not None and self.names:
            labelled = "Each comes labelled with the digit a person wrote."
        elif self.names:
            labelled = (f"Each comes labelled with its class: {', '.join(self.names)}." if len(self.names) <= 4
                        else f"Each comes labelled with what it is, one of {len(self.names)} classes.")
        else:
            labelled = "Each comes with the number the network should answer."
        brief_what = None
        if self.shape is not None:
            rows, columns = self.shape
            first = f"The task: {counted(len(h.X_train), 'training example')}, {words}."
            what = (f"To the network an image is {n_inputs:,} numbers, one per pixel, from 0 for black to 1 for "
                    f"white. We will follow this one, {with_article(self.probe_class())}.")
            brief_what = (f"To the network an image is {n_inputs:,} numbers, from 0 for black to 1 for white. "
                          f"We follow this {self.probe_class()}.")
        elif n_inputs == 2:
            where = words.removeprefix("points in the plane, ")
            first = (f"The task: {counted(len(h.X_train), 'training point')} in the plane, {where}." if where != words
                     else f"The task: {counted(len(h.X_train), 'training point')}, {words}.")
            what = (f"Each point is two numbers, its x₁ and x₂. We will follow this one, labelled "
                    f"{self.probe_class()}.")
        else:
            first = f"The task: {counted(len(h.X_train), 'training example')}, {words}."
            what = (f"Each example is {counted(n_inputs, 'number')}. We will follow the one boxed, "
                    f"{'labelled' if self.names else 'whose target is'} {self.probe_class()}.")
        if not h.has_test:
            test = brief_test = "No examples are kept apart to test it, so only the training data can judge it."
        else:
            kept = (f"The {len(h.X_test):,} rings are points" if n_inputs == 2 and self.shape is None
                    else f"{counted(len(h.X_test), 'more example')} are")
            test = (f"{kept} kept apart: the network never trains on them, so they show whether it learned or "
                    "only memorised.")
            brief_test = f"{kept} kept apart, to test whether it learned or only memorised."
        return [
            Beat(first, self.show_examples),
            Beat(labelled, self.show_labels, in_brief=Brief.WITH_PREVIOUS),
            Beat(what, self.show_probe, brief=brief_what),
            Beat(test, self.show_test, brief=brief_test),
        ]

    def show_examples(self) -> None:
        self.play(Write(self.title), run_time=0.8)
        if len(self.frame_group):
            self.play(Create(self.frame_group), run_time=0.8)
        self.play(FadeIn(self.examples, lag_ratio=0.03), run_time=1.5)

    def show_labels(self) -> None:
        if len(self.labels):
            self.play(FadeIn(self.labels, lag_ratio=0.05), run_time=1.2)

    def show_probe(self) -> None:
        if isinstance(self.probe_mob, PixelImage):
            self.play(FadeIn(self.probe_mob), run_time=1.0)
        elif self.probe_mob is not None:
            self.play(Create(self.probe_mob), run_time=0.8)
        self.play(FadeIn(VGroup(self.probe_label, self.probe_numbers)), run_time=0.8)

    def show_test(self) -> None:
        self.play(FadeIn(self.test_note), *([FadeIn(self.tests)] if self.tests.has_points() or len(self.tests) else []),
                  run_time=1.2)
