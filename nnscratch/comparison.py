"""Runs that differ in one choice, trained side by side: what `nnscratch render compare` replays.

Each value of the varied option trains its own run from the same data and seed, exactly as
``record_run`` trains it alone; a run that diverges is kept, ended where it diverged, so the
comparison shows it.
"""
from __future__ import annotations

import dataclasses
import itertools
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from nnscratch import checks
from nnscratch.activations import HIDDEN_ACTIVATIONS
from nnscratch.architecture import parse_layers
from nnscratch.checks import shown
from nnscratch.datasets import train_size
from nnscratch.history import TrainingHistory
from nnscratch.run import CONV_DEFAULTS, FIELD_CHECKS, RunSpec, SpecError, is_convolutional, record_run
from nnscratch.user_data import UserDataError

MIN_RUNS, MAX_RUNS = 2, 4
IMAGE_DATASET = "digits"  # the shipped images: where a comparison with a CNN trains when no data is named
FLOAT_DIGITS = 17  # significant digits that write any float exactly (read back, it is the same float)


class ComparisonError(ValueError):
    """Runs that cannot be compared side by side; the message says why and what would do."""


@dataclass(frozen=True)
class Variable:
    """One choice a comparison can vary: its name on the command line, the RunSpec field it sets,
    the metadata entry a run records it in, how a value is read from text, and how it is named."""

    option: str
    field: str
    metadata: str
    read: Callable[[str], object]  # the text's value in the one grammar of typed numbers, before its bounds
    noun: str  # "learning rates": what the title compares
    label: str  # "lr {}": a run's name in the legend, around its value's text

    def parse(self, text: str) -> object:
        """The value ``text`` writes, checked as RunSpec checks its field: read once, at the boundary
        (ValueError saying what is wrong)."""
        return FIELD_CHECKS[self.field](self.read(text))

    def labels(self, values: Sequence) -> list[str]:
        """Each run's name in the legend and the captions ("lr 0.1", "tanh", "batch 1,000"), distinct
        for distinct values; a run recorded with no batch size is "full batch"."""
        return ["full batch" if value is None else self.label.format(f"{value:,}" if isinstance(value, int) else text)
                for value, text in zip(values, value_texts(values))]

    def file_names(self, values: Sequence) -> list[str]:
        """The name each run is saved under, ``OPTION-VALUE.npz``, distinct for distinct values. Two
        names cannot differ only in case either: the options are lower case, and a value is a number
        (digits, ".", "-", "+" and :g's lower-case "e") or one of a table's lower-case names."""
        return [f"{self.option}-{text}.npz" for text in value_texts(values)]


def value_texts(values: Sequence) -> list[str]:
    """Each value as labels and file names write it, distinct for distinct values. A number is written
    as :g writes it, six significant digits, unless another number of the comparison shares that
    text: then with the fewest digits that read back as it exactly (1e-07 and 1.0000001e-07, 0.3 and
    0.30000000000000004). Those exact texts differ from one another, and from any unshared :g text
    (a number they read back as would share it). Anything else is its own text."""
    numbers = [value for value in values if isinstance(value, float)]
    texts = []
    for value in values:
        if not isinstance(value, float):
            texts.append(str(value))
        elif any(other != value and f"{other:g}" == f"{value:g}" for other in numbers):
            texts.append(_exact(value))
        else:
            texts.append(f"{value:g}")
    return texts


def _exact(value: float) -> str:
    """``value`` in :g's style with the fewest significant digits that read back as it exactly."""
    return next(text for digits in range(1, FLOAT_DIGITS + 1) if float(text := f"{value:.{digits}g}") == value)


@dataclass(frozen=True)
class LayersVariable(Variable):
    """The network itself: each value a whole layer string (which has commas of its own, so the values
    are separated by ``;``), read by the layer grammar into its list form. Its runs may be of different
    kinds, an MLP and a CNN, each trained by its own kind's defaults where the options leave them out."""

    def parse(self, text: str) -> tuple:
        return tuple(parse_layers(text).tokens)

    def labels(self, values: Sequence) -> list[str]:
        return [parse_layers(value).text for value in values]

    def file_names(self, values: Sequence) -> list[str]:
        # A file name without the grammar's ":" (a drive letter's mark on Windows) or ",".
        return [f"{self.option}-{label.replace(',', '-').replace(':', 'k')}.npz" for label in self.labels(values)]


LAYERS = LayersVariable("layers", "layers", "layers", str, "networks", "{}")
SEPARATORS = {LAYERS.option: ";"}  # between a variable's values; "," for every other one

VARIABLES: dict[str, Variable] = {variable.option: variable for variable in (
    Variable("activation", "activation", "activation", str, "activations", "{}"),
    Variable("init", "weight_init", "weight_init", str, "initializations", "{} init"),
    Variable("lr", "learning_rate", "learning_rate", checks.parse_decimal, "learning rates", "lr {}"),
    Variable("optimizer", "optimizer", "optimizer", str, "optimizers", "{}"),
    Variable("dropout", "dropout", "dropout", checks.parse_decimal, "dropout rates", "dropout {}"),
    Variable("batch-size", "batch_size", "batch_size", checks.parse_whole, "batch sizes", "batch {}"),
    Variable("l1", "l1", "l1", checks.parse_decimal, "L1 strengths", "l1 {}"),
    Variable("l2", "l2", "l2", checks.parse_decimal, "L2 strengths", "l2 {}"),
    Variable("loss", "loss", "loss", str, "loss functions", "{}"),
    LAYERS,
)}


def parse_variation(text: str) -> tuple[Variable, list]:
    """``"lr=0.01,0.1,1"`` as the variable and its values, each checked as RunSpec checks it;
    ValueError saying what is wrong."""
    option, equals, values = text.partition("=")
    option = option.strip()
    if not equals:
        raise ValueError(f"write it as OPTION=V1,V2, e.g. lr=0.01,0.1,1; got {shown(text)}")
    if option not in VARIABLES:
        raise ValueError(f"{shown(option)} cannot be varied; choose from {', '.join(VARIABLES)}")
    variable = VARIABLES[option]
    separator = SEPARATORS.get(option, ",")
    if separator == "," and ";" in values:
        raise ValueError(f"{shown(text)}: ';' separates the values of layers only (a layer string has commas); "
                         f"separate {option}'s values with ',', e.g. {option}=V1,V2")
    parts = [part.strip() for part in values.split(separator)]
    if any(not part for part in parts):
        raise ValueError(f"{shown(text)} has an empty value")
    if not MIN_RUNS <= len(parts) <= MAX_RUNS:
        how = f", separated by {separator!r}" if separator != "," else ""
        raise ValueError(f"give {MIN_RUNS} to {MAX_RUNS} values to compare{how}, got {len(parts)}")
    parsed = [variable.parse(part) for part in parts]
    for (i, a), (j, b) in itertools.combinations(enumerate(parsed), 2):
        if a == b:  # 0.1 and 0.10, or 32 and 032: one run trained twice, under two names
            same = f"{shown(parts[i])} twice" if parts[i] == parts[j] else \
                f"{shown(parts[i])} and {shown(parts[j])} are one {variable.noun[:-1]}"
            raise ValueError(f"{shown(text)} gives a value twice ({same}): give each value once")
    return variable, parsed


def varied_specs(base: RunSpec, variable: Variable, values: Sequence) -> list[RunSpec]:
    """``base`` with ``variable`` set to each value, each checked, and no two of them the same run
    (SpecError names the field)."""
    specs = [dataclasses.replace(base, **{variable.field: value}).check() for value in values]
    _train_apart(base, variable, values)
    return specs


def compared_specs(given: dict, variable: Variable, values: Sequence) -> list[RunSpec]:
    """Each run of a comparison as it would train alone: the RunSpec fields ``given`` (what the user
    set), ``variable`` at each value, and for the rest the defaults of its data and of its kind (a CNN's
    CONV_DEFAULTS, an MLP's the dataset's), so an MLP and a CNN each train as they should. Data left
    unnamed is the digits when a network is convolutional (conv and pool layers need images), else
    RunSpec's. Checked (SpecError naming the field), and no two the same run (ComparisonError), before
    any training."""
    given = dict(given)
    layers = [given.get("layers"), *(values if variable.field == "layers" else [])]
    if "data" not in given and "dataset" not in given and any(map(is_convolutional, layers)):
        given["dataset"] = IMAGE_DATASET
    specs = []
    for value in values:
        fields = {**given, variable.field: value}
        data = fields.pop("data", None)
        try:
            spec = (RunSpec.for_data(data, **fields) if data is not None
                    else RunSpec.for_dataset(fields.pop("dataset", RunSpec.dataset), **fields))
        except UserDataError as error:
            raise SpecError("data", str(error)) from None
        specs.append(spec.check())
    try:
        _train_apart(specs[0], variable, values)
    except SpecError as error:  # the values, not one run's field, are at fault
        raise ComparisonError(str(error)) from None
    return specs


def kind_of(layers) -> str:
    """"CNN" for a network with conv or pool layers, "MLP" for dense layers only."""
    return "CNN" if is_convolutional(layers) else "MLP"


def _train_apart(base: RunSpec, variable: Variable, values: Sequence) -> None:
    """SpecError when values that differ would train the same run, said before any training."""
    if variable.field == "batch_size":
        # A batch as large as the training set is the whole set: the run is full batch (recorder.train).
        samples = train_size(base.samples, base.test_fraction)
        whole = [value for value in values if value >= samples]
        if len(whole) > 1:
            raise SpecError("batch_size", f"batch sizes {_listed([f'{value:,}' for value in whole])} each take all "
                                          f"{samples:,} training samples at once, so their runs would be one: give at "
                                          f"most one size of {samples:,} or more")
    if variable.field in ("activation", "dropout") and len(base.layers) == 2:
        # Both act on hidden neurons only: without any, every value trains the same run.
        n_in, n_out = base.layers
        raise SpecError("layers", f"a {n_in}-{n_out} network has no hidden layer, so its {variable.noun} would "
                                  f"train the same run: compare them with one, e.g. layers {n_in},8,{n_out}")
    network = parse_layers(base.layers)
    if variable.field == "dropout" and network.is_convolutional and len(network.dense) == 2:
        # Dropout silences dense hidden neurons only; a CNN's conv layers have their activation.
        *maps, n_out = network.tokens
        raise SpecError("layers", f"{network.text} has no hidden dense layer, so its {variable.noun} would train "
                                  f"the same run: compare them with one, e.g. layers {','.join(maps)},32,{n_out}")


def record_runs(specs: Sequence[RunSpec]) -> list[TrainingHistory]:
    """Each spec's run, as ``record_run(spec, keep_diverged=True)`` makes it alone, one after the other
    (``scenes.output.cluster.record_runs`` trains them as tasks on a cluster)."""
    return [record_run(spec, keep_diverged=True) for spec in specs]


def varied_in(histories: Sequence[TrainingHistory], names: Sequence[str] | None = None) -> tuple[Variable, list]:
    """What saved runs differ in: the one variable whose recorded values differ, with each run's
    value. ComparisonError, naming the runs (``names``, default "run 1", "run 2"...), when side by
    side they would mislead: other data, one run twice, runs that differ in none of the
    variables, in more than one, or also in their seed or length."""
    names = [shown(name) for name in names] if names is not None else \
        [f"run {index + 1}" for index in range(len(histories))]
    _shared_setup(histories, names)
    distinct_runs(histories, names)
    differing = _differing_settings(histories)
    if LAYERS.option in differing:
        kinds = _kinds_own(histories)
        differing = [setting for setting in differing if setting not in kinds]
    variables = [VARIABLES[setting] for setting in differing if setting in VARIABLES]
    if not variables:
        also = f" (only in {_listed(differing)})" if differing else ""
        raise ComparisonError(f"{_listed(names)} differ in none of {', '.join(VARIABLES)}{also}: compare runs "
                              "that differ in one of them")
    if len(differing) > 1:
        # The title would name one choice and the picture show the effect of several.
        only = " or in ".join(f"{variable.option} only" for variable in variables)
        raise ComparisonError(f"{_listed(names)} differ in {_listed(differing)}: compare runs that differ in {only}")
    variable = variables[0]
    values = [_recorded(history, variable) for history in histories]
    for (i, a), (j, b) in itertools.combinations(enumerate(values), 2):
        if a == b:
            raise ComparisonError(f"{names[i]} and {names[j]} both have {variable.labels([a])[0]}: compare runs "
                                  f"with a {variable.noun[:-1]} each")
    return variable, values


def _recorded(history: TrainingHistory, variable: Variable):
    if variable is LAYERS:  # as --vary layers reads its values: the grammar's list form
        return LAYERS.parse(_network(history))
    # Dropout is recorded only when a run has it, so the runs made before dropout existed read as they were.
    default = getattr(RunSpec, variable.field) if variable.metadata == "dropout" else None
    return history.metadata.get(variable.metadata, default)


def _differing_settings(histories: Sequence[TrainingHistory]) -> list[str]:
    """The variables (by option) and the other settings that shape a run (seed, epochs) whose recorded
    values are not the same in every run. A run that diverged ends early, so its epochs say nothing."""
    settings = {variable.option: [_recorded(history, variable) for history in histories]
                for variable in VARIABLES.values()}
    settings["seed"] = [history.metadata.get("seed") for history in histories]
    settings["epochs"] = [history.epochs for history in histories if "diverged" not in history.metadata]
    return [setting for setting, values in settings.items() if len({repr(value) for value in values}) > 1]


def _kinds_own(histories: Sequence[TrainingHistory]) -> set[str]:
    """The settings in which an MLP and a CNN compared on their layers differ only as each kind trains
    when they are left out (as --vary layers trains them): every CNN at CONV_DEFAULTS', every MLP alike."""
    kinds = [history.is_convolutional for history in histories]
    if all(kinds) or not any(kinds):
        return set()
    own = set()
    for option, field in _KIND_SETTINGS.items():
        values = [history.epochs if option == "epochs" else _recorded(history, VARIABLES[option])
                  for history in histories]
        cnn = {repr(value) for value, kind in zip(values, kinds) if kind}
        mlp = {repr(value) for value, kind in zip(values, kinds) if not kind}
        if cnn == {repr(CONV_DEFAULTS[field])} and len(mlp) == 1:
            own.add(option)
    return own


# The settings a CNN trains by when they are left out (CONV_DEFAULTS), by the option that sets each.
_KIND_SETTINGS = {"activation": "activation", "init": "weight_init", "optimizer": "optimizer", "lr": "learning_rate",
                  "batch-size": "batch_size", "epochs": "epochs"}


def _shared_setup(histories: Sequence[TrainingHistory], names: Sequence[str]) -> None:
    """Compared runs share their data (ComparisonError otherwise)."""
    first = histories[0]
    for history, name in zip(histories[1:], names[1:]):
        if history.metadata.get("dataset") != first.metadata.get("dataset") or \
                history.metadata.get("data") != first.metadata.get("data") or \
                not np.array_equal(history.X_train, first.X_train):
            raise ComparisonError(f"{name} was trained on other data than {names[0]}: compared runs share their data")


def _network(history: TrainingHistory):
    """The network a run trained, as --layers writes it: a CNN's dense sizes alone do not say it."""
    return history.metadata["layers"] if history.is_convolutional else ",".join(map(str, history.layer_sizes))


def distinct_runs(histories: Sequence[TrainingHistory], names: Sequence[str]) -> None:
    """ComparisonError when two of the runs (named by ``names``) trained alike, step for step: side by
    side they show nothing. Copies of one file, or values too close to matter (l1 0 and 1e-320)."""
    for (i, a), (j, b) in itertools.combinations(enumerate(histories), 2):
        if _same_training(a, b):
            if a.metadata == b.metadata:
                raise ComparisonError(f"{names[i]} and {names[j]} are copies of one run: compare runs that differ "
                                      f"in one of {', '.join(VARIABLES)}")
            raise ComparisonError(f"{names[i]} and {names[j]} trained alike, step for step: compare runs whose "
                                  "difference changes the training")


def _same_training(a: TrainingHistory, b: TrainingHistory) -> bool:
    # The loss curves first: short, and all but always different; every array only if they agree.
    if not np.array_equal(a.train_loss, b.train_loss):
        return False
    arrays_a, arrays_b = a.arrays(), b.arrays()
    return arrays_a.keys() == arrays_b.keys() and all(np.array_equal(arrays_a[name], arrays_b[name])
                                                      for name in arrays_a)


def run_files(text: str) -> list[Path]:
    """``"a.npz,b.npz"`` as the paths of 2 to 4 different files (ValueError saying what is wrong):
    one run twice, by one name or two (./a.npz, a link), would be compared with itself."""
    parts = [part.strip() for part in text.split(",")]
    if any(not part for part in parts):
        raise ValueError(f"{shown(text)} has an empty file name; write a.npz,b.npz")
    if not MIN_RUNS <= len(parts) <= MAX_RUNS:
        raise ValueError(f"give {MIN_RUNS} to {MAX_RUNS} run files to compare, got {len(parts)}")
    paths = [Path(part) for part in parts]
    for (i, a), (j, b) in itertools.combinations(enumerate(paths), 2):
        if parts[i] == parts[j]:
            raise ValueError(f"{shown(parts[i])} is given twice: compare different runs")
        if a == b or _same_file(a, b):
            raise ValueError(f"{shown(parts[i])} and {shown(parts[j])} are one file: compare different runs")
    return paths


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:  # a file that is not there is no other file's name; loading it will say so
        return False


def _listed(items: Sequence[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + f" and {items[-1]}"


def activation_spread(history: TrainingHistory, bins: int = 24) -> list[tuple[np.ndarray, np.ndarray]]:
    """Each hidden layer's activations at epoch 0 over the training data, as a histogram: its
    counts (share of all values) and bin edges. How an initialization passes the signal on."""
    network = history.network_at(0)
    trace = network.trace(history.X_train.astype(float))
    spreads = []
    low, high = _activation_range(history.activation, trace.a[1:-1])
    for values in trace.a[1:-1]:
        counts, edges = np.histogram(np.clip(values.ravel(), low, high), bins=bins, range=(low, high))
        spreads.append((counts / max(values.size, 1), edges))
    return spreads


def _activation_range(activation: str, layers: list[np.ndarray]) -> tuple[float, float]:
    """The activation's own range where it is bounded, else as far as the values reach."""
    low, high = HIDDEN_ACTIVATIONS[activation].value_range
    top = max(max(float(np.abs(values).max()) for values in layers) if layers else 1.0, 1e-6)
    return (low if np.isfinite(low) else -top), (high if np.isfinite(high) else top)
