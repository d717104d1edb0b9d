"""The layer grammar, one for the command line and the API, and the shape arithmetic of its layers.

A network is written input first, comma-separated: ``4,6,4,1`` (dense layers, a number of neurons each)
or ``28x28,conv8:3,pool2,conv16:3,pool2,10`` (an image input of rows x columns, ``convF:K`` for F
kernels of K x K over all the maps before it, stride 1 and no padding, ``poolN`` for an N x N max-pool
of stride N, then dense layers after the maps are flattened in (channel, row, column) order, as
``torch.flatten`` does). The list form takes the same items: ``["28x28", "conv8:3", "pool2", 10]``.

A network of numbers only is the multilayer perceptron it always was: its ``dense`` sizes are its
``layer_sizes``. Shapes that cannot work are refused with their arithmetic said.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from nnscratch import checks

# Bounds of the convolutional part, far past any network nnscratch can train in its memory and time:
# an image larger than 256 x 256, hundreds of kernels or a map of more than 200,000 values a sample is
# a typing slip, and it is said before any memory is asked for.
MAX_IMAGE_SIDE = 256
MAX_FILTERS = 256
MAX_KERNEL = 15
MAX_POOL = 16
MAX_MAP_VALUES = 200_000

IMAGE = re.compile(r"([1-9][0-9]{0,3})x([1-9][0-9]{0,3})")
CONV = re.compile(r"conv([0-9]{1,6}):([0-9]{1,6})")
POOL = re.compile(r"pool([0-9]{1,6})")
NUMBER = re.compile(r"-?[0-9]{1,9}")
EXAMPLE = "sizes like 4,6,4,1, or an image and its layers like 28x28,conv8:3,pool2,10"


@dataclass(frozen=True)
class Image:
    rows: int
    cols: int

    def __str__(self) -> str:
        return f"{self.rows}x{self.cols}"


@dataclass(frozen=True)
class Conv:
    """``filters`` kernels of ``size`` x ``size``, each over every map before it."""

    filters: int
    size: int

    def __str__(self) -> str:
        return f"conv{self.filters}:{self.size}"


@dataclass(frozen=True)
class Pool:
    """An ``size`` x ``size`` max-pool of stride ``size`` (rows and columns left over are dropped, as torch does)."""

    size: int

    def __str__(self) -> str:
        return f"pool{self.size}"


Stage = Conv | Pool
Token = int | str


def read_token(text: str) -> Token:
    """One item of the grammar as written: a whole number (a dense layer) as an int, an image, conv or
    pool as its text; ValueError for anything else. Sizes are judged by ``parse_layers``."""
    text = str(text).strip()
    if NUMBER.fullmatch(text):
        return int(text)
    if IMAGE.fullmatch(text) or CONV.fullmatch(text) or POOL.fullmatch(text):
        return text
    raise ValueError(f"{checks.shown(text)} is not a whole number; write {EXAMPLE}")


@dataclass(frozen=True)
class Architecture:
    """A parsed network: its image input (None for a flat one), its convolutional ``stages`` in order,
    and ``dense``, the sizes of the dense part input first (for a CNN its input is the flattened maps)."""

    image: Image | None
    stages: tuple[Stage, ...]
    dense: tuple[int, ...]

    @property
    def is_convolutional(self) -> bool:
        return bool(self.stages)

    @property
    def n_inputs(self) -> int:
        return self.image.rows * self.image.cols if self.image is not None else self.dense[0]

    @property
    def convs(self) -> list[Conv]:
        return [stage for stage in self.stages if isinstance(stage, Conv)]

    @property
    def pools(self) -> list[Pool]:
        return [stage for stage in self.stages if isinstance(stage, Pool)]

    def map_shapes(self) -> list[tuple[int, int, int]]:
        """(channels, rows, columns) of the input image and of the maps after each stage."""
        shapes = [(1, self.image.rows, self.image.cols)] if self.image is not None else []
        for stage in self.stages:
            shapes.append(after(stage, shapes[-1]))
        return shapes

    def kernel_shapes(self) -> list[tuple[int, int, int, int]]:
        """(filters, channels, k, k) of each conv's kernels, as torch's conv2d holds them."""
        shapes, maps = [], self.map_shapes()
        for stage, before in zip(self.stages, maps):
            if isinstance(stage, Conv):
                shapes.append((stage.filters, before[0], stage.size, stage.size))
        return shapes

    @property
    def tokens(self) -> list[Token]:
        """The network as the grammar's list form: ``["28x28", "conv8:3", "pool2", 10]``."""
        if not self.is_convolutional:
            return list(self.dense)
        return [str(self.image), *(str(stage) for stage in self.stages), *self.dense[1:]]

    @property
    def text(self) -> str:
        return ",".join(map(str, self.tokens))

    def __str__(self) -> str:
        return self.text

    def n_parameters(self) -> int:
        kernels = sum(f * c * k * k + f for f, c, k, _ in self.kernel_shapes())
        return kernels + checks.parameter_count(self.dense)

    def memory_parts(self, n_samples: int, n_snapshots: int, epochs: int) -> dict[str, int]:
        """``checks.memory_parts`` for this network. A CNN's full passes go by chunks of
        EVALUATION_CHUNK samples (see ``NeuralNetwork``), each holding every map's z, activation and
        gradient and the columns a convolution multiplies (im2col), twice; its snapshots hold the
        kernels, their gradients and the probe's maps besides the dense part."""
        parts = checks.memory_parts(self.dense, n_samples, n_snapshots, epochs)
        if not self.is_convolutional:
            return parts
        maps = self.map_shapes()
        map_values = sum(c * h * w for c, h, w in maps)
        columns = max((before[0] * stage.size ** 2 * made[1] * made[2]
                       for stage, before, made in zip(self.stages, maps, maps[1:]) if isinstance(stage, Conv)),
                      default=0)
        chunk = min(n_samples, EVALUATION_CHUNK)
        kernels = self.n_parameters() - checks.parameter_count(self.dense)
        parts["data"] = n_samples * (self.n_inputs + self.dense[-1]) * (8 * 3 + 4)
        parts["pass"] += chunk * (4 * map_values + 2 * columns) * 8
        parts["parameters"] += kernels * 8 * 9
        parts["snapshots"] += n_snapshots * (2 * kernels + map_values) * 4
        return parts

    def memory_budget(self, n_samples: int, n_snapshots: int, epochs: int) -> int:
        return checks.judge_memory(self.memory_parts(n_samples, n_snapshots, epochs))


# Full-batch passes of a CNN (the loss and gradient the recorder takes each epoch, an evaluation)
# go through this many samples at a time: the maps and columns of 8,000 digits at once would take gigabytes.
EVALUATION_CHUNK = 100


def after(stage: Stage, shape: tuple[int, int, int]) -> tuple[int, int, int]:
    """The maps a stage leaves from maps of ``shape``; ValueError with the arithmetic when it leaves none."""
    channels, rows, cols = shape
    if isinstance(stage, Conv):
        if stage.size > rows or stage.size > cols:
            raise ValueError(f"{stage} on {rows}x{cols} maps leaves nothing: a {stage.size}x{stage.size} kernel "
                             f"does not fit in {rows}x{cols}")
        return stage.filters, rows - stage.size + 1, cols - stage.size + 1
    if stage.size > rows or stage.size > cols:
        raise ValueError(f"{stage} on {rows}x{cols} maps leaves nothing: {rows}x{cols} // {stage.size} is "
                         f"{rows // stage.size}x{cols // stage.size}")
    return channels, rows // stage.size, cols // stage.size


def parse_layers(layers: str | Sequence[Token] | Architecture) -> Architecture:
    """The network ``layers`` writes (``"28x28,conv8:3,pool2,10"``, its list form, or plain sizes
    ``[4, 6, 4, 1]``); ValueError in one line saying what cannot work and why."""
    if isinstance(layers, Architecture):
        return layers
    if isinstance(layers, str):
        parts = [part.strip() for part in layers.split(",")]
        if any(not part for part in parts):
            raise ValueError(f"{checks.shown(layers)} has an empty layer size; write {EXAMPLE}")
        layers = [read_token(part) for part in parts]
    if isinstance(layers, bytes) or not isinstance(layers, Sequence):
        raise ValueError(f"layer sizes must be a list of whole numbers, got {layers!r}")
    layers = list(layers)
    if all(isinstance(item, (int, np.integer)) and not isinstance(item, (bool, np.bool_)) for item in layers):
        return Architecture(None, (), tuple(checks.layer_sizes(layers)))
    if len(layers) > checks.MAX_LAYERS:
        raise ValueError(f"at most {checks.MAX_LAYERS} layers are supported, got {len(layers)}")
    items = [item if isinstance(item, (int, np.integer)) and not isinstance(item, (bool, np.bool_))
             else read_token(item) if isinstance(item, str) else _not_a_layer(item) for item in layers]
    return _convolutional(items)


def _not_a_layer(item) -> Token:
    raise ValueError(f"layer sizes must be whole numbers or texts like 28x28, conv8:3, pool2; got {item!r}")


def _convolutional(items: list[Token]) -> Architecture:
    first = items[0]
    stages: list[Stage] = []
    image = None
    if isinstance(first, str) and IMAGE.fullmatch(first):
        rows, cols = map(int, IMAGE.fullmatch(first).groups())
        if rows > MAX_IMAGE_SIDE or cols > MAX_IMAGE_SIDE:
            raise ValueError(f"an image input of {first} is larger than the {MAX_IMAGE_SIDE}x{MAX_IMAGE_SIDE} "
                             "supported")
        image = Image(rows, cols)
    elif isinstance(first, str):
        raise ValueError(f"{first} needs an image input before it, such as 28x28,{first}; the input comes first")
    shape = (1, image.rows, image.cols) if image is not None else None
    dense: list[int] = [image.rows * image.cols] if image is not None else [int(first)]
    for item in items[1:]:
        if not isinstance(item, str):
            dense.append(int(item))
            continue
        if IMAGE.fullmatch(item):
            raise ValueError(f"{item} is an image input, which only the first layer can be")
        stage = _stage(item)
        if image is None:
            raise ValueError(f"{item} needs an image input such as 28x28, not a flat input of {dense[0]}; "
                             "write the input as rows x columns")
        if len(dense) > 1:
            raise ValueError(f"{item} comes after the dense layer of {dense[-1]}; conv and pool layers work on "
                             "maps, so they come before the dense layers")
        shape = after(stage, shape)
        if shape[0] * shape[1] * shape[2] > MAX_MAP_VALUES:
            raise ValueError(f"{item} makes {shape[0]} maps of {shape[1]}x{shape[2]}, "
                             f"{shape[0] * shape[1] * shape[2]:,} values a sample, more than the "
                             f"{MAX_MAP_VALUES:,} supported")
        stages.append(stage)
        dense[0] = shape[0] * shape[1] * shape[2]
    if stages and dense[0] > checks.MAX_LAYER_SIZE:
        raise ValueError(f"{stages[-1]} leaves {shape[0]} maps of {shape[1]}x{shape[2]}, {dense[0]:,} values to "
                         f"flatten, more than the {checks.MAX_LAYER_SIZE:,} a dense layer takes in; pool them first")
    if not stages:  # an image given as rows x columns, then dense layers: the same network as its pixel count
        return Architecture(None, (), tuple(checks.layer_sizes(dense)))
    if len(dense) < 2:
        raise ValueError(f"{','.join(map(str, items))} has no dense output layer; end with one, e.g. ...,10")
    for size in dense[1:]:
        if not 1 <= size <= checks.MAX_LAYER_SIZE:
            raise ValueError(f"layer sizes must be between 1 and {checks.MAX_LAYER_SIZE}, got {size}")
    architecture = Architecture(image, tuple(stages), tuple(dense))
    parameters = architecture.n_parameters()
    if parameters > checks.MAX_PARAMETERS:
        raise ValueError(f"{parameters:,} parameters is more than the {checks.MAX_PARAMETERS:,} supported")
    return architecture


def _stage(text: str) -> Stage:
    conv = CONV.fullmatch(text)
    if conv:
        filters, size = map(int, conv.groups())
        if not 1 <= filters <= MAX_FILTERS:
            raise ValueError(f"{text}: a conv layer has 1 to {MAX_FILTERS} kernels, got {filters}")
        if not 1 <= size <= MAX_KERNEL:
            raise ValueError(f"{text}: kernels are 1x1 to {MAX_KERNEL}x{MAX_KERNEL}, got {size}x{size}")
        return Conv(filters, size)
    size = int(POOL.fullmatch(text).group(1))
    if not 2 <= size <= MAX_POOL:
        raise ValueError(f"{text}: a max-pool is 2x2 to {MAX_POOL}x{MAX_POOL}, got {size}x{size}")
    return Pool(size)


def checked_tokens(tokens: list[Token]) -> list[Token]:
    """The command line's items, as the grammar's canonical list form once the whole network is judged."""
    return parse_layers(tokens).tokens
