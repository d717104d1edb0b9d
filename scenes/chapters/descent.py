"""GradientDescentScene: the real loss surface of a run, in its principal plane, and the run rolling down it.

The surface is ``nnscratch.landscape.loss_landscape`` of the recorded run (Li et al.
2018): the loss evaluated on a grid through the final weights, along the two directions
the weights moved most in. The ball sits at the recorded loss of each snapshot; the
step-size slice is the loss along the recorded gradient of one snapshot. For a network too big
to evaluate that often over all its training data, both are the loss over a fixed sample of it
(and the grid may be coarser); the scene says so, on screen and in words.
"""
from __future__ import annotations

import numpy as np
from manim import DOWN, LEFT, UP, Axes, Create, Dot, FadeIn, UpdateFromAlphaFunc, VGroup, Write
from manim import linear, smooth

from nnscratch.landscape import RESOLUTION, gradient_slice
from nnscratch.backprop import steepest_early_snapshot
from scenes.chapters.base import HistoryScene
from scenes.narration.words import loss_number
from scenes.mobjects.glyphs import Label
from nnscratch.landscape_cache import cached_landscape
from scenes.mobjects.layout import GAP, fit, safe_area
from scenes.narration.beats import Beat, Brief
from scenes.mobjects.plot import labelled
from scenes.mobjects.readout import Readout
from scenes.mobjects.style import HIGHLIGHT, LABEL, MUTED, NEGATIVE, OUTPUT_RIM
from scenes.mobjects.surface import LossSurface

COLUMN_WIDTH = 5.4
REPLAY_SECONDS = 8.0  # the ball's roll, at least


class GradientDescentScene(HistoryScene):
    """The loss surface in 3-D with a turning view, the run's path rolling down it, the same surface as
    a contour map from above, and the loss along one gradient with the step the learning rate takes."""

    def __init__(self, history=None, **kwargs) -> None:
        super().__init__(history, **kwargs)
        h = self.history
        self.landscape = cached_landscape(h)
        self.path_losses = h.train_loss[h.snapshot_epochs].astype(float)
        self.slice_snapshot = steepest_early_snapshot(h) if h.n_snapshots > 1 else 0
        self.slice_t, self.slice_losses = gradient_slice(h, self.slice_snapshot)

    def prepare(self) -> None:
        area, h = safe_area(), self.history
        self.title = Label("Gradient descent", font_size=38, color=LABEL)
        fit(self.title, area.above(area.top - self.title.height), UP + LEFT)
        content = area.below(self.title.get_bottom()[1] - GAP)
        self.column = content.right_of(content.right - COLUMN_WIDTH)
        room = content.left_of(self.column.left - GAP)
        size = min(room.width, room.height)
        self.surface = LossSurface(self.landscape, self.path_losses, size, room.center)
        self.surface.opacity = 0.0
        share = sum(self.landscape.explained)
        self.share_text = f"{share:.1%}" if share < 0.999 else f"{share:.2%}"
        self.facts = VGroup(Label(f"{h.network_at().n_parameters:,} weights and biases", font_size=22, color=LABEL),
                            Label(f"2-D slice: {self.share_text} of the path" if self.moved() else
                                  "the weights did not move", font_size=22, color=MUTED),
                            *(Label(fact, font_size=22, color=MUTED) for fact in self.evaluation_facts()))
        self.facts.arrange(DOWN, aligned_edge=LEFT, buff=0.12)
        fit(self.facts, self.column.below(self.column.top).above(self.column.top - self.facts.height), UP + LEFT)
        self.epoch_readout = Readout(len(f"{h.epochs:,}"), font_size=26, color=LABEL)
        self.loss_readout = Readout(9, font_size=26, color=HIGHLIGHT)
        self.readouts = VGroup(labelled(Label("epoch", font_size=26, color=MUTED), self.epoch_readout),
                               labelled(Label("loss", font_size=26, color=MUTED), self.loss_readout))
        self.readouts.arrange(DOWN, aligned_edge=LEFT, buff=0.15)
        top = self.facts.get_bottom()[1] - 0.4
        fit(self.readouts, self.column.below(top).above(top - self.readouts.height), UP + LEFT)
        self.slice_region = self.column.below(self.readouts.get_bottom()[1] - 0.5)
        self.show_epoch(0.0)

    def moved(self) -> bool:
        """Whether the recorded weights moved at all (steps too small for float32 leave them where they were)."""
        return sum(self.landscape.explained) > 0

    def evaluated_on(self) -> tuple[int | None, tuple[int, int] | None]:
        """The examples the surface is the loss of, when a sample, and its grid, when coarser than the full one."""
        landscape, n_train = self.landscape, len(self.history.X_train)
        grid = (len(landscape.betas), len(landscape.alphas))
        return (landscape.n_samples if landscape.n_samples < n_train else None,
                grid if grid[1] < RESOLUTION else None)

    def evaluation_facts(self) -> list[str]:
        """What the surface is evaluated on, when it is not all the training data on the full grid."""
        sample, grid = self.evaluated_on()
        return ([f"loss over {sample:,} of {len(self.history.X_train):,} examples"] if sample else []) + \
            ([f"grid of {grid[0]} × {grid[1]} points"] if grid else [])

    def show_epoch(self, progress: float) -> None:
        """Readouts for the snapshot the ball has reached at ``progress`` of the path."""
        h = self.history
        index = min(int(round(progress * (h.n_snapshots - 1))), h.n_snapshots - 1)
        self.epoch_readout.set_text(f"{int(h.snapshot_epochs[index]):,}")
        self.loss_readout.set_text(loss_number(self.path_losses[index]))

    # -- what is said -------------------------------------------------------------------

    def script(self) -> list[Beat]:
        h, share = self.history, sum(self.landscape.explained)
        n = h.network_at().n_parameters
        leaves = ("It stays in this slice almost everywhere." if share >= 0.99 else
                  f"The slice holds {share:.0%} of the path's spread, so where the path leaves it, "
                  "the ball floats above or below the surface.")
        return [
            Beat(f"Gradient descent, on the real loss. This network has {n:,} weights and biases, so its loss "
                 f"is a surface over {n:,} dimensions.", self.show_surface,
                 brief=f"With {n:,} weights and biases, the loss is a surface over {n:,} dimensions."),
            Beat("We slice it along the two directions its weights moved most in; they hold "
                 f"{self.share_text} of the path's spread.", lambda: self.turn(azimuth=-25, run_time=2.5),
                 brief=f"We slice it along the two directions the weights moved most in, {self.share_text} of "
                       "the path's spread.") if self.moved() else
            Beat("But its weights did not move: every snapshot is the same point, so there is no direction to "
                 "slice along, and around that point the loss is flat.", lambda: self.turn(azimuth=-25, run_time=2.5)),
            Beat(self.height_caption(), lambda: self.turn(elevation=42, run_time=2.0)),
            Beat(f"Training starts here, at epoch 0, with the loss at {loss_number(self.path_losses[0])}.",
                 self.show_start, in_brief=Brief.WITH_NEXT),
            Beat(self.roll_caption(), self.show_roll, brief=self.roll_caption(brief=True)),
            *([Beat(leaves, lambda: self.turn(azimuth=-100, run_time=2.5), in_brief=Brief.LEFT_OUT)]
              if self.moved() else []),
            # A brief telling turns the surface to the contour map as the step is said.
            Beat("From above, the same surface is a contour map: each line is one level of the loss."
                 if self.surface.contours else "From above, it is as flat: not one level line to draw.",
                 self.show_contours, in_brief=Brief.WITH_NEXT),
            Beat(self.slice_caption(), self.show_slice, brief=self.slice_caption(brief=True)),
            Beat(f"After {h.epochs:,} epochs the loss is {loss_number(self.path_losses[-1])}.", self.show_end,
                 in_brief=Brief.LEFT_OUT),
        ]

    def height_caption(self) -> str:
        """What the height is: the loss, and over which examples and points when not all of them."""
        sample, grid = self.evaluated_on()
        over = ([f"over a sample of {sample:,} of the {len(self.history.X_train):,} training examples"] if sample
                else []) + ([f"at {grid[0]} by {grid[1]} points"] if grid else [])
        loss = f"the loss, {' and '.join(over)}" if over else "the loss"
        return f"Height is {loss}: valleys are good weights, high ground is bad."

    def roll_caption(self, brief: bool = False) -> str:
        """The ball's way down, as the recorded losses went: downhill at every snapshot, or not."""
        h, losses = self.history, self.path_losses
        first, last = loss_number(losses[0]), loss_number(losses[-1])
        rises, moves = int(np.sum(np.diff(losses) > 0)), len(losses) - 1
        if not self.moved():
            return f"The ball stays where it started: the loss is {first} at epoch 0 and {last} at epoch {h.epochs:,}."
        if not rises:
            if brief:
                return f"From a loss of {first} at epoch 0, each step goes downhill: the run rolls to {last} by " \
                       f"epoch {h.epochs:,}."
            return f"Each step goes downhill, and the run rolls to a loss of {last} by epoch {h.epochs:,}."
        if brief:
            return f"From a loss of {first} at epoch 0 the run rolls down to {last} by epoch {h.epochs:,}, " \
                   "though not every step is downhill."
        ups = "one of its moves goes" if rises == 1 else f"{rises} of its {moves} moves go"
        batch = h.batch_size
        why = (f"each training step follows a batch of {batch} examples, not the whole set" if batch else
               "a step of this size can overshoot")
        return (f"The run rolls down to a loss of {last} by epoch {h.epochs:,}, though {ups} up a little: "
                f"{why}.")

    def slice_caption(self, brief: bool = False) -> str:
        h = self.history
        rate = h.learning_rate
        epoch = int(h.snapshot_epochs[self.slice_snapshot])
        start, step, big = self.slice_value(0), self.slice_value(rate), self.slice_value(10 * rate)
        # The slice is over the surface's examples: a sample's loss is not the readout's.
        loss = "the sample's loss" if self.landscape.n_samples < len(h.X_train) else "the loss"
        if loss_number(big) == loss_number(start) == loss_number(step):
            verdict = "no change either: a step this small moves nothing"
        elif big > start:
            verdict = "past the valley, higher than it started"
        elif big > step:
            verdict = "past the lowest point, but still below the start"
        else:
            verdict = "lower still: here a bigger step would have helped"
        if brief:
            return (f"At epoch {epoch:,}, a step of {rate:g} against the gradient takes {loss} from "
                    f"{loss_number(start)} to {loss_number(step)}; ten times that, to {loss_number(big)}.")
        return (f"At epoch {epoch:,}, against the gradient, a step of the learning rate, {rate:g}, takes {loss} "
                f"from {loss_number(start)} to {loss_number(step)}; ten times that lands at {loss_number(big)}, "
                f"{verdict}.")

    def slice_value(self, t: float) -> float:
        return float(np.interp(t, self.slice_t, self.slice_losses))

    # -- beats --------------------------------------------------------------------------

    def turn(self, elevation: float | None = None, azimuth: float | None = None, run_time: float = 2.0) -> None:
        surface = self.surface
        start = (surface.elevation, surface.azimuth)
        end = (start[0] if elevation is None else elevation, start[1] if azimuth is None else azimuth)

        def step(_, alpha: float) -> None:
            surface.elevation = start[0] + alpha * (end[0] - start[0])
            surface.azimuth = start[1] + alpha * (end[1] - start[1])

        self.play(UpdateFromAlphaFunc(surface, step), run_time=run_time, rate_func=smooth)

    def show_surface(self) -> None:
        self.play(Write(self.title), run_time=0.8)
        self.add(self.surface)
        self.play(UpdateFromAlphaFunc(self.surface, lambda s, alpha: setattr(s, "opacity", alpha)),
                  FadeIn(self.facts), run_time=1.5)

    def show_start(self) -> None:
        self.surface.progress = 1e-9
        self.play(FadeIn(self.readouts), UpdateFromAlphaFunc(self.surface, lambda s, a: None), run_time=1.0)

    def show_roll(self) -> None:
        surface = self.surface
        azimuth = surface.azimuth

        def step(_, alpha: float) -> None:
            surface.progress = max(alpha, 1e-9)
            surface.azimuth = azimuth + 25 * alpha
            self.show_epoch(alpha)

        self.play(UpdateFromAlphaFunc(surface, step), run_time=max(REPLAY_SECONDS, self.beat_seconds()),
                  rate_func=linear)

    def show_contours(self) -> None:
        surface = self.surface
        start = (surface.elevation, surface.azimuth)

        def step(_, alpha: float) -> None:
            surface.elevation = start[0] + alpha * (89.9 - start[0])
            surface.azimuth = start[1] + alpha * (0.0 - start[1])
            surface.contour_opacity = alpha

        self.play(UpdateFromAlphaFunc(surface, step), run_time=2.5, rate_func=smooth)

    def back_to(self, snapshot: int, run_time: float = 0.8) -> None:
        """The ball and the readouts back (or on) to ``snapshot``, the path behind it with them."""
        surface, start = self.surface, self.surface.progress
        end = max(snapshot / max(self.history.n_snapshots - 1, 1), 1e-9)

        def step(_, alpha: float) -> None:
            surface.progress = start + alpha * (end - start)
            self.show_epoch(surface.progress)

        self.play(UpdateFromAlphaFunc(surface, step), run_time=run_time)

    def show_end(self) -> None:
        self.back_to(self.history.n_snapshots - 1)

    def show_slice(self) -> None:
        # The step is taken at the slice's snapshot: the ball and the readouts go back there.
        self.back_to(self.slice_snapshot)
        h, region = self.history, self.slice_region
        rate = h.learning_rate
        # The loss axis spans what the slice reaches, not from 0: a gentle slope must still show.
        low, high = float(self.slice_losses.min()), float(self.slice_losses.max())
        pad = max(high - low, 1e-6 * max(high, 1e-12)) * 0.1
        bottom, top = low - pad, high + pad
        # Steps are measured in learning rates, so the axis is the same for η = 1e-300 and η = 1e6 (a range
        # of 1e-299 scene units would underflow Manim's lengths).
        steps = self.slice_t / rate
        reach = float(steps[-1])
        axes = Axes(x_range=[0, reach, reach], y_range=[bottom, top, top - bottom],
                    x_length=region.width - 1.0, y_length=max(1.2, region.height - 0.9), tips=False,
                    axis_config={"color": MUTED, "stroke_width": 2, "include_ticks": False})
        curve = axes.plot_line_graph(steps, self.slice_losses, add_vertex_dots=False,
                                     line_color=LABEL, stroke_width=3)
        marks = VGroup(*(Dot(axes.c2p(multiple, self.slice_value(multiple * rate)), radius=0.07, color=color)
                         for multiple, color in ((0.0, LABEL), (1.0, OUTPUT_RIM), (10.0, NEGATIVE))))
        labels = VGroup(Label("step against the gradient", font_size=16, color=MUTED).next_to(
                            axes.c2p(reach / 2, bottom), DOWN, buff=0.08),
                        Label(loss_number(top), font_size=16, color=MUTED).next_to(axes.c2p(0, top), LEFT, buff=0.08),
                        Label(loss_number(bottom), font_size=16, color=MUTED).next_to(axes.c2p(0, bottom), LEFT,
                                                                                     buff=0.08),
                        Label("η", font_size=18, color=OUTPUT_RIM).next_to(marks[1], UP, buff=0.08),
                        Label("10 η", font_size=18, color=NEGATIVE).next_to(marks[2], UP, buff=0.08))
        panel = VGroup(axes, curve, marks, labels)
        fit(panel, region, UP + LEFT)
        self.play(Create(axes), Create(curve), run_time=1.5)
        self.play(FadeIn(marks), FadeIn(labels), run_time=1.0)
