"""A stack's config through the `pulumi` CLI (a fake one here): settings for the plain
functions and reconcile outside a program, config before the environment, keys never shown."""

from __future__ import annotations

import json
import os
import stat
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import httpx
import pytest

from pulumi_resellertenant import easymailarchive, mailbux
from pulumi_resellertenant.core import (
    ConfigurationError,
    PulumiCli,
    PulumiCliError,
    StackConfig,
)
from pulumi_resellertenant.core.faces._stack_config import parse_config_json
from pulumi_resellertenant.core.transport._clients import ClientCache
from pulumi_resellertenant.mailbux.client import MAILBUX

KEY = "mbx-config-key-1234567890"
ENV_KEY = "mbx-env-key-0987654321"
EMA_KEY = "ema-config-key-5555555555"

FAKE = """#!{python}
import json, os, sys, time
here = os.path.dirname(os.path.abspath(__file__))
args = sys.argv[1:]
with open(os.path.join(here, "calls.log"), "a") as log:
    log.write(json.dumps({{"args": args, "cwd": os.getcwd()}}) + "\\n")
with open(os.path.join(here, "answers.json")) as answers:
    answer = json.load(answers).get(" ".join(a for a in args if a != "--non-interactive"))
if answer is None:
    sys.stderr.write("error: unexpected command\\n")
    sys.exit(1)
time.sleep(answer.get("sleep", 0))
sys.stdout.write(answer.get("stdout", ""))
sys.stderr.write(answer.get("stderr", ""))
sys.exit(answer.get("rc", 0))
"""


def fake_pulumi(directory: Path, answers: Mapping[str, Mapping[str, Any]]) -> Path:
    """A `pulumi` in `directory` that answers each argument line from `answers` and logs
    each call to `calls.log`; returns the directory (for PATH)."""
    directory.mkdir(parents=True, exist_ok=True)
    script = directory / "pulumi"
    script.write_text(FAKE.format(python=sys.executable))
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    (directory / "answers.json").write_text(json.dumps(answers))
    return directory


def calls(directory: Path) -> list[dict[str, Any]]:
    log = directory / "calls.log"
    return [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []


def config_answer(values: Mapping[str, str], secret: tuple[str, ...] = ()) -> dict[str, Any]:
    entries = {k: {"value": v, "secret": k in secret} for k, v in values.items()}
    return {"stdout": json.dumps(entries)}


def path_env(directory: Path, **extra: str) -> dict[str, str]:
    return {"PATH": f"{directory}{os.pathsep}{os.environ.get('PATH', '')}", **extra}


def test_the_cli_runs_non_interactive_in_the_project_and_returns_stdout(tmp_path: Path) -> None:
    bin_dir = fake_pulumi(tmp_path / "bin", {"stack ls --json": {"stdout": "[]"}})
    project = tmp_path / "project"
    project.mkdir()

    out = PulumiCli(project, environ=path_env(bin_dir)).run("stack", "ls", "--json")

    assert out == "[]"
    [call] = calls(bin_dir)
    assert call == {"args": ["--non-interactive", "stack", "ls", "--json"], "cwd": str(project)}


def test_a_failing_command_quotes_its_error_line_and_never_its_output(tmp_path: Path) -> None:
    bin_dir = fake_pulumi(
        tmp_path / "bin",
        {
            "config --json --show-secrets --stack dev": {
                "stdout": json.dumps({"mailbux:apiKey": {"value": KEY}}),
                "stderr": "warning: something\nerror: incorrect passphrase\nmore detail\n",
                "rc": 255,
            }
        },
    )

    with pytest.raises(PulumiCliError) as caught:
        StackConfig.read("dev", cli=PulumiCli(tmp_path, environ=path_env(bin_dir)))

    assert str(caught.value) == (
        f"`pulumi config --json --show-secrets --stack dev` in {tmp_path} failed: "
        "error: incorrect passphrase"
    )
    assert isinstance(caught.value, ConfigurationError)


def test_no_cli_a_hanging_cli_and_a_wrong_directory_are_one_line_each(tmp_path: Path) -> None:
    bin_dir = fake_pulumi(tmp_path / "bin", {"whoami": {"sleep": 5}})

    with pytest.raises(PulumiCliError, match=r"the `no-such-pulumi` CLI was not found: install"):
        PulumiCli(executable="no-such-pulumi").run("whoami")
    with pytest.raises(PulumiCliError, match=r"`pulumi whoami` did not finish within 0.3 s"):
        PulumiCli(environ=path_env(bin_dir), timeout=0.3).run("whoami")
    a_file = tmp_path / "file"
    a_file.write_text("")
    with pytest.raises(PulumiCliError, match="is not a directory"):
        PulumiCli(a_file, environ=path_env(bin_dir)).run("whoami")


def test_config_json_gives_each_full_key_its_value() -> None:
    text = json.dumps(
        {
            "mailbux:apiKey": {"value": KEY, "secret": True},
            "mailbux:baseUrl": {"value": "https://m.example", "secret": False},
            "app:tiers": {"value": '{"a":1}', "objectValue": {"a": 1}, "secret": False},
            "app:unset": {"secret": False},
        }
    )
    assert parse_config_json(text) == {
        "mailbux:apiKey": KEY,
        "mailbux:baseUrl": "https://m.example",
        "app:tiers": {"a": 1},
    }
    with pytest.raises(PulumiCliError, match="not JSON"):
        parse_config_json("Enter your passphrase")
    with pytest.raises(PulumiCliError, match="no JSON object"):
        parse_config_json("[]")


def test_a_stack_config_reads_its_stack_and_keeps_values_out_of_its_repr(tmp_path: Path) -> None:
    bin_dir = fake_pulumi(
        tmp_path / "bin",
        {
            "config --json --show-secrets --stack prod": config_answer(
                {"mailbux:apiKey": KEY}, secret=("mailbux:apiKey",)
            ),
            "config --json --show-secrets": config_answer({"mailbux:apiKey": ENV_KEY}),
        },
    )
    cli = PulumiCli(tmp_path, environ=path_env(bin_dir))

    prod = StackConfig.read("prod", cli=cli)
    selected = StackConfig.read(cli=cli)

    assert prod.get("mailbux:apiKey") == KEY
    assert prod.get("mailbux:baseUrl") is None
    assert selected.get("mailbux:apiKey") == ENV_KEY
    assert KEY not in repr(prod)


def test_settings_for_a_stack_take_its_config_first_then_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bin_dir = fake_pulumi(
        tmp_path / "bin",
        {
            "config --json --show-secrets --stack dev": config_answer(
                {"mailbux:apiKey": KEY, "mailbux:readTimeout": "7"}
            ),
            "config --json --show-secrets --stack bare": config_answer({}),
        },
    )
    monkeypatch.setenv("PATH", path_env(bin_dir)["PATH"])
    env = {"MAILBUX_API_KEY": ENV_KEY, "MAILBUX_BASE_URL": "https://env.example"}

    settings = StackConfig.of("dev", tmp_path).settings(MAILBUX, env)

    assert settings.api_key.get_secret_value() == KEY
    assert settings.read_timeout == 7.0
    assert settings.base_url == "https://env.example"
    with pytest.raises(ConfigurationError) as caught:
        StackConfig.of("bare", tmp_path).settings(MAILBUX, {})
    assert str(caught.value).startswith("stack bare: Mailbux API key is not set: run ")
    assert "MAILBUX_API_KEY" in str(caught.value)


def test_settings_without_a_stack_outside_a_program_come_from_the_environment() -> None:
    settings = StackConfig.of().settings(MAILBUX, {"MAILBUX_API_KEY": ENV_KEY})
    assert settings.api_key.get_secret_value() == ENV_KEY


# --- the plain functions with stack= -----------------------------------------------------------


def test_the_functions_read_a_stacks_config_outside_a_program(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bin_dir = fake_pulumi(
        tmp_path / "bin",
        {
            "config --json --show-secrets --stack dev": config_answer(
                {
                    "mailbux:apiKey": KEY,
                    "mailbux:baseUrl": "https://mailbux.test",
                    "easymailarchive:apiKey": EMA_KEY,
                    "easymailarchive:baseUrl": "https://ema.test",
                }
            )
        },
    )
    monkeypatch.setenv("PATH", path_env(bin_dir)["PATH"])
    monkeypatch.setenv("MAILBUX_API_KEY", ENV_KEY)
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.url.host == "mailbux.test":
            tenant = {"id": 4, "tenant_username": "u4", "quota_gb": 2}
            return httpx.Response(200, json={"success": True, "data": [tenant]})
        usage = {"slug": "acme", "users_count": 3, "storage_bytes": 10, "messages_count": 5}
        return httpx.Response(200, json={"data": usage})

    monkeypatch.setattr(
        "pulumi_resellertenant.core.transport._api_client.shared_clients",
        ClientCache(transport=httpx.MockTransport(answer)),
    )

    [tenant] = mailbux.list_tenants(stack="dev", cwd=tmp_path)
    usage = easymailarchive.get_tenant_usage("acme", stack="dev", cwd=str(tmp_path))

    assert (tenant.id, tenant.quota_gb) == ("4", 2)
    assert usage.users_count == 3
    assert seen[0].headers["X-Api-Key"] == KEY  # the stack's, not the environment's
    assert seen[1].headers["Authorization"] == f"Bearer {EMA_KEY}"
    assert [c["args"][-1] for c in calls(bin_dir)] == ["dev", "dev"]
    assert {c["cwd"] for c in calls(bin_dir)} == {str(tmp_path)}
