"""The visual language of DESIGN.md in one place: colours, sizes, value -> colour, and how each activation looks."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
from manim import BLUE_C, GREEN, PURPLE, RED, ManimColor

POSITIVE = ManimColor(BLUE_C)  # #58C4DD
NEGATIVE = ManimColor(RED)  # #FC6255
INPUT_RIM = ManimColor(PURPLE)
OUTPUT_RIM = ManimColor(GREEN)
HIDDEN_RIM = ManimColor("#8A9BA8")
LABEL = ManimColor("#DDDDDD")
MUTED = ManimColor("#9A9A9A")
# Gradients get colours of their own, so a gradient is never read as a weight: magenta where the
# cost rises with the weight (lower it), green where it falls (raise it).
GRADIENT_POSITIVE = ManimColor("#D77BE3")
GRADIENT_NEGATIVE = ManimColor("#7FD17A")
WEIGHT_PALETTE = (POSITIVE, NEGATIVE)
GRADIENT_PALETTE = (GRADIENT_POSITIVE, GRADIENT_NEGATIVE)
HIGHLIGHT = ManimColor("#F4F46A")  # what the narration points at: a lemon yellow, unlike amber

# Neuron fill: dark when quiet, then brighter and more saturated with the size of the
# activation, blue for positive values and amber for negative ones (tanh, identity), so
# -1 is as loud as +1 and unlike 0. Lightness and saturation both rise all the way.
_QUIET = np.array(ManimColor("#0C1A2A").to_rgb())
_FIRING = np.array(ManimColor("#8ADCFF").to_rgb())
_FIRING_NEGATIVE = np.array(ManimColor("#FFB347").to_rgb())

MAX_DRAWN_NEURONS = 16
NEURON_RADIUS = 0.2
EDGE_MIN_OPACITY = 0.5
EDGE_MIN_PIXELS = 1.5  # thinner lines lose their hue to the video's half-resolution colour (yuv420p)
EDGE_MAX_WIDTH = 5.0


def _unit(values: np.ndarray) -> np.ndarray:
    return np.clip(values, 0.0, 1.0)


def _signed(values: np.ndarray) -> np.ndarray:
    return np.clip(values, -1.0, 1.0)


def _positive(values: np.ndarray) -> np.ndarray:
    return np.tanh(np.maximum(values, 0.0))  # 1 is already bright; relu's zeros are quiet


def _real(values: np.ndarray) -> np.ndarray:
    return np.tanh(values)  # unbounded either way: the sign shows as hue, the size as brightness


@dataclass(frozen=True)
class ActivationLook:
    """How the scenes show an activation function: its name in a formula (Typst; empty for
    identity), its definition, how its values map to a level in [-1, 1] for a neuron's fill,
    and what it does to a neuron's sum z, in words."""

    symbol: str
    formula: str
    levels: Callable[[np.ndarray], np.ndarray]
    says: str


ACTIVATION_LOOKS: dict[str, ActivationLook] = {
    "sigmoid": ActivationLook("sigma", "sigma(z) = 1 / (1 + e^(-z))", _unit,
                              "squashes z into an activation between 0 and 1"),
    "relu": ActivationLook('op("relu")', 'op("relu")(z) = max(0, z)', _positive,
                           "keeps z where it is positive and makes it 0 where it is not"),
    "tanh": ActivationLook("tanh", "tanh(z) = (e^z - e^(-z)) / (e^z + e^(-z))", _signed,
                           "squashes z into an activation between −1 and 1"),
    "leaky_relu": ActivationLook('op("leaky")', 'op("leaky")(z) = max(0.01 z, z)', _real,
                                 "keeps z where it is positive and shrinks it a hundredfold where it is not"),
    "softmax": ActivationLook('op("softmax")', 'op("softmax")(z)_i = e^(z_i) / sum_j e^(z_j)', _unit,
                              "turns the outputs' sums into probabilities that add up to 1"),
    "identity": ActivationLook("", "f(z) = z", _real, "passes z on as it is"),
}
INPUT_LEVELS = {"unit": _unit, "real": _real}  # inputs scaled to [0, 1], or not


def neuron_colors(levels: np.ndarray) -> np.ndarray:
    """RGB rows for levels in [-1, 1]: quiet at 0, blue towards +1, amber towards -1."""
    levels = np.clip(np.asarray(levels, dtype=float), -1.0, 1.0)[:, None]
    loud = np.where(levels >= 0, _FIRING, _FIRING_NEGATIVE)
    return _QUIET + (loud - _QUIET) * np.abs(levels)


def edge_min_width(pixel_height: int, frame_height: float = 8.0) -> float:
    """The stroke width (Manim units) of EDGE_MIN_PIXELS at this resolution: Manim strokes a width
    of 1 as 0.01 scene units."""
    return EDGE_MIN_PIXELS / (0.01 * pixel_height / frame_height)


def edge_styles(weights: np.ndarray, scale: float, max_width: float, min_width: float,
                palette: tuple = WEIGHT_PALETTE) -> tuple[np.ndarray, np.ndarray]:
    """Stroke RGBA rows and widths for weights (or gradients, in GRADIENT_PALETTE): the palette's
    first colour for positive values, its second for negative, grey for an exact zero (a gradient
    that asks nothing has no direction to show), width and opacity growing with |w| / scale (the
    largest |w| of the whole run, so one weight looks the same in every scene of it)."""
    weights = np.asarray(weights, dtype=float)
    strength = np.clip(np.abs(weights) / scale, 0.0, 1.0) if scale > 0 else np.zeros_like(weights)
    rgb = np.where((weights > 0)[:, None], np.array(palette[0].to_rgb()),
                   np.where((weights < 0)[:, None], np.array(palette[1].to_rgb()), np.array(MUTED.to_rgb())))
    opacity = EDGE_MIN_OPACITY + (1.0 - EDGE_MIN_OPACITY) * np.sqrt(strength)
    widths = min_width + (max(max_width, min_width) - min_width) * strength
    return np.column_stack([rgb, opacity]), widths


# -- data views: classes in the plane, pixels, weights as images --------------------------------

# One colour per class, as TensorFlow Playground colours its two (orange and blue), then four more
# hues that stay apart from them and from each other on black.
CLASS_COLORS = tuple(ManimColor(hex_code) for hex_code in
                     ("#FF9F43", "#3FA7F5", "#6FD08C", "#F06EAA", "#B28DFF", "#E8D44D"))
RIGHT = OUTPUT_RIM  # an answer that matches its label, as the forward pass marks it
WRONG = NEGATIVE
PLANE_BRIGHTNESS = 0.55  # the plane's colours at most this bright, so the points in full colour stand out
PLANE_UNDECIDED = 0.2  # the share of that brightness left where the network cannot decide: a dark seam


def class_rgbs(n_classes: int) -> np.ndarray:
    """RGB rows in [0, 1] of the first ``n_classes`` class colours."""
    if not 1 <= n_classes <= len(CLASS_COLORS):
        raise ValueError(f"there are colours for {len(CLASS_COLORS)} classes, not {n_classes}")
    return np.array([color.to_rgb() for color in CLASS_COLORS[:n_classes]])


def plane_colors(probabilities: np.ndarray) -> np.ndarray:
    """RGB in [0, 1] for class probabilities of shape (..., K): the class colours mixed by probability,
    dimmer the less sure the network is, so the decision boundary shows as a dark seam."""
    probabilities = np.asarray(probabilities, dtype=float)
    n_classes = probabilities.shape[-1]
    sure = (probabilities.max(axis=-1, keepdims=True) - 1 / n_classes) / (1 - 1 / n_classes)
    brightness = PLANE_BRIGHTNESS * (PLANE_UNDECIDED + (1 - PLANE_UNDECIDED) * sure)
    return probabilities @ class_rgbs(n_classes) * brightness


def pixel_greys(values: np.ndarray) -> np.ndarray:
    """RGB in [0, 1] for pixel values in [0, 1]: black ink-free paper at 0, white at 1, as the scans are."""
    values = np.clip(np.asarray(values, dtype=float), 0.0, 1.0)
    return np.repeat(values[..., None], 3, axis=-1)


def weight_image_colors(weights: np.ndarray, scale: float) -> np.ndarray:
    """RGB in [0, 1] for weights drawn as an image: blue positive, red negative, as bright as |w| / scale
    (black at 0, full colour at the largest |w|), as 3Blue1Brown draws a neuron's weights."""
    weights = np.asarray(weights, dtype=float)
    strength = np.clip(np.abs(weights) / scale, 0.0, 1.0) if scale > 0 else np.zeros_like(weights)
    hue = np.where((weights >= 0)[..., None], np.array(POSITIVE.to_rgb()), np.array(NEGATIVE.to_rgb()))
    return hue * strength[..., None]
