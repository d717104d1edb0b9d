"""Runs that differ in one choice, trained side by side: what `nnscratch render compare` replays.

Each value of the varied option trains its own run from the same data and seed, exactly as
``record_run`` trains it alone; a run that diverges is kept, ended where it diverged, so the
comparison shows it. Several runs train in as many processes as there are cores.
"""
from __future__ import annotations

import dataclasses
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np

from nnscratch.history import TrainingHistory
from nnscratch.run import RunSpec, record_run

MIN_RUNS, MAX_RUNS = 2, 4


@dataclass(frozen=True)
class Variable:
    """One choice a comparison can vary: its name on the command line, the RunSpec field it sets,
    the metadata entry a run records it in, how a value is read from text, and how it is named."""

    option: str
    field: str
    metadata: str
    parse: Callable[[str], object]
    noun: str  # "learning rates": what the title compares
    label: Callable[[object], str]  # "lr 0.1": a run's name in the legend


def _number(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a number") from None
    return value


def _whole(text: str) -> int:
    if not text.isdigit():
        raise ValueError(f"{text!r} is not a whole number written in digits")
    return int(text)


VARIABLES: dict[str, Variable] = {variable.option: variable for variable in (
    Variable("activation", "activation", "activation", str, "activations", str),
    Variable("init", "weight_init", "weight_init", str, "initializations", lambda value: f"{value} init"),
    Variable("lr", "learning_rate", "learning_rate", _number, "learning rates", lambda value: f"lr {value:g}"),
    Variable("optimizer", "optimizer", "optimizer", str, "optimizers", str),
    Variable("dropout", "dropout", "dropout", _number, "dropout rates", lambda value: f"dropout {value:g}"),
    Variable("batch-size", "batch_size", "batch_size", _whole, "batch sizes", lambda value: f"batch {value:,}"),
    Variable("l1", "l1", "l1", _number, "L1 strengths", lambda value: f"l1 {value:g}"),
    Variable("l2", "l2", "l2", _number, "L2 strengths", lambda value: f"l2 {value:g}"),
)}


def parse_variation(text: str) -> tuple[Variable, list]:
    """``"lr=0.01,0.1,1"`` as the variable and its values; ValueError saying what is wrong."""
    option, equals, values = text.partition("=")
    option = option.strip()
    if not equals:
        raise ValueError(f"write it as OPTION=V1,V2, e.g. lr=0.01,0.1,1; got {text[:40]!r}")
    if option not in VARIABLES:
        raise ValueError(f"{option[:40]!r} cannot be varied; choose from {', '.join(VARIABLES)}")
    variable = VARIABLES[option]
    parts = [part.strip() for part in values.split(",")]
    if any(not part for part in parts):
        raise ValueError(f"{text[:40]!r} has an empty value")
    if not MIN_RUNS <= len(parts) <= MAX_RUNS:
        raise ValueError(f"give {MIN_RUNS} to {MAX_RUNS} values to compare, got {len(parts)}")
    parsed = [variable.parse(part) for part in parts]
    if len(set(parsed)) != len(parsed):
        raise ValueError(f"{text[:40]!r} gives a value twice")
    return variable, parsed


def varied_specs(base: RunSpec, variable: Variable, values: Sequence) -> list[RunSpec]:
    """``base`` with ``variable`` set to each value, each checked (SpecError names the field)."""
    return [dataclasses.replace(base, **{variable.field: value}).check() for value in values]


def _record(spec: RunSpec) -> TrainingHistory:
    return record_run(spec, keep_diverged=True)


def record_runs(specs: Sequence[RunSpec], workers: int | None = None) -> list[TrainingHistory]:
    """Each spec's run, as ``record_run(spec, keep_diverged=True)`` makes it alone; in up to
    ``workers`` processes (default: one per core) when there is more than one."""
    workers = min(len(specs), workers or _cores())
    if workers <= 1:
        return [_record(spec) for spec in specs]
    with ProcessPoolExecutor(workers) as pool:
        return list(pool.map(_record, specs))


def _cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def varied_in(histories: Sequence[TrainingHistory]) -> tuple[Variable | None, list]:
    """What saved runs differ in: the first variable whose recorded values differ, with each run's
    value (None when they differ in none of them)."""
    for variable in VARIABLES.values():
        default = getattr(RunSpec, variable.field) if variable.metadata == "dropout" else None
        values = [history.metadata.get(variable.metadata, default) for history in histories]
        if len({repr(value) for value in values}) > 1:
            return variable, values
    return None, [None] * len(histories)


def activation_spread(history: TrainingHistory, bins: int = 24) -> list[tuple[np.ndarray, np.ndarray]]:
    """Each hidden layer's activations at epoch 0 over the training data, as a histogram: its
    counts (share of all values) and bin edges. How an initialization passes the signal on."""
    network = history.network_at(0)
    trace = network.trace(history.X_train.astype(float))
    spreads = []
    low, high = _activation_range(history.metadata["activation"], trace.a[1:-1])
    for values in trace.a[1:-1]:
        counts, edges = np.histogram(np.clip(values.ravel(), low, high), bins=bins, range=(low, high))
        spreads.append((counts / max(values.size, 1), edges))
    return spreads


def _activation_range(activation: str, layers: list[np.ndarray]) -> tuple[float, float]:
    fixed = {"sigmoid": (0.0, 1.0), "tanh": (-1.0, 1.0)}
    if activation in fixed:
        return fixed[activation]
    top = max(float(np.abs(values).max()) for values in layers) if layers else 1.0
    return (-top if activation == "leaky_relu" else 0.0), max(top, 1e-6)
