"""The plugin's names: its package, the resource and function tokens, camelCase properties.

Pulumi schemas name properties in camelCase; the lifecycle's models use snake_case. Every
translation between the two goes through ``camel`` and the field names of the models.
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["PACKAGE", "camel", "from_camel", "function_token", "resource_token"]

PACKAGE = "resellertenant"
"""The plugin's package name: tokens, stack config namespace, `pulumi-resource-<name>`."""


def camel(name: str) -> str:
    """``quota_gb`` -> ``quotaGb``."""
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def from_camel(names: Iterable[str]) -> dict[str, str]:
    """camelCase -> snake_case for these snake_case names."""
    return {camel(name): name for name in names}


def resource_token(namespace: str) -> str:
    return f"{PACKAGE}:{namespace}:Tenant"


def function_token(namespace: str, name: str) -> str:
    return f"{PACKAGE}:{namespace}:{name}"
