"""Server-side sliding-window rate limit, for APIs that document one (say 60 a minute per key)."""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable


class SlidingWindowLimiter:
    """At most `limit` accepted requests per key in any `window` seconds.

    Only accepted requests enter the window: a client that keeps knocking while limited does not
    push its own recovery further away. Keys are owner fingerprints, never raw API keys.
    """

    def __init__(
        self, window_seconds: float = 60.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._window = window_seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._hits: dict[str, deque[float]] = {}

    def acquire(self, key: str, limit: int) -> int | None:
        """Record a request; None if accepted, else whole seconds (>= 1) until a slot frees."""
        if limit <= 0:
            return None
        now = self._clock()
        with self._lock:
            hits = self._hits.setdefault(key, deque())
            while hits and hits[0] <= now - self._window:
                hits.popleft()
            if len(hits) < limit:
                hits.append(now)
                return None
            # The slot that frees first belongs to the limit-th most recent accepted request.
            frees_at = hits[len(hits) - limit] + self._window
            return max(1, math.ceil(frees_at - now))

    def reset(self) -> None:
        with self._lock:
            self._hits.clear()
