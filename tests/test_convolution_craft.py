"""The convolution chapter's craft (issue 23, the review of the CNN explainer): labels true to what they label
(the first layer's kernels as a strip, the one followed numbered as the run numbers it; the next layer's kernel
named with its slices), the frame used while the digit is read and the next layer named, ReLU seen (negative
sums red, then the map's 0), the pool's window moving with its cursor, and the second layer's sum legible."""
import numpy as np
import pytest
import srt
from click.testing import CliRunner

from cli import main
from nnscratch import RunSpec, record_run
from scenes.chapters.convolution import ConvolutionScene
from scenes.mobjects.conv_maps import map_colors
from scenes.mobjects.style import weight_image_colors
from tests.frames import read_video, to_pixel
from tests.layout import final_state
from tests.test_convolution_scene import drawn_tiles, hand_convolution
from tests.test_what_it_learned import cell_centres
from tests.timeline import LEGIBLE_PIXELS, measured, small_pixels, told

LAYERS = "28x28,conv8:3,pool2,conv16:3,pool2,10"
WIDTH, HEIGHT = 854, 480
INK = 40  # ../shared/tools/motion.py's rule: brighter than this is ink, on a 4 x 4 grid of the frame


@pytest.fixture(scope="module")
def cnn():
    return record_run(RunSpec.for_dataset("digits", layers=LAYERS, samples=600, epochs=1))


def inked_cells(frame: np.ndarray) -> np.ndarray:
    """Which cells of a 4 x 4 grid of ``frame`` hold ink (as motion.py measures a chapter's share)."""
    grey = frame[..., :3].astype(float).mean(axis=2)
    h, w = grey.shape[0] - grey.shape[0] % 4, grey.shape[1] - grey.shape[1] % 4
    return (grey[:h, :w] > INK).reshape(4, h // 4, 4, w // 4).any(axis=(1, 3))


def second_kernel(cnn) -> int:
    """The next conv layer's kernel followed: the one whose recorded map of the probe sums highest."""
    second = cnn.probe_maps[2][-1].astype(float)
    return int(np.argmax(second.reshape(len(second), -1).sum(axis=1)))


# -- 1. labels true to what they label ---------------------------------------------------------------------

@pytest.mark.slow
def test_the_first_layers_kernels_are_drawn_as_a_strip_and_the_followed_one_is_numbered(cnn):
    scene, frame = final_state(ConvolutionScene.until("Its first layer"), WIDTH, HEIGHT, history=cnn)
    kernel = hand_convolution(cnn)[0]
    kernels = cnn.kernels[0][-1][:, 0].astype(float)
    # Every kernel of the layer, drawn in its learned weights' colours (one scale for the layer).
    strip = scene.strip_small
    assert len(strip.pictures) == len(kernels) == 8
    seen = drawn_tiles(frame, strip, kernels, WIDTH, HEIGHT)
    want = weight_image_colors(kernels, float(np.abs(kernels).max())).reshape(len(kernels), -1, 3) * 255
    assert np.abs(seen - want).max() <= 3
    # The heading over the magnified kernel names it with its number in the run (counted from 1, as the
    # backprop chapter calls it), and the ring in the strip is on that kernel.
    assert scene.kernel_note.original_text == f"kernel {kernel + 1} of 8"
    assert scene.strip_note_small.original_text == "8 kernels of 3 × 3"
    assert np.allclose(scene.strip_ring.get_center(), strip.pictures[kernel].get_center(), atol=1e-6)
    said = next(beat.caption for beat in scene.told if beat.caption.startswith("Its first layer"))
    assert f"kernel {kernel + 1} is the one our digit excites most" in said


@pytest.mark.slow
def test_the_next_layers_kernel_is_named_with_its_number_and_slices_among_all_its_kernels(cnn):
    scene, frame = final_state(ConvolutionScene.until("The next layer has"), 1280, 720, history=cnn)
    f = second_kernel(cnn)
    kernels = cnn.kernels[1][-1].astype(float)
    assert scene.second.kernel == f
    assert scene.slices_note.original_text == f"kernel {f + 1} of 16: 8 slices of 3 × 3"
    assert scene.second_strip_note.original_text == "16 kernels of 8 × 3 × 3"
    # The strip: a column of 8 slices for each of the 16 kernels, each slice the recorded weights' colours.
    assert [len(column) for column in scene.second_strip] == [8] * 16
    scale = float(np.abs(kernels).max())
    for column, weights in zip(scene.second_strip, kernels):
        for piece, slice_ in zip(column, weights):
            seen = np.array([frame[to_pixel(point, 1280, 720)][:3] for point in cell_centres(piece.box, 3, 3)],
                            dtype=float)
            assert np.abs(seen - weight_image_colors(slice_, scale).reshape(-1, 3) * 255).max() <= 3
    assert np.allclose(scene.second_ring.get_center(), scene.second_strip[f].get_center(), atol=1e-6)
    assert any(beat.caption.startswith("The next layer has") and f"kernel {f + 1}." in beat.caption
               for beat in scene.told)


# -- 2. the frame used ---------------------------------------------------------------------------------------

@pytest.mark.slow
@pytest.mark.parametrize("until, cells", [("A convolutional network reads", 0.6), ("Laid over the digit", 0.6),
                                          ("The next layer has", 0.6)])
def test_the_frame_is_used_while_the_digit_is_read_and_the_next_layer_named(cnn, until, cells):
    # The review saw the digit alone fill ~20% of the frame while "through small windows" was said, the
    # right and bottom thirds empty while one kernel was worked, and the right 60% empty under "16 kernels".
    _, frame = final_state(ConvolutionScene.until(until), WIDTH, HEIGHT, history=cnn)
    inked = inked_cells(frame)
    assert inked.mean() >= cells, inked
    assert inked[:, 3].any() and inked[:, 2].sum() >= 2  # the right of the frame holds something
    if until == "Laid over the digit":
        assert inked[3].sum() >= 2  # and so does its bottom


# -- 3. ReLU seen ----------------------------------------------------------------------------------------------

def pixels_of(frame, feature, rows: int, columns: int) -> np.ndarray:
    return np.array([frame[to_pixel(point, WIDTH, HEIGHT)][:3] for point in cell_centres(feature.picture.box, rows,
                                                                                         columns)], dtype=float)


@pytest.mark.slow
def test_relu_is_seen_the_negative_sums_red_then_the_maps_zero(cnn):
    before, frame_before = final_state(ConvolutionScene.until("Faster, then all at once"), WIDTH, HEIGHT, history=cnn)
    after, frame_after = final_state(ConvolutionScene.until("Then ReLU"), WIDTH, HEIGHT, history=cnn)
    z = before.feature.values
    negative = z.ravel() < 0
    assert negative.sum() > 50  # this map has many negative sums (its blank background)
    seen = pixels_of(frame_before, before.feature, *z.shape)
    # Before ReLU, every negative sum is red: red well above green and blue, however small the sum.
    red, other = seen[negative, 0], seen[negative, 1:].max(axis=1)
    assert np.all(red > other + 40) and np.all(red > 1.5 * other)
    assert np.all(seen[~negative, 2] >= seen[~negative, 0])  # and no positive one is
    # After, those cells are the map's 0, as any 0 of a map is drawn.
    seen = pixels_of(frame_after, after.feature, *z.shape)
    zero = map_colors(np.zeros(1), after.feature.value_scale)[0] * 255
    assert np.abs(seen[negative] - zero).max() <= 3
    # ReLU's note sits under the map's name, not over it.
    top, below = after.feature_note, after.relu_note
    assert below.get_top()[1] < top.get_bottom()[1]
    assert top in after.mobjects and below in after.mobjects


# -- 4. the pool's window moves with its cursor ----------------------------------------------------------------

def yellow_centre(frame: np.ndarray, box: tuple[slice, slice]) -> np.ndarray | None:
    """The centre of the highlight-yellow pixels in ``box`` (rows, columns) of ``frame``, or None when none."""
    part = frame[box[0], box[1], :3].astype(int)
    ys, xs = np.nonzero((part[..., 0] > 190) & (part[..., 1] > 190) & (part[..., 2] < 150))
    return np.array([xs.mean(), ys.mean()]) if len(xs) >= 4 else None


def pixel_box(mobject, width: int, height: int) -> tuple[slice, slice]:
    """The rows and columns of a ``width`` x ``height`` frame that ``mobject`` covers, two pixels more around."""
    top, left = to_pixel(mobject.get_corner(np.array([-1.0, 1.0, 0.0])), width, height)
    bottom, right = to_pixel(mobject.get_corner(np.array([1.0, -1.0, 0.0])), width, height)
    return slice(max(top - 2, 0), bottom + 3), slice(max(left - 2, 0), right + 3)


@pytest.mark.slow
def test_the_pool_window_on_the_source_map_moves_with_the_cursor_on_the_pooled_map(cnn, tmp_path):
    # The review saw the 2 x 2 window on the 26 x 26 map frozen while the cursor swept the 13 x 13 one.
    run = cnn.save(tmp_path / "cnn.npz")
    out = tmp_path / "conv.mp4"
    result = CliRunner().invoke(main, ["render", "convolution", "--run", str(run), "--quality", "low", "--voice",
                                       "none", "--output", str(out)])
    assert result.exit_code == 0, result.output
    cue = next(c for c in srt.parse(out.with_suffix(".srt").read_text())
               if c.content.replace("\n", " ").startswith("Window after window"))
    frames, fps, width, height = read_video(out)
    start, end = int(cue.start.total_seconds() * fps), int(cue.end.total_seconds() * fps)
    # Where the two maps are drawn: the same layout, told as a still.
    scene = told(ConvolutionScene.until("Window after window"), cnn)
    source_box, pooled_box = (pixel_box(m.picture, width, height) for m in (scene.big_map, scene.pooled_map))
    pairs = [(yellow_centre(frame, source_box), yellow_centre(frame, pooled_box)) for frame in frames[start:end]]
    pairs = [(a, b) for a, b in pairs if a is not None and b is not None]
    assert len(pairs) >= 10
    source, pooled = np.array([a for a, _ in pairs]), np.array([b for _, b in pairs])
    assert len({tuple(np.round(p)) for p in source}) >= 8  # it moves
    for axis in (0, 1):  # and in step with the cursor
        if pooled[:, axis].std() > 2:
            assert np.corrcoef(source[:, axis], pooled[:, axis])[0, 1] > 0.9


# -- 5. the second layer's sum legible -------------------------------------------------------------------------

@pytest.mark.slow
def test_the_second_layers_sum_is_written_without_scripts_and_legible_at_480p(cnn):
    # The review measured its subscripts at 6-7 px at 480p.
    scene = told(measured(ConvolutionScene.until("Each slice weighs")), cnn)
    formula, words = scene.channel_sum
    assert "_" not in formula.typst_code and "^" not in formula.typst_code
    assert words.original_text == "over all 8 maps' 3 × 3 windows"
    written = {formula.typst_code, words.original_text}
    seen = {text for _, heights in scene.pixels for text in heights}
    assert written <= seen
    assert small_pixels(scene, lambda text: text in written) == []
    assert LEGIBLE_PIXELS >= 14.0


# -- nothing overlapping ----------------------------------------------------------------------------------------

def overlaps(a, b) -> bool:
    """Whether the boxes of mobjects ``a`` and ``b`` overlap (touching is not overlapping)."""
    return bool(np.all(a.get_corner([-1, -1, 0])[:2] < b.get_corner([1, 1, 0])[:2]) and
                np.all(b.get_corner([-1, -1, 0])[:2] < a.get_corner([1, 1, 0])[:2]))


@pytest.mark.slow
@pytest.mark.parametrize("layers", [LAYERS, "28x28,conv6:5,pool2,conv8:3,16,10"])
def test_no_two_texts_overlap_at_the_end_of_any_beat(cnn, layers):
    # A 5 x 5 kernel is taller than the small map beside it: the map's name, now on screen from the moment
    # the kernel is shown, once ran under the kernel's bottom row.
    from tests.layout import describe, labels

    run = cnn if layers == LAYERS else record_run(RunSpec.for_dataset("digits", layers=layers, samples=300, epochs=1))
    found = []

    class Checked(ConvolutionScene):
        def play_beat(self, beat) -> None:
            super().play_beat(beat)
            seen = labels(self)
            found.extend((beat.caption[:40], describe(a), describe(b)) for i, a in enumerate(seen)
                         for b in seen[i + 1:] if overlaps(a, b))

    told(Checked, run)
    assert found == []


# -- the next layer's new map fills once, place by place --------------------------------------------------------

@pytest.mark.slow
def test_the_new_map_shows_only_its_one_cell_until_place_by_place(cnn):
    # The review saw the 11 x 11 map flash rows 0-7 filled up to the 4.15 cell at the end of "... z = 4.15",
    # then blank and refill from the top as "Place by place" began.
    from scenes.mobjects.conv_maps import EMPTY

    scene, frame = final_state(ConvolutionScene.until("Each slice weighs"), WIDTH, HEIGHT, history=cnn)
    k, out = scene.second, scene.out_map
    chosen = k.row * out.columns + k.column
    assert chosen >= 2  # cells before it: a map filled in reading order up to it would show them
    seen = pixels_of(frame, out, out.rows, out.columns)
    want = np.tile(EMPTY * 255, (out.rows * out.columns, 1))
    want[chosen] = out.colors[k.row, k.column] * 255
    others = np.arange(len(seen)) != chosen
    assert np.abs(seen[chosen] - want[chosen]).max() <= 3
    assert np.abs(seen[others] - want[others]).max() <= 3
    # Place by place, the whole map, in the recorded values.
    scene, frame = final_state(ConvolutionScene.until("Place by place"), WIDTH, HEIGHT, history=cnn)
    out = scene.out_map
    seen = pixels_of(frame, out, out.rows, out.columns)
    assert np.abs(seen - map_colors(scene.second_map, out.value_scale).reshape(-1, 3) * 255).max() <= 3


# -- the right of the frame used while the last maps are shown -------------------------------------------------

@pytest.mark.slow
@pytest.mark.parametrize("dense", [False, True])
def test_the_column_and_dense_layers_are_drawn_while_the_last_maps_fill(cnn, dense):
    # The review saw the right 55% of the frame empty for 6 s while the 16 maps of 5 x 5 filled on the left;
    # the column, the 64 box and the outputs came only after them.
    run = record_run(RunSpec.for_dataset("digits", layers=LAYERS.replace(",10", ",64,10"), samples=300,
                                         epochs=1)) if dense else cnn
    scene, frame = final_state(ConvolutionScene.until("The last maps are"), WIDTH, HEIGHT, history=run)
    inked = inked_cells(frame)
    assert inked[:, 2].sum() >= 3, inked
    assert scene.last_group.get_right()[0] < 0  # the maps hold the left half: the ink on the right is the rest
    drawn = set(scene.mobjects)
    assert scene.column_frame in drawn and all(name in drawn for name in scene.bar_names)
    assert all(arrow in drawn for arrow in scene.fan)
    assert (len(scene.dense) > 0) == dense and all(part in drawn for part in scene.dense)
    if dense:
        assert scene.dense[2].original_text == "64"
    # The column itself is empty until the maps flatten into it, and the bars wait for the softmax.
    assert not any(piece in drawn for piece in scene.column) and not any(bar in drawn for bar in scene.bars)


# -- the worked sum legible ---------------------------------------------------------------------------------------

@pytest.mark.slow
@pytest.mark.parametrize("layers, floor", [(LAYERS, LEGIBLE_PIXELS), ("28x28,conv6:5,pool2,conv8:3,16,10", 11.0)])
def test_the_worked_products_and_sum_are_legible_at_480p(cnn, layers, floor):
    # The review measured the lines "z = 0.29·0.98 + 0.33·1.00 + ..." at about 10 px at 480p, beside a map
    # that kept them to a third of the frame's width: the lines the chapter is about. (A 5 x 5 kernel's lines
    # have five products: they are held to a lower floor.)
    run = cnn if layers == LAYERS else record_run(RunSpec.for_dataset("digits", layers=layers, samples=300, epochs=1))
    scene = told(measured(ConvolutionScene.until("ReLU keeps")), run)
    lines = [*scene.product_lines, scene.sum_line, scene.relu_line]
    written = {line.typst_code for line in lines}
    seen = {text for _, heights in scene.pixels for text in heights}
    assert written <= seen and len(written) == len(lines)
    assert small_pixels(scene, lambda text: text in written, floor) == []
    # Every line inside the frame, and none over the window, the kernel or the waiting map.
    from manim import config

    for line in lines:
        assert abs(line.get_left()[0]) <= config.frame_width / 2 and abs(line.get_right()[0]) <= config.frame_width / 2
        assert line.get_bottom()[1] >= -config.frame_height / 2
        for other in (scene.window, scene.kernel, scene.feature_small, scene.feature_note):
            assert not overlaps(line, other)


# -- transitions: nothing passes over what is leaving, no near-black between pictures -----------------------

def recorded_plays(run) -> tuple[ConvolutionScene, list[tuple[list, set[int]]]]:
    """The chapter told to its end, with every play's animations and the ids of the mobjects on screen
    as it began."""
    plays = []

    class Recorded(ConvolutionScene):
        def play(self, *animations, **kwargs) -> None:
            on_screen = {id(m) for top in self.mobjects for m in top.get_family()}
            plays.append((list(animations), on_screen))
            super().play(*animations, **kwargs)

    return told(Recorded, run), plays


def flattened(animations) -> list:
    """The animations of a play, those inside a LaggedStart or AnimationGroup too."""
    found = []
    for animation in animations:
        found.append(animation)
        found.extend(flattened(getattr(animation, "animations", [])))
    return found


@pytest.mark.slow
def test_the_followed_map_grows_to_the_pool_only_once_its_neighbours_are_gone(cnn):
    # The review saw the zooming map pass over its neighbouring maps for 0.5 s (CNN 135.1).
    from manim import ReplacementTransform

    scene, plays = recorded_plays(cnn)
    chosen = scene.slot_maps[scene.first.kernel]
    zoom = [(animations, on_screen) for animations, on_screen in plays
            if any(isinstance(a, ReplacementTransform) and a.mobject is chosen for a in flattened(animations))]
    assert len(zoom) == 1
    _, on_screen = zoom[0]
    neighbours = [m for m in [*scene.slot_maps, *scene.slot_kernels] if m is not chosen]
    assert not [m for m in neighbours if id(m) in on_screen]


@pytest.mark.slow
def test_the_last_maps_come_in_as_the_next_layers_picture_goes(cnn):
    # The review saw 0.5 s of near-black between the next layer's picture and the last maps (CNN 173.0).
    from manim import FadeIn, FadeOut

    scene, plays = recorded_plays(cnn)
    last = {id(m) for m in scene.last_group}
    leaving = [animations for animations, _ in plays
               if any(isinstance(a, FadeOut) and a.mobject is scene.out_map for a in flattened(animations))]
    assert len(leaving) == 1
    assert last <= {id(a.mobject) for a in flattened(leaving[0]) if isinstance(a, FadeIn)}
