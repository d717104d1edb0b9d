"""ConvBackpropScene: backpropagation in a convolutional network, down to one weight of a first-layer kernel,
told on the maps with the run's own numbers.

The example's error at the output (its probabilities minus the one-hot label), over the table the question
is asked above; carried back through the dense layers (each hidden one's δ a column filling as the error
arrives, their rule in words) to the flattened maps and unflattened into the last stage's maps, where a key
says what green and magenta mean; across the second conv (when it reads the first conv's maps): its delta,
then one cell's delta times its kernel's slice landing on a patch of the followed map, the other cells'
patches adding (a transposed convolution), then the rule said and, kernel by kernel (the followed one, the
largest others, the rest as one), each one's δ × weight terms at one cell and a running total that ends at
that cell's error; through the max-pool, where only each window's recorded winner gets its error;
through the activation's slope, to the first conv's error map δ for one kernel. Then one weight of that
kernel as it is at the snapshot (where training took it by the last said with it, the trained kernel
beside): its gradient is the sum over every place the kernel stood of the pixel under the weight times δ
there, shown as a window sliding over the digit, δ's map beside it and the products filling a map, a few
written with their numbers, then faster, then all at once, the total the backward pass's own gradient.
Then the kernel's gradients beside its weights, the whole set's gradient recorded by the run as a line
over a bar for each of some samples' own gradients, and the step, with the run's learning rate and
optimizer said as they are; where the run's steps took the weight uphill of this gradient, the chapter
says why (the gradient is the slope at that snapshot only).

Every value comes from ``nnscratch.conv_backprop.explain_conv_example`` (the network's own backward pass
at the chosen snapshot), ``sample_weight_gradients`` (the samples' own gradients) or from the recorded run
(winners, the whole set's gradient, the next weights, the trained kernel).
"""
from __future__ import annotations

import math
from functools import cached_property

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Arrow,
    Create,
    DashedLine,
    FadeIn,
    FadeOut,
    GrowFromEdge,
    Indicate,
    LaggedStart,
    Line,
    Rectangle,
    ReplacementTransform,
    SurroundingRectangle,
    TransformFromCopy,
    UpdateFromAlphaFunc,
    VGroup,
    Write,
    linear,
    rgb_to_color,
    smooth,
)

from nnscratch import TrainingHistory
from nnscratch.architecture import Pool
from nnscratch.conv_backprop import (
    crossing_pick, explain_conv_example, kernel_shares, sample_weight_gradients, steepest_kernel_weight,
)
from nnscratch.followed_window import strongest
from nnscratch.verdict import distinct
from scenes.chapters.base import (
    HistoryScene, after_gone, default_conv_history, followed_step, gone_first, output_names,
)
from scenes.mobjects.conv_maps import FillingMap, ValueGrid, map_colors, square_at
from scenes.mobjects.error_maps import ErrorMap, error_colors
from scenes.mobjects.glyphs import Formula, Label
from scenes.mobjects.layout import Region, boxes_overlap, fit, safe_area
from scenes.mobjects.pixel_image import PixelImage
from scenes.mobjects.raster import Raster
from scenes.mobjects.readout import Readout
from scenes.mobjects.style import HIGHLIGHT, LABEL, MUTED, weight_image_colors
from scenes.narration.beats import Beat, Brief
from scenes.narration.words import fixed, number, rate_code, said

TITLE_FONT = 38
NOTE_FONT = 22  # names under the pictures
VALUE_FONT = 24  # the table's values
FORMULA_FONT = 34  # a Formula's digits 14 px tall at 480p (Typst's digits are smaller than a Label's)
HEADER_FONT = 40  # the output table's p, y, p - y: their letters (no digits) 14 px tall at 480p
KEY_FONT = 24  # the colour key's words: 15 px at 480p
ROW_PITCH = 0.5  # the output table's rows
MAP_SIDE = 2.9  # each map in the one-weight row, at most
KERNEL_CELL = 1.0  # a kernel's cell, at most: a weight's two decimals at font 22
KERNEL_WIDTH = 3.75  # and the kernel at most this wide (a 5 x 5 kernel's cells are smaller)
GRADIENT_CELL = 1.1  # a gradient's cell, at most: three significant digits at font 22
GRADIENT_WIDTH = 4.25
CROSS_SIDE = 2.4  # the maps of the crossing: the second conv's delta and the map it sends its error to
SLICE_CELL = 1.1  # a cell of the kernel's slice and of its patch, at most: two significant digits at font 22
DENSE_WIDTH = 0.3  # a hidden dense layer's column of δ
WINDOW_CELL = 1.0  # the pool window magnified: an error's three digits at font 22
TRAINED_SMALLEST = 0.7  # the trained kernel's cell at least: its numbers' font 14 or more
SAMPLE_BARS = 32  # samples whose own gradient of the weight is drawn beside the set's average
BARS_LEAST_WIDTH = 3.0  # their chart at least, beside the step: 32 bars a tenth wide and their gaps
WRITE_LEAD = 0.3  # a line written as it is said starts this much before its words: legible as they are heard
SLOW_PLACES = 3  # places whose product is written before the window speeds up
NAMED_KERNELS = 3  # second-conv kernels whose share of the crossed cell's error is shown one by one
FAST_ROWS = 6  # rows it then sweeps at speed; the rest come at once
LOSERS_DIM = 0.3  # a pool window's losers, dimmed beside its lit winner
WHY_LINES = ("its slope changed as", "every weight moved")  # why w went uphill of its gradient
ADAM_WORDS = ("each step moves a weight by about η against its gradients' running average, over their running "
              "size")


class ConvBackpropScene(HistoryScene):
    """One example's error carried back through a CNN to a first-layer kernel, one weight's gradient summed
    over the maps, the kernel's gradients and the step.

    ``sample`` picks the training example (default: the run's probe, whose pool winners the run recorded),
    ``epoch`` the snapshot (the nearest recorded one; default: early, where gradients are large).
    """

    def __init__(self, history: TrainingHistory | None = None, sample: int | None = None, epoch: int | None = None,
                 **kwargs) -> None:
        super().__init__(history if history is not None else default_conv_history(), **kwargs)
        h = self.history
        if not h.is_convolutional:
            raise ValueError("this scene tells backpropagation through conv layers, and this run has none")
        self.snapshot, self.sample = followed_step(h, epoch, sample)
        self.epoch = int(h.snapshot_epochs[self.snapshot])
        self.next_epoch = int(h.snapshot_epochs[self.snapshot + 1])
        self.network = h.network_at(self.snapshot)
        self.example = explain_conv_example(self.network, h.X_train[self.sample].astype(float),
                                            h.y_train[self.sample])
        self.kernel, self.i, self.j = steepest_kernel_weight(self.example)
        self.stages = h.architecture.stages
        self.first_pool = len(self.stages) > 1 and isinstance(self.stages[1], Pool)
        # The conv after the first, when it reads the first conv's maps (pooled or not): its error is shown
        # crossing it back onto the followed map, the step a dense network has no picture of.
        convs = self.example.conv_stages
        self.cross_stage = convs[1] if len(convs) > 1 and convs[1] == (2 if self.first_pool else 1) else None

    # -- the numbers: the backward pass's, and the run's -------------------------------------------

    @property
    def truth(self) -> int:
        return int(np.argmax(self.example.target))

    def winners(self) -> np.ndarray:
        """The first pool's winners for the chosen kernel's map: the run's record for its probe sample,
        else the forward pass's own (the same rule; the run records the probe's only)."""
        if self.sample == self.history.probe_index:
            return self.history.probe_winners[0][self.snapshot][self.kernel].astype(int)
        return self.example.maps.winners[2][self.kernel].astype(int)

    def winner_mask(self) -> np.ndarray:
        """True at each cell of the first conv's map that won its pool window."""
        size = self.stages[1].size
        won = self.winners()
        rows, columns = self.example.maps.a[1].shape[1:]
        mask = np.zeros((rows, columns), dtype=bool)
        for r in range(won.shape[0]):
            for c in range(won.shape[1]):
                u, v = divmod(int(won[r, c]), size)
                mask[r * size + u, c * size + v] = True
        return mask

    def pool_window(self) -> tuple[int, int]:
        """The first pool's window (row, column) of the chosen map whose error is largest among those whose
        winner fired (a winner at 0 passes its error on, and ReLU's slope then stops it: a dull example)."""
        pooled = np.abs(self.example.stage_errors[1].d_maps[self.kernel])
        fired = self.example.maps.a[2][self.kernel] > 0  # the pooled value is the winner's
        row, column = np.unravel_index(int(np.argmax(np.where(fired, pooled, -1.0) if fired.any() else pooled)),
                                       pooled.shape)
        return int(row), int(column)

    def crossed_cell(self) -> tuple[int, int]:
        """The cell of the followed map whose error the crossing is shown adding up: the pool window the
        next beat magnifies, or (no pool) the cell of the first conv's largest error past the slope."""
        if self.first_pool:
            return self.pool_window()
        delta = np.abs(self.example.delta(0)[self.kernel])
        row, column = np.unravel_index(int(np.argmax(delta)), delta.shape)
        return int(row), int(column)

    def crossing_order(self) -> list[tuple[int, int]]:
        """The cells of the second conv's kernel whose patches are shown landing: the chosen one first, then
        every other cell with an error, in reading order (a cell of error 0 sends nothing back)."""
        delta = self.crossing.delta
        rest = [(int(p), int(q)) for p, q in zip(*np.nonzero(delta)) if (p, q) != self.cross_cell]
        return [self.cross_cell, *rest]

    def crossing_sums(self) -> list[np.ndarray]:
        """The followed map's error as the patches of ``crossing_order`` land one after another."""
        rows, cols = self.crossing.delta.shape
        size = self.crossing.weights.shape[0]
        total = np.zeros((rows + size - 1, cols + size - 1))
        sums = []
        for p, q in self.crossing_order():
            total = total.copy()
            total[p:p + size, q:q + size] += self.crossing.patch(p, q)
            sums.append(total)
        return sums

    def products(self) -> np.ndarray:
        return self.example.weight_products(self.kernel, 0, self.i, self.j)

    def slow_places(self) -> list[int]:
        """The first places, in reading order, whose product is not 0: those written out."""
        return [int(p) for p in np.flatnonzero(self.products().ravel())[:SLOW_PLACES]]

    def trained_weight(self) -> float:
        """The followed weight at the run's last snapshot."""
        return float(self.history.kernels[0][-1][self.kernel, 0, self.i, self.j])

    @property
    def last_epoch(self) -> int:
        return int(self.history.snapshot_epochs[-1])

    def shown_trained(self) -> bool:
        """Whether the convolution chapter showed this kernel, trained: it follows the kernel whose map of the
        probe responds most at the last snapshot."""
        h = self.history
        return self.sample == h.probe_index and self.kernel == strongest(h.probe_maps[0][-1].astype(float))

    def gradient(self) -> float:
        """The followed weight's gradient from this example, as the backward pass gives it."""
        return float(self.example.gradients.kernels[0][self.kernel, 0, self.i, self.j])

    def weight(self) -> float:
        return float(self.network.kernels[0][self.kernel, 0, self.i, self.j])

    def whole_gradient(self) -> float:
        """The whole training set's gradient for the weight at this snapshot, as the run recorded it."""
        return float(self.history.kernel_grads[0][self.snapshot][self.kernel, 0, self.i, self.j])

    def steps_per_epoch(self) -> int:
        """How many steps the run took an epoch: one a batch (the last one short), or one on the whole set."""
        size = self.history.batch_size
        return 1 if size is None else math.ceil(len(self.history.X_train) / size)

    def plain_steps(self) -> bool:
        h = self.history
        return h.optimizer == "sgd" and h.batch_size is None and not h.dropout

    def step_numbers(self) -> tuple[str, str, str]:
        """The weight, where a plain step on the whole set's gradient takes it, and where the run had it one
        snapshot later, with the digits that show each change truly."""
        w = self.weight()
        stepped = w - self.history.learning_rate * self.whole_gradient()
        then = float(self.history.kernels[0][self.snapshot + 1][self.kernel, 0, self.i, self.j])
        pairs = [distinct(w, stepped), distinct(w, then)]
        places = max(len(text.partition(".")[2]) for pair in pairs for text in pair if "e" not in text)
        return tuple(f"{value:.{places}f}" for value in (w, stepped, then))

    # -- layout ------------------------------------------------------------------------------------

    def prepare(self) -> None:
        area = safe_area()
        self.area = area
        self.title = Label("Backpropagation", font_size=TITLE_FONT, color=LABEL)
        self.title.move_to([area.left, area.top, 0], UP + LEFT)
        self.subtitle = Label(f"training sample {self.sample} at epoch {self.epoch:,}", font_size=NOTE_FONT,
                              color=MUTED)
        self.subtitle.next_to(self.title, RIGHT, buff=0.5).align_to(self.title, DOWN)
        self.top = self.title.get_bottom()[1] - 0.4
        self.size = self.network.kernels[0].shape[-1]
        self.kernel_cell = min(KERNEL_CELL, KERNEL_WIDTH / self.size)
        self.gradient_cell = min(GRADIENT_CELL, GRADIENT_WIDTH / self.size)
        # The digit, delta and the products in a row with the kernel after them.
        self.map_side = min(MAP_SIDE, (area.width - self.size * self.kernel_cell - 1.5) / 3)
        self.layout_output()
        self.layout_flatten()
        self.layout_key()
        self.layout_pool()
        if self.cross_stage is not None:
            self.layout_crossing()
        self.layout_weight()
        self.layout_kernel()

    def layout_output(self) -> None:
        """The digit on the left; on the right a row a class: its name, probability, label and error."""
        ex, area = self.example, self.area
        image = self.history.X_train[self.sample].astype(float)
        self.digit_small = PixelImage(image, self.history.image_shape, 3.4)
        # Beside the table, level with its middle row.
        self.digit_small.move_to([area.left + 2.7, self.top - 0.2 - 5.5 * ROW_PITCH, 0])
        names = output_names(self.history)
        columns = {"name": area.right - 5.0, "p": area.right - 3.9, "y": area.right - 2.7, "d": area.right - 1.2}
        header_y = self.top - 0.2
        self.header = VGroup(Label("class", font_size=VALUE_FONT, color=MUTED).move_to([columns["name"], header_y, 0]),
                             Formula("p", font_size=HEADER_FONT, color=MUTED).move_to([columns["p"], header_y, 0]),
                             Formula("y", font_size=HEADER_FONT, color=MUTED).move_to([columns["y"], header_y, 0]),
                             Formula("p - y", font_size=HEADER_FONT, color=MUTED).move_to([columns["d"], header_y, 0]))
        self.rows = VGroup()
        self.error_values = VGroup()
        scale = float(np.abs(ex.output_error).max()) or 1.0
        self.output_scale = scale
        for k, (p, y, d) in enumerate(zip(ex.probabilities, ex.target, ex.output_error)):
            y_pos = header_y - (k + 1) * ROW_PITCH
            value = Label(said(f"{d:.2f}"), font_size=VALUE_FONT, color=LABEL).move_to([columns["d"], y_pos, 0])
            swatch = Rectangle(width=0.28, height=0.28, stroke_width=0, fill_opacity=1,
                               fill_color=error_colors(np.array([d]), scale)[0]).move_to([area.right - 0.2, y_pos, 0])
            row = VGroup(Label(names[k], font_size=VALUE_FONT, color=LABEL).move_to([columns["name"], y_pos, 0]),
                         Label(f"{p:.2f}", font_size=VALUE_FONT, color=LABEL).move_to([columns["p"], y_pos, 0]),
                         Label(f"{int(y)}", font_size=VALUE_FONT, color=LABEL).move_to([columns["y"], y_pos, 0]),
                         value, swatch)
            self.rows.add(row)
            self.error_values.add(value)
        p, d = ex.probabilities[self.truth], ex.output_error[self.truth]
        self.right_formula = Formula(f"{p:.2f} - 1 = {d:.2f}", font_size=FORMULA_FONT, color=HIGHLIGHT)
        self.right_formula.next_to(self.rows[self.truth], LEFT, buff=0.3)

    def layout_flatten(self) -> None:
        """The flattened error as a strip, a piece a map; the last stage's maps of error in a grid; and the
        maps the error reaches at the first pool, in a grid of their own."""
        ex, area = self.example, self.area
        last = ex.stage_errors[-1].d_maps
        channels, rows, columns = last.shape
        self.last_scale = float(np.abs(last).max()) or 1.0
        height = 4.4  # the strip: its note clears the dense rule under the maps
        strip_x = self.rows.get_left()[0] - 2.9  # room for the arrow and what it says between
        self.strip = VGroup()
        colors = error_colors(last, self.last_scale).reshape(channels, rows * columns, 3)
        for c in range(channels):
            piece = Raster(colors[c][:, None, :], 0.3, height / channels, smooth=False)
            piece.move_to([strip_x, self.top - 0.3 - (c + 0.5) * height / channels, 0])
            self.strip.add(piece)
        self.strip_note = Label(f"{channels * rows * columns} numbers", font_size=NOTE_FONT, color=LABEL)
        self.strip_note.next_to(self.strip, DOWN, buff=0.15)
        self.layout_dense(height)
        grid_region_right = self.grid_right = strip_x - 0.8
        self.last_maps = self.map_grid(last, self.last_scale, area.left + 0.6, grid_region_right)
        self.last_note = Label(f"{channels} maps of {rows} × {columns}", font_size=NOTE_FONT, color=LABEL)
        self.last_note.next_to(self.last_maps, DOWN, buff=0.2)
        self.middle = (len(self.stages) > 2) if self.first_pool else (len(self.stages) > 1)
        if self.middle:
            reached = ex.stage_errors[1 if self.first_pool else 0].d_maps
            self.reached_scale = float(np.abs(reached).max()) or 1.0
            self.reached_maps = self.map_grid(reached, self.reached_scale, area.left + 0.6, grid_region_right)
            what = "the first pool's" if self.first_pool else "the first conv's"
            self.reached_note = Label(f"{what} {len(reached)} maps of {reached.shape[1]} × {reached.shape[2]}",
                                      font_size=NOTE_FONT, color=LABEL)
            self.reached_note.next_to(self.reached_maps, DOWN, buff=0.2)

    def layout_dense(self, height: float) -> None:
        """Between the output table and the strip, each hidden dense layer's δ as a column of cells (the
        layer nearest the output on the right), arrows from the table through them to the strip; and the
        dense layers' rule in words, where the last maps will be."""
        ex, area = self.example, self.area
        hidden = ex.dense_deltas[:-1][::-1]  # right to left, as the error goes
        left, right = self.strip.get_right()[0], self.rows.get_left()[0]
        pitch = (right - left) / (len(hidden) + 1)
        middle = self.rows[self.truth].get_center()[1]
        column_height = min(height * 0.7, 2 * (middle - self.area.bottom - 1.0))
        self.dense_columns, self.dense_notes = VGroup(), VGroup()
        for n, delta in enumerate(hidden):
            column = ErrorMap(delta[:, None], column_height)
            column.stretch_to_fit_width(DENSE_WIDTH)
            column.move_to([right - (n + 1) * pitch, middle, 0])
            self.dense_columns.add(column)
            note = Label(f"δ of {len(delta)}", font_size=NOTE_FONT, color=LABEL)
            self.dense_notes.add(note.next_to(column, DOWN, buff=0.15))
        # Arrows from the table's left edge, through each column, to the strip's right edge.
        starts = [self.rows.get_left()[0] - 0.05, *(c.get_left()[0] for c in self.dense_columns)]
        ends = [*(c.get_right()[0] for c in self.dense_columns), self.strip.get_right()[0]]
        self.flat_arrows = VGroup(*(Arrow([start, middle, 0], [end, middle, 0], buff=0.08, color=MUTED, stroke_width=3,
                                          max_tip_length_to_length_ratio=0.3) for start, end in zip(starts, ends)))
        dense = len(self.history.layer_sizes) - 1
        self.dense_rule = VGroup(*(Label(line, font_size=KEY_FONT, color=LABEL) for line in dense_rule_lines(dense)))
        self.dense_rule.arrange(DOWN, aligned_edge=LEFT, buff=0.15)
        room = self.strip.get_left()[0] - 0.5 - area.left
        if self.dense_rule.width > room:
            self.dense_rule.scale(room / self.dense_rule.width)
        # Written where the maps will come, as it is said; moved down under them as they come.
        self.dense_rule.move_to([area.left, middle, 0], LEFT)
        self.dense_rule_place = [area.left, area.bottom + 0.1, 0]

    def layout_key(self) -> None:
        """What the error colours mean, as the code colours them: an error is dC/d(value), so a negative one
        (green) says raising the value lowers the cost, a positive one (magenta) that lowering it does."""
        rows = VGroup()
        for value, words in ((-1.0, "green: raising it lowers the cost"), (1.0, "magenta: lowering it does")):
            swatch = Rectangle(width=0.28, height=0.28, stroke_width=0, fill_opacity=1,
                               fill_color=error_colors(np.array([value]), 1.0)[0])
            rows.add(VGroup(swatch, Label(words, font_size=KEY_FONT, color=LABEL)).arrange(RIGHT, buff=0.2))
        self.key = rows.arrange(DOWN, aligned_edge=LEFT, buff=0.15)
        self.key.move_to([self.area.right, self.area.bottom + 0.1, 0], DOWN + RIGHT)

    def layout_crossing(self) -> None:
        """The second conv's delta maps where the last maps were; then, in a row, one of its kernels' delta,
        that kernel's slice over the followed map, one cell's patch, and the followed map taking the patches;
        the rule under them."""
        ex, area, f, s = self.example, self.area, self.kernel, self.cross_stage
        deltas = ex.delta(s)
        count, rows, columns = deltas.shape
        self.second_scale = float(np.abs(deltas).max()) or 1.0
        self.second_maps = self.map_grid(deltas, self.second_scale, area.left + 0.6, self.grid_right)
        self.second_note = Label(f"δ of the second conv's {count} maps of {rows} × {columns}", font_size=NOTE_FONT,
                                 color=LABEL)
        self.second_note.next_to(self.second_maps, DOWN, buff=0.2)
        clamp(self.second_note, area)
        row, column = self.crossed_cell()
        g, p, q = crossing_pick(ex, s, f, row, column)
        self.cross_kernel, self.cross_cell, self.cross_target_cell = g, (p, q), (row, column)
        self.crossing = ex.crossing(s, g, f)
        target = ex.stage_errors[s - 1].d_maps[f]
        self.cross_values = target
        self.shares = kernel_shares(ex, s, f, row, column)
        sums = self.crossing_sums() + self.share_sums()
        target_scale = max(float(np.abs(m).max()) for m in sums) or 1.0
        side, top = CROSS_SIDE, self.top - 0.3
        y = top - side / 2
        self.cross_delta = ErrorMap(self.crossing.delta, side, scale=self.second_scale)
        self.cross_delta.move_to([area.left + side / 2, y, 0])
        self.cross_delta_note = Label(f"δ of its kernel {g + 1}", font_size=NOTE_FONT, color=LABEL)
        self.cross_delta_note.next_to(self.cross_delta, DOWN, buff=0.15)
        self.cross_ring = square_at(self.cross_delta.cell_center(p, q), self.cross_delta.pixel, HIGHLIGHT, 3)
        d = float(self.crossing.delta[p, q])
        self.cross_value = Label(f"δ = {said(fixed(d))}", font_size=VALUE_FONT, color=HIGHLIGHT)
        self.cross_value.next_to(self.cross_delta_note, DOWN, buff=0.15)
        size = self.crossing.weights.shape[0]
        cell = min(SLICE_CELL, 3.3 / size)
        weights = self.crossing.weights
        w_scale = float(np.abs(ex.kernels[ex.conv_stages.index(s)]).max()) or 1.0
        self.slice_grid = ValueGrid(weights, weight_image_colors(weights, w_scale), cell)
        patch = self.crossing.patch(p, q)
        self.patch_grid = ValueGrid(patch, error_colors(patch, target_scale), cell,
                                    texts=[said(fixed(v, 2)) for v in patch.ravel()])
        self.cross_target = ErrorMap(target, side, scale=target_scale)
        self.cross_target.move_to([area.right - side / 2, y, 0])
        gap = (self.cross_target.get_left()[0] - self.cross_delta.get_right()[0] - 2 * self.slice_grid.width) / 3
        self.slice_grid.move_to([self.cross_delta.get_right()[0] + gap + self.slice_grid.width / 2, y, 0])
        self.patch_grid.move_to([self.slice_grid.get_right()[0] + gap + self.patch_grid.width / 2, y, 0])
        self.times_sign = Label("×", font_size=TITLE_FONT, color=LABEL).move_to(
            [(self.cross_delta.get_right()[0] + self.slice_grid.get_left()[0]) / 2, y, 0])
        self.equals_sign = Label("=", font_size=TITLE_FONT, color=LABEL).move_to(
            [(self.slice_grid.get_right()[0] + self.patch_grid.get_left()[0]) / 2, y, 0])
        self.slice_note = Label(f"its {size} × {size} slice on map {f + 1}", font_size=NOTE_FONT, color=LABEL)
        self.slice_note.next_to(self.slice_grid, DOWN, buff=0.15)
        self.patch_note = Label(f"a {size} × {size} patch", font_size=NOTE_FONT, color=LABEL)
        self.patch_note.next_to(self.patch_grid, DOWN, buff=0.15)
        what = "pool map" if self.first_pool else "map"
        self.target_note = Label(f"{what} {f + 1}'s error", font_size=NOTE_FONT, color=LABEL)
        clamp(self.target_note.next_to(self.cross_target, DOWN, buff=0.15), area)
        self.patch_frame = square_at(self.cross_target.cell_center(p + (size - 1) / 2, q + (size - 1) / 2),
                                     size * self.cross_target.pixel, HIGHLIGHT, 2.5)
        self.target_frame = square_at(self.cross_target.cell_center(row, column), self.cross_target.pixel,
                                      HIGHLIGHT, 3)
        # The transposed convolution, in words: the error at a cell gathers every kernel's cells whose patch
        # covers it (a formula's subscripts were 6 px tall at 480p).
        self.cross_rule = VGroup(*(Label(line, font_size=KEY_FONT, color=LABEL) for line in self.cross_rule_lines()))
        self.cross_rule.arrange(DOWN, aligned_edge=LEFT, buff=0.12)
        self.cross_words = Label("a transposed convolution", font_size=KEY_FONT, color=MUTED)
        self.cross_words.move_to([area.left, self.cross_value.get_bottom()[1] - 0.35, 0], UP + LEFT)
        # The cells of the followed kernel's δ whose patches cover the ringed cell: what its share sums.
        top_row, left_column, bottom_row, right_column = self.crossing.covering(row, column)
        pixel = self.cross_delta.pixel
        self.cover_frame = Rectangle(width=(right_column - left_column + 1) * pixel,
                                     height=(bottom_row - top_row + 1) * pixel, color=HIGHLIGHT, stroke_width=2.5)
        self.cover_frame.move_to((self.cross_delta.cell_center(top_row, left_column)
                                  + self.cross_delta.cell_center(bottom_row, right_column)) / 2)
        self.layout_shares(row, column)

    def cross_rule_lines(self) -> tuple[str, str]:
        """The transposed convolution's rule in words, as the narration says it, in two lines."""
        cell = "pool cell" if self.first_pool else "cell"
        return f"each {cell}'s error sums", "δ × weight over the kernels"

    def share_order(self) -> list[int]:
        """The second conv's kernels whose shares of the crossed cell are shown one by one: the one followed,
        then those that add most (in size); the rest are added as one."""
        shares = self.shares
        rest = sorted((k for k in range(len(shares)) if k != self.cross_kernel), key=lambda k: -abs(shares[k]))
        return [self.cross_kernel, *rest[:NAMED_KERNELS - 1]]

    def share_sums(self) -> list[np.ndarray]:
        """The followed map's error as each shown kernel's patches add to the ones before; last, all kernels'."""
        s, f = self.cross_stage, self.kernel
        sums, total = [], np.zeros_like(self.cross_values)
        for k in self.share_order():
            total = total + self.example.crossing(s, k, f).spread()
            sums.append(total)
        return [*sums, self.cross_values]

    def layout_shares(self, row: int, column: int) -> None:
        """The crossed cell's error kernel by kernel: a line for each kernel shown, its share and the running
        total; a line for the others, ending at the cell's error. Each shown kernel's δ map, to stand where
        the followed one's does."""
        ex, s = self.example, self.cross_stage
        order, count = self.share_order(), len(self.shares)
        running = np.cumsum(self.shares[order])
        lines = [f"kernel {order[0] + 1}: {said(fixed(self.shares[order[0]]))}"]
        lines += [f"+ kernel {k + 1}: {said(fixed(self.shares[k]))} = {said(fixed(total))}"
                  for k, total in zip(order[1:], running[1:])]
        others = count - len(order)
        total = said(fixed(self.cross_values[row, column]))
        if others:
            rest = float(self.shares.sum() - running[-1])
            lines.append(f"+ the other {others}: {said(fixed(rest))} = {total}")
        self.share_lines = VGroup(*(Label(line, font_size=VALUE_FONT, color=LABEL) for line in lines))
        self.share_lines[-1].set_color(HIGHLIGHT)
        column_group = VGroup(self.cross_rule, *self.share_lines).arrange(DOWN, aligned_edge=LEFT, buff=0.17)
        self.share_lines.shift(DOWN * 0.2)  # the rule a paragraph of its own above the sum
        middle = Region(self.cross_delta.get_right()[0] + 0.3, self.cross_target.get_left()[0] - 0.3,
                        self.cross_words.get_top()[1] + 0.2, self.top - 0.3)
        if column_group.width > middle.width:
            column_group.scale(middle.width / column_group.width)
        column_group.move_to([middle.left, middle.top, 0], UP + LEFT)
        self.share_deltas = {k: ErrorMap(ex.delta(s)[k], self.cross_delta.width, scale=self.second_scale).move_to(
            self.cross_delta) for k in order[1:]}
        self.share_notes = {k: Label(f"δ of its kernel {k + 1}", font_size=NOTE_FONT, color=LABEL).move_to(
            self.cross_delta_note) for k in order[1:]}
        # Under the sum, between the words under the δ map and the colour key.
        room = Region(self.cross_words.get_right()[0] + 0.5, self.key.get_left()[0] - 0.3,
                      self.area.bottom + 0.45, self.share_lines.get_bottom()[1] - 0.3)
        self.layout_terms(order, row, column, room)

    def layout_terms(self, order: list[int], row: int, column: int, room: Region) -> None:
        """Each shown kernel's terms at the ringed cell, δ × weight for every cell of its δ that covers it, a
        grid the shape of the framed block, in ``room``'s top left; all on one colour scale."""
        s, f = self.cross_stage, self.kernel
        terms = {k: self.example.crossing(s, k, f).terms(row, column) for k in order}
        scale = max(float(np.abs(t).max()) for t in terms.values()) or 1.0
        cell = min(SLICE_CELL, room.width / max(t.shape[1] for t in terms.values()),
                   room.height / max(t.shape[0] for t in terms.values()))
        self.term_grids = {k: ValueGrid(t, error_colors(t, scale), cell, texts=[term_text(v) for v in t.ravel()])
                           for k, t in terms.items()}
        for grid in self.term_grids.values():
            grid.move_to([(room.left + room.right) / 2, room.top, 0], UP)
        self.term_note = Label("δ × weight", font_size=NOTE_FONT, color=LABEL)
        self.term_note.next_to(self.term_grids[order[0]], DOWN, buff=0.15)

    def map_grid(self, maps: np.ndarray, scale: float, left: float, right: float) -> VGroup:
        """``maps`` of error in a square-ish grid between ``left`` and ``right`` under the title."""
        count = len(maps)
        across = int(np.ceil(np.sqrt(count)))
        down = -(-count // across)
        gap = 0.12
        side = min((right - left - (across - 1) * gap) / across, (self.top - self.area.bottom - 1.0) / down - gap)
        grid = VGroup()
        for c in range(count):
            r, q = divmod(c, across)
            m = ErrorMap(maps[c], side, scale=scale)
            m.move_to([left + q * (side + gap) + side / 2, self.top - 0.3 - r * (side + gap) - side / 2, 0])
            grid.add(m)
        return grid

    def layout_pool(self) -> None:
        """The chosen kernel's map after the activation, its pool's winners lit; the error at the pool; the
        error at the map, winners only. The window with the largest error magnified under them."""
        ex, area, f = self.example, self.area, self.kernel
        top = self.top - 0.3
        self.a_map_values = ex.maps.a[1][f]
        self.a_scale = float(np.abs(self.a_map_values).max()) or 1.0
        self.d_map_values = ex.stage_errors[0].d_maps[f]
        self.delta_values = ex.delta(0)[f]
        self.delta_scale = float(np.abs(self.delta_values).max()) or 1.0
        side = self.map_side
        left_x, right_x = area.left + side / 2, area.right - side / 2
        self.error_map = ErrorMap(self.d_map_values, side, scale=self.delta_scale)
        self.error_map.move_to([right_x, top - side / 2, 0])
        self.error_note = Label(f"error of kernel {f + 1}'s map", font_size=NOTE_FONT, color=LABEL)
        clamp(self.error_note.next_to(self.error_map, DOWN, buff=0.15), area)
        self.delta_note = Label(f"δ of kernel {f + 1}, {self.delta_values.shape[0]} × {self.delta_values.shape[1]}",
                                font_size=NOTE_FONT, color=LABEL)
        clamp(self.delta_note.move_to(self.error_note), area)
        if not self.first_pool:
            return
        size = self.stages[1].size
        colors = map_colors(self.a_map_values, self.a_scale)
        mask = self.winner_mask()
        lit = colors * np.where(mask, 1.0, LOSERS_DIM)[..., None]
        self.a_map = FillingMap(self.a_map_values, self.map_side, scale=self.a_scale)
        self.a_map.colors = lit
        self.a_map.picture.set_rgb(lit)
        self.a_map.move_to([left_x, top - self.map_side / 2, 0])
        self.a_note = Label(f"kernel {f + 1}'s map, winners lit", font_size=NOTE_FONT, color=LABEL)
        clamp(self.a_note.next_to(self.a_map, DOWN, buff=0.15), area)
        pooled = ex.stage_errors[1].d_maps[f]
        side = 2.4
        self.pooled_map = ErrorMap(pooled, side, scale=float(np.abs(pooled).max()) or 1.0)
        self.pooled_map.move_to([0, top - side / 2, 0])
        self.pooled_note = Label(f"error at the pool, {pooled.shape[0]} × {pooled.shape[1]}", font_size=NOTE_FONT,
                                 color=LABEL)
        self.pooled_note.next_to(self.pooled_map, DOWN, buff=0.15)
        row, column = self.window = self.pool_window()
        centre = lambda m: m.cell_center(row * size + (size - 1) / 2, column * size + (size - 1) / 2)
        self.a_frame = square_at(centre(self.a_map), size * self.a_map.pixel, HIGHLIGHT, 2.5)
        self.error_frame = square_at(centre(self.error_map), size * self.error_map.pixel, HIGHLIGHT, 2.5)
        self.pooled_frame = square_at(self.pooled_map.cell_center(row, column), self.pooled_map.pixel, HIGHLIGHT, 2.5)
        window = self.a_map_values[row * size:(row + 1) * size, column * size:(column + 1) * size]
        errors = self.d_map_values[row * size:(row + 1) * size, column * size:(column + 1) * size]
        self.winner = int(self.winners()[row, column])
        self.pool_error = float(pooled[row, column])
        self.window_grid = ValueGrid(window, map_colors(window, self.a_scale), WINDOW_CELL)
        error_texts = [said(fixed(e)) if k == self.winner else "0" for k, e in enumerate(errors.ravel())]
        self.window_errors = ValueGrid(errors, error_colors(errors, self.delta_scale), WINDOW_CELL, texts=error_texts)
        self.window_grid.move_to([-1.3, self.pooled_note.get_bottom()[1] - 0.5 - self.window_grid.height / 2, 0])
        self.window_errors.next_to(self.window_grid, RIGHT, buff=1.0)
        self.window_arrow = Arrow(self.window_grid.get_right(), self.window_errors.get_left(), buff=0.1,
                                  color=MUTED, stroke_width=3)
        u, v = divmod(self.winner, size)
        self.winner_ring = VGroup(square_at(self.window_grid.cell_center(u, v), WINDOW_CELL, HIGHLIGHT, 4),
                                  square_at(self.window_errors.cell_center(u, v), WINDOW_CELL, HIGHLIGHT, 4))
        self.pool_value = Label(f"from the pool: {said(fixed(self.pool_error))}", font_size=VALUE_FONT,
                                color=HIGHLIGHT)
        clamp(self.pool_value.next_to(self.window_errors, RIGHT, buff=0.4), self.area)
        self.window_note = Label(f"its {size} × {size} window", font_size=NOTE_FONT, color=MUTED)
        self.window_note.next_to(self.window_grid, LEFT, buff=0.3)

    def layout_weight(self) -> None:
        """A row: the digit, δ, the products filling, the kernel; the sum written under them."""
        area, f = self.area, self.kernel
        size, side = self.size, self.map_side
        top = self.top - 0.3
        image = self.history.X_train[self.sample].astype(float).reshape(self.history.image_shape)
        self.image = image
        self.digit = PixelImage(image.ravel(), image.shape, side)
        self.digit.move_to([area.left + side / 2, top - side / 2, 0])
        self.digit_note = Label("the digit's pixels x", font_size=NOTE_FONT, color=LABEL)
        self.digit_note.next_to(self.digit, DOWN, buff=0.15)
        self.delta_place = np.array([area.left + 1.5 * side + 0.45, top - side / 2, 0])
        products = self.products()
        self.product_scale = float(np.abs(products).max()) or 1.0
        self.product_map = ErrorMap(products, side, scale=self.product_scale)
        self.product_map.move_to([area.left + 2.5 * side + 0.9, top - side / 2, 0])
        self.product_note = Label("x · δ, place by place", font_size=NOTE_FONT, color=LABEL)
        self.product_note.next_to(self.product_map, DOWN, buff=0.15)
        weights = self.network.kernels[0][f, 0]
        scale = float(np.abs(self.network.kernels[0]).max()) or 1.0
        self.kernel_grid = ValueGrid(weights, weight_image_colors(weights, scale), self.kernel_cell)
        self.kernel_grid.move_to([area.right - self.kernel_grid.width / 2, top - self.kernel_grid.height / 2, 0])
        self.kernel_note = Label(f"kernel {f + 1} at epoch {self.epoch:,}", font_size=NOTE_FONT, color=LABEL)
        self.kernel_note.next_to(self.kernel_grid, DOWN, buff=0.15)
        self.weight_ring = square_at(self.kernel_grid.cell_center(self.i, self.j), self.kernel_cell, HIGHLIGHT, 4)
        self.weight_label = Label(f"w = {number(self.weight())}", font_size=VALUE_FONT, color=HIGHLIGHT)
        self.weight_label.next_to(self.kernel_note, DOWN, buff=0.15)
        self.trained_label = Label(f"epoch {self.last_epoch:,}: w = {number(self.trained_weight())}",
                                   font_size=VALUE_FONT, color=MUTED)
        self.trained_label.next_to(self.weight_label, DOWN, buff=0.12)
        for label in (self.kernel_note, self.weight_label, self.trained_label):
            clamp(label, area)
        self.layout_trained(scale)
        pixel = self.digit.picture.width / image.shape[1]
        corner = self.digit.picture.get_corner(UP + LEFT)
        self.pixel_of = lambda row, column, span=1: corner + np.array([(column + span / 2) * pixel,
                                                                         -(row + span / 2) * pixel, 0])
        self.window_frame = square_at(self.pixel_of(0, 0, size), size * pixel, HIGHLIGHT, 2)
        self.pixel_frame = square_at(self.pixel_of(self.i, self.j), pixel, HIGHLIGHT, 3)
        self.rule = Formula("(partial C)/(partial w) = sum_(p, q) x_(p+i, q+j) dot delta_(p q)",
                            font_size=FORMULA_FONT, color=LABEL)
        self.rule.move_to([area.left, self.digit_note.get_bottom()[1] - 0.5, 0], UP + LEFT)
        self.lines = VGroup()
        places = self.slow_places()
        x_values = self.example.maps.a[0][0]
        for place in places:
            p, q = divmod(place, products.shape[1])
            x, d = x_values[p + self.i, q + self.j], self.delta_values[p, q]
            self.lines.add(Formula(f"{fixed(x)} dot {factor_code(fixed(d))} = {fixed(x * d)}",
                                   font_size=FORMULA_FONT, color=LABEL))
        self.lines.arrange(DOWN, aligned_edge=LEFT, buff=0.18)
        self.lines.next_to(self.rule, DOWN, buff=0.3, aligned_edge=LEFT).shift(RIGHT * 0.5)
        if places:
            self.first_parts = self.line_parts(self.lines[0])
        self.running = np.cumsum(products.ravel())
        self.sum_word = Label("sum so far", font_size=NOTE_FONT, color=MUTED)
        self.sum_readout = Readout(10, font_size=30, color=HIGHLIGHT)
        self.sum_readout.set_text("0")
        self.sum_readout.next_to(self.sum_word, RIGHT, buff=0.25).align_to(self.sum_word[0], DOWN)
        self.sum_group = VGroup(self.sum_word, self.sum_readout)
        self.sum_group.move_to([self.product_map.get_center()[0] + 0.6, self.rule.get_center()[1], 0])
        # A tall kernel (5 x 5) brings its name down beside the sum: the sum moves left of it.
        for label in (self.kernel_note, self.weight_label):
            if boxes_overlap(self.sum_group, label):
                self.sum_group.shift(LEFT * (self.sum_group.get_right()[0] - label.get_left()[0] + 0.2))
        count = products.size
        total = float(products.sum())
        self.count_note = Label(f"{products.shape[0]} × {products.shape[1]} = {count} products", font_size=NOTE_FONT,
                                color=LABEL)
        self.count_note.next_to(self.sum_group, DOWN, buff=0.35).align_to(self.sum_group, LEFT)
        penalty = self.gradient() - total
        code = f"(partial C)/(partial w) = {fixed(self.gradient())}"
        if abs(penalty) > 1e-12:
            code = f"(partial C)/(partial w) = {fixed(total)} + {factor_code(fixed(penalty))} = {fixed(self.gradient())}"
        self.total = Formula(code, font_size=FORMULA_FONT + 2, color=HIGHLIGHT)
        self.total.next_to(self.count_note, DOWN, buff=0.3).align_to(self.count_note, LEFT)
        if self.total.get_right()[0] > area.right:
            self.total.shift(LEFT * (self.total.get_right()[0] - area.right))

    def layout_trained(self, scale: float) -> None:
        """The followed kernel as the run left it, small under where training took the weight (on the
        epoch-0 kernel's colour scale, so the two compare), its weight ringed; none where it has no room."""
        f, size, area = self.kernel, self.size, self.area
        trained = self.history.kernels[0][-1][f, 0].astype(float)
        self.trained_note = Label(f"kernel {f + 1} at epoch {self.last_epoch:,}", font_size=NOTE_FONT, color=MUTED)
        # Beside the epoch-0 kernel, level with it, where the products will be (they come as it goes).
        right = self.kernel_grid.get_left()[0] - 0.4
        room = right - (self.delta_place[0] + self.map_side / 2 + 0.3)
        cell = min(self.kernel_cell, room / size)
        self.trained_grid = None
        if cell < TRAINED_SMALLEST:  # its numbers would be too small to read
            return
        self.trained_grid = ValueGrid(trained, weight_image_colors(trained, scale), cell)
        self.trained_grid.move_to([right, self.kernel_grid.get_top()[1], 0], UP + RIGHT)
        self.trained_note.next_to(self.trained_grid, DOWN, buff=0.12)
        clamp(self.trained_note, area)
        self.trained_ring = square_at(self.trained_grid.cell_center(self.i, self.j), cell, HIGHLIGHT, 3)
        self.trained_view = VGroup(self.trained_grid, self.trained_ring, self.trained_note)

    @staticmethod
    def line_parts(line: Formula) -> tuple[Formula, Formula]:
        """A worked line "x · δ = product" as two formulas, its factors and "= product", each drawn over the
        line's own glyphs: the factors can be written as they are said and the product after."""
        left, _, right = line.typst_code.strip("$ ").rpartition(" = ")
        parts = Formula(left, font_size=line.font_size, color=LABEL), Formula(f"= {right}",
                                                                              font_size=line.font_size, color=LABEL)
        glyphs = line.family_members_with_points()
        count = len(parts[0].family_members_with_points())
        for part, own in zip(parts, (glyphs[:count], glyphs[count:])):
            part.move_to(VGroup(*own).get_center())
        return parts

    def first_numbers(self) -> tuple[str, str]:
        """The first worked place's pixel and product, as the narration says them."""
        place = self.slow_places()[0]
        p, q = divmod(place, self.product_map.columns)
        x = self.example.maps.a[0][0][p + self.i, q + self.j]
        return fixed(x), said(fixed(x * self.delta_values[p, q]))

    def layout_kernel(self) -> None:
        """The kernel's weights and its gradients for this example side by side on the left; the whole set's
        gradient and the run's optimizer in a column on the right; the plain step under the grids."""
        area, h = self.area, self.history
        grads = self.example.gradients.kernels[0][self.kernel, 0]
        scale = float(np.abs(grads).max()) or 1.0
        self.grad_grid = ValueGrid(grads, error_colors(grads, scale), self.gradient_cell,
                                   texts=[said(fixed(g, 3 if self.size <= 3 else 2)) for g in grads.ravel()])
        top = self.top - 0.3
        kernel_side = self.size * self.kernel_cell
        self.kernel_place = np.array([area.left + kernel_side / 2, top - kernel_side / 2, 0])
        self.grad_grid.move_to([area.left + kernel_side + 0.8 + self.grad_grid.width / 2,
                                top - self.grad_grid.height / 2, 0])
        self.grad_note = Label(f"their {self.size * self.size} gradients, ∂C/∂w", font_size=NOTE_FONT, color=LABEL)
        self.grad_note.next_to(self.grad_grid, DOWN, buff=0.15)
        self.weights_note = Label(f"the kernel's {self.size * self.size} weights", font_size=NOTE_FONT, color=LABEL)
        self.grad_ring = square_at(self.grad_grid.cell_center(self.i, self.j), self.gradient_cell, HIGHLIGHT, 4)
        column = Region(self.grad_grid.get_right()[0] + 0.5, area.right, area.bottom, top)
        count = len(h.X_train)
        self.average = Formula(f"overline((partial C)/(partial w)) = {fixed(self.whole_gradient())}",
                               font_size=FORMULA_FONT, color=LABEL)
        self.average_note = Label(f"all {count:,} samples, epoch {self.epoch:,}", font_size=NOTE_FONT,
                                  color=MUTED)
        average = VGroup(self.average, self.average_note).arrange(DOWN, aligned_edge=LEFT, buff=0.15)
        fit(average, column.below(top).above(top - average.height), UP + LEFT)
        w, stepped, then = self.step_numbers()
        rate = rate_code(h.learning_rate)
        self.step_line = Formula(f"w - eta overline((partial C)/(partial w)) = {w} - {rate} dot "
                                 f"{factor_code(fixed(self.whole_gradient()))} = {stepped}",
                                 font_size=FORMULA_FONT, color=LABEL)
        self.step_line.move_to([area.left, self.grad_note.get_bottom()[1] - 0.45, 0], UP + LEFT)
        fit_right(self.step_line, area.right)
        # The samples' bars right of where the step is written, when there is room: they stay while it is
        # (the average it steps by, among the samples it averages), not leaving half the frame empty.
        room = column.below(average.get_bottom()[1] - 0.5)
        beside = Region(self.step_line.get_right()[0] + 0.5, room.right, room.bottom, room.top)
        self.bars_stay = beside.width >= max(BARS_LEAST_WIDTH, room.width * 0.75)
        self.layout_samples(beside if self.bars_stay else room)
        self.run_lines = VGroup()
        if not self.plain_steps():
            self.run_lines.add(*self.optimizer_lines())
            self.then_line = Label(f"epoch {self.next_epoch:,}, by {self.optimizer_name()}: w = {said(then)}",
                                   font_size=VALUE_FONT,
                                   color=HIGHLIGHT)
            self.why_line = Label(" ".join(WHY_LINES), font_size=KEY_FONT, color=MUTED)
            for line in (self.then_line, self.why_line):  # they go under the step, across the frame
                if line.width > area.width:
                    line.scale(area.width / line.width)
            for line in self.run_lines:  # each line narrowed alone: the short ones, which say numbers, keep their size
                if line.width > column.width:
                    line.scale(column.width / line.width)
            self.run_lines.arrange(DOWN, aligned_edge=LEFT, buff=0.2)
            self.run_lines.move_to([column.left, average.get_bottom()[1] - 0.45, 0], UP + LEFT)
            if self.step_line.get_right()[0] > column.left - 0.2 and \
                    self.step_line.get_top()[1] > self.run_lines.get_bottom()[1]:
                # Long numbers (a tiny rate's digits) reach under the optimizer's lines: the step goes below them.
                self.step_line.move_to([area.left, self.run_lines.get_bottom()[1] - 0.35, 0], UP + LEFT)
            self.place_outcome(column, [self.step_line, self.run_lines, average, self.grad_grid, self.grad_note])

    @cached_property
    def sample_gradients(self) -> np.ndarray:
        """The followed weight's gradient at this snapshot from each of ``SAMPLE_BARS`` training samples, the
        followed one first, then the set's first others (once: the bars and the caption both read them)."""
        h = self.history
        samples = [self.sample, *(k for k in range(min(len(h.X_train), SAMPLE_BARS)) if k != self.sample)]
        samples = samples[:SAMPLE_BARS]
        return sample_weight_gradients(self.network, h.X_train[samples].astype(float), h.y_train[samples],
                                                self.kernel, self.i, self.j)

    def layout_samples(self, room: Region) -> None:
        """A bar a sample, its own ∂C/∂w (magenta up, green down, as the gradients' grid), the followed one
        first and ringed; a dashed line at the whole set's average; what they are under them."""
        grads = self.bar_values = self.sample_gradients
        mean = self.whole_gradient()
        label_room = 0.9  # "mean", left of the bars
        note_room = 0.45
        left, right = room.left + label_room, room.right
        top, bottom = room.top, room.bottom + note_room
        high, low = max(float(grads.max()), mean, 0.0), min(float(grads.min()), mean, 0.0)
        unit = (top - bottom) / ((high - low) or 1.0)
        base = bottom - low * unit
        pitch = (right - left) / len(grads)
        colors = error_colors(grads, float(np.abs(grads).max()) or 1.0)
        self.bars = VGroup()
        for n, (value, rgb) in enumerate(zip(grads, colors)):
            bar = Rectangle(width=0.7 * pitch, height=max(abs(value) * unit, 0.01), stroke_width=0, fill_opacity=1,
                            fill_color=rgb_to_color(np.clip(rgb, 0, 1)))
            bar.move_to([left + (n + 0.5) * pitch, base, 0], DOWN if value >= 0 else UP)
            self.bars.add(bar)
        self.bar_ring = SurroundingRectangle(self.bars[0], color=HIGHLIGHT, buff=0.04, stroke_width=2)
        self.bar_value = Label(said(fixed(grads[0])), font_size=NOTE_FONT, color=HIGHLIGHT)
        self.bar_value.next_to(self.bar_ring, UP if grads[0] >= 0 else DOWN, buff=0.08)
        clamp(self.bar_value, room)
        self.bars_axis = Line([left, base, 0], [right, base, 0], color=MUTED, stroke_width=1.5)
        self.mean_line = DashedLine([left - 0.1, base + mean * unit, 0], [right, base + mean * unit, 0],
                                    color=HIGHLIGHT, stroke_width=3)
        self.mean_word = Label("mean", font_size=NOTE_FONT, color=HIGHLIGHT)
        self.mean_word.next_to(self.mean_line, LEFT, buff=0.1)
        self.bars_note = Label(f"∂C/∂w, a bar a sample: {len(grads)} of {len(self.history.X_train):,}",
                               font_size=NOTE_FONT, color=MUTED)
        self.bars_note.move_to([left, room.bottom, 0], DOWN + LEFT)
        fit_right(self.bars_note, room.right)
        self.bars_chart = VGroup(self.bars_axis, self.bars, self.bar_ring, self.bar_value, self.mean_line,
                                 self.mean_word, self.bars_note)

    def place_outcome(self, column: Region, taken: list) -> None:
        """Where the run took w (and, when that is uphill of the gradient, why) placed clear of ``taken``: under
        the plain step, the two read against each other; else, shorter, under the optimizer's lines (whose
        steps they are) with why under the step; else beside the step."""
        area, step, why = self.area, self.step_line, not self.went_downhill()
        short = Label(self.then_line.original_text.replace(f", by {self.optimizer_name()}", ""),
                      font_size=VALUE_FONT, color=HIGHLIGHT)

        def under(mobject, left: float, buff: float):
            return [left, mobject.get_bottom()[1] - buff, 0]

        in_a_row = [(short, under(step, area.left, 0.3)),
                    (self.why_line, under(step, area.left + short.width + 0.4, 0.3))]
        places = [
            [(self.then_line, under(step, area.left, 0.4)), (self.why_line, under(step, area.left, 0.95))],
            in_a_row,
            [(short, under(self.run_lines, column.left, 0.3)), (self.why_line, under(step, area.left, 0.3))],
            [(short, [step.get_right()[0] + 0.3, step.get_center()[1] + short.height / 2, 0]),
             (self.why_line, under(step, area.left, 0.3))],
        ]
        # Last, beside the step: where w went, and why in two lines under it.
        folded = VGroup(*(Label(words, font_size=KEY_FONT, color=MUTED) for words in WHY_LINES))
        folded.arrange(DOWN, aligned_edge=LEFT, buff=0.1)
        above = min(self.run_lines.get_bottom()[1], self.grad_note.get_bottom()[1]) - 0.25
        beside = [step.get_right()[0] + 0.3, max(step.get_top()[1], above), 0]
        places.append([(short, beside), (folded, [beside[0], beside[1] - short.height - 0.15, 0])])

        def clear(place) -> bool:
            for line, corner in place:
                line.move_to(corner, UP + LEFT)
            shown = [line for line, _ in place if line is place[0][0] or why]
            return all(inside(line, area) and not any(boxes_overlap(line, other) for other in taken) for line in shown)

        place = next((place for place in places if clear(place)), in_a_row)
        clear(place)  # where it goes, even when nothing is clear
        self.then_line, self.why_line = place[0][0], place[1][0]

    def optimizer_lines(self) -> list:
        """What the run's optimizer does with the gradients, as lines for the screen."""
        h = self.history
        lines = []
        if h.optimizer == "adam":
            lines.append(Formula("w arrow.l w - eta hat(m) / (sqrt(hat(v)) + epsilon)", font_size=FORMULA_FONT,
                                 color=LABEL))
            lines.append(Label("m: running mean of the gradient", font_size=KEY_FONT, color=MUTED))
            lines.append(Label("v: running mean of its square", font_size=KEY_FONT, color=MUTED))
        elif h.optimizer == "momentum":
            lines.append(Formula("v arrow.l beta v + (partial C)/(partial w), quad w arrow.l w - eta v",
                                 font_size=FORMULA_FONT, color=LABEL))
        elif h.optimizer == "rmsprop":
            lines.append(Formula("w arrow.l w - eta (partial C)/(partial w) / (sqrt(s) + epsilon)",
                                 font_size=FORMULA_FONT, color=LABEL))
            lines.append(Label("s: running mean of the gradient's square", font_size=KEY_FONT, color=MUTED))
        if h.batch_size is not None:
            lines.append(Label(f"batches of {h.batch_size:,}", font_size=VALUE_FONT, color=LABEL))
            lines.append(Label(f"{self.steps_per_epoch():,} steps an epoch", font_size=VALUE_FONT, color=LABEL))
        if h.dropout:
            lines.append(Label(f"{h.dropout:.0%} of hidden neurons silenced", font_size=VALUE_FONT, color=LABEL))
        return lines

    # -- the story ---------------------------------------------------------------------------------

    def script(self) -> list[Beat]:
        ex, names = self.example, output_names(self.history)
        s, e, f = self.sample, self.epoch, self.kernel + 1
        name = names[self.truth]
        p, d = ex.probabilities[self.truth], ex.output_error[self.truth]
        last = ex.stage_errors[-1].d_maps
        channels, rows, columns = last.shape
        dense = len(self.history.layer_sizes) - 1
        through = "the dense layer" if dense == 1 else f"the {dense} dense layers"
        rule = "each number's error sums weight × δ over the next layer"
        beats = [
            Beat(f"Backpropagation through a convolutional network: how training sample {s} tells the first "
                 f"layer's kernels which way to move, at epoch {e:,}.", self.show_intro,
                 brief=f"How does sample {s} move the first layer's kernels, at epoch {e:,}?"),
            Beat(f"It starts at the output: each probability minus the one-hot label. The right class, {name}, "
                 f"gets {p:.2f} − 1 = {said(f'{d:.2f}')}; every other class its probability.", self.show_output,
                 brief=f"The output's error is p − y: {p:.2f} − 1 = {said(f'{d:.2f}')} for the right class, {name}."),
            Beat(f"Back through {through}, as in any dense network, {rule}, down to the "
                 f"{channels * rows * columns} flattened numbers: the last {channels} maps of {rows} × {columns}.",
                 self.show_flatten,
                 brief=f"Back through {through}, {rule}: {channels} maps of {rows} × {columns}."),
        ]
        beats.append(Beat("Green marks a negative error: raising that value would lower the cost. Magenta, a positive "
                          "one: lowering it would.", self.show_key,
                          brief="Green: raise it to lower the cost; magenta: lower it."))
        if self.cross_stage is not None:
            beats += self.crossing_beats()
        elif self.middle:
            reached = ex.stage_errors[1 if self.first_pool else 0].d_maps
            what = "the first pool's" if self.first_pool else "the first conv's"
            beats.append(Beat(f"Back through the later layers, the same way, it reaches {what} {len(reached)} maps "
                              f"of {reached.shape[1]} × {reached.shape[2]}.", self.show_middle,
                              brief=f"Then {what} {len(reached)} maps."))
        if self.first_pool:
            n = self.stages[1].size
            beats.append(Beat(f"Take kernel {f}'s map. Its max-pool passed on only each {n} × {n} window's winner, so "
                              f"the error comes back to the winner alone: here {said(fixed(self.pool_error))}; "
                              "the other cells get 0.", self.show_pool,
                              brief=f"The first pool passes it to each window's winner alone: "
                                    f"here {said(fixed(self.pool_error))}."))
        beats += [
            Beat(self.slope_caption(), self.show_slope, brief=self.slope_caption(brief=True)),
            Beat(self.weight_caption(), self.show_weight, brief=self.weight_caption(brief=True)),
            Beat("So its gradient adds up, over every place, the pixel it multiplied times the error δ there.",
                 self.show_rule, brief="its gradient adds, over every place, the pixel under it times δ there."),
            *self.product_beats(),
            Beat("Then faster, place after place: most products are nothing, where the pixel is blank or δ is zero.",
                 self.show_fast, in_brief=Brief.WITH_NEXT),
            Beat(self.total_caption(), self.show_total, brief=self.total_caption(brief=True)),
            Beat(f"Each of the kernel's {self.size * self.size} weights gets its gradient the same way.",
                 self.show_kernel_gradients,
                 brief=f"So do all {self.size * self.size} weights of the kernel."),
            Beat(self.average_caption(), self.show_average, brief=self.average_caption(brief=True)),
            Beat(self.step_caption(), self.show_step, brief=self.step_caption(brief=True)),
        ]
        if not self.plain_steps():
            # Told briefly, the optimizer's lines are written under the sentence that says where it took w.
            beats.append(Beat(self.optimizer_caption(), self.show_optimizer, in_brief=Brief.WITH_NEXT))
            beats.append(Beat(self.then_caption(), self.show_then, brief=self.then_caption(brief=True)))
        return beats

    def crossing_beats(self) -> list[Beat]:
        """The error from the last maps to the second conv's delta, then across that conv onto the followed
        map: one cell's patch, the others', all kernels'."""
        s, f, g = self.cross_stage, self.kernel + 1, self.cross_kernel + 1
        count, rows, columns = self.example.delta(s).shape
        later = self.stages[s + 1:]
        relu = self.history.activation == "relu"
        slope = "ReLU's slope" if relu else "the activation's slope"
        maps = f"the second conv's {count} maps"
        if not later:
            full, brief = f"Through {slope}, it is δ, the error at the sums of {maps} of {rows} × {columns}.", \
                f"Through {slope}: δ of {maps}."
        elif len(later) == 1 and isinstance(later[0], Pool):
            full = (f"Through the second pool, each window's error goes to its winner; through {slope}, it is δ, the "
                    f"error of {maps} of {rows} × {columns}.")
            brief = f"Through the second pool and {'ReLU' if relu else slope}: the second conv's δ."
        else:
            full = f"Back through the later layers, the same way, to δ of {maps} of {rows} × {columns}."
            brief = f"Back through the later layers to δ of {maps}."
        size = self.crossing.weights.shape[0]
        p, q = self.cross_cell
        d = said(fixed(self.crossing.delta[p, q]))
        what = "pool map" if self.first_pool else "map"
        return [
            Beat(full, self.show_second, brief=brief),
            Beat(f"Its kernel {g} read each {what} through a {size} × {size} slice. One cell's δ, {d}, times "
                 f"the slice on {what} {f}, lands on the {size} × {size} patch that cell saw.", self.show_patch,
                 brief=f"Each cell's δ times its kernel's {size} × {size} slice lands on the patch it saw."),
            Beat("The other cells' patches overlap and add.", self.show_spread,
                 in_brief=Brief.WITH_PREVIOUS),
            Beat(self.shares_caption(), self.show_shares, brief=self.shares_caption(brief=True)),
        ]

    def share_pieces(self, brief: bool | None = None) -> tuple[list[str], list[str]]:
        """The words that name each line of the kernel-by-kernel sum (each kernel, then the others), as said
        briefly or in full, and the part of each the line is written as (its kernel named)."""
        brief = self.brief if brief is None else brief
        order, shares = self.share_order(), self.shares
        others = len(shares) - len(order)
        rest = float(shares.sum() - shares[order].sum())
        if brief:
            said_as = [f"kernel {order[0] + 1}'s"] + [f"{k + 1}'s" for k in order[1:]]
            said_as += [f"the other {others}'s"] if others else []
            return said_as, said_as
        said_as = [f"kernel {k + 1}'s {said(fixed(shares[k]))}" for k in order]
        said_as += [f"the other {others}'s {said(fixed(rest))}"] if others else []
        return said_as, [words.rpartition(" ")[0] for words in said_as]

    def shares_caption(self, brief: bool = False) -> str:
        """The crossed cell's error as every kernel's patches add to it, told kernel by kernel."""
        f = self.kernel + 1
        what = "pool map" if self.first_pool else "map"
        total = said(fixed(self.cross_values[self.cross_target_cell]))
        pieces = self.share_pieces(brief)[0]
        named = pieces[0] if len(pieces) == 1 else ", ".join(pieces[:-1]) + " and " + pieces[-1]
        rule = " ".join(self.cross_rule_lines()).capitalize()
        if brief:
            return f"{rule}: {named} make {total}."
        return f"{rule}: at the ringed cell, {', '.join(pieces)}: {what} {f}'s error, {total}."

    def weight_caption(self, brief: bool = False) -> str:
        """One weight of the kernel as it is at this snapshot, and where training took it by the last: told
        briefly after the convolution chapter showed this kernel trained, the two are bridged."""
        f, w, trained = self.kernel + 1, number(self.weight()), number(self.trained_weight())
        began = "as training began" if self.snapshot == 0 else f"at epoch {self.epoch:,}"
        if brief:
            began = "at the start" if self.snapshot == 0 else began
            if self.shown_trained():
                return f"One weight of kernel {f} {began}, w = {w}, not yet the trained {trained} we saw:"
            return f"One weight of kernel {f} {began}, w = {w}, trained to {trained}:"
        return (f"Now one weight of kernel {f} {began}, w = {w} (by epoch {self.last_epoch:,}, {trained}). Wherever "
                "the kernel stood, it multiplied one pixel of the digit.")

    def slope_caption(self, brief: bool = False) -> str:
        f = self.kernel + 1
        if self.history.activation == "relu":
            if brief:
                return f"ReLU passes it only where the sum was positive: kernel {f}'s δ."
            return ("Then ReLU's slope: 1 where the sum z was positive, 0 where not, so the error passes only where "
                    f"the map was lit. This is δ = ∂C/∂z, kernel {f}'s error map.")
        if brief:
            return f"The activation's slope scales it: δ, kernel {f}'s error."
        return (f"Then the {self.history.activation} slope at each sum z scales the error. This is δ = ∂C/∂z, "
                f"kernel {f}'s error map.")

    def product_beats(self) -> list[Beat]:
        places = self.slow_places()
        if not places:
            return []
        products = self.products()
        x_values = self.example.maps.a[0][0]
        p, q = divmod(places[0], products.shape[1])
        x, d = x_values[p + self.i, q + self.j], self.delta_values[p, q]
        beats = [Beat(f"At the first place where both count, the pixel is {fixed(x)} and δ is {said(fixed(d))}: "
                      f"their product is {said(fixed(x * d))}.", self.show_first_product,
                      brief=f"Here {fixed(x)} × {said(fixed(d))} = {said(fixed(x * d))}.")]
        if len(places) > 1:
            rest = [said(fixed(products.ravel()[k])) for k in places[1:]]
            so_far = said(fixed(self.running[places[-1]]))
            beats.append(Beat(f"The next places add theirs, {' and '.join(rest)}: the sum so far is {so_far}.",
                              self.show_next_products, in_brief=Brief.WITH_NEXT))
        return beats

    def total_caption(self, brief: bool = False) -> str:
        count = self.products().size
        g = said(fixed(self.gradient()))
        total = float(self.products().sum())
        penalty = self.gradient() - total
        if abs(penalty) > 1e-12:
            added = f"{said(fixed(total))}, and with the penalty's {said(fixed(penalty))}, ∂C/∂w = {g}"
        else:
            added = f"∂C/∂w = {g}"
        if brief:
            return f"All {count} products add up to {added}."
        return f"All at once, the {count} products add up to {added}: the backward pass's own gradient, rounded."

    def average_caption(self, brief: bool = False) -> str:
        count = len(self.history.X_train)
        g = said(fixed(self.whole_gradient()))
        # Why an average: the samples the bars show pull this weight different ways, or by different amounts.
        grads = self.sample_gradients
        mixed = bool((grads > 0).any() and (grads < 0).any())
        if brief:
            pull = "Samples pull it different ways" if mixed else "Each sample pulls it its own amount"
            return f"{pull}; averaged over all {count:,} at epoch {self.epoch:,}: {g}."
        pull = "others pull it different ways" if mixed else "each pulls it its own amount"
        return f"That is one example's; {pull}. Averaged over all {count:,} at epoch {self.epoch:,}, it is {g}."

    def step_caption(self, brief: bool = False) -> str:
        w, stepped, _ = (said(text) for text in self.step_numbers())
        rate = f"{self.history.learning_rate:g}"
        if self.plain_steps():
            return (f"Gradient descent steps against it: w − η × gradient, with η = {rate}, takes this weight "
                    f"from {w} to {stepped}.")
        if brief:
            return f"Plain gradient descent, η = {rate}, would take it from {w} to {stepped}."
        return (f"Plain gradient descent would step against it: w − η × gradient, with η = {rate}, would take "
                f"this weight from {w} to {stepped}.")

    def optimizer_caption(self) -> str:
        """What makes the run's steps other than one plain step on the whole set's gradient."""
        h = self.history
        how = (f" on batches of {h.batch_size:,}, {self.steps_per_epoch():,} steps an epoch"
               if h.batch_size is not None else "")
        if h.dropout:
            how += f", silencing {h.dropout:.0%} of its hidden neurons at each step"
        if h.optimizer == "adam":
            return f"But this run steps with Adam{how}: {ADAM_WORDS}."
        if h.optimizer == "momentum":
            return f"But this run steps with momentum{how}, adding part of the last step to each."
        if h.optimizer == "rmsprop":
            return f"But this run steps with RMSprop{how}, dividing by the gradient's running size."
        return f"But this run steps{how}."

    def went_downhill(self) -> bool:
        """Whether the run's next recorded weight lies where this gradient points downhill (or it stayed)."""
        _, _, then = self.step_numbers()
        change = float(then) - float(self.step_numbers()[0])
        return change == 0 or (change > 0) == (self.whole_gradient() < 0)

    def then_caption(self, brief: bool = False) -> str:
        """Where the run's steps had the weight one snapshot later; when that is uphill of this gradient, why:
        the gradient is the slope at this snapshot only, and over the steps between, as every weight moved,
        the slope under this one changed (the optimizer follows the gradients it meets)."""
        w, _, then = self.step_numbers()
        n, name = f"{self.next_epoch:,}", self.optimizer_name()
        if self.went_downhill():
            return f"By epoch {n}, {name}'s steps had taken this weight to {said(then)}."
        way = "up" if float(then) > float(w) else "down"
        if brief:
            return (f"Yet by epoch {n} {name}'s steps had taken it {way} to {said(then)}: its slope changed as every "
                    "weight moved.")
        return (f"Yet by epoch {n} {name}'s steps had taken this weight {way}, to {said(then)}: this gradient was the "
                "slope then only; as every weight moved, the slope under it changed.")

    def optimizer_name(self) -> str:
        return {"adam": "Adam", "momentum": "momentum", "rmsprop": "RMSprop"}.get(self.history.optimizer,
                                                                              "gradient descent")

    # -- beats: the error, backwards ---------------------------------------------------------------

    def show_intro(self) -> None:
        # The question is asked over what the network made of the sample: its probabilities, each against
        # the label; the errors, their difference, come with the next beat.
        self.play(Write(self.title), FadeIn(self.subtitle), FadeIn(self.digit_small, scale=0.9), run_time=1.0)
        self.play(FadeIn(self.header[:3]), LaggedStart(*(FadeIn(row[:3], shift=LEFT * 0.2) for row in self.rows),
                                                       lag_ratio=0.1),
                  Indicate(self.subtitle, color=HIGHLIGHT, scale_factor=1.05), run_time=self.paced(1.2))

    def show_output(self) -> None:
        # The errors' column comes in until the right class's sum is said, which is written next.
        p = self.example.probabilities[self.truth]
        self.play(FadeIn(self.header[3]), LaggedStart(*(FadeIn(row[3:], shift=LEFT * 0.2) for row in self.rows),
                                                      lag_ratio=0.1),
                  run_time=self.ending_as_said(self.paced(1.6, 0.4), f"{p:.2f} − 1", least=0.6))
        row = self.rows[self.truth]
        self.play(Indicate(row, color=HIGHLIGHT, scale_factor=1.15), Write(self.right_formula),
                  run_time=self.paced(1.2, 0.5))
        self.play(LaggedStart(*(Indicate(v, color=HIGHLIGHT, scale_factor=1.1) for k, v in enumerate(self.error_values)
                                if k != self.truth), lag_ratio=0.1), run_time=self.paced(1.0))

    def show_flatten(self) -> None:
        """The error goes back arrow by arrow: each hidden dense layer's δ fills as it arrives, then the strip
        of flattened numbers; the rule is written as it is said, and moves under the maps the strip unflattens
        into."""
        # The worked "p - 1" tag goes before the first arrow grows where it stood; the digit's place takes the
        # rule's first line, which names the dense layers as they are said.
        self.play(FadeOut(self.right_formula, rate_func=gone_first), FadeOut(self.digit_small, rate_func=gone_first),
                  GrowFromEdge(self.flat_arrows[0], RIGHT, rate_func=after_gone),
                  Write(self.dense_rule[0], rate_func=after_gone), run_time=0.8)
        for arrow, column, note in zip(self.flat_arrows[1:], self.dense_columns, self.dense_notes):
            column.fill_to(0)
            self.add(column)
            self.play(column.filling(0, column.rows), Write(note), run_time=0.6)
            self.play(GrowFromEdge(arrow, RIGHT), run_time=0.3)
        self.play(LaggedStart(*(FadeIn(piece) for piece in reversed(self.strip)), lag_ratio=0.1),
                  Write(self.strip_note), run_time=max(0.5, self.until_said(self.dense_rule[1].original_text)))
        self.play(Write(self.dense_rule[1:]), Indicate(self.dense_columns if len(self.dense_columns) else self.strip,
                                                     color=HIGHLIGHT, scale_factor=1.05),
                  run_time=self.seconds(1.2, 2.0, 0.4))
        for m in self.last_maps:
            m.fill_to(0)
        # The maps' name is written as they are named (the voice pauses before them: not at the sentence's end).
        channels = len(self.last_maps)
        self.play(*(TransformFromCopy(piece, m) for piece, m in zip(self.strip, self.last_maps)),
                  self.dense_rule.animate.move_to(self.dense_rule_place, DOWN + LEFT),
                  run_time=max(0.6, self.until_said(f"{channels} maps of") - 0.6))
        half = self.last_maps[0].rows * self.last_maps[0].columns // 2
        self.play(*(m.filling(0, half) for m in self.last_maps), Write(self.last_note), run_time=0.6)
        self.play(*(m.filling(half, m.rows * m.columns) for m in self.last_maps), run_time=self.paced(0.6))

    def show_middle(self) -> None:
        for m in self.reached_maps:
            m.fill_to(0)
        self.play(FadeOut(VGroup(self.last_maps, self.last_note, self.strip_note)), FadeIn(self.reached_maps),
                  run_time=0.8)
        self.play(*(m.filling(0, m.rows * m.columns) for m in self.reached_maps), Write(self.reached_note),
                  run_time=self.paced(1.4))

    def show_key(self) -> None:
        truth = self.rows[self.truth][-1]
        others = [row[-1] for k, row in enumerate(self.rows) if k != self.truth]
        self.play(FadeIn(self.key[0]), Indicate(truth, scale_factor=1.4), run_time=self.paced(0.8, 0.45))
        self.play(FadeIn(self.key[1]), LaggedStart(*(Indicate(swatch, scale_factor=1.4) for swatch in others),
                                                   lag_ratio=0.1), run_time=self.paced(0.8))

    # -- beats: across the second conv ---------------------------------------------------------------

    def seconds(self, brief: float, full: float, share: float = 1.0) -> float:
        """An animation's time: fixed when told briefly (two beats' pictures share one sentence), else paced."""
        return brief if self.brief else self.paced(full, share)

    def show_second(self) -> None:
        for m in self.second_maps:
            m.fill_to(0)
        # The strip's name goes too: the new maps' name, longer, reaches under the strip.
        self.play(FadeOut(self.last_note), FadeOut(self.strip_note), FadeOut(self.last_maps), FadeIn(self.second_maps),
                  run_time=0.6)
        self.play(*(m.filling(0, m.rows * m.columns) for m in self.second_maps), Write(self.second_note),
                  run_time=self.paced(1.2))

    def show_patch(self) -> None:
        """One cell of the second conv's kernel: its delta times the slice is a patch, landing on the map."""
        chosen = self.second_maps[self.cross_kernel]
        gone = [m for m in self.mobjects if m not in (self.title, self.subtitle, *self.key, self.second_maps)]
        gone += [m for m in self.second_maps if m is not chosen] + [self.second_note]
        self.cross_target.fill_to(0)
        self.play(*(FadeOut(m) for m in gone), chosen.animate.scale_to_fit_width(self.cross_delta.width).move_to(
            self.cross_delta), run_time=0.5 if self.brief else 0.7)
        self.remove(self.second_maps)
        self.add(self.cross_delta)
        self.play(Write(self.cross_delta_note), FadeIn(self.slice_grid), Write(self.times_sign), Write(self.slice_note),
                  FadeIn(self.cross_target), Write(self.target_note), run_time=self.seconds(0.7, 1.0, 0.3))
        self.play(Create(self.cross_ring), Write(self.cross_value), run_time=self.seconds(0.5, 0.8, 0.3))
        self.play(TransformFromCopy(self.slice_grid, self.patch_grid), Write(self.equals_sign), Write(self.patch_note),
                  run_time=self.seconds(0.8, 1.0, 0.5))
        landing = self.patch_grid.picture.copy()
        first = self.crossing_sums()[0]
        self.play(landing.animate.scale_to_fit_width(self.patch_frame.width).move_to(self.patch_frame),
                  Create(self.patch_frame), run_time=self.seconds(0.6, 0.8))
        self.remove(landing)
        self.cross_target.show_values(first)

    def show_spread(self) -> None:
        """Every other cell's patch lands in turn (the ring on its cell, the frame on its patch), then the
        other kernels' patches add and the map is the error the backward pass gives."""
        order, sums = self.crossing_order(), self.crossing_sums()
        size = self.crossing.weights.shape[0]

        landed = [-1]  # the patch last landed: the map is recoloured when another lands, not every frame

        def land(target, alpha: float) -> None:
            k = min(len(order) - 1, int(alpha * len(order)))
            if k == landed[0]:
                return
            landed[0] = k
            p, q = order[k]
            target.show_values(sums[k])
            self.cross_ring.move_to(self.cross_delta.cell_center(p, q))
            self.patch_frame.move_to(self.cross_target.cell_center(p + (size - 1) / 2, q + (size - 1) / 2))

        self.play(FadeOut(VGroup(self.cross_value, self.patch_grid, self.equals_sign, self.patch_note)),
                  run_time=0.3)
        self.play(UpdateFromAlphaFunc(self.cross_target, land), Write(self.cross_words), rate_func=linear,
                  run_time=self.seconds(1.0, 2.0, 0.5))
        self.play(FadeOut(self.cross_ring), FadeOut(self.patch_frame), Create(self.target_frame),
                  Indicate(self.target_note, color=HIGHLIGHT), run_time=self.seconds(0.5, 1.2))

    def show_shares(self) -> None:
        """The other kernels' patches land on the ringed cell one kernel after another (each one's δ map where
        the followed one's stood), a line each with the running total; the rest as one, ending at the cell's
        error as the backward pass gives it."""
        order, sums, pieces = self.share_order(), self.share_sums(), self.share_pieces()[1]
        # The followed kernel's slice goes before the lines are written where it stood.
        self.play(FadeOut(VGroup(self.slice_grid, self.times_sign, self.slice_note)), run_time=0.3)
        # The rule is said first, and written as it is; the followed kernel's cells that cover the ringed cell
        # are framed: its share there is their δ × weight, summed.
        rule_time = max(1.0, self.until_said(pieces[0]) - WRITE_LEAD)
        self.play(Write(self.cross_rule), Create(self.cover_frame), Indicate(self.target_frame, color=HIGHLIGHT),
                  run_time=rule_time / 2)
        terms = self.term_grids[order[0]]
        self.play(FadeIn(terms, target_position=self.cover_frame, scale=0.3), Write(self.term_note),
                  run_time=rule_time / 2)
        delta, note = self.cross_delta, self.cross_delta_note
        for n, (line, piece) in enumerate(zip(self.share_lines, pieces)):
            lead = self.until_said(piece) - WRITE_LEAD  # each line is being written as its kernel is named
            if 0 < n < len(order):
                k = order[n]
                self.play(FadeOut(note), run_time=0.2)  # its name gone before the next is written
                self.play(FadeOut(delta), FadeIn(self.share_deltas[k]), Write(self.share_notes[k]),
                          ReplacementTransform(terms, self.term_grids[k]), run_time=max(0.2, lead - 0.2))
                self.add(self.cover_frame)  # over the map that came in under it
                delta, note, terms = self.share_deltas[k], self.share_notes[k], self.term_grids[k]
            elif n:
                self.play(Indicate(self.target_frame, color=HIGHLIGHT), run_time=max(0.2, lead))
            self.play(Write(line), self.cross_target.becoming(sums[n]), run_time=0.6)
        if len(self.share_lines) < len(sums):  # no others: the last shown kernel's total is the cell's error
            self.cross_target.show_values(sums[-1])
        self.play(Indicate(self.share_lines[-1], color=HIGHLIGHT, scale_factor=1.05),
                  Indicate(self.cross_rule, color=HIGHLIGHT, scale_factor=1.05),
                  run_time=self.seconds(0.5, 1.5, 0.6))

    def clear_backward(self, keep=None) -> None:
        """The output, the strip and the grids go: the story narrows to one kernel's map (``keep`` stays)."""
        gone = [m for m in self.mobjects if m not in (self.title, self.subtitle, keep)]
        if gone:
            self.play(*(FadeOut(m) for m in gone), run_time=0.6)

    def show_pool(self) -> None:
        crossed = self.cross_stage is not None and self.cross_target in self.mobjects
        self.clear_backward(keep=self.cross_target if crossed else None)
        # The map the crossing added up is the pool's error: it moves to its place, not made anew.
        pooled = ReplacementTransform(self.cross_target, self.pooled_map) if crossed else FadeIn(self.pooled_map)
        self.play(FadeIn(self.a_map), Write(self.a_note), pooled, Write(self.pooled_note),
                  run_time=self.paced(1.0, 0.25))
        self.play(Create(self.a_frame), Create(self.pooled_frame), FadeIn(self.window_grid), Write(self.window_note),
                  Create(self.winner_ring[0]), run_time=self.paced(1.0, 0.3))
        self.error_map.fill_to(0)
        self.play(FadeIn(self.error_map), Write(self.error_note), GrowFromEdge(self.window_arrow, LEFT),
                  FadeIn(self.window_errors), Create(self.winner_ring[1]), Create(self.error_frame),
                  Write(self.pool_value), run_time=self.paced(1.0, 0.4))
        self.play(self.error_map.filling(0, self.error_map.rows * self.error_map.columns),
                  Indicate(self.pool_value, color=HIGHLIGHT), run_time=self.paced(1.2))

    def show_slope(self) -> None:
        if not self.first_pool:
            self.clear_backward()
            self.error_map.fill_to(0)
            self.play(FadeIn(self.error_map), Write(self.error_note), run_time=0.8)
        window = ([self.window_grid, self.window_errors, self.window_arrow, self.winner_ring, self.pool_value,
                   self.window_note] if self.first_pool else [])
        self.slope_formula = Formula('delta = (partial C)/(partial a) dot f\'(z)', font_size=FORMULA_FONT, color=LABEL)
        slope_words = ("slope f'(z): 1 if z > 0, else 0" if self.history.activation == "relu" else
                       f"slope f'(z) of {self.history.activation}")
        self.slope_note = Label(slope_words, font_size=NOTE_FONT, color=LABEL)
        VGroup(self.slope_formula, self.slope_note).arrange(DOWN, aligned_edge=LEFT, buff=0.2).move_to(
            [self.area.left, self.area.bottom + 1.3, 0], LEFT)
        if window:  # gone before the formula is written where the window's note was
            self.play(*(FadeOut(m) for m in window), run_time=0.4)
        self.play(Write(self.slope_formula), Write(self.slope_note), run_time=self.paced(1.0, 0.4))
        # The map's name changes where it stands: the old one gone before the new is written over it.
        self.play(FadeOut(self.error_note), run_time=0.3)
        self.play(self.error_map.becoming(self.delta_values), Write(self.delta_note), run_time=self.paced(1.4))

    # -- beats: one weight's gradient --------------------------------------------------------------

    def show_weight(self) -> None:
        gone = [m for m in self.mobjects if m not in (self.title, self.subtitle, self.error_map)]
        self.delta_caption = Label("its error δ", font_size=NOTE_FONT, color=LABEL)
        self.delta_caption.next_to(self.error_map.copy().move_to(self.delta_place), DOWN, buff=0.15)
        # The new picture comes in as the old one goes, not after it (a second of near-black, the review saw).
        self.play(*(FadeOut(m, rate_func=gone_first) for m in gone), self.error_map.animate.move_to(self.delta_place),
                  *(FadeIn(m, rate_func=after_gone) for m in (self.kernel_grid, self.digit)), run_time=0.8)
        self.play(Write(self.kernel_note), Write(self.digit_note), Write(self.delta_caption),
                  run_time=self.paced(0.8, 0.3))
        # w as it is said; then where training took it, with the trained kernel, as that is said.
        w, trained = number(self.weight()), number(self.trained_weight())
        self.play(Create(self.weight_ring), Indicate(self.kernel_grid.numbers[self.i * self.size + self.j],
                                                     color=HIGHLIGHT, scale_factor=1.3), Write(self.weight_label),
                  run_time=max(0.6, self.until_said(w) + 0.3))
        shown = [FadeIn(self.trained_grid, shift=UP * 0.2), Create(self.trained_ring), Write(self.trained_note)] \
            if self.trained_grid is not None else []
        wait = self.until_said(trained) - WRITE_LEAD - 0.4
        if wait > 0.2:
            self.play(Indicate(self.weight_label, color=HIGHLIGHT, scale_factor=1.1), run_time=wait)
        self.play(Write(self.trained_label), *shown, run_time=0.8)
        self.play(Create(self.window_frame), Create(self.pixel_frame), run_time=self.paced(0.8))

    def move_window(self, index: int, counted: bool = True) -> None:
        """The window, its pixel, δ's cell and the product's cell at ``index``; the sum so far with its
        product when ``counted`` (else the sum before it: a product is added once it is written)."""
        columns = self.product_map.columns
        p, q = divmod(index, columns)
        self.window_frame.move_to(self.pixel_of(p, q, self.size))
        self.pixel_frame.move_to(self.pixel_of(p + self.i, q + self.j))
        self.delta_frame.move_to(self.error_map.cell_center(p, q))
        self.product_frame.move_to(self.product_map.cell_center(p, q))
        if counted or index:
            self.sum_readout.set_text(said(fixed(self.running[index if counted else index - 1])))
        else:
            self.sum_readout.set_text("0")

    def show_rule(self) -> None:
        self.delta_frame = square_at(self.error_map.cell_center(0, 0), self.error_map.pixel, HIGHLIGHT, 2)
        self.product_frame = square_at(self.product_map.cell_center(0, 0), self.product_map.pixel, HIGHLIGHT, 2)
        self.product_map.fill_to(0)
        # Where training took the weight was said with it: it goes where the sum so far will be counted.
        if self.trained_grid is not None:  # gone before the products come where it stood
            self.play(FadeOut(self.trained_view), run_time=0.3)
        self.play(Write(self.rule), FadeIn(self.product_map), Write(self.product_note), FadeOut(self.trained_label),
                  run_time=self.paced(1.0, 0.4))
        self.play(Create(self.delta_frame), Create(self.product_frame), FadeIn(self.sum_group),
                  run_time=self.paced(0.8, 0.3))
        # The window's first row, swept: the weight sees one pixel at each place, δ one cell. Told briefly, the
        # next sentence starts at the first place that counts ("Here 0.310 ..."): the sweep stops just before it.
        places = self.slow_places()
        columns = self.product_map.columns
        end = columns if not places else places[0] if self.brief else min(columns, places[0])
        if end:
            self.play(self.product_map.filling(0, end, self.move_window), rate_func=linear,
                      run_time=self.paced(1.5))

    def show_first_product(self) -> None:
        """The window reaches the first place that counts as its pixel is said; its two factors are written
        then, its product as it is said, and only then is the product added to the sum so far."""
        place = self.slow_places()[0]
        x_said, product_said = self.first_numbers()
        hold_sum = lambda index: self.move_window(index, counted=False)
        self.play(self.product_map.filling(self.product_map.filled, place + 1, hold_sum), rate_func=linear,
                  run_time=max(0.3, self.until_said(x_said)))
        factors, product = self.first_parts
        self.play(Write(factors), Indicate(self.pixel_frame, color=HIGHLIGHT),
                  Indicate(self.delta_frame, color=HIGHLIGHT), run_time=max(0.6, self.until_said(product_said)))
        self.play(Write(product), run_time=0.5)
        # The two parts are the line's own glyphs, set where the line has them: the line takes their place.
        self.remove(factors, product)
        self.add(self.lines[0])
        self.move_window(place)
        self.play(Indicate(self.sum_readout, color=HIGHLIGHT), run_time=self.paced(0.6))

    def show_next_products(self) -> None:
        """Each next place's product written as it is said (told briefly, under the total's sentence: quickly,
        with the count of places the total will name)."""
        places = self.slow_places()[1:]
        seconds = (1.0 if self.brief else self.paced(2.0)) / len(places)
        products = self.products().ravel()
        for k, place in enumerate(places, start=1):
            said_in = self.until_said(said(fixed(products[place]))) if not self.brief else 0.0
            note = [Write(self.count_note)] if self.brief and k == 1 else []
            self.play(self.product_map.filling(self.product_map.filled, place + 1, self.move_window), *note,
                      rate_func=linear, run_time=max(0.2, said_in - 0.1) if said_in else seconds / 2)
            self.play(Write(self.lines[k]), Indicate(self.sum_readout, color=HIGHLIGHT),
                      run_time=min(seconds / 2, 0.6))
        if not self.brief:  # the sum so far, said last, pointed at for the rest of the sentence
            self.play(Indicate(self.sum_readout, color=HIGHLIGHT, scale_factor=1.15), run_time=self.paced(0.6))

    def show_fast(self) -> None:
        m = self.product_map
        start = m.filled
        end = min(m.rows * m.columns, (start // m.columns + FAST_ROWS) * m.columns)
        # Told briefly, this sweep shares its sentence with the total, which says the sum: it is quick, so the
        # sum is written while it is said, not after a sweep as long as the sentence.
        self.play(m.filling(start, end, self.move_window), rate_func=linear,
                  run_time=0.8 if self.brief else self.paced(3.0))

    def show_total(self) -> None:
        m = self.product_map
        note = [] if self.count_note in self.mobjects else [Write(self.count_note)]
        self.play(m.filling(m.filled, m.rows * m.columns, self.move_window), *note,
                  run_time=0.5 if self.brief else self.paced(1.0, 0.3))
        self.play(FadeOut(VGroup(self.window_frame, self.pixel_frame, self.delta_frame, self.product_frame)),
                  Write(self.total), Indicate(self.sum_readout, color=HIGHLIGHT), run_time=self.paced(1.2))

    # -- beats: the kernel, and the step -----------------------------------------------------------

    def show_kernel_gradients(self) -> None:
        keep = (self.title, self.subtitle, self.kernel_grid, self.weight_ring)
        gone = [m for m in self.mobjects if m not in keep]
        self.play(*(FadeOut(m) for m in gone), VGroup(self.kernel_grid, self.weight_ring).animate.move_to(
            self.kernel_place), run_time=0.5 if self.brief else 0.8)
        clamp(self.weights_note.next_to(self.kernel_grid, DOWN, buff=0.15), self.area)
        self.play(Write(self.weights_note), run_time=self.paced(0.6, 0.25))
        self.play(FadeIn(VGroup(self.grad_grid.picture, self.grad_grid.lines, self.grad_grid.frame), shift=RIGHT * 0.3),
                  run_time=0.5 if self.brief else 0.8)
        self.play(LaggedStart(*(FadeIn(n, scale=0.6) for n in self.grad_grid.numbers), lag_ratio=0.15),
                  Write(self.grad_note), Create(self.grad_ring), run_time=self.paced(1.2))

    def show_average(self) -> None:
        """Each sample's own gradient as a bar, the followed one first (its ∂C/∂w as the grid has it), as the
        samples are said; the set's average as a line across them and written, as it is said."""
        said_mean = said(fixed(self.whole_gradient()))
        grow = max(1.0, self.until_said(said_mean) - 0.9)
        self.play(Create(self.bars_axis), Write(self.average_note), Create(self.bar_ring), Write(self.bar_value),
                  Indicate(self.grad_ring, color=HIGHLIGHT),
                  LaggedStart(*(GrowFromEdge(bar, DOWN if value >= 0 else UP)
                                for bar, value in zip(self.bars, self.bar_values)), lag_ratio=0.15),
                  FadeIn(self.bars_note), run_time=grow)
        self.play(Create(self.mean_line), Write(self.mean_word), Write(self.average), run_time=0.8)
        self.bars_shown = True
        self.play(Indicate(self.average, color=HIGHLIGHT, scale_factor=1.05), run_time=self.paced(0.8))

    bars_shown = False  # the samples' bars on screen

    def bars_leave(self) -> list:
        """The samples' bars fading before what is written where they stood (with ``after_gone``)."""
        if not self.bars_shown:
            return []
        self.bars_shown = False
        return [FadeOut(self.bars_chart, rate_func=gone_first)]

    def show_step(self) -> None:
        # The bars go before the step is written across where they stood; else they stay beside it.
        leave = [] if self.bars_stay else self.bars_leave()
        self.play(*leave, Write(self.step_line, rate_func=after_gone if leave else smooth),
                  run_time=self.paced(1.5, 0.6))
        self.play(Indicate(self.step_line, color=HIGHLIGHT, scale_factor=1.03),
                  Indicate(self.kernel_grid.numbers[self.i * self.size + self.j], color=HIGHLIGHT, scale_factor=1.3),
                  run_time=self.paced(1.0))

    def show_optimizer(self) -> None:
        """The optimizer's rule and the batches it steps on, as the sentence names them at its start; then
        what its rule's terms are, one by one."""
        lines = list(self.run_lines)
        said_first = [line for line in lines if isinstance(line, Formula) or any(c.isdigit() for c in line.text)]
        rest = [line for line in lines if line not in said_first]
        leave = self.bars_leave()  # the optimizer's lines go where the bars stood
        after = {"rate_func": after_gone} if leave else {}
        if self.brief:  # all at once: the sentence they are written under starts with where the run took w
            self.play(*leave, *(Write(line, **after) for line in lines), run_time=0.8)
            return
        total = self.paced(2.4)
        self.play(*leave, *(Write(line, **after) for line in said_first),
                  run_time=min(0.8, total / 2) if rest else total)
        for line in rest:
            self.play(Write(line), run_time=(total - min(0.8, total / 2)) / len(rest))

    def show_then(self) -> None:
        shown = [Write(self.then_line)] + ([] if self.went_downhill() else [Write(self.why_line)])
        self.play(*shown, Indicate(self.kernel_grid.numbers[self.i * self.size + self.j], color=HIGHLIGHT,
                                   scale_factor=1.3), run_time=self.paced(1.2, 0.5))
        # A small pulse: the line starts at the frame's left edge, where a larger one would be clipped.
        self.play(Indicate(self.then_line, color=HIGHLIGHT, scale_factor=1.04), run_time=self.paced(0.8))




def dense_rule_lines(dense: int) -> tuple[str, str, str]:
    """The dense layers' backward rule in words, in three lines: true of every dense layer's inputs (a hidden
    neuron's δ is then that times its activation's slope)."""
    through = "Through the dense layer," if dense == 1 else f"Through the {dense} dense layers,"
    return through, "each number's error sums", "weight × δ over the next layer"


def term_text(value: float) -> str:
    """A term in a small cell: two significant digits, "≈0" under a thousandth (its digits would not fit)."""
    if value == 0:
        return "0"
    return "≈0" if abs(value) < 1e-3 else said(fixed(value, 2))


def factor_code(text: str) -> str:
    """A number as a factor of a product in Typst: in parentheses when negative."""
    return f"({text})" if text.startswith("-") else text


def clamp(mobject, area: Region):
    """``mobject`` shifted, if need be, to lie within ``area`` from left to right."""
    if mobject.get_left()[0] < area.left:
        mobject.shift(RIGHT * (area.left - mobject.get_left()[0]))
    fit_right(mobject, area.right)
    return mobject


def inside(mobject, area: Region) -> bool:
    return (area.left - 1e-6 <= mobject.get_left()[0] and mobject.get_right()[0] <= area.right + 1e-6
            and area.bottom - 1e-6 <= mobject.get_bottom()[1] and mobject.get_top()[1] <= area.top + 1e-6)


def fit_right(mobject, right: float) -> None:
    """``mobject`` shifted left, if need be, to end at ``right``."""
    if mobject.get_right()[0] > right:
        mobject.shift(LEFT * (mobject.get_right()[0] - right))
