"""examples/billing-hook: the Automation API behind a billing system's webhook, one stack per
customer, driven as the billing system drives it: one command per event."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from support.emulator_handle import EMA_KEY, MAILBUX_KEY, EmulatorHandle
from support.engine_steps import requests_made
from support.live_tenants import archive_tenant, mailbux_tenants
from support.pulumi_cli import EXAMPLES, PulumiWorkspace

HOOK = EXAMPLES / "billing-hook" / "billing_hook.py"
README = " ".join((EXAMPLES / "billing-hook" / "README.md").read_text().split())
EXIT_BUSY = 75
SLOW_MS = 15_000  # holds one run inside its update, so that a second one meets the lock


@dataclass(frozen=True)
class Answer:
    code: int
    json: dict[str, Any]
    stderr: str


class BillingHook:
    """Runs the hook as the billing system does: a process per event, settings from the
    environment, the answer as JSON on stdout."""

    def __init__(self, workspace: PulumiWorkspace, emu: EmulatorHandle, state: Path) -> None:
        self.env = workspace.env(
            {
                "MAILBUX_BASE_URL": emu.url,
                "MAILBUX_API_KEY": MAILBUX_KEY,
                "EASYMAILARCHIVE_BASE_URL": emu.url,
                "EASYMAILARCHIVE_API_KEY": EMA_KEY,
                "BILLING_HOOK_STATE": str(state),
            }
        )
        self.answers: list[Answer] = []

    def start(self, *args: str) -> subprocess.Popen[str]:
        return subprocess.Popen(  # noqa: S603 (this interpreter, the example's script)
            [sys.executable, str(HOOK), *args],
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def finish(self, process: subprocess.Popen[str]) -> Answer:
        stdout, stderr = process.communicate(timeout=300)
        lines = stdout.splitlines()
        assert len(lines) == 1, f"not one JSON line on stdout:\n{stdout}\n{stderr}"
        answer = Answer(process.returncode, json.loads(lines[0]), stderr)
        self.answers.append(answer)
        if answer.code == 0:
            assert answer.json["ok"] is True, answer
        else:
            assert answer.json["ok"] is False, answer
            # The reason: one line on stderr, the same as in the JSON, no traceback.
            assert answer.stderr == f"billing-hook: {answer.json['error']}\n", answer
        return answer

    def __call__(self, *args: str) -> Answer:
        return self.finish(self.start(*args))


def live_customer(emu: EmulatorHandle, answer: Answer) -> tuple[Any, ...]:
    """(quota, mail status, archive status) of the customer as the APIs hold them."""
    [mail] = [t for t in mailbux_tenants(emu) if str(t["id"]) == answer.json["mail"]["tenant_id"]]
    archive = archive_tenant(emu, answer.json["customer"])
    assert archive is not None
    return mail["quota_gb"], mail["status"], archive["status"]


def wait_for_request(emu: EmulatorHandle, route: str, timeout: float = 120) -> None:
    """Until the emulator has received a request on `route` (a synchronisation point, not
    a measure: the request is being held by an injected latency)."""
    deadline = time.monotonic() + timeout
    while emu.counters().get(route, {}).get("total", 0) == 0:
        assert time.monotonic() < deadline, f"no {route} arrived"
        time.sleep(0.2)


def test_two_customers_through_their_whole_lifecycle_one_of_them_concurrently(
    workspace: PulumiWorkspace, e2e_emulator: EmulatorHandle, tmp_path: Path
) -> None:
    state = tmp_path / "hook-state"
    hook = BillingHook(workspace, e2e_emulator, state)

    # Two sign-ups at the same moment: separate stacks, no interference.
    acme_run = hook.start("provision", "acme-corp", "--plan", "business", "--credentials")
    globex_run = hook.start("provision", "globex")
    acme, globex = hook.finish(acme_run), hook.finish(globex_run)
    first_runs = requests_made(e2e_emulator)

    assert acme.code == globex.code == 0
    assert (acme.json["plan"], acme.json["changed"]) == ("business", True)
    assert globex.json["plan"] == "starter"
    assert live_customer(e2e_emulator, acme) == (10, "active", "active")
    assert live_customer(e2e_emulator, globex) == (5, "active", "active")
    assert archive_tenant(e2e_emulator, "acme-corp")["name"] == "acme-corp"
    # Credentials only when asked for, and marked secret.
    credentials = acme.json["credentials"]
    password = credentials["password"]
    assert credentials == {
        "secret": True,
        "webmail_login": acme.json["mail"]["username"],
        "password": password,
    }
    assert "credentials" not in globex.json
    # Both customers, each a first run: a create per API, the Mailbux list before the POST
    # (what existed, should its answer be lost) and after it (the new tenant's id), and the
    # quota pool's pre-check.
    assert first_runs == {
        "POST /api/user/tenants": 2,
        "GET /api/user/tenants": 4,
        "GET /api/user/reseller/overview": 2,
        "POST /api/reseller/tenants": 2,
    }
    # What the example's README promises a new customer costs.
    documented = re.search(r"of a new customer: 2 tenants created, (\d+) API requests", README)
    assert documented is not None
    assert sum(first_runs.values()) == 2 * int(documented[1])

    # The billing system delivers the same event again: nothing changes, no request.
    e2e_emulator.reset_counters()
    again = hook("provision", "acme-corp", "--plan", "business")
    assert (again.code, again.json["changed"]) == (0, False)
    assert again.json["mail"] == acme.json["mail"]
    assert requests_made(e2e_emulator) == {}

    # acme-corp: an overdue invoice, an upgrade meanwhile, then the payment.
    suspended = hook("suspend", "acme-corp")
    assert live_customer(e2e_emulator, suspended) == (10, "suspended", "suspended")
    upgraded = hook("change-plan", "acme-corp", "--plan", "enterprise")
    # The upgrade changes the quota only: the customer stays suspended.
    assert live_customer(e2e_emulator, upgraded) == (20, "suspended", "suspended")
    assert upgraded.json["plan"] == "enterprise"
    reactivated = hook("reactivate", "acme-corp", "--credentials")
    assert live_customer(e2e_emulator, reactivated) == (20, "active", "active")
    assert reactivated.json["credentials"]["password"] == password  # kept from the create

    # globex: a change of plan held up in the API, and meanwhile a suspend of the same
    # customer. The stack lock answers "busy"; the retry afterwards goes through.
    quota_route = "PATCH /api/user/tenants/{tenant_id}/quota"
    e2e_emulator.reset_counters()
    e2e_emulator.add_fault(method="PATCH", path="/api/user/tenants/*/quota", latency_ms=SLOW_MS)
    slow = hook.start("change-plan", "globex", "--plan", "business")
    wait_for_request(e2e_emulator, quota_route)
    busy = hook("suspend", "globex")
    assert busy.code == EXIT_BUSY
    assert busy.json["error"] == (
        "customer globex is busy: another run holds its stack lock; retry later"
    )
    changed_plan = hook.finish(slow)
    assert live_customer(e2e_emulator, changed_plan) == (10, "active", "active")
    retried = hook("suspend", "globex")
    assert live_customer(e2e_emulator, retried) == (10, "suspended", "suspended")

    # The passwords live in the state only encrypted.
    for stored in state.rglob("*"):
        if stored.is_file():
            assert password.encode() not in stored.read_bytes(), stored

    # Cancellations: the mail tenant terminated, the archive suspended (no delete there).
    for customer in ("acme-corp", "globex"):
        terminated = hook("terminate", customer)
        assert terminated.json["changed"] is True
        assert archive_tenant(e2e_emulator, customer)["status"] == "suspended"
    assert mailbux_tenants(e2e_emulator) == []
    assert not list((state / "backend" / ".pulumi" / "stacks").rglob("*.json"))
    # A redelivered cancellation is no error; events for an unknown customer are.
    assert hook("terminate", "acme-corp").json["changed"] is False
    unknown = hook("suspend", "acme-corp")
    assert unknown.code == 1
    assert unknown.json["error"] == "customer acme-corp is not provisioned: run provision first"
    bad = hook("change-plan", "globex", "--plan", "gold")
    assert bad.code == 2
    assert "invalid choice: 'gold'" in bad.json["error"]

    # What the API side refuses is one line as well: 3 GB left in the pool, a starter takes 5.
    e2e_emulator.configure_reseller(api="mailbux", api_key=MAILBUX_KEY, quota_gb=3)
    refused = hook("provision", "initech")
    assert refused.code == 1
    pool = "quota_gb=5 takes 5 GB more from the Mailbux reseller pool, which has 3 GB available"
    assert pool in refused.json["error"]
    assert mailbux_tenants(e2e_emulator) == []
    assert archive_tenant(e2e_emulator, "initech") is None

    # The password appeared in no answer but those that asked for it, and never on stderr.
    for answer in hook.answers:
        assert password not in answer.stderr
        if "credentials" not in answer.json:
            assert password not in json.dumps(answer.json)
