"""Checks for control API bodies, shared by the emulator's control routes and each API's.

Control errors take the plain shape; unknown fields are rejected, so a typo ("latency") cannot
silently do nothing.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from starlette.requests import Request

from .bodies import is_int, json_body, raise_if_invalid
from .bounds import MAX_SETTING
from .errors import ErrorAnswer, FieldErrors
from .recent import MAX_LIST_LAG_MS
from .shaping import MAX_PAD_BYTES

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


# --- faults (POST /_emulator/faults) ----------------------------------------------------------

FAULT_FIELDS = frozenset(
    {
        "method",
        "path",
        "status",
        "count",
        "latency_ms",
        "drop_after_commit",
        "retry_after",
        "body",
        "body_text",
        "content_type",
        "after_commit",
        "list_lag_ms",
        "text_before",
        "text_after",
        "escape_slashes",
        "drip_bytes",
        "drip_interval_ms",
        "pad_to_bytes",
    }
)
MAX_LATENCY_MS = 60_000
MAX_TEXT = 1_000_000
"""Characters of text_before or text_after at most."""
_SHAPING = ("text_before", "text_after", "escape_slashes", "drip_bytes", "pad_to_bytes")


def fault_fields(body: Mapping[str, Any]) -> dict[str, Any]:
    """The keyword arguments of ``FaultRegistry.add`` from a control body; a 422 naming every
    bad field otherwise."""
    errors: FieldErrors = {}
    reject_unknown(body, FAULT_FIELDS, errors)
    count = int_field(body, "count", errors, low=1, high=MAX_SETTING)
    fields: dict[str, Any] = {
        "method": str_field(body, "method", errors),
        "path": str_field(body, "path", errors),
        "status": int_field(body, "status", errors, low=200, high=599),
        "count": 1 if count is None else count,
        "latency_ms": int_field(body, "latency_ms", errors, low=0, high=MAX_LATENCY_MS) or 0,
        "retry_after": int_field(body, "retry_after", errors, low=0, high=MAX_SETTING),
        "body": body.get("body"),
        "body_text": body.get("body_text"),
        "content_type": str_field(body, "content_type", errors),
        "drop_after_commit": _bool_field(body, "drop_after_commit", errors),
        "after_commit": _bool_field(body, "after_commit", errors),
        "list_lag_ms": int_field(body, "list_lag_ms", errors, low=1, high=MAX_LIST_LAG_MS) or 0,
        "text_before": _text_field(body, "text_before", errors),
        "text_after": _text_field(body, "text_after", errors),
        "escape_slashes": _bool_field(body, "escape_slashes", errors),
        "drip_bytes": int_field(body, "drip_bytes", errors, low=1, high=MAX_PAD_BYTES),
        "drip_interval_ms": int_field(body, "drip_interval_ms", errors, low=0, high=MAX_LATENCY_MS),
        "pad_to_bytes": int_field(body, "pad_to_bytes", errors, low=1, high=MAX_PAD_BYTES),
    }
    if fields["body"] is not None and not isinstance(fields["body"], dict):
        errors["body"] = ["The body must be a JSON object."]
    if fields["body_text"] is not None and not isinstance(fields["body_text"], str):
        errors["body_text"] = ["The body_text must be a string."]
    if not errors:
        _check_fault_combination(fields, errors)
    check(errors)
    return fields


def _check_fault_combination(fields: Mapping[str, Any], errors: FieldErrors) -> None:
    status, drop, after = fields["status"], fields["drop_after_commit"], fields["after_commit"]
    answers = status is not None or fields["body"] is not None or fields["body_text"] is not None
    shapes = any(fields[key] for key in _SHAPING)
    lag = fields["list_lag_ms"]
    acts = status is not None or fields["latency_ms"] or drop or after or lag or shapes
    if not acts:
        errors["fault"] = [
            "Give at least one of status, latency_ms, drop_after_commit, after_commit, "
            "list_lag_ms, text_before, text_after, escape_slashes, drip_bytes, pad_to_bytes."
        ]
    if (fields["drip_bytes"] is None) != (fields["drip_interval_ms"] is None):
        errors["drip_bytes"] = ["Give drip_bytes and drip_interval_ms together."]
    if shapes and drop:
        errors["drop_after_commit"] = ["A dropped answer has no body to shape."]
    if lag and (status is not None or drop or after):
        # Those answer without listing, or discard what the list answered.
        errors["list_lag_ms"] = [
            "A list lag needs the list answered for real: no status, drop or after_commit."
        ]
    elif status is not None and drop:
        # A status fault answers without processing: there is no commit to drop after.
        errors["drop_after_commit"] = ["A fault cannot have both status and drop."]
    elif drop and after:
        errors["after_commit"] = ["A fault cannot both drop and replace the answer."]
    elif after and not answers:
        errors["after_commit"] = ["An after_commit fault needs a status, body or body_text."]
    if fields["body"] is not None and fields["body_text"] is not None:
        errors["body_text"] = ["Give body or body_text, not both."]
    replaced = fields["body"] is not None or fields["body_text"] is not None
    typed = fields["content_type"] is not None and not shapes
    if (replaced or typed) and status is None and not after:
        # Nothing would answer with them: a fault that passes the request through.
        errors["status"] = ["A body or content_type needs a status or after_commit."]


def _text_field(body: Mapping[str, Any], key: str, errors: FieldErrors) -> str | None:
    value = str_field(body, key, errors)
    if value is not None and len(value) > MAX_TEXT:
        errors[key] = [f"The {key} must be at most {MAX_TEXT} characters."]
        return None
    return value


def _bool_field(body: Mapping[str, Any], key: str, errors: FieldErrors) -> bool:
    value = body.get(key, False)
    if not isinstance(value, bool):
        errors[key] = [f"The {key} must be a boolean."]
        return False
    return value
