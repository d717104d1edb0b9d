"""One example's backpropagation, every number checked: against loss_and_gradients, against
finite differences, and the chain rule against the gradient it explains; then the chapter that tells
it: every number it says or shows recomputed independently from the run's weights, and the rules
(every number said shown and marked, no holds) on the runs of the brief, told briefly and in full."""
import re

import numpy as np
import pytest

from nnscratch import NeuralNetwork, RunSpec, record_run
from nnscratch.backprop import example_gradients, explain_example, wish_terms
from nnscratch.verdict import distinct


@pytest.mark.parametrize("sizes, activation, output, y", [
    ([4, 6, 4, 1], "sigmoid", "sigmoid", np.array([1.0])),
    ([2, 5, 3, 3], "tanh", "softmax", np.array([0.0, 0.0, 1.0])),
    ([3, 4, 2], "relu", "identity", np.array([0.3, -1.2])),
    ([2, 3, 1], "leaky_relu", "sigmoid", np.array([0.0])),
])
def test_an_examples_numbers_are_the_gradient_of_that_example(sizes, activation, output, y):
    network = NeuralNetwork(sizes, activation=activation, output=output, l2=0.01, seed=3)
    x = np.random.default_rng(0).normal(size=sizes[0])
    explained = explain_example(network, x, y)
    loss, _, gradients = network.loss_and_gradients(x[None], y[None])
    assert explained.loss + explained.penalty == pytest.approx(loss, rel=1e-12)
    assert explained.loss == pytest.approx(network.costs(x[None], y[None])[0], rel=1e-12)  # the cost chapter's C
    for mine, theirs in zip(explained.gradients.weights + explained.gradients.biases,
                            gradients.weights + gradients.biases):
        np.testing.assert_allclose(mine, theirs, rtol=1e-12)
    for layer in range(1, len(sizes)):  # the bias gradient is the layer's error
        np.testing.assert_allclose(explained.deltas[layer], gradients.biases[layer - 1], rtol=1e-12)


def cost_from(network, layer: int, a: np.ndarray, truth: int) -> float:
    """−ln of the right class's probability, the network run on from activations ``a`` of ``layer``."""
    last = len(network.weights) - 1
    for later in range(layer, last + 1):
        z = network.weights[later] @ a + network.biases[later]
        a = network.activation.function(z) if later < last else network.output_layer.activation(z)
    return float(-np.log(a[truth]))


def test_what_each_activation_wants_is_the_derivative_of_the_cost_by_it():
    network = NeuralNetwork([3, 4, 3, 2], activation="tanh", output="softmax", seed=1)
    x, y = np.array([0.2, -0.7, 1.1]), np.array([1.0, 0.0])
    explained = explain_example(network, x, y)
    # Perturb each activation and run the rest of the network from there.
    for layer in range(1, 4):
        for neuron in range(len(explained.a[layer])):
            costs = []
            for step in (1e-6, -1e-6):
                a = explained.a[layer].copy()
                a[neuron] += step
                costs.append(cost_from(network, layer, a, 0) if layer < 3 else float(-np.log(a[0])))
            assert explained.wants[layer][neuron] == pytest.approx((costs[0] - costs[1]) / 2e-6, rel=1e-5, abs=1e-9)


def test_the_chain_rule_for_one_weight_multiplies_to_its_gradient():
    history = record_run(RunSpec(epochs=30))
    network = history.network_at(5)
    explained = explain_example(network, history.X_train[0], history.y_train[0])
    for layer, row, col in [(1, 4, 2), (2, 3, 5)]:
        a_prev, slope, want, product = explained.chain_rule(layer, row, col)
        assert product == pytest.approx(explained.gradients.weights[layer - 1][row, col], rel=1e-12)
        assert a_prev == explained.a[layer - 1][col] and slope == explained.a[layer][row] * (1 - explained.a[layer][row])


def test_the_wishes_at_a_hidden_neuron_are_each_outputs_and_add_up_to_its_derivative():
    network = NeuralNetwork([3, 5, 4, 3], activation="sigmoid", output="softmax", seed=2)
    x, y = np.array([0.4, -0.3, 0.9]), np.array([0.0, 1.0, 0.0])
    explained = explain_example(network, x, y)
    for neuron in range(4):
        terms = wish_terms(network, explained, 2, neuron)
        assert terms.shape == (3,)
        for j in range(3):  # each output's own wish: its weight to the neuron times dC/dz_j, by differences
            def cost_by_z(z_j: float) -> float:
                z = network.weights[2] @ explained.a[2] + network.biases[2]
                z[j] = z_j
                return float(-np.log(np.exp(z[1] - z.max()) / np.exp(z - z.max()).sum()))
            z_j = float(network.weights[2][j] @ explained.a[2] + network.biases[2][j])
            by_z = (cost_by_z(z_j + 1e-6) - cost_by_z(z_j - 1e-6)) / 2e-6
            assert terms[j] == pytest.approx(network.weights[2][j, neuron] * by_z, rel=1e-5, abs=1e-10)
        a = explained.a[2].copy()
        moved = [cost_from(network, 2, a + step * np.eye(4)[neuron], 1) for step in (1e-6, -1e-6)]
        assert terms.sum() == pytest.approx((moved[0] - moved[1]) / 2e-6, rel=1e-5)
    with pytest.raises(ValueError):
        wish_terms(network, explained, 3, 0)  # the output layer has no layer after it


def test_each_examples_gradient_is_its_own_and_their_average_is_the_whole_sets():
    network = NeuralNetwork([3, 4, 2, 1], activation="tanh", output="sigmoid", l1=0.002, l2=0.01, seed=4)
    rng = np.random.default_rng(1)
    X, Y = rng.normal(size=(12, 3)), rng.integers(0, 2, size=(12, 1)).astype(float)
    layer, row, col = 2, 1, 3
    mine = example_gradients(network, X, Y, layer, row, col)
    w = network.weights[layer - 1][row, col]

    def costs(weight: float) -> np.ndarray:  # every example's cost, without the penalty
        network.weights[layer - 1][row, col] = weight
        values = network.costs(X, Y)
        network.weights[layer - 1][row, col] = w
        return values

    np.testing.assert_allclose(mine, (costs(w + 1e-6) - costs(w - 1e-6)) / 2e-6, rtol=1e-5, atol=1e-9)
    _, _, whole = network.loss_and_gradients(X, Y)
    assert mine.mean() + 0.002 * np.sign(w) + 0.01 * w == pytest.approx(whole.weights[layer - 1][row, col], rel=1e-10)


def test_a_runs_recorded_gradient_is_the_average_of_its_examples_and_the_penalty():
    # Dropout and momentum change how the run stepped, not the gradient it recorded at the snapshot.
    run = record_run(RunSpec.for_dataset("moons", l1=0.001, l2=0.01, dropout=0.2, optimizer="momentum",
                                         learning_rate=0.1, epochs=30))
    network = run.network_at(7)
    for layer, row, col in [(1, 2, 1), (2, 5, 3), (3, 0, 6)]:
        values = example_gradients(network, run.X_train, run.y_train, layer, row, col)
        w = network.weights[layer - 1][row, col]
        assert values.mean() + 0.001 * np.sign(w) + 0.01 * w == pytest.approx(
            float(run.weight_grads[layer - 1][7][row, col]), rel=1e-4, abs=1e-7)


# -- the network's drawing: the edge of a weight, and the few said among the many ------------------

def test_the_edge_of_a_weight_joins_its_two_neurons_and_an_undrawn_one_has_none():
    from scenes.mobjects.network import NetworkMobject

    net = NetworkMobject([784, 16, 10], output="softmax", input_indices=np.arange(0, 784, 49))
    edge, into, source = net.edge_at(2, 7, 3), net.neuron_at(2, 7), net.neuron_at(1, 3)
    direction = into.get_center() - source.get_center()
    assert np.allclose(edge.get_start(), source.get_center() + net.radius * direction / np.linalg.norm(direction))
    assert np.allclose(edge.get_end(), into.get_center() - net.radius * direction / np.linalg.norm(direction))
    assert net.edge_index(1, 0, 49) == 1 and net.edge_at(1, 0, 50) is None and net.neuron_at(0, 50) is None
    assert net.edge_index(2, 0, 0) == 16 * 16  # after every edge into layer 1


def test_faded_edges_stay_faded_when_they_take_new_colours():
    from scenes.mobjects.network import NetworkMobject
    from scenes.mobjects.style import GRADIENT_PALETTE, edge_styles

    net = NetworkMobject([3, 4, 2], max_edge_width=4.0)
    rng = np.random.default_rng(0)
    weights = [rng.normal(size=(4, 3)), rng.normal(size=(2, 4))]
    net.set_weights(weights, scale=2.0)
    full = net.edge_rgbas[:, 3].copy()
    fade = net.fade_edges([0, 13], opacity=0.1)
    fade.update_function(fade.mobject, 1.0)
    assert net.edge_rgbas[0, 3] == full[0] and net.edge_rgbas[13, 3] == full[13]
    assert np.allclose(np.delete(net.edge_rgbas[:, 3], [0, 13]), 0.1 * np.delete(full, [0, 13]))
    gradients = [rng.normal(size=(4, 3)), rng.normal(size=(2, 4))]
    recolour = net.recolour(gradients, 1.0, GRADIENT_PALETTE)
    recolour.update_function(recolour.mobject, 1.0)
    rgbas, _ = edge_styles(net.drawn_weights(gradients), 1.0, net.max_edge_width, net.min_edge_width,
                           GRADIENT_PALETTE)
    assert np.allclose(net.edge_rgbas[:, :3], rgbas[:, :3])
    assert np.allclose(net.edge_rgbas[[0, 13], 3], rgbas[[0, 13], 3])
    assert np.allclose(np.delete(net.edge_rgbas[:, 3], [0, 13]), 0.1 * np.delete(rgbas[:, 3], [0, 13]))
    back = net.fade_edges(range(len(rgbas)))
    back.update_function(back.mobject, 1.0)
    assert np.allclose(net.edge_rgbas[:, 3], rgbas[:, 3])


# -- the chapter: every number recomputed --------------------------------------------------------

@pytest.fixture(scope="module")
def run():
    return record_run(RunSpec(epochs=200))


@pytest.fixture(scope="module")
def told_run(run):
    from scenes import BackpropScene
    from tests.timeline import told

    return told(BackpropScene, run, sample=7, epoch=30)


def beat(scene, start: str):
    """The record of the beat whose caption starts with ``start``."""
    return next(record for record in scene.told if record.caption.startswith(start))


def shown(record, text: str) -> bool:
    """Whether a text on screen during the beat contains ``text`` (a minus sign written either way)."""
    wanted = text.replace("−", "-")
    return any(wanted in seen.replace("−", "-") for seen in record.shown)


def slope(values: list[float], step: float) -> float:
    return (values[0] - values[1]) / (2 * step)


def test_every_number_the_backprop_chapter_says_and_shows_is_recomputed(run, told_run):
    from scenes.chapters.backprop import factor
    from scenes.narration.words import fixed, said
    from scenes.narration.words import number

    scene = told_run
    snapshot = int(np.argmin(np.abs(run.snapshot_epochs - 30)))
    network = run.network_at(snapshot)
    x, y = run.X_train[7].astype(float), run.y_train[7].astype(float)

    def cost() -> float:
        return float(network.costs(x[None], y[None])[0])

    def moved(array: np.ndarray, index, step: float) -> list[float]:
        """The cost with ``array[index]`` moved up and down by ``step``."""
        kept, values = array[index], []
        for sign in (1, -1):
            array[index] = kept + sign * step
            values.append(cost())
        array[index] = kept
        return values

    epoch = run.snapshot_epochs[snapshot]
    assert beat(scene, "Backpropagation").caption.endswith(f"training sample 7, at epoch {epoch:,}.")
    c = cost()
    assert shown(beat(scene, "The network answers"), f"{c:.3f}") and f"C = {number(c, 3)}" in scene.told[1].caption
    a = float(network.forward(x[None])[0, 0])
    assert f"answers {number(a, 3)}" in scene.told[1].caption
    # The output's wish: against dC/da, by differences on a alone.
    bce = [-(y[0] * np.log(a + s) + (1 - y[0]) * np.log(1 - a - s)) for s in (1e-7, -1e-7)]
    want = said(fixed(slope(bce, 1e-7)))
    wish = beat(scene, "To lower the cost")
    assert f"∂C/∂a = {want}" in wish.caption and shown(wish, want)
    delta = said(fixed(slope(moved(network.biases[-1], 0, 1e-6), 1e-6)))  # dC/db = δ
    bias = beat(scene, "The output can move")
    assert f"∂C/∂b = ∂C/∂z, which we call its error, δ = {delta}" in bias.caption and shown(bias, delta.replace("−", "-"))

    # The sum at the chain's hidden neuron: dC/da_k, by moving a_k and running the rest.
    layer, row, col = scene.weight
    trace = network.trace(x[None])
    a_hidden = trace.a[layer][0].copy()
    run_on = []
    for s in (1e-6, -1e-6):
        a_k = a_hidden.copy()
        a_k[row] += s
        out = 1 / (1 + np.exp(-(network.weights[layer] @ a_k + network.biases[layer])))
        run_on.append(float(-(y[0] * np.log(out[0]) + (1 - y[0]) * np.log(1 - out[0]))))
    total = fixed(slope(run_on, 1e-6))
    summed = beat(scene, f"At neuron {row + 1} of hidden layer {layer}")
    assert f"∂C/∂a = w δ = {said(total)}" in summed.caption and shown(summed, f"approx {total}")

    # The chain rule's factors and product, each recomputed.
    a_prev = fixed(trace.a[layer - 1][0][col])
    z = float(network.weights[layer - 1][row] @ trace.a[layer - 1][0] + network.biases[layer - 1][row])
    sigmoid = [1 / (1 + np.exp(-(z + s))) for s in (1e-6, -1e-6)]
    product = fixed(slope(moved(network.weights[layer - 1], (row, col), 1e-6), 1e-6))
    numbers = beat(scene, "In numbers")
    assert numbers.caption == (f"In numbers: ∂C/∂w = {said(a_prev)} × {said(fixed(slope(sigmoid, 1e-6)))} × "
                               f"{said(total)} ≈ {said(product)}.")
    chain = beat(scene, "The chain rule")
    for text in (f"a = {said(a_prev)}", f"z = {said(fixed(z))}", f"σ'(z) = {said(fixed(slope(sigmoid, 1e-6)))}",
                 f"∂C/∂a = {said(total)}"):
        assert text in chain.shown, text
    pick = beat(scene, "Now one chain")
    assert pick.caption.endswith(f"from neuron {col + 1} of hidden layer {layer - 1} into neuron {row + 1}.")
    assert f"w = {said(fixed(network.weights[layer - 1][row, col]))}" in pick.shown

    # Every example's own dC/dw for that weight, by differences on all of them at once; their average,
    # which is the gradient the run recorded.
    X, Y = run.X_train.astype(float), run.y_train.astype(float)
    w = network.weights[layer - 1][row, col]
    each = []
    for s in (1e-6, -1e-6):
        network.weights[layer - 1][row, col] = w + s
        each.append(network.costs(X, Y))
    network.weights[layer - 1][row, col] = w
    per_example = (each[0] - each[1]) / 2e-6
    recorded = float(run.weight_grads[layer - 1][snapshot][row, col])
    assert per_example.mean() == pytest.approx(recorded, rel=1e-4, abs=1e-7)
    average = beat(scene, "That is one example")
    assert f"∂C/∂w = {said(fixed(recorded))}." in average.caption
    assert f"all {len(X):,} training samples" in average.caption
    for n in (7, 8, 9, 10):
        assert f"sample {n}" in average.shown and said(fixed(per_example[n])) in average.shown
    assert said(fixed(recorded)) in average.shown and f"{len(X):,}" in average.shown  # the readouts' last

    # The step: plain gradient descent on the whole set, so the next snapshot is it (one epoch a step).
    rate = run.learning_rate
    first, then = distinct(w, w - rate * recorded)
    step = beat(scene, "Gradient descent steps")
    assert f"η = {rate:g}" in step.caption and f"from {said(first)} to {said(then)}." in step.caption
    assert shown(step, f"{first} - {rate:g} dot {factor(fixed(recorded))} = {then}")
    assert float(run.weights[layer - 1][snapshot + 1][row, col]) == pytest.approx(w - rate * recorded, abs=1e-5)
    after = run.network_at(snapshot + 1).costs(x[None], y[None])[0]
    low, high = distinct(c, after)
    assert f"from {said(low)} to {said(high)}." in beat(scene, "With the weights of epoch").caption


def test_a_change_said_is_said_with_the_digits_that_show_it():
    # A step of η ∂C/∂w = 0.0004 on a weight of 0.2787: two decimals would say "from 0.28 to 0.28".
    from scenes import BackpropScene

    run = record_run(RunSpec.for_dataset("moons", epochs=120))
    for brief in (False, True):
        scene = BackpropScene(history=run, brief=brief)
        scene.prepare()
        for caption in [beat.caption for beat in scene.script()]:
            for first, second in re.findall(r"from (−?[\d.]+) to (−?[\d.]+)", caption):
                assert first != second, caption
        w, stepped, _ = (float(text) for text in scene.step_numbers())
        layer, row, col = scene.weight
        true = -run.learning_rate * float(run.weight_grads[layer - 1][scene.snapshot][row, col])
        assert abs((stepped - w) - true) <= 0.5 * abs(true)


def test_a_regularized_runs_cost_is_the_examples_and_its_gradient_adds_the_penalty():
    from scenes import BackpropScene
    from scenes.narration.words import fixed, said
    from scenes.narration.words import number

    # The run that showed 0.690 for an example whose cost the cost chapter gave as 0.629.
    run = record_run(RunSpec.for_dataset("moons", l1=0.001, l2=0.01, dropout=0.2, optimizer="momentum",
                                         learning_rate=0.1, epochs=60))
    scene = BackpropScene(history=run)
    scene.prepare()
    said_all = " ".join(beat.caption for beat in scene.script())
    network = run.network_at(scene.snapshot)
    x, y = run.X_train[scene.sample].astype(float), run.y_train[scene.sample].astype(float)
    cost = network.costs(x[None], y[None])[0]  # what the cost chapter calls this example's cost
    assert f"C = {number(cost, 3)}" in said_all and f"C = {number(cost + network.penalty(), 3)}" not in said_all
    layer, row, col = scene.weight
    w = network.weights[layer - 1][row, col]

    def total(weight: float) -> float:  # the example's cost and the penalty, as the run's step saw them
        network.weights[layer - 1][row, col] = weight
        value = network.loss(x[None], y[None])
        network.weights[layer - 1][row, col] = w
        return value

    gradient = (total(w + 1e-6) - total(w - 1e-6)) / 2e-6
    *_, product = scene.example.chain_rule(layer, row, col)
    penalty = 0.001 * np.sign(w) + 0.01 * w
    assert product + penalty == pytest.approx(gradient, rel=1e-5)
    assert (f"≈ {said(fixed(product))}. The penalty adds l1·sign(w) + l2·w = {said(fixed(penalty))}: the step "
            f"follows {said(fixed(product + penalty))}.") in said_all
    assert "w ← w − η (∂C/∂w + its penalty)" in said_all
    assert "This run stepped with momentum" in said_all and "silenced 20% of its hidden neurons" in said_all


def test_a_penalty_too_small_to_show_at_three_digits_is_shown_with_more():
    # "≈ 0.0902 ... the step follows 0.0902" says one number twice: the two get the digits that tell them apart.
    from scenes import BackpropScene
    from scenes.narration.words import said

    run = record_run(RunSpec.for_dataset("moons", l2=0.01, epochs=30))
    scene = BackpropScene(history=run)
    scene.prepare()
    layer, row, col = scene.weight
    network = run.network_at(scene.snapshot)
    network.l2 = 1e-7  # a penalty far under the product's third digit
    x, y = run.X_train[scene.sample].astype(float), run.y_train[scene.sample].astype(float)
    scene.example = explain_example(network, x, y)
    product = scene.example.chain_rule(layer, row, col)[3]
    total = product + 1e-7 * network.weights[layer - 1][row, col]
    shown_product, shown_total = scene.product_and_total()
    assert shown_product != shown_total
    assert abs((float(shown_total) - float(shown_product)) - (total - product)) <= 0.5 * abs(total - product)
    caption = scene.chain_caption()
    assert f"≈ {said(shown_product)}." in caption and caption.endswith(f"the step follows {said(shown_total)}.")


def test_a_softmax_runs_outputs_all_wish_sized_by_what_their_sums_want():
    # −ln a_y moves with the right class's output alone, so dC/da is 0 for the others; the arrows and
    # the words are of dC/dz = a − y: the right class up, every other down by its probability.
    from scenes import BackpropScene
    from scenes.narration.words import number

    run = record_run(RunSpec.for_dataset("gaussians", classes=3, epochs=20, samples=300))
    scene = BackpropScene(history=run, sample=4, epoch=0)
    scene.prepare()
    x, y = run.X_train[4].astype(float), run.y_train[4].astype(float)
    a = run.network_at(scene.snapshot).forward(x[None])[0]  # computed again, independently
    assert np.allclose(scene.output_wishes(), y - a)
    truth = int(np.argmax(y))
    assert np.count_nonzero(scene.example.wants[scene.output]) == 1  # why dC/da would show one arrow
    lifted = scene.lifted
    assert len(lifted.arrows) == len(lifted.values) == 3  # every output its wish, and its value
    assert [value.original_text for value in lifted.values] == [number(v, 3) for v in a - y]
    ups = [arrow.get_end()[1] > arrow.get_start()[1] for arrow in lifted.arrows]
    assert ups == [j == truth for j in range(3)]
    lengths = np.array([np.linalg.norm(arrow.get_end() - arrow.get_start()) for arrow in lifted.arrows])
    sized = np.abs(a - y) / np.abs(a - y).max() * lengths.max()
    assert np.allclose(lengths, np.maximum(sized, 0.12), atol=0.01)  # sized by value; a stub if tiny
    said = " ".join(beat.caption for beat in scene.script())
    assert "each arrow points against ∂C/∂z = a − y" in said
    assert f"the {run.class_names[truth]}'s sum z should rise" in said


def test_at_one_hidden_neuron_every_outputs_wish_is_drawn_and_they_add_up_tip_to_tail():
    from scenes import BackpropScene
    from tests.timeline import told

    run = record_run(RunSpec.for_dataset("spiral", classes=3, epochs=50))
    scene = told(BackpropScene.until("Every output asks"), run)
    layer, row, _ = scene.weight
    wishes = -run.network_at(scene.snapshot).weights[layer][:, row] * scene.example.deltas[layer + 1]
    heights = np.array([arrow.get_end()[1] - arrow.get_start()[1] for arrow in scene.contributions])
    assert len(heights) == 3 and np.all(np.sign(heights) == np.sign(wishes))
    largest = int(np.argmax(np.abs(wishes)))
    unit = heights[largest] / wishes[largest]
    to_scale = np.abs(unit * wishes) > 0.09  # a tiny wish is drawn as a stub, still seen to be there
    assert np.allclose(heights[to_scale], unit * wishes[to_scale], rtol=1e-4)
    for before, after in zip(scene.stacked, scene.stacked[1:]):  # tip to tail
        assert np.allclose(before.get_end(), after.get_start(), atol=2e-3)
    total = scene.stacked[-1].get_end()[1] - scene.stacked[0].get_start()[1]
    assert total == pytest.approx(-scene.example.wants[layer][row] * unit, rel=1e-3, abs=5e-3)
    summed = scene.sum_arrow.get_end()[1] - scene.sum_arrow.get_start()[1]
    assert summed == pytest.approx(total, rel=1e-3, abs=5e-3)


def test_the_weight_of_the_chain_is_picked_out_of_the_faded_network(run):
    from scenes import BackpropScene
    from scenes.chapters.backprop import FADED
    from scenes.mobjects.style import HIGHLIGHT
    from tests.timeline import told

    scene = told(BackpropScene.until("Now one chain"), run)
    net, (layer, row, col) = scene.network_mob, scene.weight
    edge = net.edge_at(layer, row, col)
    assert scene.picked in scene.mobjects and scene.picked.get_stroke_color().to_hex() == HIGHLIGHT.to_hex()
    assert np.allclose(scene.picked.get_start(), edge.get_start()) and scene.picked.stroke_width >= 6
    kept = {net.edge_index(layer, row, col)} | {net.edge_index(scene.output, j, row) for j in net.indices[-1]}
    others = [index for index in range(len(net.edge_rgbas)) if index not in kept]
    assert np.allclose(net.edge_rgbas[others, 3], FADED * net.edge_alphas[others])
    assert np.allclose(net.edge_rgbas[sorted(kept), 3], net.edge_alphas[sorted(kept)])


def test_the_subtitle_names_what_the_colours_show(run):
    from scenes import BackpropScene
    from scenes.mobjects.style import GRADIENT_PALETTE, edge_styles
    from tests.timeline import told

    scene = told(BackpropScene.until("That is one example"), run)
    epoch = scene.epoch
    assert scene.subtitle.original_text == f"all {len(run.X_train):,} training samples at epoch {epoch:,}"
    net = scene.network_mob
    rgbas, _ = edge_styles(net.drawn_weights([g[scene.snapshot] for g in run.weight_grads]), scene.batch_scale,
                           net.max_edge_width, net.min_edge_width, GRADIENT_PALETTE)
    assert np.allclose(net.edge_rgbas[:, :3], rgbas[:, :3])  # the whole set's gradient, as named
    scene = told(BackpropScene.until("Gradient descent steps"), run)
    assert scene.subtitle.original_text == f"the weights at epoch {scene.next_epoch:,}"


def test_derivatives_are_written_one_way_and_read_aloud():
    from scenes import BackpropScene
    from scenes.narration.spoken import spoken

    for spec in (RunSpec(epochs=50), RunSpec.for_dataset("spiral", classes=3, epochs=50)):
        history = record_run(spec)
        for brief in (False, True):
            scene = BackpropScene(history=history, brief=brief)
            scene.prepare()
            captions = [beat.caption for beat in scene.script()] + [beat.brief or "" for beat in scene.script()]
            assert not any(re.search(r"\bd[A-Za-z]/d[A-Za-z]", caption) for caption in captions)
            assert any("∂C/∂w" in caption for caption in captions)
            for caption in captions:
                assert "∂" not in spoken(caption)
    assert spoken("∂C/∂w = a × σ'(z) × ∂C/∂a") == \
        "d C by d w equals a times sigma prime of z times d C by d a"
    assert spoken("w ← w − η ∂C/∂w") == "w becomes w minus eta d C by d w"


# -- the telling's length (tests/test_story.py holds every run to the story's rules) -----------------

@pytest.mark.parametrize("brief", [False, True], ids=["full", "brief"])
@pytest.mark.parametrize("name", ["default", "no hidden layer", "regularized",
                                  pytest.param("digits", marks=pytest.mark.slow)])
def test_the_chapter_lasts_about_a_minute_in_the_explainer_and_two_alone(name, brief):
    from tests.timeline import run, told_as

    scene = told_as("backprop", run(name), brief)
    if brief and name != "regularized":  # the penalty's gradient takes its own sentences
        assert scene.time <= 62.0
    assert scene.time <= 125.0


@pytest.mark.slow
def test_the_gradient_palette_follows_the_gradients_sign_on_the_edges(run, tmp_path):
    from PIL import Image

    from scenes import BackpropScene
    from scenes.output.render import render_still
    from scenes.mobjects.style import GRADIENT_PALETTE
    from tests.frames import most_colourful, to_pixel

    scene = render_still(BackpropScene.until("That is one example"), tmp_path / "b.png", resolution=(1280, 720),
                         history=run, epoch=30)
    frame = np.asarray(Image.open(tmp_path / "b.png").convert("RGB"))
    net = scene.network_mob
    flat = net.drawn_weights([g[scene.snapshot] for g in run.weight_grads])
    lines = [line for group in net.edges for line in group]
    magenta, green = (np.array(c.to_rgb()) * 255 for c in GRADIENT_PALETTE)
    checked = 0
    for index in np.argsort(-np.abs(flat))[:8]:
        line = lines[index]
        if index == net.edge_index(*scene.weight):
            continue  # the followed weight is drawn over, in the highlight colour
        point = line.get_start() + 0.3 * (line.get_end() - line.get_start())
        seen = most_colourful(frame, *to_pixel(point, 1280, 720), radius=1).astype(float)
        wanted, other = (magenta, green) if flat[index] > 0 else (green, magenta)
        checked += np.linalg.norm(seen - wanted) < np.linalg.norm(seen - other)
    assert checked >= 6


@pytest.mark.parametrize("brief", [False, True], ids=["full", "brief"])
@pytest.mark.parametrize("name", ["moons", pytest.param("digits", marks=pytest.mark.slow)])
def test_the_worked_lines_of_numbers_are_each_on_a_line_of_their_own_and_legible_at_480p(name, brief):
    # The review found "neuron 3 of layer 2: 0.826·(−0.919) = −0.759" and the sum's terms shrunk to 7-8 px
    # at 480p: the neuron named, its product, each line of the sum and its total are each a line at 14 px.
    # (A regularized run's two penalty lines are still shrunk to the column: not checked here.)
    from tests.timeline import LEGIBLE_PIXELS, run as story_run, small_pixels, told_as

    scene = told_as("backprop", story_run(name), brief, measure=True)
    example = [line.typst_code for line in scene.weight_example]
    worked = [line for line in scene.sum_lines()] + example
    seen = {text for _, heights in scene.pixels for text in heights}
    assert all(any(line in text for text in seen) for line in scene.sum_lines())
    assert len(example) == 2 and "of layer" in example[0] and " dot " in example[1] and "of layer" not in example[1]
    assert example[0] in seen and example[1] in seen
    assert small_pixels(scene, lambda text: any(part in text for part in worked)) == []
    # and every formula of the chapter (its cost, its rules, the chain, the average, the step) as large
    assert small_pixels(scene, lambda text: text.startswith("$")) == []
    assert LEGIBLE_PIXELS == 14.0


@pytest.mark.parametrize("name", ["moons", "spiral"])
def test_the_examples_cost_is_drawn_where_it_sits_on_the_curve_below_its_formula(name):
    # The review found the stage under "C = −ln a = 0.656" black for 4 s: the cost is now seen on −ln p.
    import math

    from scenes import BackpropScene
    from tests.timeline import run as story_run, told

    history = story_run(name)
    scene = told(BackpropScene.until("The network "), history)  # "answers ...; C = ..." or "gives the right ..."
    assert "C = " in scene.told[-1].caption
    curve = scene.curve_panel
    ex = scene.example
    p = float(ex.a[-1][int(np.argmax(ex.target))] if len(ex.target) > 1 else
              (ex.a[-1][0] if ex.target[0] == 1 else 1 - ex.a[-1][0]))
    x, y = curve.axes.p2c(curve.point.get_center())
    assert x == pytest.approx(p, abs=1e-6) and y == pytest.approx(-math.log(p), abs=1e-6)
    assert y == pytest.approx(ex.loss, rel=1e-6)  # the cost the formula writes
    assert curve.get_top()[1] <= scene.cost_formula.get_bottom()[1]
    assert curve.point in scene.get_mobject_family_members() and curve.curve in scene.get_mobject_family_members()


@pytest.mark.parametrize("name", ["digits", "moons", "spiral"])
def test_the_examples_outputs_stand_against_what_is_wanted_beside_the_network_as_the_chapter_opens(name):
    # The review found the right 60% black for 8 s while "Which way should sample 0 move each weight?" was
    # asked: the example's outputs and the wanted ones fill the stage until the cost's curve takes it.
    from scenes import BackpropScene
    from tests.timeline import run as story_run, told

    history = story_run(name)
    scene = told(BackpropScene.until("Backpropagation: how one example"), history)
    bars, ex = scene.output_bars, scene.example
    shown = scene.get_mobject_family_members()
    assert all(part in shown for part in (*bars.bars, *bars.outlines, *bars.names))
    outputs, wanted = ex.a[-1], ex.target
    heights = np.array([bar.height for bar in bars.bars])
    large = outputs > 0.02
    np.testing.assert_allclose(heights[large] / bars.unit, outputs[large], rtol=1e-4)
    tall = np.array([outline.height for outline in bars.outlines])
    assert np.argmax(tall) == np.argmax(wanted) if len(wanted) > 1 else (tall[0] > 0.5) == (wanted[0] == 1)
    assert bars.get_left()[0] > scene.network_mob.get_right()[0]
    assert bars.get_top()[1] <= scene.cost_formula.get_bottom()[1]
    later = told(BackpropScene.until("The network "), history)  # "answers ..." or "gives the right ..."
    assert not any(bar in later.get_mobject_family_members() for bar in later.output_bars.bars)
    assert later.curve_panel.curve in later.get_mobject_family_members()  # the curve in their place


@pytest.mark.parametrize("brief", [True, False], ids=["brief", "full"])
def test_the_learning_rate_is_written_first_as_the_step_begins_with_it(brief):
    # The review heard "With η = 0.2" 1.7 s before it was written, at the end of the rule's long Write.
    from tests.timeline import run as story_run, told_as

    history = story_run("digits")
    scene = told_as("backprop", history, brief)
    rate = f"eta = {history.learning_rate:g}"
    beat = next(beat for beat in scene.told if f"η = {history.learning_rate:g}" in beat.caption
                and "w ←" in beat.caption)
    written = {text: at for text, at in beat.marked_at.items() if rate in text}
    assert written, beat.marked_at
    text, at = min(written.items(), key=lambda item: item[1])
    assert "partial" not in text  # its own text, not the end of the rule's
    assert at - beat.start <= 0.6
