"""What every reseller API shares; it names no API. Four layers, each importing only those
below it: ``pacing``, ``transport`` (no Pulumi in either), ``lifecycle`` and ``faces``. This
module is their one import path for code outside the package (``tests/support/third_api.py``, a
third API): each name loads its layer on first use, so ``core.transport`` alone loads no
Pulumi. The package's own modules import the layer they use.

- Errors: ``ResellerTenantError`` and its tree (an API adds its own code classes).
- Talking to an API: ``ApiSpec``, ``ApiSettings`` (``load_settings``; ``StackConfig`` reads
  a program's or a stack's config), ``HttpClient`` (retries,
  deadline, pacing), ``ApiClient`` (the base of each API's client; ``.shared(settings)``).
- A tenant resource: ``TenantArgs`` and ``TenantState`` (the single declaration, with
  ``Input`` and ``Output`` on their fields), ``TenantLifecycle`` (create, read, update, delete
  on typed values), ``TenantProvider`` (its dynamic-provider face), ``TenantResource``.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .faces import (
        CheckedInputs,
        InputChanges,
        PulumiCli,
        PulumiCliError,
        StackConfig,
        TenantFace,
        TenantProvider,
        TenantResource,
    )
    from .lifecycle import (
        LOOKUP_FIRST_DELAY,
        LOOKUP_MAX_DELAY,
        UNKNOWN,
        Applier,
        Created,
        Input,
        InputProblem,
        Output,
        TenantArgs,
        TenantLifecycle,
        TenantOperationError,
        TenantState,
        boolean,
        failure_message,
        is_unknown,
        non_empty_text,
        one_of,
        optional_id,
        positive_whole_number,
        post_resolving_lost_answers,
    )
    from .pacing import Account
    from .transport import (
        MAX_SHOWN,
        SETTING_KEYS,
        Answer,
        ApiClient,
        ApiError,
        ApiResponseError,
        ApiSettings,
        ApiSpec,
        AuthenticationError,
        ClientCache,
        ConfigurationError,
        ConflictError,
        Deadline,
        DeadlineExceededError,
        Gathering,
        HttpClient,
        InvalidInputError,
        InvalidRequestError,
        Listing,
        Listings,
        NotFoundError,
        PermissionDeniedError,
        PositiveWholeNumber,
        RateLimitedError,
        RequestTimeoutError,
        ResellerTenantError,
        ServerError,
        TransportError,
        UnexpectedResponseError,
        WholeNumber,
        build_request,
        env_var,
        error_from_response,
        load_settings,
        parse_answer,
        parse_error_body,
        parse_retry_after,
        shared_clients,
        shown,
    )

_LAYERS = ("pacing", "transport", "lifecycle", "faces")


def __getattr__(name: str) -> Any:
    for layer in _LAYERS:
        module = importlib.import_module(f"{__name__}.{layer}")
        if name in module.__all__:
            value = getattr(module, name)
            globals()[name] = value
            return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "LOOKUP_FIRST_DELAY",
    "LOOKUP_MAX_DELAY",
    "MAX_SHOWN",
    "SETTING_KEYS",
    "UNKNOWN",
    "Account",
    "Answer",
    "ApiClient",
    "ApiError",
    "ApiResponseError",
    "ApiSettings",
    "ApiSpec",
    "Applier",
    "AuthenticationError",
    "CheckedInputs",
    "ClientCache",
    "ConfigurationError",
    "ConflictError",
    "Created",
    "Deadline",
    "DeadlineExceededError",
    "Gathering",
    "HttpClient",
    "Input",
    "InputChanges",
    "InputProblem",
    "InvalidInputError",
    "InvalidRequestError",
    "Listing",
    "Listings",
    "NotFoundError",
    "Output",
    "PermissionDeniedError",
    "PositiveWholeNumber",
    "PulumiCli",
    "PulumiCliError",
    "RateLimitedError",
    "RequestTimeoutError",
    "ResellerTenantError",
    "ServerError",
    "StackConfig",
    "TenantArgs",
    "TenantFace",
    "TenantLifecycle",
    "TenantOperationError",
    "TenantProvider",
    "TenantResource",
    "TenantState",
    "TransportError",
    "UnexpectedResponseError",
    "WholeNumber",
    "boolean",
    "build_request",
    "env_var",
    "error_from_response",
    "failure_message",
    "is_unknown",
    "load_settings",
    "non_empty_text",
    "one_of",
    "optional_id",
    "parse_answer",
    "parse_error_body",
    "parse_retry_after",
    "positive_whole_number",
    "post_resolving_lost_answers",
    "shared_clients",
    "shown",
]
