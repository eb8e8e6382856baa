"""What one emulated reseller API supplies, and how the emulator runs it.

Each API is a package of this directory (its routes, tables, reseller settings, error shape and
command-line settings) exporting one `EmulatedApi`, which app.py registers. The shared modules
know no API by name.
"""

from __future__ import annotations

import argparse
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, Self, TypeVar

from fastapi import APIRouter

from .cli_settings import SettingSource
from .database import Database
from .errors import ErrorAnswer
from .resellers import ResellerAccounts, ResellerSettings


class ApiConfig(ABC):
    """One API's command-line settings, as a frozen dataclass with a default for every field,
    and the flags and environment variables they come from."""

    # For --help: the API and its paths, its environment variables (lines, no separators), and
    # its control routes below /_emulator/.
    summary: ClassVar[str]
    env_help: ClassVar[tuple[str, ...]]
    control_help: ClassVar[tuple[str, ...]]

    # Fields every API's config has: the API keys at start-up (one reseller each), and the
    # settings every reseller starts with.
    keys: tuple[str, ...]
    reseller: ResellerSettings

    @classmethod
    @abstractmethod
    def add_arguments(cls, parser: argparse.ArgumentParser) -> None: ...

    @classmethod
    @abstractmethod
    def from_command_line(cls, source: SettingSource) -> Self: ...


C = TypeVar("C", bound=ApiConfig)


@dataclass(frozen=True)
class ApiServer:
    """An API's part of one running emulator."""

    # Its emulated endpoints, all below the router's prefix; unknown routes and injected faults
    # below that prefix answer in the API's error shape too.
    routes: APIRouter
    # Test knobs of this API only (say, usage figures), mounted at /_emulator/{name}.
    control_routes: APIRouter
    # What a control reset does beyond resetting the resellers, such as wiping its tables.
    on_reset: tuple[Callable[[], None], ...] = ()
    # The path whose GET lists the tenants: what a list-lag fault applies to (None: no list).
    list_path: str | None = None


@dataclass(frozen=True)
class EmulatedApi(Generic[C]):
    """One emulated reseller API, as its package hands it to app.py."""

    # The control API's "api" value, the /_emulator/{name}/ segment, the EmulatorConfig.apis key.
    name: str
    error_type: type[ErrorAnswer]
    config_type: type[C]
    build: Callable[[C, Database, ResellerAccounts[Any]], ApiServer]

    def config_in(self, settings: Mapping[str, object]) -> C:
        """This API's settings from EmulatorConfig.apis; the defaults if it has none."""
        found = settings.get(self.name)
        if found is None:
            return self.config_type()
        if not isinstance(found, self.config_type):
            raise TypeError(
                f"EmulatorConfig.apis[{self.name!r}] is a {type(found).__name__};"
                f" expected {self.config_type.__name__}"
            )
        return found

    def open(self, settings: Mapping[str, object], database: Database) -> RunningApi:
        config = self.config_in(settings)
        resellers = ResellerAccounts(config.keys, config.reseller)
        return RunningApi(self, resellers, self.build(config, database, resellers))


@dataclass(frozen=True)
class RunningApi:
    """A registered API inside one running emulator."""

    spec: EmulatedApi[Any]
    resellers: ResellerAccounts[Any]
    server: ApiServer

    def reset(self) -> None:
        self.resellers.reset()
        for step in self.server.on_reset:
            step()
