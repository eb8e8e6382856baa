"""The tenants `spec.json` declares, each with its outputs exported under its name.

spec.json: {"mailbux": {NAME: {tenant inputs}}, "easymailarchive": {NAME: {tenant inputs}},
"archive_named_after": NAME} -- the last declares an archive whose name is the username of
the Mailbux tenant NAME: one resource's output as another's input.
"""

import json
from pathlib import Path

import pulumi

from pulumi_resellertenant import easymailarchive, mailbux

spec = json.loads((Path(__file__).parent / "spec.json").read_text())

for name, inputs in spec.get("mailbux", {}).items():
    hosting = mailbux.Tenant(name, **inputs)
    pulumi.export(f"{name}_id", hosting.tenant_id)
    pulumi.export(f"{name}_username", hosting.tenant_username)
    pulumi.export(f"{name}_password", hosting.tenant_password)
    pulumi.export(f"{name}_quota_gb", hosting.quota_gb)
    pulumi.export(f"{name}_status", hosting.status)
    if spec.get("archive_named_after") == name:
        derived = easymailarchive.Tenant(
            f"{name}-archive",
            slug=f"{name}-archive",
            name=hosting.tenant_username.apply(lambda username: f"Archive of {username}"),
        )
        pulumi.export(f"{name}-archive_name", derived.name)

for name, inputs in spec.get("easymailarchive", {}).items():
    archive = easymailarchive.Tenant(name, **inputs)
    pulumi.export(f"{name}_slug", archive.slug)
    pulumi.export(f"{name}_name", archive.name)
    pulumi.export(f"{name}_status", archive.status)
