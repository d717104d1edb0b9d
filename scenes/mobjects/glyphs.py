"""Label and Formula: Manim's Text and MathTypst, imported in a fraction of Manim's time.

Pango and Typst write each glyph once, as a ``<symbol>``, and place it with ``<use>``: a matrix
of numbers is a few dozen glyphs placed a few hundred times. Manim's importer parses every
placed copy afresh (svgelements) and builds a group per SVG element: about a second for one
matrix at 1080p, 25 ms for a three-word label, the bulk of a still. Here each glyph's outline is
converted once (by Manim's own path conversion, so the curves are Manim's) and each placement is
that outline under its placement's matrix, painted as Manim's importer paints it. An SVG holding
anything else than groups, glyphs and plain paths falls back to Manim's importer, so what is
drawn never depends on the shortcut; tests compare both importers leaf by leaf.
"""
from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from typing import Any

import numpy as np
import svgelements as se
from manim import RIGHT, MathTypst, Text, VMobject
from manim.mobject.svg.svg_mobject import VMobjectFromSVGPath

from scenes.mobjects.style import NEGATIVE, POSITIVE

_XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
_PAINT_KEYS = ("fill", "fill-opacity", "stroke", "stroke-opacity", "stroke-width")
_NUMBER_KEYS = ("fill-opacity", "stroke-opacity", "stroke-width")
_INERT_KEYS = {"id", "class", "version", "overflow", "x", "y", "transform", "d", "width", "height", "viewBox",
               "fill-rule", "stroke-linecap", "stroke-linejoin", "stroke-miterlimit", _XLINK_HREF}
_OUTLINES: dict[str, np.ndarray] = {}  # a path's d -> Manim's points for it, shared by every import

Paint = dict[str, str]


class GlyphImport:
    """Mixin for an SVGMobject whose SVG is placed glyphs (see the module's note)."""

    def generate_mobject(self) -> "GlyphImport":
        leaves = placed_paths(ET.parse(self.get_file_path()).getroot(), self.generate_config_style_dict())
        if leaves is None or getattr(self, "_svg_leaf_labels", None):  # labelled groups need Manim's ids
            return super().generate_mobject()
        for d, matrix, paint in leaves:
            outline = outline_points(d)
            if not len(outline):
                continue
            mob = VMobject()
            points = outline @ matrix.T
            points[:, 2] = 0.0
            mob.points = points
            self.paint_leaf(mob, paint)
            self.add(mob)
        self.flip(RIGHT)  # SVG's y points down
        return self

    def paint_leaf(self, mob: VMobject, paint: Paint) -> None:
        """SVG paint as Manim's importer sets it (svgelements' defaults: black fill, no stroke)."""
        fill = se.Color(paint.get("fill", "black"))
        stroke = se.Color(paint.get("stroke", "none"))
        mob.set_style(
            fill_color=fill.hexrgb,
            fill_opacity=fill.opacity * float(paint.get("fill-opacity", 1.0)) if fill.value is not None else None,
            stroke_color=stroke.hexrgb,
            stroke_opacity=stroke.opacity * float(paint.get("stroke-opacity", 1.0)) if stroke.value is not None else None,
            stroke_width=float(paint.get("stroke-width", 1.0)) if stroke.value is not None else 0,
        )


class Formula(GlyphImport, MathTypst):
    """MathTypst, fast, with a short repr: Manim names each progress bar after its animation's
    mobject, and a matrix of coloured numbers makes a repr of several hundred characters. Formulas
    stay out of Manim's SVG cache: each is drawn once, and the copy into the cache cost more than
    the import."""

    def __init__(self, math_expression: str, **kwargs: Any) -> None:
        kwargs.setdefault("use_svg_cache", False)
        super().__init__(math_expression, **kwargs)

    def __repr__(self) -> str:
        return "Formula"

    def paint_leaf(self, mob: VMobject, paint: Paint) -> None:
        """As Typst does for the leaves it imports, a stroke is tracked so that its width follows
        the formula's scale."""
        super().paint_leaf(mob, paint)
        width = mob.get_stroke_width()
        if self._preserve_svg_stroke_widths and width and max(mob.width, mob.height) > 0:
            mob._typst_reference_size = max(mob.width, mob.height)
            mob._typst_source_stroke_width = width
            self._stroke_width_tracked_submobjects.append(mob)


class Label(GlyphImport, Text):
    """Manim's Text, fast."""


def outline_points(d: str) -> np.ndarray:
    """Manim's points for an SVG path's ``d``, in the path's own coordinates, each with a 1 appended
    (to take an SVG matrix)."""
    if d not in _OUTLINES:
        points = VMobjectFromSVGPath(se.Path(d)).points
        _OUTLINES[d] = np.column_stack([points[:, :2], np.ones(len(points))])
    return _OUTLINES[d]


def placed_paths(root: ET.Element, paint: Paint) -> list[tuple[str, np.ndarray, Paint]] | None:
    """Every path an SVG draws, in document order: its ``d``, the 3x3 matrix that places it and its
    inherited paint (starting from ``paint``). The root's size and viewBox are ignored, as Manim's
    importer ignores them. None for an SVG with anything else in it (images, gradients, clips, text,
    opacity...)."""
    symbols = {element.get("id"): element for element in root.iter() if _tag(element) == "symbol"}
    leaves: list[tuple[str, np.ndarray, Paint]] = []

    def walk(element: ET.Element, matrix: np.ndarray, paint: Paint) -> bool:
        tag = _tag(element)
        if tag in ("defs", "symbol"):
            return True  # drawn only where a <use> places them
        declared = _declarations(element.get("style", ""))
        attributes = {key: value for key, value in element.attrib.items() if key != "style"}
        if declared is None or set(attributes) - _INERT_KEYS - set(_PAINT_KEYS):
            return False
        paint = {**paint, **{key: attributes[key] for key in _PAINT_KEYS if key in attributes}, **declared}
        if not all(_is_number(paint[key]) for key in _NUMBER_KEYS if key in paint):
            return False  # a width with units ("1.5pt"), say
        matrix = matrix @ _matrix(element.get("transform"))
        if tag in ("svg", "g"):
            return all(walk(child, matrix, paint) for child in element)
        if tag == "use":
            target = symbols.get((element.get(_XLINK_HREF) or element.get("href") or "").lstrip("#"))
            if target is None or set(target.attrib) - {"id", "overflow"}:
                return False
            offset = np.array([[1.0, 0.0, float(element.get("x", 0))], [0.0, 1.0, float(element.get("y", 0))],
                               [0.0, 0.0, 1.0]])
            return all(walk(child, matrix @ offset, paint) for child in target)
        if tag == "path" and len(element) == 0:
            leaves.append((element.get("d", ""), matrix, paint))
            return True
        return False

    return leaves if walk(root, np.eye(3), paint) else None


def _declarations(style: str) -> Paint | None:
    """The paint of a ``style`` attribute; None if it declares anything else that draws."""
    paint: Paint = {}
    for declaration in filter(None, (part.strip() for part in style.split(";"))):
        key, _, value = (part.strip() for part in declaration.partition(":"))
        if key in _PAINT_KEYS:
            paint[key] = value
        elif key not in _INERT_KEYS:
            return None
    return paint


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _matrix(transform: str | None) -> np.ndarray:
    if not transform:
        return np.eye(3)
    m = se.Matrix(transform)
    return np.array([[m.a, m.c, m.e], [m.b, m.d, m.f], [0.0, 0.0, 1.0]])


def _tag(element: ET.Element) -> str:
    return element.tag.rsplit("}", 1)[-1] if isinstance(element.tag, str) else ""


def typst_number(value: float, colored: bool = False) -> str:
    if not math.isfinite(value):
        raise ValueError(f"{value} cannot be typeset: only finite numbers reach Typst")
    text = f"{value:.2f}"
    if not colored:
        return text
    color = (POSITIVE if value >= 0 else NEGATIVE).to_hex()
    # The trailing space matters: Typst would take a ';' right after ']' as the end of the code call.
    return f'#text(fill: rgb("{color}"))[${text}$] '
