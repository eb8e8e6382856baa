"""`python -m pulumi_resellertenant reconcile` against real stacks: the orphans it names and
the recovery it prints are pasted literally, after which it reports nothing."""

from __future__ import annotations

import ast
import json
import os
import shlex
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest

from pulumi_resellertenant import mailbux
from support.emulator_handle import EMA_KEY, MAILBUX_KEY, EmulatorHandle
from support.live_tenants import api_call, mailbux_tenants
from support.pulumi_cli import ProjectFactory, PulumiProject

SPEC: dict[str, Any] = {
    "mailbux": {"mail": {"quota_gb": 2}},
    "easymailarchive": {"archive": {"slug": "acme-corp", "name": "Acme Corporation"}},
}


def reconcile(
    project: PulumiProject, *flags: str, env: Mapping[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """The command as an operator runs it: another directory, the project named by --cwd
    (``env``: settings it takes from the environment)."""
    done = subprocess.run(  # noqa: S603 (this interpreter, our own module)
        [
            sys.executable,
            "-m",
            "pulumi_resellertenant",
            "reconcile",
            "--stack",
            project.stack,
            "--cwd",
            str(project.workdir),
            *flags,
        ],
        cwd=project.workspace.root,
        env=project.workspace.env(env),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    for key in (MAILBUX_KEY, EMA_KEY):
        assert key not in done.stdout + done.stderr
    return done


def declare(spec: dict[str, Any], line: str) -> None:
    """Paste one printed `Tenant(...)` line into the program, as its spec.json entry."""
    call = ast.parse(line).body[0]
    assert isinstance(call, ast.Expr)
    assert isinstance(call.value, ast.Call)
    assert isinstance(call.value.func, ast.Attribute)
    assert isinstance(call.value.func.value, ast.Name)
    module = call.value.func.value.id
    [name] = [ast.literal_eval(arg) for arg in call.value.args]
    spec.setdefault(module, {})[name] = {
        str(k.arg): ast.literal_eval(k.value) for k in call.value.keywords
    }


def test_orphans_are_named_with_their_line_and_gone_once_adopted(
    new_project: ProjectFactory, e2e_emulator: EmulatorHandle, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = new_project()
    project.write_spec(SPEC)
    project.up()
    assert reconcile(project).returncode == 0

    api_call(e2e_emulator, "POST", "/api/user/tenants", json={"quota_gb": 4})
    api_call(
        e2e_emulator, "POST", "/api/reseller/tenants", json={"slug": "stray", "name": "Stray Ltd"}
    )
    [stray] = [t for t in mailbux_tenants(e2e_emulator) if t["quota_gb"] == 4]
    # The plain functions outside a program, with the stack's config through the CLI.
    for name, value in project.workspace.env().items():
        monkeypatch.setenv(name, value)
    listed = mailbux.list_tenants(stack=project.stack, cwd=project.workdir)
    assert sorted(t.id for t in listed) == sorted(
        str(t["id"]) for t in mailbux_tenants(e2e_emulator)
    )

    found = reconcile(project, "--json")

    assert found.returncode == 1, found.stderr
    report = json.loads(found.stdout)
    assert [o["line"] for o in report["orphans"]] == [
        f'mailbux.Tenant("{stray["tenant_username"]}", quota_gb=4, '
        f'adopt_tenant_id="{stray["id"]}")',
        'easymailarchive.Tenant("stray", slug="stray", name="Stray Ltd", adopt_existing=True)',
    ]
    assert report["missing"] == report["shared"] == report["pending"] == []
    assert report["suspended_unmanaged"] == []
    assert [(a["api"], a["tenants"], a["managed"]) for a in report["accounts"]] == [
        ("mailbux", 2, 1),
        ("easymailarchive", 2, 1),
    ]

    spec = json.loads(json.dumps(SPEC))
    for orphan in report["orphans"]:
        declare(spec, orphan["line"])
    project.write_spec(spec)
    project.up()

    clean = reconcile(project)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "Everything matches" in clean.stdout
    assert len(mailbux_tenants(e2e_emulator)) == 2


def test_after_a_killed_up_the_printed_recovery_converges_without_duplicates(
    new_project: ProjectFactory, e2e_emulator: EmulatorHandle
) -> None:
    project = new_project()
    spec: dict[str, Any] = {
        "mailbux": {"a": {"quota_gb": 3}, "b": {"quota_gb": 3}},
        "easymailarchive": {"x": {"slug": "x-corp", "name": "X Corp"}},
    }
    project.write_spec(spec)
    # The Mailbux id look-ups after the creates are slow, and so is the archive's create,
    # which commits only after the run is killed (its answer goes nowhere).
    e2e_emulator.add_fault(method="GET", path="/api/user/tenants", latency_ms=4000, count=20)
    e2e_emulator.add_fault(method="POST", path="/api/reseller/tenants", latency_ms=8000)
    kill_when(
        project,
        lambda: (
            answered(e2e_emulator, "POST /api/user/tenants", 200) >= 2
            and arrived(e2e_emulator, "POST /api/reseller/tenants") >= 1
        ),
    )
    e2e_emulator.clear_faults()
    wait_for(lambda: answered(e2e_emulator, "POST /api/reseller/tenants", 201) >= 1)

    found = reconcile(project, "--json")

    assert found.returncode == 1, found.stderr
    report = json.loads(found.stdout)
    assert report["orphans"] == []  # each tenant the killed run made is matched to its create
    [pending] = report["pending"]
    assert pending["locked"] is True
    ids = sorted(str(t["id"]) for t in mailbux_tenants(e2e_emulator))
    assert ids == ["1", "2"]
    assert sorted((op["kind"], op["resource"], op["tenant"]) for op in pending["operations"]) == [
        ("creating", "a", "1"),
        ("creating", "b", "2"),
        ("creating", "x", "x-corp"),
    ]
    assert [step["command"] is not None for step in pending["steps"]] == [True, True, False, True]

    for step in pending["steps"]:
        if step["command"] is not None:
            run_pasted(project, step["command"])
        for line in step["lines"]:
            declare(spec, line)
        project.write_spec(spec)

    clean = reconcile(project)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert sorted(str(t["id"]) for t in mailbux_tenants(e2e_emulator)) == ids  # no duplicate
    outputs = project.outputs()
    assert sorted([outputs["a_id"], outputs["b_id"]]) == ids
    assert outputs["x_status"] == "active"


def kill_when(project: PulumiProject, ready: Callable[[], bool]) -> None:
    """Start `pulumi up` and SIGKILL it, with everything it started, once `ready()`."""
    engine = project.workspace.engine / "pulumi"
    with (project.workspace.root / "killed-up.log").open("w") as log:
        up = subprocess.Popen(  # noqa: S603 (the engine binary)
            [str(engine), "--non-interactive", "up", "--yes", "--skip-preview"],
            cwd=project.workdir,
            env=project.workspace.env(),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            wait_for(ready, running=up)
        finally:
            os.killpg(up.pid, signal.SIGKILL)
            up.wait(timeout=30)


def wait_for(
    condition: Callable[[], bool], *, running: subprocess.Popen[bytes] | None = None
) -> None:
    deadline = time.monotonic() + 120
    while not condition():
        assert running is None or running.poll() is None, "the run ended first"
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.1)


def arrived(emu: EmulatorHandle, route: str) -> int:
    return int(emu.counters().get(route, {}).get("total", 0))


def answered(emu: EmulatorHandle, route: str, status: int) -> int:
    return int(emu.counters().get(route, {}).get("by_status", {}).get(str(status), 0))


def run_pasted(project: PulumiProject, command: str) -> None:
    """A printed `pulumi ...` command, run as pasted into a shell (the engine on PATH)."""
    words = shlex.split(command)
    assert words[0] == "pulumi"
    done = subprocess.run(  # noqa: S603 (the engine binary, the printed arguments)
        [str(Path(project.workspace.engine) / "pulumi"), *words[1:]],
        cwd=project.workspace.root,
        env=project.workspace.env(),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, f"{command}\n{done.stdout}\n{done.stderr}"
