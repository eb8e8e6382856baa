"""`python -m pulumi_resellertenant.emulator`: bind, announce the URL, serve until signalled."""

from __future__ import annotations

import logging
import signal
import socket
import sqlite3
import sys
from collections.abc import Sequence
from types import FrameType

import uvicorn
from starlette.requests import ClientDisconnect

from .app import REGISTERED_APIS, create_app
from .config import EmulatorConfig, parse_config
from .control_guard import loopback_name
from .middleware import DroppedResponse
from .state import EmulatorState


class _Stop(Exception):
    """Raised by our SIGTERM handler once uvicorn has shut down and re-raised the signal."""


class _HideDroppedResponses(logging.Filter):
    """An injected dropped response is intended: no traceback for it in the server log."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        # A client that gave up during injected latency: nothing was committed, no bug.
        return not isinstance(exc, DroppedResponse | ClientDisconnect)


def bind_socket(host: str, port: int) -> socket.socket:
    """Our own listening socket, so port 0 resolves before we announce the URL."""
    family, kind, proto, _, address = socket.getaddrinfo(
        host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
    )[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(2048)
    except OSError:
        sock.close()
        raise
    return sock


def listening_url(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}"


def warn_unless_loopback(sock: socket.socket) -> None:
    """Other machines can reach an emulator bound elsewhere than loopback: say so."""
    address = str(sock.getsockname()[0])
    if not loopback_name(address):
        print(
            f"emulator: warning: listening on {address}, not a loopback address: other machines "
            "can reach the emulated APIs, whose local keys are public, and their tenants (the "
            "control API has no auth and still answers loopback requests only)",
            file=sys.stderr,
            flush=True,
        )


def _raise_stop(signum: int, frame: FrameType | None) -> None:
    raise _Stop


def serve(config: EmulatorConfig) -> int:
    try:
        sock = bind_socket(config.host, config.port)
    except OSError as exc:
        print(f"emulator: cannot listen on {config.host}:{config.port}: {exc}", file=sys.stderr)
        return 1
    warn_unless_loopback(sock)
    try:
        state = EmulatorState.open(config, REGISTERED_APIS)
    except sqlite3.Error as exc:
        sock.close()
        print(f"emulator: cannot open the database {config.db!r}: {exc}", file=sys.stderr)
        return 1
    try:
        app = create_app(config, state=state)
        server = uvicorn.Server(
            uvicorn.Config(
                app,
                log_level="warning",
                access_log=False,
                lifespan="off",
                # A request held by a long injected latency must not block shutdown for long.
                timeout_graceful_shutdown=5,
            )
        )
        logging.getLogger("uvicorn.error").addFilter(_HideDroppedResponses())
        # uvicorn shuts down gracefully on SIGTERM, then re-raises it with the previous
        # handler in place: ours turns it into a normal exit, so the store closes.
        signal.signal(signal.SIGTERM, _raise_stop)
        print(f"Emulator listening on {listening_url(sock)}", flush=True)
        server.run(sockets=[sock])
    except (_Stop, KeyboardInterrupt):
        pass
    finally:
        state.close()
        sock.close()
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    return serve(parse_config(argv, apis=REGISTERED_APIS))


if __name__ == "__main__":
    sys.exit(main())
