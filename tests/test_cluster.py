"""Rendering beyond one machine: an explainer's chapters, a comparison's runs and a batch of videos as
tasks on a real Dask scheduler and real workers on 127.0.0.1 (ports picked free, stopped after); the
video the same as one made here; a worker killed mid-render; a scheduler that is not there."""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from cli import main
from nnscratch import RunSpec, record_run
from tests.frames import read_video

ROOT = Path(__file__).resolve().parent.parent
DASK = str(Path(sys.executable).parent / "dask")
SIZE, FPS = (160, 90), 5
pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RealCluster:
    """``dask scheduler`` and ``dask worker`` processes, as a user starts them on their machines."""

    def __init__(self, folder: Path, workers: int = 2) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.folder, self.port = folder, free_port()
        self.address = f"tcp://127.0.0.1:{self.port}"
        env = {**os.environ, "PYTHONPATH": str(ROOT), "XDG_CACHE_HOME": str(folder / "cache")}
        self.scheduler = subprocess.Popen([DASK, "scheduler", "--host", "127.0.0.1", "--port", str(self.port),
                                           "--no-dashboard"], cwd=folder, env=env,
                                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.workers = [subprocess.Popen([DASK, "worker", self.address, "--nthreads", "1", "--no-dashboard",
                                          "--name", f"w{index}", "--local-directory", str(folder / f"w{index}")],
                                         cwd=folder, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                        for index in range(workers)]
        from distributed import Client

        with Client(self.address, timeout=30) as client:
            client.wait_for_workers(workers, timeout=60)

    def stop(self) -> None:
        for process in [*self.workers, self.scheduler]:
            process.terminate()
        for process in [*self.workers, self.scheduler]:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    made = RealCluster(tmp_path_factory.mktemp("cluster"))
    yield made
    made.stop()


@pytest.fixture(scope="module")
def run():
    return record_run(RunSpec.for_dataset("moons", epochs=100))


def explainer_on(client, history, path: Path, chapters=("data", "network", "summary"), fps: int = FPS):
    from scenes.output.parallel import render_explainer

    return render_explainer(history, path, list(chapters), resolution=SIZE, fps=fps, client=client)


def test_an_explainer_made_on_the_cluster_is_the_one_made_here(cluster, run, tmp_path):
    from distributed import Client

    here = explainer_on(None, run, tmp_path / "here.mp4")
    with Client(cluster.address) as client:
        there = explainer_on(client, run, tmp_path / "there.mp4")
    assert same_frames(there.path, here.path)
    assert {worker for _, _, worker in there.pieces} <= set(client_workers(cluster))
    assert len({worker for _, _, worker in there.pieces}) == 2  # both workers took chapters
    assert there.subtitles.read_text() == here.subtitles.read_text()


def same_frames(a: Path, b: Path) -> bool:
    """The same frames, decoded: an encoder may write a first frame a byte longer in another process,
    for the same picture."""
    first, second = read_video(a)[0], read_video(b)[0]
    return len(first) == len(second) > 0 and all(np.array_equal(x, y) for x, y in zip(first, second))


def client_workers(cluster) -> list[str]:
    from distributed import Client

    with Client(cluster.address) as client:
        return list(client.scheduler_info()["workers"])


def test_a_worker_killed_mid_render_and_the_video_is_whole_and_the_same(run, tmp_path):
    from distributed import Client

    here = explainer_on(None, run, tmp_path / "here.mp4", ("data", "network", "neuron", "summary"))
    crew = RealCluster(tmp_path / "crew")
    try:
        with Client(crew.address) as client:
            import threading

            made = {}
            rendering = threading.Thread(target=lambda: made.setdefault(
                "video", explainer_on(client, run, tmp_path / "there.mp4", ("data", "network", "neuron", "summary"))))
            rendering.start()
            deadline = time.monotonic() + 60
            while not any(client.processing().values()) and time.monotonic() < deadline:
                time.sleep(0.05)
            busy = next(address for address, keys in client.processing().items() if keys)
            pid = client.run(os.getpid, workers=[busy])[busy]
            os.kill(pid, signal.SIGKILL)  # the worker, mid-chapter: its nanny starts another
            rendering.join(timeout=900)  # a guard against a hang, not a measure of speed
        assert "video" in made
        assert same_frames(made["video"].path, here.path)
    finally:
        crew.stop()


def test_a_comparisons_runs_train_on_the_cluster_as_they_train_alone(cluster):
    from distributed import Client

    from nnscratch.comparison import VARIABLES, varied_in, varied_specs
    from scenes.output.cluster import record_runs

    specs = varied_specs(RunSpec(epochs=60), VARIABLES["activation"], ["sigmoid", "tanh", "relu"])
    with Client(cluster.address) as client:
        together = record_runs(specs, client)
    for spec, trained in zip(specs, together):
        alone = record_run(spec, keep_diverged=True)
        assert trained.metadata == alone.metadata
        for name, array in alone.arrays().items():
            np.testing.assert_array_equal(trained.arrays()[name], array, err_msg=name)
    assert varied_in(together)[1] == ["sigmoid", "tanh", "relu"]


BATCH = """
[[video]]
scene = "network"
output = "one/network.mp4"

[[video]]
scene = "training"
output = "two/moons.mp4"
dataset = "moons"
epochs = 200
duration = 3

[[video]]
scene = "explainer"
output = "three/explainer.mp4"
dataset = "moons"
epochs = 100
chapters = ["data", "summary"]
"""


def test_a_batch_of_three_videos_on_the_cluster(cluster, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "course.toml").write_text(BATCH)
    result = CliRunner().invoke(main, ["render", "batch", "course.toml", "--scheduler", cluster.address,
                                       "--quality", "low", "--voice", "none"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()
    assert lines[0].split() == ["video", "length", "seconds", "worker"]
    assert lines[-1].startswith("3 of 3 videos written")
    workers = set(client_workers(cluster))
    for path in ("one/network.mp4", "two/moons.mp4", "three/explainer.mp4"):
        frames, fps, width, height = read_video(tmp_path / path)
        row = next(line for line in lines if line.startswith(path))
        assert (width, height) == (854, 480) and round(fps) == 15 and len(frames) > 30
        assert row.split()[-1] in workers
        assert (tmp_path / path).with_suffix(".srt").exists()
    # Workers wrote nowhere but their scratch: the batch's folder holds what the batch wrote.
    assert sorted(str(path.relative_to(tmp_path)) for path in tmp_path.rglob("*") if path.is_file()) == sorted(
        ["course.toml", "one/network.mp4", "one/network.srt", "two/moons.mp4", "two/moons.srt",
         "three/explainer.mp4", "three/explainer.srt"])


def test_a_failed_job_is_reported_and_the_rest_are_made(cluster, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    # A learning rate of 1e6 passes every check and diverges in training: the job's own failure.
    (tmp_path / "jobs.toml").write_text('[[video]]\nscene = "network"\noutput = "a.mp4"\n\n'
                                        '[[video]]\nscene = "network"\noutput = "b.mp4"\nlr = 1e6\n')
    result = CliRunner().invoke(main, ["render", "batch", "jobs.toml", "--scheduler", cluster.address,
                                       "--quality", "low", "--voice", "none"])
    assert result.exit_code == 1
    assert "1 of 2 videos written" in result.stdout
    assert result.stderr.strip().splitlines() == [
        "Error: job 2 (network -> b.mp4) failed: training diverged at epoch 1: the loss exploded to "
        + result.stderr.split("exploded to ")[1].split(",")[0] + ", over 100 times the 0.7525 it started at; try "
        "a smaller learning rate than 1e+06"]
    assert (tmp_path / "a.mp4").exists() and not (tmp_path / "b.mp4").exists()


@pytest.mark.parametrize("toml, message", [
    ('[[video]]\nscene = "network"\noutput = "a.mp4"\nepochs = 0\n', "job 1 (network -> a.mp4): Invalid value for "
                                                                    "'--epochs': 0 is not between 1 and 1,000,000"),
    ('[[video]]\nscene = "nope"\noutput = "a.mp4"\n', "job 1: give its scene"),
    ('[[video]]\nscene = "network"\noutput = "a.mp4"\n[[video]]\nscene = "data"\noutput = "a.mp4"\n',
     "job 2 (data -> a.mp4): job 1 writes the same file"),
    ('[[video]]\nscene = "network"\noutput = "a.mp4"\nfrobnicate = 3\n', "No such option '--frobnicate'"),
    ('[[video]]\nscene = "forward"\noutput = "a.mp4"\ninput = "1,2"\n', "2 values for an input layer of 4"),
    ("this is not toml", "is not a batch file"),
    ('[[other]]\nx = 1\n', "lists no videos"),
])
def test_a_bad_job_is_refused_before_any_work(tmp_path, monkeypatch, toml, message):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "jobs.toml").write_text(toml)

    def no_cluster(*_, **__):
        raise AssertionError("a cluster was started before the jobs were checked")

    monkeypatch.setattr("scenes.output.cluster.connected", no_cluster)
    result = CliRunner().invoke(main, ["render", "batch", "jobs.toml", "--quality", "low"])
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], lines
    assert sorted(path.name for path in tmp_path.iterdir()) == ["jobs.toml"]


def test_a_scheduler_that_is_not_there_is_one_line_within_seconds(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    address = f"tcp://127.0.0.1:{free_port()}"
    started = time.monotonic()
    result = subprocess.run([sys.executable, "-m", "cli", "render", "explainer", "--dataset", "moons", "--epochs",
                             "20", "--chapters", "data", "--quality", "low", "--voice", "none", "--scheduler",
                             address], cwd=tmp_path, capture_output=True, text=True, timeout=120,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"Error: no Dask scheduler answers at {address} ("
        + result.stderr.split(f"answers at {address} (")[1].split(")")[0] + "); start one with `dask scheduler` "
        "and `dask worker ADDRESS`, or leave --scheduler out to render on this machine"]
    assert time.monotonic() - started < 30  # training 20 epochs, then 5 s to give up on the address
    assert [path.name for path in tmp_path.iterdir()] == []


def test_an_interrupted_render_stops_its_local_cluster_and_leaves_nothing(tmp_path):
    temp = tmp_path / "temp"
    temp.mkdir()
    process = subprocess.Popen([sys.executable, "-m", "cli", "render", "explainer", "--dataset", "moons",
                                "--epochs", "100", "--quality", "low", "--voice", "none"], cwd=tmp_path,
                               stderr=subprocess.PIPE, text=True, start_new_session=True,
                               env={**os.environ, "PYTHONPATH": str(ROOT), "TMPDIR": str(temp),
                                    "XDG_CACHE_HOME": str(tmp_path / "cache")})
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(descendants(process.pid)) < 2:  # the cluster's processes
        time.sleep(0.2)
    time.sleep(3)
    workers = descendants(process.pid)
    assert workers, "the local cluster never started"
    os.killpg(process.pid, signal.SIGINT)  # Ctrl-C reaches the whole group, as in a terminal
    _, error = process.communicate(timeout=60)
    assert process.returncode == 128 + signal.SIGINT
    assert error.strip().splitlines() == ["Stopped by SIGINT: nothing was written."]
    time.sleep(2)
    assert [pid for pid in workers if alive(pid)] == []
    assert list(temp.iterdir()) == []
    assert not (tmp_path / "media" / "videos" / "explainer.mp4").exists()


def descendants(pid: int) -> list[int]:
    children = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True).stdout.split()
    found = [int(child) for child in children]
    return found + [grand for child in found for grand in descendants(child)]


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split()[2] != "Z"
    except FileNotFoundError:
        return False


def test_the_run_crosses_once_as_checked_bytes(run, tmp_path):
    from scenes.output.cluster import RunBytes, history_of

    sent = RunBytes.of(run, tmp_path)
    assert json.loads(json.dumps(sent.digest)) == sent.digest and len(sent.data) < 5_000_000
    received = history_of(sent)
    np.testing.assert_array_equal(received.train_loss, run.train_loss)
    damaged = RunBytes("0" * 24, sent.data[: len(sent.data) // 2])
    with pytest.raises(ValueError, match="not a readable nnscratch run file|truncated"):
        history_of(damaged)


def test_a_local_cluster_reads_the_run_where_it_is_written_stored(run, tmp_path, monkeypatch):
    import warnings

    from nnscratch import TrainingHistory
    from scenes.output.cluster import connected

    saved, save = [], TrainingHistory.save
    monkeypatch.setattr(TrainingHistory, "save", lambda self, path, compressed=True: saved.append(
        (Path(path), compressed)) or save(self, path, compressed))
    here = explainer_on(None, run, tmp_path / "here.mp4", ("data", "summary"))
    with connected(workers=1) as client, warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always")
        there = explainer_on(client, run, tmp_path / "there.mp4", ("data", "summary"))
    assert [compressed for _, compressed in saved] == [False] and not saved[0][0].exists()  # removed after
    assert not [warning for warning in said if "graph" in str(warning.message)]  # nothing large to the scheduler
    assert same_frames(there.path, here.path)


def test_a_close_that_times_out_is_not_tried_again_at_exit(capfd):
    from scenes.output.cluster import connected

    with connected(workers=1) as client:
        def timing_out(*_, **__):
            raise TimeoutError("timed out after 10 s.")  # as a close on a machine under load can

        client.close = timing_out
    del client.close  # the real one again, which the collector calls at the command's exit
    assert client.status == "closed"
    client.__del__()  # nothing more is tried, so nothing times out
    assert "Traceback" not in capfd.readouterr().err


def test_only_a_cluster_of_our_own_is_local(cluster):
    from scenes.output.cluster import connected, is_local

    with connected(cluster.address) as client:  # given by address: its workers may be other machines
        assert not is_local(client)
    with connected(workers=1) as client:
        assert is_local(client)


def test_the_command_renders_on_a_scheduler_reading_the_run_from_a_shared_folder(cluster, run, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    run.save(tmp_path / "run.npz")
    shared = tmp_path / "shared"
    shared.mkdir()
    result = CliRunner().invoke(main, ["render", "explainer", "--run", "run.npz", "--chapters", "data,summary",
                                       "--quality", "low", "--voice", "none", "--scheduler", cluster.address,
                                       "--shared-dir", str(shared), "--output", "there.mp4"])
    assert result.exit_code == 0, result.output
    # The CLI renders at 480p15, the check at 160x90 and the same frame rate (each animation rounds to
    # whole frames, so lengths compare only at one rate).
    here = explainer_on(None, run, tmp_path / "here.mp4", ("data", "summary"), fps=15)
    frames_there, frames_here = read_video(tmp_path / "there.mp4")[0], read_video(here.path)[0]
    assert len(frames_there) == len(frames_here)
    assert list(shared.iterdir()) == []  # the run put there for the workers is taken back


def _spans(seconds: float) -> tuple[float, float]:
    started = time.monotonic()
    time.sleep(seconds)
    return started, time.monotonic()


@pytest.mark.parametrize("threads", [1, 2])
def test_tasks_are_handed_out_in_order_as_threads_free_up(threads):
    """The pool's way on any cluster: never more tasks placed than threads to run them, in the order given
    (the heaviest chapter first), the next as one finishes; so no task waits on a busy worker."""
    from distributed import Client, LocalCluster

    from scenes.output.cluster import handed_out

    lengths = [0.6, 0.1, 0.3, 0.1, 0.2]
    with LocalCluster(n_workers=1, threads_per_worker=threads, processes=False, dashboard_address=":0") as local, \
            Client(local, set_as_default=False) as client:
        futures, placed = [], []  # tasks on the cluster and not done, counted as each is submitted

        def submit(index):
            futures.append(client.submit(_spans, lengths[index], pure=False, key=f"span-{index}"))
            placed.append(sum(not future.done() for future in futures))
            return futures[-1]

        finished = [(index, *future.result()) for index, future in handed_out(client, range(len(lengths)), submit)]
    assert max(placed) == threads
    starts = sorted(finished, key=lambda span: span[1])
    assert [index for index, _, _ in starts] == list(range(len(lengths)))  # started in the order given
    ends = sorted(end for _, _, end in finished)
    # no more running at once than threads: each start comes after all but (threads - 1) earlier ends
    for number, (_, start, _) in enumerate(starts[threads:], start=threads):
        assert start >= ends[number - threads] - 0.05


def test_closing_what_is_handed_out_cancels_the_tasks_still_running():
    from distributed import Client, LocalCluster

    from scenes.output.cluster import handed_out

    with LocalCluster(n_workers=1, threads_per_worker=2, processes=False, dashboard_address=":0") as local, \
            Client(local, set_as_default=False) as client:
        submitted = []
        finished = handed_out(client, [0.05, 5.0, 5.0], lambda seconds: submitted.append(
            client.submit(_spans, seconds, pure=False)) or submitted[-1])
        next(finished)  # the short one; the two long ones are running
        finished.close()
        assert len(submitted) == 3
        deadline = time.monotonic() + 5
        while any(future.status != "cancelled" for future in submitted[1:]) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert [future.status for future in submitted] == ["finished", "cancelled", "cancelled"]
