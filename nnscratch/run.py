"""One description of a training run, shared by the CLI and the scenes' built-in default."""
from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Callable, NamedTuple

import numpy as np

from nnscratch import checks
from nnscratch.activations import HIDDEN_ACTIVATIONS
from nnscratch.architecture import parse_layers
from nnscratch.datasets import (
    CLASS_COUNTS, DATASETS, FEATURES, IMAGE_SHAPES, MAX_CLASSES, TWO_D_DATASETS, Dataset, checked_classes,
    checked_noise, checked_samples, checked_split, fitting_outputs, make_dataset,
)
from nnscratch.history import TrainingHistory
from nnscratch.initializers import INITIALIZERS
from nnscratch.losses import LOSSES
from nnscratch.network import NeuralNetwork
from nnscratch.optimizers import OPTIMIZERS
from nnscratch.recorder import TrainingPlan, snapshot_schedule, train
from nnscratch.user_data import (
    DEFAULT_IMAGE_SIZE, MAX_IMAGE_SIZE, MIN_IMAGE_SIZE, UserData, UserDataError, data_metadata, load_user_data,
    split_user_data,
)


class SpecError(ValueError):
    """A run that cannot be made as specified; ``field`` names the RunSpec field to change."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


# The fields a run on each dataset takes when they are not given; RunSpec's own defaults are the
# sample blobs'. The 2-D sets need an input layer of 2; with tanh and Adam every one of them is
# learned in 1,000 epochs (a fifth of a second; the spiral, 2 arms in 160 points, then overfits). The digits need 784 inputs and 10 outputs,
# and 3Blue1Brown's 784-16-16-10 of sigmoids learns them by plain SGD on mini-batches: batches of
# 32 at a learning rate of 0.2 for 40 epochs reach 91.3-93.2% on the test digits (32 seeds, mean
# 92.4%) in about 3 s. Larger steps or more epochs do no better: the test loss turns up (overfits).
DATASET_DEFAULTS: dict[str, dict[str, object]] = {
    "sample": {},
    **{name: {"layers": (2, 8, 8, 1), "activation": "tanh", "optimizer": "adam", "learning_rate": 0.02,
              "epochs": 1000} for name in TWO_D_DATASETS},
    "digits": {"layers": (784, 16, 16, 10), "activation": "sigmoid", "samples": 10_000, "epochs": 40,
               "learning_rate": 0.2, "batch_size": 32, "optimizer": "sgd"},
}


# The convolutional network for the digits that the README, the CLI's help and the benchmark name: the
# issue's 28x28,conv8:3,pool2,conv16:3,pool2,10 with a dense layer of 64 ReLUs after the flatten: trained
# 10 epochs it ends above the network (8 epochs: 96.2-97.5% across seeds, no margin over 97%) on
# every seed both were measured on, for a few seconds more of CPU, and has no more kernels than a scene
# can draw (8 and 16 of 3x3).
DEFAULT_CNN = "28x28,conv8:3,pool2,conv16:3,pool2,64,10"

# What a convolutional network trains with when these are not given, whatever the dataset: ReLU maps
# from He's initial kernels, Adam on mini-batches of 32 at 0.002 for 10 epochs. On the digits DEFAULT_CNN
# reaches 97.2-97.8% of the test digits over 5 seeds (mean 97.5%, 97.6% at the default seed) in about
# 40 s of CPU (benchmarks/results-cnn-2026-12-07.txt). Tried and no better on the worst seed: 16
# kernels in the first conv (97.2-97.8%, half again the CPU), dropout 0.3 on the dense layer, lr 0.001,
# batches of 128 at lr 0.003; their test accuracy, as this one's, wanders 0.3-0.5 points an epoch.
CONV_DEFAULTS: dict[str, object] = {"activation": "relu", "weight_init": "he", "optimizer": "adam",
                                    "learning_rate": 0.002, "batch_size": 32, "epochs": 10}


def is_convolutional(layers) -> bool:
    """Whether ``layers`` (any form the grammar reads) has conv or pool layers; False for ones it refuses."""
    try:
        return parse_layers(layers).is_convolutional
    except (ValueError, TypeError):
        return False


def dataset_defaults(dataset: str, classes: int | None = None, layers=None) -> dict[str, object]:
    """DATASET_DEFAULTS[dataset], with an output layer that fits ``classes`` classes when they are given
    (``--dataset spiral --classes 3`` trains 2-8-8-3), and CONV_DEFAULTS over them when ``layers`` are a
    convolutional network's."""
    defaults = dict(DATASET_DEFAULTS[dataset])
    if layers is not None and is_convolutional(layers):
        defaults.update(CONV_DEFAULTS)
    if classes is not None and "layers" in defaults and isinstance(classes, int) and 2 <= classes <= MAX_CLASSES:
        defaults["layers"] = (*defaults["layers"][:-1], fitting_outputs(classes)[0])
    return defaults


def data_defaults(data: UserData) -> dict[str, object]:
    """The fields a run on the user's ``data`` takes when they are not given: every sample, a network that
    fits its features and classes (one identity output for a real target). Tables train as the 2-D sets
    do (tanh and Adam), images as the digits' 16-16 sigmoid network (by Adam, on mini-batches of 32)."""
    outputs = 1 if data.regression else fitting_outputs(data.n_classes)[0]
    samples = min(data.n_samples, checks.MAX_SAMPLES)
    if data.image_shape is not None:
        # The digits' network, by Adam: a folder of a few dozen pictures gives plain SGD's mini-batches too
        # few steps (circles against squares, 16 images of 8x8: 54% after 100 epochs of SGD, 100% with Adam).
        return {"layers": (data.n_features, 16, 16, outputs), "activation": "sigmoid", "optimizer": "adam",
                "learning_rate": 0.01, "epochs": 100, "batch_size": 32, "samples": samples}
    return {"layers": (data.n_features, 8, 8, outputs), "activation": "tanh", "optimizer": "adam",
            "learning_rate": 0.02, "epochs": 1000, "samples": samples}


def spec_defaults(dataset: str, classes: int | None = None, data: str | None = None, label: str | None = None,
                  image_size: int = DEFAULT_IMAGE_SIZE, layers=None) -> dict[str, object]:
    """The defaults a run takes for what is not given: the user's ``data``'s (read here; UserDataError if it
    cannot be), else the ``dataset``'s (a convolutional network's when ``layers`` are one)."""
    if data is None:
        return dataset_defaults(dataset, classes, layers)
    return data_defaults(load_user_data(data, label, image_size))


@dataclass(frozen=True)
class RunSpec:
    """Architecture, data and training of one run; the defaults make the built-in default video.

    ``RunSpec.for_dataset("digits", epochs=10)`` takes the digits' own defaults for the rest.
    ``classes`` is for the datasets that can be made with 2 to 6 classes (spiral, gaussians);
    None is the dataset's own number.
    """

    layers: tuple[int | str, ...] = (4, 6, 4, 1)  # or the list form of the layer grammar, e.g. ("28x28", "conv8:3", 10)
    activation: str = "sigmoid"
    weight_init: str = "xavier"
    dataset: str = "sample"
    samples: int = 200
    noise: float | None = None
    test_fraction: float = 0.2
    epochs: int = 500
    learning_rate: float = 1.0
    batch_size: int | None = None
    optimizer: str = "sgd"
    l1: float = 0.0
    l2: float = 0.0
    probe: int = 0
    seed: int = 42
    classes: int | None = None
    dropout: float = 0.0
    data: str | None = None  # the user's own data (a CSV, .npy, .npz or folder of images) instead of dataset
    label: str | None = None  # the CSV column of the target (None: the last)
    image_size: int = DEFAULT_IMAGE_SIZE  # the side, in pixels, a folder's images are resized to
    loss: str | None = None  # "cross-entropy" or "mse"; None: cross-entropy for classes, mse for a real target

    @classmethod
    def for_data(cls, data: str, **given) -> "RunSpec":
        """A spec for the user's ``data``: the fields ``given``, else the data's (``data_defaults``), else
        RunSpec's. UserDataError when the data cannot be read."""
        loaded = load_user_data(data, given.get("label"), given.get("image_size", DEFAULT_IMAGE_SIZE))
        return cls(data=data, **{**data_defaults(loaded), **given})

    def user_data(self) -> UserData:
        """The user's data this spec trains on (read once per process); SpecError naming --data if unusable."""
        try:
            return load_user_data(self.data, self.label, self.image_size)
        except UserDataError as error:
            raise SpecError("data", str(error)) from None

    @classmethod
    def for_dataset(cls, dataset: str, **given) -> "RunSpec":
        """A spec for ``dataset``: the fields ``given``, else the dataset's (DATASET_DEFAULTS), else RunSpec's."""
        checks.one_of("dataset", dataset, DATASETS)
        return cls(dataset=dataset, **{**dataset_defaults(dataset, given.get("classes"), given.get("layers")),
                                       **given})

    def check(self) -> "RunSpec":
        """Return the spec if the run can be made, else raise SpecError naming the field to change.

        Every field is checked alone, then together: the input layer fits the data's
        features, the output layer its classes, the samples and noise what the dataset
        can give, the probe a training sample, and the whole run the memory limit.
        """
        for field in fields(self):
            value = getattr(self, field.name)
            if value is None and field.name in ("noise", "batch_size", "classes", "data", "label", "loss"):
                continue
            try:
                FIELD_CHECKS[field.name](value)
            except (ValueError, TypeError) as error:
                raise SpecError(field.name, str(error)) from None
        if self.data is not None:
            return self._check_with_data()
        if self.label is not None:
            raise SpecError("label", "--label names the target column of --data; give --data too")
        architecture = parse_layers(self.layers)
        n_in, n_out = architecture.n_inputs, architecture.dense[-1]
        features = FEATURES.get(self.dataset)
        if architecture.is_convolutional:
            image = IMAGE_SHAPES.get(self.dataset)
            if image is None:
                raise SpecError("layers", f"conv and pool layers need images, and the {self.dataset} dataset's "
                                          "samples are not; use --dataset digits")
            if (architecture.image.rows, architecture.image.cols) != image:
                raise SpecError("layers", f"the {self.dataset} dataset is {image[0]}x{image[1]} images, so the "
                                          f"input must be {image[0]}x{image[1]} (got {architecture.image})")
        elif features is not None and n_in != features:
            raise SpecError("layers", f"the {self.dataset} dataset has {features} features, so the input layer "
                                      f"must be {features} (got {n_in})")
        try:
            classes = checked_classes(self.dataset, self.classes)
        except ValueError as error:
            raise SpecError("classes", str(error)) from None
        fits = fitting_outputs(classes)
        if n_out not in fits:
            choices = " or ".join(f"{size} ({'sigmoid' if size == 1 else 'softmax'})" for size in fits)
            raise SpecError("layers", f"the {self.dataset} dataset has {classes} classes, so the output layer "
                                      f"must be {choices}, got {n_out}")
        for field, check in (("samples", checked_samples), ("noise", checked_noise)):
            try:
                check(self.dataset, getattr(self, field))
            except ValueError as error:
                raise SpecError(field, str(error)) from None
        try:
            n_train = checked_split(self.samples, self.test_fraction, classes)
        except ValueError as error:
            raise SpecError("test_fraction", str(error)) from None
        if self.probe >= n_train:
            raise SpecError("probe", f"there are {n_train} training samples, so the probe must be below {n_train}")
        self._check_memory()
        return self

    def _check_memory(self) -> None:
        try:
            parse_layers(self.layers).memory_budget(self.samples, len(snapshot_schedule(self.epochs)), self.epochs)
        except ValueError as error:
            raise SpecError("layers", str(error)) from None

    def _check_with_data(self) -> "RunSpec":
        """The checks of ``check`` for a run on the user's data: the network fits its features and
        classes (or its real target), the samples are there, and the loss suits the task."""
        data = self.user_data()
        if self.classes is not None:
            own = "it has none: its target is a number" if data.regression else f"{data.n_classes}"
            raise SpecError("classes", f"the classes of {data.source} are its own ({own}); leave --classes out")
        if self.noise not in (None, 0):
            raise SpecError("noise", f"nnscratch adds no noise to your data ({data.source}); leave --noise out")
        architecture = parse_layers(self.layers)
        if architecture.is_convolutional:  # the scenes and the grammar's image sizes know only the digits yet
            raise SpecError("layers", f"convolutional networks train on the shipped digits for now, not on "
                                      f"{data.source}; give dense layers (e.g. {data.n_features},16,16,...)")
        n_in, n_out = architecture.n_inputs, architecture.dense[-1]
        if n_in != data.n_features:
            what = (f"images of {data.image_shape[0]}x{data.image_shape[1]} pixels" if data.image_shape
                    else f"{data.n_features} feature columns")
            raise SpecError("layers", f"{data.source} has {what}, so the input layer must be {data.n_features} "
                                      f"(got {n_in})")
        if data.regression:
            if n_out != 1:
                raise SpecError("layers", f"{data.source} has a real-valued target ({data.target_name!r}), so the "
                                          f"output layer must be 1 (an identity neuron), got {n_out}")
            if self.loss == "cross-entropy":
                raise SpecError("loss", f"{data.source} has a real-valued target ({data.target_name!r}): it is "
                                        "learned with mse; cross-entropy needs classes")
        elif n_out not in fitting_outputs(data.n_classes):
            choices = " or ".join(f"{size} ({'sigmoid' if size == 1 else 'softmax'})"
                                  for size in fitting_outputs(data.n_classes))
            raise SpecError("layers", f"{data.source} has {data.n_classes} classes, so the output layer must be "
                                      f"{choices}, got {n_out}")
        if data.n_samples < 4:
            raise SpecError("data", f"{data.source} has {data.n_samples} samples; a run needs at least 4")
        try:
            from nnscratch.user_data import checked_samples as data_samples

            data_samples(data, self.samples)
            n_train = checked_split(self.samples, self.test_fraction, max(data.n_classes, 1))
        except ValueError as error:
            raise SpecError("samples" if "--samples" in str(error) else "test_fraction", str(error)) from None
        if self.probe >= n_train:
            raise SpecError("probe", f"there are {n_train} training samples, so the probe must be below {n_train}")
        self._check_memory()
        return self


def _text(name: str, value) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{name} must be a text, got {value!r}")
    return value


FIELD_CHECKS: dict[str, Callable] = {
    "layers": parse_layers,
    "activation": lambda v: checks.one_of("activation", v, HIDDEN_ACTIVATIONS),
    "weight_init": lambda v: checks.one_of("weight initializer", v, INITIALIZERS),
    "dataset": lambda v: checks.one_of("dataset", v, DATASETS),
    "samples": lambda v: checks.whole_number("the number of samples", v, 4, checks.MAX_SAMPLES),
    "noise": lambda v: checks.finite_number("noise", v, 0, 5),
    "test_fraction": lambda v: checks.finite_number("the test fraction", v, 0, 1, high_open=True),
    "epochs": lambda v: checks.whole_number("epochs", v, 1, checks.MAX_EPOCHS),
    "learning_rate": checks.learning_rate,
    "batch_size": lambda v: checks.whole_number("the batch size", v, 1),
    "optimizer": lambda v: checks.one_of("optimizer", v, OPTIMIZERS),
    "l1": lambda v: checks.regularization("l1", v),
    "l2": lambda v: checks.regularization("l2", v),
    "probe": lambda v: checks.whole_number("the probe sample", v, 0),
    "seed": lambda v: checks.whole_number("the seed", v, 0, 2**32 - 1),
    "classes": lambda v: checks.whole_number("the number of classes", v, 2),
    "dropout": checks.dropout,
    "data": lambda v: _text("the data's path", v),
    "label": lambda v: _text("the label column", v),
    "image_size": lambda v: checks.whole_number("the image size", v, MIN_IMAGE_SIZE, MAX_IMAGE_SIZE),
    "loss": lambda v: checks.one_of("loss", v, LOSSES),
}


class PreparedRun(NamedTuple):
    """A run ready to train: its data, its untrained network, the plan, and the metadata of its dataset."""

    data: Dataset
    network: NeuralNetwork
    plan: TrainingPlan
    dataset_info: dict


def prepare_run(spec: RunSpec = RunSpec(), keep_diverged: bool = False) -> PreparedRun:
    """Check ``spec``, make its dataset and build its network, as ``record_run`` does before training
    (the dashboard trains the same network a step at a time)."""
    spec.check()
    if spec.data is not None:
        return _prepare_user_run(spec, keep_diverged)
    architecture = parse_layers(spec.layers)
    data = make_dataset(spec.dataset, spec.samples, spec.noise, spec.test_fraction, spec.seed,
                        n_features=architecture.n_inputs, classes=spec.classes)
    network = _network(spec)
    dataset_info = {"dataset": {"name": data.name, "samples": spec.samples, "noise": data.noise,
                                "test_fraction": spec.test_fraction}}
    classes = checked_classes(spec.dataset, spec.classes)
    if len(np.unique(data.y_train)) < 2:
        raise SpecError("samples", f"the {len(data.y_train):,} training samples drawn are all of one class, so there "
                                   "is nothing to tell apart; use more samples or a smaller test fraction")
    if classes != CLASS_COUNTS[spec.dataset]:  # recorded when it is not the dataset's own, so older runs stay as they were
        dataset_info["dataset"]["classes"] = classes
    plan = TrainingPlan(epochs=spec.epochs, learning_rate=spec.learning_rate, batch_size=spec.batch_size,
                        probe_index=spec.probe, keep_diverged=keep_diverged)
    return PreparedRun(data, network, plan, dataset_info)


def record_run(spec: RunSpec = RunSpec(), on_epoch: Callable[[int, float, float], None] | None = None,
               keep_diverged: bool = False) -> TrainingHistory:
    """Make the dataset, build the network and train it as ``spec`` says, recording the run
    (a diverged run raises DivergenceError, or with ``keep_diverged`` ends where it diverged)."""
    data, network, plan, dataset_info = prepare_run(spec, keep_diverged)
    return train(network, data.X_train, data.y_train, plan, X_test=data.X_test, y_test=data.y_test,
                 on_epoch=on_epoch, metadata=dataset_info)


def _network(spec: RunSpec, output: str | None = None) -> NeuralNetwork:
    return NeuralNetwork(parse_layers(spec.layers), activation=spec.activation, weight_init=spec.weight_init,
                         optimizer=spec.optimizer, l1=spec.l1, l2=spec.l2, seed=spec.seed, dropout=spec.dropout,
                         output=output, loss=spec.loss)


def _prepare_user_run(spec: RunSpec, keep_diverged: bool) -> PreparedRun:
    """``prepare_run`` on the user's data: drawn, split and scaled by ``split_user_data``, its names and
    scaling kept in the run's ``data`` entry."""
    data = spec.user_data()
    dataset, scaling = split_user_data(data, spec.samples, spec.test_fraction, spec.seed)
    if not data.regression and len(np.unique(dataset.y_train)) < 2:
        raise SpecError("samples", f"the {len(dataset.y_train):,} training samples drawn are all of one class, so "
                                   "there is nothing to tell apart; use more samples or a smaller test fraction")
    output = "identity" if data.regression else ("sigmoid" if spec.layers[-1] == 1 else "softmax")
    metadata = {"data": data_metadata(data, scaling, spec.samples, spec.test_fraction)}
    plan = TrainingPlan(epochs=spec.epochs, learning_rate=spec.learning_rate, batch_size=spec.batch_size,
                        probe_index=spec.probe, keep_diverged=keep_diverged)
    return PreparedRun(dataset, _network(spec, output), plan, metadata)
