"""Everything in the plugin's schema is described: the generated SDKs of every language, and
the registry docs drawn from them, show these texts to users."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

from pydantic import BaseModel

from pulumi_resellertenant.easymailarchive import ArchiveTenant, TenantUsage
from pulumi_resellertenant.easymailarchive.tenant_models import EasyMailArchiveTenantState
from pulumi_resellertenant.mailbux import MailbuxTenant, ResellerOverview
from pulumi_resellertenant.mailbux.tenant_models import MailbuxTenantState
from pulumi_resellertenant.plugin import package_schema, schema_json
from pulumi_resellertenant.plugin.schema_types import schema_description


def _described(where: str, entry: Mapping[str, Any]) -> Iterator[str]:
    description = entry.get("description")
    if not isinstance(description, str) or not description.strip():
        yield where


def _properties(where: str, properties: Mapping[str, Any] | None) -> Iterator[str]:
    for name, entry in (properties or {}).items():
        yield from _described(f"{where}.{name}", entry)


def undescribed(schema: Mapping[str, Any]) -> list[str]:
    """Where the schema lacks a description: resources and their input and output
    properties, config variables, provider inputs, functions and their input and output
    properties, object types and their properties."""
    missing: list[str] = []
    missing += _described("package", schema)
    missing += _properties("config", schema["config"]["variables"])
    missing += _properties("provider input", schema["provider"]["inputProperties"])
    for token, resource in schema["resources"].items():
        missing += _described(f"resource {token}", resource)
        missing += _properties(f"resource {token} input", resource["inputProperties"])
        missing += _properties(f"resource {token} output", resource["properties"])
    for token, function in schema["functions"].items():
        missing += _described(f"function {token}", function)
        missing += _properties(
            f"function {token} input", function.get("inputs", {}).get("properties")
        )
        missing += _properties(f"function {token} output", function["outputs"].get("properties"))
    for token, type_ in schema["types"].items():
        missing += _described(f"type {token}", type_)
        missing += _properties(f"type {token}", type_.get("properties"))
    return missing


def test_everything_in_the_schema_has_a_description() -> None:
    schema = package_schema()
    assert schema["resources"]
    assert schema["functions"]
    assert schema["types"]
    missing = undescribed(schema)
    assert not missing, "no description: " + ", ".join(missing)


def test_the_walk_names_each_offender() -> None:
    schema = json.loads(schema_json())  # as the engine gets it: no entry shared
    [token] = [t for t in schema["resources"] if t.endswith(":mailbux:Tenant")]
    del schema["resources"][token]["properties"]["tenantPassword"]["description"]
    schema["config"]["variables"]["mailbuxApiKey"]["description"] = " "
    [function] = [f for f in schema["functions"].values() if "inputs" in f]
    del function["inputs"]["properties"]["slug"]["description"]
    missing = undescribed(schema)
    assert f"resource {token} output.tenantPassword" in missing
    assert "config.mailbuxApiKey" in missing
    assert any(entry.endswith("input.slug") for entry in missing)
    assert len(missing) == 3


def test_every_model_field_the_schema_uses_has_a_docstring() -> None:
    """The descriptions come from the fields' docstrings (``use_attribute_docstrings``)."""
    models: list[type[BaseModel]] = [
        MailbuxTenantState,
        EasyMailArchiveTenantState,
        MailbuxTenant,
        ResellerOverview,
        ArchiveTenant,
        TenantUsage,
    ]
    missing = [
        f"{model.__name__}.{name}"
        for model in models
        for name, info in model.model_fields.items()
        if not (info.description or "").strip()
    ]
    assert not missing, "no docstring: " + ", ".join(missing)


def test_descriptions_are_markdown_in_the_schemas_names() -> None:
    schema = package_schema()
    [mailbux] = [r for t, r in schema["resources"].items() if t.endswith(":mailbux:Tenant")]
    known = mailbux["properties"]["passwordKnown"]["description"]
    assert "`tenantPassword`" in known  # camelCase, single backquotes
    assert "\n" not in mailbux["inputProperties"]["quotaGb"]["description"]  # unwrapped
    text = schema_description("One\n    line, ``quota_gb``.\n\n    Two.", ["quota_gb"])
    assert text == "One line, `quotaGb`.\n\nTwo."


def test_config_variables_name_their_environment_variable_and_default() -> None:
    variables = package_schema()["config"]["variables"]
    assert "`MAILBUX_API_KEY`" in variables["mailbuxApiKey"]["description"]
    assert "default 300" in variables["easymailarchiveOperationTimeout"]["description"]
    assert "default 60" in variables["easymailarchiveRequestsPerMinute"]["description"]
