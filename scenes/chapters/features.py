"""FeaturesScene: what each neuron of the first layer looks for, its weights drawn as an image.

A first-layer neuron of a network on images has one weight per pixel. Laid out
as the image is, row by row, the weights are a picture of what raises the
neuron's sum (blue: ink there adds) and what lowers it (red), as 3Blue1Brown
shows them. All the pictures share one scale, said and drawn in the legend: full
colour from the size that only the largest twentieth of the trained weights
reach (``SCALE_PERCENTILE``), so the bulk of the weights can be seen rather than a
few outliers setting a scale under which everything is black.

The story opens on the trained pictures, lifts the most selective neuron's out
large, and puts beside it the digit the story follows and their product, pixel by
pixel (weight × ink: blue where the ink raises the sum, red where it lowers it);
it says honestly that the pictures are not clean strokes, replays how they grew out
of the initial noise (each frame a recorded snapshot), and ends on that neuron's
mean activation for each digit, as bars with the numbers said, beside the average
digit it fires for most and that digit's product.
"""
from __future__ import annotations

import numpy as np
from manim import (
    DOWN, LEFT, RIGHT, UP, Create, FadeIn, FadeOut, FadeTransform, GrowFromEdge, Indicate, LaggedStart, Rectangle,
    SurroundingRectangle, TransformFromCopy, UpdateFromAlphaFunc, VGroup, Write, linear,
)

from nnscratch import judge
from nnscratch.snapshot_outputs import activations_at
from scenes.chapters.base import HistoryScene, default_image_history
from scenes.narration.words import number
from scenes.mobjects.glyphs import Label
from scenes.mobjects.layout import GAP, Region, fit, safe_area
from scenes.narration.beats import Beat, Brief, counted
from scenes.mobjects.pixel_image import PixelImage
from scenes.mobjects.plot import labelled
from scenes.mobjects.raster import Raster
from scenes.mobjects.readout import Readout
from scenes.mobjects.style import HIGHLIGHT, LABEL, MUTED, POSITIVE, weight_image_colors

MAX_SHOWN = 32  # neurons drawn at most; a wider layer shows its first ones
GRID_SHARE = 0.48  # of the width below the title, for the grid of pictures (a 4 × 4 grid is as large as at 0.55)
CELL_GAP = 0.14
NUMBER_FONT = 16  # the pictures' numbers: a name to find, not a number said
FONT = 22  # what the narration says and points at
SCALE_PERCENTILE = 95  # full colour from the |w| only this share of the trained weights stays under
GROW_FRAMES_PER_SECOND = 12  # recorded snapshots a second as the pictures grow, where there are that many
GROW_SECONDS = 3.0
BAR_GAP = 0.12
SIGN_GAP = 0.15  # around the × and = between the neuron's picture, the digit and their product
CLOSE_SHARE = 0.1  # a class within this share of the range below the top one is "nearly as much"


class FeaturesScene(HistoryScene):
    """The first layer's weights as pictures, trained; how they grew; what one neuron responds to.

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
        self.scale = display_scale(self.after)
        self.names = (list(self.history.class_names) if self.output_only
                      else [str(index + 1) for index in range(self.shown)])
        snapshots = self.history.n_snapshots
        count = min(snapshots, int(GROW_SECONDS * GROW_FRAMES_PER_SECOND) + 1)
        self.grow_snapshots = np.unique(np.round(np.linspace(0, snapshots - 1, count)).astype(int))

    def layer_name(self) -> str:
        return "the output layer" if self.output_only else "hidden layer 1"

    def neuron_name(self, index: int) -> str:
        return f"the neuron for {self.names[index]}" if self.output_only else f"neuron {index + 1}"

    # -- layout ------------------------------------------------------------------

    def prepare(self) -> None:
        area = safe_area()
        rows, columns = self.shape
        self.title = fit(Label(f"What {self.layer_name()} looks for", font_size=38, color=LABEL),
                         area.above(area.top - 0.7), UP + LEFT)
        self.subtitle = Label(f"{counted(self.n_neurons, 'neuron')}, {self.history.layer_sizes[0]:,} weights each, "
                              f"{rows} × {columns}" + (f": the first {self.shown}" if self.shown < self.n_neurons else ""),
                              font_size=FONT, color=MUTED)
        fit(self.subtitle, area.below(self.title.get_bottom()[1] - 0.15).above(
            self.title.get_bottom()[1] - 0.15 - self.subtitle.height), UP + LEFT)
        content = area.below(self.subtitle.get_bottom()[1] - GAP)
        grid_region = content.left_of(content.left + GRID_SHARE * content.width)
        self.build_grid(grid_region)
        self.epoch_readout = Readout(len(f"{self.history.epochs:,}"), font_size=FONT + 2, color=LABEL)
        self.epoch_row = labelled(Label("epoch", font_size=FONT + 2, color=MUTED), self.epoch_readout,
                                  Label(f"/ {self.history.epochs:,}", font_size=FONT + 2, color=MUTED))
        self.epoch_row.move_to([area.right, self.title.get_center()[1], 0], RIGHT)
        self.epoch_readout.set_text(f"{self.history.epochs:,}")
        self.column = content.right_of(grid_region.right + 2 * GAP)
        self.build_legend(self.column)
        self.response = self.strongest_response()
        self.build_response(self.column.below(self.legend.get_bottom()[1] - 0.35))

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
            picture = Raster(self.colors(self.after[index]), side, side, smooth=False).move_to([x, y, 0])
            self.pictures.add(picture)
            self.frames.add(Rectangle(width=side, height=side, stroke_color=MUTED, stroke_width=1).move_to(picture))
            number_text = Label(self.names[index], font_size=NUMBER_FONT, color=MUTED)
            self.numbers.add(number_text.next_to(picture, DOWN, buff=0.06))

    def colors(self, weights: np.ndarray) -> np.ndarray:
        """One neuron's weights as the picture's RGB: reshaped to the image, through the weight colours."""
        return weight_image_colors(weights.reshape(self.shape), self.scale)

    def build_legend(self, column: Region) -> None:
        """The colour scale: a strip from full red to full blue, with the weights those are, and the
        words that say larger weights are drawn full too."""
        heading = Label("each pixel's weight", font_size=FONT, color=LABEL)
        width = min(3.4, column.width)
        strip = Raster(weight_image_colors(np.linspace(-self.scale, self.scale, 129)[None, :], self.scale),
                       width, 0.22, smooth=True)
        self.ends = VGroup(Label(number(-self.scale), font_size=FONT, color=LABEL),
                           Label("0", font_size=FONT, color=MUTED),
                           Label("+" + number(self.scale), font_size=FONT, color=LABEL))
        note = Label("larger: full colour", font_size=FONT - 4, color=MUTED)
        self.legend = VGroup(heading, VGroup(strip, self.ends), note).arrange(DOWN, aligned_edge=LEFT, buff=0.12)
        self.ends[0].next_to(strip, DOWN, buff=0.08).align_to(strip, LEFT)
        self.ends[1].next_to(strip, DOWN, buff=0.08)
        self.ends[2].next_to(strip, DOWN, buff=0.08).align_to(strip, RIGHT)
        note.next_to(self.ends, DOWN, buff=0.08).align_to(strip, LEFT)
        self.strip = strip
        fit(self.legend, column.above(column.top - self.legend.height), UP + LEFT)

    def build_response(self, region: Region) -> None:
        """The chosen neuron's picture large, beside the digit the story follows and the product of the
        two (each pixel's weight times its ink: what the sum adds up); later the average of the digits
        it fires for most, and its product, take the followed digit's place. Under them, its mean
        activation for each class as bars, the highest and lowest numbered."""
        r, names = self.response, self.history.class_names
        index = r["neuron"]
        weights = self.after[index]
        self.times, self.equals = (Label(sign, font_size=FONT + 8, color=MUTED) for sign in ("×", "="))
        signs = self.times.width + self.equals.width + 4 * SIGN_GAP
        side = max(0.6, min((region.width - signs) / 3, region.height * 0.45))
        self.zoom = Raster(self.colors(weights), side, side, smooth=False)
        zoom_frame = Rectangle(width=side, height=side, stroke_color=MUTED, stroke_width=1.5)
        self.example = PixelImage(self.probe_values, self.shape, side)
        self.ink = self.product_picture(self.probe_values, side)
        self.average = PixelImage(r["average"], self.shape, side)
        self.average_ink = self.product_picture(r["average"], side)
        row = VGroup(VGroup(self.zoom, zoom_frame), self.times, self.example, self.equals, self.ink).arrange(
            RIGHT, buff=SIGN_GAP)
        trio = VGroup(row[0], row[2], row[4])
        self.average.move_to(self.example)
        self.average_ink.move_to(self.ink)
        self.zoom_caption = Label(self.neuron_name(index), font_size=FONT, color=LABEL)
        self.example_caption = Label(self.probe_name(), font_size=FONT, color=LABEL)
        self.ink_caption = Label("weight × ink", font_size=FONT, color=LABEL)
        self.average_caption = Label(f"average {names[r['most']]}", font_size=FONT, color=LABEL)
        # The classes it fires for nearly as much, and the one it fires for least: each, in turn as it is
        # named, in the same places as the most's average and weight x ink.
        self.close_views = [self.class_view(cls, average, side) for cls, average in zip(r["close"],
                                                                                       r["close_averages"])]
        self.least_average, self.least_ink, self.least_caption = self.class_view(r["least"], r["least_average"],
                                                                                 side)
        for caption, picture in ((self.zoom_caption, trio[0]), (self.example_caption, self.example),
                                 (self.ink_caption, self.ink), (self.average_caption, self.average)):
            caption.next_to(picture, DOWN, buff=0.1)
        self.zoom_group = VGroup(trio[0], self.zoom_caption)
        self.least_caption.next_to(self.least_average, DOWN, buff=0.1)
        for _, _, caption in self.close_views:
            caption.next_to(self.least_average, DOWN, buff=0.1)
        for caption in (self.example_caption, self.average_caption, self.least_caption,
                        *(view[2] for view in self.close_views)):  # a long name kept under its picture
            if caption.width > side + 2 * SIGN_GAP:
                caption.scale((side + 2 * SIGN_GAP) / caption.width)
        top = VGroup(row, self.average, self.average_ink, self.zoom_caption, self.example_caption, self.ink_caption,
                     self.average_caption, self.least_average, self.least_ink, self.least_caption,
                     *(part for view in self.close_views for part in view))
        fit(top, region.above(region.top - top.height), UP + LEFT)
        self.bars = self.bar_chart(region.below(top.get_bottom()[1] - 0.3))

    def class_view(self, cls: int, average: np.ndarray, side: float) -> tuple:
        """A class's average digit where the example stands, its weight x ink where the example's is, and
        its caption."""
        return (PixelImage(average, self.shape, side).move_to(self.example),
                self.product_picture(average, side).move_to(self.ink),
                Label(f"average {self.history.class_names[cls]}", font_size=FONT, color=LABEL))

    @property
    def probe_values(self) -> np.ndarray:
        return self.history.probe_input.astype(float).reshape(-1)

    def probe_name(self) -> str:
        """The digit the story follows, as the pictures' caption names it."""
        h = self.history
        if h.class_names and h.probe_target is not None:
            target = np.asarray(h.probe_target).reshape(-1)
            index = int(target.argmax()) if len(target) > 1 else int(target[0])
            return f"the {h.class_names[index]} we follow"
        return "the image we follow"

    def product_picture(self, ink: np.ndarray, side: float) -> VGroup:
        """Each pixel's weight times its ink, in the weights' colours and scale: blue where the ink raises
        the chosen neuron's sum, red where it lowers it, black where there is no ink."""
        weights = self.after[self.response["neuron"]]
        return VGroup(Raster(self.colors(weights * np.clip(ink, 0.0, 1.0)), side, side, smooth=False),
                      Rectangle(width=side, height=side, stroke_color=MUTED, stroke_width=1.5))

    def bar_chart(self, region: Region) -> VGroup:
        """Bars of the chosen neuron's mean activation per class, in ``region``: a heading, the bars on
        a baseline (below it for negative means), each class named under its bar, and the numbers of
        the highest and lowest bars above them."""
        r, names = self.response, self.history.class_names
        means = r["means"]
        heading = Label(f"{self.neuron_name(r['neuron'])}: mean activation for each {self.class_word()}",
                        font_size=FONT - 2, color=MUTED)
        fit(heading, region.above(region.top - heading.height), UP + LEFT)
        name_height = Label("0", font_size=FONT).height
        value_height = Label("0.00", font_size=FONT).height
        top = heading.get_bottom()[1] - 0.15 - value_height - 0.08
        bottom = region.bottom + name_height + 0.12
        span = float(np.abs(means).max()) or 1.0
        negative = bool((means < 0).any())
        baseline = (top + bottom) / 2 if negative else bottom
        unit = (top - baseline) / span
        width = (region.width - (len(means) - 1) * BAR_GAP) / len(means)
        width = min(width, 0.6)
        self.bar_rects, self.bar_names, self.bar_values = VGroup(), VGroup(), VGroup()
        self.value_of: dict[int, Label] = {}
        for slot, (cls, mean) in enumerate(zip(r["classes"], means)):
            x = region.left + slot * (width + BAR_GAP) + width / 2
            height = max(abs(float(mean)) * unit, 0.01)
            bar = Rectangle(width=width, height=height, stroke_width=0, fill_color=POSITIVE, fill_opacity=0.85)
            bar.move_to([x, baseline, 0], DOWN if mean >= 0 else UP)
            self.bar_rects.add(bar)
            self.bar_names.add(Label(names[cls], font_size=FONT, color=MUTED).move_to(
                [x, region.bottom + name_height / 2, 0]))
            if slot in (r["most_slot"], r["least_slot"], *r["close_slots"]):
                value = Label(number(float(mean)), font_size=FONT, color=HIGHLIGHT)
                value.next_to(bar, UP if mean >= 0 else DOWN, buff=0.08)
                if value.get_bottom()[1] < baseline and mean >= 0:
                    value.set_y(baseline + value.height / 2 + 0.08)
                self.bar_values.add(value)
                self.value_of[slot] = value
        return VGroup(heading, self.bar_rects, self.bar_names, self.bar_values)

    def class_word(self) -> str:
        return "digit" if self.history.dataset_name == "digits" else "class"

    # -- what the pictures mean ---------------------------------------------------------

    def strongest_response(self) -> dict:
        """The shown neuron whose mean activation differs most between classes, with its mean for each
        class and the class it fires for most and least, over the test digits (the training digits when
        there are none)."""
        h = self.history
        X, y = (h.X_test, h.y_test) if h.has_test else (h.X_train, h.y_train)
        classes = y[:, 0].astype(int) if y.shape[1] == 1 else y.argmax(axis=1)
        activations = activations_at(h, [-1], X.astype(float))[1][0][:, :self.shown]  # (N, shown)
        present = np.unique(classes)
        means = np.array([activations[classes == c].mean(axis=0) for c in present])  # (classes, shown)
        neuron = int(np.argmax(means.max(axis=0) - means.min(axis=0)))
        most, least = int(np.argmax(means[:, neuron])), int(np.argmin(means[:, neuron]))
        # Classes it fires for nearly as much (within a tenth of its range of the most): said with it,
        # so the bars beside the sentence do not contradict "most".
        top, spread = means[most, neuron], means[most, neuron] - means[least, neuron]
        close = [int(slot) for slot in np.argsort(-means[:, neuron])
                 if slot != most and means[slot, neuron] >= top - CLOSE_SHARE * spread][:2]
        return {"neuron": neuron, "most": int(present[most]), "least": int(present[least]),
                "most_slot": most, "least_slot": least, "close_slots": close,
                "close": [int(present[slot]) for slot in close],
                "close_means": [float(means[slot, neuron]) for slot in close],
                "classes": present, "means": means[:, neuron],
                "most_mean": float(means[most, neuron]), "least_mean": float(means[least, neuron]),
                "average": X[classes == present[most]].astype(float).mean(axis=0),
                "least_average": X[classes == present[least]].astype(float).mean(axis=0),
                "close_averages": [X[classes == present[slot]].astype(float).mean(axis=0) for slot in close],
                "count": int((classes == present[most]).sum()), "source": "test" if h.has_test else "training"}

    # -- the story ------------------------------------------------------------------

    def script(self) -> list[Beat]:
        h, r = self.history, self.response
        names = h.class_names
        verdict = judge(h)
        pixels = h.layer_sizes[0]
        rows, columns = self.shape
        scale = number(self.scale)
        faint = float(np.abs(self.before).max()) < 0.5 * self.scale
        beats = [
            Beat(f"Each neuron of {self.layer_name()} has {pixels:,} weights, one for each pixel of the image.",
                 self.show_pictures,
                 brief=f"Each neuron of {self.layer_name()} has {pixels:,} weights, one per pixel."),
            Beat(f"Laid out {rows} by {columns}, as the image is, a neuron's weights make a picture: blue where ink "
                 "raises its sum, red where ink lowers it.", self.show_layout,
                 brief=f"Laid out {rows} by {columns}: blue where ink raises the sum, red where it lowers it, "
                       f"full colour from ±{scale}."),
            Beat(f"Colour is full from ±{scale} on, a size few weights reach, so the small ones show too.",
                 self.show_scale, in_brief=Brief.WITH_PREVIOUS),
            Beat("Are these clean strokes, loops and edges? Not at all: speckled blotches, with a blurry shape "
                 "at best.", self.show_honesty, brief="Clean strokes? Not at all: speckled blotches."),
            Beat(f"They grew out of {'faint ' if faint else ''}random noise over the {h.epochs:,} epochs of "
                 "training; each frame here is a recorded snapshot.", self.show_growth,
                 brief=f"They grew out of {'faint ' if faint else ''}noise over the {h.epochs:,} epochs."),
            Beat(f"{self.neuron_name(r['neuron']).capitalize()} fires most for {self.most_said()}, and least for "
                 f"{names[r['least']]}s, {number(r['least_mean'])}.", self.show_response,
                 brief=f"{self.neuron_name(r['neuron']).capitalize()} fires most for {self.most_said(brief=True)}, "
                       f"and least for {names[r['least']]}s, {number(r['least_mean'])}."),
        ]
        if not verdict.learned:
            beats.append(Beat(f"But this run did not learn: {verdict.why_not}; these pictures are what it was "
                              "left with.", lambda: self.play(Indicate(self.title, color=HIGHLIGHT),
                                                              run_time=self.paced(1.0))))
        return beats

    def most_said(self, brief: bool = False) -> str:
        """The class it fires for most with its mean, and those it fires for nearly as much with it
        ("4s, 7s and 9s, 0.90, 0.90 and 0.87 on average"; briefly "4s, 7s and 9s, up to 0.90")."""
        r, names = self.response, self.history.class_names
        classes = _listed([f"{names[cls]}s" for cls in [r["most"], *r["close"]]])
        if brief and r["close"]:
            return f"{classes}, up to {number(r['most_mean'])}"
        means = [r["most_mean"], *r["close_means"]]
        return f"{classes}, {_listed([number(m) for m in means])} on average"

    def show_pictures(self) -> None:
        """The grid of pictures, then the chosen neuron's lifted out large beside it: one weight a pixel."""
        self.play(Write(self.title), FadeIn(self.subtitle), run_time=1.0)
        self.play(Create(self.frames, lag_ratio=0.05), FadeIn(self.numbers),
                  FadeIn(self.pictures, lag_ratio=0.08), run_time=self.paced(1.2, 0.5))
        index = self.response["neuron"]
        self.box = SurroundingRectangle(self.pictures[index], color=HIGHLIGHT, buff=0.04)
        self.play(Create(self.box),
                  TransformFromCopy(VGroup(self.pictures[index].copy(), self.frames[index].copy()), self.zoom_group[0]),
                  FadeIn(self.zoom_caption), run_time=self.paced(1.0))

    def show_layout(self) -> None:
        """The subtitle's size of the image pointed at with the followed digit beside the neuron's
        picture, the colours' meaning put up, and the product of the two: where ink meets blue, red."""
        self.play(Indicate(self.subtitle, color=HIGHLIGHT, scale_factor=1.0), FadeIn(self.times),
                  FadeIn(self.example), FadeIn(self.example_caption), run_time=1.0)
        self.play(FadeIn(self.legend, shift=UP * 0.2), FadeIn(self.equals), FadeIn(self.ink, shift=LEFT * 0.2),
                  FadeIn(self.ink_caption), run_time=self.paced(1.0, 0.5))
        # Blue, then red, pointed at in the scale as the sentence names them.
        half = self.strip.width / 2
        for side in (RIGHT, LEFT):
            spot = Rectangle(width=half, height=self.strip.height + 0.1, color=HIGHLIGHT, stroke_width=3)
            spot.move_to(self.strip.get_center() + side * half / 2)
            self.play(Create(spot), run_time=self.paced(0.5, 0.5))
            self.remove(spot)

    def show_scale(self) -> None:
        self.play(Indicate(self.ends[0], color=HIGHLIGHT), Indicate(self.ends[2], color=HIGHLIGHT),
                  run_time=self.paced(1.2))

    def show_honesty(self) -> None:
        """A close look at the most selective neuron's picture, large beside the grid, then each of the others."""
        self.play(Indicate(self.zoom_group[0][1], color=HIGHLIGHT, scale_factor=1.0), Indicate(self.box),
                  run_time=self.paced(1.0, 0.5))
        # "Not at all": the close look is held up against the whole grid, picture by picture.
        self.play(LaggedStart(*(Indicate(frame, color=HIGHLIGHT, scale_factor=1.0) for frame in self.frames),
                              lag_ratio=0.2), run_time=self.paced(1.0))

    def show_growth(self) -> None:
        """Every picture through the recorded snapshots, from the first to the last, each frame one
        snapshot (its epoch in the readout): no blend between them."""
        h, index = self.history, self.response["neuron"]
        snapshots = self.grow_snapshots
        weights = h.weights[0]
        self.add(self.epoch_row)

        def show(snapshot: int) -> None:
            for picture, w in zip(self.pictures, weights[snapshot, :self.shown]):
                picture.set_rgb(self.colors(w.astype(float)))
            self.zoom.set_rgb(self.colors(weights[snapshot, index].astype(float)))
            self.ink[0].set_rgb(self.colors(weights[snapshot, index].astype(float) * np.clip(self.probe_values, 0, 1)))
            self.epoch_readout.set_text(f"{int(h.snapshot_epochs[snapshot]):,}")

        def step(_, alpha: float) -> None:
            show(int(snapshots[min(int(alpha * len(snapshots)), len(snapshots) - 1)]))

        show(0)
        self.play(FadeIn(self.epoch_row), run_time=0.4)
        seconds = self.paced(max(1.5, len(snapshots) / GROW_FRAMES_PER_SECOND), 0.9)
        self.play(UpdateFromAlphaFunc(self.pictures, step), rate_func=linear, run_time=seconds)
        show(int(snapshots[-1]))

    def show_response(self) -> None:
        """The average digit it fires for most beside its picture, then its mean for each class grown
        as bars, the highest and lowest numbered."""
        heading, rects, names, values = self.bars
        # The bars up by the time the classes are named, early in the sentence; those it fires for most
        # pointed at as they are said, with their values; the least at the sentence's end.
        gone = [FadeOut(part) for part in (self.example, self.example_caption, self.ink)]
        self.play(*gone, FadeIn(self.average), FadeIn(self.average_ink), FadeIn(self.average_caption),
                  FadeIn(heading), FadeIn(names),
                  *(GrowFromEdge(bar, DOWN if self.response["means"][i] >= 0 else UP) for i, bar in enumerate(rects)),
                  run_time=0.9)
        most = [self.response["most_slot"], *self.response["close_slots"]]
        least = self.response["least_slot"]
        # Each class it fires for most pointed at in turn as it is named, its average digit and weight x ink
        # taking the same places.
        each = max(1.2, self.until_said(" and least for") or 0.55 * self.beat_seconds()) / len(most)
        classes = (self.response["most"], *self.response["close"])
        names_said = [f"{self.history.class_names[cls]}s" for cls in classes]
        shown = (self.average, self.average_ink, self.average_caption)
        # Each pointed at from when it is named until the next is (the last until the least's words, or
        # until "up to": then the highest bar is pointed at again, as its value is said).
        up_to = self.current_beat is not None and ", up to " in self.current_beat.caption
        nexts = [*names_said[1:], ", up to" if up_to else " and least for"]
        first = self.until_said(nexts[0])
        self.play(FadeIn(values, shift=UP * 0.1), Indicate(rects[most[0]], color=HIGHLIGHT),
                  run_time=max(0.6, first) if first else each)
        for slot, view, following in zip(most[1:], self.close_views, nexts[1:]):
            self.play(Indicate(rects[slot], color=HIGHLIGHT), *self.swap_view(shown, view),
                      run_time=max(0.6, self.until_said(following)))
            shown = view
        if up_to:
            self.play(Indicate(rects[most[0]], color=HIGHLIGHT),
                      Indicate(self.value_of[most[0]], color=HIGHLIGHT, scale_factor=1.3),
                      run_time=max(0.6, self.until_said(" and least for")))
        # A bar near 0 is a sliver an Indicate cannot show: its slot is ringed, name and value with it.
        ring = self.least_ring = SurroundingRectangle(VGroup(rects[least], names[least], self.value_of[least]),
                                                      color=HIGHLIGHT, buff=0.06)
        swap = self.swap_view(shown, (self.least_average, self.least_ink, self.least_caption))
        self.play(Create(ring), Indicate(self.value_of[least], color=HIGHLIGHT, scale_factor=1.4), *swap,
                  run_time=self.paced(0.8))

    @staticmethod
    def swap_view(old: tuple, new: tuple) -> list:
        """One class's average digit, weight x ink and caption giving way to another's, in their places."""
        return [FadeTransform(before, after) for before, after in zip(old, new)]


def _listed(words: list[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def display_scale(weights: np.ndarray) -> float:
    """The |w| at which a picture's colour is full: the ``SCALE_PERCENTILE``th percentile of the trained
    weights' sizes (the largest when they are all zero), so the bulk of them is visible."""
    sizes = np.abs(np.asarray(weights, dtype=float))
    scale = float(np.percentile(sizes, SCALE_PERCENTILE))
    return scale if scale > 0 else float(sizes.max()) or 1.0
