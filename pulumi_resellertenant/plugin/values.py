"""Property values of the provider protocol to plain Python values and back.

The engine sends ``PropertyValue`` trees keyed in camelCase, numbers as floats and, during a
preview, unknown values. The SDK's ``PropertyValue`` carries those as the wire's unknown
marker string (it cannot marshal its own ``Computed``), which ``is_unknown`` recognises; the
lifecycle's faces take plain dicts keyed by field names.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from pulumi.provider.experimental.property_value import Computed, PropertyValue

from pulumi_resellertenant.core.lifecycle import UNKNOWN, is_unknown

from .names import camel, from_camel

__all__ = ["plain", "plain_props", "property_props", "secret_keys", "to_property"]


def plain(value: PropertyValue) -> Any:
    """A property value as plain Python (secrets unwrapped: the caller keeps the marks)."""
    inner = value.value
    if isinstance(inner, Computed):
        return UNKNOWN
    if isinstance(inner, Mapping):
        return {key: plain(item) for key, item in inner.items()}
    if isinstance(inner, tuple | list):
        return [plain(item) for item in inner]
    return inner


def to_property(value: Any, secret: bool = False) -> PropertyValue:
    """Plain Python as a property value; ints become floats, as the protocol carries them."""
    if is_unknown(value):
        converted = PropertyValue(UNKNOWN)
    elif isinstance(value, bool) or value is None or isinstance(value, str | float):
        converted = PropertyValue(value)
    elif isinstance(value, int):
        converted = PropertyValue(float(value))
    elif isinstance(value, Mapping):
        converted = PropertyValue({str(k): to_property(v) for k, v in value.items()})
    elif isinstance(value, list | tuple):
        converted = PropertyValue([to_property(item) for item in value])
    else:
        raise TypeError(f"cannot send a {type(value).__name__} to the engine")
    return converted.with_secret(True) if secret else converted


def plain_props(props: Mapping[str, PropertyValue], names: Collection[str]) -> dict[str, Any]:
    """camelCase property values -> {field name: plain value} for these field names;
    properties that name no field are left out."""
    fields = from_camel(names)
    return {fields[key]: plain(value) for key, value in props.items() if key in fields}


def secret_keys(props: Mapping[str, PropertyValue], names: Collection[str]) -> set[str]:
    """The field names whose property values arrived secret."""
    fields = from_camel(names)
    return {fields[key] for key, value in props.items() if key in fields and value.is_secret}


def property_props(
    values: Mapping[str, Any], secret: Collection[str] = ()
) -> dict[str, PropertyValue]:
    """{field name: plain value} -> camelCase property values, ``secret`` ones marked."""
    return {camel(name): to_property(value, name in secret) for name, value in values.items()}
