"""The findings for people (text) and for machines (JSON). Neither holds a key: findings
are built from tenant listings and state records, never from settings.

What an account lists or a state records may be hostile (line breaks that forge a line of
their own, ANSI escapes): every such value in the text, and every human string of the JSON
(lines, notes, commands, steps), goes through ``shown``. The JSON's data fields keep the
exact values; JSON escapes them.
"""

from __future__ import annotations

from typing import Any

from pulumi_resellertenant.apis import display_name
from pulumi_resellertenant.core.transport import shown

from .account import AccountTenant
from .compare import Findings, Orphan
from .export import PendingOperation
from .lines import python_text
from .pending import Adoption, Recovery

__all__ = ["to_json", "to_text"]


def to_json(findings: Findings) -> dict[str, Any]:
    return {
        "needs_action": findings.needs_action,
        "accounts": [
            {
                "api": s.account.api,
                "base_url": s.account.base_url,
                "stacks": list(s.account.stacks),
                "tenants": s.listed,
                "managed": s.managed,
            }
            for s in findings.accounts
        ],
        "orphans": [_orphan_json(o) for o in findings.orphans],
        "suspended_unmanaged": [_orphan_json(o) for o in findings.suspended],
        "missing": [
            {
                "api": m.tenant.api,
                "base_url": m.base_url,
                "stack": m.tenant.stack,
                "resource": m.tenant.name,
                "urn": m.tenant.urn,
                "id": m.tenant.tenant_id,
                "listed_status": m.listed_status,
                "command": _line(m.command),
            }
            for m in findings.missing
        ],
        "shared": [
            {
                "api": s.api,
                "base_url": s.base_url,
                "id": s.tenant_id,
                "resources": [
                    {"stack": h.stack, "resource": h.name, "urn": h.urn} for h in s.holders
                ],
                "commands": [_line(command) for command in s.commands],
            }
            for s in findings.shared
        ],
        "pending": [_recovery_json(r) for r in findings.recoveries],
    }


def _tenant_json(tenant: AccountTenant) -> dict[str, Any]:
    return {
        "api": tenant.api,
        "id": tenant.id,
        "label": tenant.label,
        "name": tenant.name,
        "quota_gb": tenant.quota_gb,
        "status": tenant.status,
        "created_at": tenant.created_at,
    }


def _orphan_json(orphan: Orphan) -> dict[str, Any]:
    return {
        **_tenant_json(orphan.tenant),
        "base_url": orphan.base_url,
        "line": _line(orphan.line),
    }


def _recovery_json(recovery: Recovery) -> dict[str, Any]:
    adoptions = {a.operation.urn: a for a in recovery.adoptions}
    return {
        "stack": recovery.stack,
        "locked": recovery.lock.locked,
        "lock": shown(recovery.lock.detail) if recovery.lock.detail else None,
        "operations": [_operation_json(op, adoptions.get(op.urn)) for op in recovery.operations],
        "steps": [
            {
                "text": shown(step.text),
                "command": None if step.command is None else _line(step.command),
                "lines": [_line(line) for line in step.lines],
            }
            for step in recovery.steps
        ],
    }


def _operation_json(op: PendingOperation, adoption: Adoption | None) -> dict[str, Any]:
    found = adoption.tenant if adoption is not None else None
    return {
        "kind": op.kind,
        "type": op.type,
        "api": op.api,
        "resource": op.name,
        "urn": op.urn,
        "tenant": None if found is None else found.id,
        "candidates": [] if adoption is None else [t.id for t in adoption.candidates],
        "line": None if adoption is None or adoption.line is None else _line(adoption.line),
        "note": None if adoption is None else shown(adoption.note),
    }


def _line(line: str) -> str:
    """A line or command to paste: built safe (``lines``), escaped once more, never cut (a
    cut line would not run)."""
    return shown(line, limit=max(len(line) * 6, 3))


# --- text ----------------------------------------------------------------------------------


def to_text(findings: Findings) -> str:
    out: list[str] = []
    for summary in findings.accounts:
        stacks = ", ".join(shown(stack, 80) for stack in summary.account.stacks)
        out.append(
            f"{shown(summary.account.title)} "
            f"(stack{'s' if len(summary.account.stacks) > 1 else ''} "
            f"{stacks}): {summary.listed} tenant(s), {summary.managed} managed"
        )
    if findings.orphans:
        out += [
            "",
            f"Orphans: {len(findings.orphans)} tenant(s) that no given stack manages. To manage "
            "one, add its line to the program of the stack that should own it and run "
            "`pulumi up`; or terminate it if nobody needs it:",
        ]
        out += _orphan_lines(findings.orphans)
    if findings.missing:
        out += [
            "",
            f"Missing: {len(findings.missing)} tenant(s) in a stack's state that the account "
            "no longer has. `pulumi refresh` forgets them (a later `pulumi up` creates them "
            "again while the program declares them):",
        ]
        for m in findings.missing:
            why = (
                f"listed as {shown(m.listed_status, 40)}"
                if m.listed_status
                else "not in the account"
            )
            resource = _resource(m.tenant.api, "", m.tenant.name)
            out.append(
                f"  stack {shown(m.tenant.stack, 80)}: {resource}, {display_name(m.tenant.api)} "
                f"tenant {shown(m.tenant.tenant_id, 60)}: {why}"
            )
            out.append(f"    {_line(m.command)}")
    if findings.shared:
        out += [
            "",
            f"Shared: {len(findings.shared)} tenant(s) managed by more than one resource (a "
            "delete of one would remove it under the other). Keep one: for each other, run "
            "its `pulumi state delete`, then remove its declaration from that program:",
        ]
        for s in findings.shared:
            out.append(f"  {display_name(s.api)} tenant {shown(s.tenant_id, 60)}:")
            for h in s.holders:
                out.append(f"    stack {shown(h.stack, 80)}: {_resource(h.api, '', h.name)}")
            out += [f"    {_line(command)}" for command in s.commands]
    for recovery in findings.recoveries:
        out += ["", *_recovery_lines(recovery)]
    if findings.suspended:
        out += [
            "",
            f"Suspended, managed by no given stack: {len(findings.suspended)} tenant(s), as a "
            'delete with deletion_policy="suspend" or an Easy Mail Archive delete leaves '
            "them. Nothing to do; to manage one again, adopt it:",
        ]
        out += _orphan_lines(findings.suspended)
    out += ["", _verdict(findings)]
    return "\n".join(out) + "\n"


def _orphan_lines(orphans: tuple[Orphan, ...]) -> list[str]:
    lines: list[str] = []
    for orphan in orphans:
        lines.append(f"  {_describe(orphan.tenant)}:")
        lines.append(f"    {_line(orphan.line)}")
    return lines


def _describe(tenant: AccountTenant) -> str:
    """One line of what the account lists, every listed value escaped and bounded."""
    facts = []
    if tenant.api == "mailbux":
        facts.append(shown(tenant.label, 80))
        if tenant.quota_gb is not None:
            facts.append(f"{shown(tenant.quota_gb, 20)} GB")
    elif tenant.name:
        facts.append(shown(tenant.name, 120))
    if tenant.status:
        facts.append(shown(tenant.status, 40))
    if tenant.created_at:
        facts.append(f"created {shown(tenant.created_at, 40)}")
    return f"{display_name(tenant.api)} tenant {shown(tenant.id, 60)} ({', '.join(facts)})"


def _resource(api: str | None, type_token: str, name: str) -> str:
    """How the program declares it: ``mailbux.Tenant "mail"``; other resources by type."""
    if api:
        return f"{api}.Tenant {python_text(name)}"
    return f"{shown(type_token, 120)} {python_text(name)}"


def _recovery_lines(recovery: Recovery) -> list[str]:
    kinds: dict[str, int] = {}
    for op in recovery.operations:
        kinds[op.kind] = kinds.get(op.kind, 0) + 1
    counted = ", ".join(f"{n} {kind}" for kind, n in sorted(kinds.items()))
    lines = [
        f"Pending operations in stack {shown(recovery.stack, 80)} (a run was interrupted: "
        f"{shown(counted)}):",
    ]
    adoptions = {a.operation.urn: a for a in recovery.adoptions}
    for op in recovery.operations:
        adoption = adoptions.get(op.urn)
        what = f"{_resource(op.api, op.type, op.name)} ({shown(op.kind, 40)})"
        lines.append(f"  {what}: {shown(adoption.note)}" if adoption is not None else f"  {what}")
    lines.append("  To recover, in this order:")
    for number, step in enumerate(recovery.steps, start=1):
        lines.append(f"  {number}. {shown(step.text)}:")
        if step.command is not None:
            lines.append(f"       {_line(step.command)}")
        lines += [f"       {_line(line)}" for line in step.lines]
    return lines


def _verdict(findings: Findings) -> str:
    if not findings.needs_action:
        return "Everything matches: every tenant is managed by exactly one given stack."
    counts = [
        (len(findings.orphans), "orphan(s)"),
        (len(findings.missing), "missing"),
        (len(findings.shared), "shared"),
        (sum(len(r.operations) for r in findings.recoveries), "pending operation(s)"),
    ]
    return "Action needed: " + ", ".join(f"{n} {what}" for n, what in counts if n) + "."
