import numpy as np
import pytest

from nnscratch import NeuralNetwork, create_sample_data, make_dataset, train
from nnscratch.network import infer_output


def test_seed_readme_example_runs_and_learns():
    X, y = create_sample_data(n_samples=200, n_features=4)
    nn = NeuralNetwork([4, 8, 4, 1], activation="sigmoid", weight_init="xavier")
    for _ in range(1000):
        loss, acc = nn.train_step(X, y, learning_rate=0.1)
    prediction = nn.forward(np.array([[0.5, 0.3, 0.8, 0.2]]))
    assert prediction.shape == (1, 1)
    assert 0.0 < prediction[0, 0] < 1.0
    assert acc >= 0.95


def test_weights_are_laid_out_as_the_video_writes_them():
    nn = NeuralNetwork([4, 6, 3, 2])
    assert [W.shape for W in nn.weights] == [(6, 4), (3, 6), (2, 3)]
    assert [b.shape for b in nn.biases] == [(6,), (3,), (2,)]
    assert nn.n_parameters == 4 * 6 + 6 + 6 * 3 + 3 + 3 * 2 + 2


def test_trace_is_f_of_W_a_plus_b_layer_by_layer():
    nn = NeuralNetwork([3, 4, 2], activation="tanh", seed=1)
    x = np.array([0.2, -0.5, 0.9])
    trace = nn.trace(x)
    z1 = nn.weights[0] @ x + nn.biases[0]
    np.testing.assert_allclose(trace.z[1][0], z1)
    np.testing.assert_allclose(trace.a[1][0], np.tanh(z1))
    z2 = nn.weights[1] @ np.tanh(z1) + nn.biases[1]
    np.testing.assert_allclose(trace.z[2][0], z2)
    np.testing.assert_allclose(trace.a[2][0], np.exp(z2) / np.exp(z2).sum())
    np.testing.assert_allclose(trace.a[0][0], x)


@pytest.mark.parametrize("init, std", [("random", 0.5), ("xavier", np.sqrt(2 / (400 + 300))), ("he", np.sqrt(2 / 400))])
def test_initializers_have_their_documented_spread(init, std):
    W = NeuralNetwork([400, 300], weight_init=init, seed=0).weights[0]
    assert abs(W.std() - std) / std < 0.02
    assert abs(W.mean()) < 0.01


def test_same_seed_same_weights_and_global_generator_untouched():
    np.random.seed(0)
    before = np.random.random()
    np.random.seed(0)
    a = NeuralNetwork([3, 5, 1], seed=9)
    b = NeuralNetwork([3, 5, 1], seed=9)
    c = NeuralNetwork([3, 5, 1], seed=10)
    assert np.random.random() == before
    np.testing.assert_array_equal(a.weights[0], b.weights[0])
    assert not np.array_equal(a.weights[0], c.weights[0])


@pytest.mark.parametrize("y, n_out, expected", [
    (np.array([[0.0], [1.0]]), 1, "sigmoid"),
    (np.array([[0.3], [1.2]]), 1, "identity"),
    (np.array([0, 2, 1]), 3, "softmax"),
    (np.eye(3), 3, "softmax"),
    (np.array([[0.5, 0.5], [1.0, 0.0]]), 2, "identity"),
])
def test_output_layer_is_chosen_from_targets(y, n_out, expected):
    assert infer_output(y, n_out) == expected


def test_output_choice_can_be_overridden():
    nn = NeuralNetwork([2, 1], output="identity")
    nn.train_step(np.array([[0.0, 1.0]]), np.array([[1.0]]))
    assert nn.output_name == "identity"


@pytest.mark.parametrize("kwargs, message", [
    ({"layer_sizes": [4]}, "at least an input and an output"),
    ({"layer_sizes": [4, 0, 1]}, "between 1 and"),
    ({"layer_sizes": [4, -3, 1]}, "between 1 and"),
    ({"layer_sizes": [4, 2.5, 1]}, "whole numbers"),
    ({"layer_sizes": [4, 10_001, 1]}, "between 1 and"),
    ({"layer_sizes": [5000, 5000, 5000]}, "parameters"),
    ({"layer_sizes": [2] * 40}, "at most"),
    ({"layer_sizes": [2, 1], "activation": "swish"}, "unknown activation"),
    ({"layer_sizes": [2, 1], "weight_init": "zeros"}, "unknown weight initializer"),
    ({"layer_sizes": [2, 1], "optimizer": "lbfgs"}, "unknown optimizer"),
    ({"layer_sizes": [2, 1], "output": "tanh"}, "unknown output"),
    ({"layer_sizes": [2, 1], "l2": -1.0}, "l2"),
    ({"layer_sizes": [2, 1], "l1": float("nan")}, "l1"),
])
def test_bad_construction_is_refused(kwargs, message):
    with pytest.raises(ValueError, match=message):
        NeuralNetwork(**kwargs)


def test_bad_inputs_and_targets_are_refused():
    nn = NeuralNetwork([3, 2, 1])
    with pytest.raises(ValueError, match="3 features"):
        nn.forward(np.zeros((2, 4)))
    with pytest.raises(ValueError, match="finite"):
        nn.forward(np.array([[0.0, np.nan, 1.0]]))
    with pytest.raises(ValueError, match="targets must have shape"):
        nn.train_step(np.zeros((2, 3)), np.zeros((3, 1)))
    for lr in (0.0, -0.1, float("inf")):
        with pytest.raises(ValueError, match="learning rate"):
            nn.train_step(np.zeros((2, 3)), np.zeros((2, 1)), learning_rate=lr)


def test_accuracy_binary_threshold_and_multiclass_argmax():
    from nnscratch.network import accuracy
    assert accuracy(np.array([[0.49], [0.5], [0.9]]), np.array([[0.0], [1.0], [0.0]])) == pytest.approx(2 / 3)
    assert accuracy(np.array([[0.1, 0.7, 0.2], [0.5, 0.3, 0.2]]), np.array([[0, 1, 0], [0, 0, 1]])) == 0.5
    assert np.isnan(accuracy(np.array([[0.3]]), np.array([[0.7]])))


def test_l2_shrinks_weights():
    data = make_dataset("gaussians", 100)
    norms = []
    for l2 in (0.0, 0.1):
        nn = NeuralNetwork([2, 6, 1], activation="tanh", l2=l2, seed=1)
        train(nn, data.X_train, data.y_train, epochs=300, learning_rate=0.5)
        norms.append(sum(np.abs(W).sum() for W in nn.weights))
    assert norms[1] < 0.7 * norms[0]


def test_l1_pushes_many_weights_near_zero():
    data = make_dataset("gaussians", 100)
    small = []
    for l1 in (0.0, 0.05):
        nn = NeuralNetwork([2, 8, 1], activation="tanh", l1=l1, seed=1)
        train(nn, data.X_train, data.y_train, epochs=400, learning_rate=0.2)
        small.append(np.mean(np.abs(nn.weights[0]) < 0.02))
    assert small[1] > small[0] + 0.2
