"""`--data` on the command line: each kind of file trains and is described by its own names; every bad
file is one line, exit 2, before any training, with nothing written and no traceback."""
import os

import numpy as np
import pytest
from click.testing import CliRunner

from cli import main
from nnscratch import RunSpec, TrainingHistory, record_run
from tests import user_files


@pytest.fixture
def runner():
    return CliRunner()


def invoke(runner, *args):
    return runner.invoke(main, [str(arg) for arg in args])


KINDS = {
    "penguins.csv": (user_files.penguins, "classes     3 (Adelie, Chinstrap, Gentoo) from bill_length_mm, "
                                          "bill_depth_mm, flipper_length_mm, body_mass_g"),
    "weather.tsv": (user_files.plane_csv, "classes     2 (dry, rain) from temperature, humidity"),
    "houses.csv": (user_files.regression_csv, "task        regression: predicts price_k (a number) from area_m2, "
                                              "rooms, age_years"),
    "signals.npz": (user_files.arrays_npz, "classes     3 (low, mid, high) from voltage, current, phase"),
    "shapes": (user_files.image_folder, "classes     2 (circle, square) from images of 10x10 pixels"),
}


@pytest.mark.parametrize("name", KINDS)
def test_each_kind_trains_and_info_names_its_classes_or_says_regression(runner, tmp_path, name):
    maker, row = KINDS[name]
    source = maker(tmp_path)
    out = tmp_path / "run.npz"
    result = invoke(runner, "train", "--data", source, "--image-size", 10, "--epochs", 50, "--out", out)
    assert result.exit_code == 0, result.output
    assert f"on {name} for 50 epochs" in result.output
    info = invoke(runner, "info", out)
    assert info.exit_code == 0 and row in info.output.splitlines(), info.output
    if name == "houses.csv":
        final = next(line for line in info.output.splitlines() if line.startswith("final"))
        assert "R²" in final and "accuracy" not in info.output
    else:
        assert "accuracy" in info.output and "R²" not in info.output


def test_a_table_takes_its_own_defaults_and_options_given_win(runner, tmp_path):
    source = user_files.penguins(tmp_path)
    out = tmp_path / "run.npz"
    assert invoke(runner, "train", "--data", source, "--epochs", 20, "--out", out).exit_code == 0
    history = TrainingHistory.load(out)
    assert history.layer_sizes == [4, 8, 8, 3] and history.activation == "tanh"
    assert len(history.X_train) + len(history.X_test) == 18  # every row by default
    assert invoke(runner, "train", "--data", source, "--epochs", 20, "--layers", "4,5,3", "--samples", 12,
                  "--loss", "mse", "--out", out).exit_code == 0
    history = TrainingHistory.load(out)
    assert history.layer_sizes == [4, 5, 3] and len(history.X_train) + len(history.X_test) == 12
    assert history.metadata["loss"] == "mean squared error" and history.loss_choice == "mse"


def test_label_picks_the_target(runner, tmp_path):
    source = user_files.regression_csv(tmp_path)
    out = tmp_path / "run.npz"
    result = invoke(runner, "train", "--data", source, "--label", "rooms", "--epochs", 20, "--out", out)
    assert result.exit_code == 0, result.output
    history = TrainingHistory.load(out)
    assert history.class_names == ("2", "3", "4", "5", "6", "7") and history.target_name == "rooms"
    assert history.feature_names == ("area_m2", "age_years", "price_k")


BAD_COMMANDS = [
    (["--data", "{tmp}/missing.csv"], "--data", "missing.csv: no such file or folder"),
    (["--data", "{tmp}/empty.csv"], "--data", "empty.csv: the file is empty"),
    (["--data", "{tmp}/header.csv"], "--data", "header.csv: a header but no rows of data"),
    (["--data", "{tmp}/ragged.csv"], "--data", "ragged.csv: line 3 has 2 values, but the header names 3 columns"),
    (["--data", "{tmp}/text.csv"], "--data", "text.csv: line 2, column 'b': 'oops' is not a number"),
    (["--data", "{tmp}/nan.csv"], "--data", "nan.csv: line 2, column 'a': NaN is not a finite number"),
    (["--data", "{tmp}/twice.csv"], "--data", "twice.csv: line 1: columns 1 and 2 are both named 'a'"),
    (["--data", "{tmp}/one.csv"], "--data", "one.csv: the label column 'label' holds one class only ('x')"),
    (["--data", "{tmp}/binary.csv"], "--data", "binary.csv: a binary file, not a CSV table of text"),
    (["--data", "{tmp}/penguins.csv", "--label", "kind"], "--data", "no column 'kind' to take the labels from"),
    (["--data", "{tmp}/many.csv"], "--data", "holds 11 different labels; the scenes name at most 10 classes"),
    (["--data", "{tmp}/penguins.csv", "--layers", "4,8,2"], "--layers",
     "penguins.csv has 3 classes, so the output layer must be 3 (softmax), got 2"),
    (["--data", "{tmp}/penguins.csv", "--layers", "5,8,3"], "--layers",
     "penguins.csv has 4 feature columns, so the input layer must be 4 (got 5)"),
    (["--data", "{tmp}/penguins.csv", "--dataset", "moons"], "--dataset",
     "--data trains on your own data and --dataset on a built-in set: give one of them"),
    (["--data", "{tmp}/penguins.csv", "--samples", "500"], "--samples",
     "penguins.csv has 18 samples, so --samples must be at most 18, got 500"),
    (["--data", "{tmp}/penguins.csv", "--noise", "0.1"], "--noise", "nnscratch adds no noise to your data"),
    (["--data", "{tmp}/penguins.csv", "--classes", "3"], "--classes", "the classes of penguins.csv are its own"),
    (["--data", "{tmp}/houses.csv", "--loss", "cross-entropy"], "--loss",
     "houses.csv has a real-valued target ('price_k'): it is learned with mse; cross-entropy needs classes"),
    (["--data", "{tmp}/empty_folder"], "--data", "empty_folder: no images (PNG or JPEG) in subfolders"),
    (["--data", "{tmp}/shapes"], "--data", "shapes/circle/broken.png: not a readable image"),
    (["--data", "{tmp}/huge.csv"], "--data", "huge.csv: 256.0 MiB is larger than the 256.0 MiB nnscratch reads"),
    (["--label", "species"], "--label", "--label names the target column of --data; give --data too"),
    (["--data", "{tmp}/huge_value.csv"], "--data",
     "huge_value.csv: line 3, column 'b': 1e+308 is beyond ±1e+150, so its scale cannot be computed in float64"),
    (["--data", "{tmp}/no_header.csv"], "--data", "no_header.csv: line 1 looks like data, not a header"),
    (["--data", "{tmp}/slip.csv"], "--data", "slip.csv: line 7, column 'price': 'NA' is not a number"),
    (["--data", "{tmp}/flat.csv"], "--data", "flat.csv: the label column 'price' has one value only (2.5)"),
    (["--data", "{tmp}/three.csv"], "--data", "three.csv: 3 rows of data; nnscratch needs at least 4"),
    (["--data", "{tmp}/bidi.csv"], "--data", "bidi.csv: the class name 'x\\u202ey' holds control or text-direction"),
]


@pytest.fixture
def bad_files(tmp_path):
    files = {
        "empty.csv": "", "header.csv": "a,b,label\n", "ragged.csv": "a,b,label\n1,2,x\n3,4\n",
        "text.csv": "a,b,label\n1,oops,x\n3,4,y\n", "nan.csv": "a,b,label\nNaN,2,x\n3,4,y\n",
        "twice.csv": "a,a,label\n1,2,x\n3,4,y\n", "one.csv": "a,b,label\n1,2,x\n3,4,x\n",
        "many.csv": "a,b,label\n" + "".join(f"{k},{k},c{k}\n" for k in range(11)),
        "huge_value.csv": "a,b,label\n1,2,x\n3,1e308,y\n5,6,x\n7,8,y\n",
        "no_header.csv": "5.0,3.0,setosa\n5.1,3.1,versicolor\n4.9,3.2,setosa\n6.0,2.9,versicolor\n",
        "slip.csv": "a,price\n" + "".join(f"{k},{k + 0.5}\n" for k in range(5)) + "5,NA\n",
        "flat.csv": "a,price\n" + "".join(f"{k},2.5\n" for k in range(6)),
        "three.csv": "a,b,label\n1,2,x\n3,4,y\n5,6,x\n",
        "bidi.csv": "a,b,label\n1,2,x\u202ey\n3,4,z\n5,6,x\u202ey\n7,8,z\n",
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    (tmp_path / "binary.csv").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    (tmp_path / "empty_folder").mkdir()
    with open(tmp_path / "huge.csv", "wb") as stream:
        stream.truncate(256 * 2**20 + 1)
    user_files.penguins(tmp_path)
    user_files.regression_csv(tmp_path)
    root = user_files.image_folder(tmp_path)
    (root / "circle" / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\nno image")
    return tmp_path


COMMANDS = [["train", "--out", "{tmp}/run.npz"], ["render", "data", "--output", "{tmp}/data.mp4"],
            ["render", "explainer", "--output", "{tmp}/explainer.mp4"],
            ["render", "compare", "--vary", "lr=0.1,1", "--output", "{tmp}/compare.mp4"]]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda command: command[1] if command[0] == "render" else "train")
@pytest.mark.parametrize("args, option, message", BAD_COMMANDS, ids=[case[2][:40] for case in BAD_COMMANDS])
def test_bad_data_is_one_line_exit_2_nothing_written(runner, bad_files, monkeypatch, command, args, option, message):
    trained = []
    monkeypatch.setattr("nnscratch.run._prepare_user_run", lambda *a, **k: trained.append(a))
    before = sorted(os.listdir(bad_files))
    result = invoke(runner, *[arg.format(tmp=bad_files) for arg in [*command, *args]])
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"Error: Invalid value for '{option}'"), result.output
    assert message in lines[0]
    assert "Traceback" not in result.output and trained == []
    assert sorted(os.listdir(bad_files)) == before  # no out/ folder, no file


def test_run_with_data_is_refused(runner, tmp_path):
    source = user_files.penguins(tmp_path)
    out = tmp_path / "run.npz"
    assert invoke(runner, "train", "--data", source, "--epochs", 5, "--out", out).exit_code == 0
    result = invoke(runner, "render", "data", "--run", out, "--data", source, "--still")
    assert result.exit_code == 2 and "--run replays a saved run, so --data has no effect" in result.output


def test_features_refuses_a_table_it_cannot_draw_before_training(runner, tmp_path, monkeypatch):
    monkeypatch.setattr("nnscratch.run._prepare_user_run", lambda *a, **k: pytest.fail("trained"))
    result = invoke(runner, "render", "features", "--data", user_files.regression_csv(tmp_path), "--still")
    assert result.exit_code == 2 and "the features chapter draws what the network learned" in result.output
    assert "your own data into 3,8,8,1" in result.output


def two_feature_regression(folder):
    rng = np.random.default_rng(4)
    rows = [(x, y, 2 * x - y + rng.normal(0, 0.1)) for x, y in rng.uniform(-2, 2, size=(30, 2))]
    path = folder / "slope.csv"
    path.write_text("x,y,height\n" + "".join(f"{x:.3f},{y:.3f},{z:.3f}\n" for x, y, z in rows))
    return path


def test_features_refuses_a_regression_in_the_plane_before_training(runner, tmp_path, monkeypatch):
    monkeypatch.setattr("nnscratch.run._prepare_user_run", lambda *a, **k: pytest.fail("trained"))
    source = two_feature_regression(tmp_path)
    for args in (["render", "features"], ["render", "explainer", "--chapters", "data,features"]):
        result = invoke(runner, *args, "--data", source, "--output", tmp_path / "out.mp4")
        lines = result.output.strip().splitlines()
        assert result.exit_code == 2 and len(lines) == 1, result.output
        assert "the features chapter draws what the network learned class by class, so it cannot tell a " \
               "regression" in lines[0]
    assert sorted(path.name for path in tmp_path.iterdir()) == ["slope.csv"]


def test_the_explainer_leaves_out_a_chapter_that_cannot_tell_a_regression(tmp_path):
    from scenes.chapters.catalogue import chapters_of, scene_for

    history = record_run(RunSpec.for_data(str(two_feature_regression(tmp_path)), epochs=10))
    assert history.regression and history.layer_sizes[0] == 2 and history.learned_kind == "plane"
    told = [chapter.name for chapter in chapters_of(None, history)]
    assert "features" not in told and {"data", "training", "summary"} <= set(told)
    with pytest.raises(ValueError, match="cannot tell a regression"):
        chapters_of(["features"], history)
    with pytest.raises(ValueError, match="cannot tell a regression"):  # as the notebook's show() asks for it
        scene_for("features", history)


def test_a_message_escapes_what_a_terminal_would_obey():
    from cli import one_line

    assert one_line("a\u202eb\x85c\x1bd\u2028e\u2066f é") == "a\\u202eb\\x85c\\x1bd\\u2028e\\u2066f é"


def test_input_says_it_is_in_standardised_units_on_own_data(runner, tmp_path):
    result = invoke(runner, "render", "forward", "--data", user_files.penguins(tmp_path), "--input", "39.1,18.7,181,3750")
    lines = result.output.strip().splitlines()
    assert result.exit_code == 2 and len(lines) == 1, result.output
    assert "between -100 and 100, got 181; on your own data (--data) the inputs are standardised" in lines[0]
    assert "standardised units" in " ".join(invoke(runner, "render", "forward", "--help").output.split())
