"""The control API under /_emulator/: knobs for tests and benchmarks, no auth.

Real API paths never start with /_emulator/, so these routes cannot shadow them; requests here
are neither counted nor subject to faults. Reseller routes are in control_resellers.py; each
API mounts its own test knobs at /_emulator/{name}/.
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from starlette.requests import Request

from .control_fields import CONTROL_PREFIX, control_body, fault_fields
from .state import EmulatorState


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
        fault = state.faults.add(**fault_fields(await control_body(request)))
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
