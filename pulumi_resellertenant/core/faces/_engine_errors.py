"""How failures of a provider operation reach the person running ``pulumi up``.

The dynamic provider server (``python -m pulumi.dynamic``) turns every exception into the
full ``traceback.format_exc()`` text. For errors we expect (the API refused, the key is
missing) a traceback buries the one line that matters, so ``configure()`` has the server
format those as their message alone. Anything else, a bug, keeps its traceback.
"""

from __future__ import annotations

import sys
import threading
import traceback
from typing import Any

from pulumi_resellertenant.core.transport import ResellerTenantError

__all__ = ["in_dynamic_provider_server", "show_expected_errors_as_one_line"]

_SERVER_MODULE = "pulumi.dynamic.__main__"
_lock = threading.Lock()


class _OneLineForExpectedErrors:
    """Stands in for the ``traceback`` module inside the provider server only."""

    def format_exc(self, limit: int | None = None, chain: bool = True) -> str:
        error = sys.exc_info()[1]
        if isinstance(error, ResellerTenantError):
            return str(error)
        return traceback.format_exc(limit=limit, chain=chain)

    def __getattr__(self, name: str) -> Any:
        return getattr(traceback, name)


def show_expected_errors_as_one_line() -> bool:
    """Install the one-line formatting in the running provider server; True if it is there.

    Does nothing outside ``python -m pulumi.dynamic`` (a test, a program), or when a
    future server no longer formats errors this way.
    """
    if not in_dynamic_provider_server():
        return False
    server = sys.modules["__main__"]
    with _lock:
        current = getattr(server, "traceback", None)
        if isinstance(current, _OneLineForExpectedErrors):
            return True
        if current is not traceback:
            return False
        server.traceback = _OneLineForExpectedErrors()  # type: ignore[attr-defined]
        return True


def in_dynamic_provider_server() -> bool:
    """Whether this process is the SDK's dynamic provider server."""
    spec = getattr(sys.modules.get("__main__"), "__spec__", None)
    return getattr(spec, "name", None) == _SERVER_MODULE
