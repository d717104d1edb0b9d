"""The task chapter on real frames: the run's own examples, labels, probe and test split, for digits,
points in the plane and a table of numbers; the probe's pixel values written in their cells."""
import numpy as np
import pytest

from nnscratch import RunSpec, record_run
from nnscratch.datasets import class_names
from scenes import DataScene
from scenes.chapters.data import nice_ticks, with_article
from scenes.mobjects.pixel_zoom import pixel_text, telling_window
from tests.frames import luminance, most_colourful, to_pixel
from tests.layout import final_state
from tests.test_what_it_learned import cell_centres

pytestmark = pytest.mark.slow
WIDTH, HEIGHT = 1280, 720


@pytest.fixture(scope="module")
def digits():
    return record_run(RunSpec.for_dataset("digits", samples=400, epochs=1))


def test_digits_are_the_runs_own_images_with_their_labels(digits):
    run = digits
    # The grid stands while the labels are said; later the probe grows out of it and the rest go.
    scene, frame = final_state(DataScene.until("Each comes labelled"), WIDTH, HEIGHT, history=run)
    classes = run.y_train.argmax(axis=1)
    assert [label.text for label in scene.labels] == [str(c) for c in classes[:len(scene.examples)]]
    for index in (0, 7, 23):
        image = scene.examples[index]
        for point, value in list(zip(cell_centres(image.box, 28, 28), run.X_train[index]))[::37]:
            seen = frame[to_pixel(point, WIDTH, HEIGHT)][:3].astype(int)
            assert np.abs(seen - round(value * 255)).max() <= 2, (index, point, seen, value)
    assert scene.count.text.replace(" ", "") == f"{len(run.X_train):,}trainingexamples"
    told, _ = final_state(DataScene, 160, 90, history=run)
    captions = told.narration.captions
    probe = str(int(run.probe_target.argmax()))
    assert captions[0] == f"{len(run.X_train):,} handwritten digits to learn from."
    assert captions[2] == f"We will follow this one, {with_article(probe)}: 28 by 28 pixels, so 784 numbers."
    assert captions[4].startswith(f"{len(run.X_test):,} more examples are kept apart")


def test_the_probes_pixels_are_written_in_their_cells(digits):
    """Each magnified cell shows its pixel's grey and its value, the window is where the frame on the
    probe says, and the grey scale reads 0 at black and 1 at white."""
    run = digits
    scene, frame = final_state(DataScene, WIDTH, HEIGHT, history=run)
    image = run.probe_input.astype(float).reshape(28, 28)
    zoom = scene.zoom
    row, column = zoom.corner
    window = image[row:row + zoom.size, column:column + zoom.size]
    # A window of ink and paper both: values of 0 and above 0.5 in it.
    assert (window == 0).any() and (window > 0.5).any()
    texts = [label.text for label in zoom.numbers]
    expected = ["0" if v == 0 else "1" if v == 1 else f"{v:.2f}" for v in window.ravel()]
    assert texts == expected
    cells = cell_centres(zoom.cells[0].box, zoom.size, zoom.size)
    for label, centre, value in zip(zoom.numbers, cells, window.ravel()):
        assert np.allclose(label.get_center()[:2], centre, atol=1e-6)
        assert label.height * HEIGHT / 8 >= 10  # readable: at least 10 px tall at 720p
    # The cells and the probe both show the pixels' grey, beside the numbers.
    probe_cells = cell_centres(scene.probe_mob.picture.box, 28, 28).reshape(28, 28, 2)
    for (r, c), value in list(np.ndenumerate(window))[::5]:
        seen = frame[to_pixel(probe_cells[row + r, column + c], WIDTH, HEIGHT)][:3].astype(int)
        assert np.abs(seen - round(value * 255)).max() <= 2
        corner = cells[r * zoom.size + c] + np.array([0.42, -0.42]) * zoom.cells[0].box[2] / zoom.size
        seen = frame[to_pixel(corner, WIDTH, HEIGHT)][:3].astype(int)
        assert np.abs(seen - round(value * 255)).max() <= 3, (r, c, seen, value)
    # The frame on the probe encloses exactly the window's pixels.
    left, bottom, side, _ = scene.probe_mob.picture.box
    pixel = side / 28
    assert zoom.window.get_left()[0] == pytest.approx(left + column * pixel, abs=1e-6)
    assert zoom.window.get_top()[1] == pytest.approx(bottom + side - row * pixel, abs=1e-6)
    assert zoom.window.width == pytest.approx(zoom.size * pixel, abs=1e-6)
    scale = scene.grey_scale
    assert (scale.low.text, scale.high.text) == ("0", "1")
    dark = frame[to_pixel(scale.bar.get_bottom() + np.array([0, 0.05, 0]), WIDTH, HEIGHT)][:3]
    light = frame[to_pixel(scale.bar.get_top() - np.array([0, 0.05, 0]), WIDTH, HEIGHT)][:3]
    assert luminance(dark) < 30 and luminance(light) > 220
    assert scale.low.get_y() < scale.bar.get_y() < scale.high.get_y()
    assert scene.probe_numbers.text.replace(" ", "") == "28×28=784numbers"
    assert [brace[1].text for brace in scene.size_braces] == ["28", "28"]


def test_the_telling_window_has_the_most_different_values():
    image = np.zeros((6, 6))
    image[3:, 3:] = np.arange(9).reshape(3, 3) / 10 + 0.1  # the only ink, in the bottom right corner
    row, column = telling_window(image.ravel(), (6, 6), 3)
    window = image[row:row + 3, column:column + 3]
    assert (window == 0).any() and len(np.unique(window)) == max(
        len(np.unique(image[r:r + 3, c:c + 3])) for r in range(4) for c in range(4)
        if (image[r:r + 3, c:c + 3] == 0).any())
    assert [pixel_text(v) for v in (0.0, 1.0, 0.5019608, 0.996)] == ["0", "1", "0.50", "1.00"]


def test_points_in_the_plane_sit_where_their_numbers_say_in_their_class_colour():
    run = record_run(RunSpec.for_dataset("moons", epochs=5))
    scene, frame = final_state(DataScene, WIDTH, HEIGHT, history=run)
    # An independent placement: the square around every point, a margin of 8% of the span each side.
    X = np.concatenate([run.X_train, run.X_test]).astype(float)
    low, high = X.min(axis=0), X.max(axis=0)
    half = (high - low).max() / 2 * 1.16
    centre = (low + high) / 2
    left, bottom, side = scene.frame.get_left()[0], scene.frame.get_bottom()[1], scene.frame.width

    def place(point):
        return [left + (point[0] - centre[0] + half) / (2 * half) * side,
                bottom + (point[1] - centre[1] + half) / (2 * half) * side]

    classes = (run.y_train[:, 0] >= 0.5).astype(int)
    checked = 0
    for point, cls in zip(run.X_train[:40].astype(float), classes[:40]):
        red, _, blue = most_colourful(frame, *to_pixel(place(point), WIDTH, HEIGHT)).astype(int)
        orange, sky = red > blue + 60, blue > red + 60  # the first two class colours, or a dark outline
        if (orange if cls == 1 else sky):
            continue  # the other class's dot drawn over this one
        assert (orange if cls == 0 else sky), (point, cls, red, blue)
        checked += 1
    assert checked >= 30
    # The probe's ring is centred on the probe's point, and its numbers are said and read off the axes.
    probe = run.probe_input.astype(float)
    assert np.allclose(scene.probe_mob.get_center()[:2], place(probe), atol=1e-6)
    names = class_names("moons", 2)
    assert scene.probe_label.text.replace(" ", "") == \
        f"thepointwefollow:{names[int(run.probe_target[0] >= 0.5)]}".replace(" ", "")
    assert [line.original_text for line in scene.probe_numbers] == \
        [f"{name} = {value:.2f}".replace("-", "−") for name, value in zip(("x₁", "x₂"), probe)]
    x_value, y_value = (plate[1] for plate in scene.coordinates)
    assert (x_value.text, y_value.text) == tuple(f"{v:.2f}".replace("-", "−") for v in probe)
    assert abs(x_value.get_x() - place(probe)[0]) < x_value.width and abs(y_value.get_y() - place(probe)[1]) < 0.4
    # Every number on the axes sits at its own value.
    ticks, _ = scene.axes
    for tick in ticks:
        value = float(tick.text.replace("−", "-"))
        along = place([value, value])
        assert abs(tick.get_x() - along[0]) < 1e-6 or abs(tick.get_y() - along[1]) < 1e-6, tick.text
    assert len(ticks) >= 6 and nice_ticks(-1.03, 1.9) == [-1.0, 0.0, 1.0] and nice_ticks(-1.2, 1.2) == [-1.0, -0.5, 0.0, 0.5, 1.0]
    assert scene.narration.captions[3].startswith(f"The {len(run.X_test)} rings are points kept apart")


def test_the_split_bar_is_cut_in_proportion_and_comes_apart():
    run = record_run(RunSpec.for_dataset("moons", epochs=5))
    scene, _ = final_state(DataScene, WIDTH, HEIGHT, history=run)
    bar = scene.split
    assert bar.train_label.text.replace(" ", "") == f"{len(run.X_train)}totrainon"
    assert bar.test_label.text.replace(" ", "") == f"{len(run.X_test)}keptaparttotest"
    assert bar.train.width / bar.test.width == pytest.approx(len(run.X_train) / len(run.X_test), rel=1e-6)
    # Apart: a gap as wide as the bar was made with (0.35 for a bar 0.3 tall), shrunk with it to fit.
    shrunk = bar.train.height / 0.3
    assert bar.test.get_left()[0] - bar.train.get_right()[0] == pytest.approx(0.35 * shrunk, rel=1e-6)
    assert bar.test.get_left()[0] - bar.train.get_right()[0] > 0.2


def test_other_data_is_a_table_of_its_numbers_with_the_probe_boxed():
    run = record_run(RunSpec(layers=(12, 4, 1), epochs=5))
    scene, _ = final_state(DataScene, WIDTH, HEIGHT, history=run)
    header = [cell.text for cell in scene.table[0]]
    assert header == ["x1", "x2", "x3", "x4", "x5", "x6", "…", "class"]
    names = class_names("sample", 2)
    for line, label, row in zip(scene.table[1:], scene.labels, scene.table_rows):
        texts = [cell.text for cell in line]
        assert texts[:6] == [f"{v:.2f}".replace("-", "−") for v in run.X_train[row, :6]]
        assert label.text.replace(" ", "") == names[int(run.y_train[row, 0] >= 0.5)].replace(" ", "")
    probe_row = int(np.flatnonzero(np.all(run.X_train == run.probe_input, axis=1))[0])
    boxed = scene.table[1 + scene.table_rows.index(probe_row)]
    assert scene.probe_mob.get_center()[1] == pytest.approx(boxed.get_center()[1], abs=1e-6)
    # The probe's numbers, lifted out into a column, are its row's.
    assert [entry[1].text for entry in scene.probe_column][:6] == \
        [f"{v:.2f}".replace("-", "−") for v in run.X_train[probe_row, :6]]
    assert scene.width_label.text.replace(" ", "") == "12numberseach"
    assert scene.narration.captions[0] == "160 training examples, 12 numbers each."


def test_a_class_name_takes_its_article():
    assert [with_article(name) for name in ("7", "8", "outer ring", "inner disc")] == \
        ["a 7", "an 8", "an outer ring", "an inner disc"]
