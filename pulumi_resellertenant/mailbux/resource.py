"""``mailbux.Tenant``: one Mailbux email-hosting tenant of this reseller account."""

from __future__ import annotations

import pulumi

from pulumi_resellertenant.apis import MAILBUX as API
from pulumi_resellertenant.core.faces import TenantResource

from .provider import MailbuxTenantProvider
from .tenant_models import DeletionPolicy, MailbuxTenantState

__all__ = ["Tenant"]


class Tenant(TenantResource, module=API.namespace, name=API.resource_name):
    """A Mailbux tenant: created with a quota, resized, suspended and reactivated in place,
    terminated on delete (or only suspended, with ``deletion_policy="suspend"``).

    Settings: stack config ``mailbux:apiKey`` (secret) and ``mailbux:baseUrl``, or the
    environment variables ``MAILBUX_API_KEY`` and ``MAILBUX_BASE_URL``.

    To take over a tenant the account already has, name it in ``adopt_tenant_id``
    (``pulumi import`` does not work for dynamic resources).
    """

    state_model = MailbuxTenantState

    # The output attributes, typed for checkers. Their docs, and the inputs', are the models'
    # field docstrings: TenantResource appends them to this class's and __init__'s (help()).
    tenant_id: pulumi.Output[str]
    tenant_username: pulumi.Output[str]
    tenant_name: pulumi.Output[str | None]
    tenant_password: pulumi.Output[str | None]
    password_known: pulumi.Output[bool]
    quota_gb: pulumi.Output[int]
    suspended: pulumi.Output[bool]
    status: pulumi.Output[str]
    email_count: pulumi.Output[int]
    deletion_policy: pulumi.Output[DeletionPolicy]
    adopt_tenant_id: pulumi.Output[str | None]

    def __init__(
        self,
        resource_name: str,
        *,
        quota_gb: pulumi.Input[int],
        suspended: pulumi.Input[bool] | None = None,
        deletion_policy: pulumi.Input[DeletionPolicy] | None = None,
        adopt_tenant_id: pulumi.Input[str | int] | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__(
            MailbuxTenantProvider(),
            resource_name,
            opts,
            quota_gb=quota_gb,
            suspended=suspended,
            deletion_policy=deletion_policy,
            adopt_tenant_id=adopt_tenant_id,
        )
