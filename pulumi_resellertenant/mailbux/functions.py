"""What a dynamic provider cannot offer as data sources, as plain functions; the same reads
declared for the plugin's invokes (``FUNCTIONS``); the account's tenants for ``reconcile``.

They read the same settings as ``mailbux.Tenant`` (stack config ``mailbux:*``, then the
environment) and call the API when the program runs, during preview too. Outside a program,
``stack=`` (and ``cwd=``, the project directory) reads a stack's config through the
``pulumi`` CLI instead; without them the environment alone applies there.
"""

from __future__ import annotations

import os

from pulumi_resellertenant.core.faces import StackConfig
from pulumi_resellertenant.core.transport import AccountTenant, ApiFunction, ApiSettings

from .client import MAILBUX, MailbuxClient
from .models import MailbuxTenant, ResellerOverview

__all__ = [
    "FUNCTIONS",
    "account_tenants",
    "get_reseller_overview",
    "list_tenants",
    "sync_quota",
]

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


FUNCTIONS = (
    ApiFunction(
        "getResellerOverview",
        lambda client, args: client.get_reseller_overview(),
        ResellerOverview,
        "Quota usage and tenant figures of the Mailbux reseller account.",
    ),
    ApiFunction(
        "listTenants",
        lambda client, args: client.list_tenants(),
        MailbuxTenant,
        "Every tenant of the Mailbux reseller account (ids for `pulumi import`).",
        many=True,
    ),
    ApiFunction(
        "syncQuota",
        lambda client, args: client.sync_quota(),
        ResellerOverview,
        "Have Mailbux recalculate the available quota; returns the recalculated overview.",
    ),
)
"""The plugin's invokes of this API."""


def account_tenants(settings: ApiSettings) -> list[AccountTenant]:
    """Every tenant of the account, as ``reconcile`` compares them with stacks."""
    return [
        AccountTenant(
            api=MAILBUX.namespace,
            id=tenant.id,
            label=tenant.tenant_username,
            name=tenant.tenant_name,
            quota_gb=tenant.quota_gb,
            status=tenant.status,
            created_at=tenant.created_at,
        )
        for tenant in MailbuxClient.shared(settings).list_tenants()
    ]
