"""What the recorded network computes for given inputs at many snapshots at once, in one batched pass.

A replay shows the network's answers as training goes: over a grid of the input
plane, or for a handful of test digits, at every keyframe. Stacking the snapshots'
weights makes that one matrix product per layer instead of one per snapshot.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

from nnscratch.activations import HIDDEN_ACTIVATIONS
from nnscratch.history import TrainingHistory
from nnscratch.losses import OUTPUT_LAYERS


def activations_at(history: TrainingHistory, snapshots: Sequence[int], X: np.ndarray) -> list[np.ndarray]:
    """Every layer's activations for inputs ``X`` of shape ``(N, n_in)`` at each of ``snapshots``.

    Returns ``a[l]`` for ``l = 0..L``, each of shape ``(S, N, n_l)``; ``a[0]`` is ``X`` repeated.
    The same arithmetic as ``NeuralNetwork.trace``, in float64 from the recorded float32 weights.
    """
    snapshots = np.asarray(snapshots, dtype=int)
    if history.is_convolutional:
        return _network_activations(history, snapshots, X)
    hidden = HIDDEN_ACTIVATIONS[history.activation].function
    output = OUTPUT_LAYERS[history.output_activation].activation
    a = np.broadcast_to(np.asarray(X, dtype=float), (len(snapshots), *np.shape(X)))
    layers = [a]
    last = len(history.weights) - 1
    for layer, (W, b) in enumerate(zip(history.weights, history.biases)):
        z = a @ W[snapshots].astype(float).transpose(0, 2, 1) + b[snapshots].astype(float)[:, None, :]
        a = output(z) if layer == last else hidden(z)
        layers.append(a)
    return layers


def _network_activations(history: TrainingHistory, snapshots: np.ndarray, X: np.ndarray) -> list[np.ndarray]:
    """``activations_at`` of a CNN: its own forward pass at each snapshot (a snapshot's kernels are its
    own); ``a[0]`` is then the flattened maps the dense layers take, not ``X``."""
    traces = [history.network_at(int(snapshot)).trace(np.asarray(X, dtype=float)).a for snapshot in snapshots]
    return [np.stack([trace[layer] for trace in traces]) for layer in range(len(traces[0]))]


def predictions(outputs: np.ndarray) -> np.ndarray:
    """The class each output row picks, as ``NeuralNetwork.predict`` does: 0.5 for one output, argmax for several."""
    if outputs.shape[-1] == 1:
        return (outputs[..., 0] >= 0.5).astype(int)
    return outputs.argmax(axis=-1)


def class_probabilities(outputs: np.ndarray) -> np.ndarray:
    """Outputs as one probability per class: ``(1 - p, p)`` for one sigmoid output, the softmax as it is."""
    if outputs.shape[-1] == 1:
        return np.concatenate([1.0 - outputs, outputs], axis=-1)
    return outputs
