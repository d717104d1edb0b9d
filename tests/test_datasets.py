import numpy as np
import pytest

from nnscratch import create_sample_data, make_dataset
from nnscratch.datasets import TWO_D_DATASETS


def test_sample_data_matches_the_seed_contract():
    X, y = create_sample_data(n_samples=200, n_features=4)
    assert X.shape == (200, 4) and y.shape == (200, 1)
    assert X.min() == 0.0 and X.max() == 1.0
    assert set(np.unique(y)) == {0.0, 1.0} and y.sum() == 100
    # shuffled: labels are not in two runs
    assert np.abs(np.diff(y[:, 0])).sum() > 20
    # class 1 sits at +1 before scaling, so its features are larger on average in every column
    assert np.all(X[y[:, 0] == 1].mean(axis=0) > X[y[:, 0] == 0].mean(axis=0) + 0.3)


def test_sample_data_is_determined_by_its_seed():
    a, b, c = create_sample_data(seed=1), create_sample_data(seed=1), create_sample_data(seed=2)
    np.testing.assert_array_equal(a[0], b[0])
    assert not np.array_equal(a[0], c[0])


@pytest.mark.parametrize("name", list(TWO_D_DATASETS))
def test_two_d_sets_are_balanced_split_and_bounded(name):
    data = make_dataset(name, 200, test_fraction=0.25, seed=0)
    assert data.X_train.shape == (150, 2) and data.X_test.shape == (50, 2)
    labels = np.concatenate([data.y_train, data.y_test])[:, 0]
    assert labels.sum() == 100
    assert np.abs(np.concatenate([data.X_train, data.X_test])).max() < 1.6


def test_xor_labels_follow_the_quadrants_without_noise():
    data = make_dataset("xor", 200, noise=0.0, test_fraction=0.0)
    X, y = data.X_train, data.y_train[:, 0]
    np.testing.assert_array_equal(y, (X[:, 0] * X[:, 1] < 0).astype(float))


def test_circles_inner_class_is_inside_without_noise():
    data = make_dataset("circles", 200, noise=0.0, test_fraction=0.0)
    radius = np.linalg.norm(data.X_train, axis=1)
    inner = data.y_train[:, 0] == 1
    assert radius[inner].max() < radius[~inner].min()


def test_noise_moves_points():
    clean = make_dataset("moons", 100, noise=0.0, seed=0).X_train
    noisy = make_dataset("moons", 100, noise=0.3, seed=0).X_train
    assert 0.1 < np.abs(clean - noisy).mean() < 0.5


@pytest.mark.parametrize("kwargs, message", [
    ({"name": "mnist"}, "unknown dataset"),
    ({"n_samples": 3}, "number of samples"),
    ({"noise": -0.1}, "noise"),
    ({"noise": float("nan")}, "noise"),
    ({"test_fraction": 1.0}, "test fraction"),
    ({"n_features": 0}, "n_features"),
])
def test_bad_dataset_options_are_refused(kwargs, message):
    with pytest.raises(ValueError, match=message):
        make_dataset(**kwargs)
