"""Pure ASGI middleware: request counters and fault injection for the emulated APIs.

Pure ASGI (not BaseHTTPMiddleware) because dropping a response after its headers needs control
of the raw `send` stream.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from fastapi import APIRouter
from starlette.routing import BaseRoute, Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .api_paths import ApiPaths
from .counters import RequestCounters
from .faults import LIST_LAG_KEY, Fault, FaultRegistry
from .shaping import shaped_send


class DroppedResponse(Exception):
    """Raised after a response's headers went out, so the server cuts the connection."""


class RouteTemplates:
    """Maps a request to its route template, e.g. /api/user/tenants/{tenant_id}/suspend.

    Matches against the API routers' own routes (plain Starlette routes with full paths):
    FastAPI's app-level router wraps included routers in private lazy objects, and faulted
    requests never reach routing at all.
    """

    def __init__(self, routers: Sequence[APIRouter]) -> None:
        self._routes = [route for router in routers for route in router.routes]

    def template(self, scope: Scope) -> str:
        partial: BaseRoute | None = None
        for route in self._routes:
            match, _ = route.matches(scope)
            if match is Match.FULL:
                return str(getattr(route, "path", "<unmatched>"))
            if match is Match.PARTIAL and partial is None:
                partial = route
        if partial is not None:
            # Path known, method not allowed: still worth its own counter line.
            return str(getattr(partial, "path", "<unmatched>"))
        return "<unmatched>"


class _ApiRequestMiddleware:
    """Acts on requests of the emulated APIs only; control requests pass through untouched."""

    def __init__(self, app: ASGIApp, paths: ApiPaths) -> None:
        self.app = app
        self.paths = paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and self.paths.is_api(scope["path"]):
            await self.handle(scope, receive, send)
        else:
            await self.app(scope, receive, send)

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        raise NotImplementedError


class CountersMiddleware(_ApiRequestMiddleware):
    """Counts every API request by METHOD + route template and answered status."""

    def __init__(
        self, app: ASGIApp, paths: ApiPaths, counters: RequestCounters, templates: RouteTemplates
    ) -> None:
        super().__init__(app, paths)
        self.counters = counters
        self.templates = templates

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        route = f"{scope['method']} {self.templates.template(scope)}"
        status: int | None = None

        async def send_and_note(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        self.counters.arrived(route)
        try:
            await self.app(scope, receive, send_and_note)
        finally:
            # An exception before any answer becomes a 500 at the server.
            self.counters.answered(route, 500 if status is None else status)


class FaultMiddleware(_ApiRequestMiddleware):
    """Applies the first matching injected fault to an API request."""

    def __init__(self, app: ASGIApp, paths: ApiPaths, faults: FaultRegistry) -> None:
        super().__init__(app, paths)
        self.faults = faults

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        listing = scope["method"] == "GET" and self.paths.is_list(scope["path"])
        fault = self.faults.take(scope["method"], scope["path"], listing=listing)
        if fault is None:
            await self.app(scope, receive, send)
            return
        if fault.latency_ms > 0:
            await asyncio.sleep(fault.latency_ms / 1000)
        if fault.list_lag_ms:
            # The list route reads it from the scope (faults.list_lag).
            scope = {**scope, LIST_LAG_KEY: fault.list_lag_ms / 1000}
        if fault.shapes_answer:
            send = shaped_send(fault, send, receive)
        if fault.after_commit:
            await self._answer_after_commit(fault, scope, receive, send)
            return
        if fault.status is not None:
            await self._answer(fault, scope, receive, send)
            return
        if fault.drop_after_commit:
            await self._drop_after_commit(scope, receive, send)
            return
        await self.app(scope, receive, send)

    async def _answer(
        self, fault: Fault, scope: Scope, receive: Receive, send: Send, status: int | None = None
    ) -> None:
        """The fault's answer (``status``, by default the fault's), without processing."""
        status = fault.status if status is None else status
        assert status is not None
        headers = None if fault.retry_after is None else {"Retry-After": str(fault.retry_after)}
        error = self.paths.error(
            scope["path"],
            status,
            "INJECTED_FAULT",
            f"Injected fault (HTTP {status}).",
            headers=headers,
            injected=True,
        )
        await fault.answer(status, error.response(), headers)(scope, receive, send)

    async def _answer_after_commit(
        self, fault: Fault, scope: Scope, receive: Receive, send: Send
    ) -> None:
        """Process the request for real, then give the fault's answer instead of its own
        (with the real status when the fault names none)."""
        real_status = 500

        async def discard(message: Message) -> None:
            nonlocal real_status
            if message["type"] == "http.response.start":
                real_status = int(message["status"])

        await self.app(scope, receive, discard)
        await self._answer(fault, scope, receive, send, fault.status or real_status)

    async def _drop_after_commit(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Process the request for real, send only the headers, then cut the connection."""

        async def headers_only(message: Message) -> None:
            if message["type"] == "http.response.start":
                await send(message)

        await self.app(scope, receive, headers_only)
        # The body promised by Content-Length never comes: the client sees a broken response.
        raise DroppedResponse("response dropped after commit (injected fault)")
