"""The control API under /_emulator/: knobs for tests and benchmarks, no auth.

Real API paths never start with /_emulator/, so these routes cannot shadow them; requests here
are neither counted nor subject to faults.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from starlette.requests import Request

from .bodies import MAX_STORED_INT, BodyError, is_int, parse_id, read_json_object
from .config import MAX_SETTING, MailbuxPlan
from .errors import ControlError, FieldErrors, validation_message
from .state import EmulatorState

_FAULT_FIELDS = {
    "method",
    "path",
    "status",
    "count",
    "latency_ms",
    "drop_after_commit",
    "retry_after",
    "body",
}
_MAILBUX_SETTINGS = {"plan", "quota_gb", "tenant_limit"}
_EMA_SETTINGS = {"rate_limit"}
_PLANS: dict[str, MailbuxPlan] = {"paid": "paid", "free": "free"}
_USAGE_FIELDS = ("users_count", "storage_bytes", "messages_count")
MAX_LATENCY_MS = 60_000


async def _body(request: Request) -> dict[str, Any]:
    try:
        return await read_json_object(request)
    except BodyError as exc:
        raise ControlError(400, exc.message) from None


def _check(errors: FieldErrors) -> None:
    if errors:
        raise ControlError(422, validation_message(errors), errors=errors)


def _unknown(body: dict[str, Any], allowed: set[str], errors: FieldErrors) -> None:
    # Reject unknown fields: a typo ("latency") would otherwise silently do nothing.
    for key in sorted(set(body) - allowed):
        errors[key] = [f"Unknown field {key!r}."]


def _int_field(
    body: dict[str, Any], key: str, errors: FieldErrors, *, low: int, high: int
) -> int | None:
    value = body.get(key)
    if value is None:
        return None
    if not is_int(value) or not low <= value <= high:
        errors[key] = [f"The {key} must be an integer between {low} and {high}."]
        return None
    assert isinstance(value, int)
    return value


def _str_field(body: dict[str, Any], key: str, errors: FieldErrors) -> str | None:
    value = body.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or value == "":
        errors[key] = [f"The {key} must be a non-empty string."]
        return None
    return value


def build_control_router(state: EmulatorState) -> APIRouter:
    router = APIRouter(prefix="/_emulator")

    @router.get("/health")
    async def health() -> JSONResponse:
        return JSONResponse({"status": "ok"})

    @router.post("/reset")
    async def reset() -> JSONResponse:
        state.reset()
        return JSONResponse({"status": "reset"})

    @router.put("/resellers")
    async def put_reseller(request: Request) -> JSONResponse:
        body = await _body(request)
        errors: FieldErrors = {}
        api = body.get("api")
        if api not in ("mailbux", "easymailarchive"):
            errors["api"] = ["The api must be 'mailbux' or 'easymailarchive'."]
        api_key = _str_field(body, "api_key", errors)
        if api_key is None and "api_key" not in errors:
            errors["api_key"] = ["The api_key field is required."]
        settings = _MAILBUX_SETTINGS if api == "mailbux" else _EMA_SETTINGS
        _unknown(body, {"api", "api_key"} | settings, errors)
        plan = body.get("plan")
        if plan is not None and plan not in ("paid", "free"):
            errors["plan"] = ["The plan must be 'paid' or 'free'."]
        quota_gb = _int_field(body, "quota_gb", errors, low=0, high=MAX_SETTING)
        tenant_limit = _int_field(body, "tenant_limit", errors, low=0, high=MAX_SETTING)
        rate_limit = _int_field(body, "rate_limit", errors, low=0, high=MAX_SETTING)
        _check(errors)
        assert api_key is not None
        if api == "mailbux":
            reseller = state.resellers.put_mailbux(
                api_key,
                plan=None if plan is None else _PLANS[plan],
                quota_gb=quota_gb,
                tenant_limit=tenant_limit,
            )
            return JSONResponse(
                {
                    "api": "mailbux",
                    "owner": reseller.owner,
                    "plan": reseller.plan,
                    "quota_gb": reseller.quota_gb,
                    "tenant_limit": reseller.tenant_limit,
                }
            )
        ema = state.resellers.put_ema(api_key, rate_limit=rate_limit)
        return JSONResponse(
            {"api": "easymailarchive", "owner": ema.owner, "rate_limit": ema.rate_limit}
        )

    @router.post("/resellers/rotate-key")
    async def rotate_key(request: Request) -> JSONResponse:
        body = await _body(request)
        errors: FieldErrors = {}
        _unknown(body, {"api", "old_key", "new_key"}, errors)
        api = body.get("api")
        if api not in ("mailbux", "easymailarchive"):
            errors["api"] = ["The api must be 'mailbux' or 'easymailarchive'."]
        old_key = _str_field(body, "old_key", errors)
        new_key = _str_field(body, "new_key", errors)
        for key, value in (("old_key", old_key), ("new_key", new_key)):
            if value is None and key not in errors:
                errors[key] = [f"The {key} field is required."]
        _check(errors)
        assert old_key is not None
        assert new_key is not None
        owner = state.resellers.rotate_key(
            "mailbux" if api == "mailbux" else "easymailarchive", old_key, new_key
        )
        if owner is None:
            raise ControlError(404, "No reseller has that old_key.")
        return JSONResponse({"api": api, "owner": owner})

    @router.post("/faults")
    async def add_fault(request: Request) -> JSONResponse:
        body = await _body(request)
        errors: FieldErrors = {}
        _unknown(body, _FAULT_FIELDS, errors)
        method = _str_field(body, "method", errors)
        path = _str_field(body, "path", errors)
        status = _int_field(body, "status", errors, low=200, high=599)
        count = _int_field(body, "count", errors, low=1, high=MAX_SETTING)
        latency_ms = _int_field(body, "latency_ms", errors, low=0, high=MAX_LATENCY_MS)
        retry_after = _int_field(body, "retry_after", errors, low=0, high=MAX_SETTING)
        drop = body.get("drop_after_commit", False)
        if not isinstance(drop, bool):
            errors["drop_after_commit"] = ["The drop_after_commit must be a boolean."]
        answer_body = body.get("body")
        if answer_body is not None and not isinstance(answer_body, dict):
            errors["body"] = ["The body must be a JSON object."]
        if not errors:
            if status is None and not latency_ms and drop is not True:
                errors["fault"] = ["Give at least one of status, latency_ms, drop_after_commit."]
            if status is not None and drop is True:
                # A status fault answers without processing: there is no commit to drop after.
                errors["drop_after_commit"] = ["A fault cannot have both status and drop."]
        _check(errors)
        fault = state.faults.add(
            method=method,
            path=path,
            status=status,
            count=1 if count is None else count,
            latency_ms=latency_ms or 0,
            drop_after_commit=drop is True,
            retry_after=retry_after,
            body=answer_body,
        )
        return JSONResponse({"id": fault.id}, status_code=201)

    @router.get("/faults")
    async def list_faults() -> JSONResponse:
        return JSONResponse({"faults": state.faults.snapshot()})

    @router.delete("/faults")
    async def clear_faults() -> JSONResponse:
        state.faults.clear()
        return JSONResponse({"status": "cleared"})

    @router.get("/counters")
    async def get_counters() -> JSONResponse:
        return JSONResponse({"routes": state.counters.snapshot()})

    @router.delete("/counters")
    async def reset_counters() -> JSONResponse:
        state.counters.reset()
        return JSONResponse({"status": "cleared"})

    @router.put("/mailbux/tenants/{tenant_id}/email_count")
    async def set_email_count(request: Request, tenant_id: str) -> JSONResponse:
        parsed = parse_id(tenant_id)
        body = await _body(request)
        errors: FieldErrors = {}
        _unknown(body, {"email_count"}, errors)
        email_count = _int_field(body, "email_count", errors, low=0, high=MAX_STORED_INT)
        if email_count is None and "email_count" not in errors:
            errors["email_count"] = ["The email_count field is required."]
        _check(errors)
        assert email_count is not None
        if parsed is None or not state.store.mailbux_set_email_count(parsed, email_count):
            raise ControlError(404, "Tenant not found.")
        return JSONResponse({"id": parsed, "email_count": email_count})

    @router.put("/easymailarchive/tenants/{slug}/usage")
    async def set_usage(request: Request, slug: str) -> JSONResponse:
        body = await _body(request)
        errors: FieldErrors = {}
        _unknown(body, set(_USAGE_FIELDS), errors)
        figures = {
            key: _int_field(body, key, errors, low=0, high=MAX_STORED_INT) for key in _USAGE_FIELDS
        }
        if not errors and all(value is None for value in figures.values()):
            errors["usage"] = [f"Give at least one of {', '.join(_USAGE_FIELDS)}."]
        _check(errors)
        tenant = state.store.ema_set_usage(
            slug,
            users_count=figures["users_count"],
            storage_bytes=figures["storage_bytes"],
            messages_count=figures["messages_count"],
        )
        if tenant is None:
            raise ControlError(404, "Tenant not found.")
        return JSONResponse(
            {
                "slug": tenant.slug,
                "users_count": tenant.users_count,
                "storage_bytes": tenant.storage_bytes,
                "messages_count": tenant.messages_count,
            }
        )

    return router
