"""The registry of APIs: each declared once, and every other module reads it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from pulumi_resellertenant import apis, easymailarchive, mailbux
from pulumi_resellertenant.apis import (
    APIS,
    PLUGIN_PACKAGE,
    api_of,
    by_namespace,
    display_name,
    namespace_of,
    plugin_name,
    plugin_setting,
    recorded_name,
)
from pulumi_resellertenant.plugin.functions import FUNCTIONS
from pulumi_resellertenant.plugin.schema import package_schema
from pulumi_resellertenant.reconcile.account import ADOPTIONS, LISTERS

PACKAGE_DIR = Path(apis.__file__).parent
TENANT_CLASSES = {"mailbux": mailbux.Tenant, "easymailarchive": easymailarchive.Tenant}


@pytest.mark.parametrize("token", [t for api in APIS for t in api.type_tokens])
def test_each_type_token_is_written_in_one_module(token: str) -> None:
    holders = [
        path.relative_to(PACKAGE_DIR).as_posix()
        for path in sorted(PACKAGE_DIR.rglob("*.py"))
        if token in path.read_text(encoding="utf-8")
    ]
    assert holders == ["apis.py"]


@pytest.mark.parametrize("api", APIS, ids=lambda api: api.namespace)
def test_the_resources_plugin_and_spec_take_their_names_from_the_registry(api: apis.Api) -> None:
    assert f"pulumi-python:{TENANT_CLASSES[api.namespace]._resource_type_name}" == api.dynamic_type
    assert api.plugin_type in package_schema()["resources"]
    spec = api.spec()
    assert (spec.namespace, spec.display_name) == (api.namespace, api.display_name)
    assert api.lifecycle().spec is spec
    assert api.config_key("apiKey") == f"{api.namespace}:apiKey"


@pytest.mark.parametrize("api", APIS, ids=lambda api: api.namespace)
def test_the_plugins_invokes_and_reconciles_listers_and_rules_come_from_each_apis_declaration(
    api: apis.Api,
) -> None:
    declared = {f"{PLUGIN_PACKAGE}:{api.namespace}:{f.name}" for f in api.functions()}
    offered = {token for token in FUNCTIONS if token.split(":")[1] == api.namespace}
    assert declared == offered != set()
    assert all(FUNCTIONS[token].client_class is api.client_class() for token in offered)
    assert api.client_class().spec is api.spec()
    assert LISTERS[api.namespace] is api.lister()
    assert api.lister().__module__.startswith(f"pulumi_resellertenant.{api.namespace}.")
    assert ADOPTIONS[api.namespace] is api.adoption()
    assert api.adoption_at.startswith(f"pulumi_resellertenant.{api.namespace}.")


def test_reconcile_names_no_api_of_its_own() -> None:
    # Its per-API rules (ids, names, adoption lines, how an interrupted create is matched)
    # are each API's AdoptionRules: a third API reconciles through its registry entry.
    for path in sorted((PACKAGE_DIR / "reconcile").glob("*.py")):
        code = "\n".join(
            line for line in path.read_text().splitlines() if not line.lstrip().startswith("#")
        )
        for api in APIS:
            assert f"pulumi_resellertenant.{api.namespace}" not in code, path.name
            assert f"{api.namespace.upper()}." not in code, path.name


def test_lookups_by_token_and_namespace() -> None:
    for api in APIS:
        assert api_of(api.dynamic_type) is api_of(api.plugin_type) is api
        assert namespace_of(api.plugin_type) == api.namespace
        assert by_namespace(api.namespace) is api
        assert display_name(api.namespace) == api.display_name
    assert api_of("aws:s3/bucket:Bucket") is None
    assert namespace_of("pulumi-python:dynamic:Resource") is None
    assert display_name("nonesuch") == "API"
    with pytest.raises(KeyError, match="the APIs are mailbux, easymailarchive"):
        by_namespace("nonesuch")


def test_each_face_records_a_property_under_its_own_spelling() -> None:
    assert plugin_name("quota_gb") == "quotaGb"
    assert plugin_name("adopt_tenant_id") == "adoptTenantId"
    assert plugin_name("slug") == "slug"
    assert plugin_setting("mailbux", "apiKey") == "mailbuxApiKey"
    assert plugin_setting("easymailarchive", "maxRetries") == "easymailarchiveMaxRetries"
    for api in APIS:
        assert recorded_name(api.dynamic_type, "quota_gb") == "quota_gb"
        assert recorded_name(api.plugin_type, "quota_gb") == "quotaGb"
    assert recorded_name("aws:s3/bucket:Bucket", "quota_gb") == "quota_gb"


def test_the_registry_loads_no_api_code_and_no_sdk() -> None:
    # The policy pack and reconcile read it: importing it must cost nothing.
    probe = (
        "import sys, pulumi_resellertenant.apis; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('pulumi', 'httpx', 'pydantic') or m.startswith('pulumi_resellertenant.')))"
    )
    loaded = subprocess.run(  # noqa: S603 (this interpreter, our own probe)
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert loaded == "['pulumi_resellertenant.apis']"
