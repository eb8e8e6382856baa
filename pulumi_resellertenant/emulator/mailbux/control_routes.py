"""Mailbux's test knob, mounted at /_emulator/mailbux: a tenant's email count."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from starlette.requests import Request

from pulumi_resellertenant.emulator.bounds import MAX_STORED_INT
from pulumi_resellertenant.emulator.control_fields import (
    ControlError,
    check,
    control_body,
    int_field,
    reject_unknown,
    require,
)
from pulumi_resellertenant.emulator.errors import FieldErrors

from .tenants import MailbuxTenants, parse_tenant_id


def build_control_routes(tenants: MailbuxTenants) -> APIRouter:
    router = APIRouter()

    @router.put("/tenants/{tenant_id}/email_count")
    async def set_email_count(request: Request, tenant_id: str) -> JSONResponse:
        """Whoever owns the tenant: the real API counts mail that no API call can send."""
        parsed = parse_tenant_id(tenant_id)
        body = await control_body(request)
        errors: FieldErrors = {}
        reject_unknown(body, {"email_count"}, errors)
        email_count = int_field(body, "email_count", errors, low=0, high=MAX_STORED_INT)
        require("email_count", email_count, errors)
        check(errors)
        assert email_count is not None
        if parsed is None or not tenants.set_email_count(parsed, email_count):
            raise ControlError(404, "Tenant not found.")
        return JSONResponse({"id": parsed, "email_count": email_count})

    return router
