"""easymailarchive.Tenant's provider, pickled and served by `python -m pulumi.dynamic`, against
the emulator: what the shared lifecycle cases (`lifecycle_cases.py`, run on both faces by
`test_plugin_provider.py`) do not already show: adoption and its refusals, drift in depth,
errors the API names, key rotation, settings from the environment."""

from __future__ import annotations

from typing import Any

import httpx

from support.emulator_handle import EMA_KEY, EMA_OTHER_KEY, EmulatorHandle
from support.engine_steps import (
    Launch,
    destroy,
    error_line,
    refresh,
    requests_made,
    stack_config,
    up_change,
    up_create,
)
from support.provider_server import UNKNOWN, ProviderServer, is_unknown

TENANTS = "/api/reseller/tenants"
LIST = "GET /api/reseller/tenants"
CREATE = "POST /api/reseller/tenants"
SHOW = "GET /api/reseller/tenants/{slug}"
RENAME = "PUT /api/reseller/tenants/{slug}"
SUSPEND = "POST /api/reseller/tenants/{slug}/suspend"
UNSUSPEND = "POST /api/reseller/tenants/{slug}/unsuspend"

ACME = {"slug": "acme-corp", "name": "Acme Corporation"}


def show(emu: EmulatorHandle, slug: str, key: str = EMA_KEY) -> httpx.Response:
    return httpx.get(f"{emu.url}{TENANTS}/{slug}", headers=emu.ema_headers(key))


def api(emu: EmulatorHandle, method: str, path: str, key: str = EMA_KEY, **body: Any) -> None:
    """A change made behind Pulumi's back."""
    response = httpx.request(
        method, f"{emu.url}{path}", json=body or None, headers=emu.ema_headers(key)
    )
    response.raise_for_status()


# --- create --------------------------------------------------------------------------------


def test_create_suspended(archive_server: ProviderServer, emu: EmulatorHandle) -> None:
    emu.reset_counters()
    tenant = up_create(archive_server, {**ACME, "suspended": True})
    assert requests_made(emu) == {CREATE: 1, SUSPEND: 1}
    assert (tenant.outputs["status"], tenant.outputs["suspended"]) == ("suspended", True)
    assert show(emu, "acme-corp").json()["data"]["status"] == "suspended"


def test_a_failed_suspend_after_create_keeps_the_tenant_and_converges_next_time(
    launch: Launch, archive_pickle: str, emu: EmulatorHandle
) -> None:
    server = launch(archive_pickle, config=stack_config(emu, easymailarchive__maxAttempts="1"))
    emu.add_fault(method="POST", path=f"{TENANTS}/*/suspend", status=500, count=1)
    tenant = up_create(server, {**ACME, "suspended": True})
    assert tenant.outputs["suspended"] is False  # recorded as it really is
    assert "was created but not suspended" in server.stderr_text()
    converged = up_change(server, tenant, {**ACME, "suspended": True})
    assert converged.outputs["suspended"] is True
    assert show(emu, "acme-corp").json()["data"]["status"] == "suspended"


def test_a_taken_slug_fails_with_the_way_out(
    archive_server: ProviderServer, emu: EmulatorHandle
) -> None:
    api(emu, "POST", TENANTS, **ACME)
    details = error_line(archive_server.create, {**ACME, "suspended": False})
    assert details.startswith(
        "Easy Mail Archive: cannot create tenant acme-corp: 409: The slug has already been "
        "taken (POST /api/reseller/tenants). The slug is taken: if the tenant is this "
        "reseller's, set adopt_existing=True"
    )


def test_adopt_existing_takes_over_our_tenant_and_converges(
    archive_server: ProviderServer, emu: EmulatorHandle
) -> None:
    api(emu, "POST", TENANTS, slug="acme-corp", name="Old Name")
    emu.set_usage("acme-corp", users_count=25, storage_bytes=5368709120)
    emu.reset_counters()
    tenant = up_create(archive_server, {**ACME, "suspended": True, "adopt_existing": True})
    assert requests_made(emu) == {CREATE: 1, SHOW: 1, RENAME: 1, SUSPEND: 1}
    assert tenant.outputs["name"] == "Acme Corporation"
    assert (tenant.outputs["users_count"], tenant.outputs["storage_bytes"]) == (25, 5368709120)
    assert tenant.outputs["suspended"] is True
    live = show(emu, "acme-corp").json()["data"]
    assert (live["name"], live["status"]) == ("Acme Corporation", "suspended")
    assert "adopted" in archive_server.stderr_text()
    assert archive_server.diff(tenant.id, tenant.outputs, tenant.inputs).changes == "none"


def test_adopt_existing_never_takes_another_resellers_tenant(
    archive_server: ProviderServer, emu: EmulatorHandle
) -> None:
    api(emu, "POST", TENANTS, key=EMA_OTHER_KEY, **ACME)
    details = error_line(archive_server.create, {**ACME, "adopt_existing": True})
    assert details.startswith("Easy Mail Archive: cannot create tenant acme-corp: 403")
    assert details.endswith("The slug belongs to another reseller account: choose another slug")
    assert show(emu, "acme-corp", EMA_OTHER_KEY).json()["data"]["name"] == "Acme Corporation"


# --- check and diff ------------------------------------------------------------------------


def test_check_names_each_bad_input_and_its_fix(archive_server: ProviderServer) -> None:
    outcome = archive_server.check(
        {}, {"slug": "Acme_Corp", "name": "", "suspended": 1, "adopt_existing": "yes"}
    )
    reasons = dict(outcome.failures)
    assert set(reasons) == {"slug", "name", "suspended", "adopt_existing"}
    assert reasons["slug"].startswith(
        "slug may contain only lowercase letters a-z, digits and hyphens, got 'Acme_Corp'"
    )
    assert reasons["name"].startswith("name must not be empty")
    for slug, problem in [("ab", "3 to 48 characters"), ("-acme", "start or end with a hyphen")]:
        [(field, reason)] = archive_server.check({}, {"slug": slug, "name": "A"}).failures
        assert (field, problem in reason) == ("slug", True)


def test_preview_tolerates_unknown_inputs(
    archive_server: ProviderServer, emu: EmulatorHandle
) -> None:
    tenant = up_create(archive_server, ACME)
    emu.reset_counters()
    outcome = archive_server.check(tenant.inputs, {"slug": "acme-corp", "name": UNKNOWN})
    assert outcome.failures == []
    assert is_unknown(outcome.inputs["name"])
    renamed = archive_server.diff(tenant.id, tenant.outputs, {**tenant.inputs, "name": UNKNOWN})
    assert (renamed.changes, renamed.replaces) == ("some", [])
    moved = archive_server.diff(tenant.id, tenant.outputs, {**tenant.inputs, "slug": UNKNOWN})
    assert moved.replaces == ["slug"]
    assert requests_made(emu) == {}


def test_a_slug_change_replaces(archive_server: ProviderServer) -> None:
    tenant = up_create(archive_server, ACME)
    diff = archive_server.diff(tenant.id, tenant.outputs, {**tenant.inputs, "slug": "acme-two"})
    assert (diff.changes, diff.replaces, diff.delete_before_replace) == ("some", ["slug"], False)


# --- update, refresh, drift ----------------------------------------------------------------


def test_a_no_change_up_makes_no_request(
    archive_server: ProviderServer, emu: EmulatorHandle
) -> None:
    tenant = up_create(archive_server, ACME)
    emu.reset_counters()
    assert up_change(archive_server, tenant, ACME) == tenant
    assert requests_made(emu) == {}


def test_a_rename_is_one_put(archive_server: ProviderServer, emu: EmulatorHandle) -> None:
    tenant = up_create(archive_server, ACME)
    emu.reset_counters()
    renamed = up_change(archive_server, tenant, {**ACME, "name": "Acme Corp International"})
    assert requests_made(emu) == {RENAME: 1}
    assert renamed.outputs == {**tenant.outputs, "name": "Acme Corp International"}
    assert show(emu, "acme-corp").json()["data"]["name"] == "Acme Corp International"
    assert archive_server.diff(tenant.id, renamed.outputs, renamed.inputs).changes == "none"


def test_suspend_and_unsuspend_in_place(
    archive_server: ProviderServer, emu: EmulatorHandle
) -> None:
    tenant = up_create(archive_server, ACME)
    emu.reset_counters()
    suspended = up_change(archive_server, tenant, {**ACME, "suspended": True})
    assert suspended.outputs["status"] == "suspended"
    active = up_change(archive_server, suspended, ACME)
    assert active.outputs["status"] == "active"
    assert requests_made(emu) == {SUSPEND: 1, UNSUSPEND: 1}


def test_refresh_reads_drift_and_the_next_up_restores_the_program(
    archive_server: ProviderServer, emu: EmulatorHandle
) -> None:
    tenant = up_create(archive_server, ACME)
    api(emu, "PUT", f"{TENANTS}/acme-corp", name="Renamed Elsewhere")
    api(emu, "POST", f"{TENANTS}/acme-corp/suspend")
    emu.set_usage("acme-corp", users_count=3, storage_bytes=1024)
    emu.reset_counters()
    refreshed = refresh(archive_server, tenant)
    assert requests_made(emu) == {LIST: 1}
    assert refreshed is not None
    assert refreshed.outputs == {
        **tenant.outputs,
        "name": "Renamed Elsewhere",
        "status": "suspended",
        "suspended": True,
        "users_count": 3,
        "storage_bytes": 1024,
    }
    assert refreshed.inputs == {
        "slug": "acme-corp",
        "name": "Renamed Elsewhere",
        "suspended": True,
        "adopt_existing": False,
    }
    assert archive_server.diff(refreshed.id, refreshed.outputs, refreshed.inputs).changes == "none"
    restored = up_change(archive_server, refreshed, ACME)
    live = show(emu, "acme-corp").json()["data"]
    assert (live["name"], live["status"]) == ("Acme Corporation", "active")
    assert restored.outputs["users_count"] == 3


def test_refresh_of_a_missing_tenant_reports_it_gone(
    archive_server: ProviderServer, emu: EmulatorHandle
) -> None:
    tenant = up_create(archive_server, ACME)
    ghost = type(tenant)("never-created", {**tenant.inputs, "slug": "never-created"}, {})
    emu.reset_counters()
    assert refresh(archive_server, ghost) is None
    # Missing from the listing, then confirmed gone by a show of its own.
    assert requests_made(emu) == {LIST: 1, SHOW: 1}


# --- delete --------------------------------------------------------------------------------


def test_delete_suspends_and_warns_that_the_data_remains(
    archive_server: ProviderServer, emu: EmulatorHandle
) -> None:
    tenant = up_create(archive_server, ACME)
    emu.reset_counters()
    destroy(archive_server, tenant)
    assert requests_made(emu) == {SUSPEND: 1}
    assert show(emu, "acme-corp").json()["data"]["status"] == "suspended"
    assert "its archive and data remain" in archive_server.stderr_text()


def test_delete_of_a_missing_tenant_succeeds(archive_server: ProviderServer) -> None:
    archive_server.delete("never-created", {"slug": "never-created"})
    assert "already gone" in archive_server.stderr_text()


# --- the documented errors, as the user sees them -----------------------------------------


def test_a_wrong_key_is_401_and_never_shown(
    launch: Launch, archive_pickle: str, emu: EmulatorHandle
) -> None:
    server = launch(archive_pickle, config=stack_config(emu, easymailarchive__apiKey="nope-4321"))
    details = error_line(server.create, {**ACME, "suspended": False})
    assert "401" in details
    assert "pulumi config set --secret easymailarchive:apiKey" in details
    assert "nope-4321" not in details


def test_validation_errors_from_the_api_name_the_field(
    archive_server: ProviderServer, emu: EmulatorHandle
) -> None:
    # What check cannot know (the API's own rules): its 422 must still read well.
    body = {"message": "The name is reserved.", "errors": {"name": ["The name is reserved."]}}
    emu.add_fault(method="POST", path=TENANTS, status=422, body=body, count=1)
    details = error_line(archive_server.create, {"slug": "acme-corp", "name": "Admin"})
    assert details.startswith("Easy Mail Archive: cannot create tenant acme-corp: 422")
    assert "name" in details
    assert details.endswith("Correct the input the API named")


def test_a_bad_request_names_what_the_api_said(
    archive_server: ProviderServer, emu: EmulatorHandle
) -> None:
    tenant = up_create(archive_server, ACME)
    body = {"message": "Bad request.", "errors": {"name": ["The name contains a bad byte."]}}
    emu.add_fault(method="PUT", path=f"{TENANTS}/acme-corp", status=400, body=body, count=1)
    details = error_line(archive_server.update, tenant.id, tenant.outputs, {**ACME, "name": "B"})
    assert details == (
        "Easy Mail Archive: cannot update tenant acme-corp: 400: Bad request. (name: The name "
        "contains a bad byte.) (PUT /api/reseller/tenants/acme-corp). Correct the input the "
        "API named"
    )


def test_rate_limiting_beyond_the_retries_says_what_to_do(
    launch: Launch, archive_pickle: str, emu: EmulatorHandle
) -> None:
    server = launch(
        archive_pickle,
        config=stack_config(emu, easymailarchive__maxAttempts="1"),
    )
    emu.add_fault(method="GET", path=f"{TENANTS}/*", status=429, retry_after=1, count=1)
    details = error_line(server.read, "acme-corp", {"slug": "acme-corp"})
    assert "429" in details
    assert "easymailarchive:requestsPerMinute" in details


def test_update_of_a_vanished_tenant_says_to_refresh(archive_server: ProviderServer) -> None:
    outputs = {"slug": "gone-corp", "name": "Gone", "status": "active", "suspended": False}
    news = {"slug": "gone-corp", "name": "Gone Again", "suspended": False}
    details = error_line(archive_server.update, "gone-corp", outputs, news)
    assert details.startswith("Easy Mail Archive: cannot update tenant gone-corp: 404")
    assert "run `pulumi refresh`" in details


# --- credentials ---------------------------------------------------------------------------


def test_key_rotation_between_create_and_delete(
    launch: Launch, archive_pickle: str, emu: EmulatorHandle
) -> None:
    tenant = up_create(launch(archive_pickle), ACME)
    emu.rotate_key("easymailarchive", EMA_KEY, "rotated-ema-key")
    later = launch(
        archive_pickle, config=stack_config(emu, easymailarchive__apiKey="rotated-ema-key")
    )
    refreshed = refresh(later, tenant)
    assert refreshed is not None
    destroy(later, refreshed)
    live = show(emu, "acme-corp", "rotated-ema-key").json()["data"]
    assert live["status"] == "suspended"


def test_the_key_may_come_from_the_environment(
    launch: Launch, archive_pickle: str, emu: EmulatorHandle
) -> None:
    server = launch(
        archive_pickle,
        config={},
        env={"EASYMAILARCHIVE_API_KEY": EMA_KEY, "EASYMAILARCHIVE_BASE_URL": emu.url},
    )
    assert up_create(server, ACME).id == "acme-corp"
