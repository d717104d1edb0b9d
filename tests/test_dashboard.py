"""The notebook dashboard, driven in Python as a notebook drives it: its weights against networks trained
apart from it, its pictures' pixels, its curves against the recorded run, bad input shown and never raised."""
import html
import io
import re
import subprocess
import sys
import time

import ipywidgets  # noqa: F401  (the notebook extra, which the test command's set-up installs)
import numpy as np
import pytest

from nnscratch import NeuralNetwork, RunSpec, TrainingHistory, make_dataset, record_run
from scenes import Dashboard
from scenes.output.dashboard import REPAINTS_PER_SECOND
from scenes.output.dashboard_pictures import PLOT_MARGINS  # noqa: E402
from tests.frames import luminance, most_colourful  # noqa: E402


def said(d) -> str:
    """The message line as read (its HTML unescaped)."""
    return html.unescape(d.message.value)


def pixels(png: bytes) -> np.ndarray:
    from PIL import Image
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)


def test_step_clicks_are_the_mini_batch_steps_of_a_network_trained_apart():
    d = Dashboard(dataset="digits", samples=300, seed=7)
    for _ in range(3):
        d.step_button.click()
    data = make_dataset("digits", 300, None, 0.2, 7, n_features=784)
    network = NeuralNetwork([784, 16, 16, 10], activation="sigmoid", optimizer="sgd", seed=7)
    y = np.eye(10)[data.y_train[:, 0].astype(int)]
    order = network.rng.permutation(len(data.X_train))
    for start in (0, 32, 64):
        network.step(data.X_train[order[start:start + 32]], y[order[start:start + 32]], 0.2)
    for mine, theirs in zip(d.network.weights, network.weights):
        np.testing.assert_array_equal(mine, theirs)
    assert d.run.epoch == 0 and d.run.steps_into_epoch == 3
    assert d.history is None  # no whole epoch recorded yet
    assert "epoch 0 + 3 of 8 steps" in said(d)


def test_train_button_trains_the_epochs_box_and_its_curves_are_the_recorded_run():
    d = Dashboard(epochs=5)
    d.train_button.click()
    d.wait(60)
    recorded = record_run(RunSpec(epochs=5))
    history = d.history
    assert history.epochs == 5 and d.progress.value == d.progress.max == 5
    np.testing.assert_array_equal(history.train_loss, recorded.train_loss)
    np.testing.assert_array_equal(history.train_accuracy, recorded.train_accuracy)
    for mine, theirs in zip(d.network.weights, recorded.weights):
        np.testing.assert_array_equal(np.float32(mine), theirs[-1])
    # The loss curve ends where the recorded loss does: blue at the last epoch's x, at its height.
    frame = pixels(d.curves.value)
    height, width = frame.shape[:2]
    right, top, bottom = width - PLOT_MARGINS[1], PLOT_MARGINS[2], height - PLOT_MARGINS[3]
    top_loss = float(max(recorded.train_loss.max(), recorded.test_loss.max()))
    y = bottom - (bottom - top) * float(recorded.train_loss[-1]) / top_loss
    patch = frame[int(y) - 2:int(y) + 3, right - 3:right]
    blue = patch[..., 2] - patch[..., 0]
    assert blue.max() > 80, patch


def test_the_picture_shows_the_weights_signs_and_changes_with_a_step():
    d = Dashboard()
    before = pixels(d.picture.value)
    drawing = d.painter.mobject
    flat = drawing.drawn_weights(d.network.weights)
    for index in (int(np.argmax(flat)), int(np.argmin(flat))):  # the strongest positive and negative edges
        x0, y0, x1, y1 = drawing.edge_segments[index]
        column, row = d.painter.to_pixel(((x0 + x1) / 2, (y0 + y1) / 2))
        r, _, b = most_colourful(before, int(row), int(column), radius=2)
        assert (b > r + 60) if flat[index] > 0 else (r > b + 60), (flat[index], r, b)
    d.step_button.click()
    after = pixels(d.picture.value)
    assert np.abs(after - before).max(axis=2).astype(bool).mean() > 0.001


def test_a_forward_pass_lights_the_inputs_it_is_given_and_writes_their_values():
    d = Dashboard()
    d.input_box.value = "0, 0, 0, 0"
    d.forward_button.click()
    quiet = pixels(d.picture.value)
    d.input_box.value = "3, 0, 0, 0"
    d.forward_button.click()
    lit = pixels(d.picture.value)
    column, row = d.painter.centres[0]
    assert luminance(lit[int(row), int(column)]) > luminance(quiet[int(row), int(column)]) + 40
    assert "your input" in said(d)
    # The value 3.00 is written left of the first input neuron: text pixels there, none before the pass.
    d.sample.value = 1  # back to the samples, drawn without values
    plain = pixels(d.picture.value)
    box = (slice(int(row) - 6, int(row) + 6), slice(int(column) - 45, int(column) - 12))
    assert lit[box].max() > 150 and plain[box].max() < 60


@pytest.mark.parametrize("text, words", [("1, 2", "takes 4 inputs, and 2"), ("1, two, 3, 4", "'two' is not a number"),
                                         ("1, nan, 3, 4", "not a finite number"), ("", "type 4 numbers")])
def test_bad_input_is_a_message_and_changes_nothing(text, words):
    d = Dashboard()
    picture, weights = d.picture.value, [W.copy() for W in d.network.weights]
    d.input_box.value = text
    d.forward_button.click()
    assert words in said(d) and "FC6255" in said(d)
    assert d.picture.value == picture
    for mine, before in zip(d.network.weights, weights):
        np.testing.assert_array_equal(mine, before)


def test_a_diverging_learning_rate_is_shown_and_reset_recovers():
    d = Dashboard(dataset="moons")
    start = [W.copy() for W in d.network.weights]
    d.learning_rate.value = 100.0
    d.epochs.value = 50
    d.train_button.click()
    d.wait(60)
    assert d.run.diverged is not None
    assert "diverged" in said(d) and "smaller learning rate" in said(d)
    top = pixels(d.picture.value)[5:28, :400]
    assert ((top[..., 0] > 200) & (top[..., 2] < 120)).sum() > 20  # the red DIVERGED line on the picture
    d.step_button.click()  # refused, in words
    assert "Reset starts again" in said(d)
    d.learning_rate.value = 0.02
    d.reset_button.click()
    assert d.run.diverged is None and d.history is None and "FC6255" not in said(d)
    for mine, before in zip(d.network.weights, start):
        np.testing.assert_array_equal(mine, before)
    d.train(2, background=False)
    np.testing.assert_array_equal(d.history.train_loss, record_run(RunSpec.for_dataset("moons", epochs=2)).train_loss)


def test_weights_past_a_number_stop_the_run_and_the_last_epoch_is_drawn():
    d = Dashboard(dataset="moons")
    d.train(2, background=False)
    recorded = [W.copy() for W in d.network.weights]
    d.network.weights[0][0, 0] = np.inf  # as a step of a huge rate leaves it
    d.step_button.click()
    assert "grew past what a number holds" in said(d) and "failed" not in said(d)
    assert d.history.epochs == 2
    d.layer.value = 1
    assert f"{recorded[0][0, 0]:+.2f}" in d.layer_view.value and "nan" not in d.layer_view.value.lower()
    d.reset_button.click()
    assert d.run.diverged is None and np.isfinite(d.network.weights[0]).all()


def test_the_sample_slider_lights_the_network_with_that_sample():
    d = Dashboard(dataset="digits", samples=200)
    first, digit = pixels(d.picture.value), d.digit.value
    d.sample.value = 5
    assert d.digit.value != digit and "label of sample 5" in d.answer.value
    d.train(1, background=False)
    assert d.history.probe_index == 5  # the example a video follows is the one on screen
    changed = np.abs(pixels(d.picture.value) - first).max(axis=2) > 40
    assert changed.any()  # input neurons light differently; the weights, not moved, draw the same edges


@pytest.mark.slow
def test_the_video_button_renders_the_epochs_trained_so_far(tmp_path):
    d = Dashboard(dataset="moons", video_folder=tmp_path)
    d.train(3, background=False)
    d.video_scene.value = "network"
    d.render_video(background=False)
    assert d.last_video.path == tmp_path / "network.mp4" and d.last_video.path.stat().st_size > 10_000
    assert d.video.value.startswith("<video controls")
    assert d.progress.value == d.progress.max > 1  # frames, counted as they were drawn
    assert "epochs 0 to 3" in said(d)


def test_clicks_while_training_wait_and_stop_ends_it():
    d = Dashboard(dataset="digits", samples=2000)
    d.epochs.value = 500
    d.train_button.click()
    try:
        d.step_button.click()
        assert "Step waits" in said(d)
        d.reset_button.click()
        assert "Reset waits" in said(d)
        d.learning_rate.value = 0.1  # taken at the next step, not refused
        deadline = time.monotonic() + 60
        while d.run.steps == 0 and time.monotonic() < deadline:  # some training to be stopped
            time.sleep(0.01)
    finally:
        d.stop_button.click()
        d.wait(60)
    assert not d.busy and d.run.learning_rate == pytest.approx(0.1)
    assert d.run.epoch < 500 and "stopped after" in said(d)
    weights = [W.copy() for W in d.network.weights]
    d.reset_button.click()
    assert d.run.steps == 0
    assert not all(np.array_equal(a, b) for a, b in zip(weights, d.network.weights))


def test_training_repaints_a_few_times_a_second_and_once_at_its_end(monkeypatch):
    d = Dashboard(dataset="moons")
    painted = []
    paint = d.painter.paint
    monkeypatch.setattr(d.painter, "paint", lambda *args, **kwargs: painted.append(1) or paint(*args, **kwargs))
    start = time.monotonic()
    d.train(300, background=False)
    elapsed = time.monotonic() - start
    assert d.run.epoch == 300
    assert 1 <= len(painted) <= elapsed * REPAINTS_PER_SECOND + 2, (len(painted), elapsed)


def test_nothing_raises_into_the_notebook(monkeypatch):
    d = Dashboard()

    def broken():
        raise RuntimeError("a bug in the step")

    monkeypatch.setattr(d.run, "step", broken)
    d.step_button.click()
    assert "step failed: a bug in the step" in said(d)


def test_the_layer_slider_shows_that_layers_weights():
    d = Dashboard()
    d.layer.value = 2
    W = d.network.weights[1]
    assert f'title="w[0,0] = {W[0, 0]:.6g}"' in d.layer_view.value
    assert d.layer_view.value.count("<td") == W.size
    digits = Dashboard(dataset="digits", samples=200)
    # 12,544 weights: each hidden neuron's 784 as a 28 x 28 picture, 3 pixels a weight, in two rows of eight.
    import base64
    import re
    sheet = pixels(base64.b64decode(re.search(r'base64,([^"]+)"', digits.layer_view.value).group(1)))
    assert sheet.shape[:2] == (2 * 84 + 4, 8 * 84 + 7 * 4)
    W = digits.network.weights[0]
    strongest = np.unravel_index(np.argmax(np.abs(W)), W.shape)  # the largest |w|: full blue, or full red
    row, column = divmod(strongest[1], 28)
    top, left = (strongest[0] // 8) * 88 + 3 * row, (strongest[0] % 8) * 88 + 3 * column
    r, g, b = sheet[top + 1, left + 1]
    assert (b > 200 and r < 120) if W[strongest] > 0 else (r > 200 and b < 120), (W[strongest], r, g, b)
    assert digits.digit is not None and "label of sample 0" in digits.answer.value


def test_the_history_so_far_is_a_run_file_the_scenes_can_read(tmp_path):
    d = Dashboard(dataset="moons")
    d.train(3, background=False)
    d.learning_rate.value = 0.05
    d.train(2, background=False)
    path = d.history.save(tmp_path / "run.npz")
    loaded = TrainingHistory.load(path)
    assert loaded.epochs == 5 and loaded.learning_rate == pytest.approx(0.05)
    np.testing.assert_array_equal(loaded.weights[0][-1], np.float32(d.network.weights[0]))


def test_a_video_needs_a_whole_epoch_and_says_so():
    d = Dashboard(dataset="digits", samples=200)
    d.step_button.click()
    d.video_button.click()
    assert "train at least one whole epoch" in said(d) and not d.busy


def test_importing_scenes_without_ipywidgets_still_works():
    code = ("import sys; sys.modules['ipywidgets'] = None\n"
            "import scenes; print(len(scenes.CHAPTERS) > 0)\n"
            "try:\n    scenes.Dashboard\n"
            "except ImportError as error:\n    print('ImportError', 'ipywidgets' in str(error))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.split() == ["True", "ImportError", "True"], result.stderr


@pytest.mark.parametrize("pieces", [(801,), (1000,), (1200,), (900, 300)], ids=["801", "1000", "1200", "900+300"])
def test_after_n_epochs_of_train_the_history_is_what_train_records_for_n(pieces):
    d = Dashboard(dataset="moons")
    for piece in pieces:
        d.train(piece, background=False)
    recorded = record_run(RunSpec.for_dataset("moons", epochs=sum(pieces)))
    history = d.history
    assert history.metadata == recorded.metadata
    for name in ("train_loss", "test_loss", "snapshot_epochs"):
        np.testing.assert_array_equal(getattr(history, name), getattr(recorded, name), err_msg=name)
    for name in ("weights", "biases", "weight_grads", "probe_a"):
        for mine, theirs in zip(getattr(history, name), getattr(recorded, name)):
            np.testing.assert_array_equal(mine, theirs, err_msg=name)


def test_steps_mid_run_are_not_judged_by_the_end_of_run_rule():
    # Adam at a rate of 3 jumps about early (its loss above four times its start for a while), and record_run
    # trains 60 epochs of it without complaint: clicking Step 60 times must too.
    d = Dashboard(dataset="moons", optimizer="adam", learning_rate=3)
    for _ in range(60):
        d.step_button.click()
    assert d.run.diverged is None and d.run.epoch == 60 and "FC6255" not in d.message.value
    recorded = record_run(RunSpec.for_dataset("moons", optimizer="adam", learning_rate=3, epochs=60))
    np.testing.assert_array_equal(d.history.train_loss, recorded.train_loss)


def test_a_train_that_ends_far_above_its_start_says_what_record_run_says():
    from nnscratch.recorder import DivergenceError
    with pytest.raises(DivergenceError) as recorded:
        record_run(RunSpec(epochs=10, learning_rate=100))
    d = Dashboard(learning_rate=100)
    for _ in range(10):  # mid-run, a loss that is a number and not exploded is trained on
        d.step_button.click()
    assert d.run.diverged is None and d.run.epoch == 10
    d.reset_button.click()
    d.train(10, background=False)  # ended: judged as a run of 10 epochs
    assert d.run.diverged == str(recorded.value)
    assert str(recorded.value) in said(d) and "FC6255" in d.message.value


def test_a_nan_learning_rate_from_python_is_refused_and_reset_still_resets_and_repaints():
    d = Dashboard(dataset="moons")
    start = d.picture.value
    d.train(2, background=False)
    d.learning_rate.value = float("nan")
    assert "learning rate" in said(d) and "stays 0.02" in said(d) and "FC6255" in d.message.value
    assert d.learning_rate.value == pytest.approx(0.02) and d.run.learning_rate == pytest.approx(0.02)
    d.reset_button.click()
    assert d.run.epoch == 0 and "failed" not in said(d) and "FC6255" not in d.message.value
    assert d.picture.value == start  # repainted: the starting weights, drawn as at the start


def test_a_clamped_learning_rate_replaces_an_earlier_failure():
    d = Dashboard(dataset="moons")
    d.learning_rate.value = float("nan")
    d.learning_rate.value = 1000.0  # the slider clamps it to its top, 100
    assert d.run.learning_rate == 100 and "learning rate 100" in said(d) and "FC6255" not in d.message.value


def test_training_progress_stays_up_while_a_forward_input_is_shown(monkeypatch):
    monkeypatch.setattr("scenes.output.dashboard.REPAINTS_PER_SECOND", 1e12)  # a repaint after every step
    d = Dashboard(dataset="moons")
    d.input_box.value = "0.5, 0.5"
    d.forward_button.click()
    seen = []
    d.message.observe(lambda change: seen.append(html.unescape(change["new"])), names="value")
    d.train(5, background=False)
    during, after = seen[:-1], seen[-1]
    assert len(during) >= 5 and all("training: " in text for text in during), during
    assert "training: 4 of 5 steps" in " ".join(during) and "your input" in after


def test_a_train_replaces_an_earlier_warning_at_once():
    d = Dashboard(dataset="moons")
    d.input_box.value = "nonsense"
    d.forward_button.click()
    assert "FC6255" in d.message.value
    d.epochs.value = 100_000
    d.train_button.click()
    try:
        # At once (0 steps, or a few if the thread ran first), not at the first repaint a quarter second on.
        assert re.search(r">training: [\d,]+ of 100,000 steps", said(d)) and "FC6255" not in d.message.value
    finally:
        d.stop_button.click()
        d.wait(60)


def test_the_video_keeps_the_divergence_said_while_the_run_is_diverged(monkeypatch, tmp_path):
    class Video:  # a render's result, as scenes.output.notebook.show returns it; the message is under test here
        path = tmp_path / "network.mp4"

        def _repr_html_(self):
            return "<video controls></video>"

    monkeypatch.setattr("scenes.output.notebook.show", lambda *args, **kwargs: Video())
    d = Dashboard(dataset="moons", video_folder=tmp_path)
    d.train(2, background=False)
    d.network.weights[0][0, 0] = np.inf
    d.step_button.click()
    seen = []
    d.message.observe(lambda change: seen.append(html.unescape(change["new"])), names="value")
    d.video_scene.value = "network"
    d.render_video(background=False)
    assert len(seen) == 2 and all("grew past what a number holds" in text and "FC6255" in text for text in seen)
    assert "rendering the network of 2 epochs" in seen[0] and str(Video.path) in seen[1]


def test_a_run_diverged_before_its_first_epoch_is_not_told_to_train_for_a_video():
    d = Dashboard(dataset="moons")
    d.network.weights[0][0, 0] = np.inf
    d.step_button.click()
    d.video_button.click()
    assert "Reset starts again" in said(d) and "no video" in said(d) and "train at least" not in said(d)


def test_a_huge_bad_input_is_said_back_short_and_counts_are_english():
    from scenes.output.dashboard import parse_input
    d = Dashboard()
    d.input_box.value = "x" * 5_000_000
    d.forward_button.click()
    assert len(d.message.value) < 300 and "'xxxxxxxxxxxxxxxxxxxx...' is not a number" in said(d)
    assert parse_input("9" * 400, 4).startswith("99999999999999999999... is not a finite number")
    assert parse_input("1, 2", 1) == "the network takes 1 input, and 2 numbers were typed"
    assert parse_input("1", 2) == "the network takes 2 inputs, and 1 number was typed"
    assert parse_input(" ", 1) == "type 1 number into the input box, separated by commas"


def test_the_epochs_box_takes_what_nnscratch_train_takes():
    d = Dashboard(dataset="moons", epochs=200_000)
    assert d.epochs.value == 200_000
    d.train(2_000_000, background=False)
    assert "train 1 to 1,000,000 epochs" in said(d) and d.run.epoch == 0


def test_a_convolutional_network_is_refused_with_why():
    from nnscratch import SpecError
    with pytest.raises(SpecError, match="cannot be shown in the dashboard yet: its picture draws dense layers"):
        Dashboard(dataset="digits", layers="28x28,conv4:3,pool2,10", samples=200)


def test_past_the_snapshots_it_keeps_the_dashboard_says_its_history_is_near_not_exact(monkeypatch):
    monkeypatch.setattr("nnscratch.live.SNAPSHOT_BUDGET", 1)  # the least it keeps: 800 epochs' snapshots
    d = Dashboard(dataset="moons")
    d.train(799, background=False)
    assert "nearest" not in said(d)
    np.testing.assert_array_equal(d.history.snapshot_epochs,
                                  record_run(RunSpec.for_dataset("moons", epochs=799)).snapshot_epochs)
    d.train(2, background=False)
    assert "past 799 epochs a video's snapshots are the kept epochs nearest" in said(d)


def test_a_long_runs_curves_are_drawn_through_a_few_points_a_pixel_and_keep_every_spike():
    from scenes.output.dashboard_pictures import curves_png, drawn_points
    epochs = 200_000
    loss = np.linspace(1.0, 0.1, epochs + 1)
    loss[123_457] = 2.0  # one epoch's spike, the top of the plot
    loss[7] = np.nan  # not drawn, and not a gap in the line
    accuracy = np.linspace(0.5, 0.9, epochs + 1)
    drawn = drawn_points(loss, 752)
    assert len(drawn) <= 4 * 752 and {0, 123_457, epochs} <= set(drawn.tolist()) and 7 not in drawn
    np.testing.assert_array_equal(drawn_points(loss[:1000], 752), np.delete(np.arange(1000), 7))  # few: all
    frame = pixels(curves_png(loss, accuracy))
    height, width = frame.shape[:2]
    left, right, top = PLOT_MARGINS[0], width - PLOT_MARGINS[1], PLOT_MARGINS[2]
    x = int(round(left + (right - left) * 123_457 / epochs))
    column = frame[top:top + 4, x - 2:x + 3]
    assert (column[..., 2] - column[..., 0]).max() > 80  # blue at the spike's height, at its epoch


def test_a_dashboard_on_your_own_data_takes_its_defaults_and_trains_as_record_run(tmp_path):
    from tests.user_files import penguins

    path = penguins(tmp_path)
    d = Dashboard(data=str(path), epochs=7)
    d.train(7, background=False)
    recorded = record_run(RunSpec.for_data(str(path), epochs=7))
    assert d.history.class_names == recorded.class_names and d.history.user_data == recorded.user_data
    for ours, theirs in zip(d.network.weights, recorded.network_at(-1).weights):
        np.testing.assert_array_equal(ours.astype(np.float32), theirs.astype(np.float32))
    np.testing.assert_array_equal(d.history.train_loss, recorded.train_loss)
    with pytest.raises(Exception, match="give one"):
        Dashboard(data=str(path), dataset="moons")
