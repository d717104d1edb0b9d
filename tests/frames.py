"""Helpers for tests that look at rendered pixels."""
from __future__ import annotations

import av
import manim
import numpy as np


def to_pixel(point, width: int, height: int) -> tuple[int, int]:
    """Row and column of the pixel showing scene point ``point`` in a ``width`` x ``height`` frame."""
    frame_height = 8.0
    frame_width = frame_height * width / height
    column = int(round((point[0] / frame_width + 0.5) * width))
    row = int(round((0.5 - point[1] / frame_height) * height))
    return row, column


def most_colourful(frame: np.ndarray, row: int, column: int, radius: int = 1) -> np.ndarray:
    """The most saturated RGB pixel around (row, column): antialiased thin lines fade into black."""
    patch = frame[row - radius:row + radius + 1, column - radius:column + radius + 1, :3].reshape(-1, 3).astype(int)
    return patch[np.argmax(patch.max(axis=1) - patch.min(axis=1))]


def luminance(rgb) -> float:
    return float(np.dot(np.asarray(rgb, float)[:3], [0.2126, 0.7152, 0.0722]))


def render_still(mobject: manim.Mobject, width: int = 640, height: int = 360,
                 camera_class: type[manim.Camera] = manim.Camera) -> np.ndarray:
    """One frame of ``mobject`` alone on the scene, as an (height, width, 4) uint8 array."""
    with manim.tempconfig({"pixel_width": width, "pixel_height": height, "disable_caching": True,
                           "verbosity": "WARNING"}):
        scene = manim.Scene(camera_class=camera_class)
        scene.add(mobject)
        scene.renderer.update_frame(scene)
        return scene.renderer.get_frame().copy()


def read_video(path) -> tuple[list[np.ndarray], float, int, int]:
    """All frames as RGB arrays, the frame rate, width and height, read back with PyAV."""
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        frames = [frame.to_ndarray(format="rgb24") for frame in container.decode(stream)]
        return frames, float(stream.average_rate), stream.width, stream.height


def caption_text(srt_text: str) -> str:
    """All the captions of an .srt as one text, lines and parts joined by spaces: a sentence
    split over two subtitle lines or two cues reads as one."""
    import srt

    return " ".join(cue.content.replace("\n", " ") for cue in srt.parse(srt_text))
