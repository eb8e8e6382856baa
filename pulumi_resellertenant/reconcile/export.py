"""A stack's state as ``pulumi stack export`` prints it: its tenants and pending operations.

Only what reconciling needs is read: each tenant resource's id (the Mailbux tenant id, the
Easy Mail Archive slug) and the deployment's ``pending_operations``, which a run killed
mid-operation leaves behind. Secrets stay as the export holds them (ciphertext).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pulumi_resellertenant.apis import namespace_of, recorded_name
from pulumi_resellertenant.core.transport import ResellerTenantError

__all__ = ["ExportError", "PendingOperation", "StackState", "StateTenant", "parse_export"]


class ExportError(ResellerTenantError):
    """A stack export this command cannot read."""


@dataclass(frozen=True)
class Urn:
    stack: str
    project: str
    type: str
    name: str


def parse_urn(urn: str) -> Urn:
    """``urn:pulumi:<stack>::<project>::<qualified type>::<name>``; the name may hold ``::``."""
    parts = urn.split("::", 3)
    if len(parts) != 4 or not parts[0].startswith("urn:pulumi:"):
        raise ExportError(f"{urn!r} is not a Pulumi URN")
    qualified_type = parts[2]
    return Urn(
        parts[0].removeprefix("urn:pulumi:"),
        parts[1],
        qualified_type.rsplit("$", 1)[-1],  # a child's type is prefixed by its parents'
        parts[3],
    )


@dataclass(frozen=True)
class StateTenant:
    """A tenant the stack manages."""

    stack: str
    api: str
    urn: str
    name: str
    """The Pulumi resource name (the first argument of ``Tenant(...)``)."""
    tenant_id: str
    """The Mailbux tenant id or the Easy Mail Archive slug: the resource's id."""


@dataclass(frozen=True)
class PendingOperation:
    """An operation the engine started and never saw finish."""

    stack: str
    kind: str
    """``creating``, ``updating``, ``deleting``, ``reading`` or ``importing``."""
    urn: str
    type: str
    name: str
    api: str | None
    """The tenant's API, or None for a resource that is no tenant of ours."""
    inputs: Mapping[str, Any] = field(repr=False, default_factory=dict)

    def input(self, name: str) -> Any:
        """An input by its snake_case name, under the name its type records it by."""
        return self.inputs.get(recorded_name(self.type, name))


@dataclass(frozen=True)
class StackState:
    stack: str
    project: str | None
    tenants: tuple[StateTenant, ...]
    pending: tuple[PendingOperation, ...]

    def uses(self, api: str) -> bool:
        """Whether the state holds tenants of ``api``, done or pending."""
        return any(t.api == api for t in self.tenants) or any(p.api == api for p in self.pending)


_ID_OUTPUTS = ("tenant_id", "tenantId", "slug")


def parse_export(stack: str, document: Any) -> StackState:
    """The tenants and pending operations of one ``pulumi stack export`` document."""
    if not isinstance(document, Mapping):
        raise ExportError(f"stack {stack}: the export is not a JSON object")
    deployment = document.get("deployment")
    deployment = {} if deployment is None else deployment
    if not isinstance(deployment, Mapping):
        raise ExportError(f"stack {stack}: the export's deployment is not a JSON object")
    tenants: list[StateTenant] = []
    projects: set[str] = set()
    for resource in _records(stack, deployment, "resources"):
        urn = _urn(stack, resource)
        projects.add(urn.project)
        api = namespace_of(str(resource.get("type") or urn.type))
        if api is None:
            continue
        tenant_id = resource.get("id") or _id_from_outputs(resource.get("outputs"))
        if not tenant_id:
            raise ExportError(f"stack {stack}: tenant {urn.name} has no id in the state")
        tenants.append(StateTenant(stack, api, str(resource["urn"]), urn.name, str(tenant_id)))
    pending: list[PendingOperation] = []
    for operation in _records(stack, deployment, "pending_operations"):
        record = operation.get("resource")
        if not isinstance(record, Mapping):
            raise ExportError(f"stack {stack}: a pending operation names no resource")
        urn = _urn(stack, record)
        projects.add(urn.project)
        type_token = str(record.get("type") or urn.type)
        inputs = record.get("inputs")
        pending.append(
            PendingOperation(
                stack=stack,
                kind=str(operation.get("type") or "unknown"),
                urn=str(record["urn"]),
                type=type_token,
                name=urn.name,
                api=namespace_of(type_token),
                inputs=dict(inputs) if isinstance(inputs, Mapping) else {},
            )
        )
    project = next(iter(projects)) if len(projects) == 1 else None
    return StackState(stack, project, tuple(tenants), tuple(pending))


def _records(stack: str, deployment: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
    records = deployment.get(key)
    records = [] if records is None else records
    if not isinstance(records, list) or not all(isinstance(r, Mapping) for r in records):
        raise ExportError(f"stack {stack}: the export's {key} is not a list of objects")
    return records


def _urn(stack: str, resource: Mapping[str, Any]) -> Urn:
    urn = resource.get("urn")
    if not isinstance(urn, str):
        raise ExportError(f"stack {stack}: a resource in the export has no URN")
    try:
        return parse_urn(urn)
    except ExportError as error:
        raise ExportError(f"stack {stack}: {error}") from None


def _id_from_outputs(outputs: Any) -> str | None:
    if isinstance(outputs, Mapping):
        for key in _ID_OUTPUTS:
            if isinstance(outputs.get(key), str | int) and outputs[key] != "":
                return str(outputs[key])
    return None
