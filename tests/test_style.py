"""The visual language as numbers: how each activation looks, neuron and edge colours, drawn-neuron selection."""
import numpy as np
import pytest

from nnscratch.activations import HIDDEN_ACTIVATIONS
from nnscratch.losses import OUTPUT_LAYERS
from scenes.mobjects.network import drawn_indices
from scenes.mobjects.style import (
    ACTIVATION_LOOKS, EDGE_MIN_OPACITY, EDGE_MIN_PIXELS, NEGATIVE, POSITIVE, edge_min_width, edge_styles,
    neuron_colors,
)

LUMINANCE = np.array([0.2126, 0.7152, 0.0722])


def test_every_activation_the_core_knows_has_one_look():
    assert set(ACTIVATION_LOOKS) == set(HIDDEN_ACTIVATIONS) | set(OUTPUT_LAYERS)


@pytest.mark.parametrize("name, low, high", [("sigmoid", 0.0, 1.0), ("tanh", -1.0, 1.0), ("relu", 0.0, 3.0),
                                             ("identity", -3.0, 3.0), ("leaky_relu", -3.0, 3.0)])
def test_levels_rise_with_the_activation_across_its_whole_range(name, low, high):
    levels = ACTIVATION_LOOKS[name].levels(np.linspace(low, high, 50))
    assert np.all(np.diff(levels) >= 0)
    assert levels.min() >= -1 and levels.max() <= 1
    assert levels[-1] - levels[0] > 0.9


def test_a_neuron_gets_brighter_and_more_saturated_all_the_way_to_firing():
    colors = neuron_colors(np.linspace(0, 1, 11))
    luminance = colors @ LUMINANCE
    saturation = colors.max(axis=1) - colors.min(axis=1)
    assert np.all(np.diff(luminance) > 0) and np.all(np.diff(saturation) > 0)
    assert luminance[0] < 0.1 and luminance[-1] > 0.7
    assert np.all(colors[1:, 2] > colors[1:, 0])  # blue


def test_minus_one_is_as_loud_as_plus_one_and_unlike_zero():
    quiet, plus, minus = neuron_colors(np.array([0.0, 1.0, -1.0]))
    assert abs(minus @ LUMINANCE - plus @ LUMINANCE) < 0.1
    assert minus @ LUMINANCE > 3 * (quiet @ LUMINANCE)
    assert minus[0] > minus[2]  # amber, not blue
    levels = ACTIVATION_LOOKS["tanh"].levels(np.array([-1.0, 0.0]))
    assert np.abs(neuron_colors(levels)[0] - neuron_colors(levels)[1]).max() > 0.5


def test_edges_are_blue_positive_red_negative_and_widen_with_magnitude():
    rgbas, widths = edge_styles(np.array([0.5, -0.5, 2.0, -2.0, 0.0]), scale=2.0, max_width=4.0, min_width=1.0)
    np.testing.assert_allclose(rgbas[0, :3], POSITIVE.to_rgb())
    np.testing.assert_allclose(rgbas[1, :3], NEGATIVE.to_rgb())
    assert widths[2] == pytest.approx(4.0) and widths[0] < widths[2] and widths[4] == pytest.approx(1.0)
    assert widths[0] == pytest.approx(widths[1]) and rgbas[0, 3] == pytest.approx(rgbas[1, 3])
    assert rgbas[2, 3] == pytest.approx(1.0) and rgbas[4, 3] == pytest.approx(EDGE_MIN_OPACITY)


def test_the_thinnest_edge_is_the_same_number_of_pixels_at_every_quality():
    for height in (480, 720, 1080, 2160):
        assert edge_min_width(height) * 0.01 * height / 8.0 == pytest.approx(EDGE_MIN_PIXELS)


def test_wide_layers_draw_sixteen_neurons_around_a_gap():
    np.testing.assert_array_equal(drawn_indices(10), np.arange(10))
    idx = drawn_indices(784)
    assert len(idx) == 16
    np.testing.assert_array_equal(idx[:8], np.arange(8))
    np.testing.assert_array_equal(idx[8:], np.arange(776, 784))
