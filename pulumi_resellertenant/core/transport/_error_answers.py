"""Reading an error answer of any API: its body, its ``Retry-After``, and the one mapping
from status and code to the error classes of ``errors``.

Every piece of server text that reaches a message (the code, the message, field names and
field messages, the text of a body that is no JSON) is redacted after decoding (a key echoed
JSON-escaped, ``ab12\\/cd``, is the key once decoded) and then made safe to show (``shown``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from http import HTTPStatus
from typing import Any

from ._answer_body import decode_json
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
from ._shown import MAX_SHOWN, shown

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


_CODE_SHAPE = re.compile(r"[A-Z][A-Z0-9_]{0,63}")
_MAX_FIELDS = 10
"""Fields of an answer's per-field errors kept at most (a message names the first ones)."""

Redact = Callable[[str], str]


def _keep(text: str) -> str:
    return text


@dataclass(frozen=True)
class ErrorBody:
    """What an error answer says, whatever shape its body has."""

    code: str | None = None
    message: str | None = None
    field_errors: Mapping[str, list[str]] | None = None


def parse_error_body(body: bytes | str | None, redact: Redact = _keep) -> ErrorBody:
    """Read an error body of any of the shapes the APIs use; never raises.

    The code may stand at ``code``, ``error.code`` or ``error`` (a string), the message at
    ``message`` or ``error.message``, per-field messages at ``errors``. A body that is not a
    JSON object yields its text, made safe to show, as the message. ``redact`` is applied to
    every piece of text after decoding.
    """
    if body is None:
        return ErrorBody()
    raw = body if isinstance(body, bytes) else body.encode("utf-8", "replace")
    try:
        data = decode_json(raw)
    except (ValueError, RecursionError):  # RecursionError: nested deeper than json can go
        text = _text(raw.decode("utf-8", "replace"), redact)
        return ErrorBody(message=text)
    if not isinstance(data, dict):
        return ErrorBody()

    code = _code(data.get("code"), redact)
    message = _text(data.get("message"), redact)
    error = data.get("error")
    if isinstance(error, dict):
        code = code or _code(error.get("code"), redact)
        message = message or _text(error.get("message"), redact)
    elif isinstance(error, str) and error:
        # A bare string is a code when it looks like one, otherwise a message.
        code = code or _code(error, redact)
        if not _CODE_SHAPE.fullmatch(error.strip()):
            message = message or _text(error, redact)
    return ErrorBody(
        code=code, message=message, field_errors=_field_errors(data.get("errors"), redact)
    )


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
    redact: Redact = _keep,
) -> ApiResponseError | UnexpectedResponseError:
    """The one mapping from an error answer to an ``ApiResponseError``. ``codes`` maps the
    API's own error codes to its classes: a code decides before the status, as the more
    specific of the two. ``redact`` removes secrets from the decoded text."""
    parsed = parse_error_body(body, redact)
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
            message = f"{message} ({shown(details, MAX_SHOWN)})"

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


def _text(value: object, redact: Redact) -> str | None:
    """Server text as a message: redacted, its white space folded (an HTML page's lines),
    then made safe to show."""
    if isinstance(value, str):
        # Redact before cutting: a cut through the key would leave a part of it.
        return shown(" ".join(redact(value)[: 4 * MAX_SHOWN].split())) or None
    return None


def _code(value: object, redact: Redact) -> str | None:
    """An error code: only a word of the code's shape is one (anything else is no code)."""
    if isinstance(value, str) and _CODE_SHAPE.fullmatch(value.strip()):
        return redact(value.strip())
    return None


def _field_errors(value: object, redact: Redact) -> dict[str, list[str]] | None:
    if not isinstance(value, dict):
        return None
    fields: dict[str, list[str]] = {}
    for field, messages in list(value.items())[:_MAX_FIELDS]:
        name = shown(redact(str(field)), 60)
        if isinstance(messages, str):
            fields[name] = [shown(redact(messages))]
        elif isinstance(messages, list):
            fields[name] = [shown(redact(str(m))) for m in messages[:_MAX_FIELDS] if m is not None]
    return fields or None
