"""In a notebook: scenes.show renders a scene and returns what Jupyter displays as a player."""
import base64
import re
import subprocess
import sys

import pytest

from nnscratch import RunSpec, record_run
from scenes import show


def test_show_returns_a_player_with_the_video_and_its_captions_embedded(tmp_path):
    shown = show("network", epochs=20, output=tmp_path / "n.mp4")
    page = shown._repr_html_()
    assert page.startswith("<video controls")
    video = re.search(r'src="data:video/mp4;base64,([^"]+)"', page).group(1)
    assert base64.b64decode(video) == (tmp_path / "n.mp4").read_bytes()
    track = base64.b64decode(re.search(r'src="data:text/vtt;base64,([^"]+)"', page).group(1)).decode()
    assert track.startswith("WEBVTT")
    assert "00:00:00.000 -->" in track  # the timestamps in WebVTT's form ...
    assert "this network has 4: 4, 6, 4, 1 neurons" in track.replace("\n", " ")  # ... the captions' commas kept


def test_show_refuses_an_unknown_scene_and_options_that_cannot_change_a_recorded_run():
    with pytest.raises(ValueError, match="no scene 'nope'"):
        show("nope")
    with pytest.raises(ValueError, match="epochs cannot change it"):
        show("forward", record_run(RunSpec(epochs=5)), epochs=10)


def test_a_bad_quality_or_a_failed_render_leaves_no_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    history = record_run(RunSpec(epochs=5))
    with pytest.raises(ValueError, match="unknown quality 'ultra'"):
        show("network", history, quality="ultra")
    assert list(tmp_path.iterdir()) == []

    def fails(*_, **__):
        raise RuntimeError("the render failed")

    monkeypatch.setattr("scenes.output.notebook.render", fails)
    with pytest.raises(RuntimeError, match="the render failed"):
        show("network", history, output=tmp_path / "new" / "folder" / "n.mp4")
    assert list(tmp_path.iterdir()) == []


def test_importing_the_core_does_not_load_manim():
    code = "import sys, nnscratch; print('manim' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.strip() == "False"


def test_features_are_drawn_as_the_runs_data_allows():
    from scenes import FeaturesScene, PlaneFeaturesScene, scene_for

    assert scene_for("features", record_run(RunSpec.for_dataset("digits", samples=100, epochs=1))) is FeaturesScene
    moons = record_run(RunSpec.for_dataset("moons", epochs=5))
    assert scene_for("features", moons) is PlaneFeaturesScene
    with pytest.raises(ValueError, match="images .--dataset digits. or points in the plane"):
        scene_for("features", record_run(RunSpec(epochs=5)))


@pytest.mark.slow
def test_show_draws_the_features_of_points_in_the_plane(tmp_path):
    shown = show("features", dataset="moons", epochs=50, output=tmp_path / "f.mp4")
    captions = " ".join(shown.video.scene.narration.captions)
    assert "hidden neuron" in captions and "plane" in captions  # told as maps of the plane, not as pictures
    assert shown.path.stat().st_size > 0 and shown.video.duration > 5
