"""What the docs say of the repository is what the repository holds: the compatibility
table's ranges are pyproject's, its engines the ones `tools/engine/build` builds, the
example workflows are counted right, and the limits the docs quote are the code's."""

from __future__ import annotations

import re
import tomllib

import pytest

from support.emulator_handle import REPO_ROOT

README = (REPO_ROOT / "README.md").read_text()
PYPROJECT = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())
BUILD = (REPO_ROOT / "tools" / "engine" / "build").read_text()


def table_row(first_cell: str) -> list[str]:
    [line] = [line for line in README.splitlines() if line.startswith(f"| {first_cell} |")]
    return [cell.strip() for cell in line.strip("|").split("|")]


def declared(package: str) -> str:
    for requirement in PYPROJECT["project"]["dependencies"] + [
        r for extra in PYPROJECT["project"]["optional-dependencies"].values() for r in extra
    ]:
        if re.match(rf"{re.escape(package)}\s*[<>=!~]", requirement):
            return requirement[len(package) :].strip()
    raise AssertionError(f"{package} is not a dependency")


@pytest.mark.parametrize(
    ("row", "package"), [("pulumi (Python SDK)", "pulumi"), ("pulumi-policy", "pulumi-policy")]
)
def test_the_declared_ranges_are_pyprojects(row: str, package: str) -> None:
    assert table_row(row)[2] == f"`{declared(package)}`"


def test_the_python_row_is_requires_python() -> None:
    assert table_row("Python")[2] == f"`{PYPROJECT['project']['requires-python']}`"


def test_the_engines_are_the_ones_the_build_script_builds() -> None:
    cli = re.findall(r"^\s*CLI_VERSION=(v[0-9.]+)", BUILD, re.M)
    host = re.findall(r"^\s*PYHOST_VERSION=(v[0-9.]+)", BUILD, re.M)
    assert table_row("Pulumi CLI")[1] == f"{cli[0]} (pinned) and {cli[1]} (current)"
    assert table_row("Python language host")[1] == f"{host[0]} (pinned) and {host[1]} (current)"


def test_the_status_counts_the_example_workflows() -> None:
    words = ["no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
    examples = [p for p in (REPO_ROOT / "examples").iterdir() if (p / "README.md").is_file()]
    assert f"{words[len(examples)]} example workflows" in " ".join(README.split())


def test_the_numbers_the_docs_quote_are_the_codes() -> None:
    from pulumi_resellertenant.core.lifecycle import _lost_answers
    from pulumi_resellertenant.core.pacing import _ratelimit

    python = " ".join((REPO_ROOT / "docs" / "python.md").read_text().split())
    operations = " ".join((REPO_ROOT / "docs" / "operations.md").read_text().split())
    # Both APIs' creates post again after a lost answer, up to the shared loop's limit.
    assert python.count(f"(up to {_lost_answers.MAX_POSTS} times)") == 2
    assert f"(up to {int(_ratelimit.MAX_HOLD)} s; a longer one fails at once)" in operations
