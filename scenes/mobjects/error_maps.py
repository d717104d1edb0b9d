"""What backpropagation carries back through a convolutional network, drawn as maps: an error (or a
gradient's terms) in the backprop chapter's gradient colours, magenta where the value is positive (the
sum should fall), green where negative (it should rise), black at 0, as bright as |value| / scale."""
from __future__ import annotations

import numpy as np

from scenes.mobjects.conv_maps import FillingMap
from scenes.mobjects.style import GRADIENT_NEGATIVE, GRADIENT_POSITIVE


def error_colors(values: np.ndarray, scale: float) -> np.ndarray:
    """RGB in [0, 1] of errors: magenta positive, green negative, black at 0, brighter with |value| / scale."""
    values = np.asarray(values, dtype=float)
    strength = np.clip(np.abs(values) / scale, 0.0, 1.0) if scale > 0 else np.zeros_like(values)
    hue = np.where((values >= 0)[..., None], np.array(GRADIENT_POSITIVE.to_rgb()),
                   np.array(GRADIENT_NEGATIVE.to_rgb()))
    # A square root, so a small error is still seen to be there beside the largest.
    return hue * np.sqrt(strength)[..., None]


class ErrorMap(FillingMap):
    """A ``FillingMap`` of errors: its cells in ``error_colors`` (at ``scale``, default the largest |value|)."""

    def coloured(self, values: np.ndarray) -> np.ndarray:
        return error_colors(values, self.value_scale)
