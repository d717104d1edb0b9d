"""Manim scenes and mobjects that replay a recorded nnscratch run."""
from scenes.backprop import BackpropScene
from scenes.descent import GradientDescentScene
from scenes.forward_pass import ForwardPassScene
from scenes.network_mobject import NetworkMobject
from scenes.network_scene import NetworkScene
from scenes.training import TrainingScene

__all__ = ["BackpropScene", "GradientDescentScene", "ForwardPassScene", "NetworkMobject", "NetworkScene", "TrainingScene"]
