"""Mailbux's command-line settings: its keys and the settings every reseller starts with."""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field

from pulumi_resellertenant.emulator.cli_settings import ApiFlags, SettingSource
from pulumi_resellertenant.emulator.emulated_api import ApiConfig
from pulumi_resellertenant.emulator.mailbux.reseller_settings import (
    PLANS,
    MailbuxResellerSettings,
)

DEFAULT_KEYS: tuple[str, ...] = ("mailbux-local-key",)
FLAGS = ApiFlags("mailbux")


@dataclass(frozen=True)
class MailbuxConfig(ApiConfig):
    # Keys are secrets: keep them out of the repr (and so out of any log line).
    keys: tuple[str, ...] = field(default=DEFAULT_KEYS, repr=False)
    reseller: MailbuxResellerSettings = field(default_factory=MailbuxResellerSettings)

    summary = "Mailbux (/api/user/...)"
    env_help = (
        "EMULATOR_MAILBUX_KEYS (comma separated), EMULATOR_MAILBUX_PLAN",
        "EMULATOR_MAILBUX_QUOTA_GB, EMULATOR_MAILBUX_TENANT_LIMIT",
    )
    control_help = ("mailbux/tenants/{id}/email_count",)

    @classmethod
    def add_arguments(cls, parser: argparse.ArgumentParser) -> None:
        defaults = MailbuxResellerSettings()
        FLAGS.add_keys(parser, DEFAULT_KEYS, reseller="a Mailbux")
        FLAGS.add_choice(parser, "plan", PLANS, "plan of every Mailbux reseller")
        quota_text = "quota pool of every Mailbux reseller in GB"
        FLAGS.add_count(parser, "quota-gb", defaults.quota_gb, quota_text)
        FLAGS.add_count(
            parser, "tenant-limit", defaults.tenant_limit, "tenants per Mailbux reseller"
        )

    @classmethod
    def from_command_line(cls, source: SettingSource) -> MailbuxConfig:
        defaults = MailbuxResellerSettings()
        plan = FLAGS.text(source, "plan")
        if plan is not None and plan not in PLANS:
            source.error(f"{FLAGS.env('plan')} must be paid or free, not {plan!r}")
        reseller = MailbuxResellerSettings(
            plan="free" if plan == "free" else "paid",
            quota_gb=FLAGS.count(source, "quota-gb", defaults.quota_gb),
            tenant_limit=FLAGS.count(source, "tenant-limit", defaults.tenant_limit),
        )
        return cls(keys=FLAGS.keys(source, DEFAULT_KEYS), reseller=reseller)
