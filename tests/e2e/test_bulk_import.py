"""Bulk adoption under the current engine: `reconcile --import-file` writes the 100 tenants no
stack manages, one `pulumi import --file` adopts them all through the provider plugin, and
the program it generates previews with no changes. Nothing creates or changes a tenant."""

from __future__ import annotations

import json
import math
import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

from test_reconcile import reconcile as run_reconcile

from support.emulator_handle import EMA_KEY, MAILBUX_KEY, EmulatorHandle
from support.live_tenants import api_call, mailbux_tenants
from support.pulumi_cli import PROGRAMS, PulumiProject, PulumiWorkspace

PROGRAM = PROGRAMS / "yaml-adopt"
MAILBUX = "resellertenant:mailbux:Tenant"
EMA = "resellertenant:easymailarchive:Tenant"
EACH = 50


def yaml_env(project: PulumiProject) -> dict[str, str]:
    """The plugin, installed beside this interpreter, found on PATH: what the workspace
    turns off for Python programs."""
    plugin_bin = Path(sys.executable).parent
    assert (plugin_bin / "pulumi-resource-resellertenant").is_file()
    path = project.workspace.env()["PATH"]
    return {"PATH": f"{plugin_bin}:{path}", "PULUMI_IGNORE_AMBIENT_PLUGINS": "false"}


def reconcile(
    project: PulumiProject, emu: EmulatorHandle, *flags: str
) -> subprocess.CompletedProcess[str]:
    """As an operator runs it on a plugin stack: the accounts' settings from the environment
    (reconcile reads no `resellertenant:` config)."""
    settings = {
        "MAILBUX_API_KEY": MAILBUX_KEY,
        "MAILBUX_BASE_URL": emu.url,
        "EASYMAILARCHIVE_API_KEY": EMA_KEY,
        "EASYMAILARCHIVE_BASE_URL": emu.url,
    }
    return run_reconcile(project, *flags, env=settings)


def make_orphans(emu: EmulatorHandle) -> tuple[dict[str, dict[str, Any]], list[str]]:
    """50 Mailbux and 50 Easy Mail Archive tenants made straight through the APIs, with
    varied quotas and usage figures; the Mailbux ones by id, and the slugs."""
    emu.configure_reseller(api="mailbux", api_key=MAILBUX_KEY, tenant_limit=EACH, quota_gb=150)
    # The test's own 50 creates in a row would meet the key's 60 requests a minute.
    emu.configure_reseller(api="easymailarchive", api_key=EMA_KEY, rate_limit=1000)
    for n in range(EACH):
        api_call(emu, "POST", "/api/user/tenants", json={"quota_gb": 1 + n % 3})
        slug = f"customer-{n:02d}"
        api_call(emu, "POST", "/api/reseller/tenants", json={"slug": slug, "name": f"Co {n}"})
    mail = {str(t["id"]): t for t in mailbux_tenants(emu)}
    for n, tenant_id in enumerate(sorted(mail, key=int)[:5]):
        emu.set_email_count(int(tenant_id), 10 + n)
    for n in range(5):
        emu.set_usage(f"customer-{n:02d}", users_count=n + 1, storage_bytes=1000 * (n + 1))
    mail = {str(t["id"]): t for t in mailbux_tenants(emu)}
    assert len(mail) == EACH
    return mail, [f"customer-{n:02d}" for n in range(EACH)]


def test_one_import_adopts_a_hundred_orphans_and_the_program_matches(
    current_workspace: PulumiWorkspace, e2e_emulator: EmulatorHandle, tmp_path: Path
) -> None:
    mail, slugs = make_orphans(e2e_emulator)
    project = current_workspace.project(PROGRAM, "yaml-adopt")
    env = yaml_env(project)
    for key, value in (
        ("resellertenant:mailbuxApiKey", MAILBUX_KEY),
        ("resellertenant:easymailarchiveApiKey", EMA_KEY),
    ):
        project.pulumi("config", "set", "--secret", key, value, env=env)
    for key in ("resellertenant:mailbuxBaseUrl", "resellertenant:easymailarchiveBaseUrl"):
        project.pulumi("config", "set", "--plaintext", key, e2e_emulator.url, env=env)
    e2e_emulator.reset_counters()
    import_file = tmp_path / "adopt.json"

    found = reconcile(project, e2e_emulator, "--json", "--import-file", str(import_file))

    assert found.returncode == 1, found.stdout + found.stderr
    assert reads_only(e2e_emulator)
    report = json.loads(found.stdout)
    assert len(report["orphans"]) == 2 * EACH
    written = report["import_file"]
    assert (written["resources"], written["skipped"]) == (2 * EACH, [])
    document = json.loads(import_file.read_text())
    assert sorted(document) == ["resources"]
    entries = document["resources"]
    assert [(e["type"], e["id"]) for e in entries] == [
        *[(MAILBUX, tenant_id) for tenant_id in sorted(mail, key=int)],
        *[(EMA, slug) for slug in slugs],
    ]
    assert entries[0]["name"] == f"mailbux-{mail[entries[0]['id']]['tenant_username']}"
    assert entries[-1]["name"] == slugs[-1]

    # The printed command, pasted as is, and told to go ahead and where to write the code.
    words = shlex.split(written["command"])
    assert words[:3] == ["pulumi", "import", "--file"]
    generated = tmp_path / "generated.yaml"
    imported = project.pulumi(*words[1:], "--yes", "--out", str(generated), env=env)
    # Read warns of each Mailbux tenant that its password is unknown.
    warned = set(re.findall(r"warning: Mailbux tenant (\d+) imported", imported.output))
    assert warned == set(mail)
    # The import's preview and the import are two provider processes, and each reads every
    # tenant from one listing of each account (the emulator's pages hold 15 tenants).
    assert reads_only(e2e_emulator) == {
        "GET /api/user/tenants": 2,
        "GET /api/reseller/tenants": 2 * math.ceil(EACH / 15),
    }

    state = {token: {r["id"]: r for r in project.resources(token)} for token in (MAILBUX, EMA)}
    assert sorted(state[MAILBUX]) == sorted(mail)
    assert sorted(state[EMA]) == slugs
    for tenant_id, tenant in mail.items():
        outputs = state[MAILBUX][tenant_id]["outputs"]
        assert outputs["quotaGb"] == tenant["quota_gb"]
        assert outputs["emailCount"] == tenant["email_count"]
        assert outputs["passwordKnown"] is False
    assert state[EMA]["customer-03"]["outputs"]["usersCount"] == 4
    assert state[EMA]["customer-03"]["outputs"]["storageBytes"] == 4000

    program = project.workdir / "Pulumi.yaml"
    program.write_text(program.read_text() + generated.read_text())
    project.pulumi("preview", "--expect-no-changes", env=env)
    assert reads_only(e2e_emulator) == {}

    clean = reconcile(project, e2e_emulator)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "Everything matches" in clean.stdout
    assert reads_only(e2e_emulator)
    assert len(mailbux_tenants(e2e_emulator)) == EACH


def reads_only(emu: EmulatorHandle) -> dict[str, int]:
    """The requests since the last call, by route, after checking that all were answered
    reads: nothing created, changed, suspended or terminated a tenant."""
    counters = emu.counters()
    emu.reset_counters()
    made = {route: int(figures["total"]) for route, figures in counters.items()}
    assert all(route.startswith("GET ") for route in made), made
    assert all(set(f["by_status"]) == {"200"} for f in counters.values()), counters
    return made
