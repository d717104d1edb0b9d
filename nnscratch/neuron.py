"""One neuron's forward step in numbers: its inputs, weights, bias, weighted sum and activation.

What the neuron video shows: ``z = w · a_prev + b`` written out term by term (the largest
terms when there are too many to write), then ``a = f(z)``, with the curve of ``f`` around it.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nnscratch.network import NeuralNetwork


@dataclass(frozen=True)
class NeuronSum:
    """Neuron ``neuron`` of layer ``layer`` (1 is the first hidden layer) for one input.

    ``inputs`` are the activations it receives (the data for layer 1), ``weights`` its row of
    W, ``terms`` the indices of the inputs written out, in order; ``rest`` is the sum of the
    products not written. ``z`` and ``a`` are the forward pass's own values.
    """

    layer: int
    neuron: int
    inputs: np.ndarray
    weights: np.ndarray
    bias: float
    z: float
    a: float
    terms: np.ndarray
    rest: float
    layer_z: np.ndarray  # the whole layer's sums: softmax needs them to say what one z does
    is_output: bool
    network: NeuralNetwork

    @property
    def products(self) -> np.ndarray:
        return self.weights * self.inputs

    def response(self, t: np.ndarray) -> np.ndarray:
        """The neuron's activation were its sum ``t`` instead of ``z``, everything else as it is."""
        t = np.atleast_1d(np.asarray(t, dtype=float))
        z = np.repeat(self.layer_z[None, :], len(t), axis=0)
        z[:, self.neuron] = t
        function = (self.network.output_layer.activation if self.is_output
                    else self.network.activation.function)
        return function(z)[:, self.neuron]


def explain_neuron(network: NeuralNetwork, x: np.ndarray, layer: int = 1, neuron: int | None = None,
                   shown: int = 4) -> NeuronSum:
    """The numbers of one neuron for input ``x``; ``neuron`` None picks the liveliest of the layer
    (see :func:`liveliest`). At most ``shown`` terms are written, the largest by |w a|."""
    if not 1 <= layer < len(network.layer_sizes):
        raise ValueError(f"layer must be between 1 and {len(network.layer_sizes) - 1}, got {layer}")
    trace = network.trace(x)
    z_layer, a_layer = trace.z[layer][0], trace.a[layer][0]
    if neuron is None:
        neuron = liveliest(a_layer)
    if not 0 <= neuron < len(z_layer):
        raise ValueError(f"layer {layer} has {len(z_layer)} neurons, so no neuron {neuron}")
    inputs = trace.a[layer - 1][0]
    weights = network.weights[layer - 1][neuron].astype(float)
    products = weights * inputs
    terms = np.sort(np.argsort(-np.abs(products), kind="stable")[:shown])
    rest = float(products.sum() - products[terms].sum())
    return NeuronSum(layer, int(neuron), inputs, weights, float(network.biases[layer - 1][neuron]),
                     float(z_layer[neuron]), float(a_layer[neuron]), terms, rest, z_layer.astype(float),
                     layer == len(network.layer_sizes) - 1, network)


def liveliest(activations: np.ndarray) -> int:
    """The neuron with the largest |a|: the one this input makes fire most (amber or blue)."""
    return int(np.argmax(np.abs(activations)))


# -- which neuron a story follows ----------------------------------------------------------------------

SHOWN_TERMS = 4  # inputs written out; a wider layer shows its largest terms and sums the rest
BEND = 1 / 3  # a sum is in the activation's bend where the slope is at least this share of its steepest


def slope_share(step: NeuronSum, z: float) -> float:
    """The activation's slope at ``z`` (the others' sums held), as a share of its steepest."""
    grid = np.linspace(-12, 12, 481)
    steepest = float(np.max(np.abs(np.gradient(step.response(grid), grid))))
    h = 1e-3
    slope = abs(float(step.response(np.array([z + h]))[0] - step.response(np.array([z - h]))[0])) / (2 * h)
    return slope / steepest if steepest > 0 else 0.0


def shown_share(step: NeuronSum) -> float:
    """How much of the sum the terms written out carry, against the rest and the bias (0 to 1)."""
    shown = abs(float(step.products[step.terms].sum()))
    return shown / (shown + abs(step.rest) + abs(step.bias) + 1e-12)


def telling_neuron(network, x: np.ndarray, layer: int = 1, shown: int = SHOWN_TERMS) -> int:
    """The neuron of ``layer`` whose story for input ``x`` is worth telling: of those whose sum lies in the
    activation's bend (slope at least ``BEND`` of the steepest: the squashing shows, a = 1.00 would hide
    it), the one whose written-out terms carry most of the sum, a larger sum breaking near-ties; with
    none in the bend, the least saturated."""
    steps = [explain_neuron(network, x, layer, neuron, shown) for neuron in range(network.layer_sizes[layer])]
    slopes = np.array([slope_share(step, step.z) for step in steps])
    bent = np.flatnonzero(slopes >= BEND)
    if not len(bent):
        return int(np.argmax(slopes))
    scores = [shown_share(steps[i]) * abs(steps[i].z) / (abs(steps[i].z) + 0.5) for i in bent]
    return int(bent[int(np.argmax(scores))])
