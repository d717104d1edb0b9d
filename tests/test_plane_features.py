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
