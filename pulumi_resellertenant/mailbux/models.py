"""Requests and answers of the Mailbux Reseller API.

The documents show the create answer only; the list's items and the overview are
undocumented, so their models accept the field names a reseller API plausibly uses.
"""

from __future__ import annotations

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

from pulumi_resellertenant.core import Answer, PositiveWholeNumber, WholeNumber

__all__ = [
    "CreateTenantRequest",
    "CreatedTenant",
    "MailbuxTenant",
    "QuotaUpdateRequest",
    "ResellerOverview",
]


def _id_text(value: Any) -> Any:
    # Ids are numbers in some answers and strings in others; Pulumi ids are strings.
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


TenantId = Annotated[str, BeforeValidator(_id_text)]


class CreateTenantRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    quota_gb: PositiveWholeNumber


class QuotaUpdateRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    quota_gb: PositiveWholeNumber


class CreatedTenant(Answer):
    """The create answer: the one and only time the password is shown."""

    id: TenantId | None = Field(None, validation_alias=AliasChoices("id", "tenant_id"))
    """Absent in the documented answer: the id then comes from the list."""
    tenant_username: str
    tenant_name: str
    tenant_password: SecretStr
    quota_gb: WholeNumber
    status: str = "active"


class MailbuxTenant(Answer):
    """A tenant as the list shows it."""

    id: TenantId = Field(validation_alias=AliasChoices("id", "tenant_id"))
    tenant_username: str = Field(validation_alias=AliasChoices("tenant_username", "username"))
    tenant_name: str | None = Field(None, validation_alias=AliasChoices("tenant_name", "name"))
    quota_gb: WholeNumber | None = None
    status: str = "active"
    email_count: WholeNumber = Field(
        0, validation_alias=AliasChoices("email_count", "emails_count", "email_accounts_count")
    )
    created_at: str | None = None

    @property
    def suspended(self) -> bool:
        return self.status.lower() == "suspended"


class ResellerOverview(Answer):
    """Quota usage and tenant figures of the reseller account."""

    plan: str | None = None
    quota_total_gb: float | None = Field(
        None, validation_alias=AliasChoices("quota_total_gb", "total_quota_gb", "quota_gb")
    )
    quota_allocated_gb: float | None = Field(
        None,
        validation_alias=AliasChoices(
            "quota_allocated_gb", "allocated_quota_gb", "used_quota_gb", "quota_used_gb"
        ),
    )
    quota_available_gb: float | None = Field(
        None, validation_alias=AliasChoices("quota_available_gb", "available_quota_gb")
    )
    tenant_count: WholeNumber | None = Field(
        None, validation_alias=AliasChoices("tenant_count", "tenants_count", "total_tenants")
    )
    tenant_limit: WholeNumber | None = Field(
        None, validation_alias=AliasChoices("tenant_limit", "max_tenants")
    )
    active_tenants: WholeNumber | None = None
    suspended_tenants: WholeNumber | None = None
    email_count: WholeNumber | None = None

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
