"""Injected faults: latency, canned answers (error or malformed), and answers lost or replaced
after the commit."""

from __future__ import annotations

import fnmatch
import threading
from dataclasses import asdict, dataclass
from typing import Any

from starlette.responses import JSONResponse, Response

# What a raw body is served as unless the fault names a content type.
TEXT_CONTENT_TYPE = "text/plain; charset=utf-8"


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

    def matches(self, method: str, path: str) -> bool:
        if self.remaining <= 0:
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
            )
            self._next_id += 1
            self._faults.append(fault)
            return fault

    def take(self, method: str, path: str) -> Fault | None:
        """Consume one use of the first matching fault; a snapshot of it, or None."""
        with self._lock:
            for fault in self._faults:
                if fault.matches(method, path):
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
