"""The plugin's Pulumi package schema, derived from the models: nothing declared twice.

Each resource's input properties are its Args' fields (required when they have no default),
its properties the State's fields, ``Output(secret=True)`` ones marked secret. Functions
take and return the API's answer models. Names are camelCase, as in every Pulumi schema.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic_core import PydanticUndefined

from pulumi_resellertenant import __version__
from pulumi_resellertenant.core.lifecycle import TenantState

from .config import config_variables
from .functions import FUNCTIONS
from .names import PACKAGE, camel
from .schema_types import optional, properties, required
from .tenants import TENANTS

__all__ = ["package_schema", "schema_json"]


def _resource(state: type[TenantState], description: str) -> dict[str, Any]:
    args = state.args_model
    inputs = properties(args)
    for name, info in args.model_fields.items():
        if info.default is not PydanticUndefined and info.default is not None:
            inputs[camel(name)]["default"] = info.default
    return {
        "description": description,
        "inputProperties": inputs,
        "requiredInputs": required(args),
        "properties": properties(state, state.secret_names()),
        "required": [
            camel(name)
            for name, info in state.model_fields.items()
            if not optional(info.annotation)
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
            tenant.api.plugin_type: _resource(tenant.lifecycle.state_model, tenant.description)
            for tenant in TENANTS.values()
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
