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
