"""Mailbux email hosting: the ``Tenant`` resource, plain functions, the API client."""

from .client import MAILBUX, MailbuxClient
from .errors import PlanUpgradeRequiredError, QuotaExceededError, TenantLimitError
from .functions import get_reseller_overview, list_tenants, sync_quota
from .models import CreatedTenant, MailbuxTenant, ResellerOverview
from .resource import Tenant

__all__ = [
    "MAILBUX",
    "CreatedTenant",
    "MailbuxClient",
    "MailbuxTenant",
    "PlanUpgradeRequiredError",
    "QuotaExceededError",
    "ResellerOverview",
    "Tenant",
    "TenantLimitError",
    "get_reseller_overview",
    "list_tenants",
    "sync_quota",
]
