"""How one Mailbux create learns which tenant its POST made.

The API's create answer carries no id, and may be lost altogether. The id comes from the
tenant list, whose listings the reads and creates of a deployment share: one look-up serves
every create in flight. A create whose answer was lost compares the account's tenants with
those listed before its POST: it takes the one new tenant, or is posted again when none
appeared in lists taken a while after the POST (a list may lag behind the write). A success
answer (2xx) that cannot be read is the API's word that it made the tenant: the tenant is
waited for in the list, however late it shows, within the operation's deadline. The ledger
(``create_ledger``) keeps the creates of the process from taking each other's tenants.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, Protocol

from pulumi_resellertenant.core.lifecycle import LOOKUP_FIRST_DELAY, LOOKUP_MAX_DELAY
from pulumi_resellertenant.core.transport import (
    ApiError,
    Deadline,
    Gathering,
    Listing,
    Naming,
    RateLimitedError,
    ResellerTenantError,
    ServerError,
    TransportError,
)

from .client import MailbuxClient
from .create_ledger import ledger_for
from .models import CreatedTenant, MailbuxTenant

__all__ = ["CreateRecovery", "is_provisional", "provisional_id"]

_PROVISIONAL = "unresolved:"
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
_LOOKUP_RESERVE = 5.0
"""Seconds of the deadline kept to return the new tenant (with its password) to Pulumi."""
_LIST_SETTLE = 2.0
"""Seconds after a POST whose answer was lost before a list without a new tenant proves
that it made none: a list may lag behind a write."""


class ListingOf(Protocol):
    """The lifecycle's shared listings of the account (``TenantLifecycle.listing``)."""

    def __call__(
        self, *, taken_after: float | None, gathering: Gathering | None = None
    ) -> Listing[Any]: ...


def provisional_id(username: str) -> str:
    """The id a tenant is recorded under while its real one cannot be found."""
    return f"{_PROVISIONAL}{username}"


def is_provisional(id_: str | None) -> bool:
    return bool(id_) and str(id_).startswith(_PROVISIONAL)


class CreateRecovery:
    """The POSTs of one create of ``quota_gb``, and what each one made."""

    def __init__(
        self,
        client: MailbuxClient,
        quota_gb: int,
        listing: ListingOf,
        log: logging.Logger,
        deadline: Deadline,
        naming: Naming,
    ) -> None:
        self._client = client
        self._naming = naming
        self._quota_gb = quota_gb
        self._listing = listing
        self._log = log
        self._deadline = deadline
        self._ledger = ledger_for(client.http.settings.account)
        self._posted_at = float("-inf")

    def take_baseline(self) -> None:
        """A listing finished before this process's first POST, once: what existed before
        is what a create whose answer is lost compares with."""
        if self._client.listings.seen_before(self._client.listings.now()) is not None:
            return
        try:
            self._listing(taken_after=float("-inf"))
        except ApiError as error:
            self._log.warning("Mailbux tenant list unavailable before creating: %s", error)

    @contextmanager
    def posting(self) -> Iterator[None]:
        """Around one POST and the look-up of the tenant it made."""
        with self._ledger.posting(self._deadline):
            self._posted_at = self._client.listings.now()
            yield

    def created_tenant(self, created: CreatedTenant) -> MailbuxTenant:
        """The tenant the POST made, with its id, claimed. The documented answer has none: it
        is in the list, looked up in listings taken after the POST returned until the
        deadline draws near. One look-up serves every create of the process whose POST is in
        flight, and waits for more while creates keep coming (see ``_LOOKUP_BATCH``). If the
        tenant is still not found, it is recorded under a provisional id rather than losing
        its password."""
        tenant = self._look_up(created)
        self._ledger.claim(tenant.id)
        return tenant

    def after_lost_answer(self, lost: ApiError) -> MailbuxTenant | None:
        """Whether the POST whose answer was lost made a tenant: the tenant it made (its
        password is lost), or None when it made none and posting again is safe. The list
        is read ``_LIST_SETTLE`` seconds after the POST at the earliest: it may lag."""
        with self._ledger.resolving(self._deadline):
            before = self._client.listings.seen_before(self._posted_at)
            settle = self._posted_at + _LIST_SETTLE - self._client.listings.now()
            if settle > 0:
                self._deadline.sleep(settle)
            candidates = self._new_tenants(before)
            if before is not None and not candidates:
                self._log.warning(
                    "Mailbux: the answer to creating a tenant was lost (%s) and no new tenant "
                    "appeared, so nothing was created",
                    lost.message,
                )
                return None
            if before is not None and len(candidates) == 1:
                [tenant] = candidates
                self._ledger.claim(tenant.id)
                self._log.warning(
                    "Mailbux: the answer to creating a tenant was lost (%s); tenant %s (%s) "
                    "appeared meanwhile and is taken as the one it made: its one-time "
                    "password was in the lost answer, so password_known is False",
                    lost.message,
                    tenant.id,
                    tenant.tenant_username,
                )
                return tenant
        raise _undecided(lost, candidates, self._naming, known_before=before is not None) from lost

    def after_committed_answer(self, answer: ApiError) -> MailbuxTenant:
        """The tenant a POST answered with success made, although its answer could not be
        read: the one new tenant in the list, waited for until the deadline draws near."""
        with self._ledger.resolving(self._deadline):
            before = self._client.listings.seen_before(self._posted_at)
            delay = LOOKUP_FIRST_DELAY
            while True:
                candidates = self._new_tenants(before)
                remaining = self._deadline.remaining()
                if candidates or before is None or remaining < delay + _LOOKUP_RESERVE:
                    break
                self._deadline.sleep(delay)
                delay = min(delay * 2, LOOKUP_MAX_DELAY)
            if before is not None and len(candidates) == 1:
                [tenant] = candidates
                self._ledger.claim(tenant.id)
                self._log.warning(
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
                "before `pulumi-resellertenant reconcile` lists it; then set "
                f"{self._naming.field('adopt_tenant_id')} to its id"
            ) from answer
        raise _undecided(
            answer, candidates, self._naming, known_before=before is not None
        ) from answer

    def _new_tenants(self, before: Collection[str] | None) -> list[MailbuxTenant]:
        """The unclaimed tenants of this create's quota that a new listing shows and
        ``before`` did not."""
        after: Mapping[str, MailbuxTenant] = self._listing(
            taken_after=self._client.listings.now()
        ).tenants
        claimed = self._ledger.claimed()
        return [
            tenant
            for id_, tenant in after.items()
            if (before is None or id_ not in before)
            and id_ not in claimed
            and tenant.quota_gb in (None, self._quota_gb)
            and not tenant.gone
        ]

    def _look_up(self, created: CreatedTenant) -> MailbuxTenant:
        if created.id is not None:
            return _tenant_of(created, created.id)
        ledger = self._ledger

        def all_joined(callers: int) -> bool:
            """Every create posting waits for this look-up, and they are enough or no
            other create is coming."""
            return callers >= ledger.posts_in_flight() and (
                callers >= _LOOKUP_BATCH or ledger.seconds_since_last_post() >= _LOOKUP_LULL
            )

        shared = Gathering(ready=all_joined, quiet=_LOOKUP_QUIET, longest=_LOOKUP_LONGEST)
        taken_after = self._client.listings.now()
        delay = LOOKUP_FIRST_DELAY
        while True:
            try:
                listing = self._listing(taken_after=taken_after, gathering=shared)
            except (TransportError, ServerError, RateLimitedError) as error:
                why = f"the tenant list could not be read: {error}"
                taken_after = self._client.listings.now()
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
            if self._deadline.remaining() < delay + _LOOKUP_RESERVE:
                break
            self._deadline.sleep(delay)
            delay = min(delay * 2, LOOKUP_MAX_DELAY)
        self._log.warning(
            "Mailbux tenant %s was created but its id could not be found (%s): recorded with "
            "its password under the provisional id %s, which the next `pulumi up` or "
            "`pulumi refresh` resolves",
            created.tenant_username,
            why,
            provisional_id(created.tenant_username),
        )
        return _tenant_of(created, provisional_id(created.tenant_username))


def _tenant_of(created: CreatedTenant, tenant_id: str) -> MailbuxTenant:
    return MailbuxTenant(
        id=tenant_id,
        tenant_username=created.tenant_username,
        tenant_name=created.tenant_name,
        quota_gb=created.quota_gb,
        status=created.status,
    )


def _undecided(
    lost: ApiError, candidates: list[MailbuxTenant], naming: Naming, *, known_before: bool
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
        f"which one it made cannot be told: set {naming.field('adopt_tenant_id')} to the one "
        "this resource made (its one-time password is lost) and terminate any other; "
        "`python -m pulumi_resellertenant reconcile` lists the tenants no stack manages"
    )
