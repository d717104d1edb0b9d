"""The explainer: one run's whole story, told by the scenes in order, each a chapter.

A chapter is a scene that opens on a title card and closes with a fade to black, so the
chapters join without a cut mid-picture. ``CHAPTERS`` is the story's order; ``--chapters``
picks from it by name.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from manim import DOWN, FadeIn, FadeOut, Rectangle, VGroup, config

import scenes
from nnscratch import TrainingHistory
from nnscratch.datasets import what_it_learned
from scenes.chapters.base import HistoryScene
from scenes.mobjects.glyphs import Label
from scenes.narration.beats import Beat
from scenes.mobjects.style import LABEL, MUTED

CARD_FADE = 0.6  # seconds for the title card to come and go
CLOSING_FADE = 0.6  # a chapter's last picture fading to black
BLACK_HOLD = 0.25  # then black, for a frame or more


@dataclass(frozen=True)
class ChapterSpec:
    """How to make one chapter: its name for ``--chapters``, its title on the card and in the
    player's chapter list, and the scene (a name in ``scenes``) with its options."""

    name: str
    title: str
    scene: str
    options: dict = field(default_factory=lambda: {"brief": True})
    # Seconds to render it at 480p15 (the digits' default run, its speech cached): the chapters'
    # processes take the longest first, so no process is left with a long one at the end.
    weight: float = 5.0
    needs_learned: bool = False  # told only of a run whose learning can be drawn (what_it_learned)

    def tells(self, history: TrainingHistory) -> bool:
        """Whether this chapter has something to show of ``history``."""
        return not self.needs_learned or learned_kind(history) is not None

    def refusal(self) -> str:
        """Why this chapter cannot tell a run whose learning cannot be drawn."""
        return (f"the {self.name} chapter draws what the network learned, so it needs images (--dataset digits) "
                "or points in the plane with a hidden layer")

    def scene_class(self, history: TrainingHistory) -> type[HistoryScene]:
        return scenes.scene_for("features", history) if self.needs_learned else getattr(scenes, self.scene)


def learned_kind(history: TrainingHistory) -> str | None:
    return what_it_learned(history.dataset_name, history.layer_sizes)


CHAPTERS: tuple[ChapterSpec, ...] = (
    ChapterSpec("data", "The task", "DataScene", weight=3),
    ChapterSpec("network", "The network", "NetworkScene", weight=10),
    ChapterSpec("neuron", "One neuron", "NeuronScene", weight=6),
    ChapterSpec("forward", "The forward pass", "ForwardPassScene", weight=22),
    ChapterSpec("cost", "The cost", "CostScene", weight=6),
    ChapterSpec("backprop", "Backpropagation", "BackpropScene", weight=39),
    ChapterSpec("descent", "Gradient descent", "GradientDescentScene", weight=14),
    ChapterSpec("training", "Training", "TrainingScene", {"duration": 12.0, "brief": True}, weight=15),
    ChapterSpec("features", "What it learned", "FeaturesScene", needs_learned=True, weight=5),
    ChapterSpec("summary", "Summing up", "SummaryScene", weight=8),
)
CHAPTER_NAMES = tuple(spec.name for spec in CHAPTERS)


def chapter_specs(names: list[str] | None = None, history: TrainingHistory | None = None) -> list[ChapterSpec]:
    """The chapters called ``names``, in the story's order (for None, all that ``history`` has
    something for). A chapter named that cannot tell ``history`` is refused (ValueError)."""
    if names is None:
        return [spec for spec in CHAPTERS if history is None or spec.tells(history)]
    if history is not None:
        for spec in CHAPTERS:
            if spec.name in names and not spec.tells(history):
                raise ValueError(spec.refusal())
    unknown = [name for name in names if name not in CHAPTER_NAMES]
    if unknown:
        raise ValueError(f"no chapter {unknown[0]!r}; choose from {', '.join(CHAPTER_NAMES)}")
    if not names:
        raise ValueError("name at least one chapter")
    return [spec for spec in CHAPTERS if spec.name in names]


def blackout(scene: HistoryScene) -> Rectangle:
    """A sheet of the background's colour over the whole frame and above all of ``scene`` (the
    neurons are drawn above their edges), to fade in over a chapter's last picture: a film's fade
    to black. Fading every mobject out instead redraws them all at every frame (two seconds of
    480p for the nine frames of the backprop chapter's thousand glyphs), and shows what overlaps
    through what lies on it as they fade."""
    top = max(mobject.z_index for mobject in scene.get_mobject_family_members())
    return Rectangle(width=config.frame_width + 1, height=config.frame_height + 1, stroke_width=0,
                     fill_color=config.background_color, fill_opacity=1).set_z_index(top + 1)


def chapter_scene(spec: ChapterSpec, number: int, history: TrainingHistory) -> type[HistoryScene]:
    """``spec``'s scene of ``history`` as chapter ``number``: a title card first, a fade to black last."""
    base = spec.scene_class(history)

    class Chapter(base):
        ending_hold = 0.4  # the fade to black that follows is pause enough

        def script(self) -> list[Beat]:
            return [Beat(f"Part {number}: {spec.title}.", self.show_card), *super().script()]

        def show_card(self) -> None:
            card = VGroup(Label(f"Part {number}", font_size=30, color=MUTED),
                          Label(spec.title, font_size=60, color=LABEL)).arrange(DOWN, buff=0.3)
            self.play(FadeIn(card, shift=DOWN * 0.15), run_time=CARD_FADE)
            self.hold(self.beat_seconds() - CARD_FADE)
            self.play(FadeOut(card), run_time=CARD_FADE)

        def finish(self) -> None:
            self.hold(self.ending_hold)
            if self.mobjects:
                self.play(FadeIn(blackout(self)), run_time=CLOSING_FADE)
            self.hold(BLACK_HOLD)  # a fade's last frame is not yet black: the seam falls in black

    Chapter.__name__ = Chapter.__qualname__ = f"{base.__name__}Chapter"
    return Chapter
