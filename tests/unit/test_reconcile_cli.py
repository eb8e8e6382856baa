"""What reconcile reads (stack exports and configs through the CLI, each account listed once)
and the command's exit codes and output, with a canned `pulumi` and a mock API."""

from __future__ import annotations

import argparse
import io
import json
import os
import stat
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from pulumi_resellertenant.__main__ import main as package_main
from pulumi_resellertenant.core import (
    ApiSettings,
    ConfigurationError,
    PulumiCli,
    ResellerTenantError,
)
from pulumi_resellertenant.core.transport._clients import ClientCache
from pulumi_resellertenant.core.transport._errors import AuthenticationError, TransportError
from pulumi_resellertenant.reconcile import cli
from pulumi_resellertenant.reconcile.account import AccountTenant
from pulumi_resellertenant.reconcile.gather import gather

MBX_KEY = "mbx-reconcile-key-1234567890"
EMA_KEY = "ema-reconcile-key-0987654321"
MAILBUX_TYPE = "pulumi-python:dynamic/mailbux:Tenant"
EMA_TYPE = "pulumi-python:dynamic/easymailarchive:Tenant"


def export(stack: str, tenants: Mapping[str, str] = {}, pending: int = 0) -> str:
    """A stack export with Mailbux tenants {name: id} and `pending` interrupted creates."""
    resources = [
        {"urn": f"urn:pulumi:{stack}::shop::{MAILBUX_TYPE}::{name}", "type": MAILBUX_TYPE, "id": i}
        for name, i in tenants.items()
    ]
    operations = [
        {
            "type": "creating",
            "resource": {
                "urn": f"urn:pulumi:{stack}::shop::{MAILBUX_TYPE}::new{n}",
                "type": MAILBUX_TYPE,
                "inputs": {"quota_gb": 3},
            },
        }
        for n in range(pending)
    ]
    return json.dumps(
        {"version": 3, "deployment": {"resources": resources, "pending_operations": operations}}
    )


def config(**values: str) -> str:
    return json.dumps({key.replace("_", ":"): {"value": v} for key, v in values.items()})


MAILBUX_CONFIG = {"mailbux_apiKey": MBX_KEY, "mailbux_baseUrl": "https://mailbux.test"}


@dataclass(frozen=True)
class CannedCli(PulumiCli):
    """A `pulumi` that answers from a table, and notes what it was asked."""

    answers: Mapping[str, str] = field(default_factory=dict)
    asked: list[str] = field(default_factory=list)

    def run(self, *args: str) -> str:
        line = " ".join(args)
        self.asked.append(line)
        return self.answers[line]


@dataclass
class Listing:
    tenants: list[AccountTenant]
    calls: list[ApiSettings] = field(default_factory=list)

    def __call__(self, settings: ApiSettings) -> list[AccountTenant]:
        self.calls.append(settings)
        return self.tenants


def answers(stacks: Mapping[str, tuple[str, str]], **more: str) -> dict[str, str]:
    table = {f"stack export --stack {s}": e for s, (e, _) in stacks.items()}
    table |= {f"config --json --show-secrets --stack {s}": c for s, (_, c) in stacks.items()}
    return table | more


def test_stacks_of_one_account_share_one_listing_and_unused_apis_are_skipped() -> None:
    canned = CannedCli(
        answers=answers(
            {
                "dev": (export("dev", {"m": "1"}), config(**MAILBUX_CONFIG)),
                "prod": (
                    export("prod", {"m": "2"}),
                    config(mailbux_baseUrl="https://mailbux.test"),
                ),
            }
        )
    )
    listing = Listing([AccountTenant("mailbux", "1", "u1"), AccountTenant("mailbux", "2", "u2")])

    gathered = gather(
        canned,
        ["dev", "prod"],
        {"MAILBUX_API_KEY": MBX_KEY},  # prod's key comes from the environment
        {"mailbux": listing, "easymailarchive": Listing([])},
    )

    [account] = gathered.accounts
    assert (account.api, account.base_url, account.stacks) == (
        "mailbux",
        "https://mailbux.test",
        ("dev", "prod"),
    )
    assert len(listing.calls) == 1
    assert gathered.locks == gathered.since == {}
    assert not any(line.startswith(("whoami", "stack history")) for line in canned.asked)


def test_a_stack_with_tenants_but_no_key_is_a_settings_error_naming_the_stack() -> None:
    canned = CannedCli(answers=answers({"dev": (export("dev", {"m": "1"}), config())}))

    with pytest.raises(ConfigurationError) as caught:
        gather(canned, ["dev"], {}, {"mailbux": Listing([]), "easymailarchive": Listing([])})

    assert str(caught.value).startswith(
        "stack dev: Mailbux API key is not set: run `pulumi config set --secret mailbux:apiKey"
    )


def test_a_configured_key_with_a_bad_setting_is_an_error_even_without_tenants() -> None:
    canned = CannedCli(
        answers=answers(
            {
                "dev": (
                    export("dev"),
                    config(mailbux_apiKey=MBX_KEY, mailbux_baseUrl="http://x.example"),
                )
            }
        )
    )

    with pytest.raises(ConfigurationError, match="stack dev: invalid Mailbux settings") as caught:
        gather(canned, ["dev"], {}, {"mailbux": Listing([]), "easymailarchive": Listing([])})
    assert MBX_KEY not in str(caught.value)


def test_pending_creates_read_the_lock_and_the_last_completed_update(tmp_path: Path) -> None:
    lock_dir = tmp_path / ".pulumi" / "locks" / "organization" / "shop" / "dev"
    lock_dir.mkdir(parents=True)
    (lock_dir / "l.json").write_text(json.dumps({"pid": 1, "hostname": "h", "timestamp": "t"}))
    history = [{"kind": "update", "endTime": "2026-01-01T10:00:00.000Z"}]
    canned = CannedCli(
        answers=answers(
            {"dev": (export("dev", pending=1), config(**MAILBUX_CONFIG))},
            **{
                "whoami --json": json.dumps({"url": tmp_path.as_uri()}),
                "stack history --json --page-size 1 --stack dev": json.dumps(history),
            },
        )
    )

    gathered = gather(canned, ["dev"], {}, {"mailbux": Listing([]), "easymailarchive": Listing([])})

    assert gathered.locks["dev"].locked is True
    assert gathered.locks["dev"].detail == "locked by pid 1 on h since t"
    since = gathered.since["dev"]
    assert since is not None
    assert since.isoformat() == "2026-01-01T10:00:00+00:00"


@pytest.mark.parametrize(
    ("error", "hint"),
    [
        (
            AuthenticationError("401 refused", api="Mailbux", method="GET", path="/t", status=401),
            ": check mailbux:apiKey",
        ),
        (
            TransportError("refused", api="Mailbux", method="GET", path="/t", request_sent=False),
            ": check mailbux:baseUrl and the network",
        ),
    ],
)
def test_a_failed_listing_names_the_account_stack_and_the_setting(
    error: Exception, hint: str
) -> None:
    canned = CannedCli(answers=answers({"dev": (export("dev"), config(**MAILBUX_CONFIG))}))

    def refuse(settings: ApiSettings) -> list[AccountTenant]:
        raise error

    with pytest.raises(ResellerTenantError, match="cannot list the tenants") as caught:
        gather(canned, ["dev"], {}, {"mailbux": refuse, "easymailarchive": Listing([])})

    message = str(caught.value)
    assert message.startswith("cannot list the tenants of the Mailbux account https://mailbux.test")
    assert "(stack dev)" in message
    assert message.endswith(hint)
    assert MBX_KEY not in message


# --- the command --------------------------------------------------------------------------

FAKE = """#!{python}
import json, os, sys
here = os.path.dirname(os.path.abspath(__file__))
line = " ".join(a for a in sys.argv[1:] if a != "--non-interactive")
answer = json.load(open(os.path.join(here, "answers.json"))).get(line)
if answer is None:
    sys.exit("error: unexpected command " + line)
sys.stdout.write(answer)
"""


def fake_pulumi(directory: Path, table: Mapping[str, str]) -> dict[str, str]:
    """A `pulumi` answering from `table`; returns an environment with it first on PATH."""
    directory.mkdir(parents=True, exist_ok=True)
    script = directory / "pulumi"
    script.write_text(FAKE.format(python=sys.executable))
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    (directory / "answers.json").write_text(json.dumps(table))
    return {"PATH": f"{directory}{os.pathsep}{os.environ.get('PATH', '')}"}


@pytest.fixture
def mailbux_api(monkeypatch: pytest.MonkeyPatch) -> Callable[[list[dict[str, Any]]], None]:
    """Every client answers the Mailbux tenant list given."""

    def serve(tenants: list[dict[str, Any]]) -> None:
        def answer(request: httpx.Request) -> httpx.Response:
            assert request.url.path == "/api/user/tenants"
            return httpx.Response(200, json={"success": True, "data": tenants})

        monkeypatch.setattr(
            "pulumi_resellertenant.core.transport._api_client.shared_clients",
            ClientCache(transport=httpx.MockTransport(answer)),
        )

    return serve


def run(argv: list[str], env: Mapping[str, str]) -> tuple[int, str, str]:
    parser = cli.configure(argparse.ArgumentParser())
    out, err = io.StringIO(), io.StringIO()
    code = cli.run(parser.parse_args(argv), stdout=out, stderr=err, environ=env)
    return code, out.getvalue(), err.getvalue()


TENANT_1 = {"id": 1, "tenant_username": "u1", "quota_gb": 5, "status": "active"}
TENANT_2 = {"id": 2, "tenant_username": "u2", "quota_gb": 3, "status": "active"}


def test_an_orphan_exits_1_with_its_line_and_a_match_exits_0(
    tmp_path: Path, mailbux_api: Callable[[list[dict[str, Any]]], None]
) -> None:
    env = fake_pulumi(
        tmp_path / "bin",
        answers(
            {"dev": (export("dev", {"m": "1"}), config(**MAILBUX_CONFIG))},
            **{"stack ls --json": json.dumps([{"name": "dev", "current": True}])},
        ),
    )
    mailbux_api([TENANT_1, TENANT_2])

    code, out, err = run(["--cwd", str(tmp_path)], env)

    assert (code, err) == (1, "")
    assert '    mailbux.Tenant("u2", quota_gb=3, adopt_tenant_id="2")\n' in out
    assert out.endswith("Action needed: 1 orphan(s).\n")
    assert MBX_KEY not in out

    code, out, _ = run(["--stack", "dev", "--cwd", str(tmp_path), "--json"], env)
    assert code == 1
    assert [o["id"] for o in json.loads(out)["orphans"]] == ["2"]

    mailbux_api([TENANT_1])
    code, out, _ = run(["--stack", "dev", "--cwd", str(tmp_path)], env)
    assert code == 0
    assert "Everything matches" in out


def test_errors_exit_2_with_one_line_and_json_says_so_too(tmp_path: Path) -> None:
    env = fake_pulumi(
        tmp_path / "bin",
        answers(
            {"dev": (export("dev"), config())},
            **{"stack ls --json": "[]"},
        ),
    )

    assert run(["--cwd", str(tmp_path)], env) == (
        2,
        "",
        "reconcile: the project has no stacks: pass --stack NAME (and --cwd DIR for another "
        "project directory)\n",
    )
    code, out, err = run(["--stack", "dev", "--cwd", str(tmp_path), "--json"], env)
    assert code == 2
    assert err.startswith("reconcile: no account to compare: stack dev holds no tenants")
    assert json.loads(out)["error"] == err.removeprefix("reconcile: ").strip()
    code, _, err = run(["--stack", "nope", "--cwd", str(tmp_path)], env)
    assert code == 2
    assert err == (
        f"reconcile: `pulumi stack export --stack nope` in {tmp_path} failed: "
        "error: unexpected command stack export --stack nope\n"
    )
    assert run(["--cwd", str(tmp_path / "absent")], env)[0] == 2


def test_the_package_dispatches_reconcile(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    mailbux_api: Callable[[list[dict[str, Any]]], None],
) -> None:
    env = fake_pulumi(
        tmp_path / "bin", answers({"dev": (export("dev", {"m": "1"}), config(**MAILBUX_CONFIG))})
    )
    monkeypatch.setenv("PATH", env["PATH"])
    mailbux_api([TENANT_1])

    assert package_main(["reconcile", "--stack", "dev", "--cwd", str(tmp_path)]) == 0
    assert "Everything matches" in capsys.readouterr().out
    with pytest.raises(SystemExit) as usage:
        package_main([])
    assert usage.value.code == 2
