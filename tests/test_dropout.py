"""Dropout: each training step silences a random share of hidden neurons, from the run's own generator;
backpropagation through the masks is exact; evaluation uses every neuron."""
import numpy as np
import pytest
from click.testing import CliRunner

from cli import main
from nnscratch import NeuralNetwork, RunSpec, TrainingHistory, record_run
from nnscratch.activations import HIDDEN_ACTIVATIONS
from tests.test_gradients import targets_for


def masked_loss(network: NeuralNetwork, X, y, masks) -> float:
    return network.output_layer.loss(network.trace(X, masks).z[-1], y) + network.penalty()


@pytest.mark.parametrize("output", ["sigmoid", "softmax", "identity"])
@pytest.mark.parametrize("activation", list(HIDDEN_ACTIVATIONS))
def test_gradients_through_a_fixed_mask_match_finite_differences(activation, output):
    rng = np.random.default_rng(11)
    n_out = 1 if output == "sigmoid" else 3
    network = NeuralNetwork([3, 6, 5, n_out], activation=activation, weight_init="random", output=output,
                            l2=0.01, seed=4, dropout=0.4)
    for b in network.biases:
        b[:] = rng.normal(0, 0.3, size=b.shape)
    X = rng.normal(size=(7, 3))
    y = targets_for(output, rng, 7, n_out)
    masks = network.dropout_masks(len(X))
    assert any((mask == 0).any() for mask in masks) and all(set(np.unique(m)) <= {0.0, 1 / 0.6} for m in masks)
    assert min(np.abs(z).min() for z in network.trace(X, masks).z[1:]) > 1e-4  # away from relu's kink
    _, _, analytic = network.loss_and_gradients(X, y, masks)
    eps = 1e-6
    for layer in range(len(network.weights)):
        for param, grad in ((network.weights[layer], analytic.weights[layer]),
                            (network.biases[layer], analytic.biases[layer])):
            numeric = np.zeros_like(param)
            for index in np.ndindex(param.shape):
                original = param[index]
                param[index] = original + eps
                plus = masked_loss(network, X, y, masks)
                param[index] = original - eps
                minus = masked_loss(network, X, y, masks)
                param[index] = original
                numeric[index] = (plus - minus) / (2 * eps)
            relative = np.linalg.norm(grad - numeric) / (np.linalg.norm(grad) + np.linalg.norm(numeric))
            assert relative < 1e-6, f"layer {layer}: relative error {relative:.2e}"


def test_a_dropped_neuron_passes_nothing_on_and_gets_no_gradient():
    network = NeuralNetwork([2, 4, 1], activation="tanh", seed=0, dropout=0.5)
    X, y = np.array([[0.5, -1.0]]), np.array([[1.0]])
    masks = [np.array([[2.0, 0.0, 2.0, 0.0]])]
    trace = network.trace(X, masks)
    assert trace.a[1][0, 1] == 0 and trace.a[1][0, 3] == 0
    np.testing.assert_allclose(trace.a[1][0, [0, 2]], 2 * np.tanh(trace.z[1][0, [0, 2]]))
    _, _, grads = network.loss_and_gradients(X, y, masks)
    assert np.all(grads.weights[0][[1, 3]] == 0) and np.all(grads.biases[0][[1, 3]] == 0)
    assert np.all(grads.weights[1][0, [1, 3]] == 0) and np.all(np.abs(grads.weights[1][0, [0, 2]]) > 0)


def test_evaluation_uses_every_neuron_and_draws_no_mask():
    network = NeuralNetwork([3, 8, 1], seed=1, dropout=0.5)
    X = np.random.default_rng(0).normal(size=(5, 3))
    state = network.rng.bit_generator.state
    first, second = network.forward(X), network.forward(X)
    np.testing.assert_array_equal(first, second)
    assert network.rng.bit_generator.state == state  # evaluating draws nothing from the run's generator
    plain = NeuralNetwork([3, 8, 1], seed=1)
    np.testing.assert_array_equal(first, plain.forward(X))  # the same weights, no neuron dropped
    assert network.trace(X).masks is None


def test_masks_keep_about_one_minus_p_and_scale_the_kept_up():
    network = NeuralNetwork([2, 400, 300, 1], seed=2, dropout=0.3)
    masks = network.dropout_masks(50)
    kept = np.concatenate([(mask > 0).ravel() for mask in masks])
    assert kept.mean() == pytest.approx(0.7, abs=0.01)
    assert np.allclose(np.concatenate([mask.ravel() for mask in masks]) * 0.7, kept)


def test_a_dropout_run_is_the_same_run_for_the_same_seed_and_learns():
    first, second = (record_run(RunSpec(dataset="moons", layers=(2, 16, 16, 1), activation="tanh",
                                        optimizer="adam", learning_rate=0.02, epochs=300, dropout=0.2))
                     for _ in range(2))
    assert first.metadata["dropout"] == 0.2
    np.testing.assert_array_equal(first.train_loss, second.train_loss)
    np.testing.assert_array_equal(first.weights[0], second.weights[0])
    assert first.train_accuracy[-1] > 0.9
    plain = record_run(RunSpec(dataset="moons", layers=(2, 16, 16, 1), activation="tanh", optimizer="adam",
                               learning_rate=0.02, epochs=300))
    assert "dropout" not in plain.metadata and not np.array_equal(plain.train_loss, first.train_loss)


def test_dropout_survives_the_run_file(tmp_path):
    run = record_run(RunSpec(epochs=20, dropout=0.25))
    run.save(tmp_path / "run.npz")
    assert TrainingHistory.load(tmp_path / "run.npz").metadata["dropout"] == 0.25


@pytest.mark.parametrize("value", ["1", "-0.1", "nan", "1.5", "half"])
def test_a_bad_dropout_is_one_line_and_exit_2(tmp_path, value):
    result = CliRunner().invoke(main, ["train", "--dropout", value, "--out", str(tmp_path / "r.npz")])
    assert result.exit_code == 2 and "--dropout" in result.output, result.output
    assert list(tmp_path.iterdir()) == []
