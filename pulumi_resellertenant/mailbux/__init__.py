"""Mailbux email hosting: the ``Tenant`` resource, plain functions, the API client."""

from .client import MAILBUX, MailbuxClient
from .functions import get_reseller_overview, list_tenants, sync_quota
from .models import CreatedTenant, MailbuxTenant, ResellerOverview
from .resource import Tenant

__all__ = [
    "MAILBUX",
    "CreatedTenant",
    "MailbuxClient",
    "MailbuxTenant",
    "ResellerOverview",
    "Tenant",
    "get_reseller_overview",
    "list_tenants",
    "sync_quota",
]
