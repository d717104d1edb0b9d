"""The task chapter on real frames: the run's own examples, labels, probe and test split, for digits,
points in the plane and a table of numbers."""
import numpy as np
import pytest

from nnscratch import RunSpec, record_run
from nnscratch.datasets import class_names
from scenes import DataScene
from scenes.chapters.data import with_article
from tests.frames import most_colourful, to_pixel
from tests.layout import final_state
from tests.test_what_it_learned import cell_centres

pytestmark = pytest.mark.slow
WIDTH, HEIGHT = 1280, 720


def test_digits_are_the_runs_own_images_with_their_labels():
    run = record_run(RunSpec.for_dataset("digits", samples=400, epochs=1))
    scene, frame = final_state(DataScene, WIDTH, HEIGHT, history=run)
    classes = run.y_train.argmax(axis=1)
    assert [label.text for label in scene.labels] == [str(c) for c in classes[:len(scene.examples)]]
    for index in (0, 7, 23):
        image = scene.examples[index]
        for point, value in list(zip(cell_centres(image.box, 28, 28), run.X_train[index]))[::37]:
            seen = frame[to_pixel(point, WIDTH, HEIGHT)][:3].astype(int)
            assert np.abs(seen - round(value * 255)).max() <= 2, (index, point, seen, value)
    captions = scene.narration.captions
    probe = str(int(run.probe_target.argmax()))
    assert f"{len(run.X_train):,} training examples" in captions[0]
    assert f"We will follow this one, {with_article(probe)}." in captions[2]
    assert captions[3].startswith(f"{len(run.X_test):,} more examples are kept apart")


def test_points_in_the_plane_sit_where_their_numbers_say_in_their_class_colour():
    run = record_run(RunSpec.for_dataset("moons", epochs=5))
    scene, frame = final_state(DataScene, WIDTH, HEIGHT, history=run)
    # An independent placement: the square around every point, a margin of 8% of the span each side.
    X = np.concatenate([run.X_train, run.X_test]).astype(float)
    low, high = X.min(axis=0), X.max(axis=0)
    half = (high - low).max() / 2 * 1.16
    centre = (low + high) / 2
    left, bottom, side, _ = scene.frame.get_left()[0], scene.frame.get_bottom()[1], scene.frame.width, None
    classes = (run.y_train[:, 0] >= 0.5).astype(int)
    checked = 0
    for point, cls in zip(run.X_train[:40].astype(float), classes[:40]):
        at = [left + (point[0] - centre[0] + half) / (2 * half) * side,
              bottom + (point[1] - centre[1] + half) / (2 * half) * side]
        red, _, blue = most_colourful(frame, *to_pixel(at, WIDTH, HEIGHT)).astype(int)
        orange, sky = red > blue + 60, blue > red + 60  # the first two class colours, or a dark outline
        if (orange if cls == 1 else sky):
            continue  # the other class's dot drawn over this one
        assert (orange if cls == 0 else sky), (point, cls, red, blue)
        checked += 1
    assert checked >= 30
    # The probe's ring is centred on the probe's point, and its numbers are said.
    probe = run.probe_input.astype(float)
    ring = scene.probe_mob.get_center()[:2]
    expected = [left + (probe[0] - centre[0] + half) / (2 * half) * side,
                bottom + (probe[1] - centre[1] + half) / (2 * half) * side]
    assert np.allclose(ring, expected, atol=1e-6)
    names = class_names("moons", 2)
    assert scene.probe_label.text.replace(" ", "") == \
        f"({probe[0]:.2f},{probe[1]:.2f}):{names[int(run.probe_target[0] >= 0.5)]}".replace("-", "−").replace(" ", "")
    assert scene.narration.captions[3].startswith(f"The {len(run.X_test)} rings are points kept apart")


def test_other_data_is_a_table_of_its_numbers_with_the_probe_boxed():
    run = record_run(RunSpec(layers=(12, 4, 1), epochs=5))
    scene, _ = final_state(DataScene, WIDTH, HEIGHT, history=run)
    header = [cell.text for cell in scene.table[0]]
    assert header == ["x1", "x2", "x3", "x4", "x5", "x6", "…", "class"]
    names = class_names("sample", 2)
    for line, row in zip(scene.table[1:], scene.table_rows):
        texts = [cell.text for cell in line]
        assert texts[:6] == [f"{v:.2f}".replace("-", "−") for v in run.X_train[row, :6]]
        assert texts[-1].replace(" ", "") == names[int(run.y_train[row, 0] >= 0.5)].replace(" ", "")
    probe_row = int(np.flatnonzero(np.all(run.X_train == run.probe_input, axis=1))[0])
    boxed = scene.table[1 + scene.table_rows.index(probe_row)]
    assert scene.probe_mob.get_center()[1] == pytest.approx(boxed.get_center()[1], abs=1e-6)
    assert "Each example is 12 numbers" in scene.narration.captions[2]


def test_a_class_name_takes_its_article():
    assert [with_article(name) for name in ("7", "8", "outer ring", "inner disc")] == \
        ["a 7", "an 8", "an outer ring", "an inner disc"]
