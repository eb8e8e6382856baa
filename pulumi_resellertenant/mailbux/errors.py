"""Mailbux's own error codes: the classes they raise and what to do about each.

They reach the core through ``MAILBUX.error_codes`` (the mapping) and each class's ``fix``
(the hint a failed operation shows; ``fix_in`` when it names an input, in the face's naming).
"""

from __future__ import annotations

from pulumi_resellertenant.apis import MAILBUX
from pulumi_resellertenant.core.transport import (
    ApiResponseError,
    InvalidRequestError,
    Naming,
    PermissionDeniedError,
)

__all__ = [
    "ERROR_CODES",
    "PlanUpgradeRequiredError",
    "QuotaExceededError",
    "TenantLimitError",
    "quota_fix",
]


def quota_fix(naming: Naming) -> str:
    """What to do when the pool cannot cover a quota: said the same way wherever it shows."""
    return (
        f"lower {naming.field('quota_gb')}, free quota from other tenants or extend the "
        "reseller pool"
    )


class PlanUpgradeRequiredError(PermissionDeniedError):
    """403 PLAN_UPGRADE_REQUIRED: Mailbux free plans cannot manage tenants."""

    fix = "Upgrade the Mailbux plan: free plans cannot manage tenants"


class QuotaExceededError(InvalidRequestError):
    """422 QUOTA_EXCEEDED: the requested quota exceeds the reseller's available quota."""

    @classmethod
    def fix_in(cls, naming: Naming) -> str:
        fix = quota_fix(naming)
        overview = naming.function(MAILBUX.namespace, "get_reseller_overview")
        return f"{fix[0].upper()}{fix[1:]}; {overview} shows what is available"


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
