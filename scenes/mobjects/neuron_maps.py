"""A map inside each neuron of a narrow network on 2-D data: its activation over the whole plane.

TensorFlow Playground's signature: every input and hidden neuron shows, in its
own colours, what it outputs at each point of the plane, so one sees a hidden
layer build curved regions out of the straight ones before it. The map fills
most of the neuron; a ring of the neuron's fill (the probe sample's activation)
stays around it.
"""
from __future__ import annotations

import numpy as np

from scenes.mobjects.network import NetworkMobject
from scenes.mobjects.raster import DiskImages

MAX_MAPPED_WIDTH = 8  # hidden layers at most this wide get maps: more would be too small to read
MIN_MAP_RADIUS = 0.12  # scene units: a neuron drawn smaller than this shows no map
MAP_SHARE = 0.78  # of the neuron's radius; the rest is the ring of its fill
MAP_NEURON_RADIUS = 0.3  # how large a neuron holding a map may be drawn, where there is room


def mapped_neurons(layer_sizes: list[int]) -> list[tuple[int, int]]:
    """(layer, neuron) of every input and hidden neuron to map, or none when the network is not narrow
    (a hidden layer wider than MAX_MAPPED_WIDTH) or has no hidden layer."""
    hidden = layer_sizes[1:-1]
    if not hidden or max(hidden) > MAX_MAPPED_WIDTH or layer_sizes[0] > MAX_MAPPED_WIDTH:
        return []
    return [(layer, neuron) for layer, size in enumerate(layer_sizes[:-1]) for neuron in range(size)]


def room_for_maps(network_mob: NetworkMobject) -> bool:
    """Whether the laid-out network draws its neurons large enough to hold a readable map."""
    return network_mob.neurons[0][0].width / 2 >= MIN_MAP_RADIUS


def neuron_maps(network_mob: NetworkMobject, mapped: list[tuple[int, int]], pixels: np.ndarray) -> DiskImages:
    """The maps inside the neurons ``mapped``, where the laid-out network draws them; ``pixels`` (n, S, S, 4)."""
    centers = np.array([network_mob.neurons[layer][list(network_mob.indices[layer]).index(neuron)].get_center()
                        for layer, neuron in mapped])
    radius = MAP_SHARE * network_mob.neurons[0][0].width / 2
    return DiskImages(centers, radius, pixels)
