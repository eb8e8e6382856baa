"""The plugin's Pulumi package schema, derived from the models: nothing declared twice.

Each resource's input properties are its Args' fields (required when they have no default),
its properties the State's fields, ``Output(secret=True)`` ones marked secret. Functions
take and return the API's answer models. Names are camelCase, as in every Pulumi schema.
"""

from __future__ import annotations

import json
import re
import types
from collections.abc import Iterable
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from pulumi_resellertenant import __version__
from pulumi_resellertenant.core import TenantState

from .config import config_variables, plugin_wording
from .functions import FUNCTIONS
from .names import PACKAGE, camel, resource_token
from .tenants import TENANTS

__all__ = ["package_schema", "schema_description", "schema_json"]

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


def schema_description(docstring: str, fields: Iterable[str] = ()) -> str:
    """A docstring as a schema description: Markdown, its paragraphs unwrapped, reST's
    double backquotes single, and Python names (``quota_gb``) in the schema's camelCase."""
    paragraphs = (" ".join(part.split()) for part in re.split(r"\n\s*\n", docstring.strip()))
    text = "\n\n".join(paragraph for paragraph in paragraphs if paragraph)
    return plugin_wording(text.replace("``", "`"), fields=fields)


def _properties(model: type[BaseModel], secret: tuple[str, ...] = ()) -> dict[str, Any]:
    props: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        entry = property_type(info.annotation)
        if info.description:
            entry["description"] = schema_description(info.description, model.model_fields)
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
        # A module of its own (this package's own `pulumi_resellertenant` says it needs no
        # plugin), and the SDK's version and plugin declaration are the plugin's, not 0.0.0.
        "language": {
            "python": {"packageName": "pulumi_resellertenant_sdk", "respectSchemaVersion": True}
        },
    }


def schema_json() -> str:
    return json.dumps(package_schema(), indent=2, sort_keys=True)


def object_type(model: type[BaseModel]) -> dict[str, Any]:
    """An object type of the schema from an answer model (its declared fields), described
    by the model's docstring."""
    schema: dict[str, Any] = {"type": "object", "properties": _properties(model)}
    if model.__doc__:
        schema["description"] = schema_description(model.__doc__, model.model_fields)
    return schema
