"""Easy Mail Archive's test knob, mounted at /_emulator/easymailarchive: usage figures."""

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
)
from pulumi_resellertenant.emulator.errors import FieldErrors

from .tenants import EmaTenants

_USAGE_FIELDS = ("users_count", "storage_bytes", "messages_count")


def build_control_routes(tenants: EmaTenants) -> APIRouter:
    router = APIRouter()

    @router.put("/tenants/{slug}/usage")
    async def set_usage(request: Request, slug: str) -> JSONResponse:
        """Whoever owns the tenant; figures not given keep their value."""
        body = await control_body(request)
        errors: FieldErrors = {}
        reject_unknown(body, _USAGE_FIELDS, errors)
        figures = {
            key: int_field(body, key, errors, low=0, high=MAX_STORED_INT) for key in _USAGE_FIELDS
        }
        if not errors and all(value is None for value in figures.values()):
            errors["usage"] = [f"Give at least one of {', '.join(_USAGE_FIELDS)}."]
        check(errors)
        tenant = tenants.set_usage(slug, **figures)
        if tenant is None:
            raise ControlError(404, "Tenant not found.")
        return JSONResponse(
            {"slug": tenant.slug, **{key: getattr(tenant, key) for key in _USAGE_FIELDS}}
        )

    return router
