"""Typed client of the Mailbux Reseller API (``X-Api-Key`` auth, paths under /api/user)."""

from __future__ import annotations

import json
from typing import Any

from pulumi_resellertenant import apis
from pulumi_resellertenant.core.transport import (
    ApiClient,
    ApiSpec,
    Deadline,
    InvalidInputError,
    UnexpectedResponseError,
    build_request,
    error_from_response,
    shown,
)

from .errors import ERROR_CODES
from .models import (
    CreatedTenant,
    CreateTenantRequest,
    MailbuxTenant,
    QuotaUpdateRequest,
    ResellerOverview,
    tenant_id_problem,
)

__all__ = ["MAILBUX", "MailbuxClient"]

MAILBUX = ApiSpec(
    namespace=apis.MAILBUX.namespace,
    display_name=apis.MAILBUX.display_name,
    # An assumption: the documents name no API host, only the mailbux.com site.
    default_base_url="https://mailbux.com",
    auth_header="X-Api-Key",
    auth_scheme=None,
    # No documented limit: stay modest anyway; 429s are still retried.
    requests_per_minute=120,
    error_codes=ERROR_CODES,
)

_TENANTS = "/api/user/tenants"


class MailbuxClient(ApiClient):
    """The Mailbux reseller API: its tenants, their quota and suspension, the overview."""

    spec = MAILBUX

    def list_tenants(self, *, deadline: Deadline | None = None) -> list[MailbuxTenant]:
        data = self._request("GET", _TENANTS, deadline=deadline)
        # The list's envelope is undocumented: a bare list, or one under "tenants".
        if isinstance(data, dict) and "tenants" in data:
            data = data["tenants"]
        if not isinstance(data, list):
            raise UnexpectedResponseError(
                "the tenant list answer holds no list of tenants",
                api=self.http.api,
                method="GET",
                path=_TENANTS,
            )
        return [self._parse(MailbuxTenant, item, "GET", _TENANTS) for item in data]

    def get_tenant(
        self, tenant_id: str, *, deadline: Deadline | None = None
    ) -> MailbuxTenant | None:
        """The tenant with this id, or None. The API has no show endpoint: this lists."""
        for tenant in self.list_tenants(deadline=deadline):
            if tenant.id == str(tenant_id):
                return tenant
        return None

    def create_tenant(self, quota_gb: float, *, deadline: Deadline | None = None) -> CreatedTenant:
        """Create a tenant; the answer holds its only copy of the password.

        Never retried once it may have reached the server: a failure then raises with
        ``outcome_unknown`` set, and the tenant may exist.
        """
        body = build_request(CreateTenantRequest, quota_gb=quota_gb)
        data = self._request("POST", _TENANTS, payload=body, idempotent=False, deadline=deadline)
        return self._parse(CreatedTenant, data, "POST", _TENANTS, applied=True)

    def suspend_tenant(
        self, tenant_id: str, *, deadline: Deadline | None = None
    ) -> MailbuxTenant | None:
        return self._action(tenant_id, "suspend", deadline)

    def reactivate_tenant(
        self, tenant_id: str, *, deadline: Deadline | None = None
    ) -> MailbuxTenant | None:
        return self._action(tenant_id, "reactivate", deadline)

    def terminate_tenant(self, tenant_id: str, *, deadline: Deadline | None = None) -> None:
        """Permanently delete the tenant and its data."""
        self._action(tenant_id, "terminate", deadline)

    def update_quota(
        self, tenant_id: str, quota_gb: float, *, deadline: Deadline | None = None
    ) -> MailbuxTenant | None:
        body = build_request(QuotaUpdateRequest, quota_gb=quota_gb)
        path = f"{_tenant_path(tenant_id)}/quota"
        data = self._request("PATCH", path, payload=body, deadline=deadline)
        return self._tenant_or_none(data, "PATCH", path)

    def get_reseller_overview(self, *, deadline: Deadline | None = None) -> ResellerOverview:
        path = "/api/user/reseller/overview"
        return self._parse(
            ResellerOverview, self._request("GET", path, deadline=deadline), "GET", path
        )

    def sync_quota(self, *, deadline: Deadline | None = None) -> ResellerOverview:
        """Force the API to recalculate the available quota; returns what it answers."""
        path = "/api/user/reseller/sync-quota"
        data = self._request("POST", path, idempotent=True, deadline=deadline)
        return self._parse(ResellerOverview, data, "POST", path)

    # --- plumbing ------------------------------------------------------------------------

    def _action(
        self, tenant_id: str, action: str, deadline: Deadline | None
    ) -> MailbuxTenant | None:
        path = f"{_tenant_path(tenant_id)}/{action}"
        # The end state is the same however often these run, so a 5xx may be retried.
        data = self._request("POST", path, idempotent=True, deadline=deadline)
        return self._tenant_or_none(data, "POST", path)

    def _check_answer(self, body: Any, method: str, path: str) -> None:
        if isinstance(body, dict) and body.get("success") is False:
            # A refusal dressed as a success status: map it like any error answer, redacted
            # like one.
            raise error_from_response(
                api=self.http.api,
                method=method,
                path=path,
                status=422,
                body=json.dumps(body),
                codes=self.spec.error_codes,
                redact=self.http.redact,
            )

    def _tenant_or_none(self, data: Any, method: str, path: str) -> MailbuxTenant | None:
        # Action answers are undocumented: use the tenant in them when there is a whole one.
        if isinstance(data, dict) and {"id", "tenant_username"} <= data.keys():
            return self._parse(MailbuxTenant, data, method, path)
        return None


def _tenant_path(tenant_id: str) -> str:
    """The tenant's path, for a checked id only: ids come from lists and ``pulumi import``,
    and ``..`` would leave the tenant path (``/api/user/tenants/../terminate``)."""
    text = str(tenant_id)
    problem = tenant_id_problem(text)
    if problem is not None:
        raise InvalidInputError(
            f'"{shown(text, 60)}" is not a valid Mailbux tenant id ({problem}); no request was sent'
        )
    return f"{_TENANTS}/{text}"
