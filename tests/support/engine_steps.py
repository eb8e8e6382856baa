"""The engine's sequences of provider calls, for the provider layer's tests.

`pulumi up` checks the new inputs against the old inputs, diffs them against the old
outputs, then creates or updates; `refresh` reads; `destroy` deletes. These helpers keep
the state (id, inputs, outputs) the engine would keep between them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import pytest

from support.emulator_handle import EMA_KEY, EMA_OTHER_KEY, MAILBUX_KEY, EmulatorHandle
from support.provider_server import ProviderCallError, ProviderServer

Launch = Callable[..., ProviderServer]
"""The `launch` fixture: `launch(pickled_provider, config=..., env=...)` starts a server."""


@dataclass(frozen=True)
class Deployed:
    """One resource as the engine records it in the stack's state."""

    id: str
    inputs: dict[str, Any]
    outputs: dict[str, Any]


def stack_config(emu: EmulatorHandle, **overrides: str | None) -> dict[str, str]:
    """Stack config pointing both APIs at the emulator. Overrides use `__` for `:`
    (`mailbux__apiKey="k"`); None drops the key."""
    config: dict[str, str | None] = {
        "mailbux:apiKey": MAILBUX_KEY,
        "mailbux:baseUrl": emu.url,
        "easymailarchive:apiKey": EMA_KEY,
        "easymailarchive:baseUrl": emu.url,
        **{key.replace("__", ":"): value for key, value in overrides.items()},
    }
    return {key: value for key, value in config.items() if value is not None}


def requests_made(emu: EmulatorHandle) -> dict[str, int]:
    """{"POST /api/user/tenants": 1, ...} since the emulator's counters were last reset."""
    counted = {route: figures["total"] for route, figures in emu.counters().items()}
    return {route: total for route, total in counted.items() if total}


def checked(
    server: ProviderServer, olds: Mapping[str, Any], news: Mapping[str, Any]
) -> dict[str, Any]:
    outcome = server.check(olds, news)
    assert outcome.failures == [], outcome.failures
    return outcome.inputs


def up_create(server: ProviderServer, news: Mapping[str, Any]) -> Deployed:
    """`pulumi up` of a new resource: Check, then Create."""
    inputs = checked(server, {}, news)
    created = server.create(inputs)
    return Deployed(created.id, inputs, created.outputs)


def up_change(server: ProviderServer, deployed: Deployed, news: Mapping[str, Any]) -> Deployed:
    """`pulumi up` of an existing resource: Check, Diff, then Update if the diff says so.
    A diff that asks for a replacement fails the test: use `server.diff` directly there."""
    inputs = checked(server, deployed.inputs, news)
    diff = server.diff(deployed.id, deployed.outputs, inputs)
    assert diff.replaces == [], f"unexpected replacement of {diff.replaces}"
    if diff.changes == "none":
        return Deployed(deployed.id, inputs, deployed.outputs)
    outputs = server.update(deployed.id, deployed.outputs, inputs)
    return Deployed(deployed.id, inputs, outputs)


def refresh(server: ProviderServer, deployed: Deployed) -> Deployed | None:
    """`pulumi refresh`: Read; None when the provider reports the resource gone."""
    read = server.read(deployed.id, deployed.outputs, deployed.inputs)
    if not read.id:
        return None
    return Deployed(
        read.id, read.inputs if read.inputs is not None else deployed.inputs, read.outputs
    )


def destroy(server: ProviderServer, deployed: Deployed) -> None:
    """`pulumi destroy`: Delete with the recorded outputs."""
    server.delete(deployed.id, deployed.outputs)


def error_line(call: Callable[..., object], *args: Any) -> str:
    """The error the engine would show for a failed provider call, checked to be one line
    with no traceback and no API key."""
    with pytest.raises(ProviderCallError) as caught:
        call(*args)
    details = caught.value.details
    assert "Traceback" not in details
    assert "\n" not in details.strip()
    for key in (MAILBUX_KEY, EMA_KEY, EMA_OTHER_KEY):
        assert key not in details
    return details
