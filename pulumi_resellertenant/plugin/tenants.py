"""The two tenant resources the plugin serves: each API's lifecycle, by namespace."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pulumi_resellertenant.core import TenantLifecycle
from pulumi_resellertenant.easymailarchive.lifecycle import EasyMailArchiveLifecycle
from pulumi_resellertenant.mailbux.lifecycle import MailbuxLifecycle

from .names import resource_token

__all__ = ["TENANTS", "TenantKind", "by_token"]


@dataclass(frozen=True)
class TenantKind:
    lifecycle: TenantLifecycle[Any, Any, Any]
    description: str


TENANTS = {
    "mailbux": TenantKind(
        MailbuxLifecycle(),
        "A Mailbux email-hosting tenant: created with a quota, resized, suspended and "
        "reactivated in place, terminated on delete (or only suspended, with "
        'deletionPolicy "suspend"). Import: `pulumi import resellertenant:mailbux:Tenant '
        "NAME ID` (the password of an imported tenant is unknown).",
    ),
    "easymailarchive": TenantKind(
        EasyMailArchiveLifecycle(),
        "An Easy Mail Archive tenant: a new slug replaces it, the name is updated in place; "
        "delete suspends it (the API has no delete). Import: `pulumi import "
        "resellertenant:easymailarchive:Tenant NAME SLUG`.",
    ),
}


def by_token(token: str) -> TenantKind:
    for namespace, kind in TENANTS.items():
        if resource_token(namespace) == token:
            return kind
    raise ValueError(
        f"unknown resource type {token!r}: this provider serves "
        + ", ".join(resource_token(namespace) for namespace in TENANTS)
    )
