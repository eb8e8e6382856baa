"""When to retry a failed request, and how long to wait first.

Small pure functions, so every decision is a unit test away:

- 429 is always retried: the API refused before doing anything. Its ``Retry-After`` wins.
- 5xx and broken connections are retried only for idempotent requests; for a POST they may
  have been applied, and repeating one could create a second tenant. The caller decides.
- A request that never left this machine (connection refused, connect timeout) is retried
  whatever its method.
- Business errors (400, 401, 403, 404, 409, 422) are never retried: the same request would
  get the same answer.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from pulumi_resellertenant.core.pacing import MAX_HOLD

from ._errors import ApiError, RateLimitedError, ServerError, TransportError

__all__ = ["IDEMPOTENT_METHODS", "RetryPolicy", "is_idempotent", "retry_delay"]

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "PATCH", "DELETE"})


def is_idempotent(method: str) -> bool:
    """Whether repeating the method cannot do more than doing it once (PATCH here sets an
    absolute value, so it qualifies for both APIs)."""
    return method.upper() in IDEMPOTENT_METHODS


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 4
    base_delay: float = 0.5
    max_delay: float = 20.0
    """Cap of the exponential backoff."""
    max_retry_after: float = MAX_HOLD
    """Longest ``Retry-After`` honoured; a longer one fails the request at once."""

    def backoff(self, attempt: int, rand: Callable[[], float] = random.random) -> float:
        """Full-jitter exponential backoff after the given (1-based) failed attempt."""
        ceiling = min(self.max_delay, self.base_delay * 2.0 ** (attempt - 1))
        return ceiling * rand()


def retry_delay(
    policy: RetryPolicy,
    attempt: int,
    error: ApiError,
    *,
    idempotent: bool,
    rand: Callable[[], float] = random.random,
) -> float | None:
    """Seconds to wait before the next attempt, or None when the error is final."""
    if attempt >= policy.max_attempts:
        return None
    if isinstance(error, RateLimitedError):
        return _honour_retry_after(policy, attempt, error.retry_after, rand)
    if isinstance(error, TransportError):
        if idempotent or not error.request_sent:
            return policy.backoff(attempt, rand)
        return None
    if isinstance(error, ServerError) and idempotent:
        return _honour_retry_after(policy, attempt, error.retry_after, rand)
    return None


def _honour_retry_after(
    policy: RetryPolicy, attempt: int, retry_after: float | None, rand: Callable[[], float]
) -> float | None:
    if retry_after is None:
        return policy.backoff(attempt, rand)
    if retry_after > policy.max_retry_after:
        return None
    # A little jitter on top, so threads told the same delay do not return in one burst.
    return retry_after + policy.base_delay * rand()
