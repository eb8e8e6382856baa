"""``easymailarchive.Tenant``: one Easy Mail Archive tenant of this reseller account."""

from __future__ import annotations

import pulumi

from pulumi_resellertenant.apis import EASYMAILARCHIVE as API
from pulumi_resellertenant.core.faces import TenantResource

from .provider import EasyMailArchiveTenantProvider
from .tenant_models import EasyMailArchiveTenantState

__all__ = ["Tenant"]


class Tenant(TenantResource, module=API.namespace, name=API.resource_name):
    """An Easy Mail Archive tenant: created with a slug and a display name, renamed,
    suspended and unsuspended in place. The API has no delete: delete suspends the tenant,
    and its archive and data remain.

    Settings: stack config ``easymailarchive:apiKey`` (secret) and ``easymailarchive:baseUrl``,
    or the environment variables ``EASYMAILARCHIVE_API_KEY`` and ``EASYMAILARCHIVE_BASE_URL``.
    """

    state_model = EasyMailArchiveTenantState

    slug: pulumi.Output[str]
    """The tenant's unique slug; also the resource's id."""
    name: pulumi.Output[str]
    """The tenant's display name."""
    suspended: pulumi.Output[bool]
    """Whether the tenant is suspended, as the API reports it."""
    status: pulumi.Output[str]
    """The API's status of the tenant, such as ``active`` or ``suspended``."""
    users_count: pulumi.Output[int | None]
    """Users of the tenant, as of the last create or refresh."""
    storage_bytes: pulumi.Output[int | None]
    """Archive storage used, in bytes, as of the last create or refresh."""
    created_at: pulumi.Output[str | None]
    """When the API created the tenant (ISO 8601)."""
    adopt_existing: pulumi.Output[bool]
    """The ``adopt_existing`` input as last applied."""

    def __init__(
        self,
        resource_name: str,
        *,
        slug: pulumi.Input[str],
        name: pulumi.Input[str],
        suspended: pulumi.Input[bool] | None = None,
        adopt_existing: pulumi.Input[bool] | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        """
        :param resource_name: The Pulumi name of the resource.
        :param slug: 3 to 48 lowercase letters, digits and hyphens, not starting or ending
            with a hyphen. Changing it replaces the tenant.
        :param name: The display name, not empty. Changing it renames the tenant in place.
        :param suspended: Suspend the tenant (True) or keep it active (False, the default).
        :param adopt_existing: When the slug already exists in this reseller account, take
            that tenant over instead of failing with 409 (``pulumi import`` does not work for
            dynamic resources).
        :param opts: Pulumi resource options.
        """
        super().__init__(
            EasyMailArchiveTenantProvider(),
            resource_name,
            opts,
            slug=slug,
            name=name,
            suspended=suspended,
            adopt_existing=adopt_existing,
        )
