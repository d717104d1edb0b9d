"""One CNN train step here against PyTorch's on the CPU; run by hand, never by the tests.

The default CNN (nnscratch.DEFAULT_CNN, trained by CONV_DEFAULTS: relu, He's kernels, Adam) takes one
step on the same batch of digits, in float64 on one thread (OMP, OpenBLAS and MKL threads set to 1 before
numpy and torch load, torch.set_num_threads(1)), ours with NeuralNetwork.step and torch's with conv2d,
max_pool2d, linear, cross_entropy and torch.optim.Adam. Each side is timed as the median of many steps,
interleaved in rounds so that a busy machine slows both alike; also a full-batch pass (the loss and
gradients the recorder takes each epoch) and the forward pass alone. Needs torch (pip install torch),
which nnscratch itself never does.

    .venv/bin/python benchmarks/cnn_speed.py [--batch N] [--steps 200] [--rounds 5]
"""
from __future__ import annotations

import os

for _name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_name] = "1"

import argparse  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

from nnscratch import CONV_DEFAULTS, DEFAULT_CNN, NeuralNetwork, make_dataset  # noqa: E402
from nnscratch.architecture import Conv, parse_layers  # noqa: E402

LEARNING_RATE = CONV_DEFAULTS["learning_rate"]


def torch_model(network: NeuralNetwork, layers: str):
    """``network``'s weights as torch tensors, its forward pass in torch's functions and an Adam step."""
    kernels, kernel_biases, weights, biases = groups = [
        [torch.tensor(p, dtype=torch.float64, requires_grad=True) for p in group]
        for group in (network.kernels, network.kernel_biases, network.weights, network.biases)]
    params = [p for group in groups for p in group]
    optimizer = torch.optim.Adam(params, lr=LEARNING_RATE)
    architecture = parse_layers(layers)
    image = architecture.image

    def forward(x):
        a, conv = x.reshape(len(x), 1, image.rows, image.cols), 0
        for stage in architecture.stages:
            if isinstance(stage, Conv):
                a = F.relu(F.conv2d(a, kernels[conv], kernel_biases[conv]))
                conv += 1
            else:
                a = F.max_pool2d(a, stage.size)
        a = torch.flatten(a, 1)
        for W, b in zip(weights[:-1], biases[:-1]):
            a = F.relu(F.linear(a, W, b))
        return F.linear(a, weights[-1], biases[-1])

    def step(x, y):
        optimizer.zero_grad()
        loss = F.cross_entropy(forward(x), y)
        loss.backward()
        optimizer.step()
        return loss

    return forward, step, params


def timed(function, count: int) -> float:
    started = time.perf_counter()
    for _ in range(count):
        function()
    return (time.perf_counter() - started) / count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--batch", type=int, default=CONV_DEFAULTS["batch_size"])
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--full", type=int, default=500, help="samples of the full-batch pass")
    args = parser.parse_args()
    torch.set_num_threads(1)
    data = make_dataset("digits", 10_000, test_fraction=0.2, seed=42)
    X, y = data.X_train[:args.batch], data.y_train[:args.batch].reshape(-1).astype(int)
    X_full, y_full = data.X_train[:args.full], data.y_train[:args.full].reshape(-1).astype(int)
    network = NeuralNetwork(DEFAULT_CNN, activation=CONV_DEFAULTS["activation"],
                            weight_init=CONV_DEFAULTS["weight_init"], optimizer=CONV_DEFAULTS["optimizer"], seed=42)
    network.settle_output(y)
    Y, Y_full = network.as_targets(y, len(X)), network.as_targets(y_full, len(X_full))
    forward, step, params = torch_model(network, DEFAULT_CNN)
    tx, ty = torch.tensor(X, dtype=torch.float64), torch.tensor(y)
    tx_full, ty_full = torch.tensor(X_full, dtype=torch.float64), torch.tensor(y_full)

    def torch_full():
        loss = F.cross_entropy(forward(tx_full), ty_full)
        torch.autograd.grad(loss, params)

    def torch_forward():
        with torch.no_grad():
            forward(tx)

    cases = {
        f"train step, batch {args.batch}": (lambda: network.step(X, Y, LEARNING_RATE), lambda: step(tx, ty),
                                            args.steps),
        f"forward, batch {args.batch}": (lambda: network.trace(X), torch_forward, args.steps),
        f"full-batch loss and gradients, {args.full} samples": (lambda: network.loss_and_gradients(X_full, Y_full),
                                                                torch_full, max(args.steps // 20, 5)),
    }
    print(f"{DEFAULT_CNN}, float64, one thread; numpy {np.__version__}, torch {torch.__version__}; "
          f"median of {args.rounds} rounds")
    for name, (ours, theirs, count) in cases.items():
        ours(), theirs()  # warm
        mine, torchs = [], []
        for _ in range(args.rounds):
            mine.append(timed(ours, count))
            torchs.append(timed(theirs, count))
        a, b = statistics.median(mine), statistics.median(torchs)
        print(f"{name}: nnscratch {a * 1e3:.2f} ms, PyTorch {b * 1e3:.2f} ms: ratio {a / b:.2f}")


if __name__ == "__main__":
    main()
