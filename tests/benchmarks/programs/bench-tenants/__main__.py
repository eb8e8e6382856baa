"""N tenants per API, or as many no-op dynamic resources, as `spec.json` says.

spec.json: {"kind": "tenants" | "noop" | "shaped", "prefix": SLUG_PREFIX, "mailbux": N,
"easymailarchive": N}. "noop" declares the same names and inputs with a dynamic provider that
answers from its inputs alone (bench_noop_provider.py): what the engine costs without any API
behind it. "shaped" is a no-op too, whose outputs look like a tenant's (the password secret):
what the engine costs for records of a tenant's size. No exports: each would cost the engine
a little, and the benchmark counts requests and time.
"""

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

spec = json.loads((Path(__file__).parent / "spec.json").read_text())

mail: Callable[..., Any]
archive: Callable[..., Any]
if spec["kind"] == "noop":
    from bench_noop_provider import Noop

    mail = archive = Noop
elif spec["kind"] == "shaped":
    from functools import partial

    from bench_noop_provider import Shaped

    mail, archive = partial(Shaped, api="mailbux"), partial(Shaped, api="easymailarchive")
else:
    from pulumi_resellertenant import easymailarchive, mailbux

    mail, archive = mailbux.Tenant, easymailarchive.Tenant

for i in range(spec.get("mailbux", 0)):
    mail(f"mail-{i:04d}", quota_gb=1)
for i in range(spec.get("easymailarchive", 0)):
    slug = f"{spec['prefix']}-{i:04d}"
    archive(f"archive-{i:04d}", slug=slug, name=f"Bench {slug}")
