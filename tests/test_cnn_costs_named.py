"""One number per thing in the descent and cost chapters (issue 23's CNN review): the ball's cost, the
recorded cost of all the training examples, is labelled so beside a surface and a step's plot drawn from a
sample; a cost below a millionth is written, and said, as less than a millionth, never with an exponent
beside plain decimals."""
from __future__ import annotations

from functools import cache

import numpy as np
import pytest
from manim import ManimColor

from nnscratch import RunSpec, TrainingHistory, record_run
from scenes.mobjects.number_matrix import MathsReadout
from scenes.narration.words import loss_number
from tests.timeline import small_texts, told_as, unshown_numbers


@cache
def cnn() -> TrainingHistory:
    return record_run(RunSpec.for_dataset("digits", layers="28x28,conv4:3,pool2,10", samples=300, epochs=3))


def test_the_balls_cost_is_labelled_the_whole_sets_beside_the_samples_surface():
    h = cnn()
    scene = told_as("descent", h, False)
    sample = scene.landscape.n_samples
    assert sample < len(h.X_train)  # the surface is a sample's: the case where two costs meet
    labels = {text for beat in scene.told for text in beat.shown}
    # The chart's steps are plain ones, said so over it: the run's own (Adam's) are sized otherwise.
    assert f"cost, all {len(h.X_train):,}" in labels and "sample's cost, plain steps" in labels
    assert "cost, stepping downhill" not in labels
    for beat in scene.told:  # every recorded (whole-set) cost said is said to be the whole set's
        for loss in (h.train_loss[0], h.train_loss[-1]):
            if f"cost of {loss_number(loss)}" in beat.caption:
                assert f"cost of {loss_number(loss)} over all of them" in beat.caption, beat.caption
    rate = next(beat.caption for beat in scene.told if beat.caption.startswith("The learning rate"))
    assert "the sample's cost" in rate


def test_a_run_on_all_its_examples_keeps_plain_cost_labels():
    h = record_run(RunSpec.for_dataset("moons", epochs=50))
    scene = told_as("descent", h, True)
    assert scene.landscape.n_samples == len(h.X_train)
    labels = {text for beat in scene.told for text in beat.shown}
    assert "cost" in labels and not any(text.startswith("cost, all") for text in labels)
    assert not any("over all of them" in beat.caption for beat in scene.told)


def test_a_cost_below_a_millionth_is_less_than_a_millionth_written_and_shown():
    assert [loss_number(v) for v in (1.55e-11, 3.09e-9, 2.77e-7, 1.46e-6)] == [
        "<0.000001", "<0.000001", "<0.000001", "0.00000146"]
    readout = MathsReadout(9).set_text("<0.000001")
    assert len(readout.glyphs.placed) == 9  # the "<" has a glyph of its own


def test_the_cost_chapters_tiles_never_use_an_exponent():
    h = cnn()
    scene = told_as("cost", h, False)
    texts = [card[1].text for card in scene.cards_mob]
    assert texts == [loss_number(c) for c in scene.costs[scene.cards]]
    assert not any("e" in text for text in texts)
    small = scene.costs[scene.cards] < 1e-6
    assert all(text == "<0.000001" for text in np.array(texts)[small])


@pytest.mark.slow
def test_a_long_sample_line_keeps_the_columns_numbers_readable():
    """On all 8,000 digits the sample's line is too wide for the column at its size: it drops its last word
    rather than shrink the column's facts, whose numbers are said, under what can be read."""
    h = record_run(RunSpec.for_dataset("digits", layers="28x28,conv4:3,pool2,10", epochs=1))
    scene = told_as("descent", h, False)
    assert scene.landscape.n_samples < len(h.X_train) == 8000
    assert unshown_numbers(scene) == [] and small_texts(scene) == []
    assert scene.sample_facts[0].original_text == f"cost over {scene.landscape.n_samples:,} of 8,000"


def test_ten_times_the_step_is_red_only_where_it_lands_higher_than_one_step():
    # The review saw a lower cost (2.43 after ten steps' worth, against 2.51) drawn in the overshoot's red.
    from scenes.mobjects.style import NEGATIVE, OUTPUT_RIM

    for history in (cnn(), record_run(RunSpec.for_dataset("moons", epochs=50, learning_rate=2.0))):
        scene = told_as("descent", history, True)
        rate = history.learning_rate
        one, ten = scene.slice_value(rate), scene.slice_value(10 * rate)
        colour = ManimColor(NEGATIVE if ten > one else OUTPUT_RIM).to_hex().lower()
        texts = [part for part in scene.slice_panel.get_family()
                 if getattr(part, "original_text", None) == loss_number(ten)]
        assert texts and all(part.get_color().to_hex().lower() == colour for part in texts), (one, ten)
