"""The explainer: one run's whole story, told by the scenes in order, each a chapter.

A chapter is a scene that opens on a title card and closes with a fade to black, so the
chapters join without a cut mid-picture. ``catalogue.CHAPTERS`` is the story's order; ``--chapters``
picks from it by name.
"""
from __future__ import annotations

from manim import DOWN, UP, FadeIn, FadeOut, Rectangle, VGroup, config, linear

from nnscratch import TrainingHistory
from scenes.chapters.base import HistoryScene
from scenes.chapters.catalogue import Chapter
from scenes.mobjects.glyphs import Label

from scenes.mobjects.style import LABEL, MUTED

CARD_FADE = 0.6  # seconds for the title card to come and go
CARD_HOLD = 0.5  # and to stand between
CLOSING_FADE = 0.6  # a chapter's last picture fading to black
BLACK_HOLD = 0.25  # then black, for a frame or more


def blackout(scene: HistoryScene) -> Rectangle:
    """A sheet of the background's colour over the whole frame and above all of ``scene`` (the
    neurons are drawn above their edges), to fade in over a chapter's last picture: a film's fade
    to black. Fading every mobject out instead redraws them all at every frame (two seconds of
    480p for the nine frames of the backprop chapter's thousand glyphs), and shows what overlaps
    through what lies on it as they fade."""
    top = max(mobject.z_index for mobject in scene.get_mobject_family_members())
    return Rectangle(width=config.frame_width + 1, height=config.frame_height + 1, stroke_width=0,
                     fill_color=config.background_color, fill_opacity=1).set_z_index(top + 1)


def chapter_scene(chapter: Chapter, number: int, history: TrainingHistory) -> type[HistoryScene]:
    """``chapter``'s scene of ``history`` as chapter ``number``: a title card first, a fade to black last."""
    base = chapter.scene_class(history)

    class Told(base):
        ending_hold = 0.4  # the fade to black that follows is pause enough

        def construct(self) -> None:
            self.show_card()
            super().construct()

        def show_card(self) -> None:
            """The chapter's number and title, seen, not said: the chapter's first sentence follows at once.
            It drifts while it stands, so a card is never a still frame."""
            card = VGroup(Label(f"Part {number}", font_size=30, color=MUTED),
                          Label(chapter.title, font_size=60, color=LABEL)).arrange(DOWN, buff=0.3)
            self.play(FadeIn(card, shift=DOWN * 0.15), run_time=CARD_FADE)
            self.play(card.animate.scale(1.04), run_time=CARD_HOLD, rate_func=linear)
            self.play(FadeOut(card, shift=UP * 0.1), run_time=CARD_FADE)

        def finish(self) -> None:
            self.hold(self.ending_hold)
            if self.mobjects:
                self.play(FadeIn(blackout(self)), run_time=CLOSING_FADE)
            self.hold(BLACK_HOLD)  # a fade's last frame is not yet black: the seam falls in black

    Told.__name__ = Told.__qualname__ = f"{base.__name__}Chapter"
    return Told
