"""retry_delay's decision table: what is retried, after how long, and what is final."""

from __future__ import annotations

from typing import Any

import pytest

from pulumi_resellertenant.core.transport._errors import (
    ApiError,
    AuthenticationError,
    ConflictError,
    DeadlineExceededError,
    InvalidRequestError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitedError,
    RequestTimeoutError,
    ServerError,
    TransportError,
    UnexpectedResponseError,
)
from pulumi_resellertenant.core.transport._retry import RetryPolicy, is_idempotent, retry_delay
from pulumi_resellertenant.mailbux.errors import QuotaExceededError

POLICY = RetryPolicy(max_attempts=4, base_delay=0.5, max_delay=20.0, max_retry_after=120.0)
FIELDS: dict[str, Any] = {
    "api": "Easy Mail Archive",
    "method": "POST",
    "path": "/api/reseller/tenants",
}


def half() -> float:
    return 0.5


def one() -> float:
    return 1.0


def rate_limited(retry_after: float | None = None) -> RateLimitedError:
    return RateLimitedError("slow down", status=429, retry_after=retry_after, **FIELDS)


def server_error(status: int = 503, retry_after: float | None = None) -> ServerError:
    return ServerError("unavailable", status=status, retry_after=retry_after, **FIELDS)


def transport(*, sent: bool, cls: type[TransportError] = TransportError) -> TransportError:
    return cls("broken", request_sent=sent, **FIELDS)


# --- 429 -----------------------------------------------------------------------------------


@pytest.mark.parametrize("idempotent", [True, False])
def test_429_is_retried_for_any_method_honouring_retry_after(idempotent: bool) -> None:
    # Retry-After plus jitter of up to base_delay: 7 + 0.5 * 0.5.
    assert retry_delay(POLICY, 1, rate_limited(7), idempotent=idempotent, rand=half) == 7.25


def test_429_jitter_stays_within_base_delay() -> None:
    error = rate_limited(7)
    assert retry_delay(POLICY, 1, error, idempotent=False, rand=lambda: 0.0) == 7.0
    assert retry_delay(POLICY, 1, error, idempotent=False, rand=one) == 7.5


def test_429_without_retry_after_backs_off() -> None:
    assert retry_delay(POLICY, 3, rate_limited(None), idempotent=False, rand=one) == 2.0


def test_retry_after_above_the_limit_is_final() -> None:
    assert retry_delay(POLICY, 1, rate_limited(120.5), idempotent=True, rand=half) is None
    assert retry_delay(POLICY, 1, rate_limited(120.0), idempotent=True, rand=half) == 120.25


def test_429_stops_at_max_attempts() -> None:
    assert retry_delay(POLICY, 4, rate_limited(1), idempotent=True, rand=half) is None


# --- 5xx -----------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_5xx_is_retried_only_when_idempotent(status: int) -> None:
    error = server_error(status)
    assert retry_delay(POLICY, 2, error, idempotent=True, rand=one) == 1.0
    assert retry_delay(POLICY, 2, error, idempotent=False, rand=one) is None


def test_5xx_honours_retry_after() -> None:
    assert retry_delay(POLICY, 1, server_error(503, 4), idempotent=True, rand=half) == 4.25
    assert retry_delay(POLICY, 1, server_error(503, 600), idempotent=True, rand=half) is None


# --- broken connections --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sent", "idempotent", "retried"),
    [
        (False, False, True),  # never left the machine: safe for a POST too
        (False, True, True),
        (True, True, True),
        (True, False, False),  # a POST that may have been applied: the caller decides
    ],
)
@pytest.mark.parametrize("cls", [TransportError, RequestTimeoutError, DeadlineExceededError])
def test_transport_errors(
    cls: type[TransportError], sent: bool, idempotent: bool, retried: bool
) -> None:
    delay = retry_delay(POLICY, 1, transport(sent=sent, cls=cls), idempotent=idempotent, rand=one)
    assert delay == (0.5 if retried else None)


# --- never retried -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "error",
    [
        InvalidRequestError("bad", status=400, **FIELDS),
        AuthenticationError("who", status=401, **FIELDS),
        PermissionDeniedError("no", status=403, **FIELDS),
        NotFoundError("gone", status=404, **FIELDS),
        ConflictError("taken", status=409, **FIELDS),
        InvalidRequestError("invalid", status=422, **FIELDS),
        QuotaExceededError("too much", status=422, code="QUOTA_EXCEEDED", **FIELDS),
        UnexpectedResponseError("redirect", status=302, **FIELDS),
    ],
    ids=lambda e: f"{e.status}-{type(e).__name__}",
)
@pytest.mark.parametrize("idempotent", [True, False])
def test_business_errors_are_never_retried(error: ApiError, idempotent: bool) -> None:
    assert retry_delay(POLICY, 1, error, idempotent=idempotent, rand=half) is None


# --- attempts and backoff ------------------------------------------------------------------


@pytest.mark.parametrize(("max_attempts", "last_retried"), [(1, 0), (2, 1), (4, 3), (10, 9)])
def test_max_attempts_stops(max_attempts: int, last_retried: int) -> None:
    policy = RetryPolicy(max_attempts=max_attempts)
    error = server_error()
    decisions = [
        retry_delay(policy, attempt, error, idempotent=True, rand=half)
        for attempt in range(1, max_attempts + 1)
    ]
    assert [d is not None for d in decisions] == [True] * last_retried + [False]


def test_backoff_grows_exponentially_and_is_capped() -> None:
    policy = RetryPolicy(max_attempts=10, base_delay=0.5, max_delay=20.0)
    assert [policy.backoff(attempt, one) for attempt in range(1, 9)] == [
        0.5,
        1.0,
        2.0,
        4.0,
        8.0,
        16.0,
        20.0,
        20.0,
    ]


def test_backoff_is_full_jitter() -> None:
    policy = RetryPolicy(base_delay=0.5, max_delay=20.0)
    assert policy.backoff(4, lambda: 0.0) == 0.0
    assert policy.backoff(4, lambda: 0.25) == 1.0


def test_retry_delay_uses_the_backoff_for_each_attempt() -> None:
    policy = RetryPolicy(max_attempts=10)
    error = transport(sent=False)
    delays = [retry_delay(policy, a, error, idempotent=False, rand=one) for a in range(1, 10)]
    assert delays == [0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 20.0, 20.0, 20.0]


@pytest.mark.parametrize(
    ("method", "expected"),
    [
        ("GET", True),
        ("get", True),
        ("HEAD", True),
        ("OPTIONS", True),
        ("PUT", True),
        ("PATCH", True),
        ("DELETE", True),
        ("POST", False),
        ("post", False),
        ("CONNECT", False),
    ],
)
def test_is_idempotent(method: str, expected: bool) -> None:
    assert is_idempotent(method) is expected
