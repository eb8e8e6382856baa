"""The dynamic provider behind ``mailbux.Tenant``.

The API has no show endpoint and its create answer may carry no id: the id comes from the
tenant list, read at most once per operation. A create is never repeated once it may have
reached the server, because a second POST would make a second tenant.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from pulumi_resellertenant.core.deadline import Deadline
from pulumi_resellertenant.core.errors import (
    ApiError,
    InvalidInputError,
    NotFoundError,
    QuotaExceededError,
    RateLimitedError,
    ResellerTenantError,
    ServerError,
    TransportError,
)
from pulumi_resellertenant.core.inputs import (
    InputField,
    InputSchema,
    boolean,
    is_unknown,
    one_of,
    optional_id,
    positive_whole_number,
)
from pulumi_resellertenant.core.provider import Props, TenantProvider

from .client import MailbuxClient
from .models import CreatedTenant, MailbuxTenant
from .quota_budget import budget_for

__all__ = ["DELETION_POLICIES", "MailbuxTenantProvider"]

log = logging.getLogger("pulumi_resellertenant.mailbux")

DELETION_POLICIES = ("terminate", "suspend")

SCHEMA = InputSchema(
    InputField("quota_gb", positive_whole_number, example="quota_gb=5 (gigabytes)"),
    InputField("suspended", boolean, example="suspended=True", default=False),
    InputField(
        "deletion_policy",
        one_of(*DELETION_POLICIES),
        example='deletion_policy="suspend" to keep the tenant on delete',
        default="terminate",
    ),
    InputField(
        "adopt_tenant_id",
        optional_id,
        example='adopt_tenant_id="42" (an id from mailbux.list_tenants())',
        default=None,
    ),
)

# Live statuses that mean the tenant is no more, should a list ever show such tenants.
_GONE_STATUSES = frozenset({"terminated", "deleted"})


class MailbuxTenantProvider(TenantProvider[MailbuxClient]):
    client_class = MailbuxClient
    schema = SCHEMA

    # --- check -------------------------------------------------------------------------

    def check_live(self, olds: Props, inputs: Props) -> list[tuple[str, str]]:
        """Claim a quota increase against the reseller's available quota (see quota_budget)."""
        quota = inputs.get("quota_gb")
        if not isinstance(quota, int) or inputs.get("adopt_tenant_id") is not None:
            return []  # unknown yet, or adopting a tenant whose quota check cannot see
        old = olds.get("quota_gb")
        if isinstance(old, int | float) and not isinstance(old, bool):
            increase = quota - int(old)
        else:
            increase = quota  # a new tenant takes all of it
        if increase <= 0:
            return []
        settings = self.settings()
        client = self.client(settings)
        try:
            budget = budget_for(settings, lambda: client.get_reseller_overview().available_quota_gb)
        except (TransportError, ServerError, RateLimitedError) as error:
            log.warning("Mailbux quota pre-check skipped, the overview is unavailable: %s", error)
            return []
        if budget is None:
            return []
        claim = budget.claim(increase)
        if claim.granted:
            return []
        others = (
            f", and {claim.claimed_before_gb:g} GB of it is taken by other tenants in this "
            "deployment"
            if claim.claimed_before_gb
            else ""
        )
        return [
            (
                "quota_gb",
                f"quota_gb={quota} takes {increase} GB more from the Mailbux reseller pool, "
                f"which has {claim.available_gb:g} GB available{others}: lower quota_gb, "
                "free quota from other tenants or extend the pool (the API would refuse "
                "with QUOTA_EXCEEDED)",
            )
        ]

    # --- diff --------------------------------------------------------------------------

    def replaces(self, name: str, id_: str, olds: Props, news: Props) -> bool:
        if name != "adopt_tenant_id":
            return False
        # Adopting another tenant replaces this one; naming the tenant already managed, or
        # dropping the input, changes nothing (a replace would terminate the adopted tenant).
        new = news.get(name)
        return is_unknown(new) or (new is not None and new != id_)

    # --- create ------------------------------------------------------------------------

    def create_tenant(
        self, inputs: Props, client: MailbuxClient, deadline: Deadline
    ) -> tuple[str, Props]:
        if inputs["adopt_tenant_id"] is not None:
            return self._adopt(client, inputs, deadline)
        quota = inputs["quota_gb"]
        try:
            created = client.create_tenant(quota, deadline=deadline)
        except QuotaExceededError as error:
            raise _with_available_quota(client, error, quota, deadline) from error
        tenant = self._created_tenant(client, created, deadline)
        if inputs["suspended"]:
            tenant = self._suspend_new_tenant(client, tenant, deadline)
        outputs = _outputs(
            tenant,
            inputs,
            password=created.tenant_password.get_secret_value(),
            fallback_quota=created.quota_gb,
        )
        return tenant.id, outputs

    def _created_tenant(
        self, client: MailbuxClient, created: CreatedTenant, deadline: Deadline
    ) -> MailbuxTenant:
        if created.id is not None:
            return MailbuxTenant(
                id=created.id,
                tenant_username=created.tenant_username,
                tenant_name=created.tenant_name,
                quota_gb=created.quota_gb,
                status=created.status,
            )
        # The documented answer has no id: the list is where the tenant's id is.
        try:
            for tenant in client.list_tenants(deadline=deadline):
                if tenant.tenant_username == created.tenant_username:
                    return tenant
        except ApiError as error:
            raise _lost_tenant(created, f"the tenant list could not be read: {error}") from error
        raise _lost_tenant(created, "the tenant list does not show it")

    def _suspend_new_tenant(
        self, client: MailbuxClient, tenant: MailbuxTenant, deadline: Deadline
    ) -> MailbuxTenant:
        # The tenant exists and its password is in hand: failing now would lose both. Record
        # it unsuspended instead; the next `pulumi up` sees the difference and suspends it.
        try:
            return client.suspend_tenant(tenant.id, deadline=deadline) or tenant.model_copy(
                update={"status": "suspended"}
            )
        except ApiError as error:
            log.warning(
                "Mailbux tenant %s was created but not suspended (%s); "
                "run `pulumi up` again to suspend it",
                tenant.id,
                error,
            )
            return tenant

    def _adopt(self, client: MailbuxClient, inputs: Props, deadline: Deadline) -> tuple[str, Props]:
        tenant_id = inputs["adopt_tenant_id"]
        tenant = client.get_tenant(tenant_id, deadline=deadline)
        if tenant is None or tenant.status.lower() in _GONE_STATUSES:
            raise InvalidInputError(
                f"adopt_tenant_id {tenant_id!r} is not a tenant of this Mailbux reseller "
                "account: mailbux.list_tenants() lists the ids you can adopt"
            )
        tenant = self._converge(client, tenant, inputs, deadline)
        log.warning(
            "Mailbux tenant %s (%s) adopted: its password was shown only when it was created, "
            "so tenant_password is unset and password_known is False",
            tenant.id,
            tenant.tenant_username,
        )
        return tenant.id, _outputs(tenant, inputs, password=None)

    # --- read --------------------------------------------------------------------------

    def read_tenant(
        self, id_: str, props: Props, client: MailbuxClient, deadline: Deadline
    ) -> Props | None:
        tenant = client.get_tenant(id_, deadline=deadline)
        if tenant is None or tenant.status.lower() in _GONE_STATUSES:
            return None
        kept = {name: props.get(name) for name in ("deletion_policy", "adopt_tenant_id")}
        return _outputs(
            tenant,
            {**kept, "quota_gb": tenant.quota_gb, "suspended": tenant.suspended},
            password=props.get("tenant_password"),
            password_known=props.get("password_known"),
        )

    # --- update ------------------------------------------------------------------------

    def update_tenant(
        self,
        id_: str,
        olds: Props,
        inputs: Props,
        changed: set[str],
        client: MailbuxClient,
        deadline: Deadline,
    ) -> Props:
        tenant = _tenant_from_outputs(id_, olds)
        tenant = self._converge(client, tenant, inputs, deadline, force=changed)
        return _outputs(
            tenant,
            inputs,
            password=olds.get("tenant_password"),
            password_known=olds.get("password_known"),
        )

    def _converge(
        self,
        client: MailbuxClient,
        tenant: MailbuxTenant,
        inputs: Props,
        deadline: Deadline,
        force: set[str] | frozenset[str] = frozenset(),
    ) -> MailbuxTenant:
        """Bring the tenant to the declared quota and suspension, one call per difference;
        ``force`` names inputs to apply even where ``tenant`` already shows them."""
        quota, suspended = inputs["quota_gb"], inputs["suspended"]
        if "quota_gb" in force or tenant.quota_gb != quota:
            try:
                answer = client.update_quota(tenant.id, quota, deadline=deadline)
            except QuotaExceededError as error:
                raise _with_available_quota(client, error, quota, deadline) from error
            tenant = answer or tenant.model_copy(update={"quota_gb": quota})
        if "suspended" in force or tenant.suspended != suspended:
            action = client.suspend_tenant if suspended else client.reactivate_tenant
            answer = action(tenant.id, deadline=deadline)
            status = "suspended" if suspended else "active"
            tenant = answer or tenant.model_copy(update={"status": status})
        return tenant

    # --- delete ------------------------------------------------------------------------

    def delete_tenant(
        self, id_: str, props: Props, client: MailbuxClient, deadline: Deadline
    ) -> None:
        policy = props.get("deletion_policy") or "terminate"
        try:
            if policy == "suspend":
                client.suspend_tenant(id_, deadline=deadline)
                log.warning(
                    "Mailbux tenant %s suspended, not terminated (deletion_policy=suspend): "
                    "it and its mail remain in the reseller account",
                    id_,
                )
            else:
                client.terminate_tenant(id_, deadline=deadline)
        except NotFoundError:
            log.warning("Mailbux tenant %s was already gone", id_)

    # --- messages ----------------------------------------------------------------------

    def describe(self, props: Mapping[str, Any], id_: str | None = None) -> str:
        if id_:
            username = props.get("tenant_username")
            return f"tenant {id_} ({username})" if username else f"tenant {id_}"
        if props.get("adopt_tenant_id") not in (None, ""):
            return f"tenant {props.get('adopt_tenant_id')} (adopting)"
        quota = props.get("quota_gb")
        if isinstance(quota, float) and quota.is_integer():
            quota = int(quota)  # as the user wrote it: numbers arrive as floats
        return f"tenant (quota_gb={quota})"

    def hint(self, operation: str, error: ResellerTenantError) -> str | None:
        if operation == "create" and isinstance(error, ApiError) and error.outcome_unknown:
            return (
                "The tenant may have been created although no answer came back; the create "
                "was not repeated, to avoid a duplicate. Look for a new tenant in "
                "mailbux.list_tenants() and set adopt_tenant_id to its id (its password is "
                "lost), or run `pulumi up` again if there is none"
            )
        return None


def _outputs(
    tenant: MailbuxTenant,
    inputs: Props,
    *,
    password: str | None,
    password_known: bool | None = None,
    fallback_quota: int | None = None,
) -> Props:
    """Every output; the input values are kept too, as ``diff`` compares against them."""
    quota = tenant.quota_gb if tenant.quota_gb is not None else fallback_quota
    return {
        "tenant_id": tenant.id,
        "tenant_username": tenant.tenant_username,
        "tenant_name": tenant.tenant_name,
        "tenant_password": password,
        "password_known": bool(password) if password_known is None else password_known,
        "quota_gb": quota if quota is not None else inputs.get("quota_gb"),
        "suspended": tenant.suspended,
        "status": tenant.status,
        "email_count": tenant.email_count,
        "deletion_policy": inputs.get("deletion_policy") or "terminate",
        "adopt_tenant_id": inputs.get("adopt_tenant_id"),
    }


def _tenant_from_outputs(id_: str, outputs: Props) -> MailbuxTenant:
    quota = outputs.get("quota_gb")
    return MailbuxTenant(
        id=id_,
        tenant_username=outputs.get("tenant_username") or "",
        tenant_name=outputs.get("tenant_name"),
        quota_gb=int(quota) if isinstance(quota, int | float) else None,
        status=outputs.get("status") or ("suspended" if outputs.get("suspended") else "active"),
        email_count=int(outputs.get("email_count") or 0),
    )


def _lost_tenant(created: CreatedTenant, why: str) -> ResellerTenantError:
    return ResellerTenantError(
        f"tenant {created.tenant_username} was created but its id could not be found ({why}); "
        "set adopt_tenant_id to its id from mailbux.list_tenants() to manage it "
        "(its one-time password is lost)"
    )


def _with_available_quota(
    client: MailbuxClient, error: QuotaExceededError, requested_gb: int, deadline: Deadline
) -> QuotaExceededError:
    """The API's refusal with the requested and the available quota, when its own message
    does not give them, so the user sees both numbers in one line."""
    if str(requested_gb) in error.message:
        return error
    figures = f"requested quota_gb={requested_gb}"
    try:
        available = client.get_reseller_overview(deadline=deadline).available_quota_gb
    except ApiError:
        available = None
    if available is not None:
        figures += f", {available:g} GB available in the reseller pool"
    return QuotaExceededError(
        f"{error.message.rstrip('. ')} ({figures})",
        api=error.api,
        method=error.method,
        path=error.path,
        status=error.status,
        code=error.code,
        field_errors=error.field_errors,
        retry_after=error.retry_after,
    )
