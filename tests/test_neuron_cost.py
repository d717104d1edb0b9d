"""One neuron's numbers and the cost table, against independent recomputations from the weights."""
import numpy as np
import pytest

from nnscratch import NeuralNetwork, RunSpec, record_run
from nnscratch.neuron import explain_neuron


@pytest.fixture(scope="module")
def run():
    return record_run(RunSpec(epochs=200))


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu", "leaky_relu"])
def test_a_neurons_sum_and_activation_are_its_weights_times_its_inputs(activation):
    network = NeuralNetwork([5, 4, 2], activation=activation, seed=3)
    x = np.random.default_rng(1).normal(size=5)
    step = explain_neuron(network, x, layer=1, neuron=2, shown=3)
    z = float(network.weights[0][2] @ x + network.biases[0][2])
    a = {"sigmoid": 1 / (1 + np.exp(-z)), "tanh": np.tanh(z), "relu": max(z, 0.0),
         "leaky_relu": z if z > 0 else 0.01 * z}[activation]
    assert step.z == pytest.approx(z, abs=1e-12)
    assert step.a == pytest.approx(a, abs=1e-12)
    # The terms written out are the three largest |w x|, in input order, and the rest sums the others.
    products = network.weights[0][2] * x
    assert list(step.terms) == sorted(np.argsort(-np.abs(products))[:3])
    assert step.rest == pytest.approx(products.sum() - products[step.terms].sum(), abs=1e-12)
    assert products[step.terms].sum() + step.rest + step.bias == pytest.approx(z, abs=1e-12)
    assert step.response(np.array([z]))[0] == pytest.approx(a, abs=1e-12)


def test_the_default_neuron_is_the_one_that_fires_most_and_softmax_responds_to_the_others():
    network = NeuralNetwork([3, 3], seed=0, output="softmax")
    x = np.array([0.2, -1.0, 0.5])
    step = explain_neuron(network, x)
    z = network.weights[0] @ x + network.biases[0]
    output = np.exp(z) / np.exp(z).sum()
    assert step.neuron == int(np.argmax(output)) and step.is_output
    # softmax of this neuron's z with the others held: e^t / (e^t + the others' sum)
    others = np.exp(np.delete(z, step.neuron)).sum()
    t = np.array([-2.0, 0.0, 3.0])
    assert np.allclose(step.response(t), np.exp(t) / (np.exp(t) + others))


def test_explain_neuron_refuses_a_layer_or_neuron_that_is_not_there():
    network = NeuralNetwork([2, 3, 1])
    with pytest.raises(ValueError, match="layer must be between 1 and 2"):
        explain_neuron(network, np.zeros(2), layer=3)
    with pytest.raises(ValueError, match="no neuron 3"):
        explain_neuron(network, np.zeros(2), neuron=3)


@pytest.mark.parametrize("spec", [RunSpec(epochs=50), RunSpec(epochs=50, l2=0.01),
                                  RunSpec(dataset="gaussians", layers=(2, 4, 2), epochs=30)])
def test_the_costs_average_to_the_recorded_loss(spec):
    run = record_run(spec)
    for snapshot, epoch in ((0, 0), (-1, run.epochs)):
        network = run.network_at(snapshot)
        costs = network.costs(run.X_train, run.y_train)
        assert len(costs) == len(run.X_train) and (costs >= 0).all()
        assert costs.mean() + network.penalty() == pytest.approx(float(run.train_loss[epoch]), rel=1e-5)


def test_a_cost_is_minus_the_log_of_the_probability_given_to_the_right_class(run):
    network = run.network_at(-1)
    p = network.forward(run.X_train[:5].astype(float))[:, 0]
    y = run.y_train[:5, 0]
    right = np.where(y == 1, p, 1 - p)
    assert np.allclose(network.costs(run.X_train[:5], run.y_train[:5]), -np.log(right))


def test_the_cost_scene_averages_to_the_recorded_cost_and_counts_its_own_examples(run):
    from scenes import CostScene

    scene = CostScene(history=run)
    # The cost of the training set, after training and before it: what the run recorded (its "loss").
    assert scene.total(scene.trained, scene.costs) == pytest.approx(float(run.train_loss[-1]), rel=1e-5)
    assert scene.total(scene.initial, scene.costs_before) == pytest.approx(float(run.train_loss[0]), rel=1e-5)
    assert scene.cards[0] == run.metadata["probe_index"] and scene.cards[-1] == int(np.argmax(scene.costs))
    assert scene.worst == int(np.argmax(scene.costs))
    counted = scene.counting_order()  # every example once, the cards first
    assert sorted(counted.tolist()) == list(range(len(run.X_train))) and counted[:len(scene.cards)].tolist() == scene.cards
    # The right class's probability of one output: a where the label is 1, 1 - a where it is 0.
    sample = scene.cards[1]
    a = run.network_at(-1).forward(run.X_train[sample].astype(float))[0, 0]
    label = run.y_train[sample, 0]
    assert scene.p_right(sample) == pytest.approx(a if label == 1 else 1 - a)
    assert scene.costs[sample] == pytest.approx(-np.log(a if label == 1 else 1 - a), rel=1e-6)


def test_the_summary_says_the_runs_own_numbers(run):
    from scenes import SummaryScene

    scene = SummaryScene(history=run)
    facts = " / ".join(f"{text} {detail}" for text, detail in scene.fact_texts())
    assert f"{run.train_loss[0]:#.3g} → {run.train_loss[-1]:#.3g}" in facts
    assert run.test_accuracy[-1] == 1.0 and "accuracy 100% on test examples" in facts  # all right: 100%, not 100.0%
    assert f"{len(run.X_train)} training, {len(run.X_test)} test" in facts
    assert "4 → 6 → 4 → 1 63 weights and biases" in facts  # 4*6+6 + 6*4+4 + 4*1+1


def test_the_training_chapter_says_accuracy_as_shown():
    from scenes import TrainingScene

    run = record_run(RunSpec.for_dataset("gaussians", classes=3, epochs=20, samples=300))
    assert run.metadata["output"] == "softmax"
    training = TrainingScene(history=run)
    training.prepare()
    said = " ".join(beat.caption for beat in training.script())
    # The same tenth of a percent the readouts show, never a rounder number.
    assert f"{run.train_accuracy[-1]:.1%}" in said and f"{run.test_accuracy[-1]:.1%}" in said


@pytest.mark.slow
def test_a_saturated_neurons_marks_stay_clear_of_the_plots_name():
    from scenes import NeuronScene
    from scenes.mobjects.layout import boxes_overlap
    from tests.layout import final_state

    # The largest sum of a first-layer neuron over some digits: its mark sits at the top right of the curve.
    digits = record_run(RunSpec.for_dataset("digits", samples=2000, epochs=40))
    network = digits.network_at(-1)
    z = network.trace(digits.X_train[:100].astype(float)).z[1]
    sample, neuron = np.unravel_index(np.argmax(z), z.shape)
    scene, _ = final_state(NeuronScene, 1280, 720, history=digits, sample=int(sample), neuron=int(neuron))
    assert scene.step.a > 0.99
    name = next(text for text in scene.plot[2] if text.text.startswith("a="))
    assert not boxes_overlap(scene.a_mark, name)
    assert not boxes_overlap(scene.marker, scene.plot[2][0])  # nor z's marker the z axis's name
    assert not any(boxes_overlap(scene.a_mark, tick) for tick in scene.ticks)


def test_a_negative_number_in_the_neurons_sum_is_in_parentheses():
    # "+ (−0.41) · 1.00", as one writes it, never "+ −0.41 · 1.00".
    import re

    from scenes import NeuronScene

    scene = NeuronScene(history=record_run(RunSpec(epochs=30)))
    scene.prepare()
    step = scene.step
    numeric = " ".join(row[1].typst_code for row in scene.ledger[:-1])  # the terms; z itself stands alone
    factors = [step.weights[i] for i in step.terms] + [step.inputs[i] for i in step.terms] + [step.bias]
    assert any(value < 0 for value in factors)
    colour = r'(?:#text\(fill: rgb\("#\w+"\)\)\[\$)?'  # a weight's number comes coloured
    negatives = re.findall(colour + r"-\d", numeric)
    assert len(negatives) == len(re.findall(r"\(" + colour + r"-\d", numeric)) >= 1
