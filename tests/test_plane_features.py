"""What the hidden neurons of a network on 2-D data learned: each map is the neuron's true activation
across the plane, recomputed here point by point from the final weights."""
import numpy as np
import pytest

from nnscratch import RunSpec, record_run
from scenes import PlaneFeaturesScene
from scenes.chapters.plane_features import MAP_GRID
from scenes.mobjects.style import ACTIVATION_LOOKS, class_rgbs, neuron_colors
from tests.layout import final_state

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def moons():
    return record_run(RunSpec.for_dataset("moons", epochs=300))


def square_around(history):
    """The plane's square, independently: the data's bounding square with 8% of its span each side."""
    X = np.concatenate([history.X_train, history.X_test]).astype(float)
    low, high = X.min(axis=0), X.max(axis=0)
    return (low + high) / 2, (high - low).max() / 2 * 1.16


def test_each_map_is_its_neurons_activation_across_the_plane(moons):
    scene, _ = final_state(PlaneFeaturesScene, 640, 360, history=moons)
    network = moons.network_at(-1)
    centre, half = square_around(moons)
    levels = ACTIVATION_LOOKS[moons.metadata["activation"]].levels
    for layer, row in zip(scene.layers, scene.rows):
        maps = row[1]
        assert len(maps) == moons.layer_sizes[layer]
        for neuron in (0, len(maps) - 1):
            pixels = maps[neuron][0].pixels  # the Raster's bytes, row 0 at the top of the plane
            for r, c in ((0, 0), (10, 50), (33, 20), (MAP_GRID - 1, MAP_GRID - 1)):
                point = centre + half * (np.array([(c + 0.5) / MAP_GRID, -(r + 0.5) / MAP_GRID]) * 2 + [-1, 1])
                a = network.trace(point[None]).a[layer][0, neuron]
                expected = np.round(neuron_colors(levels(np.array([a])))[0] * 255)
                assert np.abs(pixels[r, c, :3].astype(int) - expected).max() <= 1, (layer, neuron, r, c)


def test_the_output_map_shows_the_class_the_network_picks(moons):
    scene, _ = final_state(PlaneFeaturesScene, 640, 360, history=moons)
    square = scene.output[1]
    grid = square.pixels.shape[0]
    network = moons.network_at(-1)
    centre, half = square_around(moons)
    colours = class_rgbs(2)
    checked = 0
    for r in range(4, grid, grid // 8):
        for c in range(4, grid, grid // 8):
            point = centre + half * (np.array([(c + 0.5) / grid, -(r + 0.5) / grid]) * 2 + [-1, 1])
            p = float(network.forward(point[None])[0, 0])
            if abs(p - 0.5) < 0.2:
                continue  # the dark seam: too close to call by colour
            seen = square.pixels[r, c, :3].astype(float)
            nearest = int(np.argmin([np.abs(seen / seen.max() - colour / colour.max()).sum() for colour in colours]))
            assert nearest == int(p >= 0.5), (r, c, p, seen)
            checked += 1
    assert checked >= 40  # of the 64 points, all but those on the seam: the test did look


def test_what_a_flat_network_or_other_data_has_not_is_refused():
    with pytest.raises(ValueError, match="no hidden layer"):
        PlaneFeaturesScene(record_run(RunSpec.for_dataset("moons", layers=(2, 1), epochs=5)))
    with pytest.raises(ValueError, match="only for 2-D data"):
        PlaneFeaturesScene(record_run(RunSpec(epochs=5)))


def test_the_first_layers_lines_cross_the_data_plane_where_their_sums_are_zero(moons):
    scene, _ = final_state(PlaneFeaturesScene, 640, 360, history=moons)
    W, b = moons.weights[0][-1].astype(float), moons.biases[0][-1].astype(float)
    centre, half = square_around(moons)
    left, bottom, side, _ = scene.output[1].box
    assert len(scene.plane_lines) == len(scene.lines) >= 6
    for small, large in zip(scene.lines, scene.plane_lines):
        ends = []
        for point in (large.get_start(), large.get_end()):
            x = centre + half * (2 * (point[:2] - [left, bottom]) / side - 1)
            ends.append(x)
        # Each line over the plane is one neuron's zero line: find it among the neurons, as its small twin is.
        sums = np.abs(W @ np.array(ends).T + b[:, None]).max(axis=1) / (1 + np.abs(W).sum(axis=1))
        assert sums.min() < 1e-6


def test_the_maps_and_the_plane_fill_the_frame_side_by_side(moons):
    scene, _ = final_state(PlaneFeaturesScene, 640, 360, history=moons)
    maps = [square for row in scene.rows for square in row[1]]
    top, bottom = max(m.get_top()[1] for m in maps), min(m.get_bottom()[1] for m in maps)
    plane = scene.output[2]  # its frame
    height = scene.camera.frame_height
    assert top - bottom > 0.6 * height  # the maps span most of the frame's height, not a corner of it
    assert plane.height > 0.6 * height
    assert max(m.get_right()[0] for m in maps) < plane.get_left()[0]


def test_the_plane_with_the_data_is_on_the_right_from_the_first_beat(moons):
    """The right of the frame is not left black while the maps are told: the plane the maps are of, with the
    data and its classes, comes in with the first sentence."""
    from tests.timeline import told

    for brief in (True, False):
        first = told(PlaneFeaturesScene, moons, brief=brief).told[0]
        assert {"the plane, with the data", "upper moon", "lower moon", "hidden layer 1"} <= set(first.shown)
