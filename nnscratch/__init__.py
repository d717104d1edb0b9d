"""nnscratch: a neural network from scratch in numpy, recorded for video.

Importing this package never imports manim: the scenes depend on the core,
not the other way round.
"""
from nnscratch.datasets import DATASETS, Dataset, create_sample_data, make_dataset
from nnscratch.history import TrainingHistory
from nnscratch.runfile import RunFileError
from nnscratch.network import ForwardTrace, Gradients, NeuralNetwork
from nnscratch.recorder import DivergenceError, snapshot_schedule, train
from nnscratch.run import DATASET_DEFAULTS, RunSpec, SpecError, dataset_defaults, record_run, video_dataset
from nnscratch.verdict import Verdict, judge

__version__ = "0.1.0"

__all__ = [
    "DATASETS", "DATASET_DEFAULTS", "Dataset", "DivergenceError", "ForwardTrace", "Gradients", "NeuralNetwork",
    "RunFileError", "RunSpec", "SpecError", "TrainingHistory", "dataset_defaults", "record_run", "create_sample_data",
    "make_dataset", "snapshot_schedule", "train", "Verdict", "judge", "video_dataset",
]
