"""An answer's body, read within bounds, and its JSON, recovered from the noise around it.

httpx's timeouts bound each read, not the whole answer: a server that sends a byte a second
never trips them, and one that sends 400 MB fills memory. ``read_body`` streams the body and
stops past a size limit or the operation's deadline.

PHP and Laravel backends print notices before or after the JSON of an answer. A success
answer is the API's word that it did the write, and its body may hold the only copy of a
one-time password: ``decode_json`` takes the one JSON object it holds amid other text.
"""

from __future__ import annotations

import json
from typing import Any

import httpx

from ._deadline import Deadline

__all__ = [
    "MAX_ERROR_BODY",
    "AnswerTooLargeError",
    "AnswerTooSlowError",
    "decode_json",
    "read_body",
    "read_error_body",
]

MAX_ERROR_BODY = 64 * 1024
"""Bytes of an error answer read at most: no error message needs more."""

_MAX_CANDIDATES = 64
"""Places where an object may start that ``decode_json`` tries, at most, in a noisy body."""


class AnswerTooLargeError(Exception):
    """The body is larger than the limit (``size``: the bytes read or declared)."""

    def __init__(self, size: int) -> None:
        super().__init__(f"{size} bytes")
        self.size = size


class AnswerTooSlowError(Exception):
    """The operation's deadline passed while the body was still arriving."""

    def __init__(self, size: int) -> None:
        super().__init__(f"{size} bytes")
        self.size = size


def read_body(response: httpx.Response, *, limit: int, deadline: Deadline) -> bytes:
    """The (decoded) body of a streamed ``response``, at most ``limit`` bytes, read before
    ``deadline``. Raises ``AnswerTooLargeError`` or ``AnswerTooSlowError`` otherwise."""
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit and "content-encoding" not in response.headers:
        raise AnswerTooLargeError(int(declared))
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > limit:
            raise AnswerTooLargeError(size)
        chunks.append(chunk)
        if deadline.expired():
            raise AnswerTooSlowError(size)
    return b"".join(chunks)


def read_error_body(response: httpx.Response, *, deadline: Deadline) -> bytes:
    """The start of an error answer's body: what arrived of its first ``MAX_ERROR_BODY``
    bytes before the deadline (the rest is not needed to say what went wrong)."""
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():
        chunks.append(chunk)
        size += len(chunk)
        if size >= MAX_ERROR_BODY or deadline.expired():
            break
    return b"".join(chunks)[:MAX_ERROR_BODY]


def decode_json(body: bytes) -> Any:
    """The JSON of ``body``; for a body with other text around one JSON object, that object.

    Raises ``ValueError`` when no JSON can be read (``RecursionError`` is one too: JSON
    nested deeper than the decoder goes)."""
    text = body.decode("utf-8", "replace")
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        pass
    decoder = json.JSONDecoder()
    start = text.find("{")
    for _ in range(_MAX_CANDIDATES):
        if start < 0:
            break
        try:
            value, _end = decoder.raw_decode(text, start)
        except (ValueError, RecursionError):
            start = text.find("{", start + 1)
            continue
        if isinstance(value, dict):
            return value
        start = text.find("{", start + 1)
    raise ValueError("no JSON object in the answer")
