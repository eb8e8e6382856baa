"""The policies judge the provider plugin's tenants (`resellertenant:mailbux:Tenant`, camelCase
properties, no pickled provider) exactly as they judge the dynamic ones: each test gives both
faces the same tenants and expects the same verdicts, and stacks may mix the faces."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import pytest
from pulumi_policy import PolicyResource, ResourceValidationArgs, StackValidationArgs
from pulumi_policy.proxy import unknown_checking_proxy

from pulumi_resellertenant.policy.counts import validate_tenant_count
from pulumi_resellertenant.policy.protection import validate_protected
from pulumi_resellertenant.policy.quota import validate_tenant_quota, validate_total_quota
from pulumi_resellertenant.policy.slugs import validate_slug
from pulumi_resellertenant.policy.values import TENANT_KINDS, Unknown, read_number, read_text
from support.policy_args import EMA, MAILBUX, UNKNOWN, Violations, resource_args, stack_resource

PLUGIN_MAILBUX = "resellertenant:mailbux:Tenant"
PLUGIN_EMA = "resellertenant:easymailarchive:Tenant"
OTHERS = (
    "pulumi:pulumi:Stack",
    "pulumi:providers:resellertenant",
    "pulumi:providers:pulumi-python",
    "resellertenant:mailbux:Other",
)


def dynamic_mailbux(quota: Any) -> dict[str, Any]:
    """A dynamic Mailbux tenant's props as the engine sends them: snake_case, the pickle."""
    return {
        "__provider": "gASV",
        "quota_gb": quota,
        "suspended": False,
        "deletion_policy": "terminate",
        "tenant_password": None,
    }


def plugin_mailbux(quota: Any) -> dict[str, Any]:
    """The plugin's Mailbux tenant's props: camelCase, no pickle."""
    return {
        "quotaGb": quota,
        "suspended": False,
        "deletionPolicy": "terminate",
        "tenantPassword": None,
    }


def dynamic_archive(slug: Any) -> dict[str, Any]:
    return {"__provider": "gASV", "slug": slug, "name": "Acme", "adopt_existing": False}


def plugin_archive(slug: Any) -> dict[str, Any]:
    return {"slug": slug, "name": "Acme", "adoptExisting": False}


Props = Callable[[Any], dict[str, Any]]
MAILBUX_FACES = pytest.mark.parametrize(
    ("type_token", "props"),
    [(MAILBUX, dynamic_mailbux), (PLUGIN_MAILBUX, plugin_mailbux)],
    ids=["dynamic", "plugin"],
)
ARCHIVE_FACES = pytest.mark.parametrize(
    ("type_token", "props"),
    [(EMA, dynamic_archive), (PLUGIN_EMA, plugin_archive)],
    ids=["dynamic", "plugin"],
)


def judged(
    validate: Callable[[ResourceValidationArgs, Violations], None],
    type_token: str,
    props: Mapping[str, Any],
    *,
    stack: str = "dev",
    config: Mapping[str, Any] | None = None,
) -> Violations:
    report = Violations()
    validate(resource_args(type_token, props, "acme", stack=stack, config=config), report)
    return report


# --- reading camelCase properties ---------------------------------------------------------


@pytest.mark.parametrize("wrap", [unknown_checking_proxy, dict], ids=["engine-proxy", "plain"])
def test_a_snake_case_name_reads_the_plugins_camel_case_property(
    wrap: Callable[[dict[str, Any]], Mapping[str, Any]],
) -> None:
    props = wrap({**plugin_mailbux(5.0), "adoptTenantId": UNKNOWN, "deletionPolicy": "suspend"})

    assert read_number(PLUGIN_MAILBUX, props, "quota_gb") == 5.0
    assert read_text(PLUGIN_MAILBUX, props, "deletion_policy") == "suspend"
    assert read_text(PLUGIN_MAILBUX, props, "adopt_tenant_id") is Unknown.VALUE
    assert read_number(PLUGIN_MAILBUX, props, "email_count") is None  # absent under either name


def test_both_faces_tokens_name_the_same_kinds() -> None:
    assert TENANT_KINDS[PLUGIN_MAILBUX] == TENANT_KINDS[MAILBUX] == "Mailbux"
    assert TENANT_KINDS[PLUGIN_EMA] == TENANT_KINDS[EMA] == "Easy Mail Archive"
    assert not set(OTHERS) & set(TENANT_KINDS)


# --- mailbux-quota-per-tenant ------------------------------------------------------------


@MAILBUX_FACES
def test_a_quota_over_the_limit_is_reported_as_for_the_dynamic_tenant(
    type_token: str, props: Props
) -> None:
    config = {"maxQuotaGb": 50.0}

    report = judged(validate_tenant_quota, type_token, props(80.0), config=config)

    assert report == judged(validate_tenant_quota, MAILBUX, dynamic_mailbux(80.0), config=config)
    [line] = report
    assert line.startswith("Mailbux tenant acme: ")
    assert "=80 is over maxQuotaGb=50" in line


@MAILBUX_FACES
@pytest.mark.parametrize("quota", [50.0, 1.0, UNKNOWN, "fifty", True])
def test_a_quota_within_the_limit_unknown_or_not_a_number_passes(
    type_token: str, props: Props, quota: Any
) -> None:
    # Unknown: checked again at up; not a number: the provider's check names the field.
    assert judged(validate_tenant_quota, type_token, props(quota), config={"maxQuotaGb": 50}) == []


def test_an_archive_tenant_of_the_plugin_has_no_quota_to_judge() -> None:
    props = {**plugin_archive("acme-corp"), "quotaGb": 900.0}
    assert judged(validate_tenant_quota, PLUGIN_EMA, props, config={"maxQuotaGb": 1}) == []


# --- mailbux-total-quota -----------------------------------------------------------------


def stack_of(
    *resources: PolicyResource, config: Mapping[str, Any] | None = None
) -> StackValidationArgs:
    others = [stack_resource(token, {}, f"other-{n}") for n, token in enumerate(OTHERS)]
    return StackValidationArgs([*others, *resources], config)


def test_the_total_counts_both_faces_tenants_together() -> None:
    report = Violations()
    tenants = [
        stack_resource(MAILBUX, dynamic_mailbux(30.0), "dyn-big"),
        stack_resource(PLUGIN_MAILBUX, plugin_mailbux(40.0), "plug-big"),
        stack_resource(PLUGIN_MAILBUX, plugin_mailbux(UNKNOWN), "plug-later"),
        stack_resource(PLUGIN_EMA, {**plugin_archive("acme-corp"), "quotaGb": 500.0}, "ema"),
    ]

    validate_total_quota(stack_of(*tenants, config={"maxTotalQuotaGb": 60.0}), report)

    assert report == [
        "stack dev: Mailbux quotas total 70 GB (plug-big=40, dyn-big=30), over "
        "maxTotalQuotaGb=60; 1 tenant's quota is unknown until up and not counted "
        "(plug-later); lower quota_gb or raise maxTotalQuotaGb in the policy config"
    ]


def test_a_plugin_only_stack_is_judged_as_a_dynamic_only_one() -> None:
    verdicts = []
    for token, props in [(MAILBUX, dynamic_mailbux), (PLUGIN_MAILBUX, plugin_mailbux)]:
        report = Violations()
        tenants = [stack_resource(token, props(q), f"t{q:g}") for q in (10.0, 20.0, 25.0)]
        validate_total_quota(stack_of(*tenants, config={"maxTotalQuotaGb": 50}), report)
        validate_total_quota(stack_of(*tenants, config={"maxTotalQuotaGb": 55}), report)
        verdicts.append(report)
    assert verdicts[0] == verdicts[1]
    [line] = verdicts[1]
    assert "Mailbux quotas total 55 GB (t25=25, t20=20, t10=10), over maxTotalQuotaGb=50" in line


# --- tenant-count ------------------------------------------------------------------------


def test_tenants_of_both_faces_count_against_one_limit() -> None:
    report = Violations()
    tenants = [
        stack_resource(MAILBUX, dynamic_mailbux(1.0), "mail-a"),
        stack_resource(PLUGIN_MAILBUX, plugin_mailbux(1.0), "mail-b"),
        stack_resource(PLUGIN_MAILBUX, plugin_mailbux(1.0), "mail-c"),
        stack_resource(EMA, dynamic_archive("one"), "archive-a"),
        stack_resource(PLUGIN_EMA, plugin_archive("two"), "archive-b"),
    ]
    config = {"maxMailbuxTenants": 2.0, "maxEasyMailArchiveTenants": 2.0}

    validate_tenant_count(stack_of(*tenants, config=config), report)

    assert report == [
        "stack dev: 3 Mailbux tenants (mail-a, mail-b, mail-c), over maxMailbuxTenants=2; "
        "remove tenants or raise maxMailbuxTenants in the policy config"
    ]


def test_plugin_only_tenants_over_the_limit_are_named_by_their_kind() -> None:
    report = Violations()
    tenants = [stack_resource(PLUGIN_EMA, plugin_archive(f"s-{n}"), f"a{n}") for n in range(2)]

    validate_tenant_count(stack_of(*tenants, config={"maxEasyMailArchiveTenants": 1}), report)
    validate_tenant_count(stack_of(*tenants, config={"maxEasyMailArchiveTenants": 2}), report)

    assert report == [
        "stack dev: 2 Easy Mail Archive tenants (a0, a1), over maxEasyMailArchiveTenants=1; "
        "remove tenants or raise maxEasyMailArchiveTenants in the policy config"
    ]


# --- easymailarchive-slug-pattern ---------------------------------------------------------


@ARCHIVE_FACES
def test_a_slug_outside_the_pattern_is_reported_as_for_the_dynamic_tenant(
    type_token: str, props: Props
) -> None:
    config = {"pattern": "^brand-"}

    report = judged(validate_slug, type_token, props("acme-corp"), config=config)

    assert report == judged(validate_slug, EMA, dynamic_archive("acme-corp"), config=config)
    [line] = report
    assert line.startswith("Easy Mail Archive tenant acme: slug 'acme-corp' does not match")


@ARCHIVE_FACES
@pytest.mark.parametrize("slug", ["brand-acme", UNKNOWN, None])
def test_a_matching_or_unknown_slug_passes(type_token: str, props: Props, slug: Any) -> None:
    assert judged(validate_slug, type_token, props(slug), config={"pattern": "^brand-"}) == []


def test_a_plugin_mailbux_tenant_has_no_slug_to_judge() -> None:
    props = {**plugin_mailbux(1.0), "slug": "not-a-brand"}
    assert judged(validate_slug, PLUGIN_MAILBUX, props, config={"pattern": "^brand-"}) == []


# --- tenants-protected -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("type_token", "props", "twin"),
    [
        (PLUGIN_MAILBUX, plugin_mailbux(5.0), (MAILBUX, dynamic_mailbux(5.0))),
        (PLUGIN_EMA, plugin_archive("acme-corp"), (EMA, dynamic_archive("acme-corp"))),
    ],
    ids=["mailbux", "easymailarchive"],
)
def test_an_unprotected_plugin_tenant_in_production_is_reported_as_a_dynamic_one(
    type_token: str, props: dict[str, Any], twin: tuple[str, dict[str, Any]]
) -> None:
    report = judged(validate_protected, type_token, props, stack="prod")

    assert report == judged(validate_protected, *twin, stack="prod")
    assert len(report) == 1
    assert report[0].startswith(f"{TENANT_KINDS[type_token]} tenant acme in stack prod")
    assert judged(validate_protected, type_token, props, stack="dev") == []


def test_a_protected_plugin_tenant_and_other_plugin_resources_pass() -> None:
    report = Violations()
    validate_protected(
        resource_args(PLUGIN_MAILBUX, plugin_mailbux(5.0), "acme", stack="prod", protect=True),
        report,
    )
    for token in OTHERS:
        validate_protected(resource_args(token, {}, "other", stack="prod"), report)
    assert report == []
