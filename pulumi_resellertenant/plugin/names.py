"""The plugin's names: its package, the function tokens, camelCase properties.

Pulumi schemas name properties in camelCase; the lifecycle's models use snake_case. Every
translation between the two goes through ``camel`` (the registry's ``plugin_name``) and the
field names of the models.
"""

from __future__ import annotations

from collections.abc import Iterable

from pulumi_resellertenant.apis import PLUGIN_PACKAGE as PACKAGE
from pulumi_resellertenant.apis import plugin_name as camel

__all__ = ["PACKAGE", "camel", "from_camel", "function_token"]


def from_camel(names: Iterable[str]) -> dict[str, str]:
    """camelCase -> snake_case for these snake_case names."""
    return {camel(name): name for name in names}


def function_token(namespace: str, name: str) -> str:
    return f"{PACKAGE}:{namespace}:{name}"
