"""The emulator's real-world misbehaviours as faults, over real HTTP: a list that lags behind
creates (list_lag_ms), text around the JSON (text_before, text_after), PHP's escaped slashes
(escape_slashes), an answer that drips (drip_bytes, drip_interval_ms) or is huge
(pad_to_bytes)."""

from __future__ import annotations

import json
import time
from typing import Any

import httpx
import pytest

from support.emulator_handle import EmulatorHandle

TENANTS = "/api/user/tenants"
ARCHIVE_TENANTS = "/api/reseller/tenants"
PHP_NOTICE = (
    "<br />\n<b>Deprecated</b>:  Creation of dynamic property App\\Tenant::$x is deprecated in "
    "<b>/var/www/app/Tenant.php</b> on line <b>42</b><br />\n"
)
HTML_COMMENT = "\n<!-- page generated in 0.031s by cache-node-7 -->\n"


def add_fault(emu: EmulatorHandle, **fields: Any) -> httpx.Response:
    return httpx.post(f"{emu.url}/_emulator/faults", json=fields, timeout=10)


def fault(emu: EmulatorHandle, **fields: Any) -> int:
    answer = add_fault(emu, **fields)
    assert answer.status_code == 201, answer.text
    return int(answer.json()["id"])


def remaining(emu: EmulatorHandle) -> list[int]:
    return [f["remaining"] for f in emu.faults()]


# --- a list that lags behind creates ---------------------------------------------------------


def test_a_mailbux_list_leaves_out_tenants_newer_than_the_lag(
    emu: EmulatorHandle, mailbux: httpx.Client
) -> None:
    assert mailbux.post(TENANTS, json={"quota_gb": 1}).status_code == 200
    time.sleep(0.7)
    fault(emu, list_lag_ms=500, count=3)
    assert mailbux.post(TENANTS, json={"quota_gb": 2}).status_code == 200
    assert remaining(emu) == [3]  # a create is no list: the fault is not used up

    lagging = mailbux.get(TENANTS).json()["data"]
    assert [t["quota_gb"] for t in lagging] == [1]  # the new tenant is not listed yet
    # Only lists lag: the tenant exists, and the overview counts it.
    assert mailbux.get("/api/user/reseller/overview").json()["data"]["tenant_count"] == 2
    time.sleep(0.6)
    assert [t["quota_gb"] for t in mailbux.get(TENANTS).json()["data"]] == [1, 2]
    assert remaining(emu) == [1]


def test_an_archive_list_lags_and_counts_only_what_it_shows(
    emu: EmulatorHandle, ema: httpx.Client
) -> None:
    for slug in ("old-one", "old-two"):
        assert ema.post(ARCHIVE_TENANTS, json={"slug": slug, "name": "Old"}).status_code == 201
    time.sleep(0.7)
    fault(emu, method="GET", path=ARCHIVE_TENANTS, list_lag_ms=500, count=10)
    assert ema.post(ARCHIVE_TENANTS, json={"slug": "new-one", "name": "N"}).status_code == 201

    page = ema.get(ARCHIVE_TENANTS).json()  # the session emulator's pages hold 2
    assert [t["slug"] for t in page["data"]] == ["old-one", "old-two"]
    assert (page["meta"]["total"], page["meta"]["last_page"]) == (2, 1)
    assert ema.get(f"{ARCHIVE_TENANTS}/new-one").status_code == 200  # show does not lag
    time.sleep(0.6)
    second = ema.get(ARCHIVE_TENANTS, params={"page": 2}).json()
    assert [t["slug"] for t in second["data"]] == ["new-one"]


# --- text around the JSON -------------------------------------------------------------------


def test_a_php_notice_before_a_create_answer_that_committed(
    emu: EmulatorHandle, mailbux: httpx.Client
) -> None:
    fault(emu, method="POST", path=TENANTS, text_before=PHP_NOTICE)
    answer = mailbux.post(TENANTS, json={"quota_gb": 3})

    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/json"
    assert answer.text.startswith(PHP_NOTICE)
    created = json.loads(answer.text[len(PHP_NOTICE) :])
    assert created["data"]["tenant_password"]  # the one copy, behind the notice
    assert [t["quota_gb"] for t in mailbux.get(TENANTS).json()["data"]] == [3]


def test_an_html_comment_after_a_201(emu: EmulatorHandle, ema: httpx.Client) -> None:
    fault(emu, method="POST", path=ARCHIVE_TENANTS, text_after=HTML_COMMENT)
    answer = ema.post(ARCHIVE_TENANTS, json={"slug": "acme-corp", "name": "Acme"})

    assert answer.status_code == 201
    assert answer.text.endswith(HTML_COMMENT)
    assert int(answer.headers["content-length"]) == len(answer.content)
    assert json.loads(answer.text[: -len(HTML_COMMENT)])["data"]["slug"] == "acme-corp"
    assert ema.get(f"{ARCHIVE_TENANTS}/acme-corp").status_code == 200


def test_text_wraps_an_injected_error_too(emu: EmulatorHandle, ema: httpx.Client) -> None:
    fault(emu, path=ARCHIVE_TENANTS, status=500, text_before="Warning: ", text_after="\n")
    answer = ema.get(ARCHIVE_TENANTS)
    assert answer.status_code == 500
    assert answer.text.startswith("Warning: {")
    assert json.loads(answer.text.removeprefix("Warning: "))["code"] == "INJECTED_FAULT"


# --- escaped slashes ------------------------------------------------------------------------


def test_slashes_are_escaped_as_php_does(emu: EmulatorHandle, ema: httpx.Client) -> None:
    fault(emu, method="POST", path=ARCHIVE_TENANTS, escape_slashes=True)
    answer = ema.post(ARCHIVE_TENANTS, json={"slug": "acme-corp", "name": "Acme/Archive"})

    assert answer.status_code == 201
    assert '"Acme\\/Archive"' in answer.text
    assert "/" not in answer.text.replace("\\/", "")
    assert answer.json()["data"]["name"] == "Acme/Archive"  # still the same JSON


def test_escaped_slashes_in_a_canned_body(emu: EmulatorHandle, mailbux: httpx.Client) -> None:
    body = {"success": True, "data": [], "links": {"next": "https://x.example/a/b"}}
    fault(emu, method="GET", path=TENANTS, status=200, body=body, escape_slashes=True)
    answer = mailbux.get(TENANTS)
    assert '"https:\\/\\/x.example\\/a\\/b"' in answer.text
    assert answer.json() == body


# --- drip and size --------------------------------------------------------------------------


def test_a_body_that_drips(emu: EmulatorHandle, mailbux: httpx.Client) -> None:
    fault(emu, method="GET", path=TENANTS, drip_bytes=10, drip_interval_ms=100)
    started = time.monotonic()
    with mailbux.stream("GET", TENANTS) as answer:
        chunks = list(answer.iter_raw())
        elapsed = time.monotonic() - started
    body = b"".join(chunks)
    assert json.loads(body) == {"success": True, "data": []}
    pieces = -(-len(body) // 10)
    assert len(chunks) >= pieces // 2  # arrived in pieces, not at once
    assert elapsed >= 0.1 * (pieces - 1) * 0.9


def test_a_client_that_gives_up_on_a_drip_leaves_the_server_serving(
    emu: EmulatorHandle, mailbux: httpx.Client
) -> None:
    fault(emu, method="GET", path=TENANTS, drip_bytes=1, drip_interval_ms=1000, pad_to_bytes=10**6)
    with pytest.raises(httpx.ReadTimeout):
        mailbux.get(TENANTS, timeout=httpx.Timeout(10, read=0.5))
    assert mailbux.get(TENANTS).status_code == 200


def test_a_huge_body_is_padded_to_the_size_and_still_parses(
    emu: EmulatorHandle, mailbux: httpx.Client
) -> None:
    size = 5_000_000
    fault(emu, method="GET", path=TENANTS, pad_to_bytes=size)
    answer = mailbux.get(TENANTS)
    assert answer.status_code == 200
    assert int(answer.headers["content-length"]) == size
    assert len(answer.content) == size
    assert answer.json() == {"success": True, "data": []}  # JSON allows trailing spaces


def test_kinds_combine(emu: EmulatorHandle, ema: httpx.Client) -> None:
    fault(
        emu,
        method="POST",
        path=ARCHIVE_TENANTS,
        text_before=PHP_NOTICE,
        escape_slashes=True,
        pad_to_bytes=4096,
        drip_bytes=1024,
        drip_interval_ms=10,
        latency_ms=50,
    )
    answer = ema.post(ARCHIVE_TENANTS, json={"slug": "a-b-c", "name": "A/B"})
    assert answer.status_code == 201
    assert len(answer.content) == 4096
    assert answer.text.startswith(PHP_NOTICE)  # the notice is not JSON: left as it is
    assert '"A\\/B"' in answer.text


# --- the control route checks them ----------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        {"list_lag_ms": 0},
        {"list_lag_ms": 3_600_001},
        {"list_lag_ms": 100, "status": 500},
        {"list_lag_ms": 100, "after_commit": True, "status": 500},
        {"text_before": ""},
        {"text_after": 5},
        {"escape_slashes": "yes"},
        {"drip_bytes": 10},
        {"drip_interval_ms": 10},
        {"drip_bytes": 0, "drip_interval_ms": 10},
        {"pad_to_bytes": 2**30 + 1},
        {"text_before": "x", "drop_after_commit": True},
    ],
)
def test_bad_fault_kinds_are_refused(emu: EmulatorHandle, body: dict[str, Any]) -> None:
    answer = add_fault(emu, **body)
    assert answer.status_code == 422, answer.text
    assert emu.faults() == []


def test_a_listed_fault_shows_its_kinds(emu: EmulatorHandle) -> None:
    fault(emu, list_lag_ms=250, text_after="x", escape_slashes=True, pad_to_bytes=10)
    [listed] = emu.faults()
    assert listed["list_lag_ms"] == 250
    assert (listed["text_before"], listed["text_after"]) == (None, "x")
    assert listed["escape_slashes"] is True
    assert (listed["pad_to_bytes"], listed["drip_bytes"]) == (10, None)
