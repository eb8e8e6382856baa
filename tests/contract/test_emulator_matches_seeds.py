"""The emulator answers the seed documents' example requests with the documented status and
exactly the documented fields, so the clients' tests against it test the documented API."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from support.emulator_handle import EmulatorHandle

EXAMPLES = json.loads((Path(__file__).parent / "fixtures" / "seed_examples.json").read_text())


def send(emu: EmulatorHandle, example: dict[str, Any], headers: dict[str, str]) -> httpx.Response:
    request = example["request"]
    return httpx.request(
        request["method"],
        emu.url + request["path"],
        json=request["body"],
        headers={**headers, "Accept": "application/json"},
    )


def shape(value: Any) -> Any:
    """The field names at every level, and the JSON type of every leaf."""
    if isinstance(value, dict):
        return {key: shape(item) for key, item in value.items()}
    if isinstance(value, list):
        return [shape(item) for item in value]
    return type(value).__name__


@pytest.mark.parametrize("example", EXAMPLES["easymailarchive"], ids=lambda e: e["name"])
def test_easymailarchive_example(emu: EmulatorHandle, example: dict[str, Any]) -> None:
    if example["name"] != "create a tenant":
        # Every example but the create one acts on the documented tenant: make it exist.
        create = EXAMPLES["easymailarchive"][1]
        assert send(emu, create, emu.ema_headers()).status_code == 201
        emu.set_usage("acme-corp", users_count=25, storage_bytes=5368709120, messages_count=142857)

    answer = send(emu, example, emu.ema_headers())

    documented = example["response"]
    assert answer.status_code == documented["status"]
    assert shape(answer.json()) == shape(documented["body"])


def test_mailbux_create_example(emu: EmulatorHandle) -> None:
    [example] = EXAMPLES["mailbux"]
    answer = send(emu, example, emu.mailbux_headers())
    documented = example["response"]
    assert answer.status_code == documented["status"]
    assert shape(answer.json()) == shape(documented["body"])
    assert answer.json()["data"]["quota_gb"] == 5
