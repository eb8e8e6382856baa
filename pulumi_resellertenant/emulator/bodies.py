"""Request body parsing, done by hand so every failure gets the API's own error shape."""

from __future__ import annotations

import json
import re
from typing import Any

from starlette.requests import Request

# SQLite stores signed 64-bit integers; larger figures would fail at the database.
MAX_STORED_INT = 2**63 - 1

_ID_RE = re.compile(r"[0-9]{1,18}")


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


def is_int(value: object) -> bool:
    """A JSON integer: bool is an int subclass in Python but not an integer in JSON."""
    return isinstance(value, int) and not isinstance(value, bool)


def parse_id(raw: str) -> int | None:
    """A path id: plain decimal digits within SQLite's range, else None (not found)."""
    if _ID_RE.fullmatch(raw) is None:
        return None
    return int(raw)
