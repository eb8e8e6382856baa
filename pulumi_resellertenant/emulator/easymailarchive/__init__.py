"""The emulated Easy Mail Archive reseller API: bearer keys, tenants named by a global slug
under /api/reseller/tenants, paginated lists, usage figures, and a rate limit per key."""

from __future__ import annotations

from pulumi_resellertenant.emulator.database import Database
from pulumi_resellertenant.emulator.emulated_api import ApiServer, EmulatedApi
from pulumi_resellertenant.emulator.ratelimit import SlidingWindowLimiter
from pulumi_resellertenant.emulator.resellers import ResellerAccounts

from .config import EmaConfig
from .control_routes import build_control_routes
from .errors import EmaError
from .reseller_settings import EmaResellerSettings
from .routes import build_routes
from .tenants import EmaTenants


def _serve(
    config: EmaConfig, database: Database, resellers: ResellerAccounts[EmaResellerSettings]
) -> ApiServer:
    tenants = EmaTenants(database)
    limiter = SlidingWindowLimiter()
    return ApiServer(
        routes=build_routes(tenants, resellers, limiter, page_size=config.page_size),
        control_routes=build_control_routes(tenants),
        # A reset empties the rate-limit windows too.
        on_reset=(tenants.clear, limiter.reset),
        list_path="/api/reseller/tenants",
    )


EASYMAILARCHIVE = EmulatedApi(
    name="easymailarchive",
    error_type=EmaError,
    config_type=EmaConfig,
    build=_serve,
)
