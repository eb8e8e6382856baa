"""One API client per settings for the whole provider process.

All dynamic resources of a deployment share one provider process with several worker
threads: sharing a client shares its connection pool, and its rate limiter paces them all.
Settings are read at call time, so a rotated key simply yields another client.
"""

from __future__ import annotations

import threading
from typing import TypeVar

from .http import ApiClient
from .settings import ApiSettings
from .typed_client import TypedClient

__all__ = ["shared_client"]

C = TypeVar("C", bound=TypedClient)

_clients: dict[tuple[type[TypedClient], ApiSettings], TypedClient] = {}
_lock = threading.Lock()


def shared_client(client_class: type[C], settings: ApiSettings) -> C:
    """The process-wide client of this class for these settings (httpx clients are
    thread-safe)."""
    key = (client_class, settings)
    with _lock:
        client = _clients.get(key)
        if client is None:
            client = _clients[key] = client_class(ApiClient(settings))
    assert isinstance(client, client_class)
    return client
