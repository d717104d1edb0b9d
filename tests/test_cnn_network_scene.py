"""The network chapter of a convolutional run: the maps it draws are the recorded ones (and their pixels their
colours), its labels and parameter counts the run's, the receptive field it says the textbook arithmetic, the
timeline's rules kept told in full and briefly, a video made; what it cannot draw refused in one line before
any training; and a run of dense layers still drawn as before."""
import os

import numpy as np
import pytest
from click.testing import CliRunner

from cli import main
from nnscratch import RunSpec, record_run
from nnscratch.architecture import Conv, parse_layers
from scenes import ConvNetworkScene, NetworkScene
from scenes.chapters.catalogue import BY_NAME, chapters_of
from scenes.chapters.overview_bounds import parameter_counts, receptive_field
from scenes.mobjects.conv_maps import map_colors
from tests.frames import read_video, to_pixel
from tests.layout import final_state
from tests.test_what_it_learned import cell_centres
from tests.timeline import (
    hold_share,
    holds,
    late_numbers,
    small_texts,
    told,
    unmarked_numbers,
    unshown_numbers,
)

SHAPES = {"default": "28x28,conv8:3,pool2,conv16:3,pool2,64,10", "small": "28x28,conv4:3,pool2,10",
          "wide": "28x28,conv32:3,pool2,conv32:3,pool2,64,10"}


@pytest.fixture(scope="module")
def runs():
    made = {}

    def run(name: str):
        if name not in made:
            made[name] = record_run(RunSpec.for_dataset("digits", layers=SHAPES[name], samples=300, epochs=1))
        return made[name]

    return run


def field_size(layers: str, conv_stage: int) -> tuple[int, int]:
    """The receptive field of a cell after stage ``conv_stage`` by the forward recurrence (size r grows by
    (k - 1) times the jump j at a conv, by (n - 1) j at a pool, where j is multiplied by n): its side,
    and the jump that takes the cell's index to its first pixel."""
    size, jump = 1, 1
    for stage in parse_layers(layers).stages[:conv_stage + 1]:
        size += (stage.size - 1) * jump
        if not isinstance(stage, Conv):
            jump *= stage.size
    return size, jump


def spoken_stage(stage, channels: int = 1) -> str:
    """A layer as a newcomer reads it: its kernels' count and shape (with the depth of the ``channels`` maps
    it reads, when more than one), or its pool's window."""
    if isinstance(stage, Conv):
        depth = f"{channels} × " if channels > 1 else ""
        return f"{stage.filters} kernel{'s' if stage.filters != 1 else ''} {depth}{stage.size} × {stage.size}"
    return f"max-pool {stage.size} × {stage.size}"


@pytest.mark.parametrize("layers, stage, side", [(SHAPES["default"], 2, 8), (SHAPES["small"], 0, 3),
                                                 ("28x28,conv4:5,pool2,conv4:3,pool2,conv4:3,10", 4, 20),
                                                 ("28x28,conv4:3,conv4:3,pool3,conv4:3,10", 3, 13)])
def test_the_receptive_field_is_the_textbook_arithmetic(layers, stage, side):
    size, jump = field_size(layers, stage)
    assert size == side
    windows = receptive_field(parse_layers(layers), stage, 2, 1)
    assert windows[-1].column == 0 and windows[-1].size == size
    assert (windows[-1].row, windows[-1].left) == (2 * jump, 1 * jump)
    assert [w.column for w in windows] == list(range(stage, -1, -1))


def test_the_parameter_counts_are_the_runs_arrays(runs):
    run = runs("small")
    counts = parameter_counts([k[-1] for k in run.kernels], [b[-1] for b in run.kernel_biases],
                              [W[-1] for W in run.weights], [b[-1] for b in run.biases], run.architecture)
    assert [(c.name, c.weights, c.biases) for c in counts] == [("conv4:3", 4 * 1 * 3 * 3, 4), ("pool2", 0, 0),
                                                               ("dense 10", 10 * 4 * 13 * 13, 10)]
    assert sum(c.total for c in counts) == run.architecture.n_parameters()


def test_the_network_chapter_tells_a_cnn_and_joins_its_explainer(runs):
    run = runs("small")
    assert BY_NAME["network"].networks == "any"
    assert "network" in [c.name for c in chapters_of(None, run)]


@pytest.mark.parametrize("layers, message", [
    ("28x28,pool2,10", ("the network chapter traces what one cell of a conv layer sees, so it needs a conv layer, "
                        "not 28x28,pool2,10")),
    ("28x28,conv2:3,conv2:3,conv2:3,conv2:3,conv2:3,conv2:3,conv2:3,10",
     "the network chapter draws up to 6 conv and pool layers side by side, not 7"),
    ("28x28,conv65:3,pool2,pool2,pool2,10", "the network chapter draws up to 64 maps a layer, not conv65:3"),
])
def test_what_it_cannot_draw_is_refused_in_one_line_before_training(tmp_path, monkeypatch, layers, message):
    import nnscratch

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(nnscratch, "record_run", lambda *_, **__: pytest.fail("trained a CNN it cannot draw"))
    result = CliRunner().invoke(main, ["render", "network", "--dataset", "digits", "--layers", layers])
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], result.output
    assert os.listdir(tmp_path) == []


@pytest.mark.slow
@pytest.mark.parametrize("name", list(SHAPES))
def test_the_maps_labels_and_counts_on_screen_are_the_runs(runs, name):
    run = runs(name)
    assert BY_NAME["network"].scene_class(run) is ConvNetworkScene  # the chapter of a convolutional run
    scene = told(ConvNetworkScene, run)
    arch = run.architecture
    shapes = arch.map_shapes()
    # Every map drawn is the recorded one of its layer at the last snapshot, in order; the rest are counted.
    for stage, column in enumerate(scene.columns[1:]):
        recorded = run.probe_maps[stage][-1].astype(float)
        assert len(column.pictures) + column.hidden == len(recorded)
        for picture, values in zip(column.pictures, recorded):
            assert np.array_equal(picture.values, values)
        if column.hidden:
            assert f"+{column.hidden}" in column.more.original_text
    # The heads name each layer and its shape, as the grammar and the run say them.
    heads = [(head[0].original_text, head[1].original_text) for head in scene.heads]
    assert heads[0] == ("input", "28 × 28")
    # (in words: "8 kernels 3 × 3", "max-pool 2 × 2", not the command line's "conv8:3", "pool2")
    assert heads[1:len(arch.stages) + 1] == [(spoken_stage(stage, before[0]), " × ".join(map(str, shape)))
                                             for stage, before, shape in zip(arch.stages, shapes, shapes[1:])]
    sizes = run.layer_sizes
    assert heads[len(arch.stages) + 1:] == [("flatten", f"{sizes[0]:,}"), *(("dense", f"{s:,}") for s in sizes[1:-1]),
                                            ("output", f"{sizes[-1]:,}")]
    # Each layer's parameters, counted here from the run's arrays, as written and said.
    expected, conv = [], 0
    for stage in arch.stages:
        if isinstance(stage, Conv):
            expected.append(run.kernels[conv][-1].size + run.kernel_biases[conv][-1].size)
            conv += 1
        else:
            expected.append(0)
    expected += [run.weights[l][-1].size + run.biases[l][-1].size for l in range(len(run.weights))]
    assert [label.original_text for label in scene.count_labels] == [f"{n:,}" for n in expected]
    # Over each conv's count, its making from the kernels' shape: filters · channels · k · k + biases.
    assert [label.original_text for label in scene.count_sums] == [f"{f}·{c}·{k}·{k} + {f}"
                                                                   for f, c, k, _ in arch.kernel_shapes()]
    conv_counts = [n for n, stage in zip(expected, arch.stages) if isinstance(stage, Conv)]
    assert [f * c * k * k + f for f, c, k, _ in arch.kernel_shapes()] == conv_counts
    total = sum(expected)
    assert total == arch.n_parameters()
    assert any(beat.caption.startswith(f"{total:,} parameters in all") for beat in scene.told)
    # The receptive field said is the arithmetic's, of the ringed cell, which is its map's strongest.
    stage, row, column = scene.field_cell
    side, jump = field_size(SHAPES[name], stage)
    assert any(f"this one cell sees a{'n' if str(side).startswith('8') else ''} {side} × {side} patch" in beat.caption
               for beat in scene.told), [beat.caption for beat in scene.told]
    chosen = run.probe_maps[stage][-1][scene.field_map].astype(float)
    assert chosen[row, column] == chosen.max()
    digit_window = scene.windows[-1]
    assert (digit_window.row, digit_window.left, digit_window.size) == (row * jump, column * jump, side)


@pytest.mark.slow
@pytest.mark.parametrize("name", list(SHAPES))
@pytest.mark.parametrize("brief", [False, True])
def test_every_number_said_is_shown_and_marked_with_no_long_stills(runs, name, brief):
    scene = told(ConvNetworkScene, runs(name), brief=brief)
    assert unshown_numbers(scene) == []
    assert unmarked_numbers(scene) == []
    assert late_numbers(scene) == []
    assert small_texts(scene) == []
    assert all(seconds <= 4.0 for _, seconds in holds(scene)), holds(scene)
    assert hold_share(scene) < 0.15
    said = [beat.caption for beat in scene.told]
    assert len(said) <= 6 if brief else len(said) >= 10


@pytest.mark.slow
def test_the_map_pixels_follow_the_map_values(runs):
    run = runs("small")
    width, height = 854, 480
    scene, frame = final_state(ConvNetworkScene, width, height, history=run)
    pooled = run.probe_maps[1][-1].astype(float)
    scale = float(np.abs(pooled).max())
    for picture, values in zip(scene.columns[2].pictures, pooled):
        rows, columns = values.shape
        seen = np.array([frame[to_pixel(point, width, height)][:3] for point in cell_centres(picture.picture.box, rows,
                                                                                            columns)], dtype=float)
        want = map_colors(values, scale).reshape(-1, 3) * 255
        assert np.abs(seen - want).max() <= 3
        assert np.corrcoef(seen.sum(axis=1), values.ravel())[0, 1] > 0.95


@pytest.mark.slow
def test_a_render_makes_a_video(runs, tmp_path):
    path = runs("small").save(tmp_path / "cnn.npz")
    out = tmp_path / "network.mp4"
    result = CliRunner().invoke(main, ["render", "network", "--run", str(path), "--quality", "low", "--fps", "5",
                                       "--voice", "none", "--output", str(out)])
    assert result.exit_code == 0, result.output
    frames, _, width, height = read_video(out)
    assert (width, height) == (854, 480) and len(frames) > 5 * 30
    # The first frame is black; by the end the maps and the network are drawn.
    assert frames[0].mean() < 5 and frames[-1].mean() > frames[0].mean() + 5


@pytest.mark.slow
def test_a_run_of_dense_layers_is_drawn_as_before():
    run = record_run(RunSpec(epochs=20))
    assert BY_NAME["network"].scene_class(run) is NetworkScene
    scene = told(NetworkScene, run)
    assert scene.positive_count.text is not None


@pytest.mark.slow
@pytest.mark.parametrize("name", list(SHAPES))
def test_the_heads_are_words_and_each_window_size_is_written_by_the_maps_it_measures(runs, name):
    # The review found "conv8:3" / "conv16:3" (the command line's grammar) over the columns, and the receptive
    # field's "8 × 8 / 6 × 6 × 8 / 3 × 3 × 8" in a row at the frame's bottom, away from the maps they measure.
    import re

    from tests.timeline import LEGIBLE_PIXELS, digit_pixels

    run = runs(name)
    scene = told(ConvNetworkScene, run)
    names = [head[0].original_text for head in scene.heads]
    assert not any(re.search(r"conv\d|pool\d|:\d", text) for text in names), names
    assert names[1] == spoken_stage(run.architecture.stages[0])
    for window, tag in zip(scene.windows, scene.field_tags):
        maps = scene.columns[window.column].group
        # Under its column's maps, close by, centred on them (or moved a row down from a neighbour's).
        assert maps.get_left()[0] - 0.3 <= tag.get_center()[0] <= maps.get_right()[0] + 0.3
        assert 0.0 < maps.get_bottom()[1] - tag.get_top()[1] <= 0.12 + 0.5 + 1e-6
        assert tag.get_top()[1] < maps.get_bottom()[1]
        size = str(window.size)
        assert tag.original_text.startswith(f"{size} × {size}")
    heights = digit_pixels(scene.field_tags + [head[0] for head in scene.heads])
    assert min(heights.values()) >= LEGIBLE_PIXELS, heights


@pytest.mark.slow
@pytest.mark.parametrize("name", ["default", "wide"])
def test_a_later_convs_kernels_are_named_with_their_depth_as_the_convolution_chapter_names_them(runs, name):
    # The review read "16 kernels 3 × 3" over the second conv's maps, where the convolution chapter says
    # "16 kernels of 8 × 3 × 3": each of its kernels has a 3 × 3 slice for each of the 8 maps it reads.
    run = runs(name)
    scene = told(ConvNetworkScene, run)
    shapes = run.architecture.kernel_shapes()
    convs = [i for i, stage in enumerate(run.architecture.stages) if isinstance(stage, Conv)]
    assert len(convs) == 2
    for stage, (filters, channels, k, _) in zip(convs, shapes):
        depth = f"{k} × {k}" if channels == 1 else f"{channels} × {k} × {k}"
        assert scene.heads[stage + 1][0].original_text == f"{filters} kernels {depth}"
        assert any(f"{filters} kernels of {depth} make" in beat.caption for beat in scene.told)
    assert shapes[1][1] == run.architecture.stages[0].filters > 1  # the second conv reads the first's maps


@pytest.mark.slow
@pytest.mark.parametrize("brief", [False, True])
def test_the_patch_the_cell_sees_is_written_before_its_size_is_said(runs, brief):
    # The review saw "8 × 8" written 0.5-1 s after "an 8 × 8 patch" was said (55.1-58.6 of the explainer).
    scene = told(ConvNetworkScene, runs("default"), brief=brief)
    seen = scene.windows[-1]
    assert seen.column == 0 and seen.size == 8
    words, tag = f"{seen.size} × {seen.size} patch", scene.field_tags[-1].original_text
    beat = next(beat for beat in scene.told if words in beat.caption)
    said = beat.start + beat.spoken * beat.caption.find(words) / len(beat.caption)
    assert tag in beat.marked_at
    assert said - 1.5 <= beat.marked_at[tag] <= said - 0.5


def small_letter_pixels(label, frame_pixels: int = 480) -> float:
    """The height of an "x" in ``label``'s font at its size, in pixels of a frame ``frame_pixels`` tall: how
    tall a word's small letters are drawn ("input", "dense"), which a digit's height overstates by half."""
    from manim import config

    from scenes.mobjects.glyphs import Label

    return Label("x", font_size=label.font_size).height * frame_pixels / config.frame_height


def o_pixels(frame: np.ndarray, label, width: int, height: int) -> int:
    """How many pixel rows the first letter of ``label`` (an "o", as tall as an "x") inks in ``frame``."""
    top, left = to_pixel(label.get_corner([-1, 1, 0]), width, height)
    bottom, right = to_pixel(label.get_corner([1, -1, 0]), width, height)
    first = left + max(2, (right - left) // len(label.original_text))  # the first letter's columns
    crop = frame[top - 2:bottom + 3, left:first, :3].astype(float).mean(axis=2)
    return int((crop > 90).any(axis=1).sum())


@pytest.mark.slow
@pytest.mark.parametrize("name", list(SHAPES))
def test_the_layer_names_small_letters_are_14_px_tall_at_480p_and_no_two_heads_touch(runs, name):
    # The review read the overview's layer names at about 9 px: the "x" of a font sized for 14 px digits.
    width, height = 854, 480
    scene, frame = final_state(ConvNetworkScene, width, height, history=runs(name))
    for head in scene.heads:
        words = head[0][0]  # the name's words; a size after them ("2 × 2") is on a line of its own
        assert small_letter_pixels(words) >= 14.0, (words.original_text, small_letter_pixels(words))
        assert head[0].original_text.startswith(words.original_text)
    # Measured on the frame too: the "o" of "output" inks 14 rows or more.
    output = scene.heads[-1][0][0]
    assert output.original_text == "output"
    assert o_pixels(frame, output, width, height) >= 14
    for i, a in enumerate(scene.heads):
        for b in scene.heads[i + 1:]:
            apart_x = a.get_right()[0] <= b.get_left()[0] or b.get_right()[0] <= a.get_left()[0]
            apart_y = a.get_bottom()[1] >= b.get_top()[1] or b.get_bottom()[1] >= a.get_top()[1]
            assert apart_x or apart_y, (a[0].original_text, b[0].original_text)
