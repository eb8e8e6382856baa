"""What is Mailbux's own in a tenant's lifecycle.

The API has no show endpoint and its create answer may carry no id: the id comes from the
tenant list, whose listings are shared by the reads and creates of a deployment. A create
whose answer was lost compares the account's tenants with those listed before its POST: it
takes the one new tenant, or posts again when none appeared in lists taken a while after
the POST (a list may lag behind the write); a second POST is never sent while the first may
have made a tenant (create_ledger). A success answer (2xx) is the API's word that it made
the tenant: whatever its body, that create is never sent again; the tenant is found in the
list, however late it shows there, within the operation's deadline. Quota increases are
claimed at ``check`` against the reseller pool, so a pool too small fails the preview.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from typing import Any

from pulumi_resellertenant.core import (
    ApiError,
    Applier,
    Created,
    Deadline,
    Gathering,
    InvalidInputError,
    RateLimitedError,
    ResellerTenantError,
    ServerError,
    TenantLifecycle,
    TransportError,
    UnexpectedResponseError,
    is_unknown,
)

from .client import MailbuxClient
from .create_ledger import CreateLedger, ledger_for
from .errors import QUOTA_FIX, QuotaExceededError
from .models import CreatedTenant, MailbuxTenant
from .quota_budget import QuotaOverviewUnavailable, budget_for
from .tenant_models import MailbuxTenantArgs, MailbuxTenantState

__all__ = ["QUOTA_PRECHECK_SECONDS", "MailbuxLifecycle", "is_provisional", "provisional_id"]

QUOTA_PRECHECK_SECONDS = 15.0
"""The quota pre-check's own deadline, retries included: far below an operation's."""

# Live statuses that mean the tenant is no more, should a list ever show such tenants.
_GONE_STATUSES = frozenset({"terminated", "deleted"})

_PROVISIONAL = "unresolved:"
_MAX_POSTS = 5
"""POSTs of one create at most, each after a lost answer proven to have made nothing."""
_REPOST_FIRST_DELAY = 0.5
"""Seconds before the first re-POST, doubling: 5xx answers come in bursts."""
_LOOKUP_BATCH = 4
"""Creates one id look-up serves at least, unless no other create began a while ago."""
_LOOKUP_LULL = 0.5
"""Seconds without a new create before a look-up serves fewer than ``_LOOKUP_BATCH``: the
engine sends creates one after another as fast as it plans them, so more are on their way
while they keep coming."""
_LOOKUP_QUIET = 0.05
"""Seconds with nobody joining before a look-up starts: the engine's next requests may be
on their way to the provider's threads."""
_LOOKUP_LONGEST = 2.0
"""Seconds a look-up waits at most for creates still posting (a slow or paced POST)."""
_LOOKUP_FIRST_DELAY = 0.5
_LOOKUP_MAX_DELAY = 8.0
_LOOKUP_RESERVE = 5.0
"""Seconds of the deadline kept to return the new tenant (with its password) to Pulumi."""
_LIST_SETTLE = 2.0
"""Seconds after a POST whose answer was lost before a list without a new tenant proves
that it made none: a list may lag behind a write."""

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
                f"quota_gb={new.quota_gb} takes {increase} GB more from the Mailbux reseller "
                f"pool, which has {claim.available_gb:g} GB available{others}: {QUOTA_FIX} "
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
        ledger = ledger_for(client.http.settings.account)
        self._take_baseline(client, deadline)
        for attempt in range(_MAX_POSTS):
            if attempt:
                deadline.sleep(_REPOST_FIRST_DELAY * 2 ** (attempt - 1))
            with ledger.posting(deadline):
                posted_at = client.listings.now()
                try:
                    created = client.create_tenant(args.quota_gb, deadline=deadline)
                except QuotaExceededError as error:
                    raise _with_available_quota(client, error, args.quota_gb, deadline) from error
                except ApiError as error:
                    if not (error.committed or error.outcome_unknown):
                        raise
                    lost = error
                else:
                    tenant = self._created_tenant(client, ledger, created, deadline)
                    ledger.claim(tenant.id)
                    password = created.tenant_password.get_secret_value()
                    state = _state(tenant, args, password=password, fallback_quota=created.quota_gb)
                    return Created(state)
            if lost.committed:
                made = self._after_committed_answer(client, ledger, args, posted_at, lost, deadline)
                return Created(_state(made, args, password=None), fresh=False)
            taken = self._after_lost_answer(client, ledger, args, posted_at, lost, deadline)
            if taken is not None:
                return Created(_state(taken, args, password=None), fresh=False)
        raise ResellerTenantError(
            f"POST {lost.path} got no usable answer {_MAX_POSTS} times ({lost.message}); each "
            "time no new tenant appeared, so nothing was created: run `pulumi up` again"
        ) from lost

    def _take_baseline(self, client: MailbuxClient, deadline: Deadline) -> None:
        """A listing finished before this process's first POST, once: what existed before
        is what a create whose answer is lost compares with."""
        if client.listings.seen_before(client.listings.now()) is not None:
            return
        try:
            self.listing(client, deadline, taken_after=float("-inf"))
        except ApiError as error:
            self.log.warning("Mailbux tenant list unavailable before creating: %s", error)

    def _after_lost_answer(
        self,
        client: MailbuxClient,
        ledger: CreateLedger,
        args: Args,
        posted_at: float,
        lost: ApiError,
        deadline: Deadline,
    ) -> MailbuxTenant | None:
        """Whether the POST whose answer was lost made a tenant: the tenant it made (its
        password is lost), or None when it made none and posting again is safe. The list
        is read ``_LIST_SETTLE`` seconds after the POST at the earliest: it may lag."""
        with ledger.resolving(deadline):
            before = client.listings.seen_before(posted_at)
            settle = posted_at + _LIST_SETTLE - client.listings.now()
            if settle > 0:
                deadline.sleep(settle)
            candidates = self._new_tenants(client, ledger, args, before, deadline)
            if before is not None and not candidates:
                self.log.warning(
                    "Mailbux: the answer to creating a tenant was lost (%s) and no new tenant "
                    "appeared, so nothing was created",
                    lost.message,
                )
                return None
            if before is not None and len(candidates) == 1:
                [tenant] = candidates
                ledger.claim(tenant.id)
                self.log.warning(
                    "Mailbux: the answer to creating a tenant was lost (%s); tenant %s (%s) "
                    "appeared meanwhile and is taken as the one it made: its one-time "
                    "password was in the lost answer, so password_known is False",
                    lost.message,
                    tenant.id,
                    tenant.tenant_username,
                )
                return tenant
        raise _undecided(lost, candidates, known_before=before is not None) from lost

    def _after_committed_answer(
        self,
        client: MailbuxClient,
        ledger: CreateLedger,
        args: Args,
        posted_at: float,
        answer: ApiError,
        deadline: Deadline,
    ) -> MailbuxTenant:
        """The tenant a POST answered with success made, although its answer could not be
        read: the one new tenant in the list, waited for until the deadline draws near."""
        with ledger.resolving(deadline):
            before = client.listings.seen_before(posted_at)
            delay = _LOOKUP_FIRST_DELAY
            while True:
                candidates = self._new_tenants(client, ledger, args, before, deadline)
                if candidates or before is None or deadline.remaining() < delay + _LOOKUP_RESERVE:
                    break
                deadline.sleep(delay)
                delay = min(delay * 2, _LOOKUP_MAX_DELAY)
            if before is not None and len(candidates) == 1:
                [tenant] = candidates
                ledger.claim(tenant.id)
                self.log.warning(
                    "Mailbux: tenant %s (%s) was created, but the answer could not be read "
                    "(%s); found it in the tenant list: password_known is False",
                    tenant.id,
                    tenant.tenant_username,
                    answer.message,
                )
                return tenant
        if before is not None and not candidates:
            raise ResellerTenantError(
                f"the API created a tenant (POST {answer.path} succeeded) "
                f"but its answer could not be read ({answer.message}) and the tenant list did "
                "not show a new tenant before the deadline: do not run `pulumi up` again "
                "before `pulumi-resellertenant reconcile` lists it; then set adopt_tenant_id "
                "to its id"
            ) from answer
        raise _undecided(answer, candidates, known_before=before is not None) from answer

    def _new_tenants(
        self,
        client: MailbuxClient,
        ledger: CreateLedger,
        args: Args,
        before: Collection[str] | None,
        deadline: Deadline,
    ) -> list[MailbuxTenant]:
        """The unclaimed tenants of ``args``' quota that a new listing shows and ``before``
        did not."""
        after: Mapping[str, MailbuxTenant] = self.listing(
            client, deadline, taken_after=client.listings.now()
        ).tenants
        claimed = ledger.claimed()
        return [
            tenant
            for id_, tenant in after.items()
            if (before is None or id_ not in before)
            and id_ not in claimed
            and tenant.quota_gb in (None, args.quota_gb)
            and tenant.status.lower() not in _GONE_STATUSES
        ]

    def _created_tenant(
        self,
        client: MailbuxClient,
        ledger: CreateLedger,
        created: CreatedTenant,
        deadline: Deadline,
    ) -> MailbuxTenant:
        """The tenant the POST made, with its id. The documented answer has none: it is in
        the list, looked up in listings taken after the POST returned until the deadline
        draws near. One look-up serves every create of the process whose POST is in flight,
        and waits for more while creates keep coming (see ``_LOOKUP_BATCH``). If the tenant
        is still not found, it is recorded under a provisional id rather than losing its
        password."""
        if created.id is not None:
            return _tenant_of(created, created.id)

        def all_joined(callers: int) -> bool:
            """Every create posting waits for this look-up, and they are enough or no
            other create is coming."""
            return callers >= ledger.posts_in_flight() and (
                callers >= _LOOKUP_BATCH or ledger.seconds_since_last_post() >= _LOOKUP_LULL
            )

        shared = Gathering(ready=all_joined, quiet=_LOOKUP_QUIET, longest=_LOOKUP_LONGEST)
        taken_after = client.listings.now()
        delay = _LOOKUP_FIRST_DELAY
        while True:
            try:
                listing = self.listing(client, deadline, taken_after=taken_after, gathering=shared)
            except (TransportError, ServerError, RateLimitedError) as error:
                why = f"the tenant list could not be read: {error}"
                taken_after = client.listings.now()
            except ApiError as error:
                why = f"the tenant list could not be read: {error}"
                break  # not a passing failure: waiting will not help
            else:
                tenants: Mapping[str, MailbuxTenant] = listing.tenants
                for tenant in tenants.values():
                    if tenant.tenant_username == created.tenant_username:
                        return tenant
                why = "the tenant list does not show it"
                taken_after = listing.finished
            if deadline.remaining() < delay + _LOOKUP_RESERVE:
                break
            deadline.sleep(delay)
            delay = min(delay * 2, _LOOKUP_MAX_DELAY)
        self.log.warning(
            "Mailbux tenant %s was created but its id could not be found (%s): recorded with "
            "its password under the provisional id %s, which the next `pulumi up` or "
            "`pulumi refresh` resolves",
            created.tenant_username,
            why,
            provisional_id(created.tenant_username),
        )
        return _tenant_of(created, provisional_id(created.tenant_username))

    def _adopt(
        self, client: MailbuxClient, args: Args, tenant_id: str, deadline: Deadline
    ) -> State:
        tenant = self.listed(tenant_id, client, deadline)
        if tenant is None or tenant.status.lower() in _GONE_STATUSES:
            raise InvalidInputError(
                f"adopt_tenant_id {tenant_id!r} is not a tenant of this Mailbux reseller "
                "account: mailbux.list_tenants() lists the ids you can adopt"
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
            raise _with_available_quota(client, error, args.quota_gb, deadline) from error
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
        if tenant is None or tenant.status.lower() in _GONE_STATUSES:
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
        return f"tenant (quota_gb={quota})"


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


def provisional_id(username: str) -> str:
    """The id a tenant is recorded under while its real one cannot be found."""
    return f"{_PROVISIONAL}{username}"


def is_provisional(id_: str | None) -> bool:
    return bool(id_) and str(id_).startswith(_PROVISIONAL)


def _tenant_of(created: CreatedTenant, tenant_id: str) -> MailbuxTenant:
    return MailbuxTenant(
        id=tenant_id,
        tenant_username=created.tenant_username,
        tenant_name=created.tenant_name,
        quota_gb=created.quota_gb,
        status=created.status,
    )


def _undecided(
    lost: ApiError, candidates: list[MailbuxTenant], *, known_before: bool
) -> ResellerTenantError:
    """A lost create answer this run cannot resolve: name the candidates and the way out."""
    if not candidates:
        return ResellerTenantError(
            f"the answer to the create POST was lost ({lost.message}) and which tenants existed "
            "before it is unknown (the tenant list could not be read first); no unclaimed "
            "tenant with this quota exists now, so run `pulumi up` again"
        )
    names = ", ".join(f"{tenant.id} ({tenant.tenant_username})" for tenant in candidates)
    why = "appeared meanwhile" if known_before else "could be the one it made"
    return ResellerTenantError(
        f"the answer to the create POST was lost ({lost.message}); tenants {names} {why}, so "
        "which one it made cannot be told: set adopt_tenant_id to the one this resource made "
        "(its one-time password is lost) and terminate any other; "
        "`python -m pulumi_resellertenant reconcile` lists the tenants no stack manages"
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
