"""What a dynamic provider cannot offer as data sources, as plain functions.

They read the same settings as ``easymailarchive.Tenant`` (stack config
``easymailarchive:*``, then the environment) and call the API when the program runs,
during preview too.
"""

from __future__ import annotations

import os

from pulumi_resellertenant.core import load_settings, stack_config

from .client import EASYMAILARCHIVE, EasyMailArchiveClient
from .models import ArchiveTenant, TenantUsage

__all__ = ["get_tenant_usage", "list_tenants"]


def list_tenants() -> list[ArchiveTenant]:
    """Every tenant of the reseller account, across all pages."""
    return _client().list_tenants()


def get_tenant_usage(slug: str) -> TenantUsage:
    """Users, storage and message counts of one tenant."""
    return _client().get_usage(slug)


def _client() -> EasyMailArchiveClient:
    return EasyMailArchiveClient.shared(load_settings(EASYMAILARCHIVE, stack_config, os.environ))
