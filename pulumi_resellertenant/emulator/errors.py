"""Error answers in each API's own shape.

Mailbux: {"success": false, "error": {"code", "message"}} (+ "errors" for validation).
Easy Mail Archive: {"message"} (+ "errors"), as its document shows.
Control API (/_emulator/): {"message"} (+ "errors").
"""

from __future__ import annotations

from typing import Any, Literal

from fastapi.responses import JSONResponse

ApiKind = Literal["mailbux", "easymailarchive", "control"]

MAILBUX_PREFIX = "/api/user/"
EMA_PREFIX = "/api/reseller/"
CONTROL_PREFIX = "/_emulator/"

FieldErrors = dict[str, list[str]]


def is_api_path(path: str) -> bool:
    """Requests of the emulated APIs (counted, subject to faults), not of the control API."""
    return path.startswith("/api/")


def api_for_path(path: str) -> ApiKind:
    if path.startswith(MAILBUX_PREFIX) or path == MAILBUX_PREFIX.rstrip("/"):
        return "mailbux"
    if path.startswith(EMA_PREFIX) or path == EMA_PREFIX.rstrip("/"):
        return "easymailarchive"
    return "control"


def validation_message(errors: FieldErrors) -> str:
    """Laravel's summary line: the first message, then how many more there are."""
    messages = [message for field_messages in errors.values() for message in field_messages]
    if not messages:
        return "The given data was invalid."
    more = len(messages) - 1
    if more == 0:
        return messages[0]
    return f"{messages[0]} (and {more} more error{'s' if more > 1 else ''})"


class ApiError(Exception):
    """Raised by handlers; rendered by one exception handler in the right shape."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        errors: FieldErrors | None = None,
        headers: dict[str, str] | None = None,
        code: str | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.errors = errors
        self.headers = headers
        self.code = code

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"message": self.message}
        if self.code is not None:
            body["code"] = self.code
        if self.errors:
            body["errors"] = self.errors
        return body

    def response(self) -> JSONResponse:
        return JSONResponse(self.body(), status_code=self.status, headers=self.headers)


class MailbuxError(ApiError):
    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        errors: FieldErrors | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(status, message, errors=errors, headers=headers, code=code)

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "success": False,
            "error": {"code": self.code or "ERROR", "message": self.message},
        }
        if self.errors:
            body["errors"] = self.errors
        return body


class EmaError(ApiError):
    """Easy Mail Archive: {"message"} plus field-level "errors" for validation."""


class ControlError(ApiError):
    """Control API errors: same plain shape as Easy Mail Archive."""


def error_for_path(
    path: str,
    status: int,
    code: str,
    message: str,
    *,
    headers: dict[str, str] | None = None,
    with_plain_code: bool = False,
) -> ApiError:
    """An error in the shape of the API that owns `path` (for faults and framework errors).

    The plain shape has no code field; `with_plain_code` adds one (injected faults), so tests
    can tell an injected answer from a real one while clients reading "message" still work.
    """
    kind = api_for_path(path)
    if kind == "mailbux":
        return MailbuxError(status, code, message, headers=headers)
    plain_code = code if with_plain_code else None
    if kind == "easymailarchive":
        return EmaError(status, message, headers=headers, code=plain_code)
    return ControlError(status, message, headers=headers, code=plain_code)
