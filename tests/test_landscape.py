"""The loss surface in the run's principal plane: built from the real weights, faithful where the plane is."""
import numpy as np
import pytest

from nnscratch import RunSpec, record_run
from nnscratch.landscape import (
    RESOLUTION, flat_parameters, gradient_slice, loss_landscape, losses_at, principal_plane, unflatten,
)


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

    run = record_run(RunSpec(epochs=60, batch_size=batch_size))  # small batches: a noisy way down
    scene = GradientDescentScene(history=run)
    losses = run.train_loss[run.snapshot_epochs]
    rises = int(np.sum(losses[1:] > losses[:-1]))
    assert (rises > 0) == rose
    said = scene.roll_caption()
    if rises:
        assert "Each step goes downhill" not in said and "up a little" in said
        assert (f"{rises} of its {len(losses) - 1} moves go" if rises > 1 else "one of its moves goes") in said
    else:
        assert said.startswith("Each step goes downhill")
    assert ("not every step is downhill" in scene.roll_caption(brief=True)) == bool(rises)
