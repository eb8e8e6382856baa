"""Coalesced tenant listings: one list request serves every read of a deployment.

A refresh reads every tenant of a stack at once. Asking the API once per tenant costs N
requests (for Mailbux, N lists of all N tenants), and the APIs admit 60 a minute. So each
client keeps the latest listing of its account and every read takes its tenant from it:

- A listing serves a caller only if it *started* after the moment the caller names
  (``taken_after``): after the client's last write for a read, so it shows every change this
  process made; after its POST returned for a create looking up its new tenant's id.
- Single flight: callers that arrive while a suitable listing is in flight wait for it.
- A listing is reused for ``max_age`` seconds at most: a provider process serves one
  deployment, and no listing outlives a few seconds of it.

The ids every listing showed are remembered with the time they were first seen, so a create
whose answer was lost can tell the tenants that existed before its POST from new ones.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Generic, TypeVar

__all__ = ["Listing", "Listings"]

T = TypeVar("T")

DEFAULT_MAX_AGE = 10.0
"""Seconds a finished listing keeps serving: a refresh's reads all arrive within them."""


@dataclass(frozen=True)
class Listing(Generic[T]):
    """The account's tenants by id, as one listing (all its pages) showed them."""

    started: float
    finished: float
    tenants: Mapping[str, T]


@dataclass
class _Flight(Generic[T]):
    """A listing in flight, which later callers may wait for."""

    started: float
    done: threading.Event = field(default_factory=threading.Event)
    listing: Listing[T] | None = None
    error: BaseException | None = None

    def result(self) -> Listing[T]:
        self.done.wait()
        if self.error is not None:
            raise self.error
        assert self.listing is not None
        return self.listing


class Listings(Generic[T]):
    """One account's listings in this process; thread-safe."""

    def __init__(
        self,
        *,
        max_age: float = DEFAULT_MAX_AGE,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.max_age = max_age
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()  # never held across a network call
        self._latest: Listing[T] | None = None
        self._flight: _Flight[T] | None = None
        self._first_seen: dict[str, float] = {}
        self._first_finished: float | None = None

    def now(self) -> float:
        return self._clock()

    def get(
        self,
        fetch: Callable[[], Mapping[str, T]],
        *,
        taken_after: float,
        gather: float = 0.0,
    ) -> Listing[T]:
        """A listing started at or after ``taken_after``: the latest one when it qualifies
        and is fresh, the one in flight when it qualifies, else a new one by ``fetch``.

        ``gather``: seconds a new listing waits before it starts, so callers arriving just
        after (creates whose POSTs return together) share it. ``fetch``'s errors reach every
        caller waiting for that listing.
        """
        with self._lock:
            now = self._clock()
            latest = self._latest
            if (
                latest is not None
                and latest.started >= taken_after
                and now - latest.finished <= self.max_age
            ):
                return latest
            flight = self._flight
            if flight is not None and flight.started >= taken_after:
                owner = False
            else:
                flight = self._flight = _Flight(started=now + gather)
                owner = True
        if not owner:
            return flight.result()
        return self._fly(flight, fetch)

    def _fly(self, flight: _Flight[T], fetch: Callable[[], Mapping[str, T]]) -> Listing[T]:
        wait = flight.started - self._clock()
        if wait > 0:
            self._sleep(wait)
        try:
            tenants = dict(fetch())
            listing = Listing(flight.started, self._clock(), tenants)
            self._record(listing)
            flight.listing = listing
            return listing
        except BaseException as error:
            flight.error = error
            raise
        finally:
            with self._lock:
                if self._flight is flight:
                    self._flight = None
            flight.done.set()  # after .listing or .error is set: waiters read one of them

    def _record(self, listing: Listing[T]) -> None:
        with self._lock:
            if self._latest is None or listing.started >= self._latest.started:
                self._latest = listing
            for id_ in listing.tenants:
                self._first_seen.setdefault(id_, listing.finished)
            if self._first_finished is None:
                self._first_finished = listing.finished

    def seen_before(self, moment: float) -> frozenset[str] | None:
        """Ids some listing finished before ``moment`` showed; None when no listing had
        finished by then (nothing is known about what existed)."""
        with self._lock:
            if self._first_finished is None or self._first_finished >= moment:
                return None
            return frozenset(id_ for id_, seen in self._first_seen.items() if seen < moment)
