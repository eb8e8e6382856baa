"""A point in time by which a whole operation must be done."""

from __future__ import annotations

import time
from collections.abc import Callable

__all__ = ["Deadline"]


class Deadline:
    """Pulumi cannot cancel a dynamic provider call (``custom_timeouts`` is ignored and
    Ctrl-C does not stop a call in flight), so every operation bounds itself with one."""

    def __init__(self, seconds: float, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.seconds = seconds
        self._clock = clock
        self._end = clock() + seconds

    def remaining(self) -> float:
        return max(0.0, self._end - self._clock())

    def expired(self) -> bool:
        return self.remaining() <= 0.0

    def sleep(self, seconds: float) -> None:
        """Wait ``seconds`` before trying again, but never past the deadline."""
        time.sleep(max(0.0, min(seconds, self.remaining())))
