"""Remake the README's pictures from real runs: `.venv/bin/python scripts/stills.py` (a few minutes;
`--only compare` for the comparisons alone).

Each is a scene's last frame (or the frame of one beat) at 1280x720, or a short GIF,
written to docs/images/.
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from nnscratch import RunSpec, record_run  # noqa: E402
from nnscratch.comparison import (  # noqa: E402
    VARIABLES, compared_specs, parse_variation, record_runs, varied_specs,
)
from scenes import (  # noqa: E402
    BackpropScene, CompareScene, CostScene, DataScene, FeaturesScene, ForwardPassScene, GradientDescentScene, NetworkScene,
    NeuronScene, PlaneFeaturesScene, SummaryScene, TrainingScene,
)
from scenes.chapters.catalogue import chapters_of  # noqa: E402
from scenes.output.render import render, render_still  # noqa: E402

IMAGES = ROOT / "docs" / "images"
SIZE = (1280, 720)


# The comparisons the README shows: what varies, its values, the rest of the run, and the beat to stop after.
COMPARISONS = {
    "compare_lr.png": ("lr", [0.002, 0.02, 0.2, 2.0], RunSpec.for_dataset("moons"), None),
    "compare_init.png": ("init", ["random", "xavier", "he"],
                         RunSpec.for_dataset("moons", layers=(2, 16, 16, 16, 16, 1), activation="sigmoid",
                                             optimizer="sgd", learning_rate=1.0), "In the last hidden layer"),
    "compare_activation.png": ("activation", ["sigmoid", "tanh", "relu"], RunSpec.for_dataset("moons"),
                               "Each activation's curve"),
    "compare_dropout.png": ("dropout", [0.0, 0.2, 0.5], RunSpec.for_dataset("spiral", layers=(2, 32, 32, 1),
                                                                            epochs=2000), None),
}


# An MLP against a CNN on the digits, each by its own kind's defaults (a couple of minutes of training).
NETWORKS = {"compare_mlp_cnn.png": "layers=784,16,16,10;28x28,conv8:3,pool2,conv16:3,pool2,64,10"}


def comparisons() -> None:
    from scenes.chapters.compare_networks import NetworksCompareScene

    for name, (option, values, base, stop) in COMPARISONS.items():
        runs = record_runs(varied_specs(base, VARIABLES[option], values))
        scene = CompareScene.until(stop) if stop else CompareScene
        render_still(scene, IMAGES / name, resolution=SIZE, histories=runs, option=option, values=values)
        print("wrote", IMAGES / name)
    for name, vary in NETWORKS.items():
        variable, values = parse_variation(vary)
        runs = record_runs(compared_specs({}, variable, values))
        render_still(NetworksCompareScene, IMAGES / name, resolution=SIZE, histories=runs, option=variable.option,
                     values=values)
        print("wrote", IMAGES / name)


def main() -> None:
    if sys.argv[1:] == ["--only", "compare"]:
        comparisons()
        return
    comparisons()
    default = record_run(RunSpec())
    spiral = record_run(RunSpec(dataset="spiral", layers=(2, 8, 8, 1), activation="tanh", optimizer="adam",
                                learning_rate=0.02, epochs=2000))
    deep = record_run(RunSpec(dataset="moons", layers=(2, 8, 8, 8, 8, 8, 8, 1), activation="tanh",
                              learning_rate=0.5, epochs=1000))
    digits = record_run(RunSpec.for_dataset("digits"))
    moons = record_run(RunSpec.for_dataset("moons", epochs=1000))
    stills = {
        "data_digits.png": (DataScene, digits, {}),
        "data_moons.png": (DataScene, moons, {}),
        "neuron.png": (NeuronScene, default, {}),
        "cost.png": (CostScene, default, {}),
        "summary.png": (SummaryScene, digits, {}),
        "forward_digits.png": (ForwardPassScene.until("Row by row"), digits, {}),
        "training_digits.png": (TrainingScene, digits, {"duration": 6.0}),
        "training_moons.png": (TrainingScene, moons, {"duration": 6.0}),
        "features.png": (FeaturesScene, digits, {}),
        "features_moons.png": (PlaneFeaturesScene, moons, {}),
        "network.png": (NetworkScene, default, {}),
        "network_deep.png": (NetworkScene, deep, {"snapshot": -1}),
        "forward_product.png": (ForwardPassScene.until("Row by row, a row of W"), default, {}),
        "forward_prediction.png": (ForwardPassScene, default, {}),
        "training_end.png": (TrainingScene, default, {"duration": 6.0}),
        "training_spiral.png": (TrainingScene, spiral, {"duration": 6.0}),
        "backprop.png": (BackpropScene.until("In numbers"), default, {}),
        "descent.png": (GradientDescentScene.until("The gradient says"), spiral, {}),
        "descent_slice.png": (GradientDescentScene, default, {}),
    }
    for name, (scene_class, history, extra) in stills.items():
        render_still(scene_class, IMAGES / name, resolution=SIZE, history=history, **extra)
        print("wrote", IMAGES / name)
    gif = render(TrainingScene, IMAGES / "training.gif", resolution=(640, 360), fps=10, video_format="gif",
                 history=default, duration=10.0)
    gif.subtitles.unlink(missing_ok=True)
    print("wrote", gif.path)
    explainer_mosaic(digits, IMAGES / "explainer.png")


def explainer_mosaic(history, path: Path, columns: int = 4, size: tuple[int, int] = (480, 270)) -> None:
    """Every chapter of the explainer of ``history``, a still of each (its last frame before the fade),
    in a grid with the chapter's number and title under it."""
    from PIL import Image, ImageDraw

    chapters = chapters_of(None, history)
    rows = -(-len(chapters) // columns)
    caption = 30
    sheet = Image.new("RGB", (columns * size[0], rows * (size[1] + caption)), "black")
    draw = ImageDraw.Draw(sheet)
    for index, chapter in enumerate(chapters):
        still = path.with_name(f"chapter_{chapter.name}.png")
        options = {key: value for key, value in chapter.told.items() if key != "brief"}
        # The scene's own last frame: its chapter would end on black.
        render_still(chapter.scene_class(history), still, resolution=size, history=history, **options)
        x, y = index % columns * size[0], index // columns * (size[1] + caption)
        sheet.paste(Image.open(still).convert("RGB"), (x, y))
        still.unlink()
        draw.text((x + 8, y + size[1] + 6), f"{index + 1}. {chapter.title}", fill=(220, 220, 220))
    sheet.save(path)
    print("wrote", path)


if __name__ == "__main__":
    main()
