"""DataScene: the task, from the run's own data. What the examples are, what they are labelled,
the one the other scenes follow (the probe), what its numbers are, and the test examples kept apart.

Digits show as a grid of real training images with their labels; the probe grows out of its place
into a large pixel grid whose size is measured by braces, and a window of its pixels is magnified
with each pixel's value written in it. Points in the plane show as a scatter, grey until their
labels colour them, the probe's coordinates read off the axes; any other data as a table of its
first examples' numbers. The split into training and test examples is a bar that comes apart.
Every value is the run's.
"""
from __future__ import annotations

import numpy as np
from manim import (
    DOWN, LEFT, RIGHT, UP, BackgroundRectangle, Brace, Circle, Create, DashedLine, FadeIn, FadeOut, GrowFromCenter,
    GrowFromEdge, Indicate, LaggedStart, ManimColor, Rectangle, Restore, Square, SurroundingRectangle, TransformFromCopy,
    VGroup, Write,
)

from scenes.chapters.base import HistoryScene
from scenes.mobjects.glyphs import Label
from scenes.mobjects.layout import GAP, Region, boxes_overlap, fit, safe_area
from scenes.mobjects.pixel_image import PixelImage
from scenes.mobjects.pixel_zoom import GreyScale, PixelZoom, telling_window
from scenes.mobjects.plane_maps import Plane
from scenes.mobjects.plane_panel import DOT_SHARE, class_of
from scenes.mobjects.raster import Raster, ScatterPoints
from scenes.mobjects.style import CLASS_COLORS, HIGHLIGHT, LABEL, MUTED, class_rgbs, pixel_greys
from scenes.narration.beats import Beat, Brief, counted
from scenes.narration.words import data_words, listed, number, short_name

GRID_COLUMNS, GRID_ROWS = 9, 4  # training digits in the opening grid
ZOOM_PIXELS = 7  # a side of the magnified window of the probe, in pixels
TABLE_ROWS = 8  # examples in the table of numbers
TABLE_COLUMNS = 6  # input columns shown at most; wider inputs end in "…"
FONT = 24  # the side column's texts
COUNT_FONT = 30  # the number of training examples, beside the title
TABLE_FONT = 30
TICK_FONT = 20
SPLIT_HEIGHT = 1.0  # the strip under the picture that the train / test bar takes


def with_article(name: str) -> str:
    """``a 7``, ``an 8``: a class name as a caption says it."""
    return f"{'an' if name[:1].lower() in '8aeiou' or name.startswith('11') else 'a'} {name}"


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round values between ``low`` and ``high`` for an axis: steps of 1, 2 or 5 times a power of ten."""
    span = max(high - low, 1e-9)
    raw = span / count
    power = 10 ** np.floor(np.log10(raw))
    step = next(power * m for m in (1, 2, 5, 10) if power * m >= raw)
    first = np.ceil(low / step) * step
    return [float(round(v, 10)) for v in np.arange(first, high + 1e-9, step)]


class SplitBar(VGroup):
    """The training examples and the test examples as one bar cut in proportion to their counts: the
    test part slides away from the rest (``come_apart``), the gap the training chapter will check."""

    def __init__(self, n_train: int, n_test: int, width: float, height: float = 0.3, gap: float = 0.35,
                 font_size: float = FONT) -> None:
        super().__init__()
        total = n_train + n_test
        room = width - (gap if n_test else 0.0)
        self.train = Rectangle(width=room * n_train / total, height=height, stroke_width=0, fill_color=MUTED,
                               fill_opacity=0.6)
        self.test = Rectangle(width=max(room * n_test / total, 1e-3), height=height, stroke_width=0,
                              fill_color=HIGHLIGHT, fill_opacity=0.8)
        self.gap = gap if n_test else 0.0
        self.test.next_to(self.train, RIGHT, buff=self.gap)  # where it ends: apart
        self.train_label = Label(f"{n_train:,} to train on", font_size=font_size, color=LABEL)
        self.train_label.next_to(self.train, UP, buff=0.1, aligned_edge=LEFT)
        kept = f"{n_test:,} kept apart to test" if n_test else "none kept apart to test"
        self.test_label = Label(kept, font_size=font_size, color=HIGHLIGHT if n_test else MUTED)
        self.add(self.train, self.test, self.train_label, self.test_label)
        self.place_test_label(self.test.get_right()[0] + self.gap)

    def place_test_label(self, right: float) -> None:
        """Over the test part, flush with the bar's right end; under the bar where the counts would touch."""
        self.test_label.next_to(self.train, UP, buff=0.1).align_to(self.train_label, DOWN)
        self.test_label.set_x(right - self.test_label.width / 2)
        if self.test_label.get_left()[0] < self.train_label.get_right()[0] + GAP:
            self.test_label.next_to(self.train, DOWN, buff=0.1).set_x(right - self.test_label.width / 2)

    def drawn(self) -> LaggedStart:
        """The whole bar drawn with both counts written at once: the count is said first."""
        self.test.shift(LEFT * self.gap)  # drawn whole first: its final place is ``gap`` further right
        return LaggedStart(GrowFromEdge(VGroup(self.train, self.test), LEFT), Write(self.test_label),
                           Write(self.train_label), lag_ratio=0.25, group=self)

    def come_apart(self):
        """The test part sliding off to the right, away from the training part."""
        return self.test.animate.shift(RIGHT * self.gap)


class DataScene(HistoryScene):
    """The run's data: what one example is, its label, the probe and its numbers, and the test split."""

    def prepare(self) -> None:
        h = self.history
        area = safe_area()
        self.title = Label("The task", font_size=38, color=LABEL)
        fit(self.title, area.above(area.top - self.title.height), UP + LEFT)
        self.content = area.below(self.title.get_bottom()[1] - 2 * GAP)
        self.names = h.class_names
        self.classes = class_of(h.y_train) if self.names else None
        self.probe = self.probe_index()
        self.shape = h.image_shape
        self.kind = "digits" if self.shape is not None else "plane" if h.layer_sizes[0] == 2 else "table"
        self.count = self.count_label()
        self.count.next_to(self.title, RIGHT, buff=0.5).align_to(self.title, DOWN).set_x(
            area.right - self.count.width / 2)
        {"digits": self.build_digits, "plane": self.build_plane, "table": self.build_table}[self.kind]()

    def probe_index(self) -> int | None:
        """Where the probe sample is in the training set, if it is one of them."""
        matches = np.flatnonzero(np.all(self.history.X_train == self.history.probe_input, axis=1))
        return int(matches[0]) if len(matches) else None

    def probe_class(self) -> str:
        target = self.history.probe_target.reshape(1, -1)
        return self.names[int(class_of(target)[0])] if self.names else \
            ", ".join(self.value_text(value) for value in self.history.raw_targets(target[0]))

    def count_label(self) -> Label:
        noun = "training point" if self.kind == "plane" else "training example"
        return Label(counted(len(self.history.X_train), noun), font_size=COUNT_FONT, color=LABEL)

    def split_bar(self, width: float) -> SplitBar:
        h = self.history
        return SplitBar(len(h.X_train), len(h.X_test) if h.has_test else 0, width)

    # -- digits ---------------------------------------------------------------------------

    def build_digits(self) -> None:
        h, region = self.history, self.content
        count = min(GRID_COLUMNS * GRID_ROWS, len(h.X_train))
        shown = list(range(count))
        if self.probe is not None and self.probe not in shown:
            shown[-1] = self.probe
        label_height = Label("0", font_size=20).height + 0.1
        gap = 0.15
        side = min((region.width - (GRID_COLUMNS - 1) * gap) / GRID_COLUMNS,
                   (region.height - GRID_ROWS * label_height - (GRID_ROWS - 1) * gap) / GRID_ROWS)
        self.examples, self.labels = VGroup(), VGroup()
        for slot, index in enumerate(shown):
            row, column = divmod(slot, GRID_COLUMNS)
            image = Raster(pixel_greys(h.X_train[index].astype(float).reshape(self.shape)), side, side, smooth=False)
            image.move_to([region.left + column * (side + gap) + side / 2,
                           region.top - row * (side + label_height + gap) - side / 2, 0])
            self.examples.add(image)
            name = self.names[self.classes[index]] if self.names else ""
            self.labels.add(Label(name, font_size=20, color=MUTED).next_to(image, DOWN, buff=0.06))
        grid = VGroup(self.examples, self.labels)
        grid.move_to(region.center).align_to([0, region.top, 0], UP)
        self.probe_slot = shown.index(self.probe) if self.probe in shown else None
        self.build_probe_picture()

    def build_probe_picture(self) -> None:
        """The probe large on the left with braces that measure it, a window of it magnified on the right
        with its values, the grey scale beside that, and the train / test bar along the bottom."""
        h, region = self.history, self.content
        rows, columns = self.shape
        brace_room = Label("28", font_size=FONT).width + 0.5  # a brace and its number, left of the probe
        under = Label("0", font_size=FONT).height + 0.25  # the "28 × 28 = 784 numbers" line
        side = min(region.height - SPLIT_HEIGHT - brace_room - under, 0.42 * region.width)
        left = region.left + brace_room
        top = region.top - brace_room
        self.probe_mob = PixelImage(h.probe_input.astype(float), self.shape, side)
        self.probe_mob.move_to([left + self.probe_mob.width / 2, top - self.probe_mob.height / 2, 0])
        self.size_braces = VGroup()
        for direction, size in ((UP, columns), (LEFT, rows)):
            brace = Brace(self.probe_mob.picture, direction, buff=0.06, color=MUTED)
            self.size_braces.add(VGroup(brace, self.brace_label(brace, size)))
        self.probe_numbers = Label(f"{rows} × {columns} = {rows * columns:,} numbers", font_size=FONT, color=LABEL)
        self.probe_numbers.next_to(self.probe_mob, DOWN, buff=0.2, aligned_edge=LEFT)
        self.probe_label = Label(f"labelled {self.probe_class()}", font_size=FONT, color=HIGHLIGHT)
        self.probe_label.next_to(self.probe_mob, DOWN, buff=0.2, aligned_edge=RIGHT)
        if self.probe_label.get_left()[0] < self.probe_numbers.get_right()[0] + GAP:
            self.probe_label.next_to(self.probe_mob, RIGHT, buff=0.2, aligned_edge=DOWN)
        # The magnified window: as tall as the probe, right of it, the grey scale right of that.
        size = min(ZOOM_PIXELS, rows, columns)
        scale_room = 1.2
        zoom_left = self.probe_mob.get_right()[0] + 1.0
        if self.probe_label.get_left()[0] > self.probe_mob.get_right()[0]:
            zoom_left = self.probe_label.get_right()[0] + 0.5
        cell = min(side / size, (region.right - scale_room - zoom_left) / size)
        corner = telling_window(self.probe_mob.values, self.shape, size)
        self.zoom = PixelZoom(self.probe_mob, corner, size, cell, np.array([zoom_left, top, 0]))
        self.grey_scale = GreyScale(0.8 * size * cell)
        self.grey_scale.next_to(self.zoom.cells, RIGHT, buff=0.35)
        self.split = self.split_bar(region.width - brace_room)
        fit(self.split, region.right_of(region.left + brace_room).below(region.bottom + self.split.height),
            DOWN + LEFT)

    @staticmethod
    def brace_label(brace: Brace, size: int) -> Label:
        label = Label(f"{size}", font_size=FONT, color=LABEL)
        brace.put_at_tip(label, buff=0.08)
        return label

    # -- points in the plane --------------------------------------------------------------

    def build_plane(self) -> None:
        h, region = self.history, self.content
        X_all = np.concatenate([h.X_train, h.X_test]).astype(float)
        plane = Plane.around(X_all)
        # Room left of and under the square for the axes' numbers and the probe's two, read off there.
        margin_left, margin_bottom = 1.15, 0.5
        side = min(region.height - margin_bottom, 0.55 * region.width - margin_left)
        left, bottom = region.left + margin_left, region.top - side
        self.frame = Rectangle(width=side, height=side, stroke_color=MUTED, stroke_width=1.5)
        self.frame.move_to([left + side / 2, bottom + side / 2, 0])
        self.to_scene = lambda xy: np.column_stack([left, bottom]) + plane.to_unit(np.atleast_2d(xy)) * side
        n_classes = len(self.names) if self.names else 1
        rgbs = class_rgbs(n_classes)

        def points(X, y, filled, grey=False):
            classes = class_of(y) if self.names else np.zeros(len(X), dtype=int)
            colours = np.full((len(X), 3), MUTED.to_rgb()) if grey else rgbs[classes]
            return ScatterPoints(self.to_scene(X.astype(float)), colours, [filled] * len(X), DOT_SHARE * side)

        self.unlabelled = points(h.X_train, h.y_train, True, grey=True)
        self.examples = points(h.X_train, h.y_train, True)
        self.tests = points(h.X_test, h.y_test, False) if h.has_test else VGroup()
        self.axes = self.plane_axes(plane, side, left, bottom)
        side_region = region.right_of(self.frame.get_right()[0] + 2 * GAP + 0.3)
        words = data_words(h)
        self.description = Label(words.removeprefix("points in the plane, "), font_size=FONT, color=MUTED)
        fit(self.description, side_region.above(side_region.top - self.description.height), UP + LEFT)
        self.labels = self.legend(rgbs) if self.names else VGroup()
        below = side_region.below(self.description.get_bottom()[1] - 0.4)
        fit(self.labels, below.above(below.top - self.labels.height), UP + LEFT)
        # The probe: a ring, dashed lines down to each axis, and its two numbers where they meet it.
        x, y = h.probe_input.astype(float)
        at = self.to_scene([x, y])[0]
        self.probe_mob = Circle(radius=3 * DOT_SHARE * side, color=HIGHLIGHT, stroke_width=3).move_to([*at, 0])
        self.drops = VGroup(DashedLine([*at, 0], [at[0], bottom, 0], color=HIGHLIGHT, stroke_width=2),
                            DashedLine([*at, 0], [left, at[1], 0], color=HIGHLIGHT, stroke_width=2))
        # Each number where its line meets its axis, outside the square (inside, it would hide points);
        # the axis's own numbers it would cover give way to it.
        self.coordinates = VGroup(self.plated(number(x), [at[0], bottom, 0], DOWN),
                                  self.plated(number(y), [left, at[1], 0], LEFT))
        ticks = self.axes[0]
        for tick in list(ticks):
            if any(boxes_overlap(tick, value, -0.06) for value in self.coordinates):
                ticks.remove(tick)
        # The point we follow, large in the middle of the side: its two numbers and its label.
        self.probe_label = Label(f"the point we follow: {self.probe_class()}", font_size=FONT, color=HIGHLIGHT)
        self.probe_numbers = VGroup(*(Label(f"{name} = {number(value)}", font_size=COUNT_FONT, color=LABEL)
                                      for name, value in (("x₁", x), ("x₂", y))))
        self.probe_numbers.arrange(DOWN, aligned_edge=LEFT, buff=0.2)
        block = VGroup(self.probe_label, self.probe_numbers).arrange(DOWN, aligned_edge=LEFT, buff=0.3)
        room = side_region.below(self.labels.get_bottom()[1] - 0.5).above(region.bottom + SPLIT_HEIGHT + 0.3)
        fit(block, room.above(room.top - block.height), UP + LEFT)
        self.split = self.split_bar(side_region.width)
        fit(self.split, side_region.above(region.bottom).below(region.bottom + self.split.height), DOWN + LEFT)

    def plane_axes(self, plane: Plane, side: float, left: float, bottom: float) -> VGroup:
        """Round numbers along the bottom and the left of the square, and the axes' names."""
        ticks = VGroup()
        low_x, high_x = plane.x - plane.half, plane.x + plane.half
        low_y, high_y = plane.y - plane.half, plane.y + plane.half
        for value in nice_ticks(low_x, high_x):
            x = left + (value - low_x) / (2 * plane.half) * side
            ticks.add(Label(number(value, self.tick_digits(low_x, high_x)), font_size=TICK_FONT, color=MUTED)
                      .next_to([x, bottom, 0], DOWN, buff=0.1))
        for value in nice_ticks(low_y, high_y):
            y = bottom + (value - low_y) / (2 * plane.half) * side
            ticks.add(Label(number(value, self.tick_digits(low_y, high_y)), font_size=TICK_FONT, color=MUTED)
                      .next_to([left, y, 0], LEFT, buff=0.1))
        first, second = (short_name(name) for name in self.history.feature_names) \
            if self.history.feature_names else ("x₁", "x₂")
        names = VGroup(Label(first, font_size=FONT, color=LABEL).next_to(self.frame, DOWN, buff=0.1)
                       .align_to(self.frame, RIGHT).shift(DOWN * 0.02),
                       Label(second, font_size=FONT, color=LABEL).next_to(self.frame, LEFT, buff=0.1)
                       .align_to(self.frame, UP))
        # A number under a name would be read with it: the names win.
        for tick in list(ticks):
            if any(boxes_overlap(tick, name, -0.05) for name in names):
                ticks.remove(tick)
        return VGroup(ticks, names)

    @staticmethod
    def tick_digits(low: float, high: float) -> int:
        step = nice_ticks(low, high)
        gaps = np.diff(step) if len(step) > 1 else np.array([1.0])
        return int(max(0, -np.floor(np.log10(gaps.min()) + 1e-9)))

    @staticmethod
    def plated(text: str, at, direction) -> VGroup:
        label = Label(text, font_size=FONT, color=HIGHLIGHT).next_to(at, direction, buff=0.1)
        return VGroup(BackgroundRectangle(label, fill_opacity=0.9, buff=0.04), label)

    def legend(self, rgbs: np.ndarray) -> VGroup:
        keys = VGroup(*(VGroup(Square(0.2, stroke_width=0, fill_color=rgb, fill_opacity=1.0),
                               Label(name, font_size=FONT, color=LABEL)).arrange(RIGHT, buff=0.15)
                        for rgb, name in zip(rgbs, self.names)))
        keys.arrange(DOWN, aligned_edge=LEFT, buff=0.15)
        if len(self.names) > 4:  # the caption counts them: the count is on screen too
            keys = VGroup(Label(f"{len(self.names)} classes", font_size=FONT, color=MUTED), *keys)
            keys.arrange(DOWN, aligned_edge=LEFT, buff=0.15)
        return keys

    # -- rows of numbers --------------------------------------------------------------------

    def build_table(self) -> None:
        """The first examples' numbers, a row each, with their class; the probe's row is boxed if it is one."""
        h = self.history
        n_inputs = h.layer_sizes[0]
        shown_columns = min(n_inputs, TABLE_COLUMNS)
        rows = list(range(min(TABLE_ROWS, len(h.X_train))))
        if self.probe is not None and self.probe not in rows:
            rows[-1] = self.probe
        self.table_rows = rows
        names = [short_name(name) for name in h.feature_names] or [f"x{i + 1}" for i in range(n_inputs)]
        header = names[:shown_columns] + (["…"] if shown_columns < n_inputs else []) + \
            [short_name(h.target_name) if h.target_name else "class" if self.names else "target"]
        raw = h.raw_inputs(h.X_train[rows])  # the user's own values and units, as the file wrote them
        cells = [[Label(text, font_size=TABLE_FONT, color=MUTED) for text in header]]
        for at, row in enumerate(rows):
            values = [self.value_text(v) for v in raw[at, :shown_columns]]
            values += ["…"] if shown_columns < n_inputs else []
            target = h.y_train[row:row + 1]
            values.append(self.names[int(class_of(target)[0])] if self.names else
                          self.value_text(float(h.raw_targets(target[0, 0]))))
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
        # What one example is: a brace over its input columns, with their count.
        inputs = VGroup(*table[0][:len(header) - 1])
        self.width_brace = Brace(inputs, UP, buff=0.12, color=MUTED)
        self.width_label = Label(f"{counted(n_inputs, 'number')} each", font_size=FONT, color=LABEL)
        self.width_brace.put_at_tip(self.width_label, buff=0.08)
        block = VGroup(self.width_brace, self.width_label, table)
        region = self.content.left_of(self.content.left + 0.6 * self.content.width)
        # As large as the region allows (the numbers are the picture), inset by the probe box's margin.
        inner = Region(region.left + 0.12, region.right - 0.12, region.bottom + 0.12, region.top)
        block.scale(min(inner.width / block.width, inner.height / block.height, 1.4))
        fit(block, inner, UP + LEFT)
        self.examples = VGroup(*table[1:])
        self.header = table[0]
        self.labels = VGroup(*(line[-1] for line in table[1:]))
        for line in table[1:]:
            line.remove(line[-1])
        self.table = table
        probe_row = rows.index(self.probe) + 1 if self.probe in rows else None
        self.probe_mob = None
        if probe_row is not None:
            self.probe_mob = SurroundingRectangle(VGroup(table[probe_row], self.labels[probe_row - 1]),
                                                  color=HIGHLIGHT, buff=0.08)
        side_region = self.content.right_of(block.get_right()[0] + 3 * GAP)
        self.probe_label = Label(f"the example we follow: {self.probe_class()}", font_size=FONT, color=HIGHLIGHT)
        fit(self.probe_label, side_region.above(side_region.top - self.probe_label.height), UP + LEFT)
        # Its numbers stood up as a column, as the network's input layer will take them.
        self.probe_column = VGroup()
        if probe_row is not None:
            for head, cell in zip(table[0], table[probe_row]):
                name = Label(head.text if head.text != "…" else "·", font_size=TABLE_FONT, color=MUTED)
                if h.feature_names and head.text != "…":  # the user's long names at the table's own size
                    name.scale_to_fit_height(head.height)
                if head.text == "…":
                    name.set_opacity(0)  # the column's dots stand where a name would be
                self.probe_column.add(VGroup(name, cell.copy().set_color(LABEL)).arrange(RIGHT, buff=0.3))
            self.probe_column.arrange(DOWN, aligned_edge=RIGHT, buff=0.18)
            room = side_region.below(self.probe_label.get_bottom()[1] - 0.4).above(
                self.content.bottom + SPLIT_HEIGHT)
            fit(self.probe_column, room, UP)
        self.split = self.split_bar(side_region.width)
        fit(self.split, side_region.above(self.content.bottom).below(self.content.bottom + self.split.height),
            DOWN + LEFT)

    def value_text(self, value: float) -> str:
        """A value of the table as the user's file would write it (3750, 18.7), for the user's own data;
        the network's inputs with the other scenes' two decimals otherwise."""
        return f"{value:.6g}".replace("-", "−") if self.history.user_data is not None else number(value)

    def class_colour(self, row: int):
        if not self.names or len(self.names) > len(CLASS_COLORS):
            return LABEL
        return ManimColor(class_rgbs(len(self.names))[int(self.classes[row])])

    # -- the story ------------------------------------------------------------------------

    def script(self) -> list[Beat]:
        return [*self.opening(), *self.followed(), self.test_beat()]

    def opening(self) -> list[Beat]:
        h, n = self.history, len(self.history.X_train)
        if self.kind == "digits" and h.user_data is not None:
            source = h.user_data["file"]
            first = Beat(f"{n:,} images from {source} to learn from.", self.show_examples,
                         brief=f"{n:,} images from {source}, each labelled with its class.")
            labelled = f"Each comes labelled with its class: {listed(self.names)}."
        elif self.kind == "digits":
            first = Beat(f"{n:,} handwritten digits to learn from.", self.show_examples,
                         brief=f"{n:,} handwritten digits, each labelled with its digit.")
            labelled = "Each comes labelled with the digit a person wrote."
        elif self.kind == "plane":
            words = data_words(h)
            where = words.removeprefix("points in the plane, ")
            first = Beat(f"{counted(n, 'training point')} in the plane" + (f": {where}." if where != words else "."),
                         self.show_examples)
            labelled = (f"Each is labelled with its class: {', '.join(self.names)}." if self.names and
                        len(self.names) <= 4 else f"Each is labelled with one of {len(self.names)} classes."
                        if self.names else "Each comes with the number the network should answer.")
        elif h.user_data is not None:
            first = Beat(f"{counted(n, 'training example')} from {h.user_data['file']}, "
                         f"{counted(h.layer_sizes[0], 'number')} each: {listed(h.feature_names)}.", self.show_examples)
            target = h.target_name
            labelled = (f"Each comes labelled with its {target}: {listed(self.names)}." if self.names else
                        f"Each comes with its {target}, the number the network should predict.")
        else:
            first = Beat(f"{counted(n, 'training example')}, {counted(h.layer_sizes[0], 'number')} each.",
                         self.show_examples)
            labelled = (f"Each comes labelled with its class: {', '.join(self.names)}." if self.names and
                        len(self.names) <= 4 else f"Each comes labelled with one of {len(self.names)} classes."
                        if self.names else "Each comes with the number the network should answer.")
        return [first, Beat(labelled, self.show_labels, in_brief=Brief.WITH_PREVIOUS)]

    def followed(self) -> list[Beat]:
        h = self.history
        if self.kind == "digits":
            rows, columns = self.shape
            # "28 by 28", as it is said: the screen writes 28 × 28, a product.
            size = f"{rows} by {columns} pixels, so {rows * columns:,} numbers"
            return [
                Beat(f"We will follow this one, {with_article(self.probe_class())}: {size}.", self.show_probe,
                     brief=f"We follow this {self.probe_class()}: {size.replace(', so', ',')},"),
                Beat("Each number is a pixel's brightness, from 0 for black to 1 for white.", self.show_values,
                     brief="each a pixel's brightness, from 0 for black to 1 for white."),
            ]
        if self.kind == "plane":
            x, y = (number(v) for v in h.probe_input.astype(float))
            label = f"labelled {self.probe_class()}" if self.names else f"whose target is {self.probe_class()}"
            if h.feature_names:
                first, second = h.feature_names
                return [Beat(f"Each point is two numbers, {first} and {second}, standardised. We follow this one, "
                             f"({x}, {y}), {label}.", self.show_probe,
                             brief=f"Each is {first} and {second}, standardised: we follow ({x}, {y}), {label}.")]
            return [Beat(f"Each point is two numbers, x₁ and x₂. We follow this one, ({x}, {y}), {label}.",
                         self.show_probe, brief=f"Each is two numbers, x₁ and x₂: we follow ({x}, {y}), {label}.")]
        label = f"labelled {self.probe_class()}" if self.names else f"whose target is {self.probe_class()}"
        where = "the boxed one" if self.probe_mob is not None else "one of them"
        return [Beat(f"We will follow {where}, {label}.", self.show_probe)]

    def test_beat(self) -> Beat:
        h = self.history
        if not h.has_test:
            words = "No examples are kept apart to test it, so only the training data can judge it."
            return Beat(words, self.show_test)
        kept = (f"The {len(h.X_test):,} rings are points" if self.kind == "plane"
                else f"{counted(len(h.X_test), 'more example')} are")
        brief = (f"The {len(h.X_test):,} rings are kept apart" if self.kind == "plane"
                 else f"{len(h.X_test):,} more are kept apart")
        return Beat(f"{kept} kept apart: the network never trains on them, so they show whether it learned or "
                    "only memorised.", self.show_test, brief=f"{brief} to test it: did it learn, or only memorise?")

    # -- beats ----------------------------------------------------------------------------

    def show_examples(self) -> None:
        """The title and the count, then the examples themselves, one after another (digits from the
        first frame, so the opening sentence is never said over black)."""
        share = 0.55 if self.brief else 1.0
        if self.kind not in ("plane", "table"):
            self.play(Write(self.title), Write(self.count),
                      LaggedStart(*(FadeIn(image, scale=0.8) for image in self.examples), lag_ratio=0.08),
                      run_time=self.paced(1.5, share))
            return
        if self.kind == "plane":
            self.play(Write(self.title), Write(self.count), Create(self.frame), FadeIn(self.axes, lag_ratio=0.1),
                      Write(self.description), run_time=1.0)
            self.play(FadeIn(self.unlabelled, scale=1.1), run_time=self.paced(1.0, share))
        else:
            self.play(Write(self.title), Write(self.count), FadeIn(self.header), GrowFromCenter(self.width_brace),
                      Write(self.width_label), run_time=1.0)
            self.play(LaggedStart(*(FadeIn(row, shift=0.2 * DOWN) for row in self.examples), lag_ratio=0.5),
                      run_time=self.paced(1.5, share))

    def show_labels(self) -> None:
        """Each example's label, beside it (the plane's points take their class colours)."""
        if self.kind == "plane":
            self.play(FadeIn(self.examples), FadeIn(self.labels, lag_ratio=0.3), run_time=self.paced(1.2))
            self.remove(self.unlabelled)
        elif len(self.labels):
            self.play(LaggedStart(*(FadeIn(label, shift=0.1 * UP) for label in self.labels), lag_ratio=0.15),
                      run_time=self.paced(1.2))

    def show_probe(self) -> None:
        {"digits": self.show_probe_digit, "plane": self.show_probe_point, "table": self.show_probe_row}[self.kind]()

    def show_probe_digit(self) -> None:
        """The probe grows out of its place in the grid while the others go; braces measure it."""
        big = self.probe_mob
        others = VGroup(*(image for slot, image in enumerate(self.examples) if slot != self.probe_slot),
                        self.labels)
        big.save_state()
        start = self.examples[self.probe_slot] if self.probe_slot is not None else None
        if start is not None:
            big.replace(start, stretch=True)
            self.remove(start)
        else:
            big.scale(0.1)
        # Briefly, its size follows at once: "28 by 28" comes early in a short sentence.
        self.play(Restore(big), FadeOut(others, lag_ratio=0.02, shift=0.3 * DOWN), run_time=0.7 if self.brief else 1.2)
        # The braces measure it until its size is said; the size is written as it is (a voice says the
        # sentence's numbers in many letters, so "28" comes sooner than its characters' place).
        rows = str(self.shape[0])
        self.play(LaggedStart(*(GrowFromCenter(brace) for brace in self.size_braces), lag_ratio=0.4),
                  Write(self.probe_label), run_time=max(0.5, self.until_said(rows)))
        self.play(Write(self.probe_numbers), run_time=self.paced(1.0))

    def show_values(self) -> None:
        """The window's pixels magnified, each taking its value, then the scale that reads it."""
        self.play(self.zoom.grow(), run_time=1.2)
        for row in self.zoom.write_numbers(self.paced(2.0, 0.6)):
            self.play(row)
        self.play(self.grey_scale.grow(), run_time=self.paced(1.0))

    def show_probe_point(self) -> None:
        """A ring on the probe, and lines down to the axes where its two numbers are read."""
        self.play(Create(self.probe_mob), run_time=0.6)
        self.play(LaggedStart(*(Create(line) for line in self.drops), lag_ratio=0.5),
                  LaggedStart(*(FadeIn(value, shift=0.1 * DOWN) for value in self.coordinates), lag_ratio=0.5),
                  run_time=self.paced(1.2, 0.5))
        self.play(Write(self.probe_label), LaggedStart(*(Write(line) for line in self.probe_numbers), lag_ratio=0.5,
                                                          group=self.probe_numbers),
                  run_time=self.paced(1.0))

    def show_probe_row(self) -> None:
        """The probe's row boxed, then its numbers lifted out of it into a column."""
        if self.probe_mob is not None:
            self.play(Create(self.probe_mob), Write(self.probe_label), run_time=self.paced(0.8, 0.35))
            row = self.table[self.table_rows.index(self.probe) + 1]
            self.play(LaggedStart(*(FadeIn(entry[0]) for entry in self.probe_column), lag_ratio=0.2),
                      LaggedStart(*(TransformFromCopy(cell, entry[1]) for cell, entry in zip(row, self.probe_column)),
                                  lag_ratio=0.2), run_time=self.paced(1.5))
        else:
            self.play(Write(self.probe_label), run_time=self.paced(1.0))

    def show_test(self) -> None:
        """The bar of all examples comes apart into the training ones and the test ones (the plane's test
        points appear as rings)."""
        extra = [FadeIn(self.tests, scale=1.2)] if self.kind == "plane" and self.history.has_test else []
        # The test count written as it is said, first; then the test part slides away, pointed at as
        # "kept apart" is said.
        self.play(self.split.drawn(), run_time=0.7)
        self.play(self.split.come_apart(), *extra, run_time=self.paced(0.8, 0.4))
        self.play(Indicate(self.split.test_label, color=HIGHLIGHT, scale_factor=1.1), run_time=self.paced(0.8))
