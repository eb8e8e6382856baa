"""Requests and answers of the Easy Mail Archive Reseller API, and its slug rule."""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from pulumi_resellertenant.core.transport import (
    Answer,
    InputProblem,
    WholeNumber,
    chain,
    non_empty_text,
    one_line,
    shown,
)

__all__ = [
    "MAX_NAME_LENGTH",
    "SLUG_MAX_LENGTH",
    "SLUG_MIN_LENGTH",
    "SLUG_REGEX",
    "ArchiveTenant",
    "CreateTenantRequest",
    "PageMeta",
    "TenantPage",
    "TenantUsage",
    "UpdateTenantRequest",
    "api_slug_problem",
    "name_rule",
    "slug_problem",
    "slug_rule",
]

SLUG_MIN_LENGTH = 3
SLUG_MAX_LENGTH = 48
_SLUG_CHARS = re.compile(r"^[a-z0-9-]+$")
MAX_NAME_LENGTH = 255
"""Characters of a display name at most. The document gives no limit; 255 is a Laravel
``string|max:255`` column's, what the emulator enforces too."""


def api_slug_problem(slug: str) -> str | None:
    """What is wrong with a slug by the API's documented rule (3-48 characters, lowercase
    letters, digits and hyphens), or None: what any slug the API lists satisfies, and all a
    slug needs to be safe in a URL path."""
    if not SLUG_MIN_LENGTH <= len(slug) <= SLUG_MAX_LENGTH:
        return f"must be {SLUG_MIN_LENGTH} to {SLUG_MAX_LENGTH} characters long, not {len(slug)}"
    if not _SLUG_CHARS.fullmatch(slug):  # not match: its "$" also matches before a final "\n"
        return "may contain only lowercase letters a-z, digits and hyphens"
    return None


SLUG_REGEX = rf"[a-z0-9][a-z0-9-]{{{SLUG_MIN_LENGTH - 2},{SLUG_MAX_LENGTH - 2}}}[a-z0-9]"
"""``slug_problem``'s rule as a regular expression, for what takes a pattern (the policy
pack's default, which tests hold to it): a test holds the two to the same slugs."""


def slug_problem(slug: str) -> str | None:
    """What is wrong with a slug for a new tenant, or None when it is valid: the API's rule,
    plus this package's own, no hyphen at either end (such slugs make unreadable hostnames
    and the API's own examples never use them)."""
    problem = api_slug_problem(slug)
    if problem is None and (slug.startswith("-") or slug.endswith("-")):
        return "must not start or end with a hyphen"
    return problem


def slug_rule(value: Any) -> str:
    """A slug for a new tenant (``slug_problem``), as the input check applies it."""
    if not isinstance(value, str):
        raise InputProblem(f"must be a string, got {shown(repr(value), 60)}")
    problem = slug_problem(value)
    if problem:
        # A failure is one readable line, however long the refused value.
        raise InputProblem(f"{problem}, got {shown(repr(value), 60)}")
    return value


name_rule = chain(non_empty_text, one_line(MAX_NAME_LENGTH))
"""A display name: the input check applies it to ``name``, and the requests to what they
send."""


class CreateTenantRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    slug: str = Field(min_length=1)
    """The new tenant's unique identifier. The slug rule is the input check's (``slug_rule``)
    and the API's own: a request carries any slug, so the API's 422 for one reaches the
    caller as the API worded it."""
    name: Annotated[str, BeforeValidator(name_rule)]
    """The new tenant's display name."""


class UpdateTenantRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, BeforeValidator(name_rule)]
    """The tenant's new display name."""


class ArchiveTenant(Answer):
    """A tenant as show, list, create, update or suspend answer it; each answer carries a
    different subset of the fields, so all but the slug are optional."""

    slug: str
    """The tenant's unique identifier, as adopting or importing the tenant takes it."""
    name: str | None = None
    """The tenant's display name."""
    status: str | None = None
    """The tenant's status (``active``, ``suspended``)."""
    users_count: WholeNumber | None = None
    """The tenant's user count."""
    storage_bytes: WholeNumber | None = None
    """Bytes of archive storage the tenant uses."""
    messages_count: WholeNumber | None = None
    """Archived messages of the tenant (the show answer has it, the list does not)."""
    created_at: str | None = None
    """When the tenant was created (ISO 8601, e.g. ``2025-06-15T10:30:00Z``)."""

    @property
    def suspended(self) -> bool:
        return (self.status or "").lower() == "suspended"


class PageMeta(Answer):
    """Where a page of the tenant list is."""

    current_page: WholeNumber = 1
    """This page's number, from 1."""
    last_page: WholeNumber = 1
    """The number of the list's last page."""
    total: WholeNumber | None = None
    """Tenants in the whole list."""


class TenantPage(Answer):
    """One page of the tenant list."""

    data: list[ArchiveTenant]
    """This page's tenants."""
    meta: PageMeta = PageMeta()
    """Where this page is in the list."""


class TenantUsage(Answer):
    """Usage statistics of one tenant."""

    slug: str
    """The tenant's unique identifier."""
    users_count: WholeNumber | None = None
    """The tenant's user count."""
    storage_bytes: WholeNumber | None = None
    """Bytes of archive storage the tenant uses."""
    messages_count: WholeNumber | None = None
    """Messages in the tenant's archive."""
