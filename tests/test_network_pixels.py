"""The network mobject on real frames: edge colours follow weight signs, brightness follows activation."""
import numpy as np
import pytest

from scenes.mobjects.network import NetworkMobject
from tests.frames import luminance, most_colourful, render_still, to_pixel

WIDTH, HEIGHT = 640, 360
LEFT_SHIFT = np.array([-1.0, 0.0, 0.0])


@pytest.fixture(scope="module")
def fan():
    """A 1-3-1 network: no two edges cross, so every edge midpoint shows that edge alone."""
    network = NetworkMobject([1, 3, 1], width=6.0, height=4.0)
    weights = [np.array([[2.0], [-2.0], [0.1]]), np.array([[-1.5, 1.5, 0.1]])]
    network.set_weights(weights)
    network.set_activations([np.array([0.5]), np.array([0.95, 0.05, 0.5]), np.array([0.8])])
    return network, weights, render_still(network, WIDTH, HEIGHT)


def edge_colour(network, frame, layer, index):
    line = network.edges[layer][index]
    row, column = to_pixel(line.get_center(), WIDTH, HEIGHT)
    return most_colourful(frame, row, column)


@pytest.mark.parametrize("layer, index, sign", [(0, 0, 1), (0, 1, -1), (1, 0, -1), (1, 1, 1)])
def test_strong_edges_are_blue_when_positive_and_red_when_negative(fan, layer, index, sign):
    network, weights, frame = fan
    assert np.sign(weights[layer].ravel()[index]) == sign
    r, g, b = edge_colour(network, frame, layer, index)
    if sign > 0:
        assert b > r + 60, (r, g, b)
    else:
        assert r > b + 60, (r, g, b)


def test_weak_edges_are_dimmer_than_strong_ones(fan):
    network, _, frame = fan
    strong = luminance(edge_colour(network, frame, 0, 0))
    weak = luminance(edge_colour(network, frame, 0, 2))
    assert weak < 0.6 * strong


def test_firing_neuron_is_brighter_than_a_quiet_one(fan):
    network, _, frame = fan
    centres = [to_pixel(circle.get_center(), WIDTH, HEIGHT) for circle in network.neurons[1]]
    firing, quiet, middle = (luminance(frame[row, column, :3]) for row, column in centres)
    assert firing > middle > quiet
    assert firing > 180 and quiet < 50


def test_changing_state_changes_the_pixels():
    network = NetworkMobject([1, 1], width=4.0, height=2.0)
    network.set_weights([np.array([[1.0]])])
    network.set_activations([np.array([0.0]), np.array([0.0])])
    before = render_still(network, WIDTH, HEIGHT)
    network.set_weights([np.array([[-1.0]])])
    network.set_activations([np.array([1.0]), np.array([1.0])])
    after = render_still(network, WIDTH, HEIGHT)
    row, column = to_pixel(network.edges[0][0].get_center(), WIDTH, HEIGHT)
    assert most_colourful(before, row, column)[2] > most_colourful(before, row, column)[0]
    assert most_colourful(after, row, column)[0] > most_colourful(after, row, column)[2]
    row, column = to_pixel(network.neurons[1][0].get_center(), WIDTH, HEIGHT)
    assert luminance(after[row, column, :3]) > luminance(before[row, column, :3]) + 100


def test_wide_layers_draw_sixteen_neurons_with_an_ellipsis_and_a_brace():
    network = NetworkMobject([784, 16, 10])
    assert len(network.neurons[0]) == 16 and len(network.edges[0]) == 16 * 16
    assert len(network.ellipses) == 1 and len(network.size_braces) == 1
    assert network.size_braces[0][1].text == "784"
    weights = [np.zeros((16, 784)), np.zeros((10, 16))]
    weights[0][0, 783] = 3.0  # the last input neuron is drawn, in the bottom half
    network.set_weights(weights)
    assert network.edges[0][15].stroke_width == pytest.approx(network.max_edge_width)
    assert network.edges[0][0].stroke_width == pytest.approx(network.min_edge_width)


def test_neurons_are_drawn_over_edges_that_stop_at_their_rims():
    network = NetworkMobject([2, 2])
    assert list(network.submobjects).index(network.edges) < list(network.submobjects).index(network.neurons)
    line = network.edges[0][0]
    start_gap = np.linalg.norm(line.get_start() - network.neurons[0][0].get_center())
    assert start_gap == pytest.approx(network.radius, rel=1e-3)


def test_fast_drawing_looks_like_the_manim_mobjects():
    """The replay's array drawing and Manim's own Lines and Circles give the same picture."""
    from scenes.camera.painter import FastCamera

    rng = np.random.default_rng(3)
    sizes = [8, 16, 12, 8, 4, 1]
    weights = [rng.normal(size=(b, a)) for a, b in zip(sizes, sizes[1:])]
    activations = [rng.uniform(size=n) for n in sizes]
    frames = []
    for fast in (False, True):
        network = NetworkMobject(sizes, width=6.0, height=5.0).shift(LEFT_SHIFT)
        network.set_weights(weights)
        network.set_activations(activations)
        if fast:
            network.use_fast_drawing()
        frames.append(render_still(network, WIDTH, HEIGHT, FastCamera)[:, :, :3].astype(int))
    manim_frame, fast_frame = frames
    assert manim_frame.max() > 100  # something was drawn
    difference = np.abs(manim_frame - fast_frame)
    # Circles differ from Manim's Bezier circles by a fraction of a pixel at the rims.
    assert difference.mean() < 0.3
    assert np.mean(difference.max(axis=2) > 40) < 0.002


@pytest.mark.parametrize("fraction", [0.0, 0.37, 1.0])
def test_revealed_curve_fast_drawing_matches_manim(fraction):
    """The clipped, cached-path drawing of a growing curve gives Manim's picture of its points."""
    import manim

    from scenes.camera.painter import FastCamera
    from scenes.mobjects.revealed_curve import RevealedCurve

    xs = np.linspace(-3, 3, 200)
    corners = np.column_stack([xs, np.sin(2 * xs), np.zeros_like(xs)])
    frames = []
    for camera in (manim.Camera, FastCamera):
        curve = RevealedCurve(corners, stroke_color=manim.YELLOW, stroke_width=4).set_fraction(fraction)
        frames.append(render_still(curve, WIDTH, HEIGHT, camera)[:, :, :3].astype(int))
    difference = np.abs(frames[0] - frames[1])
    assert difference.mean() < 0.2
    drawn_columns = np.nonzero(frames[1].max(axis=(0, 2)) > 100)[0]
    right_edge = to_pixel([-3 + fraction * 6, 0, 0], WIDTH, HEIGHT)[1]
    if fraction > 0:
        assert abs(drawn_columns.max() - right_edge) <= 3


@pytest.mark.parametrize("text", ["0.6931", "12,345", "98.5%"])
def test_readout_fast_drawing_matches_manim(text):
    """Characters filled from cached per-character Cairo paths give Manim's picture of the readout's points."""
    import manim

    from scenes.camera.painter import FastCamera
    from scenes.mobjects.readout import Readout

    frames = []
    for camera in (manim.Camera, FastCamera):
        readout = Readout(7, font_size=96, color=manim.YELLOW).move_to([0.5, -0.3, 0]).set_text(text)
        frames.append(render_still(readout, WIDTH, HEIGHT, camera)[:, :, :3].astype(int))
    manim_frame, fast_frame = frames
    assert {char for char, _ in readout.glyphs.cairo_paths} == set(text)  # the cached paths drew it, not the fallback
    assert (manim_frame.max(axis=2) > 150).sum() > 500  # the digits are there, large enough to compare
    assert np.abs(manim_frame - fast_frame).mean() < 0.05
    assert np.mean(np.abs(manim_frame - fast_frame).max(axis=2) > 40) < 0.0005


def test_readout_moved_after_set_text_is_drawn_where_it_now_is():
    """A shift moves the points but not the placements: the camera must notice and follow the points."""
    import manim

    from scenes.camera.painter import FastCamera
    from scenes.mobjects.readout import Readout

    frames = []
    for camera in (manim.Camera, FastCamera):
        readout = Readout(5, font_size=96, color=manim.WHITE).set_text("42.0").shift([2.0, 1.0, 0])
        frames.append(render_still(readout, WIDTH, HEIGHT, camera)[:, :, :3].astype(int))
    assert frames[0].max() > 200
    assert np.abs(frames[0] - frames[1]).mean() < 0.05
    assert len(readout.glyphs.cairo_paths) == 0  # drawn from its points, as any VMobject


def test_drawn_mobjects_can_still_be_copied():
    """Manim copies mobjects for animations; the cached Cairo paths must not make that fail."""
    import manim

    from scenes.camera.painter import FastCamera
    from scenes.mobjects.readout import Readout
    from scenes.mobjects.revealed_curve import RevealedCurve

    readout = Readout(5, color=manim.WHITE).set_text("1.5")
    curve = RevealedCurve(np.array([[-1.0, 0, 0], [0, 1, 0], [1, 0, 0]]), stroke_width=4).set_fraction(0.8)
    render_still(manim.VGroup(readout, curve), WIDTH, HEIGHT, FastCamera)
    assert {char for char, _ in readout.glyphs.cairo_paths} == {"1", ".", "5"} and set(curve.cairo_paths) == {"curve"}
    copies = readout.copy(), curve.copy()
    assert len(copies[0].glyphs.cairo_paths) == 0 and len(copies[1].cairo_paths) == 0
    np.testing.assert_allclose(copies[0].glyphs.points, readout.glyphs.points)


def test_a_readout_faded_in_while_it_counts_ends_showing_its_count():
    """A FadeIn begun on "0" ends by setting the glyphs to its copy's "0"; a count that reached 46 a frame
    before says "46" again at its end, and must be drawn as 46 (the moons' network chapter showed "0
    positive" beside "46 of the 88 are positive")."""
    import manim

    from scenes.camera.painter import FastCamera
    from scenes.mobjects.readout import Readout

    readout = Readout(6, font_size=96, color=manim.WHITE).set_text("0")
    fade = manim.FadeIn(readout)
    fade.begin()
    readout.set_text("46")  # the count, a frame before the play's end
    fade.finish()  # the fade's last state: its copies' points, the "0"
    readout.set_text("46")  # the count's last state
    shown = Readout(6, font_size=96, color=manim.WHITE).set_text("46")
    np.testing.assert_allclose(readout.glyphs.points, shown.glyphs.points)
    frames = [render_still(mobject, WIDTH, HEIGHT, FastCamera)[:, :, :3].astype(int) for mobject in (readout, shown)]
    assert frames[1].max() > 200 and np.abs(frames[0] - frames[1]).mean() < 0.05
