"""Control routes for resellers: PUT /_emulator/resellers and POST .../rotate-key.

The body's "api" picks a registered API; its reseller settings class says which fields it
takes and checks them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from starlette.requests import Request

from .control_fields import (
    CONTROL_PREFIX,
    ControlError,
    check,
    control_body,
    reject_unknown,
    require,
    str_field,
)
from .emulated_api import RunningApi
from .errors import FieldErrors


def build_reseller_control_router(apis: Mapping[str, RunningApi]) -> APIRouter:
    router = APIRouter(prefix=CONTROL_PREFIX)
    names = " or ".join(repr(name) for name in apis)

    def chosen_api(body: Mapping[str, Any], errors: FieldErrors) -> RunningApi | None:
        name = body.get("api")
        api = apis.get(name) if isinstance(name, str) else None
        if api is None:
            errors["api"] = [f"The api must be {names}."]
        return api

    @router.put("/resellers")
    async def put_reseller(request: Request) -> JSONResponse:
        """Add a reseller (configured settings for fields not given) or change its settings."""
        body = await control_body(request)
        errors: FieldErrors = {}
        api = chosen_api(body, errors)
        api_key = str_field(body, "api_key", errors)
        require("api_key", api_key, errors)
        changes: dict[str, Any] = {}
        if api is not None:
            settings_type = api.resellers.settings_type
            reject_unknown(body, {"api", "api_key", *settings_type.field_names()}, errors)
            changes = settings_type.parse_changes(body, errors)
        check(errors)
        assert api is not None
        assert api_key is not None
        reseller = api.resellers.put(api_key, changes)
        return JSONResponse(
            {"api": api.spec.name, "owner": reseller.owner, **reseller.settings.to_json()}
        )

    @router.post("/resellers/rotate-key")
    async def rotate_key(request: Request) -> JSONResponse:
        body = await control_body(request)
        errors: FieldErrors = {}
        reject_unknown(body, {"api", "old_key", "new_key"}, errors)
        api = chosen_api(body, errors)
        old_key = str_field(body, "old_key", errors)
        new_key = str_field(body, "new_key", errors)
        require("old_key", old_key, errors)
        require("new_key", new_key, errors)
        check(errors)
        assert api is not None
        assert old_key is not None
        assert new_key is not None
        owner = api.resellers.rotate_key(old_key, new_key)
        if owner is None:
            raise ControlError(404, "No reseller has that old_key.")
        return JSONResponse({"api": api.spec.name, "owner": owner})

    return router
