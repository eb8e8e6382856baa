"""The comparison of accounts with stacks' states: orphans, missing, shared tenants, and the
recovery of pending operations with the tenant each interrupted create made."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pulumi_resellertenant.reconcile.account import AccountTenant
from pulumi_resellertenant.reconcile.compare import AccountView, Findings, compare
from pulumi_resellertenant.reconcile.export import PendingOperation, StackState, StateTenant
from pulumi_resellertenant.reconcile.locks import LockStatus

MBX_URL = "https://mailbux.com"
EMA_URL = "https://api.easymailarchive.com"
TYPES = {
    "mailbux": "pulumi-python:dynamic/mailbux:Tenant",
    "easymailarchive": "pulumi-python:dynamic/easymailarchive:Tenant",
}


def mail(id_: str, quota: int = 5, status: str = "active", created: str | None = None) -> Any:
    return AccountTenant(
        "mailbux", id_, f"user{id_}", quota_gb=quota, status=status, created_at=created
    )


def archive(slug: str, name: str = "Acme", status: str = "active") -> AccountTenant:
    return AccountTenant("easymailarchive", slug, slug, name=name, status=status)


def managed(stack: str, api: str, name: str, tenant_id: str) -> StateTenant:
    return StateTenant(
        stack, api, f"urn:pulumi:{stack}::shop::{TYPES[api]}::{name}", name, tenant_id
    )


def creating(stack: str, api: str, resource: str, /, **inputs: Any) -> PendingOperation:
    urn = f"urn:pulumi:{stack}::shop::{TYPES[api]}::{resource}"
    return PendingOperation(stack, "creating", urn, TYPES[api], resource, api, inputs)


def state(
    stack: str, tenants: list[StateTenant], pending: list[PendingOperation] | None = None
) -> StackState:
    return StackState(stack, "shop", tuple(tenants), tuple(pending or ()))


def account(api: str, tenants: list[AccountTenant], *stacks: str, url: str = "") -> AccountView:
    base = url or (MBX_URL if api == "mailbux" else EMA_URL)
    return AccountView(api, base, stacks or ("dev",), tuple(tenants))


def nothing_but(findings: Findings, *kinds: str) -> None:
    for kind in ("orphans", "suspended", "missing", "shared", "recoveries"):
        if kind not in kinds:
            assert getattr(findings, kind) == (), kind


def test_everything_managed_once_matches() -> None:
    findings = compare(
        [
            state(
                "dev",
                [
                    managed("dev", "mailbux", "m", "1"),
                    managed("dev", "easymailarchive", "a", "acme"),
                ],
            )
        ],
        [account("mailbux", [mail("1")]), account("easymailarchive", [archive("acme")])],
    )

    assert not findings.needs_action
    nothing_but(findings)
    assert [(s.listed, s.managed) for s in findings.accounts] == [(1, 1), (1, 1)]


def test_an_unmanaged_active_tenant_is_an_orphan_with_its_line() -> None:
    findings = compare(
        [state("dev", [managed("dev", "mailbux", "m", "1")])],
        [
            account("mailbux", [mail("1"), mail("2", quota=4)]),
            account("easymailarchive", [archive("stray", "Stray Ltd")]),
        ],
    )

    assert findings.needs_action
    nothing_but(findings, "orphans")
    assert [o.line for o in findings.orphans] == [
        'mailbux.Tenant("user2", quota_gb=4, adopt_tenant_id="2")',
        'easymailarchive.Tenant("stray", slug="stray", name="Stray Ltd", adopt_existing=True)',
    ]
    assert [(s.listed, s.managed) for s in findings.accounts] == [(2, 1), (1, 0)]


def test_unmanaged_suspended_tenants_are_information_and_terminated_ones_absent() -> None:
    findings = compare(
        [state("dev", [])],
        [
            account("mailbux", [mail("1", status="terminated")]),
            account("easymailarchive", [archive("old", status="suspended")]),
        ],
    )

    assert not findings.needs_action
    nothing_but(findings, "suspended")
    [left] = findings.suspended
    assert left.line.endswith("suspended=True, adopt_existing=True)")
    assert [s.listed for s in findings.accounts] == [0, 1]


def test_a_tenant_the_account_lost_or_terminated_is_missing_with_the_refresh() -> None:
    findings = compare(
        [
            state(
                "dev",
                [managed("dev", "mailbux", "gone", "1"), managed("dev", "mailbux", "ended", "2")],
            )
        ],
        [account("mailbux", [mail("2", status="terminated")])],
        cwd="/srv/shop",
    )

    nothing_but(findings, "missing")
    assert [(m.tenant.name, m.listed_status, m.command) for m in findings.missing] == [
        ("gone", None, "pulumi refresh --yes --stack dev --cwd /srv/shop"),
        ("ended", "terminated", "pulumi refresh --yes --stack dev --cwd /srv/shop"),
    ]


def test_stacks_sharing_an_account_are_compared_together_and_accounts_apart() -> None:
    states = [
        state("dev", [managed("dev", "mailbux", "m", "1")]),
        state("prod", [managed("prod", "mailbux", "m", "2")]),
    ]
    shared = compare(states, [account("mailbux", [mail("1"), mail("2")], "dev", "prod")])
    assert not shared.needs_action

    apart = compare(
        states,
        [
            account("mailbux", [mail("1"), mail("2")], "dev"),
            account("mailbux", [mail("2")], "prod", url="https://other.example"),
        ],
    )
    assert [(o.base_url, o.tenant.id) for o in apart.orphans] == [(MBX_URL, "2")]
    nothing_but(apart, "orphans")


def test_one_tenant_under_two_resources_is_shared() -> None:
    findings = compare(
        [
            state("dev", [managed("dev", "easymailarchive", "a", "acme")]),
            state("prod", [managed("prod", "easymailarchive", "b", "acme")]),
        ],
        [account("easymailarchive", [archive("acme")], "dev", "prod")],
    )

    nothing_but(findings, "shared")
    [shared] = findings.shared
    assert [h.stack for h in shared.holders] == ["dev", "prod"]
    assert shared.commands[1].startswith("pulumi state delete --yes urn:pulumi:prod::shop::")
    assert findings.needs_action


# --- pending operations -------------------------------------------------------------------


def steps(findings: Findings) -> list[tuple[str | None, tuple[str, ...]]]:
    [recovery] = findings.recoveries
    return [(s.command, s.lines) for s in recovery.steps]


def test_interrupted_creates_are_paired_with_the_tenants_they_made() -> None:
    findings = compare(
        [
            state(
                "dev",
                [managed("dev", "mailbux", "old", "1")],
                [
                    creating("dev", "mailbux", "b", quota_gb=3, suspended=False),
                    creating("dev", "mailbux", "a", quota_gb=3, suspended=False),
                    creating("dev", "easymailarchive", "x", slug="x-corp", name="X"),
                ],
            )
        ],
        [
            account("mailbux", [mail("1"), mail("2", quota=3), mail("3", quota=3)]),
            account("easymailarchive", [archive("x-corp", "X")]),
        ],
        locks={"dev": LockStatus(True, "locked by pid 7 on ci since t")},
    )

    nothing_but(findings, "recoveries")
    assert steps(findings) == [
        ("pulumi cancel --yes --stack dev", ()),
        ("pulumi refresh --clear-pending-creates --yes --stack dev", ()),
        (
            None,
            (
                'mailbux.Tenant("a", quota_gb=3, adopt_tenant_id="2")',
                'mailbux.Tenant("b", quota_gb=3, adopt_tenant_id="3")',
                'easymailarchive.Tenant("x", slug="x-corp", name="X", adopt_existing=True)',
            ),
        ),
        ("pulumi up --stack dev", ()),
    ]
    [recovery] = findings.recoveries
    assert "locked by pid 7 on ci since t" in recovery.steps[0].text
    assert [a.note for a in recovery.adoptions] == [
        "the unmanaged 3 GB tenant",
        "the unmanaged 3 GB tenant",
        "the create made tenant x-corp",
    ]


def test_creates_that_never_reached_the_api_have_nothing_to_adopt() -> None:
    findings = compare(
        [
            state(
                "dev",
                [managed("dev", "easymailarchive", "taken", "taken")],
                [
                    creating("dev", "mailbux", "a", quota_gb=3),
                    creating("dev", "mailbux", "b", quota_gb=3),
                    creating("dev", "easymailarchive", "x", slug="x-corp", name="X"),
                    creating("dev", "easymailarchive", "y", slug="taken", name="Y"),
                ],
            )
        ],
        [
            account("mailbux", [mail("5", quota=3), mail("6", quota=4)]),
            account("easymailarchive", [archive("taken")]),
        ],
        locks={"dev": LockStatus(False)},
    )

    [recovery] = findings.recoveries
    assert [(a.operation.name, a.tenant.id if a.tenant else None) for a in recovery.adoptions] == [
        ("a", "5"),
        ("b", None),
        ("x", None),
        ("y", None),
    ]
    notes = [a.note for a in recovery.adoptions]
    assert notes[1] == "no unmanaged 3 GB tenant: the create never reached Mailbux"
    assert notes[2].startswith("no tenant x-corp in the account")
    assert notes[3] == "slug taken is already managed by stack dev (taken)"
    assert steps(findings)[0] == ("pulumi refresh --clear-pending-creates --yes --stack dev", ())
    assert [o.tenant.id for o in findings.orphans] == ["6"]  # another quota: not a candidate


def test_more_candidates_than_creates_proposes_the_newest_and_says_so() -> None:
    findings = compare(
        [state("dev", [], [creating("dev", "mailbux", "a", quota_gb=3)])],
        [
            account(
                "mailbux",
                [
                    mail("10", quota=3, created="2026-01-01T10:05:00Z"),
                    mail("11", quota=3, created="2026-01-01T10:06:00Z"),
                ],
            )
        ],
    )

    [recovery] = findings.recoveries
    [adoption] = recovery.adoptions
    assert adoption.tenant is not None
    assert adoption.tenant.id == "11"
    assert [t.id for t in adoption.candidates] == ["10", "11"]
    assert "one of 2 unmanaged 3 GB tenants (ids 10, 11)" in adoption.note
    assert "check before adopting" in adoption.note
    assert [o.tenant.id for o in findings.orphans] == ["10"]
    assert recovery.steps[0].text.startswith("only if `pulumi up` says the stack is locked")


def test_tenants_older_than_the_last_completed_update_are_not_candidates() -> None:
    since = {"dev": datetime(2026, 1, 1, 10, 0, tzinfo=UTC)}
    findings = compare(
        [state("dev", [], [creating("dev", "mailbux", "a", quota_gb=3)])],
        [
            account(
                "mailbux",
                [
                    mail("1", quota=3, created="2026-01-01T09:00:00Z"),  # before: a stray
                    mail("2", quota=3, created="2026-01-01T09:57:00Z"),  # within clock skew
                ],
            )
        ],
        since=since,
    )

    [adoption] = findings.recoveries[0].adoptions
    assert adoption.tenant is not None
    assert adoption.tenant.id == "2"
    assert adoption.note == "the unmanaged 3 GB tenant created since 2026-01-01T10:00:00Z"
    assert [o.tenant.id for o in findings.orphans] == ["1"]


def test_an_adoption_line_keeps_what_the_program_declared() -> None:
    findings = compare(
        [
            state(
                "dev",
                [],
                [
                    creating(
                        "dev",
                        "mailbux",
                        "m",
                        quota_gb=2.0,
                        suspended=True,
                        deletion_policy="suspend",
                    ),
                    creating("dev", "easymailarchive", "x", slug="x-1", name="X", suspended=True),
                ],
            )
        ],
        [
            account("mailbux", [mail("4", quota=2)]),
            account("easymailarchive", [archive("x-1", "X")]),
        ],
    )

    assert [a.line for a in findings.recoveries[0].adoptions] == [
        'mailbux.Tenant("m", quota_gb=2, suspended=True, deletion_policy="suspend", '
        'adopt_tenant_id="4")',
        'easymailarchive.Tenant("x", slug="x-1", name="X", suspended=True, adopt_existing=True)',
    ]


def test_an_unreadable_quota_or_slug_still_lists_the_candidates() -> None:
    findings = compare(
        [
            state(
                "dev",
                [],
                [
                    creating("dev", "mailbux", "m", quota_gb={"secret": "ciphertext"}),
                    creating("dev", "easymailarchive", "x", slug=None),
                ],
            )
        ],
        [account("mailbux", [mail("4", quota=2)]), account("easymailarchive", [archive("x")])],
    )

    [m, x] = findings.recoveries[0].adoptions
    assert m.tenant is not None
    assert "check before adopting" in m.note  # no quota to match: never certain
    assert (x.tenant, x.note) == (None, "its slug is not readable in the state: check it")
    assert [o.tenant.id for o in findings.orphans] == ["x"]


def test_other_pending_operations_need_only_a_refresh() -> None:
    other = PendingOperation(
        "dev",
        "updating",
        "urn:pulumi:dev::shop::aws:s3/bucket:Bucket::b",
        "aws:s3/bucket:Bucket",
        "b",
        None,
    )
    findings = compare(
        [state("dev", [], [other])], [account("mailbux", [])], locks={"dev": LockStatus(False)}
    )

    assert findings.needs_action
    assert steps(findings) == [("pulumi refresh --yes --stack dev", ())]
    assert findings.recoveries[0].adoptions == ()
