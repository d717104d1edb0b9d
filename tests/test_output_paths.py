"""Output paths: nothing but a regular file or a new path is ever written; checks come before any work.

Special files are made in a temporary folder (a FIFO with os.mkfifo, a socket by
binding one): never aim these tests at /dev.
"""
import os
import socket
import stat
import subprocess
import sys
import time

import pytest
from click.testing import CliRunner

import nnscratch
from cli import main
from nnscratch.files import OutputPathError, atomic_file, check_output_path, remove_leftovers, work_folder

COMMANDS = {
    "train": (["train", "--epochs", "5"], "--out", ".npz"),
    "network": (["render", "network", "--epochs", "5", "--quality", "low"], "--output", ".mp4"),
    "forward": (["render", "forward", "--epochs", "5", "--quality", "low"], "--output", ".mp4"),
    "training": (["render", "training", "--epochs", "5", "--quality", "low"], "--output", ".mp4"),
    "data": (["render", "data", "--epochs", "5", "--quality", "low"], "--output", ".mp4"),
}


def make_special(kind: str, path):
    """A file of ``kind`` at ``path``; returns a function that says whether it is still there, unchanged."""
    if kind == "fifo":
        os.mkfifo(path)
        return lambda: stat.S_ISFIFO(os.lstat(path).st_mode)
    if kind == "folder":
        path.mkdir()
        return lambda: path.is_dir() and list(path.iterdir()) == []
    if kind == "socket":
        server = socket.socket(socket.AF_UNIX)
        server.bind(str(path))
        return lambda: stat.S_ISSOCK(os.lstat(path).st_mode)
    if kind in ("link", "dangling link"):
        target = path.parent / f"target{path.suffix}"
        if kind == "link":
            target.write_bytes(b"keep me")
        path.symlink_to(target)
        return lambda: path.is_symlink() and (kind != "link" or target.read_bytes() == b"keep me") \
            and (kind == "link" or not target.exists())
    raise ValueError(kind)


@pytest.fixture
def runner(monkeypatch):
    # Any training before the checks fail would be a bug: make it loud.
    def no_training(*args, **kwargs):
        raise AssertionError("trained before refusing the output")

    monkeypatch.setattr(nnscratch, "record_run", no_training)
    return CliRunner()


def one_error_line(result, code=2) -> str:
    assert result.exit_code == code, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error:"), result.output
    assert "Traceback" not in result.output
    return lines[0]


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("kind", ["fifo", "folder", "socket", "link", "dangling link"])
def test_special_files_are_refused_with_exit_2_and_left_alone(runner, tmp_path, monkeypatch, command, kind):
    monkeypatch.chdir(tmp_path)
    args, option, suffix = COMMANDS[command]
    path = tmp_path / f"out{suffix}"
    unchanged = make_special(kind, path)
    before = sorted(os.listdir(tmp_path))
    line = one_error_line(runner.invoke(main, [*args, option, str(path)]))
    expected = {"fifo": "it is a FIFO", "folder": "it is a folder", "socket": "it is a socket",
                "link": "it is a symbolic link", "dangling link": "it is a symbolic link"}[kind]
    assert expected in line and "replaces only regular files" in line
    assert unchanged()
    assert sorted(os.listdir(tmp_path)) == before


@pytest.mark.parametrize("command", ["network", "forward", "training"])
def test_a_special_file_where_the_captions_would_go_is_refused(runner, tmp_path, monkeypatch, command):
    monkeypatch.chdir(tmp_path)
    args, option, _ = COMMANDS[command]
    os.mkfifo(tmp_path / "video.srt")
    line = one_error_line(runner.invoke(main, [*args, option, "video.mp4"]))
    assert "video.srt: it is a FIFO" in line
    assert sorted(os.listdir(tmp_path)) == ["video.srt"]


@pytest.mark.parametrize("command", COMMANDS)
def test_a_special_file_at_the_default_output_is_refused(runner, tmp_path, monkeypatch, command):
    monkeypatch.chdir(tmp_path)
    args, _, suffix = COMMANDS[command]
    default = tmp_path / ("run.npz" if command == "train" else
                          f"media/videos/{'forward_pass' if command == 'forward' else command}.mp4")
    default.parent.mkdir(parents=True, exist_ok=True)
    os.mkfifo(default)
    line = one_error_line(runner.invoke(main, args))
    assert "it is a FIFO" in line
    assert stat.S_ISFIFO(os.lstat(default).st_mode)


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("name, message", [
    ("missing/out{suffix}", "the folder {tmp}/missing does not exist"),
    ("file.txt/out{suffix}", "{tmp}/file.txt is not a folder"),
    ("{long}{suffix}", "the file name is 304 bytes long, at most 255 fit"),
    ("out.txt", "the file name must end in {suffix}"),
])
def test_impossible_outputs_are_refused_before_any_work(runner, tmp_path, monkeypatch, command, name, message):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "file.txt").write_text("keep")
    args, option, suffix = COMMANDS[command]
    path = name.format(suffix=suffix, long="a" * 300)
    line = one_error_line(runner.invoke(main, [*args, option, str(tmp_path / path)]))
    assert message.format(tmp=tmp_path, suffix=suffix) in line
    assert sorted(os.listdir(tmp_path)) == ["file.txt"]


def test_a_regular_file_is_replaced_and_gets_the_umask(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "old.npz").write_text("an older run")
    previous = os.umask(0o027)
    try:
        result = CliRunner().invoke(main, ["train", "--epochs", "5", "--out", "old.npz"])
    finally:
        os.umask(previous)
    assert result.exit_code == 0, result.output
    assert nnscratch.TrainingHistory.load(tmp_path / "old.npz").epochs == 5
    assert stat.S_IMODE(os.stat(tmp_path / "old.npz").st_mode) == 0o640
    assert os.listdir(tmp_path) == ["old.npz"]


def test_check_output_path_directly(tmp_path):
    assert check_output_path(tmp_path / "new.npz", ".npz") == tmp_path / "new.npz"
    (tmp_path / "plain.npz").write_bytes(b"")
    assert check_output_path(tmp_path / "plain.npz", ".npz") == tmp_path / "plain.npz"
    with pytest.raises(OutputPathError, match="must end in .npz"):
        check_output_path(tmp_path / "x.NPZ.txt", ".npz")
    with pytest.raises(OutputPathError, match="not a file name"):
        check_output_path(tmp_path / "..")


def test_the_destination_is_checked_again_when_the_work_is_done(tmp_path):
    target = tmp_path / "run.npz"
    with pytest.raises(OutputPathError, match="it is a FIFO"):
        with atomic_file(target) as stream:
            stream.write(b"data")
            os.mkfifo(target)  # appears while the work runs
    assert stat.S_ISFIFO(os.lstat(target).st_mode)
    assert os.listdir(tmp_path) == ["run.npz"]


def test_an_interrupted_write_leaves_nothing(tmp_path):
    with pytest.raises(KeyboardInterrupt):
        with atomic_file(tmp_path / "run.npz") as stream:
            stream.write(b"half")
            raise KeyboardInterrupt
    with pytest.raises(KeyboardInterrupt):
        with work_folder(tmp_path / "video.mp4") as folder:
            (folder / "piece.mp4").write_bytes(b"partial")
            raise KeyboardInterrupt
    assert os.listdir(tmp_path) == []


def test_leftovers_of_dead_processes_are_removed_and_live_ones_kept(tmp_path):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True, check=True)
    dead_pid = int(dead.stdout)
    alive = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        (tmp_path / f".nnscratch-{dead_pid}-abc123.part").write_bytes(b"x" * 100)
        (tmp_path / f".nnscratch-{dead_pid}-def456.render").mkdir()
        (tmp_path / f".nnscratch-{dead_pid}-def456.render" / "piece.mp4").write_bytes(b"x")
        (tmp_path / f".nnscratch-{alive.pid}-ghi789.part").write_bytes(b"x")
        (tmp_path / f".nnscratch-{os.getpid()}-jkl012.render").mkdir()
        (tmp_path / ".nnscratch-notes.txt").write_text("not ours to remove")
        (tmp_path / "user.part").write_text("not ours either")
        removed = remove_leftovers(tmp_path)
        assert sorted(p.name for p in removed) == [f".nnscratch-{dead_pid}-abc123.part",
                                                  f".nnscratch-{dead_pid}-def456.render"]
        assert sorted(os.listdir(tmp_path)) == sorted([f".nnscratch-{alive.pid}-ghi789.part",
                                                       f".nnscratch-{os.getpid()}-jkl012.render",
                                                       ".nnscratch-notes.txt", "user.part"])
    finally:
        alive.kill()
        alive.wait()


def nnscratch_process(args, cwd):
    return subprocess.Popen([sys.executable, "-m", "cli", *args], cwd=cwd, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONPATH": os.path.dirname(os.path.dirname(__file__))})


def wait_for(condition, timeout=120.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return False


@pytest.mark.parametrize("signum", [15, 1, 2])
def test_a_signal_during_training_stops_cleanly(tmp_path, signum):
    process = nnscratch_process(["train", "--layers", "4,64,64,1", "--epochs", "1000000", "--out", "run.npz"],
                                tmp_path)
    time.sleep(2.0)
    process.send_signal(signum)
    out, err = process.communicate(timeout=60)
    name = {15: "SIGTERM", 1: "SIGHUP", 2: "SIGINT"}[signum]
    assert process.returncode == 128 + signum
    assert err.strip().splitlines() == [f"Stopped by {name}: nothing was written."]
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize("signum", [15, 1])
def test_a_signal_while_the_run_file_is_written_leaves_no_part_file(tmp_path, signum):
    # A wide layer makes a run file of about 40 MB, which takes long enough to write to be caught mid-way.
    process = nnscratch_process(["train", "--layers", "784,32,2", "--epochs", "400", "--samples", "40",
                                 "--out", "run.npz"], tmp_path)
    seen = wait_for(lambda: any(name.endswith(".part") for name in os.listdir(tmp_path)))
    process.send_signal(signum)
    process.communicate(timeout=60)
    assert seen, "the run file was never being written"
    assert process.returncode == 128 + signum
    assert os.listdir(tmp_path) == []


@pytest.fixture(scope="module")
def saved_run(tmp_path_factory):
    path = tmp_path_factory.mktemp("saved") / "run.npz"
    result = CliRunner().invoke(main, ["train", "--out", str(path)])  # the default run, which learns
    assert result.exit_code == 0, result.output
    return path


def render_process(saved_run, folder, duration="120"):
    return nnscratch_process(["render", "training", "--run", str(saved_run), "--quality", "low",
                              "--duration", duration, "--output", "video.mp4"], folder)


def rendering(folder) -> bool:
    """Whether a render in ``folder`` has written a piece of video into its work folder."""
    return any(name.endswith(".render") and any(p.suffix == ".mp4" for p in (folder / name).rglob("*"))
               for name in os.listdir(folder))


@pytest.mark.slow
@pytest.mark.parametrize("signum", [15, 1])
def test_a_signal_during_a_render_leaves_nothing(saved_run, tmp_path, signum):
    process = render_process(saved_run, tmp_path)
    seen = wait_for(lambda: rendering(tmp_path))
    process.send_signal(signum)
    out, err = process.communicate(timeout=120)
    assert seen, "the render never started"
    assert process.returncode == 128 + signum, err
    assert err.strip().splitlines()[-1].startswith("Stopped by SIG")
    assert "Traceback" not in err
    assert os.listdir(tmp_path) == []


@pytest.mark.slow
def test_what_a_killed_render_left_is_removed_by_the_next_run(saved_run, tmp_path):
    process = render_process(saved_run, tmp_path)
    assert wait_for(lambda: rendering(tmp_path))
    process.kill()
    process.communicate(timeout=60)
    left = os.listdir(tmp_path)
    assert len(left) == 1 and left[0].endswith(".render")
    process = render_process(saved_run, tmp_path, duration="8")
    out, err = process.communicate(timeout=300)
    assert process.returncode == 0, err
    assert sorted(os.listdir(tmp_path)) == ["video.mp4", "video.srt"]


@pytest.mark.slow
@pytest.mark.parametrize("limit_kb, message", [
    (2, "could not be written (is the disk full?)"),  # the text outlines Manim writes as SVG
    (50, "File too large"),  # the pieces of video
])
def test_a_file_system_that_refuses_writes_ends_in_one_line(saved_run, tmp_path, limit_kb, message):
    # A file-size limit makes every write past it fail as a full disk would, without filling one.
    import resource
    import signal

    def limit():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit_kb * 1024, limit_kb * 1024))

    result = subprocess.run([sys.executable, "-m", "cli", "render", "training", "--run", str(saved_run),
                             "--quality", "low", "--duration", "8", "--output", "video.mp4"], cwd=tmp_path,
                            preexec_fn=limit, capture_output=True, text=True,
                            env={**os.environ, "PYTHONPATH": os.path.dirname(os.path.dirname(__file__))})
    assert result.returncode == 1, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: cannot write video.mp4: ") and message in lines[0]
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize("make, message", [
    (lambda d: (d / "media").write_text("a file"), "media is not a folder"),
    (lambda d: ((d / "media").mkdir(), (d / "media" / "videos").write_text("a file")), "videos is not a folder"),
    (lambda d: ((d / "media").mkdir(), (d / "media" / "videos").symlink_to(d / "nowhere")), "is a link to nothing"),
    (lambda d: os.mkfifo(d / "media"), "media is not a folder"),
])
def test_an_unusable_default_folder_is_refused_before_training(runner, tmp_path, monkeypatch, make, message):
    monkeypatch.chdir(tmp_path)
    make(tmp_path)
    before = sorted(os.listdir(tmp_path))
    line = one_error_line(runner.invoke(main, ["render", "training", "--epochs", "100000"]))
    assert line.startswith("Error: Invalid value for '--output': cannot write into media/videos: ") and message in line
    assert sorted(os.listdir(tmp_path)) == before


@pytest.mark.parametrize("name, message", [
    ("", "'' is not a file name"),
    ("run.npz/", "'run.npz/' is not a file name"),
    ("a\nb.npz", "saved a\\nb.npz"),
])
def test_odd_names_give_one_line(tmp_path, monkeypatch, name, message):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["train", "--epochs", "5", "--out", name])
    if name == "a\nb.npz":  # a legal name with a newline in it: written, and its summary is one line
        assert result.exit_code == 0 and result.stdout.count("\n") == 1 and message in result.stdout
        return
    line = one_error_line(result)
    assert message in line


def test_a_newline_in_a_missing_folder_stays_on_one_line(runner, tmp_path):
    line = one_error_line(runner.invoke(main, ["train", "--out", str(tmp_path / "no\nsuch" / "run.npz")]))
    assert "no\\nsuch" in line


def test_a_read_only_file_is_not_replaced_even_by_root(runner, tmp_path):
    target = tmp_path / "kept.npz"
    target.write_text("read-only")
    target.chmod(0o444)
    line = one_error_line(runner.invoke(main, ["train", "--out", str(target)]))
    assert "the file is read-only" in line and target.read_text() == "read-only"


def test_a_deleted_working_folder_is_one_line(tmp_path):
    gone = tmp_path / "gone"
    gone.mkdir()
    process = subprocess.run(
        [sys.executable, "-c", f"import os, sys; os.chdir({str(gone)!r}); os.rmdir({str(gone)!r}); "
                               "sys.argv = ['nnscratch', 'train', '--out', 'x.npz']; "
                               f"sys.path.insert(0, {os.path.dirname(os.path.dirname(os.path.abspath(__file__)))!r}); "
                               "import cli; cli.main()"],
        capture_output=True, text=True)
    assert process.returncode == 2
    assert process.stderr.strip() == ("Error: Invalid value for '--out': cannot write x.npz: "
                                      "the current folder no longer exists")


def test_replaying_a_run_onto_itself_is_refused(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    assert runner.invoke(main, ["train", "--epochs", "5", "--out", "run.npz"]).exit_code == 0
    os.rename("run.npz", "w.mp4")
    line = one_error_line(runner.invoke(main, ["render", "network", "--run", "w.mp4", "--output", "w.mp4"]))
    assert "w.mp4 is a run file being replayed" in line
    os.rename("w.mp4", "v.srt")
    line = one_error_line(runner.invoke(main, ["render", "network", "--run", "v.srt", "--output", "v.mp4"]))
    assert "v.srt is a run file being replayed" in line
    assert nnscratch.TrainingHistory.load(tmp_path / "v.srt").epochs == 5


def test_publishing_is_all_or_nothing(tmp_path):
    from nnscratch.files import publish

    captions, video = tmp_path / ".c.part", tmp_path / ".v.part"
    captions.write_text("captions")
    video.write_text("video")
    (tmp_path / "out.mp4").mkdir()  # the video's place is taken while the render ran
    with pytest.raises(OutputPathError, match="it is a folder"):
        publish((captions, tmp_path / "out.srt"), (video, tmp_path / "out.mp4"))
    assert not (tmp_path / "out.srt").exists()


@pytest.mark.parametrize("signum", [2, 15])
def test_a_signal_while_starting_is_one_line(tmp_path, signum):
    # The program's own process, stopped after its imports and before its command runs: the
    # window is a fraction of a second in real use, so the signal is sent from inside it here.
    code = ("import sys; sys.argv[0] = 'nnscratch'; import cli, os, time; "
            f"os.kill(os.getpid(), {signum}); time.sleep(30)")
    process = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=60,
                             env={**os.environ, "PYTHONPATH": os.path.dirname(os.path.dirname(__file__))})
    name = {2: "SIGINT", 15: "SIGTERM"}[signum]
    assert process.returncode == 128 + signum
    assert process.stderr.strip().splitlines() == [f"Stopped by {name}: nothing was written."]
    assert os.listdir(tmp_path) == []


def test_running_out_of_memory_is_one_line(tmp_path, monkeypatch):
    def exhausted(*args, **kwargs):
        raise MemoryError

    monkeypatch.setattr(nnscratch, "record_run", exhausted)
    result = CliRunner().invoke(main, ["train", "--out", str(tmp_path / "run.npz")])
    assert result.exit_code == 1
    assert result.output.strip() == "Error: out of memory: this run needs more than the machine (or its limits) gives"


@pytest.mark.slow
def test_a_failed_render_takes_back_the_folders_it_made(saved_run, tmp_path):
    import resource
    import signal

    def limit():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (50 * 1024, 50 * 1024))

    result = subprocess.run([sys.executable, "-m", "cli", "render", "network", "--run", str(saved_run),
                             "--quality", "low", "--voice", "none"], cwd=tmp_path, preexec_fn=limit,
                            capture_output=True, text=True,
                            env={**os.environ, "PYTHONPATH": os.path.dirname(os.path.dirname(__file__))})
    assert result.returncode == 1 and len(result.stderr.strip().splitlines()) == 1
    assert os.listdir(tmp_path) == []


@pytest.mark.slow
def test_warnings_made_errors_do_not_make_a_traceback(saved_run, tmp_path):
    result = subprocess.run([sys.executable, "-m", "cli", "render", "network", "--run", str(saved_run),
                             "--quality", "low", "--fps", "5", "--voice", "none", "--output", "n.mp4"], cwd=tmp_path,
                            capture_output=True, text=True,
                            env={**os.environ, "PYTHONWARNINGS": "error",
                                 "PYTHONPATH": os.path.dirname(os.path.dirname(__file__))})
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
