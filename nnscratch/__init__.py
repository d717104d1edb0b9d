"""nnscratch: a neural network from scratch in numpy, recorded for video.

Importing this package never imports manim: the scenes depend on the core,
not the other way round.
"""
import os

# One BLAS thread a process, unless the user chose otherwise; set before numpy loads OpenBLAS where
# this package is imported first (the nnscratch command), and inherited by every process it starts.
# nnscratch runs processes side by side (an explainer's chapters, a comparison's runs, a loss surface
# beside the renderer), and OpenBLAS's threads, spinning between calls, took the cores from each
# other: two loss surfaces at once took 7.8 s each, not 2.3 s. Alone, one thread is as fast for
# these small matrices (training the digits: 7.9 s either way).
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from nnscratch.datasets import DATASETS, Dataset, create_sample_data, make_dataset
from nnscratch.history import TrainingHistory
from nnscratch.runfile import RunFileError
from nnscratch.network import ForwardTrace, Gradients, NeuralNetwork
from nnscratch.recorder import DivergenceError, TrainingPlan, snapshot_schedule, train
from nnscratch.run import (
    CONV_DEFAULTS, DATASET_DEFAULTS, DEFAULT_CNN, RunSpec, SpecError, data_defaults, dataset_defaults,
    is_convolutional, record_run, spec_defaults,
)
from nnscratch.user_data import UserDataError, load_user_data
from nnscratch.verdict import Verdict, judge

__version__ = "0.1.0"

__all__ = [
    "CONV_DEFAULTS", "DATASETS", "DATASET_DEFAULTS", "DEFAULT_CNN", "Dataset", "DivergenceError", "ForwardTrace",
    "Gradients", "NeuralNetwork", "RunFileError", "RunSpec", "SpecError", "TrainingHistory", "UserDataError",
    "data_defaults", "dataset_defaults", "is_convolutional", "load_user_data", "spec_defaults", "record_run",
    "create_sample_data", "make_dataset", "snapshot_schedule", "train", "TrainingPlan", "Verdict", "judge",
]
