"""tenants-protected on hand-built arguments, as the engine builds them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest
from pulumi_policy import ResourceValidationArgs

from pulumi_resellertenant.policy.protection import validate_protected
from support.policy_args import EMA, MAILBUX, Violations, resource_args


def tenant(
    stack: str,
    *,
    protect: bool = False,
    type_token: str = MAILBUX,
    config: Mapping[str, Any] | None = None,
) -> ResourceValidationArgs:
    props = {"__provider": "gASV", "quota_gb": 5.0, "tenant_id": None}
    return resource_args(type_token, props, "acme", stack=stack, protect=protect, config=config)


@pytest.mark.parametrize(("type_token", "kind"), [(MAILBUX, "Mailbux"), (EMA, "Easy Mail Archive")])
def test_an_unprotected_tenant_in_a_production_stack_names_tenant_stack_and_knob(
    type_token: str, kind: str
) -> None:
    report = Violations()

    validate_protected(tenant("prod", type_token=type_token), report)

    assert report == [
        f"{kind} tenant acme in stack prod has protect=False, but stacks matching stackPattern "
        "'(^|[-_.])prod(uction)?($|[-_.])' need it; add opts=pulumi.ResourceOptions(protect=True) "
        "or change stackPattern in the policy config"
    ]


@pytest.mark.parametrize("stack", ["prod", "production", "prod-eu", "eu-production", "acme.prod"])
def test_the_default_pattern_takes_these_as_production(stack: str) -> None:
    report = Violations()
    validate_protected(tenant(stack), report)
    validate_protected(tenant(stack, protect=True), report)
    assert len(report) == 1


@pytest.mark.parametrize("stack", ["dev", "staging", "preprod", "product-demo", "reproduction"])
def test_the_default_pattern_leaves_other_stacks_alone(stack: str) -> None:
    report = Violations()
    validate_protected(tenant(stack), report)
    assert report == []


def test_the_stack_pattern_is_configurable() -> None:
    report = Violations()
    config = {"stackPattern": "^live$"}
    validate_protected(tenant("prod", config=config), report)
    validate_protected(tenant("live", config=config), report)
    [line] = report
    assert line.startswith("Mailbux tenant acme in stack live has protect=False")
    assert "stackPattern '^live$'" in line


def test_other_resource_types_are_not_checked() -> None:
    report = Violations()
    for type_token in ("pulumi:pulumi:Stack", "pulumi:providers:pulumi-python"):
        validate_protected(tenant("prod", type_token=type_token), report)
    assert report == []


def test_a_stack_pattern_that_does_not_compile_is_reported_not_raised() -> None:
    report = Violations()
    validate_protected(tenant("prod", config={"stackPattern": "[prod"}), report)
    [line] = report
    assert line.startswith("cannot check stack 'prod': stackPattern '[prod' is not a regular")
