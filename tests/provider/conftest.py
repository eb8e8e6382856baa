"""The provider layer: each test drives a pickled provider through its own real
`python -m pulumi.dynamic` server, as the engine does, against the session's emulator.

A fresh server per test: a provider process serves one deployment, and its caches (the
configured provider, the quota budget, clients) live exactly that long.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest

from pulumi_resellertenant import easymailarchive, mailbux
from support.emulator_handle import EMA_KEY, EMA_OTHER_KEY, MAILBUX_KEY, EmulatorHandle
from support.engine_steps import Launch, stack_config
from support.provider_server import ProviderServer
from support.pulumi_mocks import register

API_KEYS = (MAILBUX_KEY, EMA_KEY, EMA_OTHER_KEY)
SECRET_CONFIG = ("mailbux:apiKey", "easymailarchive:apiKey")


@pytest.fixture(scope="session")
def mailbux_pickle() -> str:
    """The pickled provider exactly as `mailbux.Tenant` stores it in state."""
    [registered] = register(lambda: mailbux.Tenant("mail", quota_gb=1))
    return registered.provider


@pytest.fixture(scope="session")
def archive_pickle() -> str:
    """The pickled provider exactly as `easymailarchive.Tenant` stores it in state."""
    [registered] = register(lambda: easymailarchive.Tenant("archive", slug="abc", name="A"))
    return registered.provider


def _clean_environment() -> dict[str, str]:
    # Settings must come from what each test gives: drop any the developer's shell has.
    return {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("MAILBUX_", "EASYMAILARCHIVE_"))
    }


@pytest.fixture
def launch(tmp_path: Path, emu: EmulatorHandle) -> Iterator[Launch]:
    """Start provider servers: `launch(pickle, config=..., env=...)`, configured like the
    engine does (API keys sent as secrets). Every server is stopped after the test, and its
    log must not contain an API key."""
    servers: list[ProviderServer] = []
    with ExitStack() as stack:

        def start(
            provider: str,
            *,
            config: Mapping[str, Any] | None = None,
            env: Mapping[str, str] | None = None,
        ) -> ProviderServer:
            config = stack_config(emu) if config is None else config
            server = ProviderServer.start(
                provider,
                stderr_path=tmp_path / f"provider-{len(servers)}.log",
                env={**_clean_environment(), **(env or {})},
            )
            stack.enter_context(server)
            servers.append(server)
            server.configure(config, secrets=[k for k in SECRET_CONFIG if k in config])
            return server

        yield start
        logs = [server.stderr_text() for server in servers]
    for log in logs:
        for key in API_KEYS:
            assert key not in log, "an API key reached the provider's log"
        assert "Authorization" not in log


@pytest.fixture
def mailbux_server(launch: Launch, mailbux_pickle: str) -> ProviderServer:
    return launch(mailbux_pickle)


@pytest.fixture
def archive_server(launch: Launch, archive_pickle: str) -> ProviderServer:
    return launch(archive_pickle)
