"""The plane of 2-D data in the training replay, on real frames: the heatmap is the network's answer,
each neuron's map its activation, and the boundary moves as the weights do."""
import numpy as np
import pytest

from nnscratch import RunSpec, record_run
from nnscratch.snapshot_outputs import activations_at, class_probabilities
from scenes import TrainingScene
from scenes.mobjects.plane_maps import HEAT_GRID, MAP_GRID, Plane
from scenes.mobjects.raster import disk_alpha, masked_to_disk, rgba_bytes
from scenes.output.render import render
from scenes.mobjects.style import class_rgbs, neuron_colors, plane_colors
from tests.frames import read_video, to_pixel
from tests.layout import final_state

pytestmark = pytest.mark.slow
WIDTH, HEIGHT = 960, 540


@pytest.fixture(scope="module")
def spiral():
    return record_run(RunSpec.for_dataset("spiral", classes=3))


@pytest.fixture(scope="module")
def final(spiral):
    return final_state(TrainingScene, WIDTH, HEIGHT, history=spiral, duration=3.0)


def cell_probes(scene, cells: np.ndarray, left: float, top: float, side: float, margin: float = 4.0):
    """For a grid of ``cells`` (row by row from the top left, n x n, in data units) drawn over the square
    at (left, top, side): the scene position of each cell's centre, and whether it is clear of the data
    points (so a probe there sees the map, not a dot) and not on the grid's rim."""
    n = int(round(np.sqrt(len(cells))))
    fractions = (np.arange(n) + 0.5) / n
    xs, ys = np.meshgrid(left + side * fractions, top - side * fractions)
    where = np.column_stack([xs.ravel(), ys.ravel()])
    plane: Plane = scene.plane_maps.plane
    sq_left, sq_bottom, sq_side, _ = scene.plane.square.box
    data = np.array([sq_left, sq_bottom]) + plane.to_unit(np.concatenate([scene.history.X_train,
                                                                         scene.history.X_test])) * sq_side
    clear = np.min(np.linalg.norm(where[:, None] - data[None], axis=2), axis=1) > margin * scene.plane.dots.radius
    rows, columns = np.divmod(np.arange(n * n), n)
    clear &= (rows > 0) & (rows < n - 1) & (columns > 0) & (columns < n - 1)
    return where, clear


def around(values: np.ndarray, index: int, n: int, reach: int = 1) -> np.ndarray:
    """The rows of ``values`` (one per cell of an n x n grid) of cell ``index`` and its neighbours up to
    ``reach`` cells away."""
    row, column = divmod(index, n)
    steps = range(-reach, reach + 1)
    return np.array([values[(row + dr) * n + column + dc] for dr in steps for dc in steps])


def nearest_class(rgb: np.ndarray, n_classes: int) -> int:
    """The class whose colour the pixel's hue is closest to (the plane dims them, so directions count)."""
    colours = class_rgbs(n_classes)
    colours = colours / np.linalg.norm(colours, axis=1, keepdims=True)
    return int(np.argmax(colours @ (rgb / max(np.linalg.norm(rgb), 1e-9))))


def test_the_heatmap_shows_the_networks_answer_where_it_is_probed(final, spiral):
    """At the centre of each cell of the heatmap's grid, the pixel is the colour of the network's own
    answer there (computed here from the final weights), within what its neighbours span, since the
    picture is smoothed between cells; where the network is sure, its hue is the class it picks."""
    scene, frame = final
    left, bottom, side, _ = scene.plane.square.box
    cells = scene.plane_maps.plane.grid(HEAT_GRID)
    probabilities = class_probabilities(spiral.network_at(-1).forward(cells))
    expected = plane_colors(probabilities) * 255
    where, clear = cell_probes(scene, cells, left, bottom + side, side)
    sure = checked = dark = 0
    for index in np.flatnonzero(clear):
        seen = frame[to_pixel(where[index], WIDTH, HEIGHT)][:3].astype(float)
        span = around(expected, index, HEAT_GRID)
        assert (seen >= span.min(axis=0) - 6).all() and (seen <= span.max(axis=0) + 6).all(), (index, seen, span)
        checked += 1
        near = around(probabilities, index, HEAT_GRID)
        if (near.max(axis=1) > 0.8).all() and len(set(near.argmax(axis=1))) == 1:
            assert nearest_class(seen, 3) == int(np.argmax(probabilities[index])), (index, seen)
            sure += 1
        if (near.max(axis=1) < 0.6).all():  # where it cannot decide the plane is dark: the boundary's seam
            assert seen.max() < 80, (index, seen)
            dark += 1
    assert checked > 1500 and sure > 1000, (checked, sure, dark)


def test_each_neuron_map_is_that_neurons_activation_over_the_plane(final, spiral):
    """Inside each neuron, at the centre of each cell of its map, the pixel is that neuron's colour for its
    activation at that point of the plane (from the final weights), within what the neighbours span."""
    scene, frame = final
    maps = scene.neuron_maps
    left, bottom, _, _ = maps.box
    cells = scene.plane_maps.plane.grid(MAP_GRID)
    activations = activations_at(spiral, [-1], cells)
    full = disk_alpha(MAP_GRID) == 1
    # A screen pixel here is about a cell wide, so it may blend cells two away. Cells whose neighbours
    # that far are all inside the disk too: at its rim the ring around the map shows through.
    inside = np.zeros_like(full)
    inside[2:-2, 2:-2] = np.all([full[2 + dr:MAP_GRID - 2 + dr, 2 + dc:MAP_GRID - 2 + dc]
                                 for dr in range(-2, 3) for dc in range(-2, 3)], axis=0)
    inside = inside.ravel()
    assert len(maps.offsets) == 2 + 8 + 8
    for slot, (dx, dy) in enumerate(maps.offsets):
        layer, neuron = scene.mapped[slot]
        want = neuron_colors(scene.network_mob.level_functions[layer](activations[layer][0, :, neuron])) * 255
        r = maps.radius
        where = cell_probes(scene, cells, left + dx - r, bottom + dy + r, 2 * r, margin=-1)[0]
        for index in np.flatnonzero(inside):
            seen = frame[to_pixel(where[index], WIDTH, HEIGHT)][:3].astype(float)
            span = around(want, index, MAP_GRID, reach=2)
            assert (seen >= span.min(axis=0) - 6).all() and (seen <= span.max(axis=0) + 6).all(), \
                (layer, neuron, index, seen, span)


def test_a_map_is_the_neurons_colours_cut_to_a_disk():
    rgb = neuron_colors(np.linspace(-1, 1, 16 * 16)).reshape(16, 16, 3)
    masked = masked_to_disk(rgba_bytes(rgb))
    np.testing.assert_array_equal(masked[8, 8], rgba_bytes(rgb)[8, 8])
    assert masked[0, 0].tolist() == [0, 0, 0, 0]
    assert (masked[..., :3] <= masked[..., 3:]).all()  # premultiplied: no channel above its alpha


def test_the_boundary_moves_during_the_replay_and_ends_where_the_network_does(tmp_path):
    history = record_run(RunSpec.for_dataset("moons", epochs=300))
    video = render(TrainingScene, tmp_path / "moons.mp4", resolution=(640, 360), fps=5, progress=False,
                   history=history, duration=4.0)
    frames, _, _, _ = read_video(video.path)
    scene = video.scene
    left, bottom, side, _ = scene.plane.square.box
    top_left = to_pixel((left, bottom + side), 640, 360)
    bottom_right = to_pixel((left + side, bottom), 640, 360)
    crop = lambda f: f[top_left[0] + 3:bottom_right[0] - 3, top_left[1] + 3:bottom_right[1] - 3].astype(float)  # noqa: E731
    srt = video.subtitles.read_text()
    import srt as srt_module
    replay = next(cue for cue in srt_module.parse(srt) if cue.content.replace("\n", " ").startswith("Each frame"))
    start = frames[int(replay.start.total_seconds() * 5) + 1]
    assert np.abs(crop(start) - crop(frames[-1])).mean() > 10
    # The last frame, through the video's colour compression, still agrees with the final network.
    cells = scene.plane_maps.plane.grid(HEAT_GRID)[::7]  # every seventh cell: enough probes
    where = np.array([left, bottom]) + scene.plane_maps.plane.to_unit(cells) * side
    probabilities = class_probabilities(history.network_at(-1).forward(cells))
    sure = probabilities.max(axis=1) > 0.95
    agree = [nearest_class(frames[-1][to_pixel(p, 640, 360)].astype(float), 2) == int(np.argmax(q))
             for p, q in zip(where[sure], probabilities[sure])]
    assert len(agree) > 100 and np.mean(agree) > 0.9, np.mean(agree)


@pytest.mark.parametrize("name", ["moons", "deep tanh"])
def test_how_much_of_the_plane_it_cannot_decide_at_the_start_is_said_as_it_is(name):
    """No seam is said before one exists: at epoch 0 the answer is measured over the plane, from the core."""
    from nnscratch.verdict import decision
    from tests.timeline import run, told

    history = run(name)
    scene = told(TrainingScene, history, brief=True)
    grid = Plane.around(np.concatenate([history.X_train, history.X_test]).astype(float)).grid(64)
    outputs = history.network_at(0).forward(grid)
    share = np.mean([decision(output)[1] for output in outputs])
    caption = next(beat.caption for beat in scene.told if beat.caption.startswith("Behind them"))
    words = "nearly all of it" if share >= 0.9 else "most of it" if share >= 0.5 else "the dark seam"
    assert words in caption, (share, caption)
    assert scene.plane_maps.undecided[0] == pytest.approx(share, abs=0.05)
