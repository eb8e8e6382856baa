"""Reading an error answer of any API: its body, its ``Retry-After``, and the one mapping
from status and code to the error classes of ``errors``."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from http import HTTPStatus
from typing import Any

from ._errors import (
    ApiResponseError,
    AuthenticationError,
    ConflictError,
    InvalidRequestError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitedError,
    ServerError,
    UnexpectedResponseError,
)

__all__ = ["ErrorBody", "error_from_response", "parse_error_body", "parse_retry_after"]

_STATUS_ERRORS: dict[int, type[ApiResponseError]] = {
    400: InvalidRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: InvalidRequestError,
    429: RateLimitedError,
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
    codes: Mapping[str, type[ApiResponseError]] | None = None,
) -> ApiResponseError | UnexpectedResponseError:
    """The one mapping from an error answer to an ``ApiResponseError``. ``codes`` maps the
    API's own error codes to its classes: a code decides before the status, as the more
    specific of the two."""
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

    cls = (codes or {}).get(parsed.code or "") or _STATUS_ERRORS.get(status)
    if cls is NotFoundError and not _is_json_object(body):
        # Only the API's own answer says a tenant is gone: the 404 page of a proxy, or of a
        # web server at a wrong base URL, must not make Pulumi forget a live tenant.
        cls = None
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


def _is_json_object(body: bytes | str | None) -> bool:
    if not body:
        return False
    try:
        return isinstance(json.loads(body), dict)
    except (ValueError, RecursionError):
        return False


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
