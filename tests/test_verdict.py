"""Failure shown as failure: runs that did not learn, runs that overfit, outputs too close to call."""
import dataclasses

import numpy as np
import pytest
from click.testing import CliRunner

from cli import main
from nnscratch import RunSpec, judge, record_run
from nnscratch.verdict import chance_accuracy, decision, distinct
from scenes import ForwardPassScene, TrainingScene
from scenes.output.render import render
from tests.frames import caption_text


@pytest.fixture(scope="module")
def stuck():
    """A run that learns nothing: steps too small to move, its outputs near 0.5 where they started."""
    return record_run(RunSpec(learning_rate=1e-4, epochs=20, seed=5))


@pytest.fixture(scope="module")
def overfitting():
    return record_run(RunSpec(dataset="spiral", layers=(2, 8, 8, 1), activation="tanh", optimizer="adam",
                              learning_rate=0.02, epochs=2000))


def test_a_run_that_learned_is_judged_so():
    verdict = judge(record_run(RunSpec()))
    assert verdict.learned and verdict.why_not is None and verdict.overfit is None


def test_a_run_whose_loss_did_not_move_did_not_learn():
    history = record_run(RunSpec(layers=(2, 3, 1), dataset="moons", learning_rate=1e-4, epochs=20))
    history.train_accuracy[-1] = 0.9  # an accuracy that looks fine: the loss alone shows nothing was learned
    verdict = judge(history)
    assert not verdict.learned
    assert verdict.why_not == "its loss hardly moved, from {} to {}".format(
        *distinct(history.train_loss[0], history.train_loss[-1]))


def test_worse_than_guessing_is_said_so():
    history = record_run(RunSpec(learning_rate=1e-4, epochs=20, seed=2))
    verdict = judge(history)
    assert verdict.why_not == (f"accuracy {history.train_accuracy[-1]:.0%}, worse than guessing "
                               f"({verdict.chance:.0%})")


def test_a_run_at_chance_accuracy_did_not_learn():
    history = record_run(RunSpec(learning_rate=1e-4, epochs=20, seed=5))  # steps too small to learn
    verdict = judge(history)
    y = history.y_train[:, 0]
    assert verdict.chance == pytest.approx(max(y.mean(), 1 - y.mean()))
    accuracy = history.train_accuracy[-1]
    assert verdict.chance - 0.02 <= accuracy <= verdict.chance + 0.02
    assert verdict.why_not == f"accuracy {accuracy:.0%}, what guessing gets"


def test_overfitting_is_named_with_the_epoch_the_test_loss_was_lowest(overfitting):
    verdict = judge(overfitting)
    best = int(np.argmin(overfitting.test_loss))
    assert verdict.learned and verdict.best_test_epoch == best
    lowest, end = distinct(overfitting.test_loss[best], overfitting.test_loss[-1])
    then, now = distinct(overfitting.train_loss[best], overfitting.train_loss[-1])
    assert overfitting.train_loss[-1] < overfitting.train_loss[best]
    assert verdict.overfit == (f"its test loss rose from {lowest} at epoch {best:,} to {end} while its training "
                               f"loss fell from {then} to {now}")


def _with_losses(history, train, test):
    return dataclasses.replace(history, train_loss=np.array(train, dtype=np.float32),
                               test_loss=np.array(test, dtype=np.float32))


def test_a_test_loss_that_stopped_falling_while_training_fell_on_has_stalled():
    history = record_run(RunSpec(epochs=8))
    train = [1.0, 0.6, 0.4, 0.3, 0.25, 0.2, 0.17, 0.15, 0.14]
    test = [1.0, 0.65, 0.5, 0.45, 0.451, 0.452, 0.455, 0.456, 0.457]  # lowest at epoch 3; +1.6%: not overfitting
    verdict = judge(_with_losses(history, train, test))
    assert verdict.overfit is None and verdict.best_test_epoch == 3
    assert verdict.stalled == "its test loss has not fallen since epoch 3 while its training loss fell from " \
                              "0.300 to 0.140"
    # Still falling in the last quarter (lowest at the end): not stalled; nor when training stalled too.
    assert judge(_with_losses(history, train, [*test[:-1], 0.44])).stalled is None
    assert judge(_with_losses(history, [*train[:4], 0.29, 0.28, 0.27, 0.26, 0.25], test)).stalled is None
    # Overfitting says more, and says it instead.
    rising = judge(_with_losses(history, train, [*test[:4], 0.5, 0.55, 0.6, 0.65, 0.7]))
    assert rising.overfit is not None and rising.stalled is None


@pytest.mark.parametrize("a, b, digits, expected", [
    (0.205, 0.206, 2, ("0.205", "0.206")),  # 0.20 to 0.21 would say ten times the change
    (0.3146, 0.2141, 3, ("0.315", "0.214")),
    (2.22, 19.78, 3, ("2.2", "19.8")),
    (0.0244, 3.2e-5, 3, ("0.0244", "3.2e-05")),  # not "0.0000": it is not zero
    (1.0, 1.0, 3, ("1.00", "1.00")),
])
def test_a_change_is_written_with_the_digits_that_show_it_truly(a, b, digits, expected):
    assert distinct(a, b, digits) == expected
    first, second = distinct(a, b, digits)
    if a != b and "e" not in first + second:
        assert abs((float(second) - float(first)) - (b - a)) <= 0.5 * abs(b - a)


def with_losses(history, losses):
    """``history`` with its training loss replaced, to judge a loss curve the rule must read."""
    return dataclasses.replace(history, train_loss=np.asarray(losses, dtype=np.float32))


def test_a_loss_that_still_jumps_at_the_end_is_unstable_whatever_its_last_value():
    base = record_run(RunSpec(dataset="moons", layers=(2, 3, 1), epochs=200))
    steady = judge(base)
    assert steady.unstable is None and steady.learned
    for last in (0.3, 1.85):  # moons at --lr 5: down to 0.22, up to 1.85, and so on to the end
        losses = [0.69] + [0.3] * 150 + [0.22 if epoch % 3 else 1.85 for epoch in range(49)] + [last]
        verdict = judge(with_losses(base, losses))
        assert verdict.unstable == "its loss jumped between 0.22 and 1.85 in its last 20 epochs"
        assert verdict.why_not is None  # not "its loss hardly moved, from 0.690 to 0.768": it moved, and jumps
    # Small jumps near a loss of zero are no instability.
    calm = [0.69] + [0.001 if epoch % 2 else 0.003 for epoch in range(200)]
    assert judge(with_losses(base, calm)).unstable is None


def test_the_command_line_calls_an_unstable_run_unstable(tmp_path, monkeypatch):
    base = record_run(RunSpec(dataset="moons", layers=(2, 3, 1), epochs=200))
    shaky = with_losses(base, [0.69] + [0.3] * 150 + [0.22 if epoch % 3 else 1.85 for epoch in range(50)])
    shaky.save(tmp_path / "shaky.npz")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["render", "summary", "--run", "shaky.npz", "--still", "--quality", "low"])
    assert result.exit_code == 0, result.output
    assert "warning: it is unstable: its loss jumped between 0.22 and 1.85 in its last 20 epochs" in result.output


def test_chance_of_one_hot_labels():
    history = record_run(RunSpec(dataset="gaussians", layers=(2, 4, 2), epochs=5))
    assert chance_accuracy(history) == pytest.approx(history.y_train.mean(axis=0).max())


@pytest.mark.parametrize("output, expected", [
    ([0.5], (1, True)), ([0.45], (0, True)), ([0.61], (1, False)), ([0.2], (0, False)),
    ([0.55, 0.45], (0, True)), ([0.61, 0.39], (0, False)), ([0.3, 0.35, 0.35], (1, True)),
    ([0.1, 0.2, 0.7], (2, False)),
])
def test_an_output_near_the_line_is_undecided(output, expected):
    assert decision(np.array(output)) == expected


@pytest.mark.parametrize("args, warnings", [
    ([], []),
    (["--lr", "1e-4", "--epochs", "20", "--seed", "5"], ["warning: it did not learn: accuracy 52%, what guessing"]),
    (["--dataset", "spiral", "--layers", "2,8,8,1", "--activation", "tanh", "--optimizer", "adam", "--lr", "0.02",
      "--epochs", "2000"], ["warning: it overfits: its test loss rose from"]),
])
def test_the_cli_warns_in_one_line(tmp_path, args, warnings):
    result = CliRunner().invoke(main, ["train", *args, "--out", str(tmp_path / "run.npz")])
    assert result.exit_code == 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == len(warnings) and all(line.startswith(w) for line, w in zip(lines, warnings))


@pytest.mark.slow
def test_a_stuck_run_says_so_in_its_captions_and_its_forward_pass_is_undecided(stuck, tmp_path):
    video = render(TrainingScene, tmp_path / "t.mp4", resolution=(160, 90), fps=5, history=stuck,
                   duration=3.0)
    captions = video.scene.narration.captions
    assert not any("climbs" in caption or "falls" in caption for caption in captions)
    said = f"This run did not learn: {judge(stuck).why_not}.".replace("its loss", "its cost")  # the video says cost
    assert said in captions
    assert said in caption_text(video.subtitles.read_text())
    assert video.scene.warnings[0].text.replace(" ", "").startswith("didnotlearn")
    forward = render(ForwardPassScene, tmp_path / "f.mp4", resolution=(160, 90), fps=5,
                     history=stuck)
    output = forward.scene.trace.a[-1][0][0]
    last = forward.scene.narration.captions[-1]
    assert abs(output - 0.5) < 0.1
    assert f"reads {output:.3f}: too close to call, so the network is undecided" in last
    assert ": right" not in last and ": wrong" not in last


@pytest.mark.slow
def test_an_overfitting_run_is_named_in_its_ending(overfitting, tmp_path):
    video = render(TrainingScene, tmp_path / "t.mp4", resolution=(160, 90), fps=5,
                   history=overfitting, duration=3.0)
    verdict = judge(overfitting)
    said = (f"And it overfits: from epoch {verdict.best_test_epoch:,} its test cost rose, to "
            f"{overfitting.test_loss[-1]:#.3g}, while its training cost kept falling.")
    assert said in video.scene.narration.captions and said in caption_text(video.subtitles.read_text())
