"""Did the run learn? The honest reading of a history, for the command line and the videos alike.

A run did not learn when it ends no better than guessing the commonest class,
or, for real-valued targets, when its loss hardly moved. It overfits when its
test loss climbs well above its lowest point while the training loss keeps
falling. An output is undecided when it is too close to the line between two
classes to call.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nnscratch.history import TrainingHistory

CHANCE_MARGIN = 0.02  # accuracy within this of guessing is no better than guessing
LOSS_MOVED = 0.9  # a loss that ends above this share of where it started hardly moved
OVERFIT_RISE = 1.25  # test loss this many times its lowest, and
OVERFIT_MIN_RISE = 0.05  # at least this much above it, is overfitting
UNDECIDED_MARGIN = 0.1  # an output within this of the decision line is undecided


@dataclass(frozen=True)
class Verdict:
    """What a run achieved. ``why_not`` says in words why it did not learn (None when it did);
    ``overfit`` says when and how far its test loss rose (None when it did not)."""

    learned: bool
    chance: float | None  # the accuracy of always guessing the commonest class; None for real targets
    why_not: str | None
    overfit: str | None
    best_test_epoch: int | None


def chance_accuracy(history: TrainingHistory) -> float | None:
    """The training accuracy of always answering the commonest class, or None for real-valued targets."""
    y = history.y_train
    if history.metadata["output"] == "identity" or len(y) == 0:
        return None
    shares = [y[:, 0].mean(), 1 - y[:, 0].mean()] if y.shape[1] == 1 else y.mean(axis=0)
    return float(np.max(shares))


def judge(history: TrainingHistory) -> Verdict:
    """Read the run honestly: did it learn, and did it overfit."""
    chance = chance_accuracy(history)
    first, last = float(history.train_loss[0]), float(history.train_loss[-1])
    accuracy = float(history.train_accuracy[-1])
    why_not = None
    diverged = history.metadata.get("diverged")
    if diverged is not None:
        why_not = f"it diverged at epoch {diverged['epoch']:,}"
    elif chance is not None and not np.isnan(accuracy) and accuracy <= chance + CHANCE_MARGIN:
        why_not = (f"accuracy {accuracy:.0%}, what guessing gets" if accuracy >= chance - CHANCE_MARGIN
                   else f"accuracy {accuracy:.0%}, worse than guessing ({chance:.0%})")
    elif last >= LOSS_MOVED * first:
        why_not = f"its loss hardly moved, from {first:.3f} to {last:.3f}"
    overfit, best = None, None
    if history.has_test:
        test = history.test_loss.astype(float)
        best = int(np.argmin(test))
        rose = test[-1] > OVERFIT_RISE * test[best] and test[-1] - test[best] > OVERFIT_MIN_RISE
        if rose and history.train_loss[-1] < history.train_loss[best]:
            overfit = (f"its test loss rose from {test[best]:.3f} at epoch {best:,} to {test[-1]:.3f} "
                       "while the training loss kept falling")
    return Verdict(why_not is None, chance, why_not, overfit, best)


def decision(output: np.ndarray) -> tuple[int, bool]:
    """The class an output picks and whether it is undecided: one sigmoid output within
    UNDECIDED_MARGIN of 0.5, or the two largest softmax outputs within twice that of each
    other (the same rule for two classes: 0.6 against 0.4 is as close as 0.6 against 0.5)."""
    output = np.asarray(output, dtype=float)
    if len(output) == 1:
        return int(output[0] >= 0.5), abs(output[0] - 0.5) < UNDECIDED_MARGIN
    top, second = np.sort(output)[::-1][:2]
    return int(np.argmax(output)), top - second < 2 * UNDECIDED_MARGIN
