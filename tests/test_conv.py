"""Convolution, max-pool and flatten: against naive loops written here, and their gradients against
finite differences, alone and inside a network, for every hidden activation."""
import numpy as np
import pytest

import nnscratch.network
from nnscratch import NeuralNetwork
from nnscratch.activations import HIDDEN_ACTIVATIONS
from nnscratch.conv import conv_backward, conv_forward, flatten, pool_backward, pool_forward
from nnscratch.optimizers import OPTIMIZERS


def naive_conv(x, W, b):
    """Cross-correlation as the textbook writes it, one output value at a time."""
    n, c, h, w = x.shape
    f, _, k, _ = W.shape
    z = np.zeros((n, f, h - k + 1, w - k + 1))
    for s in range(n):
        for o in range(f):
            for i in range(h - k + 1):
                for j in range(w - k + 1):
                    z[s, o, i, j] = b[o] + sum(W[o, ch, u, v] * x[s, ch, i + u, j + v]
                                               for ch in range(c) for u in range(k) for v in range(k))
    return z


def naive_pool(x, size):
    """Max-pool window by window; the winner is the first largest scanning row by row."""
    n, c, h, w = x.shape
    out = np.zeros((n, c, h // size, w // size))
    winners = np.zeros(out.shape, dtype=int)
    for s in range(n):
        for ch in range(c):
            for i in range(h // size):
                for j in range(w // size):
                    best = None
                    for u in range(size):
                        for v in range(size):
                            value = x[s, ch, i * size + u, j * size + v]
                            if best is None or value > best:
                                best, winners[s, ch, i, j] = value, u * size + v
                    out[s, ch, i, j] = best
    return out, winners


def test_conv_forward_is_the_naive_cross_correlation_no_flip():
    rng = np.random.default_rng(0)
    x, W, b = rng.normal(size=(2, 3, 7, 6)), rng.normal(size=(4, 3, 3, 3)), rng.normal(size=4)
    z, _ = conv_forward(x, W, b)
    assert z.shape == (2, 4, 5, 4)
    np.testing.assert_allclose(z, naive_conv(x, W, b), rtol=1e-12, atol=1e-12)
    # Not a convolution in the flipped sense: an asymmetric kernel over a lone 1 writes itself flipped.
    impulse = np.zeros((1, 1, 5, 5))
    impulse[0, 0, 2, 2] = 1.0
    kernel = np.arange(9.0).reshape(1, 1, 3, 3)
    np.testing.assert_array_equal(conv_forward(impulse, kernel, np.zeros(1))[0][0, 0, :, :], kernel[0, 0, ::-1, ::-1])


@pytest.mark.parametrize("size, shape", [(2, (2, 3, 6, 6)), (2, (1, 2, 7, 5)), (3, (2, 1, 8, 9))])
def test_pool_forward_is_the_naive_max_pool(size, shape):
    x = np.random.default_rng(1).normal(size=shape)
    out, winners = pool_forward(x, size)
    expected, expected_winners = naive_pool(x, size)
    np.testing.assert_array_equal(out, expected)
    np.testing.assert_array_equal(winners, expected_winners)


def test_pool_ties_go_to_the_first_largest_and_so_does_the_gradient():
    x = np.zeros((1, 1, 2, 4))
    x[0, 0, :, 2:] = [[1.0, 5.0], [5.0, 5.0]]  # second window: three-way tie at 5, first at index 1
    out, winners = pool_forward(x, 2)
    np.testing.assert_array_equal(winners[0, 0], [[0, 1]])  # all-zero first window: its first cell
    np.testing.assert_array_equal(out[0, 0], [[0.0, 5.0]])
    dx = pool_backward(np.array([[[[2.0, 3.0]]]]), winners, 2, x.shape)
    expected = np.zeros_like(x)
    expected[0, 0, 0, 0], expected[0, 0, 0, 3] = 2.0, 3.0
    np.testing.assert_array_equal(dx, expected)


def test_flatten_is_channel_row_column_order_as_torch_flatten():
    maps = np.arange(2 * 3 * 4 * 5, dtype=float).reshape(2, 3, 4, 5)
    flat = flatten(maps)
    for n, c, i, j in [(0, 0, 0, 0), (1, 2, 3, 4), (0, 1, 2, 3), (1, 0, 3, 1)]:
        assert flat[n, c * 20 + i * 5 + j] == maps[n, c, i, j]


def numeric_gradient(f, x, eps=1e-6):
    grad = np.zeros_like(x)
    flat, out = x.reshape(-1), grad.reshape(-1)
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + eps
        up = f()
        flat[i] = old - eps
        down = f()
        flat[i] = old
        out[i] = (up - down) / (2 * eps)
    return grad


def test_conv_backward_matches_finite_differences():
    rng = np.random.default_rng(2)
    x, W, b = rng.normal(size=(2, 2, 6, 5)), rng.normal(size=(3, 2, 3, 3)), rng.normal(size=3)
    R = rng.normal(size=(2, 3, 4, 3))  # the cost sum(R * z): its dC/dz is R
    dW, db, dx = conv_backward(R, conv_forward(x, W, b)[1], W, x.shape)

    def cost():
        return float((R * conv_forward(x, W, b)[0]).sum())

    np.testing.assert_allclose(dW, numeric_gradient(cost, W), rtol=1e-7, atol=1e-8)
    np.testing.assert_allclose(db, numeric_gradient(cost, b), rtol=1e-7, atol=1e-8)
    np.testing.assert_allclose(dx, numeric_gradient(cost, x), rtol=1e-7, atol=1e-8)


@pytest.mark.parametrize("size, shape", [(2, (2, 2, 5, 6)), (3, (1, 2, 7, 7))])
def test_pool_backward_matches_finite_differences(size, shape):
    rng = np.random.default_rng(3)
    x = rng.normal(size=shape)  # no ties: continuous values
    _, winners = pool_forward(x, size)
    R = rng.normal(size=winners.shape)
    dx = pool_backward(R, winners, size, x.shape)
    np.testing.assert_allclose(dx, numeric_gradient(lambda: float((R * pool_forward(x, size)[0]).sum()), x),
                               rtol=1e-7, atol=1e-8)
    assert (dx[:, :, (shape[2] // size) * size:, :] == 0).all()  # the cropped edge gets nothing


SMALL_CNN = "7x8,conv3:3,pool2,conv2:2,5,3"  # 7x8 -> 3 maps 5x6 -> 2x3 -> 2 maps 1x2 -> 4 -> 5 -> 3


def small_problem(activation, seed=0, **options):
    network = NeuralNetwork(SMALL_CNN, activation=activation, weight_init="he", seed=seed, **options)
    rng = np.random.default_rng(seed + 10)
    network.kernel_biases = [rng.normal(0, 0.1, size=b.shape) for b in network.kernel_biases]
    network.biases = [rng.normal(0, 0.1, size=b.shape) for b in network.biases]
    X = rng.normal(size=(6, 56))
    y = np.array([0, 1, 2, 0, 1, 2])
    network.settle_output(y)
    return network, X, network.as_targets(y, len(X))


def every_parameter(network):
    return network.kernels + network.kernel_biases + network.weights + network.biases


def every_gradient(gradients):
    return gradients.kernels + gradients.kernel_biases + gradients.weights + gradients.biases


@pytest.mark.parametrize("activation", list(HIDDEN_ACTIVATIONS))
@pytest.mark.parametrize("l1, l2", [(0.0, 0.0), (0.01, 0.03)])
def test_cnn_gradients_match_finite_differences_of_the_loss(activation, l1, l2):
    network, X, Y = small_problem(activation, l1=l1, l2=l2)
    _, _, gradients = network.loss_and_gradients(X, Y)
    assert [g.shape for g in every_gradient(gradients)] == [p.shape for p in every_parameter(network)]
    for param, grad in zip(every_parameter(network), every_gradient(gradients)):
        numeric = numeric_gradient(lambda: network.loss(X, Y), param)
        np.testing.assert_allclose(grad, numeric, rtol=1e-5, atol=1e-8)
        assert np.abs(grad).max() > 0


def test_cnn_gradients_with_dropout_masks_are_those_of_the_network_they_leave():
    network, X, Y = small_problem("tanh", dropout=0.5)
    masks = network.dropout_masks(len(X))
    assert [m.shape for m in masks] == [(6, 5)]
    _, _, gradients = network.loss_and_gradients(X, Y, masks)

    def loss():
        trace = network.trace(X, masks)
        return network.output_layer.loss(trace.z[-1], Y)

    for param, grad in zip(every_parameter(network), every_gradient(gradients)):
        np.testing.assert_allclose(grad, numeric_gradient(loss, param), rtol=1e-5, atol=1e-8)


def test_a_train_step_moves_every_parameter_by_the_finite_difference_gradient():
    network, X, Y = small_problem("sigmoid", l2=0.01)
    before = [p.copy() for p in every_parameter(network)]
    numeric = [numeric_gradient(lambda: network.loss(X, Y), p) for p in every_parameter(network)]
    loss_before = network.loss(X, Y)
    loss, _ = network.train_step(X, Y, learning_rate=0.5)
    assert loss == pytest.approx(loss_before, rel=1e-12)
    for old, new, grad in zip(before, every_parameter(network), numeric):
        np.testing.assert_allclose(new, old - 0.5 * grad, rtol=1e-6, atol=1e-9)
    assert network.loss(X, Y) < loss_before


@pytest.mark.parametrize("optimizer", list(OPTIMIZERS))
def test_every_optimizer_trains_a_cnn(optimizer):
    network, X, Y = small_problem("relu", optimizer=optimizer)
    before = [p.copy() for p in every_parameter(network)]
    first = network.loss(X, Y)
    rate = {"sgd": 0.3, "momentum": 0.1, "rmsprop": 0.01, "adam": 0.01}[optimizer]
    for _ in range(60):
        network.train_step(X, Y, learning_rate=rate)
    assert network.loss(X, Y) < 0.5 * first
    assert all(not np.array_equal(old, new) for old, new in zip(before, every_parameter(network)))


def test_full_batch_passes_by_chunks_equal_one_pass(monkeypatch):
    network, X, Y = small_problem("tanh", l1=0.01)
    whole = network.loss_and_gradients(X, Y)
    evaluated = network.evaluate(X, Y)
    monkeypatch.setattr(nnscratch.network, "EVALUATION_CHUNK", 4)  # chunks of 4 and 2
    chunked = network.loss_and_gradients(X, Y)
    assert chunked[0] == pytest.approx(whole[0], rel=1e-12)
    assert chunked[1] == pytest.approx(whole[1])
    assert network.evaluate(X, Y) == pytest.approx(evaluated, rel=1e-12)
    for a, b in zip(every_gradient(chunked[2]), every_gradient(whole[2])):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-14)


def test_the_string_and_list_forms_build_the_same_network():
    text = NeuralNetwork("28x28,conv8:3,pool2,conv16:3,pool2,10", seed=3)
    listed = NeuralNetwork(["28x28", "conv8:3", "pool2", "conv16:3", "pool2", 10], seed=3)
    assert text.layer_sizes == listed.layer_sizes == [400, 10]
    assert [K.shape for K in text.kernels] == [(8, 1, 3, 3), (16, 8, 3, 3)]
    for a, b in zip(every_parameter(text), every_parameter(listed)):
        np.testing.assert_array_equal(a, b)
    assert text.n_parameters == 8 * 9 + 8 + 16 * 72 + 16 + 400 * 10 + 10
    X = np.random.default_rng(0).random((3, 784))
    np.testing.assert_array_equal(text.forward(X), listed.forward(X))
    assert text.forward(X).shape == (3, 10)


def test_a_dense_network_is_unchanged_by_the_grammar():
    a, b = NeuralNetwork([784, 16, 10], seed=1), NeuralNetwork("784,16,10", seed=1)
    c = NeuralNetwork("28x28,16,10", seed=1)  # an image with dense layers only is its pixels
    assert a.kernels == [] and not a.is_convolutional
    for other in (b, c):
        assert other.layer_sizes == [784, 16, 10] and other.kernels == []
        for W, V in zip(a.weights, other.weights):
            np.testing.assert_array_equal(W, V)
