"""The loss surface in the run's principal plane: built from the real weights, faithful where the plane is."""
import tracemalloc

import numpy as np
import pytest

import nnscratch.landscape as landscape_module
from nnscratch import RunSpec, record_run
from nnscratch.landscape import (
    GRID_BUDGET, MIN_RESOLUTION, MIN_SAMPLE, RESOLUTION, _absolute_sums, evaluation_plan, evaluation_sample,
    flat_parameters, gradient_slice, loss_landscape, losses_at, principal_plane, surface_cost, unflatten,
)
from scenes.narration.words import loss_number


@pytest.fixture(scope="module")
def history():
    return record_run(RunSpec())


@pytest.fixture(scope="module")
def landscape(history):
    return loss_landscape(history)


def test_the_path_ends_at_the_final_weights_where_the_loss_is_the_recorded_one(history, landscape):
    np.testing.assert_allclose(landscape.path[-1], [0.0, 0.0], atol=1e-12)
    final = losses_at(history, flat_parameters(history)[-1], landscape.directions, np.zeros((1, 2)))[0]
    assert final == pytest.approx(history.train_loss[-1], rel=1e-5)


def test_the_directions_are_orthonormal_and_explain_the_path(history, landscape):
    np.testing.assert_allclose(landscape.directions @ landscape.directions.T, np.eye(2), atol=1e-10)
    assert landscape.explained[0] >= landscape.explained[1] and sum(landscape.explained) <= 1 + 1e-12
    # The projected path keeps the distances along the two directions exactly.
    centred = flat_parameters(history) - flat_parameters(history)[-1]
    np.testing.assert_allclose(landscape.path, centred @ landscape.directions.T, rtol=1e-12)


def test_the_grid_near_each_snapshot_has_about_its_recorded_loss(history, landscape):
    assert sum(landscape.explained) > 0.95  # the plane holds nearly all of this run's path
    # The surface between grid points, as it is drawn: bilinear in the cell round each snapshot.
    x = np.interp(landscape.path[:, 0], landscape.alphas, np.arange(RESOLUTION))
    y = np.interp(landscape.path[:, 1], landscape.betas, np.arange(RESOLUTION))
    i, j = np.minimum(x.astype(int), RESOLUTION - 2), np.minimum(y.astype(int), RESOLUTION - 2)
    u, v = x - i, y - j
    grid = landscape.losses
    between = ((1 - u) * (1 - v) * grid[j, i] + u * (1 - v) * grid[j, i + 1]
               + (1 - u) * v * grid[j + 1, i] + u * v * grid[j + 1, i + 1])
    recorded = history.train_loss[history.snapshot_epochs].astype(float)
    assert np.max(np.abs(between - recorded) / recorded) < 0.2
    assert landscape.losses.shape == (RESOLUTION, RESOLUTION) and np.isfinite(landscape.losses).all()


def test_each_grid_loss_is_the_networks_loss_there(history, landscape):
    origin = flat_parameters(history)[-1]
    network = history.network_at(-1)
    for j, i in [(0, 0), (RESOLUTION // 2, 3 * RESOLUTION // 4), (RESOLUTION - 1, RESOLUTION // 5)]:
        theta = origin + landscape.alphas[i] * landscape.directions[0] + landscape.betas[j] * landscape.directions[1]
        weights, biases = unflatten(network, theta)
        network.copy_parameters_from(weights, biases)
        # The grid is computed in float32, to a drawing's precision.
        assert landscape.losses[j, i] == pytest.approx(network.loss(history.X_train, history.y_train), rel=1e-6)


def test_the_gradient_slice_starts_at_the_snapshot_and_falls_at_first(history):
    ts, losses = gradient_slice(history, 5)
    assert losses[0] == pytest.approx(history.train_loss[history.snapshot_epochs[5]], rel=1e-5)
    assert losses[1] < losses[0]  # a small step down the gradient lowers the loss
    assert ts[-1] == pytest.approx(12 * history.metadata["learning_rate"])


def test_a_single_direction_run_still_has_a_plane():
    history = record_run(RunSpec(layers=(1, 1), epochs=3))
    directions, explained, path = principal_plane(history)
    assert directions.shape == (2, 2) and np.isfinite(path).all()


@pytest.mark.parametrize("batch_size, rose", [(None, False), (8, True)])
def test_the_descent_says_downhill_only_of_a_run_whose_loss_fell_at_every_snapshot(batch_size, rose):
    from scenes import GradientDescentScene

    run = record_run(RunSpec(epochs=150, batch_size=batch_size))  # small batches: a noisy way down
    scene = GradientDescentScene(history=run)
    losses = run.train_loss[run.snapshot_epochs]
    rises = int(np.sum(losses[1:] > losses[:-1]))
    assert (rises > 0) == rose
    said = scene.roll_caption()
    if rises:
        assert "downhill at every step" not in said
        assert said.endswith("not every move is downhill: each step sees only a batch.")
    else:
        assert said.endswith(", downhill at every step.")
    # The brief telling says neither: its words go to the batch and the epoch.
    assert "downhill" not in scene.roll_caption(brief=True)


def loss_there(history, landscape, j, i, examples=None):
    """The network's own loss (float64, regularization included) at grid point (j, i), over ``examples``."""
    origin = flat_parameters(history)[-1]
    theta = origin + landscape.alphas[i] * landscape.directions[0] + landscape.betas[j] * landscape.directions[1]
    network = history.network_at(-1)
    network.copy_parameters_from(*unflatten(network, theta))
    chosen = slice(None) if examples is None else examples
    return network.loss(history.X_train[chosen], history.y_train[chosen])


def test_the_plane_from_the_gram_matrix_is_the_svd_plane(history):
    centred = flat_parameters(history) - flat_parameters(history)[-1]
    _, singular, rows = np.linalg.svd(centred, full_matrices=False)
    directions, explained, path = principal_plane(history)
    signs = np.sign(np.sum(directions * rows[:2], axis=1))  # an eigenvector's sign is arbitrary
    np.testing.assert_allclose(directions, rows[:2] * signs[:, None], atol=1e-9)
    np.testing.assert_allclose(explained, singular[:2]**2 / np.sum(singular**2), rtol=1e-9)
    np.testing.assert_allclose(path, centred @ rows[:2].T * signs, atol=1e-9 * np.abs(path).max())
    assert np.all(path[0] <= 0)  # each direction points from the start towards the final weights


def test_a_run_of_two_snapshots_moves_along_one_line_and_still_has_a_plane():
    history = record_run(RunSpec(epochs=1))
    directions, explained, path = principal_plane(history)
    np.testing.assert_allclose(directions @ directions.T, np.eye(2), atol=1e-12)
    assert explained[0] == pytest.approx(1.0) and explained[1] == pytest.approx(0.0, abs=1e-20)
    np.testing.assert_allclose(path[:, 1], 0.0, atol=1e-12)


@pytest.mark.parametrize("l1, l2", [(0.01, 0.0), (0.0, 0.02), (0.01, 0.02)])
def test_a_regularized_surface_is_the_networks_loss_penalty_included(l1, l2):
    history = record_run(RunSpec(epochs=60, l1=l1, l2=l2))
    landscape = loss_landscape(history)
    for j, i in [(0, 0), (RESOLUTION // 2, 3 * RESOLUTION // 4), (RESOLUTION - 1, RESOLUTION // 5)]:
        assert landscape.losses[j, i] == pytest.approx(loss_there(history, landscape, j, i), rel=1e-6)


@pytest.mark.parametrize("spacing", ["a grid's", "uneven"])
def test_the_l1_sums_are_the_sums_of_absolute_values(spacing):
    rng = np.random.default_rng(3)
    w, d, e = rng.normal(size=(3, 2000))
    d[:200] = 0.0  # weights the first move leaves alone
    e[100:300] = 0.0
    if spacing == "a grid's":  # as loss_landscape makes them: evenly spaced, then rounded to float32
        axis = np.linspace(-2.7, 3.1, 31)
        points = np.stack(np.meshgrid(axis, axis), axis=-1).reshape(-1, 2).astype(np.float32).astype(float)
    else:
        points = np.column_stack([rng.normal(size=300) * 3, np.repeat(rng.normal(size=30), 10)])
    points[7, 0] = -(w[500] + points[7, 1] * e[500]) / d[500]  # exactly at a term's zero
    expected = np.abs(w[None] + points[:, :1] * d[None] + points[:, 1:] * e[None]).sum(axis=1)
    np.testing.assert_allclose(_absolute_sums(w, d, e, points), expected, rtol=1e-12)


# -- what the surface is evaluated on ---------------------------------------------------------------

def test_the_surface_is_over_all_the_examples_while_they_fit_the_budget():
    assert evaluation_plan([4, 6, 4, 1], 160) == (160, RESOLUTION)
    assert evaluation_plan([784, 16, 16, 10], 8000) == (8000, RESOLUTION)  # the default digits: all 8,000


def test_a_bigger_network_is_evaluated_on_as_many_examples_as_fit_then_on_fewer_points():
    sizes = [784, 500, 10]
    examples, side = evaluation_plan(sizes, 8000)
    assert side == RESOLUTION and MIN_SAMPLE <= examples < 8000
    points = RESOLUTION**2
    assert surface_cost(sizes, examples, points) <= GRID_BUDGET < surface_cost(sizes, examples + 1, points)
    sizes = [784, 10000, 10]  # even MIN_SAMPLE examples on the full grid would pass the budget
    examples, side = evaluation_plan(sizes, 1600)
    assert examples == MIN_SAMPLE and MIN_RESOLUTION <= side < RESOLUTION
    assert surface_cost(sizes, examples, side**2) <= GRID_BUDGET < surface_cost(sizes, examples, (side + 1)**2)
    few, finer = evaluation_plan(sizes, 60)  # fewer examples than MIN_SAMPLE: all of them, on more points
    assert few == 60 and side < finer and surface_cost(sizes, 60, finer**2) <= GRID_BUDGET
    assert evaluation_plan([2, 4472, 4472, 1], 160) == (MIN_SAMPLE, MIN_RESOLUTION)  # the most it pays for
    sizes = [784, 3000, 10]
    assert evaluation_plan(sizes, 1600)[1] == RESOLUTION
    penalized, rows = evaluation_plan(sizes, 1600, l1=True)  # an L1 penalty's sums, row by row, take a share too
    assert penalized == MIN_SAMPLE and rows < RESOLUTION
    assert surface_cost(sizes, penalized, rows**2, rows) <= GRID_BUDGET < surface_cost(sizes, penalized, (rows + 1)**2,
                                                                                         rows + 1)


def budget_for(sizes, examples, side=RESOLUTION):
    """A budget that ``examples`` examples on ``side`` x ``side`` points fit, and not one more example."""
    return (surface_cost(sizes, examples, side**2) + surface_cost(sizes, examples + 1, side**2)) / 2


@pytest.fixture
def sampled(monkeypatch):
    """A budget that the default run's 160 examples pass: 120 of them fit."""
    monkeypatch.setattr(landscape_module, "GRID_BUDGET", budget_for([4, 6, 4, 1], 120))


def test_the_sample_is_fixed_and_keeps_each_class_in_proportion(history, sampled, monkeypatch):
    sample = evaluation_sample(history)
    assert len(sample) == 120 and np.all(np.diff(sample) > 0)
    np.testing.assert_array_equal(sample, evaluation_sample(history))
    labels = history.y_train[:, 0] > 0.5
    assert abs(labels[sample].sum() - 120 * labels.mean()) <= 1
    three = record_run(RunSpec(dataset="gaussians", classes=3, layers=(2, 8, 3), epochs=5))
    monkeypatch.setattr(landscape_module, "GRID_BUDGET", budget_for([2, 8, 3], 100))
    sample = evaluation_sample(three)
    counts = np.bincount(three.y_train[sample].argmax(axis=1), minlength=3)
    expected = 100 * np.bincount(three.y_train.argmax(axis=1), minlength=3) / len(three.y_train)
    assert len(sample) == 100 and np.all(np.abs(counts - expected) <= 1)


def test_a_sampled_surface_is_the_loss_over_its_sample_and_says_how_many(history, sampled):
    landscape = loss_landscape(history)
    sample = evaluation_sample(history)
    assert landscape.n_samples == 120 and landscape.losses.shape == (RESOLUTION, RESOLUTION)
    for j, i in [(0, 0), (RESOLUTION // 2, 3 * RESOLUTION // 4)]:
        assert landscape.losses[j, i] == pytest.approx(loss_there(history, landscape, j, i, sample), rel=1e-6)
        assert landscape.losses[j, i] != pytest.approx(loss_there(history, landscape, j, i), rel=1e-3)
    # The gradient's slice is over the same examples.
    ts, losses = gradient_slice(history, 5)
    network = history.network_at(5)
    assert losses[0] == pytest.approx(network.loss(history.X_train[sample], history.y_train[sample]), rel=1e-6)


def test_a_wide_networks_surface_holds_a_few_parameter_vectors_not_every_snapshot():
    history = record_run(RunSpec(dataset="digits", layers=(784, 3000, 10), epochs=10, samples=250, batch_size=None,
                                 learning_rate=0.05))
    n_parameters = history.network_at().n_parameters
    tracemalloc.start()
    try:
        landscape = loss_landscape(history)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    # Every snapshot flattened to float64 is 11 x 2.4 million x 8 bytes, 210 MB, before its centred copy
    # and the SVD's (600 MB in all, measured); the surface holds a few float64 parameter vectors.
    assert history.n_snapshots == 11 and peak < 8 * n_parameters * 8
    examples = evaluation_sample(history)
    assert landscape.n_samples == len(examples) < len(history.X_train)
    j, i = RESOLUTION // 3, RESOLUTION // 2
    assert landscape.losses[j, i] == pytest.approx(loss_there(history, landscape, j, i, examples), rel=1e-5)


def facts_of(scene):
    scene.prepare()
    return [fact.text.replace(" ", "") for fact in scene.facts]


def test_the_descent_says_when_its_surface_is_over_a_sample(history, sampled, tmp_path, monkeypatch):
    from scenes import GradientDescentScene

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    scene = GradientDescentScene(history=history)
    assert scene.landscape.n_samples == 120
    start = loss_number(history.train_loss[0])
    assert scene.height_caption() == ("Height and colour are the cost, over a sample of 120 of the 160 training "
                                      f"examples. Training starts here, with random weights, at a cost of {start} "
                                      "over all of them.")
    assert "takes the sample's cost from" in scene.rate_caption()
    assert "takes the sample's cost from" in scene.rate_caption(brief=True)
    # The sample's line drops its last word where the column is too narrow for it at its size.
    assert facts_of(scene)[2:] in (["costover120of160examples"], ["costover120of160"])


def test_the_descent_says_when_its_grid_is_coarser(history, tmp_path, monkeypatch):
    from scenes import GradientDescentScene

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(landscape_module, "MIN_SAMPLE", 100)
    # 100 examples on 20 x 20 points fit, not on 21 x 21 (nor all 160 examples, nor 100 on the full grid).
    monkeypatch.setattr(landscape_module, "GRID_BUDGET", (surface_cost([4, 6, 4, 1], 100, 20**2)
                                                          + surface_cost([4, 6, 4, 1], 100, 21**2)) / 2)
    scene = GradientDescentScene(history=history)
    assert scene.landscape.n_samples == 100 and scene.landscape.losses.shape == (20, 20)
    assert "over a sample of 100 of the 160 training examples and at 20 by 20 points." in scene.height_caption()
    assert facts_of(scene)[2:] in (["costover100of160examples", "gridof20×20points"],
                                   ["costover100of160", "gridof20×20points"])


def test_the_descent_of_a_whole_surface_says_nothing_of_samples(history, tmp_path, monkeypatch):
    from scenes import GradientDescentScene

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    scene = GradientDescentScene(history=history)
    assert scene.landscape.n_samples == len(history.X_train)
    assert scene.height_caption().startswith("Height and colour are the cost. Training starts here")
    assert "takes the cost from" in scene.rate_caption()
    assert len(facts_of(scene)) == 2
