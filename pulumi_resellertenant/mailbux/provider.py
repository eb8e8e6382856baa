"""The dynamic provider behind ``mailbux.Tenant``: the Mailbux lifecycle, served to Pulumi.

Its class is pickled into every resource's state by name: keep this module and name.
"""

from __future__ import annotations

from pulumi_resellertenant.core import TenantProvider

from .lifecycle import MailbuxLifecycle

__all__ = ["MailbuxTenantProvider"]


class MailbuxTenantProvider(TenantProvider):
    lifecycle = MailbuxLifecycle()
