"""Settings lookup for code running inside a Pulumi program (the plain functions)."""

from __future__ import annotations

from typing import Any

import pulumi

__all__ = ["stack_config"]


def stack_config(key: str) -> Any:
    """The stack config value of a full key such as ``<api>:apiKey``, or None.

    Outside a Pulumi program there is no stack config, and the environment applies.
    """
    namespace, _, name = key.partition(":")
    return pulumi.Config(namespace).get(name)
