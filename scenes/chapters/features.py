"""FeaturesScene: what each neuron of the first layer looks for, its weights drawn as an image.

A first-layer neuron of a network on images has one weight per pixel. Laid out
as the image is, row by row, the weights are a picture of what raises the
neuron's sum (blue: ink there adds) and what lowers it (red), as 3Blue1Brown
shows them. All the pictures share one scale, the largest |w| of the layer in
the two snapshots shown, so a faint picture is a neuron with small weights.
"""
from __future__ import annotations

import numpy as np
from manim import (
    DOWN, LEFT, RIGHT, UP, Create, FadeIn, Indicate, Rectangle, SurroundingRectangle, UpdateFromAlphaFunc, VGroup, Write,
)

from nnscratch import judge
from nnscratch.snapshot_outputs import activations_at
from scenes.chapters.base import HistoryScene, default_image_history
from scenes.narration.words import number
from scenes.mobjects.glyphs import Label
from scenes.mobjects.layout import GAP, Region, fit, safe_area
from scenes.narration.beats import Beat, counted
from scenes.mobjects.pixel_image import PixelImage
from scenes.mobjects.raster import Raster
from scenes.mobjects.style import HIGHLIGHT, LABEL, MUTED, weight_image_colors

MAX_SHOWN = 32  # neurons drawn at most; a wider layer shows its first ones
GRID_SHARE = 0.6  # of the width below the title, for the grid of pictures
CELL_GAP = 0.14
NUMBER_FONT = 16


class FeaturesScene(HistoryScene):
    """The first layer's weights as pictures: at the start of training, then trained.

    Needs a run whose inputs are images (``--dataset digits``); refuses any other. With no
    run it trains a small one on the digits.
    """

    def __init__(self, history=None, **kwargs) -> None:
        super().__init__(history if history is not None else default_image_history(), **kwargs)
        self.shape = self.history.image_shape
        if self.shape is None:
            raise ValueError("the first layer's weights are drawn as images only when the inputs are images "
                             "(--dataset digits)")
        sizes = self.history.layer_sizes
        self.output_only = len(sizes) == 2  # the first layer is the output layer
        self.n_neurons = sizes[1]
        self.shown = min(self.n_neurons, MAX_SHOWN)
        weights = self.history.weights[0]
        self.before, self.after = weights[0, :self.shown].astype(float), weights[-1, :self.shown].astype(float)
        self.scale = float(max(np.abs(weights[0]).max(), np.abs(weights[-1]).max()))
        self.names = (list(self.history.class_names) if self.output_only
                      else [str(index + 1) for index in range(self.shown)])

    def layer_name(self) -> str:
        return "the output layer" if self.output_only else "hidden layer 1"

    def neuron_name(self, index: int) -> str:
        return f"the neuron for {self.names[index]}" if self.output_only else f"neuron {index + 1}"

    # -- layout ------------------------------------------------------------------

    def prepare(self) -> None:
        area = safe_area()
        self.title = fit(Label(f"What {self.layer_name()} looks for", font_size=38, color=LABEL),
                         area.above(area.top - 0.7), UP + LEFT)
        self.subtitle = Label(f"{counted(self.n_neurons, 'neuron')}, {self.history.layer_sizes[0]:,} weights each"
                             + (f": the first {self.shown}" if self.shown < self.n_neurons else ""),
                             font_size=22, color=MUTED)
        fit(self.subtitle, area.below(self.title.get_bottom()[1] - 0.15).above(
            self.title.get_bottom()[1] - 0.15 - self.subtitle.height), UP + LEFT)
        content = area.below(self.subtitle.get_bottom()[1] - GAP)
        grid_region = content.left_of(content.left + GRID_SHARE * content.width)
        self.build_grid(grid_region)
        self.column = content.right_of(grid_region.right + 2 * GAP)
        self.build_legend(self.column)
        self.response = self.strongest_response()

    def build_grid(self, region: Region) -> None:
        """One picture per neuron, numbered under it, in the rows and columns that make them largest."""
        label_height = Label("0", font_size=NUMBER_FONT).height + 0.06
        best = None
        for columns in range(1, self.shown + 1):
            rows = -(-self.shown // columns)
            side = min((region.width - (columns - 1) * CELL_GAP) / columns,
                       (region.height - rows * label_height - (rows - 1) * CELL_GAP) / rows)
            if best is None or side > best[0]:
                best = (side, rows, columns)
        side, rows, columns = best
        left = region.left + (region.width - (columns * (side + CELL_GAP) - CELL_GAP)) / 2
        self.pictures, self.frames, self.numbers = VGroup(), VGroup(), VGroup()
        for index in range(self.shown):
            row, column = divmod(index, columns)
            x = left + column * (side + CELL_GAP) + side / 2
            y = region.top - row * (side + label_height + CELL_GAP) - side / 2
            picture = Raster(self.colors(self.before[index]), side, side, smooth=False).move_to([x, y, 0])
            self.pictures.add(picture)
            self.frames.add(Rectangle(width=side, height=side, stroke_color=MUTED, stroke_width=1).move_to(picture))
            number_text = Label(self.names[index], font_size=NUMBER_FONT, color=MUTED)
            self.numbers.add(number_text.next_to(picture, DOWN, buff=0.06))

    def colors(self, weights: np.ndarray) -> np.ndarray:
        """One neuron's weights as the picture's RGB: reshaped to the image, through the weight colours."""
        return weight_image_colors(weights.reshape(self.shape), self.scale)

    def build_legend(self, column: Region) -> None:
        """The colour scale: a strip from the most negative weight to the most positive, with its numbers."""
        heading = Label("each pixel's weight", font_size=22, color=LABEL)
        strip = Raster(weight_image_colors(np.linspace(-self.scale, self.scale, 129)[None, :], self.scale),
                       min(3.0, column.width), 0.22, smooth=True)
        ends = VGroup(Label(number(-self.scale), font_size=18, color=MUTED), Label("0", font_size=18, color=MUTED),
                      Label("+" + number(self.scale), font_size=18, color=MUTED))
        self.legend = VGroup(heading, VGroup(strip, ends)).arrange(DOWN, aligned_edge=LEFT, buff=0.15)
        ends[0].next_to(strip, DOWN, buff=0.08).align_to(strip, LEFT)
        ends[1].next_to(strip, DOWN, buff=0.08)
        ends[2].next_to(strip, DOWN, buff=0.08).align_to(strip, RIGHT)
        self.strip = strip
        fit(self.legend, column.above(column.top - self.legend.height), UP + LEFT)

    # -- what the pictures mean ---------------------------------------------------------

    def strongest_response(self) -> dict:
        """The shown neuron whose mean activation differs most between classes, with the class it
        fires for most and least, over the test digits (the training digits when there are none)."""
        h = self.history
        X, y = (h.X_test, h.y_test) if h.has_test else (h.X_train, h.y_train)
        classes = y[:, 0].astype(int) if y.shape[1] == 1 else y.argmax(axis=1)
        activations = activations_at(h, [-1], X.astype(float))[1][0][:, :self.shown]  # (N, shown)
        present = np.unique(classes)
        means = np.array([activations[classes == c].mean(axis=0) for c in present])  # (classes, shown)
        neuron = int(np.argmax(means.max(axis=0) - means.min(axis=0)))
        most, least = int(np.argmax(means[:, neuron])), int(np.argmin(means[:, neuron]))
        return {"neuron": neuron, "most": int(present[most]), "least": int(present[least]),
                "most_mean": float(means[most, neuron]), "least_mean": float(means[least, neuron]),
                "average": X[classes == present[most]].astype(float).mean(axis=0),
                "count": int((classes == present[most]).sum()), "source": "test" if h.has_test else "training"}

    # -- the story ------------------------------------------------------------------

    def script(self) -> list[Beat]:
        h, r = self.history, self.response
        names = h.class_names
        verdict = judge(h)
        pixels = h.layer_sizes[0]
        rows, columns = self.shape
        faint = float(np.abs(self.before).max()) < 0.5 * self.scale  # on the scale the trained weights set
        noise = ("Before training the weights are small and random, so every picture is faint noise." if faint
                 else "Before training the weights are random, so every picture is noise.")
        beats = [
            Beat(f"Each neuron of {self.layer_name()} has {pixels:,} incoming weights, one for each pixel of "
                 "the image.", self.show_title,
                 brief=f"Each neuron of {self.layer_name()} has {pixels:,} weights, one per pixel."),
            Beat(f"Laid out as the image is, {rows} by {columns}, a neuron's weights become a picture: blue where "
                 "ink raises its sum, red where ink lowers it.", self.show_legend,
                 brief=f"Laid out {rows} by {columns}, they make a picture: blue where ink raises the sum, red "
                       "where it lowers it."),
            Beat(noise, self.show_noise, brief="At first they are faint noise." if faint else "At first they are noise."),
            Beat(f"After {h.epochs:,} epochs of training, here is what each one looks for.", self.show_after),
            Beat(f"{self.neuron_name(r['neuron']).capitalize()} fires most for {names[r['most']]}s, "
                 f"{number(r['most_mean'])} on average, and least for {names[r['least']]}s, "
                 f"{number(r['least_mean'])}.", self.show_response),
        ]
        if not verdict.learned:
            beats.append(Beat(f"But this run did not learn: {verdict.why_not}; these pictures are what it was "
                              "left with.", lambda: None))
        return beats

    def show_title(self) -> None:
        self.play(Write(self.title), FadeIn(self.subtitle), run_time=1.0)
        self.play(Create(self.frames, lag_ratio=0.05), FadeIn(self.numbers), run_time=1.2)

    def show_legend(self) -> None:
        """The colour scale, and the pictures the sentence speaks of: the weights before training."""
        self.play(FadeIn(self.legend, shift=UP * 0.2), run_time=1.0)
        self.play(FadeIn(self.pictures, lag_ratio=0.05), run_time=1.5)

    def show_noise(self) -> None:
        self.play(Indicate(self.frames, color=HIGHLIGHT, scale_factor=1.0), run_time=1.0)

    def show_after(self) -> None:
        def morph(_, alpha: float) -> None:
            for picture, before, after in zip(self.pictures, self.before, self.after):
                picture.set_rgb(self.colors(before + alpha * (after - before)))

        self.play(UpdateFromAlphaFunc(self.pictures, morph), run_time=2.5)

    def show_response(self) -> None:
        """The most selective neuron boxed, and beside the scale its picture large, next to the average
        of the digits it fires for most."""
        r = self.response
        index = r["neuron"]
        box = SurroundingRectangle(self.pictures[index], color=HIGHLIGHT, buff=0.04)
        region = self.column.below(self.legend.get_bottom()[1] - 0.5)
        side = max(0.5, min((region.width - 0.3) / 2, region.height - 0.8))
        picture = Raster(self.colors(self.after[index]), side, side, smooth=False)
        weights = VGroup(picture, Rectangle(width=side, height=side, stroke_color=MUTED, stroke_width=1.5))
        average = PixelImage(r["average"], self.shape, side)
        names = self.history.class_names
        pair = VGroup(weights, average).arrange(RIGHT, buff=0.3)
        captions = VGroup(Label(self.neuron_name(index), font_size=18, color=LABEL).next_to(weights, DOWN, buff=0.1),
                          Label(f"average of {r['count']:,} {r['source']} {names[r['most']]}s", font_size=18,
                               color=LABEL).next_to(average, DOWN, buff=0.1))
        zoom = VGroup(pair, captions)
        fit(zoom, region.above(region.top - zoom.height), UP + LEFT)
        self.play(Create(box), run_time=0.6)
        self.play(FadeIn(weights), FadeIn(average), FadeIn(captions), run_time=1.2)
