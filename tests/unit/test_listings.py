"""Coalesced listings: which listing serves whom, single flight, age, and what existed when."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from pulumi_resellertenant.core import Gathering, Listings
from support.fake_clock import FakeClock


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


def test_a_gathering_listing_waits_for_every_expected_caller_then_serves_them_all() -> None:
    listings: Listings[str] = Listings()
    api = Api()
    expected = 6
    rule = Gathering(ready=lambda callers: callers >= expected, quiet=0.01, longest=30)
    with ThreadPoolExecutor(max_workers=expected) as pool:
        first = pool.submit(listings.get, api.fetch, taken_after=0.0, gathering=rule)
        threading.Event().wait(0.2)  # the others arrive late: it keeps gathering
        assert api.calls == 0
        late = [
            pool.submit(listings.get, api.fetch, taken_after=listings.now(), gathering=rule)
            for _ in range(expected - 1)
        ]
        results = [first.result(5)] + [future.result(5) for future in late]
    # One list for all six, started after the last of them asked (so it shows what they wrote).
    assert api.calls == 1
    assert all(result is results[0] for result in results)


def test_a_gathering_listing_starts_after_its_longest_wait_if_callers_never_come() -> None:
    clock = FakeClock()
    listings: Listings[str] = Listings(clock=clock, sleep=clock.sleep)
    api = Api()
    opened = clock()
    rule = Gathering(ready=lambda callers: False, quiet=0.05, longest=2.0)
    listing = listings.get(api.fetch, taken_after=opened, gathering=rule)
    assert listing.started == pytest.approx(opened + 2.0, abs=0.01)
    assert api.calls == 1


def test_one_list_at_a_time_and_the_next_serves_every_caller_that_waited() -> None:
    listings: Listings[str] = Listings()
    api = Api()
    api.gate = threading.Event()
    overlapping: list[int] = []
    out = 0
    lock = threading.Lock()

    def fetch() -> dict[str, str]:
        nonlocal out
        with lock:
            out += 1
            overlapping.append(out)
        try:
            return api.fetch()
        finally:
            with lock:
                out -= 1

    with ThreadPoolExecutor(max_workers=5) as pool:
        first = pool.submit(listings.get, fetch, taken_after=0.0)
        assert api.entered.wait(5)
        # Four callers that need a listing begun after the one in flight: they share the next.
        after = listings.now() + 1e-6
        threading.Event().wait(0.01)
        later = [pool.submit(listings.get, fetch, taken_after=after) for _ in range(4)]
        threading.Event().wait(0.1)
        assert api.calls == 1  # the next one waits for the list in flight
        api.gate.set()
        listing = first.result(5)
        nexts = [future.result(5) for future in later]
    assert api.calls == 2
    assert max(overlapping) == 1
    assert all(n is nexts[0] and n is not listing for n in nexts)


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
