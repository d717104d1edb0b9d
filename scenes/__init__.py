"""Manim scenes and mobjects that replay a recorded nnscratch run."""
from nnscratch import TrainingHistory
from nnscratch.datasets import what_it_learned
from scenes.chapters.backprop import BackpropScene
from scenes.chapters.base import HistoryScene
from scenes.chapters.compare import CompareScene
from scenes.chapters.cost import CostScene
from scenes.chapters.data import DataScene
from scenes.chapters.descent import GradientDescentScene
from scenes.chapters.features import FeaturesScene
from scenes.chapters.forward_pass import ForwardPassScene
from scenes.mobjects.network import NetworkMobject
from scenes.chapters.network import NetworkScene
from scenes.chapters.neuron import NeuronScene
from scenes.chapters.plane_features import PlaneFeaturesScene
from scenes.chapters.summary import SummaryScene
from scenes.chapters.training import TrainingScene

# Each scene by the name ``nnscratch render`` gives it ("features" by the run's data: scene_for).
SCENES = {"data": DataScene, "network": NetworkScene, "neuron": NeuronScene, "forward": ForwardPassScene,
          "cost": CostScene, "backprop": BackpropScene, "descent": GradientDescentScene, "training": TrainingScene,
          "summary": SummaryScene, "features": FeaturesScene}

# What a network learned, drawn by the kind of its data (``nnscratch.datasets.what_it_learned``).
LEARNED_SCENES = {"images": FeaturesScene, "plane": PlaneFeaturesScene}


def scene_for(name: str, history: TrainingHistory) -> type[HistoryScene]:
    """The scene ``nnscratch render NAME`` draws of ``history``: for "features", the one its data has."""
    if name != "features":
        return SCENES[name]
    kind = what_it_learned(history.dataset_name, history.layer_sizes)
    if kind is None:
        raise ValueError("features are drawn for images or for points in the plane with a hidden layer")
    return LEARNED_SCENES[kind]

from scenes.output.notebook import show  # noqa: E402  (it reads SCENES when called)

__all__ = ["BackpropScene", "CompareScene", "CostScene", "DataScene", "FeaturesScene", "ForwardPassScene", "GradientDescentScene",
           "LEARNED_SCENES", "NetworkMobject", "NetworkScene", "NeuronScene", "PlaneFeaturesScene", "SCENES",
           "SummaryScene", "TrainingScene", "scene_for", "show"]
