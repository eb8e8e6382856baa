"""A reseller account's tenants, from either API, in one shape for the comparison."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime

from pulumi_resellertenant.apis import EASYMAILARCHIVE, MAILBUX
from pulumi_resellertenant.core.transport import ApiSettings
from pulumi_resellertenant.easymailarchive import ArchiveTenant, EasyMailArchiveClient
from pulumi_resellertenant.mailbux import MailbuxClient, MailbuxTenant

__all__ = ["LISTERS", "AccountTenant", "from_archive", "from_mailbux", "parse_time"]

_GONE = frozenset({"terminated", "deleted"})


@dataclass(frozen=True)
class AccountTenant:
    api: str
    id: str
    """The Mailbux tenant id or the Easy Mail Archive slug."""
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
        return (self.status or "").lower() in _GONE

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


def from_mailbux(tenant: MailbuxTenant) -> AccountTenant:
    return AccountTenant(
        api=MAILBUX.namespace,
        id=tenant.id,
        label=tenant.tenant_username,
        name=tenant.tenant_name,
        quota_gb=tenant.quota_gb,
        status=tenant.status,
        created_at=tenant.created_at,
    )


def from_archive(tenant: ArchiveTenant) -> AccountTenant:
    return AccountTenant(
        api=EASYMAILARCHIVE.namespace,
        id=tenant.slug,
        label=tenant.slug,
        name=tenant.name,
        status=tenant.status,
        created_at=tenant.created_at,
    )


def _mailbux(settings: ApiSettings) -> list[AccountTenant]:
    return [from_mailbux(t) for t in MailbuxClient.shared(settings).list_tenants()]


def _archive(settings: ApiSettings) -> list[AccountTenant]:
    return [from_archive(t) for t in EasyMailArchiveClient.shared(settings).list_tenants()]


LISTERS: Mapping[str, Callable[[ApiSettings], list[AccountTenant]]] = {
    MAILBUX.namespace: _mailbux,
    EASYMAILARCHIVE.namespace: _archive,
}
"""Each API's listing of an account's tenants (every page)."""
