"""A still is the video's own frame: animations jumped to their ends draw what playing them draws."""
import numpy as np
import pytest
from PIL import Image

from nnscratch import RunSpec, record_run
from scenes import scene_for
from scenes.chapters.catalogue import BY_NAME, NAMES
from scenes.output.render import render, render_still
from tests.frames import read_video

SIZE, FPS = (320, 180), 5


@pytest.fixture(scope="module")
def run():
    # Points in the plane: every scene has something to draw of them, the training's plane and maps included.
    return record_run(RunSpec.for_dataset("moons", epochs=200))


@pytest.fixture(scope="module")
def cnn():
    # For the chapter that draws conv layers alone.
    return record_run(RunSpec.for_dataset("digits", layers="28x28,conv4:3,pool2,10", samples=300, epochs=2))


def differs(frame: np.ndarray, still: np.ndarray) -> float:
    """The share of pixels that differ by more than the video's compression does."""
    return float((np.abs(frame.astype(int) - still[..., :3].astype(int)).max(axis=2) > 80).mean())


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_a_still_is_the_videos_frame_at_the_end_and_mid_way(run, cnn, tmp_path, name):
    if BY_NAME[name].networks == "conv":
        run = cnn
    scene_class = scene_for(name, run)
    options = {"duration": 4.0} if name == "training" else {}
    video = render(scene_class, tmp_path / "v.mp4", resolution=SIZE, fps=FPS, history=run, **options)
    frames = read_video(video.path)[0]
    # A still at a moment shows the picture that ends the sentence on screen then.
    start, end = video.scene.narration.spans[len(video.scene.narration.spans) // 2]
    for at, frame in ((None, frames[-1]), ((start + end) / 2, frames[round(end * FPS) - 1])):
        path = tmp_path / f"still-{at}.png"
        render_still(scene_class, path, resolution=SIZE, at=at, history=run, **options)
        still = np.asarray(Image.open(path).convert("RGB"))
        assert still.shape == frame.shape
        assert differs(frame, still) < 0.002, (name, at)


def test_a_still_leaves_a_matched_transform_its_target_alone():
    # The forward pass swaps each layer's equation with TransformMatchingShapes; a still jumped its parts
    # and left the old equation drawn under the new one.
    import manim

    from scenes.camera.still import jump_to_end

    scene = manim.Scene()
    old, new = manim.Text("a = f(b)"), manim.Text("a = g(c)").shift(manim.DOWN)
    scene.add(old)
    jump_to_end(scene, manim.TransformMatchingShapes(old, new))
    assert new in scene.mobjects and old not in scene.mobjects
    drawn = [part for part in scene.get_mobject_family_members() if part.has_points()]
    assert drawn and all(part in new.get_family() for part in drawn)
