"""Mailbux quota limits: per tenant, and in total over a stack.

Both are mandatory by default: quota a tenant holds is taken from the reseller's paid pool.
"""

from __future__ import annotations

from pulumi_policy import (
    EnforcementLevel,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)

from .knobs import Knob, config_schema, int_knob
from .values import MAILBUX_TYPES, Unknown, read_number, stack_name, whole

__all__ = [
    "MAX_QUOTA_GB",
    "MAX_TOTAL_QUOTA_GB",
    "PER_TENANT",
    "TOTAL",
    "validate_tenant_quota",
    "validate_total_quota",
]

MAX_QUOTA_GB = Knob(
    "maxQuotaGb",
    50,
    "Largest quota_gb one Mailbux tenant may have, in GB (ten times the usual 5 GB mailbox)",
    minimum=1,
)
MAX_TOTAL_QUOTA_GB = Knob(
    "maxTotalQuotaGb",
    500,
    "Largest sum of quota_gb over the Mailbux tenants of one stack, in GB",
)
_LISTED = 5
"""How many tenants a total's message names, largest first; the rest are counted."""


def validate_tenant_quota(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    if args.resource_type not in MAILBUX_TYPES:
        return
    quota = read_number(args.resource_type, args.props, "quota_gb")
    if quota is None or isinstance(quota, Unknown):
        return  # unknown until up (checked again then), or refused by the provider's check
    limit = int_knob(args.get_config(), MAX_QUOTA_GB)
    if quota > limit:
        report_violation(
            f"Mailbux tenant {args.name}: quota_gb={whole(quota)} is over "
            f"maxQuotaGb={limit}; lower quota_gb or raise maxQuotaGb in the policy config",
            None,
        )


def validate_total_quota(args: StackValidationArgs, report_violation: ReportViolation) -> None:
    tenants = [r for r in args.resources if r.resource_type in MAILBUX_TYPES]
    if not tenants:
        return
    known: list[tuple[str, float]] = []
    unknown: list[str] = []
    for tenant in tenants:
        quota = read_number(tenant.resource_type, tenant.props, "quota_gb")
        if isinstance(quota, Unknown):
            unknown.append(tenant.name)
        elif quota is not None:
            known.append((tenant.name, quota))
    total = sum(quota for _, quota in known)
    limit = int_knob(args.get_config(), MAX_TOTAL_QUOTA_GB)
    if total <= limit:
        return
    known.sort(key=lambda item: (-item[1], item[0]))
    shares = ", ".join(f"{name}={whole(quota)}" for name, quota in known[:_LISTED])
    if len(known) > _LISTED:
        shares += f" and {len(known) - _LISTED} more"
    not_counted = ""
    if unknown:
        whose = f"{len(unknown)} tenants' quotas are" if len(unknown) > 1 else "1 tenant's quota is"
        not_counted = f"; {whose} unknown until up and not counted ({', '.join(sorted(unknown))})"
    report_violation(
        f"stack {stack_name(tenants[0].urn)}: Mailbux quotas total {whole(total)} GB "
        f"({shares}), over maxTotalQuotaGb={limit}{not_counted}; lower quota_gb or raise "
        "maxTotalQuotaGb in the policy config",
        None,
    )


PER_TENANT = ResourceValidationPolicy(
    name="mailbux-quota-per-tenant",
    description="A Mailbux tenant's quota_gb stays within maxQuotaGb.",
    validate=validate_tenant_quota,
    enforcement_level=EnforcementLevel.MANDATORY,
    config_schema=config_schema(MAX_QUOTA_GB),
)

TOTAL = StackValidationPolicy(
    name="mailbux-total-quota",
    description="The Mailbux tenants of a stack hold at most maxTotalQuotaGb of quota in total.",
    validate=validate_total_quota,
    enforcement_level=EnforcementLevel.MANDATORY,
    config_schema=config_schema(MAX_TOTAL_QUOTA_GB),
)
