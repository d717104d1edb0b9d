"""Numbers and runs in words, as captions and the screen say them: one wording for every chapter.

A number said is the number shown: the same digits in a caption as on screen (``accuracy_number``
to the tenth a readout shows), a true minus sign, and a change written with the digits that show it.
"""
from __future__ import annotations

import math
import re

from nnscratch import TrainingHistory


def number(value: float, digits: int = 2) -> str:
    """A decimal with a true minus sign, e.g. −0.53."""
    text = f"{value:.{digits}f}"
    return text.replace("-", "−")


def fixed(value: float, significant: int = 3) -> str:
    """``value`` in plain decimals with ``significant`` significant digits (0.0902, -1.25, 12.3), with an
    ASCII minus, as Typst takes it; ``said`` writes the same digits for a caption."""
    value = float(value)
    if value == 0 or not math.isfinite(value):
        return "0" if value == 0 else str(value)
    decimals = min(10, max(0, significant - 1 - math.floor(math.log10(abs(value)))))
    return f"{value:.{decimals}f}"


def said(text: str) -> str:
    """A number as a caption writes it: a true minus sign."""
    return text.replace("-", "−")


def signed(value: float, digits: int) -> str:
    """A number for a product in Typst: in parentheses when negative, as one writes 2 · (−3)."""
    return f"{value:.{digits}f}" if value >= 0 else f"({value:.{digits}f})"


def loss_number(value: float) -> str:
    """A loss as captions and readouts show it: three significant digits (``2.55``, ``0.0684``,
    ``0.0000159``: plain decimals, as they are read aloud), whole above 100 (``1,234``), and below a
    millionth, where zeros would crowd out the digits, ``<0.000001``: one way to write it, said as it is shown
    (an exponent beside plain decimals reads as another kind of number)."""
    value = float(value)
    if value >= 100:
        return f"{value:,.0f}"
    if value == 0:
        return "0"
    if value >= 0.001:
        return f"{value:#.3g}".rstrip(".")
    if value >= PLAIN_SMALLEST:
        decimals = 2 - math.floor(math.log10(float(f"{value:.2e}")))  # three significant digits, rounded first
        return f"{value:.{decimals}f}"
    return f"<{PLAIN_SMALLEST:.6f}"


PLAIN_SMALLEST = 1e-6  # a loss below this is written as less than it


def neuron_words(meta: dict) -> str:
    """A run's neurons in words: "sigmoid neurons", and its output's kind where that differs
    ("sigmoid neurons, a softmax output")."""
    hidden, output = meta["activation"], meta["output"]
    if output == hidden:
        return f"{hidden} neurons"
    return f"{hidden} neurons, {'a linear' if output == 'identity' else f'a {output}'} output"


def accuracy_number(value: float) -> str:
    """An accuracy as captions and readouts show it, to a tenth of a percent (``92.8%``): a caption
    rounding it to ``93%`` would say another number than the one on screen. All or none is ``100%``, ``0%``."""
    value = float(value)
    return f"{value:.0%}" if value in (0.0, 1.0) else f"{value:.1%}"


def loss_change(first: float, last: float) -> str:
    """How a loss moved, in words: "98 times lower", "35% lower", "about where it started"."""
    if last <= first / 10:
        return f"{first / max(last, 1e-30):,.0f} times lower"
    if last <= first * 0.9:
        return f"{(first - last) / first:.0%} lower"
    if last <= first * 1.1:
        return "about where it started"
    return f"{(last - first) / first:.0%} higher" if last < 2 * first else f"{last / first:,.1f} times higher"


def data_words(history: TrainingHistory) -> str:
    """What the run learned from, in a few words for a caption."""
    if history.user_data is not None:
        return user_data_words(history)
    name = history.dataset_name
    sizes = history.layer_sizes
    classes = sizes[-1] if sizes[-1] > 1 else 2
    return {
        "sample": f"two blobs of points, {sizes[0]} numbers each",
        "xor": "points in the plane, by whether their two coordinates share a sign",
        "circles": "points in the plane, a ring around a disc",
        "moons": "points in the plane, two interleaved half-moons",
        "spiral": f"points in the plane, {classes} spiral arms",
        "gaussians": f"points in the plane, {classes} clusters",
        "digits": "handwritten digits of 28 × 28 pixels",
    }.get(name, f"examples of {sizes[0]} numbers each")


def short_name(name: str, limit: int = 14) -> str:
    """A name of the user's shortened to fit beside a neuron or atop a column: its start and an ellipsis."""
    return name if len(name) <= limit else name[:limit - 1] + "…"


def listed(names) -> str:
    """``a``, ``a and b``, ``a, b and c``; more than four as the first three and how many more."""
    names = list(names)
    if len(names) > 4:
        return f"{', '.join(names[:3])} and {len(names) - 3} more"
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + f" and {names[-1]}"


def user_data_words(history: TrainingHistory) -> str:
    """The user's data in a few words, by its own names: its file, its features or pixels."""
    data = history.user_data
    if history.image_shape is not None:
        rows, columns = history.image_shape
        return f"images of {rows} × {columns} pixels from {data['file']}"
    features = history.feature_names
    if len(features) == 2:
        return f"points in the plane, {features[0]} against {features[1]} from {data['file']}"
    return f"rows of {data['file']}: {listed(features)}"


NUMBER = re.compile(r"(?<![\w.])[−+-]?\d[\d,]*(?:\.\d+)?(?:e[−+-]?\d+)?%?(?![\w])")


def said_numbers(text: str) -> list[str]:
    """The numbers written in ``text``, each as it would be typed: the minus sign an ASCII one, no
    thousands commas, no percent sign ("−0.41" -> "-0.41", "8,000" -> "8000", "92.8%" -> "92.8").
    What a caption says and what the screen shows are compared in this form."""
    return [token.replace("−", "-").replace(",", "").rstrip("%").lstrip("+")
            for token in NUMBER.findall(text.replace("\\u2212", "−"))]


def as_cost(words: str | None) -> str:
    """The core's words for a run ("its loss jumped...") as the video says them: the cost."""
    return (words or "").replace("loss", "cost")


def verdict_words(verdict, history: TrainingHistory) -> tuple[str, str]:
    """``nnscratch.verdict.judge``'s verdict of ``history`` as said, and as its badge reads, in the video's
    words ("cost", not "loss"). A test cost that stalled while the training cost fell is not called
    learning without memorising: it is the start of memorising, and said so."""
    v = verdict
    if not v.learned:
        why = as_cost(v.why_not)
        unstable = f"; and it is unstable: {as_cost(v.unstable)}" if v.unstable else ""
        return f"This network did not learn: {why}{unstable}.", f"did not learn: {why}"
    if v.unstable:
        return f"It learned, but it is unstable: {as_cost(v.unstable)}.", "learned, but unstable"
    if v.overfit:
        best = v.best_test_epoch
        return (f"It learned, then overfit: from epoch {best:,} its test cost rose.",
                f"learned, then overfit from epoch {best:,}")
    if v.stalled:
        return ("It learned, then began to memorise: its test cost stopped falling.", "learned; test cost stalled")
    if history.has_test and not math.isnan(float(history.test_accuracy[-1])):
        return "It learned, and the test examples show it did not just memorise.", "learned"
    return "It learned.", "learned"


def rate_code(rate: float) -> str:
    """A learning rate in Typst: 0.002 as written, 1e-09 as 10^(-9) (Typst's math would set "1e-09" as 1e
    minus 09), 2.5e-05 as 2.5 times 10^(-5)."""
    text = f"{rate:g}"
    mantissa, e, exponent = text.partition("e")
    if not e:
        return text
    power = f"10^({int(exponent)})"
    return power if mantissa == "1" else f"{mantissa} times {power}"
