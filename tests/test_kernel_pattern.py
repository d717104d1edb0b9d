"""What a kernel looks for (nnscratch.kernel_pattern): hand-built kernels of every edge direction, a spot,
ink and kernels with no clean pattern are named as they are built; the places the words name are where a
convolution with them lights, on a hand-drawn square of ink; and on a real run, the convolution chapter
names the pattern its words say and marks the places its recorded map lights, which hold what the words
say (ink on the kernel's blue side, ground on its red side)."""
import numpy as np
import pytest
from manim import VGroup

from nnscratch import RunSpec, record_run
from nnscratch.kernel_pattern import kernel_pattern, lit_places, named_kernel
from scenes.chapters.convolution import ConvolutionScene
from scenes.narration.words import said_numbers
from tests.timeline import late_numbers, told, unmarked_numbers, unshown_numbers

LAYERS = "28x28,conv8:3,pool2,conv16:3,pool2,10"
# Where the map lights, in words, and the side of the kernel (up, right) that must hold the ink there.
INK_SIDE = {
    "the strokes' lower edges": (1, 0), "the strokes' upper edges": (-1, 0),
    "the strokes' right edges": (0, -1), "the strokes' left edges": (0, 1),
    "the strokes' lower right edges": (1, -1), "the strokes' lower left edges": (1, 1),
    "the strokes' upper right edges": (-1, -1), "the strokes' upper left edges": (-1, 1),
}


def edge_kernel(up: int, right: int, size: int = 3) -> np.ndarray:
    """+1 on the (up, right) side of the kernel, -1 on the other, 0 along the middle: an edge built by hand."""
    centre = (size - 1) / 2
    rows, columns = np.mgrid[0:size, 0:size]
    return np.sign(up * (centre - rows) + right * (columns - centre)).astype(float)


def valid_convolution(image: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    """The map of ``kernel`` slid over ``image`` without padding (as a conv layer makes it), by hand."""
    k = len(kernel)
    rows, columns = image.shape[0] - k + 1, image.shape[1] - k + 1
    return np.array([[float((image[r:r + k, c:c + k] * kernel).sum()) for c in range(columns)]
                     for r in range(rows)])


def sides_of(window: np.ndarray, up: int, right: int) -> tuple[float, float]:
    """A window's mean on the (up, right) side and on the opposite side."""
    side = edge_kernel(up, right, len(window))
    return float(window[side > 0].mean()), float(window[side < 0].mean())


SQUARE = np.zeros((14, 14))
SQUARE[4:10, 4:10] = 1.0  # ink on a dark ground: rows and columns 4 to 9


@pytest.mark.parametrize("size", [3, 5])
@pytest.mark.parametrize("side", list(INK_SIDE.values()))
def test_an_edge_of_each_direction_is_named_and_its_map_lights_the_edge_its_words_name(side, size):
    kernel = edge_kernel(*side, size)
    pattern = kernel_pattern(kernel + 0.05 * np.eye(size))  # not quite pure: a learned kernel never is
    assert pattern.kind == "edge" and pattern.side == side and pattern.share > 0.7
    looks, places = pattern.words()
    assert INK_SIDE[places] == side
    blue = {(1, 0): "top", (-1, 0): "below", (0, 1): "right", (0, -1): "left"}.get(side)
    if blue:  # the words say where the blue (positive) weights are
        assert looks.startswith("blue") and blue in looks.split(",")[0]
    # Slid over a square of ink, the map lights only where the kernel's blue side is on more ink than its
    # red side, along the square's edge that faces away from the ink side.
    lit = lit_places(valid_convolution(SQUARE, kernel))
    half = (size - 1) // 2
    lower, upper = range(10 - half, 10 + half), range(4 - half, 4 + half)  # around the square's last, first row
    assert len(lit)
    for row, column in lit:
        ink, ground = sides_of(SQUARE[row:row + size, column:column + size], *side)
        assert ink > ground
        on_rows = row + half in (lower if side[0] == 1 else upper)
        on_columns = column + half in (upper if side[1] == 1 else lower)
        # Lower edges (ink up) lie around the square's last row, upper ones around its first, left edges
        # (ink on the right) around its first column, right ones around its last; a diagonal's on either.
        if side[0] and side[1]:
            assert on_rows or on_columns
        else:
            assert on_rows if side[0] else on_columns


def test_a_spot_lights_a_dot_and_its_opposite_a_gap_ringed_by_ink():
    spot = -np.ones((3, 3))
    spot[1, 1] = 8.0
    dot = np.zeros((9, 9))
    dot[4, 4] = 1.0
    pattern = kernel_pattern(spot)
    assert (pattern.kind, pattern.sign) == ("spot", 1)
    assert pattern.words() == ("blue in the middle, red around it", "thin strokes and dots")
    assert lit_places(valid_convolution(dot, spot)).tolist() == [[3, 3]]  # centred on the dot
    ring = 1.0 - dot
    negative = kernel_pattern(-spot)
    assert (negative.kind, negative.sign) == ("spot", -1)
    assert negative.words()[1] == "gaps ringed by ink"
    assert lit_places(valid_convolution(ring, -spot)).tolist() == [[3, 3]]  # centred on the gap


def test_ink_of_either_sign_is_named():
    assert kernel_pattern(np.full((3, 3), 0.4)).words() == ("blue all over", "wherever there is ink")
    assert kernel_pattern(np.full((3, 3), -0.4)).words() == ("red all over", "the ground away from the ink")


@pytest.mark.parametrize("weights", [
    [[1, -1, 1], [-1, 1, -1], [1, -1, 1]],  # a checkerboard
    [[0.6, 0.5, -0.2], [0.1, 0.9, 0.3], [-0.5, 0.2, 0.4]],  # a bit of edge, spot and ink, none of them most
    np.zeros((3, 3)),
])
def test_a_kernel_with_no_pattern_carrying_most_of_it_has_no_clean_pattern(weights):
    pattern = kernel_pattern(np.array(weights, dtype=float))
    assert pattern.kind == "none" and not pattern.clean
    assert pattern.words() == ("", "")
    assert pattern.share < 0.5


def test_the_shares_are_the_kernels_squared_weights_along_orthogonal_templates():
    rng = np.random.default_rng(3)
    weights = rng.normal(size=(3, 3))
    shares = kernel_pattern(weights).shares
    # By hand: top minus bottom, left minus right, centre against the mean, the mean.
    energy = (weights ** 2).sum()
    rows = (weights[0].sum() - weights[2].sum()) ** 2 / 6
    columns = (weights[:, 0].sum() - weights[:, 2].sum()) ** 2 / 6
    spot = (weights[1, 1] - weights.mean()) ** 2 / (1 - 1 / 9)
    ink = weights.sum() ** 2 / 9
    assert shares["edge"] == pytest.approx((rows + columns) / energy)
    assert shares["spot"] == pytest.approx(spot / energy)
    assert shares["ink"] == pytest.approx(ink / energy)
    assert sum(shares.values()) <= 1 + 1e-12


def test_the_kernel_named_is_the_followed_one_when_clean_else_the_cleanest_edge():
    mixed = np.array([[1, -1, 1], [-1, 1, -1], [1, -1, 1]], dtype=float)
    weak, strong = edge_kernel(0, 1) + 0.6 * mixed, edge_kernel(1, 0) + 0.1 * mixed
    kernels = np.stack([mixed, weak, strong, np.full((3, 3), 0.5)])
    assert named_kernel(kernels, 1)[0] == 1  # the followed kernel is a clean edge
    assert named_kernel(kernels, 0)[0] == 2  # it is not: the cleanest edge, before ink
    assert named_kernel(kernels[[0, 3]], 0)[0] == 1  # only ink is clean
    assert named_kernel(kernels[[0, 0]], 1) == (1, kernel_pattern(mixed))  # nothing is: the followed one


def test_lit_places_are_the_cells_at_half_the_peak_or_more():
    values = np.array([[0.0, 1.0], [2.0, 0.99]])
    assert lit_places(values).tolist() == [[0, 1], [1, 0]]
    assert lit_places(np.zeros((2, 2))).shape == (0, 2)


# -- the real run: the chapter names what the kernel's weights hold, where its map lights -------------------

@pytest.fixture(scope="module")
def cnn():
    return record_run(RunSpec.for_dataset("digits", layers=LAYERS, samples=600, epochs=1))


@pytest.mark.slow
def test_the_chapter_names_a_real_kernels_pattern_and_marks_where_its_map_lights(cnn):
    scene = told(ConvolutionScene, cnn)
    kernels = cnn.kernels[0][-1][:, 0].astype(float)
    said = next(beat.caption for beat in scene.told if beat.caption.startswith(("Kernel ", "No kernel")))
    if said.startswith("No kernel"):  # then no kernel of the run is clean
        assert all(not kernel_pattern(k).clean for k in kernels)
        return
    kernel = int(said.split()[1]) - 1
    places = said.split("its map lights ")[1].rstrip(".")
    up, right = INK_SIDE[places]
    weights = kernels[kernel]
    # Its weights hold the edge the words say: the blue (ink) side heavier than the red side.
    blue, red = sides_of(weights, up, right)
    assert blue > 0 > red
    # The places its recorded map lights hold ink on that side and ground on the other (a real digit's
    # strokes are not clean squares: nine in ten of them), and those are the places marked on the digit.
    image = cnn.probe_input.astype(float).reshape(28, 28)
    a_map = cnn.probe_maps[0][-1][kernel].astype(float)
    lit = np.argwhere(a_map >= 0.5 * a_map.max())
    held = [np.subtract(*sides_of(image[r:r + 3, c:c + 3], up, right)) > 0 for r, c in lit]
    assert len(lit) >= 5 and np.mean(held) >= 0.9
    assert scene.pattern_kernel == kernel and len(scene.lit_marks) == len(lit)
    for mark, (row, column) in zip(scene.lit_marks, lit):
        assert np.allclose(mark.get_center(), scene.pixel_of(row, column, 3))
    assert scene.pattern_note.original_text == f"kernel {kernel + 1}"


@pytest.mark.slow
def test_the_pattern_beat_shows_and_marks_its_kernels_number(cnn):
    scene = told(ConvolutionScene, cnn)
    beat = [b.caption for b in scene.told if b.caption.startswith(("Kernel ", "No kernel"))]
    assert len(beat) == 1
    assert said_numbers(beat[0]) or beat[0].startswith("No kernel")
    assert not [caption for caption, _ in unshown_numbers(scene) if caption in beat]
    assert not [caption for caption, _ in unmarked_numbers(scene) if caption in beat]
    assert not [caption for caption, *_ in late_numbers(scene) if caption in beat]


@pytest.mark.slow
def test_a_layer_of_kernels_with_no_clean_pattern_is_called_so_and_each_kernel_pointed_at(cnn):
    # The run's last kernels replaced by checkerboards of several sizes: none is an edge, a spot or ink.
    import copy

    from manim import config

    run = copy.deepcopy(cnn)
    board = np.array([[1, -1, 1], [-1, 1, -1], [1, -1, 1]], dtype=float)
    run.kernels[0][-1][:, 0] = [board * (0.2 + 0.1 * f) for f in range(len(run.kernels[0][-1]))]
    scene = told(ConvolutionScene, run)
    said = [beat.caption for beat in scene.told if beat.caption.startswith(("Kernel ", "No kernel"))]
    assert said == ["No kernel here is a clean edge or spot: each mixes several patterns."]
    # The ring went from kernel to kernel and stays inside the frame, on the last.
    ring = scene.pattern_slot
    assert abs(ring.get_top()[1]) < config.frame_height / 2 and abs(ring.get_bottom()[1]) < config.frame_height / 2
    assert np.allclose(ring.get_center(), VGroup(scene.slot_kernels[-1], scene.slot_maps[-1]).get_center(), atol=1e-6)
