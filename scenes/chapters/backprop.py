"""BackpropScene: what one training example asks of every weight, worked backwards with its real numbers.

Every number on screen is a value of ``nnscratch.backprop.explain_example`` for the
example at the chosen snapshot (the same numbers ``loss_and_gradients`` gives), or of
the recorded run: the full-batch gradient and the weights one snapshot later.
"""
from __future__ import annotations

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, FadeIn, FadeOut, Indicate, LaggedStart, Line, VGroup, Write

from nnscratch.backprop import explain_example, nearest_snapshot, steepest_early_snapshot
from scenes.chapters.base import HistoryScene
from scenes.mobjects.glyphs import Formula, Label
from scenes.narration.words import number, signed
from scenes.mobjects.layout import GAP, fit, fit_network, safe_area
from scenes.narration.beats import Beat, Brief
from scenes.mobjects.style import GRADIENT_PALETTE, HIGHLIGHT, LABEL, MUTED, WEIGHT_PALETTE

COLUMN_WIDTH = 6.0
FORMULA_FONT = 28


class BackpropScene(HistoryScene):
    """One example's cost, the nudges it wishes at the output, the three ways to make them, its
    errors sent back layer by layer with dC/dw on the edges, then the batch's gradient and the step.

    ``sample`` picks the training example (default: the run's probe), ``epoch`` the snapshot
    (the nearest recorded one; default: early in training, where the gradients are large).
    """

    def __init__(self, history=None, sample: int | None = None, epoch: int | None = None, **kwargs) -> None:
        super().__init__(history, **kwargs)
        h = self.history
        if h.n_snapshots < 2:
            raise ValueError("the run has one snapshot only, so there is no step to show")
        self.snapshot = steepest_early_snapshot(h) if epoch is None else nearest_snapshot(h, epoch)
        self.epoch = int(h.snapshot_epochs[self.snapshot])
        self.sample = h.probe_index if sample is None else sample
        if not 0 <= self.sample < len(h.X_train):
            raise ValueError(f"sample must be between 0 and {len(h.X_train) - 1}, got {self.sample}")
        self.network = h.network_at(self.snapshot)
        x, y = h.X_train[self.sample].astype(float), h.y_train[self.sample].astype(float)
        self.example = explain_example(self.network, x, y)
        self.after = explain_example(h.network_at(self.snapshot + 1), x, y)
        self.batch = [g[self.snapshot].astype(float) for g in h.weight_grads]
        self.output = len(h.layer_sizes) - 1
        # The output neuron whose error is largest: the one whose three ways are shown.
        self.focus = int(np.argmax(np.abs(self.example.deltas[self.output])))

    # -- layout -----------------------------------------------------------------------

    def prepare(self) -> None:
        area = safe_area()
        self.title = Label("Backpropagation", font_size=38, color=LABEL)
        fit(self.title, area.above(area.top - self.title.height), UP + LEFT)
        self.subtitle = Label(f"training sample {self.sample} at epoch {self.epoch:,}", font_size=22, color=MUTED)
        fit(self.subtitle, area.below(self.title.get_bottom()[1] - 0.15).above(
            self.title.get_bottom()[1] - 0.15 - self.subtitle.height), UP + LEFT)
        self.column = area.right_of(area.right - COLUMN_WIDTH).below(self.title.get_bottom()[1] - GAP)
        region = area.left_of(self.column.left - 2 * GAP).below(self.subtitle.get_bottom()[1] - GAP)
        inputs = [number(value) for value in self.example.a[0]]
        self.network_mob = fit_network(lambda **size: self.make_network(input_labels=inputs, **size), region)
        self.network_mob.set_weights(self.weights_at(self.snapshot), scale=self.weight_scale)
        self.network_mob.set_activations(self.example.a)
        self.gradient_scale = max(float(np.abs(g).max()) for g in self.example.gradients.weights) or 1.0
        self.batch_scale = max(float(np.abs(g).max()) for g in self.batch) or 1.0
        self.lines: list = []  # what the right column shows, top down

    def write(self, *mobjects, gap: float = 0.3) -> VGroup:
        """Place ``mobjects`` under what the right column already shows, starting a new page when full."""
        group = VGroup(*mobjects).arrange(DOWN, aligned_edge=LEFT, buff=0.2)
        top = self.lines[-1].get_bottom()[1] - gap if self.lines else self.column.top
        if top - group.height < self.column.bottom:
            top = self.column.top
            self.play(*(FadeOut(line) for line in self.lines), run_time=0.5)
            self.lines = []
        fit(group, self.column.below(top).above(max(self.column.bottom, top - group.height)), UP + LEFT)
        self.lines.append(group)
        return group

    def formula(self, code: str) -> Formula:
        return Formula(code, font_size=FORMULA_FONT, color=LABEL)

    # -- what is said -------------------------------------------------------------------

    def script(self) -> list[Beat]:
        ex = self.example
        return [
            Beat(f"Backpropagation: how one training example, sample {self.sample}, would change every weight. "
                 f"We look at epoch {self.epoch:,}, early in training.", self.show_network,
                 brief=f"How would sample {self.sample} change every weight? We look at epoch {self.epoch:,}."),
            Beat(self.cost_caption(), self.show_cost, brief=self.cost_caption(brief=True)),
            Beat(self.wish_caption(), self.show_wishes, brief=self.wish_caption(brief=True)),
            Beat(f"To move this output, there are three ways. First, its bias: dC/db = δ = "
                 f"{number(ex.deltas[self.output][self.focus], 3)}, the neuron's error dC/dz.", self.show_bias,
                 brief=f"Three things move this output. First its bias: dC/db = δ = "
                       f"{number(ex.deltas[self.output][self.focus], 3)}."),
            Beat("Second, its weights, each in proportion to the activation it comes from: dC/dw = a × δ. "
                 "Magenta weights would lower the cost by going down, green ones by going up.", self.show_weights,
                 brief="Its weights: dC/dw = a × δ; magenta ones want to go down, green ones up."),
            Beat("Third, the activations before it, in proportion to the weights: dC/da = w × δ. "
                 "These wishes travel backwards.", self.show_previous,
                 brief="And the activations before it: dC/da = w × δ. These wishes travel backwards."),
            *self.backward_beats(),
            # A brief telling recolours the edges with the whole set's gradient as the step is said.
            Beat(self.batch_caption(), self.show_batch, in_brief=Brief.WITH_NEXT),
            Beat(self.step_caption(), self.show_step, brief=self.step_caption(brief=True)),
            Beat(self.after_caption(), self.show_after, in_brief=Brief.LEFT_OUT),
        ]

    def cost_caption(self, brief: bool = False) -> str:
        ex, names = self.example, self.history.class_names
        output = ex.a[-1]
        cost = (f"a cost of C = {number(ex.loss, 3)}." if brief else
                f"The cost of this example is C = {number(ex.loss, 3)}.")
        if self.history.output_activation == "sigmoid":
            return (f"The network answers {number(output[0], 3)} for {names[1]}; the label says "
                    f"{int(ex.target[0])}{': ' if brief else '. '}{cost}")
        if self.history.output_activation == "softmax":
            truth = int(np.argmax(ex.target))
            return (f"It gives the right class, {names[truth]}, a probability of {number(output[truth], 3)}: {cost}"
                    if brief else
                    f"The network gives the right class, {names[truth]}, a probability of {number(output[truth], 3)}. "
                    f"{cost}")
        return (f"The network answers {number(output[0], 3)}; the target is {number(ex.target[0], 3)}"
                f"{': ' if brief else '. '}{cost}")

    def output_wishes(self) -> np.ndarray:
        """Which way, and how hard, each output would move to lower the cost: against dC/da, or for a
        softmax against dC/dz = a − y. A softmax's cost, −ln a_y, depends on the right class's output
        alone, so dC/da is 0 for every other: they go down only through z, by their probabilities."""
        if self.history.output_activation == "softmax":
            return -self.example.deltas[self.output]
        return -self.example.wants[self.output]

    def wish_caption(self, brief: bool = False) -> str:
        wants = self.example.wants[self.output]
        if self.history.output_activation == "softmax":
            if brief:
                return ("To lower the cost, the outputs' sums z want to move along the arrows: the right class "
                        "up, every other down by its probability.")
            return ("To lower the cost, each output's sum z would like to move along its arrow, against "
                    "dC/dz = a − y: up for the right class, down for every other, by its probability.")
        if len(wants) == 1 and brief:
            return f"To lower the cost, the output wants to go {'up' if wants[0] < 0 else 'down'}, along the arrow."
        if len(wants) == 1:
            direction = "up" if wants[0] < 0 else "down"
            return (f"To lower the cost, the output would like to go {direction}: dC/da = {number(wants[0], 3)}, "
                    f"and the arrow points against it.")
        if brief:
            return "To lower the cost, the outputs want to move along the arrows, against dC/da."
        return ("To lower the cost, each output would like to move along its arrow, against dC/da: "
                "up where it is below its target, down where it is above.")

    def backward_beats(self) -> list[Beat]:
        beats = []
        for layer in range(self.output - 1, 0, -1):
            first = layer == self.output - 1
            caption = (f"Back to hidden layer {layer}: each neuron's error is δ = f'(z) × dC/da, what it wants "
                       f"times how much it can move; its weights' gradients are a × δ." if first else
                       f"Back to hidden layer {layer}: the same, one layer further from the output.")
            beats.append(Beat(caption, lambda layer=layer: self.show_backward(layer),
                              brief=f"Back to hidden layer {layer}: each error is δ = f'(z) × dC/da." if first
                              else f"And on, to hidden layer {layer}."))
            if first:
                beats.append(Beat(self.chain_caption(layer), lambda layer=layer: self.show_chain(layer),
                                  brief=self.chain_caption(layer, brief=True)))
        return beats

    def chain_weight(self, layer: int) -> tuple[int, int]:
        """The drawn weight into ``layer`` with the largest gradient: its (row, column) in W."""
        rows, cols = self.network_mob.indices[layer], self.network_mob.indices[layer - 1]
        gradient = np.abs(self.example.gradients.weights[layer - 1][np.ix_(rows, cols)])
        row, col = divmod(int(np.argmax(gradient)), len(cols))
        return int(rows[row]), int(cols[col])

    def penalized(self) -> bool:
        meta = self.history.metadata
        return bool(meta["l1"] or meta["l2"])

    def chain_caption(self, layer: int, brief: bool = False) -> str:
        row, col = self.chain_weight(layer)
        a_prev, slope, want, product = self.example.chain_rule(layer, row, col)
        total = float(self.example.gradients.weights[layer - 1][row, col])
        penalty = (f" The penalty adds {self.penalty_words()} = {number(total - product, 4)}: the step follows "
                   f"{number(total, 4)}." if self.penalized() else "")
        if brief:  # the factors are on screen, in the formula
            return (f"For one weight, the chain rule multiplies the three: dC/dw ≈ {number(product, 4)}"
                    + (f", and {number(total, 4)} with the penalty." if self.penalized() else "."))
        # ≈: the product is of the unrounded factors, so it may differ from the shown ones' in its last digit.
        return (f"For one weight, from neuron {col + 1} to neuron {row + 1}, the chain rule in numbers: "
                f"dC/dw = {number(a_prev, 3)} × {number(slope, 3)} × {number(want, 3)} ≈ {number(product, 4)}."
                + penalty)

    def penalty_words(self) -> str:
        """The penalty's gradient as a formula in words: l1·sign(w), l2·w, or both."""
        meta = self.history.metadata
        return " + ".join(term for term, strength in (("l1·sign(w)", meta["l1"]), ("l2·w", meta["l2"])) if strength)

    def batch_caption(self) -> str:
        h = self.history
        row, col = self.chain_weight(self.output - 1) if self.output > 1 else (self.focus, 0)
        layer = self.output - 1 if self.output > 1 else 1
        mine = self.example.gradients.weights[layer - 1][row, col]
        theirs = self.batch[layer - 1][row, col]
        return (f"That is one sample's wish. The step follows the gradient of the whole training set, the "
                f"average over {len(h.X_train):,} samples: for that weight, {number(theirs, 4)} against this "
                f"sample's {number(mine, 4)}.")

    def after_caption(self) -> str:
        h, before, after = self.history, self.example.loss, self.after.loss
        way = ("falls" if after < before else "rises: a step for the whole set need not help every sample")
        return (f"With the weights one snapshot later, at epoch {int(h.snapshot_epochs[self.snapshot + 1]):,}, "
                f"the cost of this example {way}, from {number(before, 3)} to {number(after, 3)}.")

    def step_weights(self) -> list[tuple[int, int, int]]:
        """The weight of the chain rule, then the two with the largest batch gradients among the drawn
        edges: (layer, row, column)."""
        first = (self.output - 1, *self.chain_weight(self.output - 1)) if self.output > 1 else \
            (1, self.focus, int(np.argmax(np.abs(self.batch[0][self.focus]))))
        found = []
        for layer in range(1, self.output + 1):
            rows, cols = self.network_mob.indices[layer], self.network_mob.indices[layer - 1]
            for row in rows:
                for col in cols:
                    found.append((abs(self.batch[layer - 1][row, col]), layer, int(row), int(col)))
        others = [(layer, row, col) for _, layer, row, col in sorted(found, reverse=True) if (layer, row, col) != first]
        return [first] + others[:2]

    def step_caption(self, brief: bool = False) -> str:
        h = self.history
        rate = h.learning_rate
        layer, row, col = self.step_weights()[0]
        w = float(self.network.weights[layer - 1][row, col])
        g = self.batch[layer - 1][row, col]
        plain = h.optimizer == "sgd" and h.batch_size is None \
            and not h.dropout
        if brief:
            said = (f"Each weight steps against the whole set's gradient, times η = {rate:g}: this one from "
                    f"{number(w)} to {number(w - rate * g)}")
            if not plain:  # the run itself stepped otherwise: say how, and where this weight really went
                nxt = float(h.weights[layer - 1][self.snapshot + 1][row, col])
                said += f"; {self.how_it_stepped()}, this run took it to {number(nxt)}"
            return said + "."

        said = (f"Gradient descent steps against the whole set's gradient: w becomes w − η dC/dw, with η = {rate:g}: "
                f"{number(w)} − {rate:g} × {number(g, 4)} = {number(w - rate * g)}.")
        if not plain:
            nxt = float(h.weights[layer - 1][self.snapshot + 1][row, col])
            said += f" This run stepped {self.how_it_stepped()}, so it reached {number(nxt)}."
        return said

    def how_it_stepped(self) -> str:
        """How the run's own steps differ from plain gradient descent on the whole set, in a few words."""
        meta = self.history.metadata
        batches = f"on batches of {meta['batch_size']:,}" if meta.get("batch_size") is not None else ""
        optimizer = f"with {meta['optimizer']}" if meta["optimizer"] != "sgd" else ""
        dropout = f"dropping {meta['dropout']:.0%} of its hidden neurons" if meta.get("dropout") else ""
        return " ".join(part for part in (optimizer, batches, dropout) if part)

    # -- beats --------------------------------------------------------------------------

    def show_network(self) -> None:
        net = self.network_mob
        self.play(Write(self.title), FadeIn(self.subtitle), run_time=1.0)
        self.play(FadeIn(net), run_time=1.2)

    def show_cost(self) -> None:
        ex, kind = self.example, self.history.output_activation
        data = ex.loss
        if kind == "sigmoid":
            a, y = ex.a[-1][0], ex.target[0]
            lines = ["C = -(y ln a + (1 - y) ln(1 - a))",
                     f"= -({y:.0f} ln {a:.3f} + {1 - y:.0f} ln {1 - a:.3f}) = {data:.3f}"]
        elif kind == "softmax":
            truth = int(np.argmax(ex.target))
            lines = ["C = -ln a_y", f"= -ln {ex.a[-1][truth]:.3f} = {data:.3f}"]
        else:
            lines = ["C = \"mean\" (a - y)^2", f"= {data:.3f}"]
        self.play(Indicate(self.network_mob.neurons[-1], color=HIGHLIGHT),
                  FadeIn(self.write(*(self.formula(line) for line in lines))), run_time=1.5)

    def show_wishes(self) -> None:
        self.output_arrows = self.network_mob.wish_arrows(self.output, self.output_wishes(), HIGHLIGHT)
        self.play(LaggedStart(*(FadeIn(arrow, shift=UP * 0.1) for arrow in self.output_arrows), lag_ratio=0.2),
                  run_time=1.2)

    def show_bias(self) -> None:
        neuron = self.network_mob.neurons[-1][list(self.network_mob.indices[-1]).index(self.focus)]
        delta = self.example.deltas[self.output][self.focus]
        self.play(Indicate(neuron, color=HIGHLIGHT, scale_factor=1.3),
                  FadeIn(self.write(self.formula(f"(partial C) / (partial b) = delta = {delta:.3f}"))),
                  run_time=1.5)

    def show_weights(self) -> None:
        net = self.network_mob
        self.gradient_legend = VGroup(*(VGroup(Line(LEFT * 0.25, RIGHT * 0.25, stroke_color=color, stroke_width=5),
                                               Label(text, font_size=20, color=LABEL)).arrange(RIGHT, buff=0.15)
                                        for color, text in ((GRADIENT_PALETTE[0], "dC/dw > 0: lower this weight"),
                                                            (GRADIENT_PALETTE[1], "dC/dw < 0: raise it"))))
        self.gradient_legend.arrange(DOWN, aligned_edge=LEFT, buff=0.12)
        legend = self.write(self.formula("(partial C) / (partial w_k) = a_k delta"), self.gradient_legend)
        self.play(net.recolour(self.example.gradients.weights, self.gradient_scale, GRADIENT_PALETTE,
                               layers=[self.output - 1]), FadeIn(legend), run_time=1.8)

    def show_previous(self) -> None:
        # With no hidden layer the previous activations are the input, which no training changes.
        self.arrows = [self.network_mob.wish_arrows(self.output - 1, -self.example.wants[self.output - 1],
                                                    HIGHLIGHT)] if self.output > 1 else []
        shown = [FadeIn(arrow, shift=DOWN * 0.1) for group in self.arrows for arrow in group]
        self.play(self.network_mob.forward_flash(self.output - 1, run_time=1.2, reverse=True),
                  FadeIn(self.write(self.formula("(partial C) / (partial a_k) = w_k delta"))), *shown, run_time=1.5)

    def show_backward(self, layer: int) -> None:
        net = self.network_mob
        arrows = net.wish_arrows(layer, -self.example.deltas[layer], HIGHLIGHT)
        previous = [FadeOut(group) for group in getattr(self, "arrows", [])]
        self.arrows = [arrows]
        flash = [net.forward_flash(layer - 1, run_time=1.2, reverse=True)]
        self.play(*previous, FadeOut(self.output_arrows), *(FadeIn(arrow) for arrow in arrows),
                  net.recolour(self.example.gradients.weights, self.gradient_scale, GRADIENT_PALETTE,
                               layers=[layer - 1]), run_time=1.5)
        self.play(*flash)
        self.output_arrows = VGroup()

    def show_chain(self, layer: int) -> None:
        row, col = self.chain_weight(layer)
        a_prev, slope, want, product = self.example.chain_rule(layer, row, col)
        lines = ["(partial C) / (partial w) = a^((l-1)) dot f'(z) dot (partial C) / (partial a)",
                 f"= {signed(a_prev, 3)} dot {signed(slope, 3)} dot {signed(want, 3)} approx {product:.4f}"]
        if self.penalized():  # what the run's step followed: the cost's gradient and the penalty's
            total = float(self.example.gradients.weights[layer - 1][row, col])
            terms = " + ".join(term for term, strength in (("l_1 \"sign\"(w)", self.history.metadata["l1"]),
                                                           ("l_2 w", self.history.metadata["l2"])) if strength)
            lines.append(f"+ {terms} = {total:.4f}")
        net = self.network_mob
        edge = net.edges[layer - 1][list(net.indices[layer]).index(row) * len(net.indices[layer - 1])
                                    + list(net.indices[layer - 1]).index(col)]
        self.play(Indicate(edge, color=HIGHLIGHT, scale_factor=1.0),
                  FadeIn(self.write(*(self.formula(line) for line in lines))), run_time=1.5)

    def show_batch(self) -> None:
        net = self.network_mob
        self.play(*(FadeOut(group) for group in getattr(self, "arrows", [])),
                  net.recolour(self.batch, self.batch_scale, GRADIENT_PALETTE), run_time=1.8)
        self.arrows = []

    def show_step(self) -> None:
        rate = self.history.learning_rate
        rows = []
        for layer, row, col in self.step_weights():
            w, g = float(self.network.weights[layer - 1][row, col]), self.batch[layer - 1][row, col]
            rows.append(self.formula(f"{w:.2f} - {rate:g} dot {signed(g, 4)} = {w - rate * g:.2f}"))
        self.play(FadeIn(self.write(self.formula("w <- w - eta (partial C) / (partial w)"), *rows)), run_time=1.5)

    def show_after(self) -> None:
        h, net = self.history, self.network_mob
        after = [W[self.snapshot + 1] for W in h.weights]
        self.play(net.recolour(after, self.weight_scale, WEIGHT_PALETTE), run_time=1.8)
        self.play(net.light_layer(self.output, self.after.a[-1]),
                  FadeIn(self.write(self.formula(f"C: {self.example.loss:.3f} -> {self.after.loss:.3f}"))),
                  run_time=1.0)
