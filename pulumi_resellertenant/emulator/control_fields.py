"""Checks for control API bodies, shared by the emulator's control routes and each API's.

Control errors take the plain shape; unknown fields are rejected, so a typo ("latency") cannot
silently do nothing.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from starlette.requests import Request

from .bodies import is_int, json_body, raise_if_invalid
from .errors import ErrorAnswer, FieldErrors

CONTROL_PREFIX = "/_emulator"


class ControlError(ErrorAnswer):
    """A control API error: the plain shape."""


async def control_body(request: Request) -> dict[str, Any]:
    return await json_body(request, ControlError)


def check(errors: FieldErrors) -> None:
    raise_if_invalid(errors, ControlError)


def reject_unknown(body: Mapping[str, Any], allowed: Collection[str], errors: FieldErrors) -> None:
    for key in sorted(set(body) - set(allowed)):
        errors[key] = [f"Unknown field {key!r}."]


def int_field(
    body: Mapping[str, Any], key: str, errors: FieldErrors, *, low: int, high: int
) -> int | None:
    """The field if it is an integer in [low, high]; None if absent or invalid (then noted)."""
    value = body.get(key)
    if value is None:
        return None
    if not is_int(value) or not low <= value <= high:
        errors[key] = [f"The {key} must be an integer between {low} and {high}."]
        return None
    assert isinstance(value, int)
    return value


def str_field(body: Mapping[str, Any], key: str, errors: FieldErrors) -> str | None:
    """The field if it is a non-empty string; None if absent or invalid (then noted)."""
    value = body.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or value == "":
        errors[key] = [f"The {key} must be a non-empty string."]
        return None
    return value


def require(key: str, value: object, errors: FieldErrors) -> None:
    """A required field that is absent (and not already noted as invalid)."""
    if value is None and key not in errors:
        errors[key] = [f"The {key} field is required."]
