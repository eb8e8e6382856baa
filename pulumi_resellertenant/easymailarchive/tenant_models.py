"""``easymailarchive.Tenant`` declared once: its inputs (Args) and its state (Args plus
outputs). The slug is the tenant's id: a new slug is a new tenant."""

from __future__ import annotations

from typing import Annotated, Any, ClassVar

from pulumi_resellertenant.core import (
    Input,
    InputProblem,
    TenantArgs,
    TenantState,
    boolean,
    non_empty_text,
)

from .models import slug_problem

__all__ = ["EasyMailArchiveTenantArgs", "EasyMailArchiveTenantState"]


def _slug(value: Any) -> str:
    if not isinstance(value, str):
        raise InputProblem(f"must be a string, got {_shown(value)}")
    problem = slug_problem(value)
    if problem:
        raise InputProblem(f"{problem}, got {_shown(value)}")
    return value


def _shown(value: Any) -> str:
    # A failure is one readable line, however long the refused value.
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


class EasyMailArchiveTenantArgs(TenantArgs):
    slug: Annotated[
        str,
        Input(
            _slug, example='slug="acme-corp" (3-48 of a-z, 0-9 and inner hyphens)', replaces=True
        ),
    ]
    name: Annotated[str, Input(non_empty_text, example='name="Acme Corporation"')]
    """The display name; a change is a PUT."""
    adopt_existing: Annotated[
        bool,
        Input(boolean, example="adopt_existing=True to take over a slug this reseller already has"),
    ] = False
    """Take over the slug when this reseller already has it, instead of failing on 409."""


class EasyMailArchiveTenantState(TenantState, EasyMailArchiveTenantArgs):
    id_field: ClassVar[str] = "slug"

    status: str | None = None
    users_count: int | None = None
    """As of the last create, adoption or refresh."""
    storage_bytes: int | None = None
    created_at: str | None = None
