"""A proxy in the environment never sees a plain-http request: the key would reach it in
clear. Over real sockets: the emulator on loopback, and a listener standing in for a proxy."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import pytest

from pulumi_resellertenant.mailbux import MailbuxClient
from support.emulator_handle import EmulatorHandle


class FakeProxy:
    """A loopback listener that records what reaches it and answers nothing useful."""

    def __init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.server.getsockname()[1]}"
        self.received = b""
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        try:
            connection, _ = self.server.accept()
        except OSError:
            return
        with connection:
            connection.settimeout(2)
            try:
                self.received = connection.recv(65_536)
                connection.sendall(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")
            except OSError:
                pass

    def close(self) -> None:
        self.server.close()
        self._thread.join(timeout=5)


@pytest.fixture
def proxy(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeProxy]:
    listener = FakeProxy()
    for name in ("HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.setenv(name, listener.url)
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    yield listener
    listener.close()


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_a_plain_http_base_url_never_goes_through_a_proxy(
    emu: EmulatorHandle, proxy: FakeProxy, host: str
) -> None:
    url = emu.url.replace("127.0.0.1", host)
    environ = {
        "MAILBUX_API_KEY": emu.mailbux_key,
        "MAILBUX_BASE_URL": url,
        "MAILBUX_REQUESTS_PER_MINUTE": "0",
    }
    with MailbuxClient.from_config(environ=environ) as client:
        assert client.list_tenants() == []
    assert proxy.received == b""
    assert emu.counters()["GET /api/user/tenants"]["total"] == 1
