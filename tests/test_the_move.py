"""The move into rooms changed nothing a user sees: the same options and seed give the same runs and
the same pictures as the code before it. ``tests/data/before_the_move`` holds stills of every scene
and the loss curves of three runs, made by that code (2026-12-06); frames are compared within the
pixels a font's rounding can move, not byte for byte, so they hold on any machine."""
import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from nnscratch import RunSpec, record_run

BEFORE = Path(__file__).resolve().parent / "data" / "before_the_move"
RUNS = {"sample": RunSpec(epochs=60), "moons": RunSpec.for_dataset("moons", epochs=120),
        "digits": RunSpec.for_dataset("digits", samples=600, epochs=3)}
STILLS = [("data", "sample"), ("data", "digits"), ("network", "sample"), ("neuron", "sample"), ("forward", "digits"),
          ("forward", "moons"), ("cost", "sample"), ("backprop", "sample"), ("descent", "moons"),
          ("training", "moons"), ("training", "digits"), ("features", "digits"), ("features", "moons"),
          ("summary", "sample")]


@pytest.fixture(scope="module")
def runs():
    return {name: record_run(spec) for name, spec in RUNS.items()}


def test_the_same_options_and_seed_give_the_runs_they_gave(runs):
    before = json.loads((BEFORE / "runs.json").read_text())
    for name, history in runs.items():
        losses = history.train_loss[::max(1, len(history.train_loss) // 20)].astype(float)
        np.testing.assert_allclose(losses, before[name]["train_loss"], rtol=1e-6)
        weights = sum(float(np.abs(W[-1]).sum()) for W in history.weights)
        assert weights == pytest.approx(before[name]["final_weights_sum"], rel=1e-6)


@pytest.mark.slow
@pytest.mark.parametrize("scene, run", STILLS)
def test_every_scene_draws_what_it_drew(runs, tmp_path, monkeypatch, scene, run):
    from scenes import scene_for
    from scenes.output.render import render_still

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    history = runs[run]
    render_still(scene_for(scene, history), tmp_path / "now.png", resolution=(320, 180), history=history)
    now = np.asarray(Image.open(tmp_path / "now.png").convert("RGB")).astype(int)
    then = np.asarray(Image.open(BEFORE / f"{scene}-{run}.png").convert("RGB")).astype(int)
    assert now.shape == then.shape
    differ = np.abs(now - then).max(axis=2) > 48
    assert differ.mean() < 0.003, f"{differ.sum()} of {differ.size} pixels differ"
