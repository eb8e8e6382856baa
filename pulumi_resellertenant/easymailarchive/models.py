"""Requests and answers of the Easy Mail Archive Reseller API, and its slug rule."""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict, Field

from pulumi_resellertenant.core import Answer, WholeNumber

__all__ = [
    "SLUG_MAX_LENGTH",
    "SLUG_MIN_LENGTH",
    "ArchiveTenant",
    "CreateTenantRequest",
    "PageMeta",
    "TenantPage",
    "TenantUsage",
    "UpdateTenantRequest",
    "slug_problem",
]

SLUG_MIN_LENGTH = 3
SLUG_MAX_LENGTH = 48
_SLUG_CHARS = re.compile(r"^[a-z0-9-]+$")


def slug_problem(slug: str) -> str | None:
    """What is wrong with a slug, or None when it is valid.

    The document's rule (3-48 characters, lowercase letters, digits and hyphens), plus no
    hyphen at either end: such slugs make unreadable hostnames and the API's own examples
    never use them.
    """
    if not SLUG_MIN_LENGTH <= len(slug) <= SLUG_MAX_LENGTH:
        return f"must be {SLUG_MIN_LENGTH} to {SLUG_MAX_LENGTH} characters long, not {len(slug)}"
    if not _SLUG_CHARS.fullmatch(slug):  # not match: its "$" also matches before a final "\n"
        return "may contain only lowercase letters a-z, digits and hyphens"
    if slug.startswith("-") or slug.endswith("-"):
        return "must not start or end with a hyphen"
    return None


class CreateTenantRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    slug: str = Field(min_length=1)
    name: str = Field(min_length=1)


class UpdateTenantRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1)


class ArchiveTenant(Answer):
    """A tenant as show, list, create, update or suspend answer it; each answer carries a
    different subset of the fields, so all but the slug are optional."""

    slug: str
    name: str | None = None
    status: str | None = None
    users_count: WholeNumber | None = None
    storage_bytes: WholeNumber | None = None
    messages_count: WholeNumber | None = None
    created_at: str | None = None

    @property
    def suspended(self) -> bool:
        return (self.status or "").lower() == "suspended"


class PageMeta(Answer):
    current_page: WholeNumber = 1
    last_page: WholeNumber = 1
    total: WholeNumber | None = None


class TenantPage(Answer):
    data: list[ArchiveTenant]
    meta: PageMeta = PageMeta()


class TenantUsage(Answer):
    slug: str
    users_count: WholeNumber | None = None
    storage_bytes: WholeNumber | None = None
    messages_count: WholeNumber | None = None
