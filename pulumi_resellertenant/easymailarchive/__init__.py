"""Easy Mail Archive: the ``Tenant`` resource, plain functions, the API client."""

from .client import EASYMAILARCHIVE, EasyMailArchiveClient
from .functions import get_tenant_usage, list_tenants
from .models import ArchiveTenant, TenantUsage, slug_problem
from .resource import Tenant

__all__ = [
    "EASYMAILARCHIVE",
    "ArchiveTenant",
    "EasyMailArchiveClient",
    "Tenant",
    "TenantUsage",
    "get_tenant_usage",
    "list_tenants",
    "slug_problem",
]
