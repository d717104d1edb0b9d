"""A signal's stop while a scene renders waits for the next frame (scenes.camera.stopping): raised from the
handler, it once landed inside the encoder queue's lock and the render never exited."""
import signal

import pytest

from scenes.camera import stopping


def test_outside_a_render_a_stop_is_not_deferred():
    assert stopping.deferred(signal.SIGHUP) is False
    stopping.stop_if_asked()  # nothing asked: nothing raised


def test_inside_a_render_the_stop_is_raised_once_at_the_next_frame_with_its_signal():
    with stopping.between_frames():
        assert stopping.deferred(signal.SIGHUP) is True
        with pytest.raises(KeyboardInterrupt) as raised:
            stopping.stop_if_asked()
        assert raised.value.signum == signal.SIGHUP
        stopping.stop_if_asked()  # once: the cleanup's frames go on
    assert stopping.deferred(signal.SIGTERM) is False


def test_a_stop_left_unraised_does_not_outlive_its_render():
    with stopping.between_frames():
        stopping.deferred(signal.SIGINT)
    with stopping.between_frames():
        stopping.stop_if_asked()
