"""Tenants of production stacks carry `protect`, so no deployment deletes them by accident.

Deleting a Mailbux tenant terminates its mailboxes; protect makes the engine refuse that
until someone removes the option on purpose. Advisory by default (a missing option costs
nothing until a delete); `limits.json` in examples/policy makes it mandatory.
"""

from __future__ import annotations

from pulumi_policy import (
    EnforcementLevel,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
)

from .knobs import BadPattern, Knob, config_schema, pattern_knob
from .values import TENANT_KINDS, stack_name

__all__ = ["PROTECTED", "STACK_PATTERN", "validate_protected"]

STACK_PATTERN = Knob(
    "stackPattern",
    r"(^|[-_.])prod(uction)?($|[-_.])",
    "Python regular expression (re.search) for the names of stacks whose tenants must have "
    "protect; the default matches prod, production, prod-eu, eu-production",
)


def validate_protected(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    kind = TENANT_KINDS.get(args.resource_type)
    if kind is None or args.opts.protect:
        return
    stack = stack_name(args.urn)
    try:
        pattern = pattern_knob(args.get_config(), STACK_PATTERN)
    except BadPattern as error:
        report_violation(f"cannot check stack {stack!r}: {error}; fix stackPattern", None)
        return
    if pattern.search(stack) is not None:
        report_violation(
            f"{kind} tenant {args.name} in stack {stack} has protect=False, but stacks "
            f"matching stackPattern {pattern.pattern!r} need it; add "
            "opts=pulumi.ResourceOptions(protect=True) or change stackPattern in the policy "
            "config",
            None,
        )


PROTECTED = ResourceValidationPolicy(
    name="tenants-protected",
    description="Tenants in stacks whose name matches stackPattern have protect=True.",
    validate=validate_protected,
    enforcement_level=EnforcementLevel.ADVISORY,
    config_schema=config_schema(STACK_PATTERN),
)
