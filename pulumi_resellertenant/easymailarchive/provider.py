"""The dynamic provider behind ``easymailarchive.Tenant``: the Easy Mail Archive lifecycle,
served to Pulumi.

Its class is pickled into every resource's state by name: keep this module and name.
"""

from __future__ import annotations

from pulumi_resellertenant.core import TenantProvider

from .lifecycle import EasyMailArchiveLifecycle

__all__ = ["EasyMailArchiveTenantProvider"]


class EasyMailArchiveTenantProvider(TenantProvider):
    lifecycle = EasyMailArchiveLifecycle()
