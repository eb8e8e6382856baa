"""Reconcile's report: the text a person reads and the JSON a machine reads, from the same
findings, every line to paste in both."""

from __future__ import annotations

import json

from pulumi_resellertenant.reconcile.account import AccountTenant
from pulumi_resellertenant.reconcile.compare import AccountView, Findings, compare
from pulumi_resellertenant.reconcile.export import PendingOperation, StackState, StateTenant
from pulumi_resellertenant.reconcile.locks import LockStatus
from pulumi_resellertenant.reconcile.report import to_json, to_text

MAILBUX_TYPE = "pulumi-python:dynamic/mailbux:Tenant"
EMA_TYPE = "pulumi-python:dynamic/easymailarchive:Tenant"
URL = "https://mailbux.com"


def everything_at_once() -> Findings:
    """One finding of each kind."""
    mine = StateTenant("dev", "mailbux", f"urn:pulumi:dev::shop::{MAILBUX_TYPE}::m", "m", "1")
    gone = StateTenant("dev", "mailbux", f"urn:pulumi:dev::shop::{MAILBUX_TYPE}::g", "g", "9")
    twin = StateTenant("prod", "mailbux", f"urn:pulumi:prod::shop::{MAILBUX_TYPE}::t", "t", "1")
    create = PendingOperation(
        "prod",
        "creating",
        f"urn:pulumi:prod::shop::{EMA_TYPE}::x",
        EMA_TYPE,
        "x",
        "easymailarchive",
        {"slug": "x-corp", "name": "X"},
    )
    return compare(
        [
            StackState("dev", "shop", (mine, gone), ()),
            StackState("prod", "shop", (twin,), (create,)),
        ],
        [
            AccountView(
                "mailbux",
                URL,
                ("dev", "prod"),
                (
                    AccountTenant("mailbux", "1", "user1", quota_gb=5, status="active"),
                    AccountTenant(
                        "mailbux",
                        "2",
                        "user2",
                        quota_gb=3,
                        status="active",
                        created_at="2026-01-01T10:00:00Z",
                    ),
                ),
            ),
            AccountView(
                "easymailarchive",
                "https://api.easymailarchive.com",
                ("prod",),
                (
                    AccountTenant("easymailarchive", "x-corp", "x-corp", name="X"),
                    AccountTenant("easymailarchive", "old", "old", name="Old", status="suspended"),
                ),
            ),
        ],
        locks={"prod": LockStatus(None)},
    )


def test_the_text_lists_each_finding_with_what_to_paste() -> None:
    text = to_text(everything_at_once())

    assert text.splitlines()[:2] == [
        "Mailbux account https://mailbux.com (stacks dev, prod): 2 tenant(s), 1 managed",
        "Easy Mail Archive account https://api.easymailarchive.com (stack prod): 2 tenant(s), "
        "0 managed",
    ]
    for expected in [
        "Orphans: 1 tenant(s) that no given stack manages.",
        "  Mailbux tenant 2 (user2, 3 GB, active, created 2026-01-01T10:00:00Z):",
        '    mailbux.Tenant("user2", quota_gb=3, adopt_tenant_id="2")',
        '  stack dev: mailbux.Tenant "g", Mailbux tenant 9: not in the account',
        "    pulumi refresh --yes --stack dev",
        "Shared: 1 tenant(s) managed by more than one resource",
        '    stack prod: mailbux.Tenant "t"',
        f"    pulumi state delete --yes urn:pulumi:prod::shop::{MAILBUX_TYPE}::t --stack prod",
        "Pending operations in stack prod (a run was interrupted: 1 creating):",
        '  easymailarchive.Tenant "x" (creating): the create made tenant x-corp',
        "  1. only if `pulumi up` says the stack is locked (a killed run leaves its lock):",
        "       pulumi cancel --yes --stack prod",
        "       pulumi refresh --clear-pending-creates --yes --stack prod",
        '       easymailarchive.Tenant("x", slug="x-corp", name="X", adopt_existing=True)',
        "       pulumi up --stack prod",
        "Suspended, managed by no given stack: 1 tenant(s)",
        '    easymailarchive.Tenant("old", slug="old", name="Old", suspended=True, '
        "adopt_existing=True)",
    ]:
        assert expected in text, expected
    assert text.endswith(
        "Action needed: 1 orphan(s), 1 missing, 1 shared, 1 pending operation(s).\n"
    )


def test_the_json_holds_the_same_findings_for_machines() -> None:
    report = json.loads(json.dumps(to_json(everything_at_once())))

    assert report["needs_action"] is True
    assert [(a["api"], a["stacks"], a["tenants"], a["managed"]) for a in report["accounts"]] == [
        ("mailbux", ["dev", "prod"], 2, 1),
        ("easymailarchive", ["prod"], 2, 0),
    ]
    [orphan] = report["orphans"]
    assert orphan["id"] == "2"
    assert orphan["line"] == 'mailbux.Tenant("user2", quota_gb=3, adopt_tenant_id="2")'
    assert [s["id"] for s in report["suspended_unmanaged"]] == ["old"]
    [missing] = report["missing"]
    assert (missing["stack"], missing["resource"], missing["id"], missing["command"]) == (
        "dev",
        "g",
        "9",
        "pulumi refresh --yes --stack dev",
    )
    [shared] = report["shared"]
    assert [r["stack"] for r in shared["resources"]] == ["dev", "prod"]
    [pending] = report["pending"]
    assert (pending["stack"], pending["locked"], pending["lock"]) == ("prod", None, None)
    [operation] = pending["operations"]
    assert operation["tenant"] == "x-corp"
    assert operation["candidates"] == ["x-corp"]
    assert [step["command"] for step in pending["steps"]] == [
        "pulumi cancel --yes --stack prod",
        "pulumi refresh --clear-pending-creates --yes --stack prod",
        None,
        "pulumi up --stack prod",
    ]


def test_a_clean_comparison_says_everything_matches() -> None:
    findings = compare(
        [StackState("dev", "shop", (), ())],
        [AccountView("mailbux", URL, ("dev",), ())],
    )

    assert to_text(findings).splitlines() == [
        "Mailbux account https://mailbux.com (stack dev): 0 tenant(s), 0 managed",
        "",
        "Everything matches: every tenant is managed by exactly one given stack.",
    ]
    assert to_json(findings)["needs_action"] is False
