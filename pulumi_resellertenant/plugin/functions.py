"""The plugin's functions (invokes): what the dynamic path offers as plain Python functions.

Each calls one client method of one API with the provider's settings and returns the API's
answer model (or a list of them, as ``tenants``), its declared fields in camelCase.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from pulumi_resellertenant.core.transport import ApiClient
from pulumi_resellertenant.easymailarchive import ArchiveTenant, EasyMailArchiveClient, TenantUsage
from pulumi_resellertenant.mailbux import MailbuxClient, MailbuxTenant, ResellerOverview

from .names import camel, function_token
from .schema_types import object_type

__all__ = ["FUNCTIONS", "Function"]


@dataclass(frozen=True)
class Function:
    namespace: str
    name: str
    client_class: type[ApiClient]
    call: Callable[[Any, Mapping[str, Any]], Any]
    """(client, {input name: value}) -> the answer model, or a list of them."""
    result: type[BaseModel]
    description: str
    many: bool = False
    """The answer is a list, returned under ``tenants``."""
    inputs: Mapping[str, str] = field(default_factory=dict)
    """Required string inputs: name -> description."""

    @property
    def token(self) -> str:
        return function_token(self.namespace, self.name)

    def outputs(self, answer: Any) -> dict[str, Any]:
        if self.many:
            return {"tenants": [self._fields(item) for item in answer]}
        return self._fields(answer)

    def _fields(self, model: BaseModel) -> dict[str, Any]:
        # Declared fields only: an answer keeps fields the documents do not name.
        return {camel(name): getattr(model, name) for name in type(model).model_fields}

    def schema(self, types: dict[str, Any]) -> dict[str, Any]:
        """This function's schema; the object types it returns are added to ``types``."""
        if self.many:
            type_token = function_token(self.namespace, self.result.__name__)
            types[type_token] = object_type(self.result)
            ref = {"$ref": f"#/types/{type_token}"}
            outputs = {
                "type": "object",
                "properties": {
                    "tenants": {
                        "type": "array",
                        "items": ref,
                        "description": "Every tenant of the account, one object each.",
                    }
                },
                "required": ["tenants"],
            }
        else:
            outputs = object_type(self.result)
        schema: dict[str, Any] = {"description": self.description, "outputs": outputs}
        if self.inputs:
            schema["inputs"] = {
                "type": "object",
                "properties": {
                    camel(name): {"type": "string", "description": text}
                    for name, text in self.inputs.items()
                },
                "required": [camel(name) for name in self.inputs],
            }
        return schema


_ALL = (
    Function(
        "mailbux",
        "getResellerOverview",
        MailbuxClient,
        lambda client, args: client.get_reseller_overview(),
        ResellerOverview,
        "Quota usage and tenant figures of the Mailbux reseller account.",
    ),
    Function(
        "mailbux",
        "listTenants",
        MailbuxClient,
        lambda client, args: client.list_tenants(),
        MailbuxTenant,
        "Every tenant of the Mailbux reseller account (ids for `pulumi import`).",
        many=True,
    ),
    Function(
        "mailbux",
        "syncQuota",
        MailbuxClient,
        lambda client, args: client.sync_quota(),
        ResellerOverview,
        "Have Mailbux recalculate the available quota; returns the recalculated overview.",
    ),
    Function(
        "easymailarchive",
        "listTenants",
        EasyMailArchiveClient,
        lambda client, args: client.list_tenants(),
        ArchiveTenant,
        "Every tenant of the Easy Mail Archive reseller account, across all pages.",
        many=True,
    ),
    Function(
        "easymailarchive",
        "getTenantUsage",
        EasyMailArchiveClient,
        lambda client, args: client.get_usage(args["slug"]),
        TenantUsage,
        "Users, storage and message counts of one Easy Mail Archive tenant.",
        inputs={"slug": "The tenant's slug."},
    ),
)

FUNCTIONS = {function.token: function for function in _ALL}
