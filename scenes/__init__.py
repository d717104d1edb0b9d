"""Manim scenes and mobjects that replay a recorded nnscratch run."""
from scenes.backprop import BackpropScene
from scenes.cost import CostScene
from scenes.descent import GradientDescentScene
from scenes.forward_pass import ForwardPassScene
from scenes.network_mobject import NetworkMobject
from scenes.network_scene import NetworkScene
from scenes.neuron import NeuronScene
from scenes.summary import SummaryScene
from scenes.training import TrainingScene

__all__ = ["BackpropScene", "CostScene", "GradientDescentScene", "ForwardPassScene", "NetworkMobject", "NetworkScene", "NeuronScene", "SummaryScene", "TrainingScene"]
