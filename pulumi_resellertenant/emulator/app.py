"""Assembles the FastAPI application: the registered APIs, the control API, error handlers and
middleware."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from .api_paths import ApiPaths
from .config import EmulatorConfig
from .control import build_control_router
from .control_fields import CONTROL_PREFIX
from .control_guard import ControlGuard
from .control_resellers import build_reseller_control_router
from .easymailarchive import EASYMAILARCHIVE
from .emulated_api import EmulatedApi
from .error_handlers import install_error_handlers
from .mailbux import MAILBUX
from .middleware import CountersMiddleware, FaultMiddleware, RouteTemplates
from .state import EmulatorState

# The emulated APIs, one package each. A new API is a new package, registered here; its flags
# and routes follow in this order.
REGISTERED_APIS: tuple[EmulatedApi[Any], ...] = (MAILBUX, EASYMAILARCHIVE)


def create_app(
    config: EmulatorConfig | None = None, *, state: EmulatorState | None = None
) -> FastAPI:
    """A new emulator application; opens its own store unless `state` is given.

    The caller that passes no `state` can reach it at `app.state.emulator` (to close it).
    """
    config = config or EmulatorConfig()
    state = state or EmulatorState.open(config, REGISTERED_APIS)
    app = FastAPI(
        title="pulumi-resellertenant emulator",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    app.state.emulator = state
    running = list(state.apis.values())
    api_routers = [api.server.routes for api in running]
    for router in api_routers:
        app.include_router(router)
    app.include_router(build_control_router(state))
    app.include_router(build_reseller_control_router(state.apis))
    for api in running:
        app.include_router(api.server.control_routes, prefix=f"{CONTROL_PREFIX}/{api.spec.name}")

    paths = ApiPaths(
        [(api.server.routes.prefix, api.spec.error_type) for api in running],
        [api.server.list_path for api in running if api.server.list_path is not None],
    )
    install_error_handlers(app, paths)
    # add_middleware wraps outward: the counters see faulted answers too.
    app.add_middleware(FaultMiddleware, faults=state.faults, paths=paths)
    app.add_middleware(
        CountersMiddleware,
        counters=state.counters,
        templates=RouteTemplates(api_routers),
        paths=paths,
    )
    # Outermost: a control request from a web page is refused before anything sees it.
    app.add_middleware(ControlGuard)
    return app
