"""Settings: stack config > environment > defaults, safe base URLs, and a hidden key."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from pulumi_resellertenant.core.transport._errors import ConfigurationError
from pulumi_resellertenant.core.transport._settings import (
    ApiSettings,
    check_base_url,
    env_var,
    load_settings,
)
from pulumi_resellertenant.easymailarchive.client import EASYMAILARCHIVE
from pulumi_resellertenant.mailbux.client import MAILBUX

KEY = "mbx-secret-key-1234567890"


def config(mapping: Mapping[str, Any]) -> Any:
    return lambda key: mapping.get(key)


def load(cfg: Mapping[str, Any] | None = None, env: Mapping[str, str] | None = None) -> ApiSettings:
    return load_settings(MAILBUX, config(cfg or {}), env or {})


# (setting, config key, env var, config value, env value, expected from config, from env, default)
KNOBS = [
    (
        "base_url",
        "baseUrl",
        "MAILBUX_BASE_URL",
        "https://config.example/",
        "https://env.example",
        "https://config.example",
        "https://env.example",
        "https://mailbux.com",
    ),
    ("connect_timeout", "connectTimeout", "MAILBUX_CONNECT_TIMEOUT", 2.5, "3", 2.5, 3.0, 5.0),
    ("read_timeout", "readTimeout", "MAILBUX_READ_TIMEOUT", "11", "12", 11.0, 12.0, 30.0),
    (
        "operation_timeout",
        "operationTimeout",
        "MAILBUX_OPERATION_TIMEOUT",
        "60",
        "90",
        60.0,
        90.0,
        300.0,
    ),
    ("max_attempts", "maxAttempts", "MAILBUX_MAX_ATTEMPTS", "2", "7", 2, 7, 4),
    (
        "requests_per_minute",
        "requestsPerMinute",
        "MAILBUX_REQUESTS_PER_MINUTE",
        "30",
        "45",
        30,
        45,
        120,
    ),
]


@pytest.mark.parametrize(
    ("field", "key", "env_name", "cfg_value", "env_value", "from_cfg", "from_env", "default"),
    KNOBS,
    ids=[k[0] for k in KNOBS],
)
def test_precedence_for_every_knob(
    field: str,
    key: str,
    env_name: str,
    cfg_value: Any,
    env_value: str,
    from_cfg: Any,
    from_env: Any,
    default: Any,
) -> None:
    cfg = {"mailbux:apiKey": KEY, f"mailbux:{key}": cfg_value}
    env = {env_name: env_value}
    assert env_var(MAILBUX, key) == env_name
    assert getattr(load(cfg, env), field) == from_cfg
    assert getattr(load({"mailbux:apiKey": KEY}, env), field) == from_env
    assert getattr(load({"mailbux:apiKey": KEY}), field) == default


def test_api_key_precedence() -> None:
    env = {"MAILBUX_API_KEY": "from-env"}
    assert load({"mailbux:apiKey": "from-config"}, env).api_key.get_secret_value() == "from-config"
    assert load({}, env).api_key.get_secret_value() == "from-env"


def test_empty_config_value_falls_back_to_the_environment() -> None:
    cfg = {"mailbux:apiKey": "", "mailbux:maxAttempts": ""}
    settings = load(cfg, {"MAILBUX_API_KEY": "from-env", "MAILBUX_MAX_ATTEMPTS": "3"})
    assert settings.api_key.get_secret_value() == "from-env"
    assert settings.max_attempts == 3


def test_empty_environment_value_counts_as_unset() -> None:
    settings = load({"mailbux:apiKey": KEY}, {"MAILBUX_BASE_URL": ""})
    assert settings.base_url == "https://mailbux.com"


@pytest.mark.parametrize(
    ("key", "env_name"),
    [
        ("apiKey", "EASYMAILARCHIVE_API_KEY"),
        ("baseUrl", "EASYMAILARCHIVE_BASE_URL"),
        ("requestsPerMinute", "EASYMAILARCHIVE_REQUESTS_PER_MINUTE"),
        ("operationTimeout", "EASYMAILARCHIVE_OPERATION_TIMEOUT"),
    ],
)
def test_env_names(key: str, env_name: str) -> None:
    assert env_var(EASYMAILARCHIVE, key) == env_name


def test_each_api_reads_its_own_namespace() -> None:
    cfg = {"mailbux:apiKey": "mailbux-key", "easymailarchive:apiKey": "archive-key"}
    env = {"EASYMAILARCHIVE_BASE_URL": "http://127.0.0.1:8080/"}
    settings = load_settings(EASYMAILARCHIVE, config(cfg), env)
    assert settings.api_key.get_secret_value() == "archive-key"
    assert settings.base_url == "http://127.0.0.1:8080"
    assert settings.requests_per_minute == 60
    assert settings.spec is EASYMAILARCHIVE


def test_no_config_lookup_uses_the_environment() -> None:
    settings = load_settings(EASYMAILARCHIVE, None, {"EASYMAILARCHIVE_API_KEY": "archive-key"})
    assert settings.base_url == "https://api.easymailarchive.com"


@pytest.mark.parametrize(
    ("spec", "command", "env_name"),
    [
        (MAILBUX, "pulumi config set --secret mailbux:apiKey", "MAILBUX_API_KEY"),
        (
            EASYMAILARCHIVE,
            "pulumi config set --secret easymailarchive:apiKey",
            "EASYMAILARCHIVE_API_KEY",
        ),
    ],
)
def test_missing_key_says_how_to_set_it(spec: Any, command: str, env_name: str) -> None:
    with pytest.raises(ConfigurationError) as info:
        load_settings(spec, config({}), {})
    assert command in str(info.value)
    assert env_name in str(info.value)


@pytest.mark.parametrize(
    ("cfg", "env", "where"),
    [
        ({"mailbux:maxAttempts": "zero"}, {}, "stack config mailbux:maxAttempts"),
        ({"mailbux:maxAttempts": "11"}, {}, "stack config mailbux:maxAttempts"),
        ({}, {"MAILBUX_CONNECT_TIMEOUT": "-1"}, "environment variable MAILBUX_CONNECT_TIMEOUT"),
        ({"mailbux:readTimeout": 0}, {}, "stack config mailbux:readTimeout"),
        (
            {},
            {"MAILBUX_REQUESTS_PER_MINUTE": "-1"},
            "environment variable MAILBUX_REQUESTS_PER_MINUTE",
        ),
        ({"mailbux:requestsPerMinute": "-1"}, {}, "stack config mailbux:requestsPerMinute"),
        ({"mailbux:baseUrl": "http://mailbux.com"}, {}, "stack config mailbux:baseUrl"),
        ({"mailbux:apiKey": "   "}, {}, "stack config mailbux:apiKey"),
    ],
)
def test_invalid_value_names_its_source(
    cfg: dict[str, Any], env: dict[str, str], where: str
) -> None:
    with pytest.raises(ConfigurationError) as info:
        load({"mailbux:apiKey": KEY, **cfg}, env)
    text = str(info.value)
    assert text.startswith("invalid Mailbux settings: ")
    assert where in text
    assert KEY not in text


def test_key_never_shows_in_settings_or_errors() -> None:
    settings = load({"mailbux:apiKey": KEY})
    assert settings.api_key.get_secret_value() == KEY
    for text in (repr(settings), str(settings), repr(settings.api_key), str(settings.model_dump())):
        assert KEY not in text
    with pytest.raises(ConfigurationError) as info:
        load({"mailbux:apiKey": KEY, "mailbux:baseUrl": "ftp://x", "mailbux:maxAttempts": "many"})
    assert KEY not in str(info.value)
    assert KEY not in repr(info.value)


def test_settings_are_frozen() -> None:
    settings = load({"mailbux:apiKey": KEY})
    with pytest.raises(ValueError, match="frozen"):
        settings.max_attempts = 9  # type: ignore[misc]


def test_the_same_values_read_again_give_the_same_settings_and_a_change_is_seen() -> None:
    first = load({"mailbux:apiKey": KEY})
    assert load({"mailbux:apiKey": KEY}) is first  # one validation for thousands of reads
    rotated = load({"mailbux:apiKey": "rotated-key"})
    assert rotated.api_key.get_secret_value() == "rotated-key"
    slower = load({"mailbux:apiKey": KEY}, {"MAILBUX_READ_TIMEOUT": "90"})
    assert (slower.read_timeout, first.read_timeout) == (90, 30)
    for _ in range(2):  # an invalid value raises each time: it is never kept
        with pytest.raises(ConfigurationError):
            load({"mailbux:apiKey": KEY, "mailbux:maxAttempts": "many"})


# --- base URL ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "normalised"),
    [
        ("https://api.easymailarchive.com", "https://api.easymailarchive.com"),
        ("https://mailbux.com/", "https://mailbux.com"),
        (" https://mailbux.com/api/// ", "https://mailbux.com/api"),
        ("https://10.0.0.5:8443", "https://10.0.0.5:8443"),
        ("http://localhost:8080", "http://localhost:8080"),
        ("http://LOCALHOST", "http://LOCALHOST"),
        ("http://127.0.0.1:9000/", "http://127.0.0.1:9000"),
        ("http://127.5.5.5", "http://127.5.5.5"),
        ("http://[::1]:8000", "http://[::1]:8000"),
    ],
)
def test_accepted_base_urls(url: str, normalised: str) -> None:
    assert check_base_url(url) == normalised


@pytest.mark.parametrize(
    "url",
    [
        "http://mailbux.com",
        "http://10.0.0.5",
        "http://0.0.0.0:8080",
        "http://[::2]",
        "http://localhost.evil.example",
    ],
)
def test_plain_http_to_another_host_is_refused(url: str) -> None:
    with pytest.raises(ValueError, match="send the API key in clear"):
        check_base_url(url)


@pytest.mark.parametrize(
    "url",
    [
        "http://localhost@evil.example",
        "https://user:hunter2@api.easymailarchive.com",
        "https://:hunter2@mailbux.com",
        "http://admin@127.0.0.1:8080",
    ],
)
def test_credentials_in_a_base_url_are_refused_without_quoting_it(url: str) -> None:
    with pytest.raises(ValueError, match="must not carry a user name or password") as info:
        check_base_url(url)
    assert "hunter2" not in str(info.value)
    assert url not in str(info.value)


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("ftp://mailbux.com", "not an http"),
        ("mailbux.com", "not an http"),
        ("https://", "not an http"),
        ("https:///path", "not an http"),
        ("", "not an http"),
        ("https://mailbux.com?x=1", "query or fragment"),
        ("https://mailbux.com/#top", "query or fragment"),
    ],
)
def test_malformed_base_urls_are_refused(url: str, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        check_base_url(url)
