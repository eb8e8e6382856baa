"""The emulated Mailbux reseller API, driven over HTTP with plain httpx."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from support.emulator_handle import EmulatorHandle

ISO_UTC = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")
CREATE_KEYS = {"tenant_username", "tenant_name", "tenant_password", "quota_gb", "status"}
TENANT_KEYS = {
    "id",
    "tenant_username",
    "tenant_name",
    "quota_gb",
    "status",
    "email_count",
    "created_at",
}
OVERVIEW_KEYS = {
    "plan",
    "quota_total_gb",
    "quota_allocated_gb",
    "quota_available_gb",
    "tenant_count",
    "tenant_limit",
    "active_tenants",
    "suspended_tenants",
    "email_count",
}


@pytest.fixture
def api(emu: EmulatorHandle) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=emu.url, headers=emu.mailbux_headers(), timeout=10) as client:
        yield client


def error_of(response: httpx.Response) -> dict[str, Any]:
    body = response.json()
    assert body["success"] is False
    assert isinstance(body["error"]["message"], str)
    assert body["error"]["message"]
    return dict(body["error"])


def create(api: httpx.Client, quota_gb: int = 5) -> dict[str, Any]:
    response = api.post("/api/user/tenants", json={"quota_gb": quota_gb})
    assert response.status_code == 200, response.text
    return dict(response.json()["data"])


def tenants(api: httpx.Client) -> list[dict[str, Any]]:
    response = api.get("/api/user/tenants")
    assert response.status_code == 200
    assert response.json()["success"] is True
    return list(response.json()["data"])


def create_with_id(api: httpx.Client, quota_gb: int = 5) -> int:
    """Create, then find the id in the list: the create answer has none."""
    username = create(api, quota_gb)["tenant_username"]
    (match,) = [t for t in tenants(api) if t["tenant_username"] == username]
    return int(match["id"])


def overview(api: httpx.Client) -> dict[str, Any]:
    response = api.get("/api/user/reseller/overview")
    assert response.status_code == 200
    return dict(response.json()["data"])


def test_list_starts_empty(api: httpx.Client) -> None:
    response = api.get("/api/user/tenants")
    assert response.status_code == 200
    assert response.json() == {"success": True, "data": []}


def test_create_answer_is_the_documented_shape_without_id(api: httpx.Client) -> None:
    response = api.post("/api/user/tenants", json={"quota_gb": 5})
    assert response.status_code == 200
    body = response.json()
    assert body["success"] is True
    data = body["data"]
    assert set(data) == CREATE_KEYS
    assert re.fullmatch(r"user\d{8}", data["tenant_username"])
    assert data["tenant_name"] == f"{data['tenant_username']}_tent"
    assert re.fullmatch(r"[0-9a-f]{24}", data["tenant_password"])
    assert data["quota_gb"] == 5
    assert data["status"] == "active"


def test_list_items_have_ids_in_creation_order(api: httpx.Client) -> None:
    created = [create(api, quota_gb=q)["tenant_username"] for q in (1, 2, 3)]
    items = tenants(api)
    assert [t["tenant_username"] for t in items] == created
    ids = [t["id"] for t in items]
    assert ids == sorted(ids)
    assert len(set(ids)) == 3
    for item, quota in zip(items, (1, 2, 3), strict=True):
        assert set(item) == TENANT_KEYS
        assert isinstance(item["id"], int)
        assert item["tenant_name"] == f"{item['tenant_username']}_tent"
        assert item["quota_gb"] == quota
        assert item["status"] == "active"
        assert item["email_count"] == 0
        assert ISO_UTC.fullmatch(item["created_at"])


def test_password_appears_in_the_create_answer_only(api: httpx.Client) -> None:
    first = create(api)
    second = create(api)
    assert first["tenant_password"] != second["tenant_password"]
    tenant_id = create_with_id(api)
    answers = [
        api.get("/api/user/tenants"),
        api.post(f"/api/user/tenants/{tenant_id}/suspend"),
        api.post(f"/api/user/tenants/{tenant_id}/reactivate"),
        api.patch(f"/api/user/tenants/{tenant_id}/quota", json={"quota_gb": 6}),
        api.get("/api/user/reseller/overview"),
        api.post("/api/user/reseller/sync-quota"),
    ]
    for answer in answers:
        assert answer.status_code == 200
        assert "password" not in answer.text
        assert first["tenant_password"] not in answer.text
        assert second["tenant_password"] not in answer.text


ENDPOINTS = [
    ("GET", "/api/user/tenants"),
    ("POST", "/api/user/tenants"),
    ("POST", "/api/user/tenants/1/suspend"),
    ("POST", "/api/user/tenants/1/reactivate"),
    ("POST", "/api/user/tenants/1/terminate"),
    ("PATCH", "/api/user/tenants/1/quota"),
    ("GET", "/api/user/reseller/overview"),
    ("POST", "/api/user/reseller/sync-quota"),
]


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
@pytest.mark.parametrize("headers", [{}, {"X-Api-Key": "wrong-key"}, {"X-Api-Key": ""}])
def test_missing_or_unknown_key_is_401(
    emu: EmulatorHandle, method: str, path: str, headers: dict[str, str]
) -> None:
    response = httpx.request(method, emu.url + path, headers=headers, json={"quota_gb": 1})
    assert response.status_code == 401
    assert error_of(response)["code"] == "UNAUTHORIZED"


def test_an_ema_key_is_not_a_mailbux_key(emu: EmulatorHandle) -> None:
    response = httpx.get(f"{emu.url}/api/user/tenants", headers={"X-Api-Key": emu.ema_key})
    assert response.status_code == 401


def test_free_plan_may_read_but_not_write(emu: EmulatorHandle, api: httpx.Client) -> None:
    key = "mailbux-free-key"
    emu.configure_reseller(api="mailbux", api_key=key, plan="paid")
    headers = emu.mailbux_headers(key)
    with httpx.Client(base_url=emu.url, headers=headers, timeout=10) as free:
        tenant_id = create_with_id(free)
        emu.configure_reseller(api="mailbux", api_key=key, plan="free")
        writes = [
            free.post("/api/user/tenants", json={"quota_gb": 1}),
            free.post(f"/api/user/tenants/{tenant_id}/suspend"),
            free.post(f"/api/user/tenants/{tenant_id}/reactivate"),
            free.post(f"/api/user/tenants/{tenant_id}/terminate"),
            free.patch(f"/api/user/tenants/{tenant_id}/quota", json={"quota_gb": 2}),
        ]
        for response in writes:
            assert response.status_code == 403
            error = error_of(response)
            assert error["code"] == "PLAN_UPGRADE_REQUIRED"
            assert error["message"] == "Free plan users must upgrade to a paid plan"
        # Reads (and the quota sync, which changes nothing billable) still work.
        assert [t["id"] for t in tenants(free)] == [tenant_id]
        assert tenants(free)[0]["status"] == "active"
        assert tenants(free)[0]["quota_gb"] == 5
        assert overview(free)["plan"] == "free"
        assert free.post("/api/user/reseller/sync-quota").status_code == 200
    # The paid default reseller is unaffected.
    assert overview(api)["plan"] == "paid"


BAD_QUOTAS: list[Any] = [None, "5", 5.0, 5.5, True, False, 0, -1, [5], {"gb": 5}]


@pytest.mark.parametrize("quota", BAD_QUOTAS)
def test_create_rejects_a_quota_that_is_not_a_positive_integer(
    api: httpx.Client, quota: Any
) -> None:
    response = api.post("/api/user/tenants", json={"quota_gb": quota})
    assert response.status_code == 422
    assert error_of(response)["code"] == "VALIDATION_ERROR"
    messages = response.json()["errors"]["quota_gb"]
    assert messages
    assert all(isinstance(m, str) for m in messages)
    assert tenants(api) == []


@pytest.mark.parametrize("quota", BAD_QUOTAS)
def test_resize_rejects_a_quota_that_is_not_a_positive_integer(
    api: httpx.Client, quota: Any
) -> None:
    tenant_id = create_with_id(api, 5)
    response = api.patch(f"/api/user/tenants/{tenant_id}/quota", json={"quota_gb": quota})
    assert response.status_code == 422
    assert error_of(response)["code"] == "VALIDATION_ERROR"
    assert response.json()["errors"]["quota_gb"]
    assert tenants(api)[0]["quota_gb"] == 5


def test_missing_quota_is_a_validation_error(api: httpx.Client) -> None:
    for body in ({}, {"quota": 5}):
        response = api.post("/api/user/tenants", json=body)
        assert response.status_code == 422
        assert response.json()["errors"]["quota_gb"] == ["The quota_gb field is required."]


@pytest.mark.parametrize("content", [b"{not json", b"[1, 2]", b'"text"', b"\xff\xfe", b"5"])
def test_malformed_bodies_are_400_in_the_mailbux_shape(api: httpx.Client, content: bytes) -> None:
    tenant_id = create_with_id(api)
    for method, path in (
        ("POST", "/api/user/tenants"),
        ("PATCH", f"/api/user/tenants/{tenant_id}/quota"),
    ):
        response = api.request(
            method, path, content=content, headers={"Content-Type": "application/json"}
        )
        assert response.status_code == 400
        assert error_of(response)["code"] == "INVALID_REQUEST"
    assert len(tenants(api)) == 1


def test_create_beyond_the_pool_is_quota_exceeded(api: httpx.Client) -> None:
    create(api, 60)
    response = api.post("/api/user/tenants", json={"quota_gb": 50})
    assert response.status_code == 422
    error = error_of(response)
    assert error["code"] == "QUOTA_EXCEEDED"
    assert error["message"] == "Requested quota (50 GB) exceeds available quota (40 GB)"
    create(api, 40)  # exactly filling the pool is fine
    response = api.post("/api/user/tenants", json={"quota_gb": 1})
    assert response.status_code == 422
    assert error_of(response)["message"] == (
        "Requested quota (1 GB) exceeds available quota (0 GB)"
    )
    huge = api.post("/api/user/tenants", json={"quota_gb": 10**40})
    assert huge.status_code == 422
    assert error_of(huge)["code"] == "QUOTA_EXCEEDED"
    assert [t["quota_gb"] for t in tenants(api)] == [60, 40]


def test_tenant_limit(emu: EmulatorHandle, api: httpx.Client) -> None:
    emu.configure_reseller(api="mailbux", api_key=emu.mailbux_key, tenant_limit=2)
    first = create_with_id(api, 1)
    create(api, 1)
    response = api.post("/api/user/tenants", json={"quota_gb": 1})
    assert response.status_code == 422
    error = error_of(response)
    assert error["code"] == "TENANT_LIMIT"
    assert error["message"] == "Maximum tenant limit reached (2)"
    # Suspended tenants still count; terminated ones do not.
    assert api.post(f"/api/user/tenants/{first}/suspend").status_code == 200
    assert api.post("/api/user/tenants", json={"quota_gb": 1}).status_code == 422
    assert api.post(f"/api/user/tenants/{first}/terminate").status_code == 200
    create(api, 1)
    assert overview(api)["tenant_limit"] == 2


def test_suspend_and_reactivate_are_idempotent(api: httpx.Client) -> None:
    tenant_id = create_with_id(api, 7)
    for _ in range(2):
        response = api.post(f"/api/user/tenants/{tenant_id}/suspend")
        assert response.status_code == 200
        data = response.json()["data"]
        assert set(data) == TENANT_KEYS
        assert data["id"] == tenant_id
        assert data["status"] == "suspended"
        assert data["quota_gb"] == 7
        assert tenants(api)[0]["status"] == "suspended"
    for _ in range(2):
        response = api.post(f"/api/user/tenants/{tenant_id}/reactivate")
        assert response.status_code == 200
        assert response.json()["data"]["status"] == "active"
        assert tenants(api)[0]["status"] == "active"


def test_terminate_removes_the_tenant_and_frees_its_quota(api: httpx.Client) -> None:
    keep = create_with_id(api, 30)
    gone = create_with_id(api, 70)
    assert overview(api)["quota_available_gb"] == 0
    response = api.post(f"/api/user/tenants/{gone}/terminate")
    assert response.status_code == 200
    assert response.json() == {"success": True, "data": {"id": gone, "status": "terminated"}}
    assert [t["id"] for t in tenants(api)] == [keep]
    stats = overview(api)
    assert stats["quota_allocated_gb"] == 30
    assert stats["quota_available_gb"] == 70
    assert stats["tenant_count"] == 1
    for method, path, body in (
        ("POST", f"/api/user/tenants/{gone}/suspend", None),
        ("POST", f"/api/user/tenants/{gone}/reactivate", None),
        ("POST", f"/api/user/tenants/{gone}/terminate", None),
        ("PATCH", f"/api/user/tenants/{gone}/quota", {"quota_gb": 1}),
    ):
        response = api.request(method, path, json=body)
        assert response.status_code == 404
        assert error_of(response)["code"] == "TENANT_NOT_FOUND"
    create(api, 70)  # the freed quota is usable again
    newest = tenants(api)[-1]["id"]
    assert newest > gone  # ids are never reused


def test_resize_counts_the_pool_without_the_tenants_own_quota(api: httpx.Client) -> None:
    big = create_with_id(api, 60)
    create(api, 30)
    response = api.patch(f"/api/user/tenants/{big}/quota", json={"quota_gb": 70})
    assert response.status_code == 200
    data = response.json()["data"]
    assert set(data) == TENANT_KEYS
    assert data["id"] == big
    assert data["quota_gb"] == 70
    response = api.patch(f"/api/user/tenants/{big}/quota", json={"quota_gb": 71})
    assert response.status_code == 422
    error = error_of(response)
    assert error["code"] == "QUOTA_EXCEEDED"
    assert error["message"] == "Requested quota (71 GB) exceeds available quota (70 GB)"
    shrink = api.patch(f"/api/user/tenants/{big}/quota", json={"quota_gb": 1})
    assert shrink.json()["data"]["quota_gb"] == 1
    assert overview(api)["quota_allocated_gb"] == 31


@pytest.mark.parametrize("raw_id", ["999999", "abc", "-1", "1.5", "1e3", "9" * 30])
def test_unknown_or_malformed_ids_are_404(api: httpx.Client, raw_id: str) -> None:
    create_with_id(api)
    for method, suffix, body in (
        ("POST", "suspend", None),
        ("POST", "reactivate", None),
        ("POST", "terminate", None),
        ("PATCH", "quota", {"quota_gb": 1}),
    ):
        response = api.request(method, f"/api/user/tenants/{raw_id}/{suffix}", json=body)
        assert response.status_code == 404
        assert error_of(response)["code"] == "TENANT_NOT_FOUND"


def test_another_resellers_tenant_is_invisible_and_404(
    emu: EmulatorHandle, api: httpx.Client
) -> None:
    mine = create_with_id(api, 10)
    emu.configure_reseller(api="mailbux", api_key="mailbux-second-key")
    with httpx.Client(
        base_url=emu.url, headers=emu.mailbux_headers("mailbux-second-key"), timeout=10
    ) as other:
        assert tenants(other) == []
        assert overview(other)["quota_allocated_gb"] == 0
        for method, suffix, body in (
            ("POST", "suspend", None),
            ("POST", "reactivate", None),
            ("POST", "terminate", None),
            ("PATCH", "quota", {"quota_gb": 1}),
        ):
            response = other.request(method, f"/api/user/tenants/{mine}/{suffix}", json=body)
            assert response.status_code == 404
            assert error_of(response)["code"] == "TENANT_NOT_FOUND"
    assert tenants(api)[0]["status"] == "active"
    assert tenants(api)[0]["quota_gb"] == 10


def test_overview_and_sync_quota_figures(emu: EmulatorHandle, api: httpx.Client) -> None:
    empty = overview(api)
    assert set(empty) == OVERVIEW_KEYS
    assert empty == {
        "plan": "paid",
        "quota_total_gb": 100,
        "quota_allocated_gb": 0,
        "quota_available_gb": 100,
        "tenant_count": 0,
        "tenant_limit": 50,
        "active_tenants": 0,
        "suspended_tenants": 0,
        "email_count": 0,
    }
    first = create_with_id(api, 10)
    second = create_with_id(api, 20)
    assert api.post(f"/api/user/tenants/{second}/suspend").status_code == 200
    emu.set_email_count(first, 5)
    emu.set_email_count(second, 7)
    expected = {
        "plan": "paid",
        "quota_total_gb": 100,
        "quota_allocated_gb": 30,
        "quota_available_gb": 70,
        "tenant_count": 2,
        "tenant_limit": 50,
        "active_tenants": 1,
        "suspended_tenants": 1,
        "email_count": 12,
    }
    assert overview(api) == expected
    assert [t["email_count"] for t in tenants(api)] == [5, 7]
    synced = api.post("/api/user/reseller/sync-quota")
    assert synced.status_code == 200
    data = synced.json()["data"]
    assert ISO_UTC.fullmatch(data.pop("synced_at"))
    assert data == expected


def test_a_pool_shrunk_below_the_allocation_reports_zero_available(
    emu: EmulatorHandle, api: httpx.Client
) -> None:
    create(api, 50)
    emu.configure_reseller(api="mailbux", api_key=emu.mailbux_key, quota_gb=20)
    stats = overview(api)
    assert stats["quota_total_gb"] == 20
    assert stats["quota_allocated_gb"] == 50
    assert stats["quota_available_gb"] == 0


def test_unknown_paths_answer_in_the_mailbux_shape(api: httpx.Client) -> None:
    response = api.get("/api/user/nothing-here")
    assert response.status_code == 404
    assert error_of(response)["code"] == "NOT_FOUND"
    response = api.delete("/api/user/tenants")
    assert response.status_code == 405
    assert error_of(response)["code"] == "METHOD_NOT_ALLOWED"


def test_concurrent_creates_keep_quota_accounting_exact(emu: EmulatorHandle) -> None:
    """20 creates of 10 GB at once on a 100 GB pool: exactly 10 fit, all usernames differ."""
    barrier = threading.Barrier(20)
    results: list[httpx.Response] = []
    lock = threading.Lock()

    def worker() -> None:
        with httpx.Client(base_url=emu.url, headers=emu.mailbux_headers(), timeout=30) as client:
            barrier.wait()
            response = client.post("/api/user/tenants", json={"quota_gb": 10})
        with lock:
            results.append(response)

    threads = [threading.Thread(target=worker) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    statuses = sorted(r.status_code for r in results)
    assert statuses == [200] * 10 + [422] * 10
    rejected = [r for r in results if r.status_code == 422]
    assert all(r.json()["error"]["code"] == "QUOTA_EXCEEDED" for r in rejected)
    created = [r.json()["data"]["tenant_username"] for r in results if r.status_code == 200]
    assert len(set(created)) == 10
    with httpx.Client(base_url=emu.url, headers=emu.mailbux_headers(), timeout=10) as client:
        listed = tenants(client)
        assert sorted(t["tenant_username"] for t in listed) == sorted(created)
        stats = overview(client)
    assert stats["quota_allocated_gb"] == 100
    assert stats["quota_available_gb"] == 0
    assert stats["tenant_count"] == 10


def test_concurrent_small_creates_all_succeed_with_distinct_names(emu: EmulatorHandle) -> None:
    barrier = threading.Barrier(20)
    names: list[str] = []
    lock = threading.Lock()

    def worker() -> None:
        with httpx.Client(base_url=emu.url, headers=emu.mailbux_headers(), timeout=30) as client:
            barrier.wait()
            response = client.post("/api/user/tenants", json={"quota_gb": 1})
        assert response.status_code == 200
        with lock:
            names.append(response.json()["data"]["tenant_username"])

    threads = [threading.Thread(target=worker) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(names) == 20
    assert len(set(names)) == 20
    with httpx.Client(base_url=emu.url, headers=emu.mailbux_headers(), timeout=10) as client:
        ids = [t["id"] for t in tenants(client)]
        assert len(set(ids)) == 20
        assert overview(client)["quota_allocated_gb"] == 20
