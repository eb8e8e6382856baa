"""The plugin's Pulumi package schema, derived from the models: nothing declared twice.

Each resource's input properties are its Args' fields (required when they have no default),
its properties the State's fields, ``Output(secret=True)`` ones marked secret. Functions
take and return the API's answer models. Names are camelCase, as in every Pulumi schema.
"""

from __future__ import annotations

import json
import types
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from pulumi_resellertenant import __version__
from pulumi_resellertenant.core import TenantState

from .config import config_variables
from .functions import FUNCTIONS
from .names import PACKAGE, camel, resource_token
from .tenants import TENANTS

__all__ = ["package_schema", "schema_json"]

_SCALARS = {bool: "boolean", int: "integer", float: "number", str: "string"}


def property_type(annotation: Any) -> dict[str, Any]:
    """The schema type of a field annotation (optional ones unwrapped)."""
    origin = get_origin(annotation)
    if origin is Annotated:
        return property_type(get_args(annotation)[0])
    if origin in (Union, types.UnionType):
        [inner] = [arg for arg in get_args(annotation) if arg is not type(None)]
        return property_type(inner)
    if annotation in _SCALARS:
        return {"type": _SCALARS[annotation]}
    raise TypeError(f"no schema type for {annotation!r}")


def _optional(annotation: Any) -> bool:
    if get_origin(annotation) is Annotated:
        return _optional(get_args(annotation)[0])
    return get_origin(annotation) in (Union, types.UnionType) and type(None) in get_args(annotation)


def _required(model: type[BaseModel]) -> list[str]:
    return [camel(name) for name, info in model.model_fields.items() if info.is_required()]


def _properties(model: type[BaseModel], secret: tuple[str, ...] = ()) -> dict[str, Any]:
    props: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        entry = property_type(info.annotation)
        if info.description:
            entry["description"] = info.description
        if name in secret:
            entry["secret"] = True
        props[camel(name)] = entry
    return props


def _resource(state: type[TenantState], description: str) -> dict[str, Any]:
    args = state.args_model
    inputs = _properties(args)
    for name, info in args.model_fields.items():
        if info.default is not PydanticUndefined and info.default is not None:
            inputs[camel(name)]["default"] = info.default
    return {
        "description": description,
        "inputProperties": inputs,
        "requiredInputs": _required(args),
        "properties": _properties(state, state.secret_names()),
        "required": [
            camel(name)
            for name, info in state.model_fields.items()
            if not _optional(info.annotation)
        ],
    }


def package_schema() -> dict[str, Any]:
    specs = [tenant.lifecycle.spec for tenant in TENANTS.values()]
    variables = config_variables(*specs)
    types_: dict[str, Any] = {}
    functions: dict[str, Any] = {}
    for token, function in FUNCTIONS.items():
        functions[token] = function.schema(types_)
    return {
        "name": PACKAGE,
        "displayName": "Reseller tenants (Mailbux, Easy Mail Archive)",
        "version": __version__,
        "description": "Mailbux and Easy Mail Archive reseller tenants as Pulumi resources",
        "config": {"variables": variables},
        "provider": {"inputProperties": variables},
        "resources": {
            resource_token(namespace): _resource(tenant.lifecycle.state_model, tenant.description)
            for namespace, tenant in TENANTS.items()
        },
        "functions": functions,
        "types": types_,
        "language": {"python": {"packageName": "pulumi_resellertenant_sdk"}},
    }


def schema_json() -> str:
    return json.dumps(package_schema(), indent=2, sort_keys=True)


def object_type(model: type[BaseModel]) -> dict[str, Any]:
    """An object type of the schema from an answer model (its declared fields)."""
    return {"type": "object", "properties": _properties(model)}
