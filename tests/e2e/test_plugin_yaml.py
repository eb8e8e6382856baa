"""The provider plugin under the real engine: a YAML program (`runtime: yaml`) manages both
tenants through `pulumi-resource-resellertenant` found on PATH; `pulumi import` adopts a
tenant through Read; the policy pack checks the plugin's tenants as it does the dynamic ones.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from support.emulator_handle import EMA_KEY, EMA_OTHER_KEY, MAILBUX_KEY, EmulatorHandle
from support.live_tenants import api_call, archive_tenant, mailbux_tenants
from support.pulumi_cli import PROGRAMS, PulumiProject, PulumiWorkspace

PROGRAM = PROGRAMS / "yaml-tenants"
MAILBUX = "resellertenant:mailbux:Tenant"
EMA = "resellertenant:easymailarchive:Tenant"
SECRET_SIG = "4dabf18193072939515e22adb298388d"
PACK = Path(
    subprocess.run(
        [sys.executable, "-m", "pulumi_resellertenant.policy", "path"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
)


def archive(emu: EmulatorHandle) -> dict[str, object]:
    tenant = archive_tenant(emu, "acme-corp")
    assert tenant is not None
    return tenant


@pytest.fixture
def plugin_bin() -> Path:
    """The directory of `pulumi-resource-resellertenant`, the console script the package
    installs beside this interpreter: the executable the engine looks for on PATH."""
    bin_dir = Path(sys.executable).parent
    assert (bin_dir / "pulumi-resource-resellertenant").is_file(), "the console script is missing"
    return bin_dir


class YamlProject:
    """A YAML project whose every command finds the plugin on PATH."""

    def __init__(self, project: PulumiProject, plugin_bin: Path) -> None:
        self.project = project
        path = project.workspace.env()["PATH"]
        # The plugin is found on PATH: what the workspace turns off for Python programs.
        self.env = {"PATH": f"{plugin_bin}:{path}", "PULUMI_IGNORE_AMBIENT_PLUGINS": "false"}

    def pulumi(self, *args: str, check: bool = True) -> str:
        run = self.project.pulumi(*args, check=check, env=self.env)
        return run.output

    def up(self, *flags: str) -> str:
        return self.pulumi("up", "--yes", "--skip-preview", *flags)

    def config(self, key: str, value: str, *, secret: bool = False) -> None:
        flag = "--secret" if secret else "--plaintext"
        self.pulumi("config", "set", flag, key, value)

    def resources(self, token: str) -> list[dict[str, object]]:
        exported = json.loads(self.pulumi("stack", "export"))
        return [r for r in exported["deployment"]["resources"] if r["type"] == token]


@pytest.fixture
def yaml_project(
    workspace: PulumiWorkspace, e2e_emulator: EmulatorHandle, plugin_bin: Path
) -> YamlProject:
    project = YamlProject(workspace.project(PROGRAM, "yaml-tenants"), plugin_bin)
    # The plugin's own config, under its package's namespace.
    project.config("resellertenant:mailbuxApiKey", MAILBUX_KEY, secret=True)
    project.config("resellertenant:mailbuxBaseUrl", e2e_emulator.url)
    project.config("resellertenant:easymailarchiveApiKey", EMA_KEY, secret=True)
    project.config("resellertenant:easymailarchiveBaseUrl", e2e_emulator.url)
    return project


def test_a_yaml_program_creates_updates_suspends_and_destroys_both_tenants(
    yaml_project: YamlProject, e2e_emulator: EmulatorHandle
) -> None:
    yaml_project.up()
    [mail] = mailbux_tenants(e2e_emulator)
    assert mail["quota_gb"] == 2
    assert archive_tenant(e2e_emulator, "acme-corp") is not None
    outputs = json.loads(yaml_project.pulumi("stack", "output", "--json"))
    assert outputs["mailPassword"] == "[secret]"
    assert outputs["mailId"] == str(mail["id"])
    assert outputs["quotaTotalGb"] > 0  # a function (invoke) of the plugin
    password = json.loads(yaml_project.pulumi("stack", "output", "--json", "--show-secrets"))[
        "mailPassword"
    ]
    [state] = yaml_project.resources(MAILBUX)
    assert state["outputs"]["tenantPassword"][SECRET_SIG]  # the provider marked it secret
    assert password not in yaml_project.pulumi("stack", "export")

    yaml_project.config("quotaGb", "3")
    yaml_project.config("archiveName", "Acme Corporation")
    preview = yaml_project.pulumi("preview", "--diff")
    assert "quotaGb" in preview  # the detailed diff names the property
    yaml_project.up()
    [mail] = mailbux_tenants(e2e_emulator)
    assert mail["quota_gb"] == 3
    assert archive(e2e_emulator)["name"] == "Acme Corporation"

    yaml_project.config("suspended", "true")
    yaml_project.up()
    [mail] = mailbux_tenants(e2e_emulator)
    assert mail["status"] == "suspended"
    assert archive(e2e_emulator)["status"] == "suspended"
    assert (
        json.loads(yaml_project.pulumi("stack", "output", "--json", "--show-secrets"))[
            "mailPassword"
        ]
        == password
    ), "the one-time password survives updates"
    yaml_project.pulumi("preview", "--expect-no-changes")  # refresh-free: state is reality

    destroyed = yaml_project.pulumi("destroy", "--yes", "--skip-preview")
    # The lifecycle's warning reaches the engine under the tenant, not under the stack.
    assert f"{EMA} (archive):\n    warning: Easy Mail Archive" in destroyed
    assert [t for t in mailbux_tenants(e2e_emulator) if t["status"] != "terminated"] == []
    # Easy Mail Archive has no delete: the tenant stays, suspended.
    assert archive(e2e_emulator)["status"] == "suspended"


def test_the_engine_reads_the_schema_from_the_executable_plugin(
    yaml_project: YamlProject, plugin_bin: Path
) -> None:
    plugin = plugin_bin / "pulumi-resource-resellertenant"
    schema = json.loads(yaml_project.pulumi("package", "get-schema", str(plugin)))
    assert sorted(schema["resources"]) == [EMA, MAILBUX]
    assert schema["resources"][MAILBUX]["properties"]["tenantPassword"]["secret"] is True


def test_pulumi_import_adopts_an_existing_tenant(
    yaml_project: YamlProject, e2e_emulator: EmulatorHandle
) -> None:
    api_call(e2e_emulator, "POST", "/api/user/tenants", json={"quota_gb": 4})
    [existing] = mailbux_tenants(e2e_emulator)
    output = yaml_project.pulumi(
        "import", MAILBUX, "adopted", str(existing["id"]), "--yes", "--generate-code=false"
    )
    # The warning that its password is unknown, under the tenant it concerns.
    assert f"{MAILBUX} (adopted):\n    warning: Mailbux tenant {existing['id']} imported" in output
    [adopted] = yaml_project.resources(MAILBUX)
    assert adopted["id"] == str(existing["id"])
    assert adopted["outputs"]["quotaGb"] == 4
    assert adopted["outputs"]["passwordKnown"] is False
    api_call(
        e2e_emulator, "POST", "/api/reseller/tenants", json={"slug": "old-corp", "name": "Old"}
    )
    yaml_project.pulumi("import", EMA, "old", "old-corp", "--yes", "--generate-code=false")
    [archive] = yaml_project.resources(EMA)
    assert archive["outputs"]["name"] == "Old"


def test_the_policy_pack_checks_the_plugins_tenants(
    yaml_project: YamlProject, e2e_emulator: EmulatorHandle, tmp_path: Path
) -> None:
    limits = tmp_path / "limits.json"
    limits.write_text(json.dumps({"mailbux-quota-per-tenant": {"maxQuotaGb": 1}}))
    output = yaml_project.pulumi(
        "preview", "--policy-pack", str(PACK), "--policy-pack-config", str(limits), check=False
    )
    assert "mailbux-quota-per-tenant" in output
    assert "Mailbux tenant mail: quota_gb=2 is over maxQuotaGb=1" in output
    assert mailbux_tenants(e2e_emulator) == []


def test_an_explicit_provider_manages_a_second_account_in_the_same_program(
    workspace: PulumiWorkspace, e2e_emulator: EmulatorHandle, plugin_bin: Path
) -> None:
    # The dynamic resources read one account per API from their stack's config; the plugin's
    # explicit provider instances take each their own settings.
    project = YamlProject(
        workspace.project(PROGRAMS / "yaml-two-accounts", "yaml-two-accounts"), plugin_bin
    )
    project.config("resellertenant:easymailarchiveApiKey", EMA_KEY, secret=True)
    project.config("resellertenant:easymailarchiveBaseUrl", e2e_emulator.url)
    project.config("otherKey", EMA_OTHER_KEY, secret=True)
    project.config("baseUrl", e2e_emulator.url)

    project.up()

    def slugs(key: str) -> list[str]:
        listed = api_call(e2e_emulator, "GET", "/api/reseller/tenants", key=key).json()
        return [tenant["slug"] for tenant in listed["data"]]

    assert slugs(EMA_KEY) == ["acme-corp"]
    assert slugs(EMA_OTHER_KEY) == ["globex"]
    project.pulumi("destroy", "--yes", "--skip-preview")
    assert [
        t["status"]
        for t in api_call(e2e_emulator, "GET", "/api/reseller/tenants", key=EMA_OTHER_KEY).json()[
            "data"
        ]
    ] == ["suspended"]
