"""K classes of 2-D points: spiral arms and gaussian clusters, their names, the run that records K, the CLI."""
import hashlib
import json
import zipfile

import numpy as np
import pytest
from click.testing import CliRunner

from cli import main
from nnscratch import RunFileError, RunSpec, SpecError, TrainingHistory, make_dataset, record_run
from nnscratch.datasets import MAX_CLASSES, class_names, cluster_centres

MANY = ("spiral", "gaussians")
# sha256 of X_train, y_train, X_test and y_test of two-class sets, as the code before --classes made them:
# two classes must stay the same data, byte for byte, so every earlier run replays as it was.
TWO_CLASS_DATA = {
    ("spiral", 200, None, 42): "cce9011353709ff45bb9f00963edd9857c247c755d31f09f2ebdd0cf03b56066",
    ("spiral", 333, 0.3, 7): "7372abfff8e31424b072887e09b5309e4dc53f1f227a86001b6de3a75651e434",
    ("gaussians", 200, None, 42): "7c2eb23d6bd4c13debe683873a6d6c251647fd4f1635cdb59d9f91dd4debb3ce",
    ("gaussians", 333, 0.3, 7): "e8f13b8b49ce931cd94972f203e832846bb12d021b59e0156f1e257f1e073ac7",
}


@pytest.mark.parametrize("key", TWO_CLASS_DATA)
@pytest.mark.parametrize("classes", [None, 2])
def test_two_classes_are_the_data_they_always_were(key, classes):
    name, samples, noise, seed = key
    data = make_dataset(name, samples, noise, 0.2, seed, classes=classes)
    digest = hashlib.sha256(b"".join(a.tobytes() for a in (data.X_train, data.y_train, data.X_test, data.y_test)))
    assert digest.hexdigest() == TWO_CLASS_DATA[key]


@pytest.mark.parametrize("name", MANY)
@pytest.mark.parametrize("classes", range(2, MAX_CLASSES + 1))
def test_k_classes_are_made_in_equal_shares(name, classes):
    data = make_dataset(name, 301, classes=classes, test_fraction=0.0, seed=3)
    counts = np.bincount(data.y_train[:, 0].astype(int), minlength=classes)
    assert len(counts) == classes and counts.max() - counts.min() <= 1
    assert np.abs(data.X_train).max() < 1.6


def test_each_spiral_arm_starts_turned_by_its_share_of_a_turn():
    data = make_dataset("spiral", 600, noise=0.0, classes=3, test_fraction=0.0)
    X, y = data.X_train, data.y_train[:, 0].astype(int)
    radius = np.hypot(X[:, 0], X[:, 1])
    angle = np.arctan2(X[:, 1], X[:, 0])
    t = (radius - 0.05) / 0.95
    turned = angle - 1.75 * 2 * np.pi * t - 2 * np.pi * y / 3  # a whole number of turns
    np.testing.assert_allclose(np.cos(turned), 1.0, atol=1e-9)


def test_gaussian_clusters_sit_around_their_centres():
    data = make_dataset("gaussians", 1200, noise=0.0, classes=4, test_fraction=0.0)
    X, y = data.X_train, data.y_train[:, 0].astype(int)
    means = np.array([X[y == k].mean(axis=0) for k in range(4)])
    np.testing.assert_allclose(means, cluster_centres(4), atol=0.05)
    np.testing.assert_array_equal(cluster_centres(2), [[-0.5, -0.5], [0.5, 0.5]])


def test_class_names_follow_k():
    assert class_names("spiral", 2) == ("first arm", "second arm")
    assert class_names("spiral", 4) == ("first arm", "second arm", "third arm", "fourth arm")
    assert class_names("gaussians", 2) == ("lower-left cluster", "upper-right cluster")
    for classes in range(2, MAX_CLASSES + 1):
        names = class_names("gaussians", classes)
        assert len(set(names)) == classes and all(name.endswith(" cluster") for name in names)
    assert class_names("moons", 3) == ("class 0", "class 1", "class 2")  # not a moons run: generic names


@pytest.mark.parametrize("fields, field, message", [
    ({"dataset": "moons", "classes": 3}, "classes", "the moons dataset has 2 classes; only spiral and gaussians"),
    ({"dataset": "spiral", "classes": 7}, "classes", "between 2 and 6, got 7"),
    ({"dataset": "spiral", "classes": 1}, "classes", ">= 2, got 1"),
    ({"dataset": "spiral", "classes": 3, "layers": (2, 8, 1)}, "layers",
     r"has 3 classes, so the output layer must be 3 \(softmax\), got 1"),
    ({"dataset": "gaussians", "classes": 2, "layers": (2, 8, 4)}, "layers", r"must be 1 \(sigmoid\) or 2"),
])
def test_a_spec_refuses_classes_that_do_not_fit(fields, field, message):
    with pytest.raises(SpecError, match=message) as error:
        RunSpec.for_dataset(**fields).check()
    assert error.value.field == field


def test_the_default_layers_follow_k():
    assert RunSpec.for_dataset("spiral", classes=4).layers == (2, 8, 8, 4)
    assert RunSpec.for_dataset("spiral", classes=2).layers == (2, 8, 8, 1)
    assert RunSpec.for_dataset("spiral", classes=3, layers=(2, 5, 3)).layers == (2, 5, 3)


@pytest.mark.parametrize("name", MANY)
def test_a_k_class_run_records_k_and_reloads_it(name, tmp_path):
    history = record_run(RunSpec.for_dataset(name, classes=5, epochs=20))
    assert history.metadata["dataset"]["classes"] == 5 and history.layer_sizes[-1] == 5
    loaded = TrainingHistory.load(history.save(tmp_path / "run.npz"))
    assert loaded.metadata["dataset"]["classes"] == 5 and loaded.metadata["output"] == "softmax"
    assert loaded.y_train.shape[1] == 5 and set(loaded.y_train.argmax(axis=1)) == set(range(5))

    assert loaded.class_names == class_names(name, 5)


def test_two_classes_leave_the_metadata_as_it_was():
    history = record_run(RunSpec.for_dataset("spiral", classes=2, epochs=5))
    assert "classes" not in history.metadata["dataset"]
    assert history.metadata == record_run(RunSpec.for_dataset("spiral", epochs=5)).metadata


def rewrite_metadata(path, change):
    """The run file at ``path`` with its metadata changed by ``change(dict)``."""
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    import io
    metadata = json.loads(str(np.load(io.BytesIO(members["metadata.npy"]))))
    change(metadata)
    stream = io.BytesIO()
    np.lib.format.write_array(stream, np.array(json.dumps(metadata)))
    members["metadata.npy"] = stream.getvalue()
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)


@pytest.mark.parametrize("change, message", [
    (lambda m: m["dataset"].update(classes=7), "classes must be a whole number between 3 and 6"),
    (lambda m: m["dataset"].update(classes=2), "classes must be a whole number between 3 and 6"),
    (lambda m: m["dataset"].update(classes=4), "4 classes need an output layer of 4 softmax neurons, not 3"),
    (lambda m: m["dataset"].update(name="moons"), "the moons dataset is made with its own number"),
])
def test_a_run_file_with_a_wrong_number_of_classes_is_refused(tmp_path, change, message):
    path = record_run(RunSpec.for_dataset("spiral", classes=3, epochs=5)).save(tmp_path / "run.npz")
    rewrite_metadata(path, change)
    with pytest.raises(RunFileError, match=message):
        TrainingHistory.load(path)


# -- the command line -------------------------------------------------------------------------

@pytest.fixture
def runner():
    return CliRunner()


def test_classes_on_the_command_line_reach_the_run(runner, tmp_path):
    out = tmp_path / "three.npz"
    result = runner.invoke(main, ["train", "--dataset", "spiral", "--classes", "3", "--epochs", "30", "--out",
                                  str(out)])
    assert result.exit_code == 0, result.output
    history = TrainingHistory.load(out)
    assert history.layer_sizes == [2, 8, 8, 3] and history.metadata["dataset"]["classes"] == 3
    info = runner.invoke(main, ["info", str(out)])
    assert "spiral (3 classes): 160 train" in info.output


@pytest.mark.parametrize("args, message", [
    (["--dataset", "spiral", "--classes", "7"], "'--classes': 7 is not between 2 and 6"),
    (["--dataset", "spiral", "--classes", "1"], "'--classes': 1 is not between 2 and 6"),
    (["--dataset", "spiral", "--classes", "three"], "'three' is not a whole number"),
    (["--dataset", "spiral", "--classes", "2.5"], "'2.5' is not a whole number"),
    (["--dataset", "moons", "--classes", "3"], "'--classes': the moons dataset has 2 classes"),
    (["--dataset", "digits", "--classes", "3"], "'--classes': the digits dataset has 10 classes"),
    (["--dataset", "gaussians", "--classes", "4", "--layers", "2,8,1"],
     "'--layers': the gaussians dataset has 4 classes, so the output layer must be 4 (softmax), got 1"),
])
def test_bad_classes_are_refused_in_one_line(runner, tmp_path, args, message):
    result = runner.invoke(main, ["train", *args, "--out", str(tmp_path / "x.npz")])
    assert result.exit_code == 2
    assert message in result.output and len(result.output.strip().splitlines()) == 1, result.output
    assert not (tmp_path / "x.npz").exists()


def test_classes_with_a_saved_run_are_refused(runner, tmp_path):
    run = tmp_path / "run.npz"
    record_run(RunSpec.for_dataset("spiral", classes=3, epochs=5)).save(run)
    result = runner.invoke(main, ["render", "training", "--run", str(run), "--classes", "3", "--voice", "none",
                                  "--output", str(tmp_path / "v.mp4")])
    assert result.exit_code == 2 and "--classes has no effect" in result.output
