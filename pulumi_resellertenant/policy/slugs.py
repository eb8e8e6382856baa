"""Easy Mail Archive slugs follow the reseller's naming rule, e.g. a brand prefix.

Advisory by default: a slug outside the convention costs nothing. The default pattern is the
slug rule (``easymailarchive.models.SLUG_REGEX``, written out so that the pack loads no API
code; a unit test holds them equal), so the policy is quiet until a reseller sets theirs.
"""

from __future__ import annotations

from pulumi_policy import (
    EnforcementLevel,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
)

from .knobs import BadPattern, Knob, config_schema, pattern_knob
from .values import EMA_TYPES, read_text

__all__ = ["PATTERN", "SLUG_PATTERN", "validate_slug"]

PATTERN = Knob(
    "pattern",
    r"^[a-z0-9][a-z0-9-]{1,46}[a-z0-9]$",
    "Python regular expression every slug must match (re.search: anchor it with ^ and $), "
    "e.g. ^acme- for a brand prefix",
)


def validate_slug(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    if args.resource_type not in EMA_TYPES:
        return
    slug = read_text(args.resource_type, args.props, "slug")
    if not isinstance(slug, str):
        return  # unknown until up, or refused by the provider's check
    try:
        pattern = pattern_knob(args.get_config(), PATTERN)
    except BadPattern as error:
        report_violation(f"cannot check slug {slug!r}: {error}; fix pattern", None)
        return
    if pattern.search(slug) is None:
        report_violation(
            f"Easy Mail Archive tenant {args.name}: slug {slug!r} does not match "
            f"pattern {pattern.pattern!r}; choose a matching slug (changing a slug replaces "
            "the tenant) or change pattern in the policy config",
            None,
        )


SLUG_PATTERN = ResourceValidationPolicy(
    name="easymailarchive-slug-pattern",
    description="Easy Mail Archive slugs match the configured pattern.",
    validate=validate_slug,
    enforcement_level=EnforcementLevel.ADVISORY,
    config_schema=config_schema(PATTERN),
)
