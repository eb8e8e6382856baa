"""Request and answer models of both APIs, whole-number coercion and the slug rule."""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from pulumi_resellertenant.core.transport._errors import InvalidInputError, UnexpectedResponseError
from pulumi_resellertenant.core.transport._models import (
    PositiveWholeNumber,
    WholeNumber,
    build_request,
    parse_answer,
    unwrap_data,
)
from pulumi_resellertenant.easymailarchive import models as ema
from pulumi_resellertenant.easymailarchive.models import (
    ArchiveTenant,
    TenantPage,
    TenantUsage,
    slug_problem,
)
from pulumi_resellertenant.easymailarchive.tenant_models import EasyMailArchiveTenantArgs
from pulumi_resellertenant.mailbux import models as mbx
from pulumi_resellertenant.mailbux.models import CreatedTenant, MailbuxTenant, ResellerOverview
from pulumi_resellertenant.mailbux.tenant_models import MailbuxTenantArgs


class Numbers(BaseModel):
    whole: WholeNumber = 0
    positive: PositiveWholeNumber = 1


# --- whole numbers -------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "expected"), [(5.0, 5), (5, 5), ("5", 5), (0.0, 0), (-3.0, -3)])
def test_whole_number_accepts_integral_values(value: Any, expected: int) -> None:
    parsed = Numbers(whole=value).whole
    assert parsed == expected
    assert type(parsed) is int


@pytest.mark.parametrize("value", [5.5, True, False, "five", None, float("nan"), float("inf")])
def test_whole_number_refuses(value: Any) -> None:
    with pytest.raises(ValidationError):
        Numbers(whole=value)


@pytest.mark.parametrize("value", [0, 0.0, -1, -2.0, 2.5, True])
def test_positive_whole_number_refuses(value: Any) -> None:
    with pytest.raises(ValidationError):
        Numbers(positive=value)


def test_positive_whole_number_accepts_a_float_from_pulumi() -> None:
    assert Numbers(positive=5.0).positive == 5


# --- requests ------------------------------------------------------------------------------


def test_build_request_coerces_before_sending() -> None:
    assert build_request(mbx.CreateTenantRequest, quota_gb=5.0) == {"quota_gb": 5}
    assert build_request(mbx.QuotaUpdateRequest, quota_gb=12) == {"quota_gb": 12}
    assert build_request(ema.CreateTenantRequest, slug="acme-corp", name="Acme") == {
        "slug": "acme-corp",
        "name": "Acme",
    }


@pytest.mark.parametrize(
    ("model", "fields", "named"),
    [
        (mbx.CreateTenantRequest, {"quota_gb": 5.5}, "quota_gb"),
        (mbx.CreateTenantRequest, {"quota_gb": 0}, "quota_gb"),
        (mbx.CreateTenantRequest, {"quota_gb": True}, "quota_gb"),
        (mbx.CreateTenantRequest, {}, "quota_gb"),
        (mbx.CreateTenantRequest, {"quota_gb": 5, "extra": 1}, "extra"),
        (mbx.QuotaUpdateRequest, {"quota_gb": -1}, "quota_gb"),
        (ema.CreateTenantRequest, {"slug": "acme", "name": ""}, "name"),
        (ema.UpdateTenantRequest, {"name": ""}, "name"),
    ],
)
def test_build_request_names_the_refused_field(
    model: type[BaseModel], fields: dict[str, Any], named: str
) -> None:
    with pytest.raises(InvalidInputError, match=named) as info:
        build_request(model, **fields)
    assert isinstance(info.value, ValueError)  # callers may catch it as a plain ValueError


# --- Mailbux answers -----------------------------------------------------------------------


def test_mailbux_tenant_aliases_and_int_ids() -> None:
    tenant = MailbuxTenant.model_validate(
        {"tenant_id": 7, "username": "user1", "name": "user1_tent", "emails_count": 3.0}
    )
    assert tenant.id == "7"
    assert tenant.tenant_username == "user1"
    assert tenant.tenant_name == "user1_tent"
    assert tenant.email_count == 3
    assert tenant.status == "active"
    assert tenant.suspended is False


def test_mailbux_tenant_keeps_unknown_fields() -> None:
    tenant = MailbuxTenant.model_validate(
        {"id": "42", "tenant_username": "u", "status": "Suspended", "domains": ["a.example"]}
    )
    assert tenant.id == "42"
    assert tenant.suspended is True
    assert tenant.model_extra == {"domains": ["a.example"]}


@pytest.mark.parametrize(
    "data",
    [
        {"tenant_username": "u"},  # no id at all
        {"id": True, "tenant_username": "u"},  # a boolean is no id
        {"id": 1, "tenant_username": "u", "email_count": 2.5},
    ],
)
def test_mailbux_tenant_refuses(data: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        MailbuxTenant.model_validate(data)


def test_created_tenant_hides_the_password() -> None:
    # The documented create answer, without an id.
    created = CreatedTenant.model_validate(
        {
            "tenant_username": "user38472615",
            "tenant_name": "user38472615_tent",
            "tenant_password": "a1b2c3d4e5f6",
            "quota_gb": 5,
            "status": "active",
        }
    )
    assert created.id is None
    assert created.tenant_password.get_secret_value() == "a1b2c3d4e5f6"
    assert "a1b2c3d4e5f6" not in repr(created)
    assert "a1b2c3d4e5f6" not in str(created)
    with_id = {"tenant_id": 9, "tenant_username": "u", "tenant_name": "n", "tenant_password": "p"}
    assert CreatedTenant.model_validate({**with_id, "quota_gb": 1.0}).id == "9"


@pytest.mark.parametrize(
    ("data", "available"),
    [
        ({"quota_available_gb": 12, "quota_total_gb": 100, "quota_allocated_gb": 10}, 12),
        ({"total_quota_gb": 100, "allocated_quota_gb": 40}, 60),
        ({"quota_gb": 50, "used_quota_gb": 50.5}, -0.5),
        ({"available_quota_gb": 3.5}, 3.5),
        ({"quota_total_gb": 100}, None),
        ({}, None),
    ],
)
def test_reseller_overview_available_quota(data: dict[str, Any], available: float | None) -> None:
    assert ResellerOverview.model_validate(data).quota_available_gb == available


def test_reseller_overview_aliases() -> None:
    overview = ResellerOverview.model_validate(
        {"plan": "pro", "tenants_count": 4, "max_tenants": 10, "email_count": 12, "x": 1}
    )
    assert (overview.plan, overview.tenant_count, overview.tenant_limit) == ("pro", 4, 10)
    assert overview.model_extra == {"x": 1}


# --- Easy Mail Archive answers -------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "status", "suspended"),
    [
        ({"slug": "acme-corp", "status": "suspended"}, "suspended", True),  # suspend answer
        (
            {"slug": "acme-corp", "name": "Acme Corp International", "status": "active"},
            "active",
            False,
        ),
        ({"slug": "acme-corp"}, None, False),
    ],
)
def test_archive_tenant_partial_answers(
    data: dict[str, Any], status: str | None, suspended: bool
) -> None:
    tenant = ArchiveTenant.model_validate(data)
    assert tenant.slug == "acme-corp"
    assert tenant.status == status
    assert tenant.suspended is suspended
    assert tenant.users_count is None


def test_archive_tenant_show_answer() -> None:
    tenant = ArchiveTenant.model_validate(
        {
            "slug": "acme-corp",
            "name": "Acme Corporation",
            "status": "active",
            "users_count": 25,
            "storage_bytes": 5368709120,
            "messages_count": 142857,
            "created_at": "2025-06-15T10:30:00Z",
            "plan": "gold",
        }
    )
    assert tenant.storage_bytes == 5368709120
    assert tenant.messages_count == 142857
    assert tenant.model_extra == {"plan": "gold"}


def test_tenant_page_meta_defaults() -> None:
    page = TenantPage.model_validate({"data": [{"slug": "a-b"}]})
    assert (page.meta.current_page, page.meta.last_page, page.meta.total) == (1, 1, None)
    page = TenantPage.model_validate(
        {"data": [], "meta": {"current_page": 2.0, "last_page": 3, "total": 41}}
    )
    assert (page.meta.current_page, page.meta.last_page, page.meta.total) == (2, 3, 41)


def test_tenant_usage() -> None:
    usage = TenantUsage.model_validate({"slug": "acme-corp", "users_count": 25})
    assert (usage.users_count, usage.storage_bytes) == (25, None)


# --- answer parsing ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "payload"),
    [
        ({"data": {"slug": "x"}}, {"slug": "x"}),
        ({"data": None}, None),
        ({"success": True}, {"success": True}),
        ([1], [1]),
        (None, None),
    ],
)
def test_unwrap_data(body: Any, payload: Any) -> None:
    assert unwrap_data(body) == payload


def test_parse_answer_turns_a_bad_shape_into_an_api_error() -> None:
    with pytest.raises(UnexpectedResponseError) as info:
        parse_answer(TenantPage, {"data": "nope"}, api="Easy Mail Archive", method="GET", path="/t")
    assert "TenantPage" in str(info.value)
    assert "data" in str(info.value)
    assert str(info.value).startswith("Easy Mail Archive: GET /t failed:")


# --- slugs ---------------------------------------------------------------------------------


@pytest.mark.parametrize("slug", ["acme-corp", "abc", "a1b", "0-9", "a" * 48, "x--y"])
def test_valid_slugs(slug: str) -> None:
    assert slug_problem(slug) is None


@pytest.mark.parametrize(
    ("slug", "problem"),
    [
        ("", "3 to 48 characters"),
        ("ab", "3 to 48 characters"),
        ("a" * 49, "3 to 48 characters"),
        ("Acme", "lowercase"),
        ("acme_corp", "lowercase"),
        ("acme corp", "lowercase"),
        ("acmé", "lowercase"),
        ("acme\n", "lowercase"),
        ("-acme", "hyphen"),
        ("acme-", "hyphen"),
        ("---", "hyphen"),
    ],
)
def test_invalid_slugs(slug: str, problem: str) -> None:
    message = slug_problem(slug)
    assert message is not None
    assert problem in message


VALID_SLUG = r"[a-z0-9][a-z0-9-]{1,46}[a-z0-9]"
SLUG_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789-"


@settings(database=None)
@given(st.from_regex(VALID_SLUG, fullmatch=True))
def test_every_slug_of_the_rule_is_valid(slug: str) -> None:
    assert slug_problem(slug) is None


@settings(database=None)
@given(
    st.text(min_size=3, max_size=48).filter(lambda s: any(c not in SLUG_CHARS for c in s)),
)
def test_any_foreign_character_is_invalid(slug: str) -> None:
    assert slug_problem(slug) is not None


@settings(database=None)
@given(
    st.from_regex(VALID_SLUG, fullmatch=True),
    st.characters().filter(lambda c: c not in SLUG_CHARS),
    st.integers(min_value=0, max_value=48),
)
def test_a_foreign_character_anywhere_makes_a_valid_slug_invalid(
    slug: str, char: str, index: int
) -> None:
    assert slug_problem(slug[:index] + char + slug[index:]) is not None


@settings(database=None)
@given(
    st.text(SLUG_CHARS, max_size=2) | st.text(SLUG_CHARS, min_size=49, max_size=120),
)
def test_lengths_outside_3_to_48_are_invalid(slug: str) -> None:
    assert slug_problem(slug) is not None


@settings(database=None)
@given(st.from_regex(VALID_SLUG, fullmatch=True), st.booleans())
def test_a_hyphen_at_either_end_is_invalid(slug: str, at_start: bool) -> None:
    body = slug[1:] if at_start else slug[:-1]
    assert slug_problem("-" + body if at_start else body + "-") is not None


@settings(database=None)
@given(st.text(st.sampled_from(SLUG_CHARS) | st.characters(), max_size=60))
def test_slug_problem_agrees_with_the_rule(slug: str) -> None:
    # The one-line statement of the rule, against text that is mostly slug characters; the
    # package's own pattern (the policy pack's default) is that statement too.
    matches = re.fullmatch(r"[a-z0-9][a-z0-9-]{1,46}[a-z0-9]", slug) is not None
    assert (slug_problem(slug) is None) is matches
    assert (re.fullmatch(ema.SLUG_REGEX, slug) is not None) is matches


@pytest.mark.parametrize(
    ("model", "field", "value", "args"),
    [
        (mbx.CreateTenantRequest, "quota_gb", mbx.MAX_QUOTA_GB + 1, {}),
        (mbx.QuotaUpdateRequest, "quota_gb", 2.5, {}),
        (ema.CreateTenantRequest, "name", "Acme\nInc", {"slug": "acme"}),
        (ema.UpdateTenantRequest, "name", "   ", {}),
    ],
)
def test_a_request_refuses_what_the_input_check_refuses_for_the_same_reason(
    model: type[BaseModel], field: str, value: Any, args: dict[str, Any]
) -> None:
    # One rule per input: the request models apply the Args' own rule, so a value can never
    # pass one and fail the other, and the reasons agree word for word.
    mailbux = model.__module__.endswith("mailbux.models")
    tenant_args = MailbuxTenantArgs if mailbux else EasyMailArchiveTenantArgs
    valid = {} if mailbux else {"slug": "acme", "name": "Acme"}
    [(_, reason)] = tenant_args.input_schema().check({**valid, field: value}).failures
    problem = reason.removeprefix(f"{field} ").partition("; for example")[0]

    with pytest.raises(InvalidInputError, match=re.escape(problem)):
        build_request(model, **{**args, field: value})
