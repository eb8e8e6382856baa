"""The tenant lifecycle on typed values, for any reseller API; no Pulumi in here.

An API supplies its Args and State models, its client, how to create, find and delete a
tenant, and a small table of appliers: one function per input an API call changes (quota ->
PATCH, name -> PUT, suspended -> suspend or resume). This base owns what every API does the
same way: bringing a tenant to its declaration one call per difference, suspending a new
tenant without ever losing it, updating, and deleting a tenant that may already be gone.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, TypeVar, get_args, get_origin

from pulumi_resellertenant.core.transport import (
    PYTHON,
    ApiClient,
    ApiError,
    ApiSpec,
    Deadline,
    Gathering,
    Listing,
    Naming,
    NotFoundError,
    ResellerTenantError,
)

from ._resource_model import TenantArgs, TenantState

__all__ = ["Applier", "Created", "TenantLifecycle"]

A = TypeVar("A", bound=TenantArgs)
S = TypeVar("S", bound=TenantState)
C = TypeVar("C", bound=ApiClient)

Applier = Callable[[C, S, A, Deadline], S]
"""Applies one input to a live tenant with one API call; returns the state after it."""


@dataclass(frozen=True)
class Created(Generic[S]):
    """What ``create_tenant`` made. ``fresh``: a new tenant, as the create request declared
    it (only the suspension may be left to apply). Otherwise an existing tenant was taken
    over, and every input is brought to the declaration."""

    state: S
    fresh: bool = True


class TenantLifecycle(Generic[A, S, C]):
    """Create, read, update and delete one API's tenants as typed values. A subclass names
    its Args, State and client once, as its type parameters:
    ``class BoxLifecycle(TenantLifecycle[BoxArgs, BoxState, BoxClient])``.

    ``naming`` is how its messages spell inputs, settings and functions: the face that
    builds the lifecycle passes its own (the dynamic resources use Python's).
    """

    args_model: ClassVar[type[TenantArgs]]
    state_model: ClassVar[type[TenantState]]
    client_class: ClassVar[type[ApiClient]]

    def __init__(self, naming: Naming = PYTHON) -> None:
        self.naming = naming

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for base in getattr(cls, "__orig_bases__", ()):
            if get_origin(base) is TenantLifecycle:
                cls.args_model, cls.state_model, cls.client_class = get_args(base)

    @property
    def spec(self) -> ApiSpec:
        return self.client_class.spec

    @property
    def log(self) -> logging.Logger:
        return logging.getLogger(f"pulumi_resellertenant.{self.spec.namespace}")

    # --- what each API supplies ----------------------------------------------------------

    def appliers(self) -> Mapping[str, Applier[C, S, A]]:
        """Input name -> the call that applies it, in the order to apply them; must hold
        ``suspended``."""
        raise NotImplementedError

    def create_tenant(self, args: A, client: C, deadline: Deadline) -> Created[S]:
        raise NotImplementedError

    def after_create(self, client: C, state: S, deadline: Deadline) -> S:
        """A last step for a fresh tenant (reading figures the create answer lacks)."""
        return state

    def find(self, id_: str, old: S, client: C, deadline: Deadline) -> S | None:
        """The live tenant as state, keeping what only ``old`` knows; None when gone."""
        raise NotImplementedError

    def list_tenants(self, client: C, deadline: Deadline) -> Mapping[str, Any]:
        """Every tenant of the account by id, as the API lists them (all pages)."""
        raise NotImplementedError

    def look_again(self, id_: str, missed: Listing[Any], client: C, deadline: Deadline) -> Any:
        """The tenant a listing did not show, looked for once more before it is called gone
        (None: gone). By default in a listing started after that one finished, which every
        read that missed shares."""
        return self.listing(client, deadline, taken_after=missed.finished).tenants.get(id_)

    def settle(self, state: S, client: C, deadline: Deadline) -> S:
        """``state`` ready for an update or delete of the live tenant (an API whose create
        may record a provisional id resolves it here; ``find`` resolves it for a read)."""
        return state

    def delete_tenant(self, id_: str, state: S, client: C, deadline: Deadline) -> None:
        """Delete (or whatever the API offers instead); NotFoundError means already gone."""
        raise NotImplementedError

    def check_live(
        self, old: A | None, new: A, unknown: Collection[str], client: Callable[[], C]
    ) -> list[tuple[str, str]]:
        """Checks that need the API, after the offline ones passed: (field, reason) pairs.
        ``new`` holds the known inputs; those in ``unknown`` are not known yet (None).
        ``client()`` gives the client: a check that needs no API needs no key either."""
        return []

    def unsettled(self, id_: str) -> bool:
        """Whether this id is provisional, so the next ``pulumi up`` updates the tenant to
        settle it even when no input changed."""
        return False

    def replaces(self, name: str, id_: str, new: Any) -> bool:
        """Whether a change of this input replaces the tenant (``new`` may be unknown)."""
        return name in self.args_model.replacing()

    def describe(self, props: Mapping[str, Any], id_: str | None = None) -> str:
        """How messages name the tenant (in ``self.naming``)."""
        return f"tenant {id_}" if id_ else "tenant"

    def hint(self, operation: str, error: ResellerTenantError) -> str | None:
        """An API-specific hint for this failure (in ``self.naming``); None for the default
        one."""
        return None

    # --- what every API does the same way ------------------------------------------------

    def listing(
        self,
        client: C,
        deadline: Deadline,
        *,
        taken_after: float | None = None,
        gathering: Gathering | None = None,
    ) -> Listing[Any]:
        """The account's tenants from the process's coalesced listings (see ``_listings``):
        one taken after ``taken_after``, by default after this client's last write."""
        after = client.last_write_at if taken_after is None else taken_after
        return client.listings.get(
            lambda: self.list_tenants(client, deadline), taken_after=after, gathering=gathering
        )

    def listed(self, id_: str, client: C, deadline: Deadline) -> Any:
        """The live tenant with this id from the coalesced listing; None only when a second
        look agrees that it is gone."""
        listing = self.listing(client, deadline)
        tenant = listing.tenants.get(id_)
        return tenant if tenant is not None else self.look_again(id_, listing, client, deadline)

    def create(self, args: A, client: C, deadline: Deadline) -> S:
        created = self.create_tenant(args, client, deadline)
        if not created.fresh:
            return self.converge(client, created.state, args, deadline)
        state = created.state
        if args.suspended:
            state = self._suspend_new_tenant(client, state, args, deadline)
        return self.after_create(client, state, deadline)

    def read(self, id_: str, old: S, client: C, deadline: Deadline) -> S | None:
        found = self.find(id_, old, client, deadline)
        if found is None:
            self.log.warning(
                "%s tenant %s is gone; Pulumi will forget it", self.spec.display_name, id_
            )
        return found

    def update(self, old: S, args: A, changed: Collection[str], client: C, deadline: Deadline) -> S:
        """Apply the changed inputs. ``old`` is the state Pulumi recorded, not necessarily the
        live tenant: changed inputs are applied even where it already shows them."""
        old = self.settle(old, client, deadline)
        return self.converge(client, old, args, deadline, force=changed)

    def delete(self, id_: str, state: S, client: C, deadline: Deadline) -> None:
        try:
            state = self.settle(state, client, deadline)
            self.delete_tenant(state.resource_id, state, client, deadline)
        except NotFoundError:
            self.log.warning("%s tenant %s was already gone", self.spec.display_name, id_)

    def converge(
        self,
        client: C,
        state: S,
        args: A,
        deadline: Deadline,
        force: Collection[str] = (),
    ) -> S:
        """Bring the tenant to ``args``, one call per difference; ``force`` names inputs to
        apply even where ``state`` already shows them."""
        appliers = self.appliers()
        for name, apply in appliers.items():
            if name in force or getattr(state, name) != getattr(args, name):
                state = apply(client, state, args, deadline)
        # Inputs no API call applies (a deletion policy, an adoption marker) are recorded.
        names = type(args).model_fields
        recorded = {name: getattr(args, name) for name in names if name not in appliers}
        return state.model_copy(update=recorded)

    def _suspend_new_tenant(self, client: C, state: S, args: A, deadline: Deadline) -> S:
        # The tenant exists (with, for some APIs, its only copy of a password): failing now
        # would lose it. Record it unsuspended instead; the next `pulumi up` suspends it.
        try:
            return self.appliers()["suspended"](client, state, args, deadline)
        except ApiError as error:
            self.log.warning(
                "%s tenant %s was created but not suspended (%s); "
                "run `pulumi up` again to suspend it",
                self.spec.display_name,
                state.resource_id,
                error,
            )
            return state
