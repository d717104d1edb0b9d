"""The forward pass and the cost: their tellings keep their length, and every number they show is the run's
own, recomputed here from its recorded weights, not through the network the scenes use; the written
product stays in the frame, its rows aligned, for every width."""
from __future__ import annotations

import numpy as np
import pytest

from nnscratch import RunSpec, record_run
from scenes.chapters.forward_pass import COLUMN_PLACES, INPUT_FONT
from scenes.mobjects.layer_product import LayerProduct, columns_shown, rows_shown
from scenes.mobjects.layout import boxes_overlap
from scenes.mobjects.number_matrix import MathsReadout, NumberMatrix
from scenes.mobjects.readout import Readout
from scenes.narration.words import loss_number, number, said_numbers
from tests.timeline import holds, told, unmarked_numbers, unshown_numbers
from tests.timeline import run as story_run

LONGEST_HOLD = 4.0  # seconds of stillness at most, anywhere


def scenes():
    from scenes import CostScene, ForwardPassScene

    return {"forward": ForwardPassScene, "cost": CostScene}


# -- the tellings (tests/test_story.py holds every run to the story's rules) -------------------------

@pytest.mark.slow
def test_the_explainers_tellings_keep_their_length():
    # Today's brief tellings of the digits: the forward pass 28.6 s, the cost 24.2 s (before issue 23).
    digits = story_run("digits")
    assert told(scenes()["forward"], digits, brief=True).time <= 31.0
    assert told(scenes()["cost"], digits, brief=True).time <= 25.0


def test_a_said_number_is_a_number_on_screen_in_every_beat_of_the_default_run():
    for scene_class in scenes().values():
        told_scene = told(scene_class, story_run("default"), brief=True)
        assert unshown_numbers(told_scene) == [] and unmarked_numbers(told_scene) == []
        assert max((seconds for _, seconds in holds(told_scene, 0.0)), default=0.0) <= LONGEST_HOLD


@pytest.mark.parametrize("brief", [False, True], ids=["full", "brief"])
@pytest.mark.parametrize("name", ["moons", pytest.param("digits", marks=pytest.mark.slow)])
def test_every_text_of_the_forward_pass_is_legible_at_480p(name, brief):
    # The review measured the written matrices at 7-9 px at 480p: W, a, b, z and the words under them, the
    # input's values and the outputs' names are drawn with digits at least 14 px tall (the network's own
    # size labels, "784", are not read by the narration).
    from tests.timeline import LEGIBLE_PIXELS, small_pixels, told_as

    scene = told_as("forward", story_run(name), brief, measure=True)
    sizes = {part.original_text for part in scene.network_mob.size_braces.get_family() if hasattr(part, "original_text")}
    assert small_pixels(scene, lambda text: text not in sizes) == []
    entries = {cell.text for product in scene.products.values() for cell in product.weights.readouts}
    seen = {text for _, heights in scene.pixels for text in heights}
    assert entries and entries <= seen  # the matrices' entries were measured, not skipped
    assert LEGIBLE_PIXELS >= 14.0


# -- the numbers on screen, recomputed ------------------------------------------------------------

ACTIVATIONS = {"sigmoid": lambda z: 1 / (1 + np.exp(-z)), "tanh": np.tanh, "relu": lambda z: np.maximum(z, 0),
               "identity": lambda z: z, "softmax": lambda z: np.exp(z - z.max()) / np.exp(z - z.max()).sum()}


def forward_by_hand(history, x, snapshot: int = -1) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Each layer's sums and values for input ``x``, from the recorded weights and biases."""
    sums, values = [None], [np.asarray(x, dtype=float)]
    last = len(history.weights) - 1
    for layer, (W, b) in enumerate(zip(history.weights, history.biases)):
        z = W[snapshot].astype(float) @ values[-1] + b[snapshot].astype(float)
        name = history.metadata["output"] if layer == last else history.metadata["activation"]
        sums.append(z)
        values.append(ACTIVATIONS[name](z))
    return sums, values


@pytest.mark.parametrize("run", ["default", "spiral", "deep tanh"])
def test_each_layers_numbers_are_its_recorded_weights_times_the_values_before_plus_its_biases(run):
    history = story_run(run)
    scene = told(scenes()["forward"], history, brief=False)
    sums, values = forward_by_hand(history, history.X_train[history.probe_index])
    last = len(history.layer_sizes) - 1
    assert scene.told_layers() == sorted({1, last, *(range(2, last) if last - 2 <= 3 else [])})
    for layer, product in scene.products.items():
        W = history.weights[layer - 1][-1]
        for i, row in zip(product.rows, product.weights.cells):
            for j, cell in zip(product.cols, row):
                if i is not None and j is not None:
                    assert cell.text == number(W[i, j])
        for j, (cell,) in zip(product.cols, product.inputs.cells):
            if j is not None:
                assert cell.text == number(values[layer - 1][j])
        digits = 3 if layer == last else 2
        for i, (cell,) in zip(product.rows, product.results.cells):
            if i is not None:  # the sums, turned into the layer's values (the output's to three decimals)
                assert cell.text == number(values[layer][i], digits)
    # The answer: the class with the most, and its probability.
    output = values[-1]
    picked = int(np.argmax(output)) if len(output) > 1 else int(output[0] >= 0.5)
    p = output[picked] if len(output) > 1 else output[0]
    name = history.class_names[picked] if len(output) > 1 else history.class_names[1]
    assert scene.said[1][0].original_text == f"p({name}) = {number(p, 3)}"
    if len(output) > 1:
        assert scene.prediction_caption().startswith(f"The {history.class_names[picked]} gets {number(p, 3)}")


@pytest.mark.slow
def test_the_digits_pixels_and_hidden_layers_are_the_runs_own():
    history = story_run("digits")
    scene = told(scenes()["forward"], history, brief=True)
    x = history.X_train[history.probe_index].astype(float)
    sums, values = forward_by_hand(history, x)
    # The drawn pixels are the ones that vary most over the training images, in reading order.
    spread = history.X_train.astype(np.float32).var(axis=0)
    assert scene.drawn(0) == sorted(np.argsort(-spread, kind="stable")[:16].tolist())
    # W's columns shown: the drawn pixels that add most to the first layer's sums.
    W1 = history.weights[0][-1].astype(float)
    weight = np.abs(W1[:, scene.drawn(0)] * x[scene.drawn(0)]).sum(axis=0)
    shown = COLUMN_PLACES - 1  # and the dots for the rest, wherever they fall in reading order
    top = sorted(np.array(scene.drawn(0))[np.argsort(-weight, kind="stable")[:shown]].tolist())
    cols = scene.products[1].cols
    assert [c for c in cols if c is not None] == top and cols.count(None) == 1
    # Hidden layer 2's highest neuron, as said and as written under the numbers.
    k = int(np.argmax(values[2]))
    assert f"neuron {k + 1} ends highest, at {number(values[2][k])}" in scene.highest_words(2)
    # The output's probabilities add up to 1, and the 3 the caption names gets the most.
    assert values[-1].sum() == pytest.approx(1.0)
    assert scene.answer()[0] == int(np.argmax(values[-1]))


def costs_by_hand(history, snapshot: int = -1) -> np.ndarray:
    """Each training example's cost: minus the log of the probability the recorded weights give its class."""
    costs = []
    for x, y in zip(history.X_train.astype(float), history.y_train):
        output = forward_by_hand(history, x, snapshot)[1][-1]
        p = (output[0] if y[0] == 1 else 1 - output[0]) if len(output) == 1 else output[int(np.argmax(y))]
        costs.append(-np.log(p))
    return np.array(costs)


def penalty_by_hand(history, snapshot: int = -1) -> float:
    l1, l2 = history.metadata["l1"], history.metadata["l2"]
    weights = [W[snapshot].astype(float) for W in history.weights]
    return l1 * sum(np.abs(W).sum() for W in weights) + l2 / 2 * sum((W * W).sum() for W in weights)


@pytest.mark.parametrize("run", ["default", "spiral", "regularized"])
def test_the_costs_on_screen_are_minus_the_log_of_the_right_class_and_average_to_the_recorded_cost(run):
    from scenes.chapters.cost import probability_text

    history = story_run(run)
    costs, costs_before = costs_by_hand(history), costs_by_hand(history, snapshot=0)
    penalty, penalty_before = penalty_by_hand(history), penalty_by_hand(history, snapshot=0)
    # What the run recorded as its loss is the average cost plus the penalty: the cost of the training set.
    assert costs.mean() + penalty == pytest.approx(float(history.train_loss[-1]), rel=1e-4)
    assert costs_before.mean() + penalty_before == pytest.approx(float(history.train_loss[0]), rel=1e-4)
    scene = told(scenes()["cost"], history, brief=False)
    probe, worst = history.probe_index, int(np.argmax(costs))
    assert scene.worst == worst
    for sample in (probe, worst):  # −ln p = C, as written: the numbers add up as they are read
        line = scene.cost_line(sample).typst_code
        p = probability_text(np.exp(-costs[sample]), costs[sample])
        assert f"-ln {p} = " in line and said_numbers(line)[-1] == said_numbers(loss_number(costs[sample]))[0]
        assert loss_number(-np.log(float(p))) == loss_number(costs[sample])
    # After the count, the average of every example's cost; each card its own cost.
    assert scene.average_value.text == loss_number(costs.mean())
    assert scene.count_value.text == f"{len(costs):,}"
    assert [card[1].text for card in scene.cards_mob] == [loss_number(costs[s]) for s in scene.cards]
    if penalty:
        first, _, total = said_numbers(scene.penalty[0].typst_code)
        assert float(first) == pytest.approx(costs.mean(), rel=2e-3)
        assert float(total) == pytest.approx(float(history.train_loss[-1]), rel=2e-3)
    # Before training: the same examples, their costs under the first weights.
    before = told(scenes()["cost"].until("Before training"), history, brief=False)
    assert before.average_value.text == loss_number(costs_before.mean())
    assert [card[1].text for card in before.cards_mob] == [loss_number(costs_before[s]) for s in before.cards]


def test_the_points_on_the_curve_sit_where_their_costs_are():
    history = story_run("spiral")
    scene = told(scenes()["cost"], history, brief=True)
    costs = costs_by_hand(history)
    points = scene.point_dots.positions
    x_unit = scene.axes.c2p(1, 0) - scene.axes.c2p(0, 0)
    y_unit = scene.axes.c2p(0, 1) - scene.axes.c2p(0, 0)
    origin = scene.axes.c2p(0, 0)
    ps = (points[:, 0] - origin[0]) / x_unit[0]
    cs = (points[:, 1] - origin[1]) / y_unit[1]
    np.testing.assert_allclose(cs, costs[scene.dots], rtol=1e-6, atol=1e-9)  # each at its own cost
    np.testing.assert_allclose(cs, -np.log(ps), rtol=1e-6, atol=1e-9)  # on the curve −ln p


def test_a_table_examples_neighbours_are_its_recorded_rows_and_labels_with_it_ringed():
    history = story_run("default")  # four features: a table under the example's outputs
    scene = scenes()["cost"](history)
    scene.prepare()
    table, ring = scene.picture[1]
    n, features = len(history.X_train), history.X_train.shape[1]
    columns = features + 1  # the four values and the label, none left out
    rows = [[cell.text for cell in table[i:i + columns]] for i in range(0, len(table), columns)]
    assert rows[0] == ["x1", "x2", "x3", "x4", "label"]
    probe = history.probe_index
    names = history.class_names
    for offset, row in enumerate(rows[1:], start=-(len(rows) - 1) // 2):
        sample = (probe + offset) % n
        assert row[:features] == [number(v) for v in history.X_train[sample]]
        assert row[-1] == names[int(history.y_train[sample, 0] >= 0.5)].replace(" ", "")  # Text drops spaces
    ringed = [cell for cell in table if boxes_overlap(cell, ring, tolerance=0.02)]
    assert [cell.text for cell in ringed][:features] == [number(v) for v in history.X_train[probe]]


@pytest.mark.parametrize("run", ["moons", "default"])
def test_the_example_and_the_cost_table_fill_the_left_of_the_frame(run):
    scene = told(scenes()["cost"], story_run(run), brief=True)
    left = scene.left
    below = scene.picture[1]  # the plane of points, or the table
    assert below.get_bottom()[1] - left.bottom < 1.2  # down to the worst example's caption line
    assert scene.cards_mob.get_bottom()[1] - left.bottom < 0.5
    assert scene.cards_mob.width > 0.6 * left.width


# -- drawing ---------------------------------------------------------------------------------------

def test_a_window_of_rows_keeps_the_named_neuron_and_puts_dots_where_rows_are_left_out():
    assert rows_shown(range(6), 6, 8) == [0, 1, 2, 3, 4, 5]
    assert rows_shown(range(16), 16, 8) == [0, 1, 2, 3, 4, 5, None, 15]
    shown = rows_shown(range(16), 16, 8, keep=[9])
    assert shown == [0, 1, 2, 3, None, 9, None, 15] and len(shown) <= 8
    drawn = [*range(8), *range(24, 32)]  # a layer of 32, its first and last 8 drawn
    assert rows_shown(drawn, 32, 8, keep=[27]) == [0, 1, 2, 3, None, 27, None, 31]


def test_the_columns_shown_are_the_inputs_that_add_most_to_the_sums():
    W = np.zeros((3, 10))
    W[:, 7], W[:, 2], W[:, 5] = 3.0, -2.0, 1.0
    a = np.ones(10)
    assert columns_shown(W, a, range(10), 4) == [2, 5, None, 7]
    assert columns_shown(W[:, :4], a[:4], range(4), 4) == [0, 1, 2, 3]  # all, when they fit


def test_a_matrix_lines_up_its_entries_by_row_and_decimal_point():
    texts = [["0.10", "−1.25", None, "3.00"], [None, None, None, None], ["12.50", "0.02", None, "−0.40"]]
    matrix = NumberMatrix(texts, font_size=24)
    for row in matrix.cells:  # one baseline per row, whatever the digits (a readout's frame sits on it)
        ys = [getattr(cell, "frame", cell).get_center()[1] for cell in row]
        assert max(ys) - min(ys) < 1e-9
    for j in (0, 1, 3):  # right edges line up in a column of numbers
        rights = [matrix.cells[i][j].frame.get_right()[0] for i in (0, 2)]
        assert abs(rights[0] - rights[1]) < 1e-9
    assert [cell.text for cell in matrix.readouts] == ["0.10", "−1.25", "3.00", "12.50", "0.02", "−0.40"]
    left, right = matrix.brackets
    assert left.get_left()[0] < matrix.entries.get_left()[0] and right.get_right()[0] > matrix.entries.get_right()[0]


def test_a_number_written_after_its_matrix_is_scaled_is_as_large_as_the_others():
    # The sums are written into z after the product is scaled to the frame: they must match the numbers
    # written before it, and stay inside their column (they once kept their first size and hit the bracket).
    before = MathsReadout(5, font_size=24).set_text("−0.69").scale(0.8)
    after = MathsReadout(5, font_size=24).scale(0.8).set_text("−0.69")
    assert after.glyphs.height == pytest.approx(before.glyphs.height, rel=1e-6)
    np.testing.assert_allclose(after.glyphs.get_center(), before.glyphs.get_center(), atol=1e-9)
    assert after.glyphs.get_left()[0] >= after.frame.get_left()[0]


DOZEN_WIDE = {  # the case: hidden layers around a dozen wide ran off the right edge, a row misaligned
    "2,8,1": RunSpec.for_dataset("moons", layers=(2, 8, 1), epochs=100),
    "2,12,1": RunSpec.for_dataset("moons", layers=(2, 12, 1), activation="tanh", optimizer="adam",
                                  learning_rate=0.02, epochs=100),
    "2,13,1": RunSpec.for_dataset("moons", layers=(2, 13, 1), epochs=100),
    "2,16,1": RunSpec.for_dataset("moons", layers=(2, 16, 1), epochs=100),
    "2,12,12,1": RunSpec.for_dataset("moons", layers=(2, 12, 12, 1), epochs=100),
    "784,12,10": RunSpec.for_dataset("digits", layers=(784, 12, 10), samples=600, epochs=3),
}


@pytest.mark.parametrize("shape", list(DOZEN_WIDE))
def test_a_dozen_wide_layer_writes_its_product_in_line_and_inside_the_frame(shape):
    history = record_run(DOZEN_WIDE[shape])
    scene = told(scenes()["forward"], history, brief=False)
    assert scene.products  # every told layer's numbers are checked below
    frame_right = scene.camera.frame_width / 2
    for product in scene.products.values():
        assert isinstance(product, LayerProduct)
        assert product.get_right()[0] <= frame_right - 0.2 and product.get_left()[0] >= scene.column.left - 1e-6
        assert product.get_bottom()[1] >= -scene.camera.frame_height / 2 + 0.2
        assert not boxes_overlap(product, scene.network_mob)
        def level(cell) -> float:  # a number's baseline box (its frame), or a row of dots' middle
            return float(getattr(cell, "frame", cell).get_center()[1])

        for place in range(len(product.rows)):  # each row of W level with its bias and its sum
            y = level(product.weights.cells[place][0])
            assert all(level(cell) == pytest.approx(y, abs=1e-6) for cell in product.weights.cells[place])
            assert level(product.biases.cells[place][0]) == pytest.approx(y, abs=1e-6)
            assert level(product.results.cells[place][0]) == pytest.approx(y, abs=1e-6)
        # A row of dots only where rows are left out: none in a layer of 8, the numbers read at its row.
        for place, index in enumerate(product.rows):
            numeric = index is not None
            assert all(isinstance(cell, Readout) == (numeric and j is not None)
                       for cell, j in zip(product.weights.cells[place], product.cols))
        assert min(cell.font_size_now for cell in product.weights.readouts) >= 20


# -- issue 23's third review: what is said is what is shown -----------------------------------------

def test_a_small_cost_is_written_in_plain_decimals_as_it_is_read():
    assert [loss_number(value) for value in (1.5938e-5, 4.904e-4, 1.01e-4, 0.0684, 2.509)] == [
        "0.0000159", "0.000490", "0.000101", "0.0684", "2.51"]
    assert loss_number(9.996e-5) == "0.000100"  # rounded to three digits first, then written
    # Below a millionth, zeros would crowd the digits out: said and shown as less than a millionth.
    assert loss_number(3.2e-7) == loss_number(1.55e-11) == "<0.000001" and said_numbers("<0.000001") == ["0.000001"]
    for value in (1.5938e-5, 4.904e-4, 7.77e-6):
        assert float(said_numbers(loss_number(value))[0]) == pytest.approx(value, rel=5e-3)


@pytest.mark.parametrize("name, log", [("moons", True), ("digits", False), ("spiral", False)])
def test_the_cost_axis_puts_each_named_example_where_its_cost_is(name, log):
    # Moons' examples cost 0.0000159 and 0.00375: on a linear 0-2 axis both lay in the corner at p = 1.
    import math

    history = story_run(name)
    scene = told(scenes()["cost"].until("Drawn against"), history, brief=False)
    costs = costs_by_hand(history)
    assert (scene.log_low is not None) == log
    for sample in (scene.probe, scene.worst):
        p = float(np.exp(-costs[sample]))
        point = scene.point(p)
        _, height = scene.axes.p2c(point)
        expected = math.log10(costs[sample]) - scene.log_low if log else costs[sample]
        assert height == pytest.approx(expected, rel=1e-3, abs=1e-3)
    lowest, highest = scene.axes.y_range[:2]
    heights = [scene.axes.p2c(scene.point(float(np.exp(-costs[s]))))[1] for s in (scene.probe, scene.worst)]
    # Each named example is off the axis's floor by a tenth of its height or more, and the two apart.
    assert min(heights) >= lowest and max(heights) <= highest
    assert abs(heights[0] - heights[1]) > 0.1 * (highest - lowest)
    assert np.allclose(scene.marker.get_center(), scene.point(float(np.exp(-costs[scene.probe]))), atol=1e-6)


def test_a_sum_counts_up_to_its_value_and_holds_it_for_the_rest_of_its_row():
    matrix = NumberMatrix([[""]], font_size=24, chars=5)
    counting = matrix.count(0, 0, 0.0, 11.0468, number, settle=0.65)
    counting.interpolate_mobject(0.7)  # past two thirds of the row: the sum itself, not 10.99 passing by
    assert matrix.cells[0][0].text == "11.05"
    counting.interpolate_mobject(0.3)
    assert float(matrix.cells[0][0].text) < 11.0


def test_a_two_input_example_is_ringed_where_it_lies_among_the_data_then_kept_in_the_corner():
    history = story_run("moons")
    scene = told(scenes()["forward"].until("Training sample"), history, brief=False)
    plane = scene.plane
    assert plane is not None and plane in scene.mobjects and plane.width > 3.0  # large while it is read
    X = history.X_train.astype(float)
    unit = (X[history.probe_index] - X.min(axis=0)) / (X.max(axis=0) - X.min(axis=0))
    square = plane.square
    expected = square.get_corner([-1, -1, 0])[:2] + (0.04 + 0.92 * unit) * square.width
    assert np.allclose(plane.ring.get_center()[:2], expected, atol=1e-6)
    done = told(scenes()["forward"], history, brief=False)
    assert done.plane.width == pytest.approx(1.1, rel=1e-3)  # read: in the corner as the layers are told
    assert not boxes_overlap(done.plane, done.products[done.last])
    assert told(scenes()["forward"], story_run("digits"), brief=True).plane is None  # a picture is its own place


@pytest.mark.parametrize("name", ["spiral", "digits"])
def test_the_examples_outputs_rise_as_bars_beside_what_we_want_until_the_curve_takes_their_place(name):
    # The review found the cost chapter's right half black while the example's outputs were told.
    history = story_run(name)
    scene = told(scenes()["cost"].until("How wrong"), history, brief=False)
    bars = scene.bars
    outputs = forward_by_hand(history, history.X_train[history.probe_index].astype(float))[1][-1]
    heights = np.array([bar.height for bar in bars.bars])
    large = outputs > 0.02
    np.testing.assert_allclose(heights[large] / heights.max(), outputs[large] / outputs.max(), rtol=1e-4)
    wanted = int(np.argmax(scene.targets[history.probe_index]))
    tall = [outline.height for outline in bars.outlines]
    assert int(np.argmax(tall)) == wanted and sorted(tall)[-2] < 0.1 * tall[wanted]
    shown = scene.get_mobject_family_members()
    assert all(bar in shown for bar in bars.bars) and bars.get_left()[0] >= scene.right.left - 1e-6
    later = told(scenes()["cost"].until("Its cost"), history, brief=False)
    assert not any(bar in later.get_mobject_family_members() for bar in later.bars.bars)
    assert later.curve in later.get_mobject_family_members()  # the curve in their place


@pytest.mark.parametrize("brief", [False, True], ids=["full", "brief"])
def test_a_lone_outputs_name_under_its_neuron_covers_no_neuron_of_the_layer_before(brief):
    # The moons review: "p(lower moon)" and its plate sat over hidden layer 2's neurons all chapter long.
    from tests.timeline import told_as

    scene = told_as("forward", story_run("moons"), brief)
    net = scene.network_mob
    (label,) = net.output_labels
    assert label.get_top()[1] < net.neurons[-1][0].get_bottom()[1]  # under its neuron
    assert not any(boxes_overlap(neuron, label) for neuron in net.neurons[-2])
    from manim import VGroup

    from scenes.mobjects.glyphs import Label

    glyphs = VGroup(*(part for part in label.submobjects if type(part).__name__ != "BackgroundRectangle"))
    assert glyphs.width == pytest.approx(Label(label.original_text, font_size=INPUT_FONT).width, rel=0.02)
    assert all(scene.font_of(value) == pytest.approx(INPUT_FONT) for value in net.input_labels)
    assert label.get_right()[0] < scene.column.left  # and short of the numbers


@pytest.mark.slow
def test_no_play_of_the_brief_forward_pass_is_shorter_than_a_frame_at_480p15(tmp_path):
    # Its later layers' rows run as fast as they must to ring the named neuron as it is named: at 15 fps a
    # row of 0.04 s made Manim warn, once a row, in the user's terminal. A frame a row at the least.
    from manim import Wait

    from scenes.chapters.catalogue import BY_NAME
    from scenes.output.render import render_still

    run = story_run("digits")
    plays = []

    class Timed(BY_NAME["forward"].scene_class(run)):
        def play(self, *animations, **kwargs):
            if animations and not all(isinstance(animation, Wait) for animation in animations):
                plays.append(kwargs.get("run_time", max(getattr(a, "run_time", 1.0) for a in animations)))
            super().play(*animations, **kwargs)

    render_still(Timed, tmp_path / "s.png", quality="low", resolution=(160, 90), history=run,
                 **{**dict(BY_NAME["forward"].told), "brief": True})
    assert len(plays) > 20 and min(plays) >= 1 / 15 - 1e-9
