"""A third reseller API added to the emulator through its extension points only.

`Acme` below is what a new API package would hold (reseller settings, a table, an error shape,
command-line settings, routes and a control knob), registered beside the two real APIs without
any change to the shared emulator modules. Driven in process: no sockets.
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from fastapi import APIRouter, FastAPI
from fastapi.responses import JSONResponse
from starlette.requests import Request

from pulumi_resellertenant.emulator import EmulatorConfig, create_app
from pulumi_resellertenant.emulator.app import REGISTERED_APIS
from pulumi_resellertenant.emulator.bodies import json_body
from pulumi_resellertenant.emulator.bounds import MAX_SETTING
from pulumi_resellertenant.emulator.cli_settings import ApiFlags, SettingSource
from pulumi_resellertenant.emulator.config import build_parser, parse_config
from pulumi_resellertenant.emulator.control_fields import ControlError, int_field
from pulumi_resellertenant.emulator.database import ApiTables, Database
from pulumi_resellertenant.emulator.emulated_api import ApiConfig, ApiServer, EmulatedApi
from pulumi_resellertenant.emulator.errors import ErrorAnswer, FieldErrors
from pulumi_resellertenant.emulator.resellers import Reseller, ResellerAccounts, ResellerSettings
from pulumi_resellertenant.emulator.state import EmulatorState

# --- the third API: what its package would hold ---------------------------------------------


@dataclass(frozen=True)
class AcmeResellerSettings(ResellerSettings):
    seats: int = 3

    @classmethod
    def parse_changes(cls, body: Mapping[str, Any], errors: FieldErrors) -> dict[str, Any]:
        seats = int_field(body, "seats", errors, low=0, high=MAX_SETTING)
        return {} if seats is None else {"seats": seats}


class AcmeError(ErrorAnswer):
    always_coded = True

    def body(self) -> dict[str, Any]:
        return {"fault": {"code": self.code, "text": self.message}}


class AcmeWidgets(ApiTables):
    schema = """
    CREATE TABLE IF NOT EXISTS acme_widgets (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        owner TEXT NOT NULL,
        color TEXT NOT NULL
    );
    """
    tables = ("acme_widgets",)

    def add(self, owner: str, color: str) -> int:
        with self._db.transaction() as conn:
            cursor = conn.execute(
                "INSERT INTO acme_widgets (owner, color) VALUES (?, ?)", (owner, color)
            )
            assert cursor.lastrowid is not None
            return cursor.lastrowid

    def of_owner(self, owner: str) -> list[dict[str, Any]]:
        with self._db.reading() as conn:
            rows = conn.execute(
                "SELECT id, color FROM acme_widgets WHERE owner = ? ORDER BY id", (owner,)
            ).fetchall()
        return [dict(row) for row in rows]

    def recolor(self, widget_id: str, color: str) -> bool:
        with self._db.transaction() as conn:
            cursor = conn.execute(
                "UPDATE acme_widgets SET color = ? WHERE id = ?", (color, widget_id)
            )
            return cursor.rowcount > 0


FLAGS = ApiFlags("acme")


@dataclass(frozen=True)
class AcmeConfig(ApiConfig):
    keys: tuple[str, ...] = field(default=("acme-key",), repr=False)
    reseller: AcmeResellerSettings = field(default_factory=AcmeResellerSettings)

    summary = "Acme Widgets (/v2/widgets...)"
    env_help = ("EMULATOR_ACME_KEYS (comma separated), EMULATOR_ACME_SEATS",)
    control_help = ("acme/widgets/{id}/color",)

    @classmethod
    def add_arguments(cls, parser: argparse.ArgumentParser) -> None:
        FLAGS.add_keys(parser, cls().keys, reseller="an Acme")
        FLAGS.add_count(parser, "seats", cls().reseller.seats, "widgets per Acme reseller")

    @classmethod
    def from_command_line(cls, source: SettingSource) -> AcmeConfig:
        seats = FLAGS.count(source, "seats", cls().reseller.seats)
        return cls(keys=FLAGS.keys(source, cls().keys), reseller=AcmeResellerSettings(seats))


def serve_acme(
    config: AcmeConfig, database: Database, resellers: ResellerAccounts[AcmeResellerSettings]
) -> ApiServer:
    widgets = AcmeWidgets(database)
    routes = APIRouter(prefix="/v2/widgets")

    def reseller_of(request: Request) -> Reseller[AcmeResellerSettings]:
        found = resellers.find(request.headers.get("x-acme-key", ""))
        if found is None:
            raise AcmeError(401, "Who are you?", code="NO_KEY")
        return found

    @routes.get("")
    async def list_widgets(request: Request) -> JSONResponse:
        return JSONResponse(widgets.of_owner(reseller_of(request).owner))

    @routes.post("")
    async def add_widget(request: Request) -> JSONResponse:
        reseller = reseller_of(request)
        color = str((await json_body(request, AcmeError)).get("color", "red"))
        if len(widgets.of_owner(reseller.owner)) >= reseller.settings.seats:
            raise AcmeError(409, "No seats left.", code="SEATS")
        return JSONResponse({"id": widgets.add(reseller.owner, color)}, status_code=201)

    control = APIRouter()

    @control.put("/widgets/{widget_id}/color")
    async def recolor(request: Request, widget_id: str) -> JSONResponse:
        color = str((await json_body(request, ControlError)).get("color"))
        if not widgets.recolor(widget_id, color):
            raise ControlError(404, "No such widget.")
        return JSONResponse({"id": widget_id, "color": color})

    return ApiServer(routes=routes, control_routes=control, on_reset=(widgets.clear,))


ACME = EmulatedApi(name="acme", error_type=AcmeError, config_type=AcmeConfig, build=serve_acme)
APIS = (*REGISTERED_APIS, ACME)

# --- the tests --------------------------------------------------------------------------------

ACME_KEY = {"X-Acme-Key": "acme-key"}


@pytest.fixture
def app() -> Iterator[FastAPI]:
    config = EmulatorConfig(apis={"acme": AcmeConfig(reseller=AcmeResellerSettings(seats=2))})
    state = EmulatorState.open(config, APIS)
    try:
        yield create_app(state=state)
    finally:
        state.close()


def call(app: FastAPI, method: str, path: str, **kwargs: Any) -> httpx.Response:
    async def send() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        # A loopback host: the control API answers no other (control_guard.py).
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
            return await client.request(method, path, **kwargs)

    return asyncio.run(send())


def test_it_serves_its_routes_with_its_reseller_settings(app: FastAPI) -> None:
    assert call(app, "POST", "/v2/widgets", json={"color": "blue"}, headers=ACME_KEY).json() == {
        "id": 1
    }
    assert call(app, "POST", "/v2/widgets", headers=ACME_KEY).status_code == 201
    full = call(app, "POST", "/v2/widgets", headers=ACME_KEY)
    assert full.status_code == 409
    assert full.json() == {"fault": {"code": "SEATS", "text": "No seats left."}}
    listed = call(app, "GET", "/v2/widgets", headers=ACME_KEY).json()
    assert listed == [{"id": 1, "color": "blue"}, {"id": 2, "color": "red"}]
    assert call(app, "GET", "/v2/widgets").json() == {
        "fault": {"code": "NO_KEY", "text": "Who are you?"}
    }
    # The registered APIs are untouched.
    mailbux = call(app, "GET", "/api/user/tenants", headers={"X-Api-Key": "mailbux-local-key"})
    assert mailbux.json() == {"success": True, "data": []}


def test_its_unknown_routes_and_faults_answer_in_its_shape_and_are_counted(app: FastAPI) -> None:
    missing = call(app, "GET", "/v2/widgets/nothing/here")
    assert missing.status_code == 404
    assert missing.json() == {"fault": {"code": "NOT_FOUND", "text": "Not Found"}}
    fault = {"method": "POST", "path": "/v2/widgets", "status": 503}
    assert call(app, "POST", "/_emulator/faults", json=fault).status_code == 201
    faulted = call(app, "POST", "/v2/widgets", headers=ACME_KEY)
    assert faulted.status_code == 503
    assert faulted.json() == {
        "fault": {"code": "INJECTED_FAULT", "text": "Injected fault (HTTP 503)."}
    }
    # Its server owns /v2/: an unknown path there is its request too, in the plain shape.
    assert call(app, "GET", "/v2/other").json() == {"message": "Not Found"}
    assert call(app, "GET", "/_emulator/health").status_code == 200
    assert call(app, "GET", "/_emulator/counters").json()["routes"] == {
        "GET <unmatched>": {"total": 2, "by_status": {"404": 2}},
        "POST /v2/widgets": {"total": 1, "by_status": {"503": 1}},
    }


def test_the_control_api_reaches_it(app: FastAPI) -> None:
    body = {"api": "acme", "api_key": "second-key", "seats": 5}
    answer = call(app, "PUT", "/_emulator/resellers", json=body).json()
    assert (answer["api"], answer["seats"]) == ("acme", 5)
    wrong = call(app, "PUT", "/_emulator/resellers", json={"api": "other", "api_key": "k"})
    assert wrong.json()["errors"]["api"] == [
        "The api must be 'mailbux' or 'easymailarchive' or 'acme'."
    ]
    rotate = {"api": "acme", "old_key": "acme-key", "new_key": "rotated-key"}
    assert call(app, "POST", "/_emulator/resellers/rotate-key", json=rotate).status_code == 200
    assert call(app, "GET", "/v2/widgets", headers=ACME_KEY).status_code == 401
    rotated = {"X-Acme-Key": "rotated-key"}
    assert call(app, "POST", "/v2/widgets", headers=rotated).json() == {"id": 1}
    recolored = call(app, "PUT", "/_emulator/acme/widgets/1/color", json={"color": "green"})
    assert recolored.json() == {"id": "1", "color": "green"}
    assert call(app, "PUT", "/_emulator/acme/widgets/9/color", json={}).status_code == 404

    call(app, "POST", "/_emulator/reset")

    assert call(app, "GET", "/v2/widgets", headers=ACME_KEY).json() == []  # key and table back
    assert call(app, "GET", "/v2/widgets", headers=rotated).status_code == 401


def test_its_flags_join_the_command_line() -> None:
    config = parse_config(["--acme-seats", "4", "--acme-key", "k1"], environ={}, apis=APIS)
    assert config.apis["acme"] == AcmeConfig(keys=("k1",), reseller=AcmeResellerSettings(4))
    from_env = parse_config([], environ={"EMULATOR_ACME_SEATS": "7"}, apis=APIS)
    assert from_env.apis["acme"] == AcmeConfig(reseller=AcmeResellerSettings(7))
    help_text = build_parser(APIS).format_help()
    for word in ("--acme-seats", "EMULATOR_ACME_SEATS", "acme/widgets/{id}/color", "--mailbux-key"):
        assert word in help_text
    description = "the Mailbux (/api/user/...), Easy Mail Archive (/api/reseller/tenants...) and"
    assert description in " ".join(help_text.split())


def test_settings_must_name_a_registered_api_and_fit_it() -> None:
    with pytest.raises(ValueError, match="unknown APIs: acme"):
        EmulatorState.open(EmulatorConfig(apis={"acme": AcmeConfig()}), REGISTERED_APIS)
    with pytest.raises(TypeError, match="expected AcmeConfig"):
        EmulatorState.open(EmulatorConfig(apis={"acme": object()}), APIS)
