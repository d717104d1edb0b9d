"""`nnscratch render compare`: runs that differ in one choice, each the run it would be alone, drawn in
the colours their legend names, a diverged one marked as diverged; bad --vary input is one line, exit 2."""
import dataclasses

import numpy as np
import pytest
from click.testing import CliRunner

from cli import main
from nnscratch import RunSpec, TrainingHistory, record_run
from nnscratch.comparison import VARIABLES, activation_spread, parse_variation, record_runs, varied_in, varied_specs
from tests.frames import read_video, to_pixel

SIZE = ["--quality", "low", "--fps", "5", "--voice", "none"]


@pytest.mark.parametrize(("value", "message"), [
    ("colour=red,blue", "'colour' cannot be varied; choose from activation, init, lr"),
    ("lr=0.1", "give 2 to 4 values to compare, got 1"),
    ("lr=1,2,3,4,5", "give 2 to 4 values to compare, got 5"),
    ("lr", "write it as OPTION=V1,V2"),
    ("lr=0.1,0.1", "gives a value twice"),
    ("lr=0.1,,1", "has an empty value"),
    ("lr=0.1,fast", "'fast' is not a number"),
    ("lr=0,1", "the learning rate must be a finite number > 0"),
    ("activation=sigmoid,softplus", "unknown activation 'softplus'"),
    ("dropout=0,1", "dropout must be a finite number"),
    ("batch-size=32,0", "the batch size must be a whole number >= 1"),
    ("init=xavier,orthogonal", "unknown weight initializer 'orthogonal'"),
    # One grammar of numbers, as every other option reads them: no digit separators, no other digits.
    ("lr=1_0,2", "'1_0' is not a number"),
    ("lr=\u0663,1", "'\u0663' is not a number"),
    ("lr=0.1,\uff11", "'\uff11' is not a number"),
    ("batch-size=\u0663,4", "'\u0663' is not a whole number written in digits"),
    ("batch-size=\u00b2,4", "'\u00b2' is not a whole number written in digits"),
    ("batch-size=4_0,8", "'4_0' is not a whole number written in digits"),
    ("batch-size=+8,4", "'+8' is not a whole number written in digits"),
    ("l2=0,inf", "l2 must be a finite number between 0 and 1000, got inf"),
    # Values that are one value, however written: one run twice under two names.
    ("lr=0.1,0.10", "gives a value twice ('0.1' and '0.10' are one learning rate): give each value once"),
    ("lr=1e-1,0.1", "gives a value twice ('1e-1' and '0.1' are one learning rate)"),
    ("l1=0,-0", "gives a value twice ('0' and '-0' are one L1 strength)"),
    ("dropout=0.5,0,0.50", "gives a value twice ('0.5' and '0.50' are one dropout rate)"),
    ("batch-size=32,032", "gives a value twice ('32' and '032' are one batch size)"),
    ("activation=relu, relu", "gives a value twice ('relu' twice)"),
])
def test_a_bad_vary_is_one_line_and_exit_2_before_any_work(tmp_path, monkeypatch, value, message):
    refused(tmp_path, monkeypatch, ["--vary", value, "--out-dir", str(tmp_path / "runs")], message, "--vary")


def refused(tmp_path, monkeypatch, args, message, option):
    """``render compare ARGS`` is one line naming ``option`` and saying ``message``, exit 2, before any
    training, and nothing is written."""
    def no_work(*_, **__):
        raise AssertionError("trained or rendered before refusing the options")

    monkeypatch.setattr("nnscratch.comparison.record_runs", no_work)
    monkeypatch.setattr("cli.render_video", no_work)
    before = sorted(tmp_path.rglob("*"))
    result = CliRunner().invoke(main, ["render", "compare", *args, "--output", str(tmp_path / "c.mp4")])
    lines = result.output.strip().splitlines()
    assert result.exit_code == 2 and len(lines) == 1, result.output
    assert lines[0].startswith(f"Error: Invalid value for '{option}'") and message in lines[0], result.output
    assert sorted(tmp_path.rglob("*")) == before


@pytest.mark.parametrize(("args", "message"), [
    # A batch as large as the training set is full batch: two of them would be one run.
    (["--vary", "batch-size=500,1000"], "batch sizes 500 and 1,000 each take all 160 training samples at once, so "
                                        "their runs would be one: give at most one size of 160 or more"),
    (["--vary", "batch-size=8,160,200"], "batch sizes 160 and 200 each take all 160 training samples at once"),
    # Activations and dropout act on hidden neurons: without any, every value trains the same run.
    (["--vary", "activation=sigmoid,tanh", "--layers", "4,1"],
     "a 4-1 network has no hidden layer, so its activations would train the same run: compare them with one"),
    (["--vary", "dropout=0,0.5", "--layers", "4,1"], "a 4-1 network has no hidden layer, so its dropout rates"),
])
def test_values_that_would_train_one_run_are_refused_before_training(tmp_path, monkeypatch, args, message):
    refused(tmp_path, monkeypatch, [*args, "--out-dir", str(tmp_path / "runs")], message, "--vary")


def test_values_too_close_to_change_a_step_are_refused_before_anything_is_written(tmp_path):
    # 1 and the next float up: different values that train the same run, which only training can tell.
    result = CliRunner().invoke(main, ["render", "compare", "--vary", "lr=1,1.0000000000000002", "--epochs", "20",
                                       "--quality", "low", "--still",
                                       "--output", str(tmp_path / "c.png"), "--out-dir", str(tmp_path / "runs")])
    lines = result.output.strip().splitlines()
    assert result.exit_code == 2 and len(lines) == 1, result.output
    assert "lr 1 and lr 1.0000000000000002 trained alike, step for step: compare runs whose difference changes " \
           "the training" in lines[0]
    assert list(tmp_path.iterdir()) == []


def test_values_that_print_alike_get_labels_and_files_of_their_own(tmp_path):
    # :g writes both as 1e-07: the collision, one file overwriting the other and one legend twice.
    result = CliRunner().invoke(main, ["render", "compare", "--vary", "lr=1e-7,1.0000001e-7", "--epochs", "20",
                                       "--quality", "low", "--still",
                                       "--output", str(tmp_path / "c.png"), "--out-dir", str(tmp_path / "runs")])
    assert result.exit_code == 0, result.output
    saved = sorted(path.name for path in (tmp_path / "runs").iterdir())
    assert saved == ["lr-1.0000001e-07.npz", "lr-1e-07.npz"]
    for name, value in (("lr-1e-07.npz", 1e-7), ("lr-1.0000001e-07.npz", 1.0000001e-7)):
        assert TrainingHistory.load(tmp_path / "runs" / name).metadata["learning_rate"] == value


@pytest.mark.parametrize(("option", "values", "labels", "files"), [
    ("lr", [1e-7, 1.0000001e-7], ["lr 1e-07", "lr 1.0000001e-07"], ["lr-1e-07.npz", "lr-1.0000001e-07.npz"]),
    ("lr", [0.1, 0.30000000000000004, 0.3], ["lr 0.1", "lr 0.30000000000000004", "lr 0.3"],
     ["lr-0.1.npz", "lr-0.30000000000000004.npz", "lr-0.3.npz"]),
    ("l2", [0.0, 1e-5, 0.5, 0.50000001], ["l2 0", "l2 1e-05", "l2 0.5", "l2 0.50000001"],
     ["l2-0.npz", "l2-1e-05.npz", "l2-0.5.npz", "l2-0.50000001.npz"]),
    ("l1", [0.123456789, 0.5], ["l1 0.123457", "l1 0.5"], ["l1-0.123457.npz", "l1-0.5.npz"]),  # :g when apart
    ("batch-size", [1000, 32, None], ["batch 1,000", "batch 32", "full batch"], None),
    ("init", ["xavier", "he"], ["xavier init", "he init"], ["init-xavier.npz", "init-he.npz"]),
])
def test_labels_and_file_names_tell_every_value_apart(option, values, labels, files):
    variable = VARIABLES[option]
    assert variable.labels(values) == labels
    if files is not None:
        assert variable.file_names(values) == files
        assert len({name.lower() for name in files}) == len(files)  # apart on a case-insensitive disk too


def test_labels_tell_apart_any_two_floats():
    values = [1.0, np.nextafter(1.0, 2.0), np.nextafter(1.0, 0.0), 5e-324]
    values = [float(value) for value in values]
    for option in ("lr", "dropout", "l1"):
        assert len(set(VARIABLES[option].labels(values))) == len(values)
        assert len(set(VARIABLES[option].file_names(values))) == len(values)


@pytest.fixture(scope="module")
def saved_runs(tmp_path_factory):
    """Short runs of one network on one data set: what --runs may and may not compare."""
    folder = tmp_path_factory.mktemp("saved")
    runs = {"a": RunSpec(epochs=5), "longer": RunSpec(epochs=8), "lr": RunSpec(epochs=5, learning_rate=0.5),
            "lr-adam": RunSpec(epochs=5, learning_rate=0.5, optimizer="adam"),
            "probe": RunSpec(epochs=5, probe=3), "lr-longer": RunSpec(epochs=8, learning_rate=0.5),
            "sigmoid-4-1": RunSpec(epochs=5, layers=(4, 1)), "tanh-4-1": RunSpec(epochs=5, layers=(4, 1),
                                                                                  activation="tanh")}
    for name, spec in runs.items():
        record_run(spec).save(folder / f"{name}.npz")
    (folder / "copy.npz").write_bytes((folder / "a.npz").read_bytes())
    (folder / "link.npz").symlink_to(folder / "a.npz")
    return folder


@pytest.mark.parametrize(("runs", "message"), [
    ("a,a", "'<a>' is given twice: compare different runs"),
    ("a,./a", "'<a>' and '<./a>' are one file: compare different runs"),
    ("a,link", "'<a>' and '<link>' are one file: compare different runs"),
    ("a,copy", "'<a>' and '<copy>' are copies of one run: compare runs that differ in one of activation, init, lr, "
               "optimizer, dropout, batch-size, l1, l2"),
    ("a,lr,copy", "'<a>' and '<copy>' are copies of one run"),
    ("a,longer", "'<a>' and '<longer>' differ in none of activation, init, lr, optimizer, dropout, batch-size, l1, "
                 "l2, loss, layers (only in epochs): compare runs that differ in one of them"),
    ("a,lr-adam", "'<a>' and '<lr-adam>' differ in lr and optimizer: compare runs that differ in lr only or in "
                  "optimizer only"),
    ("a,lr-longer", "'<a>' and '<lr-longer>' differ in lr and epochs: compare runs that differ in lr only"),
    ("a,probe,lr", "'<a>' and '<probe>' both have lr 1: compare runs with a learning rate each"),
    ("sigmoid-4-1,tanh-4-1", "'<sigmoid-4-1>' and '<tanh-4-1>' trained alike, step for step: compare runs whose "
                             "difference changes the training"),
])
def test_runs_that_are_one_run_or_differ_in_other_than_one_choice_are_refused(saved_runs, tmp_path, monkeypatch,
                                                                               runs, message):
    monkeypatch.chdir(saved_runs.parent)  # short paths, and "./" kept as given
    paths = [f"./{saved_runs.name}/{name[2:]}.npz" if name.startswith("./") else f"{saved_runs.name}/{name}.npz"
             for name in runs.split(",")]
    for name, path in zip(runs.split(","), paths):
        message = message.replace(f"<{name}>", path)
    refused(tmp_path, monkeypatch, ["--runs", ",".join(paths)], message, "--runs")


def test_runs_that_differ_in_one_choice_are_compared_by_it(saved_runs):
    runs = [TrainingHistory.load(saved_runs / name) for name in ("a.npz", "lr.npz")]
    assert varied_in(runs, ["a.npz", "lr.npz"]) == (VARIABLES["lr"], [1.0, 0.5])


@pytest.mark.parametrize(("args", "message"), [
    ([], "say what the runs differ in"),
    (["--vary", "lr=0.1,1", "--lr", "0.5"], "--vary lr sets --lr of each run; leave --lr out"),
    (["--vary", "lr=0.1,1", "--runs", "a.npz,b.npz"], "give one of them"),
    (["--runs", "a.npz"], "give 2 to 4 run files to compare, got 1"),
    (["--runs", "a,b,c,d,e"], "give 2 to 4 run files to compare, got 5"),
    (["--runs", "a.npz,b.npz", "--epochs", "9"], "--runs replays saved runs, so --epochs has no effect"),
    (["--runs", "a.npz,b.npz", "--out-dir", "x"], "--out-dir saves runs trained for --vary"),
    (["--vary", "lr=0.1,1", "--at", "3"], "--at picks the frame of a still; add --still"),
])
def test_options_that_cannot_go_together_exit_2(tmp_path, args, message):
    result = CliRunner().invoke(main, ["render", "compare", *args, "--output", str(tmp_path / "c.mp4")])
    assert result.exit_code == 2 and message in result.output, result.output
    assert list(tmp_path.iterdir()) == []


def test_runs_of_other_data_or_of_other_networks_and_more_are_not_compared(tmp_path):
    paths = [tmp_path / name for name in ("a.npz", "b.npz", "c.npz")]
    record_run(RunSpec(epochs=5)).save(paths[0])
    record_run(RunSpec(epochs=5, seed=7)).save(paths[1])  # other seed, other sample blobs
    record_run(RunSpec(epochs=5, layers=(4, 3, 1), learning_rate=0.5)).save(paths[2])  # two MLPs: no kind's defaults
    for other, message in ((paths[1], "was trained on other data"), (paths[2], "differ in lr and layers")):
        result = CliRunner().invoke(main, ["render", "compare", "--runs", f"{paths[0]},{other}",
                                           "--output", str(tmp_path / "c.mp4")])
        assert result.exit_code == 2 and message in result.output, result.output
    assert not (tmp_path / "c.mp4").exists()


def test_the_values_parse_as_the_options_do():
    variable, values = parse_variation("lr=0.01, 0.1,1e1")
    assert variable is VARIABLES["lr"] and values == [0.01, 0.1, 10.0]
    assert parse_variation("batch-size=8,32")[1] == [8, 32]
    assert VARIABLES["lr"].labels(values) == ["lr 0.01", "lr 0.1", "lr 10"]


def test_the_spread_of_each_layer_at_the_start_is_the_runs_own():
    run = record_run(RunSpec(layers=(4, 8, 8, 1), weight_init="random", epochs=3))
    spreads = activation_spread(run)
    assert len(spreads) == 2
    trace = run.network_at(0).trace(run.X_train.astype(float))
    for (counts, edges), values in zip(spreads, trace.a[1:-1]):
        assert edges[0] == 0 and edges[-1] == 1 and counts.sum() == pytest.approx(1.0)
        expected, _ = np.histogram(values.ravel(), bins=len(counts), range=(0, 1))
        np.testing.assert_allclose(counts, expected / values.size)


@pytest.fixture(scope="module")
def compared(tmp_path_factory):
    """Three learning rates, one of which diverges at once, rendered small, each run saved."""
    folder = tmp_path_factory.mktemp("compare")
    result = CliRunner().invoke(main, ["render", "compare", "--vary", "lr=0.3,3,3000", "--epochs", "150",
                                       "--duration", "4", *SIZE, "--output", str(folder / "c.mp4"),
                                       "--out-dir", str(folder / "runs")])
    assert result.exit_code == 0, result.output
    return folder


@pytest.mark.slow
def test_every_run_in_the_video_is_the_run_trained_alone(compared):
    for value in (0.3, 3.0, 3000.0):
        saved = TrainingHistory.load(compared / "runs" / f"lr-{value:g}.npz")
        alone = record_run(dataclasses.replace(RunSpec(epochs=150), learning_rate=value), keep_diverged=True)
        for name, array in alone.arrays().items():
            np.testing.assert_array_equal(saved.arrays()[name], array, err_msg=name)
    diverged = TrainingHistory.load(compared / "runs" / "lr-3000.npz")
    assert diverged.metadata["diverged"]["epoch"] == 1


@pytest.mark.slow
def test_the_diverged_run_is_said_and_shown_to_have_diverged(compared):
    captions = (compared / "c.srt").read_text()
    assert "With lr 3000, training diverged at epoch 1" in captions.replace("\n", " ")
    assert "lr 3000 learned" not in captions


@pytest.mark.slow
def test_each_curve_is_drawn_in_its_legends_colour(tmp_path):
    from scenes.chapters.compare import RUN_COLORS, CompareScene
    from scenes.output.render import render

    runs = record_runs(varied_specs(RunSpec(epochs=200), VARIABLES["lr"], [0.1, 1.0, 5.0]))
    video = render(CompareScene, tmp_path / "c.mp4", resolution=(640, 360), fps=5, histories=runs, option="lr",
                   values=[0.1, 1.0, 5.0], duration=3.0)
    frame = read_video(video.path)[0][-1].astype(int)
    plot = video.scene.plots[0]
    for index, curve in enumerate(plot.curves):
        others = [other.corners for k, other in enumerate(plot.curves) if k != index]
        # The corner of this curve farthest from every other curve: only this one is drawn there.
        distance = np.min([np.min(np.linalg.norm(curve.corners[:, None, :2] - other[None, :, :2], axis=2), axis=1)
                           for other in others], axis=0)
        # Not at the ends: the value axis is drawn in grey at the start, the end meets the axis' label.
        distance[:len(distance) // 10] = distance[-len(distance) // 10:] = 0
        corner = curve.corners[int(np.argmax(distance))]
        row, column = to_pixel(corner, 640, 360)
        patch = frame[row - 1:row + 2, column - 1:column + 2].reshape(-1, 3)
        seen = patch[np.argmax(patch.max(axis=1) - patch.min(axis=1))]
        # A 2-pixel line loses saturation to the video's half-resolution colour: it is told by its hue,
        # the nearest of the runs' colours in chromaticity.
        chroma = lambda rgb: np.asarray(rgb, float) / max(float(np.sum(rgb)), 1e-9)  # noqa: E731
        nearest = min(range(len(RUN_COLORS)), key=lambda k: np.abs(chroma(seen) - chroma(RUN_COLORS[k].to_rgb())).sum())
        assert seen.max() - seen.min() > 40 and nearest == index, (index, seen)
        key = plot.keys[index][0]  # the legend's line for this run
        assert np.allclose(key.get_stroke_color().to_rgb(), RUN_COLORS[index].to_rgb())


@pytest.mark.slow
def test_a_still_of_a_comparison_is_its_videos_last_frame(tmp_path):
    from PIL import Image

    from scenes.chapters.compare import CompareScene
    from scenes.output.render import render, render_still
    from tests.test_still import differs

    runs = record_runs(varied_specs(RunSpec(epochs=100), VARIABLES["activation"], ["sigmoid", "tanh"]))
    options = {"histories": runs, "option": "activation", "values": ["sigmoid", "tanh"], "duration": 3.0}
    video = render(CompareScene, tmp_path / "c.mp4", resolution=(320, 180), fps=5, **options)
    render_still(CompareScene, tmp_path / "c.png", resolution=(320, 180), **options)
    still = np.asarray(Image.open(tmp_path / "c.png").convert("RGB"))
    assert differs(read_video(video.path)[0][-1], still) < 0.002


def test_a_comparison_with_dropout_says_its_runs_are_shown_whole():
    from manim import tempconfig

    from scenes.chapters.compare import CompareScene

    def said(variable, values):
        runs = record_runs(varied_specs(RunSpec(epochs=20), VARIABLES[variable], values))
        with tempconfig({"pixel_width": 160, "pixel_height": 90}):
            scene = CompareScene(histories=runs, option=variable, values=values)
            scene.prepare()
            return " ".join(beat.caption + " " + (beat.brief or "") for beat in scene.script())

    whole = "A run with dropout silenced random hidden neurons at each training step; its glow and curves are"
    dropout = said("dropout", [0.0, 0.5])
    assert whole in dropout and "Runs with dropout are shown whole, as evaluated." in dropout  # and in brief
    assert "dropout" not in said("lr", [0.1, 1.0])
