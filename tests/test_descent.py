"""The gradient descent chapter: on every run the brief names and in both tellings, terms defined where first
used, the epoch never runs backwards, the colour bar reads the surface, and every number said is the run's
own (recomputed here another way)."""
import re

import numpy as np
import pytest

from nnscratch.landscape import (
    evaluation_sample,
    flat_parameters,
    losses_at,
    snapshot_parameters,
)
from scenes import GradientDescentScene
from scenes.chapters.descent import (
    ROLL_LEAST,
    flat_gradient,
    gradient_number,
    plane_gradients,
    shown_entries,
)
from scenes.mobjects.surface import SHELF, height_colours
from scenes.narration.words import loss_number, said_numbers
from tests.timeline import run, told

FAST = ["default", "moons", "spiral", "deep tanh", "regularized", "did not learn"]
ALL = FAST + [pytest.param("digits", marks=pytest.mark.slow)]


_told: dict = {}


def telling(name: str, brief: bool) -> GradientDescentScene:
    """The chapter told on run ``name``, briefly (as the explainer tells it) or in full, as a still."""
    if (name, brief) not in _told:
        _told[name, brief] = told(GradientDescentScene, run(name), brief=brief)
    return _told[name, brief]


def prepared(name: str) -> GradientDescentScene:
    scene = GradientDescentScene(history=run(name))
    scene.prepare()
    return scene


@pytest.fixture(autouse=True)
def surface_cache(tmp_path_factory, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.getbasetemp() / "descent-cache"))


# -- the chapter's length and words, on every run (tests/test_story.py holds it to the story's rules) ---

@pytest.mark.parametrize("name", ALL)
def test_the_chapter_keeps_its_length(name):
    # Today's brief telling of the digits lasts 34.9 s and the full one 68 s: a newcomer's chapter now,
    # told briefly in about as long, in full a little longer.
    brief, full = telling(name, True), telling(name, False)
    longer = 0.0 if GradientDescentScene(history=run(name)).verdict.learned else 5.0
    assert brief.time <= 36.5 + longer and full.time <= 77.0  # a run that did not learn is also said to be one
    assert brief.time < 0.6 * full.time


@pytest.mark.parametrize("name", ALL)
def test_terms_are_defined_where_first_used_and_cost_is_the_only_word(name):
    for brief in (True, False):
        captions = [beat.caption for beat in telling(name, brief).told]
        said = " ".join(captions)
        assert "loss" not in said.lower()
        assert "dC/dw" not in said and "Part " not in said
        first = next(caption for caption in captions if "epoch" in caption)
        assert "pass over" in first or "passes over" in first  # an epoch, defined where first said
        rate = next(caption for caption in captions if "learning rate" in caption)
        assert "size" in rate  # the learning rate is the step's size
        assert any("which way, and how much, to move each weight" in caption for caption in captions)
        if not brief:  # the explainer's next title card says it
            assert captions[-1].endswith("next chapter: backpropagation.")
        if run(name).batch_size:
            assert f"a batch of {run(name).batch_size} examples" in said


def test_a_run_that_did_not_learn_is_said_to_be_one_and_its_flat_surface_drawn_flat():
    scene = telling("did not learn", brief=True)
    said = " ".join(beat.caption for beat in scene.told)
    assert "This run did not learn: accuracy 52%, what guessing gets." in said
    assert "barely moves" in said and "rolls down" not in said
    full = prepared("did not learn")
    assert full.heights.flat and full.surface.contours == [] and np.all(full.surface.levels == 0)


# -- the epoch counter ----------------------------------------------------------------------------

class Logged(GradientDescentScene):
    """The descent, logging every epoch its readout shows, with the beat then said."""

    def show_epoch(self, progress: float) -> None:
        super().show_epoch(progress)
        if getattr(self, "log", None) is None:
            self.log = []
        beat = self.current_beat.caption if self.current_beat is not None else None
        self.log.append((beat, int(self.epoch_readout.text.replace(",", ""))))


def counter_trouble(log: list) -> list:
    """Where the epoch shown went down, and beats that say one epoch that is not the one shown at their end."""
    trouble = [(beat, before, after) for (_, before), (beat, after) in zip(log, log[1:]) if after < before]
    last_shown: dict = {}
    for beat, epoch in log:
        last_shown[beat] = epoch
    for beat, epoch in last_shown.items():
        said = re.findall(r"\bepoch ([\d,]+)", beat or "")
        if len(said) == 1 and int(said[0].replace(",", "")) != epoch:
            trouble.append((beat, said[0], epoch))
    return trouble


@pytest.mark.parametrize("brief", [True, False], ids=["brief", "full"])
@pytest.mark.parametrize("name", ALL)
def test_the_epoch_never_runs_backwards(name, brief):
    scene = told(Logged, run(name), brief=brief)
    assert len(scene.log) >= 3  # a still calls it at the end of each animation that moves the ball
    assert counter_trouble(scene.log) == []


@pytest.mark.slow
@pytest.mark.parametrize("name", ["moons", "default"])
def test_the_epoch_never_runs_backwards_frame_by_frame(name, tmp_path):
    from scenes.output.render import render

    video = render(Logged, tmp_path / "d.mp4", resolution=(160, 90), fps=10, history=run(name))
    assert len(video.scene.log) > 10 * ROLL_LEAST  # every frame of the roll, at least
    assert counter_trouble(video.scene.log) == []


def test_the_old_way_back_would_have_been_caught():
    """The check itself: a roll to the end and back to epoch 0 under "At epoch 0", as the chapter did."""
    log = [("The run rolls down", 0), ("The run rolls down", 40), ("At epoch 0, a step", 37),
           ("At epoch 0, a step", 0)]
    assert counter_trouble(log) == [("At epoch 0, a step", 40, 37), ("At epoch 0, a step", 37, 0)]


# -- the surface and its colour bar ---------------------------------------------------------------

@pytest.mark.parametrize("name", ALL)
def test_the_colour_bar_reads_the_surface(name):
    scene = prepared(name)
    landscape, bar, heights = scene.landscape, scene.colour_bar, scene.heights
    numbers = [label.text for label in bar.numbers]
    low, high = float(landscape.losses.min()), float(landscape.losses.max())
    if heights.flat:
        assert numbers == [loss_number(low)] and loss_number(low) == loss_number(high)
        return
    assert numbers[0] == loss_number(low) and numbers[-1] == loss_number(high)  # the surface's range
    knee = 1.15 * float(np.max(run(name).train_loss[run(name).snapshot_epochs]))
    assert numbers[1:-1] == ([loss_number(knee)] if heights.top_level > 1.08 else [])
    # Each number beside the bar sits where the bar has the colour the surface has at that cost.
    for number, cost in zip(bar.numbers, bar.tick_costs):
        share = (number.get_center()[1] - bar.bar.get_bottom()[1]) / bar.bar.height
        row = int(round((1 - np.clip(share, 0, 1)) * (len(bar.bar.pixels) - 1)))
        expected = np.round(height_colours(heights.colour_share(heights.level(cost))) * 0.92 * 255)
        assert np.abs(bar.bar.pixels[row, 0, :3].astype(int) - expected).max() <= 12, (number.text, cost)


@pytest.mark.parametrize("name", ALL)
def test_the_mesh_is_never_cut_flat(name):
    """Height rises with the cost everywhere, smoothly, with no plateau where a clip would cut it off."""
    scene = prepared(name)
    if scene.heights.flat:
        return
    losses, levels = scene.landscape.losses.ravel(), scene.surface.levels.ravel()
    order = np.argsort(losses, kind="stable")
    rising = np.diff(losses[order]) > 1e-9 * max(abs(losses).max(), 1.0)
    assert np.all(np.diff(levels[order])[rising] > 0)
    assert levels.max() < 1 + SHELF and levels.min() == 0.0
    # Linear over the costs the run had: equal steps of cost, equal steps of height.
    path_max = float(np.max(scene.path_losses))
    below = losses <= path_max
    slope = (levels[below] - 0) / np.maximum(losses[below] - losses.min(), 1e-300)
    assert np.allclose(slope[losses[below] > losses.min()], 1 / (scene.heights.knee - scene.heights.floor))


@pytest.mark.parametrize("name", ALL)
def test_the_ball_is_on_the_surface_from_its_first_frame(name):
    """The first frame the surface shows (its fade begun) shows the ball at the run's start, in white."""
    import cairo

    scene = prepared(name)
    surface = scene.surface
    surface.opacity = 0.5  # halfway through its fade in
    width, height = 854, 480
    image = cairo.ImageSurface(cairo.FORMAT_ARGB32, width, height)
    ctx = cairo.Context(image)
    ctx.set_matrix(cairo.Matrix(width / 14.222222, 0, 0, -height / 8.0, width / 2, height / 2))

    class Camera:
        cairo_line_width_multiple = 0.01

    surface.paint(ctx, Camera())
    x, y = surface.to_scene(surface.rotated(surface.path[0]))
    column, row = int(round(width / 2 + x * width / 14.222222)), int(round(height / 2 - y * height / 8.0))
    pixels = np.ndarray((height, width, 4), np.uint8, image.get_data())
    assert pixels[row, column, :3].min() >= 100  # white at half opacity over black: about 128 in every channel
    assert surface.progress == 0.0


@pytest.mark.parametrize("name", FAST)
def test_the_arrow_points_downhill_on_the_surface(name):
    """The arrow is the recorded gradient's share in the plane: a small move along it, from the snapshot's
    own weights, lowers the cost (computed here by the network itself, not from the grid)."""
    h = run(name)
    scene = prepared(name)
    snapshot = scene.slice_snapshot
    arrow = plane_gradients(h, scene.landscape)[snapshot]
    if not np.any(arrow):
        return
    unit = arrow / np.linalg.norm(arrow)
    origin = snapshot_parameters(h, snapshot)
    step = 1e-3 * (scene.landscape.alphas[-1] - scene.landscape.alphas[0])
    here, there = losses_at(h, origin, scene.landscape.directions, np.array([[0.0, 0.0], step * unit]))
    assert there < here


# -- the numbers said, recomputed ---------------------------------------------------------------------

def network_loss_at(history, parameters):
    """The network's own loss (float64) at a flat parameter vector, over the examples the surface uses."""
    from nnscratch.landscape import unflatten

    network = history.network_at(-1)
    network.copy_parameters_from(*unflatten(network, parameters))
    sample = evaluation_sample(history)
    return network.loss(history.X_train[sample], history.y_train[sample])


@pytest.mark.parametrize("name", ALL)
def test_the_step_sizes_costs_are_the_networks(name):
    h = run(name)
    scene = prepared(name)
    snapshot, rate = scene.slice_snapshot, h.learning_rate
    theta, gradient = snapshot_parameters(h, snapshot), flat_gradient(h, snapshot)
    expected = [network_loss_at(h, theta - t * gradient) for t in (0.0, rate, 10 * rate)]
    said = said_numbers(scene.rate_caption())
    assert said[0] == f"{rate:g}"
    for text, value in zip(said[1:4], expected):
        assert float(text) == pytest.approx(value, rel=6e-3)  # three digits said: rounding is at most 0.5%
    assert said_numbers(scene.rate_caption(brief=True))[:4] == said[:4]
    ticks = [label.text for label in scene.slice_ticks]
    assert ticks == [f"{rate:g}", f"{10 * rate:g}"]  # the step sizes, under their marks


@pytest.mark.parametrize("name", ALL)
def test_the_lesson_is_what_the_plot_shows(name):
    h = run(name)
    scene = prepared(name)
    rate = h.learning_rate
    theta, gradient = snapshot_parameters(h, scene.slice_snapshot), flat_gradient(h, scene.slice_snapshot)
    start, big = (network_loss_at(h, theta - t * gradient) for t in (0.0, 10 * rate))
    lesson = scene.lesson()
    if lesson == "overshoot":
        assert big > start and "overshoot" in scene.lesson_caption()
    elif lesson == "no change":
        assert loss_number(big) == loss_number(start)
    else:
        assert big < start and "overshoot" not in scene.lesson_caption()


def test_a_step_too_big_is_said_to_overshoot():
    # The default run (4-6-4-1, η = 1): ten steps' worth lands above where it started.
    scene = prepared("default")
    assert scene.lesson() == "overshoot"
    assert scene.rate_caption(brief=True).endswith("to 1.54: too big, it overshoots.")
    assert scene.lesson_caption() == "Too big a step overshoots the valley and lands higher than it started."


@pytest.mark.parametrize("name", ALL)
def test_the_costs_and_epochs_said_are_the_networks(name):
    h = run(name)
    scene = prepared(name)
    first = h.network_at(0).loss(h.X_train, h.y_train)
    last = h.network_at(-1).loss(h.X_train, h.y_train)
    assert float(said_numbers(scene.height_caption())[-1]) == pytest.approx(first, rel=6e-3)
    for brief in (True, False):
        said = said_numbers(scene.roll_caption(brief))
        assert str(h.epochs) in said
        assert float(said[-1]) == pytest.approx(last, rel=5e-3)
        if h.batch_size:
            assert said[0] == str(h.batch_size)
    if h.batch_size:
        steps = -(-len(h.X_train) // h.batch_size)
        assert [label.text.replace(" ", "") for label in scene.notes] == [
            f"step:abatchof{h.batch_size}examples", f"epoch:all{len(h.X_train):,}={steps:,}steps"]
    if scene.slice_snapshot:
        epoch = int(h.snapshot_epochs[scene.slice_snapshot])
        cost = h.network_at(scene.slice_snapshot).loss(h.X_train, h.y_train)
        said = said_numbers(scene.early_caption())
        assert said[0] == str(epoch) and float(said[1]) == pytest.approx(cost, rel=6e-3)


@pytest.mark.parametrize("name", ALL)
def test_the_share_said_is_the_paths_own(name):
    h = run(name)
    scene = prepared(name)
    if not scene.moved():
        return
    centred = flat_parameters(h) - flat_parameters(h)[-1]
    singular = np.linalg.svd(centred, compute_uv=False)
    share = float(np.sum(singular[:2] ** 2) / np.sum(singular ** 2))
    said = float(said_numbers(scene.share_caption())[0])
    assert said == pytest.approx(100 * share, abs=0.051 if share < 0.999 else 0.0051)
    assert scene.share_fact.text.startswith(scene.share_text().replace(" ", ""))


@pytest.mark.parametrize("name", ALL)
def test_the_gradients_entries_are_the_networks_slopes(name):
    """Each entry drawn is the slope of the cost along its own weight: central differences of the
    network's loss, with the weight nudged up and down."""
    h = run(name)
    scene = prepared(name)
    snapshot = scene.slice_snapshot
    gradient = flat_gradient(h, snapshot)
    theta = snapshot_parameters(h, snapshot)
    network = h.network_at(snapshot)
    drawn = [row[1].text for row in scene.entry_rows]
    assert drawn == [gradient_number(gradient[index]) for index in scene.entry_indices]
    from nnscratch.landscape import unflatten

    for index in scene.entry_indices:
        slopes = []
        for nudge in (1e-5, -1e-5):
            moved = theta.copy()
            moved[index] += nudge
            network.copy_parameters_from(*unflatten(network, moved))
            slopes.append(network.loss(h.X_train, h.y_train))
        slope = (slopes[0] - slopes[1]) / 2e-5
        assert slope == pytest.approx(gradient[index], rel=2e-2, abs=2e-5)


def test_the_entries_drawn_show_both_ways_to_move_when_there_are_both():
    gradient = np.array([0.0, 0.5, -0.1, 0.02, -0.3, 0.0, 0.01])
    # The largest, the largest the other way, and the next from a third of the way down the sizes.
    assert shown_entries(gradient) == [1, 2, 4]
    assert shown_entries(np.array([0.0, 0.0])) == [0, 1]
    assert gradient_number(-0.00042) == "−4.2e−4" and gradient_number(0.241) == "+0.241"


def test_the_height_scale_is_linear_over_the_runs_costs_and_bends_smoothly_above():
    from scenes.mobjects.surface import Heights

    heights = Heights(floor=0.1, knee=2.1, top=50.0)
    assert heights.level(0.1) == 0.0 and heights.level(1.1) == pytest.approx(0.5) and heights.level(2.1) == 1.0
    # Slope 1 (in knee units) on both sides of the knee: no crease; still rising far above it.
    step = 1e-6
    below = (heights.level(2.1) - heights.level(2.1 - step)) / step * 2.0
    above = (heights.level(2.1 + step) - heights.level(2.1)) / step * 2.0
    assert below == pytest.approx(1.0) and above == pytest.approx(1.0, rel=1e-4)
    assert 1.0 < heights.level(40.0) < heights.level(50.0) < 1 + SHELF
    costs = np.array([0.1, 0.7, 2.1, 3.0, 49.0, 1e6])
    assert np.all(np.diff(heights.level(costs)) > 0)  # higher cost, higher ground, everywhere


@pytest.mark.parametrize("name", ALL)
def test_the_ball_rolls_down_to_a_cost_only_if_it_is_the_lowest_and_the_share_written_is_said(name):
    # The review heard "the ball rolls down to 0.0684" while the readout rose 0.0679 -> 0.0684 on the last
    # tick, and saw "98.2% of their movement lies in this plane" written but never said in the brief telling.
    scene = prepared(name)
    losses = np.asarray(scene.path_losses)
    for brief in (True, False):
        said = scene.roll_caption(brief)
        if scene.moved() and scene.verdict.learned:
            assert ("rolls down to" in said) == bool(losses[-1] <= losses.min())
            assert said_numbers(said)[-1] == said_numbers(loss_number(losses[-1]))[0]
    if scene.moved():
        captions = [beat.caption for beat in telling(name, True).told]
        assert any(f"{scene.share_text()} of the" in caption for caption in captions)
