"""The CNN backprop chapter's pictures of what the review found told in words only: the dense layers' backward
rule over their real δ, the crossing's rule said and held with one kernel's terms at the ringed cell, the
average over samples drawn as the samples' own gradients, and the trained kernel beside the epoch-0 one.
Every value is recomputed here from the core or the run."""
import numpy as np
import pytest

from nnscratch import RunSpec, record_run
from nnscratch.conv_backprop import (
    explain_conv_example,
    sample_weight_gradients,
    steepest_kernel_weight,
)
from scenes.mobjects.layout import boxes_overlap
from scenes.narration.words import fixed
from tests.timeline import late_numbers, told, unmarked_numbers, unshown_numbers

# One hidden dense layer of 16 after the flattened maps; and none, the output reading the maps directly.
HIDDEN = "28x28,conv4:3,pool2,conv4:3,pool2,16,10"
NO_HIDDEN = "28x28,conv4:3,pool2,conv4:3,pool2,10"


@pytest.fixture(scope="module")
def hidden():
    return record_run(RunSpec.for_dataset("digits", layers=HIDDEN, samples=300, epochs=2))


def minus(text: str) -> str:
    return text.replace("-", "−")


def example_of(history, snapshot: int):
    network = history.network_at(snapshot)
    sample = history.probe_index
    return network, explain_conv_example(network, history.X_train[sample].astype(float), history.y_train[sample])


class Watched:
    """A scene class that records, play by play, (start, end, the mobjects on screen at the end)."""

    @staticmethod
    def of(scene_class):
        plays: list[tuple[float, float, set]] = []

        class Recorded(scene_class):
            def play(self, *animations, **kwargs) -> None:
                start = self.time
                super().play(*animations, **kwargs)
                plays.append((start, self.time, set(self.get_mobject_family_members())))

        return Recorded, plays


# -- the core --------------------------------------------------------------------------------------------

def test_each_samples_own_gradient_of_a_weight_is_its_backward_pass_and_they_average_to_the_sets(hidden):
    network, ex = example_of(hidden, 0)
    f, i, j = steepest_kernel_weight(ex)
    X, y = hidden.X_train.astype(float), hidden.y_train
    grads = sample_weight_gradients(network, X, y, f, i, j)
    assert grads.shape == (len(X),)
    for k in (0, 7, 123):  # one sample's alone, as its own backward pass gives it
        own = explain_conv_example(network, X[k], y[k]).gradients.kernels[0][f, 0, i, j]
        assert grads[k] == pytest.approx(own, rel=1e-9, abs=1e-12)
    # Their mean is the whole set's gradient: the network's over all samples, and the one the run recorded.
    whole = network.backward(network.trace(network.as_inputs(X)), network.as_targets(y, len(X)))
    assert grads.mean() == pytest.approx(whole.kernels[0][f, 0, i, j], rel=1e-9)
    assert grads.mean() == pytest.approx(float(hidden.kernel_grads[0][0][f, 0, i, j]), rel=1e-4)
    assert grads.std() > abs(grads.mean()) / 10  # samples disagree: the average is not any one of them


def test_a_penalty_is_in_every_samples_gradient():
    run = record_run(RunSpec.for_dataset("digits", layers="28x28,conv4:3,pool2,10", samples=60, epochs=1, l2=0.5))
    network = run.network_at(0)
    X, y = run.X_train[:5].astype(float), run.y_train[:5]
    grads = sample_weight_gradients(network, X, y, 1, 2, 0)
    for k in range(5):
        own = explain_conv_example(network, X[k], y[k]).gradients.kernels[0][1, 0, 2, 0]
        assert grads[k] == pytest.approx(own, rel=1e-9, abs=1e-12)


def test_one_kernels_terms_at_a_cell_are_its_covering_cells_delta_times_weight_and_add_to_its_share(hidden):
    _, ex = example_of(hidden, 1)
    crossing = ex.crossing(2, 1, 2)
    rows, cols = crossing.delta.shape
    for row, column in ((0, 0), (5, 6), (rows + 1, cols + 1), (rows, 3)):  # corners and edges of the map
        top, left, bottom, right = crossing.covering(row, column)
        terms = crossing.terms(row, column)
        assert terms.shape == (bottom - top + 1, right - left + 1)
        for a in range(terms.shape[0]):
            for b in range(terms.shape[1]):
                p, q = top + a, left + b
                assert terms[a, b] == crossing.delta[p, q] * crossing.weights[row - p, column - q]
        assert terms.sum() == pytest.approx(crossing.spread()[row, column], abs=1e-15)
    assert crossing.covering(0, 0) == (0, 0, 0, 0) and crossing.covering(5, 6) == (3, 4, 5, 6)


# -- the scene -----------------------------------------------------------------------------------------

@pytest.mark.slow
@pytest.mark.parametrize("brief", [False, True], ids=["full", "brief"])
def test_the_dense_layers_send_the_error_back_through_each_hidden_layers_delta_with_their_rule(hidden, brief):
    # The review: "Back through the 2 dense layers" was one bare arrow, the left 40% empty for 2 s.
    from scenes.chapters.conv_backprop import ConvBackpropScene

    recorded, plays = Watched.of(ConvBackpropScene)
    scene = told(recorded, hidden, brief=brief)
    _, ex = example_of(hidden, scene.snapshot)
    assert len(ex.dense_deltas) == 2 and len(scene.dense_columns) == 1
    column = scene.dense_columns[0]
    assert np.array_equal(column.values[:, 0], ex.dense_deltas[0]) and column.values.shape == (16, 1)
    assert scene.dense_notes[0].original_text == "δ of 16"
    assert len(scene.flat_arrows) == 2  # the table to the 16, the 16 to the flattened numbers
    rule = " ".join(line.original_text for line in scene.dense_rule)
    assert rule == "Through the 2 dense layers, each number's error sums weight × δ over the next layer"
    beat = next(b for b in scene.told if b.caption.startswith("Back through"))
    assert "each number's error sums weight × δ over the next layer" in beat.caption
    # The rule is on screen, whole, from within its beat for 3 s or more, and the column filled by then.
    shown = [(start, end) for start, end, on in plays if all(line in on for line in scene.dense_rule)]
    assert beat.start <= shown[0][0] < beat.end and shown[-1][1] - shown[0][0] >= 3.0
    assert late_numbers(scene) == [] and unshown_numbers(scene) == [] and unmarked_numbers(scene) == []


@pytest.mark.slow
def test_with_no_hidden_dense_layer_the_error_goes_straight_to_the_flattened_numbers():
    from scenes.chapters.conv_backprop import ConvBackpropScene

    run = record_run(RunSpec.for_dataset("digits", layers=NO_HIDDEN, samples=300, epochs=2))
    scene = told(ConvBackpropScene, run, brief=True)
    assert len(scene.dense_columns) == 0 and len(scene.flat_arrows) == 1
    assert scene.dense_rule[0].original_text == "Through the dense layer,"
    assert late_numbers(scene) == [] and unshown_numbers(scene) == []


@pytest.mark.slow
@pytest.mark.parametrize("brief", [False, True], ids=["full", "brief"])
def test_the_crossings_rule_is_said_first_and_held_with_the_followed_kernels_terms_at_the_ringed_cell(hidden, brief):
    # The review: the rule was on screen 1.3 s and never said; a heading wrote out for 2.5 s before the sum.
    from scenes.chapters.conv_backprop import ConvBackpropScene

    recorded, plays = Watched.of(ConvBackpropScene)
    scene = told(recorded, hidden, brief=brief)
    beat = next(b for b in scene.told if "over the kernels" in b.caption)
    assert beat.caption.startswith("Each pool cell's error sums δ × weight over the kernels:")
    shown = [(start, end) for start, end, on in plays if all(line in on for line in scene.cross_rule)]
    assert beat.start <= shown[0][0] < beat.start + 1.0  # written from the beat's start, as it is said
    assert shown[-1][1] - shown[0][0] >= 3.0
    # Each named kernel's terms at the ringed cell, δ × weight cell by cell, add to its line's share.
    _, ex = example_of(hidden, scene.snapshot)
    row, column = scene.cross_target_cell
    order = scene.share_order()
    assert list(scene.term_grids) == order
    for k in order:
        terms = ex.crossing(scene.cross_stage, k, scene.kernel).terms(row, column)
        assert np.array_equal(scene.term_grids[k].values, terms)
        assert terms.sum() == pytest.approx(scene.shares[k], abs=1e-15)
    # The followed kernel's terms are on screen before its line is written.
    first_line = scene.share_lines[0]
    terms_from = min(end for _, end, on in plays if scene.term_grids[order[0]] in on)
    line_from = min(end for _, end, on in plays if first_line in on)
    assert terms_from < line_from
    assert late_numbers(scene) == [] and unshown_numbers(scene) == [] and unmarked_numbers(scene) == []


@pytest.mark.slow
@pytest.mark.parametrize("brief", [False, True], ids=["full", "brief"])
def test_the_average_is_drawn_over_the_samples_own_gradients(hidden, brief):
    # The review: at "averaged over the training samples" the bottom and right 40% were empty.
    from scenes.chapters.conv_backprop import SAMPLE_BARS, ConvBackpropScene

    recorded, plays = Watched.of(ConvBackpropScene)
    scene = told(recorded, hidden, brief=brief)
    network, _ = example_of(hidden, scene.snapshot)
    samples = [scene.sample, *(k for k in range(SAMPLE_BARS) if k != scene.sample)][:SAMPLE_BARS]
    want = sample_weight_gradients(network, hidden.X_train[samples].astype(float), hidden.y_train[samples],
                                   scene.kernel, scene.i, scene.j)
    assert np.allclose(scene.bar_values, want, rtol=0, atol=1e-12)
    assert scene.bar_values[0] == pytest.approx(scene.gradient(), abs=1e-12)  # the followed sample's, first
    assert scene.bar_value.original_text == minus(fixed(scene.gradient()))
    # Bars up for positive, down for negative, as tall as their values; the dashed line at the set's average.
    base = scene.bars_axis.get_center()[1]
    unit = scene.bars[0].height / abs(want[0])
    for bar, value in zip(scene.bars, want):
        assert bar.height == pytest.approx(max(abs(value) * unit, 0.01), abs=1e-6)
        assert (bar.get_bottom()[1] == pytest.approx(base)) if value >= 0 else (bar.get_top()[1] == pytest.approx(base))
    assert scene.mean_line.get_center()[1] == pytest.approx(base + scene.whole_gradient() * unit, abs=1e-6)
    assert scene.bars_note.original_text == f"∂C/∂w, a bar a sample: {SAMPLE_BARS} of {len(hidden.X_train):,}"
    # On screen while the average is said, gone before the step is written where they stood.
    beat = next(b for b in scene.told if "veraged over all" in b.caption)
    # Why an average: the samples shown pull the weight different ways, or by different amounts.
    mixed = (want > 0).any() and (want < 0).any()
    assert ("different ways" if mixed else "its own amount") in beat.caption
    during = [on for start, end, on in plays if beat.start <= start < beat.end]
    assert all(bar in during[-1] for bar in scene.bars) and scene.mean_line in during[-1]
    # They stay beside the step written by the average they show (no half-frame left empty under it), clear
    # of it; the optimizer's lines, written where they stood, come after they are gone.
    assert scene.bars_stay
    together = [on for _, _, on in plays if scene.bars[0] in on and scene.step_line in on]
    assert together and not boxes_overlap(scene.bars_chart, scene.step_line)
    assert not any(scene.bars[0] in on and line in on for _, _, on in plays for line in scene.run_lines)
    assert late_numbers(scene) == []


@pytest.mark.slow
@pytest.mark.parametrize("brief", [False, True], ids=["full", "brief"])
def test_the_trained_kernel_comes_beside_the_epoch_0_one_as_its_weight_is_said(hidden, brief):
    from scenes.chapters.conv_backprop import ConvBackpropScene
    from scenes.narration.words import number

    recorded, plays = Watched.of(ConvBackpropScene)
    scene = told(recorded, hidden, brief=brief)
    f, i, j = scene.kernel, scene.i, scene.j
    trained = hidden.kernels[0][-1][f, 0]
    assert np.array_equal(scene.trained_grid.values, trained)
    assert scene.trained_note.original_text == f"kernel {f + 1} at epoch {int(hidden.snapshot_epochs[-1])}"
    assert scene.trained_grid.numbers[i * scene.size + j].original_text == minus(number(float(trained[i, j])))
    # Level with the epoch-0 kernel, left of it, clear of it (where its name stays: the kernel moves on later).
    kernel_left = scene.kernel_note.get_center()[0] - scene.size * scene.kernel_cell / 2
    assert scene.trained_grid.get_top()[1] == pytest.approx(scene.kernel_note.get_top()[1] + 0.15
                                                             + scene.size * scene.kernel_cell, abs=0.02)
    assert scene.trained_grid.get_right()[0] < kernel_left
    # It comes with "trained ... 0.29" (the label), not before the epoch-0 weight is written; gone before the
    # products come where it stood.
    first = min(start for start, _, on in plays if scene.trained_grid in on)
    label = min(start for start, _, on in plays if scene.trained_label in on)
    weight = min(end for _, end, on in plays if scene.weight_label in on)
    assert first == label and first >= weight
    assert not any(scene.trained_grid in on and scene.product_map in on for _, _, on in plays)
    assert late_numbers(scene) == []
