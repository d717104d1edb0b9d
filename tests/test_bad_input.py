"""Every bad option, for every command: one line, exit 2, before any work; divergence and memory refused."""
import os
import re
import subprocess
import sys
import tracemalloc

import numpy as np
import pytest
from click.testing import CliRunner

import nnscratch
from cli import main
from nnscratch import DivergenceError, NeuralNetwork, RunSpec, checks, record_run, train
from nnscratch.checks import MEMORY_LIMIT, training_memory
from nnscratch.recorder import DIVERGENCE_FACTOR, EXPLOSION_FACTOR, DivergenceWatch, snapshot_schedule
from nnscratch.verdict import tail_length

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
COMMANDS = {"train": ["train"], "network": ["render", "network"], "forward": ["render", "forward"],
            "training": ["render", "training"], "backprop": ["render", "backprop"], "data": ["render", "data"],
            "explainer": ["render", "explainer", "--dataset", "sample"]}  # its own default is the digits

BAD_TRAINING_OPTIONS = [
    (["--lr", "nan"], "the learning rate must be a finite number > 0 and <= 1e+06, got nan"),
    (["--lr", "inf"], "the learning rate must be a finite number > 0 and <= 1e+06, got inf"),
    (["--lr", "1e308"], "the learning rate must be a finite number > 0 and <= 1e+06, got 1e+308"),
    (["--lr", "-1"], "the learning rate must be a finite number > 0 and <= 1e+06, got -1"),
    (["--lr", "0"], "the learning rate must be a finite number > 0 and <= 1e+06, got 0"),
    (["--lr", "1_0"], "'1_0' is not a number"),
    (["--lr", "fast"], "'fast' is not a number"),
    (["--noise", "nan"], "--noise must be a finite number between 0 and 5, got nan"),
    (["--noise", "-inf"], "--noise must be a finite number between 0 and 5, got -inf"),
    (["--noise", "6"], "--noise must be a finite number between 0 and 5, got 6"),
    (["--noise", "5.0000000000001"], "--noise must be a finite number between 0 and 5, got 5.0000000000001"),
    (["--test-fraction", "nan"], "--test-fraction must be a finite number >= 0 and < 1, got nan"),
    (["--test-fraction", "1"], "--test-fraction must be a finite number >= 0 and < 1, got 1"),
    (["--samples", "4", "--test-fraction", "0.99"], "a test fraction of 0.99 of 4 samples leaves 0 to train on, "
                                                    "fewer than the 4 that 2 classes need (2 each); use at least 400 "
                                                    "samples or a smaller test fraction"),
    (["--samples", "4", "--test-fraction", "0.1"], "a test fraction of 0.1 of 4 samples keeps none apart to test; "
                                                   "use more samples, or a test fraction of 0 for no test part"),
    (["--l1", "nan"], "--l1 must be a finite number between 0 and 1000, got nan"),
    (["--l1", "inf"], "--l1 must be a finite number between 0 and 1000, got inf"),
    (["--l1", "1e38"], "--l1 must be a finite number between 0 and 1000, got 1e+38"),
    (["--l2", "-1"], "--l2 must be a finite number between 0 and 1000, got -1"),
    (["--l2", "1e999"], "--l2 must be a finite number between 0 and 1000, got inf"),
    (["--lr", "\uff11"], "'\uff11' is not a number"),
    (["--epochs", "4_0"], "'4_0' is not a whole number written in digits"),
    (["--epochs", "+5"], "'+5' is not a whole number written in digits"),
    (["--epochs", "\uff14"], "'\uff14' is not a whole number written in digits"),
    (["--epochs", "\u0665"], "is not a whole number written in digits"),
    (["--seed", "\uff10"], "is not a whole number written in digits"),
    (["--epochs", "9" * 400], "is far too large"),
    (["--layers", "x" * 100_000], "'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...' is not a whole number"),
    (["--layers", "4_0,1"], "'4_0' is not a whole number"),
    (["--layers", "4,+6,1"], "'+6' is not a whole number"),
    (["--layers", "4.0,1"], "'4.0' is not a whole number"),
    (["--layers", "0x10,1"], "'0x10' is not a whole number"),
    (["--layers", "4,,1"], "empty layer size"),
    (["--layers", "4"], "at least an input and an output layer"),
    (["--layers", "4,0,1"], "between 1 and 10000"),
    (["--layers", ",".join(["4"] * 33)], "at most 32 layers"),
    (["--samples", "2"], "--samples"),
    (["--samples", "1e3"], "'1e3' is not a whole number written in digits"),
    (["--epochs", "0"], "--epochs"),
    (["--seed", "-1"], "--seed"),
    (["--batch-size", "0"], "--batch-size"),
    (["--probe", "500"], "there are 160 training samples, so the probe must be below 160"),
    (["--activation", "swish"], "'swish' is not one of"),
    (["--init", "zeros"], "'zeros' is not one of"),
    (["--dataset", "mnist"], "'mnist' is not one of"),
    (["--optimizer", "lbfgs"], "'lbfgs' is not one of"),
    (["--layers", "a"], "'a' is not a whole number"),
    (["--layers", "4,100000,1"], "between 1 and 10000"),
    (["--layers", "4,5000,5000,1"], "25,035,001 parameters is more than the 20,000,000 supported"),
    (["--epochs", "-5"], "--epochs"),
    (["--dataset", "spiral", "--layers", "4,8,1"],
     "the spiral dataset has 2 features, so the input layer must be 2 (got 4)"),
    (["--dataset", "digits", "--layers", "4,6,4,1"],
     "the digits dataset has 784 features, so the input layer must be 784 (got 4)"),
    (["--dataset", "digits", "--layers", "784,16,2"],
     "the digits dataset has 10 classes, so the output layer must be 10 (softmax), got 2"),
    (["--dataset", "digits", "--layers", "784,16,1"],
     "the digits dataset has 10 classes, so the output layer must be 10 (softmax), got 1"),
    (["--dataset", "digits", "--noise", "0.3"],
     "the digits are real scans and nnscratch adds no noise to them, so noise must be left out (or 0), got 0.3"),
    (["--dataset", "digits", "--samples", "20000"],
     "the digits dataset has 10,000 images, so the number of samples must be at most 10,000, got 20,000"),
    (["--dataset", "xor", "--layers", "2,4,5"],
     "the xor dataset has 2 classes, so the output layer must be 1 (sigmoid) or 2 (softmax), got 5"),
    (["--layers", "784,16,16,10"],
     "the sample dataset has 2 classes, so the output layer must be 1 (sigmoid) or 2 (softmax), got 10"),
    (["--layers", "10000,1999,1", "--epochs", "500"], "GiB of memory, more than the 4 GiB nnscratch allows"),
    (["--layers", "10000,1,1", "--samples", "100000"], "most of it is its data"),
    (["--seed", "1", "--seed", "2"], "--seed is given twice; give it once"),
]
BAD_RENDER_OPTIONS = {
    "network": [(["--quality", "8k"], "'8k' is not one of"), (["--fps", "0"], "--fps"),
                (["--format", "avi"], "'avi' is not one of"),
                (["--format", "gif", "--fps", "15"], "a GIF counts time in hundredths of a second"),
                (["--format", "gif", "--fps", "101"], "a GIF counts time in hundredths of a second"),
                (["--voice", "festival"], "'festival' is not one of"),
                (["--still", "--format", "gif"], "--format has no effect on a still, which is one PNG"),
                (["--still", "--fps", "120"], "--fps has no effect on a still, which is one PNG"),
                (["--still", "--voice", "piper"], "--voice has no effect on a still, which is one PNG"),
                (["--still", "--preview"], "--preview has no effect on a still, which is one PNG"),
                (["--still", "--at", "1e308"], "--at must be a finite number between 0 and 3600, got 1e+308"),
                (["--output", "a.mp4", "--output", "b.mp4"], "--output is given twice; give it once"),
                (["--quality", "low", "--quality=high"], "--quality is given twice; give it once")],
    "forward": [(["--input", "0.1,nan,0.3,0.4"], "each value must be a finite number between -100 and 100, got nan"),
                (["--input", "1e308,0,0,0"], "each value must be a finite number between -100 and 100, got 1e+308"),
                (["--input", "1,2,3"], "3 values for an input layer of 4"),
                (["--input", "1,,3,4"], "has an empty value"),
                (["--input", "1,2,3,4", "--sample", "1"], "not both"),
                (["--sample", "160"], "so --sample must be below 160"),
                (["--sample", "1_0"], "'1_0' is not a whole number written in digits")],
    "backprop": [(["--sample", "160"], "so --sample must be below 160"),
                 (["--epoch", "4_0"], "'4_0' is not a whole number written in digits"),
                 (["--epoch", "501"], "the run has 500 epochs, so --epoch must be at most 500")],
    "training": [(["--duration", "nan"], "--duration must be a finite number between 3 and 600, got nan"),
                 (["--duration", "2"], "--duration must be a finite number between 3 and 600, got 2")],
}
CASES = [(command, args, message) for command in COMMANDS for args, message in BAD_TRAINING_OPTIONS] + \
        [(command, args, message) for command, cases in BAD_RENDER_OPTIONS.items() for args, message in cases]


@pytest.mark.parametrize("command, args, message", CASES)
def test_bad_options_exit_2_with_one_line_before_any_work(tmp_path, monkeypatch, command, args, message):
    monkeypatch.chdir(tmp_path)

    def no_training(*_, **__):
        raise AssertionError("trained before refusing the options")

    monkeypatch.setattr(nnscratch, "record_run", no_training)
    prefix = COMMANDS[command][:2] if "--dataset" in args else COMMANDS[command]  # an option is given once
    result = CliRunner().invoke(main, [*prefix, *args])
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error:") and message in lines[0], result.output
    assert os.listdir(tmp_path) == []


# Texts Python's float() or int() (after str.isdigit()) would read, and no one means as a number.
NOT_DECIMALS = ["1_0", "\u0663", "\uff11", "\u00b2", "0x10", "1e", "--1", "\u0661.5", "one"]
NOT_WHOLE = ["4_0", "\u0663", "\uff14", "\u00b2", "+5", "4.0", "1e3", "0x10", "9" * 31]


@pytest.mark.parametrize(("option", "vary", "text"), [("--lr", "lr", text) for text in NOT_DECIMALS] +
                         [("--dropout", "dropout", text) for text in NOT_DECIMALS[:4]] +
                         [("--batch-size", "batch-size", text) for text in NOT_WHOLE])
def test_one_grammar_of_numbers_for_an_option_and_for_vary(tmp_path, monkeypatch, option, vary, text):
    monkeypatch.chdir(tmp_path)

    def no_training(*_, **__):
        raise AssertionError("trained before refusing the options")

    monkeypatch.setattr(nnscratch, "record_run", no_training)
    monkeypatch.setattr("nnscratch.comparison.record_runs", no_training)
    monkeypatch.setattr("cli.render_video", no_training)
    parse = checks.parse_whole if option == "--batch-size" else checks.parse_decimal
    with pytest.raises(ValueError) as refused:
        parse(text)
    said = []
    for args in (["train", option, text], ["render", "compare", "--vary", f"{vary}={text},4"]):
        result = CliRunner().invoke(main, args)
        lines = result.output.strip().splitlines()
        assert result.exit_code == 2 and len(lines) == 1 and str(refused.value) in lines[0], result.output
        said.append(lines[0].partition("': ")[2])
    assert said[0] == said[1] == str(refused.value)
    assert os.listdir(tmp_path) == []


def run_cli(*args, cwd):
    return subprocess.run([sys.executable, "-m", "cli", *args], cwd=cwd, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": ROOT}, timeout=300)


@pytest.mark.parametrize("args, pattern", [
    # One step this large must explode the loss: the first step's arithmetic, not a long run's chaos.
    (["--lr", "1e6"], r"training diverged at epoch 1: the loss exploded to [0-9.e+]+, over 100 times the 0\.7525 "
                      r"it started at; try a smaller learning rate than 1e\+06"),
    (["--l2", "1000"], r"training diverged at epoch 1: the regularization penalty exploded to [0-9.e+]+, over 100 "
                       r"times the 3078 it started at; try a smaller l1 or l2, or a smaller learning rate than 1"),
])
def test_divergence_is_one_line_exit_1_naming_the_epoch_and_cause(tmp_path, args, pattern):
    result = run_cli("train", *args, "--out", "run.npz", cwd=tmp_path)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and re.fullmatch(f"Error: {pattern}", lines[0]), lines  # no RuntimeWarning before it
    assert result.stdout == "" and os.listdir(tmp_path) == []


@pytest.mark.parametrize("args", [["--lr", "100"], ["--dataset", "moons", "--optimizer", "sgd", "--lr", "10"]])
def test_a_run_ending_far_above_its_start_exits_1_as_the_rule_says(tmp_path, args):
    """Large steps make a chaotic run, whose path differs between machines and numpy builds: the test
    does not pin it, but checks the command's verdict against the rule, from the same run in-process."""
    result = run_cli("train", *args, "--out", "run.npz", cwd=tmp_path)
    options = dict(zip(args[::2], args[1::2]))
    spec = RunSpec.for_dataset(options.get("--dataset", "sample"), learning_rate=float(options["--lr"]),
                               **({"optimizer": options["--optimizer"]} if "--optimizer" in options else {}))
    kept = record_run(spec, keep_diverged=True)
    losses = kept.train_loss.astype(float)
    window = tail_length(kept.epochs)
    if "diverged" in kept.metadata and kept.epochs == spec.epochs:  # ended far above, not stopped by explosion
        assert np.exp(np.log(losses[-window:]).mean()) > DIVERGENCE_FACTOR * losses[0]
        epoch = kept.metadata["diverged"]["epoch"]
        assert result.returncode == 1 and result.stdout == "" and os.listdir(tmp_path) == []
        assert result.stderr.strip().splitlines() == [f"Error: {kept.metadata['diverged']['cause']}"]
        assert re.fullmatch(rf"training diverged at epoch {epoch}: its loss has averaged over 4 times the "
                            rf"{losses[0]:.4g} it started at since then, (ending at|jumping between) .+; try a "
                            rf"smaller learning rate than {options['--lr']}", kept.metadata["diverged"]["cause"])
    elif "diverged" not in kept.metadata:
        assert np.exp(np.log(losses[-window:]).mean()) <= DIVERGENCE_FACTOR * losses[0]
        assert result.returncode == 0, result.stderr
    else:
        assert result.returncode == 1 and "exploded" in result.stderr


def test_a_training_part_of_one_class_is_refused_before_training(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    # 100 moons, 96 kept to test: the 4 to train on are all of one class for some seeds.
    seeds = [seed for seed in range(100)
             if len(np.unique(nnscratch.make_dataset("moons", 100, test_fraction=0.96, seed=seed).y_train)) == 1]
    assert seeds, "no seed draws one class: the case cannot be shown this way"
    result = CliRunner().invoke(main, ["train", "--dataset", "moons", "--samples", "100", "--test-fraction", "0.96",
                                       "--seed", str(seeds[0])])
    assert result.exit_code == 2 and os.listdir(tmp_path) == []
    assert result.output.strip().splitlines() == [
        "Error: Invalid value for '--samples': the 4 training samples drawn are all of one class, so there is "
        "nothing to tell apart; use more samples or a smaller test fraction"]


def test_leading_zeros_are_no_size(tmp_path):
    result = run_cli("train", "--epochs", "2", "--seed", "0" * 40 + "42", "--out", "run.npz", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert nnscratch.TrainingHistory.load(tmp_path / "run.npz").metadata["seed"] == 42


def test_minus_zero_is_zero(tmp_path):
    result = run_cli("train", "--epochs", "5", "--noise", "-0", "--out", "run.npz", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert nnscratch.TrainingHistory.load(tmp_path / "run.npz").metadata["dataset"]["noise"] == 0.0


def test_a_diverging_run_makes_no_video(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["render", "training", "--lr", "1e6", "--quality", "low"])
    assert result.exit_code == 1 and "diverged at epoch 1" in result.output
    assert not (tmp_path / "media" / "videos" / "training.mp4").exists()


class FakeNetwork:
    l1 = l2 = 0.0

    def penalty(self):
        return 0.0


def test_a_spike_that_comes_back_down_is_not_divergence():
    watch = DivergenceWatch(FakeNetwork(), 0.1)
    losses = [0.7, 0.5, 0.4, 0.7 * DIVERGENCE_FACTOR * 2, 0.7 * DIVERGENCE_FACTOR * 3, 0.2, 0.1]
    for epoch, loss in enumerate(losses):
        watch.check(epoch, loss)
    watch.finish(len(losses) - 1, losses[-1])  # no error


def run_watch(losses):
    watch = DivergenceWatch(FakeNetwork(), 0.1)
    for epoch, loss in enumerate(losses):
        watch.check(epoch, loss)
    watch.finish(len(losses) - 1, losses[-1])


def test_ending_above_the_line_is_divergence_from_the_epoch_it_stayed_above():
    losses = [0.7, 3.5] + [0.5] * 19 + [3.0, 3.2] + [3.3] * 18  # the last tenth is the last 10 epochs
    with pytest.raises(DivergenceError, match=r"diverged at epoch 21: its loss has averaged over 4 times the 0.7 "
                                              r"it started at since then, ending at 3.3 after epoch 40"):
        run_watch(losses)
    run_watch([0.7, 3.5, 0.5, 3.0, 3.2, 3.3])  # its last five epochs average 2.2, below the line of 2.8


@pytest.mark.parametrize("epochs", [999, 1000, 1001])
def test_a_loss_that_alternates_high_and_low_is_judged_alike_whatever_the_last_epoch(epochs):
    # As sgd at --lr 10 on the moons: 2.22 and 19.78 in turn from epoch 5, the low one below the line.
    losses = [0.69, 0.5, 0.4, 1.0, 1.5] + [19.78 if epoch % 2 else 2.22 for epoch in range(5, epochs + 1)]
    with pytest.raises(DivergenceError, match=r"diverged at epoch 5: .* since then, jumping between 2.2 and 19.8 "
                                              r"in its last 10[01] epochs; try a smaller learning rate than 0.1"):
        run_watch(losses)


@pytest.mark.parametrize("epochs", [999, 1000])
def test_a_loss_that_alternates_below_the_line_is_not_divergence(epochs):
    run_watch([0.69] + [0.2 if epoch % 2 else 2.9 for epoch in range(1, epochs + 1)])


def test_an_explosion_stops_at_once():
    watch = DivergenceWatch(FakeNetwork(), 0.1)
    watch.check(0, 0.5)
    with pytest.raises(DivergenceError, match=r"epoch 1: the loss exploded to 51, over 100 times"):
        watch.check(1, 0.5 * EXPLOSION_FACTOR + 1)


def test_real_runs_that_learn_with_spikes_are_not_stopped():
    # RMSprop on mini-batches spikes (to 8 times its starting loss on one machine: where and how high
    # depends on rounding, so the test does not pin it; the spike rule is shown above), then learns the spiral.
    history = record_run(RunSpec(dataset="spiral", layers=(2, 16, 16, 1), activation="relu", optimizer="rmsprop",
                                 learning_rate=0.02, epochs=2000, batch_size=16, seed=1))
    assert history.train_accuracy[-1] > 0.9


def test_no_numpy_warning_escapes_a_diverging_run():
    X = np.linspace(0, 10, 20)[:, None]
    network = NeuralNetwork([1, 8, 1], activation="relu", weight_init="he", output="identity", seed=0)
    with np.errstate(all="raise"):  # a warning would become an error here
        with pytest.raises(DivergenceError, match=r"diverged at epoch \d+"):
            train(network, X, 50 * X, epochs=200, learning_rate=5.0)


@pytest.mark.parametrize("spec, keep_diverged", [
    (RunSpec(), False),
    (RunSpec(layers=(64, 32, 16, 1), samples=2000, epochs=50), False),
    (RunSpec(layers=(784, 16, 16, 2), samples=600, epochs=30, batch_size=32), False),
    (RunSpec.for_dataset("digits", samples=2000, epochs=3), False),
    # Wide hidden layers: one pass over all the samples holds several arrays as wide as the layer
    # (0.53 of the peak was estimated here before), and Adam's update makes temporaries of its
    # parameters, beside two sets of gradients and, for a kept diverged run, a copy (0.73).
    (RunSpec.for_dataset("moons", layers=(2, 10000, 1), samples=1000, epochs=3, batch_size=32,
                         learning_rate=0.001), False),
    (RunSpec.for_dataset("digits", layers=(784, 10000, 10), samples=300, epochs=2, optimizer="adam",
                         learning_rate=0.001), True),
], ids=["default", "64-32-16-1", "784-16-16-2", "digits", "2-10000-1", "784-10000-10"])
def test_the_memory_estimate_is_above_what_a_run_takes(spec, keep_diverged):
    record_run(RunSpec())  # imports numpy makes on first use (numpy.ma by np.unique) are not the run's
    tracemalloc.start()
    try:
        record_run(spec, keep_diverged=keep_diverged)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    estimate = training_memory(spec.layers, spec.samples, len(snapshot_schedule(spec.epochs)), spec.epochs)
    assert peak < estimate < 20 * peak + 10 * 2**20, (peak, estimate)


def test_the_library_refuses_a_run_past_the_memory_limit():
    with pytest.raises(nnscratch.SpecError, match="more than the 4 GiB"):
        RunSpec(layers=(10000, 1999, 1), epochs=500).check()
    assert MEMORY_LIMIT == 4 * 2**30


@pytest.mark.slow
@pytest.mark.parametrize("rate", ["1e-300", "5e-324"])
def test_a_learning_rate_too_small_to_move_anything_is_drawn(tmp_path, monkeypatch, rate):
    # The step-size plot measures its axis in learning rates: one of 1e-300 once made Manim divide by zero.
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    result = CliRunner().invoke(main, ["render", "descent", "--lr", rate, "--epochs", "20", "--still",
                                       "--quality", "low"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "media" / "images" / "descent.png").stat().st_size > 0


def test_weights_that_did_not_move_are_said_not_to_have_and_the_surface_is_flat(tmp_path, monkeypatch):
    from scenes import GradientDescentScene

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    scene = GradientDescentScene(history=record_run(RunSpec(learning_rate=1e-300, epochs=20)))
    scene.prepare()
    said = " ".join(beat.caption for beat in scene.script())
    assert "its weights did not move" in said and "of the path's spread" not in said
    assert scene.surface.contours == []  # not contours of float32 rounding
