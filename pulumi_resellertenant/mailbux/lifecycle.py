"""What is Mailbux's own in a tenant's lifecycle: create, read, update and delete.

The API has no show endpoint and its create answer may carry no id: the id comes from the
tenant list, whose listings are shared by the reads and creates of a deployment. How a
create finds its tenant, and what a lost answer made, is ``create_recovery``'s. Quota
increases are claimed at ``check`` against the reseller pool, so a pool too small fails the
preview.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from typing import Any

from pulumi_resellertenant.core.lifecycle import (
    Applier,
    Created,
    TenantLifecycle,
    is_unknown,
    post_resolving_lost_answers,
)
from pulumi_resellertenant.core.transport import (
    ApiError,
    Deadline,
    Gathering,
    InvalidInputError,
    RateLimitedError,
    ResellerTenantError,
    ServerError,
    TransportError,
    UnexpectedResponseError,
)

from .client import MailbuxClient
from .create_recovery import CreateRecovery, is_provisional
from .errors import QuotaExceededError, quota_fix
from .models import MailbuxTenant
from .quota_budget import QuotaOverviewUnavailable, budget_for
from .tenant_models import MailbuxTenantArgs, MailbuxTenantState

__all__ = ["QUOTA_PRECHECK_SECONDS", "MailbuxLifecycle"]

QUOTA_PRECHECK_SECONDS = 15.0
"""The quota pre-check's own deadline, retries included: far below an operation's."""

Args = MailbuxTenantArgs
State = MailbuxTenantState


class MailbuxLifecycle(TenantLifecycle[Args, State, MailbuxClient]):
    def appliers(self) -> Mapping[str, Applier[MailbuxClient, State, Args]]:
        return {"quota_gb": self._apply_quota, "suspended": self._apply_suspension}

    # --- check ---------------------------------------------------------------------------

    def check_live(
        self,
        old: Args | None,
        new: Args,
        unknown: Collection[str],
        client: Callable[[], MailbuxClient],
    ) -> list[tuple[str, str]]:
        """Claim a quota increase against the reseller's available quota (see quota_budget)."""
        if {"quota_gb", "adopt_tenant_id"} & set(unknown) or new.adopt_tenant_id is not None:
            return []  # unknown yet, or adopting a tenant whose quota check cannot see
        old_quota = getattr(old, "quota_gb", None)
        increase = new.quota_gb - (old_quota or 0)  # a new tenant takes all of it
        if increase <= 0:
            return []
        api = client()

        def available_gb() -> float | None:
            # A short deadline of its own: a slow overview must not stall the preview.
            deadline = api.http.deadline(QUOTA_PRECHECK_SECONDS)
            return api.get_reseller_overview(deadline=deadline).quota_available_gb

        try:
            budget = budget_for(api.http.settings.account, available_gb)
        except (TransportError, ServerError, RateLimitedError, UnexpectedResponseError) as error:
            self.log.warning(
                "Mailbux quota pre-check skipped, the overview is unavailable: %s", error
            )
            return []
        except QuotaOverviewUnavailable:
            return []  # the first check of this run said why
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
                f"{self.naming.assign('quota_gb', new.quota_gb)} takes {increase} GB more from "
                f"the Mailbux reseller pool, which has {claim.available_gb:g} GB "
                f"available{others}: {quota_fix(self.naming)} "
                "(the API would refuse with QUOTA_EXCEEDED)",
            )
        ]

    def replaces(self, name: str, id_: str, new: Any) -> bool:
        if name != "adopt_tenant_id":
            return False
        # Adopting another tenant replaces this one; naming the tenant already managed, or
        # dropping the input, changes nothing (a replace would terminate the adopted tenant).
        return is_unknown(new) or (new is not None and new != id_)

    # --- create --------------------------------------------------------------------------

    def create_tenant(
        self, args: Args, client: MailbuxClient, deadline: Deadline
    ) -> Created[State]:
        if args.adopt_tenant_id is not None:
            return Created(self._adopt(client, args, args.adopt_tenant_id, deadline), fresh=False)

        def listing(*, taken_after: float | None, gathering: Gathering | None = None) -> Any:
            return self.listing(client, deadline, taken_after=taken_after, gathering=gathering)

        recovery = CreateRecovery(client, args.quota_gb, listing, self.log, deadline, self.naming)
        recovery.take_baseline()

        def post() -> Created[State]:
            with recovery.posting():
                try:
                    created = client.create_tenant(args.quota_gb, deadline=deadline)
                except QuotaExceededError as error:
                    raise self._with_available_quota(
                        client, error, args.quota_gb, deadline
                    ) from error
                tenant = recovery.created_tenant(created)
            password = created.tenant_password.get_secret_value()
            return Created(_state(tenant, args, password=password, fallback_quota=created.quota_gb))

        def resolve(lost: ApiError) -> Created[State] | None:
            if lost.committed:
                made: MailbuxTenant | None = recovery.after_committed_answer(lost)
            else:
                made = recovery.after_lost_answer(lost)
            return None if made is None else Created(_state(made, args, password=None), fresh=False)

        return post_resolving_lost_answers(
            post, resolve, deadline, nothing_made="no new tenant appeared"
        )

    def _adopt(
        self, client: MailbuxClient, args: Args, tenant_id: str, deadline: Deadline
    ) -> State:
        tenant = self.listed(tenant_id, client, deadline)
        if tenant is None or tenant.gone:
            lister = self.naming.function(self.spec.namespace, "list_tenants")
            raise InvalidInputError(
                f"{self.naming.field('adopt_tenant_id')} {tenant_id!r} is not a tenant of this "
                f"Mailbux reseller account: {lister} lists the ids you can adopt"
            )
        self.log.warning(
            "Mailbux tenant %s (%s) adopted: its password was shown only when it was created, "
            "so tenant_password is unset and password_known is False",
            tenant.id,
            tenant.tenant_username,
        )
        return _state(tenant, args, password=None)

    # --- appliers ------------------------------------------------------------------------

    def _apply_quota(
        self, client: MailbuxClient, state: State, args: Args, deadline: Deadline
    ) -> State:
        try:
            answer = client.update_quota(state.tenant_id, args.quota_gb, deadline=deadline)
        except QuotaExceededError as error:
            raise self._with_available_quota(client, error, args.quota_gb, deadline) from error
        return (
            _refreshed(state, answer)
            if answer
            else state.model_copy(update={"quota_gb": args.quota_gb})
        )

    def _apply_suspension(
        self, client: MailbuxClient, state: State, args: Args, deadline: Deadline
    ) -> State:
        action = client.suspend_tenant if args.suspended else client.reactivate_tenant
        answer = action(state.tenant_id, deadline=deadline)
        if answer:
            return _refreshed(state, answer)
        status = "suspended" if args.suspended else "active"
        return state.model_copy(update={"status": status, "suspended": args.suspended})

    # --- read and delete -----------------------------------------------------------------

    def list_tenants(self, client: MailbuxClient, deadline: Deadline) -> dict[str, Any]:
        return {tenant.id: tenant for tenant in client.list_tenants(deadline=deadline)}

    def find(self, id_: str, old: State, client: MailbuxClient, deadline: Deadline) -> State | None:
        if is_provisional(id_):
            tenant = self._by_username(old.tenant_username, client, deadline)
        else:
            tenant = self.listed(id_, client, deadline)
        if tenant is None or tenant.gone:
            return None
        return _refreshed(old, tenant).model_copy(update={"tenant_id": tenant.id})

    def unsettled(self, id_: str) -> bool:
        return is_provisional(id_)

    def settle(self, state: State, client: MailbuxClient, deadline: Deadline) -> State:
        if not is_provisional(state.tenant_id):
            return state
        tenant = self._by_username(state.tenant_username, client, deadline)
        if tenant is None:
            raise ResellerTenantError(
                f"tenant {state.tenant_username} is recorded under the provisional id "
                f"{state.tenant_id} and the tenant list does not show it: run `pulumi refresh` "
                "to forget it if it is gone"
            )
        return state.model_copy(update={"tenant_id": tenant.id})

    def _by_username(
        self, username: str | None, client: MailbuxClient, deadline: Deadline
    ) -> MailbuxTenant | None:
        taken_after: float | None = None
        for _ in range(2):  # a second, newer listing before calling it gone
            listing = self.listing(client, deadline, taken_after=taken_after)
            tenants: Mapping[str, MailbuxTenant] = listing.tenants
            for tenant in tenants.values():
                if tenant.tenant_username == username:
                    return tenant
            taken_after = listing.finished
        return None

    def delete_tenant(
        self, id_: str, state: State, client: MailbuxClient, deadline: Deadline
    ) -> None:
        if state.deletion_policy == "suspend":
            client.suspend_tenant(id_, deadline=deadline)
            self.log.warning(
                "Mailbux tenant %s suspended, not terminated (deletion_policy=suspend): "
                "it and its mail remain in the reseller account",
                id_,
            )
        else:
            client.terminate_tenant(id_, deadline=deadline)

    # --- messages ------------------------------------------------------------------------

    def describe(self, props: Mapping[str, Any], id_: str | None = None) -> str:
        if id_:
            username = props.get("tenant_username")
            return f"tenant {id_} ({username})" if username else f"tenant {id_}"
        if props.get("adopt_tenant_id") not in (None, ""):
            return f"tenant {props.get('adopt_tenant_id')} (adopting)"
        quota = props.get("quota_gb")
        if isinstance(quota, float) and quota.is_integer():
            quota = int(quota)  # as the user wrote it: numbers arrive as floats
        return f"tenant ({self.naming.field('quota_gb')}={quota})"

    def _with_available_quota(
        self,
        client: MailbuxClient,
        error: QuotaExceededError,
        requested_gb: int,
        deadline: Deadline,
    ) -> QuotaExceededError:
        """The API's refusal with the requested and the available quota, when its own message
        does not give them, so the user sees both numbers in one line."""
        if str(requested_gb) in error.message:
            return error
        figures = f"requested {self.naming.assign('quota_gb', requested_gb)}"
        try:
            available = client.get_reseller_overview(deadline=deadline).quota_available_gb
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


def _state(
    tenant: MailbuxTenant,
    args: Args,
    *,
    password: str | None,
    fallback_quota: int | None = None,
) -> State:
    """The state of a tenant just created or adopted under ``args``."""
    quota = tenant.quota_gb if tenant.quota_gb is not None else fallback_quota
    return MailbuxTenantState.model_validate(
        {
            **dict(args),
            "quota_gb": quota if quota is not None else args.quota_gb,
            "suspended": tenant.suspended,
            "tenant_id": tenant.id,
            "tenant_username": tenant.tenant_username,
            "tenant_name": tenant.tenant_name,
            "tenant_password": password,
            "password_known": bool(password),
            "status": tenant.status,
            "email_count": tenant.email_count,
        }
    )


def _refreshed(state: State, tenant: MailbuxTenant) -> State:
    """``state`` as the API now shows the tenant; the password and the inputs no API call
    reads back (deletion policy, adoption) stay as recorded."""
    return state.model_copy(
        update={
            "tenant_username": tenant.tenant_username,
            "tenant_name": tenant.tenant_name,
            "quota_gb": tenant.quota_gb if tenant.quota_gb is not None else state.quota_gb,
            "status": tenant.status,
            "suspended": tenant.suspended,
            "email_count": tenant.email_count,
        }
    )
