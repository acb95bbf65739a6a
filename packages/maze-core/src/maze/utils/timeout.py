"""A time limit for a block of code (``with Timeout(seconds=5): ...``)."""

from __future__ import annotations

import signal
import threading
from types import FrameType
from typing import Any


class Timeout:
    """Timeout context manager: fires a ``TimeoutError`` after the given number of seconds elapsed.

    Example::

        with Timeout(seconds=60):
            run_experiment()          # TimeoutError if it takes longer than a minute

    It uses the ``SIGALRM`` interval timer, so it works in the main thread of Unix processes only (the signal
    interrupts blocking calls such as ``time.sleep``). An enclosing timer and signal handler are restored on exit.

    :param seconds: the time limit (> 0; fractions of seconds are allowed).
    :param error_message: the message of the raised ``TimeoutError``.
    """

    def __init__(self, seconds: float, error_message: str | None = None) -> None:
        if not float(seconds) > 0:
            raise ValueError(f"Timeout: seconds must be > 0, got {seconds}")
        self.seconds = float(seconds)
        self.error_message = error_message or f"timed out after {self.seconds:g} seconds"
        self._previous_handler: Any = None
        self._previous_timer: tuple[float, float] = (0.0, 0.0)

    def _handle_timeout(self, signum: int, frame: FrameType | None) -> None:
        raise TimeoutError(self.error_message)

    def __enter__(self) -> Timeout:
        if not hasattr(signal, "SIGALRM"):
            raise RuntimeError("Timeout needs signal.SIGALRM, which this platform does not have (Windows)")
        if threading.current_thread() is not threading.main_thread():
            raise RuntimeError("Timeout works in the main thread only (it relies on SIGALRM)")
        self._previous_handler = signal.signal(signal.SIGALRM, self._handle_timeout)
        self._previous_timer = signal.setitimer(signal.ITIMER_REAL, self.seconds)
        return self

    def __exit__(self, *exc: Any) -> None:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, self._previous_handler)
        remaining, interval = self._previous_timer
        if remaining > 0:  # an enclosing Timeout keeps running (its time spent in this block is not refunded)
            signal.setitimer(signal.ITIMER_REAL, remaining, interval)
