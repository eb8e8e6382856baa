"""The emulator's server-side rate limiter (shared by any emulated API that has one)."""

from __future__ import annotations

from pulumi_resellertenant.emulator.ratelimit import SlidingWindowLimiter


def test_the_sliding_window_frees_slots_as_they_age() -> None:
    """The limiter's arithmetic with a fake clock (a minute of real time is too long to wait)."""
    now = [1000.0]
    limiter = SlidingWindowLimiter(window_seconds=60, clock=lambda: now[0])
    assert limiter.acquire("k", 3) is None  # t=1000
    now[0] = 1010.0
    assert limiter.acquire("k", 3) is None
    assert limiter.acquire("k", 3) is None
    assert limiter.acquire("k", 3) == 50  # the t=1000 slot frees at t=1060
    now[0] = 1059.5
    assert limiter.acquire("k", 3) == 1  # rounded up, never 0
    assert limiter.acquire("other", 3) is None  # per key
    now[0] = 1060.0
    assert limiter.acquire("k", 3) is None  # exactly one slot freed
    assert limiter.acquire("k", 3) == 10  # next: the t=1010 slots, at 1070
    now[0] = 1070.0
    assert limiter.acquire("k", 3) is None
    assert limiter.acquire("k", 3) is None
    assert limiter.acquire("k", 3) == 50
    assert limiter.acquire("k", 0) is None  # 0 disables
    limiter.reset()
    assert limiter.acquire("k", 1) is None
