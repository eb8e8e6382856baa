"""The emulator's malformed-answer faults: raw bodies, content types, and answers replaced
after the request was committed (POST /_emulator/faults with body_text, content_type and
after_commit)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from support.emulator_handle import EmulatorHandle

TENANTS = "/api/user/tenants"
ARCHIVE_TENANTS = "/api/reseller/tenants"
HTML_PAGE = "<!DOCTYPE html>\n<html>\n<head><title>502 Bad Gateway</title></head>\n</html>\n"


def test_a_raw_body_is_sent_as_is_without_processing(
    emu: EmulatorHandle, mailbux: httpx.Client
) -> None:
    emu.add_fault(method="POST", path=TENANTS, status=200, body_text='{"data": [1, 2')
    answer = mailbux.post(TENANTS, json={"quota_gb": 1})
    assert answer.status_code == 200
    assert answer.text == '{"data": [1, 2'
    assert answer.headers["content-type"] == "text/plain; charset=utf-8"
    assert mailbux.get(TENANTS).json()["data"] == []  # answered without processing


def test_a_content_type_is_sent_exactly(emu: EmulatorHandle, ema: httpx.Client) -> None:
    emu.add_fault(path=ARCHIVE_TENANTS, status=502, body_text=HTML_PAGE, content_type="text/html")
    emu.add_fault(path=ARCHIVE_TENANTS, status=500, content_type="text/html")
    page = ema.get(ARCHIVE_TENANTS)
    assert (page.status_code, page.text) == (502, HTML_PAGE)
    assert page.headers["content-type"] == "text/html"
    # Without a body of its own, the API's error shape under the given content type.
    error = ema.get(ARCHIVE_TENANTS)
    assert error.status_code == 500
    assert error.headers["content-type"] == "text/html"
    assert error.json() == {"message": "Injected fault (HTTP 500).", "code": "INJECTED_FAULT"}


def test_a_json_body_may_come_with_a_success_status(
    emu: EmulatorHandle, mailbux: httpx.Client
) -> None:
    emu.add_fault(method="GET", path=TENANTS, status=200, body={"success": True})
    answer = mailbux.get(TENANTS)
    assert (answer.status_code, answer.json()) == (200, {"success": True})
    assert answer.headers["content-type"] == "application/json"


def test_a_huge_body_arrives_whole(emu: EmulatorHandle, mailbux: httpx.Client) -> None:
    huge = "x" * (5 * 1024 * 1024)
    emu.add_fault(method="GET", path=TENANTS, status=200, body_text=huge)
    answer = mailbux.get(TENANTS)
    assert answer.headers["content-length"] == str(len(huge))
    assert answer.text == huge


def test_after_commit_processes_then_replaces_the_body_keeping_the_status(
    emu: EmulatorHandle, mailbux: httpx.Client, ema: httpx.Client
) -> None:
    emu.add_fault(method="POST", path=TENANTS, after_commit=True, body_text="<html>oops")
    answer = mailbux.post(TENANTS, json={"quota_gb": 3})
    assert (answer.status_code, answer.text) == (200, "<html>oops")
    [created] = mailbux.get(TENANTS).json()["data"]
    assert created["quota_gb"] == 3  # committed

    emu.add_fault(path=ARCHIVE_TENANTS, after_commit=True, body={"success": True})
    made = ema.post(ARCHIVE_TENANTS, json={"slug": "acme", "name": "Acme"})
    assert (made.status_code, made.json()) == (201, {"success": True})
    assert ema.get(f"{ARCHIVE_TENANTS}/acme").json()["data"]["name"] == "Acme"
    counted = emu.counters()
    assert counted[f"POST {TENANTS}"]["by_status"] == {"200": 1}
    assert counted[f"POST {ARCHIVE_TENANTS}"]["by_status"] == {"201": 1}


def test_after_commit_with_a_status_is_a_server_that_failed_after_committing(
    emu: EmulatorHandle, mailbux: httpx.Client
) -> None:
    emu.add_fault(method="POST", path=TENANTS, after_commit=True, status=500, retry_after=2)
    answer = mailbux.post(TENANTS, json={"quota_gb": 2})
    assert answer.status_code == 500
    assert answer.headers["Retry-After"] == "2"
    assert answer.json() == {
        "success": False,
        "error": {"code": "INJECTED_FAULT", "message": "Injected fault (HTTP 500)."},
    }
    assert len(mailbux.get(TENANTS).json()["data"]) == 1
    assert emu.counters()[f"POST {TENANTS}"]["by_status"] == {"500": 1}


def test_after_commit_replaces_a_refusal_too(emu: EmulatorHandle, mailbux: httpx.Client) -> None:
    # The real answer (422: no quota_gb) is processed and then replaced, status kept.
    emu.add_fault(method="POST", path=TENANTS, after_commit=True, body_text="")
    answer = mailbux.post(TENANTS, json={})
    assert (answer.status_code, answer.content) == (422, b"")
    assert mailbux.get(TENANTS).json()["data"] == []


def test_the_new_fields_are_listed(emu: EmulatorHandle) -> None:
    emu.add_fault(path=TENANTS, status=503, body_text="down", content_type="text/html")
    emu.add_fault(path=TENANTS, after_commit=True, body={"data": None})
    first, second = emu.faults()
    assert (first["body_text"], first["content_type"], first["after_commit"]) == (
        "down",
        "text/html",
        False,
    )
    assert (second["body"], second["after_commit"], second["status"]) == (
        {"data": None},
        True,
        None,
    )


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"status": 500, "body": {}, "body_text": "x"}, "body_text"),
        ({"status": 500, "body_text": 5}, "body_text"),
        ({"status": 500, "content_type": ""}, "content_type"),
        ({"after_commit": "yes", "status": 500}, "after_commit"),
        ({"after_commit": True}, "after_commit"),
        ({"after_commit": True, "drop_after_commit": True}, "after_commit"),
        ({"latency_ms": 5, "body_text": "x"}, "status"),
        ({"latency_ms": 5, "content_type": "text/html"}, "status"),
        ({"body_text": "x"}, "fault"),
    ],
)
def test_bad_answer_faults_are_rejected_naming_the_field(
    emu: EmulatorHandle, body: dict[str, Any], field: str
) -> None:
    response = httpx.post(f"{emu.url}/_emulator/faults", json=body, timeout=10)
    assert response.status_code == 422
    assert field in response.json()["errors"]
    assert emu.faults() == []
