"""The end-to-end layer: real Pulumi engines run real programs against the emulator.

Every test runs under each engine `tools/engine/build` makes: `[pinned]`, the one tools/demo
builds for users without Pulumi, and `[current]`, the release users run today. Each test gets
its own emulator on a free port, its own `file://` backend and its own PULUMI_HOME. When an
engine cannot be built, every test under it fails with the reason: this layer never skips.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from support.emulator_handle import (
    EMA_KEY,
    EMA_OTHER_KEY,
    MAILBUX_KEY,
    EmulatorHandle,
    running_emulator,
)
from support.pulumi_cli import (
    ENGINES,
    PROGRAMS,
    Engine,
    EngineUnavailableError,
    ProjectFactory,
    PulumiProject,
    PulumiWorkspace,
    build_engine,
)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Every test that uses an engine runs under each, or under those its `engines` mark
    names (`@pytest.mark.engines("current")`)."""
    if "engine" in metafunc.fixturenames:
        marker = metafunc.definition.get_closest_marker("engines")
        names = marker.args if marker else ENGINES
        unknown = set(names) - set(ENGINES)
        if unknown:
            raise pytest.UsageError(f"{metafunc.definition.nodeid}: no engine {unknown}")
        metafunc.parametrize("engine", names, indirect=True, scope="session")


@pytest.fixture(scope="session")
def engine(request: pytest.FixtureRequest) -> Engine:
    try:
        return build_engine(request.param)
    except EngineUnavailableError as error:
        pytest.fail(f"the e2e layer needs the {request.param} engine: {error}", pytrace=False)


@pytest.fixture(scope="session")
def current_engine() -> Engine:
    """The current engine alone, for what the pinned one cannot run (plugin packages,
    `gen-sdk`, Python packs through the host's RunPlugin, `import --file` with outputs)."""
    try:
        return build_engine("current")
    except EngineUnavailableError as error:
        pytest.fail(f"the e2e layer needs the current engine: {error}", pytrace=False)


@pytest.fixture
def current_workspace(current_engine: Engine, tmp_path: Path) -> Iterator[PulumiWorkspace]:
    """`workspace` under the current engine alone."""
    yield from key_checked_workspace(current_engine, tmp_path)


@pytest.fixture
def e2e_emulator(tmp_path: Path) -> Iterator[EmulatorHandle]:
    """A fresh emulator for this test alone (its counters are this test's requests)."""
    with running_emulator(stderr_path=tmp_path / "emulator.log") as handle:
        yield handle


@pytest.fixture
def workspace(engine: Engine, tmp_path: Path) -> Iterator[PulumiWorkspace]:
    yield from key_checked_workspace(engine, tmp_path)


def key_checked_workspace(engine: Engine, tmp_path: Path) -> Iterator[PulumiWorkspace]:
    """The test's backend and PULUMI_HOME. After the test, no command it ran through them
    may have shown an API key (those asked for --show-secrets aside)."""
    workspace = PulumiWorkspace(engine.directory, tmp_path / "pulumi")
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
