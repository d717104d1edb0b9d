"""Manim scenes and mobjects that replay a recorded nnscratch run, in rooms of one job each:

- ``chapters``: one file per scene (and the explainer that tells them in order); ``catalogue``
  holds one record per chapter, which the command line, the explainer and ``show`` read;
- ``mobjects``: what is drawn (the network, plots, digit grids, maps of the plane, the surface,
  text and formulas, the colours and the layout);
- ``camera``: the fast Cairo painting, a play's batched list changes, stills;
- ``narration``: beats and their timeline, voices, spoken words, numbers in words;
- ``output``: render settings, chapters rendered in parallel, muxing, the notebook and its dashboard.

Importing ``scenes`` imports no Manim: a name below is imported when first asked for, so the
command line can read the catalogue and check its options before Manim's second and a half.
"""
from __future__ import annotations

import importlib
from typing import Any

from scenes.chapters.catalogue import CHAPTERS, scene_for

# Where each public name lives, imported on first use (PEP 562).
_LAZY = {
    "BackpropScene": "scenes.chapters.backprop", "CompareScene": "scenes.chapters.compare",
    "ConvBackpropScene": "scenes.chapters.conv_backprop", "ConvNetworkScene": "scenes.chapters.conv_network",
    "ConvSummaryScene": "scenes.chapters.summary",
    "NetworksCompareScene": "scenes.chapters.compare_networks",
    "CostScene": "scenes.chapters.cost", "DataScene": "scenes.chapters.data",
    "FeaturesScene": "scenes.chapters.features", "ForwardPassScene": "scenes.chapters.forward_pass",
    "GradientDescentScene": "scenes.chapters.descent", "HistoryScene": "scenes.chapters.base",
    "NetworkScene": "scenes.chapters.network", "NeuronScene": "scenes.chapters.neuron",
    "PlaneFeaturesScene": "scenes.chapters.plane_features", "SummaryScene": "scenes.chapters.summary",
    "TrainingScene": "scenes.chapters.training", "NetworkMobject": "scenes.mobjects.network",
    "show": "scenes.output.notebook", "Dashboard": "scenes.output.dashboard",
}


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module 'scenes' has no attribute {name!r}")
    value = getattr(importlib.import_module(_LAZY[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_LAZY])


__all__ = ["CHAPTERS", "scene_for", *_LAZY]
