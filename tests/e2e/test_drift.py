"""Changes made behind Pulumi's back, and a rotated key, under the real engine."""

from __future__ import annotations

from typing import Any

from support.emulator_handle import EMA_KEY, MAILBUX_KEY, EmulatorHandle
from support.live_tenants import api_call, archive_tenant, mailbux_tenants
from support.pulumi_cli import EMA_TYPE, MAILBUX_TYPE, ProjectFactory

SPEC = {
    "mailbux": {"kept": {"quota_gb": 5}, "doomed": {"quota_gb": 2}},
    "easymailarchive": {"archive": {"slug": "acme-corp", "name": "Acme Corporation"}},
}


def test_refresh_finds_drift_and_the_next_up_converges(
    new_project: ProjectFactory, e2e_emulator: EmulatorHandle
) -> None:
    project = new_project()
    project.write_spec(SPEC)
    project.up()
    ids = {name: project.resource_named(MAILBUX_TYPE, name)["id"] for name in ("kept", "doomed")}

    api_call(e2e_emulator, "POST", f"/api/user/tenants/{ids['kept']}/suspend")
    api_call(e2e_emulator, "PATCH", f"/api/user/tenants/{ids['kept']}/quota", json={"quota_gb": 7})
    api_call(e2e_emulator, "POST", f"/api/user/tenants/{ids['doomed']}/terminate")
    api_call(e2e_emulator, "POST", "/api/reseller/tenants/acme-corp/suspend")

    project.refresh()

    state = {r["urn"].rsplit("::", 1)[1]: r for r in project.resources(MAILBUX_TYPE)}
    assert set(state) == {"kept"}  # the terminated tenant is forgotten
    assert state["kept"]["outputs"]["suspended"] is True
    assert state["kept"]["outputs"]["quota_gb"] == 7
    assert state["kept"]["inputs"]["quota_gb"] == 7  # so the next preview sees the drift
    [archive] = project.resources(EMA_TYPE)
    assert archive["outputs"]["status"] == "suspended"

    preview = project.preview()
    assert "+ 1 to create" in preview.stdout
    assert "~ 2 to update" in preview.stdout
    project.up()

    live = {str(t["id"]): t for t in mailbux_tenants(e2e_emulator)}
    assert (live[ids["kept"]]["quota_gb"], live[ids["kept"]]["status"]) == (5, "active")
    assert len(live) == 2  # "doomed" created anew
    restored = archive_tenant(e2e_emulator, "acme-corp")
    assert restored is not None
    assert restored["status"] == "active"
    project.preview("--expect-no-changes")


def test_a_refresh_of_unchanged_tenants_leaves_their_state_as_it_was(
    new_project: ProjectFactory, e2e_emulator: EmulatorHandle
) -> None:
    project = new_project()
    project.write_spec(SPEC)
    project.up()

    def recorded() -> dict[str, Any]:
        # With the password in clear: its ciphertext is new at each write of the state.
        return {
            r["urn"]: (r["inputs"], r["outputs"], r["id"])
            for token in (MAILBUX_TYPE, EMA_TYPE)
            for r in project.resources(token, show_secrets=True)
        }

    before = recorded()
    project.refresh()
    assert recorded() == before
    project.preview("--expect-no-changes")


def test_a_rotated_key_in_stack_config_serves_refresh_and_destroy(
    new_project: ProjectFactory, e2e_emulator: EmulatorHandle
) -> None:
    project = new_project()
    project.write_spec(SPEC)
    project.up()
    e2e_emulator.rotate_key("mailbux", MAILBUX_KEY, "mailbux-rotated-key")
    e2e_emulator.rotate_key("easymailarchive", EMA_KEY, "easymailarchive-rotated-key")
    project.set_config("mailbux:apiKey", "mailbux-rotated-key", secret=True)
    project.set_config("easymailarchive:apiKey", "easymailarchive-rotated-key", secret=True)

    # Without the program, the engine configures providers with the settings recorded at
    # the last `up`: the old key is refused, and the error says what to do.
    stale = project.refresh(check=False)
    assert stale.returncode != 0
    assert "401" in stale.output
    assert "--run-program" in stale.output
    for key in ("mailbux-rotated-key", "easymailarchive-rotated-key", MAILBUX_KEY, EMA_KEY):
        assert key not in stale.output

    project.refresh("--run-program")
    project.destroy("--run-program")

    assert mailbux_tenants(e2e_emulator, key="mailbux-rotated-key") == []
    assert project.resources(MAILBUX_TYPE) == project.resources(EMA_TYPE) == []
