"""Easy Mail Archive's command-line settings: its keys, its page size, and the settings every
reseller starts with."""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field

from pulumi_resellertenant.emulator.cli_settings import ApiFlags, SettingSource
from pulumi_resellertenant.emulator.easymailarchive.reseller_settings import EmaResellerSettings
from pulumi_resellertenant.emulator.emulated_api import ApiConfig

# Two resellers, so 403 and 409 across resellers can be seen.
DEFAULT_KEYS: tuple[str, ...] = ("easymailarchive-local-key", "easymailarchive-other-key")
FLAGS = ApiFlags("ema")


@dataclass(frozen=True)
class EmaConfig(ApiConfig):
    # Keys are secrets: keep them out of the repr (and so out of any log line).
    keys: tuple[str, ...] = field(default=DEFAULT_KEYS, repr=False)
    reseller: EmaResellerSettings = field(default_factory=EmaResellerSettings)
    # Tenants per page of the list, as Laravel's paginator has it by default.
    page_size: int = 15

    summary = "Easy Mail Archive (/api/reseller/tenants...)"
    env_help = (
        "EMULATOR_EMA_KEYS (comma separated), EMULATOR_EMA_PAGE_SIZE, EMULATOR_EMA_RATE_LIMIT",
    )
    control_help = ("easymailarchive/tenants/{slug}/usage",)

    def __post_init__(self) -> None:
        if self.page_size < 1:
            raise ValueError("page_size must be at least 1")

    @classmethod
    def add_arguments(cls, parser: argparse.ArgumentParser) -> None:
        defaults = cls()
        FLAGS.add_keys(parser, DEFAULT_KEYS, reseller="an Easy Mail Archive")
        page_text = "tenants per page of the Easy Mail Archive list"
        FLAGS.add_count(parser, "page-size", defaults.page_size, page_text, positive=True)
        rate_text = "Easy Mail Archive requests per minute per key, 0 disables"
        FLAGS.add_count(parser, "rate-limit", defaults.reseller.rate_limit, rate_text)

    @classmethod
    def from_command_line(cls, source: SettingSource) -> EmaConfig:
        defaults = cls()
        page_size = FLAGS.count(source, "page-size", defaults.page_size)
        if page_size < 1:
            source.error("the Easy Mail Archive page size must be at least 1")
        rate_limit = FLAGS.count(source, "rate-limit", defaults.reseller.rate_limit)
        return cls(
            keys=FLAGS.keys(source, DEFAULT_KEYS),
            reseller=EmaResellerSettings(rate_limit=rate_limit),
            page_size=page_size,
        )
