"""Request body parsing, done by hand so every failure gets the API's own error shape."""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request

from .errors import ErrorAnswer, FieldErrors, validation_message


class BodyError(Exception):
    """The body is not a JSON object; `message` says why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


async def read_json_object(request: Request) -> dict[str, Any]:
    """The body as a JSON object; an empty body counts as {} (no fields sent)."""
    raw = await request.body()
    if not raw.strip():
        return {}
    try:
        value = json.loads(raw)
    except (ValueError, RecursionError):
        # ValueError covers bad JSON, bad UTF-8 and over-long integer literals.
        raise BodyError("The request body is not valid JSON.") from None
    if not isinstance(value, dict):
        raise BodyError("The request body must be a JSON object.")
    try:
        # JSON may spell lone UTF-16 surrogates ("\\ud800"); they are not text and SQLite
        # cannot store them, so such a body is as invalid as it is to a PHP server.
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except (UnicodeEncodeError, RecursionError):
        raise BodyError("The request body is not valid JSON.") from None
    return value


async def json_body(request: Request, error_type: type[ErrorAnswer]) -> dict[str, Any]:
    """The body as a JSON object, else a 400 in the shape of `error_type`."""
    try:
        return await read_json_object(request)
    except BodyError as exc:
        raise error_type.coded(400, "INVALID_REQUEST", exc.message) from None


def raise_if_invalid(errors: FieldErrors, error_type: type[ErrorAnswer]) -> None:
    """A 422 naming every field error, in the shape of `error_type`; nothing if none."""
    if errors:
        raise error_type.coded(422, "VALIDATION_ERROR", validation_message(errors), errors=errors)


def is_int(value: object) -> bool:
    """A JSON integer: bool is an int subclass in Python but not an integer in JSON."""
    return isinstance(value, int) and not isinstance(value, bool)
