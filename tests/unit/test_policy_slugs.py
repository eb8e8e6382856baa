"""easymailarchive-slug-pattern on hand-built arguments, as the engine builds them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest
from pulumi_policy import ResourceValidationArgs

from pulumi_resellertenant.policy.slugs import PATTERN, validate_slug
from support.policy_args import EMA, MAILBUX, UNKNOWN, Violations, resource_args


def archive(
    slug: Any, *, config: Mapping[str, Any] | None = None, type_token: str = EMA
) -> ResourceValidationArgs:
    props = {"__provider": "gASV", "slug": slug, "name": "Acme", "suspended": False, "status": None}
    if slug is None:
        del props["slug"]
    return resource_args(type_token, props, "acme-archive", config=config)


def test_a_slug_outside_the_pattern_names_tenant_slug_pattern_and_knob() -> None:
    report = Violations()

    validate_slug(archive("acme-corp", config={"pattern": "^brand-"}), report)

    assert report == [
        "Easy Mail Archive tenant acme-archive: slug 'acme-corp' does not match pattern "
        "'^brand-'; choose a matching slug (changing a slug replaces the tenant) or change "
        "pattern in the policy config"
    ]


@pytest.mark.parametrize(
    ("slug", "pattern"),
    [("brand-acme", "^brand-"), ("acme-corp-archive", "-archive$"), ("x-brand-y", "brand")],
)
def test_a_matching_slug_passes_searching_not_only_at_the_start(slug: str, pattern: str) -> None:
    report = Violations()
    validate_slug(archive(slug, config={"pattern": pattern}), report)
    assert report == []


def test_the_default_pattern_is_the_apis_slug_rule() -> None:
    report = Violations()
    for slug in ("acme-corp", "abc", "a" * 48, "007"):
        validate_slug(archive(slug), report)
    assert report == []
    for slug in ("ab", "a" * 49, "-acme", "acme-", "Acme"):
        validate_slug(archive(slug), report)
    assert len(report) == 5
    assert all(PATTERN.default in line for line in report)


@pytest.mark.parametrize("slug", [UNKNOWN, None, 42.0], ids=["unknown", "missing", "number"])
def test_unknown_missing_or_non_text_slugs_are_skipped(slug: Any) -> None:
    report = Violations()
    validate_slug(archive(slug, config={"pattern": "^never$"}), report)
    assert report == []


def test_other_resource_types_are_not_checked() -> None:
    report = Violations()
    validate_slug(archive("acme-corp", config={"pattern": "^never$"}, type_token=MAILBUX), report)
    assert report == []


def test_a_pattern_that_does_not_compile_is_reported_not_raised() -> None:
    report = Violations()
    validate_slug(archive("acme-corp", config={"pattern": "acme-("}), report)
    [line] = report
    assert line.startswith("cannot check slug 'acme-corp': pattern 'acme-(' is not a regular")
    assert line.endswith("; fix pattern")
