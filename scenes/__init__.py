"""Manim scenes and mobjects that replay a recorded nnscratch run."""
from nnscratch import TrainingHistory
from nnscratch.datasets import what_it_learned
from scenes.backprop import BackpropScene
from scenes.common import HistoryScene
from scenes.compare import CompareScene
from scenes.cost import CostScene
from scenes.data import DataScene
from scenes.descent import GradientDescentScene
from scenes.features import FeaturesScene
from scenes.forward_pass import ForwardPassScene
from scenes.network_mobject import NetworkMobject
from scenes.network_scene import NetworkScene
from scenes.neuron import NeuronScene
from scenes.plane_features import PlaneFeaturesScene
from scenes.summary import SummaryScene
from scenes.training import TrainingScene

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
    kind = what_it_learned(history.metadata.get("dataset", {}).get("name"), history.layer_sizes)
    if kind is None:
        raise ValueError("features are drawn for images or for points in the plane with a hidden layer")
    return LEARNED_SCENES[kind]

from scenes.notebook import show  # noqa: E402  (it reads SCENES when called)

__all__ = ["BackpropScene", "CompareScene", "CostScene", "DataScene", "FeaturesScene", "ForwardPassScene", "GradientDescentScene",
           "LEARNED_SCENES", "NetworkMobject", "NetworkScene", "NeuronScene", "PlaneFeaturesScene", "SCENES",
           "SummaryScene", "TrainingScene", "scene_for", "show"]
