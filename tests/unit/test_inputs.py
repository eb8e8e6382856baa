"""Input validation as check() applies it: one failure per field, naming field and fix."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pulumi.output import Unknown

from pulumi_resellertenant.core.lifecycle._inputs import (
    UNKNOWN,
    InputField,
    InputSchema,
    is_unknown,
)
from pulumi_resellertenant.core.transport._errors import InvalidInputError
from pulumi_resellertenant.core.transport._value_rules import (
    InputProblem,
    boolean,
    non_empty_text,
    one_of,
    optional_id,
    positive_whole_number,
)

SCHEMA = InputSchema(
    InputField("quota_gb", positive_whole_number, example=5),
    InputField("suspended", boolean, example=True, default=False),
    InputField("policy", one_of("terminate", "suspend"), example="suspend", default="terminate"),
    InputField("adopt", optional_id, example="42", default=None),
)


@pytest.mark.parametrize(("value", "expected"), [(5, 5), (5.0, 5), (1, 1), (10**6, 10**6)])
def test_whole_numbers_arrive_as_floats_and_leave_as_ints(value: Any, expected: int) -> None:
    parsed = positive_whole_number(value)
    assert parsed == expected
    assert type(parsed) is int


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        (0, "at least 1"),
        (-3.0, "at least 1"),
        (5.5, "whole number, got 5.5"),
        (True, "positive whole number, got True"),
        ("5", "positive whole number, got '5'"),
        (None, "positive whole number"),
    ],
)
def test_bad_whole_numbers_say_why(value: Any, problem: str) -> None:
    with pytest.raises(InputProblem, match=problem):
        positive_whole_number(value)


@given(st.integers(min_value=1, max_value=2**53))
def test_every_positive_integral_float_parses_to_its_int(n: int) -> None:
    assert positive_whole_number(float(n)) == n


def test_booleans_are_strict() -> None:
    assert boolean(True) is True
    with pytest.raises(InputProblem, match="True or False, got 1"):
        boolean(1)


def test_text_must_not_be_blank() -> None:
    assert non_empty_text("Acme") == "Acme"
    for bad in ("", "   ", 7):
        with pytest.raises(InputProblem):
            non_empty_text(bad)


@pytest.mark.parametrize(
    ("value", "expected"), [("42", "42"), (42, "42"), (42.0, "42"), ("", None), (None, None)]
)
def test_ids_are_text(value: Any, expected: str | None) -> None:
    assert optional_id(value) == expected


@pytest.mark.parametrize("value", [4.5, True, [1], "  "])
def test_bad_ids_are_refused(value: Any) -> None:
    with pytest.raises(InputProblem):
        optional_id(value)


def test_check_fills_defaults_and_normalises() -> None:
    outcome = SCHEMA.check({"quota_gb": 5.0})
    assert outcome.failures == []
    assert outcome.inputs == {"quota_gb": 5, "suspended": False, "policy": "terminate"}


def test_check_reports_every_bad_field_with_its_fix() -> None:
    outcome = SCHEMA.check({"quota_gb": 0, "suspended": "no", "policy": "burn"})
    fields = [field for field, _ in outcome.failures]
    assert fields == ["quota_gb", "suspended", "policy"]
    quota_reason = dict(outcome.failures)["quota_gb"]
    assert quota_reason.startswith("quota_gb must be at least 1")
    assert quota_reason.endswith("for example quota_gb=5")


def test_check_requires_required_fields() -> None:
    assert SCHEMA.check({}).failures == [
        ("quota_gb", "quota_gb is required; for example quota_gb=5")
    ]


@pytest.mark.parametrize("unknown", [UNKNOWN, Unknown()], ids=["wire-marker", "Unknown"])
def test_unknown_values_pass_check_untouched(unknown: Any) -> None:
    outcome = SCHEMA.check({"quota_gb": unknown, "suspended": unknown})
    assert outcome.failures == []
    assert is_unknown(outcome.inputs["quota_gb"])
    assert is_unknown(outcome.inputs["suspended"])


def test_parse_refuses_unknown_and_invalid_values() -> None:
    with pytest.raises(InvalidInputError, match="quota_gb is not known yet"):
        SCHEMA.parse({"quota_gb": UNKNOWN})
    with pytest.raises(InvalidInputError, match="quota_gb must be at least 1"):
        SCHEMA.parse({"quota_gb": -1})


def test_parse_gives_every_field() -> None:
    assert SCHEMA.parse({"quota_gb": 3.0, "adopt": 7.0}) == {
        "quota_gb": 3,
        "suspended": False,
        "policy": "terminate",
        "adopt": "7",
    }
