"""The last three chapters (Training, What it learned, Summing up): the replay moves at every frame, and the
numbers they show are the run's, recomputed here from the recorded weights (tests/test_story.py holds them
to the story's rules)."""
import itertools
import math

import numpy as np
import pytest

from nnscratch import judge
from scenes import TrainingScene
from scenes.chapters.plane_features import square_crossings
from scenes.narration.words import accuracy_number, loss_number
from scenes.output.render import render
from tests.timeline import run, told_as

pytestmark = pytest.mark.slow


def test_the_brief_tellings_keep_their_length():
    lengths = {chapter: told_as(chapter, run("digits"), True).time for chapter in ("training", "features", "summary")}
    assert lengths["training"] <= 36 and lengths["features"] <= 27 and lengths["summary"] <= 17, lengths


# -- the replay moves, and shows recorded numbers ---------------------------------------------------------

def replayed_frames(history, tmp_path, duration: float = 12.0, fps: int = 15):
    """Each frame of the replay in a real render: its time and where the replay stood (0 to 1)."""
    seen = []
    original = TrainingScene.apply_state

    class Watched(TrainingScene):
        def apply_state(self, progress: float) -> None:
            original(self, progress)
            seen.append((self.renderer.time, progress, self.epoch_readout.text, self.loss_readout.text))

    video = render(Watched, tmp_path / "replay.mp4", resolution=(160, 90), fps=fps, history=history,
                   duration=duration, brief=True)
    return video.scene, seen


@pytest.mark.parametrize("name", ["digits", "did not learn", "long"])
def test_the_replay_shows_at_least_ten_distinct_states_every_second(tmp_path, name):
    """40 epochs or 20,000, the weights drawn change at every frame (blended between recorded snapshots,
    as the narration says), and every full second of the replay holds ten or more distinct states."""
    history = run(name)
    scene, seen = replayed_frames(history, tmp_path)
    frames = [(time, progress) for time, progress, _, _ in seen if 0 < progress < 1]
    assert len(frames) > 100
    states = [scene.state_at(progress)[1] for _, progress in frames]
    moved = [np.abs(after - before).max() > 0 for before, after in itertools.pairwise(states)]
    assert np.mean(moved) > 0.97  # a frame that repeats the last is the play's seam, not a hold
    seconds = np.floor([time for time, _ in frames]).astype(int)
    for second in range(seconds.min() + 1, seconds.max()):  # the full seconds inside the replay
        distinct = {round(progress, 9) for (time, progress), s in zip(frames, seconds) if s == second}
        assert len(distinct) >= 10, (second, len(distinct))
    assert any("blend" in caption for caption in scene.narration.captions)  # said, since it is done


def test_the_replays_readouts_are_the_recorded_epochs_numbers(tmp_path):
    history = run("digits")
    _, seen = replayed_frames(history, tmp_path)
    network = history.network_at(0)
    first_loss = network.evaluate(history.X_train.astype(float), history.y_train.astype(float))[0]
    assert loss_number(first_loss) == loss_number(history.train_loss[0])
    for _, progress, epoch, loss in seen[::7]:
        assert loss == loss_number(history.train_loss[int(epoch.replace(",", ""))])


# -- the new numbers on screen, recomputed --------------------------------------------------------------

def evaluated(history, snapshot: int = -1) -> tuple[float, float, float, float]:
    """Training cost and accuracy, test cost and accuracy, of the network at ``snapshot``, computed anew."""
    network = history.network_at(snapshot)
    train = network.evaluate(history.X_train.astype(float), history.y_train.astype(float))
    test = network.evaluate(history.X_test.astype(float), history.y_test.astype(float))
    return (*train, *test)


def test_the_gap_between_training_and_test_accuracy_is_the_runs():
    history = run("digits")
    scene = told_as("training", history, False)
    _, train_accuracy, _, test_accuracy = evaluated(history)
    gap = round(100 * train_accuracy, 1) - round(100 * test_accuracy, 1)
    assert scene.gap_marker[1].original_text == f"gap {gap:.1f} points"
    assert scene.test_accuracy_readout.text == accuracy_number(test_accuracy)
    assert scene.accuracy_readout.text == accuracy_number(train_accuracy)
    assert f"a gap of {gap:.1f} points" in scene.told[-2].caption or any(
        f"a gap of {gap:.1f} points" in beat.caption for beat in scene.told)
    # The starts the outcome says, written at the curves' first points.
    first_loss, first_accuracy, _, _ = evaluated(history, 0)
    assert [mark.original_text for mark in scene.marks] == [loss_number(first_loss), accuracy_number(first_accuracy)]
    samples = len(history.X_train)
    assert scene.definition[0].original_text == f"1 epoch: {samples:,} samples, {math.ceil(samples / 32)} steps of 32"


def test_one_neurons_mean_activation_per_digit_is_drawn_as_its_bars():
    history = run("digits")
    scene = told_as("features", history, True)
    hidden = history.network_at(-1).trace(history.X_test.astype(float)).a[1]
    labels = history.y_test.argmax(axis=1)
    means = np.array([hidden[labels == digit].mean(axis=0) for digit in range(10)])
    neuron = int(np.argmax(means.max(axis=0) - means.min(axis=0)))
    heights = np.array([bar.height for bar in scene.bar_rects])
    np.testing.assert_allclose(heights / heights.max(), means[:, neuron] / means[:, neuron].max(), atol=0.01)
    # Numbered, in the bars' order: the highest, those within a tenth of the range of it (up to two), the lowest.
    column = means[:, neuron]
    top, bottom = column.max(), column.min()
    close = [d for d in np.argsort(-column) if column[d] < top and column[d] >= top - 0.1 * (top - bottom)][:2]
    numbered = sorted([int(np.argmax(column)), int(np.argmin(column)), *map(int, close)])
    assert [value.original_text for value in scene.bar_values] == [f"{column[d]:.2f}" for d in numbered]
    assert scene.zoom_caption.original_text == f"neuron {neuron + 1}"
    # The scale said: full colour from the 95th percentile of the trained weights' sizes.
    scale = np.percentile(np.abs(history.weights[0][-1].astype(float)), 95)
    assert scene.ends[2].original_text == f"+{scale:.2f}"


def test_each_zero_line_lies_where_its_neurons_sum_is_zero():
    history = run("moons")
    scene = told_as("features", history, False)
    W, b = history.weights[0][-1].astype(float), history.biases[0][-1].astype(float)
    plane = scene.plane
    assert len(scene.lines) >= 6  # most of the 8 first-layer neurons divide the square
    lined = [n for n in range(len(W)) if square_crossings(W[n], float(b[n]), plane.x, plane.y, plane.half)]
    for line, neuron in zip(scene.lines, lined):
        picture = scene.rows[0][1][neuron][0]
        left, bottom, side, _ = picture.box
        for point in (line.get_start(), line.get_end()):
            x = plane.x - plane.half + (point[0] - left) / side * 2 * plane.half
            y = plane.y - plane.half + (point[1] - bottom) / side * 2 * plane.half
            assert abs(W[neuron] @ [x, y] + b[neuron]) < 1e-6 * (1 + np.abs(W[neuron]).sum())


def test_the_summary_recaps_the_runs_final_numbers_and_its_verdict():
    for name in ("digits", "did not learn"):
        history = run(name)
        scene = told_as("summary", history, True)
        assert scene.title.original_text == "Summing up"
        first_loss = evaluated(history, 0)[0]
        last_loss, train_accuracy, _, test_accuracy = evaluated(history)
        _heading, _axis, _line, start, end = scene.cost
        assert (start.original_text, end.original_text) == (loss_number(first_loss), loss_number(last_loss))
        assert [value.original_text for value in scene.bar_values] == [accuracy_number(test_accuracy),
                                                                       accuracy_number(train_accuracy)]
        bars = scene.accuracy[3]
        assert bars[1].width / bars[0].width == pytest.approx(train_accuracy / test_accuracy, rel=0.01)
        verdict = judge(history)
        badge = scene.badge[1].original_text
        if not verdict.learned:
            assert badge.startswith("did not learn")
        elif verdict.stalled:  # the digits' test cost stopped falling at an epoch while its training cost fell
            assert badge == "learned; test cost stalled"
        else:
            assert badge == "learned"
        assert "sgd" not in " ".join(beat.caption for beat in scene.told)


def test_a_readout_holds_the_longest_cost_it_shows():
    # Seen on a contact sheet of a long run: "0.0000289" in a readout eight characters wide read ".0000289".
    history = run("long")
    scene = told_as("training", history, True)
    for readout, losses in ((scene.loss_readout, history.train_loss), (scene.test_loss_readout, history.test_loss)):
        assert readout.text == loss_number(losses[-1]) and len(readout.text) == 9  # 0.0000783: the case
        assert max(len(loss_number(value)) for value in losses) <= readout.width_in_chars
