"""Every shape the CLI accepts draws cleanly: each scene's final state, for a matrix of shapes at 480p
and 1080p, keeps every text, formula, readout and brace inside the frame and clear of every other,
and leaves the frame's outermost pixels dark."""
import numpy as np
import pytest

from nnscratch import NeuralNetwork, RunSpec, record_run, train
from scenes import (
    BackpropScene, CostScene, DataScene, FeaturesScene, ForwardPassScene, GradientDescentScene, NetworkScene,
    NeuronScene, PlaneFeaturesScene, SummaryScene, TrainingScene,
)
from scenes.chapters.forward_pass import COLUMN_PLACES
from scenes.mobjects.layout import boxes_overlap
from tests.layout import describe, final_state, labels

pytestmark = pytest.mark.slow
QUALITIES = {"480p": (854, 480), "1080p": (1920, 1080)}
INSIDE = 0.1  # scene units every label keeps from the frame's edge, at least
INK = 60  # luminance above this at the frame's edge is something drawn there


def classes_run(sizes, samples=200, epochs=10):
    """A run of ``sizes`` with as many classes as outputs, on random data: the layout needs the shape only."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(samples, sizes[0]))
    y = rng.integers(0, sizes[-1], samples)
    return train(NeuralNetwork(list(sizes), seed=0), X[:160], y[:160], epochs=epochs, learning_rate=0.1,
                 X_test=X[160:], y_test=y[160:])


SHAPES = {
    "1,1,1": lambda: record_run(RunSpec(layers=(1, 1, 1), epochs=100)),
    "2,3,1": lambda: record_run(RunSpec(layers=(2, 3, 1), dataset="xor", epochs=300)),
    "4,6,4,1": lambda: record_run(RunSpec()),
    "2,8,8,1": lambda: record_run(RunSpec(dataset="spiral", layers=(2, 8, 8, 1), activation="tanh",
                                          optimizer="adam", learning_rate=0.02, epochs=2000)),
    "64,32,10": lambda: classes_run((64, 32, 10)),
    "10 layers": lambda: record_run(RunSpec(layers=(4, 8, 8, 8, 8, 8, 8, 8, 8, 1), epochs=100)),
    "32 layers": lambda: record_run(RunSpec(layers=(2,) + (3,) * 30 + (1,), dataset="moons", epochs=20)),
    "784,16,16,10": lambda: classes_run((784, 16, 16, 10)),
    "50,000 epochs": lambda: record_run(RunSpec(epochs=50_000)),
    # The panels beside the training replay: digits marked right or wrong, the plane with six classes
    # and a map in every neuron, and digits with no hidden layer (its pictures are the output layer's).
    "digits": lambda: record_run(RunSpec.for_dataset("digits", samples=500, epochs=3)),
    "digits 784,10": lambda: record_run(RunSpec.for_dataset("digits", layers=(784, 10), samples=300, epochs=2)),
    "gaussians 6 classes": lambda: record_run(RunSpec.for_dataset("gaussians", classes=6, layers=(2, 8, 8, 8, 6),
                                                                  epochs=300)),
}
SCENES = {"data": DataScene, "network": NetworkScene, "forward": ForwardPassScene, "training": TrainingScene,
          "backprop": BackpropScene, "descent": GradientDescentScene, "neuron": NeuronScene, "cost": CostScene,
          "summary": SummaryScene}
IMAGE_SHAPES = ["digits", "digits 784,10"]  # runs on images, which FeaturesScene draws
PLANE_SHAPES = ["2,3,1", "2,8,8,1", "32 layers", "gaussians 6 classes"]  # 2-D runs, for PlaneFeaturesScene


@pytest.fixture(scope="module")
def runs():
    return {}


def run_of(runs, shape):
    if shape not in runs:
        runs[shape] = SHAPES[shape]()
    return runs[shape]


# Layout is in scene units, so 1080p draws the same boxes as 480p but for text, which each resolution
# shapes a little differently, and the thinnest strokes: the extremes are checked at both.
CASES = [(shape, "480p") for shape in SHAPES] + [(shape, "1080p") for shape in
                                                 ("4,6,4,1", "32 layers", "784,16,16,10", "digits",
                                                  "gaussians 6 classes")]


@pytest.mark.parametrize("shape, quality", CASES)
@pytest.mark.parametrize("scene", SCENES)
def test_every_label_is_inside_the_frame_and_clear_of_the_others(runs, scene, shape, quality):
    extra = {"duration": 3.0} if scene == "training" else {}
    assert_clean_layout(SCENES[scene], runs, shape, quality, **extra)


@pytest.mark.parametrize("quality", QUALITIES)
def test_the_descent_of_a_sampled_coarser_surface_lays_out_cleanly(runs, quality, monkeypatch, tmp_path):
    import nnscratch.landscape as landscape

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    # 100 of the 160 examples on 20 x 20 points: two lines more under the facts, and longer captions.
    monkeypatch.setattr(landscape, "GRID_BUDGET", landscape.surface_cost([4, 6, 4, 1], 100, 20**2) * 1.01)
    assert_clean_layout(GradientDescentScene, runs, "4,6,4,1", quality)


@pytest.mark.parametrize("quality", QUALITIES)
@pytest.mark.parametrize("shape", IMAGE_SHAPES)
def test_the_features_scene_lays_out_cleanly(runs, shape, quality):
    assert_clean_layout(FeaturesScene, runs, shape, quality)


@pytest.mark.parametrize("quality", QUALITIES)
@pytest.mark.parametrize("shape", PLANE_SHAPES)
def test_the_plane_features_scene_lays_out_cleanly(runs, shape, quality):
    assert_clean_layout(PlaneFeaturesScene, runs, shape, quality)


def assert_clean_layout(scene_class, runs, shape, quality, **extra):
    width, height = QUALITIES[quality]
    drawn, frame = final_state(scene_class, width, height, history=run_of(runs, shape), **extra)
    found = labels(drawn)
    assert len(found) >= 4
    half_w, half_h = drawn.camera.frame_width / 2 - INSIDE, drawn.camera.frame_height / 2 - INSIDE
    outside = [describe(m) for m in found if m.get_left()[0] < -half_w or m.get_right()[0] > half_w
               or m.get_bottom()[1] < -half_h or m.get_top()[1] > half_h]
    assert outside == [], outside
    crowded = [(describe(a), describe(b)) for i, a in enumerate(found) for b in found[i + 1:]
               if boxes_overlap(a, b, tolerance=0.01)]
    assert crowded == [], crowded
    luminance = frame[..., :3].astype(float) @ np.array([0.2126, 0.7152, 0.0722])
    ring = np.concatenate([luminance[:2].ravel(), luminance[-2:].ravel(),
                           luminance[:, :2].ravel(), luminance[:, -2:].ravel()])
    assert (ring > INK).sum() == 0


class UpToTheRows(ForwardPassScene):
    """The forward pass stopped once the first layer's W a + b is written out in numbers, its sums counted."""

    def script(self):
        beats = super().script()
        return beats[:next(i for i, beat in enumerate(beats) if beat.caption.startswith("Row by row, a row")) + 1]


@pytest.mark.parametrize("shape", ["4,6,4,1", "784,16,16,10", "1,1,1"])
def test_the_numbers_of_w_a_plus_b_are_readable_and_in_their_place(runs, shape):
    drawn, _ = final_state(UpToTheRows, 1280, 720, history=run_of(runs, shape))
    found = labels(drawn)
    product = drawn.product
    mine = set(product.get_family())
    entries = [label for label in found if label in mine]
    others = [label for label in found if label not in mine]
    assert len(entries) >= 4
    half_w, half_h = drawn.camera.frame_width / 2 - INSIDE, drawn.camera.frame_height / 2 - INSIDE
    assert -half_w <= product.get_left()[0] and product.get_right()[0] <= half_w
    assert -half_h <= product.get_bottom()[1] and product.get_top()[1] <= half_h
    assert not [(describe(a), describe(b)) for a in entries for b in others if boxes_overlap(a, b, tolerance=0.01)]
    assert not [(describe(a), describe(b)) for i, a in enumerate(entries) for b in entries[i + 1:]
                if boxes_overlap(a, b, tolerance=0.01)]
    # Every number said large enough to read: font size 20 or more (the matrix is windowed, not shrunk).
    assert min(cell.font_size_now for cell in product.weights.readouts + product.results.readouts) >= 20
    n_out, n_in = drawn.history.layer_sizes[1], drawn.history.layer_sizes[0]
    # dots only when W is large
    assert (None in product.rows) == (n_out > 8) and (None in product.cols) == (n_in > COLUMN_PLACES)
