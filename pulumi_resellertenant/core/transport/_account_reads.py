"""What an API offers besides its tenant resource, declared once in its package: reads of
the account as functions (plain Python and the plugin's invokes), its tenants in the one
shape ``reconcile`` compares with stacks, and how ``reconcile`` checks, names and adopts
them."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pydantic import BaseModel

__all__ = [
    "GONE_STATUSES",
    "AccountTenant",
    "AdoptionRules",
    "ApiFunction",
    "Argument",
    "parse_time",
]

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


Argument = tuple[str, str | int | bool | None]
"""A keyword argument of a resource declaration: its name and its value."""


@dataclass(frozen=True)
class AdoptionRules:
    """How ``reconcile`` checks, names and adopts one API's tenants: declared by the API
    beside its ``account_tenants`` and read through the registry, so reconcile names no API."""

    id_noun: str
    """What the API calls a tenant's id, in a note: ``Mailbux tenant id``."""
    id_problem: Callable[[str], str | None]
    """Why a listed id may not go into a line to paste or an import file (it ends up in a
    URL path); None when it may."""
    arguments: Callable[[AccountTenant, bool, str | None], tuple[list[Argument], str]]
    """The keyword arguments, in order, of the declaration that adopts a tenant, given
    whether it stays suspended and the deletion policy its program declared (None: none);
    and a comment for the line ("": none) when one must be filled in by hand."""
    import_name: Callable[[AccountTenant], str]
    """The resource name an import file gives a tenant whose id is safe."""
    numeric_ids: bool = False
    """Ids are whole numbers: an import file orders them numerically."""
    id_input: str | None = None
    """The input holding the tenant's id, if any (Easy Mail Archive's ``slug``): an
    interrupted create made the tenant it names."""
    matched_input: str | None = None
    """Otherwise a whole-number input whose value the tenant an interrupted create made shows
    in the listing too (Mailbux's ``quota_gb``, an ``AccountTenant`` field of the same name):
    that and its creation time propose the tenant."""
    matched_noun: Callable[[Any], str] = lambda value: "tenant"
    """How a note names the tenants of one ``matched_input`` value (``5 GB tenant``)."""


def parse_time(text: str | None) -> datetime | None:
    """An ISO-8601 time (``Z`` or an offset); None when absent, unreadable or naive."""
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None
