"""The examples, run as a user runs them: `pulumi up` in the example's directory."""

from __future__ import annotations

from support.emulator_handle import EmulatorHandle
from support.live_tenants import archive_tenant, mailbux_tenants
from support.pulumi_cli import EXAMPLES, ProjectFactory


def test_quickstart_creates_one_tenant_per_api_and_exports_the_credentials(
    new_project: ProjectFactory, e2e_emulator: EmulatorHandle
) -> None:
    project = new_project(EXAMPLES / "quickstart")

    project.up()

    outputs = project.outputs()
    [live] = mailbux_tenants(e2e_emulator)
    assert outputs["mail_tenant_id"] == str(live["id"])
    assert outputs["mail_username"] == live["tenant_username"]
    assert outputs["mail_password"] == "[secret]"
    assert outputs["archive_slug"] == "acme-corp"
    assert archive_tenant(e2e_emulator, "acme-corp") is not None
    project.preview("--expect-no-changes")
