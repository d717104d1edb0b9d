"""The settings a video can be asked for, in tables the command line's choices read (no Manim here)."""
from __future__ import annotations

QUALITIES: dict[str, tuple[int, int, int]] = {
    "low": (854, 480, 15),
    "medium": (1280, 720, 30),
    "high": (1920, 1080, 60),
    "4k": (3840, 2160, 60),
}
FORMATS = ("mp4", "gif", "webm")
# A GIF counts each frame's delay in hundredths of a second, and browsers slow delays under 2/100 s
# down to 1/10 s: these are the rates it plays exactly, and the one each quality takes.
GIF_RATES = (1, 2, 4, 5, 10, 20, 25, 50)
GIF_DEFAULT_RATES = {"low": 10, "medium": 25, "high": 50, "4k": 50}
