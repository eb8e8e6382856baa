"""The Mailbux reseller API (`X-Api-Key`, paths under /api/user/)."""

from __future__ import annotations

import secrets
from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from starlette.requests import Request

from .bodies import BodyError, is_int, parse_id, read_json_object
from .errors import FieldErrors, MailbuxError, validation_message
from .resellers import MailbuxReseller
from .state import EmulatorState
from .store import (
    MailbuxSummary,
    MailbuxTenant,
    QuotaExceeded,
    TenantLimitReached,
    TenantStatus,
    utc_now,
)


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
    return {
        "plan": reseller.plan,
        "quota_total_gb": reseller.quota_gb,
        "quota_allocated_gb": summary.quota_allocated_gb,
        # A pool shrunk below what is allocated reports 0 available, never a negative.
        "quota_available_gb": max(0, reseller.quota_gb - summary.quota_allocated_gb),
        "tenant_count": summary.tenant_count,
        "tenant_limit": reseller.tenant_limit,
        "active_tenants": summary.active_tenants,
        "suspended_tenants": summary.suspended_tenants,
        "email_count": summary.email_count,
    }


def _not_found() -> MailbuxError:
    return MailbuxError(404, "TENANT_NOT_FOUND", "Tenant not found")


def _quota_exceeded(exc: QuotaExceeded) -> MailbuxError:
    return MailbuxError(422, "QUOTA_EXCEEDED", str(exc))


async def _quota_from_body(request: Request) -> int:
    """The `quota_gb` of a create or resize body: a positive JSON integer."""
    try:
        body = await read_json_object(request)
    except BodyError as exc:
        raise MailbuxError(400, "INVALID_REQUEST", exc.message) from None
    value = body.get("quota_gb")
    errors: FieldErrors = {}
    if value is None:
        errors["quota_gb"] = ["The quota_gb field is required."]
    elif not is_int(value):
        errors["quota_gb"] = ["The quota_gb must be an integer."]
    elif value < 1:
        errors["quota_gb"] = ["The quota_gb must be at least 1."]
    if errors:
        raise MailbuxError(422, "VALIDATION_ERROR", validation_message(errors), errors=errors)
    assert isinstance(value, int)
    return value


def build_mailbux_router(state: EmulatorState) -> APIRouter:
    router = APIRouter(prefix="/api/user")

    def authenticate(request: Request) -> MailbuxReseller:
        key = request.headers.get("x-api-key")
        reseller = state.resellers.mailbux(key) if key else None
        if reseller is None:
            raise MailbuxError(401, "UNAUTHORIZED", "Invalid or missing API key")
        return reseller

    def authenticate_write(request: Request) -> MailbuxReseller:
        reseller = authenticate(request)
        if reseller.plan == "free":
            raise MailbuxError(
                403, "PLAN_UPGRADE_REQUIRED", "Free plan users must upgrade to a paid plan"
            )
        return reseller

    def parse_tenant_id(raw: str) -> int:
        parsed = parse_id(raw)
        if parsed is None:
            raise _not_found()
        return parsed

    @router.get("/tenants")
    async def list_tenants(request: Request) -> JSONResponse:
        reseller = authenticate(request)
        return _ok([tenant_json(t) for t in state.store.mailbux_list(reseller.owner)])

    @router.post("/tenants")
    async def create_tenant(request: Request) -> JSONResponse:
        reseller = authenticate_write(request)
        quota_gb = await _quota_from_body(request)
        try:
            tenant = state.store.mailbux_create(
                reseller.owner,
                quota_gb,
                quota_pool_gb=reseller.quota_gb,
                tenant_limit=reseller.tenant_limit,
            )
        except TenantLimitReached as exc:
            raise MailbuxError(422, "TENANT_LIMIT", str(exc)) from None
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

    def set_status(request: Request, tenant_id: str, status: TenantStatus) -> JSONResponse:
        # Idempotent: the documents are silent, and a billing hook may well call it twice.
        reseller = authenticate_write(request)
        tenant = state.store.mailbux_set_status(reseller.owner, parse_tenant_id(tenant_id), status)
        if tenant is None:
            raise _not_found()
        return _ok(tenant_json(tenant))

    @router.post("/tenants/{tenant_id}/suspend")
    async def suspend_tenant(request: Request, tenant_id: str) -> JSONResponse:
        return set_status(request, tenant_id, "suspended")

    @router.post("/tenants/{tenant_id}/reactivate")
    async def reactivate_tenant(request: Request, tenant_id: str) -> JSONResponse:
        return set_status(request, tenant_id, "active")

    @router.post("/tenants/{tenant_id}/terminate")
    async def terminate_tenant(request: Request, tenant_id: str) -> JSONResponse:
        reseller = authenticate_write(request)
        parsed = parse_tenant_id(tenant_id)
        if not state.store.mailbux_terminate(reseller.owner, parsed):
            raise _not_found()
        return _ok({"id": parsed, "status": "terminated"})

    @router.patch("/tenants/{tenant_id}/quota")
    async def update_quota(request: Request, tenant_id: str) -> JSONResponse:
        reseller = authenticate_write(request)
        parsed = parse_tenant_id(tenant_id)
        # Laravel order: the route's model is resolved (404) before the body is validated.
        if state.store.mailbux_get(reseller.owner, parsed) is None:
            raise _not_found()
        quota_gb = await _quota_from_body(request)
        try:
            tenant = state.store.mailbux_set_quota(
                reseller.owner, parsed, quota_gb, quota_pool_gb=reseller.quota_gb
            )
        except QuotaExceeded as exc:
            raise _quota_exceeded(exc) from None
        if tenant is None:
            raise _not_found()
        return _ok(tenant_json(tenant))

    @router.get("/reseller/overview")
    async def overview(request: Request) -> JSONResponse:
        reseller = authenticate(request)
        return _ok(overview_json(reseller, state.store.mailbux_summary(reseller.owner)))

    @router.post("/reseller/sync-quota")
    async def sync_quota(request: Request) -> JSONResponse:
        # Allowed on the free plan although it is a POST: it only recomputes figures and
        # changes nothing a plan upgrade would pay for.
        reseller = authenticate(request)
        data = overview_json(reseller, state.store.mailbux_summary(reseller.owner))
        data["synced_at"] = utc_now()
        return _ok(data)

    return router
