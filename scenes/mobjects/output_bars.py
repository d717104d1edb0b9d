"""An example's outputs as bars beside what we want of them: each class's probability a filled bar, the
wanted 1 or 0 an outline around it. How wrong the network is shows as the gap between the two, before the
cost puts a number on it."""
from __future__ import annotations

from typing import Sequence

import numpy as np
from manim import DOWN, Rectangle, VGroup

from scenes.mobjects.glyphs import Label
from scenes.mobjects.style import HIGHLIGHT, LABEL, OUTPUT_RIM

NAME_FONT = 22  # digits 14 px tall at 480p
MAX_BARS = 12  # outputs drawn as bars at most


class OutputBars(VGroup):
    """``values`` (probabilities, 0 to 1) as bars of up to ``height``, ``wanted`` (0 or 1 each) as outlines
    of the full height or a line at the floor, ``names`` under them, in ``width``. Parts: ``bars``,
    ``outlines``, ``names``."""

    def __init__(self, values: Sequence[float], wanted: Sequence[float], names: Sequence[str], width: float,
                 height: float, **kwargs) -> None:
        super().__init__(**kwargs)
        values, wanted = np.clip(np.asarray(values, float), 0, 1), np.clip(np.asarray(wanted, float), 0, 1)
        pitch = width / len(values)
        bar_width = min(0.7 * pitch, 0.9)
        self.unit = height
        self.bars, self.outlines, self.names = VGroup(), VGroup(), VGroup()
        for k, (value, want, name) in enumerate(zip(values, wanted, names)):
            x = (k + 0.5) * pitch
            bar = Rectangle(width=bar_width, height=max(value * height, 1e-3), stroke_width=0,
                            fill_color=OUTPUT_RIM, fill_opacity=0.9)
            self.bars.add(bar.move_to([x, 0, 0], DOWN))
            outline = Rectangle(width=bar_width + 0.08, height=max(want * height, 1e-3) + 0.04,
                                stroke_color=HIGHLIGHT, stroke_width=3, fill_opacity=0)
            self.outlines.add(outline.move_to([x, -0.02, 0], DOWN))
            label = Label(name if len(name) <= 16 else name[:15] + "…", font_size=NAME_FONT, color=LABEL)
            self.names.add(label.next_to(bar, DOWN, buff=0.12).set_x(x))
        self.add(self.bars, self.outlines, self.names)
