"""What every reseller API shares, behind this one import path; it names no API.

- Errors: ``ResellerTenantError`` and its tree (an API adds its own code classes).
- Talking to an API: ``ApiSpec``, ``ApiSettings`` (``load_settings``; ``StackConfig`` reads
  a program's or a stack's config), ``HttpClient`` (retries,
  deadline, pacing), ``ApiClient`` (the base of each API's client; ``.shared(settings)``).
- A tenant resource: ``TenantArgs`` and ``TenantState`` (the single declaration, with
  ``Input`` and ``Output`` on their fields), ``TenantLifecycle`` (create, read, update, delete
  on typed values), ``TenantProvider`` (its dynamic-provider face), ``TenantResource``.
"""

from ._api_client import ApiClient
from ._clients import ClientCache, shared_clients
from ._deadline import Deadline
from ._dynamic_provider import TenantProvider
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
from ._inputs import (
    UNKNOWN,
    InputProblem,
    boolean,
    is_unknown,
    non_empty_text,
    one_of,
    optional_id,
    positive_whole_number,
)
from ._lifecycle import Applier, Created, TenantLifecycle
from ._listings import Gathering, Listing, Listings
from ._lost_answers import (
    LOOKUP_FIRST_DELAY,
    LOOKUP_MAX_DELAY,
    post_resolving_lost_answers,
)
from ._models import Answer, PositiveWholeNumber, WholeNumber, build_request, parse_answer
from ._operation_errors import TenantOperationError, failure_message
from ._provider_face import CheckedInputs, InputChanges, TenantFace
from ._resource_model import Input, Output, TenantArgs, TenantState
from ._settings import SETTING_KEYS, Account, ApiSettings, ApiSpec, env_var, load_settings
from ._shown import MAX_SHOWN, shown
from ._stack_config import (
    PulumiCli,
    PulumiCliError,
    StackConfig,
)
from ._tenant_resource import TenantResource

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
