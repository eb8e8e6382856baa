"""`tools/engine/path` takes any installed Pulumi that can run the package's programs: what it
needs depends on the CLI's version and on the languages asked for, and a refusal names what is
missing and the fix. Fake installs (scripts that print a version) stand in for releases."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from support.pulumi_cli import REPO_ROOT

PATH_SCRIPT = REPO_ROOT / "tools" / "engine" / "path"
PYTHON_TOOLS = ("pulumi-language-python", "pulumi-language-python-exec")
PYTHON_TOOLS += ("pulumi-resource-pulumi-python",)
ANALYZER = "pulumi-analyzer-policy-python"


def fake_install(root: Path, version: str, tools: tuple[str, ...]) -> Path:
    """A directory like a Pulumi release's: `pulumi version` prints `version`."""
    bin_dir = root / "pulumi-bin"
    bin_dir.mkdir()
    (bin_dir / "pulumi").write_text(f"#!/bin/sh\necho {version}\n")
    for tool in tools:
        (bin_dir / tool).write_text("#!/bin/sh\n")
    for path in bin_dir.iterdir():
        path.chmod(0o755)
    return bin_dir


def engine_path(bin_dir: Path, *languages: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 (the repository's own script)
        [str(PATH_SCRIPT), *languages],
        env={"PATH": f"{bin_dir}:/usr/bin:/bin", "HOME": str(bin_dir.parent)},
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )


@pytest.mark.parametrize("version", ["v3.221.0", "v3.259.0", "v3.277.0", "v4.0.0"])
def test_a_current_release_needs_no_analyzer_shim(tmp_path: Path, version: str) -> None:
    bin_dir = fake_install(tmp_path, version, PYTHON_TOOLS)
    done = engine_path(bin_dir)
    assert (done.returncode, done.stdout.strip(), done.stderr) == (0, str(bin_dir), "")


def test_a_release_before_v3_221_needs_the_analyzer_shim(tmp_path: Path) -> None:
    bin_dir = fake_install(tmp_path, "v3.220.0", PYTHON_TOOLS)
    done = engine_path(bin_dir)
    assert done.returncode == 1
    assert done.stdout == ""
    assert f"v3.220.0) lacks {ANALYZER} (neither beside it nor on PATH)" in done.stderr
    assert "Reinstall Pulumi" in done.stderr
    assert "RESELLERTENANT_ENGINE_BUILD=1" in done.stderr


def test_an_old_release_with_its_shim_is_taken(tmp_path: Path) -> None:
    bin_dir = fake_install(tmp_path, "v3.200.1", (*PYTHON_TOOLS, ANALYZER))
    assert engine_path(bin_dir).stdout.strip() == str(bin_dir)


def test_every_missing_python_tool_is_named(tmp_path: Path) -> None:
    bin_dir = fake_install(tmp_path, "v3.277.0", ("pulumi-language-python",))
    done = engine_path(bin_dir)
    assert done.returncode == 1
    assert "lacks pulumi-language-python-exec pulumi-resource-pulumi-python (" in done.stderr


def test_a_language_host_is_needed_only_when_asked_for(tmp_path: Path) -> None:
    bin_dir = fake_install(tmp_path, "v3.277.0", PYTHON_TOOLS)
    assert engine_path(bin_dir).returncode == 0
    done = engine_path(bin_dir, "yaml")
    assert done.returncode == 1
    assert "lacks pulumi-language-yaml (" in done.stderr
    (bin_dir / "pulumi-language-yaml").write_text("#!/bin/sh\n")
    (bin_dir / "pulumi-language-yaml").chmod(0o755)
    assert engine_path(bin_dir, "yaml").stdout.strip() == str(bin_dir)


def test_a_pulumi_that_reports_no_version_is_refused_with_the_fix(tmp_path: Path) -> None:
    bin_dir = fake_install(tmp_path, "not-a-version", PYTHON_TOOLS)
    done = engine_path(bin_dir)
    assert done.returncode == 1
    assert "did not report its version" in done.stderr
    assert "RESELLERTENANT_ENGINE_BUILD=1" in done.stderr
