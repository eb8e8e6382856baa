"""Emulator settings: command-line flags, each with an environment variable fallback.

The emulator's own settings are here; each registered API adds its flags and its settings (see
its config module), kept in `EmulatorConfig.apis` under the API's name.
"""

from __future__ import annotations

import argparse
import os
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .cli_settings import SettingSource, tcp_port
from .emulated_api import EmulatedApi

_SHARED_ENV_HELP = "EMULATOR_HOST, EMULATOR_PORT, EMULATOR_DB"
_SHARED_CONTROL_HELP = "health, reset, resellers, faults, counters"


@dataclass(frozen=True)
class EmulatorConfig:
    """Everything the emulator needs to start; defaults match the documented APIs."""

    host: str = "127.0.0.1"
    port: int = 8089
    db: str = ":memory:"
    # Each API's own settings by its name (an instance of its config class); an API left out
    # runs with that class's defaults.
    apis: Mapping[str, object] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # The same bound as the CLI, for configs built in code (create_app(EmulatorConfig())).
        if not 0 <= self.port <= 65535:
            raise ValueError(f"port out of range: {self.port}")


def _in_words(items: Sequence[str]) -> str:
    return " and ".join(item for item in [", ".join(items[:-1]), *items[-1:]] if item)


def _epilog(apis: Sequence[EmulatedApi[Any]]) -> str:
    env_lines = [_SHARED_ENV_HELP, *(line for api in apis for line in api.config_type.env_help)]
    api_control = ", ".join(path for api in apis for path in api.config_type.control_help)
    control = f"{_SHARED_CONTROL_HELP},\n{api_control}" if api_control else _SHARED_CONTROL_HELP
    return (
        "environment variables (used when the flag is not given):\n  "
        + ",\n  ".join(env_lines)
        + f"\n\ncontrol API (no auth) under /_emulator/: {control}.\n"
        + "It answers loopback requests only (Host 127.0.0.0/8, localhost or [::1]; no\n"
        + "Origin but a loopback one; bodies as application/json).\n"
    )


def build_parser(apis: Sequence[EmulatedApi[Any]]) -> argparse.ArgumentParser:
    """The CLI; `--help` is the emulator's reference card."""
    summaries = _in_words([api.config_type.summary for api in apis])
    parser = argparse.ArgumentParser(
        prog="python -m pulumi_resellertenant.emulator",
        description=textwrap.fill(
            f"Local emulator of the {summaries} reseller REST APIs, for tests and examples.",
            width=70,
        ),
        epilog=_epilog(apis),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--host", help="address to bind (default 127.0.0.1) [EMULATOR_HOST]")
    parser.add_argument(
        "--port", type=tcp_port, help="TCP port; 0 picks a free one (default 8089) [EMULATOR_PORT]"
    )
    parser.add_argument(
        "--db",
        metavar="PATH",
        help="SQLite file so state survives restarts (default: in memory) [EMULATOR_DB]",
    )
    for api in apis:
        api.config_type.add_arguments(parser)
    return parser


def parse_config(
    argv: Sequence[str] | None = None,
    environ: Mapping[str, str] | None = None,
    *,
    apis: Sequence[EmulatedApi[Any]],
) -> EmulatorConfig:
    """Build the configuration: flag, else environment variable, else default."""
    parser = build_parser(apis)
    source = SettingSource(
        parser, parser.parse_args(argv), os.environ if environ is None else environ
    )
    defaults = EmulatorConfig()
    host = source.text("host", "EMULATOR_HOST")
    db = source.text("db", "EMULATOR_DB")
    port = source.integer("port", "EMULATOR_PORT", defaults.port)
    if port > 65535:
        source.error(f"EMULATOR_PORT is not a TCP port: {port}")
    return EmulatorConfig(
        host=defaults.host if host is None else host,
        port=port,
        db=defaults.db if db is None else db,
        apis={api.name: api.config_type.from_command_line(source) for api in apis},
    )
