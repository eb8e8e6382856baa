"""The knobs `--policy-pack-config` sets: each with its default in one place.

The default goes into the policy's config schema, so the engine fills it in and shows it,
and is applied here too when a knob arrives unset (a hand-built call in a test, or an engine
that sends no defaults). The engine validates a config file against the schema before the
pack runs; numbers still arrive as floats (`50.0`).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pulumi_policy import PolicyConfigSchema

__all__ = ["BadPattern", "Knob", "config_schema", "int_knob", "pattern_knob"]


@dataclass(frozen=True)
class Knob:
    name: str
    default: int | str
    description: str
    minimum: int = 0

    def schema(self) -> dict[str, Any]:
        if isinstance(self.default, int):
            kind: dict[str, Any] = {"type": "integer", "minimum": self.minimum}
        else:
            # No "format": "regex": the engine would check it with Go's syntax, not Python's.
            kind = {"type": "string", "minLength": 1}
        return {**kind, "default": self.default, "description": self.description}


def config_schema(*knobs: Knob) -> PolicyConfigSchema:
    return PolicyConfigSchema(properties={knob.name: knob.schema() for knob in knobs})


def _value(config: Mapping[str, Any], knob: Knob) -> Any:
    value = config.get(knob.name)
    return knob.default if value is None else value


def int_knob(config: Mapping[str, Any], knob: Knob) -> int:
    value = _value(config, knob)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"policy config {knob.name} must be a whole number, got {value!r}")
    return int(value)


class BadPattern(ValueError):
    """A configured pattern that is not a Python regular expression."""


def pattern_knob(config: Mapping[str, Any], knob: Knob) -> re.Pattern[str]:
    """The compiled pattern; raises BadPattern naming the knob when it does not compile."""
    return _compile(knob.name, str(_value(config, knob)))


@functools.lru_cache(maxsize=32)
def _compile(name: str, pattern: str) -> re.Pattern[str]:
    # Cached: a resource policy runs once per tenant with the same pattern.
    try:
        return re.compile(pattern)
    except re.error as error:
        raise BadPattern(f"{name} {pattern!r} is not a regular expression ({error})") from error
