"""Errors raised by the reseller API clients.

Every error the package raises derives from ``ResellerTenantError``::

    ResellerTenantError
    ├── ConfigurationError              settings missing or unsafe (names the key and the fix)
    ├── InvalidInputError               an argument refused before any request was sent
    └── ApiError                        a call to a reseller API failed
        ├── ApiResponseError            the API answered with an error status
        │   ├── AuthenticationError       401
        │   ├── PermissionDeniedError     403
        │   │   └── PlanUpgradeRequiredError   403 PLAN_UPGRADE_REQUIRED (Mailbux)
        │   ├── NotFoundError             404
        │   ├── ConflictError             409
        │   ├── InvalidRequestError       400 / 422, with per-field messages
        │   │   ├── QuotaExceededError        422 QUOTA_EXCEEDED (Mailbux)
        │   │   └── TenantLimitError          422 TENANT_LIMIT (Mailbux)
        │   ├── RateLimitedError          429, with the delay the API asked for
        │   └── ServerError               5xx
        ├── UnexpectedResponseError     a status or an answer this package cannot read
        └── TransportError              no usable answer (connection refused, reset, ...)
            └── RequestTimeoutError       a request timed out
                └── DeadlineExceededError the whole operation ran out of time

An ``ApiError`` carries the API's name, the HTTP method and path, the status, the API's own
error code and message, and whether a write may have been applied although it failed
(``outcome_unknown``). It never carries the API key or the Authorization header: the message
is built from those fields only.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from http import HTTPStatus
from typing import Any

__all__ = [
    "ApiError",
    "ApiResponseError",
    "AuthenticationError",
    "ConfigurationError",
    "ConflictError",
    "DeadlineExceededError",
    "ErrorBody",
    "InvalidInputError",
    "InvalidRequestError",
    "NotFoundError",
    "PermissionDeniedError",
    "PlanUpgradeRequiredError",
    "QuotaExceededError",
    "RateLimitedError",
    "RequestTimeoutError",
    "ResellerTenantError",
    "ServerError",
    "TenantLimitError",
    "TransportError",
    "UnexpectedResponseError",
    "error_from_response",
    "parse_error_body",
    "parse_retry_after",
]


class ResellerTenantError(Exception):
    """Base of every error raised by pulumi_resellertenant."""


class ConfigurationError(ResellerTenantError):
    """Settings are missing or unsafe; the message names the key and how to set it."""


class InvalidInputError(ResellerTenantError, ValueError):
    """An argument was refused before any request was sent; the message names the field."""


class ApiError(ResellerTenantError):
    """A call to a reseller API failed."""

    def __init__(
        self,
        message: str,
        *,
        api: str,
        method: str,
        path: str,
        status: int | None = None,
        code: str | None = None,
        outcome_unknown: bool = False,
    ) -> None:
        self.message = message
        self.api = api
        self.method = method
        self.path = path
        self.status = status
        self.code = code
        # True when a write may have been applied although no success answer came back.
        self.outcome_unknown = outcome_unknown
        super().__init__(message)

    def __str__(self) -> str:
        status = f" {self.status}" if self.status is not None else ""
        code = f" {self.code}" if self.code else ""
        # "failed: 404 NOT_FOUND: msg", or "failed: msg" when there is neither.
        detail = f"{status}{code}:" if status or code else ""
        text = f"{self.api}: {self.method} {self.path} failed:{detail} {self.message}"
        if self.outcome_unknown:
            text += " (the request may have been applied: check before repeating it)"
        return text


class ApiResponseError(ApiError):
    """The API answered with an error status."""

    def __init__(
        self,
        message: str,
        *,
        api: str,
        method: str,
        path: str,
        status: int,
        code: str | None = None,
        field_errors: Mapping[str, list[str]] | None = None,
        retry_after: float | None = None,
        outcome_unknown: bool = False,
    ) -> None:
        super().__init__(
            message,
            api=api,
            method=method,
            path=path,
            status=status,
            code=code,
            outcome_unknown=outcome_unknown,
        )
        self.status: int = status
        self.field_errors: dict[str, list[str]] = dict(field_errors or {})
        # Seconds the answer's Retry-After asked for; what 429 and 503 answers carry.
        self.retry_after = retry_after


class AuthenticationError(ApiResponseError):
    """401: the API key is missing, wrong or revoked."""


class PermissionDeniedError(ApiResponseError):
    """403: the key may not do this (for Easy Mail Archive: another reseller's tenant)."""


class PlanUpgradeRequiredError(PermissionDeniedError):
    """403 PLAN_UPGRADE_REQUIRED: Mailbux free plans cannot manage tenants."""


class NotFoundError(ApiResponseError):
    """404: no such tenant (in this reseller account)."""


class ConflictError(ApiResponseError):
    """409: the slug is already taken, by this reseller or another one."""


class InvalidRequestError(ApiResponseError):
    """400 or 422: the API refused the input; ``field_errors`` has its per-field messages."""


class QuotaExceededError(InvalidRequestError):
    """422 QUOTA_EXCEEDED: the requested quota exceeds the reseller's available quota."""


class TenantLimitError(InvalidRequestError):
    """422 TENANT_LIMIT: the reseller account holds its maximum number of tenants."""


class RateLimitedError(ApiResponseError):
    """429: too many requests; ``retry_after`` is the delay the API asked for, in seconds."""


class ServerError(ApiResponseError):
    """5xx: the API failed; ``retry_after`` is set when it said when to come back."""


class UnexpectedResponseError(ApiError):
    """A status this package does not expect (a redirect, say), or an answer it cannot read."""


class TransportError(ApiError):
    """No usable answer: the connection failed or broke.

    ``request_sent`` is False only when the request certainly never left this machine
    (connection refused, connect timeout), which makes it safe to repeat any request.
    """

    def __init__(self, message: str, *, request_sent: bool, **fields: Any) -> None:
        super().__init__(message, **fields)
        self.request_sent = request_sent


class RequestTimeoutError(TransportError):
    """A request got no answer within its timeout."""


class DeadlineExceededError(RequestTimeoutError):
    """The whole operation, retries and rate-limit waits included, ran out of time."""


# --- mapping answers to errors -------------------------------------------------------------

_STATUS_ERRORS: dict[int, type[ApiResponseError]] = {
    400: InvalidRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: InvalidRequestError,
    429: RateLimitedError,
}

# The API's own code decides before the status: it is the more specific of the two.
_CODE_ERRORS: dict[str, type[ApiResponseError]] = {
    "PLAN_UPGRADE_REQUIRED": PlanUpgradeRequiredError,
    "QUOTA_EXCEEDED": QuotaExceededError,
    "TENANT_LIMIT": TenantLimitError,
}

_CODE_SHAPE = re.compile(r"[A-Z][A-Z0-9_]*")
_MAX_MESSAGE = 300


@dataclass(frozen=True)
class ErrorBody:
    """What an error answer says, whatever shape its body has."""

    code: str | None = None
    message: str | None = None
    field_errors: Mapping[str, list[str]] | None = None


def parse_error_body(body: bytes | str | None) -> ErrorBody:
    """Read an error body of any of the shapes the APIs use; never raises.

    The code may stand at ``code``, ``error.code`` or ``error`` (a string), the message at
    ``message`` or ``error.message``, per-field messages at ``errors``. A body that is not a
    JSON object yields its text, shortened, as the message.
    """
    if body is None:
        return ErrorBody()
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):  # RecursionError: nested deeper than json can go
        stripped = " ".join(text.split())
        return ErrorBody(message=_shorten(stripped) if stripped else None)
    if not isinstance(data, dict):
        return ErrorBody()

    code = _text(data.get("code"))
    message = _text(data.get("message"))
    error = data.get("error")
    if isinstance(error, dict):
        code = code or _text(error.get("code"))
        message = message or _text(error.get("message"))
    elif isinstance(error, str) and error:
        # A bare string is a code when it looks like one, otherwise a message.
        if _CODE_SHAPE.fullmatch(error):
            code = code or error
        else:
            message = message or _shorten(error)
    return ErrorBody(code=code, message=message, field_errors=_field_errors(data.get("errors")))


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header: delta-seconds or an HTTP date."""
    if value is None:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - (now or datetime.now(UTC))).total_seconds()
    if seconds != seconds or seconds in (float("inf"), float("-inf")):  # NaN or infinite
        return None
    return max(0.0, seconds)


def error_from_response(
    *,
    api: str,
    method: str,
    path: str,
    status: int,
    body: bytes | str | None,
    headers: Mapping[str, str] | None = None,
    outcome_unknown: bool = False,
) -> ApiResponseError | UnexpectedResponseError:
    """The one mapping from an error answer of either API to an ``ApiResponseError``."""
    parsed = parse_error_body(body)
    fields: dict[str, Any] = {
        "api": api,
        "method": method,
        "path": path,
        "status": status,
        "code": parsed.code,
        "field_errors": parsed.field_errors,
        "retry_after": parse_retry_after(_header(headers, "retry-after")),
        "outcome_unknown": outcome_unknown,
    }
    message = parsed.message or _default_message(status)
    if parsed.field_errors:
        # Laravel repeats the first field message as the message: add only what is new.
        details = "; ".join(
            f"{field}: {' '.join(messages)}"
            for field, messages in parsed.field_errors.items()
            if any(m not in message for m in messages)
        )
        if details:
            message = f"{message} ({details})"

    cls = _CODE_ERRORS.get(parsed.code or "") or _STATUS_ERRORS.get(status)
    if cls is None and status < 500:
        return UnexpectedResponseError(
            message,
            api=api,
            method=method,
            path=path,
            status=status,
            code=parsed.code,
            outcome_unknown=outcome_unknown,
        )
    return (cls or ServerError)(message, **fields)


def _default_message(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return f"HTTP {status}"


def _header(headers: Mapping[str, str] | None, name: str) -> str | None:
    if not headers:
        return None
    for key, value in headers.items():
        if key.lower() == name:
            return value
    return None


def _text(value: object) -> str | None:
    if isinstance(value, str) and value.strip():
        return _shorten(value.strip())
    return None


def _shorten(text: str) -> str:
    return text if len(text) <= _MAX_MESSAGE else text[: _MAX_MESSAGE - 3] + "..."


def _field_errors(value: object) -> dict[str, list[str]] | None:
    if not isinstance(value, dict):
        return None
    fields: dict[str, list[str]] = {}
    for field, messages in value.items():
        if isinstance(messages, str):
            fields[str(field)] = [_shorten(messages)]
        elif isinstance(messages, list):
            fields[str(field)] = [_shorten(str(m)) for m in messages if m is not None]
    return fields or None
