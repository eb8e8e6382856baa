"""The sliding-window limiter, on a fake clock so every wait is exact."""

from __future__ import annotations

import threading
import time
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fake_clock import FakeClock
from pulumi_resellertenant.core import _ratelimit as ratelimit
from pulumi_resellertenant.core._ratelimit import RateLimiter, shared_rate_limiter
from pulumi_resellertenant.core._settings import Account, load_settings
from pulumi_resellertenant.mailbux import MAILBUX


def limiter(limit: int, window: float, clock: FakeClock) -> RateLimiter:
    return RateLimiter(limit, window, clock=clock, sleep=clock.sleep)


def test_a_run_within_the_limit_never_waits() -> None:
    clock = FakeClock()
    pacer = limiter(60, 60.0, clock)
    assert [pacer.reserve() for _ in range(60)] == [0.0] * 60


def test_past_the_limit_each_request_waits_for_the_oldest_to_leave_the_window() -> None:
    clock = FakeClock()
    pacer = limiter(3, 60.0, clock)
    for _ in range(3):
        pacer.acquire()
        clock.now += 1.0  # sent at 1000, 1001, 1002
    # Now 1003: the fourth may go at 1060, the fifth at 1061, the sixth at 1062.
    assert [pacer.reserve() for _ in range(3)] == [57.0, 58.0, 59.0]
    # The seventh waits for the fourth's slot (1060) to leave the window: 1120.
    assert pacer.reserve() == 117.0


def test_acquire_sleeps_until_its_slot() -> None:
    clock = FakeClock()
    pacer = limiter(2, 10.0, clock)
    for _ in range(5):
        assert pacer.acquire() is True
    assert clock.sleeps == [10.0, 10.0]  # two at 1000, two at 1010, the fifth at 1020
    assert clock.now == 1020.0


def test_after_an_idle_window_the_full_limit_is_available_again() -> None:
    clock = FakeClock()
    pacer = limiter(5, 60.0, clock)
    for _ in range(5):
        pacer.reserve()
    clock.now += 60.0
    assert [pacer.reserve() for _ in range(5)] == [0.0] * 5
    assert pacer.reserve() == 60.0


def test_reserve_refuses_a_wait_too_long_and_takes_nothing() -> None:
    clock = FakeClock()
    pacer = limiter(1, 60.0, clock)
    assert pacer.reserve() == 0.0
    assert pacer.reserve(max_wait=59.0) is None
    assert pacer.reserve(max_wait=60.0) == 60.0  # the refused call did not take this slot


def test_acquire_refuses_without_sleeping() -> None:
    clock = FakeClock()
    pacer = limiter(1, 60.0, clock)
    assert pacer.acquire() is True
    assert pacer.acquire(max_wait=1.0) is False
    assert clock.sleeps == []


@pytest.mark.parametrize(("limit", "window"), [(0, 60.0), (-5, 60.0), (60, 0.0), (60, -1.0)])
def test_invalid_parameters(limit: int, window: float) -> None:
    with pytest.raises(ValueError, match=r"limit|window"):
        RateLimiter(limit, window)


@given(
    limit=st.integers(1, 20),
    gaps=st.lists(st.floats(0.0, 30.0, allow_nan=False), min_size=1, max_size=80),
)
def test_no_window_ever_holds_more_than_the_limit(limit: int, gaps: list[float]) -> None:
    """Whatever the arrival pattern, the send times keep the limit, and none is later than
    the limit requires (each wait either is zero or ends exactly as a slot frees)."""
    clock = FakeClock()
    pacer = limiter(limit, 60.0, clock)
    arrived: list[float] = []
    sent: list[float] = []
    for gap in gaps:
        clock.now += gap
        wait = pacer.reserve()
        assert wait is not None
        arrived.append(clock.now)
        sent.append(clock.now + wait)
    assert all(a <= b for a, b in pairwise(sent))
    assert all(sent[i] - sent[i - limit] >= 60.0 - 1e-9 for i in range(limit, len(sent)))
    for i, at in enumerate(sent):
        earliest = arrived[i] if i < limit else max(arrived[i], sent[i - limit] + 60.0)
        assert at == pytest.approx(earliest)


def test_threads_get_distinct_slots() -> None:
    """8 threads x 25 reservations against a frozen clock: no slot is lost or given twice."""
    clock = FakeClock()
    pacer = limiter(10, 1.0, clock)
    threads, per_thread = 8, 25
    waits: list[float] = []
    lock = threading.Lock()
    barrier = threading.Barrier(threads)

    def work() -> None:
        barrier.wait()
        mine = [pacer.reserve() for _ in range(per_thread)]
        with lock:
            waits.extend(w for w in mine if w is not None)

    workers = [threading.Thread(target=work) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=10)
    # Ten slots per second: ten at +0 s, ten at +1 s, ... twenty seconds for 200.
    expected = sorted(float(k // 10) for k in range(threads * per_thread))
    assert sorted(waits) == expected


def test_real_clock_paces_briefly() -> None:
    # The one real-time check: 2 per 0.1 s lets the first two through at once, then waits.
    pacer = RateLimiter(2, 0.1)
    started = time.monotonic()
    for _ in range(3):
        assert pacer.acquire(max_wait=1.0) is True
    elapsed = time.monotonic() - started
    assert 0.09 <= elapsed < 0.9


# --- the process-wide registry -------------------------------------------------------------


def account(url: str, key: str) -> Account:
    return load_settings(MAILBUX, None, {"MAILBUX_API_KEY": key, "MAILBUX_BASE_URL": url}).account


def test_shared_limiter_is_one_per_account_and_follows_its_limit() -> None:
    url = "https://shared.test.invalid"
    first = shared_rate_limiter(account(url, "key-one-abcdef"), 60)
    assert shared_rate_limiter(account(url, "key-one-abcdef"), 60) is first
    assert shared_rate_limiter(account(url, "key-two-abcdef"), 60) is not first
    assert shared_rate_limiter(account(url + "/other", "key-one-abcdef"), 60) is not first
    assert (first.limit, first.window) == (60, 60.0)
    assert shared_rate_limiter(account(url, "key-one-abcdef"), 30).limit == 30


def test_shared_limiter_registry_never_holds_the_key() -> None:
    secret = "registry-secret-key-0987654321"
    shared_rate_limiter(account("https://registry.test.invalid", secret), 60)
    assert secret not in repr(ratelimit._registry)
    assert all(secret not in str(key) for key in ratelimit._registry)


def test_shared_limiter_is_thread_safe() -> None:
    results: list[RateLimiter] = []
    barrier = threading.Barrier(8)

    def work() -> None:
        barrier.wait()
        results.append(shared_rate_limiter(account("https://race.test.invalid", "race-key"), 60))

    workers = [threading.Thread(target=work) for _ in range(8)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=10)
    assert len(results) == 8
    assert len({id(r) for r in results}) == 1
