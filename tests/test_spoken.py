"""Captions turned into what a voice says: numbers and symbols read as a person reads them."""
import pytest

from scenes.narration.spoken import integer_words, spoken

CASES = [
    ("−2.14", "minus two point one four"),
    ("-2.14", "minus two point one four"),
    ("0.80", "zero point eight zero"),
    (".5", "point five"),
    ("1,234", "one thousand two hundred thirty-four"),
    ("12,345,678", "twelve million three hundred forty-five thousand six hundred seventy-eight"),
    ("93.5%", "ninety-three point five percent"),
    ("100%", "one hundred percent"),
    ("4-6-4-1", "four, six, four, one"),
    ("a 2-2-1 net", "a two, two, one net"),
    ("epochs 3-5", "epochs three to five"),
    ("a 2-layer net", "a two-layer net"),
    ("x → y", "x to y"),
    ("3×4", "three times four"),
    ("x−2", "x minus two"),
    ("lr=1e-3", "lr equals one e minus three"),
    ("layer2", "layer two"),
    ("(-3)", "(minus three)"),
    ("The cost fell to 0.07.", "The cost fell to zero point zero seven."),
    ("w = -0.5, b = 2", "w equals minus zero point five, b equals two"),
    ("no numbers here", "no numbers here"),
    ("dC/dw = a × δ", "d C by d w equals a times delta"),
    ("δ = f'(z) × dC/da", "delta equals f prime of z times d C by d a"),
    ("and/or", "and/or"),
]


@pytest.mark.parametrize(("caption", "said"), CASES)
def test_spoken(caption: str, said: str) -> None:
    assert spoken(caption) == said


@pytest.mark.parametrize(
    ("n", "words"),
    [
        (0, "zero"),
        (13, "thirteen"),
        (40, "forty"),
        (99, "ninety-nine"),
        (105, "one hundred five"),
        (1000, "one thousand"),
        (1_000_001, "one million one"),
        (2_000_000_000, "two billion"),
    ],
)
def test_integer_words(n: int, words: str) -> None:
    assert integer_words(n) == words
