"""This repository as a plugin package under the current engine (CLI v3.277, Python host
v3.259, YAML host v1.25), what the pinned one cannot run: `pulumi package gen-sdk <repository>`
and `pulumi package add <repository>` build the plugin from source through `PulumiPlugin.yaml`
(the Python host makes a virtualenv in the repository and pip-installs the package into it,
its dependencies from PyPI) and generate SDKs whose classes carry the schema's descriptions; a
Python program of another project then manages both tenants through the generated SDK.

The repository is a copy of what a clone holds of the package: the engine builds `venv/` and
setuptools' `build/` inside the plugin's directory, which must not land in the working tree.
Each step's wall time is printed (`-s` shows it) and recorded as a property; none is asserted.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

from pulumi_resellertenant import __version__
from pulumi_resellertenant.plugin import package_schema
from support.emulator_handle import EMA_KEY, MAILBUX_KEY, EmulatorHandle
from support.live_tenants import archive_tenant, mailbux_tenants
from support.pulumi_cli import PROGRAMS, REPO_ROOT, PulumiProject, PulumiWorkspace, Run

PACKAGE_FILES = ("PulumiPlugin.yaml", "pyproject.toml", "README.md", "pulumi_resellertenant")
"""What `pulumi package add` needs of the repository: the plugin file and the package."""
MAILBUX = "resellertenant:mailbux:Tenant"
EMA = "resellertenant:easymailarchive:Tenant"
SECRET_SIG = "4dabf18193072939515e22adb298388d"
STEP_TIMEOUT = 600.0
"""`package add` and `gen-sdk` build the plugin's virtualenv from PyPI the first time."""

# The current engine's YAML host (v1.25.0, the newest the Go module proxy serves) predates
# `package add` for YAML projects: it has no `Link`, and it loads schemas with its own plugin
# host (sdk v3.206), which starts the Python host with a `-root` flag v3.259 no longer has.
YAML_HOST_LINK_ERROR = "linking package: method Link not implemented"
YAML_HOST_ROOT_ERROR = "flag provided but not defined: -root"

# The generated SDK as the host sees it: its distribution's module, the plugin it declares,
# and what its classes say (overloads keep the constructors' docstrings).
_INSPECT_SDK = """
import importlib.metadata, importlib.util, json, os, typing
import pulumi_resellertenant_sdk as sdk
from pulumi_resellertenant_sdk import easymailarchive, mailbux
from pulumi_resellertenant_sdk.config import vars as config

dist = importlib.metadata.distribution("pulumi_resellertenant_sdk")
spec = importlib.util.find_spec(dist.metadata["Name"].replace("-", "_"))
[where] = spec.submodule_search_locations
with open(os.path.join(where, "pulumi-plugin.json")) as file:
    plugin = json.load(file)
print(json.dumps({
    "module": sdk.__file__,
    "plugin": plugin,
    "mailbux.Tenant": [f.__doc__ for f in typing.get_overloads(mailbux.Tenant.__init__)],
    "mailbux.Tenant.tenant_password": mailbux.Tenant.tenant_password.__doc__,
    "mailbux.TenantArgs.quota_gb": mailbux.TenantArgs.quota_gb.__doc__,
    "easymailarchive.Tenant.slug": easymailarchive.Tenant.slug.__doc__,
    "config.mailbux_api_key": config._ExportableConfig.mailbux_api_key.__doc__,
    "mailbux.GetResellerOverviewResult.quota_available_gb":
        mailbux.GetResellerOverviewResult.quota_available_gb.__doc__,
    "easymailarchive.get_tenant_usage": easymailarchive.get_tenant_usage.__doc__,
}))
"""


@pytest.fixture(scope="module")
def repository(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A checkout of this repository's package, shared by the tests of this module (the
    plugin's virtualenv, built at the first step, is reused by the later ones)."""
    root = tmp_path_factory.mktemp("checkout") / "pulumi-resellertenant"
    root.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")
    for name in PACKAGE_FILES:
        source = REPO_ROOT / name
        if source.is_dir():
            shutil.copytree(source, root / name, ignore=ignore)
        else:
            shutil.copy2(source, root / name)
    return root


class Steps:
    """One project's pulumi commands, each timed and printed."""

    def __init__(
        self, project: PulumiProject, record: Any, env: Mapping[str, str] | None = None
    ) -> None:
        self.project = project
        self.record = record
        self.env = dict(env or {})
        self.seconds: dict[str, float] = {}

    def run(self, label: str, *args: str, check: bool = True) -> Run:
        started = time.monotonic()
        run = self.project.pulumi(*args, check=check, env=self.env, timeout=STEP_TIMEOUT)
        seconds = time.monotonic() - started
        self.seconds[label] = seconds
        self.record(f"seconds {label}", round(seconds, 1))
        print(f"{self.project.project_name}: {label} took {seconds:.1f} s")
        return run

    def configure(self, emulator: EmulatorHandle) -> None:
        """The plugin's own config, under its package's namespace."""
        for key, value, secret in (
            ("mailbuxApiKey", MAILBUX_KEY, True),
            ("mailbuxBaseUrl", emulator.url, False),
            ("easymailarchiveApiKey", EMA_KEY, True),
            ("easymailarchiveBaseUrl", emulator.url, False),
        ):
            flag = "--secret" if secret else "--plaintext"
            self.project.pulumi("config", "set", flag, f"resellertenant:{key}", value)


def schema_descriptions() -> Iterator[str]:
    """Every description in the plugin's schema, whitespace collapsed."""

    def walk(node: Any) -> Iterator[str]:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "description" and isinstance(value, str):
                    yield " ".join(value.split())
                else:
                    yield from walk(value)
        elif isinstance(node, list):
            for item in node:
                yield from walk(item)

    return walk(package_schema())


def missing_descriptions(sdk: Path) -> list[str]:
    """The schema's descriptions that the SDK's Python source does not carry."""
    source = " ".join(
        " ".join(path.read_text().split()) for path in sorted(sdk.rglob("*.py")) if path.is_file()
    )
    return sorted({text for text in schema_descriptions() if text not in source})


def inspect_sdk(python: Path, extra_path: Path | None = None) -> dict[str, Any]:
    """Import the SDK with `python` (from `extra_path` first) and read what it declares."""
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    if extra_path is not None:
        env["PYTHONPATH"] = str(extra_path)
    done = subprocess.run(  # noqa: S603 (the project's own interpreter)
        [str(python), "-c", _INSPECT_SDK],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, f"the generated SDK does not import:\n{done.stderr[-4000:]}"
    return dict(json.loads(done.stdout))


def assert_described(sdk: dict[str, Any]) -> None:
    """A few of the schema's descriptions, as the SDK's Python objects carry them."""
    overloads = sdk["mailbux.Tenant"]
    assert overloads, "the resource's constructor lost its overloads"
    for doc in overloads:
        assert "A Mailbux email-hosting tenant" in doc
    # The keyword overload describes each input.
    assert any("quota_gb: Storage quota in gigabytes" in doc for doc in overloads)
    assert "Mailbux shows it once" in sdk["mailbux.Tenant.tenant_password"]
    assert "taken from the reseller's pool" in sdk["mailbux.TenantArgs.quota_gb"]
    assert "A change replaces the tenant" in sdk["easymailarchive.Tenant.slug"]
    assert "`MAILBUX_API_KEY`" in sdk["config.mailbux_api_key"]
    assert (
        "still available for new tenants"
        in sdk["mailbux.GetResellerOverviewResult.quota_available_gb"]
    )
    assert "Users, storage and message counts" in sdk["easymailarchive.get_tenant_usage"]


def assert_declares_the_plugin(sdk: dict[str, Any]) -> None:
    # The SDK's own pulumi-plugin.json, found as the Python host finds it from the
    # distribution: the plugin and its version (not pulumi_resellertenant's "no plugin").
    assert sdk["plugin"] == {"resource": True, "name": "resellertenant", "version": __version__}


def test_gen_sdk_and_package_add_give_a_python_program_both_tenants(
    current_workspace: PulumiWorkspace,
    e2e_emulator: EmulatorHandle,
    repository: Path,
    tmp_path: Path,
    record_property: Any,
) -> None:
    project = current_workspace.project(PROGRAMS / "sdk-python-tenants", "sdk-python-tenants")
    steps = Steps(project, record_property)
    steps.configure(e2e_emulator)

    # gen-sdk: the plugin built from the repository, its schema as a Python SDK.
    out = tmp_path / "gen-sdk"
    steps.run(
        "gen-sdk", "package", "gen-sdk", str(repository), "--language", "python", "--out", str(out)
    )
    assert (repository / "venv" / "bin" / "python").exists(), "no plugin virtualenv was built"
    assert missing_descriptions(out / "python") == []

    # package add: the plugin recorded in Pulumi.yaml, a local SDK linked and installed.
    steps.run("package add", "package", "add", str(repository))
    pulumi_yaml = (project.workdir / "Pulumi.yaml").read_text()
    assert f"resellertenant: {repository}" in pulumi_yaml
    assert "sdks/resellertenant" in (project.workdir / "requirements.txt").read_text()
    assert missing_descriptions(project.workdir / "sdks" / "resellertenant") == []

    # Both SDKs import in the program's virtualenv (the one package add made) and carry the
    # descriptions on their classes; each declares the plugin and its version.
    python = project.workdir / "venv" / "bin" / "python"
    from_gen_sdk = inspect_sdk(python, extra_path=out / "python")
    assert from_gen_sdk["module"].startswith(str(out))
    installed = inspect_sdk(python)
    assert "site-packages" in installed["module"]
    for sdk in (from_gen_sdk, installed):
        assert_described(sdk)
        assert_declares_the_plugin(sdk)
    modules = subprocess.run(  # noqa: S603
        [str(python), "-m", "pip", "list", "--format=json"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    names = {entry["name"].replace("_", "-").lower() for entry in json.loads(modules)}
    assert "pulumi-resellertenant" not in names  # only the SDK declares a plugin here

    # up: the plugin from the repository (ambient plugins are ignored), no download.
    up = steps.run("up", "up", "--yes", "--skip-preview")
    assert "warning" not in up.output.lower()
    [mail] = mailbux_tenants(e2e_emulator)
    assert mail["quota_gb"] == 2
    archive = archive_tenant(e2e_emulator, "acme-sdk")
    assert archive is not None
    assert archive["status"] == "active"
    outputs = project.outputs()
    assert outputs["mailPassword"] == "[secret]"
    assert outputs["mailId"] == str(mail["id"])
    assert outputs["archiveStatus"] == "active"
    assert outputs["quotaTotalGb"] > 0  # a function (invoke) through the SDK
    password = project.outputs(show_secrets=True)["mailPassword"]
    assert password
    exported = project.export_text()
    assert password not in exported
    [state] = [r for r in json.loads(exported)["deployment"]["resources"] if r["type"] == MAILBUX]
    assert state["outputs"]["tenantPassword"][SECRET_SIG]  # ciphertext only

    steps.run("preview", "preview", "--expect-no-changes")
    destroyed = steps.run("destroy", "destroy", "--yes", "--skip-preview")
    assert f"{EMA} (archive):\n    warning: Easy Mail Archive has no delete" in destroyed.output
    assert [t for t in mailbux_tenants(e2e_emulator) if t["status"] != "terminated"] == []
    archive = archive_tenant(e2e_emulator, "acme-sdk")
    assert archive is not None
    assert archive["status"] == "suspended"


def test_package_add_in_a_yaml_project_fails_with_the_current_engines_yaml_host(
    current_workspace: PulumiWorkspace,
    e2e_emulator: EmulatorHandle,
    repository: Path,
    record_property: Any,
) -> None:
    """What a YAML project gets from `pulumi package add <repository>` under this engine.

    The CLI builds the plugin, reads its schema and writes the YAML package declaration, then
    fails: the YAML host (v1.25.0) implements no `Link`, so Pulumi.yaml gets no `packages:`
    entry. Recorded by hand, the entry does not help either: that host loads the schema with
    its own plugin host, which starts the Python host with `-root`, a flag the v3.259 host
    refuses. A YAML host that links packages and loads schemas through the engine (newer than
    the Go module proxy serves) makes both asserts fail: then this test should run `up`,
    `preview --expect-no-changes` and `destroy` like the Python one. YAML programs use the
    executable plugin meanwhile (tests/e2e/test_plugin_yaml.py).
    """
    project = current_workspace.project(PROGRAMS / "sdk-yaml-tenants", "sdk-yaml-tenants")
    steps = Steps(project, record_property)
    steps.configure(e2e_emulator)

    added = steps.run("package add", "package", "add", str(repository), check=False)
    assert added.returncode != 0
    assert YAML_HOST_LINK_ERROR in added.output
    declaration = project.workdir / "sdks" / "resellertenant" / f"resellertenant-{__version__}.yaml"
    assert f"version: {__version__}" in declaration.read_text()  # the plugin's own schema
    assert "packages:" not in (project.workdir / "Pulumi.yaml").read_text()

    with (project.workdir / "Pulumi.yaml").open("a") as file:
        file.write(f"packages:\n  resellertenant: {repository}\n")
    preview = steps.run("preview", "preview", check=False)
    assert preview.returncode != 0
    assert YAML_HOST_ROOT_ERROR in preview.output
    assert mailbux_tenants(e2e_emulator) == []
