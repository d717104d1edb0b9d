"""A CNN run's recorded probe maps and pool winners held against its own kernels, when a run file is read.

The convolution, network and backprop chapters draw the probe digit's maps and pool winners as the run
recorded them, beside the kernels they say made them. A run file whose maps are not its kernels' (crafted,
or spliced from two runs) would have the screen contradict itself while every array is finite and of its
shape, so reading one refuses it. The kernels are stored in float32, so the maps are recomputed within a
tolerance far above float32's rounding and far below any change a picture shows; a winner must hold its
window's largest recorded value exactly (ties may fall either way, so not the same cell as recomputed).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from nnscratch.architecture import Pool
from nnscratch.runfile import RunFileError

if TYPE_CHECKING:
    from nnscratch.history import TrainingHistory

RELATIVE_TOLERANCE = 1e-3  # of the largest value of a map stack: float32 kernels leave about 1e-6


def check_recorded_maps(history: TrainingHistory) -> None:
    """RunFileError naming the first probe map or pool winner array that the run's own kernels and probe
    digit did not make, at its first such snapshot; nothing for a network of dense layers."""
    if not history.is_convolutional:
        return
    image = history.architecture.image
    digit = history.probe_input.astype(float).reshape(1, image.rows, image.cols)
    for snapshot, epoch in enumerate(history.snapshot_epochs):
        with np.errstate(over="ignore", invalid="ignore"):  # kernels no run learns overflow: refused below
            computed = history.network_at(snapshot).trace(digit.reshape(1, -1)).maps.a[1:]
        for stage, (recorded, made) in enumerate(zip(history.probe_maps, computed)):
            made = made[0]
            scale = max(float(np.abs(made).max()), 1.0)
            if not np.isfinite(scale) or not np.allclose(recorded[snapshot], made, rtol=0.0, atol=RELATIVE_TOLERANCE * scale):
                raise RunFileError(f"array probe_maps_{stage} at epoch {int(epoch):,} is not what the run's kernels "
                                   "make of its probe digit")
    pools = [stage for stage, kind in enumerate(history.architecture.stages) if isinstance(kind, Pool)]
    for pool, stage in enumerate(pools):
        size = history.architecture.stages[stage].size
        before = history.probe_maps[stage - 1] if stage else digit[None].astype(np.float32).repeat(
            history.n_snapshots, axis=0)
        winners = history.probe_winners[pool].astype(int)
        rows, columns = winners.shape[-2:]
        windows = before[..., :rows * size, :columns * size].reshape(
            *before.shape[:2], rows, size, columns, size).swapaxes(3, 4).reshape(*before.shape[:2], rows, columns, -1)
        chosen = np.take_along_axis(windows, winners[..., None], axis=-1)[..., 0]
        if not (np.array_equal(chosen, windows.max(axis=-1)) and np.array_equal(chosen, history.probe_maps[stage])):
            raise RunFileError(f"array probe_winners_{pool} names cells that are not their windows' largest in the "
                               "recorded maps")
