"""What a voice should say for a caption: numbers and symbols as a person reads them aloud."""
from __future__ import annotations

import re

_ONES = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen "
    "fourteen fifteen sixteen seventeen eighteen nineteen"
).split()
_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()
_SCALES = ((10**12, "trillion"), (10**9, "billion"), (10**6, "million"), (10**3, "thousand"))

# Symbols a caption may show; each is read as a word surrounded by spaces.
_SYMBOLS = {
    "→": "to",
    "←": "becomes",
    "×": "times",
    "·": "times",
    "≈": "approximately",
    "=": "equals",
    "≠": "is not equal to",
    "≤": "less than or equal to",
    "≥": "greater than or equal to",
    "<": "less than",
    ">": "greater than",
    "±": "plus or minus",
    "−": "minus",  # a U+2212 left after numbers are read is a binary minus
    "+": "plus",
    "%": "percent",
    "σ": "sigma",
    "Σ": "sum",
    "η": "eta",
    "λ": "lambda",
    "δ": "delta",
}

# "dC/dw" or "∂C/∂w": a derivative, read "d C by d w" (a voice would read the slash, or nothing).
_DERIVATIVE = re.compile(r"(?<!\w)[d∂]([A-Za-z])/[d∂]([A-Za-z])(?!\w)")
# "f'(z)", "σ'(z)", "tanh'(z)": read "f prime of z".
_PRIME = re.compile(r"(?<!\w)([^\W\d_]+)'\(([A-Za-z])\)")

# "4-6-4-1": three or more integers joined by hyphens name layer sizes.
_ARCHITECTURE = re.compile(r"(?<![\w.\-−])\d+(?:-\d+){2,}(?![\w.]|-\d)")
# "3-5": exactly two integers joined by a hyphen read as a range.
_RANGE = re.compile(r"(?<![\w.\-−])(\d+)-(\d+)(?![\w.]|-\d)")
# "1e-3": read as "one e minus three", how people say learning rates.
_SCIENTIFIC = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)[eE]([-+−]?)(\d+)(?!\w)")
_NUMBER = re.compile(
    r"""
    (?P<sign>−|(?<![\w)\]])-)?         # U+2212 is always minus; '-' only when not glued to a word
    (?=\.?\d)
    (?P<int>\d{1,3}(?:,\d{3})+(?!\d)|\d*)
    (?:\.(?P<frac>\d+))?
    (?P<pct>\s?%)?
    """,
    re.VERBOSE,
)


def integer_words(n: int) -> str:
    """English words for a non-negative integer, American style (no 'and')."""
    if n < 0:
        raise ValueError("integer_words takes n >= 0")
    if n >= 1000 * 10**12:
        return " ".join(_ONES[int(d)] for d in str(n))
    if n < 20:
        return _ONES[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return _TENS[tens] + (f"-{_ONES[ones]}" if ones else "")
    if n < 1000:
        hundreds, rest = divmod(n, 100)
        return f"{_ONES[hundreds]} hundred" + (f" {integer_words(rest)}" if rest else "")
    for scale, word in _SCALES:
        if n >= scale:
            high, rest = divmod(n, scale)
            return f"{integer_words(high)} {word}" + (f" {integer_words(rest)}" if rest else "")
    raise AssertionError("unreachable")


def _pad(match: re.Match[str], words: str) -> str:
    """Separate spoken words from letters glued to the number ("layer2")."""
    text = match.string
    before = match.start() > 0 and text[match.start() - 1].isalnum()
    after = match.end() < len(text) and text[match.end()].isalnum()
    return (" " if before else "") + words + (" " if after else "")


def _digits(text: str) -> str:
    return " ".join(_ONES[int(d)] for d in text)


def _number_words(match: re.Match[str]) -> str:
    integer = match["int"].replace(",", "")
    words = integer_words(int(integer)) if integer else ""
    if match["frac"] is not None:
        # Every shown digit is read ("0.80" -> "zero point eight zero"): the
        # viewer is reading the same digits on screen.
        words = f"{words} point {_digits(match['frac'])}".strip()
    if match["sign"]:
        words = f"minus {words}"
    if match["pct"]:
        words += " percent"
    return _pad(match, words)


def _scientific_words(match: re.Match[str]) -> str:
    mantissa = _NUMBER.sub(_number_words, match[1]).strip()
    sign = "minus " if match[2] in ("-", "−") else ""
    return _pad(match, f"{mantissa} e {sign}{integer_words(int(match[3]))}")


def spoken(text: str) -> str:
    """What a voice should say for caption ``text``.

    Numbers are read as a person would ("1,234" -> "one thousand two hundred
    thirty-four", "-2.14" -> "minus two point one four", "93.5%" ->
    "ninety-three point five percent"); decimals read every shown digit
    ("0.80" -> "zero point eight zero"); three or more hyphen-joined integers
    are layer sizes ("4-6-4-1" -> "four, six, four, one"); two are a range
    ("3-5" -> "three to five"); a few math symbols become words ("→" -> "to"), derivatives are
    read as people say them ("∂C/∂w" -> "d C by d w", "σ'(z)" -> "sigma prime of z").
    """
    out = _DERIVATIVE.sub(r"d \1 by d \2", text)
    out = _PRIME.sub(r"\1 prime of \2", out)
    out = _ARCHITECTURE.sub(
        lambda m: _pad(m, ", ".join(integer_words(int(p)) for p in m[0].split("-"))), out
    )
    out = _RANGE.sub(lambda m: _pad(m, f"{integer_words(int(m[1]))} to {integer_words(int(m[2]))}"), out)
    out = _SCIENTIFIC.sub(_scientific_words, out)
    out = _NUMBER.sub(_number_words, out)
    for symbol, word in _SYMBOLS.items():
        out = out.replace(symbol, f" {word} ")
    return _tidy_spaces(out)


def _tidy_spaces(text: str) -> str:
    text = re.sub(r"\s+", " ", text)
    text = re.sub(r"\s+([,.;:!?)\]])", r"\1", text)
    text = re.sub(r"([(\[])\s+", r"\1", text)
    return text.strip()


def said_share(caption: str, at: int) -> float:
    """The share of ``caption``'s speech said before its character ``at``: what a voice says of the text
    before it against all it says (a number is said in many more letters than it is written: "92.8%" is
    "ninety-two point eight percent")."""
    whole = len(spoken(caption))
    return min(1.0, len(spoken(caption[:at])) / whole) if whole else at / max(len(caption), 1)
