"""The two console scripts: a typo is refused in one line, never taken for an engine."""

from __future__ import annotations

import subprocess
import sys

import pytest

from pulumi_resellertenant import __version__
from pulumi_resellertenant.__main__ import main, started_by_the_engine
from pulumi_resellertenant.plugin.serve import engine_address

ENGINE_STARTS = [
    ["127.0.0.1:40123"],
    ["localhost:40123"],
    ["[::1]:40123"],
    ["--logflow", "--logtostderr", "-v=9", "127.0.0.1:40123"],
    ["--tracing", "http://tracing.example:9411/api", "127.0.0.1:40123"],
]


@pytest.mark.parametrize("args", ENGINE_STARTS)
def test_the_engines_arguments_serve_the_plugin_at_its_address(args: list[str]) -> None:
    assert started_by_the_engine(args)
    assert engine_address(args) == args[-1]


@pytest.mark.parametrize(
    "args",
    [[], ["reconcil"], ["list"], ["reconcile", "--stack", "host:1"], ["--help"], ["40123"]],
)
def test_anything_else_is_a_command_line(args: list[str]) -> None:
    assert not started_by_the_engine(args)


@pytest.mark.parametrize("typo", ["reconcil", "list"])
def test_a_mistyped_command_is_refused_at_once_naming_the_commands(
    typo: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        main([typo])
    assert exited.value.code == 2
    error = capsys.readouterr().err
    assert f"invalid choice: '{typo}'" in error
    assert "reconcile" in error


def test_help_says_what_the_tool_is(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--help"])
    assert exited.value.code == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "Mailbux and Easy Mail Archive reseller tenants for Pulumi" in text
    assert "serves the resellertenant provider plugin" in text


@pytest.mark.parametrize(
    ("module", "name"),
    [
        ("pulumi_resellertenant", "pulumi-resellertenant"),
        ("pulumi_resellertenant.plugin", "pulumi-resource-resellertenant"),
    ],
)
def test_both_scripts_print_the_packages_version(module: str, name: str) -> None:
    # A real process: the typo trap this guards against was a process that never ended.
    done = subprocess.run(  # noqa: S603 (our own interpreter and fixed arguments)
        [sys.executable, "-m", module, "--version"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert (done.returncode, done.stdout.strip()) == (0, f"{name} {__version__}")


def test_a_typo_exits_at_once_in_a_real_process() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "pulumi_resellertenant", "reconcil"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert "invalid choice: 'reconcil'" in done.stderr
