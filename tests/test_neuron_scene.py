"""The one-neuron chapter's numbers against independent recomputations from the run: which neuron is told
(its sum in the activation's bend, its written-out inputs carrying the sum), the sum in its parts, where
the written-out pixels are on the picture, and the picture of the products."""
import numpy as np
import pytest

from nnscratch import RunSpec, record_run
from scenes import NeuronScene
from nnscratch.neuron import BEND, telling_neuron
from scenes.narration.words import said_numbers
from tests.layout import final_state
from tests.test_what_it_learned import cell_centres

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def digits():
    return record_run(RunSpec.for_dataset("digits", samples=2000, epochs=10))


@pytest.fixture(scope="module")
def blobs():
    return record_run(RunSpec(epochs=200))


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def by_hand(run, neuron: int, shown: int = 4):
    """The neuron's sum for the probe, worked out afresh: its products, the written-out ones (the largest
    by size), their sum, the rest, the bias, z and a (sigmoid hidden layers)."""
    x = run.probe_input.astype(float)
    w, b = run.weights[0][-1][neuron].astype(float), float(run.biases[0][-1][neuron])
    products = w * x
    terms = np.sort(np.argsort(-np.abs(products), kind="stable")[:shown])
    z = products.sum() + b
    return dict(products=products, terms=terms, shown=products[terms].sum(),
                rest=products.sum() - products[terms].sum(), bias=b, z=z, a=sigmoid(z))


def test_the_neuron_told_is_in_the_bend_and_its_written_inputs_carry_the_sum(digits):
    scene = NeuronScene(history=digits)
    chosen = scene.step.neuron
    best, best_score = None, -1.0
    for neuron in range(digits.layer_sizes[1]):
        parts = by_hand(digits, neuron)
        a = parts["a"]
        if a * (1 - a) / 0.25 < BEND:  # sigmoid's slope against its steepest, 1/4 at z = 0
            continue
        share = abs(parts["shown"]) / (abs(parts["shown"]) + abs(parts["rest"]) + abs(parts["bias"]))
        score = share * abs(parts["z"]) / (abs(parts["z"]) + 0.5)
        if score > best_score:
            best, best_score = neuron, score
    assert chosen == best
    told = by_hand(digits, chosen)
    assert 0.09 < told["a"] < 0.91  # the squashing shows: not 0.00 nor 1.00
    assert scene.step.z == pytest.approx(told["z"], abs=1e-5)


def test_the_ledger_says_the_sum_in_its_parts_as_they_flow_in(digits):
    scene, _ = final_state(NeuronScene, 1280, 720, history=digits)
    told = by_hand(digits, scene.step.neuron)
    rows = [said_numbers(row[1].typst_code) for row in scene.ledger]
    expected = [[f"{told['shown']:.2f}"], [f"{told['rest']:.2f}"], [f"{told['bias']:.2f}"], [f"{told['z']:.2f}"]]
    assert rows == expected
    assert [row[0].text.replace(" ", "") for row in scene.ledger] == ["4largestw·x", "780morew·x", "bias", "z"]
    assert scene.z_readout.text == f"{told['z']:.2f}".replace("-", "−")
    assert said_numbers(scene.result.typst_code)[-2:] == [f"{told['z']:.2f}", f"{told['a']:.2f}"]
    captions = " ".join(scene.narration.captions)
    for value in (told["shown"], told["rest"], told["bias"], told["z"], told["a"]):
        assert f"{value:.2f}".replace("-", "−") in captions
    # The marker under the curve's axis ends at z, the dot on the curve at (z, a).
    assert scene.marker.get_x() == pytest.approx(scene.axes.c2p(told["z"], 0)[0], abs=1e-6)
    assert np.allclose(scene.dot.get_center(), scene.axes.c2p(told["z"], told["a"]), atol=1e-6)


def test_the_written_out_pixels_are_ringed_where_they_are_on_the_products(digits):
    scene, _frame = final_state(NeuronScene, 1280, 720, history=digits)
    told = by_hand(digits, scene.step.neuron)
    centres = cell_centres(scene.product_image.box, 28, 28)
    for ring, index in zip(scene.rings, told["terms"]):
        assert np.allclose(ring.get_center()[:2], centres[index], atol=1e-6)
    # The picture is of the products: blue where one adds, red where it takes away, black where no ink is.
    pixels = scene.product_image.pixels.reshape(-1, 4).astype(int)
    products = told["products"]
    strong = np.abs(products) > 0.2 * np.abs(products).max()
    adds, takes = pixels[strong & (products > 0)], pixels[strong & (products < 0)]
    assert len(adds) and len(takes)
    assert (adds[:, 2] > 2 * adds[:, 0]).all() and (takes[:, 0] > 2 * takes[:, 2]).all()
    # As bright as the product is large: the largest the brightest.
    assert pixels[np.argmax(np.abs(products)), :3].max() >= 220
    assert (pixels[digits.probe_input == 0, :3] == 0).all()


def test_a_neuron_with_every_input_written_out_sums_each_product(blobs):
    scene, _ = final_state(NeuronScene, 1280, 720, history=blobs)
    step = scene.step
    x = blobs.probe_input.astype(float)
    w, b = blobs.weights[0][-1][step.neuron].astype(float), float(blobs.biases[0][-1][step.neuron])
    rows = [said_numbers(row[1].typst_code) for row in scene.ledger]
    assert rows[:-2] == [[f"{wi:.2f}", f"{xi:.2f}"] for wi, xi in zip(w, x)]
    assert rows[-2:] == [[f"{b:.2f}"], [f"{w @ x + b:.2f}"]]
    assert telling_neuron(blobs.network_at(-1), x) == step.neuron
