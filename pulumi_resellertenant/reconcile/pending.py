"""A stack's pending operations: the steps that clear them, and the tenant each interrupted
create made, if any. Easy Mail Archive's is found by its slug; Mailbux's by quota and
creation time, and as Mailbux tenants of one quota are alike (same quota, no known
password), any pairing of interrupted creates with new tenants works. No I/O here."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from pulumi_resellertenant.apis import MAILBUX
from pulumi_resellertenant.core.transport import shown
from pulumi_resellertenant.mailbux.models import tenant_id_problem

from .account import AccountTenant
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


def age(tenant: AccountTenant) -> tuple[datetime, int, str]:
    """Oldest first: creation time, then the id (numerically when it is a number)."""
    # Only an id of ASCII digits is a number: "²" is a digit to isdigit(), not to int().
    number = int(tenant.id) if tenant_id_problem(tenant.id) is None else -1
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
    if api == MAILBUX.namespace:
        return _match_mailbux(creates, pool, since)
    return [_match_archive(op, pool, managed) for op in creates]


def _match_archive(
    op: PendingOperation,
    pool: dict[str, AccountTenant],
    managed: Mapping[str, Sequence[StateTenant]],
) -> Adoption:
    slug = op.input("slug")
    if not isinstance(slug, str):
        return Adoption(op, None, (), None, "its slug is not readable in the state: check it")
    tenant = pool.pop(slug, None)
    shown_slug = shown(slug, 60)
    if tenant is not None:
        line = adopt_line(op.name, tenant, suspended=_flag(op.input("suspended")))
        return Adoption(op, tenant, (tenant,), line, f"the create made tenant {shown_slug}")
    if slug in managed:
        owner = managed[slug][0]
        note = (
            f"slug {shown_slug} is already managed by stack {shown(owner.stack, 60)} "
            f"({shown(owner.name, 60)})"
        )
        return Adoption(op, None, (), None, note)
    note = f"no tenant {shown_slug} in the account: the create never reached Easy Mail Archive"
    return Adoption(op, None, (), None, note)


def _match_mailbux(
    creates: Sequence[PendingOperation],
    pool: dict[str, AccountTenant],
    since: Mapping[str, datetime | None],
) -> list[Adoption]:
    groups: dict[int | None, list[PendingOperation]] = defaultdict(list)
    for op in creates:
        groups[_whole(op.input("quota_gb"))].append(op)
    adoptions: list[Adoption] = []
    for quota, ops in sorted(groups.items(), key=lambda item: (item[0] is None, item[0] or 0)):
        bounds = [since.get(op.stack) for op in ops]
        after = None if None in bounds else min(b for b in bounds if b is not None)
        candidates = sorted((t for t in pool.values() if _fits(t, quota, after)), key=age)
        chosen = candidates[-len(ops) :] if candidates else []
        certain = quota is not None and len(candidates) <= len(ops)
        what = f"{quota} GB tenant" if quota is not None else "tenant"
        when = f" created since {_utc(after)}" if after is not None else ""
        for index, op in enumerate(ops):
            if index >= len(chosen):
                note = f"no unmanaged {what}{when}: the create never reached Mailbux"
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


def _fits(tenant: AccountTenant, quota: int | None, after: datetime | None) -> bool:
    if quota is not None and tenant.quota_gb != quota:
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
