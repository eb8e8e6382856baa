"""Raw HTTP clients of the session emulator, one per API with its reseller key: for the tests
that speak to the emulator over plain HTTP (a module may define its own `mailbux` instead)."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from support.emulator_handle import EmulatorHandle


@pytest.fixture
def mailbux(emu: EmulatorHandle) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=emu.url, headers=emu.mailbux_headers(), timeout=10) as client:
        yield client


@pytest.fixture
def ema(emu: EmulatorHandle) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=emu.url, headers=emu.ema_headers(), timeout=10) as client:
        yield client
