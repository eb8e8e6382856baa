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

    To take over a tenant the account already has, set ``adopt_existing=True``
    (``pulumi import`` does not work for dynamic resources).
    """

    state_model = EasyMailArchiveTenantState

    # The output attributes, typed for checkers. Their docs, and the inputs', are the models'
    # field docstrings: TenantResource appends them to this class's and __init__'s (help()).
    slug: pulumi.Output[str]
    name: pulumi.Output[str]
    suspended: pulumi.Output[bool]
    status: pulumi.Output[str | None]
    users_count: pulumi.Output[int | None]
    storage_bytes: pulumi.Output[int | None]
    created_at: pulumi.Output[str | None]
    adopt_existing: pulumi.Output[bool]

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
        super().__init__(
            EasyMailArchiveTenantProvider(),
            resource_name,
            opts,
            slug=slug,
            name=name,
            suspended=suspended,
            adopt_existing=adopt_existing,
        )
