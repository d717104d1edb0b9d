"""A neural network drawn as 3Blue1Brown draws it, with state set from numpy arrays.

Edges and neurons are plain Manim ``Line``s and ``Circle``s, so every Manim
animation works on them, but their colours and widths are computed for all of
them at once in numpy (``set_weights``, ``set_activations``: one call per
frame, never one Animation per edge). For a replay, ``use_fast_drawing`` hands
the drawing of those arrays to its canvas, which paints them under ``FastCamera`` (``camera.painter``).
"""
from __future__ import annotations

import math
from typing import Sequence

import cairo

import numpy as np
from manim import (
    DOWN, LEFT, RIGHT, UP, WHITE, AnimationGroup, Arrow, BackgroundRectangle, Brace, Circle, Dot, Line, ManimColor,
    ShowPassingFlash, Square, UpdateFromAlphaFunc, VGroup, VMobject, config, interpolate_color,
)

from scenes.mobjects.glyphs import Label
from scenes.mobjects.style import (
    ACTIVATION_LOOKS, EDGE_MAX_WIDTH, HIDDEN_RIM, INPUT_LEVELS, INPUT_RIM, LABEL, MAX_DRAWN_NEURONS, MUTED,
    NEGATIVE, NEURON_RADIUS, OUTPUT_RIM, POSITIVE, WEIGHT_PALETTE, edge_min_width, edge_styles, neuron_colors,
)


def drawn_indices(size: int, limit: int = MAX_DRAWN_NEURONS) -> np.ndarray:
    """Which neurons of a layer are drawn: all of them, or the first and last ``limit // 2``."""
    if size <= limit:
        return np.arange(size)
    half = limit // 2
    return np.concatenate([np.arange(half), np.arange(size - half, size)])


class NetworkMobject(VGroup):
    """Neurons in columns, edges behind them, ellipses and braces for layers too tall to draw.

    Parameters
    ----------
    layer_sizes : the true sizes, input first.
    activation : hidden activation, which fixes how hidden values map to brightness.
    output : output activation name ('sigmoid', 'softmax' or 'identity').
    input_kind : brightness mapping of the input values ('unit' for data in [0, 1], else 'real').
    output_labels : one label per output neuron (class names), or None for none.
    input_labels : one text per input neuron, shown left of it on a dark plate (the input's values).
    max_radius : the largest neuron radius, where there is room for it (larger to hold a map inside).
    output_colors : one colour per output neuron, shown as a swatch beside it instead of its label
        (where a legend elsewhere names the colours: the classes of the plane).
    input_indices : which input neurons to draw of a layer too tall for all (the pixels of an image
        that vary, say), in order; by default the first and last ones.
    max_drawn : the most neurons drawn of a layer (small networks side by side draw fewer).
    draw_edges : False for a network only measured, never shown (see ``fit_network``).

    ``width`` and ``height`` are the spans of the neuron centres; braces and labels stick
    out beyond them (``scenes.mobjects.layout.fit_network`` sizes a network to a region, all included).
    """

    def __init__(
        self,
        layer_sizes: Sequence[int],
        *,
        width: float = 8.0,
        height: float = 5.6,
        activation: str = "sigmoid",
        output: str = "sigmoid",
        input_kind: str = "unit",
        output_labels: Sequence[str] | None = None,
        max_edge_width: float | None = None,
        input_labels: Sequence[str] | None = None,
        max_radius: float = NEURON_RADIUS,
        output_colors: Sequence[ManimColor] | None = None,
        input_indices: Sequence[int] | None = None,
        max_drawn: int = MAX_DRAWN_NEURONS,
        draw_edges: bool = True,
        **kwargs,
    ) -> None:
        super().__init__(**kwargs)
        self.layer_sizes = [int(size) for size in layer_sizes]
        self.level_functions = ([INPUT_LEVELS[input_kind]] + [ACTIVATION_LOOKS[activation].levels] *
                                (len(layer_sizes) - 2) + [ACTIVATION_LOOKS[output].levels])
        self.indices = [drawn_indices(size, max_drawn) for size in self.layer_sizes]
        if input_indices is not None and self.layer_sizes[0] > max_drawn:
            chosen = np.unique(np.asarray(input_indices, dtype=int))
            if len(chosen) != max_drawn or chosen[0] < 0 or chosen[-1] >= self.layer_sizes[0]:
                raise ValueError(f"input_indices must be {max_drawn} different inputs of the {self.layer_sizes[0]}")
            self.indices[0] = chosen
        slots = max(len(idx) + (1 if size > len(idx) else 0) for idx, size in zip(self.indices, self.layer_sizes))
        self.spacing = min(0.8, height / max(slots - 1, 1))
        column_gap = width / max(len(self.layer_sizes) - 1, 1)
        self.radius = min(max_radius, 0.36 * self.spacing, 0.3 * column_gap)
        xs = np.linspace(-width / 2, width / 2, len(self.layer_sizes))
        self.positions = [self._column(x, size, len(idx)) for x, size, idx in zip(xs, self.layer_sizes, self.indices)]
        n_edges = max(len(a) * len(b) for a, b in zip(self.indices, self.indices[1:]))
        self.max_edge_width = max_edge_width or float(np.clip(40.0 / np.sqrt(n_edges), 1.5, EDGE_MAX_WIDTH))
        self.min_edge_width = edge_min_width(config.pixel_height, config.frame_height)

        self.edges = VGroup(*(self._edge_group(layer) for layer in range(len(self.layer_sizes) - 1) if draw_edges))
        self.neurons = VGroup(*(self._neuron_column(layer) for layer in range(len(self.layer_sizes))))
        self.input_labels = self._input_labels(input_labels) if input_labels is not None else VGroup()
        self.ellipses = VGroup(*(self._ellipsis(layer) for layer in range(len(self.layer_sizes))
                                 if self.layer_sizes[layer] > len(self.indices[layer])))
        self.size_braces = VGroup(*(self._size_brace(layer) for layer in range(len(self.layer_sizes))
                                    if self.layer_sizes[layer] > len(self.indices[layer])))
        self.output_labels = (self._output_swatches(output_colors) if output_colors is not None
                              else self._output_labels(output_labels) if output_labels else VGroup())
        self.add(self.edges, self.neurons, self.ellipses, self.size_braces, self.output_labels, self.input_labels)
        self._edge_flat = [line for group in self.edges for line in group]
        self._circles = [circle for column in self.neurons for circle in column]
        # Runs of drawn neurons that share a level mapping (input, hidden, output): one numpy call each.
        bounds = np.cumsum([0] + [len(idx) for idx in self.indices]).tolist()
        self._level_runs = [(bounds[0], bounds[1], self.level_functions[0]),
                            (bounds[1], bounds[-2], self.level_functions[1]),
                            (bounds[-2], bounds[-1], self.level_functions[-1])]
        # The drawn state as arrays, one row per edge or neuron; the mobjects follow them
        # unless fast drawing is on (see use_fast_drawing).
        self.edge_rgbas = np.array([line.stroke_rgbas[0] for line in self._edge_flat])
        self.edge_widths = np.array([line.stroke_width for line in self._edge_flat], dtype=float)
        # Each edge's opacity for its value, before any fade_edges.
        self.edge_alphas = self.edge_rgbas[:, 3].copy() if len(self.edge_rgbas) else np.zeros(0)
        self.neuron_rgbs = np.array([circle.fill_rgbas[0, :3] for circle in self._circles])
        self.canvas = None
        self.opacity = 1.0  # of the fast drawing only; Manim's own opacities serve the mobjects

    # -- layout ---------------------------------------------------------------

    def _column(self, x: float, size: int, n_drawn: int) -> np.ndarray:
        elided = size > n_drawn
        slots = n_drawn + (1 if elided else 0)
        ys = (np.arange(slots)[::-1] - (slots - 1) / 2) * self.spacing
        if elided:
            ys = np.delete(ys, n_drawn // 2)  # the middle slot holds the ellipsis
        return np.column_stack([np.full(n_drawn, x), ys, np.zeros(n_drawn)])

    def _edge_group(self, layer: int) -> VGroup:
        starts, ends = self.positions[layer], self.positions[layer + 1]
        lines = []
        for end in ends:  # row-major in (n_out, n_in), as W is
            for start in starts:
                direction = (end - start) / np.linalg.norm(end - start)
                lines.append(Line(start + self.radius * direction, end - self.radius * direction, stroke_width=1.0))
        return VGroup(*lines)

    def _neuron_column(self, layer: int) -> VGroup:
        last = len(self.layer_sizes) - 1
        rim = INPUT_RIM if layer == 0 else OUTPUT_RIM if layer == last else HIDDEN_RIM
        rim_width = 2.5 if layer in (0, last) else 1.5
        circles = [Circle(radius=self.radius, stroke_color=rim, stroke_width=rim_width,
                          fill_color=neuron_colors(np.zeros(1))[0], fill_opacity=1.0).move_to(point)
                   for point in self.positions[layer]]
        # Above whatever else is drawn on the edges: a pulse travelling along them passes under its
        # neurons, not over them as a blob where a dozen edges meet.
        return VGroup(*circles).set_z_index(1)

    def _ellipsis(self, layer: int) -> VGroup:
        x = self.positions[layer][0, 0]
        half = len(self.indices[layer]) // 2
        middle = (self.positions[layer][half - 1, 1] + self.positions[layer][half, 1]) / 2
        gap = min(0.12, self.spacing * 0.3)
        return VGroup(*(Dot([x, middle + offset, 0], radius=0.025, color=LABEL) for offset in (-gap, 0, gap)))

    def _size_brace(self, layer: int) -> VGroup:
        column = self.neurons[layer]
        # Left of the input labels, if there are any, rather than through them.
        gap = 0.08 + (self.input_labels.width + 0.1 if layer == 0 and len(self.input_labels) else 0.0)
        brace = Brace(column, LEFT, buff=gap, color=MUTED, sharpness=1.0)
        label = Label(f"{self.layer_sizes[layer]:,}", font_size=18, color=LABEL)
        brace.put_at_tip(label, buff=0.06)
        return VGroup(brace, label)

    def _input_labels(self, texts: Sequence[str]) -> VGroup:
        labels = VGroup()
        for index, neuron in zip(self.indices[0], self.neurons[0]):
            text = Label(texts[index], font_size=20, color=LABEL)
            text.scale(min(1.0, 1.6 * self.radius / text.height)).next_to(neuron, LEFT, buff=0.12)
            labels.add(VGroup(BackgroundRectangle(text, fill_opacity=0.85, buff=0.03), text))
        return labels

    def _output_swatches(self, colors: Sequence[ManimColor]) -> VGroup:
        side = min(0.2, 1.2 * self.radius)
        drawn = [colors[i] for i in self.indices[-1]]
        return VGroup(*(Square(side, stroke_width=0, fill_color=color, fill_opacity=1.0).next_to(neuron, RIGHT, buff=0.15)
                        for color, neuron in zip(drawn, self.neurons[-1])))

    def _output_labels(self, names: Sequence[str]) -> VGroup:
        drawn = [names[i] for i in self.indices[-1]]
        return VGroup(*(Label(str(name), font_size=20, color=LABEL).next_to(neuron, RIGHT, buff=0.25)
                        for name, neuron in zip(drawn, self.neurons[-1])))

    # -- state ------------------------------------------------------------------

    def drawn_weights(self, weights: Sequence[np.ndarray]) -> np.ndarray:
        """The weights of the drawn edges, flat, in the order of ``self.edges``."""
        return np.concatenate([np.asarray(W)[np.ix_(self.indices[layer + 1], self.indices[layer])].ravel()
                               for layer, W in enumerate(weights)])

    def set_weights(self, weights: Sequence[np.ndarray], scale: float | None = None,
                    palette: tuple = WEIGHT_PALETTE) -> "NetworkMobject":
        """Colour every drawn edge by its weight; widths are relative to ``scale`` (the run's largest |w|,
        so one weight looks the same in every scene; default: the largest |w| drawn). Gradients
        take ``palette=GRADIENT_PALETTE``."""
        return self.set_drawn_weights(self.drawn_weights(weights), scale, palette)

    def set_drawn_weights(self, flat: np.ndarray, scale: float | None = None,
                          palette: tuple = WEIGHT_PALETTE) -> "NetworkMobject":
        """As ``set_weights``, from the drawn edges' weights alone (see ``drawn_weights``)."""
        if scale is None:
            scale = float(np.abs(flat).max())
        self.edge_rgbas, self.edge_widths = edge_styles(flat, scale, self.max_edge_width, self.min_edge_width,
                                                        palette)
        self.edge_alphas = self.edge_rgbas[:, 3].copy()
        if self.canvas is None:
            self._write_edges()
        return self

    def recolour(self, values: Sequence[np.ndarray], scale: float, palette: tuple = WEIGHT_PALETTE,
                 run_time: float = 1.5, layers: Sequence[int] | None = None) -> UpdateFromAlphaFunc:
        """The edges changing from how they look now to ``values`` (weights or gradients, one array per
        layer; only the edge groups ``layers``, if given), all in one animation: colours and widths are
        interpolated as arrays. Edges faded by ``fade_edges`` stay faded."""
        start_rgbas, start_widths = self.edge_rgbas.copy(), self.edge_widths.copy()
        end_rgbas, end_widths = edge_styles(self.drawn_weights(values), scale, self.max_edge_width,
                                            self.min_edge_width, palette)
        full = end_rgbas[:, 3].copy()
        # An edge faded by fade_edges stays as faded, in its new colour.
        end_rgbas[:, 3] *= np.divide(start_rgbas[:, 3], self.edge_alphas, out=np.ones(len(full)),
                                     where=self.edge_alphas > 0)
        if layers is not None:
            bounds = np.cumsum([0] + [len(group) for group in self.edges])
            keep = np.ones(len(start_widths), dtype=bool)
            for layer in layers:
                keep[bounds[layer]:bounds[layer + 1]] = False
            end_rgbas[keep], end_widths[keep] = start_rgbas[keep], start_widths[keep]
            self.edge_alphas = np.where(keep, self.edge_alphas, full)
        else:
            self.edge_alphas = full

        def step(_, alpha: float) -> None:
            self.edge_rgbas = start_rgbas + alpha * (end_rgbas - start_rgbas)
            self.edge_widths = start_widths + alpha * (end_widths - start_widths)
            if self.canvas is None:
                self._write_edges()

        return UpdateFromAlphaFunc(self.drawn_edges, step, run_time=run_time)

    def fade_edges(self, keep: Sequence[int] = (), opacity: float = 0.15, run_time: float = 1.0) -> UpdateFromAlphaFunc:
        """Every edge but those at the flat indices ``keep`` (see ``edge_index``) fading to ``opacity`` of
        the opacity its value gives it, the kept ones back to that: the few edges a sentence is about
        stand out of the many. ``fade_edges(range(len(edges)))`` brings them all back."""
        start = self.edge_rgbas[:, 3].copy()
        end = self.edge_alphas * opacity
        kept = np.asarray(list(keep), dtype=int)
        end[kept] = self.edge_alphas[kept]

        def step(_, alpha: float) -> None:
            self.edge_rgbas[:, 3] = start + alpha * (end - start)
            if self.canvas is None:
                self._write_edges()

        return UpdateFromAlphaFunc(self.drawn_edges, step, run_time=run_time)

    def edge_index(self, layer: int, row: int, col: int) -> int | None:
        """Where the edge of ``W[layer - 1][row, col]`` (from neuron ``col`` of ``layer - 1`` to neuron
        ``row`` of ``layer``, indices in the whole layers) is among the drawn edges, flat; None if an end
        is not drawn."""
        rows, cols = list(self.indices[layer]), list(self.indices[layer - 1])
        if row not in rows or col not in cols:
            return None
        before = sum(len(self.edges[earlier]) for earlier in range(layer - 1))
        return before + rows.index(row) * len(cols) + cols.index(col)

    def edge_at(self, layer: int, row: int, col: int) -> Line | None:
        """The drawn edge of ``W[layer - 1][row, col]``, or None (see ``edge_index``)."""
        index = self.edge_index(layer, row, col)
        if index is None:
            return None
        line = self._edge_flat[index]
        if self.canvas is not None:  # painted from the arrays: the line takes its look from them when asked for
            line.stroke_rgbas, line.stroke_width = self.edge_rgbas[index][None, :], self.edge_widths[index]
        return line

    def neuron_at(self, layer: int, index: int) -> Circle | None:
        """The circle of neuron ``index`` (its index in the whole layer) of ``layer``, or None if it is not drawn."""
        drawn = list(self.indices[layer])
        return self.neurons[layer][drawn.index(index)] if index in drawn else None

    @property
    def drawn_edges(self) -> VMobject:
        """What draws the edges: their lines, or the canvas that paints them from the arrays (an animation
        of the edges animates this, so the scene redraws what is on screen)."""
        return self.canvas if self.canvas is not None else self.edges

    def set_edge_styles(self, rgbas: np.ndarray, widths: np.ndarray) -> "NetworkMobject":
        """Draw the edges with these stroke RGBA rows and widths, one per drawn edge in the order of
        ``self.edges`` (``edge_styles`` makes them): for a scene that shows some edges apart from the
        others, lit as they are counted while the rest wait dimmed."""
        self.edge_rgbas, self.edge_widths = np.asarray(rgbas, dtype=float), np.asarray(widths, dtype=float)
        if self.canvas is None:
            self._write_edges()
        return self

    def _write_edges(self) -> None:
        for line, rgba, width in zip(self._edge_flat, self.edge_rgbas, self.edge_widths):
            line.stroke_rgbas = rgba[None, :]
            line.stroke_width = width

    def _write_neurons(self) -> None:
        for circle, rgb in zip(self._circles, self.neuron_rgbs):
            circle.fill_rgbas = np.array([[*rgb, 1.0]])

    def set_activations(self, activations: Sequence[np.ndarray]) -> "NetworkMobject":
        """Light neurons to their activations; ``activations`` holds one vector per layer, input first."""
        return self.set_drawn_activations(self.drawn_activations(activations))

    def drawn_activations(self, activations: Sequence[np.ndarray]) -> np.ndarray:
        """The activations of the drawn neurons, flat, in the order of ``self.neurons``."""
        return np.concatenate([np.asarray(a)[idx] for a, idx in zip(activations, self.indices)])

    def set_drawn_activations(self, flat: np.ndarray) -> "NetworkMobject":
        """As ``set_activations``, from the drawn neurons' activations alone."""
        levels = np.concatenate([to_levels(flat[start:stop]) for start, stop, to_levels in self._level_runs])
        self.neuron_rgbs = neuron_colors(levels)
        if self.canvas is None or self.canvas.edges_only:
            self._write_neurons()
        return self

    # -- fast drawing -------------------------------------------------------------

    def use_fast_drawing(self, edges_only: bool = False) -> "NetworkMobject":
        """Draw edges and neurons from arrays in one call (needs ``FastCamera``): for replays that
        change everything every frame. Lay the network out first: it stops following moves. With
        ``edges_only`` the neurons stay circles of their own (to be pointed at, copied, lit one by one)
        and only the edges, the many, are painted from the arrays."""
        if self.canvas is not None:
            return self
        self.edge_starts = np.array([line.get_start()[:2] for line in self._edge_flat]).reshape(-1, 2)
        self.edge_ends = np.array([line.get_end()[:2] for line in self._edge_flat]).reshape(-1, 2)
        self.neuron_centers = np.array([circle.get_center()[:2] for circle in self._circles])
        # The same, as Python floats once: the camera reads them every frame.
        self.edge_segments = np.hstack([self.edge_starts, self.edge_ends]).tolist()
        self.neuron_points = self.neuron_centers.tolist()
        self.rim_rgbas = np.array([circle.stroke_rgbas[0] for circle in self._circles])
        self.rim_widths = np.array([circle.stroke_width for circle in self._circles], dtype=float)
        self.canvas = NetworkCanvas(self, edges_only=edges_only)
        self.submobjects = [self.canvas if part is self.edges else part for part in self.submobjects
                            if edges_only or part is not self.neurons]
        return self

    def fade_in_fast(self) -> UpdateFromAlphaFunc:
        """The fast-drawn edges and neurons fading in (FadeIn would fade the canvas's own, invisible, outline)."""
        return UpdateFromAlphaFunc(self.canvas, lambda _, alpha: setattr(self, "opacity", alpha))

    # -- animations ---------------------------------------------------------------

    def light_layer(self, layer: int, values: np.ndarray, run_time: float = 0.8) -> AnimationGroup:
        """Neurons of ``layer`` brightening (or dimming) to the activations ``values``."""
        colors = neuron_colors(self.level_functions[layer](np.asarray(values, dtype=float)[self.indices[layer]]))
        return AnimationGroup(*(circle.animate.set_fill(ManimColor.from_rgb(rgb), opacity=1.0)
                                for circle, rgb in zip(self.neurons[layer], colors)), run_time=run_time)

    def forward_flash(self, layer: int, run_time: float = 1.2, reverse: bool = False) -> AnimationGroup:
        """A bright pulse travelling along every edge from ``layer`` to ``layer + 1`` (right to left
        with ``reverse``), all at once, so the signal moves across as one front: each pulse is the
        edge's own colour lightened, wider than the edge, with a soft halo where there is room."""
        flashes = []
        if self.canvas is not None:  # painted from the arrays: the lines take their looks from them
            self._write_edges()
        halo = len(self.edges[layer]) <= 64  # a halo on hundreds of edges would only blur them together
        for line in self.edges[layer]:
            color = interpolate_color(line.get_stroke_color(), WHITE, 0.55)
            copies = [(max(2.0 * line.stroke_width, 6.0), 1.0)] + ([(max(5.0 * line.stroke_width, 16.0), 0.25)]
                                                                  if halo else [])
            for width, opacity in copies:
                pulse = line.copy().set_stroke(color=color, width=width, opacity=opacity)
                if reverse:
                    pulse.reverse_points()
                flashes.append(ShowPassingFlash(pulse, time_width=0.45))
        return AnimationGroup(*flashes, run_time=run_time)

    def wish_arrows(self, layer: int, values: np.ndarray, color, longest: float | None = None) -> VGroup:
        """An arrow beside each drawn neuron of ``layer``, up for a positive value and down for a
        negative one, as long as the value is large against the layer's largest (3Blue1Brown's nudges).
        The longest stays within its neuron's slot, so no arrow reaches a neighbour it could be read as."""
        values = np.asarray(values, dtype=float)[self.indices[layer]]
        longest = longest or 0.9 * self.spacing
        top = float(np.abs(values).max()) or 1.0
        arrows = VGroup()
        for value, neuron in zip(values, self.neurons[layer]):
            length = longest * abs(value) / top
            if length < 0.06:
                continue
            start = neuron.get_center() + RIGHT * (self.radius + 0.12)
            end = start + (UP if value > 0 else DOWN) * length
            arrows.add(Arrow(start - (end - start) * 0.5, end - (end - start) * 0.5, buff=0, color=color,
                             stroke_width=4, max_tip_length_to_length_ratio=0.35, tip_length=0.14))
        return arrows

    def layer_center(self, layer: int) -> np.ndarray:
        return self.neurons[layer].get_center()

    @staticmethod
    def legend(font_size: int = 20, signed: bool = False) -> VGroup:
        """What blue, red, width and brightness mean; ``signed`` adds the colour of negative activations."""
        rows = []
        for color, width, text in ((POSITIVE, 4, "positive weight"), (NEGATIVE, 4, "negative weight"),
                                   (LABEL, 1, "thin: small |w|"), (LABEL, 5, "thick: large |w|")):
            rows.append(VGroup(Line(LEFT * 0.3, RIGHT * 0.3, stroke_color=color, stroke_width=width),
                               Label(text, font_size=font_size, color=LABEL)).arrange(RIGHT, buff=0.2))
        levels = ((0.0, "quiet neuron"), (1.0, "firing neuron")) + (((-1.0, "negative activation"),) if signed else ())
        for level, text in levels:
            # An invisible line as wide as the edge samples keeps the texts aligned.
            slot = Line(LEFT * 0.3, RIGHT * 0.3, stroke_opacity=0)
            dot = Circle(radius=0.12, stroke_color=HIDDEN_RIM, stroke_width=1.5,
                         fill_color=neuron_colors(np.array([level]))[0], fill_opacity=1).move_to(slot)
            rows.append(VGroup(VGroup(slot, dot), Label(text, font_size=font_size, color=LABEL)).arrange(RIGHT, buff=0.2))
        legend = VGroup(*rows).arrange(DOWN, aligned_edge=LEFT, buff=0.16)
        return legend


class NetworkCanvas(VMobject):
    """Stands in for a network's edges and neurons, and paints them from the network's arrays.

    Its own points only span the network, so Manim keeps it in the display list
    and knows its extent; they are never drawn.
    """

    def __init__(self, network_mob: "NetworkMobject", edges_only: bool = False, **kwargs) -> None:
        super().__init__(stroke_opacity=0, fill_opacity=0, **kwargs)
        self.network_mob = network_mob
        self.edges_only = edges_only  # the neurons are circles of their own, drawn by Manim
        left = network_mob.neurons.get_corner(np.array([-1, -1, 0]))
        right = network_mob.neurons.get_corner(np.array([1, 1, 0]))
        self.set_points_as_corners([left, [right[0], left[1], 0], right])

    def paint(self, ctx: cairo.Context, camera) -> None:
        """Edges, then neurons over them, as Manim would draw the same Lines and Circles.

        The context already maps scene units to pixels. Manim's Cairo surface stores
        colours as BGR, so colours go in reversed, as Manim's own camera passes them.
        """
        network_mob, line_width_multiple = self.network_mob, camera.cairo_line_width_multiple
        opacity = network_mob.opacity
        if opacity <= 0:
            return
        ctx.set_line_cap(cairo.LINE_CAP_BUTT)
        ctx.set_line_join(cairo.LINE_JOIN_MITER)
        ctx.new_path()  # stroke() and fill() clear the path: one new_path serves every shape below
        for (x0, y0, x1, y1), (r, g, b, a), width in zip(network_mob.edge_segments, network_mob.edge_rgbas.tolist(),
                                                          network_mob.edge_widths.tolist()):
            if width <= 0 or a <= 0:
                continue
            ctx.move_to(x0, y0)
            ctx.line_to(x1, y1)
            ctx.set_source_rgba(b, g, r, a * opacity)
            ctx.set_line_width(width * line_width_multiple)
            ctx.stroke()
        if self.edges_only:
            return
        radius = network_mob.radius
        for (x, y), (r, g, b), (sr, sg, sb, sa), rim in zip(network_mob.neuron_points, network_mob.neuron_rgbs.tolist(),
                                                            network_mob.rim_rgbas.tolist(),
                                                            network_mob.rim_widths.tolist()):
            ctx.arc(x, y, radius, 0.0, 2 * math.pi)
            ctx.close_path()
            ctx.set_source_rgba(b, g, r, opacity)
            ctx.fill_preserve()
            ctx.set_source_rgba(sb, sg, sr, sa * opacity)
            ctx.set_line_width(rim * line_width_multiple)
            ctx.stroke()
