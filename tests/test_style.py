"""The visual language as numbers: brightness mapping, edge colours and widths, drawn-neuron selection."""
import numpy as np
import pytest

from scenes.network_mobject import drawn_indices
from scenes.style import NEGATIVE, POSITIVE, activation_brightness, brightness_colors, edge_styles


@pytest.mark.parametrize("kind, low, high", [("unit", 0.0, 1.0), ("signed", -1.0, 1.0), ("positive", 0.0, 3.0), ("real", -3.0, 3.0)])
def test_brightness_is_monotone_and_bounded(kind, low, high):
    values = np.linspace(low, high, 50)
    levels = activation_brightness(values, kind)
    assert np.all(np.diff(levels) >= 0)
    assert levels.min() >= 0 and levels.max() <= 1
    assert levels[-1] - levels[0] > 0.9


def test_brightness_values_are_consistent_across_kinds():
    assert activation_brightness(np.array([0.0]), "signed")[0] == 0.5  # tanh 0 is half-way
    assert activation_brightness(np.array([-2.0]), "positive")[0] == 0.0  # relu below zero is quiet
    assert activation_brightness(np.array([0.7]), "unit")[0] == 0.7
    with pytest.raises(ValueError):
        activation_brightness(np.zeros(1), "loud")


def test_brighter_activation_gives_a_brighter_fill():
    colors = brightness_colors(np.array([0.0, 0.3, 0.6, 1.0]))
    luminance = colors @ np.array([0.2126, 0.7152, 0.0722])
    assert np.all(np.diff(luminance) > 0)
    assert luminance[0] < 0.15 and luminance[-1] > 0.8


def test_edges_are_blue_positive_red_negative_and_widen_with_magnitude():
    rgbas, widths = edge_styles(np.array([0.5, -0.5, 2.0, -2.0, 0.0]), scale=2.0, max_width=4.0)
    np.testing.assert_allclose(rgbas[0, :3], POSITIVE.to_rgb())
    np.testing.assert_allclose(rgbas[1, :3], NEGATIVE.to_rgb())
    assert widths[2] == pytest.approx(4.0) and widths[0] < widths[2]
    assert widths[0] == pytest.approx(widths[1]) and rgbas[0, 3] == pytest.approx(rgbas[1, 3])
    assert rgbas[2, 3] == pytest.approx(1.0) and rgbas[4, 3] < rgbas[0, 3]


def test_wide_layers_draw_sixteen_neurons_around_a_gap():
    np.testing.assert_array_equal(drawn_indices(10), np.arange(10))
    idx = drawn_indices(784)
    assert len(idx) == 16
    np.testing.assert_array_equal(idx[:8], np.arange(8))
    np.testing.assert_array_equal(idx[8:], np.arange(776, 784))
