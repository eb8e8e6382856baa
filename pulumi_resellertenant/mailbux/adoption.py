"""How ``reconcile`` checks, names and adopts Mailbux tenants (``ADOPTION``, read through the
registry): ids are the API's digits, a declaration adopts by ``adopt_tenant_id``, and an
interrupted create is told by its quota and when it ran."""

from __future__ import annotations

import re

from pulumi_resellertenant.apis import MAILBUX
from pulumi_resellertenant.core.transport import AccountTenant, AdoptionRules, Argument

from .models import tenant_id_problem
from .tenant_models import MailbuxTenantArgs

__all__ = ["ADOPTION"]

_WORD = re.compile(r"[a-z0-9](?:[a-z0-9_-]{0,38}[a-z0-9])?")
"""A username fit for a resource name: lowercase letters, digits, ``-`` and ``_`` inside."""

_DEFAULT_POLICY = MailbuxTenantArgs.model_fields["deletion_policy"].default


def _arguments(
    tenant: AccountTenant, suspended: bool, deletion_policy: str | None
) -> tuple[list[Argument], str]:
    arguments: list[Argument] = [("quota_gb", tenant.quota_gb)]
    if suspended:
        arguments.append(("suspended", True))
    if deletion_policy is not None and deletion_policy != _DEFAULT_POLICY:
        arguments.append(("deletion_policy", deletion_policy))
    arguments.append(("adopt_tenant_id", tenant.id))
    if tenant.quota_gb is None:
        return arguments, "the account's list shows no quota: put the tenant's quota_gb here"
    return arguments, ""


def _import_name(tenant: AccountTenant) -> str:
    word = tenant.label if _WORD.fullmatch(tenant.label) else tenant.id
    return f"{MAILBUX.namespace}-{word}"


def _tenants_of(quota: object) -> str:
    return f"{quota} GB tenant" if quota is not None else "tenant"


ADOPTION = AdoptionRules(
    id_noun="Mailbux tenant id",
    id_problem=tenant_id_problem,
    arguments=_arguments,
    import_name=_import_name,
    numeric_ids=True,
    matched_input="quota_gb",
    matched_noun=_tenants_of,
)
