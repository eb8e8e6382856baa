"""HttpClient and its pacing window: every slot is settled at its answer, a 429's Retry-After
holds everyone sharing the window, and the Redis setting is read, checked and kept secret."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from pulumi_resellertenant.core.pacing._pacing import Window
from pulumi_resellertenant.core.pacing._pacing_stores import MemoryStore
from pulumi_resellertenant.core.pacing._ratelimit import RateLimiter
from pulumi_resellertenant.core.transport._deadline import Deadline
from pulumi_resellertenant.core.transport._errors import (
    ConfigurationError,
    DeadlineExceededError,
    RateLimitedError,
    TransportError,
)
from pulumi_resellertenant.core.transport._http import HttpClient
from pulumi_resellertenant.core.transport._settings import ApiSettings, load_settings
from pulumi_resellertenant.easymailarchive.client import EASYMAILARCHIVE
from pulumi_resellertenant.mailbux.client import MAILBUX
from support.fake_clock import FakeClock

BASE = "https://api.test.invalid"
KEY = "pacing-http-key-1234567890"

Handler = Callable[[httpx.Request], httpx.Response]


class Paced:
    """Clients sharing one limiter on one fake clock; the transport answers after `latency`."""

    def __init__(self, limit: int, handler: Handler, latency: float = 0.0) -> None:
        self.clock = FakeClock()
        self.store = MemoryStore(self.clock)
        self.limiter = RateLimiter(
            limit, 60.0, store=self.store, clock=self.clock, sleep=self.clock.sleep
        )
        self.sent: list[float] = []

        def answer(request: httpx.Request) -> httpx.Response:
            self.sent.append(self.clock.now)
            self.clock.now += latency
            return handler(request)

        self.transport = httpx.MockTransport(answer)

    def client(self, **settings: object) -> HttpClient:
        values: dict[str, object] = {
            "spec": EASYMAILARCHIVE,
            "base_url": BASE,
            "api_key": KEY,
            "requests_per_minute": 0,
        }
        return HttpClient(
            ApiSettings(**(values | settings)),  # type: ignore[arg-type]
            transport=self.transport,
            limiter=self.limiter,
            sleep=self.clock.sleep,
            clock=self.clock,
            rand=lambda: 0.0,
        )

    def window(self) -> Window:
        return self.store.update(lambda w, now: Window(list(w.done), dict(w.pending), w.hold_until))


def test_each_slot_is_settled_at_its_answer() -> None:
    paced = Paced(2, lambda r: httpx.Response(200, json={}), latency=0.4)
    client = paced.client()
    client.request("GET", "/a")
    client.request("GET", "/b")
    window = paced.window()
    assert window.pending == {}
    assert window.done == [1000.4, 1000.8]  # answer times, not send times
    client.request("GET", "/c")  # a window after the first answer
    assert paced.sent == [1000.0, 1000.4, 1060.4]


def test_a_failed_attempt_settles_its_slot_too() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    paced = Paced(5, refuse)
    with pytest.raises(TransportError):
        paced.client(max_attempts=2).request("GET", "/a")
    assert paced.window().pending == {}
    assert len(paced.window().done) == 2


def test_retry_after_holds_every_client_sharing_the_window() -> None:
    answers = iter(
        [httpx.Response(429, headers={"Retry-After": "7"}, json={"message": "slow down"})]
    )

    def handler(request: httpx.Request) -> httpx.Response:
        return next(answers, httpx.Response(200, json={}))

    paced = Paced(100, handler)
    first, second = paced.client(), paced.client()
    with pytest.raises(RateLimitedError):
        first.request("GET", "/a", deadline=Deadline(3.0, clock=paced.clock))
    assert paced.window().hold_until == 1007.0
    # Another client (another thread or process) of the key waits for the same moment.
    second.request("GET", "/b")
    assert paced.sent == [1000.0, 1007.0]


def test_a_429_without_retry_after_holds_nobody() -> None:
    paced = Paced(100, lambda r: httpx.Response(429, json={"message": "slow down"}))
    with pytest.raises(RateLimitedError):
        paced.client(max_attempts=1).request("GET", "/a")
    assert paced.window().hold_until == 0.0


def test_a_deadline_that_passed_during_the_wait_gives_the_slot_back() -> None:
    paced = Paced(1, lambda r: httpx.Response(200, json={}))
    client = paced.client()
    client.request("GET", "/a")
    deadline = Deadline(60.0, clock=paced.clock)
    paced.clock.sleep = lambda s: setattr(paced.clock, "now", paced.clock.now + s + 1)  # type: ignore[method-assign]
    with pytest.raises(DeadlineExceededError):
        client.request("GET", "/b", deadline=deadline)
    assert paced.window().pending == {}
    assert paced.sent == [1000.0]


def test_an_unreachable_redis_fails_the_request_before_it_is_sent(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("RESELLERTENANT_PACING_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    sent: list[httpx.Request] = []
    settings = load_settings(
        MAILBUX,
        None,
        {
            "MAILBUX_API_KEY": KEY,
            "MAILBUX_BASE_URL": "https://redis-down.test.invalid",
            "MAILBUX_REDIS_URL": "redis://:pw-secret-123@127.0.0.1:1/0",
        },
    )
    transport = httpx.MockTransport(lambda r: sent.append(r) or httpx.Response(200, json={}))
    with (
        HttpClient(settings, transport=transport) as client,
        pytest.raises(TransportError, match=r"mailbux:redisUrl") as caught,
    ):
        client.request("GET", "/api/user/tenants")
    assert caught.value.request_sent is False
    assert "pw-secret-123" not in str(caught.value)
    assert sent == []


def test_a_redis_url_without_the_client_installed_is_a_configuration_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "redis", None)
    settings = ApiSettings(
        spec=MAILBUX,
        base_url="https://no-redis-client.test.invalid",
        api_key=KEY,
        requests_per_minute=60,
        redis_url="redis://127.0.0.1:6379/0",  # type: ignore[arg-type]
    )
    with pytest.raises(ConfigurationError, match=r"mailbux:redisUrl.*\[redis\]"):
        HttpClient(settings)


# --- the setting ---------------------------------------------------------------------------


def test_redis_url_comes_from_stack_config_then_the_environment() -> None:
    env = {"MAILBUX_API_KEY": KEY, "MAILBUX_REDIS_URL": "redis://env-host:6379/0"}
    from_env = load_settings(MAILBUX, None, env).redis_url
    assert from_env is not None
    assert from_env.get_secret_value() == "redis://env-host:6379/0"
    config = {"mailbux:redisUrl": "rediss://:pw@config-host:6380/1"}
    from_config = load_settings(MAILBUX, config.get, env).redis_url
    assert from_config is not None
    assert from_config.get_secret_value() == "rediss://:pw@config-host:6380/1"
    assert load_settings(MAILBUX, None, {"MAILBUX_API_KEY": KEY}).redis_url is None
    assert load_settings(EASYMAILARCHIVE, None, {"EASYMAILARCHIVE_API_KEY": KEY}).redis_url is None


def test_redis_url_is_secret_in_reprs() -> None:
    env = {"MAILBUX_API_KEY": KEY, "MAILBUX_REDIS_URL": "redis://:pw-in-url@host:6379/0"}
    settings = load_settings(MAILBUX, None, env)
    assert "pw-in-url" not in repr(settings)
    assert "pw-in-url" not in str(settings.account)


@pytest.mark.parametrize(
    "url",
    [
        "http://:pw-bad@host:6379",
        "redis://:pw-bad@",
        "redis://:pw-bad@:6379/0",
        "unix://:pw-bad@",
        "pw-bad-host:6379",
    ],
)
def test_an_invalid_redis_url_names_the_key_and_never_shows_the_url(url: str) -> None:
    env = {"MAILBUX_API_KEY": KEY, "MAILBUX_REDIS_URL": url}
    with pytest.raises(ConfigurationError, match="MAILBUX_REDIS_URL") as caught:
        load_settings(MAILBUX, None, env)
    assert "pw-bad" not in str(caught.value)


def test_unix_socket_redis_urls_are_accepted() -> None:
    env = {"MAILBUX_API_KEY": KEY, "MAILBUX_REDIS_URL": "unix:///run/redis/redis.sock"}
    assert load_settings(MAILBUX, None, env).redis_url is not None
