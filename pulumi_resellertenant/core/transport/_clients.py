"""One API client per reseller account for the whole process.

All dynamic resources of a deployment share one provider process with several worker
threads: sharing a client shares its connection pool, and its rate limiter paces them all.
Settings are read at each operation, so a rotated key yields another account, whose client
replaces (and closes) the one of the old key.
"""

from __future__ import annotations

import threading
from typing import Protocol, TypeVar

import httpx

from pulumi_resellertenant.core.pacing import Account

from ._http import HttpClient
from ._settings import ApiSettings

__all__ = ["ClientCache", "shared_clients"]


class Client(Protocol):
    """What the cache needs of a client (``ApiClient`` is one): built over an HttpClient,
    closed when replaced."""

    http: HttpClient

    def __init__(self, http: HttpClient) -> None: ...

    def close(self) -> None: ...


C = TypeVar("C", bound=Client)


class ClientCache:
    """Clients keyed by (client class, account). ``transport`` is the seam for tests: every
    client this cache builds sends through it (None: the network)."""

    def __init__(self, transport: httpx.BaseTransport | None = None) -> None:
        self.transport = transport
        self._clients: dict[tuple[type[Client], Account], Client] = {}
        self._lock = threading.Lock()

    def get(self, client_class: type[C], settings: ApiSettings) -> C:
        account = settings.account
        with self._lock:
            client = self._clients.get((client_class, account))
            if client is None or (
                client.http.settings is not settings and client.http.settings != settings
            ):
                # New settings for the account (timeouts, say) rebuild its client; the old
                # client of this account, or of a key rotated away from, is closed.
                for key in [k for k in self._clients if _replaced_by(k, client_class, account)]:
                    self._clients.pop(key).close()
                client = client_class(HttpClient(settings, transport=self.transport))
                self._clients[(client_class, account)] = client
        assert isinstance(client, client_class)
        return client

    def close(self) -> None:
        with self._lock:
            for client in self._clients.values():
                client.close()
            self._clients.clear()


def _replaced_by(
    key: tuple[type[Client], Account], client_class: type[Client], account: Account
) -> bool:
    cached_class, cached = key
    same_place = (cached.namespace, cached.base_url) == (account.namespace, account.base_url)
    return cached_class is client_class and same_place


shared_clients = ClientCache()
"""The process-wide cache the providers and the plain functions use."""
