"""The shared lifecycle, proven on a third API (tests/support/third_api.py) that uses only the
core's extension points: check, diff, create (suspended, and suspended failing), update
one request per change, refresh after drift, a gone tenant, delete of a gone tenant, and
the API's own error code with its hint."""

from __future__ import annotations

import logging

import httpx
import pytest

from pulumi_resellertenant.core.lifecycle._inputs import UNKNOWN
from pulumi_resellertenant.core.lifecycle._operation_errors import TenantOperationError
from pulumi_resellertenant.core.transport._clients import ClientCache
from support.third_api import BoxState, FakeParcelbox, ParcelboxProvider


@pytest.fixture
def api(monkeypatch: pytest.MonkeyPatch) -> FakeParcelbox:
    monkeypatch.setenv("PARCELBOX_API_KEY", "parcelbox-test-key")
    return FakeParcelbox()


@pytest.fixture
def provider(api: FakeParcelbox) -> ParcelboxProvider:
    return ParcelboxProvider(ClientCache(transport=httpx.MockTransport(api)))


def test_check_names_each_bad_field_and_lets_unknowns_pass(provider: ParcelboxProvider) -> None:
    bad = provider.check({}, {"code": "", "seats": 0.5, "suspended": "yes"})
    assert [(f.property, f.reason.split(";")[0]) for f in bad.failures] == [
        ("suspended", "suspended must be True or False, got 'yes'"),
        ("code", "code must not be empty"),
        ("seats", "seats must be a whole number, got 0.5"),
    ]
    assert provider.check({}, {"code": UNKNOWN, "seats": 2.0}).failures == []


def test_create_returns_every_output_and_the_id(
    provider: ParcelboxProvider, api: FakeParcelbox
) -> None:
    created = provider.create({"code": "acme", "seats": 3.0, "suspended": False})
    assert created.id == "1"
    assert set(created.outs) == set(BoxState.model_fields)
    assert created.outs["seats"] == 3
    assert api.requests == ["POST /boxes"]


def test_create_suspended_suspends_and_a_failed_suspend_keeps_the_tenant(
    provider: ParcelboxProvider, api: FakeParcelbox, caplog: pytest.LogCaptureFixture
) -> None:
    suspended = provider.create({"code": "one", "seats": 1, "suspended": True})
    assert suspended.outs["status"] == "suspended"
    api.fail["POST /boxes/2/suspend"] = 503
    with caplog.at_level(logging.WARNING):
        kept = provider.create({"code": "two", "seats": 1, "suspended": True})
    assert kept.id == "2"
    assert kept.outs["suspended"] is False  # recorded as it is; the next up suspends it
    assert "was created but not suspended" in caplog.text


def test_diff_updates_in_place_or_replaces(provider: ParcelboxProvider) -> None:
    outs = provider.create({"code": "acme", "seats": 1, "suspended": False}).outs
    seats = provider.diff("1", outs, {**outs, "seats": 5})
    assert (seats.changes, seats.replaces) == (True, [])
    code = provider.diff("1", outs, {**outs, "code": "other"})
    assert code.replaces == ["code"]
    assert provider.diff("1", outs, dict(outs)).changes is False


def test_update_makes_one_request_per_changed_input(
    provider: ParcelboxProvider, api: FakeParcelbox
) -> None:
    outs = provider.create({"code": "acme", "seats": 1, "suspended": False}).outs
    api.requests.clear()
    updated = provider.update("1", outs, {"code": "acme", "seats": 4, "suspended": True})
    assert api.requests == ["PATCH /boxes/1", "POST /boxes/1/suspend"]
    assert (updated.outs["seats"], updated.outs["status"]) == (4, "suspended")


def test_refresh_reads_drift_into_the_inputs_and_a_gone_tenant_is_forgotten(
    provider: ParcelboxProvider, api: FakeParcelbox
) -> None:
    outs = provider.create({"code": "acme", "seats": 1, "suspended": False}).outs
    api.boxes["1"]["seats"] = 9
    read = provider.read("1", outs)
    assert read.outs["seats"] == 9
    assert read.inputs == {"code": "acme", "seats": 9, "suspended": False}
    del api.boxes["1"]
    assert provider.read("1", outs).id == ""


def test_delete_of_a_gone_tenant_succeeds(
    provider: ParcelboxProvider, api: FakeParcelbox, caplog: pytest.LogCaptureFixture
) -> None:
    outs = provider.create({"code": "acme", "seats": 1, "suspended": False}).outs
    provider.delete("1", outs)
    with caplog.at_level(logging.WARNING):
        provider.delete("1", outs)
    assert "Parcelbox tenant 1 was already gone" in caplog.text
    assert api.boxes == {}


def test_the_apis_own_error_code_brings_its_hint(
    provider: ParcelboxProvider, api: FakeParcelbox
) -> None:
    outs = provider.create({"code": "acme", "seats": 1, "suspended": False}).outs
    api.seat_limit = 2
    with pytest.raises(TenantOperationError) as caught:
        provider.update("1", outs, {"code": "acme", "seats": 5, "suspended": False})
    assert str(caught.value) == (
        "Parcelbox: cannot update tenant 1: 422 SEAT_LIMIT: too many (PATCH /boxes/1). "
        "Buy more Parcelbox seats or lower seats"
    )
