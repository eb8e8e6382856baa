"""mailbux-quota-per-tenant and mailbux-total-quota on hand-built arguments, as the
engine builds them: props behind pulumi_policy's unknown-checking proxy, numbers as floats."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest
from pulumi_policy import ResourceValidationArgs, StackValidationArgs

from pulumi_resellertenant.policy.quota import (
    MAX_QUOTA_GB,
    MAX_TOTAL_QUOTA_GB,
    validate_tenant_quota,
    validate_total_quota,
)
from support.policy_args import EMA, MAILBUX, UNKNOWN, Violations, resource_args, stack_resource


def mailbux_props(quota: Any) -> dict[str, Any]:
    return {
        "__provider": "gASVdAAAAAAAAACM",
        "quota_gb": quota,
        "suspended": False,
        "deletion_policy": "terminate",
        "tenant_password": None,
    }


def tenant_args(
    props: dict[str, Any], *, type_token: str = MAILBUX, config: Mapping[str, Any] | None = None
) -> ResourceValidationArgs:
    return resource_args(type_token, props, "acme-mail", config=config)


def stack_args(
    tenants: dict[str, Any], *, stack: str = "dev", config: Mapping[str, Any] | None = None
) -> StackValidationArgs:
    """A stack of Mailbux tenants NAME: quota, plus the resources every stack has."""
    resources = [
        stack_resource("pulumi:pulumi:Stack", {}, "t", stack),
        stack_resource(EMA, {"slug": "acme-corp", "name": "Acme"}, "archive", stack),
    ]
    resources += [
        stack_resource(MAILBUX, mailbux_props(quota), name, stack)
        for name, quota in tenants.items()
    ]
    return StackValidationArgs(resources, config)


# --- mailbux-quota-per-tenant --------------------------------------------------------------


def test_a_quota_over_the_limit_names_tenant_value_limit_and_knob() -> None:
    report = Violations()

    validate_tenant_quota(tenant_args(mailbux_props(80.0), config={"maxQuotaGb": 50.0}), report)

    assert report == [
        "Mailbux tenant acme-mail: quota_gb=80 is over maxQuotaGb=50; lower quota_gb or "
        "raise maxQuotaGb in the policy config"
    ]


@pytest.mark.parametrize("quota", [50.0, 1.0, 50])
def test_a_quota_up_to_the_limit_passes(quota: float) -> None:
    report = Violations()
    validate_tenant_quota(tenant_args(mailbux_props(quota), config={"maxQuotaGb": 50.0}), report)
    assert report == []


def test_without_config_the_default_limit_applies() -> None:
    report = Violations()
    limit = float(MAX_QUOTA_GB.default)

    validate_tenant_quota(tenant_args(mailbux_props(limit)), report)
    validate_tenant_quota(tenant_args(mailbux_props(limit + 1)), report)

    assert report == [
        f"Mailbux tenant acme-mail: quota_gb={int(limit) + 1} is over maxQuotaGb={int(limit)}; "
        "lower quota_gb or raise maxQuotaGb in the policy config"
    ]


@pytest.mark.parametrize(
    "props",
    [
        mailbux_props(UNKNOWN),  # from another resource's output, during preview
        mailbux_props(None),
        mailbux_props(True),
        mailbux_props("500"),
        {"__provider": "gASV", "suspended": False},
    ],
    ids=["unknown", "none", "bool", "text", "missing"],
)
def test_unknown_missing_or_non_numbers_are_skipped(props: dict[str, Any]) -> None:
    report = Violations()
    validate_tenant_quota(tenant_args(props, config={"maxQuotaGb": 1.0}), report)
    assert report == []


def test_other_resource_types_are_not_checked() -> None:
    report = Violations()
    for type_token in (EMA, "pulumi:providers:pulumi-python", "pulumi:pulumi:Stack"):
        validate_tenant_quota(
            tenant_args(mailbux_props(999.0), type_token=type_token, config={"maxQuotaGb": 1.0}),
            report,
        )
    assert report == []


def test_a_fractional_quota_is_reported_as_written() -> None:
    report = Violations()
    validate_tenant_quota(tenant_args(mailbux_props(2.5), config={"maxQuotaGb": 2.0}), report)
    assert report[0].startswith("Mailbux tenant acme-mail: quota_gb=2.5 is over maxQuotaGb=2;")


# --- mailbux-total-quota -------------------------------------------------------------------


def test_a_total_over_the_budget_names_stack_total_tenants_limit_and_knob() -> None:
    report = Violations()

    validate_total_quota(
        stack_args(
            {"small": 10.0, "big": 80.0, "mid": 20.0},
            stack="prod",
            config={"maxTotalQuotaGb": 100.0},
        ),
        report,
    )

    assert report == [
        "stack prod: Mailbux quotas total 110 GB (big=80, mid=20, small=10), over "
        "maxTotalQuotaGb=100; lower quota_gb or raise maxTotalQuotaGb in the policy config"
    ]


def test_a_total_up_to_the_budget_passes_and_so_does_a_stack_without_mailbux() -> None:
    report = Violations()
    validate_total_quota(
        stack_args({"a": 60.0, "b": 40.0}, config={"maxTotalQuotaGb": 100}), report
    )
    validate_total_quota(stack_args({}, config={"maxTotalQuotaGb": 0}), report)
    assert report == []


def test_unknown_quotas_are_not_counted_and_the_message_says_how_many() -> None:
    report = Violations()
    args = stack_args(
        {"known": 30.0, "later": UNKNOWN, "also-later": UNKNOWN}, config={"maxTotalQuotaGb": 20}
    )

    validate_total_quota(args, report)

    assert report == [
        "stack dev: Mailbux quotas total 30 GB (known=30), over maxTotalQuotaGb=20; 2 tenants' "
        "quotas are unknown until up and not counted (also-later, later); lower quota_gb or "
        "raise maxTotalQuotaGb in the policy config"
    ]


def test_one_unknown_quota_is_told_in_the_singular_and_known_ones_within_pass() -> None:
    report = Violations()
    validate_total_quota(
        stack_args({"a": 5.0, "b": UNKNOWN}, config={"maxTotalQuotaGb": 5}), report
    )
    validate_total_quota(
        stack_args({"a": 6.0, "b": UNKNOWN}, config={"maxTotalQuotaGb": 5}), report
    )
    assert len(report) == 1
    assert "; 1 tenant's quota is unknown until up and not counted (b);" in report[0]


def test_a_long_list_names_the_largest_five_and_counts_the_rest() -> None:
    report = Violations()
    tenants = {f"t{n:02d}": float(n) for n in range(1, 9)}

    validate_total_quota(stack_args(tenants, config={"maxTotalQuotaGb": 10}), report)

    assert "total 36 GB (t08=8, t07=7, t06=6, t05=5, t04=4 and 3 more)," in report[0]


def test_without_config_the_default_budget_applies() -> None:
    report = Violations()
    budget = float(MAX_TOTAL_QUOTA_GB.default)
    validate_total_quota(stack_args({"a": budget}), report)
    validate_total_quota(stack_args({"a": budget, "b": 1.0}), report)
    assert len(report) == 1
    assert f"over maxTotalQuotaGb={int(budget)};" in report[0]


def test_a_tenant_without_a_numeric_quota_is_neither_counted_nor_unknown() -> None:
    report = Violations()

    validate_total_quota(
        stack_args({"a": 60.0, "b": None, "c": "7"}, config={"maxTotalQuotaGb": 50}), report
    )

    assert report == [
        "stack dev: Mailbux quotas total 60 GB (a=60), over maxTotalQuotaGb=50; lower quota_gb "
        "or raise maxTotalQuotaGb in the policy config"
    ]
