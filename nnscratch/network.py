"""A fully connected network in plain numpy, laid out as the video writes it.

Layer ``l`` computes ``a[l] = f(W[l] a[l-1] + b[l])`` with ``W[l]`` of shape
``(n_out, n_in)``. Samples are rows, so the batched form is ``A W.T + b``.

A convolutional network (``"28x28,conv8:3,pool2,10"``, see ``nnscratch.architecture``) puts its conv
and pool stages (``nnscratch.conv``) before these dense layers: the input rows are its images, and the
dense part's input ``a[0]`` is the last maps, flattened.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

import numpy as np

from nnscratch import checks
from nnscratch.activations import HIDDEN_ACTIVATIONS
from nnscratch.architecture import EVALUATION_CHUNK, Architecture, parse_layers
from nnscratch.conv import MapsTrace, flatten, maps_backward, maps_forward
from nnscratch.initializers import INITIALIZERS
from nnscratch.losses import LOSSES, OUTPUT_LAYERS, output_layer
from nnscratch.optimizers import OPTIMIZERS

@dataclass
class ForwardTrace:
    """Everything one forward pass computed.

    ``z[l]`` and ``a[l]`` for ``l = 1..L`` are arrays of shape ``(n_samples, n_l)``;
    ``a[0]`` is the input and ``z[0]`` is None. With dropout, ``masks[l - 1]`` multiplied the
    activations of hidden layer ``l`` (0 for a dropped neuron, 1 / (1 - p) for a kept one), and
    ``a[l]`` is what went on, after the mask. In a convolutional network ``maps`` holds what its conv
    and pool stages computed, and ``a[0]`` is their last maps flattened, the dense part's input.
    """

    z: list[np.ndarray | None]
    a: list[np.ndarray]
    masks: list[np.ndarray] | None = None
    maps: MapsTrace | None = None

    @property
    def output(self) -> np.ndarray:
        return self.a[-1]


@dataclass
class Gradients:
    """Gradients of the loss with respect to each ``weights[l]`` and ``biases[l]``, and a convolutional
    network's ``kernels[c]`` and ``kernel_biases[c]`` (empty lists for a network of dense layers)."""

    weights: list[np.ndarray]
    biases: list[np.ndarray]
    kernels: list[np.ndarray] = field(default_factory=list)
    kernel_biases: list[np.ndarray] = field(default_factory=list)


def infer_output(y: np.ndarray, n_outputs: int) -> str:
    """The output layer the targets call for: sigmoid for 0/1 labels, softmax for classes, identity otherwise."""
    y = np.asarray(y)
    is_binary = np.isin(y, (0, 1)).all()
    if n_outputs == 1:
        return "sigmoid" if is_binary else "identity"
    if y.ndim == 1 or y.shape[1] == 1:
        labels = y.reshape(-1)
        whole = np.all(labels == np.round(labels)) and labels.min() >= 0 and labels.max() < n_outputs
        return "softmax" if whole else "identity"
    one_hot = is_binary and np.all(y.sum(axis=1) == 1)
    return "softmax" if one_hot else "identity"


class NeuralNetwork:
    """A multilayer perceptron trained by backpropagation.

    Parameters
    ----------
    layer_sizes : sequence of int, or the layer grammar
        Neurons per layer, input first, e.g. ``[4, 6, 4, 1]``; or a convolutional network in the
        grammar of ``nnscratch.architecture``, ``"28x28,conv8:3,pool2,10"`` or its list form. Then
        ``layer_sizes`` holds the dense part (its input the flattened maps), ``kernels[c]`` of shape
        ``(filters, channels, k, k)`` and ``kernel_biases[c]`` of shape ``(filters,)`` its convolutions,
        which share the hidden activation; L1 and L2 weigh kernels as weights, dropout only dense layers.
    activation : {'sigmoid', 'relu', 'tanh', 'leaky_relu'}
        Activation of the hidden layers.
    weight_init : {'random', 'xavier', 'he'}
    output : {'sigmoid', 'softmax', 'identity'} or None
        Output activation, which fixes the loss (binary cross-entropy,
        cross-entropy, mean squared error). None chooses from the first targets seen.
    optimizer : {'sgd', 'momentum', 'rmsprop', 'adam'}
        Each follows torch.optim's formula and defaults (see ``nnscratch.optimizers``).
    l1, l2 : float
        Regularization strengths, added to the loss as ``l1 * sum|W| + l2/2 * sum W^2``.
    dropout : float
        The share of hidden neurons each training step silences (inverted dropout: the kept ones
        are scaled by 1 / (1 - dropout)), drawn from the network's generator; evaluation keeps them all.
    seed : int or None
        Seeds the network's own generator, used for the initial weights and mini-batch order.
    loss : {'cross-entropy', 'mse'} or None
        The loss: None (or cross-entropy) is the one that pairs with the output; mse is mean
        squared error on the activated outputs.
    optimizer_options : dict or None
        The optimizer's hyper-parameters: ``beta`` for momentum, ``rho`` and ``eps`` for
        RMSprop, ``beta1``, ``beta2`` and ``eps`` for Adam.
    """

    def __init__(
        self,
        layer_sizes: Sequence[int | str] | str | Architecture,
        activation: str = "sigmoid",
        weight_init: str = "xavier",
        output: str | None = None,
        optimizer: str = "sgd",
        l1: float = 0.0,
        l2: float = 0.0,
        seed: int | None = 42,
        optimizer_options: dict | None = None,
        dropout: float = 0.0,
        loss: str | None = None,
    ) -> None:
        self.architecture: Architecture = parse_layers(layer_sizes)
        self.layer_sizes = list(self.architecture.dense)
        self.activation_name = checks.one_of("activation", activation, HIDDEN_ACTIVATIONS)
        self.activation = HIDDEN_ACTIVATIONS[activation]
        self.weight_init = checks.one_of("weight initializer", weight_init, INITIALIZERS)
        initializer = INITIALIZERS[weight_init]
        self.optimizer_name = checks.one_of("optimizer", optimizer, OPTIMIZERS)
        try:
            self.optimizer = OPTIMIZERS[optimizer](**(optimizer_options or {}))
        except TypeError:
            raise ValueError(f"{optimizer} takes no option among {sorted(optimizer_options)}") from None
        if output is not None:
            checks.one_of("output", output, OUTPUT_LAYERS)
        self.loss_choice = None if loss is None else checks.one_of("loss", loss, LOSSES)
        self._output_fixed = output is not None
        self.output_name = output or ("sigmoid" if self.layer_sizes[-1] == 1 else "softmax")
        self.l1 = checks.regularization("l1", l1)
        self.l2 = checks.regularization("l2", l2)
        self.dropout = checks.dropout(dropout)
        self.seed = seed
        self.rng = np.random.default_rng(seed)
        # A kernel's fan-in is the patch it sees (channels x k x k), its fan-out its filters.
        self.kernels = [initializer(c * k * k, f, self.rng).reshape(f, c, k, k)
                        for f, c, k, _ in self.architecture.kernel_shapes()]
        self.kernel_biases = [np.zeros(f) for f, _, _, _ in self.architecture.kernel_shapes()]
        self.weights = [initializer(n_in, n_out, self.rng) for n_in, n_out in zip(self.layer_sizes, self.layer_sizes[1:])]
        self.biases = [np.zeros(n_out) for n_out in self.layer_sizes[1:]]

    @property
    def output_layer(self):
        return output_layer(self.output_name, self.loss_choice)

    @property
    def n_parameters(self) -> int:
        return sum(w.size + b.size for w, b in zip(self.kernels + self.weights, self.kernel_biases + self.biases))

    @property
    def is_convolutional(self) -> bool:
        return self.architecture.is_convolutional

    @property
    def n_inputs(self) -> int:
        """Features a sample has: the pixels of a convolutional network's image, else the input layer's size."""
        return self.architecture.n_inputs

    # -- forward ---------------------------------------------------------

    def as_inputs(self, X: np.ndarray) -> np.ndarray:
        """``X`` as rows of ``n_inputs`` finite floats (one sample may be given as a vector)."""
        X = np.asarray(X, dtype=float)
        if X.ndim == 1:
            X = X[None, :]
        if X.ndim != 2 or X.shape[1] != self.n_inputs:
            raise ValueError(f"inputs must have {self.n_inputs} features per sample, got shape {X.shape}")
        if not np.isfinite(X).all():
            raise ValueError("inputs must be finite numbers")
        return X

    def trace(self, X: np.ndarray, masks: Sequence[np.ndarray] | None = None) -> ForwardTrace:
        """Run a forward pass and keep every layer's ``z`` and ``a``; ``masks`` (from
        ``dropout_masks``) drop hidden neurons as a training step does."""
        a = self.as_inputs(X)
        maps = None
        if self.is_convolutional:
            image = self.architecture.image
            maps = maps_forward(self.architecture.stages, self.kernels, self.kernel_biases, self.activation,
                                a.reshape(len(a), 1, image.rows, image.cols))
            a = flatten(maps.a[-1])
        zs: list[np.ndarray | None] = [None]
        activations = [a]
        last = len(self.weights) - 1
        for layer, (W, b) in enumerate(zip(self.weights, self.biases)):
            z = a @ W.T + b
            a = self.output_layer.activation(z) if layer == last else self.activation.function(z)
            if masks is not None and layer < last:
                a = a * masks[layer]
            zs.append(z)
            activations.append(a)
        return ForwardTrace(zs, activations, None if masks is None else list(masks), maps)

    def dropout_masks(self, n_samples: int) -> list[np.ndarray] | None:
        """One training step's dropout: for each hidden layer, 0 where a neuron is dropped and
        1 / (1 - dropout) where it is kept, per sample; None without dropout."""
        if not self.dropout:
            return None
        keep = 1.0 - self.dropout
        return [(self.rng.random((n_samples, size)) < keep) / keep for size in self.layer_sizes[1:-1]]

    def forward(self, X: np.ndarray) -> np.ndarray:
        """Network output of shape ``(n_samples, n_outputs)`` for inputs ``(n_samples, n_inputs)``."""
        return self.trace(X).output

    def predict(self, X: np.ndarray) -> np.ndarray:
        """Class of each sample: threshold 0.5 for one output, argmax for several."""
        output = self.forward(X)
        if output.shape[1] == 1:
            return (output[:, 0] >= 0.5).astype(int)
        return output.argmax(axis=1)

    # -- loss and gradients ------------------------------------------------

    def settle_output(self, y: np.ndarray) -> str:
        """The output layer, fixed once: by the constructor's ``output``, else here, by the targets the
        network is first trained on (sigmoid for 0/1 labels, softmax for classes, identity otherwise).
        ``train`` and ``train_step`` call it; nothing else changes the output."""
        if not self._output_fixed:
            self.output_name = infer_output(np.asarray(y, dtype=float), self.layer_sizes[-1])
            self._output_fixed = True
        return self.output_name

    def as_targets(self, y: np.ndarray, n_samples: int) -> np.ndarray:
        """``y`` shaped as the output layer's targets, ``(n_samples, n_outputs)`` (class labels become
        one-hot rows for a softmax output); ValueError for any other shape or a non-finite target."""
        y = np.asarray(y, dtype=float)
        n_out = self.layer_sizes[-1]
        if n_out > 1 and self.output_name == "softmax" and (y.ndim == 1 or y.shape[1] == 1):
            y = np.eye(n_out)[y.reshape(-1).astype(int)]
        y = y.reshape(n_samples, -1) if y.size == n_samples * n_out else y
        if y.shape != (n_samples, n_out):
            raise ValueError(f"targets must have shape ({n_samples}, {n_out}), got {np.shape(y)}")
        if not np.isfinite(y).all():
            raise ValueError("targets must be finite numbers")
        return y

    def penalty(self) -> float:
        """The regularization penalty of the weights, ``l1 sum|W| + l2/2 sum W^2``, which the loss adds."""
        penalty = 0.0
        if self.l1:
            penalty += self.l1 * sum(np.abs(W).sum() for W in self.kernels + self.weights)
        if self.l2:
            penalty += 0.5 * self.l2 * sum((W * W).sum() for W in self.kernels + self.weights)
        return float(penalty)

    def loss(self, X: np.ndarray, y: np.ndarray) -> float:
        """Loss on ``(X, y)``, regularization included."""
        return self.evaluate(X, y)[0]

    def accuracy(self, X: np.ndarray, y: np.ndarray) -> float:
        return self.evaluate(X, y)[1]

    def costs(self, X: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Each sample's cost, the loss of that sample alone without regularization: their mean
        plus the penalty is ``loss(X, y)``."""
        X = self.as_inputs(X)
        y = self.as_targets(y, len(X))
        z = self.trace(X).z[-1]
        return np.array([self.output_layer.loss(z[i:i + 1], y[i:i + 1]) for i in range(len(X))])

    def evaluate(self, X: np.ndarray, y: np.ndarray) -> tuple[float, float]:
        """Loss (regularization included) and accuracy on ``(X, y)`` from one forward pass."""
        X = self.as_inputs(X)
        y = self.as_targets(y, len(X))
        if self.is_convolutional and len(X) > EVALUATION_CHUNK:
            loss, acc, _ = self._by_chunks(X, y, gradients=False)
            return loss, acc
        trace = self.trace(X)
        return self.output_layer.loss(trace.z[-1], y) + self.penalty(), accuracy(trace.output, y)

    def _by_chunks(self, X: np.ndarray, y: np.ndarray, gradients: bool) -> tuple[float, float, Gradients | None]:
        """The loss, accuracy and (when asked) gradients of a CNN over ``X``, EVALUATION_CHUNK samples at a
        time: each chunk's mean weighed by its share of the samples, so the result is the whole set's mean
        (every chunk's penalty gradient, weighed so, adds up to the penalty's once)."""
        loss = acc = 0.0
        total: Gradients | None = None
        for start in range(0, len(X), EVALUATION_CHUNK):
            chunk_X, chunk_y = X[start:start + EVALUATION_CHUNK], y[start:start + EVALUATION_CHUNK]
            share = len(chunk_X) / len(X)
            trace = self.trace(chunk_X)
            loss += share * self.output_layer.loss(trace.z[-1], chunk_y)
            acc += share * accuracy(trace.output, chunk_y)
            if gradients:
                part = self.backward(trace, chunk_y)
                if total is None:
                    total = Gradients(*([share * g for g in group] for group in
                                        (part.weights, part.biases, part.kernels, part.kernel_biases)))
                else:
                    for mine, theirs in zip((total.weights, total.biases, total.kernels, total.kernel_biases),
                                            (part.weights, part.biases, part.kernels, part.kernel_biases)):
                        for kept, new in zip(mine, theirs):
                            kept += share * new
        return loss + self.penalty(), acc, total

    def backward(self, trace: ForwardTrace, y: np.ndarray, deltas: list | None = None,
                 map_errors: list | None = None) -> Gradients:
        """Backpropagate from a trace whose targets are ``y`` (already shaped like the output).

        ``deltas``, when given a list, receives each layer's error dC/dz, output first; ``map_errors``
        each conv or pool stage's error (``nnscratch.conv.StageError``), the last stage first.
        """
        delta = self.output_layer.loss_gradient(trace.z[-1], trace.a[-1], y)
        weight_grads: list[np.ndarray] = [None] * len(self.weights)  # type: ignore[list-item]
        bias_grads: list[np.ndarray] = [None] * len(self.weights)  # type: ignore[list-item]
        for layer in range(len(self.weights) - 1, -1, -1):
            W = self.weights[layer]
            grad_W = delta.T @ trace.a[layer]
            if self.l1:
                grad_W += self.l1 * np.sign(W)
            if self.l2:
                grad_W += self.l2 * W
            weight_grads[layer] = grad_W
            bias_grads[layer] = delta.sum(axis=0)
            if deltas is not None:
                deltas.append(delta)
            if layer == 0 and trace.maps is not None:
                kernel_grads, kernel_bias_grads = self._maps_gradients(trace, delta @ W, map_errors)
                return Gradients(weight_grads, bias_grads, kernel_grads, kernel_bias_grads)
            if layer > 0:
                if trace.masks is None:
                    delta = (delta @ W) * self.activation.derivative(trace.z[layer], trace.a[layer])
                else:  # the derivative wants f(z) itself; a dropped neuron passes nothing back
                    z = trace.z[layer]
                    delta = (delta @ W) * self.activation.derivative(z, self.activation.function(z)) \
                        * trace.masks[layer - 1]
        return Gradients(weight_grads, bias_grads)

    def _maps_gradients(self, trace: ForwardTrace, d_flat: np.ndarray,
                        errors: list | None = None) -> tuple[list, list]:
        """The kernels' and their biases' gradients from dC/d(the flattened maps), penalty included."""
        d_maps = d_flat.reshape(trace.maps.a[-1].shape)
        kernel_grads, bias_grads = maps_backward(self.architecture.stages, self.kernels, self.activation,
                                                 trace.maps, d_maps, errors)
        for grad, K in zip(kernel_grads, self.kernels):
            if self.l1:
                grad += self.l1 * np.sign(K)
            if self.l2:
                grad += self.l2 * K
        return kernel_grads, bias_grads

    def loss_and_gradients(self, X: np.ndarray, y: np.ndarray,
                           masks: Sequence[np.ndarray] | None = None) -> tuple[float, float, Gradients]:
        """Loss, accuracy and gradients at the current weights, changing nothing; with dropout
        ``masks``, of the network those masks leave."""
        X = self.as_inputs(X)
        y = self.as_targets(y, len(X))
        if self.is_convolutional and masks is None and len(X) > EVALUATION_CHUNK:
            return self._by_chunks(X, y, gradients=True)
        trace = self.trace(X, masks)
        loss = self.output_layer.loss(trace.z[-1], y) + self.penalty()
        return loss, accuracy(trace.output, y), self.backward(trace, y)

    def apply_gradients(self, gradients: Gradients, learning_rate: float) -> None:
        self.optimizer.step(self.kernels + self.weights + self.kernel_biases + self.biases,
                            gradients.kernels + gradients.weights + gradients.kernel_biases + gradients.biases,
                            learning_rate)

    def train_step(self, X: np.ndarray, y: np.ndarray, learning_rate: float = 0.1) -> tuple[float, float]:
        """One gradient step on ``(X, y)``, with fresh dropout masks if the network has dropout;
        returns the loss and accuracy before the step (of the network the masks left)."""
        learning_rate = checks.learning_rate(learning_rate)
        X = self.as_inputs(X)
        self.settle_output(y)
        return self.step(X, self.as_targets(y, len(X)), learning_rate)

    def step(self, X: np.ndarray, y: np.ndarray, learning_rate: float) -> tuple[float, float]:
        """``train_step`` on inputs, targets and a learning rate already checked (``as_inputs``,
        ``as_targets``, ``checks.learning_rate``): a training loop checks them once, not at every batch."""
        trace = self.trace(X, self.dropout_masks(len(X)))
        loss = self.output_layer.loss(trace.z[-1], y) + self.penalty()
        self.apply_gradients(self.backward(trace, y), learning_rate)
        return loss, accuracy(trace.output, y)

    def copy_parameters_from(self, weights: Sequence[np.ndarray], biases: Sequence[np.ndarray],
                             kernels: Sequence[np.ndarray] = (), kernel_biases: Sequence[np.ndarray] = ()) -> None:
        """Set the weights and biases (e.g. from a recorded snapshot), and a CNN's kernels and their
        biases, checking their shapes."""
        for layer, (W, b) in enumerate(zip(weights, biases)):
            if np.shape(W) != self.weights[layer].shape or np.shape(b) != self.biases[layer].shape:
                raise ValueError(f"layer {layer + 1}: shapes {np.shape(W)}, {np.shape(b)} do not fit the network")
        if len(kernels) != len(self.kernels) or len(kernel_biases) != len(self.kernels) or any(
                np.shape(K) != mine.shape or np.shape(b) != (len(mine),)
                for K, b, mine in zip(kernels, kernel_biases, self.kernels)):
            raise ValueError(f"the kernels given do not fit the network's {[K.shape for K in self.kernels]}")
        self.weights = [np.array(W, dtype=float) for W in weights]
        self.biases = [np.array(b, dtype=float) for b in biases]
        self.kernels = [np.array(K, dtype=float) for K in kernels]
        self.kernel_biases = [np.array(b, dtype=float) for b in kernel_biases]


def accuracy(output: np.ndarray, y: np.ndarray) -> float:
    """Fraction right: threshold 0.5 for one 0/1 output, argmax for several; NaN for real-valued targets."""
    if y.shape[1] == 1:
        if not np.isin(y, (0, 1)).all():
            return float("nan")
        return float(np.mean((output[:, 0] >= 0.5) == (y[:, 0] == 1)))
    return float(np.mean(output.argmax(axis=1) == y.argmax(axis=1)))
