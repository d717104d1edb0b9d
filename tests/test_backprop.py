"""One example's backpropagation, every number checked: against loss_and_gradients, against
finite differences, and the chain rule against the gradient it explains."""
import numpy as np
import pytest

from nnscratch import NeuralNetwork, RunSpec, record_run
from nnscratch.backprop import explain_example


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
                for later in range(layer, 3):
                    z = network.weights[later] @ a + network.biases[later]
                    a = network.activation.function(z) if later < 2 else network.output_layer.activation(z)
                costs.append(-np.log(a[0]))
            assert explained.wants[layer][neuron] == pytest.approx((costs[0] - costs[1]) / 2e-6, rel=1e-5, abs=1e-9)


def test_the_chain_rule_for_one_weight_multiplies_to_its_gradient():
    history = record_run(RunSpec(epochs=30))
    network = history.network_at(5)
    explained = explain_example(network, history.X_train[0], history.y_train[0])
    for layer, row, col in [(1, 4, 2), (2, 3, 5)]:
        a_prev, slope, want, product = explained.chain_rule(layer, row, col)
        assert product == pytest.approx(explained.gradients.weights[layer - 1][row, col], rel=1e-12)
        assert a_prev == explained.a[layer - 1][col] and slope == explained.a[layer][row] * (1 - explained.a[layer][row])


# -- the scene ----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def run():
    return record_run(RunSpec(epochs=200))


def test_every_number_the_backprop_scene_says_is_the_examples(run):
    from scenes import BackpropScene
    from scenes.narration.words import number

    scene = BackpropScene(history=run, sample=7, epoch=30)
    scene.prepare()
    said = " ".join(beat.caption for beat in scene.script())
    snapshot = int(np.argmin(np.abs(run.snapshot_epochs - 30)))
    network = run.network_at(snapshot)
    x, y = run.X_train[7].astype(float), run.y_train[7].astype(float)
    loss, _, gradients = network.loss_and_gradients(x[None], y[None])  # computed again, independently
    assert f"epoch {run.snapshot_epochs[snapshot]:,}" in said
    assert f"C = {number(loss, 3)}" in said
    output = network.forward(x[None])[0, 0]
    assert f"answers {number(output, 3)}" in said
    assert f"dC/db = δ = {number(gradients.biases[-1][0], 3)}" in said
    layer, row, col = 2, *scene.chain_weight(2)
    trace = network.trace(x[None])
    a_prev = trace.a[1][0][col]
    slope = trace.a[2][0][row] * (1 - trace.a[2][0][row])
    want = (gradients.biases[1][row]) / slope  # dC/da = delta / f'(z)
    product = gradients.weights[1][row, col]
    assert f"dC/dw = {number(a_prev, 3)} × {number(slope, 3)} × {number(want, 3)} ≈ {number(product, 4)}" in said
    batch = run.weight_grads[1][snapshot][row, col]
    assert f"{number(batch, 4)} against this sample's {number(product, 4)}" in said
    w = network.weights[1][row, col]
    assert f"{number(w)} − 1 × {number(batch, 4)} = {number(w - batch)}" in said
    after = run.network_at(snapshot + 1).loss(x[None], y[None])
    assert f"to {number(after, 3)}" in said
    # Full-batch SGD: one epoch is one step, so the next snapshot is the step written out.
    assert run.weights[1][snapshot + 1][row, col] == pytest.approx(w - batch, abs=1e-5)


def test_a_regularized_runs_cost_is_the_examples_and_its_gradient_adds_the_penalty():
    from scenes import BackpropScene
    from scenes.narration.words import number

    # The run that showed 0.690 for an example whose cost the cost chapter gave as 0.629.
    run = record_run(RunSpec.for_dataset("moons", l1=0.001, l2=0.01, dropout=0.2, optimizer="momentum",
                                         learning_rate=0.1, epochs=60))
    scene = BackpropScene(history=run)
    scene.prepare()
    said = " ".join(beat.caption for beat in scene.script())
    network = run.network_at(scene.snapshot)
    x, y = run.X_train[scene.sample].astype(float), run.y_train[scene.sample].astype(float)
    cost = network.costs(x[None], y[None])[0]  # what the cost chapter calls this example's cost
    assert f"C = {number(cost, 3)}" in said and f"C = {number(cost + network.penalty(), 3)}" not in said
    layer, (row, col) = 2, scene.chain_weight(2)
    w = network.weights[1][row, col]

    def total(weight: float) -> float:  # the example's cost and the penalty, as the run's step saw them
        network.weights[1][row, col] = weight
        value = network.loss(x[None], y[None])
        network.weights[1][row, col] = w
        return value

    gradient = (total(w + 1e-6) - total(w - 1e-6)) / 2e-6
    *_, product = scene.example.chain_rule(layer, row, col)
    penalty = 0.001 * np.sign(w) + 0.01 * w
    assert product + penalty == pytest.approx(gradient, rel=1e-5)
    assert f"≈ {number(product, 4)}. The penalty adds l1·sign(w) + l2·w = {number(penalty, 4)}: the step " \
           f"follows {number(product + penalty, 4)}." in said


@pytest.mark.slow
def test_the_gradient_palette_follows_the_gradients_sign_on_the_edges(run, tmp_path):
    from PIL import Image

    from scenes import BackpropScene
    from scenes.output.render import render_still
    from scenes.mobjects.style import GRADIENT_PALETTE
    from tests.frames import most_colourful, to_pixel

    class UntilTheBatch(BackpropScene):
        def script(self):
            beats = super().script()
            return beats[:next(i for i, beat in enumerate(beats) if beat.caption.startswith("That is one")) + 1]

    scene = render_still(UntilTheBatch, tmp_path / "b.png", resolution=(1280, 720), history=run, epoch=30)
    frame = np.asarray(Image.open(tmp_path / "b.png").convert("RGB"))
    net = scene.network_mob
    flat = net.drawn_weights([g[scene.snapshot] for g in run.weight_grads])
    lines = [line for group in net.edges for line in group]
    magenta, green = (np.array(c.to_rgb()) * 255 for c in GRADIENT_PALETTE)
    checked = 0
    for index in np.argsort(-np.abs(flat))[:6]:
        line = lines[index]
        point = line.get_start() + 0.5 * (line.get_end() - line.get_start())
        seen = most_colourful(frame, *to_pixel(point, 1280, 720), radius=1).astype(float)
        wanted, other = (magenta, green) if flat[index] > 0 else (green, magenta)
        checked += np.linalg.norm(seen - wanted) < np.linalg.norm(seen - other)
    assert checked >= 5


def test_a_softmax_runs_outputs_want_what_their_sums_want():
    # −ln a_y moves with the right class's output alone, so dC/da is 0 for the others; the arrows and
    # the words are of dC/dz = a − y: the right class up, every other down by its probability.
    from scenes import BackpropScene

    run = record_run(RunSpec.for_dataset("gaussians", classes=3, epochs=20, samples=300))
    scene = BackpropScene(history=run, sample=4, epoch=0)
    scene.prepare()
    x, y = run.X_train[4].astype(float), run.y_train[4].astype(float)
    a = run.network_at(scene.snapshot).forward(x[None])[0]  # computed again, independently
    assert np.allclose(scene.output_wishes(), y - a)
    truth = int(np.argmax(y))
    assert np.count_nonzero(scene.example.wants[scene.output]) == 1  # why dC/da would show one arrow
    arrows = scene.network_mob.wish_arrows(scene.output, scene.output_wishes(), "#ffff00")
    ups = [arrow.get_end()[1] > arrow.get_start()[1] for arrow in arrows]
    assert len(arrows) >= 2 and ups.count(True) == 1
    up = arrows[ups.index(True)]
    neurons = scene.network_mob.neurons[scene.output]
    nearest = int(np.argmin([abs(n.get_center()[1] - up.get_center()[1]) for n in neurons]))
    assert nearest == truth
    # Each arrow stays in its neuron's slot: it cannot be read as a neighbour's.
    spacing = abs(neurons[0].get_center()[1] - neurons[1].get_center()[1])
    assert all(arrow.height <= 0.9 * spacing + 1e-6 for arrow in arrows)
    said = " ".join(beat.caption for beat in scene.script())
    assert "dC/dz = a − y: up for the right class, down for every other, by its probability" in said
