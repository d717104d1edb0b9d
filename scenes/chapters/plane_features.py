"""PlaneFeaturesScene: what the hidden neurons of a network on 2-D data learned, as maps of the plane.

Each hidden neuron of the trained network gives a value at every point of the
plane; drawn in the neuron colours, that is a picture of what it responds to. The
first hidden layer's neurons are a function of one weighted sum of x1 and x2, so
each divides the plane along a straight line; later layers combine those into
curved regions, and the output's map is the decision. All from the final weights;
then every map replays how it took shape, one recorded snapshot a frame. Over each
map of the first hidden layer, the straight line where its sum is zero is drawn
from the neuron's own weights and bias.

The maps fill the left of the frame (the layers one under the other or side by
side, whichever draws them larger); the right holds the plane itself with the data
from the start: the first layer's lines are drawn across it, then the output's map
fills it.
"""
from __future__ import annotations

import numpy as np
from manim import (
    DOWN, LEFT, RIGHT, UP, AnimationGroup, Create, FadeIn, FadeOut, Indicate, LaggedStart, Line, Rectangle,
    SurroundingRectangle, UpdateFromAlphaFunc, VGroup, Write, linear,
)

from nnscratch import judge
from nnscratch.activations import HIDDEN_ACTIVATIONS
from nnscratch.snapshot_outputs import activations_at, class_probabilities
from scenes.chapters.base import HistoryScene
from scenes.mobjects.glyphs import Label
from scenes.mobjects.plot import labelled
from scenes.mobjects.readout import Readout
from scenes.mobjects.layout import GAP, fit, safe_area
from scenes.narration.beats import Beat, counted
from scenes.mobjects.plane_maps import HEAT_GRID, Plane
from scenes.mobjects.plane_panel import DOT_SHARE, class_of
from scenes.mobjects.raster import Raster, ScatterPoints, rgba_bytes
from scenes.mobjects.style import ACTIVATION_LOOKS, HIGHLIGHT, LABEL, MUTED, class_rgbs, neuron_colors, plane_colors

MAP_GRID = 64  # points a side at which each neuron is asked
MAX_PER_ROW = 8  # neurons shown of a layer
MAX_ROWS = 3  # hidden layers shown
OUTPUT_SHARE = 0.45  # of the width, at most, for the plane on the right (its height sets it first)
MAP_GAP = 0.12
BLOCK_GAP = 0.35  # between the blocks of two layers set side by side
LEGEND_COLUMNS = 3  # class names a line under the plane
FONT = 22  # headings and what the narration says
GROW_FRAMES_PER_SECOND = 12  # recorded snapshots a second as the maps take shape, where there are that many
GROW_SECONDS = 3.0


class PlaneFeaturesScene(HistoryScene):
    """The hidden neurons' maps over the plane, a row per hidden layer, and the output's answer."""

    def __init__(self, history=None, **kwargs) -> None:
        super().__init__(history, **kwargs)
        sizes = self.history.layer_sizes
        if sizes[0] != 2:
            raise ValueError("the hidden neurons are drawn as maps of the plane only for 2-D data")
        if len(sizes) < 3:
            raise ValueError("a network with no hidden layer has no hidden neurons to draw")
        h = self.history
        self.plane = Plane.around(np.concatenate([h.X_train, h.X_test]).astype(float))
        self.layers = list(range(1, len(sizes) - 1))[:MAX_ROWS]
        activations = activations_at(h, [-1], self.plane.grid(MAP_GRID))
        levels = ACTIVATION_LOOKS[h.activation].levels
        self.pictures = {layer: [neuron_colors(levels(activations[layer][0][:, neuron])).reshape(MAP_GRID, MAP_GRID, 3)
                                 for neuron in range(min(sizes[layer], MAX_PER_ROW))] for layer in self.layers}
        outputs = activations_at(h, [-1], self.plane.grid(HEAT_GRID))[-1][0]
        self.heat = plane_colors(class_probabilities(outputs)).reshape(HEAT_GRID, HEAT_GRID, 3)
        self.signed = HIDDEN_ACTIVATIONS[h.activation].signed
        count = min(h.n_snapshots, int(GROW_SECONDS * GROW_FRAMES_PER_SECOND) + 1)
        self.grow_snapshots = np.unique(np.round(np.linspace(0, h.n_snapshots - 1, count)).astype(int))

    def growth_frames(self) -> tuple[dict[int, np.ndarray], np.ndarray]:
        """Every shown map, and the output's, at each of ``grow_snapshots``, as bytes: (snapshots, neurons,
        G, G, 4) per layer, and (snapshots, G, G, 4) for the output."""
        h = self.history
        levels = ACTIVATION_LOOKS[h.activation].levels
        activations = activations_at(h, self.grow_snapshots, self.plane.grid(MAP_GRID))
        maps = {}
        for layer in self.layers:
            shown = len(self.pictures[layer])
            values = activations[layer][..., :shown]  # (S, G*G, shown)
            rgb = neuron_colors(levels(values.ravel())).reshape(*values.shape, 3)
            maps[layer] = rgba_bytes(np.moveaxis(rgb, 2, 1).reshape(len(self.grow_snapshots), shown, MAP_GRID,
                                                                    MAP_GRID, 3))
        outputs = activations_at(h, self.grow_snapshots, self.plane.grid(HEAT_GRID))[-1]
        heat = plane_colors(class_probabilities(outputs)).reshape(len(self.grow_snapshots), HEAT_GRID, HEAT_GRID, 3)
        return maps, rgba_bytes(heat)

    def prepare(self) -> None:
        area = safe_area()
        self.title = Label("What the hidden neurons learned", font_size=38, color=LABEL)
        fit(self.title, area.above(area.top - self.title.height), UP + LEFT)
        content = area.below(self.title.get_bottom()[1] - 2 * GAP)
        # The plane on the right, as tall as the content allows; the maps fill what is left of the width.
        output_region = self.build_output(content)
        maps_region = content.left_of(output_region.left - 2 * GAP)
        self.more_note = self.more_layers_note()
        if self.more_note is not None:
            self.more_note.move_to([maps_region.left, maps_region.bottom, 0], DOWN + LEFT)
            maps_region = maps_region.above(self.more_note.get_top()[1] + GAP)
        self.rows = self.build_maps(maps_region)
        self.lines = self.zero_lines([picture for picture, _ in self.rows[0][1]])
        self.plane_lines = self.zero_lines([self.output[1]] * len(self.rows[0][1]))  # the same, over the data
        h = self.history
        self.epoch_readout = Readout(len(f"{h.epochs:,}"), font_size=FONT + 2, color=LABEL)
        self.epoch_row = labelled(Label("epoch", font_size=FONT + 2, color=MUTED), self.epoch_readout,
                                  Label(f"/ {h.epochs:,}", font_size=FONT + 2, color=MUTED))
        self.epoch_row.move_to([area.right, self.title.get_center()[1], 0], RIGHT)
        self.epoch_readout.set_text(f"{h.epochs:,}")

    def more_layers_note(self) -> Label | None:
        """Under the maps, how many hidden layers are not drawn, when some are not."""
        more = len(self.history.layer_sizes) - 2 - len(self.layers)
        if more <= 0:
            return None
        return Label(f"+ {counted(more, 'more hidden layer')}, not drawn", font_size=FONT, color=MUTED)

    def build_maps(self, region) -> list[VGroup]:
        """Each shown layer's heading and maps, as large as ``region`` allows: the layers one under the other,
        or side by side, whichever gives the larger maps; the whole centred in the region."""
        sizes = self.history.layer_sizes
        headings = []
        for layer in self.layers:
            shown = len(self.pictures[layer])
            more = f", the first {shown} of {sizes[layer]}" if shown < sizes[layer] else ""
            headings.append(Label(f"hidden layer {layer}{more}", font_size=FONT, color=MUTED))
        heading_height = max(heading.height for heading in headings) + 0.1
        side, columns, beside = self.map_size(region.width, region.height, heading_height,
                                              max(heading.width for heading in headings))
        rows, left, top = [], region.left, region.top
        for layer, heading in zip(self.layers, headings):
            heading.move_to([left, top, 0], UP + LEFT)
            maps = VGroup()
            for index, rgb in enumerate(self.pictures[layer]):
                line, column = divmod(index, columns)
                x = left + column * (side + MAP_GAP) + side / 2
                y = top - heading_height - line * (side + MAP_GAP) - side / 2
                picture = Raster(rgb, side, side, smooth=True).move_to([x, y, 0])
                frame = Rectangle(width=side, height=side, stroke_color=MUTED, stroke_width=1).move_to(picture)
                maps.add(VGroup(picture, frame))
            rows.append(VGroup(heading, maps))
            if beside:
                left += max(columns * (side + MAP_GAP) - MAP_GAP, heading.width) + BLOCK_GAP
            else:
                top -= heading_height + -(-len(maps) // columns) * (side + MAP_GAP) + MAP_GAP
        whole = VGroup(*rows)
        whole.shift(RIGHT * (region.center[0] - whole.get_center()[0]))
        return rows

    def zero_lines(self, squares) -> VGroup:
        """Over each shown neuron of hidden layer 1's square (its map, or the whole plane), the line where its
        sum w₁x₁ + w₂x₂ + b is zero, from its final weights and bias, cut to the square (none where it misses)."""
        h, lines = self.history, VGroup()
        W, b = h.weights[0][-1].astype(float), h.biases[0][-1].astype(float)
        plane = self.plane
        for neuron, picture in enumerate(squares):
            ends = square_crossings(W[neuron], float(b[neuron]), plane.x, plane.y, plane.half)
            if ends is None:
                continue
            left, bottom, side, _ = picture.box
            points = [[left + (x - plane.x + plane.half) / (2 * plane.half) * side,
                       bottom + (y - plane.y + plane.half) / (2 * plane.half) * side, 0] for x, y in ends]
            lines.add(Line(*points, color=HIGHLIGHT, stroke_width=2.5))
        return lines

    def map_size(self, width: float, height: float, heading_height: float,
                 heading_width: float) -> tuple[float, int, bool]:
        """The largest side of a map, the maps a line, and whether the layers stand side by side (else one
        under the other), that fit every shown layer in ``width`` x ``height``."""
        widest = max(len(pictures) for pictures in self.pictures.values())
        layers = len(self.layers)
        best = (0.0, widest, False)
        for columns in range(1, widest + 1):
            lines = [-(-len(pictures) // columns) for pictures in self.pictures.values()]
            under = min((width - (columns - 1) * MAP_GAP) / columns,
                        (height - layers * (heading_height + MAP_GAP) - sum(lines) * MAP_GAP) / sum(lines))
            block = (width - (layers - 1) * BLOCK_GAP) / layers  # each layer's share of the width, side by side
            beside = min((block - (columns - 1) * MAP_GAP) / columns,
                         (height - heading_height - (max(lines) - 1) * MAP_GAP) / max(lines))
            if heading_width > block:
                beside = 0.0  # the headings would run into each other
            best = max(best, (under, columns, False), (beside, columns, True))
        side, columns, beside = best
        lines = -(-widest // columns)
        return max(side, 0.2), -(-widest // lines), beside  # as many on each line: 4 and 4, not 5 and 3

    def build_output(self, content):
        """On the right of ``content``, the plane with the data, under which the output's map will show, and the
        classes' legend; returns the region it takes."""
        h = self.history
        names = h.class_names
        self.plane_heading = Label("the plane, with the data", font_size=FONT, color=MUTED)
        heading = Label("the output", font_size=FONT, color=MUTED)
        items = [VGroup(Rectangle(width=0.16, height=0.16, stroke_width=0, fill_color=rgb, fill_opacity=1.0),
                        Label(name, font_size=FONT - 2, color=MUTED)).arrange(RIGHT, buff=0.1)
                 for rgb, name in zip(class_rgbs(len(names)), names)]
        for columns in range(min(len(items), LEGEND_COLUMNS), 0, -1):  # as few lines as fit under the plane
            legend = VGroup(*items).arrange_in_grid(cols=columns, buff=(0.35, 0.08), cell_alignment=LEFT)
            side = content.height - heading.height - 0.1 - legend.height - 0.2
            side = max(0.5, min(side, OUTPUT_SHARE * content.width))
            if legend.width <= side:
                break
        if legend.width > side:
            legend.scale_to_fit_width(side)
        left, top = content.right - side, content.top - heading.height - 0.1
        heading.move_to([left, content.top, 0], UP + LEFT)
        self.plane_heading.move_to(heading, UP + LEFT)
        square = Raster(self.heat, side, side, smooth=True).move_to([left + side / 2, top - side / 2, 0])
        frame = Rectangle(width=side, height=side, stroke_color=MUTED, stroke_width=1.5).move_to(square)
        X = np.concatenate([h.X_train, h.X_test]).astype(float)
        classes = np.concatenate([class_of(h.y_train), class_of(h.y_test)])
        positions = np.column_stack([left, top - side]) + self.plane.to_unit(X) * side
        filled = np.arange(len(X)) < len(h.X_train)
        dots = ScatterPoints(positions, class_rgbs(len(names))[classes], filled, DOT_SHARE * side)
        legend.next_to(frame, DOWN, buff=0.2, aligned_edge=LEFT)
        self.output = VGroup(heading, square, frame, dots, legend)
        return content.right_of(left)

    def axis_names(self) -> tuple[str, str]:
        """The plane's two inputs: the data's own names (a table's columns), else x₁ and x₂."""
        names = self.history.feature_names
        return (names[0], names[1]) if len(names) == 2 else ("x₁", "x₂")

    def script(self) -> list[Beat]:
        h = self.history
        colours = "blue where it fires, dark where it is quiet" + (", amber where negative" if self.signed else "")
        hidden = len(h.layer_sizes) - 2
        beats = [
            Beat(f"Each hidden neuron gives a value at every point of the plane. Here is each one's, after "
                 f"training: {colours}.", self.show_first_row,
                 brief=f"Here is each hidden neuron's value over the plane, after training: {colours}."),
            Beat(f"In hidden layer 1, a neuron's sum is a weighted sum of {' and '.join(self.axis_names())}, so each "
                 "one divides the plane along a straight line, drawn in yellow.", self.show_lines,
                 brief="In hidden layer 1, each divides the plane along a straight line."),
        ]
        if len(self.layers) > 1:
            later = {2: "Hidden layer 2 adds", 3: "Hidden layers 2 and 3 add"}.get(
                len(self.layers), f"Hidden layers 2 to {len(self.layers)} add")
            beats.append(Beat(f"{later} those lines up, weighted, so their neurons carve out bent regions.",
                              self.show_later_rows))
        if self.more_note is not None:
            more = hidden - len(self.layers)
            said = ("The last hidden layer goes on combining the regions before it." if more == 1 else
                    f"The other {more} hidden layers go on combining the regions before them.")
            beats.append(Beat(said, self.show_more_note))
        names = h.class_names
        answer = f"its answer, {' or '.join(names)}" if names else "its answer"
        beats.append(Beat(f"The output combines the last layer's regions into {answer}: the dark seam is where it "
                          "cannot decide.", self.show_output, brief=f"The output combines them into {answer}."))
        beats.append(Beat(f"They took these shapes over the {h.epochs:,} epochs; each frame here is a recorded "
                          "snapshot.", self.show_growth,
                          brief=f"They took these shapes over the {h.epochs:,} epochs."))
        verdict = judge(h)
        if not verdict.learned:
            beats.append(Beat(f"But this run did not learn: {verdict.why_not}.",
                              lambda: self.play(Indicate(self.output[1]), run_time=self.paced(1.0))))
        return beats

    def show_first_row(self) -> None:
        """The plane with the data on the right, then the first hidden layer's map of that plane, one by one."""
        _, square, frame, dots, legend = self.output
        square.set_fill(opacity=0.0)  # the output's map comes later, under the dots
        self.play(Write(self.title), FadeIn(self.plane_heading), Create(frame), FadeIn(square), run_time=0.8)
        self.play(FadeIn(dots), FadeIn(legend), run_time=0.8)
        heading, maps = self.rows[0]
        self.play(FadeIn(heading), FadeIn(maps, lag_ratio=0.15), run_time=self.paced(1.5))

    def show_lines(self) -> None:
        """Each first-layer neuron's zero line drawn over its map and, with it, over the data's plane."""
        self.play(Indicate(self.rows[0][0], color=HIGHLIGHT), run_time=0.8)
        if len(self.lines):
            self.play(LaggedStart(*(AnimationGroup(Create(small), Create(large))
                                    for small, large in zip(self.lines, self.plane_lines)), lag_ratio=0.3),
                      run_time=self.paced(1.5))

    def show_later_rows(self) -> None:
        rows = self.rows[1:]
        # Every layer named at once, as the sentence names them; their maps one row after another.
        self.play(*(FadeIn(heading) for heading, _ in rows), run_time=0.4)
        for index, (_, maps) in enumerate(rows):
            self.play(FadeIn(maps, lag_ratio=0.15), run_time=self.paced(1.2, 1 / (len(rows) - index)))

    def show_more_note(self) -> None:
        """The note of the layers not drawn, then the last drawn layer's regions, which they go on combining."""
        self.play(FadeIn(self.more_note, shift=UP * 0.1), run_time=1.0)
        ring = SurroundingRectangle(self.rows[-1][1], color=HIGHLIGHT, buff=0.05, stroke_width=3)
        self.play(Create(ring), run_time=self.paced(1.0, 0.9))
        self.play(FadeOut(ring), run_time=self.paced(0.3))

    def show_output(self) -> None:
        """The output's map fills the plane under the data, in place of the first layer's lines; then the
        classes it answers with."""
        heading, square, _, _, legend = self.output
        self.play(FadeOut(self.plane_heading), run_time=0.3)  # its new name, not over the old one
        self.play(FadeIn(heading), FadeOut(self.plane_lines),
                  UpdateFromAlphaFunc(square, lambda m, alpha: m.set_fill(opacity=alpha)),
                  run_time=self.paced(1.5, 0.5))
        self.play(Indicate(legend, color=HIGHLIGHT, scale_factor=1.1), run_time=self.paced(1.0))

    def show_growth(self) -> None:
        """Every map, and the output's, through the recorded snapshots from the first to the last, one
        snapshot a frame (its epoch in the readout), the zero lines hidden while they would be stale."""
        maps, heat = self.growth_frames()
        rasters = {layer: [picture for picture, _ in row[1]] for layer, row in zip(self.layers, self.rows)}
        square, h = self.output[1], self.history
        snapshots = self.grow_snapshots

        def show(slot: int) -> None:
            for layer, pictures in rasters.items():
                for picture, pixels in zip(pictures, maps[layer][slot]):
                    picture.set_bytes(pixels)
            square.set_bytes(heat[slot])
            self.epoch_readout.set_text(f"{int(h.snapshot_epochs[snapshots[slot]]):,}")

        def step(_, alpha: float) -> None:
            show(min(int(alpha * len(snapshots)), len(snapshots) - 1))

        show(0)
        self.play(FadeIn(self.epoch_row), self.lines.animate.set_stroke(opacity=0.0), run_time=0.4)
        seconds = self.paced(max(1.5, len(snapshots) / GROW_FRAMES_PER_SECOND), 0.85)
        self.play(UpdateFromAlphaFunc(square, step), rate_func=linear, run_time=seconds)
        show(len(snapshots) - 1)
        self.play(self.lines.animate.set_stroke(opacity=1.0), run_time=self.paced(0.5))


def square_crossings(w: np.ndarray, b: float, x: float, y: float, half: float) -> list[tuple[float, float]] | None:
    """Where the line w[0]·x₁ + w[1]·x₂ + b = 0 crosses the square centred on (x, y) of half side
    ``half``: its two ends inside the square, or None when it misses it."""
    points = []
    low_x, high_x, low_y, high_y = x - half, x + half, y - half, y + half
    if abs(w[1]) > 1e-12:
        for edge in (low_x, high_x):
            at = -(w[0] * edge + b) / w[1]
            if low_y - 1e-9 <= at <= high_y + 1e-9:
                points.append((edge, at))
    if abs(w[0]) > 1e-12:
        for edge in (low_y, high_y):
            at = -(w[1] * edge + b) / w[0]
            if low_x - 1e-9 <= at <= high_x + 1e-9:
                points.append((at, edge))
    unique = []
    for point in points:
        if all(abs(point[0] - p[0]) + abs(point[1] - p[1]) > 1e-9 for p in unique):
            unique.append(point)
    return unique[:2] if len(unique) >= 2 else None
