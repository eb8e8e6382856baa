"""HttpClient over httpx.MockTransport, with a fake clock: auth, decoding, retries, the
deadline, and the promise that the API key never reaches a log record or an error."""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable, Iterable
from typing import Any

import httpx
import pytest

from pulumi_resellertenant.core.pacing._ratelimit import RateLimiter
from pulumi_resellertenant.core.transport._deadline import Deadline
from pulumi_resellertenant.core.transport._errors import (
    ApiError,
    AuthenticationError,
    ConflictError,
    DeadlineExceededError,
    InvalidRequestError,
    NotFoundError,
    PermissionDeniedError,
    RequestTimeoutError,
    ServerError,
    TransportError,
    UnexpectedResponseError,
)
from pulumi_resellertenant.core.transport._http import REDACTED, HttpClient
from pulumi_resellertenant.core.transport._settings import ApiSettings, ApiSpec
from pulumi_resellertenant.easymailarchive.client import EASYMAILARCHIVE
from pulumi_resellertenant.mailbux.client import MAILBUX
from support.fake_clock import FakeClock

MBX_KEY = "mbx-secret-key-1234567890"
EMA_KEY = "ema-secret-key-0987654321"
BASE = "https://api.test.invalid"

Step = httpx.Response | type[httpx.HTTPError] | Callable[[httpx.Request], httpx.Response]


class Api:
    """An HttpClient whose transport plays a script of answers (the last one repeats) and
    records the requests."""

    def __init__(
        self,
        script: Iterable[Step],
        *,
        spec: ApiSpec = MAILBUX,
        key: str = MBX_KEY,
        limiter: RateLimiter | None = None,
        **settings: Any,
    ) -> None:
        self.script = list(script)
        self.requests: list[httpx.Request] = []
        self.clock = FakeClock()
        self.settings = ApiSettings(
            spec=spec,
            base_url=BASE,
            api_key=key,
            requests_per_minute=0,
            **settings,
        )
        self.client = HttpClient(
            self.settings,
            transport=httpx.MockTransport(self._handle),
            sleep=self.clock.sleep,
            clock=self.clock,
            rand=lambda: 0.5,
            limiter=limiter,
        )

    def _handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        step = self.script.pop(0) if len(self.script) > 1 else self.script[0]
        if isinstance(step, type):
            raise step(f"{step.__name__} from the mock", request=request)
        if isinstance(step, httpx.Response):
            return step
        return step(request)

    def request(self, method: str, path: str = "/api/thing", **kwargs: Any) -> Any:
        return self.client.request(method, path, **kwargs)

    def fails(self, method: str, path: str = "/api/thing", **kwargs: Any) -> ApiError:
        with pytest.raises(ApiError) as info:
            self.request(method, path, **kwargs)
        return info.value


def ok(body: Any = None, status: int = 200) -> httpx.Response:
    return httpx.Response(status, json=body)


def fail(status: int, body: Any = None, **headers: str) -> httpx.Response:
    return httpx.Response(status, json=body, headers=headers)


# --- what goes out -------------------------------------------------------------------------


def test_mailbux_sends_its_key_in_x_api_key() -> None:
    api = Api([ok([])])
    api.request("GET", "/api/user/tenants")
    sent = api.requests[0]
    assert sent.headers["X-Api-Key"] == MBX_KEY
    assert "Authorization" not in sent.headers
    assert sent.headers["Accept"] == "application/json"
    assert sent.headers["User-Agent"].startswith("pulumi-resellertenant/")
    assert str(sent.url) == f"{BASE}/api/user/tenants"


def test_easymailarchive_sends_a_bearer_token() -> None:
    api = Api([ok({"data": []})], spec=EASYMAILARCHIVE, key=EMA_KEY)
    api.request("GET", "/api/reseller/tenants", params={"page": 2})
    sent = api.requests[0]
    assert sent.headers["Authorization"] == f"Bearer {EMA_KEY}"
    assert "X-Api-Key" not in sent.headers
    assert sent.url.params["page"] == "2"


def test_json_body_is_sent() -> None:
    api = Api([ok({"id": 1}, 201)])
    assert api.request("POST", json={"quota_gb": 5}) == {"id": 1}
    assert api.requests[0].headers["Content-Type"] == "application/json"
    assert api.requests[0].read() == b'{"quota_gb":5}'


def test_auth_repr_hides_the_key() -> None:
    api = Api([ok()])
    assert MBX_KEY not in repr(api.client._http.auth)
    assert REDACTED in repr(api.client._http.auth)


# --- what comes back -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("response", "decoded"),
    [
        (ok({"data": {"slug": "acme"}}), {"data": {"slug": "acme"}}),
        (ok([1, 2]), [1, 2]),
        (httpx.Response(204), None),
        (httpx.Response(200, content=b"  \n"), None),
    ],
)
def test_success_is_decoded(response: httpx.Response, decoded: Any) -> None:
    assert Api([response]).request("GET") == decoded


def test_non_json_success_is_an_unexpected_response() -> None:
    error = Api([httpx.Response(200, text="<html>hello</html>")]).fails("GET")
    assert type(error) is UnexpectedResponseError
    assert error.status == 200
    # A success body is never quoted (it may hold a password): its shape is.
    assert "<html>hello</html>" not in error.message
    assert "not JSON (18 bytes of text/plain)" in error.message


def test_redirect_is_not_followed() -> None:
    api = Api([httpx.Response(302, headers={"Location": "https://elsewhere.invalid/steal"})])
    error = api.fails("GET")
    assert type(error) is UnexpectedResponseError
    assert error.status == 302
    assert len(api.requests) == 1


def test_unreadable_content_encoding_is_an_api_error() -> None:
    # httpx raises DecodingError, which is no httpx.TransportError: it must not escape raw.
    # The 200 came first: the API did the POST, whatever the body (never sent again).
    garbled = httpx.Response(
        200, headers={"Content-Encoding": "gzip"}, stream=httpx.ByteStream(b"not gzip")
    )
    api = Api([garbled])
    error = api.fails("POST", json={"quota_gb": 1})
    assert isinstance(error, UnexpectedResponseError)
    assert "cut off (DecodingError)" in error.message
    assert error.committed is True
    assert error.outcome_unknown is True
    assert len(api.requests) == 1


# --- retries -------------------------------------------------------------------------------


def test_503_on_get_is_retried_then_succeeds() -> None:
    api = Api([fail(503), fail(503), ok({"data": []})])
    assert api.request("GET") == {"data": []}
    assert len(api.requests) == 3
    assert api.clock.sleeps == [0.25, 0.5]  # full-jitter backoff at rand 0.5


def test_500_on_post_is_not_retried_and_outcome_is_unknown() -> None:
    api = Api([fail(500, {"message": "boom"})])
    error = api.fails("POST", json={"quota_gb": 5})
    assert isinstance(error, ServerError)
    assert error.outcome_unknown is True
    assert "may have been applied" in str(error)
    assert len(api.requests) == 1


def test_post_declared_idempotent_is_retried() -> None:
    api = Api([fail(502), ok({"ok": True})])
    assert api.request("POST", "/api/user/tenants/7/suspend", idempotent=True) == {"ok": True}
    assert len(api.requests) == 2


def test_connect_error_on_post_is_retried() -> None:
    api = Api([httpx.ConnectError, ok({"id": 3}, 201)])
    assert api.request("POST", json={"quota_gb": 5}) == {"id": 3}
    assert len(api.requests) == 2


def test_connect_errors_until_max_attempts() -> None:
    api = Api([httpx.ConnectError])
    error = api.fails("POST")
    assert type(error) is TransportError
    assert error.request_sent is False
    assert error.outcome_unknown is False
    assert len(api.requests) == 4


@pytest.mark.parametrize(
    ("exc", "expected"),
    [
        (httpx.ReadTimeout, RequestTimeoutError),
        (httpx.WriteTimeout, RequestTimeoutError),
        (httpx.RemoteProtocolError, TransportError),
        (httpx.ReadError, TransportError),
    ],
)
def test_post_that_may_have_been_sent_is_not_retried(
    exc: type[httpx.HTTPError], expected: type[ApiError]
) -> None:
    api = Api([exc])
    error = api.fails("POST", json={"quota_gb": 5})
    assert type(error) is expected
    assert error.outcome_unknown is True
    assert error.request_sent is True  # type: ignore[attr-defined]
    assert exc.__name__ in error.message
    assert len(api.requests) == 1


def test_read_timeout_on_get_is_retried() -> None:
    api = Api([httpx.ReadTimeout, ok([])])
    assert api.request("GET") == []
    assert len(api.requests) == 2


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (400, InvalidRequestError),
        (401, AuthenticationError),
        (403, PermissionDeniedError),
        (404, NotFoundError),
        (409, ConflictError),
        (422, InvalidRequestError),
    ],
)
@pytest.mark.parametrize("method", ["GET", "POST", "PUT"])
def test_business_errors_are_not_retried(
    status: int, expected: type[ApiError], method: str
) -> None:
    api = Api([fail(status, {"message": "no"}), ok()])
    error = api.fails(method)
    assert type(error) is expected
    assert error.status == status
    assert error.outcome_unknown is False  # the API answered: nothing was applied
    assert len(api.requests) == 1
    assert api.clock.sleeps == []


@pytest.mark.parametrize("max_attempts", [1, 2, 5])
def test_max_attempts_is_honoured(max_attempts: int) -> None:
    api = Api([fail(503)], max_attempts=max_attempts)
    error = api.fails("GET")
    assert isinstance(error, ServerError)
    assert error.outcome_unknown is False
    assert len(api.requests) == max_attempts
    assert len(api.clock.sleeps) == max_attempts - 1


# --- the deadline --------------------------------------------------------------------------


def test_retry_that_would_pass_the_deadline_fails_at_once() -> None:
    api = Api([fail(503, {}, **{"Retry-After": "30"}), ok()], operation_timeout=10)
    error = api.fails("GET")
    assert isinstance(error, ServerError)
    assert len(api.requests) == 1
    assert api.clock.sleeps == []


def test_backoff_counts_against_the_deadline() -> None:
    def slow_503(request: httpx.Request) -> httpx.Response:
        api.clock.now += 0.9  # each answer takes most of the remaining time
        return fail(503)

    api = Api([slow_503], operation_timeout=1)
    assert isinstance(api.fails("GET"), ServerError)
    assert len(api.requests) == 1


def test_timeout_after_the_deadline_is_deadline_exceeded() -> None:
    def hang(request: httpx.Request) -> httpx.Response:
        api.clock.now += 20
        raise httpx.ReadTimeout("timed out", request=request)

    api = Api([hang], operation_timeout=15)
    error = api.fails("GET")
    assert type(error) is DeadlineExceededError
    assert "15 s" in error.message


def test_a_shared_deadline_spans_calls() -> None:
    api = Api([ok([])])
    deadline = Deadline(5, clock=api.clock)
    api.clock.now += 6
    error = api.fails("GET", deadline=deadline)
    assert type(error) is DeadlineExceededError
    assert api.requests == []


def test_each_request_gets_timeouts_bounded_by_the_deadline() -> None:
    api = Api([ok([])], connect_timeout=4, read_timeout=25, operation_timeout=10)
    api.request("GET")
    timeout = api.requests[0].extensions["timeout"]
    assert timeout == {"connect": 4, "read": 10, "write": 10, "pool": 4}


def test_rate_limit_wait_beyond_the_deadline_raises() -> None:
    clock_for_limiter = FakeClock()
    limiter = RateLimiter(1, 60.0, clock=clock_for_limiter, sleep=clock_for_limiter.sleep)
    assert limiter.acquire() is not None  # the only slot of the next minute is gone
    assert clock_for_limiter.sleeps == []
    api = Api([ok()], limiter=limiter, operation_timeout=10)
    error = api.fails("POST")
    assert type(error) is DeadlineExceededError
    assert error.request_sent is False
    assert "rate limit" in error.message
    assert api.requests == []


def test_rate_limit_wait_within_the_deadline_is_slept() -> None:
    clock = FakeClock()
    limiter = RateLimiter(1, 0.5, clock=clock, sleep=clock.sleep)  # one request per 0.5 s
    api = Api([ok([])], limiter=limiter)
    api.request("GET")
    api.request("GET")
    assert clock.sleeps == [0.5]
    assert len(api.requests) == 2


def test_clients_of_one_key_share_the_default_limiter() -> None:
    """With pacing on (the default), every client of one base URL and key draws from one
    process-wide limiter, so the threads of a deployment pace together."""
    settings = ApiSettings(
        spec=EASYMAILARCHIVE, base_url=BASE, api_key="shared-limiter-key-000", requests_per_minute=2
    )
    transport = httpx.MockTransport(lambda request: httpx.Response(200, json={}))
    with (
        HttpClient(settings, transport=transport) as first,
        HttpClient(settings, transport=transport) as second,
    ):
        first.request("GET", "/a")
        second.request("GET", "/b")  # the limit's two requests in this minute are now used
        with pytest.raises(DeadlineExceededError, match="rate limit"):
            first.request("GET", "/c", deadline=Deadline(5.0))
    other_key = ApiSettings(
        spec=EASYMAILARCHIVE, base_url=BASE, api_key="another-limiter-key-00", requests_per_minute=2
    )
    with HttpClient(other_key, transport=transport) as third:
        assert third.request("GET", "/a") == {}  # another key, another window


# --- redaction -----------------------------------------------------------------------------


def _raise_with_key(key: str) -> Callable[[httpx.Request], httpx.Response]:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError(f"refused, key was {key}", request=request)

    return handler


def _scenarios(key: str) -> list[tuple[str, list[Step]]]:
    return [
        ("GET", [ok({"data": []})]),
        ("GET", [fail(503), fail(502, {"message": f"upstream saw {key}"}), ok([])]),
        ("POST", [fail(429, {}, **{"Retry-After": "1"}), ok({"id": 1}, 201)]),
        ("GET", [fail(401, {"message": f"bad key {key}"})]),
        ("GET", [fail(401, {"message": f"bad key Bearer {key}"})]),
        ("POST", [fail(422, {"message": "no", "errors": {"key": [f"{key} is revoked"]}})]),
        ("POST", [httpx.Response(500, text=f"<pre>X-Api-Key: {key}</pre>")]),
        ("GET", [httpx.Response(200, text=f"oops {key}")]),
        ("GET", [httpx.Response(200, text="x" * 190 + key)]),  # the key across a cut
        ("POST", [_raise_with_key(key)]),
        ("GET", [_raise_with_key(key)]),
        ("POST", [httpx.ReadTimeout]),
        ("GET", [httpx.ConnectError, httpx.RemoteProtocolError, httpx.ReadTimeout]),
    ]


@pytest.mark.parametrize(("spec", "key"), [(MAILBUX, MBX_KEY), (EASYMAILARCHIVE, EMA_KEY)])
def test_the_key_never_reaches_logs_or_errors(
    spec: ApiSpec, key: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    errors: list[ApiError] = []
    for method, script in _scenarios(key):
        api = Api(script, spec=spec, key=key)
        try:
            api.request(method, "/api/tenants")
        except ApiError as exc:
            errors.append(exc)
        # The key did go out, in its header: redaction is not a matter of never using it.
        assert any(key in value for value in api.requests[0].headers.values())

    assert len(errors) == 10
    assert len(caplog.records) >= 13
    leaks = [r.getMessage() for r in caplog.records if key in r.getMessage()]
    assert leaks == []
    partial = key[:8]
    for error in errors:
        texts = [
            str(error),
            repr(error),
            repr(error.args),
            error.message,
            repr(getattr(error, "field_errors", None)),
            "".join(traceback.format_exception(error)),
        ]
        assert not any(partial in text for text in texts), texts


@pytest.mark.parametrize(("spec", "key"), [(MAILBUX, MBX_KEY), (EASYMAILARCHIVE, EMA_KEY)])
def test_an_echoed_key_shows_as_redacted(spec: ApiSpec, key: str) -> None:
    error = Api([fail(401, {"message": f"bad key {key}"})], spec=spec, key=key).fails("GET")
    assert isinstance(error, AuthenticationError)
    assert error.message == f"bad key {REDACTED}"
    assert REDACTED in str(error)

    error = Api([_raise_with_key(key)], spec=spec, key=key).fails("GET")
    assert REDACTED in str(error)
