"""The shipped CrossGuard pack under the real engine: `--policy-pack` pointed at the directory
`python -m pulumi_resellertenant.policy path` prints, limits from `--policy-pack-config`."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from support.emulator_handle import EMA_KEY, MAILBUX_KEY, EmulatorHandle
from support.engine_steps import requests_made
from support.live_tenants import archive_tenant, mailbux_tenants
from support.pulumi_cli import (
    EXAMPLES,
    PROGRAMS,
    ProjectFactory,
    PulumiProject,
    PulumiWorkspace,
    Run,
)

PROGRAM = PROGRAMS / "policy_tenants"
SAMPLE_LIMITS = EXAMPLES / "policy" / "limits.json"
PACK = Path(
    subprocess.run(
        [sys.executable, "-m", "pulumi_resellertenant.policy", "path"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
)
MAILBUX = "pulumi-python:dynamic/mailbux:Tenant"
EMA = "pulumi-python:dynamic/easymailarchive:Tenant"
_HEADER = re.compile(r"^\s+- \[(?P<level>\w+)\]\s+(?P<policy>\S+)\s+\((?P<subject>.+)\)$")


@dataclass(frozen=True, order=True)
class Reported:
    """One violation in the CLI's Policies section."""

    level: str
    policy: str
    subject: str  # "TYPE: NAME" of the resource, or of the stack for a stack policy
    message: str


def policy_report(run: Run) -> list[Reported]:
    """The violations the run printed (sorted: their order is the CLI's), each checked to be
    a description and one line."""
    assert "Traceback" not in run.output, run
    assert "can't run policy" not in run.output, run
    _, found, section = run.stdout.partition("\nPolicies:\n")
    assert found, run
    lines = section.split("\n\n", 1)[0].splitlines()
    assert f"resellertenant@v0.1.0 (local: {PACK})" in lines[0], run
    reported: list[Reported] = []
    for index, line in enumerate(lines):
        header = _HEADER.match(line)
        if header is None:
            continue
        body = list(lines[index + 1 : index + 3])
        assert index + 3 == len(lines) or _HEADER.match(lines[index + 3]), f"not one line: {line}"
        reported.append(Reported(**header.groupdict(), message=body[1].strip()))
    return sorted(reported)


def with_pack(project: PulumiProject, command: str, config: Path, *flags: str) -> Run:
    run = getattr(project, command)
    return run("--policy-pack", str(PACK), "--policy-pack-config", str(config), *flags, check=False)


def write_limits(path: Path, limits: dict[str, Any]) -> Path:
    path.write_text(json.dumps(limits))
    return path


def test_mandatory_limits_block_preview_and_up_before_any_change(
    new_project: ProjectFactory, e2e_emulator: EmulatorHandle, tmp_path: Path
) -> None:
    project = new_project(PROGRAM)
    project.write_spec(
        {
            "mailbux": {"big": {"quota_gb": 30}, "mid": {"quota_gb": 20}, "small": {"quota_gb": 5}},
            "easymailarchive": {
                "shop": {"slug": "acme-shop", "name": "Acme Shop"},
                "corp": {"slug": "acme-corp", "name": "Acme Corp"},
            },
        }
    )
    # Knobs only: the levels are the defaults, mandatory for all three.
    limits = write_limits(
        tmp_path / "limits.json",
        {
            "mailbux-quota-per-tenant": {"maxQuotaGb": 25},
            "mailbux-total-quota": {"maxTotalQuotaGb": 50},
            "tenant-count": {"maxMailbuxTenants": 2, "maxEasyMailArchiveTenants": 1},
        },
    )
    e2e_emulator.reset_counters()

    preview = with_pack(project, "preview", limits)
    up = project.pulumi(
        "up", "--yes", "--stack", "dev", "--policy-pack", str(PACK),
        "--policy-pack-config", str(limits), check=False,
    )  # fmt: skip

    assert preview.returncode != 0
    stack = "pulumi:pulumi:Stack: e2e-policy-tenants-dev"
    assert policy_report(preview) == sorted(
        [
            Reported(
                "mandatory",
                "mailbux-quota-per-tenant",
                f"{MAILBUX}: big",
                "Mailbux tenant big: quota_gb=30 is over maxQuotaGb=25; lower quota_gb or raise "
                "maxQuotaGb in the policy config",
            ),
            Reported(
                "mandatory",
                "mailbux-total-quota",
                stack,
                "stack dev: Mailbux quotas total 55 GB (big=30, mid=20, small=5), over "
                "maxTotalQuotaGb=50; lower quota_gb or raise maxTotalQuotaGb in the policy config",
            ),
            Reported(
                "mandatory",
                "tenant-count",
                stack,
                "stack dev: 3 Mailbux tenants (big, mid, small), over maxMailbuxTenants=2; remove "
                "tenants or raise maxMailbuxTenants in the policy config",
            ),
            Reported(
                "mandatory",
                "tenant-count",
                stack,
                "stack dev: 2 Easy Mail Archive tenants (corp, shop), over "
                "maxEasyMailArchiveTenants=1; remove tenants or raise maxEasyMailArchiveTenants in "
                "the policy config",
            ),
        ]
    )
    # `up` previews first with the pack and stops there: no tenant was created.
    assert up.returncode != 0
    assert "mailbux-total-quota" in up.stdout
    made = requests_made(e2e_emulator)
    assert "POST /api/user/tenants" not in made
    assert "POST /api/reseller/tenants" not in made
    assert mailbux_tenants(e2e_emulator) == []
    assert archive_tenant(e2e_emulator, "acme-shop") is None


def test_advisory_only_warns_disabled_is_silent_and_an_unknown_quota_is_skipped(
    new_project: ProjectFactory, e2e_emulator: EmulatorHandle, tmp_path: Path
) -> None:
    project = new_project(PROGRAM)
    # second's quota waits for first's username: unknown at this first preview.
    project.write_spec(
        {
            "mailbux": {
                "first": {"quota_gb": 12},
                "second": {"quota_gb": 4, "quota_after": "first"},
            }
        }
    )
    limits = write_limits(
        tmp_path / "limits.json",
        {
            "mailbux-quota-per-tenant": {"enforcementLevel": "advisory", "maxQuotaGb": 10},
            "mailbux-total-quota": {"enforcementLevel": "advisory", "maxTotalQuotaGb": 10},
            "tenant-count": {"enforcementLevel": "disabled", "maxMailbuxTenants": 1},
        },
    )

    preview = with_pack(project, "preview", limits)
    up = with_pack(project, "up", limits)

    assert preview.returncode == 0, preview
    per_tenant = Reported(
        "advisory",
        "mailbux-quota-per-tenant",
        f"{MAILBUX}: first",
        "Mailbux tenant first: quota_gb=12 is over maxQuotaGb=10; lower quota_gb or raise "
        "maxQuotaGb in the policy config",
    )
    total = "mailbux-total-quota", "pulumi:pulumi:Stack: e2e-policy-tenants-dev"
    assert policy_report(preview) == sorted(
        [
            per_tenant,
            Reported(
                "advisory",
                *total,
                "stack dev: Mailbux quotas total 12 GB (first=12), over maxTotalQuotaGb=10; 1 "
                "tenant's quota is unknown until up and not counted (second); lower quota_gb or "
                "raise maxTotalQuotaGb in the policy config",
            ),
        ]
    )
    # Warnings never stop the update; once created, every quota is known to the stack check.
    assert up.returncode == 0, up
    assert policy_report(up) == sorted(
        [
            per_tenant,
            Reported(
                "advisory",
                *total,
                "stack dev: Mailbux quotas total 16 GB (first=12, second=4), over "
                "maxTotalQuotaGb=10; lower quota_gb or raise maxTotalQuotaGb in the policy config",
            ),
        ]
    )
    assert sorted(t["quota_gb"] for t in mailbux_tenants(e2e_emulator)) == [4, 12]
    assert "tenant-count" not in preview.output + up.output


def test_production_needs_protect_and_branded_slugs_and_dev_within_the_sample_limits_passes(
    new_project: ProjectFactory,
    workspace: PulumiWorkspace,
    e2e_emulator: EmulatorHandle,
) -> None:
    prod = workspace.project(PROGRAM, "policy-prod", stack="prod")
    for api, key in (("mailbux", MAILBUX_KEY), ("easymailarchive", EMA_KEY)):
        prod.set_config(f"{api}:baseUrl", e2e_emulator.url)
        prod.set_config(f"{api}:apiKey", key, secret=True)
    prod.write_spec(
        {
            "mailbux": {
                "acme-mail": {"quota_gb": 5, "protect": True},
                "shop-mail": {"quota_gb": 5},
            },
            "easymailarchive": {"shop-archive": {"slug": "shop-corp", "name": "Shop"}},
        }
    )
    dev = new_project(PROGRAM, name="policy-dev")
    dev.write_spec(
        {
            "mailbux": {"acme-mail": {"quota_gb": 5}},
            "easymailarchive": {"acme-archive": {"slug": "acme-corp", "name": "Acme"}},
        }
    )

    prod_preview = with_pack(prod, "preview", SAMPLE_LIMITS)
    dev_preview = with_pack(dev, "preview", SAMPLE_LIMITS)

    assert prod_preview.returncode != 0
    assert policy_report(prod_preview) == sorted(
        [
            Reported(
                "mandatory",
                "easymailarchive-slug-pattern",
                f"{EMA}: shop-archive",
                "Easy Mail Archive tenant shop-archive: slug 'shop-corp' does not match pattern "
                "'^acme-[a-z0-9-]+$'; choose a matching slug (changing a slug replaces the tenant) "
                "or change pattern in the policy config",
            ),
            Reported(
                "mandatory",
                "tenants-protected",
                f"{EMA}: shop-archive",
                "Easy Mail Archive tenant shop-archive in stack prod has protect=False, but stacks "
                "matching stackPattern '^prod(uction)?(-|$)' need it; add "
                "opts=pulumi.ResourceOptions(protect=True) or change stackPattern in the policy "
                "config",
            ),
            Reported(
                "mandatory",
                "tenants-protected",
                f"{MAILBUX}: shop-mail",
                "Mailbux tenant shop-mail in stack prod has protect=False, but stacks matching "
                "stackPattern '^prod(uction)?(-|$)' need it; add "
                "opts=pulumi.ResourceOptions(protect=True) or change stackPattern in the policy "
                "config",
            ),
        ]
    )
    assert dev_preview.returncode == 0, dev_preview
    assert policy_report(dev_preview) == []
    assert f"✅ resellertenant@v0.1.0 (local: {PACK})" in dev_preview.stdout
