"""What a dynamic provider cannot offer as data sources, as plain functions.

They read the same settings as ``mailbux.Tenant`` (stack config ``mailbux:*``, then the
environment) and call the API when the program runs, during preview too. Outside a program,
``stack=`` (and ``cwd=``, the project directory) reads a stack's config through the
``pulumi`` CLI instead; without them the environment alone applies there.
"""

from __future__ import annotations

import os

from pulumi_resellertenant.core.faces import StackConfig

from .client import MAILBUX, MailbuxClient
from .models import MailbuxTenant, ResellerOverview

__all__ = ["get_reseller_overview", "list_tenants", "sync_quota"]

PathText = str | os.PathLike[str]


def get_reseller_overview(
    *, stack: str | None = None, cwd: PathText | None = None
) -> ResellerOverview:
    """Quota usage and tenant figures of the reseller account."""
    return _client(stack, cwd).get_reseller_overview()


def list_tenants(*, stack: str | None = None, cwd: PathText | None = None) -> list[MailbuxTenant]:
    """Every tenant of the reseller account (ids for ``adopt_tenant_id``)."""
    return _client(stack, cwd).list_tenants()


def sync_quota(*, stack: str | None = None, cwd: PathText | None = None) -> ResellerOverview:
    """Have Mailbux recalculate the available quota; returns the recalculated overview."""
    return _client(stack, cwd).sync_quota()


def _client(stack: str | None, cwd: PathText | None) -> MailbuxClient:
    return MailbuxClient.shared(StackConfig.of(stack, cwd).settings(MAILBUX))
