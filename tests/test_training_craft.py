"""The training chapter on a run whose cost fell a hundredfold (issue 23's CNN review): its cost plot is
logarithmic so a stalled test cost is seen apart from the training cost, not both on the floor; a CNN's
kernels show their change after the first epoch on a scale of its own, stated, as well as on the run's."""
from __future__ import annotations

import re
from functools import cache

import numpy as np
import pytest

from nnscratch import RunSpec, TrainingHistory, record_run
from scenes.chapters.training import cost_floor
from scenes.narration.beats import Beat
from scenes.mobjects.conv_panel import ConvPanel, later_change_key
from scenes.mobjects.layout import Region
from scenes.mobjects.plot import EpochAxis, MetricPlot
from scenes.mobjects.raster import rgba_bytes
from scenes.mobjects.style import weight_image_colors
from scenes.narration.words import fixed
from tests.timeline import told_as

# The default CNN's costs, as the shared run recorded them (rounded): its test cost stalls near 0.1 while
# its training cost falls to 0.016, both under a twentieth of the axis's 2.66.
TRAIN = np.array([2.53, 0.142, 0.0977, 0.0492, 0.0521, 0.0297, 0.0251, 0.0149, 0.0231, 0.0104, 0.0162])
TEST = np.array([2.53, 0.171, 0.131, 0.0984, 0.109, 0.100, 0.0810, 0.0930, 0.108, 0.101, 0.103])


def plot(floor):
    top = 2.66
    return MetricPlot(Region(0, 4, 0, 2.5), "cost", None, [(TRAIN, "#FFD95E", "train"), (TEST, "#C8A2E8", "test")],
                      top, "2.66", EpochAxis(10), floor=floor)


def test_a_cost_that_fell_a_hundredfold_gets_a_log_axis_from_a_power_of_ten_under_it():
    assert cost_floor(np.concatenate([TRAIN, TEST]), 2.66) == pytest.approx(0.01)
    assert cost_floor(np.array([2.5, 1.0, 0.4]), 2.6) is None  # a fall of six: the linear axis shows it
    assert cost_floor(np.array([2.5, 1e-9]), 2.6) == pytest.approx(1e-6)  # never under what is written plainly


def test_on_the_log_axis_the_stalled_test_cost_stands_clear_of_the_training_costs():
    ends = []
    for floor in (None, 0.01):
        chart = plot(floor)
        train, test = (curve.corners[-1] for curve in chart.curves)
        ends.append(test[1] - train[1])
        # Every corner at its value's place: the log of its ratio to the floor, over the axis's decades.
        bottom, top = chart.axes.c2p(0, 0)[1], chart.axes.c2p(0, 2.66)[1]
        expected = (np.clip(np.log(TEST / 0.01) / np.log(2.66 / 0.01), 0, 1) if floor else TEST / 2.66)
        drawn = (chart.curves[1].corners[:, 1] - bottom) / (top - bottom)
        np.testing.assert_allclose(drawn, expected, atol=1e-6)
    linear, log = ends
    assert linear < 0.06 and log > 0.25  # under a line's width on the linear axis; a clear gap on the log one
    labels = {label.original_text for label in plot(0.01).labels if hasattr(label, "original_text")}
    assert {"2.66", "0.01", "0.1", "1"} <= labels and not any(re.search(r"\d[eE]", text) for text in labels)


@cache
def cnn() -> TrainingHistory:
    return record_run(RunSpec.for_dataset("digits", layers="28x28,conv4:3,pool2,10", samples=300, epochs=3))


def test_the_kernels_change_since_the_first_epoch_is_drawn_on_its_own_stated_scale():
    h = cnn()
    keys = list(range(h.n_snapshots))
    panel = ConvPanel(h, keys, Region(-6, -3, -3, 3), "3", change_since=1)
    kernels = h.kernels[0][:, :, 0].astype(float)
    scale = float(np.abs(kernels[1:] - kernels[1]).max())
    assert panel.change_scale == pytest.approx(scale)
    epoch = int(h.snapshot_epochs[1])
    assert panel.change_heading.original_text.replace("\n", " ") == f"change since epoch {epoch} (±{fixed(scale, 2)})"
    panel.show_at(len(keys) - 2, 1.0)  # the end: the last kernels less epoch 1's
    expected = weight_image_colors(kernels[-1] - kernels[1], scale)
    assert all(np.array_equal(p.pixels, rgba_bytes(rgb)) for p, rgb in zip(panel.change.pictures, expected))
    panel.show_at(0, 0.5)  # before epoch 1 there is no change since it: black
    none = rgba_bytes(weight_image_colors(np.zeros((3, 3)), scale))
    assert all(np.array_equal(p.pixels, none) for p in panel.change.pictures)


def test_the_band_is_shown_only_when_the_kernels_moved_after_the_first_epoch():
    h = cnn()
    keys = list(range(h.n_snapshots))
    kernels = h.kernels[0][:, :, 0].astype(float)
    later = float(np.abs(kernels[1:] - kernels[1]).max()) / float(np.abs(h.kernels[0]).max())
    assert later_change_key(h, keys) == (1 if later >= 0.03 else None)
    assert later_change_key(h, keys[:2]) is None  # two snapshots: nothing after the first stretch


@pytest.mark.slow
def test_the_epoch_is_written_as_it_is_said():
    scene = told_as("training", cnn(), False)
    epoch = next(beat for beat in scene.told if beat.caption.startswith("An epoch is"))
    assert scene.definition[0].original_text in epoch.marked


def test_a_test_accuracy_as_high_as_the_training_one_is_lit_while_said_and_called_the_same():
    # The moons review: with 100% on both, "test 100%" was lit until the first "100%" of the sentence
    # began (the training accuracy's words were found there), the training line lit while it was said,
    # and "gap 0.0 points" written where the voice says "the same".
    from tests.timeline import run

    moons = run("moons")
    assert moons.train_accuracy[-1] == moons.test_accuracy[-1]
    scene = told_as("training", moons, True, voiced=True)
    beat = next(b for b in scene.told if b.caption.startswith("On test"))
    assert "the same" in beat.caption and scene.gap_marker[1].original_text == "the same"
    said = beat.start + scene.narration.said_at(Beat(beat.caption, lambda: None), beat.caption.index("the same"))
    test_key, train_key = (next(part.original_text for part in key.get_family() if hasattr(part, "original_text"))
                           for key in (scene.plots[1].keys[1], scene.plots[1].keys[0]))
    assert beat.marked_at[test_key] < beat.start + 0.5  # lit from the sentence's start...
    assert beat.marked_at[train_key] == pytest.approx(said, abs=0.1)  # ...until "the same", when the train's is
