"""Requests and answers of the Mailbux Reseller API.

The documents show the create answer only; the list's items and the overview are
undocumented, so their models accept the field names a reseller API plausibly uses.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Self

from pydantic import (
    AliasChoices,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    SecretStr,
    model_validator,
)

from pulumi_resellertenant.core.transport import (
    GONE_STATUSES,
    Answer,
    WholeNumber,
    at_most,
    chain,
    positive_whole_number,
)

__all__ = [
    "MAX_QUOTA_GB",
    "CreateTenantRequest",
    "CreatedTenant",
    "MailbuxTenant",
    "QuotaUpdateRequest",
    "ResellerOverview",
    "quota_rule",
    "tenant_id_problem",
]


def _id_text(value: Any) -> Any:
    # Ids are numbers in some answers and strings in others; Pulumi ids are strings.
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


TenantId = Annotated[str, BeforeValidator(_id_text)]

_TENANT_ID = re.compile(r"[0-9]{1,20}")  # ASCII digits: \d would take any script's digits


def tenant_id_problem(tenant_id: str) -> str | None:
    """What is wrong with a tenant id, or None. Mailbux ids are numbers; anything else
    (``..``, a slash) must never reach a URL path."""
    if _TENANT_ID.fullmatch(tenant_id) is None:
        return "a Mailbux tenant id is 1 to 20 digits"
    return None


MAX_QUOTA_GB = 10_000
"""A tenant's quota at most, in GB (10 TB). The documents give no limit; this keeps a typo
(``quota_gb=50000``, ``1e30``) from ever reaching the reseller pool."""

quota_rule = chain(positive_whole_number, at_most(MAX_QUOTA_GB, " GB per tenant"))
"""A quota in GB: the input check applies it to ``quota_gb``, and the requests to what they
send."""

Quota = Annotated[int, BeforeValidator(quota_rule)]


class CreateTenantRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    quota_gb: Quota
    """The new tenant's storage quota in gigabytes."""


class QuotaUpdateRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    quota_gb: Quota
    """The tenant's new storage quota in gigabytes."""


class CreatedTenant(Answer):
    """The create answer: the one and only time the password is shown."""

    id: TenantId | None = Field(None, validation_alias=AliasChoices("id", "tenant_id"))
    """Absent in the documented answer: the id then comes from the list."""
    tenant_username: str
    """The tenant admin's generated login."""
    tenant_name: str
    """The tenant's generated name."""
    tenant_password: SecretStr
    """The tenant admin's generated password, shown this once."""
    quota_gb: WholeNumber
    """The tenant's storage quota in gigabytes."""
    status: str = "active"
    """The new tenant's status."""


class MailbuxTenant(Answer):
    """A tenant as the list shows it."""

    id: TenantId = Field(validation_alias=AliasChoices("id", "tenant_id"))
    """The tenant's id, as adopting or importing the tenant takes it."""
    tenant_username: str = Field(validation_alias=AliasChoices("tenant_username", "username"))
    """The tenant admin's login."""
    tenant_name: str | None = Field(None, validation_alias=AliasChoices("tenant_name", "name"))
    """The tenant's name, when the list gives it."""
    quota_gb: WholeNumber | None = None
    """The tenant's storage quota in gigabytes, when the list gives it."""
    status: str = "active"
    """The tenant's status (``active``, ``suspended``, ...)."""
    email_count: WholeNumber = Field(
        0, validation_alias=AliasChoices("email_count", "emails_count", "email_accounts_count")
    )
    """The tenant's email count, as the list shows it (0 when it does not)."""
    created_at: str | None = None
    """When the tenant was created, as the list gives it, if it does."""

    @property
    def suspended(self) -> bool:
        return self.status.lower() == "suspended"

    @property
    def gone(self) -> bool:
        """A status that means the tenant is no more, should a list ever show one."""
        return self.status.lower() in GONE_STATUSES


class ResellerOverview(Answer):
    """Quota usage and tenant figures of the reseller account."""

    plan: str | None = None
    """The reseller account's plan."""
    quota_total_gb: float | None = Field(
        None, validation_alias=AliasChoices("quota_total_gb", "total_quota_gb", "quota_gb")
    )
    """The reseller's quota pool in gigabytes."""
    quota_allocated_gb: float | None = Field(
        None,
        validation_alias=AliasChoices(
            "quota_allocated_gb", "allocated_quota_gb", "used_quota_gb", "quota_used_gb"
        ),
    )
    """Gigabytes of the pool allocated to tenants."""
    quota_available_gb: float | None = Field(
        None, validation_alias=AliasChoices("quota_available_gb", "available_quota_gb")
    )
    """Gigabytes of the pool still available for new tenants and quota increases (total
    minus allocated when the answer does not say)."""
    tenant_count: WholeNumber | None = Field(
        None, validation_alias=AliasChoices("tenant_count", "tenants_count", "total_tenants")
    )
    """The number of tenants in the account."""
    tenant_limit: WholeNumber | None = Field(
        None, validation_alias=AliasChoices("tenant_limit", "max_tenants")
    )
    """The most tenants the account's plan allows."""
    active_tenants: WholeNumber | None = None
    """The number of active tenants."""
    suspended_tenants: WholeNumber | None = None
    """The number of suspended tenants."""
    email_count: WholeNumber | None = None
    """Emails across the account's tenants, as Mailbux counts them."""

    @model_validator(mode="after")
    def _derive_available(self) -> Self:
        # Available quota, derived from total and allocated when the answer does not give it.
        if (
            self.quota_available_gb is None
            and self.quota_total_gb is not None
            and self.quota_allocated_gb is not None
        ):
            object.__setattr__(
                self, "quota_available_gb", self.quota_total_gb - self.quota_allocated_gb
            )
        return self
