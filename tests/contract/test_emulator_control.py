"""The emulator's control API, faults, counters, robustness, persistence and CLI."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from support.emulator_handle import REPO_ROOT, EmulatorHandle, start_emulator


def control(emu: EmulatorHandle, method: str, path: str, body: Any = None) -> httpx.Response:
    return httpx.request(method, f"{emu.url}/_emulator{path}", json=body, timeout=10)


def test_health(emu: EmulatorHandle) -> None:
    response = control(emu, "GET", "/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_reset_returns_to_the_start_up_state(
    emu: EmulatorHandle, mailbux: httpx.Client, ema: httpx.Client
) -> None:
    assert mailbux.post("/api/user/tenants", json={"quota_gb": 5}).status_code == 200
    assert ema.post("/api/reseller/tenants", json={"slug": "acme", "name": "A"}).status_code == 201
    emu.configure_reseller(api="mailbux", api_key=emu.mailbux_key, plan="free", quota_gb=1)
    emu.configure_reseller(api="mailbux", api_key="runtime-key")
    emu.configure_reseller(api="easymailarchive", api_key=emu.ema_key, rate_limit=1)
    emu.add_fault(path="/api/nothing", status=500)
    assert emu.counters()

    emu.reset()

    assert emu.faults() == []
    assert emu.counters() == {}
    assert mailbux.get("/api/user/tenants").json()["data"] == []
    stats = mailbux.get("/api/user/reseller/overview").json()["data"]
    assert (stats["plan"], stats["quota_total_gb"]) == ("paid", 100)
    runtime = httpx.get(f"{emu.url}/api/user/tenants", headers=emu.mailbux_headers("runtime-key"))
    assert runtime.status_code == 401
    # The rate limit is back to 60 and the window is empty.
    for _ in range(3):
        assert ema.get("/api/reseller/tenants").json()["meta"]["total"] == 0


def test_configure_reseller_adds_and_changes_resellers(emu: EmulatorHandle) -> None:
    answer = emu.configure_reseller(
        api="mailbux", api_key="new-key", plan="free", quota_gb=7, tenant_limit=3
    )
    assert answer["plan"] == "free"
    assert (answer["quota_gb"], answer["tenant_limit"]) == (7, 3)
    assert "new-key" not in json.dumps(answer)  # the key is never echoed
    overview = httpx.get(
        f"{emu.url}/api/user/reseller/overview", headers=emu.mailbux_headers("new-key")
    ).json()["data"]
    assert (overview["plan"], overview["quota_total_gb"], overview["tenant_limit"]) == (
        "free",
        7,
        3,
    )
    # Partial change keeps the other settings.
    emu.configure_reseller(api="mailbux", api_key="new-key", plan="paid")
    overview = httpx.get(
        f"{emu.url}/api/user/reseller/overview", headers=emu.mailbux_headers("new-key")
    ).json()["data"]
    assert (overview["plan"], overview["quota_total_gb"], overview["tenant_limit"]) == (
        "paid",
        7,
        3,
    )
    answer = emu.configure_reseller(api="easymailarchive", api_key="ema-new-key", rate_limit=9)
    assert answer["rate_limit"] == 9
    listed = httpx.get(f"{emu.url}/api/reseller/tenants", headers=emu.ema_headers("ema-new-key"))
    assert listed.status_code == 200


@pytest.mark.parametrize(
    ("api", "old_key", "headers", "path"),
    [
        ("mailbux", "mailbux-local-key", "mailbux_headers", "/api/user/tenants"),
        ("easymailarchive", "easymailarchive-local-key", "ema_headers", "/api/reseller/tenants"),
    ],
)
def test_rotate_key_keeps_the_account_and_revokes_the_old_key(
    emu: EmulatorHandle, api: str, old_key: str, headers: str, path: str
) -> None:
    body = {"quota_gb": 2} if api == "mailbux" else {"slug": "rotated", "name": "Rotated"}
    created = httpx.post(f"{emu.url}{path}", json=body, headers=getattr(emu, headers)(old_key))
    assert created.is_success
    emu.rotate_key(api, old_key, "rotated-key")
    old = httpx.get(f"{emu.url}{path}", headers=getattr(emu, headers)(old_key))
    assert old.status_code == 401
    new = httpx.get(f"{emu.url}{path}", headers=getattr(emu, headers)("rotated-key"))
    assert len(new.json()["data"]) == 1


@pytest.mark.parametrize(
    ("api", "other_field", "value"),
    [("mailbux", "rate_limit", "x"), ("easymailarchive", "plan", "gold"), ("mailbux", "seats", 1)],
)
def test_the_named_api_alone_judges_reseller_settings(
    emu: EmulatorHandle, api: str, other_field: str, value: Any
) -> None:
    """Another API's setting is unknown to this one, whatever its value."""
    response = control(emu, "PUT", "/resellers", {"api": api, "api_key": "k", other_field: value})
    assert response.status_code == 422
    assert response.json()["errors"] == {other_field: [f"Unknown field {other_field!r}."]}


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"api": "mailbux", "old_key": "nobody", "new_key": "k"}, 404),
        ({"api": "mailbux", "old_key": "mailbux-local-key"}, 422),
        ({"api": "other", "old_key": "a", "new_key": "b"}, 422),
        ({"api": "mailbux", "old_key": "a", "new_key": "b", "extra": 1}, 422),
    ],
)
def test_rotate_key_rejects_bad_requests(emu: EmulatorHandle, body: Any, status: int) -> None:
    assert control(emu, "POST", "/resellers/rotate-key", body).status_code == status


@pytest.mark.parametrize(
    "body",
    [
        {"api": "other", "api_key": "k"},
        {"api": "mailbux"},
        {"api": "mailbux", "api_key": ""},
        {"api": "mailbux", "api_key": 5},
        {"api": "mailbux", "api_key": None},
        {"api": "mailbux", "api_key": "k", "plan": "gold"},
        {"api": "mailbux", "api_key": "k", "quota_gb": -1},
        {"api": "mailbux", "api_key": "k", "tenant_limit": "3"},
        {"api": "mailbux", "api_key": "k", "rate_limit": 5},
        {"api": "easymailarchive", "api_key": "k", "plan": "free"},
        {"api": "easymailarchive", "api_key": "k", "rate_limit": True},
        {"api": "easymailarchive", "api_key": "k", "surprise": 1},
    ],
)
def test_configure_reseller_rejects_bad_settings(emu: EmulatorHandle, body: Any) -> None:
    response = control(emu, "PUT", "/resellers", body)
    assert response.status_code == 422
    assert response.json()["errors"]
    assert httpx.get(f"{emu.url}/api/user/tenants", headers={"X-Api-Key": "k"}).status_code == 401


def test_status_fault_answers_in_the_api_shape_without_processing(
    emu: EmulatorHandle, mailbux: httpx.Client
) -> None:
    fault_id = emu.add_fault(
        method="POST", path="/api/user/tenants", status=503, count=2, retry_after=3
    )
    assert isinstance(fault_id, int)
    for _ in range(2):
        response = mailbux.post("/api/user/tenants", json={"quota_gb": 5})
        assert response.status_code == 503
        assert response.headers["Retry-After"] == "3"
        assert response.json() == {
            "success": False,
            "error": {"code": "INJECTED_FAULT", "message": "Injected fault (HTTP 503)."},
        }
    assert mailbux.get("/api/user/tenants").json()["data"] == []  # nothing was created
    assert mailbux.post("/api/user/tenants", json={"quota_gb": 5}).status_code == 200
    (listed,) = emu.faults()
    assert listed["id"] == fault_id
    assert listed["remaining"] == 0
    assert (listed["method"], listed["path"], listed["status"]) == (
        "POST",
        "/api/user/tenants",
        503,
    )


def test_faults_match_method_and_glob_in_order(emu: EmulatorHandle, ema: httpx.Client) -> None:
    assert ema.post("/api/reseller/tenants", json={"slug": "acme", "name": "A"}).status_code == 201
    emu.add_fault(method="GET", path="/api/reseller/tenants/*", status=500)
    emu.add_fault(path="/api/reseller/tenants/*", status=502, body={"custom": True})
    # The list path does not match the glob; the POST does not match the first fault's method.
    assert ema.get("/api/reseller/tenants").status_code == 200
    suspended = ema.post("/api/reseller/tenants/acme/suspend")
    assert suspended.status_code == 502
    assert suspended.json() == {"custom": True}
    shown = ema.get("/api/reseller/tenants/acme")
    assert shown.status_code == 500
    assert shown.json() == {"message": "Injected fault (HTTP 500).", "code": "INJECTED_FAULT"}
    assert ema.get("/api/reseller/tenants/acme").json()["data"]["status"] == "active"
    assert [f["remaining"] for f in emu.faults()] == [0, 0]


def test_control_routes_are_never_faulted(emu: EmulatorHandle, mailbux: httpx.Client) -> None:
    emu.add_fault(path="*", status=500, count=5)
    assert control(emu, "GET", "/health").status_code == 200
    assert control(emu, "GET", "/counters").status_code == 200
    assert mailbux.get("/api/user/tenants").status_code == 500
    assert emu.faults()[0]["remaining"] == 4


def test_latency_fault_delays_a_normal_answer(emu: EmulatorHandle, mailbux: httpx.Client) -> None:
    emu.add_fault(method="GET", path="/api/user/reseller/overview", latency_ms=300)
    started = time.monotonic()
    response = mailbux.get("/api/user/reseller/overview")
    elapsed = time.monotonic() - started
    assert response.status_code == 200
    assert response.json()["success"] is True
    assert elapsed >= 0.3
    started = time.monotonic()
    assert mailbux.get("/api/user/reseller/overview").status_code == 200
    assert time.monotonic() - started < 0.3  # count 1: used up


def test_drop_after_commit_commits_then_breaks_the_response(
    emu: EmulatorHandle, mailbux: httpx.Client, ema: httpx.Client
) -> None:
    emu.add_fault(method="POST", path="/api/user/tenants", drop_after_commit=True)
    with pytest.raises(httpx.RemoteProtocolError):
        mailbux.post("/api/user/tenants", json={"quota_gb": 5})
    (created,) = mailbux.get("/api/user/tenants").json()["data"]
    assert created["quota_gb"] == 5

    emu.add_fault(path="/api/reseller/tenants", drop_after_commit=True)
    with pytest.raises(httpx.RemoteProtocolError):
        ema.post("/api/reseller/tenants", json={"slug": "acme", "name": "A"})
    retry = ema.post("/api/reseller/tenants", json={"slug": "acme", "name": "A"})
    assert retry.status_code == 409  # the first attempt did create it
    counted = emu.counters()["POST /api/reseller/tenants"]["by_status"]
    assert counted == {"201": 1, "409": 1}


def test_latency_and_drop_combine(emu: EmulatorHandle, mailbux: httpx.Client) -> None:
    emu.add_fault(path="/api/user/tenants/*/suspend", latency_ms=100, drop_after_commit=True)
    mailbux.post("/api/user/tenants", json={"quota_gb": 1})
    tenant_id = mailbux.get("/api/user/tenants").json()["data"][0]["id"]
    started = time.monotonic()
    with pytest.raises(httpx.RemoteProtocolError):
        mailbux.post(f"/api/user/tenants/{tenant_id}/suspend")
    assert time.monotonic() - started >= 0.1
    assert mailbux.get("/api/user/tenants").json()["data"][0]["status"] == "suspended"


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"path": "/api/user/tenants"},
        {"status": 99},
        {"status": 600},
        {"status": "503"},
        {"status": 503, "count": 0},
        {"status": 503, "drop_after_commit": True},
        {"latency_ms": -1},
        {"drop_after_commit": "yes"},
        {"status": 503, "body": [1]},
        {"status": 503, "latency": 5},
        {"status": 503, "method": 5},
    ],
)
def test_bad_faults_are_rejected(emu: EmulatorHandle, body: Any) -> None:
    response = control(emu, "POST", "/faults", body)
    assert response.status_code == 422
    assert response.json()["errors"]
    assert emu.faults() == []


def test_fault_list_and_clear(emu: EmulatorHandle, mailbux: httpx.Client) -> None:
    first = emu.add_fault(path="/api/user/tenants", status=500, count=3)
    second = emu.add_fault(latency_ms=10)
    assert second == first + 1
    listed = emu.faults()
    assert [(f["id"], f["remaining"]) for f in listed] == [(first, 3), (second, 1)]
    assert listed[1]["method"] is None
    assert listed[1]["path"] is None
    emu.clear_faults()
    assert emu.faults() == []
    assert mailbux.get("/api/user/tenants").status_code == 200


def test_counters_count_every_api_request_by_route_template(
    emu: EmulatorHandle, mailbux: httpx.Client, ema: httpx.Client
) -> None:
    mailbux.post("/api/user/tenants", json={"quota_gb": 5})
    mailbux.post("/api/user/tenants", json={"quota_gb": 0})
    tenant_id = mailbux.get("/api/user/tenants").json()["data"][0]["id"]
    mailbux.post(f"/api/user/tenants/{tenant_id}/suspend")
    mailbux.post("/api/user/tenants/999/suspend")
    httpx.get(f"{emu.url}/api/user/tenants")  # 401
    emu.add_fault(path="/api/user/reseller/overview", status=503)
    mailbux.get("/api/user/reseller/overview")
    ema.get("/api/reseller/tenants/some-slug")
    mailbux.get("/api/no-such-route")
    control(emu, "GET", "/health")  # control calls are not counted

    assert emu.counters() == {
        "POST /api/user/tenants": {"total": 2, "by_status": {"200": 1, "422": 1}},
        "GET /api/user/tenants": {"total": 2, "by_status": {"200": 1, "401": 1}},
        "POST /api/user/tenants/{tenant_id}/suspend": {
            "total": 2,
            "by_status": {"200": 1, "404": 1},
        },
        "GET /api/user/reseller/overview": {"total": 1, "by_status": {"503": 1}},
        "GET /api/reseller/tenants/{slug}": {"total": 1, "by_status": {"404": 1}},
        "GET <unmatched>": {"total": 1, "by_status": {"404": 1}},
    }
    emu.reset_counters()
    assert emu.counters() == {}


def test_counters_total_includes_requests_still_in_flight(emu: EmulatorHandle) -> None:
    emu.add_fault(method="GET", path="/api/user/tenants", latency_ms=400)
    with pytest.raises(httpx.ReadTimeout):
        httpx.get(f"{emu.url}/api/user/tenants", headers=emu.mailbux_headers(), timeout=0.1)
    assert emu.counters()["GET /api/user/tenants"] == {"total": 1, "by_status": {}}
    deadline = time.monotonic() + 5
    while not emu.counters()["GET /api/user/tenants"]["by_status"]:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    # The server finished the request its client had given up on.
    assert emu.counters()["GET /api/user/tenants"] == {"total": 1, "by_status": {"200": 1}}


def test_counters_include_rate_limited_requests(emu: EmulatorHandle, ema: httpx.Client) -> None:
    emu.configure_reseller(api="easymailarchive", api_key=emu.ema_key, rate_limit=2)
    for _ in range(4):
        ema.get("/api/reseller/tenants")
    assert emu.counters()["GET /api/reseller/tenants"] == {
        "total": 4,
        "by_status": {"200": 2, "429": 2},
    }


def test_set_email_count_and_usage_validate_and_404(
    emu: EmulatorHandle, mailbux: httpx.Client, ema: httpx.Client
) -> None:
    assert control(emu, "PUT", "/mailbux/tenants/12345/email_count", {"email_count": 1}).json() == {
        "message": "Tenant not found."
    }
    assert (
        control(emu, "PUT", "/mailbux/tenants/x/email_count", {"email_count": 1}).status_code == 404
    )
    assert (
        control(emu, "PUT", "/easymailarchive/tenants/nope/usage", {"users_count": 1}).status_code
        == 404
    )
    mailbux.post("/api/user/tenants", json={"quota_gb": 1})
    tenant_id = mailbux.get("/api/user/tenants").json()["data"][0]["id"]
    ema.post("/api/reseller/tenants", json={"slug": "acme", "name": "A"})
    bad_counts: list[dict[str, Any]] = [
        {},
        {"email_count": -1},
        {"email_count": "3"},
        {"email_count": 2**63},
    ]
    for body in bad_counts:
        response = control(emu, "PUT", f"/mailbux/tenants/{tenant_id}/email_count", body)
        assert response.status_code == 422
    bad_usage: list[dict[str, Any]] = [
        {},
        {"users_count": -1},
        {"messages": 3},
        {"storage_bytes": 1.5},
    ]
    for body in bad_usage:
        response = control(emu, "PUT", "/easymailarchive/tenants/acme/usage", body)
        assert response.status_code == 422
    ok = control(emu, "PUT", f"/mailbux/tenants/{tenant_id}/email_count", {"email_count": 9})
    assert ok.json() == {"id": tenant_id, "email_count": 9}
    assert mailbux.get("/api/user/tenants").json()["data"][0]["email_count"] == 9
    ok = control(emu, "PUT", "/easymailarchive/tenants/acme/usage", {"messages_count": 4})
    assert ok.json() == {"slug": "acme", "users_count": 0, "storage_bytes": 0, "messages_count": 4}


def test_control_bodies_that_are_not_objects_are_400(emu: EmulatorHandle) -> None:
    for path, method in (("/faults", "POST"), ("/resellers", "PUT")):
        response = httpx.request(
            method,
            f"{emu.url}/_emulator{path}",
            content=b"[oops",
            headers={"Content-Type": "application/json"},
        )
        assert response.status_code == 400
        assert response.json()["message"]


# Robustness: no body ever makes the server answer 5xx -----------------------------------

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=12,
)
FIELD_NAMES = [
    "quota_gb",
    "slug",
    "name",
    "email_count",
    "users_count",
    "status",
    "api",
    "api_key",
    "plan",
    "rate_limit",
]
BODIES = st.one_of(
    st.binary(max_size=200),
    st.text(max_size=200).map(lambda text: text.encode("utf-8", "surrogatepass")),
    JSON_VALUES.map(lambda value: json.dumps(value).encode()),
    st.dictionaries(st.sampled_from(FIELD_NAMES), JSON_VALUES, max_size=4).map(
        lambda value: json.dumps(value).encode()
    ),
)
TARGETS = [
    ("POST", "/api/user/tenants", "mailbux"),
    ("PATCH", "/api/user/tenants/{id}/quota", "mailbux"),
    ("POST", "/api/reseller/tenants", "ema"),
    ("PUT", "/api/reseller/tenants/fixture-tenant", "ema"),
    ("PUT", "/_emulator/mailbux/tenants/{id}/email_count", "control"),
    ("PUT", "/_emulator/easymailarchive/tenants/fixture-tenant/usage", "control"),
    ("POST", "/_emulator/faults", "control"),
    ("PUT", "/_emulator/resellers", "control"),
]


@settings(max_examples=60, deadline=None, database=None)
@given(target=st.sampled_from(TARGETS), body=BODIES)
def test_no_body_ever_causes_a_server_error(
    emulator: EmulatorHandle, target: tuple[str, str, str], body: bytes
) -> None:
    method, path, kind = target
    emulator.reset()  # per example: fresh windows, no leftover tenants or faults
    headers = {"Content-Type": "application/json"}
    with httpx.Client(base_url=emulator.url, timeout=10) as client:
        created = client.post(
            "/api/user/tenants", json={"quota_gb": 1}, headers=emulator.mailbux_headers()
        )
        assert created.status_code == 200
        tenant_id = client.get("/api/user/tenants", headers=emulator.mailbux_headers()).json()[
            "data"
        ][0]["id"]
        made = client.post(
            "/api/reseller/tenants",
            json={"slug": "fixture-tenant", "name": "Fixture"},
            headers=emulator.ema_headers(),
        )
        assert made.status_code == 201
        if kind == "mailbux":
            headers |= emulator.mailbux_headers()
        elif kind == "ema":
            headers |= emulator.ema_headers()
        response = client.request(method, path.format(id=tenant_id), content=body, headers=headers)
        emulator.clear_faults()  # a random body might have been a valid fault
    assert response.status_code < 500, response.text
    answer = response.json()
    if kind == "mailbux":
        assert answer["success"] is (response.status_code < 400)
        if response.status_code >= 400:
            assert isinstance(answer["error"]["code"], str)
            assert isinstance(answer["error"]["message"], str)
    elif response.status_code >= 400:
        assert isinstance(answer["message"], str)


# Processes: persistence and the command line --------------------------------------------


def test_state_persists_across_a_restart_with_db(tmp_path: Path) -> None:
    db = tmp_path / "emulator.sqlite"
    first = start_emulator(["--db", str(db)], stderr_path=tmp_path / "first.log")
    try:
        handle = EmulatorHandle(first.url)
        with httpx.Client(base_url=first.url, timeout=10) as client:
            mb = handle.mailbux_headers()
            assert client.post("/api/user/tenants", json={"quota_gb": 3}, headers=mb).is_success
            assert client.post("/api/user/tenants", json={"quota_gb": 4}, headers=mb).is_success
            before = client.get("/api/user/tenants", headers=mb).json()["data"]
            client.post(f"/api/user/tenants/{before[0]['id']}/suspend", headers=mb)
            client.post(f"/api/user/tenants/{before[1]['id']}/terminate", headers=mb)
            created = client.post(
                "/api/reseller/tenants",
                json={"slug": "durable", "name": "Durable"},
                headers=handle.ema_headers(),
            )
            assert created.status_code == 201
            handle.set_usage("durable", storage_bytes=42)
        handle.close()
    finally:
        assert first.stop() == 0
    # Keys are stored only as fingerprints.
    assert b"mailbux-local-key" not in db.read_bytes()
    assert b"easymailarchive-local-key" not in db.read_bytes()

    second = start_emulator(["--db", str(db)], stderr_path=tmp_path / "second.log")
    try:
        with httpx.Client(base_url=second.url, timeout=10) as client:
            after = client.get("/api/user/tenants", headers=handle.mailbux_headers()).json()
            assert [(t["id"], t["status"], t["quota_gb"]) for t in after["data"]] == [
                (before[0]["id"], "suspended", 3)
            ]
            assert after["data"][0]["tenant_username"] == before[0]["tenant_username"]
            shown = client.get("/api/reseller/tenants/durable", headers=handle.ema_headers())
            assert shown.json()["data"]["storage_bytes"] == 42
            # A new tenant never reuses the terminated one's id.
            client.post("/api/user/tenants", json={"quota_gb": 1}, headers=handle.mailbux_headers())
            ids = [
                t["id"]
                for t in client.get("/api/user/tenants", headers=handle.mailbux_headers()).json()[
                    "data"
                ]
            ]
            assert ids[-1] > before[1]["id"]
    finally:
        assert second.stop() == 0


# The tables as every earlier version wrote them: their files must keep opening.
EARLIER_SCHEMA = """
CREATE TABLE mailbux_tenants (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    owner TEXT NOT NULL,
    username TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    quota_gb INTEGER NOT NULL,
    status TEXT NOT NULL,
    email_count INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
);
CREATE INDEX mailbux_tenants_owner ON mailbux_tenants (owner, id);
CREATE TABLE ema_tenants (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    slug TEXT NOT NULL UNIQUE,
    owner TEXT NOT NULL,
    name TEXT NOT NULL,
    status TEXT NOT NULL,
    users_count INTEGER NOT NULL DEFAULT 0,
    storage_bytes INTEGER NOT NULL DEFAULT 0,
    messages_count INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
);
CREATE INDEX ema_tenants_owner ON ema_tenants (owner, seq);
"""


def test_a_database_written_by_an_earlier_version_opens(tmp_path: Path) -> None:
    def owner(key: str) -> str:  # tenants are owned by a fingerprint of the key
        return hashlib.sha256(key.encode()).hexdigest()[:24]

    db = tmp_path / "earlier.sqlite"
    with sqlite3.connect(db) as conn:
        conn.executescript(EARLIER_SCHEMA)
        conn.execute(
            "INSERT INTO mailbux_tenants (id, owner, username, name, quota_gb, status,"
            " email_count, created_at) VALUES (7, ?, 'user00000007', 'user00000007_tent', 3,"
            " 'suspended', 12, '2025-01-02T03:04:05Z')",
            (owner("mailbux-local-key"),),
        )
        conn.execute(
            "INSERT INTO ema_tenants (slug, owner, name, status, users_count, storage_bytes,"
            " messages_count, created_at) VALUES ('earlier', ?, 'Earlier', 'active', 1, 2, 3,"
            " '2025-01-02T03:04:05Z')",
            (owner("easymailarchive-local-key"),),
        )
    conn.close()
    process = start_emulator(["--db", str(db)], stderr_path=tmp_path / "earlier.log")
    try:
        handle = EmulatorHandle(process.url)
        with httpx.Client(base_url=process.url, timeout=10) as client:
            mb = handle.mailbux_headers()
            assert client.get("/api/user/tenants", headers=mb).json()["data"] == [
                {
                    "id": 7,
                    "tenant_username": "user00000007",
                    "tenant_name": "user00000007_tent",
                    "quota_gb": 3,
                    "status": "suspended",
                    "email_count": 12,
                    "created_at": "2025-01-02T03:04:05Z",
                }
            ]
            shown = client.get("/api/reseller/tenants/earlier", headers=handle.ema_headers())
            assert shown.json()["data"] == {
                "slug": "earlier",
                "name": "Earlier",
                "status": "active",
                "users_count": 1,
                "storage_bytes": 2,
                "messages_count": 3,
                "created_at": "2025-01-02T03:04:05Z",
            }
            assert client.post("/api/user/tenants", json={"quota_gb": 1}, headers=mb).is_success
            ids = [t["id"] for t in client.get("/api/user/tenants", headers=mb).json()["data"]]
            assert ids == [7, 8]
        handle.close()
    finally:
        assert process.stop() == 0


def test_environment_variables_configure_the_emulator(tmp_path: Path) -> None:
    env = dict(os.environ)
    env.update(
        {
            "EMULATOR_MAILBUX_KEYS": "env-key-1, env-key-2",
            "EMULATOR_MAILBUX_PLAN": "free",
            "EMULATOR_MAILBUX_QUOTA_GB": "12",
            "EMULATOR_MAILBUX_TENANT_LIMIT": "3",
            "EMULATOR_EMA_KEYS": "env-ema-key",
            "EMULATOR_EMA_PAGE_SIZE": "7",
            "EMULATOR_EMA_RATE_LIMIT": "10",
        }
    )
    process = start_emulator([], stderr_path=tmp_path / "env.log", env=env)
    try:
        with httpx.Client(base_url=process.url, timeout=10) as client:
            for key in ("env-key-1", "env-key-2"):
                stats = client.get(
                    "/api/user/reseller/overview", headers={"X-Api-Key": key}
                ).json()["data"]
                assert (stats["plan"], stats["quota_total_gb"], stats["tenant_limit"]) == (
                    "free",
                    12,
                    3,
                )
            default = client.get("/api/user/tenants", headers={"X-Api-Key": "mailbux-local-key"})
            assert default.status_code == 401
            ema_headers = {"Authorization": "Bearer env-ema-key"}
            for n in range(8):  # requests 1-8 of the 10 allowed per minute
                body = {"slug": f"env-tenant-{n}", "name": "Env"}
                created = client.post("/api/reseller/tenants", json=body, headers=ema_headers)
                assert created.status_code == 201
            listed = client.get("/api/reseller/tenants", headers=ema_headers).json()
            assert (len(listed["data"]), listed["meta"]["last_page"]) == (7, 2)  # pages of 7
            assert client.get("/api/reseller/tenants", headers=ema_headers).status_code == 200
            assert client.get("/api/reseller/tenants", headers=ema_headers).status_code == 429
    finally:
        assert process.stop() == 0


def test_flags_override_the_environment(tmp_path: Path) -> None:
    env = dict(os.environ, EMULATOR_MAILBUX_PLAN="free", EMULATOR_MAILBUX_KEYS="env-key")
    process = start_emulator(
        ["--mailbux-plan", "paid", "--mailbux-key", "flag-a", "--mailbux-key", "flag-b"],
        stderr_path=tmp_path / "flags.log",
        env=env,
    )
    try:
        with httpx.Client(base_url=process.url, timeout=10) as client:
            for key in ("flag-a", "flag-b"):
                stats = client.get("/api/user/reseller/overview", headers={"X-Api-Key": key})
                assert stats.json()["data"]["plan"] == "paid"
            env_key = client.get("/api/user/tenants", headers={"X-Api-Key": "env-key"})
            assert env_key.status_code == 401
    finally:
        assert process.stop() == 0


def test_help_documents_every_flag_and_variable() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pulumi_resellertenant.emulator", "--help"],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        timeout=30,
        check=True,
    )
    for word in (
        "--host",
        "--port",
        "--db",
        "--mailbux-key",
        "--mailbux-plan",
        "--mailbux-quota-gb",
        "--mailbux-tenant-limit",
        "--ema-key",
        "--ema-page-size",
        "--ema-rate-limit",
        "EMULATOR_HOST",
        "EMULATOR_PORT",
        "EMULATOR_DB",
        "EMULATOR_MAILBUX_KEYS",
        "EMULATOR_MAILBUX_PLAN",
        "EMULATOR_MAILBUX_QUOTA_GB",
        "EMULATOR_MAILBUX_TENANT_LIMIT",
        "EMULATOR_EMA_KEYS",
        "EMULATOR_EMA_PAGE_SIZE",
        "EMULATOR_EMA_RATE_LIMIT",
    ):
        assert word in result.stdout


@pytest.mark.parametrize(
    ("args", "env"),
    [
        (["--mailbux-plan", "gold"], {}),
        (["--port", "70000"], {}),
        (["--ema-page-size", "0"], {}),
        ([], {"EMULATOR_EMA_RATE_LIMIT": "lots"}),
    ],
)
def test_bad_configuration_exits_2(args: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(  # noqa: S603 (our own interpreter and fixed arguments)
        [sys.executable, "-m", "pulumi_resellertenant.emulator", "--port", "0", *args],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        timeout=30,
        env=dict(os.environ, **env),
        check=False,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert "error" in result.stderr


def test_an_unusable_database_path_exits_1(tmp_path: Path) -> None:
    result = subprocess.run(  # noqa: S603 (our own interpreter and fixed arguments)
        [
            sys.executable,
            "-m",
            "pulumi_resellertenant.emulator",
            "--port",
            "0",
            "--db",
            str(tmp_path / "missing-dir" / "emulator.sqlite"),
        ],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        timeout=30,
        check=False,
    )
    assert result.returncode == 1
    assert result.stdout == ""  # never announced as listening
    assert "cannot open the database" in result.stderr


def test_sigint_also_stops_cleanly(tmp_path: Path) -> None:
    process = start_emulator([], stderr_path=tmp_path / "sigint.log")
    process.proc.send_signal(signal.SIGINT)
    assert process.proc.wait(timeout=10) == 0
    assert process.stop() == 0
    assert "Traceback" not in process.stderr_text()


def test_keys_never_reach_the_server_log(tmp_path: Path) -> None:
    process = start_emulator(
        ["--mailbux-key", "secret-mailbux-key-123"], stderr_path=tmp_path / "keys.log"
    )
    try:
        with httpx.Client(base_url=process.url, timeout=10) as client:
            client.get("/api/user/tenants", headers={"X-Api-Key": "secret-mailbux-key-123"})
            client.get("/api/user/tenants", headers={"X-Api-Key": "wrong-secret-key-456"})
            client.post("/_emulator/faults", json={"drop_after_commit": True})
            with pytest.raises(httpx.RemoteProtocolError):
                client.get("/api/user/tenants", headers={"X-Api-Key": "secret-mailbux-key-123"})
    finally:
        assert process.stop() == 0
    log = process.stderr_text()
    assert "secret-mailbux-key-123" not in log
    assert "wrong-secret-key-456" not in log
    assert "Traceback" not in log  # a dropped response is intended, not an error
