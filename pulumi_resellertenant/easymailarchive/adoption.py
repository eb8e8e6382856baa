"""How ``reconcile`` checks, names and adopts Easy Mail Archive tenants (``ADOPTION``, read
through the registry): the slug is the id, the resource name and the input an interrupted
create names its tenant by."""

from __future__ import annotations

from pulumi_resellertenant.core.transport import (
    AccountTenant,
    AdoptionRules,
    Argument,
    InputProblem,
)

from .models import MAX_NAME_LENGTH, name_rule, slug_problem

__all__ = ["ADOPTION"]


def _id_problem(slug: str) -> str | None:
    problem = slug_problem(slug)
    return None if problem is None else f"a slug {problem}"


def _declarable(name: str | None) -> str | None:
    """The listed name when ``check`` would accept it as ``name=``; else None."""
    if not name:
        return None
    try:
        name_rule(name)
    except InputProblem:
        return None
    return name


def _arguments(
    tenant: AccountTenant, suspended: bool, deletion_policy: str | None
) -> tuple[list[Argument], str]:
    name = _declarable(tenant.name)
    arguments: list[Argument] = [("slug", tenant.id), ("name", name or tenant.id)]
    if suspended:
        arguments.append(("suspended", True))
    arguments.append(("adopt_existing", True))
    if tenant.name and name is None:
        return arguments, (
            "the account's name is not a name a program may declare (one line, no control "
            f"characters, at most {MAX_NAME_LENGTH} characters): put the tenant's name here"
        )
    return arguments, ""


ADOPTION = AdoptionRules(
    id_noun="Easy Mail Archive slug",
    id_problem=_id_problem,
    arguments=_arguments,
    import_name=lambda tenant: tenant.id,  # a valid slug is a valid name
    id_input="slug",
)
