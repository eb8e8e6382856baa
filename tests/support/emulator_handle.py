"""Start the emulator as a real process and drive its control API over HTTP.

Imports nothing from pulumi_resellertenant: the emulator runs only as a subprocess, so tests
see exactly what a client sees.
"""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

REPO_ROOT = Path(__file__).resolve().parents[2]
LISTENING_PREFIX = "Emulator listening on "
MAILBUX_KEY = "mailbux-local-key"
EMA_KEY = "easymailarchive-local-key"
EMA_OTHER_KEY = "easymailarchive-other-key"


class EmulatorStartError(RuntimeError):
    pass


class EmulatorProcess:
    """One running `python -m pulumi_resellertenant.emulator` process."""

    def __init__(
        self, proc: subprocess.Popen[bytes], url: str, stderr_path: Path, reader: threading.Thread
    ) -> None:
        self.proc = proc
        self.url = url
        self.stderr_path = stderr_path
        self._reader = reader

    def stderr_text(self) -> str:
        return self.stderr_path.read_text(errors="replace")

    def stop(self, timeout: float = 10.0) -> int:
        """Terminate, wait, kill if it hangs; returns the exit code."""
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=timeout)
        self._reader.join(timeout=timeout)
        if self.proc.stdout is not None:
            self.proc.stdout.close()
        return self.proc.returncode


def start_emulator(
    args: Sequence[str] = (),
    *,
    stderr_path: Path,
    env: Mapping[str, str] | None = None,
    timeout: float = 20.0,
) -> EmulatorProcess:
    """Start the emulator on a free port and wait until /_emulator/health answers."""
    deadline = time.monotonic() + timeout
    with stderr_path.open("wb") as stderr_file:
        # stderr goes to a file, not a pipe: a pipe nobody drains would block the server.
        proc = subprocess.Popen(  # noqa: S603 (our own interpreter and module)
            [sys.executable, "-m", "pulumi_resellertenant.emulator", "--port", "0", *args],
            stdout=subprocess.PIPE,
            stderr=stderr_file,
            cwd=REPO_ROOT,
            env=dict(os.environ if env is None else env),
        )
    lines: queue.Queue[str | None] = queue.Queue()

    def read_stdout() -> None:
        assert proc.stdout is not None
        for raw in proc.stdout:
            lines.put(raw.decode(errors="replace"))
        lines.put(None)

    reader = threading.Thread(target=read_stdout, name="emulator-stdout", daemon=True)
    reader.start()
    handle = EmulatorProcess(proc, "", stderr_path, reader)

    def fail(reason: str) -> EmulatorStartError:
        handle.stop()
        return EmulatorStartError(f"{reason}\n--- emulator stderr ---\n{handle.stderr_text()}")

    try:
        line = lines.get(timeout=max(0.1, deadline - time.monotonic()))
    except queue.Empty:
        raise fail("emulator printed no listening line in time") from None
    if line is None or not line.startswith(LISTENING_PREFIX):
        raise fail(f"unexpected first stdout line from the emulator: {line!r}")
    handle.url = line[len(LISTENING_PREFIX) :].strip().rstrip("/")

    with httpx.Client(timeout=2.0) as client:
        while True:
            try:
                if client.get(f"{handle.url}/_emulator/health").status_code == 200:
                    return handle
            except httpx.TransportError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise fail("emulator did not become healthy")
            time.sleep(0.05)


@contextmanager
def running_emulator(args: Sequence[str] = (), *, stderr_path: Path) -> Iterator[EmulatorHandle]:
    """An emulator on a free port for the ``with`` block; stopped after it, and the block
    fails if the emulator logged an error: it answers every input itself, so a traceback in
    its log is an emulator bug."""
    process = start_emulator(args, stderr_path=stderr_path)
    handle = EmulatorHandle(process.url)
    try:
        yield handle
    finally:
        handle.close()
        process.stop()
    log = process.stderr_text()
    if "Traceback" in log or "unexpected error" in log:
        raise AssertionError(f"the emulator logged errors:\n{log[-4000:]}")


class EmulatorHandle:
    """What tests get from the `emulator`/`emu` fixtures: the URL, the keys, control calls."""

    def __init__(
        self,
        url: str,
        *,
        mailbux_key: str = MAILBUX_KEY,
        ema_key: str = EMA_KEY,
        ema_other_key: str = EMA_OTHER_KEY,
    ) -> None:
        self.url = url
        self.mailbux_key = mailbux_key
        self.ema_key = ema_key
        self.ema_other_key = ema_other_key
        self._client = httpx.Client(base_url=url, timeout=10.0)

    def close(self) -> None:
        self._client.close()

    def mailbux_headers(self, key: str | None = None) -> dict[str, str]:
        return {"X-Api-Key": self.mailbux_key if key is None else key}

    def ema_headers(self, key: str | None = None) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.ema_key if key is None else key}"}

    def _control(self, method: str, path: str, body: Mapping[str, Any] | None = None) -> Any:
        response = self._client.request(method, f"/_emulator{path}", json=body)
        if response.status_code >= 400:
            raise AssertionError(
                f"control call {method} {path} failed: {response.status_code} {response.text}"
            )
        return response.json()

    def reset(self) -> None:
        """Wipe tenants, faults, counters, rate-limit windows and runtime reseller changes."""
        self._control("POST", "/reset")

    def add_fault(
        self,
        *,
        method: str | None = None,
        path: str | None = None,
        status: int | None = None,
        count: int | None = None,
        latency_ms: int | None = None,
        drop_after_commit: bool = False,
        retry_after: int | None = None,
        body: Mapping[str, Any] | None = None,
        body_text: str | None = None,
        content_type: str | None = None,
        after_commit: bool = False,
        list_lag_ms: int | None = None,
        text_before: str | None = None,
        text_after: str | None = None,
        escape_slashes: bool = False,
        drip_bytes: int | None = None,
        drip_interval_ms: int | None = None,
        pad_to_bytes: int | None = None,
    ) -> int:
        """Inject a fault; its id. `status` answers without processing the request (with
        `body`, a JSON object, or `body_text`, sent as is, under `content_type`);
        `drop_after_commit` processes it and cuts the answer; `after_commit` processes it
        and then answers with `status` (default: the real one) and the body instead.
        What real APIs do: `list_lag_ms` leaves tenants created less than that long ago out
        of lists; `text_before`/`text_after` wrap the answer's JSON in text (a PHP notice);
        `escape_slashes` sends `/` as `\\/`; `drip_bytes` every `drip_interval_ms` drips the
        body; `pad_to_bytes` pads it with spaces to that size."""
        fields: dict[str, Any] = {
            "method": method,
            "path": path,
            "status": status,
            "count": count,
            "latency_ms": latency_ms,
            "retry_after": retry_after,
            "body": None if body is None else dict(body),
            "body_text": body_text,
            "content_type": content_type,
            "drop_after_commit": drop_after_commit or None,
            "after_commit": after_commit or None,
            "list_lag_ms": list_lag_ms,
            "text_before": text_before,
            "text_after": text_after,
            "escape_slashes": escape_slashes or None,
            "drip_bytes": drip_bytes,
            "drip_interval_ms": drip_interval_ms,
            "pad_to_bytes": pad_to_bytes,
        }
        # Only what was given: the emulator's defaults apply to the rest.
        sent = {key: value for key, value in fields.items() if value is not None}
        return int(self._control("POST", "/faults", sent)["id"])

    def faults(self) -> list[dict[str, Any]]:
        return list(self._control("GET", "/faults")["faults"])

    def clear_faults(self) -> None:
        self._control("DELETE", "/faults")

    def counters(self) -> dict[str, Any]:
        """The `routes` mapping: {"POST /api/user/tenants": {"total", "by_status"}, ...}."""
        return dict(self._control("GET", "/counters")["routes"])

    def reset_counters(self) -> None:
        self._control("DELETE", "/counters")

    def configure_reseller(self, **fields: Any) -> dict[str, Any]:
        """PUT /_emulator/resellers: api, api_key, and plan/quota_gb/tenant_limit/rate_limit."""
        return dict(self._control("PUT", "/resellers", fields))

    def rotate_key(self, api: str, old_key: str, new_key: str) -> None:
        """Move a reseller account to a new key; the old key stops working."""
        self._control(
            "POST", "/resellers/rotate-key", {"api": api, "old_key": old_key, "new_key": new_key}
        )

    def set_email_count(self, tenant_id: int, n: int) -> None:
        self._control("PUT", f"/mailbux/tenants/{tenant_id}/email_count", {"email_count": n})

    def set_usage(self, slug: str, **figures: int) -> None:
        self._control("PUT", f"/easymailarchive/tenants/{slug}/usage", figures)
