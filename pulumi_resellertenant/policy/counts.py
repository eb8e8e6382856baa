"""How many tenants of each API one stack may declare.

Mandatory by default: every tenant is billed, and Mailbux caps an account's tenant count.
"""

from __future__ import annotations

from pulumi_policy import (
    EnforcementLevel,
    ReportViolation,
    StackValidationArgs,
    StackValidationPolicy,
)

from .knobs import Knob, config_schema, int_knob
from .values import EMA_TYPES, MAILBUX_TYPES, TENANT_KINDS, stack_name

__all__ = [
    "MAX_EMA_TENANTS",
    "MAX_MAILBUX_TENANTS",
    "TENANT_COUNT",
    "validate_tenant_count",
]

MAX_MAILBUX_TENANTS = Knob(
    "maxMailbuxTenants", 100, "Most Mailbux tenants one stack may declare (0: none)"
)
MAX_EMA_TENANTS = Knob(
    "maxEasyMailArchiveTenants",
    100,
    "Most Easy Mail Archive tenants one stack may declare (0: none)",
)
_KNOBS = {MAILBUX_TYPES: MAX_MAILBUX_TENANTS, EMA_TYPES: MAX_EMA_TENANTS}
"""Each API's type tokens (both faces count together) and its knob."""
_LISTED = 10
"""How many tenant names a message lists; the rest are counted."""


def validate_tenant_count(args: StackValidationArgs, report_violation: ReportViolation) -> None:
    config = args.get_config()
    for type_tokens, knob in _KNOBS.items():
        tenants = sorted(
            (r for r in args.resources if r.resource_type in type_tokens), key=lambda r: r.name
        )
        limit = int_knob(config, knob)
        if len(tenants) <= limit:
            continue
        names = ", ".join(r.name for r in tenants[:_LISTED])
        if len(tenants) > _LISTED:
            names += f" and {len(tenants) - _LISTED} more"
        plural = "s" if len(tenants) > 1 else ""
        kind = TENANT_KINDS[tenants[0].resource_type]
        report_violation(
            f"stack {stack_name(tenants[0].urn)}: {len(tenants)} {kind} "
            f"tenant{plural} ({names}), over {knob.name}={limit}; remove tenants or raise "
            f"{knob.name} in the policy config",
            None,
        )


TENANT_COUNT = StackValidationPolicy(
    name="tenant-count",
    description=(
        "A stack declares at most maxMailbuxTenants Mailbux and maxEasyMailArchiveTenants "
        "Easy Mail Archive tenants."
    ),
    validate=validate_tenant_count,
    enforcement_level=EnforcementLevel.MANDATORY,
    config_schema=config_schema(MAX_MAILBUX_TENANTS, MAX_EMA_TENANTS),
)
