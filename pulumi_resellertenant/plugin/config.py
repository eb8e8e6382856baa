"""The plugin's configuration: one provider config for both APIs, keyed per API.

The dynamic resources read stack config ``mailbux:apiKey``; the plugin's provider has its own
config, in its package's namespace: ``resellertenant:mailbuxApiKey`` for the default
provider, ``mailbuxApiKey`` on an explicit provider resource. Every setting the dynamic
resources have exists here, named ``<api><Key>``, with the same environment variables as
fallback (``MAILBUX_API_KEY``): ``load_settings`` does the rest, so the rules are one.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import SecretStr
from pydantic_core import PydanticUndefined

from pulumi_resellertenant.apis import plugin_setting
from pulumi_resellertenant.core.transport import SETTING_KEYS, ApiSettings, ApiSpec, env_var

from .names import PACKAGE

__all__ = ["ProviderConfig", "config_variables", "setting_default", "setting_description"]


def variable(spec: ApiSpec, key: str) -> str:
    """``mailbux`` + ``apiKey`` -> ``mailbuxApiKey``."""
    return plugin_setting(spec.namespace, key)


def config_variables(*specs: ApiSpec) -> dict[str, dict[str, Any]]:
    """The schema's config variables: each setting of each API, typed from ``ApiSettings``."""
    variables: dict[str, dict[str, Any]] = {}
    for spec in specs:
        for field, key in SETTING_KEYS.items():
            annotation = str(ApiSettings.model_fields[field].annotation)
            secret = "SecretStr" in annotation or field == "api_key"
            kind = "string"
            if "float" in annotation:
                kind = "number"
            elif "int" in annotation:
                kind = "integer"
            entry: dict[str, Any] = {"type": kind}
            if secret:
                entry["secret"] = True
            entry["description"] = setting_description(spec, field)
            variables[variable(spec, key)] = entry
    return variables


_SETTING_TEXT = {
    "base_url": "Base URL of the {api} API (default {default}); plain http:// is allowed "
    "only to a loopback host, as the key would travel in clear.",
    "api_key": "The {api} reseller API key; required, here or in the environment.",
    "connect_timeout": "Seconds to wait for a connection to the {api} API (default {default}).",
    "read_timeout": "Seconds to wait for each read of an answer from the {api} API "
    "(default {default}).",
    "operation_timeout": "Deadline in seconds of one {api} operation (a create, read, "
    "update, delete or function), every attempt, retry wait and rate-limit wait included "
    "(default {default}).",
    "max_attempts": "Attempts per {api} request, the first included (1 to 10, default {default}).",
    "requests_per_minute": "Client-side limit of {api} requests in any rolling minute, shared "
    "by every process of this machine (and by machines sharing the Redis URL); 0 turns it "
    "off (default {default}).",
    "max_answer_bytes": "Bytes of one {api} answer read at most, after decompression; a "
    "larger one fails the request (default {default}).",
    "redis_url": "A Redis server (redis://, rediss:// or unix://) that holds the {api} pacing "
    "window, for deploying from several machines with one key (default: none, the window is "
    "shared by this machine's processes only).",
}
"""What each setting of ``ApiSettings`` is, ``{api}`` its API and ``{default}`` its default."""


def setting_default(spec: ApiSpec, field: str) -> Any:
    """A setting's default for this API (None: no default)."""
    if field == "base_url":
        default: Any = spec.default_base_url
    elif field == "requests_per_minute":
        default = spec.requests_per_minute
    else:
        default = ApiSettings.model_fields[field].default
    if isinstance(default, float) and default.is_integer():
        default = int(default)
    return None if default is PydanticUndefined else default


def setting_description(spec: ApiSpec, field: str) -> str:
    """One config variable's description: what it is, its default, its environment variable."""
    default = setting_default(spec, field)
    text = _SETTING_TEXT[field].format(api=spec.display_name, default=default)
    return f"{text} Environment variable: `{env_var(spec, SETTING_KEYS[field])}`."


class ProviderConfig:
    """The provider's config as ``load_settings`` looks it up (``<api>:<key>``)."""

    def __init__(self, values: Mapping[str, Any]) -> None:
        self._values = dict(values)

    @classmethod
    def from_request(cls, args: Mapping[str, Any], variables: Mapping[str, str]) -> ProviderConfig:
        """From Configure: ``args`` (typed, secrets unwrapped) win over ``variables``
        (strings keyed ``resellertenant:<name>``)."""
        values: dict[str, Any] = {}
        prefix = f"{PACKAGE}:"
        for key, text in variables.items():
            if key.startswith(prefix):
                values[key[len(prefix) :]] = text
        values.update({key: value for key, value in args.items() if value is not None})
        return cls(values)

    def lookup(self, qualified: str) -> Any:
        """``mailbux:apiKey`` -> the value of ``mailbuxApiKey``, or None."""
        namespace, _, key = qualified.partition(":")
        value = self._values.get(plugin_setting(namespace, key))
        return value.get_secret_value() if isinstance(value, SecretStr) else value

    def __repr__(self) -> str:
        return f"ProviderConfig(keys={sorted(self._values)})"  # never the values
