"""The one line a failed provider operation shows: API, operation, tenant, status, the API's
code and message, and what to do about it."""

from __future__ import annotations

from pulumi_resellertenant.core.transport import (
    ApiError,
    ApiResponseError,
    ApiSpec,
    AuthenticationError,
    DeadlineExceededError,
    InvalidRequestError,
    Naming,
    NotFoundError,
    PermissionDeniedError,
    RateLimitedError,
    ResellerTenantError,
    ServerError,
    TransportError,
    UnexpectedResponseError,
    env_var,
)

__all__ = ["TenantOperationError", "default_hint", "failure_message"]


class TenantOperationError(ResellerTenantError):
    """A provider operation failed; ``str()`` is the whole story, in one line.

    ``cause`` is the error that stopped it (an ``ApiError`` keeps its status and code).
    """

    def __init__(self, message: str, cause: ResellerTenantError) -> None:
        super().__init__(message)
        self.cause = cause


def failure_message(
    spec: ApiSpec,
    operation: str,
    tenant: str,
    error: ResellerTenantError,
    hint: str | None = None,
    *,
    naming: Naming,
) -> str:
    """``<API>: cannot <operation> <tenant>: <status> <CODE>: <message> (<METHOD> <path>).
    <hint>``, the hint in ``naming``."""
    head = f"{spec.display_name}: cannot {operation} {tenant}"
    if isinstance(error, ApiError):
        status = str(error.status) if error.status is not None else ""
        detail = " ".join(part for part in (status, error.code or "") if part)
        message = error.message.rstrip(". ")
        text = f"{head}: {detail}: {message}" if detail else f"{head}: {message}"
        text += f" ({error.method} {error.path})"
    else:
        text = f"{head}: {str(error).rstrip('. ')}"
    hint = hint if hint is not None else default_hint(spec, error, naming)
    return f"{text}. {hint}" if hint else text


def default_hint(spec: ApiSpec, error: ResellerTenantError, naming: Naming) -> str | None:
    """What the user can do about an error, when the error alone does not say."""

    def setting(key: str) -> str:
        return naming.setting(spec.namespace, key)

    fix = error.fix_in(naming) if isinstance(error, ApiResponseError) else None
    if fix:
        return fix  # an API's own error class knows best
    if isinstance(error, AuthenticationError):
        # The engine runs refresh and destroy with the provider settings it recorded at the
        # last `pulumi up`, so a key changed since then reaches them only with --run-program.
        return (
            f"Check the API key: `pulumi config set --secret {setting('apiKey')} <key>` "
            f"or the environment variable {env_var(spec, 'apiKey')}; after changing it in "
            "stack config, run `pulumi refresh` and `pulumi destroy` with --run-program "
            "(without it they use the settings of the last `pulumi up`)"
        )
    if isinstance(error, PermissionDeniedError):
        return "The API key may not manage this tenant: it belongs to another reseller account"
    if isinstance(error, NotFoundError):
        return (
            "The tenant is not in this reseller account (any more): run `pulumi refresh` "
            "so the stack forgets it, then `pulumi up` recreates it"
        )
    if isinstance(error, InvalidRequestError):
        return "Correct the input the API named"
    if isinstance(error, RateLimitedError):
        return (
            f"The API kept rate limiting this key: lower {setting('requestsPerMinute')}, "
            "or run the same command again with --parallel 2"
        )
    if isinstance(error, DeadlineExceededError):
        return f"Raise {setting('operationTimeout')} (seconds) or try again"
    if isinstance(error, ServerError | TransportError):
        if error.outcome_unknown:
            return "The change may have been applied: run `pulumi refresh` before trying again"
        return "A temporary failure: run `pulumi up` again"
    if isinstance(error, UnexpectedResponseError):
        return f"The API answered in a way this provider cannot read: check {setting('baseUrl')}"
    return None
