"""Offline voices: piper and espeak-ng speak, the cache spares a second synthesis, the narrator works aside."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest

import nnscratch.files as files
from scenes.narration import speech
from scenes.narration.speech import EspeakTTS, Narrator, PiperTTS, SpeechCache, VoiceUnavailable, choose_voice

SENTENCE = "The network has four inputs, six hidden units, and one output."


class CountingVoice:
    """A stand-in engine that records every synthesis call."""

    name = "fake"
    model_id = "fake-1"
    sample_rate = 8000

    def __init__(self, delay: float = 0.0) -> None:
        self.calls: list[str] = []
        self.delay = delay

    def synthesize(self, text: str) -> np.ndarray:
        self.calls.append(text)
        time.sleep(self.delay)
        return np.full(len(text) * 10, 0.25, dtype=np.float32)


def rms(samples: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.square(samples, dtype=np.float64))))


# -- choose_voice --


def test_none_and_unknown() -> None:
    assert choose_voice("none") is None
    with pytest.raises(ValueError, match="unknown voice"):
        choose_voice("festival")


def test_both_engines_installed() -> None:
    assert isinstance(choose_voice("piper"), PiperTTS)
    assert isinstance(choose_voice("espeak"), EspeakTTS)
    assert isinstance(choose_voice("auto"), PiperTTS)


def test_missing_espeak_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(VoiceUnavailable, match="espeak-ng"):
        choose_voice("espeak")


def test_missing_piper_falls_back(monkeypatch: pytest.MonkeyPatch) -> None:
    real_find_spec = speech.importlib.util.find_spec
    monkeypatch.setattr(
        speech.importlib.util,
        "find_spec",
        lambda name, *a: None if name == "piper" else real_find_spec(name, *a),
    )
    with pytest.raises(VoiceUnavailable, match="piper-tts"):
        choose_voice("piper")
    assert isinstance(choose_voice("auto"), EspeakTTS)
    monkeypatch.setattr(shutil, "which", lambda name: None)
    assert choose_voice("auto") is None


def test_voice_unavailable_is_a_value_error() -> None:
    assert issubclass(VoiceUnavailable, ValueError)


# -- engines --


@pytest.mark.parametrize("name", ["piper", "espeak"])
def test_engine_speaks(name: str) -> None:
    voice = choose_voice(name)
    assert voice is not None
    samples = voice.synthesize(SENTENCE)
    seconds = samples.size / voice.sample_rate
    assert samples.dtype == np.float32 and samples.ndim == 1
    assert np.abs(samples).max() <= 1.0
    # About 11 words: a person takes roughly 3 to 6 seconds.
    assert 2.0 < seconds < 8.0, seconds
    assert rms(samples) > 0.02


def test_piper_two_sentences_get_a_pause() -> None:
    voice = PiperTTS()
    one = voice.synthesize("First sentence here.")
    two = voice.synthesize("First sentence here. Second one.")
    assert two.size > one.size + speech.SENTENCE_GAP_SECONDS * voice.sample_rate


def test_piper_model_loaded_once(monkeypatch: pytest.MonkeyPatch) -> None:
    import onnxruntime

    made = []
    session = onnxruntime.InferenceSession

    def counted(*args, **kwargs):
        made.append(args[0])
        return session(*args, **kwargs)

    speech._load_piper.cache_clear()
    monkeypatch.setattr(onnxruntime, "InferenceSession", counted)
    first, second = PiperTTS(), PiperTTS()
    assert first.synthesize("One.").size > 0 and second.synthesize("Two.").size > 0
    assert len(made) == 1  # two voices, three sentences: the model was read and set up once
    speech._load_piper.cache_clear()


# -- cache --


def test_cache_hit_does_not_synthesize_again(tmp_path: Path) -> None:
    voice = CountingVoice()
    cache = SpeechCache(tmp_path)
    first = cache.synthesize(voice, "hello there")
    second = cache.synthesize(voice, "hello there")
    again_in_new_process_view = SpeechCache(tmp_path).synthesize(voice, "hello there")
    assert voice.calls == ["hello there"]
    np.testing.assert_array_equal(first, second)
    np.testing.assert_array_equal(first, again_in_new_process_view)


def test_cache_key_is_voice_model_and_exact_text(tmp_path: Path) -> None:
    voice = CountingVoice()
    cache = SpeechCache(tmp_path)
    cache.synthesize(voice, "hello")
    cache.synthesize(voice, "hello ")
    other_model = CountingVoice()
    other_model.model_id = "fake-2"
    cache.synthesize(other_model, "hello")
    assert voice.calls == ["hello", "hello "]
    assert other_model.calls == ["hello"]
    assert len(list(tmp_path.glob("*.npy"))) == 3


def test_cache_leaves_no_temp_files(tmp_path: Path) -> None:
    SpeechCache(tmp_path).synthesize(CountingVoice(), "tidy")
    assert [p.suffix for p in tmp_path.iterdir()] == [".npy"]


def test_an_unwritable_cache_only_costs_a_second_synthesis(tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("a file where the cache folder would go")
    voice = CountingVoice()
    cache = SpeechCache(blocked / "speech")
    assert cache.synthesize(voice, "still speaks").size == len("still speaks") * 10
    cache.synthesize(voice, "still speaks")
    assert voice.calls == ["still speaks", "still speaks"]


def test_an_unwritable_cache_is_said_once(tmp_path: Path, capfd, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(files, "_told", set())
    (tmp_path / "file").write_text("a file where the cache folder would go")
    cache, voice = SpeechCache(tmp_path / "file" / "speech"), CountingVoice()
    cache.synthesize(voice, "one")
    cache.synthesize(voice, "two")
    said = [line for line in capfd.readouterr().err.splitlines() if line]
    assert said == [f"warning: speech is not cached (cannot write into {tmp_path / 'file' / 'speech'}: "
                    f"{tmp_path / 'file'} is not a folder); the next render synthesizes it again"]


def test_a_fifo_at_a_cache_path_is_a_miss_not_a_wait(tmp_path: Path) -> None:
    voice, cache = CountingVoice(), SpeechCache(tmp_path)
    path = cache.path_for(voice, "x")
    os.mkfifo(path)
    result = {}
    reader = threading.Thread(target=lambda: result.setdefault("samples", cache.synthesize(voice, "x")), daemon=True)
    reader.start()
    reader.join(30)
    if reader.is_alive():  # a regression: free the reader (opening to write releases it), then fail
        os.close(os.open(path, os.O_WRONLY | os.O_NONBLOCK))
        pytest.fail("the cache waited on a FIFO")
    assert result["samples"].size == 10 and voice.calls == ["x"] and path.is_fifo()


def test_damaged_cache_file_is_a_miss(tmp_path: Path) -> None:
    voice, cache = CountingVoice(), SpeechCache(tmp_path)
    cache.path_for(voice, "x").parent.mkdir(parents=True, exist_ok=True)
    cache.path_for(voice, "x").write_bytes(b"half a fi")
    assert cache.synthesize(voice, "x").size == 10
    assert voice.calls == ["x"]


def test_concurrent_writers_and_readers(tmp_path: Path) -> None:
    """Readers racing writers see a whole array or nothing, never a torn one."""
    voice, cache = CountingVoice(), SpeechCache(tmp_path)
    bad: list[object] = []

    def write() -> None:
        for _ in range(50):
            cache.put(voice, "race", np.ones(20000, dtype=np.float32))

    def read() -> None:
        for _ in range(200):
            got = cache.get(voice, "race")
            if got is not None and (got.size != 20000 or not np.all(got == 1)):
                bad.append(got)

    threads = [threading.Thread(target=f) for f in (write, write, read, read)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert bad == []


def test_default_cache_dir_follows_xdg(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert SpeechCache().folder == tmp_path / "nnscratch" / "speech"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert SpeechCache().folder == Path.home() / ".cache" / "nnscratch" / "speech"


# -- narrator --


def test_narrator_works_in_background(tmp_path: Path) -> None:
    voice = CountingVoice(delay=0.3)
    with Narrator(voice, SpeechCache(tmp_path)) as narrator:
        started = time.perf_counter()
        future = narrator.request("in the background")
        assert time.perf_counter() - started < 0.1  # request() does not block
        assert narrator.request("in the background") is future
        samples = future.result(timeout=5)
    assert samples.size == len("in the background") * 10
    assert voice.calls == ["in the background"]


def test_narrator_with_piper_uses_cache(tmp_path: Path) -> None:
    voice = PiperTTS()
    with Narrator(voice, SpeechCache(tmp_path)) as narrator:
        samples = narrator.request("Hello.").result(timeout=60)
    assert rms(samples) > 0.02
    assert SpeechCache(tmp_path).get(voice, "Hello.") is not None


def test_piper_leaves_the_temp_folder_as_it_found_it(tmp_path: Path) -> None:
    # onnxruntime's telemetry writes a .ses file into TMPDIR when it is imported.
    temp, cache = tmp_path / "temp", tmp_path / "cache"
    temp.mkdir()
    code = "from scenes.narration.speech import choose_voice; print(len(choose_voice('piper').synthesize('Hello.')) > 0)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                            env={**os.environ, "TMPDIR": str(temp), "XDG_CACHE_HOME": str(cache)},
                            cwd=Path(__file__).resolve().parent.parent)
    assert result.stdout.strip() == "True", result.stderr
    assert list(temp.iterdir()) == []
