"""Which resources in a stack's state are tenants, and of which API: their type tokens.

One place for them: the dynamic resources' tokens today, and the real provider's tokens
(``resellertenant:<api>:Tenant``) so that stacks moved to it keep being recognised.
"""

from __future__ import annotations

from collections.abc import Mapping

__all__ = ["API_NAMES", "EASYMAILARCHIVE", "MAILBUX", "TENANT_TYPES", "api_of"]

MAILBUX = "mailbux"
EASYMAILARCHIVE = "easymailarchive"
API_NAMES: Mapping[str, str] = {MAILBUX: "Mailbux", EASYMAILARCHIVE: "Easy Mail Archive"}
"""Each API's namespace (as in stack config keys) and its display name."""

TENANT_TYPES: Mapping[str, str] = {
    "pulumi-python:dynamic/mailbux:Tenant": MAILBUX,
    "pulumi-python:dynamic/easymailarchive:Tenant": EASYMAILARCHIVE,
    "resellertenant:mailbux:Tenant": MAILBUX,
    "resellertenant:easymailarchive:Tenant": EASYMAILARCHIVE,
}
"""Resource type token -> the API (namespace) whose tenant it is."""


def api_of(type_token: str) -> str | None:
    """The API of a resource type, or None when it is no tenant of ours."""
    return TENANT_TYPES.get(type_token)
