"""Injected faults: latency, canned answers (error or malformed), answers lost or replaced
after the commit, and real-world misbehaviours: a list lagging behind creates, text around
the JSON, escaped slashes, a body that drips or is huge (those are applied by shaping.py)."""

from __future__ import annotations

import fnmatch
import threading
from dataclasses import asdict, dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

# What a raw body is served as unless the fault names a content type.
TEXT_CONTENT_TYPE = "text/plain; charset=utf-8"

LIST_LAG_KEY = "resellertenant.list_lag_s"
"""The ASGI scope key by which a list-lag fault reaches the list route."""


def list_lag(request: Request) -> float | None:
    """Seconds a list must lag behind creates for this request (a fault's), or None."""
    lag = request.scope.get(LIST_LAG_KEY)
    return float(lag) if isinstance(lag, int | float) and lag > 0 else None


@dataclass
class Fault:
    id: int
    method: str | None
    path: str | None
    status: int | None
    remaining: int
    latency_ms: int
    drop_after_commit: bool
    retry_after: int | None
    body: dict[str, Any] | None
    body_text: str | None = None
    """A raw body, sent as is: garbage JSON, an HTML page, a huge answer."""
    content_type: str | None = None
    """The answer's Content-Type, exactly as given (overrides the body's own)."""
    after_commit: bool = False
    """Process the request for real, then answer with this fault's status and body: a
    server that committed and then failed, or answered with something unreadable."""
    list_lag_ms: int = 0
    """Lists leave out tenants created less than this long ago (a cache or a replica that
    lags behind writes); only list requests match such a fault."""
    text_before: str | None = None
    """Text sent before the answer's body (a PHP notice printed before the JSON)."""
    text_after: str | None = None
    """Text sent after the answer's body (an HTML comment a cache appends)."""
    escape_slashes: bool = False
    """Every ``/`` of the body sent as ``\\/``, as PHP's json_encode does (same JSON)."""
    drip_bytes: int | None = None
    """The body sent this many bytes at a time, ``drip_interval_ms`` apart."""
    drip_interval_ms: int | None = None
    pad_to_bytes: int | None = None
    """The body padded with spaces to this size (JSON allows trailing whitespace)."""

    @property
    def shapes_answer(self) -> bool:
        """Whether the answer's body is rewritten on its way out (shaping.py)."""
        return bool(
            self.text_before
            or self.text_after
            or self.escape_slashes
            or self.drip_bytes
            or self.pad_to_bytes
        )

    def matches(self, method: str, path: str, *, listing: bool = False) -> bool:
        if self.remaining <= 0:
            return False
        if self.list_lag_ms and not listing:
            return False
        if self.method is not None and self.method != method.upper():
            return False
        return self.path is None or fnmatch.fnmatchcase(path, self.path)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    def answer(self, status: int, error: Response, headers: dict[str, str] | None) -> Response:
        """The answer this fault gives with ``status``: its own body, raw or JSON, or
        ``error`` (the API's error shape) when it has none."""
        response: Response
        if self.body_text is not None:
            response = Response(
                self.body_text, status_code=status, headers=headers, media_type=TEXT_CONTENT_TYPE
            )
        elif self.body is not None:
            response = JSONResponse(self.body, status_code=status, headers=headers)
        else:
            response = error
        if self.content_type is not None:
            response.headers["content-type"] = self.content_type
        return response


class FaultRegistry:
    """Faults in insertion order; each request takes the first match that has uses left."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []
        self._next_id = 1

    def add(
        self,
        *,
        method: str | None = None,
        path: str | None = None,
        status: int | None = None,
        count: int = 1,
        latency_ms: int = 0,
        drop_after_commit: bool = False,
        retry_after: int | None = None,
        body: dict[str, Any] | None = None,
        body_text: str | None = None,
        content_type: str | None = None,
        after_commit: bool = False,
        list_lag_ms: int = 0,
        text_before: str | None = None,
        text_after: str | None = None,
        escape_slashes: bool = False,
        drip_bytes: int | None = None,
        drip_interval_ms: int | None = None,
        pad_to_bytes: int | None = None,
    ) -> Fault:
        with self._lock:
            fault = Fault(
                id=self._next_id,
                method=None if method is None else method.upper(),
                path=path,
                status=status,
                remaining=count,
                latency_ms=latency_ms,
                drop_after_commit=drop_after_commit,
                retry_after=retry_after,
                body=body,
                body_text=body_text,
                content_type=content_type,
                after_commit=after_commit,
                list_lag_ms=list_lag_ms,
                text_before=text_before,
                text_after=text_after,
                escape_slashes=escape_slashes,
                drip_bytes=drip_bytes,
                drip_interval_ms=drip_interval_ms,
                pad_to_bytes=pad_to_bytes,
            )
            self._next_id += 1
            self._faults.append(fault)
            return fault

    def take(self, method: str, path: str, *, listing: bool = False) -> Fault | None:
        """Consume one use of the first matching fault; a snapshot of it, or None.
        ``listing``: the request lists tenants (list-lag faults match only those)."""
        with self._lock:
            for fault in self._faults:
                if fault.matches(method, path, listing=listing):
                    fault.remaining -= 1
                    return Fault(**asdict(fault))
        return None

    def snapshot(self) -> list[dict[str, Any]]:
        with self._lock:
            return [fault.to_json() for fault in self._faults]

    def clear(self) -> None:
        # Ids keep counting so an old id never names a new fault.
        with self._lock:
            self._faults.clear()
