"""Coalesced listings: which listing serves whom, single flight, age, and what existed when."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from fake_clock import FakeClock
from pulumi_resellertenant.core import Listings


class Api:
    """A list endpoint that counts its calls; ``gate`` holds a call until released."""

    def __init__(self) -> None:
        self.calls = 0
        self.tenants = {"1": "one"}
        self.gate: threading.Event | None = None
        self.entered = threading.Event()

    def fetch(self) -> dict[str, str]:
        self.calls += 1
        self.entered.set()
        if self.gate is not None:
            self.gate.wait(5)
        return dict(self.tenants)


def test_a_listing_serves_every_caller_that_asks_for_one_taken_after_it_started() -> None:
    clock = FakeClock()
    listings: Listings[str] = Listings(clock=clock, sleep=clock.sleep)
    api = Api()
    first = listings.get(api.fetch, taken_after=float("-inf"))
    clock.sleep(1)
    assert listings.get(api.fetch, taken_after=first.started) is first
    assert api.calls == 1
    # A caller that needs a listing begun after it wrote gets a new one.
    newer = listings.get(api.fetch, taken_after=clock())
    assert (api.calls, newer.started > first.started) == (2, True)


def test_a_listing_is_not_reused_past_its_age() -> None:
    clock = FakeClock()
    listings: Listings[str] = Listings(max_age=10, clock=clock, sleep=clock.sleep)
    api = Api()
    listings.get(api.fetch, taken_after=float("-inf"))
    clock.sleep(10.5)
    listings.get(api.fetch, taken_after=float("-inf"))
    assert api.calls == 2


def test_concurrent_callers_wait_for_the_one_listing_in_flight() -> None:
    listings: Listings[str] = Listings()
    api = Api()
    api.gate = threading.Event()
    with ThreadPoolExecutor(max_workers=8) as pool:
        first = pool.submit(listings.get, api.fetch, taken_after=float("-inf"))
        assert api.entered.wait(5)
        others = [pool.submit(listings.get, api.fetch, taken_after=float("-inf")) for _ in range(7)]
        api.gate.set()
        results = [first.result(5)] + [other.result(5) for other in others]
    assert api.calls == 1
    assert all(result is results[0] for result in results)


def test_a_failed_listing_fails_its_waiters_and_the_next_caller_tries_again() -> None:
    listings: Listings[str] = Listings()
    gate = threading.Event()
    calls: list[int] = []

    def failing() -> dict[str, str]:
        calls.append(1)
        gate.wait(5)
        raise RuntimeError("list refused")

    with ThreadPoolExecutor(max_workers=2) as pool:
        first = pool.submit(listings.get, failing, taken_after=0.0)
        while not calls:
            threading.Event().wait(0.01)
        waiter = pool.submit(listings.get, failing, taken_after=0.0)
        gate.set()
        for future in (first, waiter):
            with pytest.raises(RuntimeError, match="list refused"):
                future.result(5)
    assert len(calls) == 1
    assert listings.get(lambda: {"1": "one"}, taken_after=0.0).tenants == {"1": "one"}


def test_gather_lets_callers_arriving_just_after_share_the_listing() -> None:
    clock = FakeClock()
    listings: Listings[str] = Listings(clock=clock, sleep=clock.sleep)
    api = Api()
    posted = clock()
    listing = listings.get(api.fetch, taken_after=posted, gather=0.1)
    # It started 0.1 s later than asked: a create whose POST returned meanwhile shares it.
    assert listing.started == pytest.approx(posted + 0.1)
    assert listings.get(api.fetch, taken_after=posted + 0.05) is listing
    assert api.calls == 1


def test_seen_before_tells_what_existed_before_a_moment() -> None:
    clock = FakeClock()
    listings: Listings[str] = Listings(clock=clock, sleep=clock.sleep)
    api = Api()
    assert listings.seen_before(clock()) is None  # nothing listed yet: unknown
    listings.get(api.fetch, taken_after=float("-inf"))
    clock.sleep(1)
    posted = clock()
    api.tenants["2"] = "two"
    clock.sleep(1)
    listings.get(api.fetch, taken_after=clock())
    assert listings.seen_before(posted) == {"1"}
    assert listings.seen_before(clock() + 1) == {"1", "2"}
