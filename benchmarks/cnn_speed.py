"""One CNN train step here against PyTorch's on the CPU; run by hand, never by the tests.

The default CNN (28x28,conv8:3,pool2,conv16:3,pool2,10, relu, Adam) takes one step on the same batch of
digits, in float64 on one thread (OMP, OpenBLAS and MKL threads set to 1 before numpy and torch load,
torch.set_num_threads(1)), ours with NeuralNetwork.train_step and torch's with conv2d, max_pool2d,
cross_entropy and torch.optim.Adam. Each side is timed as the median of many steps, interleaved in
rounds so that a busy machine slows both alike; also a full-batch pass (the loss and gradients the
recorder takes each epoch) and the forward pass alone. Needs torch (pip install torch), which nnscratch
itself never does.

    .venv/bin/python benchmarks/cnn_speed.py [--batch 32] [--steps 200] [--rounds 5]
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

from nnscratch import NeuralNetwork, make_dataset  # noqa: E402

LAYERS = "28x28,conv8:3,pool2,conv16:3,pool2,10"


def torch_model(network: NeuralNetwork):
    params = [torch.tensor(p, dtype=torch.float64, requires_grad=True) for p in
              network.kernels + network.kernel_biases + network.weights + network.biases]
    k1, k2, b1, b2, W, b = params
    optimizer = torch.optim.Adam(params, lr=0.002)

    def forward(x):
        a = F.max_pool2d(F.relu(F.conv2d(x.reshape(len(x), 1, 28, 28), k1, b1)), 2)
        a = F.max_pool2d(F.relu(F.conv2d(a, k2, b2)), 2)
        return F.linear(torch.flatten(a, 1), W, b)

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
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--full", type=int, default=500, help="samples of the full-batch pass")
    args = parser.parse_args()
    torch.set_num_threads(1)
    data = make_dataset("digits", 10_000, test_fraction=0.2, seed=42)
    X, y = data.X_train[:args.batch], data.y_train[:args.batch].reshape(-1).astype(int)
    X_full, y_full = data.X_train[:args.full], data.y_train[:args.full].reshape(-1).astype(int)
    network = NeuralNetwork(LAYERS, activation="relu", weight_init="he", optimizer="adam", seed=42)
    network.settle_output(y)
    Y, Y_full = network.as_targets(y, len(X)), network.as_targets(y_full, len(X_full))
    forward, step, params = torch_model(network)
    tx, ty = torch.tensor(X, dtype=torch.float64), torch.tensor(y)
    tx_full, ty_full = torch.tensor(X_full, dtype=torch.float64), torch.tensor(y_full)

    def torch_full():
        loss = F.cross_entropy(forward(tx_full), ty_full)
        torch.autograd.grad(loss, params)

    def torch_forward():
        with torch.no_grad():
            forward(tx)

    cases = {
        f"train step, batch {args.batch}": (lambda: network.step(X, Y, 0.002), lambda: step(tx, ty), args.steps),
        f"forward, batch {args.batch}": (lambda: network.trace(X), torch_forward, args.steps),
        f"full-batch loss and gradients, {args.full} samples": (lambda: network.loss_and_gradients(X_full, Y_full),
                                                                torch_full, max(args.steps // 20, 5)),
    }
    print(f"{LAYERS}, float64, one thread; numpy {np.__version__}, torch {torch.__version__}; "
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
