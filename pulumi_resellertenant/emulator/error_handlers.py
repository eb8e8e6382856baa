"""Exception handlers: every error, even the framework's own, answers in its API's shape."""

from __future__ import annotations

import logging

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response

from .api_paths import ApiPaths
from .errors import ErrorAnswer
from .middleware import DroppedResponse

logger = logging.getLogger(__name__)

_HTTP_CODES = {404: "NOT_FOUND", 405: "METHOD_NOT_ALLOWED"}


def install_error_handlers(app: FastAPI, paths: ApiPaths) -> None:
    async def error_answer(request: Request, exc: Exception) -> Response:
        if isinstance(exc, ErrorAnswer):
            return exc.response()
        return await unexpected(request, exc)

    async def http_error(request: Request, exc: Exception) -> Response:
        """Framework errors (unknown route, wrong method) in the shape of the API asked."""
        if not isinstance(exc, StarletteHTTPException):
            return await unexpected(request, exc)
        code = _HTTP_CODES.get(exc.status_code, f"HTTP_{exc.status_code}")
        error = paths.error(
            request.url.path,
            exc.status_code,
            code,
            str(exc.detail),
            headers=dict(exc.headers) if exc.headers else None,
        )
        return error.response()

    async def request_validation_error(request: Request, exc: Exception) -> Response:
        # Handlers parse their own input, so FastAPI's validation should never fire; if it
        # does, it still answers in the API's shape.
        error = paths.error(request.url.path, 422, "VALIDATION_ERROR", "Invalid request.")
        return error.response()

    async def unexpected(request: Request, exc: Exception) -> Response:
        # A bug in the emulator, not an emulated answer: never expected to run, except for an
        # injected dropped response, whose headers are already out (this answer is discarded).
        if not isinstance(exc, DroppedResponse | ClientDisconnect):
            logger.error("unexpected error on %s %s: %r", request.method, request.url.path, exc)
        return paths.error(request.url.path, 500, "INTERNAL_ERROR", "Server Error").response()

    app.add_exception_handler(ErrorAnswer, error_answer)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(RequestValidationError, request_validation_error)
    app.add_exception_handler(Exception, unexpected)
