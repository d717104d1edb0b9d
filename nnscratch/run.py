"""One description of a training run, shared by the CLI and the scenes' built-in default."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from nnscratch.datasets import make_dataset
from nnscratch.history import TrainingHistory
from nnscratch.network import NeuralNetwork
from nnscratch.recorder import train


@dataclass(frozen=True)
class RunSpec:
    """Architecture, data and training of one run; the defaults make the built-in default video."""

    layers: tuple[int, ...] = (4, 6, 4, 1)
    activation: str = "sigmoid"
    weight_init: str = "xavier"
    dataset: str = "sample"
    samples: int = 200
    noise: float | None = None
    test_fraction: float = 0.2
    epochs: int = 500
    learning_rate: float = 1.0
    batch_size: int | None = None
    optimizer: str = "sgd"
    l1: float = 0.0
    l2: float = 0.0
    probe: int = 0
    seed: int = 42


def record_run(spec: RunSpec = RunSpec(), on_epoch: Callable[[int, float, float], None] | None = None) -> TrainingHistory:
    """Make the dataset, build the network and train it as ``spec`` says, recording the run."""
    data = make_dataset(spec.dataset, spec.samples, spec.noise, spec.test_fraction, spec.seed,
                        n_features=spec.layers[0])
    network = NeuralNetwork(list(spec.layers), activation=spec.activation, weight_init=spec.weight_init,
                            optimizer=spec.optimizer, l1=spec.l1, l2=spec.l2, seed=spec.seed)
    dataset_info = {"dataset": {"name": data.name, "samples": spec.samples, "noise": data.noise,
                                "test_fraction": spec.test_fraction}}
    return train(network, data.X_train, data.y_train, epochs=spec.epochs, learning_rate=spec.learning_rate,
                 batch_size=spec.batch_size, X_test=data.X_test, y_test=data.y_test, probe_index=spec.probe,
                 on_epoch=on_epoch, metadata=dataset_info)


