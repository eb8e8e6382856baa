"""The plain functions (what a dynamic provider cannot offer as data sources), against the
emulator, with settings from stack config as a Pulumi program sees it, or the environment."""

from __future__ import annotations

import json

import httpx
import pytest

from pulumi_resellertenant import easymailarchive, mailbux
from pulumi_resellertenant.core.transport._errors import ConfigurationError, NotFoundError
from support.emulator_handle import EMA_KEY, MAILBUX_KEY, EmulatorHandle


@pytest.fixture
def env_settings(monkeypatch: pytest.MonkeyPatch, emu: EmulatorHandle) -> EmulatorHandle:
    for name, value in {
        "MAILBUX_API_KEY": MAILBUX_KEY,
        "MAILBUX_BASE_URL": emu.url,
        "EASYMAILARCHIVE_API_KEY": EMA_KEY,
        "EASYMAILARCHIVE_BASE_URL": emu.url,
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("PULUMI_CONFIG", raising=False)
    return emu


def test_mailbux_functions(env_settings: EmulatorHandle) -> None:
    emu = env_settings
    httpx.post(f"{emu.url}/api/user/tenants", json={"quota_gb": 4}, headers=emu.mailbux_headers())
    [tenant] = mailbux.list_tenants()
    assert tenant.quota_gb == 4
    overview = mailbux.get_reseller_overview()
    assert (overview.quota_allocated_gb, overview.tenant_count) == (4, 1)
    synced = mailbux.sync_quota()
    assert synced.quota_available_gb == overview.quota_available_gb


def test_easymailarchive_functions(env_settings: EmulatorHandle) -> None:
    emu = env_settings
    for slug in ("alpha", "bravo", "charlie"):  # more than one page of two
        httpx.post(
            f"{emu.url}/api/reseller/tenants",
            json={"slug": slug, "name": slug.title()},
            headers=emu.ema_headers(),
        )
    emu.set_usage("bravo", users_count=7, storage_bytes=99, messages_count=3)
    assert sorted(t.slug for t in easymailarchive.list_tenants()) == ["alpha", "bravo", "charlie"]
    usage = easymailarchive.get_tenant_usage("bravo")
    assert (usage.users_count, usage.storage_bytes, usage.messages_count) == (7, 99, 3)
    with pytest.raises(NotFoundError):
        easymailarchive.get_tenant_usage("delta")


def test_functions_read_stack_config_first(
    monkeypatch: pytest.MonkeyPatch, emu: EmulatorHandle
) -> None:
    # How a Pulumi program receives its stack config; the environment has a stale key.
    monkeypatch.setenv("MAILBUX_API_KEY", "stale-env-key")
    monkeypatch.setenv(
        "PULUMI_CONFIG", json.dumps({"mailbux:apiKey": MAILBUX_KEY, "mailbux:baseUrl": emu.url})
    )
    assert mailbux.list_tenants() == []


def test_functions_without_a_key_say_how_to_set_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("EASYMAILARCHIVE_API_KEY", raising=False)
    monkeypatch.delenv("PULUMI_CONFIG", raising=False)
    with pytest.raises(
        ConfigurationError, match="pulumi config set --secret easymailarchive:apiKey"
    ):
        easymailarchive.list_tenants()
