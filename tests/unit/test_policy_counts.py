"""tenant-count on hand-built stacks, as the engine builds them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_policy import PolicyResource, StackValidationArgs

from pulumi_resellertenant.policy.counts import (
    MAX_EMA_TENANTS,
    MAX_MAILBUX_TENANTS,
    validate_tenant_count,
)
from support.policy_args import EMA, MAILBUX, Violations, stack_resource

OTHERS = ("pulumi:pulumi:Stack", "pulumi:providers:pulumi-python", "pulumi-python:dynamic/x:Y")


def resource(type_token: str, name: str, stack: str) -> PolicyResource:
    return stack_resource(type_token, {"__provider": "gASV", "quota_gb": 5.0}, name, stack)


def stack(
    mailbux: int, archives: int, *, config: Mapping[str, Any] | None = None, name: str = "dev"
) -> StackValidationArgs:
    resources = [resource(t, f"other{i}", name) for i, t in enumerate(OTHERS)]
    resources += [resource(MAILBUX, f"mail-{n:02d}", name) for n in range(mailbux)]
    resources += [resource(EMA, f"archive-{n:02d}", name) for n in range(archives)]
    return StackValidationArgs(resources, config)


def test_each_kind_over_its_limit_is_one_line_naming_count_tenants_limit_and_knob() -> None:
    report = Violations()

    validate_tenant_count(
        stack(
            3, 2, config={"maxMailbuxTenants": 2.0, "maxEasyMailArchiveTenants": 1.0}, name="prod"
        ),
        report,
    )

    assert report == [
        "stack prod: 3 Mailbux tenants (mail-00, mail-01, mail-02), over maxMailbuxTenants=2; "
        "remove tenants or raise maxMailbuxTenants in the policy config",
        "stack prod: 2 Easy Mail Archive tenants (archive-00, archive-01), over "
        "maxEasyMailArchiveTenants=1; remove tenants or raise maxEasyMailArchiveTenants in the "
        "policy config",
    ]


def test_counts_up_to_the_limits_pass_and_other_resources_do_not_count() -> None:
    report = Violations()
    validate_tenant_count(
        stack(2, 1, config={"maxMailbuxTenants": 2, "maxEasyMailArchiveTenants": 1}), report
    )
    validate_tenant_count(stack(0, 0, config={"maxMailbuxTenants": 0}), report)
    assert report == []


def test_a_limit_of_zero_forbids_the_kind_in_the_singular() -> None:
    report = Violations()
    validate_tenant_count(stack(0, 1, config={"maxEasyMailArchiveTenants": 0}), report)
    assert report == [
        "stack dev: 1 Easy Mail Archive tenant (archive-00), over maxEasyMailArchiveTenants=0; "
        "remove tenants or raise maxEasyMailArchiveTenants in the policy config"
    ]


def test_without_config_the_defaults_apply_and_long_lists_are_cut() -> None:
    report = Violations()
    mail_limit, archive_limit = int(MAX_MAILBUX_TENANTS.default), int(MAX_EMA_TENANTS.default)

    validate_tenant_count(stack(mail_limit, archive_limit), report)
    assert report == []

    validate_tenant_count(stack(mail_limit + 1, 0), report)
    [line] = report
    assert line.startswith(f"stack dev: {mail_limit + 1} Mailbux tenants (mail-00, mail-01,")
    assert f"mail-09 and {mail_limit + 1 - 10} more), over maxMailbuxTenants={mail_limit};" in line
