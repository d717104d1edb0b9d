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
])
def test_a_bad_vary_is_one_line_and_exit_2_before_any_work(tmp_path, value, message):
    result = CliRunner().invoke(main, ["render", "compare", "--vary", value, "--output", str(tmp_path / "c.mp4"),
                                       "--out-dir", str(tmp_path / "runs")])
    assert result.exit_code == 2 and message in result.output, result.output
    assert list(tmp_path.iterdir()) == []


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


def test_runs_of_other_data_or_networks_are_not_compared(tmp_path):
    paths = [tmp_path / name for name in ("a.npz", "b.npz", "c.npz")]
    record_run(RunSpec(epochs=5)).save(paths[0])
    record_run(RunSpec(epochs=5, seed=7)).save(paths[1])  # other seed, other sample blobs
    record_run(RunSpec(epochs=5, layers=(4, 3, 1))).save(paths[2])
    for other, message in ((paths[1], "was trained on other data"), (paths[2], "compared runs share their network")):
        result = CliRunner().invoke(main, ["render", "compare", "--runs", f"{paths[0]},{other}",
                                           "--output", str(tmp_path / "c.mp4")])
        assert result.exit_code == 2 and message in result.output, result.output
    assert not (tmp_path / "c.mp4").exists()


def test_the_values_parse_as_the_options_do():
    variable, values = parse_variation("lr=0.01, 0.1,1e1")
    assert variable is VARIABLES["lr"] and values == [0.01, 0.1, 10.0]
    assert parse_variation("batch-size=8,32")[1] == [8, 32]
    assert [VARIABLES["lr"].label(v) for v in values] == ["lr 0.01", "lr 0.1", "lr 10"]


def test_runs_trained_in_parallel_are_the_runs_trained_alone():
    specs = varied_specs(RunSpec(epochs=60), VARIABLES["activation"], ["sigmoid", "tanh", "relu"])
    together = record_runs(specs, workers=2)
    for spec, run in zip(specs, together):
        alone = record_run(spec)
        assert run.metadata == alone.metadata
        for name, array in alone.arrays().items():
            np.testing.assert_array_equal(run.arrays()[name], array, err_msg=name)
    variable, values = varied_in(together)
    assert variable is VARIABLES["activation"] and values == ["sigmoid", "tanh", "relu"]


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
    from scenes.compare import RUN_COLORS, CompareScene
    from scenes.render import render

    runs = record_runs(varied_specs(RunSpec(epochs=200), VARIABLES["lr"], [0.1, 1.0, 5.0]), workers=1)
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

    from scenes.compare import CompareScene
    from scenes.render import render, render_still
    from tests.test_still import differs

    runs = record_runs(varied_specs(RunSpec(epochs=100), VARIABLES["activation"], ["sigmoid", "tanh"]), workers=1)
    options = {"histories": runs, "option": "activation", "values": ["sigmoid", "tanh"], "duration": 3.0}
    video = render(CompareScene, tmp_path / "c.mp4", resolution=(320, 180), fps=5, **options)
    render_still(CompareScene, tmp_path / "c.png", resolution=(320, 180), **options)
    still = np.asarray(Image.open(tmp_path / "c.png").convert("RGB"))
    assert differs(read_video(video.path)[0][-1], still) < 0.002


def test_a_comparison_with_dropout_says_its_runs_are_shown_whole():
    from manim import tempconfig

    from scenes.compare import CompareScene

    def said(variable, values):
        runs = record_runs(varied_specs(RunSpec(epochs=20), VARIABLES[variable], values), workers=1)
        with tempconfig({"pixel_width": 160, "pixel_height": 90}):
            scene = CompareScene(histories=runs, option=variable, values=values)
            scene.prepare()
            return " ".join(beat.caption + " " + (beat.brief or "") for beat in scene.script())

    whole = "A run with dropout silenced random hidden neurons at each training step; its glow and curves are"
    dropout = said("dropout", [0.0, 0.5])
    assert whole in dropout and "Runs with dropout are shown whole, as evaluated." in dropout  # and in brief
    assert "dropout" not in said("lr", [0.1, 1.0])
