"""What is Easy Mail Archive's own in a tenant's lifecycle.

The slug is the tenant's id. The API has no delete: delete suspends, and the archive stays.
A create whose answer was lost is resolved by looking the slug up, never by posting again.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_resellertenant.core import (
    ApiError,
    Applier,
    ConflictError,
    Created,
    Deadline,
    NotFoundError,
    PermissionDeniedError,
    ResellerTenantError,
    TenantLifecycle,
)

from .client import EasyMailArchiveClient
from .models import ArchiveTenant
from .tenant_models import EasyMailArchiveTenantArgs, EasyMailArchiveTenantState

__all__ = ["EasyMailArchiveLifecycle"]

Args = EasyMailArchiveTenantArgs
State = EasyMailArchiveTenantState
Client = EasyMailArchiveClient


class EasyMailArchiveLifecycle(TenantLifecycle[Args, State, Client]):
    def appliers(self) -> Mapping[str, Applier[Client, State, Args]]:
        return {"name": self._apply_name, "suspended": self._apply_suspension}

    # --- create --------------------------------------------------------------------------

    def create_tenant(self, args: Args, client: Client, deadline: Deadline) -> Created[State]:
        try:
            tenant = client.create_tenant(args.slug, args.name, deadline=deadline)
        except ConflictError:
            if not args.adopt_existing:
                raise
            return Created(_state(self._adopt(client, args.slug, deadline), args), fresh=False)
        except ApiError as error:
            if not error.outcome_unknown:
                raise
            found = self._after_lost_answer(client, args, error, deadline)
            return Created(_state(found, args), fresh=False)
        return Created(_state(tenant, args))

    def after_create(self, client: Client, state: State, deadline: Deadline) -> State:
        # The create answer has no usage figures; the show answer has them all.
        return _merged(state, client.get_tenant(state.slug, deadline=deadline))

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
    ) -> ArchiveTenant:
        """The POST may have created the tenant; look, never post twice."""
        slug, name = args.slug, args.name
        try:
            tenant = client.get_tenant(slug, deadline=deadline)
        except NotFoundError:
            raise ResellerTenantError(
                f"{error.api}: POST {error.path} got no usable answer ({error.message}) and "
                f"tenant {slug} does not exist, so nothing was created: run `pulumi up` again"
            ) from error
        if tenant.name != name:
            raise ResellerTenantError(
                f"{error.api}: POST {error.path} got no usable answer ({error.message}); "
                f"tenant {slug} exists in this account but is named {tenant.name!r}, not "
                f"{name!r}, so it may not be the one this create made: if it is yours, set "
                "adopt_existing=True to take it over"
            ) from error
        self.log.warning(
            "Easy Mail Archive: the answer to creating %s was lost; found it with the "
            "requested name and took it over",
            slug,
        )
        return tenant

    # --- appliers ------------------------------------------------------------------------

    def _apply_name(self, client: Client, state: State, args: Args, deadline: Deadline) -> State:
        return _merged(state, client.update_tenant(state.slug, args.name, deadline=deadline))

    def _apply_suspension(
        self, client: Client, state: State, args: Args, deadline: Deadline
    ) -> State:
        action = client.suspend_tenant if args.suspended else client.unsuspend_tenant
        return _merged(state, action(state.slug, deadline=deadline))

    # --- read and delete -----------------------------------------------------------------

    def find(self, id_: str, old: State, client: Client, deadline: Deadline) -> State | None:
        try:
            tenant = client.get_tenant(id_, deadline=deadline)
        except NotFoundError:
            return None
        return _merged(old, tenant)

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
                "The slug is taken: if the tenant is this reseller's, set adopt_existing=True "
                "to take it over; otherwise choose another slug"
            )
        if isinstance(error, PermissionDeniedError) and operation == "create":
            return "The slug belongs to another reseller account: choose another slug"
        return None


def _state(tenant: ArchiveTenant, args: Args) -> State:
    """The state of a tenant just created, found or adopted under ``args``."""
    state = EasyMailArchiveTenantState.model_validate({**dict(args), "suspended": tenant.suspended})
    return _merged(state, tenant)


def _merged(state: State, answer: ArchiveTenant) -> State:
    """``state`` with what ``answer`` says; each answer carries a different subset."""
    said = answer.model_dump(exclude_none=True, include=set(State.model_fields))
    if answer.status is not None:
        said["suspended"] = answer.suspended
    return state.model_copy(update=said)
