"""Talking to an API over HTTP: settings, deadlines, retries, errors read from
answers, the client base class and the coalesced listings; and what an API declares beside
its tenant (its reads as ``ApiFunction``s, its account's tenants as ``AccountTenant``s).
Paced by ``pacing``; knows no Pulumi.
"""

from ._account_reads import (
    GONE_STATUSES,
    AccountTenant,
    AdoptionRules,
    ApiFunction,
    Argument,
    parse_time,
)
from ._api_client import ApiClient
from ._clients import ClientCache, shared_clients
from ._deadline import Deadline
from ._error_answers import error_from_response, parse_error_body, parse_retry_after
from ._errors import (
    ApiError,
    ApiResponseError,
    AuthenticationError,
    ConfigurationError,
    ConflictError,
    DeadlineExceededError,
    InvalidInputError,
    InvalidRequestError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitedError,
    RequestTimeoutError,
    ResellerTenantError,
    ServerError,
    TransportError,
    UnexpectedResponseError,
)
from ._http import HttpClient
from ._listings import Gathering, Listing, Listings
from ._models import Answer, PositiveWholeNumber, WholeNumber, build_request, parse_answer
from ._naming import PYTHON, Naming
from ._settings import SETTING_KEYS, ApiSettings, ApiSpec, ConfigLookup, env_var, load_settings
from ._shown import MAX_SHOWN, shown
from ._value_rules import (
    InputProblem,
    at_most,
    boolean,
    chain,
    non_empty_text,
    one_line,
    one_of,
    optional_id,
    positive_whole_number,
)

__all__ = [
    "GONE_STATUSES",
    "MAX_SHOWN",
    "PYTHON",
    "SETTING_KEYS",
    "AccountTenant",
    "AdoptionRules",
    "Answer",
    "ApiClient",
    "ApiError",
    "ApiFunction",
    "ApiResponseError",
    "ApiSettings",
    "ApiSpec",
    "Argument",
    "AuthenticationError",
    "ClientCache",
    "ConfigLookup",
    "ConfigurationError",
    "ConflictError",
    "Deadline",
    "DeadlineExceededError",
    "Gathering",
    "HttpClient",
    "InputProblem",
    "InvalidInputError",
    "InvalidRequestError",
    "Listing",
    "Listings",
    "Naming",
    "NotFoundError",
    "PermissionDeniedError",
    "PositiveWholeNumber",
    "RateLimitedError",
    "RequestTimeoutError",
    "ResellerTenantError",
    "ServerError",
    "TransportError",
    "UnexpectedResponseError",
    "WholeNumber",
    "at_most",
    "boolean",
    "build_request",
    "chain",
    "env_var",
    "error_from_response",
    "load_settings",
    "non_empty_text",
    "one_line",
    "one_of",
    "optional_id",
    "parse_answer",
    "parse_error_body",
    "parse_retry_after",
    "parse_time",
    "positive_whole_number",
    "shared_clients",
    "shown",
]
