"""The pacing window's arithmetic: pure functions over a small state, no clock, no I/O.

The APIs count requests as they reach the server ("60 per minute per key"). A request reaches
the server some time after it left the client and before its answer came back, so the window
here records each request as *pending* from the moment it is let go until its answer arrives,
and then at the answer's time. A new request may go once fewer than ``limit`` requests are in
the window, pending ones counted as the newest. Every request is then at least a whole window
behind the one it replaces as the server sees them, whatever the network's delay, so a client
limit equal to the documented one gets no 429, and a run costs one window per ``limit``
requests (plus one request's latency), the server's floor.

The state is what the stores (``_pacing_stores``) keep: in memory, in a file shared by the
processes of one machine, or in Redis shared by machines. Each change runs on a fresh copy
under the store's lock, with the store's clock.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field

__all__ = [
    "Blocked",
    "Decision",
    "Granted",
    "Refused",
    "Window",
    "hold",
    "repair",
    "reserve",
    "settle",
]


@dataclass
class Window:
    """Requests of one account as its server may still count them."""

    done: list[float] = field(default_factory=list)
    """Answer times of finished requests, oldest first."""
    pending: dict[str, tuple[float, float]] = field(default_factory=dict)
    """Requests let go and not answered yet: slot id -> (send time, lease end)."""
    hold_until: float = 0.0
    """No request goes before this time (the server's Retry-After)."""

    def to_json(self) -> str:
        return json.dumps(
            {"done": self.done, "pending": self.pending, "hold": self.hold_until},
            separators=(",", ":"),
        )

    @classmethod
    def from_json(cls, text: str | bytes | None) -> Window:
        """The stored window; an empty one for nothing or an unreadable text (a window lost
        costs at worst a 429, whose Retry-After then paces)."""
        if not text:
            return cls()
        try:
            data = json.loads(text)
            return cls(
                done=sorted(float(t) for t in data["done"]),
                pending={str(k): (float(v[0]), float(v[1])) for k, v in data["pending"].items()},
                hold_until=float(data["hold"]),
            )
        except (ValueError, TypeError, KeyError, IndexError, AttributeError):
            return cls()


@dataclass(frozen=True)
class Granted:
    wait: float
    """Seconds until the slot's send time."""


@dataclass(frozen=True)
class Refused:
    """The earliest send time is further away than the caller may wait; nothing was taken."""

    wait: float
    """The shortest wait the caller would have had (a lower bound)."""


@dataclass(frozen=True)
class Blocked:
    """Every request the window can hold is still unanswered: the earliest send time is not
    known yet. Ask again after ``retry_in`` seconds."""

    retry_in: float


Decision = Granted | Refused | Blocked


def repair(window: Window, now: float, *, span: float, max_hold: float) -> list[str]:
    """Drop what no change of this module can have written (a file edited or copied, a wall
    clock stepped back): values not finite, a hold ending more than ``max_hold`` from now,
    and times more than a window past the latest send time ``reserve`` can give (the end of
    the longest hold, or a window after an answer; an answer counts no earlier than its
    send time). Kept, any of them would hold every request for good. Returns what was
    dropped, for one warning; the store then writes the repaired window back, so it heals."""
    dropped: list[str] = []
    if not math.isfinite(window.hold_until) or window.hold_until - now > max_hold:
        dropped.append(f"a hold of {window.hold_until - now:g} s")
        window.hold_until = 0.0
    latest = now + max(max_hold, span) + span

    def possible(t: float) -> bool:
        return math.isfinite(t) and t <= latest

    done = sorted(t for t in window.done if possible(t))
    if len(done) != len(window.done):
        dropped.append(f"{len(window.done) - len(done)} impossible answer time(s)")
        window.done = done
    pending = {
        slot: (at, end)
        for slot, (at, end) in window.pending.items()
        if possible(at) and math.isfinite(end)
    }
    if len(pending) != len(window.pending):
        dropped.append(f"{len(window.pending) - len(pending)} impossible send time(s)")
        window.pending = pending
    return dropped


def _tidy(window: Window, now: float, span: float) -> None:
    """Close leases that ran out (at their end: the latest the request can have arrived)
    and forget what can no longer be in any window."""
    for slot, (_, lease_end) in list(window.pending.items()):
        if lease_end <= now:
            del window.pending[slot]
            window.done.append(lease_end)
    window.done.sort()
    horizon = now - span
    window.done = [t for t in window.done if t > horizon]
    if window.hold_until <= now:
        window.hold_until = 0.0


def reserve(
    window: Window,
    now: float,
    *,
    slot: str,
    limit: int,
    span: float,
    lease: float,
    max_wait: float | None = None,
    poll: float = 0.05,
) -> Decision:
    """Take the earliest send time for a new request, recorded pending under ``slot``.

    ``lease``: how long after its send time a request counts as pending at most, should its
    answer never be reported (its process died): by then it has certainly reached the server.
    """
    _tidy(window, now, span)
    base = max(now, window.hold_until)
    recent = [t for t in window.done if t > base - span]
    in_flight = len(window.pending)
    if in_flight + len(recent) < limit:
        at = base
    elif in_flight >= limit:
        # The limit-th newest request is unanswered: its time is still unknown, but it is
        # no earlier than the oldest pending send time.
        earliest = max(base, min(at for at, _ in window.pending.values()) + span)
        if max_wait is not None and earliest - now > max_wait:
            return Refused(earliest - now)
        return Blocked(poll)
    else:
        # The limit-th newest, counting the unanswered ones as the newest.
        at = recent[-(limit - in_flight)] + span
    if max_wait is not None and at - now > max_wait:
        return Refused(at - now)
    window.pending[slot] = (at, at + lease)
    return Granted(at - now)


def settle(window: Window, now: float, *, slot: str, span: float) -> None:
    """The answer of ``slot`` arrived (or its attempt ended): from now on it counts at this
    time, the latest at which the server can have counted it."""
    entry = window.pending.pop(slot, None)
    if entry is not None:
        window.done.append(max(now, entry[0]))
    _tidy(window, now, span)


def hold(window: Window, now: float, *, seconds: float, span: float) -> None:
    """The server said when it takes requests again: nothing goes before then."""
    window.hold_until = max(window.hold_until, now + seconds)
    _tidy(window, now, span)
