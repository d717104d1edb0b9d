"""`nnscratch render` end to end through CliRunner, bad inputs included."""
import numpy as np
import pytest
from click.testing import CliRunner

from cli import main
from tests.frames import caption_text, read_video


@pytest.fixture
def runner():
    return CliRunner()


@pytest.fixture(scope="module")
def run_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("run") / "run.npz"
    result = CliRunner().invoke(main, ["train", "--epochs", "60", "--out", str(path)])
    assert result.exit_code == 0, result.output
    return path


@pytest.mark.slow
def test_render_training_writes_the_video_and_one_summary_line(runner, tmp_path):
    out = tmp_path / "training.mp4"
    result = runner.invoke(main, ["render", "training", "--epochs", "80", "--quality", "low", "--duration", "4",
                                  "--output", str(out)])
    assert result.exit_code == 0, result.output
    summary = result.stdout.strip().splitlines()[-1]
    seconds = float(summary.split("(")[1].split(" s,")[0])
    assert summary.startswith(f"wrote {out} (") and "854x480 at 15 fps" in summary
    assert "it/s" not in result.stderr  # no progress bars when stderr is not a terminal
    frames, fps, width, height = read_video(out)
    assert (width, height) == (854, 480) and fps == pytest.approx(15, abs=0.01)
    assert abs(len(frames) - 15 * seconds) <= 2
    assert out.with_suffix(".srt").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["training.mp4", "training.srt"]


@pytest.mark.slow
def test_render_forward_replays_a_saved_run_with_a_custom_input(runner, run_file, tmp_path):
    out = tmp_path / "forward.mp4"
    result = runner.invoke(main, ["render", "forward", "--run", str(run_file), "--input", "0.1,0.2,0.3,0.4",
                                  "--quality", "low", "--fps", "5", "--output", str(out)])
    assert result.exit_code == 0, result.output
    assert "training" not in result.output.splitlines()[0]  # no training happened
    frames, fps, width, height = read_video(out)
    assert (width, height) == (854, 480) and fps == pytest.approx(5, abs=0.01)
    assert "Your input: 0.10, 0.20, 0.30, 0.40" in caption_text(out.with_suffix(".srt").read_text())


@pytest.mark.slow
def test_render_network_default_output_goes_under_media(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(main, ["render", "network", "--epochs", "5", "--quality", "low", "--fps", "5"])
    assert result.exit_code == 0, result.output
    video = tmp_path / "media" / "videos" / "network.mp4"
    assert video.exists() and "wrote media/videos/network.mp4" in result.output
    assert [p.name for p in (tmp_path / "media" / "videos").iterdir() if p.name.startswith(".")] == []


def test_run_file_with_training_options_is_refused(runner, run_file, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(main, ["render", "training", "--run", str(run_file), "--epochs", "9"])
    assert result.exit_code == 2
    assert "--run replays a saved run, so --epochs has no effect" in result.output
    result = runner.invoke(main, ["render", "forward", "--run", str(run_file), "--input", "1,2"])
    assert result.exit_code == 2 and "2 values for an input layer of 4" in result.output
    assert list(tmp_path.iterdir()) == []


def test_missing_or_broken_run_file_exits_1(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(main, ["render", "training", "--run", "missing.npz"])
    assert result.exit_code == 1 and result.output.strip() == "Error: missing.npz: no such run file"
    (tmp_path / "bad.npz").write_text("nope")
    result = runner.invoke(main, ["render", "forward", "--run", "bad.npz"])
    assert result.exit_code == 1 and "not an .npz archive" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.npz"]


def test_unwritable_output_folder_exits_2(runner, run_file, tmp_path):
    result = runner.invoke(main, ["render", "training", "--run", str(run_file),
                                  "--output", str(tmp_path / "nope" / "t.mp4")])
    assert result.exit_code == 2 and "does not exist" in result.output


@pytest.mark.parametrize("command", [["render"], ["render", "network"], ["render", "forward"], ["render", "training"],
                                     ["render", "features"]])
def test_render_help_has_examples_and_version(runner, command):
    result = runner.invoke(main, [*command, "--help"])
    assert result.exit_code == 0 and "Example:" in result.output
    assert runner.invoke(main, [*command, "--version"]).output.strip() == "nnscratch, version 0.1.0"


@pytest.mark.slow
@pytest.mark.parametrize("scene", ["network", "forward", "training", "backprop", "descent"])
def test_still_writes_one_frame_as_a_png(runner, run_file, tmp_path, scene):
    from PIL import Image

    out = tmp_path / f"{scene}.png"
    result = runner.invoke(main, ["render", scene, "--run", str(run_file), "--still", "--quality", "low",
                                  "--output", str(out)])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"wrote {out} (the frame at ")
    with Image.open(out) as image:
        assert image.size == (854, 480)
        assert np.asarray(image.convert("L")).mean() > 2  # something is drawn
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"{scene}.png"]


@pytest.mark.slow
def test_still_at_a_time_stops_with_the_sentence_then_on_screen(runner, run_file, tmp_path):
    early = tmp_path / "early.png"
    result = runner.invoke(main, ["render", "network", "--run", str(run_file), "--still", "--at", "3",
                                  "--quality", "low", "--output", str(early)])
    assert result.exit_code == 0, result.output
    seconds = float(result.stdout.split("the frame at ")[1].split(" s")[0])
    assert 3 <= seconds < 12  # the end of the first sentence, well before the video's end


@pytest.mark.parametrize("args, message", [
    (["--still", "--output", "x.mp4"], "x.mp4: the file name must end in .png"),
    (["--at", "3"], "--at picks the frame of a still; add --still"),
    (["--still", "--at", "nan"], "--at must be a finite number between 0 and 3600, got nan"),
])
def test_bad_still_options_exit_2(runner, tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(main, ["render", "network", *args])
    assert result.exit_code == 2 and message in result.output
    assert list(tmp_path.iterdir()) == []
