"""The control API answers this machine's tools only, never a web page.

The control routes have no auth (tests need none), so a page in the user's browser could
otherwise rotate keys or inject faults: with a cross-origin POST (a ``text/plain`` body needs
no CORS preflight), or after rebinding its own name to 127.0.0.1 (its requests then carry its
own ``Host``). So a control request must carry a loopback ``Host`` (127.0.0.0/8, localhost,
[::1], any port), no ``Origin`` but a loopback one, and any body as ``application/json``
(which a page cannot send without a preflight the emulator never grants). The emulated APIs
are not guarded: like the real ones, they answer whoever holds a key.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from starlette.types import ASGIApp, Receive, Scope, Send

from .control_fields import CONTROL_PREFIX, ControlError

_LOOPBACK_V4 = ipaddress.ip_network("127.0.0.0/8")
_LOOPBACK_V6 = ipaddress.ip_address("::1")


class ControlGuard:
    """Pure ASGI middleware refusing control requests that may come from a web page."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and _is_control(scope["path"]):
            refusal = refusal_of(scope)
            if refusal is not None:
                await refusal.response()(scope, receive, send)
                return
        await self.app(scope, receive, send)


def _is_control(path: str) -> bool:
    return path == CONTROL_PREFIX or path.startswith(f"{CONTROL_PREFIX}/")


def refusal_of(scope: Scope) -> ControlError | None:
    """Why a control request is refused, or None when it may proceed."""
    headers: dict[str, list[str]] = {}
    for name, value in scope.get("headers", []):
        headers.setdefault(name.decode("latin-1").lower(), []).append(value.decode("latin-1"))
    hosts = headers.get("host", [])
    if len(hosts) != 1 or not loopback_name(_host_name(hosts[0])):
        return ControlError(
            403,
            "The control API answers only requests to a loopback Host (127.0.0.0/8, localhost, "
            "[::1]); use http://127.0.0.1:PORT.",
        )
    if not all(_loopback_origin(origin) for origin in headers.get("origin", [])):
        return ControlError(
            403, "The control API refuses requests from web pages (an Origin that is not loopback)."
        )
    types = headers.get("content-type", [])
    has_body = headers.get("content-length", ["0"]) != ["0"] or "transfer-encoding" in headers
    if (types or has_body) and [_media_type(t) for t in types] != ["application/json"]:
        return ControlError(415, "The control API takes application/json bodies only.")
    return None


def _host_name(host: str) -> str:
    """The name of a ``Host`` value without its port; "" when malformed."""
    if host.startswith("["):  # an IPv6 literal, [::1]:8089
        name, bracket, rest = host[1:].partition("]")
        port_ok = rest == "" or (rest.startswith(":") and rest[1:].isdigit())
        return name if bracket and port_ok else ""
    name, colon, port = host.partition(":")
    return name if not colon or port.isdigit() else ""


def loopback_name(name: str) -> bool:
    """localhost, 127.0.0.0/8 or ::1 exactly (no other spelling of them)."""
    if name.lower() == "localhost":
        return True
    try:
        address = ipaddress.ip_address(name)
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv4Address):
        return address in _LOOPBACK_V4
    return address == _LOOPBACK_V6


def _loopback_origin(origin: str) -> bool:
    # "null" (a sandboxed frame, a file: page) is no loopback origin.
    try:
        parts = urlsplit(origin)
        parts.port  # noqa: B018 (raises ValueError for a malformed port)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and loopback_name(parts.hostname or "")


def _media_type(content_type: str) -> str:
    return content_type.split(";", 1)[0].strip().lower()
