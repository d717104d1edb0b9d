"""Test-wide settings: synthesized speech is cached in a folder of the test run, not the user's cache."""
import pytest


@pytest.fixture(autouse=True, scope="session")
def speech_cache_of_the_test_run(tmp_path_factory):
    patch = pytest.MonkeyPatch()
    patch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("cache")))
    yield
    patch.undo()
