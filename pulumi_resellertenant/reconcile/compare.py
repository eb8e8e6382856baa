"""The comparison itself, on parsed exports and account listings (no I/O here).

Per account: a tenant no given stack manages is an orphan (an active one needs action, a
suspended one is what a delete with ``deletion_policy="suspend"`` or an Easy Mail Archive
delete leaves); a tenant in a stack's state that the account lacks is missing; one tenant
under two resources is shared. A stack's pending operations get their recovery (``pending``),
and a tenant an interrupted create made is adopted there, not listed as an orphan.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from pulumi_resellertenant.apis import display_name

from .account import AccountTenant
from .export import StackState, StateTenant
from .lines import Commands, adopt_line, resource_name
from .locks import LockStatus
from .pending import Adoption, Recovery, age, match_creates, recovery

__all__ = ["AccountSummary", "AccountView", "Findings", "Missing", "Orphan", "Shared", "compare"]


@dataclass(frozen=True)
class AccountView:
    """One reseller account, its tenants, and the given stacks whose settings name it."""

    api: str
    base_url: str
    stacks: tuple[str, ...]
    tenants: tuple[AccountTenant, ...]

    @property
    def title(self) -> str:
        return f"{display_name(self.api)} account {self.base_url}"


@dataclass(frozen=True)
class AccountSummary:
    account: AccountView
    listed: int
    """Tenants the account lists, terminated ones left out."""
    managed: int
    """Of those, the ones a given stack manages."""


@dataclass(frozen=True)
class Orphan:
    base_url: str
    tenant: AccountTenant
    line: str


@dataclass(frozen=True)
class Missing:
    base_url: str
    tenant: StateTenant
    listed_status: str | None
    """The account's status when it still lists the tenant as terminated; else None."""
    command: str


@dataclass(frozen=True)
class Shared:
    base_url: str
    api: str
    tenant_id: str
    holders: tuple[StateTenant, ...]
    commands: tuple[str, ...]
    """``pulumi state delete`` of each holder: run it for all but the one to keep."""


@dataclass(frozen=True)
class Findings:
    accounts: tuple[AccountSummary, ...]
    orphans: tuple[Orphan, ...]
    suspended: tuple[Orphan, ...]
    """Suspended tenants no stack manages: information, no action needed."""
    missing: tuple[Missing, ...]
    shared: tuple[Shared, ...]
    recoveries: tuple[Recovery, ...]

    @property
    def needs_action(self) -> bool:
        return bool(self.orphans or self.missing or self.shared or self.recoveries)


def compare(
    states: Sequence[StackState],
    accounts: Sequence[AccountView],
    *,
    locks: Mapping[str, LockStatus] | None = None,
    since: Mapping[str, datetime | None] | None = None,
    cwd: str | None = None,
) -> Findings:
    """Compare stacks' states with their accounts.

    ``locks``: each stack's lock (absent: unknown). ``since``: when each stack's last
    completed update ended; tenants created before it cannot come from an interrupted run.
    ``cwd``: the project directory the pasted commands name (None: the current one).
    """
    by_stack = {state.stack: state for state in states}
    orphans: list[Orphan] = []
    suspended: list[Orphan] = []
    missing: list[Missing] = []
    shared: list[Shared] = []
    adoptions: dict[str, list[Adoption]] = defaultdict(list)
    summaries: list[AccountSummary] = []
    for account in accounts:
        stacks = [by_stack[name] for name in account.stacks if name in by_stack]
        managed = _managed(account.api, stacks)
        listed = {tenant.id: tenant for tenant in account.tenants}
        for tenant_id, holders in sorted(managed.items()):
            present = listed.get(tenant_id)
            if present is None or present.gone:
                for held in holders:
                    status = present.status if present is not None else None
                    command = Commands(held.stack, cwd).refresh()
                    missing.append(Missing(account.base_url, held, status, command))
            if len(holders) > 1:
                commands = tuple(Commands(h.stack, cwd).state_delete(h.urn) for h in holders)
                shared.append(
                    Shared(account.base_url, account.api, tenant_id, tuple(holders), commands)
                )
        pool = {
            tenant.id: tenant
            for tenant in account.tenants
            if tenant.id not in managed and not tenant.gone
        }
        live = [tenant for tenant in account.tenants if not tenant.gone]
        summaries.append(AccountSummary(account, len(live), len(live) - len(pool)))
        creates = [
            op
            for state in stacks
            for op in state.pending
            if op.api == account.api and op.kind == "creating"
        ]
        for adoption in match_creates(account.api, creates, pool, managed, since or {}):
            adoptions[adoption.operation.stack].append(adoption)
        for tenant in sorted(pool.values(), key=age):
            orphan = Orphan(account.base_url, tenant, adopt_line(resource_name(tenant), tenant))
            (suspended if tenant.suspended else orphans).append(orphan)
    recoveries = [
        recovery(state, adoptions.get(state.stack, []), (locks or {}).get(state.stack), cwd)
        for state in states
        if state.pending
    ]
    return Findings(
        tuple(summaries),
        tuple(orphans),
        tuple(suspended),
        tuple(missing),
        tuple(shared),
        tuple(recoveries),
    )


def _managed(api: str, stacks: Iterable[StackState]) -> dict[str, list[StateTenant]]:
    managed: dict[str, list[StateTenant]] = defaultdict(list)
    for state in stacks:
        for tenant in state.tenants:
            if tenant.api == api:
                managed[tenant.tenant_id].append(tenant)
    return managed
