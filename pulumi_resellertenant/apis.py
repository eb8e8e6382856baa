"""The APIs this package manages tenants of, each declared once.

Every other module that names an API, its type tokens or its display name reads them here:
the resources and their providers, the provider plugin and its schema, the policy pack and
reconcile. Standard library only, so the policy pack and reconcile can read it without
loading Pulumi's SDK or an HTTP client; the API's own code is loaded only when asked for.

A third API is a package of its own (client, models, lifecycle, resource) and one entry in
``APIS``.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any

__all__ = [
    "APIS",
    "EASYMAILARCHIVE",
    "MAILBUX",
    "PLUGIN_PACKAGE",
    "Api",
    "api_of",
    "by_namespace",
    "display_name",
    "namespace_of",
    "plugin_name",
    "plugin_setting",
    "recorded_name",
]

PLUGIN_PACKAGE = "resellertenant"
"""The provider plugin's package: its tokens, its config namespace, `pulumi-resource-<name>`."""


@dataclass(frozen=True)
class Api:
    namespace: str
    """Stack config namespace (``mailbux:apiKey``), environment prefix, resource module."""
    display_name: str
    """How messages name it."""
    dynamic_type: str
    """The dynamic resource's type token (the Python SDK's ``pulumi-python:dynamic/...``)."""
    plugin_type: str
    """The provider plugin's type token."""
    description: str
    """Its tenant resource, in a sentence or three: the plugin's schema shows it."""
    spec_at: str
    """Where its ``ApiSpec`` is (``module:name``): imported only when asked for."""
    lifecycle_at: str
    """Where its ``TenantLifecycle`` class is."""
    functions_at: str
    """Where its reads offered as functions are (a tuple of ``ApiFunction``)."""
    lister_at: str
    """Where the function is that lists its account's tenants for ``reconcile``
    (``ApiSettings`` -> a list of ``AccountTenant``)."""
    adoption_at: str
    """Where its ``AdoptionRules`` are: how ``reconcile`` checks, names and adopts its
    tenants."""

    @property
    def type_tokens(self) -> tuple[str, str]:
        """Its tenant's type under both faces: stacks moved to the plugin stay recognised."""
        return (self.dynamic_type, self.plugin_type)

    @property
    def resource_name(self) -> str:
        """The resource's name in its tokens (``Tenant``): the part after the last colon."""
        return self.dynamic_type.rpartition(":")[2]

    def config_key(self, key: str) -> str:
        """A stack config key of this API: ``apiKey`` -> ``mailbux:apiKey``."""
        return f"{self.namespace}:{key}"

    def spec(self) -> Any:
        """The API's ``ApiSpec``: base URL, auth header, rate limit, error codes."""
        return _load(self.spec_at)

    def lifecycle(self, naming: Any = None) -> Any:
        """A new ``TenantLifecycle`` of the API: its tenant's rules and API calls, its
        messages in ``naming`` (a ``Naming``; Python's when None)."""
        lifecycle_class = _load(self.lifecycle_at)
        return lifecycle_class() if naming is None else lifecycle_class(naming)

    def client_class(self) -> Any:
        """Its ``ApiClient`` subclass (the one its lifecycle names)."""
        return _load(self.lifecycle_at).client_class

    def functions(self) -> tuple[Any, ...]:
        """Its reads offered as functions: the plugin's invokes."""
        return tuple(_load(self.functions_at))

    def lister(self) -> Any:
        """``settings -> [AccountTenant]``: every tenant of an account, as reconcile reads it."""
        return _load(self.lister_at)

    def adoption(self) -> Any:
        """Its ``AdoptionRules``: ids, names and adoption lines as reconcile writes them."""
        return _load(self.adoption_at)


def _load(where: str) -> Any:
    module, _, name = where.partition(":")
    return getattr(importlib.import_module(module), name)


MAILBUX = Api(
    namespace="mailbux",
    display_name="Mailbux",
    dynamic_type="pulumi-python:dynamic/mailbux:Tenant",
    plugin_type="resellertenant:mailbux:Tenant",
    description=(
        "A Mailbux email-hosting tenant: created with a quota, resized, suspended and "
        "reactivated in place, terminated on delete (or only suspended, with "
        'deletionPolicy "suspend"). Import: `pulumi import resellertenant:mailbux:Tenant '
        "NAME ID` (the password of an imported tenant is unknown)."
    ),
    spec_at="pulumi_resellertenant.mailbux.client:MAILBUX",
    lifecycle_at="pulumi_resellertenant.mailbux.lifecycle:MailbuxLifecycle",
    functions_at="pulumi_resellertenant.mailbux.functions:FUNCTIONS",
    lister_at="pulumi_resellertenant.mailbux.functions:account_tenants",
    adoption_at="pulumi_resellertenant.mailbux.adoption:ADOPTION",
)
EASYMAILARCHIVE = Api(
    namespace="easymailarchive",
    display_name="Easy Mail Archive",
    dynamic_type="pulumi-python:dynamic/easymailarchive:Tenant",
    plugin_type="resellertenant:easymailarchive:Tenant",
    description=(
        "An Easy Mail Archive tenant: a new slug replaces it, the name is updated in place; "
        "delete suspends it (the API has no delete). Import: `pulumi import "
        "resellertenant:easymailarchive:Tenant NAME SLUG`."
    ),
    spec_at="pulumi_resellertenant.easymailarchive.client:EASYMAILARCHIVE",
    lifecycle_at="pulumi_resellertenant.easymailarchive.lifecycle:EasyMailArchiveLifecycle",
    functions_at="pulumi_resellertenant.easymailarchive.functions:FUNCTIONS",
    lister_at="pulumi_resellertenant.easymailarchive.functions:account_tenants",
    adoption_at="pulumi_resellertenant.easymailarchive.adoption:ADOPTION",
)
APIS: tuple[Api, ...] = (MAILBUX, EASYMAILARCHIVE)

_BY_TOKEN = {token: api for api in APIS for token in api.type_tokens}
_BY_NAMESPACE = {api.namespace: api for api in APIS}


def api_of(type_token: str) -> Api | None:
    """The API whose tenant a resource of this type is, or None: no tenant of ours."""
    return _BY_TOKEN.get(type_token)


def by_namespace(namespace: str) -> Api:
    api = _BY_NAMESPACE.get(namespace)
    if api is None:
        raise KeyError(f"no API {namespace!r}: the APIs are {', '.join(_BY_NAMESPACE)}")
    return api


def plugin_name(name: str) -> str:
    """``quota_gb`` -> ``quotaGb``: the provider plugin's spelling of a property or function
    name (Pulumi schemas use camelCase); the models and the dynamic resources use the Python
    one. The one place that spelling is derived."""
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def plugin_setting(namespace: str, key: str) -> str:
    """The plugin's config key of an API's setting: ``mailbux`` + ``apiKey`` ->
    ``mailbuxApiKey`` (``resellertenant:mailbuxApiKey`` in a stack's config)."""
    return plugin_name(f"{namespace}_{key}")


_PLUGIN_TOKENS = frozenset(api.plugin_type for api in APIS)


def recorded_name(type_token: str, name: str) -> str:
    """The key under which a resource of this type records the property ``name`` (as the
    models spell it): the plugin's tenants record ``quotaGb``, the dynamic ones ``quota_gb``."""
    return plugin_name(name) if type_token in _PLUGIN_TOKENS else name


def namespace_of(type_token: str) -> str | None:
    """The namespace of the API whose tenant a resource of this type is, or None."""
    api = api_of(type_token)
    return None if api is None else api.namespace


def display_name(namespace: str | None) -> str:
    """How messages name the API of this namespace; "API" for one this package lacks."""
    api = _BY_NAMESPACE.get(namespace) if namespace is not None else None
    return "API" if api is None else api.display_name
