"""The one line a failed operation shows, and how the provider server is made to show it."""

from __future__ import annotations

import sys
import traceback
import types

import pytest

from pulumi_resellertenant.core.faces import _engine_errors as engine_errors
from pulumi_resellertenant.core.lifecycle._operation_errors import default_hint, failure_message
from pulumi_resellertenant.core.transport import PYTHON
from pulumi_resellertenant.core.transport._errors import (
    AuthenticationError,
    ConfigurationError,
    ConflictError,
    DeadlineExceededError,
    NotFoundError,
    RateLimitedError,
    ResellerTenantError,
    ServerError,
    TransportError,
    UnexpectedResponseError,
)
from pulumi_resellertenant.easymailarchive import EASYMAILARCHIVE
from pulumi_resellertenant.mailbux import MAILBUX
from pulumi_resellertenant.mailbux.errors import (
    PlanUpgradeRequiredError,
    QuotaExceededError,
    TenantLimitError,
)

WHERE = {"api": "Mailbux", "method": "POST", "path": "/api/user/tenants"}


def test_message_names_api_operation_tenant_status_code_and_message() -> None:
    error = QuotaExceededError(
        "Requested quota (50 GB) exceeds available quota (10 GB).",
        status=422,
        code="QUOTA_EXCEEDED",
        **WHERE,
    )
    line = failure_message(MAILBUX, "create", "tenant (quota_gb=50)", error, naming=PYTHON)
    assert line.startswith(
        "Mailbux: cannot create tenant (quota_gb=50): 422 QUOTA_EXCEEDED: "
        "Requested quota (50 GB) exceeds available quota (10 GB) (POST /api/user/tenants). "
        "Lower quota_gb"
    )
    assert "\n" not in line


def test_message_without_status_or_code() -> None:
    error = TransportError("connection reset", request_sent=False, **WHERE)
    line = failure_message(MAILBUX, "read", "tenant 7", error, naming=PYTHON)
    assert line.startswith("Mailbux: cannot read tenant 7: connection reset (POST")
    assert line.endswith("A temporary failure: run `pulumi up` again")


def test_configuration_errors_keep_their_own_fix() -> None:
    error = ConfigurationError("Mailbux API key is not set: run `pulumi config set ...`")
    line = failure_message(MAILBUX, "delete", "tenant 7", error, naming=PYTHON)
    assert line == f"Mailbux: cannot delete tenant 7: {error}"


def test_an_explicit_hint_wins() -> None:
    error = ConflictError("taken", status=409, **WHERE)
    assert failure_message(
        EASYMAILARCHIVE, "create", "tenant x", error, "Adopt it", naming=PYTHON
    ).endswith("(POST /api/user/tenants). Adopt it")


@pytest.mark.parametrize(
    ("error", "fragment"),
    [
        (
            AuthenticationError("no", status=401, **WHERE),
            "pulumi config set --secret mailbux:apiKey",
        ),
        (PlanUpgradeRequiredError("no", status=403, **WHERE), "Upgrade the Mailbux plan"),
        (NotFoundError("no", status=404, **WHERE), "pulumi refresh"),
        (TenantLimitError("no", status=422, **WHERE), "maximum number of tenants"),
        (RateLimitedError("no", status=429, **WHERE), "mailbux:requestsPerMinute"),
        (DeadlineExceededError("late", request_sent=True, **WHERE), "mailbux:operationTimeout"),
        (ServerError("boom", status=502, outcome_unknown=True, **WHERE), "may have been applied"),
        (UnexpectedResponseError("odd", **WHERE), "mailbux:baseUrl"),
    ],
)
def test_default_hints(error: ResellerTenantError, fragment: str) -> None:
    hint = default_hint(MAILBUX, error, PYTHON)
    assert hint is not None
    assert fragment in hint


def test_api_key_env_var_is_named_for_authentication_errors() -> None:
    hint = default_hint(EASYMAILARCHIVE, AuthenticationError("no", status=401, **WHERE), PYTHON)
    assert hint is not None
    assert "EASYMAILARCHIVE_API_KEY" in hint


def test_a_refused_key_names_run_program_for_refresh_and_destroy() -> None:
    # Under the real engine refresh and destroy configure the provider with the settings of
    # the last `pulumi up`: a rotated key reaches them only with --run-program.
    hint = default_hint(MAILBUX, AuthenticationError("no", status=401, **WHERE), PYTHON)
    assert hint is not None
    assert "`pulumi refresh` and `pulumi destroy` with --run-program" in hint


# --- the provider server's error formatting ---------------------------------------------


@pytest.fixture
def fake_server(monkeypatch: pytest.MonkeyPatch) -> types.ModuleType:
    """A stand-in for `python -m pulumi.dynamic`'s __main__ module."""
    server = types.ModuleType("__main__")
    server.__spec__ = types.SimpleNamespace(name="pulumi.dynamic.__main__")  # type: ignore[assignment]
    server.traceback = traceback  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "__main__", server)
    return server


def format_in_server(server: types.ModuleType, error: Exception) -> str:
    try:
        raise error
    except Exception:
        return str(server.traceback.format_exc())


def test_expected_errors_show_as_their_message_alone(fake_server: types.ModuleType) -> None:
    assert engine_errors.show_expected_errors_as_one_line() is True
    assert engine_errors.show_expected_errors_as_one_line() is True  # idempotent
    text = format_in_server(fake_server, ConfigurationError("Mailbux API key is not set"))
    assert text == "Mailbux API key is not set"


def test_bugs_keep_their_traceback(fake_server: types.ModuleType) -> None:
    engine_errors.show_expected_errors_as_one_line()
    text = format_in_server(fake_server, KeyError("oops"))
    assert text.startswith("Traceback (most recent call last)")
    assert fake_server.traceback.format_exception_only is traceback.format_exception_only


def test_nothing_is_patched_outside_the_provider_server() -> None:
    assert engine_errors.show_expected_errors_as_one_line() is False


def test_a_server_that_formats_differently_is_left_alone(fake_server: types.ModuleType) -> None:
    fake_server.traceback = object()  # type: ignore[attr-defined]
    assert engine_errors.show_expected_errors_as_one_line() is False
