"""The control API under /_emulator/: knobs for tests and benchmarks, no auth.

Real API paths never start with /_emulator/, so these routes cannot shadow them; requests here
are neither counted nor subject to faults. Reseller routes are in control_resellers.py; each
API mounts its own test knobs at /_emulator/{name}/.
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from starlette.requests import Request

from .bounds import MAX_SETTING
from .control_fields import (
    CONTROL_PREFIX,
    check,
    control_body,
    int_field,
    reject_unknown,
    str_field,
)
from .errors import FieldErrors
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
MAX_LATENCY_MS = 60_000


def build_control_router(state: EmulatorState) -> APIRouter:
    router = APIRouter(prefix=CONTROL_PREFIX)

    @router.get("/health")
    async def health() -> JSONResponse:
        return JSONResponse({"status": "ok"})

    @router.post("/reset")
    async def reset() -> JSONResponse:
        state.reset()
        return JSONResponse({"status": "reset"})

    @router.post("/faults")
    async def add_fault(request: Request) -> JSONResponse:
        body = await control_body(request)
        errors: FieldErrors = {}
        reject_unknown(body, _FAULT_FIELDS, errors)
        method = str_field(body, "method", errors)
        path = str_field(body, "path", errors)
        status = int_field(body, "status", errors, low=200, high=599)
        count = int_field(body, "count", errors, low=1, high=MAX_SETTING)
        latency_ms = int_field(body, "latency_ms", errors, low=0, high=MAX_LATENCY_MS)
        retry_after = int_field(body, "retry_after", errors, low=0, high=MAX_SETTING)
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
        check(errors)
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

    return router
