"""Backpropagation for one example, every intermediate kept: what the backprop video shows.

For layer ``l`` (1..L), with ``a[l] = f(z[l])`` and ``z[l] = W[l] a[l-1] + b[l]``:

- ``wants[l]``  = dC/da[l]: how the cost changes with the layer's activations, the "nudges"
  the layer would like (the output's come from the loss; a hidden layer's are
  ``W[l+1]^T delta[l+1]``, the next layer's wishes sent back through the weights);
- ``deltas[l]`` = dC/dz[l] = ``wants[l] * f'(z[l])`` (at the output, straight from the loss);
- ``gradients`` = dC/dW[l] = ``delta[l] a[l-1]^T`` plus the penalty's, dC/db[l] = ``delta[l]``.

C is the example's own cost, as the cost chapter defines it (−ln p for classes); a regularized run
trains on C plus the penalty ``l1 sum|W| + l2/2 sum W^2``, whose gradient ``l1 sign(W) + l2 W`` the
gradients include, as ``NeuralNetwork.loss_and_gradients`` gives them for the example alone. The
chain rule for one weight, ``dC/dw_jk = a_k[l-1] * f'(z_j[l]) * dC/da_j[l]``, is the cost's part.

``wish_terms`` splits a hidden neuron's dC/da into what each neuron of the next layer asks of it
(``w_jk delta_j``, summing to it), and ``example_gradients`` gives every example's own dC/dw for one
weight, whose mean plus the penalty's gradient is the whole set's gradient that training records.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nnscratch.network import Gradients, NeuralNetwork

EARLY_SHARE = 0.25  # the default snapshot is the steepest one in this first share of the run


@dataclass
class ExampleBackprop:
    """One example's forward and backward pass. Lists are indexed by layer: entry 0 is the input
    (``z[0]``, ``wants[0]`` and ``deltas[0]`` are None)."""

    loss: float  # the example's cost C, without the penalty
    penalty: float  # the regularization penalty of the whole network's weights (0 without l1, l2)
    target: np.ndarray
    z: list[np.ndarray | None]
    a: list[np.ndarray]
    derivatives: list[np.ndarray | None]  # f'(z[l]); None at the output, where the loss gives delta directly
    wants: list[np.ndarray | None]
    deltas: list[np.ndarray | None]
    gradients: Gradients

    def chain_rule(self, layer: int, row: int, col: int) -> tuple[float, float, float, float]:
        """The three factors of dC/dw for the weight from neuron ``col`` of layer ``layer - 1`` to neuron
        ``row`` of ``layer`` (a hidden layer, where f' is defined), and their product: the cost's part of
        the gradient, to which ``penalty_gradient`` adds the rest."""
        a_prev, slope, want = self.a[layer - 1][col], self.derivatives[layer][row], self.wants[layer][row]
        return float(a_prev), float(slope), float(want), float(a_prev * slope * want)

    def penalty_gradient(self, layer: int, row: int, col: int) -> float:
        """The penalty's part of that weight's gradient, ``l1 sign(w) + l2 w``: the gradient less the chain rule's."""
        total = float(self.gradients.weights[layer - 1][row, col])
        return total - float(self.deltas[layer][row] * self.a[layer - 1][col])


def explain_example(network: NeuralNetwork, x: np.ndarray, y: np.ndarray) -> ExampleBackprop:
    """The forward and backward pass of ``network`` on the single example ``(x, y)``, nothing changed."""
    X = network.as_inputs(x)
    Y = network.as_targets(np.asarray(y, dtype=float).reshape(1, -1) if np.ndim(y) else np.array([[y]]), 1)
    trace = network.trace(X)
    loss = float(network.output_layer.loss(trace.z[-1], Y))
    recorded: list[np.ndarray] = []
    gradients = network.backward(trace, Y, deltas=recorded)
    n_layers = len(network.weights)
    deltas: list[np.ndarray | None] = [None] + [d[0] for d in reversed(recorded)]
    derivatives: list[np.ndarray | None] = [None] * (n_layers + 1)
    wants: list[np.ndarray | None] = [None] * (n_layers + 1)
    wants[-1] = network.output_layer.activation_gradient(trace.a[-1], Y)[0]
    for layer in range(1, n_layers):
        derivatives[layer] = network.activation.derivative(trace.z[layer], trace.a[layer])[0]
        wants[layer] = deltas[layer + 1] @ network.weights[layer]
    return ExampleBackprop(loss, network.penalty(), Y[0], [None] + [z[0] for z in trace.z[1:]],
                           [a[0] for a in trace.a],
                           derivatives, wants, deltas, gradients)


def wish_terms(network: NeuralNetwork, example: ExampleBackprop, layer: int, neuron: int) -> np.ndarray:
    """What each neuron ``j`` of layer ``layer + 1`` asks of ``neuron`` (``k``) of hidden layer ``layer``:
    ``w_jk delta_j``, one term per ``j``. Their sum is ``example.wants[layer][neuron]``, dC/da_k: a hidden
    neuron's wish is the sum of the wishes of the layer after it, each through its weight."""
    if not 1 <= layer < len(network.weights):
        raise ValueError(f"layer {layer} is not a hidden layer of a network of {len(network.weights) + 1} layers")
    return network.weights[layer][:, neuron] * example.deltas[layer + 1]


def example_gradients(network: NeuralNetwork, X: np.ndarray, Y: np.ndarray, layer: int, row: int,
                      col: int) -> np.ndarray:
    """Every example's own dC/dw for one weight, from neuron ``col`` of layer ``layer - 1`` to neuron
    ``row`` of ``layer``: the cost's part, ``delta_row a_col`` (no penalty), one value per row of ``X``.
    Their mean plus the penalty's gradient is the whole set's gradient, which training records."""
    X = network.as_inputs(X)
    Y = network.as_targets(Y, len(X))
    trace = network.trace(X)
    recorded: list[np.ndarray] = []  # each layer's dC/dz for the mean cost, output first
    network.backward(trace, Y, deltas=recorded)
    delta = recorded[len(network.weights) - layer]
    return len(X) * delta[:, row] * trace.a[layer - 1][:, col]  # the mean's 1/n undone: each example's own


def steepest_early_snapshot(history) -> int:
    """Early in training, where the gradients are large: the snapshot with the largest full-batch
    gradient in the first quarter of the run (never the last, which has no next one)."""
    norms = np.sqrt(sum((g.reshape(len(g), -1).astype(float) ** 2).sum(axis=1) for g in history.weight_grads))
    early = history.snapshot_epochs <= max(1, EARLY_SHARE * history.epochs)
    early[-1] = False
    candidates = np.flatnonzero(early) if early.any() else np.arange(max(1, history.n_snapshots - 1))
    return int(candidates[np.argmax(norms[candidates])])


def nearest_snapshot(history, epoch: int) -> int:
    """The snapshot nearest ``epoch`` that has a next one."""
    index = int(np.argmin(np.abs(history.snapshot_epochs - epoch)))
    return min(index, history.n_snapshots - 2)
