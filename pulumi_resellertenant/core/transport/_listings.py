"""Coalesced tenant listings: one list request serves every read of a deployment.

A refresh reads every tenant of a stack at once. Asking the API once per tenant costs N
requests (for Mailbux, N lists of all N tenants), and the APIs admit 60 a minute. So each
client keeps the latest listing of its account and every read takes its tenant from it:

- A listing serves a caller only if it *started* after the moment the caller names
  (``taken_after``): after the client's last write for a read, so it shows every change this
  process made; after its POST returned for a create looking up its new tenant's id.
- Single flight: callers that arrive while a suitable listing is in flight wait for it, and
  one list of an account is in flight at a time: a caller it cannot serve waits for the next.
- A new listing may gather callers before it starts (``Gathering``): the creates whose POSTs
  are in flight look their ids up in one list, not one list each.
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

__all__ = ["Gathering", "Listing", "Listings"]

T = TypeVar("T")

DEFAULT_MAX_AGE = 10.0
"""Seconds a finished listing keeps serving: a refresh's reads all arrive within them."""


@dataclass(frozen=True)
class Listing(Generic[T]):
    """The account's tenants by id, as one listing (all its pages) showed them."""

    started: float
    finished: float
    tenants: Mapping[str, T]


@dataclass(frozen=True)
class Gathering:
    """How long a new listing waits for more callers before it starts.

    It starts once ``ready(callers)`` holds (every caller it expects has joined) and nobody
    joined for ``quiet`` seconds, or ``longest`` seconds after it was opened, whichever
    comes first.
    """

    ready: Callable[[int], bool]
    quiet: float
    longest: float


_AT_ONCE = Gathering(ready=lambda callers: True, quiet=0.0, longest=0.0)
_POLL = 0.005
"""Seconds between looks at a gathering listing's callers."""


@dataclass
class _Flight(Generic[T]):
    """A listing gathering callers or in flight, which later callers may wait for."""

    opened: float
    gathering: Gathering
    callers: int = 1
    last_joined: float = 0.0
    started: float | None = None  # None while it gathers: it will serve any caller
    done: threading.Event = field(default_factory=threading.Event)
    listing: Listing[T] | None = None
    error: BaseException | None = None

    def serves(self, taken_after: float) -> bool:
        return self.started is None or self.started >= taken_after

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
        self._lock = threading.Lock()  # never held across a network call or a wait
        self._latest: Listing[T] | None = None
        self._flying: _Flight[T] | None = None  # its list request is out
        self._gathering: _Flight[T] | None = None  # the next one, not started yet
        self._first_seen: dict[str, float] = {}
        self._first_finished: float | None = None

    def now(self) -> float:
        return self._clock()

    def get(
        self,
        fetch: Callable[[], Mapping[str, T]],
        *,
        taken_after: float,
        gathering: Gathering | None = None,
    ) -> Listing[T]:
        """A listing started at or after ``taken_after``: the latest one when it qualifies
        and is fresh, the one in flight when it qualifies, the one gathering callers, else a
        new one by ``fetch`` (gathering callers as ``gathering`` says, and started only when
        the list in flight is done). ``fetch``'s errors reach every caller of that listing.
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
            joined = next(
                (f for f in (self._flying, self._gathering) if f and f.serves(taken_after)), None
            )
            if joined is not None:
                joined.callers += 1
                joined.last_joined = now
            else:
                flight = self._gathering = _Flight(
                    opened=now, gathering=gathering or _AT_ONCE, last_joined=now
                )
        if joined is not None:
            return joined.result()
        try:
            self._gather(flight)
        except BaseException as error:  # its callers must not wait for a list never sent
            with self._lock:
                if self._gathering is flight:
                    self._gathering = None
            flight.error = error
            flight.done.set()
            raise
        return self._fly(flight, fetch)

    def _gather(self, flight: _Flight[T]) -> None:
        """Wait until ``flight`` may start, then mark it flying."""
        rule = flight.gathering
        while True:
            with self._lock:
                now = self._clock()
                gathered = (
                    rule.ready(flight.callers) and now - flight.last_joined >= rule.quiet
                ) or now - flight.opened >= rule.longest
                if gathered and self._flying is None:
                    flight.started = now
                    self._flying = flight
                    self._gathering = None
                    return
                busy = self._flying
            if busy is not None and gathered:
                busy.done.wait()  # one list at a time: the next starts when it is done
            else:
                self._sleep(_POLL)

    def _fly(self, flight: _Flight[T], fetch: Callable[[], Mapping[str, T]]) -> Listing[T]:
        assert flight.started is not None
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
                if self._flying is flight:
                    self._flying = None
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
