"""The plugin's names: its package, the function tokens, camelCase properties, and the
naming its messages take.

Pulumi schemas name properties in camelCase; the lifecycle's models use snake_case. Every
translation between the two goes through ``camel`` (the registry's ``plugin_name``) and the
field names of the models.
"""

from __future__ import annotations

from collections.abc import Iterable

from pulumi_resellertenant.apis import PLUGIN_PACKAGE as PACKAGE
from pulumi_resellertenant.apis import plugin_name as camel
from pulumi_resellertenant.apis import plugin_setting
from pulumi_resellertenant.core.transport import Naming

__all__ = ["PACKAGE", "PLUGIN", "PluginNaming", "camel", "from_camel", "function_token"]


def from_camel(names: Iterable[str]) -> dict[str, str]:
    """camelCase -> snake_case for these snake_case names."""
    return {camel(name): name for name in names}


def function_token(namespace: str, name: str) -> str:
    return f"{PACKAGE}:{namespace}:{name}"


class PluginNaming(Naming):
    """The plugin's spelling, which its lifecycles and settings take: ``quotaGb``,
    ``resellertenant:mailbuxApiKey``, ``resellertenant:mailbux:listTenants``, ``true``."""

    def field(self, name: str) -> str:
        return camel(name)

    def setting(self, namespace: str, key: str) -> str:
        return f"{PACKAGE}:{plugin_setting(namespace, key)}"

    def function(self, namespace: str, name: str) -> str:
        return function_token(namespace, camel(name))

    def flag(self, value: bool) -> str:
        return "true" if value else "false"


PLUGIN = PluginNaming()
