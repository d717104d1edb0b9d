"""Datasets to train on: the seed's Gaussian blobs, TensorFlow Playground's 2-D sets and real handwritten digits."""
from __future__ import annotations

import functools
import importlib.resources
import math
from dataclasses import dataclass
from typing import Callable

import numpy as np

from nnscratch import checks
from nnscratch.checks import MAX_SAMPLES


def create_sample_data(n_samples: int = 200, n_features: int = 4, seed: int = 42) -> tuple[np.ndarray, np.ndarray]:
    """Two Gaussian blobs (std 0.5) centred at -1 and +1 in every feature, scaled to [0, 1].

    Returns ``X`` of shape ``(n_samples, n_features)`` and 0/1 labels ``y`` of shape ``(n_samples, 1)``.
    """
    return _blobs(n_samples, n_features, 0.5, np.random.default_rng(seed))


def _blobs(n_samples: int, n_features: int, std: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    n_zero = n_samples // 2
    centres = np.where(np.arange(n_samples) < n_zero, -1.0, 1.0)[:, None]
    X = centres + rng.normal(0.0, std, size=(n_samples, n_features))
    y = (np.arange(n_samples) >= n_zero).astype(float)[:, None]
    order = rng.permutation(n_samples)
    X, y = X[order], y[order]
    span = X.max(axis=0) - X.min(axis=0)
    X = (X - X.min(axis=0)) / np.where(span > 0, span, 1.0)
    return X, y


# The 2-D sets live in [-1, 1]^2 before noise; noise is a standard deviation in those units.

def _xor(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    # Half the points in the quadrants where x and y share a sign (label 0), half where they differ.
    # Magnitudes start at 0.05 so no clean point sits on an axis, where its label would be a coin toss.
    differ = np.arange(n) >= n // 2
    magnitude = rng.uniform(0.05, 1.0, size=(n, 2))
    first_sign = rng.choice([-1.0, 1.0], size=n)
    second_sign = np.where(differ, -first_sign, first_sign)
    X = magnitude * np.column_stack([first_sign, second_sign])
    return X + rng.normal(0.0, noise, size=X.shape), differ.astype(float)


def _circles(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    inner = np.arange(n) < n // 2
    radius = np.where(inner, rng.uniform(0.0, 0.4, n), rng.uniform(0.6, 1.0, n))
    angle = rng.uniform(0.0, 2 * np.pi, n)
    X = np.column_stack([radius * np.cos(angle), radius * np.sin(angle)])
    return X + rng.normal(0.0, noise, size=X.shape), inner.astype(float)


def _moons(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    upper = np.arange(n) < n // 2
    t = rng.uniform(0.0, np.pi, n)
    x = np.where(upper, np.cos(t), 1.0 - np.cos(t))
    y_coord = np.where(upper, np.sin(t), 0.5 - np.sin(t))
    X = np.column_stack([(x - 0.5) / 1.5, (y_coord - 0.25) / 1.5])
    return X + rng.normal(0.0, noise, size=X.shape), (~upper).astype(float)


def _spiral(n: int, noise: float, rng: np.random.Generator, classes: int = 2) -> tuple[np.ndarray, np.ndarray]:
    # One arm per class, as in CS231n's notes: arm k starts turned by 2 pi k / classes.
    labels = _labels_in_order(n, classes)
    t = rng.uniform(0.0, 1.0, n)
    radius = 0.05 + 0.95 * t
    angle = 1.75 * 2 * np.pi * t + 2 * np.pi * labels / classes
    X = np.column_stack([radius * np.cos(angle), radius * np.sin(angle)])
    return X + rng.normal(0.0, noise, size=X.shape), labels.astype(float)


def _gaussians(n: int, noise: float, rng: np.random.Generator, classes: int = 2) -> tuple[np.ndarray, np.ndarray]:
    labels = _labels_in_order(n, classes)
    X = cluster_centres(classes)[labels] + rng.normal(0.0, 0.2 + noise, size=(n, 2))
    return X, labels.astype(float)


def _labels_in_order(n: int, classes: int) -> np.ndarray:
    """Labels 0 .. classes - 1 in runs of n / classes (class k from sample k n // classes on), so two
    classes split at n // 2 as they always have."""
    starts = [k * n // classes for k in range(1, classes)]
    return np.searchsorted(starts, np.arange(n), side="right")


def cluster_angles(classes: int) -> np.ndarray:
    """Where the gaussians' clusters sit around the origin, in radians: evenly spaced from the lower left."""
    return 1.25 * np.pi + 2 * np.pi * np.arange(classes) / classes


def cluster_centres(classes: int) -> np.ndarray:
    """The clusters' centres, on the circle through (-0.5, -0.5) and (0.5, 0.5). Rounded to 12 decimals
    so that two clusters sit exactly there, where they always have (the same run, byte for byte)."""
    angles = cluster_angles(classes)
    return np.round(np.sqrt(0.5) * np.column_stack([np.cos(angles), np.sin(angles)]), 12)


TWO_D_DATASETS: dict[str, Callable[..., tuple[np.ndarray, np.ndarray]]] = {  # (n, noise, rng) -> X, y
    "xor": _xor,
    "circles": _circles,
    "moons": _moons,
    "spiral": _spiral,
    "gaussians": _gaussians,
}

# The digits: 10,000 MNIST images of 28 x 28 pixels shipped inside the package, made by
# scripts/convert_digits.py (provenance and licence in nnscratch/data/DIGITS.md).
DIGITS_FILE = "data/digits.npz"
DIGIT_IMAGES = 10_000
DIGIT_PIXELS = 28 * 28

DATASETS = ("sample", *TWO_D_DATASETS, "digits")
ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth")
COMPASS = ("right", "upper-right", "upper", "upper-left", "left", "lower-left", "lower", "lower-right")


def _spiral_names(classes: int) -> tuple[str, ...]:
    return tuple(f"{ordinal} arm" for ordinal in ORDINALS[:classes])


def _cluster_names(classes: int) -> tuple[str, ...]:
    # Each cluster by the direction of its centre: eighths of a turn, which name 2 to 6 clusters apart.
    eighths = np.round(np.degrees(cluster_angles(classes)) / 45).astype(int) % 8
    return tuple(f"{COMPASS[eighth]} cluster" for eighth in eighths)


# Datasets made with any number of classes from 2 to MAX_CLASSES (``classes=``), and their names for K of them.
MANY_CLASS_NAMES: dict[str, Callable[[int], tuple[str, ...]]] = {"spiral": _spiral_names, "gaussians": _cluster_names}
MAX_CLASSES = len(ORDINALS)
# What each label means, in words a caption can use (label k is CLASS_NAMES[name][k]), with the
# number of classes each dataset has unless told otherwise.
CLASS_NAMES = {
    "sample": ("low blob", "high blob"),
    "xor": ("same signs", "opposite signs"),
    "circles": ("outer ring", "inner disc"),
    "moons": ("upper moon", "lower moon"),
    **{name: names(2) for name, names in MANY_CLASS_NAMES.items()},
    "digits": tuple(str(digit) for digit in range(10)),
}
CLASS_COUNTS = {name: len(names) for name, names in CLASS_NAMES.items()}
# Features a sample has; the sample blobs have as many as the input layer asks for.
FEATURES = {**{name: 2 for name in TWO_D_DATASETS}, "digits": DIGIT_PIXELS}
# Datasets whose samples are images: rows and columns of pixels, row by row in a sample.
IMAGE_SHAPES = {"digits": (28, 28)}
# The digits are real scans: nnscratch adds no noise to them, so theirs is 0.
DEFAULT_NOISE = {"sample": 0.5, "xor": 0.05, "circles": 0.05, "moons": 0.05, "spiral": 0.02, "gaussians": 0.1,
                 "digits": 0.0}


@dataclass
class Dataset:
    """Inputs as rows, labels 0 .. classes - 1 of shape (n, 1); the test split may be empty."""

    name: str
    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    noise: float

    @property
    def n_features(self) -> int:
        return self.X_train.shape[1]

    @property
    def has_test(self) -> bool:
        return len(self.X_test) > 0


def class_names(dataset: str | None, n_classes: int) -> tuple[str, ...]:
    """The names of a dataset's classes, label order; "class k" for data nnscratch did not make."""
    if dataset in MANY_CLASS_NAMES and 2 <= n_classes <= MAX_CLASSES:
        return MANY_CLASS_NAMES[dataset](n_classes)
    names = CLASS_NAMES.get(dataset or "")
    return names if names is not None and len(names) == n_classes else tuple(f"class {k}" for k in range(n_classes))


def image_shape_of(dataset: str | None, n_inputs: int) -> tuple[int, int] | None:
    """Rows and columns of pixels when inputs of ``dataset`` with ``n_inputs`` features are images, else None."""
    shape = IMAGE_SHAPES.get(dataset or "")
    return shape if shape is not None and shape[0] * shape[1] == n_inputs else None


def what_it_learned(dataset: str | None, layer_sizes) -> str | None:
    """How what a network learned can be drawn: "images" (the first layer's weights as pictures, for
    image inputs), "plane" (each hidden neuron's map of the plane, for 2-D inputs and at least one
    hidden layer), or None."""
    if image_shape_of(dataset, layer_sizes[0]) is not None:
        return "images"
    if layer_sizes[0] == 2 and len(layer_sizes) > 2:
        return "plane"
    return None


def checked_classes(name: str, classes) -> int:
    """The number of classes to make dataset ``name`` with: its own when None; only the datasets
    of MANY_CLASS_NAMES take another."""
    if classes is None:
        return CLASS_COUNTS[name]
    if name in MANY_CLASS_NAMES:
        return checks.whole_number("the number of classes", classes, 2, MAX_CLASSES)
    classes = checks.whole_number("the number of classes", classes, 1)
    if classes != CLASS_COUNTS[name]:
        raise ValueError(f"the {name} dataset has {CLASS_COUNTS[name]} classes; only "
                         f"{' and '.join(MANY_CLASS_NAMES)} take another number, got {classes}")
    return classes


def fitting_outputs(n_classes: int) -> tuple[int, ...]:
    """Output layer sizes that fit ``n_classes`` classes: one sigmoid neuron for two, else one softmax neuron each."""
    return (1, 2) if n_classes == 2 else (n_classes,)


def train_size(n_samples: int, test_fraction: float) -> int:
    """How many of ``n_samples`` go to training (``checked_split`` refuses a split that leaves too few)."""
    return n_samples - int(round(n_samples * test_fraction))


def checked_split(n_samples: int, test_fraction: float, classes: int) -> int:
    """The training part's size, if the split leaves at least two samples of every class to train on and,
    when a test part is asked for, at least one to test; ValueError saying the minimum otherwise."""
    n_train = train_size(n_samples, test_fraction)
    least = 2 * classes
    if n_train < least:
        fewest = math.ceil(least / (1 - test_fraction)) if test_fraction < 1 else None
        more = f"at least {fewest:,} samples" if fewest is not None and fewest <= MAX_SAMPLES else "more samples"
        raise ValueError(f"a test fraction of {test_fraction:g} of {n_samples:,} samples leaves {n_train:,} to train "
                         f"on, fewer than the {least} that {classes} classes need (2 each); use {more} or a "
                         "smaller test fraction")
    if test_fraction > 0 and n_train == n_samples:
        raise ValueError(f"a test fraction of {test_fraction:g} of {n_samples:,} samples keeps none apart to test; "
                         "use more samples, or a test fraction of 0 for no test part")
    return n_train


def checked_samples(name: str, n_samples) -> int:
    """``n_samples`` as an int, if dataset ``name`` can give that many (the digits are 10,000 images)."""
    n_samples = checks.whole_number("the number of samples", n_samples, 4, MAX_SAMPLES)
    if name == "digits" and n_samples > DIGIT_IMAGES:
        raise ValueError(f"the digits dataset has {DIGIT_IMAGES:,} images, so the number of samples must be at "
                         f"most {DIGIT_IMAGES:,}, got {n_samples:,}")
    return n_samples


def checked_noise(name: str, noise) -> float:
    """The noise to make dataset ``name`` with, its default when None.

    The digits refuse any other than 0 rather than ignore it: a run that asked for
    noisy digits and silently got clean ones would say something untrue.
    """
    noise = checks.finite_number("noise", DEFAULT_NOISE[name] if noise is None else noise, 0, 5)
    if name == "digits" and noise != 0:
        raise ValueError(f"the digits are real scans and nnscratch adds no noise to them, so noise must be "
                         f"left out (or 0), got {noise:g}")
    return noise


def make_dataset(
    name: str = "sample",
    n_samples: int = 200,
    noise: float | None = None,
    test_fraction: float = 0.2,
    seed: int = 42,
    n_features: int = 4,
    classes: int | None = None,
) -> Dataset:
    """Make a named dataset and split it into train and test parts.

    ``sample`` is the seed's blobs with ``n_features`` features and ``noise`` as
    their standard deviation; the 2-D sets ignore ``n_features``. ``spiral`` and
    ``gaussians`` take ``classes`` (2 to MAX_CLASSES; default 2). ``digits`` is a
    subset of the shipped MNIST digits (see :func:`stratified_digits`), pixels
    scaled to [0, 1], labels 0-9; it takes no noise.
    """
    checks.one_of("dataset", name, DATASETS)
    n_samples = checked_samples(name, n_samples)
    noise = checked_noise(name, noise)
    test_fraction = checks.finite_number("the test fraction", test_fraction, 0, 1, high_open=True)
    n_features = checks.whole_number("n_features", n_features, 1)
    classes = checked_classes(name, classes)
    rng = np.random.default_rng(seed)
    split = checked_split(n_samples, test_fraction, classes)
    if name == "digits":
        return Dataset(name, *stratified_digits(split, n_samples - split, rng), noise)
    if name == "sample":
        X, y = _blobs(n_samples, n_features, noise, rng)
    else:
        many = {"classes": classes} if name in MANY_CLASS_NAMES else {}
        X, y = TWO_D_DATASETS[name](n_samples, noise, rng, **many)
        order = rng.permutation(n_samples)
        X, y = X[order], y[order][:, None]
    return Dataset(name, X[:split], y[:split], X[split:], y[split:], float(noise))


@functools.lru_cache(maxsize=1)
def load_digits() -> tuple[np.ndarray, np.ndarray]:
    """Every shipped digit: pixels 0-255 of shape (10000, 784), digit 0 first, and labels 0-9 of shape (10000,).

    Both uint8, read once per process and read-only, so no caller can change what the next one gets.
    """
    with importlib.resources.files("nnscratch").joinpath(DIGITS_FILE).open("rb") as stream, \
            np.load(stream, allow_pickle=False) as archive:
        images, labels = archive["images"], archive["labels"]
    pixels = images.reshape(len(images), -1)
    pixels.setflags(write=False)
    labels.setflags(write=False)
    return pixels, labels


def stratified_digits(n_train: int, n_test: int, rng: np.random.Generator
                      ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``X_train, y_train, X_test, y_test`` drawn from the shipped digits, each digit in proportion.

    The subset takes each digit within one image of its share of the 10,000; the
    test part takes each digit within one image of its share of the subset. Which
    images, and their order, follow from ``rng``. Pixels are scaled to [0, 1].
    """
    pixels, labels = load_digits()
    n_samples = n_train + n_test
    taken = proportional_counts(n_samples, np.bincount(labels, minlength=10))
    tested = proportional_counts(n_test, taken)
    train_rows, test_rows = [], []
    for digit in range(10):
        rows = rng.permutation(np.flatnonzero(labels == digit))[:taken[digit]]
        test_rows.append(rows[:tested[digit]])
        train_rows.append(rows[tested[digit]:])
    # Shuffled, so a batch, the probe (training sample 0) and the first test samples are any digit.
    train, test = rng.permutation(np.concatenate(train_rows)), rng.permutation(np.concatenate(test_rows))
    return (pixels[train] / 255.0, labels[train][:, None].astype(float),
            pixels[test] / 255.0, labels[test][:, None].astype(float))


def proportional_counts(total: int, weights: np.ndarray) -> np.ndarray:
    """``total`` split in proportion to the whole-number ``weights``, each part within 1 of its exact share.

    Hamilton's method in exact integer arithmetic: every part gets the floor of its
    share, and the ones left over go to the largest remainders, lower index first.
    """
    weights = np.asarray(weights, dtype=np.int64)
    counts, remainders = np.divmod(total * weights, weights.sum())
    counts[np.argsort(-remainders, kind="stable")[:total - counts.sum()]] += 1
    return counts
