"""Client-side pacing: at most N requests in any rolling window, shared by every thread of the
process, by every process of the machine and, given a Redis URL, by several machines.

A ``pulumi up`` runs resource operations on several threads, its preview and its update are two
provider processes, and several stacks may deploy at once with one API key. All of them draw
from one window per account (``_pacing_stores``), so together they stay under the API's limit
instead of collecting 429 answers.

The limit is enforced as the APIs state it ("60 requests per minute"): no window holds more than
``limit`` requests, and each request goes as early as that allows. A small run is never slowed
down; a large one sends ``limit`` requests, then each further one a window after the answer of
the one it replaces (``_pacing`` says why the answer's time, not the send time). When the server
still answers 429 with a Retry-After, the whole window waits until then (``hold``).
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TypeVar

from ._account import Account
from ._pacing import Blocked, Decision, Granted, Refused, Window, hold, repair, reserve, settle
from ._pacing_stores import (
    Change,
    MemoryStore,
    PacingStoreError,
    RedisStore,
    SqliteStore,
    WindowStore,
)

__all__ = ["PacingStoreError", "RateLimiter", "Slot", "shared_rate_limiter"]

log = logging.getLogger("pulumi_resellertenant.pacing")

T = TypeVar("T")

MAX_HOLD = 120.0
"""Seconds a server's Retry-After holds an account's requests at most: the retry policy
fails a request told to wait longer at once (``RetryPolicy.max_retry_after``), so no
longer hold is real, and a corrupt one in a shared store cannot stop every request."""


@dataclass(frozen=True)
class Slot:
    """A request's place in the window; hand it back to ``settle`` once its answer arrived."""

    id: str


class RateLimiter:
    """Thread-safe sliding-window limiter over a window store. Threads of this process take
    their send times one after another, in the order they asked, then sleep without a lock."""

    def __init__(
        self,
        limit: int,
        window: float = 60.0,
        *,
        store: WindowStore | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        poll: float = 0.05,
    ) -> None:
        if limit < 1:
            raise ValueError("limit must be at least 1")
        if window <= 0:
            raise ValueError("window must be positive")
        self.limit = limit
        self.window = window
        self.store: WindowStore = store if store is not None else MemoryStore(clock)
        self._clock = clock
        self._sleep = sleep
        self._poll = poll
        self._queue = threading.Lock()

    def acquire(self, max_wait: float | None = None, *, lease: float | None = None) -> Slot | None:
        """Wait for a slot; None (without waiting) when it would take longer than max_wait.

        ``lease``: the longest the request can take to reach the server (by default one
        window); an unsettled slot counts as in flight until then.
        """
        granted = self._take(max_wait, lease)
        if granted is None:
            return None
        slot, wait = granted
        if wait > 0:
            self._sleep(wait)
        return slot

    def settle(self, slot: Slot) -> None:
        """The slot's answer arrived (or its attempt ended, whatever the outcome)."""
        self._quietly(lambda w, now: settle(w, now, slot=slot.id, span=self.window))

    def hold(self, seconds: float) -> None:
        """The server asked to wait ``seconds`` (Retry-After): nobody sharing the window sends
        before then."""
        if seconds > 0:
            seconds = min(seconds, MAX_HOLD)
            self._quietly(lambda w, now: hold(w, now, seconds=seconds, span=self.window))

    def _take(self, max_wait: float | None, lease: float | None) -> tuple[Slot, float] | None:
        slot = Slot(uuid.uuid4().hex[:16])
        lease = self.window if lease is None else lease
        started = self._clock()
        with self._queue:
            while True:
                budget = None if max_wait is None else max_wait - (self._clock() - started)

                def change(w: Window, now: float, budget: float | None = budget) -> Decision:
                    return reserve(
                        w,
                        now,
                        slot=slot.id,
                        limit=self.limit,
                        span=self.window,
                        lease=lease,
                        max_wait=budget,
                        poll=self._poll,
                    )

                decision = self._update(change)
                if isinstance(decision, Granted):
                    return slot, decision.wait
                if isinstance(decision, Refused):
                    return None
                assert isinstance(decision, Blocked)
                if budget is None:
                    self._sleep(decision.retry_in)
                elif budget <= 0:
                    return None  # the whole max_wait went on waiting for answers
                else:
                    self._sleep(min(decision.retry_in, budget))

    def _update(self, change: Change[T]) -> T:
        """Run ``change`` on the stored window, first dropping what no pacing can have
        stored there (``repair``): kept, it would hold every request for good."""

        def repaired(w: Window, now: float) -> tuple[T, list[str]]:
            dropped = repair(w, now, span=self.window, max_hold=MAX_HOLD)
            return change(w, now), dropped

        result, dropped = self.store.update(repaired)
        if dropped:
            log.warning(
                "pacing: %s held impossible values (%s); dropped them",
                self.store.description,
                ", ".join(dropped),
            )
        return result

    def _quietly(self, change: Callable[[Window, float], None]) -> None:
        # After the request: a failure to record it must not fail a request that was applied.
        try:
            self._update(change)
        except PacingStoreError as exc:
            log.warning("pacing: %s", exc)


@dataclass(frozen=True)
class _Entry:
    limiter: RateLimiter
    requests_per_minute: int
    redis_digest: str | None
    """A digest of the Redis URL, which may hold a password."""


_registry: dict[Account, _Entry] = {}
_registry_lock = threading.Lock()


def shared_rate_limiter(
    account: Account,
    requests_per_minute: int,
    *,
    redis_url: str | None = None,
    redis_setting: str = "redisUrl",
    environ: Mapping[str, str] | None = None,
) -> RateLimiter:
    """The process-wide limiter of one account (the API counts per key), over the account's
    machine-local window, or its Redis window when ``redis_url`` is given. A changed rate or
    URL replaces it.

    Raises ``PacingStoreError`` when Redis is asked for but its client is not installed. A
    machine-local file that cannot be kept falls back, with a warning, to this process alone.
    """
    redis_digest = hashlib.sha256(redis_url.encode()).hexdigest() if redis_url else None
    with _registry_lock:
        entry = _registry.get(account)
        if entry is not None and (entry.requests_per_minute, entry.redis_digest) == (
            requests_per_minute,
            redis_digest,
        ):
            return entry.limiter
        store = _store_for(account, redis_url, redis_setting, environ)
        limiter = RateLimiter(requests_per_minute, 60.0, store=store)
        _registry[account] = _Entry(limiter, requests_per_minute, redis_digest)
        return limiter


def _store_for(
    account: Account,
    redis_url: str | None,
    redis_setting: str,
    environ: Mapping[str, str] | None,
) -> WindowStore:
    if redis_url:
        return RedisStore.for_account(redis_url, account, redis_setting)
    try:
        return SqliteStore.for_account(account, environ)
    except PacingStoreError as exc:
        log.warning("pacing: no machine-local window (%s); pacing this process alone", exc)
        return MemoryStore(time.time)
