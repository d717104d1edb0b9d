"""Whole scenes rendered to real video files, read back with PyAV and checked pixel by pixel."""
import os
import subprocess
import sys
from pathlib import Path

import manim
import numpy as np
import pytest
import srt

from nnscratch import RunSpec, record_run
from scenes import ForwardPassScene, NetworkScene, TrainingScene
from scenes.output.render import render, render_settings
from scenes.mobjects.style import neuron_colors
from tests.frames import caption_text, luminance, most_colourful, read_video, to_pixel

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parent.parent
WIDTH, HEIGHT, FPS = 640, 360, 10


@pytest.fixture(scope="module")
def history():
    return record_run(RunSpec(epochs=300))


def test_every_render_setting_is_a_real_manim_key(tmp_path):
    settings = render_settings(320, 180, 10, "mp4", tmp_path, "x")
    unknown = [key for key in settings if key not in manim.config]
    assert unknown == []


def strong_edges(scene, weights, count=4):
    """The drawn edges with the largest |w|, as (line, weight) pairs."""
    flat = scene.network_mob.drawn_weights(weights)
    lines = [line for group in scene.network_mob.edges for line in group]
    order = np.argsort(-np.abs(flat))
    return [(lines[i], flat[i]) for i in order[:count]]


def assert_edges_show_signs(frame, pairs):
    """Most points along each strong edge have its sign's hue (a few may sit where other edges cross)."""
    for line, weight in pairs:
        hues = []
        for t in np.linspace(0.15, 0.85, 9):
            point = line.get_start() + t * (line.get_end() - line.get_start())
            r, g, b = most_colourful(frame, *to_pixel(point, WIDTH, HEIGHT))
            hues.append(b > r + 40 if weight > 0 else r > b + 40)
        assert sum(hues) >= 6, (weight, hues)


def test_training_video_has_its_frames_and_ends_on_the_final_weights(history, tmp_path):
    video = render(TrainingScene, tmp_path / "training.mp4", resolution=(WIDTH, HEIGHT), fps=FPS,
                   history=history, duration=6.0)
    frames, fps, width, height = read_video(video.path)
    assert (width, height) == (WIDTH, HEIGHT) and fps == pytest.approx(FPS, abs=0.01)
    assert abs(len(frames) - video.duration * FPS) <= 2
    final_weights = [W[-1] for W in history.weights]
    assert_edges_show_signs(frames[-1], strong_edges(video.scene, final_weights))
    # The probe's output neuron ends as bright as its final activation says.
    circle = video.scene.network_mob.neurons[-1][0]
    expected = neuron_colors(history.probe_a[-1][-1])[0] * 255
    seen = frames[-1][to_pixel(circle.get_center(), WIDTH, HEIGHT)]
    assert np.abs(seen.astype(float) - expected).max() < 25
    captions = video.subtitles.read_text()
    assert f"{history.train_loss[-1]:#.3g}" in caption_text(captions)  # three significant digits
    assert f"{history.train_loss[0]:#.3g}" in caption_text(captions)
    # One caption after another, with no gap: each beat's caption is up exactly while it plays.
    cues = list(srt.parse(captions))
    assert all(before.end == after.start for before, after in zip(cues, cues[1:]))
    assert cues[-1].end.total_seconds() == pytest.approx(video.duration - video.scene.ending_hold, abs=0.1)
    # The replay runs under its three sentences; the network at the start of the replay is
    # the untrained one, a different picture from the end.
    replay = next(cue for cue in cues if cue.content.replace("\n", " ").startswith("Each frame shows the weights"))
    loss_cue = next(cue for cue in cues if cue.content.startswith("The cost falls"))
    loss_cue = next(cue for cue in cues[cues.index(loss_cue):] if cue.content.endswith("."))  # its last part
    replay_seconds = loss_cue.end.total_seconds() - replay.start.total_seconds()
    assert replay_seconds >= 6.0
    start_frame = frames[int(replay.start.total_seconds() * FPS) + 1]
    assert np.abs(start_frame.astype(int) - frames[-1].astype(int)).mean() > 1.0


def test_training_video_length_does_not_follow_epochs(tmp_path):
    lengths = []
    for epochs in (300, 3000):
        video = render(TrainingScene, tmp_path / f"run{epochs}.mp4", resolution=(320, 180), fps=5,
                       history=record_run(RunSpec(epochs=epochs)), duration=6.0)
        frames, _, _, _ = read_video(video.path)
        lengths.append(len(frames) / 5)
    # The captions differ only in their numbers ("300" against "3,000"), so the beats hardly differ.
    assert abs(lengths[0] - lengths[1]) < 1.0


def test_training_replay_lasts_as_long_as_asked(history, tmp_path):
    # Manim's Scene.play writes its own ``duration``; the replay's length must survive it.
    lengths = []
    for seconds in (40.0, 70.0):
        video = render(TrainingScene, tmp_path / f"replay{seconds:.0f}.mp4", resolution=(320, 180), fps=5,
                       history=history, duration=seconds)
        frames, _, _, _ = read_video(video.path)
        lengths.append(len(frames) / 5)
    # Sentences stretch a short replay, not one this long: 30 s more asked is 30 s more shown.
    assert lengths[1] - lengths[0] == pytest.approx(30.0, abs=0.5), lengths


def test_forward_video_lights_the_output_to_its_true_activation(history, tmp_path):
    x = [0.9, 0.8, 0.85, 0.95]
    video = render(ForwardPassScene, tmp_path / "forward.mp4", resolution=(WIDTH, HEIGHT), fps=FPS,
                   history=history, input_values=x)
    frames, fps, width, height = read_video(video.path)
    assert (width, height) == (WIDTH, HEIGHT)
    assert abs(len(frames) - video.duration * FPS) <= 2
    output = history.network_at(-1).forward(np.array([x]))[0, 0]
    scene = video.scene
    expected = neuron_colors(np.array([output]))[0] * 255
    seen = frames[-1][to_pixel(scene.network_mob.neurons[-1][0].get_center(), WIDTH, HEIGHT)]
    assert np.abs(seen.astype(float) - expected).max() < 25
    # input neuron brightness follows the input values
    inputs = [luminance(frames[-1][to_pixel(c.get_center(), WIDTH, HEIGHT)]) for c in scene.network_mob.neurons[0]]
    assert inputs[3] > inputs[1]
    assert_edges_show_signs(frames[-1], strong_edges(scene, [W[-1] for W in history.weights]))
    captions = caption_text(video.subtitles.read_text())
    assert "Your input: 0.90, 0.80, 0.85, 0.95" in captions and f"{output:.3f}" in captions


def test_forward_video_of_a_sample_marks_the_prediction(history, tmp_path):
    video = render(ForwardPassScene, tmp_path / "sample.mp4", resolution=(320, 180), fps=5,
                   history=history, sample=3)
    captions = caption_text(video.subtitles.read_text())
    label = int(history.y_train[3, 0])
    predicted = int(history.network_at(-1).forward(history.X_train[3:4].astype(float))[0, 0] >= 0.5)
    names = ("low blob", "high blob")
    assert "Training sample 3: " in captions
    assert f"the network says {names[predicted]}. The label is {names[label]}: " \
           f"{'right' if label == predicted else 'wrong'}." in captions


def test_network_video_draws_the_initial_weights(history, tmp_path):
    video = render(NetworkScene, tmp_path / "network.mp4", resolution=(WIDTH, HEIGHT), fps=FPS,
                   history=history)
    frames, _, _, _ = read_video(video.path)
    assert_edges_show_signs(frames[-1], strong_edges(video.scene, [W[0] for W in history.weights]))
    parameters = sum(a * b + b for a, b in zip(history.layer_sizes, history.layer_sizes[1:]))
    assert f"{parameters}" in caption_text(video.subtitles.read_text())


def test_gif_output(history, tmp_path):
    video = render(TrainingScene, tmp_path / "t.gif", resolution=(160, 90), fps=5, video_format="gif",
                   history=history, duration=4.0)
    frames, _, width, height = read_video(video.path)
    assert (width, height) == (160, 90) and len(frames) > 10


def test_interrupted_render_leaves_no_file(history, tmp_path, monkeypatch):
    def interrupt(self):
        raise KeyboardInterrupt

    monkeypatch.setattr(TrainingScene, "show_ending", interrupt)
    with pytest.raises(KeyboardInterrupt):
        render(TrainingScene, tmp_path / "cut.mp4", resolution=(160, 90), fps=5,
               history=history, duration=4.0)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("path, scene", [("scenes/chapters/network.py", "NetworkScene"),
                                         ("scenes/chapters/forward_pass.py", "ForwardPassScene"),
                                         ("scenes/chapters/training.py", "TrainingScene"),
                                         ("scenes/chapters/features.py", "FeaturesScene")])
def test_each_scene_renders_with_the_plain_manim_command(tmp_path, path, scene):
    result = subprocess.run(
        [sys.executable, "-m", "manim", "render", "-r", "160,90", "--fps", "5", "--disable_caching",
         "--media_dir", str(tmp_path), "-v", "WARNING", str(ROOT / path), scene],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    videos = list(tmp_path.rglob(f"{scene}.mp4"))
    assert len(videos) == 1
    frames, _, width, height = read_video(videos[0])
    assert (width, height) == (160, 90) and len(frames) > 20


RENDER_ON_CORES = """
import os, sys
from pathlib import Path
os.sched_setaffinity(0, {int(core) for core in sys.argv[1].split(",")})
from nnscratch import RunSpec, record_run
from scenes import NetworkScene
from scenes.output.render import render
render(NetworkScene, Path(sys.argv[2]), quality="low", resolution=(256, 144), video_format=Path(sys.argv[2]).suffix[1:],
       history=record_run(RunSpec(epochs=20)))
"""


@pytest.mark.slow
@pytest.mark.parametrize("suffix", [".mp4", ".webm"])
def test_the_same_video_byte_for_byte_on_one_core_or_all(tmp_path, suffix):
    # The encoders' threads are fixed, and WebM's track numbers too: a machine's core count changes nothing.
    cores = sorted(os.sched_getaffinity(0))
    videos = []
    for chosen in ([cores[0]], cores):
        video = tmp_path / f"on-{len(chosen)}{suffix}"
        subprocess.run([sys.executable, "-c", RENDER_ON_CORES, ",".join(map(str, chosen)), str(video)], check=True,
                       cwd=ROOT, timeout=300, capture_output=True)
        videos.append(video.read_bytes())
    assert len(videos[0]) > 1000 and videos[0] == videos[1]
