"""The emulated Mailbux reseller API: `X-Api-Key`, numeric tenant ids under /api/user/, a quota
pool and a tenant limit per reseller, and a free plan that may only read."""

from __future__ import annotations

from pulumi_resellertenant.emulator.database import Database
from pulumi_resellertenant.emulator.emulated_api import ApiServer, EmulatedApi
from pulumi_resellertenant.emulator.resellers import ResellerAccounts

from .config import MailbuxConfig
from .control_routes import build_control_routes
from .errors import MailbuxError
from .reseller_settings import MailbuxResellerSettings
from .routes import build_routes
from .tenants import MailbuxTenants


def _serve(
    config: MailbuxConfig,
    database: Database,
    resellers: ResellerAccounts[MailbuxResellerSettings],
) -> ApiServer:
    tenants = MailbuxTenants(database)
    return ApiServer(
        routes=build_routes(tenants, resellers),
        control_routes=build_control_routes(tenants),
        on_reset=(tenants.clear,),
        list_path="/api/user/tenants",
    )


MAILBUX = EmulatedApi(
    name="mailbux",
    error_type=MailbuxError,
    config_type=MailbuxConfig,
    build=_serve,
)
