"""The dynamic provider behind ``mailbux.Tenant``: the Mailbux lifecycle, served to Pulumi.

Its class is pickled into every resource's state by name: keep this module and name. What a
tenant's create, read, update and delete do is in ``lifecycle.py``.
"""

from __future__ import annotations

from pulumi_resellertenant.core.faces import TenantProvider

from .lifecycle import MailbuxLifecycle

__all__ = ["MailbuxTenantProvider"]


class MailbuxTenantProvider(TenantProvider):
    lifecycle = MailbuxLifecycle()
