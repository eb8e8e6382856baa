"""Machinery both reseller APIs share; it knows nothing about either of them."""

from .deadline import Deadline
from .errors import (
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
    PlanUpgradeRequiredError,
    QuotaExceededError,
    RateLimitedError,
    RequestTimeoutError,
    ResellerTenantError,
    ServerError,
    TenantLimitError,
    TransportError,
    UnexpectedResponseError,
)
from .http import ApiClient
from .settings import ApiSettings, ApiSpec, load_settings

__all__ = [
    "ApiClient",
    "ApiError",
    "ApiResponseError",
    "ApiSettings",
    "ApiSpec",
    "AuthenticationError",
    "ConfigurationError",
    "ConflictError",
    "Deadline",
    "DeadlineExceededError",
    "InvalidInputError",
    "InvalidRequestError",
    "NotFoundError",
    "PermissionDeniedError",
    "PlanUpgradeRequiredError",
    "QuotaExceededError",
    "RateLimitedError",
    "RequestTimeoutError",
    "ResellerTenantError",
    "ServerError",
    "TenantLimitError",
    "TransportError",
    "UnexpectedResponseError",
    "load_settings",
]
