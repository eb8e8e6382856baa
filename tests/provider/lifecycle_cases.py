"""Lifecycle cases every face of a tenant type must pass: the dynamic provider and the plugin.

Each case takes `serve`, which starts a new provider process of one face for one tenant
type (a dynamic `ProviderServer` or a `PluginFace`: the same calls, with snake_case names
and plain values), and the emulator, and drives the engine's steps; a later `pulumi`
command is a new process, as under the engine. `serve(apiKey=..., maxAttempts=1)` gives
that API those settings, by their config key, whatever each face calls its config. The
cases say what a tenant does, never how a face carries it; `test_plugin_provider` runs each
against both faces.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from support.emulator_handle import EMA_OTHER_KEY, MAILBUX_KEY, EmulatorHandle
from support.engine_steps import (
    Deployed,
    destroy,
    error_line,
    refresh,
    requests_made,
    up_change,
    up_create,
)
from support.live_tenants import api_call, archive_tenant, mailbux_tenants

Serve = Callable[..., Any]
Case = Callable[[Serve, EmulatorHandle], None]

MAILBUX_TENANTS = "/api/user/tenants"
MAILBUX_LIST = "GET /api/user/tenants"
MAILBUX_CREATE = "POST /api/user/tenants"
MAILBUX_SUSPEND = "POST /api/user/tenants/{tenant_id}/suspend"
MAILBUX_OVERVIEW = "GET /api/user/reseller/overview"
ARCHIVE_TENANTS = "/api/reseller/tenants"
ARCHIVE_LIST = "GET /api/reseller/tenants"
ARCHIVE_CREATE = "POST /api/reseller/tenants"
ARCHIVE_SHOW = "GET /api/reseller/tenants/{slug}"
ARCHIVE_PAGE_SIZE = 2  # the test emulator's (`--ema-page-size 2`)
ACME = {"slug": "acme-corp", "name": "Acme Corporation"}


def _live_mailbux(emu: EmulatorHandle, tenant_id: str) -> dict[str, Any] | None:
    return next((t for t in mailbux_tenants(emu) if str(t["id"]) == tenant_id), None)


def _set(outputs: Mapping[str, Any]) -> dict[str, Any]:
    """The outputs that hold a value: a face may send an unset output as null or not at all."""
    return {name: value for name, value in outputs.items() if value is not None}


def _refresh_all(server: Any, tenants: list[Deployed], workers: int = 1) -> list[Deployed]:
    """`pulumi refresh` of these tenants, `workers` reads at a time (the engine runs 4 or
    more); each must still exist."""
    with ThreadPoolExecutor(max_workers=workers) as pool:
        refreshed = list(pool.map(lambda tenant: refresh(server, tenant), tenants))
    found = [tenant for tenant in refreshed if tenant is not None]
    assert [tenant.id for tenant in found] == [tenant.id for tenant in tenants]
    return found


# --- Mailbux -------------------------------------------------------------------------------


def mailbux_create_resize_suspend_delete(serve: Serve, emu: EmulatorHandle) -> None:
    server = serve()
    tenant = up_create(server, {"quota_gb": 2.0})
    assert tenant.outputs["tenant_password"]
    assert tenant.outputs["password_known"] is True
    assert tenant.outputs["quota_gb"] == 2
    tenant = up_change(server, tenant, {"quota_gb": 3.0})
    assert tenant.outputs["quota_gb"] == 3
    tenant = up_change(server, tenant, {"quota_gb": 3.0, "suspended": True})
    assert tenant.outputs["status"] == "suspended"
    assert tenant.outputs["tenant_password"], "the one-time password is kept"
    live = _live_mailbux(emu, tenant.id)
    assert live is not None
    assert (live["quota_gb"], live["status"]) == (3, "suspended")
    destroy(server, tenant)
    gone = _live_mailbux(emu, tenant.id)
    assert gone is None or gone["status"] == "terminated"


def mailbux_check_names_the_bad_input(serve: Serve, emu: EmulatorHandle) -> None:
    server = serve()
    outcome = server.check({}, {"quota_gb": 1.5, "deletion_policy": "keep"})
    fields = sorted(field for field, _ in outcome.failures)
    assert fields == ["deletion_policy", "quota_gb"]
    assert all("for example" in reason for _, reason in outcome.failures)


def mailbux_diff_names_changes_and_replacements(serve: Serve, emu: EmulatorHandle) -> None:
    server = serve()
    tenant = up_create(server, {"quota_gb": 1.0})
    same = server.diff(tenant.id, tenant.outputs, tenant.inputs)
    assert (same.changes, same.replaces) == ("none", [])
    policy = server.diff(tenant.id, tenant.outputs, {**tenant.inputs, "deletion_policy": "suspend"})
    assert (policy.changes, policy.replaces) == ("some", [])
    other = server.diff(tenant.id, tenant.outputs, {**tenant.inputs, "adopt_tenant_id": "999"})
    assert other.replaces == ["adopt_tenant_id"]


def mailbux_refresh_follows_drift_and_forgets_the_gone(serve: Serve, emu: EmulatorHandle) -> None:
    server = serve()
    tenant = up_create(server, {"quota_gb": 1.0})
    assert refresh(serve(), tenant) == tenant  # unchanged, the state stays as it was
    path = f"/api/user/tenants/{tenant.id}"
    api_call(emu, "PATCH", f"{path}/quota", json={"quota_gb": 4})
    refreshed = refresh(serve(), tenant)  # `pulumi refresh`: a process of its own
    assert refreshed is not None
    assert refreshed.outputs["quota_gb"] == 4
    assert refreshed.inputs["quota_gb"] == 4
    assert refreshed.outputs["tenant_password"] == tenant.outputs["tenant_password"]
    api_call(emu, "POST", f"{path}/terminate")
    assert refresh(serve(), refreshed) is None


def mailbux_a_refused_key_is_one_line(serve: Serve, emu: EmulatorHandle) -> None:
    server = serve()
    emu.rotate_key("mailbux", "mailbux-local-key", "a-new-key")
    line = error_line(server.create, {"quota_gb": 1.0, "suspended": False})
    naming = server.naming  # each face names inputs and settings its own way
    assert line.startswith(f"Mailbux: cannot create tenant ({naming.assign('quota_gb', 1)})")
    assert naming.setting("mailbux", "apiKey") in line  # the config key to set


def mailbux_create_returns_every_output_with_the_password(
    serve: Serve, emu: EmulatorHandle
) -> None:
    server = serve()
    emu.reset_counters()
    tenant = up_create(server, {"quota_gb": 5.0})
    # The documented create answer has no id: one POST, one list to find it, and the list of
    # what existed before the first POST, should an answer be lost; Check reads the overview
    # once per process, for the quota pre-check.
    assert requests_made(emu) == {MAILBUX_OVERVIEW: 1, MAILBUX_CREATE: 1, MAILBUX_LIST: 2}
    assert tenant.inputs == {"quota_gb": 5, "suspended": False, "deletion_policy": "terminate"}
    listed = _live_mailbux(emu, tenant.id)
    assert listed is not None
    assert _set(tenant.outputs) == {
        "tenant_id": tenant.id,
        "tenant_username": listed["tenant_username"],
        "tenant_name": listed["tenant_name"],
        "tenant_password": tenant.outputs["tenant_password"],
        "password_known": True,
        "quota_gb": 5,
        "suspended": False,
        "status": "active",
        "email_count": 0,
        "deletion_policy": "terminate",
    }
    assert len(tenant.outputs["tenant_password"]) >= 12
    assert server.diff(tenant.id, tenant.outputs, tenant.inputs).changes == "none"


def mailbux_create_suspended_suspends_after_creating(serve: Serve, emu: EmulatorHandle) -> None:
    server = serve()
    emu.reset_counters()
    tenant = up_create(server, {"quota_gb": 2, "suspended": True})
    assert requests_made(emu) == {
        MAILBUX_OVERVIEW: 1,
        MAILBUX_CREATE: 1,
        MAILBUX_LIST: 2,
        MAILBUX_SUSPEND: 1,
    }
    assert (tenant.outputs["status"], tenant.outputs["suspended"]) == ("suspended", True)
    live = _live_mailbux(emu, tenant.id)
    assert live is not None
    assert live["status"] == "suspended"
    assert server.diff(tenant.id, tenant.outputs, tenant.inputs).changes == "none"


def mailbux_a_failed_suspend_after_create_keeps_the_tenant(
    serve: Serve, emu: EmulatorHandle
) -> None:
    server = serve(maxAttempts=1)
    emu.add_fault(method="POST", path=f"{MAILBUX_TENANTS}/*/suspend", status=500, count=1)
    tenant = up_create(server, {"quota_gb": 2, "suspended": True})
    # Created, password in hand, recorded as it really is: not suspended.
    assert tenant.outputs["tenant_password"]
    assert tenant.outputs["suspended"] is False
    assert "was created but not suspended" in server.stderr_text()
    # The next `pulumi up`, a process of its own, converges.
    converged = up_change(serve(), tenant, {"quota_gb": 2, "suspended": True})
    assert converged.outputs["suspended"] is True
    live = _live_mailbux(emu, tenant.id)
    assert live is not None
    assert live["status"] == "suspended"
    assert converged.outputs["tenant_password"] == tenant.outputs["tenant_password"]


def mailbux_quota_beyond_the_pool_fails_at_check(serve: Serve, emu: EmulatorHandle) -> None:
    emu.configure_reseller(api="mailbux", api_key=MAILBUX_KEY, quota_gb=10)
    server = serve()
    emu.reset_counters()
    existing = up_create(server, {"quota_gb": 2})  # claims 2 of 10
    assert server.check({}, {"quota_gb": 6}).failures == []  # 8 of 10 now
    # An unchanged quota claims nothing and asks nothing.
    assert server.check(existing.inputs, {"quota_gb": 2}).failures == []
    [(field, reason)] = server.check({}, {"quota_gb": 3}).failures
    assert field == "quota_gb"
    assert "10 GB available" in reason
    assert "8 GB of it is taken by other tenants in this deployment" in reason
    assert server.check(existing.inputs, {"quota_gb": 4}).failures == []  # +2: exactly fits
    # One overview for the whole deployment; the rest is the create's POST and lists.
    assert requests_made(emu) == {MAILBUX_OVERVIEW: 1, MAILBUX_CREATE: 1, MAILBUX_LIST: 2}
    assert [t["id"] for t in mailbux_tenants(emu)] == [int(existing.id)]


def mailbux_adoption_takes_over_without_a_password(serve: Serve, emu: EmulatorHandle) -> None:
    api_call(emu, "POST", MAILBUX_TENANTS, json={"quota_gb": 3})
    [existing] = mailbux_tenants(emu)
    tenant_id = str(existing["id"])
    server = serve()
    adopted = up_create(server, {"quota_gb": 4, "suspended": True, "adopt_tenant_id": tenant_id})
    assert adopted.id == tenant_id
    assert adopted.outputs.get("tenant_password") is None
    assert adopted.outputs["password_known"] is False
    assert adopted.outputs["adopt_tenant_id"] == tenant_id
    [live] = mailbux_tenants(emu)
    assert (live["quota_gb"], live["status"]) == (4, "suspended")
    assert "adopted" in server.stderr_text()
    # Naming the adopted tenant again, or dropping the input, never replaces it.
    assert server.diff(adopted.id, adopted.outputs, adopted.inputs).changes == "none"
    dropped = {k: v for k, v in adopted.inputs.items() if k != "adopt_tenant_id"}
    assert server.diff(adopted.id, adopted.outputs, dropped).replaces == []
    another = str(int(tenant_id) + 1)  # not "99": the emulator's ids reach it in a full run
    other = server.diff(adopted.id, adopted.outputs, {**adopted.inputs, "adopt_tenant_id": another})
    assert other.replaces == ["adopt_tenant_id"]
    refreshed = refresh(serve(), adopted)
    assert refreshed is not None
    assert refreshed.outputs["password_known"] is False


def mailbux_a_create_answer_lost_after_the_commit_is_resolved(
    serve: Serve, emu: EmulatorHandle
) -> None:
    server = serve()
    emu.add_fault(method="POST", path=MAILBUX_TENANTS, drop_after_commit=True, count=1)
    emu.reset_counters()
    tenant = up_create(server, {"quota_gb": 2})
    # The list before, the lost POST, the list after: no second POST, no duplicate.
    assert requests_made(emu) == {MAILBUX_OVERVIEW: 1, MAILBUX_LIST: 2, MAILBUX_CREATE: 1}
    [listed] = mailbux_tenants(emu)
    assert tenant.id == str(listed["id"])
    # Its password was only in the lost answer.
    assert tenant.outputs["password_known"] is False
    assert tenant.outputs.get("tenant_password") is None
    # The 201 arrived before the cut: created, its answer unreadable.
    assert f"tenant {tenant.id} ({listed['tenant_username']}) was created" in (server.stderr_text())


def mailbux_a_503_on_create_is_posted_again(serve: Serve, emu: EmulatorHandle) -> None:
    server = serve()
    emu.add_fault(method="POST", path=MAILBUX_TENANTS, status=503, count=1)
    emu.reset_counters()
    tenant = up_create(server, {"quota_gb": 2})
    # The list before, the 503, the list showing nothing new, the POST, its id look-up.
    assert requests_made(emu) == {MAILBUX_OVERVIEW: 1, MAILBUX_LIST: 3, MAILBUX_CREATE: 2}
    assert [str(t["id"]) for t in mailbux_tenants(emu)] == [tenant.id]
    assert tenant.outputs["password_known"] is True


def mailbux_refreshes_of_many_tenants_cost_one_list(serve: Serve, emu: EmulatorHandle) -> None:
    creating = serve()
    tenants = [up_create(creating, {"quota_gb": 1}) for _ in range(6)]
    for workers in (6, 1):  # concurrent reads, then one after another
        refreshing = serve()  # `pulumi refresh`: a process of its own
        emu.reset_counters()
        _refresh_all(refreshing, tenants, workers)
        assert requests_made(emu) == {MAILBUX_LIST: 1}, f"{workers} at a time"


def mailbux_key_rotation_between_create_and_delete(serve: Serve, emu: EmulatorHandle) -> None:
    tenant = up_create(serve(), {"quota_gb": 2})
    emu.rotate_key("mailbux", MAILBUX_KEY, "rotated-mailbux-key")
    # A later run: a new process, the new key in its config.
    later = serve(apiKey="rotated-mailbux-key")
    refreshed = refresh(later, tenant)
    assert refreshed is not None
    destroy(later, refreshed)
    assert mailbux_tenants(emu, key="rotated-mailbux-key") == []


MAILBUX_CASES: tuple[Case, ...] = (
    mailbux_create_resize_suspend_delete,
    mailbux_check_names_the_bad_input,
    mailbux_diff_names_changes_and_replacements,
    mailbux_refresh_follows_drift_and_forgets_the_gone,
    mailbux_a_refused_key_is_one_line,
    mailbux_create_returns_every_output_with_the_password,
    mailbux_create_suspended_suspends_after_creating,
    mailbux_a_failed_suspend_after_create_keeps_the_tenant,
    mailbux_quota_beyond_the_pool_fails_at_check,
    mailbux_adoption_takes_over_without_a_password,
    mailbux_a_create_answer_lost_after_the_commit_is_resolved,
    mailbux_a_503_on_create_is_posted_again,
    mailbux_refreshes_of_many_tenants_cost_one_list,
    mailbux_key_rotation_between_create_and_delete,
)


# --- Easy Mail Archive ---------------------------------------------------------------------


def archive_create_rename_suspend_delete(serve: Serve, emu: EmulatorHandle) -> None:
    server = serve()
    tenant = up_create(server, {"slug": "acme-corp", "name": "Acme"})
    assert tenant.id == "acme-corp"
    assert tenant.outputs["status"] == "active"
    tenant = up_change(server, tenant, {"slug": "acme-corp", "name": "Acme Corporation"})
    assert tenant.outputs["name"] == "Acme Corporation"
    tenant = up_change(
        server, tenant, {"slug": "acme-corp", "name": "Acme Corporation", "suspended": True}
    )
    live = archive_tenant(emu, "acme-corp")
    assert live is not None
    assert (live["name"], live["status"]) == ("Acme Corporation", "suspended")
    destroy(server, tenant)  # no delete endpoint: it stays, suspended
    assert archive_tenant(emu, "acme-corp") is not None


def archive_a_new_slug_replaces(serve: Serve, emu: EmulatorHandle) -> None:
    server = serve()
    tenant = up_create(server, {"slug": "acme-corp", "name": "Acme"})
    diff = server.diff(tenant.id, tenant.outputs, {**tenant.inputs, "slug": "acme-two"})
    assert (diff.changes, diff.replaces) == ("some", ["slug"])


def archive_a_taken_slug_is_adopted_only_when_asked(serve: Serve, emu: EmulatorHandle) -> None:
    server = serve()
    up_create(server, {"slug": "taken", "name": "First"})
    line = error_line(server.create, {"slug": "taken", "name": "Second", "suspended": False})
    assert line.startswith("Easy Mail Archive: cannot create tenant")
    adopted = up_create(server, {"slug": "taken", "name": "Second", "adopt_existing": True})
    assert adopted.outputs["name"] == "Second"


def archive_create_is_one_request(serve: Serve, emu: EmulatorHandle) -> None:
    server = serve()
    emu.reset_counters()
    tenant = up_create(server, ACME)
    # The POST alone: a brand-new tenant has no users and no stored mail.
    assert requests_made(emu) == {ARCHIVE_CREATE: 1}
    assert tenant.id == "acme-corp"
    assert tenant.inputs == {**ACME, "suspended": False, "adopt_existing": False}
    live = archive_tenant(emu, "acme-corp")
    assert live is not None
    assert _set(tenant.outputs) == {
        **ACME,
        "status": "active",
        "suspended": False,
        "users_count": 0,
        "storage_bytes": 0,
        "created_at": live["created_at"],
        "adopt_existing": False,
    }
    assert server.diff(tenant.id, tenant.outputs, tenant.inputs).changes == "none"


def archive_a_refresh_of_many_tenants_lists_each_page_once(
    serve: Serve, emu: EmulatorHandle
) -> None:
    creating = serve()
    tenants = [up_create(creating, {"slug": f"t-{n:02}", "name": f"T {n}"}) for n in range(7)]
    refreshing = serve()  # `pulumi refresh`: a process of its own
    emu.reset_counters()
    _refresh_all(refreshing, tenants)
    pages = math.ceil(len(tenants) / ARCHIVE_PAGE_SIZE)
    assert requests_made(emu) == {ARCHIVE_LIST: pages}


def archive_a_lost_create_answer_is_resolved_by_the_slug(serve: Serve, emu: EmulatorHandle) -> None:
    server = serve()
    emu.add_fault(method="POST", path=ARCHIVE_TENANTS, drop_after_commit=True, count=1)
    emu.reset_counters()
    tenant = up_create(server, ACME)
    assert (tenant.id, tenant.outputs["name"]) == ("acme-corp", "Acme Corporation")
    assert requests_made(emu) == {ARCHIVE_CREATE: 1, ARCHIVE_SHOW: 1}  # never posted twice
    assert "tenant acme-corp was created, but the answer could not be read" in (
        server.stderr_text()
    )


def archive_a_502_on_create_is_posted_again_once_the_slug_is_free(
    serve: Serve, emu: EmulatorHandle
) -> None:
    server = serve()
    emu.add_fault(method="POST", path=ARCHIVE_TENANTS, status=502, count=1)
    emu.reset_counters()
    assert up_create(server, ACME).id == "acme-corp"
    # The 502, the look-up that finds the slug free, the POST that creates it.
    assert requests_made(emu) == {ARCHIVE_CREATE: 2, ARCHIVE_SHOW: 1}
    assert "the slug is free, so nothing was created" in server.stderr_text()


def archive_a_lost_answer_with_the_slug_under_another_name_is_not_adopted(
    serve: Serve, emu: EmulatorHandle
) -> None:
    api_call(emu, "POST", ARCHIVE_TENANTS, json={"slug": "acme-corp", "name": "Somebody Else"})
    server = serve()
    emu.add_fault(method="POST", path=ARCHIVE_TENANTS, status=504, count=1)
    line = error_line(server.create, {**ACME, "suspended": False})
    assert line.startswith("Easy Mail Archive: cannot create tenant acme-corp")
    assert "is named 'Somebody Else', not 'Acme Corporation'" in line
    assert server.naming.assign("adopt_existing", True) in line
    live = archive_tenant(emu, "acme-corp")
    assert live is not None
    assert live["name"] == "Somebody Else"


def archive_a_refresh_with_another_resellers_key_fails_clearly(
    serve: Serve, emu: EmulatorHandle
) -> None:
    tenant = up_create(serve(), ACME)
    wrong_account = serve(apiKey=EMA_OTHER_KEY)
    line = error_line(wrong_account.read, tenant.id, tenant.outputs)
    assert line.startswith("Easy Mail Archive: cannot read tenant acme-corp: 403")
    assert "belongs to another reseller account" in line


ARCHIVE_CASES: tuple[Case, ...] = (
    archive_create_rename_suspend_delete,
    archive_a_new_slug_replaces,
    archive_a_taken_slug_is_adopted_only_when_asked,
    archive_create_is_one_request,
    archive_a_refresh_of_many_tenants_lists_each_page_once,
    archive_a_lost_create_answer_is_resolved_by_the_slug,
    archive_a_502_on_create_is_posted_again_once_the_slug_is_free,
    archive_a_lost_answer_with_the_slug_under_another_name_is_not_adopted,
    archive_a_refresh_with_another_resellers_key_fails_clearly,
)
