"""A stop asked for by a signal while Manim renders, raised between two frames.

Raised from the signal handler itself, a stop can land inside the encoder queue's ``put``
after its lock is taken and before the ``with`` that would release it: the cleanup's
``put`` of the end marker then waits for that lock forever, and the process never exits
(seen once in the test suite: a SIGHUP'd render left running). While a scene renders the
handler only records the signal; the scene raises it when it next updates its mobjects,
a frame's start, where no lock is held.
"""
from __future__ import annotations

import contextlib
from collections.abc import Iterator

_rendering = 0  # scenes rendering in this process's main thread (0 or 1)
_asked: list[int] = []  # the signal that asked for a stop while one rendered


class StopRequested(KeyboardInterrupt):
    """A stop by signal ``signum``, raised at a frame's start."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


@contextlib.contextmanager
def between_frames() -> Iterator[None]:
    """While a scene renders: a signal's stop waits for the next frame."""
    global _rendering
    _rendering += 1
    try:
        yield
    finally:
        _rendering -= 1
        _asked.clear()


def deferred(signum: int) -> bool:
    """Record a stop by ``signum`` for the next frame, when a scene is rendering (True); else False."""
    if not _rendering:
        return False
    _asked.append(signum)
    return True


def stop_if_asked() -> None:
    """Raise the stop a signal asked for, once."""
    if _asked:
        signum = _asked[-1]
        _asked.clear()
        raise StopRequested(signum)
