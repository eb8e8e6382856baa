"""The Easy Mail Archive reseller API (`Authorization: Bearer`, /api/reseller/tenants)."""

from __future__ import annotations

import math
import re
from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from starlette.requests import Request

from .bodies import BodyError, read_json_object
from .errors import EmaError, FieldErrors, validation_message
from .resellers import EmaReseller
from .state import EmulatorState
from .store import EmaTenant, SlugTaken, TenantStatus

_SLUG_CHARS = re.compile(r"[a-z0-9-]+")
_PAGE_RE = re.compile(r"[0-9]{1,18}")
NAME_MAX = 255
TAKEN = "The slug has already been taken."


def list_item_json(tenant: EmaTenant) -> dict[str, Any]:
    # The documented list item has no messages_count; show and usage do.
    return {
        "slug": tenant.slug,
        "name": tenant.name,
        "status": tenant.status,
        "users_count": tenant.users_count,
        "storage_bytes": tenant.storage_bytes,
        "created_at": tenant.created_at,
    }


def show_json(tenant: EmaTenant) -> dict[str, Any]:
    return {
        "slug": tenant.slug,
        "name": tenant.name,
        "status": tenant.status,
        "users_count": tenant.users_count,
        "storage_bytes": tenant.storage_bytes,
        "messages_count": tenant.messages_count,
        "created_at": tenant.created_at,
    }


def slug_errors(value: object) -> list[str]:
    """The documented rule: 3-48 chars of lowercase letters, digits and hyphens."""
    if value is None or value == "":
        return ["The slug field is required."]
    if not isinstance(value, str):
        return ["The slug must be a string."]
    if len(value) < 3:
        return ["The slug must be at least 3 characters."]
    if len(value) > 48:
        return ["The slug must not be greater than 48 characters."]
    # fullmatch, not `$`: `$` would let a trailing newline through.
    if _SLUG_CHARS.fullmatch(value) is None:
        return ["The slug format is invalid."]
    return []


def name_errors(value: object) -> list[str]:
    # Whitespace-only counts as missing, as Laravel's TrimStrings + required would have it;
    # a valid name is stored exactly as sent.
    if value is None or (isinstance(value, str) and value.strip() == ""):
        return ["The name field is required."]
    if not isinstance(value, str):
        return ["The name must be a string."]
    if len(value) > NAME_MAX:
        return [f"The name must not be greater than {NAME_MAX} characters."]
    return []


def parse_page(raw: str | None) -> int:
    """Like Laravel's paginator: a missing, malformed or < 1 page is page 1, never an error."""
    if raw is None or _PAGE_RE.fullmatch(raw) is None:
        return 1
    return max(1, int(raw))


def _raise_if_invalid(errors: FieldErrors) -> None:
    if errors:
        raise EmaError(422, validation_message(errors), errors=errors)


async def _body(request: Request) -> dict[str, Any]:
    try:
        return await read_json_object(request)
    except BodyError as exc:
        raise EmaError(400, exc.message) from None


def build_easymailarchive_router(state: EmulatorState) -> APIRouter:
    router = APIRouter(prefix="/api/reseller/tenants")

    def authenticate(request: Request) -> EmaReseller:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        token = token.strip()
        reseller = state.resellers.ema(token) if scheme.lower() == "bearer" and token else None
        if reseller is None:
            raise EmaError(401, "Unauthenticated.")
        # Only authenticated requests count toward the key's window.
        retry_after = state.limiter.acquire(reseller.owner, reseller.rate_limit)
        if retry_after is not None:
            raise EmaError(429, "Too Many Attempts.", headers={"Retry-After": str(retry_after)})
        return reseller

    def owned(reseller: EmaReseller, slug: str) -> EmaTenant:
        tenant = state.store.ema_get(slug)
        if tenant is None:
            raise EmaError(404, "Tenant not found.")
        if tenant.owner != reseller.owner:
            raise EmaError(403, "This tenant does not belong to your reseller account.")
        return tenant

    @router.get("")
    async def list_tenants(request: Request) -> JSONResponse:
        reseller = authenticate(request)
        page = parse_page(request.query_params.get("page"))
        per_page = state.config.ema_page_size
        tenants, total = state.store.ema_page(reseller.owner, page, per_page)
        return JSONResponse(
            {
                "data": [list_item_json(t) for t in tenants],
                "meta": {
                    "current_page": page,
                    "last_page": max(1, math.ceil(total / per_page)),
                    "total": total,
                },
            }
        )

    @router.post("")
    async def create_tenant(request: Request) -> JSONResponse:
        reseller = authenticate(request)
        body = await _body(request)
        errors: FieldErrors = {}
        if found := slug_errors(body.get("slug")):
            errors["slug"] = found
        if found := name_errors(body.get("name")):
            errors["name"] = found
        _raise_if_invalid(errors)
        slug, name = body["slug"], body["name"]
        try:
            tenant = state.store.ema_create(reseller.owner, slug, name)
        except SlugTaken:
            # Slugs are global: taken by us or by any other reseller alike.
            raise EmaError(409, TAKEN, errors={"slug": [TAKEN]}) from None
        return JSONResponse(
            {
                "data": {
                    "slug": tenant.slug,
                    "name": tenant.name,
                    "status": tenant.status,
                    "created_at": tenant.created_at,
                }
            },
            status_code=201,
        )

    @router.get("/{slug}")
    async def show_tenant(request: Request, slug: str) -> JSONResponse:
        reseller = authenticate(request)
        return JSONResponse({"data": show_json(owned(reseller, slug))})

    @router.put("/{slug}")
    async def update_tenant(request: Request, slug: str) -> JSONResponse:
        reseller = authenticate(request)
        owned(reseller, slug)
        body = await _body(request)
        name = body.get("name")
        if found := name_errors(name):
            _raise_if_invalid({"name": found})
        assert isinstance(name, str)
        tenant = state.store.ema_rename(slug, name)
        if tenant is None:
            raise EmaError(404, "Tenant not found.")
        return JSONResponse(
            {"data": {"slug": tenant.slug, "name": tenant.name, "status": tenant.status}}
        )

    def set_status(request: Request, slug: str, status: TenantStatus) -> JSONResponse:
        # Idempotent, like the real API is assumed to be: suspending twice is no error.
        owned(authenticate(request), slug)
        tenant = state.store.ema_set_status(slug, status)
        if tenant is None:
            raise EmaError(404, "Tenant not found.")
        return JSONResponse({"data": {"slug": tenant.slug, "status": tenant.status}})

    @router.post("/{slug}/suspend")
    async def suspend_tenant(request: Request, slug: str) -> JSONResponse:
        return set_status(request, slug, "suspended")

    @router.post("/{slug}/unsuspend")
    async def unsuspend_tenant(request: Request, slug: str) -> JSONResponse:
        return set_status(request, slug, "active")

    @router.get("/{slug}/usage")
    async def tenant_usage(request: Request, slug: str) -> JSONResponse:
        reseller = authenticate(request)
        tenant = owned(reseller, slug)
        return JSONResponse(
            {
                "data": {
                    "slug": tenant.slug,
                    "users_count": tenant.users_count,
                    "storage_bytes": tenant.storage_bytes,
                    "messages_count": tenant.messages_count,
                }
            }
        )

    return router
