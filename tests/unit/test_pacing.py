"""The pacing window's arithmetic (``_pacing``): explicit times, no clock, no threads."""

from __future__ import annotations

import heapq
import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pulumi_resellertenant.core.pacing._pacing import (
    Blocked,
    Decision,
    Granted,
    Refused,
    Window,
    hold,
    repair,
    reserve,
    settle,
)

SPAN = 60.0
LEASE = 35.0


def take(
    window: Window, now: float, slot: str, limit: int, max_wait: float | None = None
) -> Decision:
    return reserve(window, now, slot=slot, limit=limit, span=SPAN, lease=LEASE, max_wait=max_wait)


def waits(decision: Decision) -> float:
    assert isinstance(decision, Granted)
    return decision.wait


def test_within_the_limit_nothing_waits() -> None:
    window = Window()
    assert [take(window, 1000.0, f"s{i}", 3) for i in range(3)] == [Granted(0.0)] * 3
    assert set(window.pending) == {"s0", "s1", "s2"}


def test_past_the_limit_a_request_goes_a_window_after_the_answer_it_replaces() -> None:
    window = Window()
    for i, answered in enumerate((1000.2, 1000.5, 1001.0)):
        take(window, 1000.0, f"s{i}", 3)
        settle(window, answered, slot=f"s{i}", span=SPAN)
    # The answer times count, not the send times: the server saw each request by then.
    assert window.done == [1000.2, 1000.5, 1001.0]
    assert waits(take(window, 1001.0, "s3", 3)) == pytest.approx(59.2)
    settle(window, 1060.3, slot="s3", span=SPAN)
    assert waits(take(window, 1060.3, "s4", 3)) == pytest.approx(0.2)  # 1000.5's window


def test_an_unanswered_request_counts_as_the_newest() -> None:
    window = Window()
    take(window, 1000.0, "a", 2)
    take(window, 1000.0, "b", 2)
    # Both in flight: the earliest send time is unknown until one answers.
    assert take(window, 1000.1, "c", 2) == Blocked(0.05)
    assert "c" not in window.pending
    settle(window, 1000.3, slot="a", span=SPAN)
    assert take(window, 1000.3, "c", 2) == Granted(60.0)


def test_blocked_refuses_when_even_the_earliest_possible_time_is_too_far() -> None:
    window = Window()
    take(window, 1000.0, "a", 1)
    assert take(window, 1000.0, "b", 1, max_wait=59.0) == Refused(60.0)
    assert take(window, 1000.0, "b", 1, max_wait=61.0) == Blocked(0.05)


def test_a_refused_request_takes_nothing() -> None:
    window = Window()
    take(window, 1000.0, "a", 1)
    settle(window, 1000.0, slot="a", span=SPAN)
    assert take(window, 1000.0, "b", 1, max_wait=59.0) == Refused(60.0)
    assert take(window, 1000.0, "c", 1, max_wait=60.0) == Granted(60.0)
    assert set(window.pending) == {"c"}


def test_a_slot_never_settled_counts_until_its_lease_ends() -> None:
    window = Window()
    take(window, 1000.0, "lost", 1)  # its process died before the answer
    assert isinstance(take(window, 1034.9, "next", 1), Blocked)
    # At the lease's end it counts as answered then: the latest it can have reached the server.
    assert take(window, 1035.0, "next", 1) == Granted(60.0)
    assert window.done == [1035.0]


def test_retry_after_holds_every_request_until_then() -> None:
    window = Window()
    hold(window, 1000.0, seconds=30.0, span=SPAN)
    assert take(window, 1000.0, "a", 10) == Granted(30.0)
    assert take(window, 1010.0, "b", 10) == Granted(20.0)
    assert take(window, 1000.0, "c", 10, max_wait=29.0) == Refused(30.0)
    hold(window, 1001.0, seconds=5.0, span=SPAN)  # a shorter hold does not shorten it
    assert window.hold_until == 1030.0


def test_a_hold_counts_the_window_from_its_end() -> None:
    window = Window()
    for i in range(2):
        take(window, 1000.0, f"s{i}", 2)
        settle(window, 1000.0, slot=f"s{i}", span=SPAN)
    hold(window, 1000.0, seconds=70.0, span=SPAN)  # past the window: both have left by then
    assert take(window, 1000.0, "a", 2) == Granted(70.0)


def test_old_answers_and_past_holds_are_forgotten() -> None:
    window = Window(done=[900.0, 930.0, 999.0], hold_until=990.0)
    settle(window, 1000.0, slot="unknown", span=SPAN)
    assert window.done == [999.0]
    assert window.hold_until == 0.0


def test_the_state_round_trips_and_a_damaged_one_reads_as_empty() -> None:
    window = Window(done=[1.5, 2.5], pending={"x": (3.0, 38.0)}, hold_until=4.0)
    assert Window.from_json(window.to_json()) == window
    for damaged in (None, "", "{", "[]", '{"done": 3}', b'{"done": [], "pending": {"x": 1}}'):
        assert Window.from_json(damaged) == Window()


def test_120_requests_at_60_a_minute_take_one_window_plus_latency() -> None:
    """The issue's case, 4 workers: the last request leaves one window and a few latencies
    after the first, not two windows later."""
    sends = simulate(arrivals=[0.0] * 120, limit=60, workers=4, to_server=0.01, to_answer=0.02)
    assert len(sends) == 120
    assert 60.0 < max(sends) < 60.5


@settings(max_examples=150, deadline=None)
@given(
    limit=st.integers(1, 8),
    workers=st.integers(1, 6),
    gaps=st.lists(st.floats(0.0, 20.0), min_size=1, max_size=40),
    latencies=st.lists(
        st.tuples(st.floats(0.0, 5.0), st.floats(0.0, 5.0)), min_size=1, max_size=40
    ),
)
def test_the_server_never_sees_more_than_the_limit_whatever_the_latency(
    limit: int, workers: int, gaps: list[float], latencies: list[tuple[float, float]]
) -> None:
    """Requests reach the server up to 5 s after they leave and answer up to 5 s later, each
    differently: the server's own sliding window never holds more than the limit."""
    arrivals = list(itertools.accumulate(gaps))
    arrived = simulate(arrivals, limit=limit, workers=workers, latencies=latencies, at_server=True)
    arrived.sort()
    assert len(arrived) == len(arrivals)
    for i in range(limit, len(arrived)):
        assert arrived[i] - arrived[i - limit] >= SPAN - 1e-9


def simulate(
    arrivals: list[float],
    *,
    limit: int,
    workers: int,
    to_server: float = 0.0,
    to_answer: float = 0.0,
    latencies: list[tuple[float, float]] | None = None,
    at_server: bool = False,
) -> list[float]:
    """An event-driven run of one window: `workers` threads take the requests in order, each
    thread the next one once its previous answer came back; request i wants to go at
    arrivals[i], reaches the server `to_server` after it left and is answered `to_answer`
    after that (or per `latencies`). Returns the send times (with `at_server`: the times the
    server saw them)."""
    window = Window()
    order = itertools.count()
    # (time, tie-breaker, kind, request, worker)
    events: list[tuple[float, int, str, int, int]] = [
        (0.0, next(order), "free", -1, w) for w in range(workers)
    ]
    upcoming = iter(range(len(arrivals)))
    seen: list[float] = []
    while events:
        now, _, kind, i, worker = heapq.heappop(events)
        if kind == "free":
            j = next(upcoming, None)
            if j is not None:
                heapq.heappush(events, (max(now, arrivals[j]), next(order), "want", j, worker))
            continue
        if kind == "settle":
            settle(window, now, slot=str(i), span=SPAN)
            heapq.heappush(events, (now, next(order), "free", -1, worker))
            continue
        decision = reserve(window, now, slot=str(i), limit=limit, span=SPAN, lease=1e9)
        if isinstance(decision, Blocked):
            heapq.heappush(events, (now + decision.retry_in, next(order), "want", i, worker))
            continue
        assert isinstance(decision, Granted)
        sent = now + decision.wait
        up, down = latencies[i % len(latencies)] if latencies else (to_server, to_answer)
        seen.append(sent + up if at_server else sent)
        heapq.heappush(events, (sent + up + down, next(order), "settle", i, worker))
    return seen


@pytest.mark.parametrize("limit", [1, 5])
def test_a_burst_with_instant_answers_goes_as_early_as_the_limit_allows(limit: int) -> None:
    sends = simulate(arrivals=[0.0] * (3 * limit), limit=limit, workers=3 * limit)
    assert sorted(sends) == [SPAN * (k // limit) for k in range(3 * limit)]


def test_repair_drops_only_what_no_change_can_have_written() -> None:
    now = 1000.0
    # At the bounds: a hold of the retry cap, a send queued behind it a window later.
    legit = Window(done=[now], pending={"q": (now + 180.0, now + 215.0)}, hold_until=now + 120.0)
    assert repair(legit, now, span=SPAN, max_hold=120.0) == []
    assert legit == Window(done=[now], pending={"q": (now + 180.0, now + 215.0)}, hold_until=1120.0)
    poisoned = Window(
        done=[now, float("nan"), now + 240.5],
        pending={"ok": (now, now + 35.0), "ahead": (now + 3600.0, now + 3635.0)},
        hold_until=now + 120.5,
    )
    assert repair(poisoned, now, span=SPAN, max_hold=120.0) == [
        "a hold of 120.5 s",
        "2 impossible answer time(s)",
        "1 impossible send time(s)",
    ]
    assert poisoned == Window(done=[now], pending={"ok": (now, now + 35.0)})
