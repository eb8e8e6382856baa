"""The Easy Mail Archive reseller API (`Authorization: Bearer`, /api/reseller/tenants)."""

from __future__ import annotations

import math
import re
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from starlette.requests import Request

from pulumi_resellertenant.emulator.bodies import json_body, raise_if_invalid
from pulumi_resellertenant.emulator.errors import FieldErrors
from pulumi_resellertenant.emulator.faults import list_lag
from pulumi_resellertenant.emulator.ratelimit import SlidingWindowLimiter
from pulumi_resellertenant.emulator.resellers import Reseller, ResellerAccounts

from .errors import EmaError, tenant_not_found
from .reseller_settings import EmaResellerSettings
from .tenants import EmaTenant, EmaTenants, SlugTaken, TenantStatus

EmaReseller = Reseller[EmaResellerSettings]

_SLUG_CHARS = re.compile(r"[a-z0-9-]+")
_PAGE_RE = re.compile(r"[0-9]{1,18}")
NAME_MAX = 255
TAKEN = "The slug has already been taken."
# The documented list item has no messages_count; show and usage do.
_LIST_FIELDS = ("slug", "name", "status", "users_count", "storage_bytes", "created_at")
_SHOW_FIELDS = (*_LIST_FIELDS[:-1], "messages_count", "created_at")
_USAGE_FIELDS = ("slug", "users_count", "storage_bytes", "messages_count")


def tenant_json(tenant: EmaTenant, names: tuple[str, ...]) -> dict[str, Any]:
    return {name: getattr(tenant, name) for name in names}


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


def build_routes(
    tenants: EmaTenants,
    resellers: ResellerAccounts[EmaResellerSettings],
    limiter: SlidingWindowLimiter,
    *,
    page_size: int,
) -> APIRouter:
    router = APIRouter(prefix="/api/reseller/tenants")

    def authenticate(request: Request) -> EmaReseller:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        token = token.strip()
        reseller = resellers.find(token) if scheme.lower() == "bearer" and token else None
        if reseller is None:
            raise EmaError(401, "Unauthenticated.")
        # Only authenticated requests count toward the key's window.
        retry_after = limiter.acquire(reseller.owner, reseller.settings.rate_limit)
        if retry_after is not None:
            raise EmaError(429, "Too Many Attempts.", headers={"Retry-After": str(retry_after)})
        return reseller

    def owned(request: Request, slug: str) -> EmaTenant:
        """The tenant, after the caller is authenticated and proved its owner."""
        reseller = authenticate(request)
        tenant = tenants.get(slug)
        if tenant is None:
            raise tenant_not_found()
        if tenant.owner != reseller.owner:
            raise EmaError(403, "This tenant does not belong to your reseller account.")
        return tenant

    def answer(tenant: EmaTenant | None, names: tuple[str, ...]) -> JSONResponse:
        if tenant is None:
            raise tenant_not_found()
        return JSONResponse({"data": tenant_json(tenant, names)})

    @router.get("")
    async def list_tenants(request: Request) -> JSONResponse:
        reseller = authenticate(request)
        page = parse_page(request.query_params.get("page"))
        lag = list_lag(request)
        hidden = tenants.recent.newer_than(lag) if lag else frozenset()
        found, total = tenants.page(reseller.owner, page, page_size, hidden=hidden)
        return JSONResponse(
            {
                "data": [tenant_json(t, _LIST_FIELDS) for t in found],
                "meta": {
                    "current_page": page,
                    "last_page": max(1, math.ceil(total / page_size)),
                    "total": total,
                },
            }
        )

    @router.post("")
    async def create_tenant(request: Request) -> JSONResponse:
        reseller = authenticate(request)
        body = await json_body(request, EmaError)
        errors: FieldErrors = {}
        if found := slug_errors(body.get("slug")):
            errors["slug"] = found
        if found := name_errors(body.get("name")):
            errors["name"] = found
        raise_if_invalid(errors, EmaError)
        try:
            tenant = tenants.create(reseller.owner, body["slug"], body["name"])
        except SlugTaken:
            # Slugs are global: taken by us or by any other reseller alike.
            raise EmaError(409, TAKEN, errors={"slug": [TAKEN]}) from None
        created = tenant_json(tenant, ("slug", "name", "status", "created_at"))
        return JSONResponse({"data": created}, status_code=201)

    @router.get("/{slug}")
    async def show_tenant(request: Request, slug: str) -> JSONResponse:
        return answer(owned(request, slug), _SHOW_FIELDS)

    @router.put("/{slug}")
    async def update_tenant(request: Request, slug: str) -> JSONResponse:
        owned(request, slug)
        name = (await json_body(request, EmaError)).get("name")
        if found := name_errors(name):
            raise_if_invalid({"name": found}, EmaError)
        assert isinstance(name, str)
        return answer(tenants.rename(slug, name), ("slug", "name", "status"))

    def status_setter(status: TenantStatus) -> Callable[[Request, str], Awaitable[JSONResponse]]:
        # Idempotent, like the real API is assumed to be: suspending twice is no error.
        async def set_status(request: Request, slug: str) -> JSONResponse:
            owned(request, slug)
            return answer(tenants.set_status(slug, status), ("slug", "status"))

        return set_status

    router.post("/{slug}/suspend")(status_setter("suspended"))
    router.post("/{slug}/unsuspend")(status_setter("active"))

    @router.get("/{slug}/usage")
    async def tenant_usage(request: Request, slug: str) -> JSONResponse:
        return answer(owned(request, slug), _USAGE_FIELDS)

    return router
