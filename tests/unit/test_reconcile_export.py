"""Reconcile's readers: a stack export (tenants, pending operations), file-backend locks, and
the lines to paste (valid Python that says exactly what the account holds)."""

from __future__ import annotations

import ast
import json
from pathlib import Path
from typing import Any

import pytest

from pulumi_resellertenant.apis import namespace_of
from pulumi_resellertenant.reconcile.account import AccountTenant, parse_time
from pulumi_resellertenant.reconcile.export import ExportError, parse_export, parse_urn
from pulumi_resellertenant.reconcile.lines import Commands, adopt_line
from pulumi_resellertenant.reconcile.locks import file_backend_dir, read_file_lock

STACK_URN = "urn:pulumi:dev::shop::pulumi:pulumi:Stack::shop-dev"
MAILBUX_TYPE = "pulumi-python:dynamic/mailbux:Tenant"
EMA_TYPE = "pulumi-python:dynamic/easymailarchive:Tenant"


def urn(type_token: str, name: str) -> str:
    return f"urn:pulumi:dev::shop::{type_token}::{name}"


def export(resources: list[dict[str, Any]], pending: list[dict[str, Any]] | None = None) -> Any:
    """An export shaped as `pulumi stack export` (v3.220) prints it."""
    deployment: dict[str, Any] = {
        "manifest": {"time": "2026-01-01T10:00:00Z", "version": "v3.220.0"},
        "resources": [
            {"urn": STACK_URN, "custom": False, "type": "pulumi:pulumi:Stack"},
            *resources,
        ],
    }
    if pending is not None:
        deployment["pending_operations"] = pending
    return {"version": 3, "deployment": deployment}


def test_tenants_of_both_apis_are_read_by_their_ids_and_other_resources_ignored() -> None:
    state = parse_export(
        "dev",
        export(
            [
                {"urn": urn(MAILBUX_TYPE, "mail"), "type": MAILBUX_TYPE, "id": "7"},
                {"urn": urn(EMA_TYPE, "archive"), "type": EMA_TYPE, "id": "acme-corp"},
                {"urn": urn("random:index:RandomPet", "pet"), "type": "random:index:RandomPet"},
            ]
        ),
    )

    assert [(t.api, t.name, t.tenant_id) for t in state.tenants] == [
        ("mailbux", "mail", "7"),
        ("easymailarchive", "archive", "acme-corp"),
    ]
    assert state.project == "shop"
    assert state.pending == ()
    assert state.uses("mailbux")
    assert state.uses("easymailarchive")


def test_pending_operations_keep_their_kind_resource_and_inputs() -> None:
    created = {
        "urn": urn(MAILBUX_TYPE, "a"),
        "custom": True,
        "type": MAILBUX_TYPE,
        "inputs": {"__provider": "gASV", "quota_gb": 3, "suspended": False},
    }
    other = {"urn": urn("aws:s3/bucket:Bucket", "logs"), "type": "aws:s3/bucket:Bucket"}
    state = parse_export(
        "dev",
        export(
            [],
            [{"resource": created, "type": "creating"}, {"resource": other, "type": "updating"}],
        ),
    )

    [create, update] = state.pending
    assert (create.kind, create.name, create.api, create.input("quota_gb")) == (
        "creating",
        "a",
        "mailbux",
        3,
    )
    assert (update.kind, update.api, update.type) == ("updating", None, "aws:s3/bucket:Bucket")
    assert state.tenants == ()
    assert state.uses("mailbux")
    assert not state.uses("easymailarchive")


def test_the_real_providers_tokens_and_camel_case_inputs_are_recognised() -> None:
    mailbux_type = "resellertenant:mailbux:Tenant"
    state = parse_export(
        "dev",
        export(
            [{"urn": urn(mailbux_type, "m"), "type": mailbux_type, "id": "9"}],
            [
                {
                    "type": "creating",
                    "resource": {
                        "urn": urn(mailbux_type, "n"),
                        "type": mailbux_type,
                        "inputs": {"quotaGb": 4, "deletionPolicy": "suspend"},
                    },
                }
            ],
        ),
    )

    assert [t.tenant_id for t in state.tenants] == ["9"]
    [pending] = state.pending
    assert pending.input("quota_gb") == 4
    assert pending.input("deletion_policy") == "suspend"
    assert namespace_of("resellertenant:easymailarchive:Tenant") == "easymailarchive"
    assert namespace_of("resellertenant:mailbux:Tenant") == "mailbux"


def test_a_tenant_without_an_id_takes_it_from_its_outputs() -> None:
    state = parse_export(
        "dev",
        export([{"urn": urn(EMA_TYPE, "a"), "type": EMA_TYPE, "outputs": {"slug": "acme"}}]),
    )
    assert state.tenants[0].tenant_id == "acme"


def test_urns_of_children_and_names_holding_colons() -> None:
    parsed = parse_urn(f"urn:pulumi:prod::shop::my:index:Group${MAILBUX_TYPE}::odd::name")
    assert (parsed.stack, parsed.project, parsed.type, parsed.name) == (
        "prod",
        "shop",
        MAILBUX_TYPE,
        "odd::name",
    )


@pytest.mark.parametrize(
    ("document", "problem"),
    [
        ([], "not a JSON object"),
        ({"deployment": []}, "deployment is not a JSON object"),
        ({"deployment": {"resources": {}}}, "resources is not a list"),
        ({"deployment": {"resources": [{"type": MAILBUX_TYPE}]}}, "has no URN"),
        ({"deployment": {"resources": [{"urn": "nonsense"}]}}, "is not a Pulumi URN"),
        (
            {"deployment": {"resources": [{"urn": urn(MAILBUX_TYPE, "m"), "type": MAILBUX_TYPE}]}},
            "tenant m has no id",
        ),
        ({"deployment": {"pending_operations": [{"type": "creating"}]}}, "names no resource"),
    ],
)
def test_an_unreadable_export_is_one_line_naming_the_stack(document: Any, problem: str) -> None:
    with pytest.raises(ExportError, match=problem) as caught:
        parse_export("dev", document)
    assert str(caught.value).startswith("stack dev: ")


def test_an_empty_stack_has_nothing() -> None:
    state = parse_export("dev", {"version": 3, "deployment": {"manifest": {}}})
    assert (state.tenants, state.pending, state.project) == ((), (), None)


# --- locks -----------------------------------------------------------------------------------


def test_file_backend_urls_name_their_directory_and_others_none() -> None:
    assert file_backend_dir("file:///var/state?no_tmp_dir=true") == Path("/var/state")
    assert file_backend_dir("file://~/state") == Path.home() / "state"
    assert file_backend_dir("file:///with%20space") == Path("/with space")
    assert file_backend_dir("s3://bucket/path") is None
    assert file_backend_dir("https://api.pulumi.com") is None


def test_a_lock_file_says_who_holds_the_stack(tmp_path: Path) -> None:
    locks = tmp_path / ".pulumi" / "locks" / "organization" / "shop" / "dev"
    locks.mkdir(parents=True)
    assert read_file_lock(tmp_path, "shop", "dev").locked is False

    (locks / "1b2c.json").write_text(
        json.dumps({"pid": 4242, "hostname": "ci-7", "timestamp": "2026-01-01T10:00:00Z"})
    )
    status = read_file_lock(tmp_path, "shop", "organization/shop/dev")

    assert status.locked is True
    assert status.detail == "locked by pid 4242 on ci-7 since 2026-01-01T10:00:00Z"
    assert read_file_lock(tmp_path, "shop", "prod").locked is False


def test_a_lock_of_a_backend_without_projects_and_an_unreadable_lock(tmp_path: Path) -> None:
    locks = tmp_path / ".pulumi" / "locks" / "dev"
    locks.mkdir(parents=True)
    (locks / "x.json").write_text("not json")

    status = read_file_lock(tmp_path, None, "dev")

    assert status.locked is True
    assert status.detail.startswith("lock file ")


# --- lines to paste --------------------------------------------------------------------------


def call_of(line: str) -> tuple[str, list[Any], dict[str, Any]]:
    """The pasted line as Python sees it: callee, positional and keyword arguments."""
    node = ast.parse(line.partition("  #")[0]).body[0]
    assert isinstance(node, ast.Expr)
    assert isinstance(node.value, ast.Call)
    return (
        ast.unparse(node.value.func),
        [ast.literal_eval(a) for a in node.value.args],
        {str(k.arg): ast.literal_eval(k.value) for k in node.value.keywords},
    )


def test_a_mailbux_line_adopts_by_id_with_the_listed_quota() -> None:
    tenant = AccountTenant("mailbux", "42", "user123", quota_gb=5, status="active")
    line = adopt_line("user123", tenant)
    assert line == 'mailbux.Tenant("user123", quota_gb=5, adopt_tenant_id="42")'


def test_an_archive_line_adopts_by_slug_with_the_listed_name() -> None:
    tenant = AccountTenant("easymailarchive", "acme", "acme", name="Acme Corp", status="active")
    line = adopt_line("acme", tenant)
    assert line == (
        'easymailarchive.Tenant("acme", slug="acme", name="Acme Corp", adopt_existing=True)'
    )


def test_a_suspended_tenant_stays_suspended_and_a_suspend_policy_is_kept() -> None:
    mail = AccountTenant("mailbux", "3", "u3", quota_gb=2, status="suspended")
    archive = AccountTenant("easymailarchive", "old", "old", status="Suspended")

    assert call_of(adopt_line("m", mail, deletion_policy="suspend")) == (
        "mailbux.Tenant",
        ["m"],
        {
            "quota_gb": 2,
            "suspended": True,
            "deletion_policy": "suspend",
            "adopt_tenant_id": "3",
        },
    )
    assert call_of(adopt_line("m", mail, suspended=False, deletion_policy="terminate"))[2] == {
        "quota_gb": 2,
        "adopt_tenant_id": "3",
    }
    assert call_of(adopt_line("a", archive)) == (
        "easymailarchive.Tenant",
        ["a"],
        {"slug": "old", "name": "old", "suspended": True, "adopt_existing": True},
    )


def test_names_with_quotes_and_unicode_stay_valid_python() -> None:
    tenant = AccountTenant("easymailarchive", "cafe", "cafe", name='Café "Zur Post"\\')
    assert call_of(adopt_line("café", tenant))[2]["name"] == 'Café "Zur Post"\\'


def test_an_unknown_quota_is_marked_for_the_user_to_fill_in() -> None:
    line = adopt_line("u", AccountTenant("mailbux", "5", "u"))
    assert "quota_gb=None" in line
    assert line.endswith("put the tenant's quota_gb here")


def test_commands_name_the_stack_and_a_quoted_directory() -> None:
    here = Commands("dev")
    there = Commands("org/shop/prod", "/srv/my project")

    assert here.refresh() == "pulumi refresh --yes --stack dev"
    assert here.cancel() == "pulumi cancel --yes --stack dev"
    assert there.refresh(clear_pending_creates=True) == (
        "pulumi refresh --clear-pending-creates --yes --stack org/shop/prod --cwd '/srv/my project'"
    )
    assert there.state_delete("urn:pulumi:prod::shop::t::a b") == (
        "pulumi state delete --yes 'urn:pulumi:prod::shop::t::a b' --stack org/shop/prod "
        "--cwd '/srv/my project'"
    )


def test_times_are_read_with_their_zone_or_not_at_all() -> None:
    assert parse_time("2026-01-01T10:00:00Z") is not None
    assert parse_time("2026-01-01T10:00:00+02:00") is not None
    assert parse_time("2026-01-01T10:00:00") is None
    assert parse_time("yesterday") is None
    assert parse_time(None) is None
