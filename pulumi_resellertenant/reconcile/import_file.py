"""``reconcile --import-file FILE``: the orphans as a ``pulumi import --file`` document.

One ``pulumi import --file FILE --stack NAME`` then adopts every tenant no given stack
manages, in one run, under the provider plugin's types (``resellertenant:<api>:Tenant``).
Each entry is ``{"type", "name", "id"}``:

- ``id``: the Mailbux tenant id (digits only) or the Easy Mail Archive slug (the slug rule), as
  each API's ``AdoptionRules`` check it. Anything else the account lists is skipped and
  reported, never written: the engine hands the id to the provider, which puts it into a URL
  path.
- ``name``: the logical name the API's rules give the tenant: ``mailbux-<username>``
  (``mailbux-<id>`` when the username is no plain lowercase word), the slug for Easy Mail
  Archive. A name the stack's tenants or an earlier entry already use gets ``-2``, ``-3``...:
  no two resources of the program can clash, and one listing always gives one file (Mailbux
  entries first, by id, then Easy Mail Archive's by slug).

No ``outputs`` (nor ``inputs``) are written, on purpose. Engines that read them (v3.277
does; pulumi/pulumi#23984) take an entry's ``outputs`` as the resource's whole state and
skip the provider's Read, and ``inputs`` as its inputs. Measured under v3.277: the state is
then whatever the file says, and ``preview`` cannot tell, since it compares inputs only.
Built from the findings, it would be wrong: they carry no usage figures (Mailbux
``emailCount``, Easy Mail Archive ``usersCount`` and ``storageBytes``), so made-up figures
would stand until a refresh, and the warning Read gives for each Mailbux tenant, that its
password is unknown, would be lost. Read costs little: the import's preview and the import
each read an account once (one Mailbux listing, the Easy Mail Archive pages), however many
tenants.
``inputs`` alone would add nothing: Read returns every input, and the engine only takes
from ``inputs`` what Read leaves out.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pulumi_resellertenant.apis import APIS, display_name
from pulumi_resellertenant.core.transport import shown

from .account import ADOPTIONS, AccountTenant
from .compare import Findings

__all__ = [
    "PLUGIN_TYPES",
    "ImportDocument",
    "ImportEntry",
    "Skipped",
    "import_document",
    "report_json",
    "report_text",
    "write_document",
]

PLUGIN_TYPES: dict[str, str] = {api.namespace: api.plugin_type for api in APIS}
"""Each API's tenant type in the provider plugin: only the plugin's tenants can be imported."""

_SHOWN = 60


@dataclass(frozen=True)
class ImportEntry:
    api: str
    name: str
    """The logical (Pulumi resource) name."""
    id: str
    """The Mailbux tenant id or the Easy Mail Archive slug, checked safe."""

    @property
    def type(self) -> str:
        return PLUGIN_TYPES[self.api]

    def to_json(self) -> dict[str, str]:
        return {"type": self.type, "name": self.name, "id": self.id}


@dataclass(frozen=True)
class Skipped:
    """An orphan left out of the file, and why."""

    api: str
    id: str
    reason: str

    @property
    def shown(self) -> str:
        """The id quoted, escaped and bounded: it is whatever the API listed."""
        return f'"{shown(self.id, _SHOWN)}"'


@dataclass(frozen=True)
class ImportDocument:
    entries: tuple[ImportEntry, ...]
    skipped: tuple[Skipped, ...]

    def to_json(self) -> dict[str, Any]:
        return {"resources": [entry.to_json() for entry in self.entries]}

    def counts(self) -> dict[str, int]:
        """Entries per API, every API named."""
        return {api: sum(e.api == api for e in self.entries) for api in PLUGIN_TYPES}


def import_document(findings: Findings, *, taken: Collection[str] = ()) -> ImportDocument:
    """The document adopting ``findings``' orphans; ``taken``: names the stack already uses."""
    return build_document((orphan.tenant for orphan in findings.orphans), taken=taken)


def build_document(
    tenants: Iterable[AccountTenant], *, taken: Collection[str] = ()
) -> ImportDocument:
    listed: dict[tuple[str, str], list[AccountTenant]] = {}
    for tenant in tenants:
        listed.setdefault((tenant.api, tenant.id), []).append(tenant)
    safe: list[AccountTenant] = []
    skipped: list[Skipped] = []
    for (api, id_), copies in listed.items():
        problem = _id_problem(copies[0])
        if problem is None and len(copies) > 1:
            # Two tenants under one id (two accounts of one API?): neither can be told apart.
            problem = f"listed {len(copies)} times: run reconcile for one stack"
        if problem is None:
            safe.extend(copies)
        else:
            skipped.append(Skipped(api, id_, problem))
    used = set(taken)
    entries: list[ImportEntry] = []
    for tenant in sorted(safe, key=_order):
        name = _unique(_name(tenant), used)
        used.add(name)
        entries.append(ImportEntry(tenant.api, name, tenant.id))
    skipped.sort(key=lambda s: (_rank(s.api), s.id))
    return ImportDocument(tuple(entries), tuple(skipped))


def _id_problem(tenant: AccountTenant) -> str | None:
    rules = ADOPTIONS.get(tenant.api)
    if rules is None or tenant.api not in PLUGIN_TYPES:
        return f"no plugin type for {tenant.api!r} tenants"
    problem: str | None = rules.id_problem(tenant.id)
    return problem


def _rank(api: str) -> int:
    apis = list(PLUGIN_TYPES)
    return apis.index(api) if api in apis else len(apis)


def _order(tenant: AccountTenant) -> tuple[int, int, str]:
    number = int(tenant.id) if ADOPTIONS[tenant.api].numeric_ids else 0
    return _rank(tenant.api), number, tenant.id


def _name(tenant: AccountTenant) -> str:
    name: str = ADOPTIONS[tenant.api].import_name(tenant)
    return name


def _unique(name: str, used: Collection[str]) -> str:
    if name not in used:
        return name
    number = 2
    while f"{name}-{number}" in used:
        number += 1
    return f"{name}-{number}"


def write_document(document: ImportDocument, path: Path) -> None:
    """Write the file atomically: a reader sees the old file or the whole new one."""
    text = json.dumps(document.to_json(), indent=2) + "\n"
    directory = path.parent
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=directory)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


# --- the report ------------------------------------------------------------------------------


def report_text(document: ImportDocument, path: str, command: str) -> str:
    """What was written and the command that imports it."""
    counts = ", ".join(f"{display_name(api)} {n}" for api, n in document.counts().items() if n)
    written = len(document.entries)
    lines = [
        f"Import file: {written} resource(s) written to {path}"
        + (f" ({counts})." if counts else ".")
    ]
    if written:
        lines += [
            "  Adopt them all in one run, with the stack's resellertenant: provider config, "
            "then add the code it prints (or writes with --out FILE) to the stack's program:",
            f"    {command}",
        ]
    else:
        lines.append("  Nothing to import.")
    if document.skipped:
        lines.append(f"  Skipped: {len(document.skipped)} tenant(s) whose id is not safe to use:")
        lines += [
            f"    {display_name(s.api)} tenant {s.shown}: {s.reason}" for s in document.skipped
        ]
    return "\n".join(lines) + "\n"


def report_json(document: ImportDocument, path: str, command: str) -> dict[str, Any]:
    return {
        "path": path,
        "resources": len(document.entries),
        "by_api": document.counts(),
        "command": command if document.entries else None,
        "skipped": [{"api": s.api, "id": s.id, "reason": s.reason} for s in document.skipped],
    }
