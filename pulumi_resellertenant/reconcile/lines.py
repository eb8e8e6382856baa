"""The lines and commands to paste: a resource declaration adopting a tenant, and the
``pulumi`` commands of a stack, written exactly as the user types them.

A line to paste is built only from values checked safe: the id by its API's rule (each API's
``AdoptionRules``: Mailbux digits, the Easy Mail Archive slug rule), any other text escaped
onto one line. Whatever an
account lists may be hostile (``..`` as an id, a username with a line break and a command
after it): a line that cannot be built safely is a note (a ``#`` comment) saying why.
"""

from __future__ import annotations

import json
import re
import shlex
from dataclasses import dataclass

from pulumi_resellertenant.apis import by_namespace, display_name
from pulumi_resellertenant.core.transport import shown

from .account import ADOPTIONS, AccountTenant

__all__ = ["Commands", "adopt_line", "id_problem", "printable", "python_text", "resource_name"]

_SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,62}")
"""A listed label fit to be a resource name as it is (Mailbux usernames: ``user38472615``)."""


def printable(text: str) -> bool:
    """Whether ``text`` shows as it is: one line, no control characters (``shown``'s rule)."""
    return shown(text, max(len(text), 3)) == text


def python_text(text: str) -> str:
    """A double-quoted Python string literal on one line (JSON's escapes are Python's too;
    the controls JSON leaves raw, such as C1 and bidi overrides, are escaped as well)."""
    literal = json.dumps(text, ensure_ascii=False)
    return shown(literal, limit=6 * len(literal))  # escaped, never cut


def id_problem(api: str, tenant_id: str) -> str | None:
    """Why ``tenant_id`` may not go into a line to paste; None when it may."""
    rules = ADOPTIONS.get(api)
    if rules is None:
        return f"no rule for {shown(api, 40)} ids"
    problem: str | None = rules.id_problem(tenant_id)
    return problem


def unsafe_id_note(api: str, tenant_id: str, problem: str) -> str:
    return (
        f'# not shown: the listed id "{shown(tenant_id, 60)}" is not a valid '
        f"{ADOPTIONS[api].id_noun} ({problem}); check this tenant in the {display_name(api)} "
        "dashboard"
    )


def resource_name(tenant: AccountTenant) -> str:
    """The resource name an orphan's line proposes: its label when that is a plain word,
    else ``<api>-<id>`` (the id is checked before any line uses it)."""
    return tenant.label if _SAFE_NAME.fullmatch(tenant.label) else f"{tenant.api}-{tenant.id}"


def adopt_line(
    resource_name: str,
    tenant: AccountTenant,
    *,
    suspended: bool | None = None,
    deletion_policy: str | None = None,
) -> str:
    """The declaration that takes ``tenant`` over as the resource ``resource_name``, or a
    note when the tenant's id is unsafe.

    A suspended tenant is declared ``suspended=True``, or the adopting ``up`` would
    reactivate it; ``deletion_policy`` is kept when the program declared one.
    """
    problem = id_problem(tenant.api, tenant.id)
    if problem is not None:
        return unsafe_id_note(tenant.api, tenant.id, problem)
    keep_suspended = tenant.suspended if suspended is None else suspended
    arguments, comment = ADOPTIONS[tenant.api].arguments(tenant, keep_suspended, deletion_policy)
    api = by_namespace(tenant.api)
    words = [python_text(resource_name)]
    words += [f"{name}={_python_value(value)}" for name, value in arguments]
    line = f"{api.namespace}.{api.resource_name}({', '.join(words)})"
    return f"{line}  # {comment}" if comment else line


def _python_value(value: str | int | bool | None) -> str:
    """A value as Python source: text quoted and escaped onto one line; numbers, booleans
    and None as they are written."""
    return python_text(value) if isinstance(value, str) else repr(value)


@dataclass(frozen=True)
class Commands:
    """``pulumi`` commands of one stack, run from where the user runs reconcile."""

    stack: str
    cwd: str | None = None

    def pulumi(self, *args: str) -> str:
        words = ["pulumi", *args, "--stack", self.stack]
        if self.cwd is not None:
            words += ["--cwd", self.cwd]
        unsafe = [word for word in words if not printable(word)]
        if unsafe:
            # Quoting keeps a line break inside one argument, but the line shown would still
            # break in two: no command to paste then.
            return (
                f'# not shown: "{shown(unsafe[0], 80)}" holds control characters; '
                f"run `pulumi {shown(args[0] if args else '', 20)}` by hand once it is checked"
            )
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
