"""Answers rewritten on their way out, as real servers garble them: text before or after the
JSON, ``/`` escaped as ``\\/``, padding to a huge size, a body that drips.

A fault's answer (injected or real) is held until its body is complete, rewritten, and sent
with a Content-Length that matches: the client sees a well-formed HTTP answer whose body is
what a PHP backend or a cache in front of it would send.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

from starlette.types import Message, Receive, Send

from .faults import Fault

MAX_PAD_BYTES = 2**30
"""The largest size a fault may pad an answer to (1 GiB, streamed, never held whole)."""

_PAD_CHUNK = 64 * 1024


def shaped_send(fault: Fault, send: Send, receive: Receive) -> Send:
    """A ``send`` that applies ``fault``'s shaping to the answer passed through it."""
    start: Message | None = None
    parts: list[bytes] = []

    async def shaping(message: Message) -> None:
        nonlocal start
        if message["type"] == "http.response.start":
            start = message  # held: the length is known only once the body is
            return
        if message["type"] != "http.response.body" or start is None:
            await send(message)
            return
        parts.append(message.get("body", b""))
        if message.get("more_body", False):
            return
        body = _rewrite(fault, b"".join(parts))
        padding = max(0, (fault.pad_to_bytes or 0) - len(body))
        await send({**start, "headers": _headers(fault, start, len(body) + padding)})
        pieces = _pieces(body, padding)
        if fault.drip_bytes:
            await _drip(send, receive, pieces, fault.drip_bytes, (fault.drip_interval_ms or 0))
        else:
            for piece in pieces:
                await send({"type": "http.response.body", "body": piece, "more_body": True})
            await send({"type": "http.response.body", "body": b"", "more_body": False})

    return shaping


def _rewrite(fault: Fault, body: bytes) -> bytes:
    if fault.escape_slashes:
        # In JSON a "/" can only be inside a string, where "\/" means the same: PHP's default.
        body = body.replace(b"/", b"\\/")
    before = (fault.text_before or "").encode()
    after = (fault.text_after or "").encode()
    return before + body + after


def _headers(fault: Fault, start: Message, length: int) -> list[tuple[bytes, bytes]]:
    replaced = {b"content-length"} | ({b"content-type"} if fault.content_type else set())
    headers = [(k, v) for k, v in start.get("headers", []) if k.lower() not in replaced]
    headers.append((b"content-length", str(length).encode()))
    if fault.content_type:
        headers.append((b"content-type", fault.content_type.encode()))
    return headers


def _pieces(body: bytes, padding: int) -> Iterator[bytes]:
    """The body, then the padding in chunks (a 1 GiB answer is never built in memory)."""
    yield body
    while padding > 0:
        size = min(padding, _PAD_CHUNK)
        yield b" " * size
        padding -= size


async def _drip(
    send: Send, receive: Receive, pieces: Iterator[bytes], size: int, interval_ms: int
) -> None:
    """``size`` bytes per ``interval_ms``; stops when the client goes away (the server's
    ``send`` would otherwise accept every piece silently, for hours)."""
    gone = asyncio.ensure_future(_disconnected(receive))
    try:
        first = True
        for piece in pieces:
            for offset in range(0, len(piece), size):
                if not first:
                    await asyncio.wait({gone}, timeout=interval_ms / 1000)
                    if gone.done():
                        return
                first = False
                chunk = piece[offset : offset + size]
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
        await send({"type": "http.response.body", "body": b"", "more_body": False})
    finally:
        gone.cancel()


async def _disconnected(receive: Receive) -> None:
    # A request body the route never read comes first; then only the disconnect.
    while (await receive())["type"] != "http.disconnect":
        pass
