"""What a dynamic provider cannot offer as data sources, as plain functions.

They read the same settings as ``mailbux.Tenant`` (stack config ``mailbux:*``, then the
environment) and call the API when the program runs, during preview too.
"""

from __future__ import annotations

import os

from pulumi_resellertenant.core import load_settings, stack_config

from .client import MAILBUX, MailbuxClient
from .models import MailbuxTenant, ResellerOverview

__all__ = ["get_reseller_overview", "list_tenants", "sync_quota"]


def get_reseller_overview() -> ResellerOverview:
    """Quota usage and tenant figures of the reseller account."""
    return _client().get_reseller_overview()


def list_tenants() -> list[MailbuxTenant]:
    """Every tenant of the reseller account (ids for ``adopt_tenant_id``)."""
    return _client().list_tenants()


def sync_quota() -> ResellerOverview:
    """Have Mailbux recalculate the available quota; returns the recalculated overview."""
    return _client().sync_quota()


def _client() -> MailbuxClient:
    return MailbuxClient.shared(load_settings(MAILBUX, stack_config, os.environ))
