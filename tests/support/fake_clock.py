"""A clock for unit tests: time moves only when something sleeps, so every wait is exact."""

from __future__ import annotations


class FakeClock:
    def __init__(self, start: float = 1000.0) -> None:
        self.now = start
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    def note(self, seconds: float) -> None:
        """A sleep that only records its length: time stands still, so each wait a pacer
        asks for is seen against the same moment."""
        self.sleeps.append(seconds)
