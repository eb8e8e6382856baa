"""The provider plugin (`resellertenant`) driven over gRPC as the engine drives it, against the
emulator; and the shared lifecycle cases, run against both faces of each tenant type."""

from __future__ import annotations

import functools
import json
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest
from google.protobuf import empty_pb2
from pulumi.runtime import proto

from lifecycle_cases import ARCHIVE_CASES, MAILBUX_CASES, Case
from lifecycle_cases_faces import (
    PLUGIN_UNKNOWN,
    REPO_ROOT,
    PluginFace,
    PluginServer,
    face_config,
    plain,
    plugin_env,
    struct,
    unstruct,
)
from pulumi_resellertenant import __version__
from support.emulator_handle import EMA_KEY, EMA_OTHER_KEY, MAILBUX_KEY, EmulatorHandle
from support.engine_steps import Launch, error_line, up_create
from support.live_tenants import api_call

SECRET_VARIABLES = frozenset({"mailbuxApiKey", "easymailarchiveApiKey"})
StartPlugin = Callable[..., PluginServer]


@pytest.fixture
def start_plugin(tmp_path: Path, emu: EmulatorHandle) -> Iterator[StartPlugin]:
    """`start_plugin(config=..., env=...)`: a configured plugin process (config None: the
    emulator's; `{}`: none); its log must never show a key."""
    servers: list[PluginServer] = []
    with ExitStack() as stack:

        def start(
            *, config: Mapping[str, Any] | None = None, env: Mapping[str, str] | None = None
        ) -> PluginServer:
            server = PluginServer.start(
                stderr_path=tmp_path / f"plugin-{len(servers)}.log",
                env={**plugin_env(), **(env or {})},
            )
            stack.enter_context(server)
            servers.append(server)
            config = face_config("plugin", emu, "mailbux", {}) if config is None else config
            server.configure(config, secrets=SECRET_VARIABLES & config.keys())
            return server

        yield start
    for server in servers:
        log = server.stderr_text()
        for key in (MAILBUX_KEY, EMA_KEY, EMA_OTHER_KEY):
            assert key not in log, "an API key reached the plugin's log"


@pytest.fixture
def plugin(start_plugin: StartPlugin) -> PluginServer:
    return start_plugin()


# --- the shared lifecycle cases, on both faces ---------------------------------------------


@pytest.fixture(params=["dynamic", "plugin"])
def face(
    request: pytest.FixtureRequest, launch: Launch, start_plugin: StartPlugin, emu: EmulatorHandle
) -> Callable[..., Any]:
    """`face(namespace, **settings)`: a new provider process of this test's face serving that
    tenant type, with those settings of its API (`apiKey=...`) in its config."""

    def serve(namespace: str, **settings: object) -> Any:
        config = face_config(request.param, emu, namespace, settings)
        if request.param == "plugin":
            return PluginFace(start_plugin(config=config), namespace)
        pickle = request.getfixturevalue(
            "mailbux_pickle" if namespace == "mailbux" else "archive_pickle"
        )
        return launch(pickle, config=config)

    return serve


@pytest.mark.parametrize("case", MAILBUX_CASES, ids=lambda case: case.__name__)
def test_mailbux_lifecycle_case(case: Case, face: Callable[..., Any], emu: EmulatorHandle) -> None:
    case(functools.partial(face, "mailbux"), emu)


@pytest.mark.parametrize("case", ARCHIVE_CASES, ids=lambda case: case.__name__)
def test_archive_lifecycle_case(case: Case, face: Callable[..., Any], emu: EmulatorHandle) -> None:
    case(functools.partial(face, "easymailarchive"), emu)


# --- what only the plugin has ----------------------------------------------------------------


def test_the_schema_declares_both_tenants_in_camel_case_with_the_password_secret(
    plugin: PluginServer,
) -> None:
    answer = plugin.call("GetSchema", proto.GetSchemaRequest(version=0))
    schema = json.loads(answer.schema)
    assert (schema["name"], schema["version"]) == ("resellertenant", __version__)
    mailbux = schema["resources"]["resellertenant:mailbux:Tenant"]
    assert set(mailbux["inputProperties"]) == {
        "quotaGb",
        "suspended",
        "deletionPolicy",
        "adoptTenantId",
    }
    assert mailbux["requiredInputs"] == ["quotaGb"]
    password = mailbux["properties"]["tenantPassword"]
    assert (password["type"], password["secret"]) == ("string", True)
    assert mailbux["inputProperties"]["deletionPolicy"]["default"] == "terminate"
    archive = schema["resources"]["resellertenant:easymailarchive:Tenant"]
    assert sorted(archive["requiredInputs"]) == ["name", "slug"]
    assert "usersCount" in archive["properties"]
    assert sorted(schema["functions"]) == [
        "resellertenant:easymailarchive:getTenantUsage",
        "resellertenant:easymailarchive:listTenants",
        "resellertenant:mailbux:getResellerOverview",
        "resellertenant:mailbux:listTenants",
        "resellertenant:mailbux:syncQuota",
    ]
    assert schema["config"]["variables"]["mailbuxApiKey"]["secret"] is True


def test_the_plugin_package_route_serves_the_same_provider(tmp_path: Path) -> None:
    """The `PulumiPlugin.yaml` route: the engine's Python host installs the repository and
    runs `python -m pulumi.run.plugin pulumi-resellertenant <address>`, which runs the
    package's `__main__`; the engine versions that can are newer than the pinned one."""
    assert (REPO_ROOT / "PulumiPlugin.yaml").read_text().count("runtime: python") == 1
    command = ("-m", "pulumi.run.plugin", "pulumi-resellertenant")
    with PluginServer.start(
        stderr_path=tmp_path / "route.log", env=plugin_env(), command=command
    ) as server:
        schema = json.loads(server.call("GetSchema", proto.GetSchemaRequest(version=0)).schema)
        info = server.call("GetPluginInfo", empty_pb2.Empty())
    assert schema["name"] == "resellertenant"
    assert info.version == __version__


def test_check_config_passes_the_config_through(plugin: PluginServer, emu: EmulatorHandle) -> None:
    news = {"mailbuxBaseUrl": emu.url}
    answer = plugin.call(
        "CheckConfig", proto.CheckRequest(urn="urn:x", olds=struct({}), news=struct(news))
    )
    assert plain(answer.inputs) == news
    assert list(answer.failures) == []


def test_settings_fall_back_to_the_environment(
    start_plugin: StartPlugin, emu: EmulatorHandle
) -> None:
    server = start_plugin(
        config={}, env={"MAILBUX_API_KEY": MAILBUX_KEY, "MAILBUX_BASE_URL": emu.url}
    )
    tenant = up_create(PluginFace(server, "mailbux"), {"quota_gb": 1.0})
    assert tenant.outputs["password_known"] is True


def test_a_missing_key_names_the_plugins_own_config_key(start_plugin: StartPlugin) -> None:
    server = start_plugin(config={})
    line = error_line(PluginFace(server, "mailbux").create, {"quota_gb": 1.0, "suspended": False})
    assert "pulumi config set --secret resellertenant:mailbuxApiKey" in line
    assert "MAILBUX_API_KEY" in line
    assert " mailbux:apiKey" not in line


def test_the_provider_marks_the_password_secret_itself(plugin: PluginServer) -> None:
    face = PluginFace(plugin, "mailbux")
    request = proto.CreateRequest(urn=face.urn, properties=struct({"quotaGb": 1}))
    properties = unstruct(plugin.call("Create", request).properties)
    secret = sorted(name for name, value in properties.items() if value.is_secret)
    assert secret == ["tenantPassword"]


def test_an_input_sent_secret_comes_back_secret(plugin: PluginServer) -> None:
    face = PluginFace(plugin, "easymailarchive")
    news = struct({"slug": "secret-name", "name": "Hidden"}, frozenset({"name"}))
    checked = unstruct(plugin.call("Check", proto.CheckRequest(urn=face.urn, news=news)).inputs)
    assert checked["name"].is_secret
    created = unstruct(
        plugin.call("Create", proto.CreateRequest(urn=face.urn, properties=news)).properties
    )
    assert created["name"].is_secret
    assert not created["slug"].is_secret


def test_check_failures_speak_the_plugins_names(plugin: PluginServer) -> None:
    # The lifecycle's reasons name Python inputs; a YAML or TypeScript user sees their own.
    outcome = PluginFace(plugin, "mailbux").check({}, {"quota_gb": 2.5, "adopt_tenant_id": True})
    reasons = dict(outcome.failures)
    assert reasons["quota_gb"].startswith("quotaGb must be a whole number, got 2.5")
    assert "quotaGb=5" in reasons["quota_gb"]
    assert "quota_gb" not in reasons["quota_gb"]
    assert "adoptTenantId" in reasons["adopt_tenant_id"]
    assert "resellertenant:mailbux:listTenants" in reasons["adopt_tenant_id"]


def test_unknown_inputs_pass_check_and_show_in_the_diff(plugin: PluginServer) -> None:
    face = PluginFace(plugin, "mailbux")
    checked = face.check({}, {"quota_gb": PLUGIN_UNKNOWN})
    assert checked.failures == []
    assert checked.inputs["quota_gb"] is PLUGIN_UNKNOWN
    tenant = up_create(face, {"quota_gb": 1.0})
    diff = face.diff_response(
        tenant.id, tenant.outputs, {**tenant.inputs, "quota_gb": PLUGIN_UNKNOWN}
    )
    assert diff.changes == proto.DiffResponse.DIFF_SOME
    assert dict(diff.detailedDiff)["quotaGb"].kind == proto.PropertyDiff.UPDATE


def test_the_detailed_diff_names_each_changed_property(plugin: PluginServer) -> None:
    mailbux = PluginFace(plugin, "mailbux")
    tenant = up_create(mailbux, {"quota_gb": 1.0})
    news = {**tenant.inputs, "quota_gb": 2, "suspended": True}
    diff = mailbux.diff_response(tenant.id, tenant.outputs, news)
    kinds = {name: change.kind for name, change in diff.detailedDiff.items()}
    assert kinds == {"quotaGb": proto.PropertyDiff.UPDATE, "suspended": proto.PropertyDiff.UPDATE}
    assert diff.hasDetailedDiff
    assert sorted(diff.diffs) == ["quotaGb", "suspended"]

    archive = PluginFace(plugin, "easymailarchive")
    site = up_create(archive, {"slug": "acme-corp", "name": "Acme"})
    diff = archive.diff_response(site.id, site.outputs, {**site.inputs, "slug": "acme-two"})
    assert dict(diff.detailedDiff)["slug"].kind == proto.PropertyDiff.UPDATE_REPLACE
    assert list(diff.replaces) == ["slug"]


def test_import_adopts_a_mailbux_tenant_and_warns_its_password_is_unknown(
    plugin: PluginServer, emu: EmulatorHandle
) -> None:
    api_call(emu, "POST", "/api/user/tenants", json={"quota_gb": 3})
    [existing] = api_call(emu, "GET", "/api/user/tenants").json()["data"]
    face = PluginFace(plugin, "mailbux")
    read = face.read(str(existing["id"]), {})  # `pulumi import`: nothing but the id
    assert read.id == str(existing["id"])
    assert read.outputs["quota_gb"] == 3
    assert read.outputs["password_known"] is False
    assert read.outputs["tenant_password"] is None
    assert read.inputs == {"quota_gb": 3, "suspended": False, "deletion_policy": "terminate"}
    assert "imported" in plugin.stderr_text()
    assert "password" in plugin.stderr_text()


def test_import_adopts_an_archive_tenant_by_slug(plugin: PluginServer, emu: EmulatorHandle) -> None:
    api_call(emu, "POST", "/api/reseller/tenants", json={"slug": "old-corp", "name": "Old"})
    read = PluginFace(plugin, "easymailarchive").read("old-corp", {})
    assert read.id == "old-corp"
    assert read.inputs == {
        "slug": "old-corp",
        "name": "Old",
        "suspended": False,
        "adopt_existing": False,
    }


def test_import_of_an_unknown_id_finds_nothing(plugin: PluginServer) -> None:
    assert PluginFace(plugin, "mailbux").read("424242", {}).id == ""


def invoke(plugin: PluginServer, token: str, **args: Any) -> Any:
    return plugin.call("Invoke", proto.InvokeRequest(tok=token, args=struct(args)))


def test_functions_answer_as_the_plain_functions_do(
    plugin: PluginServer, emu: EmulatorHandle
) -> None:
    mailbux = PluginFace(plugin, "mailbux")
    tenant = up_create(mailbux, {"quota_gb": 2.0})
    up_create(PluginFace(plugin, "easymailarchive"), {"slug": "acme-corp", "name": "Acme"})
    emu.set_usage("acme-corp", users_count=7)

    listed = plain(getattr(invoke(plugin, "resellertenant:mailbux:listTenants"), "return"))
    assert [t["id"] for t in listed["tenants"]] == [tenant.id]
    assert listed["tenants"][0]["quotaGb"] == 2
    overview = plain(
        getattr(invoke(plugin, "resellertenant:mailbux:getResellerOverview"), "return")
    )
    assert overview["quotaAllocatedGb"] == 2
    synced = plain(getattr(invoke(plugin, "resellertenant:mailbux:syncQuota"), "return"))
    assert synced["quotaAvailableGb"] == overview["quotaAvailableGb"]
    archives = plain(
        getattr(invoke(plugin, "resellertenant:easymailarchive:listTenants"), "return")
    )
    assert [t["slug"] for t in archives["tenants"]] == ["acme-corp"]
    usage = invoke(plugin, "resellertenant:easymailarchive:getTenantUsage", slug="acme-corp")
    assert plain(getattr(usage, "return"))["usersCount"] == 7


def test_a_function_without_its_input_fails_naming_it(plugin: PluginServer) -> None:
    answer = invoke(plugin, "resellertenant:easymailarchive:getTenantUsage")
    assert [(f.property, f.reason) for f in answer.failures] == [
        ("slug", "slug is required, a string")
    ]


def test_a_function_error_is_one_line(plugin: PluginServer) -> None:
    details = error_line(
        lambda: invoke(plugin, "resellertenant:easymailarchive:getTenantUsage", slug="nope")
    )
    assert details.startswith("Easy Mail Archive: cannot run getTenantUsage: 404")


def test_the_engine_timeout_bounds_an_operation(plugin: PluginServer, emu: EmulatorHandle) -> None:
    emu.add_fault(method="POST", path="/api/user/tenants", count=1, latency_ms=5_000)
    face = PluginFace(plugin, "mailbux")
    started = time.monotonic()
    request = proto.CreateRequest(urn=face.urn, properties=struct({"quotaGb": 1}), timeout=2)
    details = error_line(plugin.call, "Create", request)
    assert time.monotonic() - started < 4.5, "the engine's 2 s, not the 300 s of operationTimeout"
    assert details.startswith("Mailbux: cannot create tenant")
    # The emulator still sleeps on the abandoned POST: let it finish before the test ends.
    time.sleep(max(0.0, started + 5.5 - time.monotonic()))


def test_cancel_ends_operations(plugin: PluginServer, emu: EmulatorHandle) -> None:
    plugin.call("Cancel", empty_pb2.Empty())
    face = PluginFace(plugin, "mailbux")
    details = error_line(face.create, {"quota_gb": 1.0, "suspended": False})
    assert details.startswith("Mailbux: cannot create tenant")
    assert api_call(emu, "GET", "/api/user/tenants").json()["data"] == []


def test_an_unknown_resource_type_is_refused(plugin: PluginServer) -> None:
    unknown = "urn:pulumi:test::resellertenant-tests::resellertenant:nothing:Tenant::t"
    request = proto.CheckRequest(urn=unknown, news=struct({}))
    with pytest.raises(Exception, match="unknown resource type"):
        plugin.call("Check", request)
