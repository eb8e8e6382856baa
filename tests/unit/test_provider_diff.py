"""diff() and the offline part of check(): exact, preview-safe, no API call."""

from __future__ import annotations

from typing import Any

import pytest

from pulumi_resellertenant.core.lifecycle._inputs import UNKNOWN
from pulumi_resellertenant.easymailarchive.provider import EasyMailArchiveTenantProvider
from pulumi_resellertenant.mailbux.provider import MailbuxTenantProvider

MAILBUX_STATE: dict[str, Any] = {
    "tenant_id": "7",
    "tenant_username": "user00000007",
    "tenant_name": "user00000007_tent",
    "tenant_password": "s3cret",
    "password_known": True,
    "quota_gb": 5.0,  # state numbers come back as floats
    "suspended": False,
    "status": "active",
    "email_count": 3.0,
    "deletion_policy": "terminate",
    "adopt_tenant_id": None,
}
MAILBUX_INPUTS: dict[str, Any] = {"quota_gb": 5, "suspended": False, "deletion_policy": "terminate"}

ARCHIVE_STATE: dict[str, Any] = {
    "slug": "acme-corp",
    "name": "Acme Corporation",
    "status": "active",
    "suspended": False,
    "users_count": 0.0,
    "storage_bytes": 0.0,
    "created_at": "2026-01-01T00:00:00Z",
    "adopt_existing": False,
}
ARCHIVE_INPUTS: dict[str, Any] = {
    "slug": "acme-corp",
    "name": "Acme Corporation",
    "suspended": False,
    "adopt_existing": False,
}


def mailbux_diff(**changes: Any) -> tuple[bool | None, list[str]]:
    result = MailbuxTenantProvider().diff("7", MAILBUX_STATE, {**MAILBUX_INPUTS, **changes})
    return result.changes, result.replaces or []


def archive_diff(**changes: Any) -> tuple[bool | None, list[str]]:
    result = EasyMailArchiveTenantProvider().diff(
        "acme-corp", ARCHIVE_STATE, {**ARCHIVE_INPUTS, **changes}
    )
    return result.changes, result.replaces or []


def test_mailbux_unchanged_inputs_give_no_diff() -> None:
    assert mailbux_diff() == (False, [])


def test_mailbux_state_without_optional_keys_gives_no_diff() -> None:
    # Inputs left at their defaults compare equal to a state that lacks the key.
    state = {k: v for k, v in MAILBUX_STATE.items() if k not in ("deletion_policy", "suspended")}
    result = MailbuxTenantProvider().diff("7", state, MAILBUX_INPUTS)
    assert result.changes is False


@pytest.mark.parametrize(
    "changes",
    [{"quota_gb": 6}, {"suspended": True}, {"deletion_policy": "suspend"}],
)
def test_mailbux_updates_in_place(changes: dict[str, Any]) -> None:
    assert mailbux_diff(**changes) == (True, [])


def test_mailbux_adopting_another_tenant_replaces() -> None:
    assert mailbux_diff(adopt_tenant_id="8") == (True, ["adopt_tenant_id"])


def test_mailbux_naming_the_managed_tenant_as_adopted_does_not_replace() -> None:
    # A replace would create-then-delete: the delete would terminate the adopted tenant.
    assert mailbux_diff(adopt_tenant_id="7") == (True, [])


def test_mailbux_dropping_adopt_tenant_id_does_not_replace() -> None:
    state = {**MAILBUX_STATE, "adopt_tenant_id": "7"}
    result = MailbuxTenantProvider().diff("7", state, MAILBUX_INPUTS)
    assert (result.changes, result.replaces) == (True, [])


def test_mailbux_unknown_values_show_as_changes_during_preview() -> None:
    assert mailbux_diff(quota_gb=UNKNOWN) == (True, [])
    assert mailbux_diff(adopt_tenant_id=UNKNOWN) == (True, ["adopt_tenant_id"])


def test_archive_unchanged_inputs_give_no_diff() -> None:
    assert archive_diff() == (False, [])


def test_archive_slug_replaces() -> None:
    assert archive_diff(slug="acme-two") == (True, ["slug"])
    assert archive_diff(slug=UNKNOWN) == (True, ["slug"])


@pytest.mark.parametrize(
    "changes", [{"name": "Acme Corp International"}, {"suspended": True}, {"adopt_existing": True}]
)
def test_archive_updates_in_place(changes: dict[str, Any]) -> None:
    assert archive_diff(**changes) == (True, [])


def test_archive_check_names_each_bad_field() -> None:
    result = EasyMailArchiveTenantProvider().check(
        {}, {"slug": "-Acme", "name": "  ", "suspended": "no", "adopt_existing": 1}
    )
    reasons = {f.property: f.reason for f in result.failures}
    assert set(reasons) == {"slug", "name", "suspended", "adopt_existing"}
    assert "lowercase letters" in reasons["slug"]
    assert 'for example slug="acme-corp"' in reasons["slug"]
    assert reasons["name"].startswith("name must not be empty")


@pytest.mark.parametrize("slug", ["ab", "a" * 49, "acme-", "-acme", "acme_corp", "Acme", 42])
def test_archive_check_refuses_slugs_outside_the_rule(slug: object) -> None:
    result = EasyMailArchiveTenantProvider().check({}, {"slug": slug, "name": "Acme"})
    assert [f.property for f in result.failures] == ["slug"]


def test_archive_check_tolerates_unknowns() -> None:
    result = EasyMailArchiveTenantProvider().check({}, {"slug": UNKNOWN, "name": UNKNOWN})
    assert result.failures == []
    assert result.inputs["slug"] == UNKNOWN


def test_mailbux_check_without_a_quota_increase_needs_no_api() -> None:
    # No configure(), no key anywhere: an unchanged quota must not reach for the API.
    result = MailbuxTenantProvider().check(MAILBUX_INPUTS, {"quota_gb": 5.0})
    assert result.failures == []
    assert result.inputs == MAILBUX_INPUTS


def test_mailbux_check_offline_failures_come_before_the_api() -> None:
    result = MailbuxTenantProvider().check({}, {"quota_gb": 2.5, "deletion_policy": "shred"})
    assert [f.property for f in result.failures] == ["quota_gb", "deletion_policy"]
