"""A stack's pending operations: the steps that clear them, and the tenant each interrupted
create made, if any. Where an input holds the tenant's id (Easy Mail Archive's slug), that
finds it; otherwise (Mailbux) an input the listing shows too (the quota) and the creation
time do, and as tenants alike in it are alike (same quota, no known password), any pairing
of interrupted creates with new tenants works. Each API's ``AdoptionRules`` say which. No
I/O here."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from pulumi_resellertenant.apis import display_name
from pulumi_resellertenant.core.transport import AdoptionRules, shown

from .account import ADOPTIONS, AccountTenant
from .export import PendingOperation, StackState, StateTenant
from .lines import Commands, adopt_line
from .locks import UNKNOWN, LockStatus

__all__ = ["CLOCK_SKEW", "Adoption", "Recovery", "Step", "age", "match_creates", "recovery"]

CLOCK_SKEW = timedelta(minutes=5)
"""How far the API's clock may trail the machine that ran the last update."""


@dataclass(frozen=True)
class Adoption:
    """A pending create and the tenant it made (None: nothing found to adopt)."""

    operation: PendingOperation
    tenant: AccountTenant | None
    candidates: tuple[AccountTenant, ...]
    line: str | None
    note: str


@dataclass(frozen=True)
class Step:
    text: str
    command: str | None = None
    lines: tuple[str, ...] = ()


@dataclass(frozen=True)
class Recovery:
    """A stack's pending operations and the steps, in order, that clear them."""

    stack: str
    operations: tuple[PendingOperation, ...]
    lock: LockStatus
    adoptions: tuple[Adoption, ...]
    steps: tuple[Step, ...]


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_NUMBER = re.compile(r"[0-9]{1,20}")
"""An id that is a number: ASCII digits ("²" is a digit to isdigit(), not to int())."""


def age(tenant: AccountTenant) -> tuple[datetime, int, str]:
    """Oldest first: creation time, then the id (numerically when it is a number)."""
    number = int(tenant.id) if _NUMBER.fullmatch(tenant.id) else -1
    return (tenant.created or _EPOCH, number, tenant.id)


def match_creates(
    api: str,
    creates: Sequence[PendingOperation],
    pool: dict[str, AccountTenant],
    managed: Mapping[str, Sequence[StateTenant]],
    since: Mapping[str, datetime | None],
) -> list[Adoption]:
    """Each pending create with the tenant it made, taken out of ``pool``."""
    creates = sorted(creates, key=lambda op: (op.stack, op.name))
    rules = ADOPTIONS[api]
    if rules.id_input is not None:
        return [_match_by_id(rules.id_input, op, pool, managed) for op in creates]
    return _match_alike(rules, creates, pool, since)


def _match_by_id(
    id_input: str,
    op: PendingOperation,
    pool: dict[str, AccountTenant],
    managed: Mapping[str, Sequence[StateTenant]],
) -> Adoption:
    id_ = op.input(id_input)
    if not isinstance(id_, str):
        note = f"its {id_input} is not readable in the state: check it"
        return Adoption(op, None, (), None, note)
    tenant = pool.pop(id_, None)
    shown_id = shown(id_, 60)
    if tenant is not None:
        line = adopt_line(op.name, tenant, suspended=_flag(op.input("suspended")))
        return Adoption(op, tenant, (tenant,), line, f"the create made tenant {shown_id}")
    if id_ in managed:
        owner = managed[id_][0]
        note = (
            f"{id_input} {shown_id} is already managed by stack {shown(owner.stack, 60)} "
            f"({shown(owner.name, 60)})"
        )
        return Adoption(op, None, (), None, note)
    note = f"no tenant {shown_id} in the account: the create never reached {display_name(op.api)}"
    return Adoption(op, None, (), None, note)


def _match_alike(
    rules: AdoptionRules,
    creates: Sequence[PendingOperation],
    pool: dict[str, AccountTenant],
    since: Mapping[str, datetime | None],
) -> list[Adoption]:
    """Each create with the newest unmanaged tenant of its ``matched_input`` value made since
    its stack's last update."""
    matched = rules.matched_input
    if matched is None:
        raise ValueError("AdoptionRules need an id_input or a matched_input")
    groups: dict[int | None, list[PendingOperation]] = defaultdict(list)
    for op in creates:
        groups[_whole(op.input(matched))].append(op)
    adoptions: list[Adoption] = []
    for value, ops in sorted(groups.items(), key=lambda item: (item[0] is None, item[0] or 0)):
        bounds = [since.get(op.stack) for op in ops]
        after = None if None in bounds else min(b for b in bounds if b is not None)
        candidates = sorted((t for t in pool.values() if _fits(t, matched, value, after)), key=age)
        chosen = candidates[-len(ops) :] if candidates else []
        certain = value is not None and len(candidates) <= len(ops)
        what = rules.matched_noun(value)
        when = f" created since {_utc(after)}" if after is not None else ""
        for index, op in enumerate(ops):
            if index >= len(chosen):
                never = f"the create never reached {display_name(op.api)}"
                note = f"no unmanaged {what}{when}: {never}"
                adoptions.append(Adoption(op, None, tuple(candidates), None, note))
                continue
            tenant = chosen[index]
            pool.pop(tenant.id)
            if certain:
                note = f"the unmanaged {what}{when}"
            else:
                ids = ", ".join(shown(t.id, 30) for t in candidates)
                note = (
                    f"one of {len(candidates)} unmanaged {what}s{when} (ids {ids}) for "
                    f"{len(ops)} interrupted create(s): the newest proposed; check before adopting"
                )
            line = adopt_line(
                op.name,
                tenant,
                suspended=_flag(op.input("suspended")),
                deletion_policy=_text(op.input("deletion_policy")),
            )
            adoptions.append(Adoption(op, tenant, tuple(candidates), line, note))
    return adoptions


def _fits(tenant: AccountTenant, field: str, value: int | None, after: datetime | None) -> bool:
    if value is not None and getattr(tenant, field) != value:
        return False
    created = tenant.created
    return after is None or created is None or created >= after - CLOCK_SKEW


def recovery(
    state: StackState, adoptions: Sequence[Adoption], lock: LockStatus | None, cwd: str | None
) -> Recovery:
    commands = Commands(state.stack, cwd)
    lock = lock or UNKNOWN
    steps: list[Step] = []
    if lock.locked:
        steps.append(
            Step(
                f"the stack is {lock.detail}: end that lock, once sure the run is gone",
                commands.cancel(),
            )
        )
    elif lock.locked is None:
        steps.append(
            Step(
                "only if `pulumi up` says the stack is locked (a killed run leaves its lock)",
                commands.cancel(),
            )
        )
    creates = any(op.kind == "creating" for op in state.pending)
    if creates:
        steps.append(
            Step(
                "forget the interrupted creates (what they made stays in the account)",
                commands.refresh(clear_pending_creates=True),
            )
        )
    else:
        steps.append(Step("read the interrupted resources back from the APIs", commands.refresh()))
    ordered = sorted(adoptions, key=lambda a: a.operation.name)
    lines = tuple(a.line for a in ordered if a.line is not None)
    if lines:
        steps.append(
            Step(
                "in the program, declare each interrupted tenant as an adoption of what its "
                "create made (replace its declaration by this line)",
                lines=lines,
            )
        )
    if creates:
        steps.append(Step("adopt them, and create what never reached the API", commands.up()))
    return Recovery(state.stack, state.pending, lock, tuple(ordered), tuple(steps))


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _flag(value: object) -> bool | None:
    return value if isinstance(value, bool) else None


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _whole(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None
