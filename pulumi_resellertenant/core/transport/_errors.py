"""The errors the package raises, as one tree (reading error answers: ``error_answers``).

Every error the package raises derives from ``ResellerTenantError``::

    ResellerTenantError
    ├── ConfigurationError              settings missing or unsafe (names the key and the fix)
    ├── InvalidInputError               an argument refused before any request was sent
    └── ApiError                        a call to a reseller API failed
        ├── ApiResponseError            the API answered with an error status
        │   ├── AuthenticationError       401
        │   ├── PermissionDeniedError     403
        │   ├── NotFoundError             404
        │   ├── ConflictError             409
        │   ├── InvalidRequestError       400 / 422, with per-field messages
        │   ├── RateLimitedError          429, with the delay the API asked for
        │   └── ServerError               5xx
        ├── UnexpectedResponseError     a status or an answer this package cannot read
        └── TransportError              no usable answer (connection refused, reset, ...)
            └── RequestTimeoutError       a request timed out
                └── DeadlineExceededError the whole operation ran out of time

An ``ApiError`` carries the API's name, the HTTP method and path, the status, the API's own
error code and message, whether a write may have been applied although it failed
(``outcome_unknown``), and whether the API answered with success first (``committed``: a
create is then never sent again). It never carries the API key or the Authorization header:
the message is built from those fields only. An API adds classes of its own for its error
codes (as subclasses of these) and names them in its ``ApiSpec.error_codes``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from ._naming import Naming

__all__ = [
    "ApiError",
    "ApiResponseError",
    "AuthenticationError",
    "ConfigurationError",
    "ConflictError",
    "DeadlineExceededError",
    "InvalidInputError",
    "InvalidRequestError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitedError",
    "RequestTimeoutError",
    "ResellerTenantError",
    "ServerError",
    "TransportError",
    "UnexpectedResponseError",
]


class ResellerTenantError(Exception):
    """Base of every error raised by pulumi_resellertenant."""


class ConfigurationError(ResellerTenantError):
    """Settings are missing or unsafe; the message names the key and how to set it."""


class InvalidInputError(ResellerTenantError, ValueError):
    """An argument was refused before any request was sent; the message names the field."""


class ApiError(ResellerTenantError):
    """A call to a reseller API failed."""

    def __init__(
        self,
        message: str,
        *,
        api: str,
        method: str,
        path: str,
        status: int | None = None,
        code: str | None = None,
        outcome_unknown: bool = False,
        committed: bool = False,
    ) -> None:
        self.message = message
        self.api = api
        self.method = method
        self.path = path
        self.status = status
        self.code = code
        # True when a write may have been applied although no success answer came back.
        self.outcome_unknown = outcome_unknown
        # True when the API answered with success (2xx): it did the request, whatever came
        # after (an answer that cannot be read, is cut off or too large). Never sent again.
        self.committed = committed or (status is not None and 200 <= status < 300)
        super().__init__(message)

    def __str__(self) -> str:
        status = f" {self.status}" if self.status is not None else ""
        code = f" {self.code}" if self.code else ""
        # "failed: 404 NOT_FOUND: msg", or "failed: msg" when there is neither.
        detail = f"{status}{code}:" if status or code else ""
        text = f"{self.api}: {self.method} {self.path} failed:{detail} {self.message}"
        if self.committed and self.method not in ("GET", "HEAD"):
            text += " (the API did the request: do not repeat it)"
        elif self.outcome_unknown:
            text += " (the request may have been applied: check before repeating it)"
        return text


class ApiResponseError(ApiError):
    """The API answered with an error status."""

    fix: ClassVar[str | None] = None
    """What the user can do, for an API's own error classes; None: the core's hint."""

    @classmethod
    def fix_in(cls, naming: Naming) -> str | None:
        """``fix`` in a face's spelling; a class whose fix names an input overrides this."""
        return cls.fix

    def __init__(
        self,
        message: str,
        *,
        api: str,
        method: str,
        path: str,
        status: int,
        code: str | None = None,
        field_errors: Mapping[str, list[str]] | None = None,
        retry_after: float | None = None,
        outcome_unknown: bool = False,
    ) -> None:
        super().__init__(
            message,
            api=api,
            method=method,
            path=path,
            status=status,
            code=code,
            outcome_unknown=outcome_unknown,
        )
        self.status: int = status
        self.field_errors: dict[str, list[str]] = dict(field_errors or {})
        # Seconds the answer's Retry-After asked for; what 429 and 503 answers carry.
        self.retry_after = retry_after


class AuthenticationError(ApiResponseError):
    """401: the API key is missing, wrong or revoked."""


class PermissionDeniedError(ApiResponseError):
    """403: the key may not do this (for Easy Mail Archive: another reseller's tenant)."""


class NotFoundError(ApiResponseError):
    """404: no such tenant (in this reseller account)."""


class ConflictError(ApiResponseError):
    """409: the slug is already taken, by this reseller or another one."""


class InvalidRequestError(ApiResponseError):
    """400 or 422: the API refused the input; ``field_errors`` has its per-field messages."""


class RateLimitedError(ApiResponseError):
    """429: too many requests; ``retry_after`` is the delay the API asked for, in seconds."""


class ServerError(ApiResponseError):
    """5xx: the API failed; ``retry_after`` is set when it said when to come back."""


class UnexpectedResponseError(ApiError):
    """A status this package does not expect (a redirect, say), or an answer it cannot read."""


class TransportError(ApiError):
    """No usable answer: the connection failed or broke.

    ``request_sent`` is False only when the request certainly never left this machine
    (connection refused, connect timeout), which makes it safe to repeat any request.
    """

    def __init__(self, message: str, *, request_sent: bool, **fields: Any) -> None:
        super().__init__(message, **fields)
        self.request_sent = request_sent


class RequestTimeoutError(TransportError):
    """A request got no answer within its timeout."""


class DeadlineExceededError(RequestTimeoutError):
    """The whole operation, retries and rate-limit waits included, ran out of time."""
