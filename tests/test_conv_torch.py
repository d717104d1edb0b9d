"""One training step of a CNN here equals PyTorch's (conv2d, max_pool2d, cross_entropy), where torch is installed.

torch is no dependency of nnscratch: without it these tests are skipped."""
import numpy as np
import pytest

from nnscratch import NeuralNetwork, make_dataset

torch = pytest.importorskip("torch")
F = torch.nn.functional

ACTIVATIONS = {"relu": F.relu, "tanh": torch.tanh, "sigmoid": torch.sigmoid,
               "leaky_relu": lambda z: F.leaky_relu(z, 0.01)}


def torch_forward(params, x, layers, activation):
    """The network of ``layers`` written with torch's own functions."""
    kernels, kernel_biases, weights, biases = params
    a = x.reshape(len(x), 1, 28, 28)
    conv = 0
    for layer in layers:
        if layer.startswith("conv"):
            a = ACTIVATIONS[activation](F.conv2d(a, kernels[conv], kernel_biases[conv]))
            conv += 1
        else:
            a = F.max_pool2d(a, int(layer[4:]))
    a = torch.flatten(a, 1)
    for W, b in zip(weights[:-1], biases[:-1]):
        a = ACTIVATIONS[activation](F.linear(a, W, b))
    return F.linear(a, weights[-1], biases[-1])


@pytest.mark.parametrize("optimizer, activation, l2, hidden", [
    ("adam", "relu", 0.0, []), ("sgd", "tanh", 0.01, [12]), ("momentum", "leaky_relu", 0.0, [12]),
    ("rmsprop", "sigmoid", 0.001, []),
])
def test_one_training_step_equals_pytorchs(optimizer, activation, l2, hidden):
    torch.set_num_threads(1)
    stages = ["conv8:3", "pool2", "conv16:3", "pool2"]
    network = NeuralNetwork(["28x28", *stages, *hidden, 10], activation=activation, optimizer=optimizer,
                            weight_init="he", l2=l2, seed=5)
    data = make_dataset("digits", 200, test_fraction=0.0, seed=1)
    X, y = data.X_train[:32], data.y_train[:32].reshape(-1).astype(int)
    params = [[torch.tensor(p, dtype=torch.float64, requires_grad=True) for p in group] for group in
              (network.kernels, network.kernel_biases, network.weights, network.biases)]
    flat = [p for group in params for p in group]
    rate = 0.01 if optimizer in ("adam", "rmsprop") else 0.1
    make = {"sgd": lambda: torch.optim.SGD(flat, lr=rate),
            "momentum": lambda: torch.optim.SGD(flat, lr=rate, momentum=0.9),
            "rmsprop": lambda: torch.optim.RMSprop(flat, lr=rate, alpha=0.99, eps=1e-8),
            "adam": lambda: torch.optim.Adam(flat, lr=rate, betas=(0.9, 0.999), eps=1e-8)}[optimizer]()
    inputs, labels = torch.tensor(X, dtype=torch.float64), torch.tensor(y)
    for _ in range(2):  # two steps: the optimizers' state carries over as torch's does
        logits = torch_forward(params, inputs, stages, activation)
        penalty = 0.5 * l2 * sum((W * W).sum() for W in params[0] + params[2])
        torch_loss = F.cross_entropy(logits, labels) + penalty
        make.zero_grad()
        torch_loss.backward()
        make.step()
        loss, _ = network.train_step(X, y, learning_rate=rate)
        assert loss == pytest.approx(torch_loss.item(), rel=1e-12)
    ours = network.kernels + network.kernel_biases + network.weights + network.biases
    for mine, theirs in zip(ours, flat):
        np.testing.assert_allclose(mine, theirs.detach().numpy(), rtol=0, atol=1e-12)
    with torch.no_grad():
        np.testing.assert_allclose(network.forward(X), F.softmax(torch_forward(params, inputs, stages, activation),
                                                                 dim=1).numpy(), rtol=1e-10, atol=1e-12)
