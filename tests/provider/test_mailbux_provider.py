"""mailbux.Tenant's provider, pickled and served by `python -m pulumi.dynamic`, against the
emulator: what the shared lifecycle cases (`lifecycle_cases.py`, run on both faces by
`test_plugin_provider.py`) do not already show: drift in depth, errors, pacing of reads and
creates in one process, settings from the environment."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx

from support.emulator_handle import MAILBUX_KEY, EmulatorHandle
from support.engine_steps import (
    Deployed,
    Launch,
    destroy,
    error_line,
    refresh,
    requests_made,
    stack_config,
    up_change,
    up_create,
)
from support.live_tenants import api_call
from support.provider_server import UNKNOWN, ProviderServer, is_unknown

TENANTS = "/api/user/tenants"
LIST = "GET /api/user/tenants"
CREATE = "POST /api/user/tenants"
PATCH_QUOTA = "PATCH /api/user/tenants/{tenant_id}/quota"
SUSPEND = "POST /api/user/tenants/{tenant_id}/suspend"
REACTIVATE = "POST /api/user/tenants/{tenant_id}/reactivate"
TERMINATE = "POST /api/user/tenants/{tenant_id}/terminate"
OVERVIEW = "GET /api/user/reseller/overview"


def live(emu: EmulatorHandle) -> dict[str, dict[str, Any]]:
    """The reseller's tenants as the API lists them, by id."""
    answer = httpx.get(f"{emu.url}{TENANTS}", headers=emu.mailbux_headers()).json()
    return {str(t["id"]): t for t in answer["data"]}


def api(emu: EmulatorHandle, method: str, path: str, **body: Any) -> dict[str, Any]:
    """A change made behind Pulumi's back."""
    response = httpx.request(
        method, f"{emu.url}{path}", json=body or None, headers=emu.mailbux_headers()
    )
    response.raise_for_status()
    return dict(response.json()["data"])


# --- create --------------------------------------------------------------------------------


def test_parallel_creates_in_one_provider_process_make_distinct_tenants(
    mailbux_server: ProviderServer, emu: EmulatorHandle
) -> None:
    # The engine runs up to 4 provider calls at once in one process.
    ids: list[str] = []
    lock = threading.Lock()

    def create(quota: int) -> None:
        tenant = up_create(mailbux_server, {"quota_gb": quota})
        with lock:
            ids.append(tenant.id)

    threads = [threading.Thread(target=create, args=(q,)) for q in (1, 2, 3, 4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(ids) == sorted(live(emu))
    assert len(set(ids)) == 4


# --- check and diff ------------------------------------------------------------------------


def test_check_names_each_bad_input_and_its_fix(mailbux_server: ProviderServer) -> None:
    outcome = mailbux_server.check(
        {},
        {"quota_gb": 2.5, "suspended": "yes", "deletion_policy": "shred", "adopt_tenant_id": True},
    )
    reasons = dict(outcome.failures)
    assert set(reasons) == {"quota_gb", "suspended", "deletion_policy", "adopt_tenant_id"}
    assert reasons["quota_gb"] == (
        "quota_gb must be a whole number, got 2.5; for example quota_gb=5 (gigabytes)"
    )
    assert "'terminate' or 'suspend'" in reasons["deletion_policy"]
    assert mailbux_server.check({}, {}).failures == [
        ("quota_gb", "quota_gb is required; for example quota_gb=5 (gigabytes)")
    ]
    assert dict(mailbux_server.check({}, {"quota_gb": 0}).failures)["quota_gb"].startswith(
        "quota_gb must be at least 1"
    )


def test_preview_tolerates_unknown_inputs(
    mailbux_server: ProviderServer, emu: EmulatorHandle
) -> None:
    tenant = up_create(mailbux_server, {"quota_gb": 3})
    emu.reset_counters()
    outcome = mailbux_server.check(tenant.inputs, {"quota_gb": UNKNOWN, "suspended": UNKNOWN})
    assert outcome.failures == []
    assert is_unknown(outcome.inputs["quota_gb"])
    diff = mailbux_server.diff(
        tenant.id, tenant.outputs, {**tenant.inputs, "quota_gb": UNKNOWN, "suspended": UNKNOWN}
    )
    assert (diff.changes, diff.replaces) == ("some", [])
    diff = mailbux_server.diff(
        tenant.id, tenant.outputs, {**tenant.inputs, "adopt_tenant_id": UNKNOWN}
    )
    assert diff.replaces == ["adopt_tenant_id"]
    assert requests_made(emu) == {}  # preview of unknowns asks the API nothing


def test_quota_precheck_needs_a_key_and_says_how_to_set_it(
    launch: Launch, mailbux_pickle: str, emu: EmulatorHandle
) -> None:
    server = launch(mailbux_pickle, config=stack_config(emu, mailbux__apiKey=None))
    details = error_line(server.check, {}, {"quota_gb": 1})
    assert details.startswith(
        "Mailbux: cannot check tenant (quota_gb=1): Mailbux API key is not set"
    )
    assert "pulumi config set --secret mailbux:apiKey" in details
    assert "MAILBUX_API_KEY" in details


# --- update, refresh, drift ----------------------------------------------------------------


def test_a_no_change_up_makes_no_request(
    mailbux_server: ProviderServer, emu: EmulatorHandle
) -> None:
    tenant = up_create(mailbux_server, {"quota_gb": 3})
    emu.reset_counters()
    again = up_change(mailbux_server, tenant, {"quota_gb": 3.0})
    assert again == tenant
    assert requests_made(emu) == {}


def test_a_quota_update_is_one_patch(mailbux_server: ProviderServer, emu: EmulatorHandle) -> None:
    tenant = up_create(mailbux_server, {"quota_gb": 3})
    emu.reset_counters()
    bigger = up_change(mailbux_server, tenant, {"quota_gb": 7})
    assert requests_made(emu) == {PATCH_QUOTA: 1}
    assert bigger.outputs == {**tenant.outputs, "quota_gb": 7}
    assert live(emu)[tenant.id]["quota_gb"] == 7
    assert mailbux_server.diff(tenant.id, bigger.outputs, bigger.inputs).changes == "none"


def test_suspend_and_reactivate_in_place(
    mailbux_server: ProviderServer, emu: EmulatorHandle
) -> None:
    tenant = up_create(mailbux_server, {"quota_gb": 3})
    emu.reset_counters()
    suspended = up_change(mailbux_server, tenant, {"quota_gb": 3, "suspended": True})
    assert (suspended.outputs["status"], suspended.outputs["suspended"]) == ("suspended", True)
    active = up_change(mailbux_server, suspended, {"quota_gb": 3, "suspended": False})
    assert active.outputs["status"] == "active"
    assert requests_made(emu) == {SUSPEND: 1, REACTIVATE: 1}
    assert active.outputs["tenant_password"] == tenant.outputs["tenant_password"]


def test_a_deletion_policy_change_is_recorded_without_a_request(
    mailbux_server: ProviderServer, emu: EmulatorHandle
) -> None:
    tenant = up_create(mailbux_server, {"quota_gb": 3})
    emu.reset_counters()
    changed = up_change(mailbux_server, tenant, {"quota_gb": 3, "deletion_policy": "suspend"})
    assert changed.outputs["deletion_policy"] == "suspend"
    assert requests_made(emu) == {}


def test_refresh_reads_drift_and_the_next_up_restores_the_program(
    launch: Launch, mailbux_pickle: str, emu: EmulatorHandle
) -> None:
    tenant = up_create(launch(mailbux_pickle), {"quota_gb": 3})
    api(emu, "PATCH", f"{TENANTS}/{tenant.id}/quota", quota_gb=9)
    api(emu, "POST", f"{TENANTS}/{tenant.id}/suspend")
    emu.set_email_count(int(tenant.id), 4)
    emu.reset_counters()
    # A later `pulumi refresh`, then `pulumi up`: each a provider process of its own.
    mailbux_server = launch(mailbux_pickle)
    refreshed = refresh(mailbux_server, tenant)
    assert requests_made(emu) == {LIST: 1}
    assert refreshed is not None
    assert refreshed.outputs == {
        **tenant.outputs,
        "quota_gb": 9,
        "suspended": True,
        "status": "suspended",
        "email_count": 4,
    }
    # The inputs follow reality, so the next preview compares against it.
    assert refreshed.inputs == {"quota_gb": 9, "suspended": True, "deletion_policy": "terminate"}
    assert mailbux_server.diff(refreshed.id, refreshed.outputs, refreshed.inputs).changes == "none"
    restored = up_change(mailbux_server, refreshed, {"quota_gb": 3})
    assert (restored.outputs["quota_gb"], restored.outputs["suspended"]) == (3, False)
    assert (live(emu)[tenant.id]["quota_gb"], live(emu)[tenant.id]["status"]) == (3, "active")
    assert restored.outputs["tenant_password"] == tenant.outputs["tenant_password"]


def test_refresh_of_a_tenant_terminated_out_of_band_reports_it_gone(
    launch: Launch, mailbux_pickle: str, emu: EmulatorHandle
) -> None:
    tenant = up_create(launch(mailbux_pickle), {"quota_gb": 3})
    api(emu, "POST", f"{TENANTS}/{tenant.id}/terminate")
    later = launch(mailbux_pickle)
    emu.reset_counters()
    assert refresh(later, tenant) is None
    # Missing from the listing, so listed once more before it is called gone.
    assert requests_made(emu) == {LIST: 2}
    recreated = up_create(later, {"quota_gb": 3})
    assert recreated.id != tenant.id
    assert list(live(emu)) == [recreated.id]


def test_update_of_a_tenant_terminated_out_of_band_says_to_refresh(
    mailbux_server: ProviderServer, emu: EmulatorHandle
) -> None:
    tenant = up_create(mailbux_server, {"quota_gb": 3})
    api(emu, "POST", f"{TENANTS}/{tenant.id}/terminate")
    news = {**tenant.inputs, "quota_gb": 4}
    details = error_line(mailbux_server.update, tenant.id, tenant.outputs, news)
    assert details.startswith(
        f"Mailbux: cannot update tenant {tenant.id} ({tenant.outputs['tenant_username']}): "
        "404 TENANT_NOT_FOUND: Tenant not found (PATCH /api/user/tenants/"
    )
    assert "run `pulumi refresh`" in details


# --- delete --------------------------------------------------------------------------------


def test_delete_terminates(mailbux_server: ProviderServer, emu: EmulatorHandle) -> None:
    tenant = up_create(mailbux_server, {"quota_gb": 3})
    emu.reset_counters()
    destroy(mailbux_server, tenant)
    assert requests_made(emu) == {TERMINATE: 1}
    assert live(emu) == {}


def test_delete_with_the_suspend_policy_keeps_the_tenant(
    mailbux_server: ProviderServer, emu: EmulatorHandle
) -> None:
    tenant = up_create(mailbux_server, {"quota_gb": 3, "deletion_policy": "suspend"})
    destroy(mailbux_server, tenant)
    assert live(emu)[tenant.id]["status"] == "suspended"
    assert "suspended, not terminated" in mailbux_server.stderr_text()


def test_delete_of_a_tenant_already_gone_succeeds(
    mailbux_server: ProviderServer, emu: EmulatorHandle
) -> None:
    tenant = up_create(mailbux_server, {"quota_gb": 3})
    api(emu, "POST", f"{TENANTS}/{tenant.id}/terminate")
    destroy(mailbux_server, tenant)
    assert "already gone" in mailbux_server.stderr_text()


# --- the documented errors, as the user sees them -----------------------------------------


def test_quota_exceeded_names_requested_and_available_quota(
    mailbux_server: ProviderServer, emu: EmulatorHandle
) -> None:
    emu.configure_reseller(api="mailbux", api_key=MAILBUX_KEY, quota_gb=10)
    # Straight to Create, as when the pool shrank between preview and up.
    details = error_line(
        mailbux_server.create, {"quota_gb": 50, "suspended": False, "deletion_policy": "terminate"}
    )
    assert details.startswith(
        "Mailbux: cannot create tenant (quota_gb=50): 422 QUOTA_EXCEEDED: "
        "Requested quota (50 GB) exceeds available quota (10 GB) (POST /api/user/tenants). "
        "Lower quota_gb"
    )
    assert live(emu) == {}


def test_quota_exceeded_on_update_leaves_the_state_to_converge_from(
    launch: Launch, mailbux_pickle: str, emu: EmulatorHandle
) -> None:
    emu.configure_reseller(api="mailbux", api_key=MAILBUX_KEY, quota_gb=10)
    first_run = launch(mailbux_pickle)
    tenant = up_create(first_run, {"quota_gb": 4})
    news = {**tenant.inputs, "quota_gb": 20, "suspended": True}
    details = error_line(first_run.update, tenant.id, tenant.outputs, news)
    assert "422 QUOTA_EXCEEDED" in details
    assert "(PATCH /api/user/tenants/" in details
    assert live(emu)[tenant.id] == {**live(emu)[tenant.id], "quota_gb": 4, "status": "active"}
    # The pool grows; the next `pulumi up` (a new provider process) converges.
    emu.configure_reseller(api="mailbux", api_key=MAILBUX_KEY, quota_gb=30)
    converged = up_change(launch(mailbux_pickle), tenant, {"quota_gb": 20, "suspended": True})
    assert (converged.outputs["quota_gb"], converged.outputs["suspended"]) == (20, True)


def test_tenant_limit(mailbux_server: ProviderServer, emu: EmulatorHandle) -> None:
    emu.configure_reseller(api="mailbux", api_key=MAILBUX_KEY, tenant_limit=1)
    up_create(mailbux_server, {"quota_gb": 1})
    details = error_line(mailbux_server.create, {"quota_gb": 1, "suspended": False})
    assert "422 TENANT_LIMIT" in details
    assert "maximum number of tenants" in details


def test_plan_upgrade_required(mailbux_server: ProviderServer, emu: EmulatorHandle) -> None:
    emu.configure_reseller(api="mailbux", api_key=MAILBUX_KEY, plan="free")
    details = error_line(mailbux_server.create, {"quota_gb": 1})
    assert details.startswith(
        "Mailbux: cannot create tenant (quota_gb=1): 403 PLAN_UPGRADE_REQUIRED: "
        "Free plan users must upgrade to a paid plan"
    )
    assert details.endswith("Upgrade the Mailbux plan: free plans cannot manage tenants")


def test_a_wrong_key_is_401_and_never_shown(
    launch: Launch, mailbux_pickle: str, emu: EmulatorHandle
) -> None:
    server = launch(mailbux_pickle, config=stack_config(emu, mailbux__apiKey="wrong-key-1234"))
    details = error_line(server.create, {"quota_gb": 1})
    assert "401 UNAUTHORIZED" in details
    assert "pulumi config set --secret mailbux:apiKey" in details
    assert "wrong-key-1234" not in details


def test_server_errors_after_the_retries_say_what_to_do(
    launch: Launch, mailbux_pickle: str, emu: EmulatorHandle
) -> None:
    server = launch(mailbux_pickle, config=stack_config(emu, mailbux__maxAttempts="2"))
    tenant = up_create(server, {"quota_gb": 1})
    emu.add_fault(method="PATCH", path="/api/user/tenants/*/quota", status=503, count=5)
    details = error_line(server.update, tenant.id, tenant.outputs, {**tenant.inputs, "quota_gb": 2})
    assert "503" in details
    assert details.endswith("A temporary failure: run `pulumi up` again")


def test_an_unsafe_base_url_is_refused_before_any_request(
    launch: Launch, mailbux_pickle: str, emu: EmulatorHandle
) -> None:
    server = launch(
        mailbux_pickle, config=stack_config(emu, mailbux__baseUrl="http://mail.example.com")
    )
    details = error_line(server.create, {"quota_gb": 1})
    assert "stack config mailbux:baseUrl" in details
    assert "plain http to a non-loopback host" in details


# --- adoption and lost answers -------------------------------------------------------------


def test_adopting_a_tenant_that_is_not_ours_fails_clearly(mailbux_server: ProviderServer) -> None:
    details = error_line(
        mailbux_server.create, {"quota_gb": 1, "adopt_tenant_id": "999", "suspended": False}
    )
    assert details == (
        "Mailbux: cannot create tenant 999 (adopting): adopt_tenant_id '999' is not a tenant "
        "of this Mailbux reseller account: mailbux.list_tenants() lists the ids you can adopt"
    )


def test_a_refresh_hands_back_inputs_only_when_the_tenant_changed(
    launch: Launch, mailbux_pickle: str, emu: EmulatorHandle
) -> None:
    server = launch(mailbux_pickle)
    tenant = up_create(server, {"quota_gb": 1})
    assert server.read(tenant.id, tenant.outputs).inputs is None  # the engine keeps its own
    api_call(emu, "PATCH", f"/api/user/tenants/{tenant.id}/quota", json={"quota_gb": 4})
    drifted = launch(mailbux_pickle).read(tenant.id, tenant.outputs)  # a refresh of its own
    assert drifted.inputs == {**tenant.inputs, "quota_gb": 4}


def test_creates_in_flight_share_one_id_look_up_beyond_the_sdks_four_threads(
    launch: Launch, mailbux_pickle: str, emu: EmulatorHandle
) -> None:
    # The SDK's server has 4 threads; widened to the engine's parallelism (16 here), the
    # 16 slow POSTs are in flight together and one list gives them all their ids. With 4
    # threads, or a list each, it would take 4 lists or more after the one taken before the
    # first POST.
    server = launch(mailbux_pickle, env={"PULUMI_PARALLEL": "16"})
    emu.configure_reseller(api="mailbux", api_key=MAILBUX_KEY, tenant_limit=16, quota_gb=16)
    emu.add_fault(method="POST", path=TENANTS, latency_ms=1000, count=16)
    emu.reset_counters()
    with ThreadPoolExecutor(max_workers=16) as pool:
        tenants = list(pool.map(lambda _: up_create(server, {"quota_gb": 1}), range(16)))
    assert len({tenant.id for tenant in tenants}) == 16
    assert all(tenant.outputs["password_known"] for tenant in tenants)
    made = requests_made(emu)
    assert made[CREATE] == 16
    assert made[LIST] <= 3, made


# --- credentials ---------------------------------------------------------------------------


def test_the_key_may_come_from_the_environment_instead_of_config(
    launch: Launch, mailbux_pickle: str, emu: EmulatorHandle
) -> None:
    server = launch(
        mailbux_pickle,
        config={},
        env={"MAILBUX_API_KEY": MAILBUX_KEY, "MAILBUX_BASE_URL": emu.url},
    )
    tenant = up_create(server, {"quota_gb": 1})
    assert list(live(emu)) == [tenant.id]


def test_stack_config_wins_over_the_environment(
    launch: Launch, mailbux_pickle: str, emu: EmulatorHandle
) -> None:
    server = launch(mailbux_pickle, env={"MAILBUX_API_KEY": "stale-env-key"})
    tenant = up_create(server, {"quota_gb": 1})
    assert list(live(emu)) == [tenant.id]


def test_outputs_keep_state_shape_across_a_full_lifecycle(
    mailbux_server: ProviderServer, emu: EmulatorHandle
) -> None:
    tenant = up_create(mailbux_server, {"quota_gb": 1})
    steps: list[Deployed] = [tenant]
    steps.append(up_change(mailbux_server, steps[-1], {"quota_gb": 2}))
    refreshed = refresh(mailbux_server, steps[-1])
    assert refreshed is not None
    steps.append(refreshed)
    assert {frozenset(s.outputs) for s in steps} == {frozenset(tenant.outputs)}
    destroy(mailbux_server, steps[-1])
    assert live(emu) == {}
