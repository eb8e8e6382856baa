"""The tenants `spec.json` declares, with what the policy pack looks at beyond inputs.

spec.json: {"mailbux": {NAME: {inputs, "protect": bool, "quota_after": OTHER}},
"easymailarchive": {NAME: {inputs, "protect": bool}}}. "protect" becomes the resource
option; "quota_after": OTHER makes the quota wait for the Mailbux tenant OTHER's username, so
it is unknown at a first preview, as a quota computed from another resource is.
"""

import json
from pathlib import Path

import pulumi

from pulumi_resellertenant import easymailarchive, mailbux

spec = json.loads((Path(__file__).parent / "spec.json").read_text())
declared: dict[str, mailbux.Tenant] = {}

for name, inputs in spec.get("mailbux", {}).items():
    inputs = dict(inputs)
    options = pulumi.ResourceOptions(protect=inputs.pop("protect", False))
    after = inputs.pop("quota_after", None)
    if after is not None:
        quota = inputs["quota_gb"]
        inputs["quota_gb"] = declared[after].tenant_username.apply(lambda _, q=quota: q)
    declared[name] = mailbux.Tenant(name, **inputs, opts=options)
    pulumi.export(f"{name}_quota_gb", declared[name].quota_gb)

for name, inputs in spec.get("easymailarchive", {}).items():
    inputs = dict(inputs)
    options = pulumi.ResourceOptions(protect=inputs.pop("protect", False))
    archive = easymailarchive.Tenant(name, **inputs, opts=options)
    pulumi.export(f"{name}_slug", archive.slug)
