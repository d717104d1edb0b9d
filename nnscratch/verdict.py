"""Did the run learn? The honest reading of a history, for the command line and the videos alike.

A run did not learn when it ends no better than guessing the commonest class,
or, for real-valued targets, when its loss hardly moved. It is unstable when its
loss still jumps up and down by much of where it started at the end of the run
(the last tenth of its epochs, see ``tail_length``). It overfits when its test loss
climbs well above its lowest point while the training loss falls; short of that, its test
loss has stalled when it has not gone lower for the last quarter of the run while the training
loss went on falling by a quarter or more: the start of memorising. An output is
undecided when it is too close to the line between two classes to call.
"""
from __future__ import annotations

from dataclasses import dataclass

import math

import numpy as np

from nnscratch.history import TrainingHistory

CHANCE_MARGIN = 0.02  # accuracy within this of guessing is no better than guessing
LOSS_MOVED = 0.9  # a loss that ends above this share of where it started hardly moved
OVERFIT_RISE = 1.25  # test loss this many times its lowest, and
OVERFIT_MIN_RISE = 0.05  # at least this much above it, is overfitting
STALL_BEFORE = 0.75  # a test loss lowest before this share of the epochs, while
STALL_FALL = 0.75  # the training loss fell below this share of where it was then, has stalled
UNDECIDED_MARGIN = 0.1  # an output within this of the decision line is undecided
# The end of a run, by which it is judged: its last tenth of epochs, and never fewer than ten (or all
# of them). One epoch alone is no judge: a loss that alternates high and low would be judged by parity.
TAIL_SHARE = 0.1
MIN_TAIL = 10
UNSTABLE_SWING = 0.5  # a loss that ranges over half its starting value, and
UNSTABLE_RATIO = 2.0  # by a factor of two, at the end of a run is unstable


def tail_length(epochs: int) -> int:
    """How many of the last epochs (after the first step) a run is judged by."""
    return min(epochs, max(MIN_TAIL, math.ceil(TAIL_SHARE * epochs)))


def distinct(a: float, b: float, digits: int = 3) -> tuple[str, str]:
    """``a`` and ``b`` with the decimals that give the larger ``digits`` significant digits, or as
    many more as it takes for the change they show to be the true change to within half of it: a
    change said is a change shown truly (0.205 to 0.206, not 0.20 to 0.21). A value that would show
    as zero and is not is written as a power of ten."""
    a, b = float(a), float(b)
    big = max(abs(a), abs(b))
    if big == 0:
        return "0", "0"
    decimals = max(0, digits - 1 - math.floor(math.log10(big)))
    for places in range(decimals, decimals + 10):
        first, second = f"{a:.{places}f}", f"{b:.{places}f}"
        if abs((float(second) - float(first)) - (b - a)) <= 0.5 * abs(b - a):
            break
    return _not_zero(first, a), _not_zero(second, b)


def _not_zero(text: str, value: float) -> str:
    return f"{value:.1e}" if value != 0 and float(text) == 0 else text


def swing(losses: np.ndarray) -> str | None:
    """How an unstable run's loss jumps at its end, in words; None when it is steady there."""
    losses = np.asarray(losses, dtype=float)
    epochs = len(losses) - 1
    if epochs < 2:
        return None
    tail = losses[-tail_length(epochs):]
    low, high = float(tail.min()), float(tail.max())
    if high - low > UNSTABLE_SWING * float(losses[0]) and high > UNSTABLE_RATIO * low:
        low_text, high_text = distinct(low, high)
        return f"its loss jumped between {low_text} and {high_text} in its last {len(tail):,} epochs"
    return None


@dataclass(frozen=True)
class Verdict:
    """What a run achieved. ``why_not`` says in words why it did not learn (None when it did);
    ``overfit`` says when and how far its test loss rose (None when it did not); ``stalled`` since when
    its test loss has not fallen while its training loss did (None when it kept falling, or it overfit,
    which says more); ``unstable`` how its loss still jumps at the end (None when it is steady, or it
    diverged, which says more)."""

    learned: bool
    chance: float | None  # the accuracy of always guessing the commonest class; None for real targets
    why_not: str | None
    overfit: str | None
    best_test_epoch: int | None
    unstable: str | None = None
    stalled: str | None = None


def chance_accuracy(history: TrainingHistory) -> float | None:
    """The training accuracy of always answering the commonest class, or None for real-valued targets."""
    y = history.y_train
    if history.output_activation == "identity" or len(y) == 0:
        return None
    shares = [y[:, 0].mean(), 1 - y[:, 0].mean()] if y.shape[1] == 1 else y.mean(axis=0)
    return float(np.max(shares))


def judge(history: TrainingHistory) -> Verdict:
    """Read the run honestly: did it learn, and did it overfit."""
    chance = chance_accuracy(history)
    first, last = float(history.train_loss[0]), float(history.train_loss[-1])
    accuracy = float(history.train_accuracy[-1])
    why_not = None
    diverged = history.diverged
    unstable = None if diverged is not None else swing(history.train_loss)
    if diverged is not None:
        why_not = f"it diverged at epoch {diverged['epoch']:,}"
    elif chance is not None and not np.isnan(accuracy) and accuracy <= chance + CHANCE_MARGIN:
        why_not = (f"accuracy {accuracy:.0%}, what guessing gets" if accuracy >= chance - CHANCE_MARGIN
                   else f"accuracy {accuracy:.0%}, worse than guessing ({chance:.0%})")
    elif unstable is None and last >= LOSS_MOVED * first:  # an unstable loss's last value says little
        why_not = "its loss hardly moved, from {} to {}".format(*distinct(first, last))
    overfit, best, stalled = None, None, None
    if history.has_test:
        test, train = history.test_loss.astype(float), history.train_loss.astype(float)
        best = int(np.argmin(test))
        rose = test[-1] > OVERFIT_RISE * test[best] and test[-1] - test[best] > OVERFIT_MIN_RISE
        if rose and train[-1] < train[best]:
            lowest, end = distinct(test[best], test[-1])
            then, now = distinct(train[best], train[-1])
            overfit = (f"its test loss rose from {lowest} at epoch {best:,} to {end} while its training loss "
                       f"fell from {then} to {now}")
        if overfit is None and best < STALL_BEFORE * (len(test) - 1) and train[-1] < STALL_FALL * train[best]:
            stalled = (f"its test loss has not fallen since epoch {best:,} while its training loss fell from "
                       "{} to {}".format(*distinct(train[best], train[-1])))
    return Verdict(why_not is None, chance, why_not, overfit, best, unstable, stalled)


def decision(output: np.ndarray) -> tuple[int, bool]:
    """The class an output picks and whether it is undecided: one sigmoid output within
    UNDECIDED_MARGIN of 0.5, or the two largest softmax outputs within twice that of each
    other (the same rule for two classes: 0.6 against 0.4 is as close as 0.6 against 0.5)."""
    output = np.asarray(output, dtype=float)
    if len(output) == 1:
        return int(output[0] >= 0.5), abs(output[0] - 0.5) < UNDECIDED_MARGIN
    top, second = np.sort(output)[::-1][:2]
    return int(np.argmax(output)), top - second < 2 * UNDECIDED_MARGIN
