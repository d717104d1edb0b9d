"""The move into rooms changed no run: the same options and seed give the runs the code before it
gave. ``tests/data/before_the_move/runs.json`` holds the loss curves of three runs made by that code
(2026-12-06). (Stills of every scene made by that code were compared too, at the move, commit 5a57617;
the chapters have been redrawn since, on purpose, so the pictures are checked by their own tests.)"""
import json
from pathlib import Path

import numpy as np
import pytest

from nnscratch import RunSpec, record_run

BEFORE = Path(__file__).resolve().parent / "data" / "before_the_move"
RUNS = {"sample": RunSpec(epochs=60), "moons": RunSpec.for_dataset("moons", epochs=120),
        "digits": RunSpec.for_dataset("digits", samples=600, epochs=3)}

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
