"""Reconcile's report with hostile server text: what an account lists (usernames, names,
statuses, ids) reaches the text and JSON reports only escaped, on one line, bounded; the
lines to paste are built only from ids checked safe, and an unsafe id gets a note instead."""

from __future__ import annotations

import argparse
import io
import json
import re
from pathlib import Path
from typing import Any

import httpx
import pytest
from test_reconcile_cli import MAILBUX_CONFIG, answers, config, export, fake_pulumi

from pulumi_resellertenant.core import ResellerTenantError
from pulumi_resellertenant.core.transport._clients import ClientCache
from pulumi_resellertenant.reconcile import cli
from pulumi_resellertenant.reconcile.account import AccountTenant
from pulumi_resellertenant.reconcile.compare import AccountView, Findings, compare
from pulumi_resellertenant.reconcile.export import PendingOperation, StackState, StateTenant
from pulumi_resellertenant.reconcile.lines import Commands
from pulumi_resellertenant.reconcile.locks import LockStatus
from pulumi_resellertenant.reconcile.report import to_json, to_text

MAILBUX_TYPE = "pulumi-python:dynamic/mailbux:Tenant"
EMA_TYPE = "pulumi-python:dynamic/easymailarchive:Tenant"
FORGED = "pulumi stack rm --force --yes"
# What must never reach a terminal raw: C0 (but the report's own line breaks), DEL, C1, the
# Unicode line separators and the bidi overrides.
CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
ADOPT_LINE = re.compile(r"^\s*(mailbux|easymailarchive)\.Tenant\(")


def mailbux(id_: str, label: str, **facts: Any) -> AccountTenant:
    return AccountTenant("mailbux", id_, label, **{"quota_gb": 5, "status": "active", **facts})


def archive(slug: str, name: str, **facts: Any) -> AccountTenant:
    return AccountTenant("easymailarchive", slug, slug, name=name, **facts)


def hostile() -> Findings:
    state_tenant = StateTenant(
        "dev", "mailbux", f"urn:pulumi:dev::shop::{MAILBUX_TYPE}::kept", "kept", "1"
    )
    creates = (
        PendingOperation(
            "dev",
            "creating",
            f"urn:pulumi:dev::shop::{EMA_TYPE}::x",
            EMA_TYPE,
            "x",
            "easymailarchive",
            {"slug": "x-corp", "name": "X"},
        ),
        PendingOperation(
            "dev",
            "creating",
            f"urn:pulumi:dev::shop::{MAILBUX_TYPE}::m",
            MAILBUX_TYPE,
            "m",
            "mailbux",
            {"quota_gb": 3.0},
        ),
    )
    return compare(
        [StackState("dev", "shop", (state_tenant,), creates)],
        [
            AccountView(
                "mailbux",
                "https://mailbux.com",
                ("dev",),
                (
                    mailbux("1", "user1"),
                    mailbux(
                        "9",
                        f"user9\n    {FORGED}",
                        name="n\x1b[2J",
                        status="active\x1b]0;pwned\x07",
                        created_at="2026-01-01T00:00:00Z\u202e",
                    ),
                    mailbux("..", "user10"),
                    mailbux(f"7\n{FORGED}", "user7"),
                    mailbux("²", "user11"),  # a digit to str.isdigit, not to int()
                    mailbux("12", "user12", quota_gb=3),
                    mailbux("../13", "user13", quota_gb=3),
                ),
            ),
            AccountView(
                "easymailarchive",
                "https://api.easymailarchive.com",
                ("dev",),
                (
                    archive("bad\x1b[31mslug", "Bad"),
                    archive("good-one", f"Evil\n{FORGED}\x9b"),
                    archive("x-corp", "X\u2028Y"),
                ),
            ),
        ],
        locks={"dev": LockStatus(True, "locked by pid 1\x1b[2J on host since now")},
    )


def test_the_text_report_has_no_control_characters_and_no_forged_line() -> None:
    text = to_text(hostile())
    assert CONTROL.search(text) is None, repr(CONTROL.search(text))
    for line in text.splitlines():
        assert not line.strip().startswith(FORGED), line
    assert "user9\\n" in text  # still readable, escaped


def test_lines_to_paste_hold_only_checked_ids() -> None:
    text = to_text(hostile())
    adopt_lines = [line for line in text.splitlines() if ADOPT_LINE.match(line)]
    assert adopt_lines
    for line in adopt_lines:
        for tenant_id in re.findall(r'adopt_tenant_id="([^"]*)"', line):
            assert re.fullmatch("[0-9]+", tenant_id), line
        for slug in re.findall(r'slug="([^"]*)"', line):
            assert re.fullmatch("[a-z0-9][a-z0-9-]*[a-z0-9]", slug), line
        assert FORGED not in line
    # The unsafe ones are still reported, with a note in place of their line.
    assert text.count("is not a valid Mailbux tenant id") >= 3
    assert "is not a valid Easy Mail Archive slug" in text


def test_a_name_that_is_not_one_line_is_not_put_in_the_line() -> None:
    text = to_text(hostile())
    [line] = [line for line in text.splitlines() if 'slug="good-one"' in line]
    assert 'name="good-one"' in line
    assert "put the tenant's name here" in line


def test_the_json_human_strings_are_escaped() -> None:
    report = to_json(hostile())

    def strings(value: Any, key: str = "") -> list[tuple[str, str]]:
        if isinstance(value, dict):
            return [s for k, v in value.items() for s in strings(v, k)]
        if isinstance(value, list):
            return [s for v in value for s in strings(v, key)]
        return [(key, value)] if isinstance(value, str) else []

    human = {"line", "note", "command", "commands", "lock", "text", "lines"}
    checked = [(key, text) for key, text in strings(report) if key in human]
    assert checked
    for key, text in checked:
        assert CONTROL.search(text) is None, (key, text)
        assert "\n" not in text, (key, text)
        assert not text.startswith(FORGED), (key, text)
    # The data fields keep the exact values; JSON itself escapes them.
    assert "\x1b" not in json.dumps(report)
    ids = [o["id"] for o in report["orphans"]]
    assert ".." in ids


def test_a_command_with_a_control_character_is_a_note() -> None:
    urn = f"urn:pulumi:dev::shop::{MAILBUX_TYPE}::evil\n{FORGED}"
    command = Commands("dev").state_delete(urn)
    assert "\n" not in command
    assert FORGED not in command.replace("\\n", "")
    assert command.startswith("#")


# --- through the command: a real tenant list, and an error line ---------------------------


def run_cli(argv: list[str], env: dict[str, str]) -> tuple[int, str, str]:
    parser = cli.configure(argparse.ArgumentParser())
    out, err = io.StringIO(), io.StringIO()
    code = cli.run(parser.parse_args(argv), stdout=out, stderr=err, environ=env)
    return code, out.getvalue(), err.getvalue()


def test_a_hostile_tenant_list_through_the_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    listed = [
        {"id": 1, "tenant_username": "u1", "quota_gb": 5},
        {"id": 2, "tenant_username": f"u2\n{FORGED}\x1b[8m", "quota_gb": 3},
        {"id": "..", "tenant_username": "u3", "quota_gb": 3},
    ]

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"success": True, "data": listed})

    monkeypatch.setattr(
        "pulumi_resellertenant.core.transport._api_client.shared_clients",
        ClientCache(transport=httpx.MockTransport(answer)),
    )
    env = fake_pulumi(
        tmp_path / "bin",
        answers({"dev": (export("dev", {"m": "1"}), config(**MAILBUX_CONFIG))}),
    )

    code, out, err = run_cli(["--stack", "dev", "--cwd", str(tmp_path)], env)

    assert (code, err) == (1, "")
    assert CONTROL.search(out) is None
    assert not any(line.strip().startswith(FORGED) for line in out.splitlines())
    assert '    mailbux.Tenant("mailbux-2", quota_gb=3, adopt_tenant_id="2")\n' in out
    assert 'adopt_tenant_id=".."' not in out
    code, out, _ = run_cli(["--stack", "dev", "--cwd", str(tmp_path), "--json"], env)
    lines = [orphan["line"] for orphan in json.loads(out)["orphans"]]
    assert lines[0].startswith("# not shown")
    assert "adopt_tenant_id" not in lines[0]


def test_an_error_line_is_escaped(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object) -> None:
        raise ResellerTenantError(f"cannot list: server said \x1b[2J\n{FORGED}")

    monkeypatch.setattr(cli, "gather", refuse)
    for argv in (["--stack", "dev"], ["--stack", "dev", "--json"]):
        code, out, err = run_cli(argv, {})
        assert code == 2
        assert err.startswith("reconcile: cannot list: server said ")
        assert err.count("\n") == 1
        assert CONTROL.search(err) is None
        if "--json" in argv:
            assert CONTROL.search(json.loads(out)["error"]) is None


def test_a_long_command_is_never_cut() -> None:
    name = "n" * 400
    urn = f"urn:pulumi:dev::shop::{MAILBUX_TYPE}::{name}"
    holders = [
        StateTenant(stack, "mailbux", urn.replace(":dev:", f":{stack}:"), name, "1")
        for stack in ("dev", "prod")
    ]
    findings = compare(
        [
            StackState("dev", "shop", (holders[0],), ()),
            StackState("prod", "shop", (holders[1],), ()),
        ],
        [AccountView("mailbux", "https://mailbux.com", ("dev", "prod"), (mailbux("1", "u1"),))],
    )
    assert f"pulumi state delete --yes {urn} --stack dev" in to_text(findings)
    [shared] = to_json(findings)["shared"]
    assert shared["commands"][0] == f"pulumi state delete --yes {urn} --stack dev"
