"""The Mailbux provider with answer shapes the emulator does not produce (the documents leave
them open): a create answer with an id, bare action answers, refusals without figures, an
overview without quota figures. An in-process fake API behind httpx's MockTransport."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from pulumi_resellertenant.core.lifecycle._operation_errors import TenantOperationError
from pulumi_resellertenant.core.transport._http import HttpClient
from pulumi_resellertenant.core.transport._settings import load_settings
from pulumi_resellertenant.mailbux import MAILBUX, MailbuxClient
from pulumi_resellertenant.mailbux.lifecycle import QUOTA_PRECHECK_SECONDS
from pulumi_resellertenant.mailbux.provider import MailbuxTenantProvider

Handler = Callable[[httpx.Request], httpx.Response]


def ok(data: Any) -> httpx.Response:
    return httpx.Response(200, json={"success": True, "data": data})


def provider_for(handler: Handler, key: str, **env: str) -> tuple[MailbuxTenantProvider, list[str]]:
    """A provider whose client talks to `handler`; returns it and the requests it sent.
    Each test uses its own key: the quota budget is cached per account for the process."""
    seen: list[str] = []

    def record(request: httpx.Request) -> httpx.Response:
        seen.append(f"{request.method} {request.url.path}")
        return handler(request)

    settings = load_settings(
        MAILBUX,
        None,
        {
            "MAILBUX_API_KEY": key,
            "MAILBUX_REQUESTS_PER_MINUTE": "0",
            "MAILBUX_MAX_ATTEMPTS": "1",
            **env,
        },
    )
    client = MailbuxClient(HttpClient(settings, transport=httpx.MockTransport(record)))
    provider = MailbuxTenantProvider()
    provider.settings = lambda: settings  # type: ignore[method-assign]
    provider.client = lambda settings=None: client  # type: ignore[method-assign]
    return provider, seen


CREATED = {
    "id": 41,
    "tenant_username": "user41",
    "tenant_name": "user41_tent",
    "tenant_password": "pw-41",
    "quota_gb": 5,
    "status": "active",
}


def test_a_create_answer_with_an_id_needs_no_id_lookup() -> None:
    def api(request: httpx.Request) -> httpx.Response:
        if request.method == "GET":
            return ok([])
        if request.url.path.endswith("/suspend"):
            return ok({"id": 41, "status": "suspended"})  # not a whole tenant
        return ok(CREATED)

    provider, seen = provider_for(api, "shape-id")
    result = provider.create({"quota_gb": 5, "suspended": True, "deletion_policy": "terminate"})
    assert result.id == "41"
    assert result.outs is not None
    assert (result.outs["tenant_password"], result.outs["status"]) == ("pw-41", "suspended")
    # The list before the first POST only: what existed, should an answer be lost.
    assert seen == [
        "GET /api/user/tenants",
        "POST /api/user/tenants",
        "POST /api/user/tenants/41/suspend",
    ]


def test_bare_action_answers_still_give_every_output() -> None:
    provider, seen = provider_for(lambda _: ok({"id": 41}), "shape-bare")
    olds = {
        "tenant_id": "41",
        "tenant_username": "user41",
        "tenant_password": "pw-41",
        "password_known": True,
        "quota_gb": 5.0,
        "suspended": False,
        "status": "active",
        "email_count": 2.0,
        "deletion_policy": "terminate",
    }
    news = {"quota_gb": 6, "suspended": True, "deletion_policy": "terminate"}
    outs = provider.update("41", olds, news).outs
    assert outs is not None
    assert (outs["quota_gb"], outs["suspended"], outs["status"]) == (6, True, "suspended")
    assert (outs["email_count"], outs["tenant_password"]) == (2, "pw-41")
    assert seen == ["PATCH /api/user/tenants/41/quota", "POST /api/user/tenants/41/suspend"]


def test_a_refusal_without_figures_gets_them_from_the_overview() -> None:
    def api(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/overview"):
            return ok({"quota_total_gb": 20, "quota_allocated_gb": 17})
        body = {"success": False, "error": {"code": "QUOTA_EXCEEDED", "message": "No quota."}}
        return httpx.Response(422, json=body)

    provider, _ = provider_for(api, "shape-figures")
    with pytest.raises(TenantOperationError) as caught:
        provider.create({"quota_gb": 9})
    assert str(caught.value).startswith(
        "Mailbux: cannot create tenant (quota_gb=9): 422 QUOTA_EXCEEDED: No quota "
        "(requested quota_gb=9, 3 GB available in the reseller pool) (POST /api/user/tenants)"
    )


def test_an_overview_without_quota_figures_skips_the_precheck() -> None:
    provider, seen = provider_for(lambda _: ok({"plan": "paid"}), "shape-no-figures")
    assert provider.check({}, {"quota_gb": 10_000}).failures == []
    assert provider.check({}, {"quota_gb": 10_000}).failures == []
    assert seen == ["GET /api/user/reseller/overview"]


def test_an_unavailable_overview_skips_the_precheck_with_a_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    provider, _ = provider_for(lambda _: httpx.Response(503), "shape-down")
    assert provider.check({}, {"quota_gb": 1}).failures == []
    assert "quota pre-check skipped" in caplog.text


def test_a_created_tenant_missing_from_the_list_keeps_its_password_under_a_provisional_id(
    caplog: pytest.LogCaptureFixture,
) -> None:
    def api(request: httpx.Request) -> httpx.Response:
        if request.method == "POST":
            return ok({k: v for k, v in CREATED.items() if k != "id"})
        return ok([])

    # A deadline just above the look-up's reserve: one look after the POST, then give up.
    provider, seen = provider_for(api, "shape-missing", MAILBUX_OPERATION_TIMEOUT="5.4")
    result = provider.create({"quota_gb": 5})
    assert result.id == "unresolved:user41"
    assert result.outs is not None
    assert (result.outs["tenant_password"], result.outs["password_known"]) == ("pw-41", True)
    assert seen == ["GET /api/user/tenants", "POST /api/user/tenants", "GET /api/user/tenants"]
    assert "recorded with its password under the provisional id" in caplog.text
    assert "pw-41" not in caplog.text


def test_a_refused_list_after_create_gives_up_at_once_and_keeps_the_password(
    caplog: pytest.LogCaptureFixture,
) -> None:
    def api(request: httpx.Request) -> httpx.Response:
        if request.method == "POST":
            return ok({k: v for k, v in CREATED.items() if k != "id"})
        return httpx.Response(401, json={"error": "UNAUTHORIZED"})

    provider, seen = provider_for(api, "shape-list-fails")
    result = provider.create({"quota_gb": 5})
    assert (result.id, seen.count("GET /api/user/tenants")) == ("unresolved:user41", 2)
    assert result.outs is not None
    assert result.outs["tenant_password"] == "pw-41"
    assert "the tenant list could not be read" in caplog.text


def test_a_provisional_id_is_resolved_by_the_next_read_and_update() -> None:
    listed = [CREATED]
    provider, _ = provider_for(lambda _: ok(listed), "shape-settle")
    olds = {
        "tenant_id": "unresolved:user41",
        "tenant_username": "user41",
        "tenant_password": "pw-41",
        "password_known": True,
        "quota_gb": 5.0,
        "suspended": False,
        "status": "active",
        "deletion_policy": "terminate",
    }
    assert provider.diff("unresolved:user41", olds, {**olds}).changes
    read = provider.read("unresolved:user41", olds)
    assert read.id == "41"
    assert read.outs is not None
    assert (read.outs["tenant_id"], read.outs["tenant_password"]) == ("41", "pw-41")
    updated = provider.update("unresolved:user41", olds, {"quota_gb": 5}).outs
    assert updated is not None
    assert (updated["tenant_id"], updated["tenant_password"]) == ("41", "pw-41")


def test_a_tenant_listed_as_terminated_is_gone() -> None:
    listed = [{**CREATED, "status": "terminated"}]
    provider, _ = provider_for(lambda _: ok(listed), "shape-terminated")
    assert provider.read("41", {"tenant_id": "41"}).id == ""
    with pytest.raises(TenantOperationError, match="is not a tenant of this Mailbux"):
        provider.create({"quota_gb": 5, "adopt_tenant_id": "41"})


def test_requests_carry_integers_not_floats() -> None:
    bodies: list[Any] = []

    def api(request: httpx.Request) -> httpx.Response:
        if request.method == "GET":
            return ok([])
        bodies.append(json.loads(request.content))
        return ok(CREATED)

    provider, _ = provider_for(api, "shape-ints")
    provider.create({"quota_gb": 5.0})
    assert bodies == [{"quota_gb": 5}]
    assert type(bodies[0]["quota_gb"]) is int


def test_the_quota_pre_check_has_a_short_deadline_of_its_own() -> None:
    # An operation may take 300 s; a preview must not wait that long for the overview.
    timeouts: list[float] = []

    def api(request: httpx.Request) -> httpx.Response:
        timeouts.append(request.extensions["timeout"]["read"])
        return ok({"quota_available_gb": 100})

    provider, seen = provider_for(api, "shape-precheck-deadline")
    assert provider.check({}, {"quota_gb": 5}).failures == []
    assert seen == ["GET /api/user/reseller/overview"]
    assert 0 < timeouts[0] <= QUOTA_PRECHECK_SECONDS < 300
