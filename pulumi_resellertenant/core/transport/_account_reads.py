"""What an API offers besides its tenant resource, declared once in its package: reads of
the account as functions (plain Python and the plugin's invokes), and its tenants in the one
shape ``reconcile`` compares with stacks."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pydantic import BaseModel

__all__ = ["GONE_STATUSES", "AccountTenant", "ApiFunction", "parse_time"]

GONE_STATUSES = frozenset({"terminated", "deleted"})
"""Statuses that mean a listed tenant is no more, should a list ever show one."""


@dataclass(frozen=True)
class ApiFunction:
    """One read of the API, offered as a function: ``call`` takes the API's client and the
    inputs by name, and returns ``result`` (a list of them when ``many``)."""

    name: str
    """As the plugin's invoke names it (``listTenants``)."""
    call: Callable[[Any, Mapping[str, Any]], Any]
    result: type[BaseModel]
    description: str
    many: bool = False
    inputs: Mapping[str, str] = field(default_factory=dict)
    """Required string inputs: name -> description."""


@dataclass(frozen=True)
class AccountTenant:
    """A tenant of a reseller account, from any API, in one shape."""

    api: str
    id: str
    """The id a stack records (the Mailbux tenant id, the Easy Mail Archive slug)."""
    label: str
    """What a person recognises: the Mailbux username, the Easy Mail Archive slug."""
    name: str | None = None
    """The Easy Mail Archive display name; the Mailbux tenant name."""
    quota_gb: int | None = None
    status: str | None = None
    created_at: str | None = None

    @property
    def suspended(self) -> bool:
        return (self.status or "").lower() == "suspended"

    @property
    def gone(self) -> bool:
        """Listed, but terminated: as good as absent."""
        return (self.status or "").lower() in GONE_STATUSES

    @property
    def created(self) -> datetime | None:
        return parse_time(self.created_at)


def parse_time(text: str | None) -> datetime | None:
    """An ISO-8601 time (``Z`` or an offset); None when absent, unreadable or naive."""
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None
