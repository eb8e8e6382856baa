"""Shared fixtures (one emulator process per session, reset per test by `emu`) and the
guards that keep a green run honest: every layer ran, and nothing was skipped."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

# Importable because pyproject.toml puts tests/ on pytest's pythonpath.
from support.emulator_handle import EmulatorHandle, running_emulator

# Property tests check what is true, not how fast: Hypothesis's 200 ms per example would fail
# a slow example on a loaded CI machine (engines build beside the tests). Time is measured by
# the benchmarks.
settings.register_profile("untimed", deadline=None)
settings.load_profile("untimed")

TESTS_DIR = Path(__file__).resolve().parent
LAYERS = ("unit", "contract", "provider", "e2e")

# A tiny Easy Mail Archive page so pagination shows with a handful of tenants. The default
# keys and the documented rate limit (60/min per key) are kept; `emu` resets the windows.
EMULATOR_ARGS = ("--ema-page-size", "2")


@pytest.fixture(autouse=True)
def _private_pacing_windows(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each test paces in windows of its own, as on a fresh machine: the machine-wide windows
    an earlier test or another run left never slow it (its subprocesses inherit this)."""
    monkeypatch.setenv("RESELLERTENANT_PACING_DIR", str(tmp_path_factory.mktemp("pacing")))


@pytest.fixture(scope="session")
def emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmulatorHandle]:
    """The emulator as a subprocess on a free port, for the whole session."""
    stderr_path = tmp_path_factory.mktemp("emulator") / "stderr.log"
    with running_emulator(EMULATOR_ARGS, stderr_path=stderr_path) as handle:
        yield handle


@pytest.fixture
def emu(emulator: EmulatorHandle) -> EmulatorHandle:
    """The session emulator, reset to its start-up state for this test."""
    emulator.reset()
    return emulator


# --- guards --------------------------------------------------------------------------------


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """A whole-suite run (no paths given) must collect tests in every layer."""
    if config.args_source is not pytest.Config.ArgsSource.TESTPATHS:
        return
    collected = {item.path.relative_to(TESTS_DIR).parts[0] for item in items}
    empty = [layer for layer in LAYERS if layer not in collected]
    if empty:
        raise pytest.UsageError(f"test layer(s) {', '.join(empty)} collected no tests")


_skipped: list[str] = []


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.skipped and not hasattr(report, "wasxfail"):
        _skipped.append(report.nodeid)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """A skipped test is a layer that did not run: the run fails rather than pass as green."""
    if _skipped and exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.ensure_newline()
            reporter.write_line(
                f"FAILED: {len(_skipped)} test(s) skipped; the suite allows none: "
                + ", ".join(_skipped[:5]),
                red=True,
            )
