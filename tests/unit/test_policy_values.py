"""Reading properties as the policy engine hands them over, and the knobs' defaults."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import pytest
from pulumi_policy.proxy import UNKNOWN_NUMBER_VALUE, UNKNOWN_STRING_VALUE, unknown_checking_proxy

from pulumi_resellertenant.policy.knobs import (
    BadPattern,
    Knob,
    config_schema,
    int_knob,
    pattern_knob,
)
from pulumi_resellertenant.policy.values import (
    MAILBUX_TYPE,
    UNKNOWN,
    read_number,
    read_text,
    stack_name,
    whole,
)

# What the engine sends for a Mailbux tenant at registration: the pickled provider, and the
# output-only names as None.
PROPS = {
    "__provider": "gASVdAAAAAAAAACMKHB1bHVtaV9yZXNlbGxlcnRlbmFudC5tYWlsYnV4LnByb3ZpZGVy",
    "quota_gb": 5.0,
    "suspended": False,
    "deletion_policy": "terminate",
    "tenant_id": None,
    "tenant_password": None,
    "name": "Acme",
}


@pytest.mark.parametrize("wrap", [unknown_checking_proxy, dict], ids=["engine-proxy", "plain"])
def test_numbers_arrive_as_floats_and_unknowns_are_told_apart(
    wrap: Callable[[dict[str, Any]], Mapping[str, Any]],
) -> None:
    props = wrap({**PROPS, "later": UNKNOWN_STRING_VALUE, "counted": UNKNOWN_NUMBER_VALUE})

    assert read_number(MAILBUX_TYPE, props, "quota_gb") == 5.0
    assert read_number(MAILBUX_TYPE, props, "later") is UNKNOWN
    assert read_number(MAILBUX_TYPE, props, "counted") is UNKNOWN
    assert read_text(MAILBUX_TYPE, props, "later") is UNKNOWN
    assert read_text(MAILBUX_TYPE, props, "name") == "Acme"


@pytest.mark.parametrize("key", ["missing", "tenant_id", "suspended", "deletion_policy"])
def test_absent_none_bool_or_text_is_no_number(key: str) -> None:
    assert read_number(MAILBUX_TYPE, unknown_checking_proxy(dict(PROPS)), key) is None


def test_text_reads_only_strings() -> None:
    props = unknown_checking_proxy(dict(PROPS))

    assert read_text(MAILBUX_TYPE, props, "quota_gb") is None
    assert read_text(MAILBUX_TYPE, props, "missing") is None


@pytest.mark.parametrize(
    ("number", "shown"), [(5.0, "5"), (5, "5"), (120.0, "120"), (2.5, "2.5"), (0.0, "0")]
)
def test_whole_numbers_are_shown_without_a_fraction(number: float, shown: str) -> None:
    assert whole(number) == shown


@pytest.mark.parametrize(
    ("urn", "stack"),
    [
        ("urn:pulumi:prod::shop::pulumi-python:dynamic/mailbux:Tenant::acme-mail", "prod"),
        ("urn:pulumi:eu-production::p::pulumi:pulumi:Stack::p-eu-production", "eu-production"),
    ],
)
def test_the_stack_comes_from_the_urn(urn: str, stack: str) -> None:
    assert stack_name(urn) == stack


LIMIT = Knob("maxThings", 7, "most things", minimum=1)
NAMES = Knob("namePattern", "^acme-", "names")


def test_a_knob_falls_back_to_its_default_and_takes_floats_as_whole_numbers() -> None:
    assert int_knob({}, LIMIT) == 7
    assert int_knob({"maxThings": None}, LIMIT) == 7
    assert int_knob({"maxThings": 12.0}, LIMIT) == 12
    assert int_knob({"maxThings": 0.0}, LIMIT) == 0
    with pytest.raises(TypeError, match="maxThings must be a whole number"):
        int_knob({"maxThings": True}, LIMIT)


def test_a_pattern_knob_compiles_or_names_itself() -> None:
    assert pattern_knob({}, NAMES).pattern == "^acme-"
    assert pattern_knob({"namePattern": "^x$"}, NAMES).search("x")
    with pytest.raises(BadPattern, match=r"namePattern '\(' is not a regular expression"):
        pattern_knob({"namePattern": "("}, NAMES)


def test_the_schema_carries_types_limits_and_defaults_for_the_engine() -> None:
    schema = config_schema(LIMIT, NAMES)

    assert schema.properties == {
        "maxThings": {"type": "integer", "minimum": 1, "default": 7, "description": "most things"},
        "namePattern": {
            "type": "string",
            "minLength": 1,
            "default": "^acme-",
            "description": "names",
        },
    }
    assert schema.required is None
