"""MailbuxClient and EasyMailArchiveClient over httpx.MockTransport: the documented method
and path of every endpoint, request bodies, and the answer shapes each must tolerate."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from pulumi_resellertenant.core.transport._errors import (
    InvalidInputError,
    InvalidRequestError,
    NotFoundError,
    PermissionDeniedError,
    ServerError,
    UnexpectedResponseError,
)
from pulumi_resellertenant.core.transport._http import REDACTED, HttpClient
from pulumi_resellertenant.core.transport._settings import ApiSettings
from pulumi_resellertenant.easymailarchive.client import EASYMAILARCHIVE, EasyMailArchiveClient
from pulumi_resellertenant.mailbux.client import MAILBUX, MailbuxClient
from pulumi_resellertenant.mailbux.errors import PlanUpgradeRequiredError, TenantLimitError

MBX_KEY = "mbx-secret-key-1234567890"
EMA_KEY = "ema-secret-key-0987654321"
BASE = "https://api.test.invalid"

Handler = Callable[[httpx.Request], httpx.Response]


class Server:
    """Answers from a handler and records every request (method, raw path, query, body)."""

    def __init__(self, answer: Handler | httpx.Response | list[httpx.Response]) -> None:
        self.answer = answer
        self.requests: list[httpx.Request] = []
        self.sleeps: list[float] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if isinstance(self.answer, list):
            return self.answer.pop(0)
        if isinstance(self.answer, httpx.Response):
            return self.answer
        return self.answer(request)

    @property
    def calls(self) -> list[tuple[str, str]]:
        return [(r.method, r.url.raw_path.decode()) for r in self.requests]

    def body(self, index: int = 0) -> Any:
        content = self.requests[index].read()
        return json.loads(content) if content else None

    def api_client(self, settings: ApiSettings) -> HttpClient:
        return HttpClient(
            settings,
            transport=httpx.MockTransport(self),
            sleep=self.sleeps.append,
            clock=lambda: 0.0,
            rand=lambda: 0.5,
        )


def settings_for(spec: Any, key: str) -> ApiSettings:
    return ApiSettings(spec=spec, base_url=BASE, api_key=key, requests_per_minute=0)


def mailbux(
    answer: Handler | httpx.Response | list[httpx.Response],
) -> tuple[MailbuxClient, Server]:
    server = Server(answer)
    return MailbuxClient(server.api_client(settings_for(MAILBUX, MBX_KEY))), server


def archive(
    answer: Handler | httpx.Response | list[httpx.Response],
) -> tuple[EasyMailArchiveClient, Server]:
    server = Server(answer)
    return EasyMailArchiveClient(server.api_client(settings_for(EASYMAILARCHIVE, EMA_KEY))), server


def ok(body: Any, status: int = 200) -> httpx.Response:
    return httpx.Response(status, json=body)


TENANT = {"id": 7, "tenant_username": "user1", "tenant_name": "user1_tent", "quota_gb": 5}
OTHER = {"id": 8, "tenant_username": "user2", "status": "suspended", "email_count": 2}
CREATED = {
    "success": True,
    "data": {
        "tenant_username": "user38472615",
        "tenant_name": "user38472615_tent",
        "tenant_password": "a1b2c3d4e5f6",
        "quota_gb": 5,
        "status": "active",
    },
}


# --- Mailbux -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        [TENANT, OTHER],
        {"data": [TENANT, OTHER]},
        {"success": True, "data": [TENANT, OTHER]},
        {"data": {"tenants": [TENANT, OTHER]}},
        {"tenants": [TENANT, OTHER]},
    ],
    ids=["bare", "data", "success-data", "data-tenants", "tenants"],
)
def test_mailbux_list_accepts_each_envelope(body: Any) -> None:
    client, server = mailbux(ok(body))
    tenants = client.list_tenants()
    assert [(t.id, t.tenant_username, t.suspended) for t in tenants] == [
        ("7", "user1", False),
        ("8", "user2", True),
    ]
    assert server.calls == [("GET", "/api/user/tenants")]


@pytest.mark.parametrize(
    "body", [{"data": {"count": 2}}, {"data": "none"}, {"tenants": None}, None, {"success": True}]
)
def test_mailbux_list_without_a_list_is_unexpected(body: Any) -> None:
    client, _ = mailbux(ok(body))
    with pytest.raises(UnexpectedResponseError, match="no list of tenants"):
        client.list_tenants()


def test_mailbux_list_item_that_cannot_be_read_is_unexpected() -> None:
    client, _ = mailbux(ok([{"tenant_username": "no id"}]))
    with pytest.raises(UnexpectedResponseError, match="MailbuxTenant"):
        client.list_tenants()


def test_mailbux_get_tenant_goes_through_the_list() -> None:
    client, server = mailbux(ok({"data": [TENANT, OTHER]}))
    tenant = client.get_tenant("8")
    assert tenant is not None
    assert tenant.tenant_username == "user2"
    assert client.get_tenant("9") is None
    assert server.calls == [("GET", "/api/user/tenants")] * 2


def test_mailbux_create_sends_a_whole_quota() -> None:
    client, server = mailbux(ok(CREATED, 201))
    created = client.create_tenant(5.0)
    assert server.calls == [("POST", "/api/user/tenants")]
    assert server.body() == {"quota_gb": 5}
    assert created.tenant_username == "user38472615"
    assert created.tenant_password.get_secret_value() == "a1b2c3d4e5f6"
    assert created.id is None


@pytest.mark.parametrize("quota", [5.5, 0, -1.0, True])
def test_mailbux_create_refuses_a_bad_quota_before_sending(quota: Any) -> None:
    client, server = mailbux(ok(CREATED, 201))
    with pytest.raises(InvalidInputError, match="quota_gb"):
        client.create_tenant(quota)
    assert server.requests == []


def test_mailbux_create_is_not_retried_after_a_5xx() -> None:
    client, server = mailbux(httpx.Response(502))
    with pytest.raises(ServerError) as info:
        client.create_tenant(5)
    assert info.value.outcome_unknown is True
    assert len(server.requests) == 1


@pytest.mark.parametrize(
    "answer",
    [
        httpx.Response(201, text="<html>created</html>"),
        ok({"success": True, "data": {"tenant_username": "user1"}}, 201),  # no password
    ],
    ids=["not-json", "unreadable-shape"],
)
def test_mailbux_create_with_an_unreadable_success_answer_may_have_been_applied(
    answer: httpx.Response,
) -> None:
    # The tenant exists although its answer cannot be read: a plain retry would duplicate it.
    client, server = mailbux(answer)
    with pytest.raises(UnexpectedResponseError) as info:
        client.create_tenant(5)
    assert info.value.outcome_unknown is True
    assert len(server.requests) == 1


def test_an_unreadable_answer_to_a_read_changed_nothing() -> None:
    client, _ = mailbux(httpx.Response(200, text="<html>"))
    with pytest.raises(UnexpectedResponseError) as info:
        client.list_tenants()
    assert info.value.outcome_unknown is False


def test_mailbux_update_quota() -> None:
    client, server = mailbux(ok({"success": True, "data": {**TENANT, "quota_gb": 5}}))
    tenant = client.update_quota("7", 5.0)
    assert server.calls == [("PATCH", "/api/user/tenants/7/quota")]
    assert server.body() == {"quota_gb": 5}
    assert tenant is not None
    assert tenant.quota_gb == 5


@pytest.mark.parametrize(
    ("call", "path"),
    [
        (MailbuxClient.suspend_tenant, "/api/user/tenants/7/suspend"),
        (MailbuxClient.reactivate_tenant, "/api/user/tenants/7/reactivate"),
        (MailbuxClient.terminate_tenant, "/api/user/tenants/7/terminate"),
    ],
)
def test_mailbux_actions(call: Callable[[MailbuxClient, str], Any], path: str) -> None:
    client, server = mailbux(ok({"success": True, "message": "done"}))
    assert call(client, "7") is None
    assert server.calls == [("POST", path)]
    assert server.body() is None


def test_mailbux_action_answer_with_a_whole_tenant_is_returned() -> None:
    client, _ = mailbux(ok({"success": True, "data": {**TENANT, "status": "suspended"}}))
    tenant = client.suspend_tenant("7")
    assert tenant is not None
    assert tenant.suspended is True


def test_mailbux_actions_are_retried_after_a_5xx() -> None:
    # The end state of suspend/reactivate/terminate is the same however often they run.
    client, server = mailbux([httpx.Response(503), ok({"success": True})])
    client.terminate_tenant("7")
    assert len(server.requests) == 2
    assert server.sleeps == [0.25]


def test_mailbux_ids_outside_digits_never_reach_a_path() -> None:
    # Quoting is not enough: ".." stays "..". See test_client_path_ids.py.
    client, server = mailbux(ok({"success": True}))
    for call in (lambda: client.suspend_tenant("a/b c?d"), lambda: client.update_quota("..", 1)):
        with pytest.raises(InvalidInputError, match="not a valid Mailbux tenant id"):
            call()
    assert server.calls == []


def test_mailbux_overview_and_sync_quota() -> None:
    body = {"success": True, "data": {"quota_total_gb": 100, "quota_allocated_gb": 30}}
    client, server = mailbux(ok(body))
    assert client.get_reseller_overview().quota_available_gb == 70
    assert client.sync_quota().quota_total_gb == 100
    assert server.calls == [
        ("GET", "/api/user/reseller/overview"),
        ("POST", "/api/user/reseller/sync-quota"),
    ]


@pytest.mark.parametrize(
    ("body", "expected", "code"),
    [
        (
            {"success": False, "error": {"code": "TENANT_LIMIT", "message": "Limit reached"}},
            TenantLimitError,
            "TENANT_LIMIT",
        ),
        (
            {"success": False, "code": "PLAN_UPGRADE_REQUIRED", "message": "Upgrade"},
            PlanUpgradeRequiredError,
            "PLAN_UPGRADE_REQUIRED",
        ),
        ({"success": False, "message": "Something is wrong"}, InvalidRequestError, None),
    ],
)
def test_mailbux_refusal_in_a_200_is_an_error(
    body: dict[str, Any], expected: type[Exception], code: str | None
) -> None:
    client, _ = mailbux(ok(body))
    with pytest.raises(expected) as info:
        client.create_tenant(5)
    assert type(info.value) is expected
    assert info.value.code == code  # type: ignore[attr-defined]
    assert str(info.value).startswith("Mailbux: POST /api/user/tenants failed:")


def test_mailbux_refusal_in_a_200_is_redacted() -> None:
    client, _ = mailbux(ok({"success": False, "message": f"key {MBX_KEY} is revoked"}))
    with pytest.raises(InvalidRequestError) as info:
        client.list_tenants()
    assert MBX_KEY not in str(info.value)
    assert REDACTED in str(info.value)


def test_mailbux_error_status_maps_through_the_client() -> None:
    client, _ = mailbux(httpx.Response(403, json={"error": "PLAN_UPGRADE_REQUIRED"}))
    with pytest.raises(PlanUpgradeRequiredError):
        client.list_tenants()


# --- Easy Mail Archive ---------------------------------------------------------------------


def page(current: int, last: int, *slugs: str) -> dict[str, Any]:
    return {
        "data": [{"slug": s, "name": s.upper(), "status": "active"} for s in slugs],
        "meta": {"current_page": current, "last_page": last, "total": 99},
    }


def paged(pages: dict[int, dict[str, Any]]) -> Handler:
    return lambda request: ok(pages[int(request.url.params["page"])])


def test_archive_list_follows_every_page_and_deduplicates() -> None:
    # "b" moves across the page boundary between two requests: it must be listed once.
    pages = {1: page(1, 3, "a", "b"), 2: page(2, 3, "b", "c"), 3: page(3, 3, "d")}
    client, server = archive(paged(pages))
    assert [t.slug for t in client.list_tenants()] == ["a", "b", "c", "d"]
    assert [r.url.params["page"] for r in server.requests] == ["1", "2", "3"]
    assert {r.url.path for r in server.requests} == {"/api/reseller/tenants"}
    assert {r.method for r in server.requests} == {"GET"}


def test_archive_list_stops_on_an_empty_page() -> None:
    pages = {1: page(1, 5, "a"), 2: page(2, 5)}
    client, server = archive(paged(pages))
    assert [t.slug for t in client.list_tenants()] == ["a"]
    assert [r.url.params["page"] for r in server.requests] == ["1", "2"]


def test_archive_list_without_meta_is_one_page() -> None:
    client, server = archive(ok({"data": [{"slug": "acme-corp"}]}))
    assert [t.slug for t in client.list_tenants()] == ["acme-corp"]
    assert len(server.requests) == 1


def test_archive_list_of_the_document() -> None:
    documented = {
        "data": [
            {
                "slug": "acme-corp",
                "name": "Acme Corporation",
                "status": "active",
                "users_count": 25,
                "storage_bytes": 5368709120,
                "created_at": "2025-06-15T10:30:00Z",
            }
        ],
        "meta": {"current_page": 1, "last_page": 1, "total": 1},
    }
    client, _ = archive(ok(documented))
    (tenant,) = client.list_tenants()
    assert (tenant.slug, tenant.users_count, tenant.storage_bytes) == ("acme-corp", 25, 5368709120)


def test_archive_list_of_an_unreadable_shape_is_unexpected() -> None:
    client, _ = archive(ok([{"slug": "a"}]))
    with pytest.raises(UnexpectedResponseError, match="TenantPage"):
        client.list_tenants()


def test_archive_create() -> None:
    answer = {"data": {"slug": "acme-corp", "name": "Acme Corporation", "status": "active"}}
    client, server = archive(ok(answer, 201))
    tenant = client.create_tenant("acme-corp", "Acme Corporation")
    assert server.calls == [("POST", "/api/reseller/tenants")]
    assert server.body() == {"slug": "acme-corp", "name": "Acme Corporation"}
    assert (tenant.slug, tenant.name, tenant.status) == ("acme-corp", "Acme Corporation", "active")


def test_archive_create_refuses_an_empty_name_before_sending() -> None:
    client, server = archive(ok({}))
    with pytest.raises(InvalidInputError, match="name"):
        client.create_tenant("acme-corp", "")
    assert server.requests == []


def test_archive_create_is_not_retried_after_a_5xx() -> None:
    client, server = archive(httpx.Response(500, text="oops"))
    with pytest.raises(ServerError) as info:
        client.create_tenant("acme-corp", "Acme")
    assert info.value.outcome_unknown is True
    assert len(server.requests) == 1


@pytest.mark.parametrize(
    "answer",
    [httpx.Response(201, text="<html>"), ok({"data": {"name": "no slug"}}, 201)],
    ids=["not-json", "unreadable-shape"],
)
def test_archive_create_with_an_unreadable_success_answer_may_have_been_applied(
    answer: httpx.Response,
) -> None:
    client, server = archive(answer)
    with pytest.raises(UnexpectedResponseError) as info:
        client.create_tenant("acme-corp", "Acme")
    assert info.value.outcome_unknown is True
    assert len(server.requests) == 1


@pytest.mark.parametrize(
    ("call", "method", "path", "body"),
    [
        (lambda c: c.get_tenant("acme-corp"), "GET", "/api/reseller/tenants/acme-corp", None),
        (
            lambda c: c.update_tenant("acme-corp", "Acme Corp International"),
            "PUT",
            "/api/reseller/tenants/acme-corp",
            {"name": "Acme Corp International"},
        ),
        (
            lambda c: c.suspend_tenant("acme-corp"),
            "POST",
            "/api/reseller/tenants/acme-corp/suspend",
            None,
        ),
        (
            lambda c: c.unsuspend_tenant("acme-corp"),
            "POST",
            "/api/reseller/tenants/acme-corp/unsuspend",
            None,
        ),
    ],
    ids=["show", "update", "suspend", "unsuspend"],
)
def test_archive_endpoints(
    call: Callable[[EasyMailArchiveClient], Any], method: str, path: str, body: Any
) -> None:
    client, server = archive(ok({"data": {"slug": "acme-corp", "status": "suspended"}}))
    tenant = call(client)
    assert tenant.slug == "acme-corp"
    assert tenant.suspended is True
    assert server.calls == [(method, path)]
    assert server.body() == body


def test_archive_usage() -> None:
    answer = {"data": {"slug": "acme-corp", "users_count": 25, "messages_count": 142857}}
    client, server = archive(ok(answer))
    usage = client.get_usage("acme-corp")
    assert (usage.users_count, usage.messages_count, usage.storage_bytes) == (25, 142857, None)
    assert server.calls == [("GET", "/api/reseller/tenants/acme-corp/usage")]


def test_archive_slugs_outside_the_rule_never_reach_a_path() -> None:
    client, server = archive(ok({"data": {"slug": "x"}}))
    for call in (lambda: client.get_tenant("a/b c"), lambda: client.suspend_tenant("..")):
        with pytest.raises(InvalidInputError, match="not a valid Easy Mail Archive slug"):
            call()
    assert server.calls == []


def test_archive_suspend_is_retried_after_a_5xx() -> None:
    client, server = archive([httpx.Response(503), ok({"data": {"slug": "a-b"}})])
    assert client.suspend_tenant("a-b").slug == "a-b"
    assert len(server.requests) == 2


@pytest.mark.parametrize(
    ("status", "expected"), [(403, PermissionDeniedError), (404, NotFoundError)]
)
def test_archive_errors_map_through_the_client(status: int, expected: type[Exception]) -> None:
    client, server = archive(httpx.Response(status, json={"message": "nope"}))
    with pytest.raises(expected):
        client.get_tenant("acme-corp")
    assert len(server.requests) == 1


# --- from_config ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cls", "namespace", "key", "header", "value", "path", "answer"),
    [
        (
            MailbuxClient,
            "mailbux",
            MBX_KEY,
            "X-Api-Key",
            MBX_KEY,
            "/api/user/tenants",
            [TENANT],
        ),
        (
            EasyMailArchiveClient,
            "easymailarchive",
            EMA_KEY,
            "Authorization",
            f"Bearer {EMA_KEY}",
            "/api/reseller/tenants",
            page(1, 1, "acme-corp"),
        ),
    ],
)
def test_from_config_builds_a_working_client(
    cls: type[MailbuxClient] | type[EasyMailArchiveClient],
    namespace: str,
    key: str,
    header: str,
    value: str,
    path: str,
    answer: Any,
) -> None:
    server = Server(ok(answer))
    stack = {
        f"{namespace}:apiKey": key,
        f"{namespace}:baseUrl": "http://127.0.0.1:8999/",
        f"{namespace}:requestsPerMinute": "0",
    }
    transport = httpx.MockTransport(server)
    with cls.from_config(lambda name: stack.get(name), environ={}, transport=transport) as client:
        assert client.http.settings.base_url == "http://127.0.0.1:8999"
        assert len(client.list_tenants()) == 1
    sent = server.requests[0]
    assert str(sent.url).startswith(f"http://127.0.0.1:8999{path}")
    assert sent.headers[header] == value
