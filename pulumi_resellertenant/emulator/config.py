"""Emulator settings: command-line flags, each with an environment variable fallback."""

from __future__ import annotations

import argparse
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

MailbuxPlan = Literal["paid", "free"]

# Keeps sums of tenant quotas far below SQLite's 64-bit integers.
MAX_SETTING = 2**53

DEFAULT_MAILBUX_KEYS: tuple[str, ...] = ("mailbux-local-key",)
DEFAULT_EMA_KEYS: tuple[str, ...] = ("easymailarchive-local-key", "easymailarchive-other-key")


@dataclass(frozen=True)
class EmulatorConfig:
    """Everything the emulator needs to start; defaults match the documented APIs."""

    host: str = "127.0.0.1"
    port: int = 8089
    db: str = ":memory:"
    # Keys are secrets: keep them out of the repr (and so out of any log line).
    mailbux_keys: tuple[str, ...] = field(default=DEFAULT_MAILBUX_KEYS, repr=False)
    mailbux_plan: MailbuxPlan = "paid"
    mailbux_quota_gb: int = 100
    mailbux_tenant_limit: int = 50
    ema_keys: tuple[str, ...] = field(default=DEFAULT_EMA_KEYS, repr=False)
    ema_page_size: int = 15
    ema_rate_limit: int = 60

    def __post_init__(self) -> None:
        # The same bounds as the CLI, for configs built in code (create_app(EmulatorConfig())).
        if self.mailbux_plan not in ("paid", "free"):
            raise ValueError(f"mailbux_plan must be 'paid' or 'free', not {self.mailbux_plan!r}")
        if not 0 <= self.port <= 65535:
            raise ValueError(f"port out of range: {self.port}")
        if self.ema_page_size < 1:
            raise ValueError("ema_page_size must be at least 1")
        for name in ("mailbux_quota_gb", "mailbux_tenant_limit", "ema_rate_limit"):
            value = getattr(self, name)
            if not 0 <= value <= MAX_SETTING:
                raise ValueError(f"{name} must be between 0 and {MAX_SETTING}")


_ENV_HELP = """\
environment variables (used when the flag is not given):
  EMULATOR_HOST, EMULATOR_PORT, EMULATOR_DB,
  EMULATOR_MAILBUX_KEYS (comma separated), EMULATOR_MAILBUX_PLAN,
  EMULATOR_MAILBUX_QUOTA_GB, EMULATOR_MAILBUX_TENANT_LIMIT,
  EMULATOR_EMA_KEYS (comma separated), EMULATOR_EMA_PAGE_SIZE, EMULATOR_EMA_RATE_LIMIT

control API (no auth) under /_emulator/: health, reset, resellers, faults, counters,
mailbux/tenants/{id}/email_count, easymailarchive/tenants/{slug}/usage.
"""


def _non_negative_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None
    if not 0 <= value <= MAX_SETTING:
        raise argparse.ArgumentTypeError(f"must be between 0 and {MAX_SETTING}: {value}")
    return value


def _positive_int(text: str) -> int:
    value = _non_negative_int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be >= 1: {value}")
    return value


def _port(text: str) -> int:
    value = _non_negative_int(text)
    if value > 65535:
        raise argparse.ArgumentTypeError(f"not a TCP port: {value}")
    return value


def _keys(text: str) -> list[str]:
    return [key.strip() for key in text.split(",") if key.strip()]


def build_parser() -> argparse.ArgumentParser:
    """The CLI; `--help` is the emulator's reference card."""
    parser = argparse.ArgumentParser(
        prog="python -m pulumi_resellertenant.emulator",
        description=(
            "Local emulator of the Mailbux (/api/user/...) and Easy Mail Archive\n"
            "(/api/reseller/tenants...) reseller REST APIs, for tests and examples."
        ),
        epilog=_ENV_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--host", help="address to bind (default 127.0.0.1) [EMULATOR_HOST]")
    parser.add_argument(
        "--port", type=_port, help="TCP port; 0 picks a free one (default 8089) [EMULATOR_PORT]"
    )
    parser.add_argument(
        "--db",
        metavar="PATH",
        help="SQLite file so state survives restarts (default: in memory) [EMULATOR_DB]",
    )
    parser.add_argument(
        "--mailbux-key",
        action="append",
        metavar="KEY",
        help="a Mailbux reseller API key, repeatable; each key is one reseller "
        "(default mailbux-local-key) [EMULATOR_MAILBUX_KEYS]",
    )
    parser.add_argument(
        "--mailbux-plan",
        choices=("paid", "free"),
        help="plan of every Mailbux reseller (default paid) [EMULATOR_MAILBUX_PLAN]",
    )
    parser.add_argument(
        "--mailbux-quota-gb",
        type=_non_negative_int,
        metavar="N",
        help="quota pool of every Mailbux reseller in GB (default 100) [EMULATOR_MAILBUX_QUOTA_GB]",
    )
    parser.add_argument(
        "--mailbux-tenant-limit",
        type=_non_negative_int,
        metavar="N",
        help="tenants per Mailbux reseller (default 50) [EMULATOR_MAILBUX_TENANT_LIMIT]",
    )
    parser.add_argument(
        "--ema-key",
        action="append",
        metavar="KEY",
        help="an Easy Mail Archive reseller API key, repeatable; each key is one reseller "
        "(default easymailarchive-local-key and easymailarchive-other-key) [EMULATOR_EMA_KEYS]",
    )
    parser.add_argument(
        "--ema-page-size",
        type=_positive_int,
        metavar="N",
        help="tenants per page of the Easy Mail Archive list (default 15) [EMULATOR_EMA_PAGE_SIZE]",
    )
    parser.add_argument(
        "--ema-rate-limit",
        type=_non_negative_int,
        metavar="N",
        help="Easy Mail Archive requests per minute per key, 0 disables (default 60) "
        "[EMULATOR_EMA_RATE_LIMIT]",
    )
    return parser


def parse_config(
    argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None
) -> EmulatorConfig:
    """Build the configuration: flag, else environment variable, else default."""
    parser = build_parser()
    args = parser.parse_args(argv)
    env = os.environ if environ is None else environ

    def env_str(name: str) -> str | None:
        raw = env.get(name, "").strip()
        return raw or None

    def pick_int(flag: int | None, env_name: str, default: int) -> int:
        if flag is not None:
            return flag
        raw = env_str(env_name)
        if raw is None:
            return default
        try:
            return _non_negative_int(raw)
        except argparse.ArgumentTypeError as exc:
            parser.error(f"{env_name}: {exc}")

    def pick_keys(
        flag: list[str] | None, env_name: str, default: tuple[str, ...]
    ) -> tuple[str, ...]:
        if flag:
            keys = [key for key in flag if key]
        else:
            raw = env.get(env_name)
            keys = _keys(raw) if raw else list(default)
        # Order preserved, duplicates dropped: a key is one reseller.
        return tuple(dict.fromkeys(keys))

    host = args.host if args.host is not None else env_str("EMULATOR_HOST")
    db = args.db if args.db is not None else env_str("EMULATOR_DB")
    plan = args.mailbux_plan if args.mailbux_plan is not None else env_str("EMULATOR_MAILBUX_PLAN")
    if plan is not None and plan not in ("paid", "free"):
        parser.error(f"EMULATOR_MAILBUX_PLAN must be paid or free, not {plan!r}")
    port = pick_int(args.port, "EMULATOR_PORT", 8089)
    if port > 65535:
        parser.error(f"EMULATOR_PORT is not a TCP port: {port}")
    page_size = pick_int(args.ema_page_size, "EMULATOR_EMA_PAGE_SIZE", 15)
    if page_size < 1:
        parser.error("the Easy Mail Archive page size must be at least 1")

    return EmulatorConfig(
        host=host if host is not None else "127.0.0.1",
        port=port,
        db=db if db is not None else ":memory:",
        mailbux_keys=pick_keys(args.mailbux_key, "EMULATOR_MAILBUX_KEYS", DEFAULT_MAILBUX_KEYS),
        mailbux_plan="free" if plan == "free" else "paid",
        mailbux_quota_gb=pick_int(args.mailbux_quota_gb, "EMULATOR_MAILBUX_QUOTA_GB", 100),
        mailbux_tenant_limit=pick_int(
            args.mailbux_tenant_limit, "EMULATOR_MAILBUX_TENANT_LIMIT", 50
        ),
        ema_keys=pick_keys(args.ema_key, "EMULATOR_EMA_KEYS", DEFAULT_EMA_KEYS),
        ema_page_size=page_size,
        ema_rate_limit=pick_int(args.ema_rate_limit, "EMULATOR_EMA_RATE_LIMIT", 60),
    )
