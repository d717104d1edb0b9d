"""The visual language of DESIGN.md in one place: colours, sizes, and value -> brightness."""
from __future__ import annotations

import numpy as np
from manim import BLUE_A, BLUE_C, GREEN, PURPLE, RED, ManimColor

POSITIVE = ManimColor(BLUE_C)  # #58C4DD
NEGATIVE = ManimColor(RED)  # #FC6255
INPUT_RIM = ManimColor(PURPLE)
OUTPUT_RIM = ManimColor(GREEN)
HIDDEN_RIM = ManimColor("#8A9BA8")
LABEL = ManimColor("#DDDDDD")
MUTED = ManimColor("#9A9A9A")
HIGHLIGHT = ManimColor("#FFD95E")  # what the narration points at

# Neuron fill from quiet to firing: dark blue, manim's blue, then nearly white-blue.
_QUIET = np.array(ManimColor("#0C1A2A").to_rgb())
_MIDDLE = np.array(ManimColor(BLUE_C).to_rgb())
_FIRING = np.array(ManimColor(BLUE_A).to_rgb())

MAX_DRAWN_NEURONS = 16
NEURON_RADIUS = 0.2
EDGE_MIN_WIDTH = 0.4
EDGE_MIN_OPACITY = 0.18


def activation_brightness(values: np.ndarray, kind: str) -> np.ndarray:
    """Map activations to [0, 1] the same way wherever they appear.

    ``unit`` values (sigmoid, softmax, inputs scaled to [0, 1]) are used as they are;
    ``signed`` (tanh) map [-1, 1] onto [0, 1]; ``positive`` (relu) map [0, inf) through
    tanh, so 1 is already bright; ``real`` (unbounded inputs or regression outputs)
    map through a sigmoid-like curve around 0.
    """
    values = np.asarray(values, dtype=float)
    if kind == "unit":
        return np.clip(values, 0.0, 1.0)
    if kind == "signed":
        return np.clip((values + 1.0) / 2.0, 0.0, 1.0)
    if kind == "positive":
        return np.tanh(np.maximum(values, 0.0))
    if kind == "real":
        return 0.5 + 0.5 * np.tanh(values)
    raise ValueError(f"unknown brightness kind {kind!r}")


BRIGHTNESS_KIND = {"sigmoid": "unit", "softmax": "unit", "tanh": "signed", "relu": "positive",
                   "leaky_relu": "positive", "identity": "real"}


def brightness_colors(brightness: np.ndarray) -> np.ndarray:
    """RGB rows for brightness values in [0, 1]: quiet -> blue at 0.6 -> firing."""
    t = np.clip(np.asarray(brightness, dtype=float), 0.0, 1.0)[:, None]
    low = _QUIET + (_MIDDLE - _QUIET) * np.minimum(t / 0.6, 1.0)
    return np.where(t <= 0.6, low, _MIDDLE + (_FIRING - _MIDDLE) * ((t - 0.6) / 0.4))


def edge_styles(weights: np.ndarray, scale: float, max_width: float) -> tuple[np.ndarray, np.ndarray]:
    """Stroke RGBA rows and widths for weights: blue positive, red negative, width and opacity by |w| / scale."""
    weights = np.asarray(weights, dtype=float)
    strength = np.clip(np.abs(weights) / scale, 0.0, 1.0) if scale > 0 else np.zeros_like(weights)
    rgb = np.where((weights >= 0)[:, None], np.array(POSITIVE.to_rgb()), np.array(NEGATIVE.to_rgb()))
    opacity = EDGE_MIN_OPACITY + (1.0 - EDGE_MIN_OPACITY) * np.sqrt(strength)
    widths = EDGE_MIN_WIDTH + (max_width - EDGE_MIN_WIDTH) * strength
    return np.column_stack([rgb, opacity]), widths
