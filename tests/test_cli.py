"""The CLI through click's CliRunner: happy paths, and every bad value refused with exit 2."""
import subprocess
import sys

import pytest
from click.testing import CliRunner

from cli import main
from nnscratch import TrainingHistory


@pytest.fixture
def runner():
    return CliRunner()


def test_train_saves_a_run_and_prints_one_summary_line(runner, tmp_path):
    out = tmp_path / "run.npz"
    result = runner.invoke(main, ["train", "--epochs", "40", "--out", str(out)])
    assert result.exit_code == 0, result.output
    summary = result.stdout.strip().splitlines()
    assert len(summary) == 1
    assert "40 epochs" in summary[0] and "accuracy" in summary[0] and str(out) in summary[0]
    history = TrainingHistory.load(out)
    assert history.layer_sizes == [4, 6, 4, 1] and history.epochs == 40
    assert history.metadata["dataset"]["name"] == "sample"


def test_train_options_reach_the_run(runner, tmp_path):
    out = tmp_path / "spiral.npz"
    args = ["train", "--layers", "2,5,3,1", "--activation", "tanh", "--init", "he", "--dataset", "spiral",
            "--samples", "80", "--noise", "0.1", "--test-fraction", "0.25", "--epochs", "7", "--lr", "0.05",
            "--batch-size", "16", "--optimizer", "adam", "--l1", "0.001", "--l2", "0.002", "--probe", "3",
            "--seed", "11", "--out", str(out)]
    result = runner.invoke(main, args)
    assert result.exit_code == 0, result.output
    meta = TrainingHistory.load(out).metadata
    assert meta["layer_sizes"] == [2, 5, 3, 1]
    assert (meta["activation"], meta["weight_init"], meta["optimizer"]) == ("tanh", "he", "adam")
    assert (meta["learning_rate"], meta["batch_size"], meta["l1"], meta["l2"]) == (0.05, 16, 0.001, 0.002)
    assert (meta["seed"], meta["epochs"], meta["probe_index"]) == (11, 7, 3)
    assert meta["dataset"] == {"name": "spiral", "samples": 80, "noise": 0.1, "test_fraction": 0.25}


def test_cli_runs_are_byte_identical(runner, tmp_path):
    for name in ("a.npz", "b.npz"):
        assert runner.invoke(main, ["train", "--epochs", "20", "--out", str(tmp_path / name)]).exit_code == 0
    assert (tmp_path / "a.npz").read_bytes() == (tmp_path / "b.npz").read_bytes()


def test_info_describes_a_run(runner, tmp_path):
    out = tmp_path / "run.npz"
    runner.invoke(main, ["train", "--epochs", "15", "--out", str(out)])
    result = runner.invoke(main, ["info", str(out)])
    assert result.exit_code == 0, result.output
    history = TrainingHistory.load(out)
    assert "[4, 6, 4, 1] (63 parameters)" in result.output
    assert "15 (16 snapshots)" in result.output
    assert f"loss {history.train_loss[-1]:.4f}" in result.output


def test_divergence_exits_1_with_one_line_and_no_file(runner, tmp_path, monkeypatch):
    import nnscratch

    def diverge(*args, **kwargs):
        raise nnscratch.DivergenceError("training diverged at epoch 3: the loss became inf; try a smaller learning rate")

    monkeypatch.setattr(nnscratch, "record_run", diverge)
    out = tmp_path / "run.npz"
    result = runner.invoke(main, ["train", "--out", str(out)])
    assert result.exit_code == 1
    assert result.output.strip().splitlines()[-1] == (
        "Error: training diverged at epoch 3: the loss became inf; try a smaller learning rate")
    assert not out.exists()


def test_real_divergence_through_the_cli(runner, tmp_path):
    out = tmp_path / "run.npz"
    result = runner.invoke(main, ["train", "--activation", "relu", "--init", "random", "--lr", "1e6",
                                  "--layers", "4,32,32,1", "--epochs", "300", "--out", str(out)])
    assert result.exit_code == 1, result.output
    assert "diverged at epoch" in result.output and "smaller learning rate" in result.output
    assert "Traceback" not in result.output
    assert not out.exists()


def test_unwritable_output_exits_2_before_training(runner, tmp_path):
    result = runner.invoke(main, ["train", "--out", str(tmp_path / "missing" / "run.npz")])
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        f"Error: Invalid value for '--out': cannot write {tmp_path / 'missing' / 'run.npz'}: "
        f"the folder {tmp_path / 'missing'} does not exist"]


@pytest.mark.parametrize("content, message", [
    (b"", "not an .npz archive"), (b"PK\x03\x04garbage", "not a readable nnscratch run file"),
])
def test_info_on_bad_files_exits_1_with_one_line(runner, tmp_path, content, message):
    path = tmp_path / "bad.npz"
    path.write_bytes(content)
    result = runner.invoke(main, ["info", str(path)])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and message in lines[0] and str(path) in lines[0]


def test_info_on_a_missing_file(runner, tmp_path):
    result = runner.invoke(main, ["info", str(tmp_path / "gone.npz")])
    assert result.exit_code == 1 and "no such run file" in result.output


@pytest.mark.parametrize("command", [[], ["train"], ["info"]])
def test_help_has_an_example_and_version_works_everywhere(runner, command):
    result = runner.invoke(main, [*command, "--help"])
    assert result.exit_code == 0 and "Example:" in result.output and "nnscratch" in result.output
    version = runner.invoke(main, [*command, "--version"])
    assert version.exit_code == 0 and version.output.strip() == "nnscratch, version 0.1.0"


def test_importing_the_core_does_not_import_manim():
    code = "import sys, nnscratch; nnscratch.NeuralNetwork([2, 1]); print('manim' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"
