"""The seed documents' own examples, replayed through the clients.

Each example's request is what the client must send (method, path, auth header, JSON body),
its response is what the client must read. The documents are the contract; the emulator
is checked against the same examples in test_emulator_matches_seeds.py.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

import pulumi_resellertenant.mailbux as mailbux_package
from pulumi_resellertenant.core.transport import _errors as errors
from pulumi_resellertenant.core.transport._api_client import ApiClient
from pulumi_resellertenant.core.transport._http import HttpClient
from pulumi_resellertenant.core.transport._settings import load_settings
from pulumi_resellertenant.easymailarchive import EasyMailArchiveClient
from pulumi_resellertenant.mailbux import MailbuxClient

EXAMPLES = json.loads((Path(__file__).parent / "fixtures" / "seed_examples.json").read_text())
KEY = "seed-example-key"
AUTH = {
    MailbuxClient: ("x-api-key", KEY),
    EasyMailArchiveClient: ("authorization", f"Bearer {KEY}"),
}


def replaying(
    client_cls: type[ApiClient], status: int, body: Any, headers: dict[str, str] | None = None
) -> tuple[Any, list[httpx.Request]]:
    """A client whose transport records each request and gives the same answer."""
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(status, json=body, headers=headers or {})

    prefix = client_cls.spec.namespace.upper()
    environ = {
        f"{prefix}_API_KEY": KEY,
        f"{prefix}_REQUESTS_PER_MINUTE": "0",  # no pacing: nothing real is called
        f"{prefix}_MAX_ATTEMPTS": "1",  # every answer is final, retries are tested elsewhere
    }
    settings = load_settings(client_cls.spec, environ=environ)
    http = HttpClient(settings, transport=httpx.MockTransport(handler))
    return client_cls(http), seen


def assert_request(request: httpx.Request, client_cls: type[ApiClient], expect: dict) -> None:
    assert request.method == expect["method"]
    assert request.url.path == expect["path"]
    header, value = AUTH[client_cls]
    assert request.headers[header] == value
    assert request.headers["accept"] == "application/json"
    if expect.get("body") is None:
        assert request.content == b""
    else:
        assert json.loads(request.content) == expect["body"]


def model_fields(result: Any) -> dict[str, Any]:
    dumped = result.model_dump(mode="json", exclude_none=True)
    if "tenant_password" in dumped:
        dumped["tenant_password"] = result.tenant_password.get_secret_value()
    return dumped


@pytest.mark.parametrize("example", EXAMPLES["easymailarchive"], ids=lambda e: e["name"])
def test_easymailarchive_example(example: dict) -> None:
    response = example["response"]
    client, seen = replaying(EasyMailArchiveClient, response["status"], response["body"])
    method, *args = example["call"]
    result = getattr(client, method)(*args)

    assert len(seen) == 1
    assert_request(seen[0], EasyMailArchiveClient, example["request"])
    if method == "list_tenants":
        assert seen[0].url.params["page"] == "1"
        assert [model_fields(t) for t in result] == response["body"]["data"]
    else:
        assert model_fields(result) == response["body"]["data"]


@pytest.mark.parametrize("example", EXAMPLES["mailbux"], ids=lambda e: e["name"])
def test_mailbux_example(example: dict) -> None:
    response = example["response"]
    client, seen = replaying(MailbuxClient, response["status"], response["body"])
    method, *args = example["call"]
    result = getattr(client, method)(*args)

    assert_request(seen[0], MailbuxClient, example["request"])
    assert model_fields(result) == response["body"]["data"]
    assert result.id is None  # the documented answer carries no id
    assert "a1b2c3d4e5f6" not in repr(result)  # the password stays a secret


@pytest.mark.parametrize("endpoint", EXAMPLES["mailbux_endpoints"], ids=lambda e: e["call"][0])
def test_mailbux_endpoint_paths(endpoint: dict) -> None:
    answer = {"success": True, "data": {}}
    if endpoint["call"][0] == "list_tenants":
        answer["data"] = []
    client, seen = replaying(MailbuxClient, 200, answer)
    method, *args = endpoint["call"]
    getattr(client, method)(*args)
    assert_request(seen[0], MailbuxClient, endpoint)


@pytest.mark.parametrize(
    "case", EXAMPLES["easymailarchive_errors"], ids=lambda c: f"{c['status']}-{c['error']}"
)
def test_easymailarchive_documented_errors(case: dict) -> None:
    client, _ = replaying(EasyMailArchiveClient, case["status"], case["body"], case.get("headers"))
    with pytest.raises(getattr(errors, case["error"])) as caught:
        client.get_tenant("acme-corp")
    assert type(caught.value).__name__ == case["error"]
    assert caught.value.status == case["status"]
    assert case["body"]["message"] in str(caught.value)
    if "errors" in case["body"]:
        assert caught.value.field_errors == case["body"]["errors"]
    if case["status"] == 429:
        assert caught.value.retry_after == 30


def _mailbux_error_bodies(code: str | None, message: str | None) -> list[dict]:
    """The shapes DESIGN.md says the undocumented Mailbux error body may take."""
    return [
        {"success": False, "error": {"code": code, "message": message}},
        {"success": False, "code": code, "message": message},
        {"success": False, "error": code, "message": message},
    ]


def mailbux_error_class(name: str) -> Any:
    """Mailbux's own error classes are in its package's public surface, the shared ones in
    the core's."""
    return getattr(mailbux_package, name, None) or getattr(errors, name)


@pytest.mark.parametrize("case", EXAMPLES["mailbux_errors"], ids=lambda c: c["error"])
@pytest.mark.parametrize("shape", [0, 1, 2], ids=["error-object", "top-level", "error-string"])
def test_mailbux_documented_errors(case: dict, shape: int) -> None:
    body = _mailbux_error_bodies(case["code"], case.get("message"))[shape]
    client, _ = replaying(MailbuxClient, case["status"], body)
    with pytest.raises(mailbux_error_class(case["error"])) as caught:
        client.create_tenant(5)
    assert type(caught.value).__name__ == case["error"]
    assert caught.value.code == case["code"]
    if case.get("message"):
        assert case["message"] in str(caught.value)
