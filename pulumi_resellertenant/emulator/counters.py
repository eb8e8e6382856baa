"""Request counters per route template and status, for tests and benchmarks."""

from __future__ import annotations

import threading
from collections import Counter


class RequestCounters:
    """`total` counts requests as they arrive, `by_status` as they are answered.

    A request still in flight (say, held by an injected latency after its client gave up) is
    already in `total`: total minus the sum of `by_status` is what is in flight.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._totals: Counter[str] = Counter()
        self._statuses: dict[str, Counter[int]] = {}

    def arrived(self, route: str) -> None:
        with self._lock:
            self._totals[route] += 1
            self._statuses.setdefault(route, Counter())

    def answered(self, route: str, status: int) -> None:
        with self._lock:
            self._statuses.setdefault(route, Counter())[status] += 1

    def snapshot(self) -> dict[str, dict[str, object]]:
        with self._lock:
            return {
                route: {
                    "total": self._totals[route],
                    "by_status": {str(code): n for code, n in sorted(by_status.items())},
                }
                for route, by_status in sorted(self._statuses.items())
            }

    def reset(self) -> None:
        with self._lock:
            self._totals.clear()
            self._statuses.clear()
