"""The Mailbux reseller API (`X-Api-Key`, paths under /api/user/)."""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from starlette.requests import Request

from pulumi_resellertenant.emulator.bodies import is_int, json_body, raise_if_invalid
from pulumi_resellertenant.emulator.errors import FieldErrors
from pulumi_resellertenant.emulator.faults import list_lag
from pulumi_resellertenant.emulator.resellers import Reseller, ResellerAccounts
from pulumi_resellertenant.emulator.timestamps import utc_now

from .errors import MailbuxError, tenant_not_found
from .reseller_settings import MailbuxResellerSettings
from .tenants import (
    MailbuxSummary,
    MailbuxTenant,
    MailbuxTenants,
    QuotaExceeded,
    TenantLimitReached,
    TenantStatus,
    parse_tenant_id,
)

MailbuxReseller = Reseller[MailbuxResellerSettings]


def _ok(data: Any) -> JSONResponse:
    return JSONResponse({"success": True, "data": data})


def tenant_json(tenant: MailbuxTenant) -> dict[str, Any]:
    """A tenant as the list shows it; the password is never part of it."""
    return {
        "id": tenant.id,
        "tenant_username": tenant.username,
        "tenant_name": tenant.name,
        "quota_gb": tenant.quota_gb,
        "status": tenant.status,
        "email_count": tenant.email_count,
        "created_at": tenant.created_at,
    }


def overview_json(reseller: MailbuxReseller, summary: MailbuxSummary) -> dict[str, Any]:
    settings = reseller.settings
    return {
        "plan": settings.plan,
        "quota_total_gb": settings.quota_gb,
        "quota_allocated_gb": summary.quota_allocated_gb,
        # A pool shrunk below what is allocated reports 0 available, never a negative.
        "quota_available_gb": max(0, settings.quota_gb - summary.quota_allocated_gb),
        "tenant_count": summary.tenant_count,
        "tenant_limit": settings.tenant_limit,
        "active_tenants": summary.active_tenants,
        "suspended_tenants": summary.suspended_tenants,
        "email_count": summary.email_count,
    }


def _quota_exceeded(exc: QuotaExceeded) -> MailbuxError:
    return MailbuxError(422, str(exc), code="QUOTA_EXCEEDED")


async def _quota_from_body(request: Request) -> int:
    """The `quota_gb` of a create or resize body: a positive JSON integer."""
    value = (await json_body(request, MailbuxError)).get("quota_gb")
    errors: FieldErrors = {}
    if value is None:
        errors["quota_gb"] = ["The quota_gb field is required."]
    elif not is_int(value):
        errors["quota_gb"] = ["The quota_gb must be an integer."]
    elif value < 1:
        errors["quota_gb"] = ["The quota_gb must be at least 1."]
    raise_if_invalid(errors, MailbuxError)
    assert isinstance(value, int)
    return value


def build_routes(
    tenants: MailbuxTenants, resellers: ResellerAccounts[MailbuxResellerSettings]
) -> APIRouter:
    router = APIRouter(prefix="/api/user")

    def authenticate(request: Request) -> MailbuxReseller:
        key = request.headers.get("x-api-key")
        reseller = resellers.find(key) if key else None
        if reseller is None:
            raise MailbuxError(401, "Invalid or missing API key", code="UNAUTHORIZED")
        return reseller

    def authenticate_write(request: Request) -> MailbuxReseller:
        reseller = authenticate(request)
        if reseller.settings.plan == "free":
            raise MailbuxError(
                403, "Free plan users must upgrade to a paid plan", code="PLAN_UPGRADE_REQUIRED"
            )
        return reseller

    def tenant_id_of(raw: str) -> int:
        parsed = parse_tenant_id(raw)
        if parsed is None:
            raise tenant_not_found()
        return parsed

    @router.get("/tenants")
    async def list_tenants(request: Request) -> JSONResponse:
        reseller = authenticate(request)
        lag = list_lag(request)
        hidden = tenants.recent.newer_than(lag) if lag else frozenset()
        return _ok([tenant_json(t) for t in tenants.of_owner(reseller.owner, hidden=hidden)])

    @router.post("/tenants")
    async def create_tenant(request: Request) -> JSONResponse:
        reseller = authenticate_write(request)
        quota_gb = await _quota_from_body(request)
        try:
            tenant = tenants.create(
                reseller.owner,
                quota_gb,
                quota_pool_gb=reseller.settings.quota_gb,
                tenant_limit=reseller.settings.tenant_limit,
            )
        except TenantLimitReached as exc:
            raise MailbuxError(422, str(exc), code="TENANT_LIMIT") from None
        except QuotaExceeded as exc:
            raise _quota_exceeded(exc) from None
        # As documented: no id, and the password exists only in this answer (never stored).
        return _ok(
            {
                "tenant_username": tenant.username,
                "tenant_name": tenant.name,
                "tenant_password": secrets.token_hex(12),
                "quota_gb": tenant.quota_gb,
                "status": tenant.status,
            }
        )

    def status_setter(status: TenantStatus) -> Callable[[Request, str], Awaitable[JSONResponse]]:
        # Idempotent: the documents are silent, and a billing hook may well call it twice.
        async def set_status(request: Request, tenant_id: str) -> JSONResponse:
            reseller = authenticate_write(request)
            tenant = tenants.set_status(reseller.owner, tenant_id_of(tenant_id), status)
            if tenant is None:
                raise tenant_not_found()
            return _ok(tenant_json(tenant))

        return set_status

    router.post("/tenants/{tenant_id}/suspend")(status_setter("suspended"))
    router.post("/tenants/{tenant_id}/reactivate")(status_setter("active"))

    @router.post("/tenants/{tenant_id}/terminate")
    async def terminate_tenant(request: Request, tenant_id: str) -> JSONResponse:
        reseller = authenticate_write(request)
        parsed = tenant_id_of(tenant_id)
        if not tenants.terminate(reseller.owner, parsed):
            raise tenant_not_found()
        return _ok({"id": parsed, "status": "terminated"})

    @router.patch("/tenants/{tenant_id}/quota")
    async def update_quota(request: Request, tenant_id: str) -> JSONResponse:
        reseller = authenticate_write(request)
        parsed = tenant_id_of(tenant_id)
        # Laravel order: the route's model is resolved (404) before the body is validated.
        if tenants.get(reseller.owner, parsed) is None:
            raise tenant_not_found()
        quota_gb = await _quota_from_body(request)
        try:
            tenant = tenants.set_quota(
                reseller.owner, parsed, quota_gb, quota_pool_gb=reseller.settings.quota_gb
            )
        except QuotaExceeded as exc:
            raise _quota_exceeded(exc) from None
        if tenant is None:
            raise tenant_not_found()
        return _ok(tenant_json(tenant))

    @router.get("/reseller/overview")
    async def overview(request: Request) -> JSONResponse:
        reseller = authenticate(request)
        return _ok(overview_json(reseller, tenants.summary(reseller.owner)))

    @router.post("/reseller/sync-quota")
    async def sync_quota(request: Request) -> JSONResponse:
        # Allowed on the free plan although it is a POST: it only recomputes figures and
        # changes nothing a plan upgrade would pay for.
        reseller = authenticate(request)
        data = overview_json(reseller, tenants.summary(reseller.owner))
        data["synced_at"] = utc_now()
        return _ok(data)

    return router
