"""The emulated Easy Mail Archive reseller API, driven over HTTP with plain httpx.

The session emulator runs with a page size of 2 and the documented rate limit (60/min/key).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from support.emulator_handle import EmulatorHandle

ISO_UTC = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")
LIST_KEYS = {"slug", "name", "status", "users_count", "storage_bytes", "created_at"}
SHOW_KEYS = LIST_KEYS | {"messages_count"}
META_KEYS = {"current_page", "last_page", "total"}  # as documented: no per_page
FOREIGN = {"message": "This tenant does not belong to your reseller account."}
NOT_FOUND = {"message": "Tenant not found."}
TAKEN = {
    "message": "The slug has already been taken.",
    "errors": {"slug": ["The slug has already been taken."]},
}


@pytest.fixture
def api(emu: EmulatorHandle) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=emu.url, headers=emu.ema_headers(), timeout=10) as client:
        yield client


@pytest.fixture
def other(emu: EmulatorHandle) -> Iterator[httpx.Client]:
    """The second default reseller."""
    headers = emu.ema_headers(emu.ema_other_key)
    with httpx.Client(base_url=emu.url, headers=headers, timeout=10) as client:
        yield client


def create(api: httpx.Client, slug: str, name: str = "Acme Corporation") -> dict[str, Any]:
    response = api.post("/api/reseller/tenants", json={"slug": slug, "name": name})
    assert response.status_code == 201, response.text
    return dict(response.json()["data"])


def show(api: httpx.Client, slug: str) -> dict[str, Any]:
    response = api.get(f"/api/reseller/tenants/{slug}")
    assert response.status_code == 200, response.text
    return dict(response.json()["data"])


def assert_validation(response: httpx.Response, field: str) -> None:
    assert response.status_code == 422, response.text
    body = response.json()
    assert set(body) == {"message", "errors"}
    assert isinstance(body["message"], str)
    assert body["errors"][field]
    assert all(isinstance(m, str) for m in body["errors"][field])
    assert body["message"].startswith(body["errors"][next(iter(body["errors"]))][0])


def test_create_answers_201_with_the_documented_shape(api: httpx.Client) -> None:
    response = api.post(
        "/api/reseller/tenants", json={"slug": "acme-corp", "name": "Acme Corporation"}
    )
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"data"}
    data = body["data"]
    assert set(data) == {"slug", "name", "status", "created_at"}
    assert data["slug"] == "acme-corp"
    assert data["name"] == "Acme Corporation"
    assert data["status"] == "active"
    assert ISO_UTC.fullmatch(data["created_at"])


def test_show_has_every_documented_field(api: httpx.Client) -> None:
    created = create(api, "acme-corp")
    data = show(api, "acme-corp")
    assert set(data) == SHOW_KEYS
    assert data == {
        "slug": "acme-corp",
        "name": "Acme Corporation",
        "status": "active",
        "users_count": 0,
        "storage_bytes": 0,
        "messages_count": 0,
        "created_at": created["created_at"],
    }


def test_empty_list_has_one_page(api: httpx.Client) -> None:
    response = api.get("/api/reseller/tenants")
    assert response.status_code == 200
    assert response.json() == {
        "data": [],
        "meta": {"current_page": 1, "last_page": 1, "total": 0},
    }


def test_list_pages_through_tenants_in_creation_order(
    api: httpx.Client, other: httpx.Client
) -> None:
    slugs = [f"tenant-{n}" for n in range(5)]
    for slug in slugs:
        create(api, slug, name=f"Tenant {slug}")
    create(other, "not-mine")
    seen: list[str] = []
    for page in (1, 2, 3):
        response = api.get("/api/reseller/tenants", params={"page": page})
        assert response.status_code == 200
        body = response.json()
        assert set(body) == {"data", "meta"}
        assert body["meta"] == {"current_page": page, "last_page": 3, "total": 5}
        for item in body["data"]:
            assert set(item) == LIST_KEYS  # no messages_count in the list, as documented
            assert item["name"] == f"Tenant {item['slug']}"
            assert ISO_UTC.fullmatch(item["created_at"])
        seen.extend(item["slug"] for item in body["data"])
    assert seen == slugs
    beyond = api.get("/api/reseller/tenants", params={"page": 4}).json()
    assert beyond["data"] == []
    assert beyond["meta"]["current_page"] == 4
    assert beyond["meta"]["last_page"] == 3


@pytest.mark.parametrize("page", ["0", "-1", "abc", "1.5", ""])
def test_a_malformed_page_means_page_one(api: httpx.Client, page: str) -> None:
    for slug in ("aaa", "bbb", "ccc"):
        create(api, slug)
    body = api.get("/api/reseller/tenants", params={"page": page}).json()
    assert body["meta"]["current_page"] == 1
    assert [item["slug"] for item in body["data"]] == ["aaa", "bbb"]


ENDPOINTS = [
    ("GET", "/api/reseller/tenants"),
    ("POST", "/api/reseller/tenants"),
    ("GET", "/api/reseller/tenants/acme-corp"),
    ("PUT", "/api/reseller/tenants/acme-corp"),
    ("POST", "/api/reseller/tenants/acme-corp/suspend"),
    ("POST", "/api/reseller/tenants/acme-corp/unsuspend"),
    ("GET", "/api/reseller/tenants/acme-corp/usage"),
]


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer wrong-key"},
        {"Authorization": "Bearer"},
        {"Authorization": "easymailarchive-local-key"},
        {"Authorization": "Basic easymailarchive-local-key"},
        {"X-Api-Key": "easymailarchive-local-key"},
        {"Authorization": "Bearer mailbux-local-key"},
    ],
)
def test_missing_or_invalid_key_is_401(
    emu: EmulatorHandle, method: str, path: str, headers: dict[str, str]
) -> None:
    create_body = {"slug": "acme-corp", "name": "Acme"}
    response = httpx.request(method, emu.url + path, headers=headers, json=create_body)
    assert response.status_code == 401
    assert response.json() == {"message": "Unauthenticated."}


def test_another_resellers_tenant_is_403(api: httpx.Client, other: httpx.Client) -> None:
    create(other, "their-corp", name="Theirs")
    for method, suffix, body in (
        ("GET", "", None),
        ("PUT", "", {"name": "Hijacked"}),
        ("POST", "/suspend", None),
        ("POST", "/unsuspend", None),
        ("GET", "/usage", None),
    ):
        response = api.request(method, f"/api/reseller/tenants/their-corp{suffix}", json=body)
        assert response.status_code == 403
        assert response.json() == FOREIGN
    assert api.get("/api/reseller/tenants").json()["meta"]["total"] == 0
    untouched = show(other, "their-corp")
    assert untouched["name"] == "Theirs"
    assert untouched["status"] == "active"


def test_unknown_slug_is_404(api: httpx.Client) -> None:
    for method, suffix, body in (
        ("GET", "", None),
        ("PUT", "", {"name": "Nobody"}),
        ("POST", "/suspend", None),
        ("POST", "/unsuspend", None),
        ("GET", "/usage", None),
    ):
        response = api.request(method, f"/api/reseller/tenants/no-such-tenant{suffix}", json=body)
        assert response.status_code == 404
        assert response.json() == NOT_FOUND


def test_a_taken_slug_is_409_for_everyone(api: httpx.Client, other: httpx.Client) -> None:
    create(api, "acme-corp")
    again = api.post("/api/reseller/tenants", json={"slug": "acme-corp", "name": "Again"})
    assert again.status_code == 409
    assert again.json() == TAKEN
    theirs = other.post("/api/reseller/tenants", json={"slug": "acme-corp", "name": "Theirs"})
    assert theirs.status_code == 409
    assert theirs.json() == TAKEN
    assert other.get("/api/reseller/tenants").json()["meta"]["total"] == 0
    assert show(api, "acme-corp")["name"] == "Acme Corporation"


BAD_SLUGS: list[Any] = [
    "ab",
    "a" * 49,
    "Acme-Corp",
    "acme_corp",
    "acme corp",
    "acme.corp",
    "acme-corp\n",
    "ácme",
    "",
    None,
    123,
    ["acme-corp"],
]


@pytest.mark.parametrize("slug", BAD_SLUGS)
def test_invalid_slugs_are_422(api: httpx.Client, slug: Any) -> None:
    response = api.post("/api/reseller/tenants", json={"slug": slug, "name": "Acme"})
    assert_validation(response, "slug")
    assert api.get("/api/reseller/tenants").json()["meta"]["total"] == 0


def test_slug_format_message(api: httpx.Client) -> None:
    response = api.post("/api/reseller/tenants", json={"slug": "Acme_Corp", "name": "Acme"})
    assert response.json() == {
        "message": "The slug format is invalid.",
        "errors": {"slug": ["The slug format is invalid."]},
    }


@pytest.mark.parametrize("slug", ["abc", "a" * 48, "---", "0-9", "acme-corp-2025"])
def test_valid_slug_edge_cases(api: httpx.Client, slug: str) -> None:
    assert create(api, slug)["slug"] == slug


@pytest.mark.parametrize("name", ["", "   ", None, 5, True, ["Acme"], "x" * 256])
def test_invalid_names_are_422(api: httpx.Client, name: Any) -> None:
    assert_validation(
        api.post("/api/reseller/tenants", json={"slug": "acme-corp", "name": name}), "name"
    )
    create(api, "acme-corp")
    assert_validation(api.put("/api/reseller/tenants/acme-corp", json={"name": name}), "name")
    assert show(api, "acme-corp")["name"] == "Acme Corporation"


def test_missing_fields_are_reported_together(api: httpx.Client) -> None:
    response = api.post("/api/reseller/tenants", json={})
    assert response.status_code == 422
    assert response.json() == {
        "message": "The slug field is required. (and 1 more error)",
        "errors": {
            "slug": ["The slug field is required."],
            "name": ["The name field is required."],
        },
    }


def test_a_name_of_255_characters_is_fine(api: httpx.Client) -> None:
    assert create(api, "long-name", name="x" * 255)["name"] == "x" * 255


@pytest.mark.parametrize("content", [b"{not json", b"[1, 2]", b'"text"', b"\xff\xfe\x00", b"null"])
def test_malformed_bodies_are_400(api: httpx.Client, content: bytes) -> None:
    create(api, "acme-corp")
    headers = {"Content-Type": "application/json"}
    for method, path in (
        ("POST", "/api/reseller/tenants"),
        ("PUT", "/api/reseller/tenants/acme-corp"),
    ):
        response = api.request(method, path, content=content, headers=headers)
        assert response.status_code == 400
        body = response.json()
        assert set(body) == {"message"}
        assert body["message"]


def test_update_renames_in_place(api: httpx.Client) -> None:
    create(api, "acme-corp")
    response = api.put("/api/reseller/tenants/acme-corp", json={"name": "Acme Corp International"})
    assert response.status_code == 200
    assert response.json() == {
        "data": {"slug": "acme-corp", "name": "Acme Corp International", "status": "active"}
    }
    assert show(api, "acme-corp")["name"] == "Acme Corp International"
    # The slug cannot be changed through an update; a slug in the body is ignored.
    api.put("/api/reseller/tenants/acme-corp", json={"name": "Acme", "slug": "other-slug"})
    assert show(api, "acme-corp")["name"] == "Acme"
    assert api.get("/api/reseller/tenants/other-slug").status_code == 404


def test_suspend_and_unsuspend_are_idempotent(api: httpx.Client) -> None:
    create(api, "acme-corp")
    for _ in range(2):
        response = api.post("/api/reseller/tenants/acme-corp/suspend")
        assert response.status_code == 200
        assert response.json() == {"data": {"slug": "acme-corp", "status": "suspended"}}
        assert show(api, "acme-corp")["status"] == "suspended"
    renamed = api.put("/api/reseller/tenants/acme-corp", json={"name": "Renamed"})
    assert renamed.json()["data"]["status"] == "suspended"
    listed = api.get("/api/reseller/tenants").json()["data"]
    assert listed[0]["status"] == "suspended"
    for _ in range(2):
        response = api.post("/api/reseller/tenants/acme-corp/unsuspend")
        assert response.status_code == 200
        assert response.json() == {"data": {"slug": "acme-corp", "status": "active"}}
        assert show(api, "acme-corp")["status"] == "active"


def test_usage_is_zero_until_set_and_then_shows_everywhere(
    emu: EmulatorHandle, api: httpx.Client
) -> None:
    create(api, "acme-corp")
    response = api.get("/api/reseller/tenants/acme-corp/usage")
    assert response.status_code == 200
    assert response.json() == {
        "data": {"slug": "acme-corp", "users_count": 0, "storage_bytes": 0, "messages_count": 0}
    }
    emu.set_usage("acme-corp", users_count=25, storage_bytes=5368709120, messages_count=142857)
    emu.set_usage("acme-corp", users_count=26)  # unset figures keep their values
    assert api.get("/api/reseller/tenants/acme-corp/usage").json() == {
        "data": {
            "slug": "acme-corp",
            "users_count": 26,
            "storage_bytes": 5368709120,
            "messages_count": 142857,
        }
    }
    shown = show(api, "acme-corp")
    assert (shown["users_count"], shown["storage_bytes"], shown["messages_count"]) == (
        26,
        5368709120,
        142857,
    )
    item = api.get("/api/reseller/tenants").json()["data"][0]
    assert (item["users_count"], item["storage_bytes"]) == (26, 5368709120)


def test_there_is_no_delete(api: httpx.Client) -> None:
    create(api, "acme-corp")
    response = api.delete("/api/reseller/tenants/acme-corp")
    assert response.status_code in (404, 405)
    assert "message" in response.json()
    assert show(api, "acme-corp")["status"] == "active"


def test_concurrent_creates_of_one_slug_yield_one_winner(emu: EmulatorHandle) -> None:
    keys = [emu.ema_key, emu.ema_other_key] * 5
    barrier = threading.Barrier(len(keys))
    statuses: list[int] = []
    lock = threading.Lock()

    def worker(key: str) -> None:
        with httpx.Client(base_url=emu.url, headers=emu.ema_headers(key), timeout=30) as client:
            barrier.wait()
            response = client.post(
                "/api/reseller/tenants", json={"slug": "contested", "name": "Race"}
            )
        with lock:
            statuses.append(response.status_code)

    threads = [threading.Thread(target=worker, args=(key,)) for key in keys]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [201] + [409] * (len(keys) - 1)


# Rate limit ------------------------------------------------------------------------------


def test_the_documented_limit_is_60_per_minute_per_key(
    api: httpx.Client, other: httpx.Client
) -> None:
    for _ in range(60):
        assert api.get("/api/reseller/tenants").status_code == 200
    limited = api.get("/api/reseller/tenants")
    assert limited.status_code == 429
    assert limited.json() == {"message": "Too Many Attempts."}
    retry_after = int(limited.headers["Retry-After"])
    assert 1 <= retry_after <= 60
    # Per key: the other reseller is not limited.
    assert other.get("/api/reseller/tenants").status_code == 200


def test_rejected_and_unauthenticated_requests_do_not_count(
    emu: EmulatorHandle, api: httpx.Client
) -> None:
    emu.configure_reseller(api="easymailarchive", api_key=emu.ema_key, rate_limit=5)
    for _ in range(10):
        bad = httpx.get(f"{emu.url}/api/reseller/tenants", headers={"Authorization": "Bearer nope"})
        assert bad.status_code == 401
    for _ in range(5):
        assert api.get("/api/reseller/tenants").status_code == 200
    waits = []
    for _ in range(5):
        limited = api.post("/api/reseller/tenants", json={"slug": "acme-corp", "name": "A"})
        assert limited.status_code == 429
        assert limited.json() == {"message": "Too Many Attempts."}
        waits.append(int(limited.headers["Retry-After"]))
    # Knocking again does not push the free slot further away.
    assert all(1 <= w <= 60 for w in waits)
    assert waits == sorted(waits, reverse=True)
    assert api.get("/api/reseller/tenants").json() == {"message": "Too Many Attempts."}
    # Nothing behind the limit was processed.
    emu.configure_reseller(api="easymailarchive", api_key=emu.ema_key, rate_limit=0)
    assert api.get("/api/reseller/tenants/acme-corp").status_code == 404


def test_a_zero_limit_disables_limiting_and_mailbux_has_none(emu: EmulatorHandle) -> None:
    emu.configure_reseller(api="easymailarchive", api_key=emu.ema_key, rate_limit=0)
    with httpx.Client(base_url=emu.url, timeout=10) as client:
        for _ in range(70):
            ema = client.get("/api/reseller/tenants", headers=emu.ema_headers())
            assert ema.status_code == 200
            mailbux = client.get("/api/user/tenants", headers=emu.mailbux_headers())
            assert mailbux.status_code == 200
