"""What a dynamic provider cannot offer as data sources, as plain functions; the same reads
declared for the plugin's invokes (``FUNCTIONS``); the account's tenants for ``reconcile``.

They read the same settings as ``easymailarchive.Tenant`` (stack config
``easymailarchive:*``, then the environment) and call the API when the program runs,
during preview too. Outside a program, ``stack=`` (and ``cwd=``, the project directory)
reads a stack's config through the ``pulumi`` CLI instead; without them the environment
alone applies there.
"""

from __future__ import annotations

import os

from pulumi_resellertenant.core.faces import StackConfig
from pulumi_resellertenant.core.transport import AccountTenant, ApiFunction, ApiSettings

from .client import EASYMAILARCHIVE, EasyMailArchiveClient
from .models import ArchiveTenant, TenantUsage

__all__ = ["FUNCTIONS", "account_tenants", "get_tenant_usage", "list_tenants"]

PathText = str | os.PathLike[str]


def list_tenants(*, stack: str | None = None, cwd: PathText | None = None) -> list[ArchiveTenant]:
    """Every tenant of the reseller account, across all pages."""
    return _client(stack, cwd).list_tenants()


def get_tenant_usage(
    slug: str, *, stack: str | None = None, cwd: PathText | None = None
) -> TenantUsage:
    """Users, storage and message counts of one tenant."""
    return _client(stack, cwd).get_usage(slug)


def _client(stack: str | None, cwd: PathText | None) -> EasyMailArchiveClient:
    return EasyMailArchiveClient.shared(StackConfig.of(stack, cwd).settings(EASYMAILARCHIVE))


FUNCTIONS = (
    ApiFunction(
        "listTenants",
        lambda client, args: client.list_tenants(),
        ArchiveTenant,
        "Every tenant of the Easy Mail Archive reseller account, across all pages.",
        many=True,
    ),
    ApiFunction(
        "getTenantUsage",
        lambda client, args: client.get_usage(args["slug"]),
        TenantUsage,
        "Users, storage and message counts of one Easy Mail Archive tenant.",
        inputs={"slug": "The tenant's slug."},
    ),
)
"""The plugin's invokes of this API."""


def account_tenants(settings: ApiSettings) -> list[AccountTenant]:
    """Every tenant of the account (every page), as ``reconcile`` compares them with stacks."""
    return [
        AccountTenant(
            api=EASYMAILARCHIVE.namespace,
            id=tenant.slug,
            label=tenant.slug,
            name=tenant.name,
            status=tenant.status,
            created_at=tenant.created_at,
        )
        for tenant in EasyMailArchiveClient.shared(settings).list_tenants()
    ]
