"""Reading tenant properties as the policy engine hands them over.

The engine sends numbers as floats (`5.0`), and during preview a value that depends on
another resource's output as an "unknown" marker; pulumi_policy raises `UnknownValueError`
when such a value is read. Policies must skip unknowns, never fail on them, so every read goes
through here. Properties a policy does not name (the pickled `__provider`, output-only names,
the secret password in stack outputs) are never read and never printed.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Any

from pulumi_policy.proxy import (
    UNKNOWN_ARCHIVE_VALUE,
    UNKNOWN_ARRAY_VALUE,
    UNKNOWN_ASSET_VALUE,
    UNKNOWN_BOOLEAN_VALUE,
    UNKNOWN_NUMBER_VALUE,
    UNKNOWN_OBJECT_VALUE,
    UNKNOWN_STRING_VALUE,
    UnknownValueError,
)

from pulumi_resellertenant.apis import APIS, EASYMAILARCHIVE, MAILBUX, recorded_name

__all__ = [
    "EMA_TYPE",
    "EMA_TYPES",
    "MAILBUX_TYPE",
    "MAILBUX_TYPES",
    "TENANT_KINDS",
    "UNKNOWN",
    "Unknown",
    "read_number",
    "read_text",
    "stack_name",
    "whole",
]

MAILBUX_TYPE = MAILBUX.dynamic_type
EMA_TYPE = EASYMAILARCHIVE.dynamic_type
MAILBUX_TYPES = frozenset(MAILBUX.type_tokens)
EMA_TYPES = frozenset(EASYMAILARCHIVE.type_tokens)
"""Each API's tenant under both faces: the dynamic resource and the provider plugin's."""
TENANT_KINDS = {token: api.display_name for api in APIS for token in api.type_tokens}
"""The tenant type tokens and how messages name them."""

_UNKNOWN_MARKERS = frozenset(
    {
        UNKNOWN_ARCHIVE_VALUE,
        UNKNOWN_ARRAY_VALUE,
        UNKNOWN_ASSET_VALUE,
        UNKNOWN_BOOLEAN_VALUE,
        UNKNOWN_NUMBER_VALUE,
        UNKNOWN_OBJECT_VALUE,
        UNKNOWN_STRING_VALUE,
    }
)


class Unknown(enum.Enum):
    """A value the engine knows only once other resources exist (during preview)."""

    VALUE = "unknown"


UNKNOWN = Unknown.VALUE


def _read(type_token: str, props: Mapping[str, Any], key: str) -> Any:
    """The value of the property `key` (`quota_gb`) under the name a resource of this type
    records it by: the provider plugin's tenants carry camelCase properties (`quotaGb`)."""
    try:
        value = props[recorded_name(type_token, key)]
    except KeyError:
        return None
    except UnknownValueError:
        return UNKNOWN
    # A plain mapping (not the engine's proxy) still carries the raw marker.
    if isinstance(value, str) and value in _UNKNOWN_MARKERS:
        return UNKNOWN
    return value


def read_number(type_token: str, props: Mapping[str, Any], key: str) -> float | Unknown | None:
    """The number at `key`, UNKNOWN during preview, None when absent or not a number (the
    provider's own check refuses those, naming the field)."""
    value = _read(type_token, props, key)
    # bool is an int subclass: True is not a quota of 1.
    if isinstance(value, Unknown) or (
        isinstance(value, int | float) and not isinstance(value, bool)
    ):
        return value
    return None


def read_text(type_token: str, props: Mapping[str, Any], key: str) -> str | Unknown | None:
    """The string at `key`, UNKNOWN during preview, None when absent or not a string."""
    value = _read(type_token, props, key)
    return value if isinstance(value, str | Unknown) else None


def whole(number: float) -> str:
    """A number as users wrote it: `5.0` prints as `5`, a fraction stays a fraction."""
    return str(int(number)) if float(number).is_integer() else f"{number:g}"


def stack_name(urn: str) -> str:
    """The stack in a URN (`urn:pulumi:STACK::PROJECT::TYPE::NAME`): a URN always says which
    stack it belongs to, whichever engine generation started the pack."""
    return urn.split("::", 1)[0].rsplit(":", 1)[-1]
