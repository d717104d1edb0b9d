"""What a network on images learned, on real frames: the input digit's pixels, the test digits marked
right or wrong, and the first layer's weights drawn as pictures."""
import numpy as np
import pytest
from click.testing import CliRunner

from cli import main
from nnscratch import RunSpec, record_run
from scenes import FeaturesScene, ForwardPassScene, TrainingScene
from scenes.mobjects.network import NetworkMobject
from scenes.mobjects.pixel_image import PixelImage, PixelRows
from scenes.mobjects.raster import rgba_bytes
from scenes.mobjects.style import OUTPUT_RIM, WRONG, weight_image_colors
from tests.frames import most_colourful, to_pixel
from tests.layout import final_state

WIDTH, HEIGHT = 1280, 720


@pytest.fixture(scope="module")
def digits():
    return record_run(RunSpec.for_dataset("digits", samples=600, epochs=2))


def cell_centres(box, rows: int, columns: int) -> np.ndarray:
    """Scene points at the centre of each pixel of an image drawn in ``box`` (left, bottom, width, height),
    row by row from the top left."""
    left, bottom, width, height = box
    xs, ys = np.meshgrid(left + (np.arange(columns) + 0.5) * width / columns,
                         bottom + height - (np.arange(rows) + 0.5) * height / rows)
    return np.column_stack([xs.ravel(), ys.ravel()])


# -- the input image ---------------------------------------------------------------------------

@pytest.mark.slow
def test_the_input_image_shows_the_samples_pixel_values(digits):
    scene, frame = final_state(ForwardPassScene.until("Training sample"), WIDTH, HEIGHT, history=digits, sample=5)
    values = digits.X_train[5]
    assert "Training sample 5 is a handwritten " + str(int(digits.y_train[5].argmax())) in scene.narration.captions[-1]
    for point, value in zip(cell_centres(scene.image.picture.box, 28, 28), values):
        seen = frame[to_pixel(point, WIDTH, HEIGHT)][:3].astype(int)
        assert np.abs(seen - round(value * 255)).max() <= 2, (point, seen, value)


def test_unrolled_pixels_lie_end_to_end_row_by_row_then_fly_to_their_own_neuron_or_into_the_dots():
    values = np.zeros(784)
    values[[0, 400, 783]] = [0.5, 1.0, 0.25]  # the first drawn neuron, the elided middle, the last drawn
    network = NetworkMobject([784, 16, 10], width=4.0, height=5.0).shift(np.array([2.0, 0.0, 0.0]))
    image = PixelImage(values, (28, 28), 2.0).shift(np.array([-4.0, 0.0, 0.0]))
    rows = PixelRows(image)
    cell = 2.0 / 28
    assert len(rows.strips) == 28  # each row of the picture where it is, as wide as the picture
    for row, strip in enumerate(rows.strips):
        np.testing.assert_allclose(strip.get_center(), [-4.0, 1.0 - (row + 0.5) * cell, 0], atol=1e-9)
        assert strip.width == pytest.approx(2.0) and strip.height == pytest.approx(cell)
        np.testing.assert_array_equal(strip.pixels[0, :, 0], np.round(values[28 * row:28 * (row + 1)] * 255))
    band = rows.line_up(-6.0, 6.0, -3.0, 0.2)
    for row, flight in enumerate(band.animations):  # end to end, the first row at the left
        np.testing.assert_allclose(flight.target_mobject.get_center(), [-6.0 + (row + 0.5) * 12 / 28, -3.0, 0])
        assert flight.target_mobject.width == pytest.approx(12 / 28)
        flight.mobject.become(flight.target_mobject)
    # Pixel 400 lies in row 14 of the band, at column 8 of that row.
    np.testing.assert_allclose(rows.point_of(400), [-6.0 + (400 + 0.5) * 12 / 784, -3.0, 0])
    markers = rows.markers(network)
    assert len(markers) == 16 and markers[0].get_fill_opacity() == pytest.approx(0.5)
    np.testing.assert_allclose(markers[-1].get_center(), rows.point_of(783))
    into = rows.into(network, markers)
    flights, shrinking = into.animations
    for flight, neuron in zip(flights.animations, network.neurons[0]):  # each drawn pixel into its own neuron
        np.testing.assert_allclose(flight.target_mobject.get_center(), neuron.get_center(), atol=1e-9)
    assert flights.animations[-1].target_mobject.get_fill_opacity() == pytest.approx(0.25)
    for squeeze in shrinking.animations:  # the rest of the band into the column's dots
        np.testing.assert_allclose(squeeze.target_mobject.get_center(), network.ellipses[0].get_center(), atol=1e-9)


# -- the digits grid of the training replay ----------------------------------------------------

@pytest.mark.slow
def test_the_digits_grid_marks_each_answer_of_the_final_weights_right_or_wrong(digits):
    scene, frame = final_state(TrainingScene, WIDTH, HEIGHT, history=digits, duration=3.0)
    grid = scene.digits
    shown = len(grid.labels_true)
    assert shown == 24
    answers = digits.network_at(-1).predict(digits.X_test[:shown])  # the final weights, the core's own path
    truth = digits.y_test[:shown].argmax(axis=1)
    assert 0 < (answers == truth).sum() < shown, "a run with both right and wrong answers tests both marks"
    left, bottom, width, _ = grid.boxes.box
    for index, (answer, label) in enumerate(zip(answers, truth)):
        dx, dy, w, h = grid.boxes.relative[index]
        top_middle = (left + dx + w / 2, bottom + dy + h)
        r, g, b = most_colourful(frame, *to_pixel(top_middle, WIDTH, HEIGHT), radius=2)
        if answer == label:
            assert g > r + 60, (index, (r, g, b))
        else:
            assert r > g + 60, (index, (r, g, b))
        assert grid.answer_readouts[index].text == str(answer)
        readout_colour = grid.answer_readouts[index].glyphs.get_fill_color().to_hex()
        assert readout_colour == (OUTPUT_RIM if answer == label else WRONG).to_hex()
    assert grid.count_readout.text == str(int((answers == truth).sum()))
    # the digits themselves are the test images' pixels
    image = grid.images[0]
    for point, value in zip(cell_centres(image.box, 28, 28)[::7], digits.X_test[0][::7]):
        seen = frame[to_pixel(point, WIDTH, HEIGHT)][:3].astype(int)
        assert np.abs(seen - round(value * 255)).max() <= 3


# -- the first layer's weights as pictures -----------------------------------------------------

@pytest.mark.slow
def test_each_feature_picture_is_that_neurons_weights_as_an_image(digits):
    scene, frame = final_state(FeaturesScene, WIDTH, HEIGHT, history=digits)
    W = digits.weights[0]
    # Full colour from the 95th percentile of the trained weights' sizes: the bulk of them visible.
    scale = np.percentile(np.abs(W[-1].astype(float)), 95)
    assert scene.scale == pytest.approx(scale)
    assert (np.abs(W[-1]) < scale).mean() == pytest.approx(0.95, abs=0.001)
    for neuron in (0, 7, 15):
        colours = weight_image_colors(W[-1][neuron].reshape(28, 28), scale)
        np.testing.assert_array_equal(scene.pictures[neuron].pixels, rgba_bytes(colours))
        for point, want in zip(cell_centres(scene.pictures[neuron].box, 28, 28), colours.reshape(-1, 3) * 255):
            seen = frame[to_pixel(point, WIDTH, HEIGHT)][:3].astype(float)
            assert np.abs(seen - want).max() <= 2, (neuron, point, seen, want)
    # The neuron it points at is the one whose mean activation differs most between digits, from the core.
    hidden = digits.network_at(-1).trace(digits.X_test).a[1]
    labels = digits.y_test.argmax(axis=1)
    means = np.array([hidden[labels == d].mean(axis=0) for d in range(10)])
    neuron = int(np.argmax(means.max(axis=0) - means.min(axis=0)))
    best = int(np.argmax(means[:, neuron]))
    # The digits it fires for nearly as much (within a tenth of its range of the top) are said with it.
    top, bottom = means[:, neuron].max(), means[:, neuron].min()
    close = [d for d in np.argsort(-means[:, neuron]) if d != best and means[d, neuron] >= top - 0.1 * (top - bottom)]
    most = [best, *close[:2]]
    named = f"{most[0]}s" if len(most) == 1 else ", ".join(f"{d}s" for d in most[:-1]) + f" and {most[-1]}s"
    values = [f"{means[d, neuron]:.2f}" for d in most]
    values = values[0] if len(values) == 1 else ", ".join(values[:-1]) + f" and {values[-1]}"
    caption = scene.narration.captions[-1]
    assert caption.startswith(f"Neuron {neuron + 1} fires most for {named}, {values} on average, "), caption
    worst = int(np.argmin(means[:, neuron]))
    assert caption.endswith(f"and least for {worst}s, {means[worst, neuron]:.2f}.")


def test_weights_as_an_image_are_blue_positive_red_negative_and_as_bright_as_their_size():
    colours = weight_image_colors(np.array([[1.0, -0.5, 0.0, 2.0]]), 2.0)
    np.testing.assert_allclose(colours[0, 3], np.array([0x58, 0xC4, 0xDD]) / 255)
    np.testing.assert_allclose(colours[0, 0], np.array([0x58, 0xC4, 0xDD]) / 255 / 2)
    np.testing.assert_allclose(colours[0, 1], np.array([0xFC, 0x62, 0x55]) / 255 / 4)
    np.testing.assert_array_equal(colours[0, 2], [0, 0, 0])


@pytest.mark.parametrize("args, message", [
    (["--dataset", "sample"], "'--dataset': the features chapter draws what the network learned, so it needs "
                              "images (--dataset digits) or points in the plane with a hidden layer, not sample "
                              "data into 4,6,4,1"),
    (["--dataset", "sample", "--layers", "784,16,1"], "not sample data into 784,16,1"),
    (["--dataset", "moons", "--layers", "2,1"], "not moons data into 2,1"),
])
def test_features_of_data_it_cannot_draw_are_refused_in_one_line(args, message, tmp_path):
    result = CliRunner().invoke(main, ["render", "features", *args, "--voice", "none",
                                       "--output", str(tmp_path / "f.mp4")])
    assert result.exit_code == 2 and message in result.output, result.output
    assert len(result.output.strip().splitlines()) == 1
    assert list(tmp_path.iterdir()) == []


def test_features_of_a_saved_run_it_cannot_draw_are_refused_in_one_line(tmp_path):
    run = tmp_path / "sample.npz"
    record_run(RunSpec(epochs=5)).save(run)
    result = CliRunner().invoke(main, ["render", "features", "--run", str(run), "--voice", "none",
                                       "--output", str(tmp_path / "f.mp4")])
    assert result.exit_code == 2, result.output
    assert result.output.strip() == ("Error: Invalid value for '--run': the features chapter draws what the "
                                     "network learned, so it needs images (--dataset digits) or points in the "
                                     "plane with a hidden layer, not sample data into 4,6,4,1")
    assert sorted(path.name for path in tmp_path.iterdir()) == ["sample.npz"]


@pytest.mark.slow
def test_a_hidden_layer_too_crowded_for_labels_shows_the_value_its_caption_says(digits):
    from scenes.narration.words import number
    from scenes.mobjects.layout import boxes_overlap

    scene, frame = final_state(ForwardPassScene.until("Hidden layer 2"), WIDTH, HEIGHT, history=digits)
    # Layer 2 of 784-16-16-10 again, from the final weights: sigmoid(W2 sigmoid(W1 x + b1) + b2).
    W1, W2 = (w[-1].astype(float) for w in digits.weights[:2])
    b1, b2 = (b[-1].astype(float) for b in digits.biases[:2])
    a1 = 1 / (1 + np.exp(-(W1 @ scene.x + b1)))
    a2 = 1 / (1 + np.exp(-(W2 @ a1 + b2)))
    strongest = int(np.argmax(a2))
    words = f"neuron {strongest + 1} ends highest, at {number(a2[strongest])}"
    assert words in scene.narration.captions[-1]
    rings, said = scene.said
    assert said.text == f"neuron{strongest + 1}:{number(a2[strongest])}"
    neuron = scene.network_mob.neurons[2][list(scene.network_mob.indices[2]).index(strongest)]
    np.testing.assert_allclose(rings[0].get_center(), neuron.get_center(), atol=1e-9)
    entry = scene.products[2].results.cells[scene.products[2].place_of(strongest)][0]
    assert entry.text == number(a2[strongest])  # and in the numbers, its value boxed
    np.testing.assert_allclose(rings[1].get_center(), entry.get_center(), atol=1e-6)
    assert not boxes_overlap(said, scene.network_mob) and not boxes_overlap(said, scene.current_equation)
    row, column = to_pixel(said.get_center(), WIDTH, HEIGHT)
    assert frame[row - 8:row + 8, column - 40:column + 40, :3].max() > 200  # drawn, not only placed
