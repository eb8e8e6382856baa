"""Mailbux's own error codes: the classes they raise and what to do about each.

They reach the core through ``MAILBUX.error_codes`` (the mapping) and each class's ``fix``
(the hint a failed operation shows).
"""

from __future__ import annotations

from pulumi_resellertenant.core.transport import (
    ApiResponseError,
    InvalidRequestError,
    PermissionDeniedError,
)

__all__ = [
    "ERROR_CODES",
    "QUOTA_FIX",
    "PlanUpgradeRequiredError",
    "QuotaExceededError",
    "TenantLimitError",
]

QUOTA_FIX = "lower quota_gb, free quota from other tenants or extend the reseller pool"
"""What to do when the pool cannot cover a quota: said the same way wherever it shows."""


class PlanUpgradeRequiredError(PermissionDeniedError):
    """403 PLAN_UPGRADE_REQUIRED: Mailbux free plans cannot manage tenants."""

    fix = "Upgrade the Mailbux plan: free plans cannot manage tenants"


class QuotaExceededError(InvalidRequestError):
    """422 QUOTA_EXCEEDED: the requested quota exceeds the reseller's available quota."""

    fix = (
        f"{QUOTA_FIX[0].upper()}{QUOTA_FIX[1:]}; "
        "mailbux.get_reseller_overview() shows what is available"
    )


class TenantLimitError(InvalidRequestError):
    """422 TENANT_LIMIT: the reseller account holds its maximum number of tenants."""

    fix = (
        "The reseller account holds its maximum number of tenants: terminate unused "
        "tenants or ask Mailbux to raise the limit"
    )


ERROR_CODES: dict[str, type[ApiResponseError]] = {
    "PLAN_UPGRADE_REQUIRED": PlanUpgradeRequiredError,
    "QUOTA_EXCEEDED": QuotaExceededError,
    "TENANT_LIMIT": TenantLimitError,
}
