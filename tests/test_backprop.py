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
    assert explained.loss == pytest.approx(loss, rel=1e-12)
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
