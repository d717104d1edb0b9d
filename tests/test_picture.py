"""What survives into the file: edge hues after yuv420p encoding, GIF timing and solid lines, WebM
without Manim's warning, and plots whose curves stay inside their axes."""
import itertools

import av
import numpy as np
import pytest

from nnscratch import RunSpec, record_run
from scenes import NetworkScene, TrainingScene
from scenes.mobjects.layout import Region
from scenes.mobjects.plot import EpochAxis, MetricPlot
from scenes.mobjects.readout import Readout
from scenes.output.render import render
from tests.frames import read_video, to_pixel


@pytest.fixture(scope="module")
def history():
    return record_run(RunSpec())


def faint_edges(scene, count=12):
    """The drawn edges with the smallest |w|: the first to lose their hue."""
    flat = scene.network_mob.drawn_weights([W[0] for W in scene.history.weights])
    lines = [line for group in scene.network_mob.edges for line in group]
    order = np.argsort(np.abs(flat))
    return [(lines[i], flat[i]) for i in order[:count]]


def hues(frame, pairs, width, height) -> np.ndarray:
    """Along each edge, +1 where the pixels nearby are clearly blue, -1 clearly red, and 0 where
    there is neither, or both (another edge crosses there)."""
    found = []
    for line, _ in pairs:
        for t in np.linspace(0.3, 0.7, 5):
            point = line.get_start() + t * (line.get_end() - line.get_start())
            row, column = to_pixel(point, width, height)
            patch = frame[row - 2:row + 3, column - 2:column + 3, :3].reshape(-1, 3).astype(int)
            blue, red = (patch[:, 2] > patch[:, 0] + 15).any(), (patch[:, 0] > patch[:, 2] + 15).any()
            found.append(0 if blue == red else 1 if blue else -1)
    return np.array(found)


def hue_kept(frame, drawn, pairs, width, height) -> float:
    """The share of the points whose hue the drawing shows clearly that keep it in ``frame``:
    crossing edges make some points ambiguous in the drawing itself, so those are not asked of."""
    wanted, seen = hues(drawn, pairs, width, height), hues(frame, pairs, width, height)
    clear = wanted != 0
    assert clear.mean() > 0.6  # most points are clear, or the test would prove nothing
    return float(np.mean(seen[clear] == wanted[clear]))


@pytest.mark.slow
@pytest.mark.parametrize("resolution", [(854, 480), (1280, 720)])
def test_faint_edges_keep_their_hue_in_the_encoded_video(history, tmp_path, resolution):
    video = render(NetworkScene, tmp_path / "n.mp4", resolution=resolution, fps=5, history=history)
    drawn = video.scene.renderer.get_frame()[..., :3]  # the camera's last frame, before encoding
    frames, _, width, height = read_video(video.path)  # decoded from yuv420p H.264, as a player shows it
    pairs = faint_edges(video.scene)
    assert hue_kept(frames[-1], drawn, pairs, width, height) >= 0.95
    signs = np.repeat([1 if weight > 0 else -1 for _, weight in pairs], 5)
    drawn_hues = hues(drawn, pairs, width, height)
    assert np.mean(drawn_hues[drawn_hues != 0] == signs[drawn_hues != 0]) >= 0.9  # the weights' own hues


@pytest.mark.slow
def test_a_gif_plays_at_its_rate_with_solid_lines(history, tmp_path):
    video = render(NetworkScene, tmp_path / "n.gif", resolution=(854, 480), fps=20, video_format="gif",
                   history=history)
    with av.open(str(video.path)) as container:
        stream = container.streams.video[0]
        packets = [packet for packet in container.demux(stream) if packet.size]
        delays = {float(packet.duration * packet.time_base) for packet in packets}
    assert delays == {0.05}  # 5/100 s: 20 frames a second exactly
    frames, _, width, height = read_video(video.path)
    assert len(frames) == pytest.approx(video.duration * 20, abs=2)
    # Without dithering a faint line stays one colour along its length instead of breaking into dots.
    drawn = video.scene.renderer.get_frame()[..., :3]
    assert hue_kept(frames[-1], drawn, faint_edges(video.scene), width, height) >= 0.95


@pytest.mark.slow
def test_a_webm_renders_without_manims_warning(history, tmp_path, capsys, caplog):
    video = render(TrainingScene, tmp_path / "t.webm", resolution=(320, 180), fps=5, video_format="webm",
                   history=history, duration=3.0)
    with av.open(str(video.path)) as container:
        assert container.streams.video[0].codec_context.name == "vp9"
    assert "slower" not in caplog.text and "slower" not in capsys.readouterr().err


@pytest.mark.parametrize("spec", [
    RunSpec(dataset="spiral", layers=(2, 8, 8, 1), activation="tanh", optimizer="adam", learning_rate=0.02,
            epochs=2000),  # its test loss ends far above where the training loss started
    RunSpec(epochs=20_000),  # a log epoch axis
])
def test_curves_stay_inside_their_axes_and_clear_of_the_legend(spec):
    h = record_run(spec)
    top = float(np.concatenate([h.train_loss, h.test_loss]).max()) * 1.05
    plot = MetricPlot(Region(0.5, 6.5, 0.2, 3.0), "loss", Readout(7), [(h.train_loss, "#FFD95E", "train"),
                                                                      (h.test_loss, "#9ADBC5", "test")],
                      top, f"{top:.3g}", EpochAxis(h.epochs))
    (x0, y0, _), (x1, y1, _) = plot.axes.c2p(0, 0), plot.axes.c2p(1, top)
    for curve in plot.curves:
        assert curve.corners[:, 0].min() >= x0 - 1e-9 and curve.corners[:, 0].max() <= x1 + 1e-9
        assert curve.corners[:, 1].min() >= y0 - 1e-9 and curve.corners[:, 1].max() <= y1 + 1e-9
    # The highest point of the test curve is the highest loss, at the top of the axis, not cut off below it.
    assert plot.curves[1].corners[:, 1].max() == pytest.approx(y0 + (h.test_loss.max() / top) * (y1 - y0), abs=0.02)
    assert plot.keys.get_bottom()[1] > y1  # the legend sits above the axes, where no curve runs
    assert plot.get_right()[0] <= 6.5 + 1e-6 and plot.get_left()[0] >= 0.5 - 1e-6
    if spec.epochs >= 5000:
        assert plot.axis.log and plot.axis.position(500) > 0.5  # the first 1% of epochs take half the axis


@pytest.mark.parametrize("width", [1.6, 2.4, 6.0])
def test_the_epoch_axis_name_and_numbers_never_touch(width):
    # A contact sheet of a narrow training plot read "epoch2,000": the name, centred, ran into the last
    # number once the labels were made larger.
    losses = np.linspace(0.7, 0.1, 2001)
    plot = MetricPlot(Region(0.0, width, 0.0, 2.0), "accuracy", None, [(losses, "#FFD95E", "train")], 1.0, "100%",
                      EpochAxis(2000))
    texts = [part for part in plot.labels.get_family() if hasattr(part, "original_text")]
    row = [t for t in texts if t.original_text == "epoch" or t.original_text.replace(",", "").isdigit()
           and t.get_y() < plot.axes.c2p(0, 0)[1]]
    assert any(t.original_text == "epoch" for t in row) and any(t.original_text == "2,000" for t in row)
    for a, b in itertools.combinations(row, 2):
        assert a.get_right()[0] + 0.05 < b.get_left()[0] or b.get_right()[0] + 0.05 < a.get_left()[0], \
            (a.original_text, b.original_text)
