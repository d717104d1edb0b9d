"""`nnscratch render compare --vary "layers=MLP;CNN"`: an MLP and a CNN on the same digits, each trained by
its own kind's defaults where the options leave them out, replayed side by side; their parameters and
accuracies on screen are the runs', their first layers' pictures follow the weights and kernels, and bad
values are one line, exit 2, before any training."""
import dataclasses

import numpy as np
import pytest
from click.testing import CliRunner
from PIL import Image

from cli import main
from nnscratch import CONV_DEFAULTS, DATASET_DEFAULTS, RunSpec, TrainingHistory, record_run
from nnscratch.comparison import (
    LAYERS, ComparisonError, compared_specs, kind_of, parse_variation, record_runs, varied_in,
)
from scenes.mobjects.style import weight_image_colors
from tests.frames import read_video, to_pixel
from tests.timeline import small_texts, unmarked_numbers, unshown_numbers

MLP, CNN = "784,16,10", "28x28,conv4:3,pool2,10"
TINY = {"samples": 300, "epochs": 2}  # the options a tiny comparison gives: shared by both runs
SIZE = ["--quality", "low", "--fps", "5", "--voice", "none"]


# -- the values and the specs -----------------------------------------------------------------

def test_layer_strings_are_separated_by_semicolons_and_read_by_the_grammar():
    variable, values = parse_variation(f"layers={MLP}; 28x28,conv8:3,pool2,conv16:3,pool2,10")
    assert variable is LAYERS
    assert values == [(784, 16, 10), ("28x28", "conv8:3", "pool2", "conv16:3", "pool2", 10)]
    assert variable.labels(values) == ["784,16,10", "28x28,conv8:3,pool2,conv16:3,pool2,10"]
    assert variable.file_names(values) == ["layers-784-16-10.npz", "layers-28x28-conv8k3-pool2-conv16k3-pool2-10.npz"]
    assert [kind_of(value) for value in values] == ["MLP", "CNN"]
    # Another option's values keep their commas.
    assert parse_variation("lr=0.1,1")[1] == [0.1, 1.0]


def test_each_run_takes_its_own_kinds_defaults_and_shares_the_data_and_seed():
    variable, values = parse_variation(f"layers={MLP};{CNN}")
    mlp, cnn = compared_specs({}, variable, values)
    for field, value in DATASET_DEFAULTS["digits"].items():
        if field != "layers":
            assert getattr(mlp, field) == value, field
    for field, value in CONV_DEFAULTS.items():
        assert getattr(cnn, field) == value, field
    assert mlp.activation != cnn.activation and mlp.optimizer != cnn.optimizer  # the kinds' own, not one for both
    for field in ("dataset", "samples", "test_fraction", "seed", "probe", "noise", "classes"):
        assert getattr(mlp, field) == getattr(cnn, field), field
    assert mlp.dataset == "digits"  # a CNN needs images: the digits, though no --dataset was given


def test_what_the_user_gives_applies_to_both_runs():
    variable, values = parse_variation(f"layers={MLP};{CNN}")
    mlp, cnn = compared_specs({"epochs": 3, "learning_rate": 0.01, "seed": 7}, variable, values)
    assert (mlp.epochs, mlp.learning_rate, mlp.seed) == (cnn.epochs, cnn.learning_rate, cnn.seed) == (3, 0.01, 7)
    assert (mlp.activation, cnn.activation) == ("sigmoid", "relu")  # the rest still each kind's own


def test_a_learning_rate_compared_on_a_cnn_trains_two_cnns_on_the_digits():
    variable, values = parse_variation("lr=0.001,0.01")
    specs = compared_specs({"layers": tuple(CNN.split(",")[:-1]) + (10,)}, variable, values)
    assert [spec.learning_rate for spec in specs] == [0.001, 0.01]
    assert all(spec.dataset == "digits" and spec.optimizer == "adam" and spec.activation == "relu" for spec in specs)


def test_other_variables_train_the_specs_they_did_before():
    # The spec of each value is the one the command trained before layers could vary.
    variable, values = parse_variation("activation=sigmoid,tanh")
    specs = compared_specs({"dataset": "moons", "epochs": 50}, variable, values)
    assert specs == [RunSpec.for_dataset("moons", epochs=50, activation=a) for a in ("sigmoid", "tanh")]


# -- refusals: one line, exit 2, before any training, nothing written --------------------------

def refused(tmp_path, monkeypatch, args, message, option="--vary"):
    def no_work(*_, **__):
        raise AssertionError("trained or rendered before refusing the options")

    monkeypatch.setattr("scenes.output.cluster.record_runs", no_work)
    monkeypatch.setattr("nnscratch.record_run", no_work)
    monkeypatch.setattr("cli.render_video", no_work)
    before = sorted(tmp_path.rglob("*"))
    result = CliRunner().invoke(main, ["render", "compare", *args, "--output", str(tmp_path / "c.mp4"),
                                       "--out-dir", str(tmp_path / "runs")])
    lines = result.output.strip().splitlines()
    assert result.exit_code == 2 and len(lines) == 1, result.output
    assert lines[0].startswith(f"Error: Invalid value for '{option}'") and message in lines[0], result.output
    assert sorted(tmp_path.rglob("*")) == before


@pytest.mark.parametrize(("args", "message", "option"), [
    (["--vary", f"layers={MLP};28x28,conv8:x,10"], "'conv8:x' is not a whole number", "--vary"),
    (["--vary", f"layers={MLP};28x28,conv4:3,pool2"], "has no dense output layer", "--vary"),
    (["--vary", f"layers={MLP};28x28,conv8:3,pool2,conv16:14,10"], "conv16:14 on 13x13 maps leaves nothing",
     "--vary"),
    (["--vary", f"layers={MLP}"], "give 2 to 4 values to compare, separated by ';', got 1", "--vary"),
    (["--vary", f"layers={MLP};"], "has an empty value", "--vary"),
    (["--vary", "lr=0.1;1"], "';' separates the values of layers only", "--vary"),
    (["--vary", f"layers={MLP};28x28,16,10"], "are one network", "--vary"),
    (["--vary", f"layers=2,8,1;{CNN}", "--dataset", "moons"], "conv and pool layers need images", "--vary"),
    (["--vary", f"layers={MLP};{CNN}", "--layers", MLP], "--vary layers sets --layers of each run", "--layers"),
    (["--vary", "lr=0.1,1", "--layers", CNN, "--dataset", "moons"], "conv and pool layers need images", "--layers"),
    (["--vary", f"layers={MLP};{CNN}", "--samples", "300", "--probe", "500"], "the probe must be below 240",
     "--probe"),
])
def test_bad_layer_comparisons_are_refused_in_one_line(tmp_path, monkeypatch, args, message, option):
    refused(tmp_path, monkeypatch, args, message, option)


def test_the_help_says_how_layer_strings_are_separated():
    result = CliRunner().invoke(main, ["render", "compare", "--help"])
    assert result.exit_code == 0
    text = " ".join(result.output.split())
    assert "separated by ';'" in text and "layers=784,16,16,10;28x28,conv8:3,pool2,conv16:3,pool2,10" in text


def test_saved_runs_of_other_networks_are_compared_on_their_layers(tiny_runs):
    # As --vary layers saved them: an MLP and a CNN differ in their layers and in the settings each kind
    # trains by when they are left out; two CNNs in their layers alone.
    mlp, cnn = tiny_runs
    other = record_run(RunSpec.for_dataset("digits", layers=("28x28", "conv2:3", "pool2", 10), **TINY))
    assert varied_in([cnn, other]) == (LAYERS, [("28x28", "conv4:3", "pool2", 10), ("28x28", "conv2:3", "pool2", 10)])
    assert varied_in([mlp, cnn]) == (LAYERS, [(784, 16, 10), ("28x28", "conv4:3", "pool2", 10)])
    assert (mlp.metadata["activation"], cnn.metadata["activation"]) == ("sigmoid", "relu")


def test_saved_runs_of_other_networks_that_differ_in_more_are_refused(tiny_runs):
    mlp, cnn = tiny_runs
    # A CNN away from its kind's own learning rate: the runs differ in a choice the layers do not explain.
    slower = record_run(RunSpec.for_dataset("digits", layers=CNN, learning_rate=0.001, **TINY))
    with pytest.raises(ComparisonError, match="differ in lr and layers: compare runs that differ in lr only or "
                                              "in layers only"):
        varied_in([mlp, slower])
    # Two MLPs of other layers and another activation: no kind explains that either.
    tanh = record_run(RunSpec.for_dataset("digits", layers=(784, 8, 10), activation="tanh", **TINY))
    with pytest.raises(ComparisonError, match="differ in activation and layers"):
        varied_in([mlp, tanh])


def test_a_layers_comparison_saved_by_out_dir_replays_with_runs(tmp_path, monkeypatch):
    asked = []
    monkeypatch.setattr("cli.render_video", lambda video, options, **kwargs: asked.append(kwargs))
    base = ["render", "compare", "--samples", "300", "--epochs", "1", "--output", str(tmp_path / "c.mp4")]
    result = CliRunner().invoke(main, [*base, "--vary", f"layers={MLP};{CNN}", "--out-dir", str(tmp_path / "runs")])
    assert result.exit_code == 0, result.output
    saved = sorted((tmp_path / "runs").iterdir())
    assert [path.name for path in saved] == ["layers-28x28-conv4k3-pool2-10.npz", "layers-784-16-10.npz"]
    result = CliRunner().invoke(main, ["render", "compare", "--runs", ",".join(map(str, saved)),
                                       "--output", str(tmp_path / "d.mp4")])
    assert result.exit_code == 0, result.output
    trained, replayed = asked
    assert trained["option"] == replayed["option"] == "layers"
    assert replayed["values"] == [("28x28", "conv4:3", "pool2", 10), (784, 16, 10)]
    cnn, mlp = replayed["histories"]
    assert cnn.metadata["layers"] == "28x28,conv4:3,pool2,10" and list(mlp.layer_sizes) == [784, 16, 10]
    assert (cnn.metadata["activation"], mlp.metadata["activation"]) == ("relu", "sigmoid")  # each kind's own


# -- the command end to end, up to the render ----------------------------------------------------

def test_the_command_trains_each_run_as_it_would_train_alone(tmp_path, monkeypatch):
    asked = {}
    monkeypatch.setattr("cli.render_video", lambda video, options, **kwargs: asked.update(kwargs, video=video))
    result = CliRunner().invoke(main, ["render", "compare", "--vary", f"layers={MLP};{CNN}", "--samples", "300",
                                       "--epochs", "2", "--output", str(tmp_path / "c.mp4"), "--workers", "1",
                                       "--out-dir", str(tmp_path / "runs")])
    assert result.exit_code == 0, result.output
    assert asked["option"] == "layers" and asked["values"] == [(784, 16, 10), ("28x28", "conv4:3", "pool2", 10)]
    variable, values = parse_variation(f"layers={MLP};{CNN}")
    for history, spec, name in zip(asked["histories"], compared_specs(TINY, variable, values),
                                   variable.file_names(values)):
        alone = record_run(spec, keep_diverged=True)
        saved = TrainingHistory.load(tmp_path / "runs" / name)
        for key, array in alone.arrays().items():
            np.testing.assert_array_equal(history.arrays()[key], array, err_msg=key)
            np.testing.assert_array_equal(saved.arrays()[key], array, err_msg=key)
    mlp, cnn = asked["histories"]
    np.testing.assert_array_equal(mlp.X_train, cnn.X_train)  # the same digits, split alike
    np.testing.assert_array_equal(mlp.y_test, cnn.y_test)


def test_the_scene_is_chosen_by_the_networks(tiny_runs):
    from scenes.chapters.compare import CompareScene
    from scenes.chapters.compare_networks import NetworksCompareScene
    from scenes.output.request import RenderRequest, scene_class

    def ask(runs, option):
        return scene_class(RenderRequest("compare", None, histories=runs, options={"option": option}))

    dense = record_runs([RunSpec(epochs=5), RunSpec(epochs=5, learning_rate=0.5)])
    mlp, cnn = tiny_runs
    assert ask(dense, "lr") is CompareScene
    assert ask(dense, "layers") is CompareScene  # networks of other data than images are drawn as networks
    assert ask([mlp, mlp], "layers") is NetworksCompareScene  # on images, as pictures of their first layers
    assert ask([mlp, mlp], "lr") is CompareScene
    assert ask([cnn, cnn], "lr") is NetworksCompareScene  # a CNN has no edges to draw
    assert ask([mlp, cnn], "layers") is NetworksCompareScene


@pytest.mark.slow
def test_dense_networks_on_other_data_are_compared_as_networks(tmp_path):
    output = tmp_path / "c.png"
    result = CliRunner().invoke(main, ["render", "compare", "--vary", "layers=2,8,1;2,16,16,1", "--dataset", "moons",
                                       "--epochs", "100", "--still", "--workers", "1", "--output", str(output)])
    assert result.exit_code == 0, result.output
    assert output.stat().st_size > 0


# -- the scene -------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def tiny_runs():
    variable, values = parse_variation(f"layers={MLP};{CNN}")
    return record_runs(compared_specs(TINY, variable, values))


def told_still(runs, path, resolution=(1920, 1080), brief=False, **options):
    from scenes.chapters.compare_networks import NetworksCompareScene
    from scenes.output.render import render_still

    options = {"option": "layers", "values": [(784, 16, 10), ("28x28", "conv4:3", "pool2", 10)], **options}
    return render_still(NetworksCompareScene, path, resolution=resolution, histories=runs, brief=brief, **options)


@pytest.fixture(scope="module")
def told_scene(tiny_runs, tmp_path_factory):
    path = tmp_path_factory.mktemp("still") / "c.png"
    scene = told_still(tiny_runs, path)
    return scene, np.asarray(Image.open(path).convert("RGB")).astype(int)


def texts(mobject) -> list[str]:
    from scenes.mobjects.glyphs import Label

    return [part.original_text for part in mobject.get_family() if isinstance(part, Label)]


@pytest.mark.slow
def test_parameters_and_accuracies_on_screen_are_the_runs(told_scene, tiny_runs):
    scene, _ = told_scene
    for index, history in enumerate(tiny_runs):
        parameters = history.network_at().n_parameters
        assert texts(scene.parameter_texts[index]) == [f"{parameters:,} parameters"]
        train, test = scene.accuracy_readouts[index]
        assert train.text == f"{float(history.train_accuracy[-1]):.1%}"
        assert test.text == f"{float(history.test_accuracy[-1]):.1%}"
        assert f"{float(history.test_accuracy[-1]):.1%}" in scene.told[-2].caption  # the beat that says them
        lines = texts(scene.setting_texts[index])
        assert lines[0] == f"{history.activation}, {history.metadata['weight_init']} init"
        assert lines[1] == f"{history.optimizer}, lr {history.learning_rate:g}"
        assert lines[2] == f"batch {history.batch_size}, {history.epochs} epochs"
    # The MLP's parameters and the CNN's, counted by hand.
    assert tiny_runs[0].network_at().n_parameters == 784 * 16 + 16 + 16 * 10 + 10
    assert tiny_runs[1].network_at().n_parameters == 4 * 9 + 4 + 4 * 13 * 13 * 10 + 10
    settings = next(beat.caption for beat in scene.told if beat.caption.startswith("They train"))
    assert "the MLP with sigmoid, xavier init, sgd and lr 0.2" in settings
    assert "the CNN with relu, he init, adam and lr 0.002" in settings


@pytest.mark.slow
def test_every_number_said_is_shown_while_said(told_scene, tiny_runs, tmp_path):
    scene, _ = told_scene
    brief = told_still(tiny_runs, tmp_path / "brief.png", resolution=(160, 90), brief=True)
    for telling in (scene, brief):
        assert unshown_numbers(telling) == []
        assert unmarked_numbers(telling) == []
        assert small_texts(telling) == []
    assert len(brief.told) < len(scene.told)


def pixel_of(frame, point, width=1920, height=1080):
    row, column = to_pixel(point, width, height)
    return frame[row, column]


def cell_centres(picture, rows, columns):
    """The scene points at the centres of a picture's ``rows`` x ``columns`` cells, row by row."""
    left, top = picture.get_left()[0], picture.get_top()[1]
    width, height = picture.width / columns, picture.height / rows
    return [(np.array([left + (c + 0.5) * width, top - (r + 0.5) * height, 0.0]), r, c)
            for r in range(rows) for c in range(columns)]


@pytest.mark.slow
def test_the_first_layers_pictures_follow_the_weights_and_kernels(told_scene, tiny_runs):
    scene, frame = told_scene
    mlp, cnn = tiny_runs
    kernels, kernel_layer = cnn.kernels[0][-1][:, 0].astype(float), scene.first_layers[1]
    assert kernel_layer.weights.scale == pytest.approx(float(np.abs(cnn.kernels[0][:, :, 0]).max()))
    for picture, kernel in zip(kernel_layer.tiles.pictures, kernels):
        expected = np.round(weight_image_colors(kernel, kernel_layer.weights.scale) * 255)
        for point, r, c in cell_centres(picture, 3, 3):
            assert np.abs(pixel_of(frame, point) - expected[r, c]).max() <= 3, (r, c)
    neurons, neuron_layer = mlp.weights[0][-1].astype(float), scene.first_layers[0]
    assert len(neuron_layer.tiles.pictures) == 16
    for picture, weights in zip(neuron_layer.tiles.pictures[:4], neurons):
        expected = np.round(weight_image_colors(weights.reshape(28, 28), neuron_layer.weights.scale) * 255)
        # Every cell but the edge ones, which the tile's frame overlaps.
        for point, r, c in cell_centres(picture, 28, 28):
            if 0 < r < 27 and 0 < c < 27:
                assert np.abs(pixel_of(frame, point) - expected[r, c]).max() <= 3, (r, c)
    # The scale strip says the scale the pictures are drawn on.
    assert texts(kernel_layer.scale_strip.high) == [f"{kernel_layer.weights.scale:.2f}"]


@pytest.mark.slow
def test_a_run_that_did_not_learn_is_shown_as_one(tmp_path):
    variable, values = parse_variation(f"layers={MLP};{CNN}")
    specs = compared_specs(TINY, variable, values)
    runs = record_runs([dataclasses.replace(specs[0], learning_rate=1e-6), specs[1]])
    scene = told_still(runs, tmp_path / "c.png", resolution=(320, 180))
    captions = [beat.caption for beat in scene.told]
    assert any(caption.startswith("With the MLP, it did not learn") for caption in captions), captions
    assert texts(scene.status_texts[0])[0].endswith("did not learn")
    assert captions[-1].startswith("On the test digits, the CNN does best")
    assert texts(scene.status_texts[1]) == [" "]  # the run that learned is not marked
    assert unshown_numbers(scene) == [] and unmarked_numbers(scene) == []


@pytest.mark.slow
def test_a_tiny_comparison_renders_end_to_end(tmp_path):
    output = tmp_path / "c.mp4"
    result = CliRunner().invoke(main, ["render", "compare", "--vary", f"layers={MLP};{CNN}", "--samples", "300",
                                       "--epochs", "2", "--duration", "3", "--workers", "1", "--output", str(output),
                                       *SIZE])
    assert result.exit_code == 0, result.output
    frames, fps, width, height = read_video(output)
    assert (width, height) == (854, 480) and len(frames) > 10 * fps
    captions = " ".join((tmp_path / "c.srt").read_text().split())
    assert "An MLP and a CNN, trained on the same 240 digits" in captions


@pytest.mark.slow
def test_the_pictures_move_with_the_replay(tmp_path):
    # Each frame of the replay redraws the pictures from the weights at its epoch (not a still background
    # kept from before the replay): at the end of its first part, a third of the way, the kernels are the
    # blend of the snapshots around that epoch. A larger step than the default, so they visibly move.
    from scenes.chapters.compare import REPLAY_SHARES
    from scenes.chapters.compare_networks import NetworksCompareScene, between
    from scenes.output.render import render

    variable, values = parse_variation(f"layers={MLP};{CNN}")
    runs = record_runs(compared_specs({**TINY, "learning_rate": 0.02}, variable, values))
    video = render(NetworksCompareScene, tmp_path / "c.mp4", resolution=(640, 360), fps=5, histories=runs,
                   option="layers", values=values, duration=3.0)
    frames, fps, width, height = read_video(video.path)
    scene = video.scene
    part = next(beat for beat in scene.told if beat.caption.startswith("Each frame shows"))
    frame = frames[int(round(part.end * fps)) - 1].astype(int)
    cnn, layer = runs[1], scene.first_layers[1]
    epoch = REPLAY_SHARES[0] * cnn.epochs
    low, high, t = between(cnn.snapshot_epochs.astype(float), epoch)
    images = layer.weights.images
    expected = {"then": weight_image_colors((1 - t) * images[low] + t * images[high], layer.weights.scale) * 255,
                "before": weight_image_colors(images[0], layer.weights.scale) * 255}
    errors = {name: [] for name in expected}
    for k, picture in enumerate(layer.tiles.pictures):
        for point, r, c in cell_centres(picture, 3, 3):
            seen = frame[to_pixel(point, width, height)]
            for name, colours in expected.items():
                errors[name].append(np.abs(seen - colours[k, r, c]).max())
    assert np.mean(errors["then"]) < 12 and np.mean(errors["before"]) > 2 * np.mean(errors["then"]), errors


def test_saved_cnn_runs_that_differ_in_one_choice_are_replayed(tmp_path, monkeypatch):
    asked = {}
    monkeypatch.setattr("cli.render_video", lambda video, options, **kwargs: asked.update(kwargs))
    layers = ("28x28", "conv4:3", "pool2", 10)
    for lr in (0.001, 0.01):
        record_run(RunSpec.for_dataset("digits", layers=layers, learning_rate=lr, **TINY)).save(tmp_path / f"{lr}.npz")
    runs = f"{tmp_path / '0.001.npz'},{tmp_path / '0.01.npz'}"
    result = CliRunner().invoke(main, ["render", "compare", "--runs", runs, "--output", str(tmp_path / "c.mp4")])
    assert result.exit_code == 0, result.output
    assert asked["option"] == "lr" and asked["values"] == [0.001, 0.01]
    assert all(history.is_convolutional for history in asked["histories"])


@pytest.mark.slow
@pytest.mark.parametrize("layers", [
    f"{MLP};{CNN};28x28,conv8:3,pool2,conv16:3,pool2,64,10",  # three: a band each
    f"{MLP};784,32,10;{CNN};28x28,conv8:3,pool2,10",  # four: the captions too small to read their counts out
])
def test_three_or_four_networks_keep_every_number_said_shown(tmp_path, layers):
    variable, values = parse_variation(f"layers={layers}")
    runs = record_runs(compared_specs(TINY, variable, values))
    scene = told_still(runs, tmp_path / "c.png", resolution=(320, 180), values=values)
    assert unshown_numbers(scene) == [] and unmarked_numbers(scene) == [] and small_texts(scene) == []
    assert len(scene.first_layers) == len(values)
    for index, history in enumerate(runs):  # each band's numbers are its own run's
        assert texts(scene.parameter_texts[index]) == [f"{history.network_at().n_parameters:,} parameters"]
        assert scene.accuracy_readouts[index][1].text == f"{float(history.test_accuracy[-1]):.1%}"


@pytest.mark.slow
@pytest.mark.parametrize("brief", [False, True])
def test_cnns_compared_by_a_choice_say_what_they_share_and_keep_the_rules(tmp_path, brief):
    variable, values = parse_variation("l2=0,0.01")
    runs = record_runs(compared_specs({**TINY, "layers": ("28x28", "conv4:3", "pool2", 10)}, variable, values))
    scene = told_still(runs, tmp_path / "c.png", resolution=(320, 180), brief=brief, option="l2", values=values)
    captions = [beat.caption for beat in scene.told]
    assert unshown_numbers(scene) == [] and unmarked_numbers(scene) == [] and small_texts(scene) == []
    if not brief:
        assert "Apart from the L2 strength, they train alike: relu, he init, adam, lr 0.002, batch 32, 2 epochs." \
            in captions
        assert "Each has the same 6,810 parameters." in captions
