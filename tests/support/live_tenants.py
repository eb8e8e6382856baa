"""What the emulator holds, read and changed straight through the APIs, the way a person
with a key and curl would: for end-to-end tests to compare Pulumi's state with reality."""

from __future__ import annotations

from typing import Any

import httpx

from support.emulator_handle import EmulatorHandle


def api_call(
    emu: EmulatorHandle, method: str, path: str, *, key: str | None = None, **kwargs: Any
) -> httpx.Response:
    """One request to either API on the emulator, with that API's (or the given) key."""
    ema = path.startswith("/api/reseller")
    headers = emu.ema_headers(key) if ema else emu.mailbux_headers(key)
    answer = httpx.request(method, f"{emu.url}{path}", headers=headers, timeout=10, **kwargs)
    if answer.status_code != 404:
        answer.raise_for_status()
    return answer


def mailbux_tenants(emu: EmulatorHandle, *, key: str | None = None) -> list[dict[str, Any]]:
    return list(api_call(emu, "GET", "/api/user/tenants", key=key).json()["data"])


def archive_tenant(emu: EmulatorHandle, slug: str) -> dict[str, Any] | None:
    """The Easy Mail Archive tenant, or None when the slug does not exist."""
    answer = api_call(emu, "GET", f"/api/reseller/tenants/{slug}")
    return None if answer.status_code == 404 else dict(answer.json()["data"])
