"""``easymailarchive.Tenant`` declared once: its inputs (Args) and its state (Args plus
outputs). The slug is the tenant's id: a new slug is a new tenant."""

from __future__ import annotations

from typing import Annotated, ClassVar

from pulumi_resellertenant.core.lifecycle import Input, TenantArgs, TenantState
from pulumi_resellertenant.core.transport import boolean

from .models import name_rule, slug_rule

__all__ = ["EasyMailArchiveTenantArgs", "EasyMailArchiveTenantState"]


class EasyMailArchiveTenantArgs(TenantArgs):
    slug: Annotated[
        str,
        Input(
            slug_rule,
            example="acme-corp",
            note="(3-48 of a-z, 0-9 and inner hyphens)",
            replaces=True,
        ),
    ]
    """The tenant's unique identifier and the resource's id: 3-48 lowercase letters, digits
    and hyphens, no hyphen at either end. A change replaces the tenant."""
    name: Annotated[
        str,
        Input(name_rule, example="Acme Corporation"),
    ]
    """The tenant's display name: not empty, one line without control characters, at most
    255 characters; a change is a PUT, in place."""
    adopt_existing: Annotated[
        bool,
        Input(boolean, example=True, note="to take over a slug this reseller already has"),
    ] = False
    """Take over the tenant when this reseller account already has the slug, instead of
    failing on 409 (slug taken)."""


class EasyMailArchiveTenantState(TenantState, EasyMailArchiveTenantArgs):
    id_field: ClassVar[str] = "slug"

    status: str | None = None
    """The tenant's status as Easy Mail Archive reports it (``active``, ``suspended``)."""
    users_count: int | None = None
    """The tenant's user count, as of the last create, adoption or refresh."""
    storage_bytes: int | None = None
    """Bytes of archive storage the tenant uses, as of the last create, adoption or
    refresh."""
    created_at: str | None = None
    """When the tenant was created, as the API gives it (ISO 8601, e.g.
    ``2025-06-15T10:30:00Z``)."""
