"""A third reseller API, "Parcelbox", made only from the core's extension points: a spec
(with an error code of its own), a client, Args and State, a lifecycle with its appliers,
and the dynamic provider. Its server is an in-memory fake behind httpx's MockTransport.

One in-place input (``seats``: PATCH), one that replaces (``code``), and suspend/resume.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Annotated, Any, ClassVar

import httpx

from pulumi_resellertenant.core import (
    ApiClient,
    ApiSpec,
    Applier,
    Created,
    Deadline,
    Input,
    InvalidRequestError,
    NotFoundError,
    TenantArgs,
    TenantLifecycle,
    TenantProvider,
    TenantState,
    non_empty_text,
    positive_whole_number,
)


class SeatLimitError(InvalidRequestError):
    fix = "Buy more Parcelbox seats or lower seats"


PARCELBOX = ApiSpec(
    namespace="parcelbox",
    display_name="Parcelbox",
    default_base_url="https://api.parcelbox.test",
    auth_header="Authorization",
    auth_scheme="Bearer",
    requests_per_minute=0,
    error_codes={"SEAT_LIMIT": SeatLimitError},
)


class ParcelboxClient(ApiClient):
    spec = PARCELBOX

    def create(self, code: str, seats: int, deadline: Deadline) -> dict[str, Any]:
        payload = {"code": code, "seats": seats}
        return dict(self._request("POST", "/boxes", payload=payload, deadline=deadline))

    def show(self, box_id: str, deadline: Deadline) -> dict[str, Any]:
        return dict(self._request("GET", f"/boxes/{box_id}", deadline=deadline))

    def set_seats(self, box_id: str, seats: int, deadline: Deadline) -> dict[str, Any]:
        payload = {"seats": seats}
        return dict(self._request("PATCH", f"/boxes/{box_id}", payload=payload, deadline=deadline))

    def action(self, box_id: str, action: str, deadline: Deadline) -> dict[str, Any]:
        return dict(self._request("POST", f"/boxes/{box_id}/{action}", deadline=deadline))

    def delete(self, box_id: str, deadline: Deadline) -> None:
        self._request("DELETE", f"/boxes/{box_id}", deadline=deadline)


class BoxArgs(TenantArgs):
    code: Annotated[str, Input(non_empty_text, example="acme", replaces=True)]
    seats: Annotated[int, Input(positive_whole_number, example=10)] = 1


class BoxState(TenantState, BoxArgs):
    id_field: ClassVar[str] = "box_id"

    box_id: str
    status: str = "active"


class BoxLifecycle(TenantLifecycle[BoxArgs, BoxState, ParcelboxClient]):
    def appliers(self) -> Mapping[str, Applier[ParcelboxClient, BoxState, BoxArgs]]:
        return {"seats": self._apply_seats, "suspended": self._apply_suspension}

    def create_tenant(
        self, args: BoxArgs, client: ParcelboxClient, deadline: Deadline
    ) -> Created[BoxState]:
        return Created(_state(client.create(args.code, args.seats, deadline), args))

    def find(
        self, id_: str, old: BoxState, client: ParcelboxClient, deadline: Deadline
    ) -> BoxState | None:
        try:
            return _state(client.show(id_, deadline), old)
        except NotFoundError:
            return None

    def delete_tenant(
        self, id_: str, state: BoxState, client: ParcelboxClient, deadline: Deadline
    ) -> None:
        client.delete(id_, deadline)

    def _apply_seats(
        self, client: ParcelboxClient, state: BoxState, args: BoxArgs, deadline: Deadline
    ) -> BoxState:
        return _state(client.set_seats(state.box_id, args.seats, deadline), state)

    def _apply_suspension(
        self, client: ParcelboxClient, state: BoxState, args: BoxArgs, deadline: Deadline
    ) -> BoxState:
        action = "suspend" if args.suspended else "resume"
        return _state(client.action(state.box_id, action, deadline), state)


def _state(box: Mapping[str, Any], recorded: TenantArgs) -> BoxState:
    return BoxState.model_validate(
        {
            **dict(recorded),
            "box_id": str(box["id"]),
            "code": box["code"],
            "seats": box["seats"],
            "status": box["status"],
            "suspended": box["status"] == "suspended",
        }
    )


class ParcelboxProvider(TenantProvider):
    lifecycle = BoxLifecycle()


class FakeParcelbox:
    """The Parcelbox API in memory; ``fail`` maps "METHOD /path" to a status to answer."""

    def __init__(self) -> None:
        self.boxes: dict[str, dict[str, Any]] = {}
        self.requests: list[str] = []
        self.fail: dict[str, int] = {}
        self.seat_limit = 100

    def __call__(self, request: httpx.Request) -> httpx.Response:
        call = f"{request.method} {request.url.path}"
        self.requests.append(call)
        if call in self.fail:
            return httpx.Response(self.fail[call], json={"message": "injected"})
        parts = request.url.path.strip("/").split("/")
        body = json.loads(request.content) if request.content else {}
        if request.method == "POST" and parts == ["boxes"]:
            box_id = str(len(self.boxes) + 1)
            self.boxes[box_id] = {"id": box_id, "status": "active", **body}
            return httpx.Response(201, json={"data": self.boxes[box_id]})
        box = self.boxes.get(parts[1]) if len(parts) > 1 else None
        if box is None:
            return httpx.Response(404, json={"message": "no such box"})
        if request.method == "PATCH":
            if body["seats"] > self.seat_limit:
                return httpx.Response(422, json={"code": "SEAT_LIMIT", "message": "too many"})
            box["seats"] = body["seats"]
        elif request.method == "POST":
            box["status"] = "suspended" if parts[2] == "suspend" else "active"
        elif request.method == "DELETE":
            del self.boxes[parts[1]]
            return httpx.Response(204)
        return httpx.Response(200, json={"data": box})
