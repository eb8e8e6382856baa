"""Everything one emulator instance holds, bundled so routers and middleware share it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .config import EmulatorConfig
from .counters import RequestCounters
from .database import Database
from .emulated_api import EmulatedApi, RunningApi
from .faults import FaultRegistry


@dataclass
class EmulatorState:
    config: EmulatorConfig
    database: Database
    # The registered APIs by name, in registration order.
    apis: dict[str, RunningApi]
    faults: FaultRegistry
    counters: RequestCounters

    @classmethod
    def open(cls, config: EmulatorConfig, apis: Sequence[EmulatedApi[Any]]) -> EmulatorState:
        """Open the database (creating each API's tables) and the in-memory registries."""
        unknown = sorted(set(config.apis) - {api.name for api in apis})
        if unknown:
            raise ValueError(f"settings for unknown APIs: {', '.join(unknown)}")
        database = Database(config.db)
        try:
            running = {api.name: api.open(config.apis, database) for api in apis}
        except BaseException:
            database.close()
            raise
        return cls(
            config=config,
            database=database,
            apis=running,
            faults=FaultRegistry(),
            counters=RequestCounters(),
        )

    def reset(self) -> None:
        """Tenants, faults, counters, rate-limit windows and reseller overrides: all gone."""
        for api in self.apis.values():
            api.reset()
        self.faults.clear()
        self.counters.reset()

    def close(self) -> None:
        self.database.close()
