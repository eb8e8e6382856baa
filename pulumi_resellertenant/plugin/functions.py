"""The plugin's functions (invokes): what the dynamic path offers as plain Python functions.

Each calls one client method of one API with the provider's settings and returns the API's
answer model (or a list of them, as ``tenants``), its declared fields in camelCase.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from pulumi_resellertenant.apis import APIS
from pulumi_resellertenant.core.transport import ApiClient, ApiFunction

from .names import camel, function_token
from .schema_types import object_type

__all__ = ["FUNCTIONS", "Function"]


@dataclass(frozen=True)
class Function:
    """One of an API's declared reads (``ApiFunction``: its name, inputs and call), as the
    plugin's invoke: its token, schema and camelCase outputs."""

    namespace: str
    declared: ApiFunction
    client_class: type[ApiClient]

    @property
    def token(self) -> str:
        return function_token(self.namespace, self.declared.name)

    def outputs(self, answer: Any) -> dict[str, Any]:
        if self.declared.many:
            return {"tenants": [self._fields(item) for item in answer]}
        return self._fields(answer)

    def _fields(self, model: BaseModel) -> dict[str, Any]:
        # Declared fields only: an answer keeps fields the documents do not name.
        return {camel(name): getattr(model, name) for name in type(model).model_fields}

    def schema(self, types: dict[str, Any]) -> dict[str, Any]:
        """This function's schema; the object types it returns are added to ``types``."""
        if self.declared.many:
            type_token = function_token(self.namespace, self.declared.result.__name__)
            types[type_token] = object_type(self.declared.result)
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
            outputs = object_type(self.declared.result)
        schema: dict[str, Any] = {"description": self.declared.description, "outputs": outputs}
        if self.declared.inputs:
            schema["inputs"] = {
                "type": "object",
                "properties": {
                    camel(name): {"type": "string", "description": text}
                    for name, text in self.declared.inputs.items()
                },
                "required": [camel(name) for name in self.declared.inputs],
            }
        return schema


FUNCTIONS = {
    function.token: function
    for api in APIS
    for function in (Function(api.namespace, f, api.client_class()) for f in api.functions())
}
