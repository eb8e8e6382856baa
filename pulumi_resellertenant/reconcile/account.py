"""A reseller account's tenants, from every API in the registry, in one shape for the
comparison: each API's package lists them (``Api.lister``) and says how reconcile checks,
names and adopts them (``Api.adoption``)."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from pulumi_resellertenant.apis import APIS
from pulumi_resellertenant.core.transport import (
    AccountTenant,
    AdoptionRules,
    ApiSettings,
    parse_time,
)

__all__ = ["ADOPTIONS", "LISTERS", "AccountTenant", "parse_time"]

LISTERS: Mapping[str, Callable[[ApiSettings], list[AccountTenant]]] = {
    api.namespace: api.lister() for api in APIS
}
"""Each API's listing of an account's tenants (every page)."""

ADOPTIONS: Mapping[str, AdoptionRules] = {api.namespace: api.adoption() for api in APIS}
"""Each API's rules for its tenants' ids, names and adoption lines."""
