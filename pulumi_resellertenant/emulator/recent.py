"""When each tenant was created, by this process's clock: what a lagging list leaves out.

The stored ``created_at`` is to the second and survives restarts; a list lag is milliseconds,
so creations are timed here, in memory. A tenant from before a restart counts as old.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable

MAX_LIST_LAG_MS = 3_600_000
"""The longest list lag a fault may ask for (an hour); older creations are forgotten."""


class RecentCreations:
    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._created: dict[Hashable, float] = {}  # in creation order

    def note(self, key: Hashable) -> None:
        with self._lock:
            now = self._clock()
            self._created.pop(key, None)
            self._created[key] = now
            # Oldest first: drop what no lag can hide any more, so memory stays bounded.
            horizon = now - MAX_LIST_LAG_MS / 1000
            expired = []
            for old, at in self._created.items():
                if at >= horizon:
                    break
                expired.append(old)
            for old in expired:
                del self._created[old]

    def newer_than(self, seconds: float) -> frozenset[Hashable]:
        """The keys created less than ``seconds`` ago."""
        with self._lock:
            now = self._clock()
            return frozenset(k for k, at in self._created.items() if now - at < seconds)

    def clear(self) -> None:
        with self._lock:
            self._created.clear()
