"""A run's loss surface is computed once: kept on disk under the run's content, prefetched in a
process of its own while the renderer loads, and computed again whenever what was kept is not it.
The cache is best-effort: what cannot be read is a miss, never a wait, and what cannot be written
is said once, never an error."""
import dataclasses
import os
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest

import nnscratch.files as files
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


# -- a cache that cannot be used -------------------------------------------------------------------

def test_a_process_forked_during_a_prefetch_computes_the_surface_itself(history, expected, tmp_path):
    """A local Dask worker is forked while the command's prefetch runs: it cannot wait for a process it
    did not start ("can only join a child process"), so it reads the file or computes the surface."""
    prefetch(history, tmp_path)
    child = os.fork()
    if child == 0:  # the worker
        try:
            landscape = cached_landscape(history, tmp_path)
            os._exit(0 if np.array_equal(landscape.losses, expected.losses) else 3)
        except BaseException:
            os._exit(4)
    _, status = os.waitpid(child, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    np.testing.assert_array_equal(cached_landscape(history, tmp_path).losses, expected.losses)  # ours, collected


@pytest.fixture
def fresh_notices(monkeypatch):
    """Nothing said yet in this process, as at the start of a command."""
    monkeypatch.setattr(files, "_told", set())


def within(seconds, work, unblock):
    """``work()``'s result, from a thread that must finish within ``seconds``: a regression that
    blocks fails the test (``unblock`` then frees the thread) rather than hanging the suite."""
    result = {}

    def run():
        try:
            result["value"] = work()
        except BaseException as error:  # raised again in the test's own thread
            result["error"] = error

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    if thread.is_alive():
        unblock()
        thread.join(10)
        pytest.fail(f"still waiting after {seconds} s")
    if "error" in result:
        raise result["error"]
    return result["value"]


def open_writer(path):
    """Opening a FIFO to write frees a reader blocked opening it."""
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_NONBLOCK))
    except OSError:
        pass


def notices(capfd):
    return [line for line in capfd.readouterr().err.splitlines() if line]


@pytest.mark.parametrize("prefetched", [False, True])
def test_a_fifo_at_the_cache_path_is_a_miss_not_a_wait(history, expected, tmp_path, capfd, fresh_notices, prefetched):
    path = tmp_path / f"{run_key(history)}.npz"
    os.mkfifo(path)
    if prefetched:
        prefetch(history, tmp_path)  # a FIFO is not a cached surface: the prefetch starts
        assert path in landscape_cache._computing
    assert_same(within(60, lambda: cached_landscape(history, tmp_path), lambda: open_writer(path)), expected)
    assert path.is_fifo()  # not replaced: the cache only ever replaces regular files
    said = notices(capfd)
    assert len(said) == 1 and said[0].startswith("warning: the loss surface is not cached (cannot write ")
    assert "it is a FIFO" in said[0] and said[0].endswith("the next render computes it again")


@pytest.mark.parametrize("kind", ["read-only folder", "folder at the file's path", "file at the folder's path"])
def test_an_unwritable_cache_computes_each_surface_and_says_so_once(history, expected, tmp_path, capfd, fresh_notices,
                                                                   monkeypatch, kind):
    folder = tmp_path / "landscapes"
    if kind == "read-only folder":
        # The user's case. Root writes into a read-only folder, so for root the check that refused
        # the user's write is made to see the folder as the user did.
        folder.mkdir()
        folder.chmod(0o555)
        if os.geteuid() == 0:
            real = os.access

            def access(where, mode, **options):
                return False if Path(where) == folder and mode & os.W_OK else real(where, mode, **options)
            monkeypatch.setattr(os, "access", access)
    elif kind == "folder at the file's path":
        (folder / f"{run_key(history)}.npz").mkdir(parents=True)
    else:
        folder.write_text("a file where the cache folder would go")
    other = record_run(RunSpec(epochs=40, seed=1))
    assert_same(cached_landscape(history, folder), expected)
    assert_same(cached_landscape(other, folder), loss_landscape(other))
    said = notices(capfd)
    assert len(said) == 1 and said[0].startswith("warning: the loss surface is not cached (")  # two surfaces, one line
    why = {"read-only folder": f"{folder} is not writable", "folder at the file's path": "it is a folder",
           "file at the folder's path": f"{folder} is not a folder"}[kind]
    assert why in said[0]
    if folder.is_dir():
        folder.chmod(0o755)  # for pytest to remove it


def test_the_command_renders_over_a_fifo_in_the_cache_and_says_it_once(history, tmp_path):
    run = tmp_path / "run.npz"
    history.save(run)
    cache = tmp_path / "cache"
    folder = cache / "nnscratch" / "landscapes"
    folder.mkdir(parents=True)
    key = landscape_cache.run_key(type(history).load(run))
    os.mkfifo(folder / f"{key}.npz")
    still = tmp_path / "descent.png"
    try:
        result = subprocess.run([sys.executable, "-m", "cli", "render", "descent", "--run", str(run), "--still",
                                 "--quality", "low", "--output", str(still)], capture_output=True, text=True,
                                timeout=300, env={**os.environ, "XDG_CACHE_HOME": str(cache)},
                                cwd=Path(__file__).resolve().parents[1])
    except subprocess.TimeoutExpired:
        open_writer(folder / f"{key}.npz")
        pytest.fail("the render waited on the FIFO")
    assert result.returncode == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if "not cached" in line]
    assert len(warnings) == 1 and "it is a FIFO" in warnings[0] and still.stat().st_size > 0
