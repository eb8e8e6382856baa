"""Easy Mail Archive: the reseller API client and its models."""

from .client import EASYMAILARCHIVE, EasyMailArchiveClient
from .models import ArchiveTenant, TenantUsage, slug_problem

__all__ = [
    "EASYMAILARCHIVE",
    "ArchiveTenant",
    "EasyMailArchiveClient",
    "TenantUsage",
    "slug_problem",
]
