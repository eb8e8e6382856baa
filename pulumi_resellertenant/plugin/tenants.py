"""The tenant resources the plugin serves: one per API of the registry, by namespace."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pulumi_resellertenant.apis import APIS, Api, api_of
from pulumi_resellertenant.core.lifecycle import TenantLifecycle

from .names import PLUGIN

__all__ = ["TENANTS", "TenantKind", "by_token"]


@dataclass(frozen=True)
class TenantKind:
    api: Api
    lifecycle: TenantLifecycle[Any, Any, Any]

    @property
    def description(self) -> str:
        return self.api.description


TENANTS = {api.namespace: TenantKind(api, api.lifecycle(PLUGIN)) for api in APIS}
"""Each API's lifecycle, speaking the plugin's names."""


def by_token(token: str) -> TenantKind:
    api = api_of(token)
    if api is None or token != api.plugin_type:
        raise ValueError(
            f"unknown resource type {token!r}: this provider serves "
            + ", ".join(kind.api.plugin_type for kind in TENANTS.values())
        )
    return TENANTS[api.namespace]
