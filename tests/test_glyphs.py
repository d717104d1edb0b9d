"""Label and Formula import glyph by glyph: every leaf as Manim's own importer makes it."""
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from manim import BLUE, MathTypst, Text, tempconfig

from scenes.mobjects.glyphs import Formula, Label, placed_paths, typst_number
from scenes.mobjects.style import HIGHLIGHT, LABEL, MUTED


def product_code(W, a, b, z, rows, cols, boxed=None) -> str:
    """Typst for ``W a + b = z`` in coloured numbers, one entry boxed: what the forward pass once typeset
    (it now lays its numbers out itself), kept as a hard case for the importer."""
    def entry(i, j) -> str:
        code = typst_number(W[i, j], colored=True)
        return f'#box(stroke: 1.5pt + rgb("{HIGHLIGHT.to_hex()}"), inset: 3pt)[{code}]' if (i, j) == boxed else code

    def vector(values, shown) -> str:
        return 'vec(delim: "[", ' + ", ".join(typst_number(values[i]) for i in shown) + ")"

    matrix = 'mat(delim: "[", ' + "; ".join(", ".join(entry(i, j) for j in cols) for i in rows) + ")"
    return f"{matrix} {vector(a, cols)} + {vector(b, rows)} = {vector(z, rows)}"


rng = np.random.default_rng(3)
W, a, b = rng.normal(size=(3, 4)), rng.uniform(size=4), rng.normal(size=3)
FORMULAS = [
    "sigma(z) = 1 / (1 + e^(-z))",  # a fraction bar: a stroked path, its width following the scale
    "(partial C) / (partial w) = a^((l-1)) dot f'(z) dot (partial C) / (partial a)",
    "w <- w - eta (partial C) / (partial w)",
    "C = -1/n sum_(i=1)^n y_i log hat(y)_i",
    product_code(W, a, b, W @ a + b, [0, 1, 2], [0, 1, 2, 3]),  # coloured numbers in a matrix
    product_code(W, a, b, W @ a + b, [0, 1, 2], [0, 1, 2, 3], boxed=(1, 2)),  # and a box round one
]
TEXTS = [
    ("pixel 123", dict(font_size=20, color=LABEL)),
    ("4 → 8 ×8 → 1", dict(font_size=24)),
    ("a\nb, c", dict(font_size=18, line_spacing=0.8, color=MUTED)),
    ("loss 0.0123 · épocas ≈ δ σ′(z)", dict(font_size=28, color=BLUE)),
    ("half there", dict(font_size=20, fill_opacity=0.5)),
    ("", dict(font_size=20)),
]


def paint(mob):
    return (mob.get_fill_color().to_hex(), mob.get_fill_opacity(), mob.get_stroke_color().to_hex(),
            mob.get_stroke_width(), mob.get_stroke_opacity())


def assert_same_leaves(ours, manims):
    assert len(ours.submobjects) == len(manims.submobjects)
    leaves, expected = ours.family_members_with_points(), manims.family_members_with_points()
    assert len(leaves) == len(expected)
    for leaf, other in zip(leaves, expected):
        np.testing.assert_allclose(leaf.points, other.points, atol=1e-9)
        assert paint(leaf)[0::2] == paint(other)[0::2]
        np.testing.assert_allclose(paint(leaf)[1::2], paint(other)[1::2], rtol=1e-9)
    np.testing.assert_allclose(ours.get_center(), manims.get_center(), atol=1e-9)


@pytest.fixture(autouse=True)
def media(tmp_path):
    with tempconfig({"media_dir": str(tmp_path), "pixel_width": 1920, "pixel_height": 1080}):
        yield


@pytest.mark.parametrize("code", FORMULAS)
def test_a_formula_is_imported_as_manim_imports_it(code):
    # Manim's SVG cache would hand a repeated formula back without its stroke widths refreshed.
    ours = Formula(code, font_size=34, color=LABEL)
    manims = MathTypst(code, font_size=34, color=LABEL, use_svg_cache=False)
    assert_same_leaves(ours, manims)
    assert any(leaf.get_stroke_width() > 0 for leaf in ours.family_members_with_points()) == (
        "/" in code or "#box" in code)  # fraction bars and boxes are the strokes


@pytest.mark.parametrize("text, options", TEXTS)
def test_a_label_is_imported_as_manim_imports_its_text(text, options):
    assert_same_leaves(Label(text, **options), Text(text, **options))


def test_an_svg_with_anything_but_placed_glyphs_is_left_to_manim():
    svg = ('<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
           '<defs><symbol id="g"><path d="M 0 0 L 1 0 L 1 1 Z"/></symbol></defs>'
           '<g fill="#ff0000" transform="translate(2 3)"><use xlink:href="#g" x="1" y="0"/></g>{}</svg>')
    leaves = placed_paths(ET.fromstring(svg.format("")), {})
    assert len(leaves) == 1
    d, matrix, paint_ = leaves[0]
    assert d == "M 0 0 L 1 0 L 1 1 Z" and paint_ == {"fill": "#ff0000"}
    np.testing.assert_allclose(matrix @ [0, 0, 1], [3, 3, 1])
    for other in ('<image href="x.png" width="1" height="1"/>', '<circle r="1"/>', '<g opacity="0.5"/>',
                  '<g style="filter:blur(1px)"/>', '<g clip-path="url(#c)"/>', '<use xlink:href="#missing"/>',
                  '<path d="M 0 0 L 1 1" stroke="#fff" stroke-width="2pt"/>'):
        assert placed_paths(ET.fromstring(svg.format(other)), {}) is None, other
