"""error_from_response, parse_error_body and parse_retry_after: the one mapping from an
error answer of either API to the package's error tree."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pulumi_resellertenant.core import shown
from pulumi_resellertenant.core.transport._error_answers import (
    ErrorBody,
    error_from_response,
    parse_error_body,
    parse_retry_after,
)
from pulumi_resellertenant.core.transport._errors import (
    ApiError,
    ApiResponseError,
    AuthenticationError,
    ConflictError,
    DeadlineExceededError,
    InvalidRequestError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitedError,
    ResellerTenantError,
    ServerError,
    TransportError,
    UnexpectedResponseError,
)
from pulumi_resellertenant.easymailarchive import EASYMAILARCHIVE
from pulumi_resellertenant.mailbux import MAILBUX as MAILBUX_SPEC
from pulumi_resellertenant.mailbux.errors import (
    PlanUpgradeRequiredError,
    QuotaExceededError,
    TenantLimitError,
)

MAILBUX = "Mailbux"
EMA = "Easy Mail Archive"


def _error(status: int, body: object = None, *, api: str = MAILBUX, **kwargs: Any) -> ApiError:
    raw = body if body is None or isinstance(body, bytes | str) else json.dumps(body)
    # Each API brings its own error codes (Mailbux has three; Easy Mail Archive none).
    codes = MAILBUX_SPEC.error_codes if api == MAILBUX else EASYMAILARCHIVE.error_codes
    return error_from_response(
        api=api,
        method="POST",
        path="/api/user/tenants",
        status=status,
        body=raw,
        codes=codes,
        **kwargs,
    )


# --- every documented status and code ------------------------------------------------------


@pytest.mark.parametrize(
    ("api", "status", "body", "expected", "code"),
    [
        # Easy Mail Archive: the status table of its document.
        (EMA, 400, {"message": "Bad request"}, InvalidRequestError, None),
        (EMA, 401, {"message": "Unauthenticated."}, AuthenticationError, None),
        (EMA, 403, {"message": "Forbidden"}, PermissionDeniedError, None),
        (EMA, 404, {"message": "Not found"}, NotFoundError, None),
        (EMA, 409, {"message": "The slug is taken."}, ConflictError, None),
        (EMA, 422, {"message": "Invalid"}, InvalidRequestError, None),
        (EMA, 429, {"message": "Too Many Attempts."}, RateLimitedError, None),
        # Mailbux: its three documented codes, in the shapes its undocumented body may take.
        (
            MAILBUX,
            403,
            {"success": False, "error": {"code": "PLAN_UPGRADE_REQUIRED", "message": "Upgrade"}},
            PlanUpgradeRequiredError,
            "PLAN_UPGRADE_REQUIRED",
        ),
        (
            MAILBUX,
            422,
            {"code": "QUOTA_EXCEEDED", "message": "Requested quota exceeds available quota"},
            QuotaExceededError,
            "QUOTA_EXCEEDED",
        ),
        (MAILBUX, 422, {"error": "TENANT_LIMIT"}, TenantLimitError, "TENANT_LIMIT"),
        (MAILBUX, 401, {"success": False, "message": "Invalid API key"}, AuthenticationError, None),
        # Server errors, whatever their body.
        (MAILBUX, 500, {"message": "boom"}, ServerError, None),
        (EMA, 502, "<html><body>Bad Gateway</body></html>", ServerError, None),
        (EMA, 503, None, ServerError, None),
        (EMA, 504, b"", ServerError, None),
        # A status neither API documents.
        (MAILBUX, 301, None, UnexpectedResponseError, None),
        (MAILBUX, 302, "", UnexpectedResponseError, None),
        (EMA, 418, {"message": "I'm a teapot"}, UnexpectedResponseError, None),
    ],
)
def test_status_and_code_map_to_error_class(
    api: str, status: int, body: object, expected: type[ApiError], code: str | None
) -> None:
    error = _error(status, body, api=api)
    assert type(error) is expected
    assert error.status == status
    assert error.code == code
    assert error.api == api


def test_error_tree() -> None:
    assert issubclass(PlanUpgradeRequiredError, PermissionDeniedError)
    assert issubclass(QuotaExceededError, InvalidRequestError)
    assert issubclass(TenantLimitError, InvalidRequestError)
    assert issubclass(DeadlineExceededError, TransportError)
    for cls in (ApiResponseError, UnexpectedResponseError, TransportError):
        assert issubclass(cls, ApiError)
    assert issubclass(ApiError, ResellerTenantError)


def test_code_wins_over_a_generic_status() -> None:
    # A QUOTA_EXCEEDED answer is more specific than "422": the code decides the class.
    assert type(_error(400, {"error": {"code": "QUOTA_EXCEEDED"}})) is QuotaExceededError


def test_unknown_code_falls_back_to_status() -> None:
    error = _error(409, {"code": "SLUG_TAKEN", "message": "taken"})
    assert type(error) is ConflictError
    assert error.code == "SLUG_TAKEN"


@pytest.mark.parametrize(
    ("body", "code", "message"),
    [
        (
            {"success": False, "error": {"code": "QUOTA_EXCEEDED", "message": "Too much"}},
            "QUOTA_EXCEEDED",
            "Too much",
        ),
        ({"code": "TENANT_LIMIT", "message": "Limit reached"}, "TENANT_LIMIT", "Limit reached"),
        ({"error": "QUOTA_EXCEEDED"}, "QUOTA_EXCEEDED", None),
        ({"error": "Requested quota is too large"}, None, "Requested quota is too large"),
        ({"message": "top", "error": {"message": "nested"}}, None, "top"),
        ({"code": "TOP", "error": {"code": "NESTED"}}, "TOP", None),
        ({"message": "   ", "error": {"message": "nested"}}, None, "nested"),
        ({"code": 422, "message": 7}, None, None),
        ({"error": ""}, None, None),
    ],
)
def test_parse_error_body_shapes(body: object, code: str | None, message: str | None) -> None:
    parsed = parse_error_body(json.dumps(body))
    assert (parsed.code, parsed.message) == (code, message)


def test_ema_field_errors_are_carried_and_named_in_the_message() -> None:
    body = {
        "message": "The given data was invalid.",
        "errors": {
            "slug": ["The slug format is invalid.", "The slug must be at least 3 characters."],
            "name": ["The name field is required."],
        },
    }
    error = _error(422, body, api=EMA)
    assert isinstance(error, InvalidRequestError)
    assert error.field_errors == body["errors"]
    assert "slug: The slug format is invalid." in error.message
    assert "name: The name field is required." in error.message
    assert error.message.startswith("The given data was invalid.")


def test_field_errors_already_in_the_message_are_not_repeated() -> None:
    body = {"message": "slug: taken", "errors": {"slug": ["taken"]}}
    error = _error(409, body, api=EMA)
    assert isinstance(error, ConflictError)
    assert error.message == "slug: taken"


def test_laravel_repeating_the_field_message_as_the_message_is_said_once() -> None:
    body = {
        "message": "The slug has already been taken.",
        "errors": {
            "slug": ["The slug has already been taken."],
            "name": ["The name may not be greater than 255 characters."],
        },
    }
    error = _error(422, body, api=EMA)
    assert error.message == (
        "The slug has already been taken. (name: The name may not be greater than 255 characters.)"
    )


def test_field_errors_tolerate_strings_and_nulls() -> None:
    parsed = parse_error_body(json.dumps({"errors": {"slug": "bad", "name": ["x", None], 3: []}}))
    assert parsed.field_errors == {"slug": ["bad"], "name": ["x"], "3": []}
    assert parse_error_body(json.dumps({"errors": ["not", "a", "map"]})).field_errors is None


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            "<html>\n  <h1>502   Bad Gateway</h1>\n</html>",
            "<html> <h1>502 Bad Gateway</h1> </html>",
        ),
        (b"plain \xff text", "plain \ufffd text"),
        ("", None),
        ("   \n", None),
        (None, None),
    ],
)
def test_non_json_bodies_become_the_message(body: str | bytes | None, message: str | None) -> None:
    assert parse_error_body(body) == ErrorBody(message=message)


@pytest.mark.parametrize("body", ["[1, 2]", '"just a string"', "42", "null", "true"])
def test_json_that_is_not_an_object_yields_nothing(body: str) -> None:
    assert parse_error_body(body) == ErrorBody()


@pytest.mark.parametrize(
    ("status", "body", "message"),
    [
        (404, None, "Not Found"),
        (503, b"", "Service Unavailable"),
        (422, "[]", "Unprocessable Entity"),
        (599, None, "HTTP 599"),
    ],
)
def test_default_message_from_status(status: int, body: object, message: str) -> None:
    assert _error(status, body).message == message


def test_deeply_nested_json_does_not_raise() -> None:
    # json.loads raises RecursionError, not ValueError, past the interpreter's depth limit.
    parsed = parse_error_body("[" * 100_000)
    assert parsed.message == "[" * 297 + "..."
    assert type(_error(500, "{" * 100_000)) is ServerError


# --- the error's text ----------------------------------------------------------------------


def test_str_names_api_method_path_status_code_and_message() -> None:
    error = _error(422, {"code": "QUOTA_EXCEEDED", "message": "Requested quota exceeds"})
    assert str(error) == (
        "Mailbux: POST /api/user/tenants failed: 422 QUOTA_EXCEEDED: Requested quota exceeds"
    )


def test_str_without_status_or_code() -> None:
    error = TransportError(
        "ConnectError: refused", api=EMA, method="GET", path="/x", request_sent=False
    )
    assert str(error) == "Easy Mail Archive: GET /x failed: ConnectError: refused"


def test_str_carries_the_outcome_unknown_hint() -> None:
    error = _error(500, {"message": "boom"}, outcome_unknown=True)
    assert error.outcome_unknown is True
    assert str(error).startswith("Mailbux: POST /api/user/tenants failed: 500: boom")
    assert "may have been applied" in str(error)
    assert "may have been applied" not in str(_error(500, {"message": "boom"}))


# --- Retry-After ---------------------------------------------------------------------------

NOW = datetime(2025, 6, 15, 10, 30, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("30", 30.0),
        (" 7 ", 7.0),
        ("0", 0.0),
        ("1.5", 1.5),
        ("-4", 0.0),
        ("Sun, 15 Jun 2025 10:31:00 GMT", 60.0),
        ("Sun, 15 Jun 2025 12:30:00 +0200", 0.0),  # the same instant as NOW
        ("Sun, 15 Jun 2025 10:29:00 GMT", 0.0),  # in the past
        ("Sun, 15 Jun 2025 10:30:10 -0000", 10.0),  # a date without a zone counts as UTC
        ("soon", None),
        ("", None),
        ("nan", None),
        ("NaN", None),
        ("inf", None),
        ("-inf", None),
        ("1e400", None),
        (None, None),
    ],
)
def test_parse_retry_after(value: str | None, seconds: float | None) -> None:
    assert parse_retry_after(value, now=NOW) == seconds


def test_retry_after_reaches_429_and_5xx_errors() -> None:
    limited = _error(429, {"message": "slow down"}, headers={"Retry-After": "12"})
    assert isinstance(limited, RateLimitedError)
    assert limited.retry_after == 12.0
    unavailable = _error(503, "", headers={"retry-after": "3"})
    assert isinstance(unavailable, ServerError)
    assert unavailable.retry_after == 3.0
    assert _error(429, None).retry_after is None  # type: ignore[attr-defined]


# --- properties ----------------------------------------------------------------------------

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: (
        st.lists(children, max_size=5)
        | st.dictionaries(
            st.sampled_from(["code", "message", "error", "errors", "success", "data"]) | st.text(),
            children,
            max_size=5,
        )
    ),
    max_leaves=25,
)
code_shaped = st.from_regex(r"[A-Z][A-Z0-9_]{0,40}", fullmatch=True)


def _check(parsed: ErrorBody) -> None:
    assert isinstance(parsed, ErrorBody)
    assert parsed.message is None or len(parsed.message) <= 300
    for messages in (parsed.field_errors or {}).values():
        assert all(len(m) <= 300 for m in messages)


@settings(database=None)
@given(st.binary(max_size=2000))
def test_parse_error_body_never_raises_on_bytes(body: bytes) -> None:
    _check(parse_error_body(body))


@settings(database=None)
@given(st.text(max_size=2000))
def test_parse_error_body_never_raises_on_text(body: str) -> None:
    _check(parse_error_body(body))


@settings(database=None)
@given(json_values)
def test_parse_error_body_never_raises_on_json(value: object) -> None:
    _check(parse_error_body(json.dumps(value)))


@settings(database=None)
@given(st.integers(100, 599), json_values, st.booleans())
def test_error_from_response_always_returns_an_api_error(
    status: int, value: object, outcome_unknown: bool
) -> None:
    error = _error(status, value, outcome_unknown=outcome_unknown)
    assert isinstance(error, ApiResponseError | UnexpectedResponseError)
    assert error.status == status
    assert error.outcome_unknown is outcome_unknown
    assert str(error).startswith(f"Mailbux: POST /api/user/tenants failed: {status}")


@settings(database=None)
@given(code_shaped, st.text(max_size=400), st.booleans())
def test_a_string_code_is_returned(code: str, message: str, nested: bool) -> None:
    body = {"error": {"code": code, "message": message}} if nested else {"code": code}
    assert parse_error_body(json.dumps(body)).code == code


@settings(database=None)
@given(code_shaped)
def test_a_bare_code_shaped_error_string_is_a_code(code: str) -> None:
    assert parse_error_body(json.dumps({"error": code})) == ErrorBody(code=code)


def test_a_padded_code_shaped_error_string_is_a_code_and_no_message() -> None:
    # Found by the test below: "A " was read as the code "A" and as the message "A".
    assert parse_error_body(json.dumps({"error": " NOT_FOUND\n"})) == ErrorBody(code="NOT_FOUND")


@settings(database=None)
# Padding does not hide a code: the answer's text is stripped before its shape is read.
@given(
    st.text(min_size=1, max_size=1000).filter(
        lambda s: not re.fullmatch(r"[A-Z][A-Z0-9_]*", s.strip())
    )
)
def test_a_bare_error_string_otherwise_is_a_bounded_message(text: str) -> None:
    parsed = parse_error_body(json.dumps({"error": text}))
    assert parsed.code is None
    folded = " ".join(text.split())
    assert parsed.message == (shown(folded) or None)
    assert parsed.message is None or (len(parsed.message) <= 300 and "\n" not in parsed.message)
