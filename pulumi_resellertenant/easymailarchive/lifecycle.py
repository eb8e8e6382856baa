"""What is Easy Mail Archive's own in a tenant's lifecycle.

The slug is the tenant's id. The API has no delete: delete suspends, and the archive stays.
A create whose answer was lost is resolved by looking the slug up: the tenant is taken when it
exists, and posted again only when the slug is proven free. A success answer (2xx) that cannot
be read is the API's word that it made the tenant: it is never posted again, and the slug is
looked up until it shows, within the operation's deadline. Reads take their tenant from the
coalesced listing of the account (one request per page for a whole refresh).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_resellertenant.core.lifecycle import (
    LOOKUP_FIRST_DELAY,
    LOOKUP_MAX_DELAY,
    Applier,
    Created,
    TenantLifecycle,
    post_resolving_lost_answers,
)
from pulumi_resellertenant.core.transport import (
    ApiError,
    ConflictError,
    Deadline,
    Listing,
    NotFoundError,
    PermissionDeniedError,
    ResellerTenantError,
    shown,
)

from .client import EasyMailArchiveClient
from .models import ArchiveTenant
from .tenant_models import EasyMailArchiveTenantArgs, EasyMailArchiveTenantState

__all__ = ["EasyMailArchiveLifecycle"]

_LOOKUP_RESERVE = 2.0
"""Seconds of the deadline kept to return a created tenant that took long to show."""

Args = EasyMailArchiveTenantArgs
State = EasyMailArchiveTenantState
Client = EasyMailArchiveClient


class EasyMailArchiveLifecycle(TenantLifecycle[Args, State, Client]):
    def appliers(self) -> Mapping[str, Applier[Client, State, Args]]:
        return {"name": self._apply_name, "suspended": self._apply_suspension}

    # --- create --------------------------------------------------------------------------

    def create_tenant(self, args: Args, client: Client, deadline: Deadline) -> Created[State]:
        def post() -> Created[State]:
            tenant = client.create_tenant(args.slug, args.name, deadline=deadline)
            # Assumed, to spare a request: a tenant created this instant has no users and
            # no stored mail yet (the create answer has no usage figures; a refresh reads them).
            return Created(_state(tenant, args, users_count=0, storage_bytes=0))

        def resolve(lost: ApiError) -> Created[State] | None:
            found = self._after_lost_answer(client, args, lost, deadline)
            return None if found is None else Created(_state(found, args), fresh=False)

        try:
            return post_resolving_lost_answers(
                post, resolve, deadline, nothing_made=f"tenant {args.slug} still did not exist"
            )
        except ConflictError:
            if not args.adopt_existing:
                raise
            return Created(_state(self._adopt(client, args.slug, deadline), args), fresh=False)

    def _adopt(self, client: Client, slug: str, deadline: Deadline) -> ArchiveTenant:
        # 409 says the slug is taken, not by whom: reading it tells ours (200) from another
        # reseller's (403).
        tenant = client.get_tenant(slug, deadline=deadline)
        self.log.warning(
            "Easy Mail Archive tenant %s already existed: adopted (adopt_existing)", slug
        )
        return tenant

    def _after_lost_answer(
        self, client: Client, args: Args, error: ApiError, deadline: Deadline
    ) -> ArchiveTenant | None:
        """The POST may have created the tenant: look the slug up, never post blindly. The
        tenant when it exists with the requested name; None when the slug is free and the
        API did not answer with success (a ``committed`` create is waited for instead)."""
        slug, name = args.slug, args.name
        tenant = self._look_up(client, slug, wait=error.committed, deadline=deadline)
        if tenant is None and error.committed:
            raise ResellerTenantError(
                f"the API created tenant {slug} (POST {error.path} answered {error.status}) "
                f"but its answer could not be read ({error.message}) and the slug did not show "
                "before the deadline: run `pulumi up` again with "
                f"{self.naming.assign('adopt_existing', True)} to take it over once it shows"
            ) from error
        if tenant is None:
            self.log.warning(
                "Easy Mail Archive: creating %s got no usable answer (%s) and the slug is "
                "free, so nothing was created",
                slug,
                error.message,
            )
            return None
        if tenant.name != name and not error.committed:
            raise ResellerTenantError(
                f"POST {error.path} got no usable answer ({error.message}); tenant {slug} "
                f"exists in this account but is named {shown(tenant.name, 80)!r}, not "
                f"{name!r}, so it may not be the one this create made: if it is yours, set "
                f"{self.naming.assign('adopt_existing', True)} to take it over"
            ) from error
        if error.committed:
            self.log.warning(
                "Easy Mail Archive: tenant %s was created, but the answer could not be read "
                "(%s); found it and took it over",
                slug,
                error.message,
            )
        else:
            self.log.warning(
                "Easy Mail Archive: the answer to creating %s was lost (%s); found it with "
                "the requested name and took it over",
                slug,
                error.message,
            )
        return tenant

    def _look_up(
        self, client: Client, slug: str, *, wait: bool, deadline: Deadline
    ) -> ArchiveTenant | None:
        """The tenant of ``slug``, or None when it does not exist; with ``wait``, looked up
        again with backoff while the deadline allows (a new tenant may show late)."""
        delay = LOOKUP_FIRST_DELAY
        while True:
            try:
                return client.get_tenant(slug, deadline=deadline)
            except NotFoundError:
                if not wait or deadline.remaining() < delay + _LOOKUP_RESERVE:
                    return None
            deadline.sleep(delay)
            delay = min(delay * 2, LOOKUP_MAX_DELAY)

    # --- appliers ------------------------------------------------------------------------

    def _apply_name(self, client: Client, state: State, args: Args, deadline: Deadline) -> State:
        return _merged(state, client.update_tenant(state.slug, args.name, deadline=deadline))

    def _apply_suspension(
        self, client: Client, state: State, args: Args, deadline: Deadline
    ) -> State:
        action = client.suspend_tenant if args.suspended else client.unsuspend_tenant
        return _merged(state, action(state.slug, deadline=deadline))

    # --- read and delete -----------------------------------------------------------------

    def list_tenants(self, client: Client, deadline: Deadline) -> dict[str, Any]:
        return {tenant.slug: tenant for tenant in client.list_tenants(deadline=deadline)}

    def look_again(
        self, id_: str, missed: Listing[Any], client: Client, deadline: Deadline
    ) -> ArchiveTenant | None:
        # One show costs less than listing every page again.
        try:
            return client.get_tenant(id_, deadline=deadline)
        except NotFoundError:
            return None

    def find(self, id_: str, old: State, client: Client, deadline: Deadline) -> State | None:
        tenant = self.listed(id_, client, deadline)
        return None if tenant is None else _merged(old, tenant)

    def delete_tenant(self, id_: str, state: State, client: Client, deadline: Deadline) -> None:
        client.suspend_tenant(id_, deadline=deadline)
        self.log.warning(
            "Easy Mail Archive has no delete: tenant %s is suspended, and its archive and "
            "data remain in the reseller account",
            id_,
        )

    # --- messages ------------------------------------------------------------------------

    def describe(self, props: Mapping[str, Any], id_: str | None = None) -> str:
        return f"tenant {id_ or props.get('slug')}"

    def hint(self, operation: str, error: ResellerTenantError) -> str | None:
        if isinstance(error, ConflictError):
            return (
                "The slug is taken: if the tenant is this reseller's, set "
                f"{self.naming.assign('adopt_existing', True)} to take it over; otherwise "
                "choose another slug"
            )
        if isinstance(error, PermissionDeniedError) and operation == "create":
            return "The slug belongs to another reseller account: choose another slug"
        return None


def _state(tenant: ArchiveTenant, args: Args, **assumed: Any) -> State:
    """The state of a tenant just created, found or adopted under ``args``; ``assumed``:
    outputs the answer lacks, known without asking."""
    state = EasyMailArchiveTenantState.model_validate(
        {**dict(args), **assumed, "suspended": tenant.suspended}
    )
    return _merged(state, tenant)


def _merged(state: State, answer: ArchiveTenant) -> State:
    """``state`` with what ``answer`` says; each answer carries a different subset."""
    said = answer.model_dump(exclude_none=True, include=set(State.model_fields))
    if answer.status is not None:
        said["suspended"] = answer.suspended
    return state.model_copy(update=said)
