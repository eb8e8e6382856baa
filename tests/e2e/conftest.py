"""The end-to-end layer: the real Pulumi engine (`tools/engine/path`) runs real programs
against the emulator. Each test gets its own emulator on a free port, its own `file://`
backend and its own PULUMI_HOME. When no engine can be found or built, every test here
fails with the reason: this layer never skips.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from emulator_handle import EMA_KEY, EMA_OTHER_KEY, MAILBUX_KEY, EmulatorHandle, running_emulator
from pulumi_cli import (
    PROGRAMS,
    EngineUnavailableError,
    ProjectFactory,
    PulumiProject,
    PulumiWorkspace,
    engine_dir,
)


@pytest.fixture(scope="session")
def engine() -> Path:
    try:
        return engine_dir()
    except EngineUnavailableError as error:
        pytest.fail(f"the e2e layer needs a Pulumi engine: {error}", pytrace=False)


@pytest.fixture
def e2e_emulator(tmp_path: Path) -> Iterator[EmulatorHandle]:
    """A fresh emulator for this test alone (its counters are this test's requests)."""
    with running_emulator(stderr_path=tmp_path / "emulator.log") as handle:
        yield handle


@pytest.fixture
def workspace(engine: Path, tmp_path: Path) -> Iterator[PulumiWorkspace]:
    """The test's backend and PULUMI_HOME. After the test, no command it ran through them
    may have shown an API key (those asked for --show-secrets aside)."""
    workspace = PulumiWorkspace(engine, tmp_path / "pulumi")
    yield workspace
    leaks = workspace.leaks((MAILBUX_KEY, EMA_KEY, EMA_OTHER_KEY))
    assert not leaks, f"an API key in the output of: {leaks}"


@pytest.fixture
def new_project(workspace: PulumiWorkspace, e2e_emulator: EmulatorHandle) -> ProjectFactory:
    """`new_project(program="tenants", name=None, stack="dev")`: a copy of a program under
    tests/e2e/programs (or a path) with a stack whose config points both APIs at this
    test's emulator, keys set as secrets. Copies of one program share its project name: give
    each its own stack."""

    def make(
        program: str | Path = "tenants", name: str | None = None, stack: str = "dev"
    ) -> PulumiProject:
        source = program if isinstance(program, Path) else PROGRAMS / program
        project = workspace.project(source, name or source.name, stack)
        point_at_emulator(project, e2e_emulator)
        return project

    return make


def point_at_emulator(project: PulumiProject, emulator: EmulatorHandle) -> None:
    project.set_config("mailbux:baseUrl", emulator.url)
    project.set_config("mailbux:apiKey", MAILBUX_KEY, secret=True)
    project.set_config("easymailarchive:baseUrl", emulator.url)
    project.set_config("easymailarchive:apiKey", EMA_KEY, secret=True)
