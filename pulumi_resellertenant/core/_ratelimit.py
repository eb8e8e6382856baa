"""Client-side pacing: at most N requests in any rolling window, shared by every thread.

A ``pulumi up`` runs resource operations on several threads that all use one API key. Pacing
them here keeps the process under the API's limit instead of collecting 429 answers.

The limit is enforced as the APIs state it ("60 requests per minute"): no window of
``window`` seconds ever holds more than ``limit`` requests, and each request goes as early as
that allows. A small run is never slowed down; a large one sends ``limit`` requests, then each
further one as the oldest leaves the window. (Even spacing, as a token bucket does it, would
make a 30-request run wait half a minute under a 60/min limit for no gain.)
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable

from ._settings import Account

__all__ = ["RateLimiter", "shared_rate_limiter"]


class RateLimiter:
    """Thread-safe sliding-window limiter. Each caller reserves its send time under a short
    lock, then sleeps outside it, so waiting threads are served in the order they arrived."""

    def __init__(
        self,
        limit: int,
        window: float = 60.0,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if limit < 1:
            raise ValueError("limit must be at least 1")
        if window <= 0:
            raise ValueError("window must be positive")
        self.limit = limit
        self.window = window
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        # Send times of the last `limit` reservations, oldest first; never decreasing.
        self._sent: deque[float] = deque(maxlen=limit)

    def reserve(self, max_wait: float | None = None) -> float | None:
        """Take the earliest send time the limit allows and return how long to wait for it,
        or None (taking nothing) when that wait would exceed ``max_wait``."""
        with self._lock:
            now = self._clock()
            at = now
            if len(self._sent) == self.limit:
                # The new request may go once the oldest of the last `limit` leaves the window.
                at = max(now, self._sent[0] + self.window)
            if max_wait is not None and at - now > max_wait:
                return None
            self._sent.append(at)
            return at - now

    def acquire(self, max_wait: float | None = None) -> bool:
        """Wait for a slot; False (without waiting) when it would take longer than max_wait."""
        wait = self.reserve(max_wait)
        if wait is None:
            return False
        if wait > 0:
            self._sleep(wait)
        return True


_registry: dict[Account, RateLimiter] = {}
_registry_lock = threading.Lock()


def shared_rate_limiter(account: Account, requests_per_minute: int) -> RateLimiter:
    """The process-wide limiter of one account (the API counts per key); a changed rate
    replaces it."""
    with _registry_lock:
        limiter = _registry.get(account)
        if limiter is None or limiter.limit != requests_per_minute:
            limiter = _registry[account] = RateLimiter(requests_per_minute, 60.0)
        return limiter
