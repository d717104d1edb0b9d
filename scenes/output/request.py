"""What one render asks for, as one typed record, and the one call that makes it: a chapter's video or
still, the explainer's, or a comparison's. The command line and the notebook build a request; this
room picks the renderer."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import manim

from nnscratch import TrainingHistory
from scenes.chapters.catalogue import BY_NAME
from scenes.narration.speech import Voice
from scenes.output.parallel import render_explainer, render_explainer_still
from scenes.output.render import RenderedVideo, ShowProgress, render, render_still


@dataclass(frozen=True)
class RenderRequest:
    """``video`` (a chapter's name, "explainer" or "compare") of ``history`` (a comparison's
    ``histories``), written to ``output``: a video at ``quality`` (``fps``, ``video_format``, spoken by
    ``voice``), or with ``still`` one PNG (the last frame, or the one that ends the sentence on screen
    at ``at`` seconds). ``options`` are the scene's own (a sample, an epoch, the chapters...)."""

    video: str
    output: Path
    history: TrainingHistory | None = None
    histories: list[TrainingHistory] | None = None
    quality: str = "high"
    fps: int | None = None
    video_format: str = "mp4"
    voice: Voice | None = None
    still: bool = False
    at: float | None = None
    options: dict = field(default_factory=dict)


def scene_class(request: RenderRequest) -> type[manim.Scene]:
    if request.video == "compare":
        from scenes.chapters.compare import CompareScene
        from scenes.chapters.compare_networks import NetworksCompareScene, shows_networks

        return NetworksCompareScene if shows_networks(request.histories or [], request.options.get("option")) \
            else CompareScene
    return BY_NAME[request.video].scene_class(request.history)


def make_still(request: RenderRequest) -> manim.Scene:
    """The still the request asks for, at its output; returns the scene in the state drawn (its
    ``video_time`` is where the frame is in the video, for the explainer's)."""
    if request.video == "explainer":
        return render_explainer_still(request.history, request.output, quality=request.quality, at=request.at,
                                      **request.options)
    return render_still(scene_class(request), request.output, quality=request.quality, at=request.at,
                        **runs(request), **request.options)


def make_video(request: RenderRequest, progress: ShowProgress | None = None, client=None) -> RenderedVideo:
    """The video the request asks for, at its output (and its captions beside it); an explainer's
    chapters as tasks of the Dask ``client``'s cluster when one is given."""
    settings = {"quality": request.quality, "fps": request.fps, "video_format": request.video_format,
                "voice": request.voice, "progress": progress}
    if request.video == "explainer":
        return render_explainer(request.history, request.output, **settings, **request.options, client=client)
    return render(scene_class(request), request.output, **settings, **runs(request), **request.options)


def runs(request: RenderRequest) -> dict:
    """The run a scene replays, or a comparison's runs, as the scene takes them."""
    return {"histories": request.histories} if request.histories is not None else {"history": request.history}
