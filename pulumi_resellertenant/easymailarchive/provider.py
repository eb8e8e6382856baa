"""The dynamic provider behind ``easymailarchive.Tenant``.

The slug is the tenant's id. The API has no delete: delete suspends, and the archive stays.
A create whose answer was lost is resolved by looking the slug up, never by posting again.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from pulumi_resellertenant.core.deadline import Deadline
from pulumi_resellertenant.core.errors import (
    ApiError,
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    ResellerTenantError,
)
from pulumi_resellertenant.core.inputs import (
    InputField,
    InputProblem,
    InputSchema,
    boolean,
    non_empty_text,
)
from pulumi_resellertenant.core.provider import Props, TenantProvider

from .client import EasyMailArchiveClient
from .models import ArchiveTenant, slug_problem

__all__ = ["EasyMailArchiveTenantProvider"]

log = logging.getLogger("pulumi_resellertenant.easymailarchive")


def _slug(value: Any) -> str:
    if not isinstance(value, str):
        raise InputProblem(f"must be a string, got {value!r}")
    problem = slug_problem(value)
    if problem:
        raise InputProblem(f"{problem}, got {value!r}")
    return value


SCHEMA = InputSchema(
    InputField("slug", _slug, example='slug="acme-corp" (3-48 of a-z, 0-9 and inner hyphens)'),
    InputField("name", non_empty_text, example='name="Acme Corporation"'),
    InputField("suspended", boolean, example="suspended=True", default=False),
    InputField(
        "adopt_existing",
        boolean,
        example="adopt_existing=True to take over a slug this reseller already has",
        default=False,
    ),
)


class EasyMailArchiveTenantProvider(TenantProvider[EasyMailArchiveClient]):
    client_class = EasyMailArchiveClient
    schema = SCHEMA
    replacing_inputs = frozenset({"slug"})

    # --- create ------------------------------------------------------------------------

    def create_tenant(
        self, inputs: Props, client: EasyMailArchiveClient, deadline: Deadline
    ) -> tuple[str, Props]:
        slug, name = inputs["slug"], inputs["name"]
        try:
            tenant = client.create_tenant(slug, name, deadline=deadline)
        except ConflictError:
            if not inputs["adopt_existing"]:
                raise
            tenant = self._adopt(client, slug, deadline)
        except ApiError as error:
            if not error.outcome_unknown:
                raise
            tenant = self._after_lost_answer(client, slug, name, error, deadline)
        else:
            if inputs["suspended"]:
                tenant = self._suspend_new_tenant(client, tenant, deadline)
            # The create answer has no usage figures; the show answer has them all.
            tenant = _merge(tenant, client.get_tenant(slug, deadline=deadline))
            return slug, _outputs(tenant, inputs)
        tenant = self._converge(client, tenant, inputs, deadline)
        return slug, _outputs(tenant, inputs)

    def _adopt(self, client: EasyMailArchiveClient, slug: str, deadline: Deadline) -> ArchiveTenant:
        # 409 says the slug is taken, not by whom: reading it tells ours (200) from another
        # reseller's (403).
        tenant = client.get_tenant(slug, deadline=deadline)
        log.warning("Easy Mail Archive tenant %s already existed: adopted (adopt_existing)", slug)
        return tenant

    def _after_lost_answer(
        self,
        client: EasyMailArchiveClient,
        slug: str,
        name: str,
        error: ApiError,
        deadline: Deadline,
    ) -> ArchiveTenant:
        """The POST may have created the tenant; look, never post twice."""
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
        log.warning(
            "Easy Mail Archive: the answer to creating %s was lost; found it with the "
            "requested name and took it over",
            slug,
        )
        return tenant

    def _suspend_new_tenant(
        self, client: EasyMailArchiveClient, tenant: ArchiveTenant, deadline: Deadline
    ) -> ArchiveTenant:
        # Failing now would orphan the new tenant: record it unsuspended instead, and the
        # next `pulumi up` sees the difference and suspends it.
        try:
            return _merge(tenant, client.suspend_tenant(tenant.slug, deadline=deadline))
        except ApiError as error:
            log.warning(
                "Easy Mail Archive tenant %s was created but not suspended (%s); "
                "run `pulumi up` again to suspend it",
                tenant.slug,
                error,
            )
            return tenant

    # --- read --------------------------------------------------------------------------

    def read_tenant(
        self, id_: str, props: Props, client: EasyMailArchiveClient, deadline: Deadline
    ) -> Props | None:
        try:
            tenant = client.get_tenant(id_, deadline=deadline)
        except NotFoundError:
            return None
        kept = {"adopt_existing": bool(props.get("adopt_existing"))}
        return _outputs(tenant, kept)

    # --- update ------------------------------------------------------------------------

    def update_tenant(
        self,
        id_: str,
        olds: Props,
        inputs: Props,
        changed: set[str],
        client: EasyMailArchiveClient,
        deadline: Deadline,
    ) -> Props:
        recorded = {k: olds[k] for k in ArchiveTenant.model_fields if olds.get(k) is not None}
        tenant = ArchiveTenant.model_validate({**recorded, "slug": id_})
        tenant = self._converge(client, tenant, inputs, deadline, force=changed)
        return _outputs(tenant, inputs)

    def _converge(
        self,
        client: EasyMailArchiveClient,
        tenant: ArchiveTenant,
        inputs: Props,
        deadline: Deadline,
        force: set[str] | frozenset[str] = frozenset(),
    ) -> ArchiveTenant:
        """Bring name and suspension to the declared values, one call per difference;
        ``force`` names inputs to apply even where ``tenant`` already shows them."""
        name, suspended = inputs["name"], inputs["suspended"]
        if "name" in force or tenant.name != name:
            tenant = _merge(tenant, client.update_tenant(tenant.slug, name, deadline=deadline))
        if "suspended" in force or tenant.suspended != suspended:
            action = client.suspend_tenant if suspended else client.unsuspend_tenant
            tenant = _merge(tenant, action(tenant.slug, deadline=deadline))
        return tenant

    # --- delete ------------------------------------------------------------------------

    def delete_tenant(
        self, id_: str, props: Props, client: EasyMailArchiveClient, deadline: Deadline
    ) -> None:
        try:
            client.suspend_tenant(id_, deadline=deadline)
        except NotFoundError:
            log.warning("Easy Mail Archive tenant %s was already gone", id_)
            return
        log.warning(
            "Easy Mail Archive has no delete: tenant %s is suspended, and its archive and "
            "data remain in the reseller account",
            id_,
        )

    # --- messages ----------------------------------------------------------------------

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


def _merge(tenant: ArchiveTenant, answer: ArchiveTenant) -> ArchiveTenant:
    """``tenant`` with what ``answer`` says; each answer carries a different subset."""
    return tenant.model_copy(update=answer.model_dump(exclude_none=True))


def _outputs(tenant: ArchiveTenant, inputs: Props) -> Props:
    """Every output; the input values are kept too, as ``diff`` compares against them."""
    return {
        "slug": tenant.slug,
        "name": tenant.name,
        "status": tenant.status,
        "suspended": tenant.suspended,
        "users_count": tenant.users_count,
        "storage_bytes": tenant.storage_bytes,
        "created_at": tenant.created_at,
        "adopt_existing": bool(inputs.get("adopt_existing")),
    }
