"""The network chapter's numbers against independent recomputations from the run: the weights counted by
sign, the largest drawn, the parameters, and the activations the neurons light to; and the edges' widths
that let "thicker is larger" be seen."""
import numpy as np
import pytest

from nnscratch import RunSpec, record_run
from scenes import NetworkScene
from scenes.chapters.network import PLATE_GAP, THICKEST
from scenes.narration.words import said_numbers
from tests.layout import final_state

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def digits():
    return record_run(RunSpec.for_dataset("digits", samples=2000, epochs=2))


@pytest.fixture(scope="module")
def blobs():
    return record_run(RunSpec(epochs=50))


def drawn_weights(run) -> np.ndarray:
    """The initial weights of the edges a drawing shows, worked out afresh: of a layer wider than 16, the
    16 inputs that vary most over the training images (in order), or the first and last 8."""
    def shown(layer, size):
        if size <= 16:
            return np.arange(size)
        if layer == 0 and run.image_shape is not None:
            return np.sort(np.argsort(-run.X_train.astype(np.float32).var(axis=0), kind="stable")[:16])
        return np.r_[0:8, size - 8:size]

    sizes = run.layer_sizes
    kept = [shown(layer, size) for layer, size in enumerate(sizes)]
    return np.concatenate([run.weights[layer][0][np.ix_(kept[layer + 1], kept[layer])].ravel()
                           for layer in range(len(sizes) - 1)])


@pytest.mark.parametrize("name", ["digits", "blobs"])
def test_the_weights_are_counted_by_sign_as_said(name, request):
    run = request.getfixturevalue(name)
    scene, _ = final_state(NetworkScene, 854, 480, history=run)
    flat = drawn_weights(run)
    positive, negative = int((flat > 0).sum()), int((flat < 0).sum())
    assert (scene.positive_count.text, scene.negative_count.text) == (f"{positive:,}", f"{negative:,}")
    said = next(caption for caption in scene.narration.captions if "random" in caption)
    assert said_numbers(said)[:3] == [str(positive), str(len(flat)), str(negative)]
    assert said_numbers(scene.drawn_label.original_text) == [str(len(flat))]
    # The largest drawn weight is written on its edge, and its edge is the thickest, far above the rest.
    largest = flat[np.argmax(np.abs(flat))]
    assert scene.strongest_plate[1].text == f"{largest:.2f}".replace("-", "−")
    widths = scene.full_widths
    assert widths[np.argmax(np.abs(flat))] == pytest.approx(THICKEST)
    assert widths.max() >= 2 * np.median(widths)
    # What training tunes: every weight and one bias per neuron past the input layer.
    sizes = run.layer_sizes
    n_weights = sum(a * b for a, b in zip(sizes, sizes[1:]))
    assert [label.text.replace(" ", "") for label in scene.parameters] == [
        f"{n_weights + sum(sizes[1:]):,}parameters", f"={n_weights:,}weights", f"+{sum(sizes[1:]):,}biases"]


def test_the_neurons_light_to_the_followed_examples_activations(digits):
    run = digits
    scene, _ = final_state(NetworkScene, 854, 480, history=run)
    x = run.probe_input.astype(float)
    hidden = 1 / (1 + np.exp(-(run.weights[0][0] @ x + run.biases[0][0])))  # the first layer, by hand
    assert np.allclose(hidden, run.probe_a[0][0], atol=1e-5)
    written = sorted(float(plate[1].text) for plate in scene.activation_plates)
    assert written == pytest.approx(sorted({round(hidden.min(), 2), round(hidden.max(), 2)}), abs=0.006)
    # Two plates beside neighbouring neurons are moved just clear of each other (the review saw them touch),
    # each still level with its neuron.
    plates = scene.activation_plates
    if len(plates) == 2:
        upper, lower = sorted(plates, key=lambda plate: -plate.get_y())
        assert upper.get_bottom()[1] - lower.get_top()[1] >= PLATE_GAP - 1e-6
    shown = scene.network_mob.indices[1]
    values = hidden[shown]
    for plate, slot in zip(plates, dict.fromkeys((int(np.argmax(values)), int(np.argmin(values))))):
        neuron = scene.network_mob.neurons[1][slot]
        assert abs(plate.get_y() - neuron.get_y()) <= plate.height
    # Each neuron painted in the colour of its activation: the brightest hidden one is the brightest drawn.
    net = scene.network_mob
    first = len(net.neurons[0])
    drawn = net.neuron_rgbs[first:first + len(net.neurons[1])].sum(axis=1)
    assert np.argmax(drawn) == np.argmax(hidden[net.indices[1]])
    assert np.argmin(drawn) == np.argmin(hidden[net.indices[1]])


def test_the_activation_plates_stand_while_their_sentence_is_said(digits):
    # The review saw the brightest and dimmest values written in the last 0.3 s of "brighter neurons,
    # larger activations": they come as their layer lights, and stay while the later layers light.
    from tests.timeline import told_as

    scene = told_as("network", digits, brief=True)
    beat = next(b for b in scene.told if "fire more strongly" in b.caption)
    plates = [plate[1].original_text for plate in scene.activation_plates]
    assert plates and all(text in beat.marked_at for text in plates)
    assert max(beat.marked_at[text] for text in plates) <= beat.end - 1.0


def test_a_tanh_network_says_what_amber_is_and_writes_a_negative_activation():
    # The moons review: neurons lit amber from the forward pass on, said only in the training chapter.
    # Where the followed example makes first-layer neurons negative, the chapter writes the most negative
    # (amber) beside the most positive (blue), and says amber is negative, in both tellings.
    from tests.timeline import run, told_as

    moons = run("moons")
    for brief in (True, False):
        scene = told_as("network", moons, brief=brief)
        values = scene.activations[1][scene.network_mob.indices[1]]
        assert values.min() < 0 < values.max()
        written = sorted(float(plate[1].text.replace("−", "-")) for plate in scene.activation_plates)
        assert written == pytest.approx([values.min(), values.max()], abs=0.006)
        amber = [caption for caption in scene.narration.captions if "amber" in caption]
        assert len(amber) == 1 and "negative" in amber[0]
