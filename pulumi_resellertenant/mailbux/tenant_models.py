"""``mailbux.Tenant`` declared once: its inputs (Args) and its state (Args plus outputs)."""

from __future__ import annotations

from typing import Annotated, Any, ClassVar

from pydantic import model_validator

from pulumi_resellertenant.core import (
    Input,
    Output,
    TenantArgs,
    TenantState,
    one_of,
    optional_id,
    positive_whole_number,
)

__all__ = ["DELETION_POLICIES", "MailbuxTenantArgs", "MailbuxTenantState"]

DELETION_POLICIES = ("terminate", "suspend")


class MailbuxTenantArgs(TenantArgs):
    quota_gb: Annotated[int, Input(positive_whole_number, example="quota_gb=5 (gigabytes)")]
    """Storage quota in gigabytes; a change is a PATCH of the quota."""
    deletion_policy: Annotated[
        str,
        Input(
            one_of(*DELETION_POLICIES),
            example='deletion_policy="suspend" to keep the tenant on delete',
        ),
    ] = "terminate"
    """What delete does: terminate the tenant and its mail, or only suspend it."""
    adopt_tenant_id: Annotated[
        str | None,
        Input(optional_id, example='adopt_tenant_id="42" (an id from mailbux.list_tenants())'),
    ] = None
    """An existing tenant of the account to take over instead of creating one."""


class MailbuxTenantState(TenantState, MailbuxTenantArgs):
    id_field: ClassVar[str] = "tenant_id"

    tenant_id: str
    tenant_username: str = ""
    tenant_name: str | None = None
    tenant_password: Annotated[str | None, Output(secret=True)] = None
    """Shown by Mailbux once, in the create answer: kept unchanged afterwards."""
    password_known: bool = False
    status: str = "active"
    email_count: int = 0

    @model_validator(mode="before")
    @classmethod
    def _password_known_by_default(cls, values: Any) -> Any:
        # States recorded without the flag know the password exactly when they hold one.
        if isinstance(values, dict) and values.get("password_known") is None:
            return {**values, "password_known": bool(values.get("tenant_password"))}
        return values
