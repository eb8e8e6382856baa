"""The control API under /_emulator/ answers only this machine's tools, never a web page: a
request carrying a non-loopback Origin, a Host that is not loopback (DNS rebinding), or a body
that is not application/json is refused before it changes anything. Binding a non-loopback
address warns on stderr."""

from __future__ import annotations

import queue
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from support.emulator_handle import LISTENING_PREFIX, REPO_ROOT, EmulatorHandle

FAULT = {"path": "/api/nothing", "status": 500}


def control(
    emu: EmulatorHandle,
    method: str,
    path: str,
    *,
    headers: dict[str, str] | None = None,
    **kwargs: Any,
) -> httpx.Response:
    return httpx.request(
        method, f"{emu.url}/_emulator{path}", headers=headers, timeout=10, **kwargs
    )


@pytest.mark.parametrize(
    "origin",
    [
        "https://evil.example",
        "http://127.0.0.1.evil.example",
        "http://localhost.evil.example:8089",
        "null",  # a sandboxed frame or a file: page
        "http://[::ffff:7f00:1]",  # not one of the loopback names
    ],
)
def test_a_foreign_origin_is_refused(emu: EmulatorHandle, origin: str) -> None:
    added = control(emu, "POST", "/faults", json=FAULT, headers={"Origin": origin})
    assert added.status_code == 403
    assert "Origin" in added.json()["message"]
    rotated = control(
        emu,
        "POST",
        "/resellers/rotate-key",
        json={"api": "mailbux", "old_key": emu.mailbux_key, "new_key": "stolen"},
        headers={"Origin": origin},
    )
    assert rotated.status_code == 403
    assert control(emu, "POST", "/reset", headers={"Origin": origin}).status_code == 403
    assert emu.faults() == []
    still = httpx.get(f"{emu.url}/api/user/tenants", headers=emu.mailbux_headers(), timeout=10)
    assert still.status_code == 200  # the key was not rotated


@pytest.mark.parametrize(
    "host", ["evil.example", "evil.example:8089", "10.0.0.1:8089", "0x7f.evil", "localhost.evil"]
)
def test_a_host_that_is_not_loopback_is_refused(emu: EmulatorHandle, host: str) -> None:
    # What a page sends after rebinding its own name to 127.0.0.1.
    answer = control(emu, "POST", "/faults", json=FAULT, headers={"Host": host})
    assert answer.status_code == 403
    assert "Host" in answer.json()["message"]
    assert control(emu, "GET", "/counters", headers={"Host": host}).status_code == 403
    assert emu.faults() == []


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        (b'{"path": "/api/nothing", "status": 500}', "text/plain"),
        (b'{"path": "/api/nothing", "status": 500}', "application/x-www-form-urlencoded"),
        (b'{"path": "/api/nothing", "status": 500}', "multipart/form-data; boundary=x"),
        (b'{"path": "/api/nothing", "status": 500}', None),
        (b'{"path": "/api/nothing", "status": 500}', "application/jsonp"),
    ],
)
def test_a_body_that_is_not_json_is_refused(
    emu: EmulatorHandle, content: bytes, content_type: str | None
) -> None:
    headers = {} if content_type is None else {"Content-Type": content_type}
    answer = control(emu, "POST", "/faults", content=content, headers=headers)
    assert answer.status_code == 415
    assert "application/json" in answer.json()["message"]
    assert emu.faults() == []


@pytest.mark.parametrize(
    "host", ["127.0.0.1", "127.0.0.1:{port}", "127.8.9.10:1", "localhost", "LOCALHOST:{port}"]
)
@pytest.mark.parametrize(
    "origin", [None, "http://127.0.0.1:{port}", "http://localhost", "https://[::1]:3000"]
)
def test_this_machine_is_served(emu: EmulatorHandle, host: str, origin: str | None) -> None:
    port = emu.url.rsplit(":", 1)[1]
    headers = {"Host": host.format(port=port)}
    if origin is not None:
        headers["Origin"] = origin.format(port=port)
    added = control(
        emu,
        "POST",
        "/faults",
        json=FAULT,
        headers={**headers, "Content-Type": "application/json; charset=utf-8"},
    )
    assert added.status_code == 201
    assert control(emu, "DELETE", "/faults", headers=headers).status_code == 200
    assert control(emu, "POST", "/reset", headers=headers).status_code == 200  # no body


def test_ipv6_loopback_host_is_served(emu: EmulatorHandle) -> None:
    port = emu.url.rsplit(":", 1)[1]
    for host in ("[::1]", f"[::1]:{port}"):
        assert control(emu, "GET", "/health", headers={"Host": host}).status_code == 200


def test_the_emulated_apis_are_not_guarded(emu: EmulatorHandle) -> None:
    # A real API serves any origin: the guard is for the emulator's own knobs only.
    answer = httpx.get(
        f"{emu.url}/api/user/tenants",
        headers={**emu.mailbux_headers(), "Origin": "https://evil.example"},
        timeout=10,
    )
    assert answer.status_code == 200


# --- the bind warning ----------------------------------------------------------------------


def start(args: list[str], stderr_path: Path) -> tuple[subprocess.Popen[bytes], str]:
    """The emulator and its listening URL (start_emulator's health probe would use the
    listening host, which the guard refuses for 0.0.0.0)."""
    with stderr_path.open("wb") as stderr:
        process = subprocess.Popen(  # noqa: S603 (our own interpreter and module)
            [sys.executable, "-m", "pulumi_resellertenant.emulator", "--port", "0", *args],
            stdout=subprocess.PIPE,
            stderr=stderr,
            cwd=REPO_ROOT,
        )
    lines: queue.Queue[bytes] = queue.Queue()
    assert process.stdout is not None
    stdout = process.stdout
    threading.Thread(target=lambda: lines.put(stdout.readline()), daemon=True).start()
    line = lines.get(timeout=20).decode()
    assert line.startswith(LISTENING_PREFIX), line
    return process, line[len(LISTENING_PREFIX) :].strip()


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    process.wait(timeout=10)
    if process.stdout is not None:
        process.stdout.close()


def healthy(port: str) -> bool:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            return httpx.get(f"http://127.0.0.1:{port}/_emulator/health").status_code == 200
        except httpx.TransportError:
            time.sleep(0.05)
    return False


def test_binding_every_address_warns(tmp_path: Path) -> None:
    process, url = start(["--host", "0.0.0.0"], tmp_path / "stderr.log")  # noqa: S104
    try:
        port = url.rsplit(":", 1)[1]
        assert healthy(port)  # served to this machine through loopback
    finally:
        stop(process)
    log = (tmp_path / "stderr.log").read_text()
    assert "warning" in log.lower()
    assert "0.0.0.0" in log  # noqa: S104 (the address the warning names)
    assert "no auth" in log


def test_binding_loopback_does_not_warn(tmp_path: Path) -> None:
    process, url = start(["--host", "127.0.0.1"], tmp_path / "stderr.log")
    try:
        assert healthy(url.rsplit(":", 1)[1])
    finally:
        stop(process)
    assert "warning" not in (tmp_path / "stderr.log").read_text().lower()
