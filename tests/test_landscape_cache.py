"""A run's loss surface is computed once: kept on disk under the run's content, prefetched in a
process of its own while the renderer loads, and computed again whenever what was kept is not it."""
import dataclasses

import numpy as np
import pytest

import nnscratch.landscape_cache as landscape_cache
from nnscratch import RunSpec, record_run
from nnscratch.landscape import loss_landscape
from nnscratch.landscape_cache import cached_landscape, prefetch, run_key


@pytest.fixture(scope="module")
def history():
    return record_run(RunSpec(epochs=40))


@pytest.fixture(scope="module")
def expected(history):
    return loss_landscape(history)


def assert_same(landscape, expected):
    for field in dataclasses.fields(expected):
        np.testing.assert_array_equal(np.asarray(getattr(landscape, field.name)),
                                      np.asarray(getattr(expected, field.name)), err_msg=field.name)


def no_computing(monkeypatch):
    def refuse(history):
        raise AssertionError("computed again")
    monkeypatch.setattr(landscape_cache, "loss_landscape", refuse)


def test_a_surface_is_computed_once_then_read_back(history, expected, tmp_path, monkeypatch):
    assert_same(cached_landscape(history, tmp_path), expected)
    assert [path.name for path in tmp_path.iterdir()] == [f"{run_key(history)}.npz"]
    no_computing(monkeypatch)
    assert_same(cached_landscape(history, tmp_path), expected)


def test_a_damaged_file_is_computed_again_and_replaced(history, expected, tmp_path):
    path = tmp_path / f"{run_key(history)}.npz"
    path.write_bytes(b"not a surface")
    assert_same(cached_landscape(history, tmp_path), expected)
    assert path.stat().st_size > 1000
    truncated = path.read_bytes()[:500]
    path.write_bytes(truncated)
    assert_same(cached_landscape(history, tmp_path), expected)


def test_another_run_never_finds_this_runs_surface(history):
    other = record_run(RunSpec(epochs=40, seed=1))
    changed = dataclasses.replace(history)
    changed.weights = [W.copy() for W in history.weights]
    changed.weights[0][-1, 0, 0] += 1e-6
    keys = {run_key(history), run_key(other), run_key(changed)}
    assert len(keys) == 3 and run_key(history) == run_key(dataclasses.replace(history))


def test_a_prefetched_surface_is_the_one_computed_here(history, expected, tmp_path, monkeypatch):
    path = tmp_path / f"{run_key(history)}.npz"
    prefetch(history, tmp_path)  # forked now, with the real computation
    assert path in landscape_cache._computing
    no_computing(monkeypatch)
    assert_same(cached_landscape(history, tmp_path), expected)
    assert path.exists() and path not in landscape_cache._computing
    prefetch(history, tmp_path)  # on disk: nothing to start
    assert path not in landscape_cache._computing


def test_a_failed_prefetch_is_computed_here(history, expected, tmp_path, monkeypatch):
    def fail(history):
        raise MemoryError("the prefetch's process ran out")
    monkeypatch.setattr(landscape_cache, "loss_landscape", fail)
    prefetch(history, tmp_path)
    monkeypatch.setattr(landscape_cache, "loss_landscape", loss_landscape)
    assert_same(cached_landscape(history, tmp_path), expected)
    assert tmp_path / f"{run_key(history)}.npz" not in landscape_cache._computing


def test_a_prefetch_nobody_collected_is_reaped_by_the_next(history, tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    prefetch(history, first)
    process, _ = landscape_cache._computing[first / f"{run_key(history)}.npz"]
    process.join()
    prefetch(history, second)
    assert first / f"{run_key(history)}.npz" not in landscape_cache._computing
    assert (first / f"{run_key(history)}.npz").exists() and not process.is_alive()
    assert_same(cached_landscape(history, second), loss_landscape(history))
