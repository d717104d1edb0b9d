"""Backpropagation agrees with centred finite differences of the loss."""
import numpy as np
import pytest

from nnscratch import NeuralNetwork
from nnscratch.activations import HIDDEN_ACTIVATIONS
from nnscratch.losses import OUTPUT_LAYERS


def targets_for(output: str, rng: np.random.Generator, n: int, n_out: int) -> np.ndarray:
    if output == "sigmoid":
        return rng.integers(0, 2, size=(n, n_out)).astype(float)
    if output == "softmax":
        return np.eye(n_out)[rng.integers(0, n_out, size=n)]
    return rng.normal(size=(n, n_out))


def numerical_gradient(network: NeuralNetwork, X, y, param: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    grad = np.zeros_like(param)
    for index in np.ndindex(param.shape):
        original = param[index]
        param[index] = original + eps
        plus = network.loss(X, y)
        param[index] = original - eps
        minus = network.loss(X, y)
        param[index] = original
        grad[index] = (plus - minus) / (2 * eps)
    return grad


@pytest.mark.parametrize("regularization", [(0.0, 0.0), (0.01, 0.0), (0.0, 0.05), (0.02, 0.03)], ids=["none", "l1", "l2", "l1+l2"])
@pytest.mark.parametrize("output", list(OUTPUT_LAYERS))
@pytest.mark.parametrize("activation", list(HIDDEN_ACTIVATIONS))
def test_backprop_matches_finite_differences(activation, output, regularization):
    rng = np.random.default_rng(7)
    n_out = 1 if output == "sigmoid" else 3
    l1, l2 = regularization
    network = NeuralNetwork([3, 5, 4, n_out], activation=activation, weight_init="random", output=output,
                            l1=l1, l2=l2, seed=3)
    for b in network.biases:
        b[:] = rng.normal(0, 0.3, size=b.shape)
    X = rng.normal(size=(6, 3))
    y = targets_for(output, rng, 6, n_out)
    # relu and leaky_relu have a kink at 0: finite differences are only valid away from it.
    trace = network.trace(X)
    assert min(np.abs(z).min() for z in trace.z[1:]) > 1e-4

    _, _, analytic = network.loss_and_gradients(X, y)
    for layer in range(len(network.weights)):
        for param, grad in ((network.weights[layer], analytic.weights[layer]), (network.biases[layer], analytic.biases[layer])):
            numeric = numerical_gradient(network, X, y, param)
            relative = np.linalg.norm(grad - numeric) / (np.linalg.norm(grad) + np.linalg.norm(numeric))
            assert relative < 1e-6, f"layer {layer}: relative error {relative:.2e}"


def test_gradients_are_not_trivially_zero():
    network = NeuralNetwork([2, 3, 1], activation="tanh", seed=0)
    _, _, grads = network.loss_and_gradients(np.array([[0.5, -1.0], [1.0, 0.3]]), np.array([[1.0], [0.0]]))
    assert all(np.abs(g).max() > 1e-4 for g in grads.weights)


def test_loss_stays_finite_for_huge_logits():
    network = NeuralNetwork([1, 1], output="sigmoid", seed=0)
    network.weights[0][:] = 1e4
    assert np.isfinite(network.loss(np.array([[1.0], [-1.0]]), np.array([[0.0], [1.0]])))
