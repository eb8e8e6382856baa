"""Assembles the FastAPI application: routers, middleware and exception handlers."""

from __future__ import annotations

import logging

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request
from starlette.responses import Response

from .config import EmulatorConfig
from .control import build_control_router
from .easymailarchive_api import build_easymailarchive_router
from .errors import ApiError, error_for_path
from .mailbux_api import build_mailbux_router
from .middleware import CountersMiddleware, DroppedResponse, FaultMiddleware, RouteTemplates
from .state import EmulatorState

logger = logging.getLogger(__name__)

_HTTP_CODES = {404: "NOT_FOUND", 405: "METHOD_NOT_ALLOWED"}


async def _api_error(request: Request, exc: Exception) -> Response:
    if isinstance(exc, ApiError):
        return exc.response()
    return await _unexpected(request, exc)


async def _http_error(request: Request, exc: Exception) -> Response:
    """Framework errors (unknown route, wrong method) in the shape of the API asked."""
    if not isinstance(exc, StarletteHTTPException):
        return await _unexpected(request, exc)
    code = _HTTP_CODES.get(exc.status_code, f"HTTP_{exc.status_code}")
    error = error_for_path(
        request.url.path,
        exc.status_code,
        code,
        str(exc.detail),
        headers=dict(exc.headers) if exc.headers else None,
    )
    return error.response()


async def _request_validation_error(request: Request, exc: Exception) -> Response:
    # Handlers parse their own input, so FastAPI's validation should never fire; if it does,
    # it still answers in the API's shape.
    return error_for_path(request.url.path, 422, "VALIDATION_ERROR", "Invalid request.").response()


async def _unexpected(request: Request, exc: Exception) -> Response:
    # A bug in the emulator, not an emulated answer: never expected to run, except for an
    # injected dropped response, whose headers are already out (this answer is discarded).
    if not isinstance(exc, DroppedResponse):
        logger.error("unexpected error on %s %s: %r", request.method, request.url.path, exc)
    return error_for_path(request.url.path, 500, "INTERNAL_ERROR", "Server Error").response()


def create_app(
    config: EmulatorConfig | None = None, *, state: EmulatorState | None = None
) -> FastAPI:
    """A new emulator application; opens its own store unless `state` is given.

    The caller that passes no `state` can reach it at `app.state.emulator` (to close it).
    """
    config = config or EmulatorConfig()
    state = state or EmulatorState.open(config)
    app = FastAPI(
        title="pulumi-resellertenant emulator",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    app.state.emulator = state
    api_routers = [build_mailbux_router(state), build_easymailarchive_router(state)]
    for router in [*api_routers, build_control_router(state)]:
        app.include_router(router)

    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _request_validation_error)
    app.add_exception_handler(Exception, _unexpected)

    # add_middleware wraps outward: the counters see faulted answers too.
    app.add_middleware(FaultMiddleware, faults=state.faults)
    app.add_middleware(
        CountersMiddleware, counters=state.counters, templates=RouteTemplates(api_routers)
    )
    return app
