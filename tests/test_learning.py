"""The network really learns, with every optimizer and batch mode."""
import numpy as np
import pytest

from nnscratch import NeuralNetwork, create_sample_data, make_dataset, train
from nnscratch.optimizers import Adam, Momentum, RMSprop


def test_xor_reaches_full_training_accuracy_with_tanh_2_4_1():
    data = make_dataset("xor", 200, noise=0.0, test_fraction=0.0, seed=0)
    network = NeuralNetwork([2, 4, 1], activation="tanh", seed=0)
    history = train(network, data.X_train, data.y_train, epochs=2000, learning_rate=0.5)
    assert history.train_accuracy[-1] == 1.0
    assert history.train_loss[-1] < 0.1 * history.train_loss[0]


def test_seed_sample_data_reaches_95_percent():
    X, y = create_sample_data(n_samples=200, n_features=4)
    network = NeuralNetwork([4, 6, 4, 1], activation="sigmoid", seed=42)
    history = train(network, X, y, epochs=500, learning_rate=1.0)
    assert history.train_accuracy[-1] >= 0.95


def test_spiral_with_a_deeper_net_beats_chance_clearly():
    data = make_dataset("spiral", 300, seed=1)
    network = NeuralNetwork([2, 16, 16, 1], activation="tanh", optimizer="adam", seed=1)
    history = train(network, data.X_train, data.y_train, epochs=1500, learning_rate=0.02,
                    X_test=data.X_test, y_test=data.y_test)
    assert history.train_accuracy[-1] >= 0.9
    assert history.test_accuracy[-1] >= 0.8


def test_multiclass_softmax_learns_from_integer_labels():
    rng = np.random.default_rng(0)
    centres = np.array([[0, 1], [1, -1], [-1, -1]], dtype=float)
    labels = rng.integers(0, 3, 300)
    X = centres[labels] + rng.normal(0, 0.3, (300, 2))
    network = NeuralNetwork([2, 8, 3], activation="relu", weight_init="he", seed=0)
    history = train(network, X, labels, epochs=300, learning_rate=0.5)
    assert network.output_name == "softmax"
    assert history.train_accuracy[-1] >= 0.95


def test_regression_with_identity_output_fits_a_curve():
    X = np.linspace(-1, 1, 60)[:, None]
    y = np.sin(2 * X)
    network = NeuralNetwork([1, 12, 1], activation="tanh", optimizer="adam", seed=0)
    history = train(network, X, y, epochs=1500, learning_rate=0.02)
    assert network.output_name == "identity"
    assert history.train_loss[-1] < 0.01
    assert np.isnan(history.train_accuracy[-1])


@pytest.mark.parametrize("optimizer, lr", [("sgd", 0.5), ("momentum", 0.1), ("rmsprop", 0.01), ("adam", 0.01)])
@pytest.mark.parametrize("batch_size", [None, 16])
def test_every_optimizer_learns_moons(optimizer, lr, batch_size):
    data = make_dataset("moons", 200, seed=3)
    network = NeuralNetwork([2, 8, 8, 1], activation="tanh", optimizer=optimizer, seed=3)
    history = train(network, data.X_train, data.y_train, epochs=200, learning_rate=lr, batch_size=batch_size)
    assert history.train_accuracy[-1] >= 0.85
    assert history.train_loss[-1] < 0.6 * history.train_loss[0]


def test_minibatch_makes_several_updates_per_epoch():
    data = make_dataset("gaussians", 100, seed=0)
    losses = {}
    for batch_size in (None, 10):
        network = NeuralNetwork([2, 4, 1], activation="tanh", seed=0)
        losses[batch_size] = train(network, data.X_train, data.y_train, epochs=5, learning_rate=0.1,
                                   batch_size=batch_size).train_loss[-1]
    assert losses[10] < losses[None]


def test_momentum_step_by_hand():
    param, grad = np.array([1.0]), np.array([0.5])
    optimizer = Momentum(beta=0.9)
    optimizer.step([param], [grad], 0.1)
    optimizer.step([param], [grad], 0.1)
    # torch: buf1 = 0.5, buf2 = 0.9 * 0.5 + 0.5 = 0.95; p = 1 - 0.1 * 0.5 - 0.1 * 0.95
    assert param[0] == pytest.approx(1.0 - 0.05 - 0.095)


def test_rmsprop_matches_torch_defaults_and_formula():
    assert RMSprop().rho == 0.99 and RMSprop().eps == 1e-8  # torch.optim.RMSprop's alpha and eps
    param = np.array([1.0, 1.0])
    RMSprop().step([param], [np.array([2.0, 1e-9])], 0.1)
    # s = 0.01 g^2; p -= 0.1 g / (sqrt(s) + 1e-8): a tiny gradient takes a much smaller step
    s = 0.01 * np.array([4.0, 1e-18])
    np.testing.assert_allclose(param, 1.0 - 0.1 * np.array([2.0, 1e-9]) / (np.sqrt(s) + 1e-8), rtol=0, atol=1e-15)


def adam_by_the_paper(grads, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    """Kingma and Ba, Algorithm 1, written out step by step as torch.optim.Adam does."""
    p, m, v = 1.0, 0.0, 0.0
    for t, g in enumerate(grads, start=1):
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g * g
        p -= lr * (m / (1 - beta1**t)) / (np.sqrt(v / (1 - beta2**t)) + eps)
    return p


@pytest.mark.parametrize("grads", [[1e-7], [1e-7, 3e-7, -2e-7], [3.0, -0.001, 0.5], [1e-9] * 5])
def test_adam_matches_the_paper_with_small_gradients(grads):
    param = np.array([1.0])
    optimizer = Adam()
    for g in grads:
        optimizer.step([param], [np.array([g])], 0.01)
    assert param[0] == pytest.approx(adam_by_the_paper(grads, 0.01), rel=1e-12, abs=1e-15)


def test_adam_first_step_with_a_tiny_gradient_is_torchs():
    param = np.array([1.0])
    Adam().step([param], [np.array([1e-7])], 0.01)
    assert 1.0 - param[0] == pytest.approx(0.00909, abs=1e-5)  # torch: 0.01 * 1e-7 / (1e-7 + 1e-8)


def test_optimizer_hyper_parameters_reach_the_optimizer():
    network = NeuralNetwork([2, 1], optimizer="adam", optimizer_options={"beta1": 0.5, "eps": 1e-6})
    assert (network.optimizer.beta1, network.optimizer.beta2, network.optimizer.eps) == (0.5, 0.999, 1e-6)
    with pytest.raises(ValueError, match="rmsprop takes no option"):
        NeuralNetwork([2, 1], optimizer="rmsprop", optimizer_options={"beta1": 0.5})
