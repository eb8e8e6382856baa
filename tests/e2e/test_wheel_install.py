"""The package as users install it: the sdist and wheel built from this repository, checked
as an index would check them, and the wheel installed into a fresh virtual environment (no
`-e`, no PULUMI_IGNORE_AMBIENT_PLUGINS). From it the quickstart runs as a Python program
without starting the provider plugin, and a YAML program runs through the wheel's
`pulumi-resource-resellertenant`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from support.emulator_handle import EMA_KEY, MAILBUX_KEY, REPO_ROOT, EmulatorHandle
from support.live_tenants import archive_tenant, mailbux_tenants
from support.pulumi_cli import PROGRAMS, ProjectFactory, PulumiProject, PulumiWorkspace

INSTALL_TIMEOUT = 900  # seconds: a fresh environment downloads its dependencies once


def _run(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(  # noqa: S603 (our interpreter and tools, fixed arguments)
        [str(arg) for arg in args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=INSTALL_TIMEOUT,
        check=False,
    )
    assert done.returncode == 0, f"{' '.join(map(str, args))}:\n{done.stdout}\n{done.stderr}"
    return done


@pytest.fixture(scope="session")
def distributions(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """The sdist and the wheel, built as `python -m build` builds them for a release."""
    out = tmp_path_factory.mktemp("dist")
    _run(sys.executable, "-m", "build", "--sdist", "--wheel", "--outdir", out, REPO_ROOT)
    return sorted(out.iterdir())


@pytest.fixture(scope="session")
def wheel(distributions: list[Path]) -> Path:
    [built] = [path for path in distributions if path.suffix == ".whl"]
    return built


@pytest.fixture(scope="session")
def wheel_env(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bin directory of a fresh virtual environment with the wheel installed."""
    venv = tmp_path_factory.mktemp("wheel-venv")
    _run(sys.executable, "-m", "venv", venv)
    _run(venv / "bin" / "python", "-m", "pip", "install", "-q", wheel)
    return venv / "bin"


def test_the_distributions_pass_an_indexs_checks_and_carry_what_users_need(
    distributions: list[Path], wheel: Path
) -> None:
    assert sorted(path.suffix for path in distributions) == [".gz", ".whl"]
    _run(sys.executable, "-m", "twine", "check", "--strict", *distributions)
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    for needed in (
        "pulumi_resellertenant/pulumi-plugin.json",  # Python programs need no plugin
        "pulumi_resellertenant/py.typed",  # type checkers read the annotations
        "pulumi_resellertenant/policy/pack/PulumiPolicy.yaml",  # the policy pack
        "pulumi_resellertenant/policy/pack/__main__.py",
        "pulumi_resellertenant/plugin/serve.py",  # the provider plugin
    ):
        assert needed in names, needed
    assert not [name for name in names if name.startswith(("tests/", "examples/"))]


def test_the_installed_scripts_answer_with_the_packages_version(wheel_env: Path) -> None:
    from pulumi_resellertenant import __version__

    for script in ("pulumi-resellertenant", "pulumi-resource-resellertenant"):
        done = _run(wheel_env / script, "--version")
        assert done.stdout.strip() == f"{script} {__version__}"


def test_the_quickstart_runs_from_the_wheel_without_starting_the_plugin(
    workspace: PulumiWorkspace,
    new_project: ProjectFactory,
    e2e_emulator: EmulatorHandle,
    wheel_env: Path,
    tmp_path: Path,
) -> None:
    # The language host runs the wheel's Python, with nothing else of this repository on
    # PATH. A Python program needs no `resellertenant` plugin (the installed
    # pulumi-plugin.json says so): a stand-in plugin on PATH records any start.
    spy = tmp_path / "spy"
    spy.mkdir()
    started = tmp_path / "plugin-started"
    stand_in = spy / "pulumi-resource-resellertenant"
    stand_in.write_text(f"#!/bin/sh\ntouch {started}\nexit 1\n")
    stand_in.chmod(0o755)
    env = {
        "PATH": os.pathsep.join(
            [str(workspace.engine), str(spy), "/usr/local/bin", "/usr/bin", "/bin"]
        ),
        "PULUMI_PYTHON_CMD": str(wheel_env / "python"),
        "PULUMI_IGNORE_AMBIENT_PLUGINS": "false",
    }
    project = new_project(REPO_ROOT / "examples" / "quickstart")

    project.pulumi("up", "--yes", "--skip-preview", env=env)

    outputs = json.loads(project.pulumi("stack", "output", "--json", env=env).stdout)
    [live] = mailbux_tenants(e2e_emulator)
    assert outputs["mail_tenant_id"] == str(live["id"])
    assert outputs["mail_password"] == "[secret]"
    assert archive_tenant(e2e_emulator, "acme-corp") is not None
    project.pulumi("preview", "--expect-no-changes", env=env)
    assert not started.exists(), "the engine started a plugin a Python program does not need"


def test_a_yaml_program_runs_through_the_wheels_plugin(
    workspace: PulumiWorkspace, e2e_emulator: EmulatorHandle, wheel_env: Path
) -> None:
    # The engine finds `pulumi-resource-resellertenant` on PATH: the wheel's console script.
    env = {
        "PATH": os.pathsep.join(
            [str(workspace.engine), str(wheel_env), "/usr/local/bin", "/usr/bin", "/bin"]
        ),
        "PULUMI_IGNORE_AMBIENT_PLUGINS": "false",
    }
    project: PulumiProject = workspace.project(PROGRAMS / "yaml-tenants", "yaml-tenants")
    for key, value, secret in (
        ("resellertenant:mailbuxApiKey", MAILBUX_KEY, True),
        ("resellertenant:mailbuxBaseUrl", e2e_emulator.url, False),
        ("resellertenant:easymailarchiveApiKey", EMA_KEY, True),
        ("resellertenant:easymailarchiveBaseUrl", e2e_emulator.url, False),
    ):
        flag = "--secret" if secret else "--plaintext"
        project.pulumi("config", "set", flag, key, value, env=env)

    project.pulumi("up", "--yes", "--skip-preview", env=env)

    [mail] = mailbux_tenants(e2e_emulator)
    assert mail["quota_gb"] == 2
    assert archive_tenant(e2e_emulator, "acme-corp") is not None
    outputs = json.loads(project.pulumi("stack", "output", "--json", env=env).stdout)
    assert outputs["mailId"] == str(mail["id"])
