"""Everything one emulator instance holds, bundled so routers and middleware share it."""

from __future__ import annotations

from dataclasses import dataclass

from .config import EmulatorConfig
from .counters import RequestCounters
from .faults import FaultRegistry
from .ratelimit import SlidingWindowLimiter
from .resellers import ResellerRegistry
from .store import Store


@dataclass
class EmulatorState:
    config: EmulatorConfig
    store: Store
    resellers: ResellerRegistry
    limiter: SlidingWindowLimiter
    faults: FaultRegistry
    counters: RequestCounters

    @classmethod
    def open(cls, config: EmulatorConfig) -> EmulatorState:
        """Open the store (creating its schema) and the in-memory registries."""
        return cls(
            config=config,
            store=Store(config.db),
            resellers=ResellerRegistry(config),
            limiter=SlidingWindowLimiter(),
            faults=FaultRegistry(),
            counters=RequestCounters(),
        )

    def reset(self) -> None:
        """Tenants, faults, counters, rate-limit windows and reseller overrides: all gone."""
        self.store.reset()
        self.faults.clear()
        self.counters.reset()
        self.limiter.reset()
        self.resellers.reset()

    def close(self) -> None:
        self.store.close()
