"""Typed settings for one reseller API, from Pulumi stack config or the environment.

Each setting has a config key in the API's namespace and an environment variable derived
from it: ``<api>:apiKey`` / ``<API>_API_KEY``, ``<api>:requestsPerMinute`` /
``<API>_REQUESTS_PER_MINUTE``, ``<api>:redisUrl`` / ``<API>_REDIS_URL``. Stack config wins
over the environment, the environment over the defaults. The API key is held as a
``SecretStr`` so it never shows in a repr or a log.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import ipaddress
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Annotated, Any
from urllib.parse import urlsplit

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    InstanceOf,
    SecretStr,
    ValidationError,
    field_validator,
)

from pulumi_resellertenant.core.pacing import Account

from ._errors import ApiResponseError, ConfigurationError
from ._naming import PYTHON, Naming

__all__ = [
    "SETTING_KEYS",
    "Account",
    "ApiSettings",
    "ApiSpec",
    "ConfigLookup",
    "check_base_url",
    "env_var",
    "load_settings",
]

ConfigLookup = Callable[[str], Any]
"""Looks up a fully qualified stack config key (``<api>:apiKey``); None when unset."""


@dataclass(frozen=True)
class ApiSpec:
    """What the core needs to know about one API; each API package defines one."""

    namespace: str  # stack config namespace, also the environment variable prefix
    display_name: str
    default_base_url: str
    auth_header: str
    auth_scheme: str | None  # "Bearer" puts "Bearer <key>" in the header; None the bare key
    requests_per_minute: int
    error_codes: Mapping[str, type[ApiResponseError]] = dataclasses.field(
        default_factory=dict, hash=False, compare=False
    )
    """The API's own error codes and the classes they raise (before the status decides)."""


PositiveSeconds = Annotated[float, Field(gt=0)]


class ApiSettings(BaseModel):
    """Everything a client needs to talk to one API."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    spec: ApiSpec
    base_url: str
    api_key: SecretStr
    connect_timeout: PositiveSeconds = 5.0
    read_timeout: PositiveSeconds = 30.0
    operation_timeout: PositiveSeconds = 300.0
    """Deadline for one operation: every attempt, retry wait and rate-limit wait included."""
    max_attempts: Annotated[int, Field(ge=1, le=10)] = 4
    requests_per_minute: Annotated[int, Field(ge=0)]
    """Client-side limit in any rolling minute, shared by every thread and process of this
    machine (and by machines sharing ``redis_url``); 0 turns it off."""
    max_answer_bytes: Annotated[int, Field(ge=1024)] = 8 * 1024 * 1024
    """Bytes of one answer read at most (after decompression): a larger one fails the
    request. 8 MiB holds a Mailbux listing of about 40,000 tenants."""
    redis_url: SecretStr | None = None
    """A Redis server that holds the pacing window, for deploying from several machines with
    one key (``redis://``, ``rediss://`` or ``unix://``); a secret, as it may hold a password."""
    naming: InstanceOf[Naming] = PYTHON
    """How messages name these settings: the spelling of the face that read them."""

    @functools.cached_property  # frozen, and asked for by every operation
    def account(self) -> Account:
        digest = hashlib.sha256(self.api_key.get_secret_value().encode()).hexdigest()[:16]
        return Account(self.spec.namespace, self.base_url, digest)

    @field_validator("base_url")
    @classmethod
    def _safe_base_url(cls, url: str) -> str:
        return check_base_url(url)

    @field_validator("api_key")
    @classmethod
    def _non_empty_key(cls, key: SecretStr) -> SecretStr:
        if not key.get_secret_value().strip():
            raise ValueError("is empty")
        return key

    @field_validator("redis_url")
    @classmethod
    def _redis_url(cls, url: SecretStr | None) -> SecretStr | None:
        if url is None or not url.get_secret_value().strip():
            return None
        # The message never shows the URL: it may hold a password.
        parts = urlsplit(url.get_secret_value().strip())
        if parts.scheme not in ("redis", "rediss", "unix"):
            raise ValueError("must be a redis://, rediss:// or unix:// URL")
        if parts.scheme != "unix" and not parts.hostname:
            raise ValueError("must name a host (redis://host:6379/0)")
        if parts.scheme == "unix" and not parts.path:
            raise ValueError("must name a socket path (unix:///run/redis.sock)")
        return SecretStr(url.get_secret_value().strip())


# Setting name -> stack config key suffix. The environment variable derives from the key.
_KEYS = {
    "base_url": "baseUrl",
    "api_key": "apiKey",
    "connect_timeout": "connectTimeout",
    "read_timeout": "readTimeout",
    "operation_timeout": "operationTimeout",
    "max_attempts": "maxAttempts",
    "requests_per_minute": "requestsPerMinute",
    "max_answer_bytes": "maxAnswerBytes",
    "redis_url": "redisUrl",
}
SETTING_KEYS: Mapping[str, str] = MappingProxyType(_KEYS)
"""Setting name -> its config key (``api_key`` -> ``apiKey``): what a provider config names."""


@functools.cache  # a few names, asked for by every operation
def env_var(spec: ApiSpec, config_key: str) -> str:
    """The environment variable for a config key: ``apiKey`` -> ``<API>_API_KEY``."""
    snake = re.sub(r"(?<!^)(?=[A-Z])", "_", config_key).upper()
    return f"{spec.namespace.upper()}_{snake}"


def load_settings(
    spec: ApiSpec,
    config: ConfigLookup | None = None,
    environ: Mapping[str, str] | None = None,
    naming: Naming = PYTHON,
) -> ApiSettings:
    """Build settings from stack config, then the environment, then the defaults.

    Raises ``ConfigurationError`` naming the key and how to set it when the API key is
    missing or a value is invalid.
    """
    env = os.environ if environ is None else environ
    values: dict[str, Any] = {
        "spec": spec,
        "base_url": spec.default_base_url,
        "requests_per_minute": spec.requests_per_minute,
        "naming": naming,
    }
    sources: dict[str, str] = {}
    for field, key, qualified, variable in _sources(spec):
        value = config(qualified) if config is not None else None
        if value is None or value == "":
            value = env.get(variable) or None
            if value is not None:
                sources[field] = f"environment variable {variable}"
        else:
            sources[field] = f"stack config {naming.setting(spec.namespace, key)}"
        if value is not None:
            values[field] = value

    if "api_key" not in values:
        raise ConfigurationError(
            f"{spec.display_name} API key is not set: run "
            f"`pulumi config set --secret {naming.setting(spec.namespace, 'apiKey')} <key>` "
            f"or set the environment variable {env_var(spec, 'apiKey')}"
        )
    try:
        return _validated(spec, tuple(values.items()))
    except ValidationError as exc:
        problems = []
        for error in exc.errors(include_input=False, include_url=False):
            field = str(error["loc"][0]) if error["loc"] else "?"
            where = sources.get(field, f"default {field}")
            problems.append(f"{where}: {error['msg']}")
        raise ConfigurationError(
            f"invalid {spec.display_name} settings: " + "; ".join(problems)
        ) from None


@functools.lru_cache(maxsize=16)
def _sources(spec: ApiSpec) -> tuple[tuple[str, str, str, str], ...]:
    """(setting, its key, its qualified stack config key, its environment variable) of each
    setting: names built once, not at every operation."""
    return tuple(
        (field, key, f"{spec.namespace}:{key}", env_var(spec, key)) for field, key in _KEYS.items()
    )


@functools.lru_cache(maxsize=16)
def _validated(spec: ApiSpec, values: tuple[tuple[str, Any], ...]) -> ApiSettings:
    """Settings from the values read: every operation reads them again (config and
    environment may differ between calls), and a refresh of thousands of tenants would
    validate the same ones thousands of times. ApiSettings is frozen, so one is shared;
    an invalid one raises and is not kept."""
    return ApiSettings(**dict(values))


def check_base_url(url: str) -> str:
    """Accept https URLs, and plain http only to a loopback host; return it normalised.

    The API key travels in a header: over plain http to another host it would travel in clear.
    """
    parts = urlsplit(url.strip())
    if "@" in parts.netloc:
        # Not quoted: the URL holds a password. The API key is the only credential sent.
        raise ValueError(
            "must not carry a user name or password (user:password@host): remove them; "
            "the API key is the credential"
        )
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise ValueError(f"{url!r} is not an http(s) URL with a host")
    if parts.query or parts.fragment:
        raise ValueError(f"{url!r} must not carry a query or fragment")
    if parts.scheme == "http" and not _is_loopback(parts.hostname):
        raise ValueError(
            f"{url!r} uses plain http to a non-loopback host, which would send the API key "
            "in clear: use https (plain http is allowed only for localhost/127.0.0.1/::1)"
        )
    return url.strip().rstrip("/")


def _is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
