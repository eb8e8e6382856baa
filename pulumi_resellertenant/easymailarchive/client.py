"""Typed client of the Easy Mail Archive Reseller API (Bearer auth, /api/reseller/tenants)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_resellertenant import apis
from pulumi_resellertenant.core.transport import (
    ApiClient,
    ApiSpec,
    Deadline,
    InvalidInputError,
    UnexpectedResponseError,
    build_request,
    shown,
)

from .models import (
    ArchiveTenant,
    CreateTenantRequest,
    TenantPage,
    TenantUsage,
    UpdateTenantRequest,
    api_slug_problem,
)

__all__ = ["EASYMAILARCHIVE", "EasyMailArchiveClient"]

EASYMAILARCHIVE = ApiSpec(
    namespace=apis.EASYMAILARCHIVE.namespace,
    display_name=apis.EASYMAILARCHIVE.display_name,
    default_base_url="https://api.easymailarchive.com",
    auth_header="Authorization",
    auth_scheme="Bearer",
    # Documented: 60 requests per minute per key. The pacing window counts a request until its
    # answer arrives, so the documented limit itself meets no 429 (tests/benchmarks/RESULTS.md).
    requests_per_minute=60,
)

_TENANTS = "/api/reseller/tenants"
_MAX_PAGES = 10_000  # a guard against an API whose last_page never arrives


class EasyMailArchiveClient(ApiClient):
    """The Easy Mail Archive Reseller API: its tenants, listed page by page, and usage."""

    spec = EASYMAILARCHIVE

    def list_tenants(self, *, deadline: Deadline | None = None) -> list[ArchiveTenant]:
        """Every tenant of this reseller, following the pages the API chose."""
        deadline = deadline or self.http.deadline()
        tenants: dict[str, ArchiveTenant] = {}
        page = 1
        for _ in range(_MAX_PAGES):
            body = self.http.request("GET", _TENANTS, params={"page": page}, deadline=deadline)
            result = self._parse(TenantPage, body, "GET", _TENANTS)
            # Keyed by slug: a tenant created while we page may shift another one across
            # a page boundary, and we must not list it twice.
            tenants.update((tenant.slug, tenant) for tenant in result.data)
            if not result.data or result.meta.current_page >= result.meta.last_page:
                return list(tenants.values())
            if result.meta.current_page != page:
                # Asking again would get the same page again (a cache that ignores the query
                # string, say) until the deadline.
                raise UnexpectedResponseError(
                    f"asked for page {page} of the tenant list, got page "
                    f"{result.meta.current_page}",
                    api=self.http.api,
                    method="GET",
                    path=_TENANTS,
                )
            page += 1
        raise UnexpectedResponseError(
            f"the tenant list did not end after {_MAX_PAGES} pages",
            api=self.http.api,
            method="GET",
            path=_TENANTS,
        )

    def create_tenant(
        self, slug: str, name: str, *, deadline: Deadline | None = None
    ) -> ArchiveTenant:
        """Create a tenant. Never retried once it may have reached the server: a failure
        then raises with ``outcome_unknown`` set, and the caller looks the slug up."""
        body = build_request(CreateTenantRequest, slug=slug, name=name)
        return self._tenant("POST", _TENANTS, payload=body, idempotent=False, deadline=deadline)

    def get_tenant(self, slug: str, *, deadline: Deadline | None = None) -> ArchiveTenant:
        return self._tenant("GET", _tenant_path(slug), deadline=deadline)

    def update_tenant(
        self, slug: str, name: str, *, deadline: Deadline | None = None
    ) -> ArchiveTenant:
        """Change the display name (the only field the API updates)."""
        body = build_request(UpdateTenantRequest, name=name)
        return self._tenant("PUT", _tenant_path(slug), payload=body, deadline=deadline)

    def suspend_tenant(self, slug: str, *, deadline: Deadline | None = None) -> ArchiveTenant:
        """Block user access; the archive and its data remain."""
        path = f"{_tenant_path(slug)}/suspend"
        return self._tenant("POST", path, idempotent=True, deadline=deadline)

    def unsuspend_tenant(self, slug: str, *, deadline: Deadline | None = None) -> ArchiveTenant:
        path = f"{_tenant_path(slug)}/unsuspend"
        return self._tenant("POST", path, idempotent=True, deadline=deadline)

    def get_usage(self, slug: str, *, deadline: Deadline | None = None) -> TenantUsage:
        path = f"{_tenant_path(slug)}/usage"
        data = self._request("GET", path, deadline=deadline)
        return self._parse(TenantUsage, data, "GET", path)

    def _tenant(
        self,
        method: str,
        path: str,
        *,
        payload: Mapping[str, Any] | None = None,
        idempotent: bool | None = None,
        deadline: Deadline | None,
    ) -> ArchiveTenant:
        data = self._request(
            method, path, payload=payload, idempotent=idempotent, deadline=deadline
        )
        # A create answered with success is applied however unreadable its answer is.
        return self._parse(ArchiveTenant, data, method, path, applied=idempotent is False)


def _tenant_path(slug: str) -> str:
    """The tenant's path, for a checked slug only: slugs come from lists and ``pulumi
    import``, and ``..`` would leave the tenant path (``PUT /api/reseller``)."""
    text = str(slug)
    # The API's rule, not the stricter one for new slugs: a tenant made elsewhere as
    # "acme-" must stay readable and suspendable.
    problem = api_slug_problem(text)
    if problem is not None:
        raise InvalidInputError(
            f'"{shown(text, 60)}" is not a valid Easy Mail Archive slug (a slug {problem}); '
            "no request was sent"
        )
    return f"{_TENANTS}/{text}"
