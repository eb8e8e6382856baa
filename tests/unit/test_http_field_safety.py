"""What real APIs do that their documents do not say, at the HTTP client: JSON amid noise,
keys echoed back escaped, answers that drip or never end, and proxies in the environment.
Each test here failed before the client learned it."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator

import httpx
import pytest
from test_http import MBX_KEY, Api

from pulumi_resellertenant.core.transport._answer_body import decode_json
from pulumi_resellertenant.core.transport._errors import (
    InvalidRequestError,
    UnexpectedResponseError,
)
from pulumi_resellertenant.core.transport._http import REDACTED

PASSWORD = "Pw-one-time-9f8e7d"
CREATED = {"success": True, "data": {"tenant_username": "u1", "tenant_password": PASSWORD}}
PHP_NOTICE = "<br />\n<b>Deprecated</b>: Creation of dynamic property in x.php on line 9<br />\n"


# --- a success answer is a commit; its body is never quoted --------------------------------


@pytest.mark.parametrize(
    "body",
    [
        PHP_NOTICE + json.dumps(CREATED),
        json.dumps(CREATED) + "\n<!-- cached 0.02s -->",
        PHP_NOTICE + json.dumps(CREATED) + "\n<!-- cached -->",
        json.dumps(CREATED).replace("/", "\\/"),
    ],
    ids=["notice-before", "comment-after", "both", "escaped-slashes"],
)
def test_json_amid_noise_in_a_success_answer_is_read(body: str) -> None:
    api = Api([httpx.Response(201, text=body)])
    assert api.request("POST", json={"quota_gb": 5}) == CREATED
    assert len(api.requests) == 1


def test_an_unreadable_success_answer_is_committed_and_never_quoted() -> None:
    # A body cut in the middle of the JSON: the password is in it, and must not be shown.
    cut = PHP_NOTICE + json.dumps(CREATED)[:-20]
    api = Api([httpx.Response(201, text=cut, headers={"Content-Type": "text/html"})])
    error = api.fails("POST", json={"quota_gb": 5})
    assert isinstance(error, UnexpectedResponseError)
    assert (error.committed, error.outcome_unknown, error.status) == (True, True, 201)
    assert PASSWORD[:8] not in str(error)
    assert "Deprecated" not in str(error)
    assert f"not JSON ({len(cut.encode())} bytes of text/html)" in error.message
    assert "do not repeat it" in str(error)
    assert len(api.requests) == 1  # never sent again


def test_decode_json_takes_the_first_object_and_gives_up_on_none() -> None:
    assert decode_json(b'notice {"a": {"b": 1}} trailer {"c": 2}') == {"a": {"b": 1}}
    assert decode_json(b"[1, 2]") == [1, 2]
    with pytest.raises(ValueError, match="no JSON object"):
        decode_json(b"<html>{not json}</html>")


# --- keys are redacted after decoding ------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        {"message": f"key {MBX_KEY} is not valid"},
        {"message": "bad key"},  # the escaped forms below go in as raw text
        {"errors": {MBX_KEY: ["unknown field"]}},
        {"error": {"code": "BAD_KEY", "message": f"rejected {MBX_KEY}"}},
    ],
)
def test_an_echoed_key_is_redacted_in_every_field(body: dict[str, object]) -> None:
    api = Api([httpx.Response(422, json=body)])
    error = api.fails("POST", json={})
    assert MBX_KEY not in str(error)
    assert MBX_KEY not in repr(getattr(error, "field_errors", ""))


@pytest.mark.parametrize(
    "escape",
    [
        lambda key: key.replace("-", "\\u002d"),  # every hyphen as a unicode escape
        lambda key: "".join(f"\\u{ord(c):04x}" for c in key),  # every character
    ],
    ids=["some-escaped", "all-escaped"],
)
def test_a_key_echoed_json_escaped_is_redacted_once_decoded(escape: Callable[[str], str]) -> None:
    escaped = escape(MBX_KEY)
    raw = f'{{"message": "key {escaped} refused", "errors": {{"{escaped}": ["bad"]}}}}'
    api = Api([httpx.Response(401, text=raw, headers={"Content-Type": "application/json"})])
    error = api.fails("GET")
    assert MBX_KEY not in str(error)
    assert REDACTED in str(error)
    assert MBX_KEY not in json.dumps(getattr(error, "field_errors", {}))


def test_a_key_echoed_with_escaped_slashes_is_redacted() -> None:
    key = "ab12/cd34/ef56-secret-key"
    raw = json.dumps({"message": f"no such key {key}"}).replace("/", "\\/")
    api = Api([httpx.Response(401, text=raw)], key=key)
    error = api.fails("GET")
    assert key not in str(error)
    assert "ab12\\/cd34" not in str(error)


def test_ten_thousand_field_errors_make_a_short_one_line_message() -> None:
    errors = {f"field_{i}\n": [f"bad\x1b[31m {i}"] for i in range(10_000)}
    api = Api([httpx.Response(422, json={"message": "Invalid.", "errors": errors})])
    error = api.fails("POST", json={})
    assert isinstance(error, InvalidRequestError)
    assert len(str(error)) < 1000
    assert "\n" not in str(error)
    assert "\x1b" not in str(error)
    assert len(error.field_errors) <= 10


# --- every answer is bounded in size and time -----------------------------------------------


class Drip(httpx.SyncByteStream):
    """A body that arrives a byte at a time, each byte a second later (on the fake clock)."""

    def __init__(self, api: Api, total: int) -> None:
        self.api = api
        self.total = total
        self.sent = 0

    def __iter__(self) -> Iterator[bytes]:
        while self.sent < self.total:
            self.api.clock.sleep(1.0)
            self.sent += 1
            yield b" "


def test_an_answer_that_drips_fails_at_the_operation_deadline() -> None:
    api = Api([], operation_timeout=3.0)
    drip = Drip(api, total=10_000)
    api.script = [httpx.Response(200, stream=drip)]
    error = api.fails("GET")
    assert isinstance(error, UnexpectedResponseError)
    assert "still arriving at the operation deadline of 3 s" in error.message
    assert drip.sent <= 4  # stopped at the deadline, not after 10,000 s
    assert len(api.requests) == 1


class Endless(httpx.SyncByteStream):
    def __init__(self) -> None:
        self.sent = 0

    def __iter__(self) -> Iterator[bytes]:
        while True:
            self.sent += 65_536
            yield b" " * 65_536


def test_an_answer_past_the_size_limit_stops_being_read() -> None:
    endless = Endless()
    api = Api([httpx.Response(200, stream=endless)], max_answer_bytes=1_000_000)
    error = api.fails("GET")
    assert "larger than maxAnswerBytes" in error.message
    assert endless.sent <= 1_000_000 + 65_536


def test_a_declared_length_past_the_limit_is_refused_before_reading() -> None:
    endless = Endless()
    big = httpx.Response(200, stream=endless, headers={"Content-Length": "400000000"})
    api = Api([big], max_answer_bytes=1_000_000)
    error = api.fails("GET")
    assert "(400000000 bytes read or declared)" in error.message
    assert endless.sent == 0


def test_an_error_answer_is_read_only_as_far_as_a_message_needs() -> None:
    endless = Endless()
    api = Api([httpx.Response(500, stream=endless)], max_attempts=1)
    api.fails("GET")
    assert endless.sent <= 2 * 65_536
