"""The findings for people (text) and for machines (JSON). Neither holds a key: findings
are built from tenant listings and state records, never from settings."""

from __future__ import annotations

from typing import Any

from .account import AccountTenant
from .compare import Findings, Orphan
from .export import PendingOperation
from .lines import python_text
from .pending import Adoption, Recovery
from .tokens import API_NAMES

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
                "command": m.command,
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
                "commands": list(s.commands),
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
    return {**_tenant_json(orphan.tenant), "base_url": orphan.base_url, "line": orphan.line}


def _recovery_json(recovery: Recovery) -> dict[str, Any]:
    adoptions = {a.operation.urn: a for a in recovery.adoptions}
    return {
        "stack": recovery.stack,
        "locked": recovery.lock.locked,
        "lock": recovery.lock.detail or None,
        "operations": [_operation_json(op, adoptions.get(op.urn)) for op in recovery.operations],
        "steps": [
            {"text": step.text, "command": step.command, "lines": list(step.lines)}
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
        "line": None if adoption is None else adoption.line,
        "note": None if adoption is None else adoption.note,
    }


# --- text ----------------------------------------------------------------------------------


def to_text(findings: Findings) -> str:
    out: list[str] = []
    for summary in findings.accounts:
        stacks = ", ".join(summary.account.stacks)
        out.append(
            f"{summary.account.title} (stack{'s' if len(summary.account.stacks) > 1 else ''} "
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
            why = f"listed as {m.listed_status}" if m.listed_status else "not in the account"
            resource = _resource(m.tenant.api, "", m.tenant.name)
            out.append(
                f"  stack {m.tenant.stack}: {resource}, {API_NAMES[m.tenant.api]} tenant "
                f"{m.tenant.tenant_id}: {why}"
            )
            out.append(f"    {m.command}")
    if findings.shared:
        out += [
            "",
            f"Shared: {len(findings.shared)} tenant(s) managed by more than one resource (a "
            "delete of one would remove it under the other). Keep one: for each other, run "
            "its `pulumi state delete`, then remove its declaration from that program:",
        ]
        for s in findings.shared:
            out.append(f"  {API_NAMES[s.api]} tenant {s.tenant_id}:")
            for h in s.holders:
                out.append(f"    stack {h.stack}: {_resource(h.api, '', h.name)}")
            out += [f"    {command}" for command in s.commands]
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
        lines.append(f"    {orphan.line}")
    return lines


def _describe(tenant: AccountTenant) -> str:
    facts = []
    if tenant.api == "mailbux":
        facts.append(tenant.label)
        if tenant.quota_gb is not None:
            facts.append(f"{tenant.quota_gb} GB")
    elif tenant.name:
        facts.append(tenant.name)
    if tenant.status:
        facts.append(tenant.status)
    if tenant.created_at:
        facts.append(f"created {tenant.created_at}")
    return f"{API_NAMES[tenant.api]} tenant {tenant.id} ({', '.join(facts)})"


def _resource(api: str | None, type_token: str, name: str) -> str:
    """How the program declares it: ``mailbux.Tenant "mail"``; other resources by type."""
    return f"{api}.Tenant {python_text(name)}" if api else f"{type_token} {python_text(name)}"


def _recovery_lines(recovery: Recovery) -> list[str]:
    kinds: dict[str, int] = {}
    for op in recovery.operations:
        kinds[op.kind] = kinds.get(op.kind, 0) + 1
    counted = ", ".join(f"{n} {kind}" for kind, n in sorted(kinds.items()))
    lines = [
        f"Pending operations in stack {recovery.stack} (a run was interrupted: {counted}):",
    ]
    adoptions = {a.operation.urn: a for a in recovery.adoptions}
    for op in recovery.operations:
        adoption = adoptions.get(op.urn)
        what = f"{_resource(op.api, op.type, op.name)} ({op.kind})"
        lines.append(f"  {what}: {adoption.note}" if adoption is not None else f"  {what}")
    lines.append("  To recover, in this order:")
    for number, step in enumerate(recovery.steps, start=1):
        lines.append(f"  {number}. {step.text}:")
        if step.command is not None:
            lines.append(f"       {step.command}")
        lines += [f"       {line}" for line in step.lines]
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
