"""Manim scenes and mobjects that replay a recorded nnscratch run."""
from scenes.backprop import BackpropScene
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

# Each scene by the name ``nnscratch render`` gives it.
SCENES = {"data": DataScene, "network": NetworkScene, "neuron": NeuronScene, "forward": ForwardPassScene, "cost": CostScene,
          "backprop": BackpropScene, "descent": GradientDescentScene, "training": TrainingScene,
          "summary": SummaryScene, "features": FeaturesScene}

# What a network learned, drawn by the kind of its data (``nnscratch.datasets.what_it_learned``).
LEARNED_SCENES = {"images": FeaturesScene, "plane": PlaneFeaturesScene}

from scenes.notebook import show  # noqa: E402  (it reads SCENES when called)

__all__ = ["BackpropScene", "CostScene", "DataScene", "FeaturesScene", "ForwardPassScene", "GradientDescentScene",
           "NetworkMobject", "NetworkScene", "NeuronScene", "PlaneFeaturesScene", "LEARNED_SCENES", "SCENES", "SummaryScene", "TrainingScene", "show"]
