"""The lines and commands to paste: a resource declaration adopting a tenant, and the
``pulumi`` commands of a stack, written exactly as the user types them."""

from __future__ import annotations

import json
import shlex
from dataclasses import dataclass

from .account import AccountTenant
from .tokens import MAILBUX

__all__ = ["Commands", "adopt_line", "python_text"]


def python_text(text: str) -> str:
    """A double-quoted Python string literal (JSON's escapes are Python's too)."""
    return json.dumps(text, ensure_ascii=False)


def adopt_line(
    resource_name: str,
    tenant: AccountTenant,
    *,
    suspended: bool | None = None,
    deletion_policy: str | None = None,
) -> str:
    """The declaration that takes ``tenant`` over as the resource ``resource_name``.

    A suspended tenant is declared ``suspended=True``, or the adopting ``up`` would
    reactivate it; ``deletion_policy`` is kept when the program declared one.
    """
    keep_suspended = tenant.suspended if suspended is None else suspended
    if tenant.api == MAILBUX:
        quota = "None" if tenant.quota_gb is None else str(tenant.quota_gb)
        args = [python_text(resource_name), f"quota_gb={quota}"]
        if keep_suspended:
            args.append("suspended=True")
        if deletion_policy is not None and deletion_policy != "terminate":
            args.append(f"deletion_policy={python_text(deletion_policy)}")
        args.append(f"adopt_tenant_id={python_text(tenant.id)}")
        line = f"mailbux.Tenant({', '.join(args)})"
        if tenant.quota_gb is None:
            line += "  # the account's list shows no quota: put the tenant's quota_gb here"
        return line
    args = [
        python_text(resource_name),
        f"slug={python_text(tenant.id)}",
        f"name={python_text(tenant.name or tenant.id)}",
    ]
    if keep_suspended:
        args.append("suspended=True")
    args.append("adopt_existing=True")
    return f"easymailarchive.Tenant({', '.join(args)})"


@dataclass(frozen=True)
class Commands:
    """``pulumi`` commands of one stack, run from where the user runs reconcile."""

    stack: str
    cwd: str | None = None

    def pulumi(self, *args: str) -> str:
        words = ["pulumi", *args, "--stack", self.stack]
        if self.cwd is not None:
            words += ["--cwd", self.cwd]
        return shlex.join(words)

    def cancel(self) -> str:
        return self.pulumi("cancel", "--yes")

    def refresh(self, *, clear_pending_creates: bool = False) -> str:
        if clear_pending_creates:
            return self.pulumi("refresh", "--clear-pending-creates", "--yes")
        return self.pulumi("refresh", "--yes")

    def up(self) -> str:
        return self.pulumi("up")

    def state_delete(self, urn: str) -> str:
        return self.pulumi("state", "delete", "--yes", urn)
