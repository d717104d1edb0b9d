"""Videos inline in a notebook: ``show("training", epochs=300)`` renders and plays it in the cell.

The returned object speaks Jupyter's display protocol (``_repr_html_``) itself, so
nothing beyond the project's own dependencies is needed, IPython included.
"""
from __future__ import annotations

import base64
import html
import re
from dataclasses import dataclass
from pathlib import Path

from nnscratch import RunSpec, TrainingHistory, record_run
from nnscratch.files import new_folders
from scenes.output.render import RenderedVideo, ShowProgress, frame_settings, render

MEDIA = Path("media") / "videos" / "notebook"


@dataclass
class InlineVideo:
    """A rendered video that a notebook shows as a player (its bytes embedded in the page)."""

    video: RenderedVideo

    @property
    def path(self) -> Path:
        return self.video.path

    def _repr_html_(self) -> str:
        data = base64.b64encode(self.path.read_bytes()).decode("ascii")
        track = ""
        if self.video.subtitles is not None and self.video.subtitles.exists():
            srt = self.video.subtitles.read_text(encoding="utf-8")
            vtt = "WEBVTT\n\n" + re.sub(r"(\d\d:\d\d:\d\d),(\d\d\d)", r"\1.\2", srt)
            track = (f'<track kind="captions" srclang="en" label="English" default '
                     f'src="data:text/vtt;base64,{base64.b64encode(vtt.encode()).decode("ascii")}">')
        kind = "webm" if self.path.suffix == ".webm" else "mp4"
        return (f'<video controls width="{min(self.video.width, 854)}" title="{html.escape(self.path.name)}">'
                f'<source src="data:video/{kind};base64,{data}" type="video/{kind}">{track}</video>')

    def __repr__(self) -> str:
        return f"InlineVideo({str(self.path)!r}, {self.video.duration:.1f} s)"


def show(scene: str = "forward", history: TrainingHistory | None = None, *, quality: str = "low",
         voice: str = "none", output: str | Path | None = None, progress: ShowProgress | None = None,
         **run_options) -> InlineVideo:
    """Render ``scene`` (a name of ``nnscratch render``: forward, training, explainer, ...) of
    ``history``, or of a run trained now from ``run_options`` (RunSpec's fields, with the
    dataset's defaults for the rest; ``data="penguins.csv"`` trains on your own data, with its
    defaults), and return it for the notebook to play.

    It is written to ``output`` (default: media/videos/notebook/<scene>.mp4). ``voice`` is
    "none" by default, as a notebook plays muted; "auto", "piper" or "espeak" speak it.
    ``progress`` is shown the frames done and expected as the render goes (the dashboard's bar).
    """
    from scenes.chapters.catalogue import NAMES, default_dataset, scene_for
    from scenes.output.parallel import render_explainer
    from scenes.narration.speech import choose_voice

    if scene != "explainer" and scene not in NAMES:
        raise ValueError(f"no scene {scene!r}; choose one of {', '.join([*NAMES, 'explainer'])}")
    if history is None and run_options.get("data") is not None:
        if "dataset" in run_options:
            raise ValueError("data trains on your own data and dataset on a built-in set: give one of them")
        history = record_run(RunSpec.for_data(run_options.pop("data"), **run_options))
    elif history is None:
        dataset = run_options.pop("dataset", default_dataset(scene) or RunSpec.dataset)
        history = record_run(RunSpec.for_dataset(dataset, **run_options))
    elif run_options:
        raise ValueError(f"a recorded run is shown as it is, so {', '.join(run_options)} cannot change it")
    output = Path(output) if output is not None else MEDIA / f"{scene}.mp4"
    frame_settings(quality, None, output.suffix.lstrip(".") or "mp4", None)  # an unknown quality before any folder
    spoken = choose_voice(voice)
    with new_folders(output.parent):  # taken back if the render fails
        if scene == "explainer":
            video = render_explainer(history, output, quality=quality, voice=spoken, progress=progress)
        else:
            video = render(scene_for(scene, history), output, quality=quality, voice=spoken, history=history,
                           progress=progress)
    return InlineVideo(video)
