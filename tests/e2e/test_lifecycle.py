"""Create, update, replace and destroy under the real engine, for both APIs."""

from __future__ import annotations

from support.emulator_handle import EmulatorHandle
from support.engine_steps import requests_made
from support.live_tenants import archive_tenant, mailbux_tenants
from support.pulumi_cli import EMA_TYPE, MAILBUX_TYPE, ONE_TENANT_EACH, ProjectFactory

SPEC = ONE_TENANT_EACH


def test_up_creates_both_tenants_and_a_second_preview_has_no_changes(
    new_project: ProjectFactory, e2e_emulator: EmulatorHandle
) -> None:
    project = new_project()
    project.write_spec(SPEC)

    project.up()

    [mail_state] = project.resources(MAILBUX_TYPE)
    [archive_state] = project.resources(EMA_TYPE)
    assert mail_state["outputs"]["quota_gb"] == 5
    assert archive_state["id"] == "acme-corp"
    [live] = mailbux_tenants(e2e_emulator)
    assert str(live["id"]) == mail_state["id"]
    assert archive_tenant(e2e_emulator, "acme-corp") is not None
    outputs = project.outputs()
    assert outputs["mail_username"] == live["tenant_username"]
    assert outputs["archive_status"] == "active"

    e2e_emulator.reset_counters()
    project.preview("--expect-no-changes")
    project.up("--expect-no-changes")
    assert requests_made(e2e_emulator) == {}


def test_quota_name_and_suspension_update_in_place_and_a_new_slug_replaces(
    new_project: ProjectFactory, e2e_emulator: EmulatorHandle
) -> None:
    project = new_project()
    project.write_spec(SPEC)
    project.up()
    [mail_before] = project.resources(MAILBUX_TYPE, show_secrets=True)

    project.write_spec(
        {
            "mailbux": {"mail": {"quota_gb": 8, "suspended": True}},
            "easymailarchive": {
                "archive": {"slug": "acme-corp", "name": "Acme Intl", "suspended": True}
            },
        }
    )
    e2e_emulator.reset_counters()
    run = project.up()

    assert "2 updated" in run.stdout
    assert requests_made(e2e_emulator) == {
        "PATCH /api/user/tenants/{tenant_id}/quota": 1,
        "POST /api/user/tenants/{tenant_id}/suspend": 1,
        "PUT /api/reseller/tenants/{slug}": 1,
        "POST /api/reseller/tenants/{slug}/suspend": 1,
        # the pre-check of the quota increase against the reseller pool
        "GET /api/user/reseller/overview": 1,
    }
    [mail_after] = project.resources(MAILBUX_TYPE, show_secrets=True)
    assert mail_after["id"] == mail_before["id"]  # in place
    password = mail_after["outputs"]["tenant_password"]
    assert password
    assert password == mail_before["outputs"]["tenant_password"]
    [live] = mailbux_tenants(e2e_emulator)
    assert (live["quota_gb"], live["status"]) == (8, "suspended")
    archive = archive_tenant(e2e_emulator, "acme-corp")
    assert archive is not None
    assert (archive["name"], archive["status"]) == ("Acme Intl", "suspended")

    project.write_spec(
        {**SPEC, "easymailarchive": {"archive": {"slug": "acme-new", "name": "Acme Intl"}}}
    )
    preview = project.preview()
    assert "+-1 to replace" in preview.stdout
    project.up()
    [archive_state] = project.resources(EMA_TYPE)
    assert archive_state["id"] == "acme-new"
    # The old slug was "deleted": Easy Mail Archive has no delete, so it is suspended.
    old = archive_tenant(e2e_emulator, "acme-corp")
    assert old is not None
    assert old["status"] == "suspended"


def test_destroy_terminates_mailbux_and_suspends_the_archive_with_a_warning(
    new_project: ProjectFactory, e2e_emulator: EmulatorHandle
) -> None:
    project = new_project()
    project.write_spec(SPEC)
    project.up()

    run = project.destroy()

    assert mailbux_tenants(e2e_emulator) == []
    archive = archive_tenant(e2e_emulator, "acme-corp")
    assert archive is not None
    assert archive["status"] == "suspended"
    # Provider warnings reach the CLI attributed to the Stack, not to the tenant.
    assert "tenant acme-corp is suspended, and its archive and data remain" in run.output
    assert project.resources(MAILBUX_TYPE) == project.resources(EMA_TYPE) == []
