"""The first three chapters (the task, the network, one neuron) told briefly, as the explainer tells them,
are no longer than they were before their redesign (tests/test_story.py holds them to the story's rules)."""
import pytest

from tests.timeline import run, told_as

pytestmark = pytest.mark.slow

# Seconds each chapter lasted told briefly on the digits before its redesign (the still timeline, words
# read at 15 characters a second): it may not grow, but for the network's edges, which have a sentence of
# their own so that the counts after them start with theirs (+1.7 s).
BRIEF_SECONDS = {"data": 19.0, "network": 19.9, "neuron": 21.27}


@pytest.mark.parametrize("chapter", BRIEF_SECONDS)
def test_the_brief_tellings_keep_their_length(chapter):
    scene = told_as(chapter, run("digits"), True)
    assert len(scene.told) >= 3  # a story was told, not an empty scene
    assert scene.time <= BRIEF_SECONDS[chapter] + 1e-6


@pytest.mark.parametrize("name", ["digits", "moons"])
def test_the_opening_sentence_is_said_over_the_examples_not_over_black(name):
    # The review heard the first sentence over a black frame for 1.3 s while the title was written alone.
    from scenes.chapters.catalogue import BY_NAME
    from tests.timeline import told

    history = run(name)
    record = BY_NAME["data"]

    class FirstPlay(record.scene_class(history)):
        def play(self, *animations, **kwargs) -> None:
            super().play(*animations, **kwargs)
            if not hasattr(self, "after_first"):
                self.after_first = set(self.get_mobject_family_members())

    scene = told(FirstPlay, history, **{**dict(record.told), "brief": True})
    first = scene.after_first
    assert scene.title in first
    pictures = scene.examples if name == "digits" else [scene.frame, scene.axes]
    assert all(part in first for part in pictures)
