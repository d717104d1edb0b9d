"""One record per chapter: its name, title, scene, file name, what it needs of a run, and why not.

The render commands, ``--chapters``, the explainer's order and the notebook's ``show`` names
all read ``CHAPTERS``. Importing this module imports no Manim: the command line reads it to
build its commands and check its options before anything is drawn, and imports a chapter's
scene only to render it.
"""
from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from nnscratch import TrainingHistory
from nnscratch.architecture import Architecture, Conv, parse_layers
from nnscratch.datasets import what_it_learned
from nnscratch.run import is_convolutional
from nnscratch.user_data import DEFAULT_IMAGE_SIZE, load_user_data
from scenes.chapters.overview_bounds import overview_refusal

if TYPE_CHECKING:
    from scenes.chapters.base import HistoryScene


@dataclass(frozen=True)
class Chapter:
    """A chapter of the story, and the scene of the same name.

    ``scene`` is where its scene class lives ("module:Class"); a chapter that draws what the network
    learned has one scene per kind of data (``what_it_learned``: "images", "plane") in ``scenes_by_kind``.
    """

    name: str  # `nnscratch render NAME`, `--chapters NAME`, `show(NAME)`
    title: str  # on the title card and in a player's chapter list
    about: str  # one line for --help
    example: str  # the command's example, after `nnscratch render NAME`
    scene: str = ""
    scenes_by_kind: dict[str, str] = field(default_factory=dict)
    stem: str = ""  # the default file name, media/videos/STEM.mp4 (the name when empty)
    dataset: str | None = None  # the dataset a render trains on when none is given (None: RunSpec's own)
    told: dict = field(default_factory=lambda: {"brief": True})  # the scene's options in the explainer
    surface: bool = False  # draws the run's loss surface, whose computing can start while Manim loads
    # Writes the cost of one example as the output's own loss (cross-entropy for classes, the square for a
    # number), so it cannot yet tell classes trained with --loss mse.
    writes_cost: bool = False
    # Seconds to render it at 480p15 (the digits' default run, its speech cached): the explainer's
    # workers take the longest first, so none is left with a long one at the end.
    weight: float = 5.0
    # The networks it tells: "dense" (dense layers only), "conv" (only networks with conv layers: it draws
    # them) or "any". The explainer of a run is the story's chapters that tell it.
    networks: str = "dense"
    # Of a chapter telling "any" network, why it cannot draw a given convolutional one (None: it draws every one),
    # and the scene that tells a convolutional run when it is not ``scene`` ("module:Class").
    conv_refusal: Callable[[str, Architecture], str | None] | None = None
    conv_scene: str = ""
    # Of a chapter of dense layers only, why it cannot tell a convolutional network and which chapter does: one line.
    dense_only: str = ""

    @property
    def file_stem(self) -> str:
        return self.stem or self.name

    @property
    def needs_learned(self) -> bool:
        return bool(self.scenes_by_kind)

    def refusal(self, dataset: str | None, layer_sizes, images: bool = False, squared_classes: bool = False,
                architecture: Architecture | None = None, regression: bool = False) -> str | None:
        """Why this chapter has nothing to show of a run on ``dataset`` into ``layer_sizes``, in one line;
        None when it has. ``images``: the inputs are pictures of the user's own (a folder of images);
        ``squared_classes``: classes trained with mean squared error (--loss mse); ``architecture``: the
        network's conv and pool layers, parsed (None for a network of dense layers); ``regression``: a
        real-valued target (the user's data)."""
        if architecture is not None and self.networks == "dense":
            return self.dense_only or (
                f"the {self.name} chapter does not draw convolutions yet; a convolutional network's story is "
                f"told by {', '.join(chapter.name for chapter in CHAPTERS if chapter.networks != 'dense')}")
        if self.networks == "conv":
            if architecture is None:
                return (f"the {self.name} chapter draws conv layers, so it needs a convolutional network such as "
                        f"--layers 28x28,conv8:3,pool2,conv16:3,pool2,10, not {','.join(map(str, layer_sizes))}")
            return too_wide_to_draw(self.name, architecture)
        if architecture is not None and self.conv_refusal is not None:
            why = self.conv_refusal(self.name, architecture)
            if why is not None:
                return why
        if self.writes_cost and squared_classes:
            return (f"the {self.name} chapter writes a class's cost as cross-entropy and cannot yet tell one "
                    "trained with --loss mse; leave --loss out, or the chapter")
        if not self.needs_learned:
            return None
        if not images and what_it_learned(dataset, layer_sizes) is None:
            return (f"the {self.name} chapter draws what the network learned, so it needs images (--dataset digits) "
                    f"or points in the plane with a hidden layer, not {dataset or 'your own'} data into "
                    f"{','.join(map(str, layer_sizes))}")
        if regression:  # its pictures are coloured and captioned class by class
            return (f"the {self.name} chapter draws what the network learned class by class, so it cannot tell a "
                    "regression (a real-valued target); leave the chapter out")
        return None

    def tells(self, history: TrainingHistory) -> bool:
        return refusal_of(self, history) is None

    def scene_class(self, history: TrainingHistory | None = None) -> type[HistoryScene]:
        """The scene that tells this chapter of ``history`` (imported now: it brings Manim)."""
        where = self.scene
        if history is not None and history.is_convolutional and self.conv_scene:
            where = self.conv_scene
        elif self.needs_learned:
            kind = history.learned_kind if history is not None else None
            if kind is None or history.regression:  # the notebook's show() comes here without the CLI's refusal
                raise ValueError(refusal_of(self, history) if history is not None else self.refusal(None, []))
            where = self.scenes_by_kind[kind]
        module, name = where.split(":")
        return getattr(importlib.import_module(module), name)


# What the convolution chapter can draw: each weight of a first-layer kernel written in its cell (readable
# up to 5 x 5), and every kernel's map in a grid (up to 32 a layer).
DRAWN_KERNEL = 5
DRAWN_FILTERS = 32


def too_wide_to_draw(name: str, architecture: Architecture) -> str | None:
    """Why the ``name`` chapter cannot draw the conv layers of ``architecture``, in one line; None when it can."""
    convs = [stage for stage in architecture.stages if isinstance(stage, Conv)]
    if not isinstance(architecture.stages[0], Conv):
        return f"the {name} chapter starts from a conv layer over the image, not {architecture.stages[0]}"
    if convs[0].size > DRAWN_KERNEL:
        return (f"the {name} chapter writes each weight of a first-layer kernel in its cell, up to "
                f"{DRAWN_KERNEL}x{DRAWN_KERNEL}, not {convs[0]}")
    wide = next((conv for conv in convs[:2] if conv.filters > DRAWN_FILTERS), None)
    if wide is not None:
        return f"the {name} chapter draws every map of a conv layer, up to {DRAWN_FILTERS} of them, not {wide}"
    return None


def refusal_of(chapter: Chapter, history: TrainingHistory) -> str | None:
    """Why ``chapter`` cannot tell ``history``, in one line; None when it can."""
    return chapter.refusal(history.dataset_name, history.layer_sizes, images=history.image_shape is not None,
                           squared_classes=history.loss_choice == "mse" and not history.regression,
                           architecture=history.architecture if history.is_convolutional else None,
                           regression=history.regression)


def planned_refusal(chapters: list[Chapter], dataset: str, layer_sizes, data: str | None = None,
                    label: str | None = None, image_size: int = DEFAULT_IMAGE_SIZE, loss: str | None = None
                    ) -> str | None:
    """Why one of ``chapters`` cannot tell the run about to be trained (on ``data``, read once per process,
    else on ``dataset``; with ``loss``), before it is; None when all can. UserDataError when the data cannot
    be read."""
    loaded = load_user_data(data, label, image_size) if data is not None else None
    images = loaded is not None and loaded.image_shape is not None
    regression = loaded is not None and loaded.regression
    squared_classes = loss == "mse" and not regression
    architecture = parse_layers(layer_sizes) if is_convolutional(layer_sizes) else None
    for chapter in chapters:
        why = chapter.refusal(None if data is not None else dataset, layer_sizes, images, squared_classes,
                              architecture, regression)
        if why is not None:
            return why
    return None


def _scene(module: str, name: str) -> str:
    return f"scenes.chapters.{module}:{name}"


CHAPTERS: tuple[Chapter, ...] = (
    Chapter("data", "The task", "The task: the run's examples (digits, points in the plane or rows of numbers), "
            "their labels, the example the other scenes follow, and the test examples kept apart.",
            "--dataset spiral --classes 3",
            _scene("data", "DataScene"), weight=3, networks="any"),
    Chapter("network", "The network", "The architecture: layers, edges in the colours of the real weights counted by "
            "sign, the largest standing out, neurons lit by the followed example; a convolutional network as the "
            "followed image's feature maps layer by layer, what one cell sees, and each layer's parameters.",
            "--layers 8,16,12,8,4,1 --activation relu --init he",
            _scene("network", "NetworkScene"), weight=10, networks="any", conv_refusal=overview_refusal,
            conv_scene=_scene("conv_network", "ConvNetworkScene")),
    Chapter("neuron", "One neuron", "One neuron up close: its inputs times its weights (on digits, over the "
            "pixels), plus its bias, flowing into z, squashed along the activation curve.", "--sample 3",
            _scene("neuron", "NeuronScene"), weight=6,
            dense_only="the neuron chapter draws one dense neuron weighing every pixel; a convolutional network's "
                         "first neurons are kernels sliding over the digit, told by the convolution chapter"),
    Chapter("forward", "The forward pass", "One input flowing through the trained network, layer by layer, with the "
            "real numbers.", "--input 0.5,0.8,0.2,0.9",
            _scene("forward_pass", "ForwardPassScene"), stem="forward_pass", weight=22,
            dense_only="the forward chapter passes an input through dense layers only; a convolutional network's "
                         "forward pass (kernels, maps, pooling, then the dense layer's answer) is told by the "
                         "convolution chapter"),
    Chapter("convolution", "Convolution", "A convolutional network at work on the probe digit: one learned kernel "
            "over its pixels, the products and their sum, the feature map filling, every kernel's map, the "
            "max-pool's winners, the next layer summing over maps, and the answer.",
            "--layers 28x28,conv8:3,pool2,conv16:3,pool2,10",
            _scene("convolution", "ConvolutionScene"), dataset="digits", told={"brief": True},
            networks="conv", weight=10),
    Chapter("cost", "The cost", "The cost: how wrong the network is on each example, before and after training, and "
            "the loss as their average.", "--dataset digits",
            _scene("cost", "CostScene"), writes_cost=True, weight=6, networks="any"),
    Chapter("descent", "Gradient descent", "Gradient descent on the real loss surface: the run's path on the plane its "
            "weights moved most in.", "--dataset moons",
            _scene("descent", "GradientDescentScene"), surface=True, weight=14, networks="any"),
    Chapter("backprop", "Backpropagation", "Backpropagation for one example: its cost, the nudge each output wishes, "
            "the wishes summed at a hidden neuron, one chain and the chain rule along it, the average over the "
            "training set, the step; of a convolutional network, the error carried back through pooling and ReLU to "
            "a first-layer kernel, one weight's gradient summed over the maps.", "--epochs 500 --sample 3 --epoch 20",
            _scene("backprop", "BackpropScene"), writes_cost=True, weight=39, networks="any",
            conv_refusal=too_wide_to_draw, conv_scene=_scene("conv_backprop", "ConvBackpropScene")),
    Chapter("training", "Training", "Training replayed: edges recolour as the weights change, loss and accuracy "
            "curves draw along.", "--dataset spiral --layers 2,8,8,1 --activation tanh --optimizer adam --lr 0.02 --epochs 3000",
            _scene("training", "TrainingScene"), told={"duration": 12.0, "brief": True},
            weight=15, networks="any", conv_refusal=too_wide_to_draw),  # its first kernels over their maps
    Chapter("features", "What it learned", "What the network learned: for images, each first-layer neuron's weights "
            "drawn as a picture; for points in the plane, each hidden neuron's answer across the plane.",
            "--dataset moons --quality low",
            scenes_by_kind={"images": _scene("features", "FeaturesScene"),
                            "plane": _scene("plane_features", "PlaneFeaturesScene")},
            dataset="digits", weight=5,
            dense_only="the features chapter draws each first-layer neuron's weights over the pixels; a "
                         "convolutional network's first layer is its kernels, before and after training told by the "
                         "convolution chapter"),
    Chapter("summary", "Summing up", "The run in its final numbers: data, network, training, loss and accuracy, and "
            "whether it learned.", "--run run.npz",
            _scene("summary", "SummaryScene"), weight=8, networks="any", conv_refusal=too_wide_to_draw,
            conv_scene=_scene("summary", "ConvSummaryScene")),
)
NAMES = tuple(chapter.name for chapter in CHAPTERS)  # the story's chapters, in its order
BY_NAME = {chapter.name: chapter for chapter in CHAPTERS}
# The explainer is told on the digits when no data is given: 3Blue1Brown's network, the whole story.
EXPLAINER_DATASET = "digits"


def chapters_of(names: list[str] | None = None, history: TrainingHistory | None = None) -> list[Chapter]:
    """The chapters called ``names``, in the story's order (for None, all that ``history`` has
    something for). A chapter named that cannot tell ``history`` is refused (ValueError)."""
    if names is None:
        return [chapter for chapter in CHAPTERS if history is None or chapter.tells(history)]
    unknown = [name for name in names if name not in NAMES]
    if unknown:
        raise ValueError(f"no chapter {unknown[0]!r}; choose from {', '.join(NAMES)}")
    if not names:
        raise ValueError("name at least one chapter")
    chosen = [chapter for chapter in CHAPTERS if chapter.name in names]
    if history is not None:
        for chapter in chosen:
            why = refusal_of(chapter, history)
            if why is not None:
                raise ValueError(why)
    return chosen


def scene_for(name: str, history: TrainingHistory) -> type[HistoryScene]:
    """The scene ``nnscratch render NAME`` draws of ``history``."""
    if name not in BY_NAME:
        raise ValueError(f"no scene {name!r}; choose one of {', '.join([*NAMES, 'explainer'])}")
    return BY_NAME[name].scene_class(history)


def default_dataset(video: str) -> str | None:
    """The dataset ``nnscratch render VIDEO`` trains on when none is given (None: RunSpec's own)."""
    if video == "explainer":
        return EXPLAINER_DATASET
    return BY_NAME[video].dataset if video in BY_NAME else None
