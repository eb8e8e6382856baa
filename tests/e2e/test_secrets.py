"""The password exists in state only as ciphertext; no API key appears anywhere in clear."""

from __future__ import annotations

import json

from support.emulator_handle import EMA_KEY, EMA_OTHER_KEY, MAILBUX_KEY, EmulatorHandle
from support.pulumi_cli import (
    EMA_TYPE,
    MAILBUX_TYPE,
    ONE_TENANT_EACH,
    ProjectFactory,
    PulumiProject,
)

KEYS = (MAILBUX_KEY, EMA_KEY, EMA_OTHER_KEY)
SPEC = ONE_TENANT_EACH


def assert_password_only_as_ciphertext(project: PulumiProject, password: str) -> None:
    exported = project.export_text()
    assert password not in exported
    [mail] = project.resources(MAILBUX_TYPE)
    stored = mail["outputs"]["tenant_password"]
    assert stored["4dabf18193072939515e22adb298388d"] == "1b47061264138c4ac30d75fd1eb44270"
    assert "ciphertext" in stored
    assert "tenant_password" in mail["additionalSecretOutputs"]


def assert_no_key(text: str, where: str) -> None:
    for key in KEYS:
        assert key not in text, f"an API key in plaintext in {where}"


def test_the_password_is_a_secret_in_outputs_and_state_also_after_refresh(
    new_project: ProjectFactory, e2e_emulator: EmulatorHandle
) -> None:
    project = new_project()
    project.write_spec(SPEC)
    up = project.up()

    outputs = project.outputs()
    assert outputs["mail_password"] == "[secret]"
    password = project.outputs(show_secrets=True)["mail_password"]
    assert len(password) >= 12
    assert password not in up.output
    assert_password_only_as_ciphertext(project, password)

    refresh = project.refresh()
    assert password not in refresh.output
    assert_password_only_as_ciphertext(project, password)
    assert project.outputs(show_secrets=True)["mail_password"] == password


def test_no_api_key_in_state_logs_or_tenant_state(
    new_project: ProjectFactory, e2e_emulator: EmulatorHandle
) -> None:
    project = new_project()
    project.write_spec(SPEC)

    verbose = project.up("-v=9", "--logtostderr")
    assert "pulumi-python:dynamic/mailbux:Tenant" in verbose.stderr  # the log is really there
    assert_no_key(verbose.output, "the output of `pulumi up -v=9 --logtostderr`")
    assert_no_key(project.export_text(), "`pulumi stack export`")
    for run in project.runs:
        assert_no_key(run.output, f"the output of `pulumi {' '.join(run.args)}`")

    # With secrets shown, the engine's own record of the provider config holds the keys (it
    # is the stack config the engine hands the provider); no tenant's state does.
    revealed = project.export(show_secrets=True)["deployment"]["resources"]
    tenants = [r for r in revealed if r["type"] in (MAILBUX_TYPE, EMA_TYPE)]
    assert len(tenants) == 2
    for tenant in tenants:
        assert_no_key(json.dumps(tenant), f"the state of {tenant['urn']}")
