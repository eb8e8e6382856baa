"""What a dynamic provider cannot offer as data sources, as plain functions.

They read the same settings as ``easymailarchive.Tenant`` (stack config
``easymailarchive:*``, then the environment) and call the API when the program runs,
during preview too. Outside a program, ``stack=`` (and ``cwd=``, the project directory)
reads a stack's config through the ``pulumi`` CLI instead; without them the environment
alone applies there.
"""

from __future__ import annotations

import os

from pulumi_resellertenant.core.faces import StackConfig

from .client import EASYMAILARCHIVE, EasyMailArchiveClient
from .models import ArchiveTenant, TenantUsage

__all__ = ["get_tenant_usage", "list_tenants"]

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
