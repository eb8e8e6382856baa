"""examples/billing-sync: the tenants follow the billing system's customer list, and each
`pulumi up` touches exactly the customers whose entry changed."""

from __future__ import annotations

import json
from typing import Any

import yaml

from support.emulator_handle import EmulatorHandle
from support.engine_steps import requests_made
from support.live_tenants import archive_tenant, mailbux_tenants
from support.pulumi_cli import EXAMPLES, MAILBUX_TYPE, ProjectFactory, PulumiProject, Run

BILLING_SYNC = EXAMPLES / "billing-sync"
QUOTA_GB = {"starter": 5, "business": 10, "enterprise": 20}  # the example's PLANS


def read_customers(project: PulumiProject) -> dict[str, dict[str, Any]]:
    listed = yaml.safe_load((project.workdir / "customers.yaml").read_text())["customers"]
    return {entry["id"]: entry for entry in listed}


def write_customers(project: PulumiProject, customers: dict[str, dict[str, Any]]) -> None:
    text = yaml.safe_dump({"customers": list(customers.values())}, sort_keys=False)
    (project.workdir / "customers.yaml").write_text(text)


def touched(run: Run) -> dict[str, str]:
    """{resource name: operation} of every resource the engine did not leave as it was
    (the stack itself aside), from the events of `pulumi up --json`."""
    steps = {}
    for line in run.stdout.splitlines():
        if line.startswith("{") and "resOutputsEvent" in line:
            step = json.loads(line)["resOutputsEvent"]["metadata"]
            if step["op"] != "same" and step["type"] != "pulumi:pulumi:Stack":
                steps[step["urn"].rpartition("::")[2]] = step["op"]
    return steps


def live(emu: EmulatorHandle, project: PulumiProject) -> dict[str, dict[str, Any]]:
    """Each customer in the stack with its Mailbux tenant and its archive as the APIs hold
    them (a terminated Mailbux tenant is absent from the API's list: None)."""
    mail_by_id = {str(tenant["id"]): tenant for tenant in mailbux_tenants(emu)}
    customers = {}
    for state in project.resources(MAILBUX_TYPE):
        customer = state["urn"].rpartition("::")[2].removesuffix("-mail")
        customers[customer] = {
            "mail": mail_by_id.get(state["id"]),
            "archive": archive_tenant(emu, customer),
        }
    return customers


def assert_serves(customer: dict[str, Any], plan: str, *, suspended: bool) -> None:
    status = "suspended" if suspended else "active"
    assert customer["mail"] is not None
    assert (customer["mail"]["quota_gb"], customer["mail"]["status"]) == (QUOTA_GB[plan], status)
    assert customer["archive"]["status"] == status


def test_the_tenants_follow_the_customer_list_and_only_changed_customers_are_touched(
    new_project: ProjectFactory, e2e_emulator: EmulatorHandle
) -> None:
    project = new_project(BILLING_SYNC)

    # First run: the example's list as shipped, six customers, initech's invoice overdue.
    first = project.up("--json")

    customers = read_customers(project)
    assert len(touched(first)) == 3 * len(customers)  # a component and two tenants each
    state = live(e2e_emulator, project)
    assert set(state) == set(customers)
    for customer_id, entry in customers.items():
        assert_serves(state[customer_id], entry["plan"], suspended=customer_id == "initech")
        assert state[customer_id]["archive"]["name"] == entry["name"]
    first_run = requests_made(e2e_emulator)
    assert first_run["POST /api/user/tenants"] == first_run["POST /api/reseller/tenants"] == 6
    assert first_run["POST /api/user/tenants/{tenant_id}/suspend"] == 1
    assert first_run["POST /api/reseller/tenants/{slug}/suspend"] == 1
    outputs = project.outputs()
    assert outputs["mail_passwords"] == dict.fromkeys(customers, "[secret]")
    assert outputs["customers"]["initech"]["mail_status"] == "suspended"
    exported = project.export_text()
    for password in project.outputs(show_secrets=True)["mail_passwords"].values():
        assert password not in exported

    # The same list again: nothing to do, and not one request to either API.
    e2e_emulator.reset_counters()
    project.up("--expect-no-changes")
    assert requests_made(e2e_emulator) == {}

    # A broken export stops the run with one line before anything changes.
    write_customers(project, {**customers, "globex": {**customers["globex"], "plan": "gold"}})
    broken = project.up(check=False)
    assert broken.returncode != 0
    assert (
        "error: customers.yaml: customer globex: plan 'gold' is not one of starter, business, "
        "enterprise\n" in broken.stdout
    )
    assert "Traceback" not in broken.output
    assert requests_made(e2e_emulator) == {}

    # The billing system's next export: one change of each kind, stark-industries unchanged.
    customers["acme-corp"]["plan"] = "enterprise"  # upgrade
    customers["globex"]["invoice"] = "overdue"  # suspend both
    customers["initech"]["invoice"] = "paid"  # reactivate both
    customers["umbrella"]["cancelled"] = True  # terminate mail, suspend archive
    del customers["hooli"]  # removed: the same as cancelled
    customers["wayne-ent"] = {"id": "wayne-ent", "name": "Wayne", "plan": "starter"}  # new
    write_customers(project, customers)
    untouched_before = live(e2e_emulator, project)["stark-industries"]
    e2e_emulator.reset_counters()

    edit = project.up("--json")

    assert touched(edit) == {
        "acme-corp-mail": "update",
        "globex-mail": "update",
        "globex-archive": "update",
        "initech-mail": "update",
        "initech-archive": "update",
        **dict.fromkeys(["umbrella", "umbrella-mail", "umbrella-archive"], "delete"),
        **dict.fromkeys(["hooli", "hooli-mail", "hooli-archive"], "delete"),
        **dict.fromkeys(["wayne-ent", "wayne-ent-mail", "wayne-ent-archive"], "create"),
    }
    assert requests_made(e2e_emulator) == {
        # acme-corp: the upgrade, claimed against the reseller pool first (one read, shared
        # with wayne-ent's new tenant)
        "GET /api/user/reseller/overview": 1,
        "PATCH /api/user/tenants/{tenant_id}/quota": 1,
        # globex (mail and archive), umbrella and hooli (archives: no delete in that API)
        "POST /api/user/tenants/{tenant_id}/suspend": 1,
        "POST /api/reseller/tenants/{slug}/suspend": 3,
        # initech
        "POST /api/user/tenants/{tenant_id}/reactivate": 1,
        "POST /api/reseller/tenants/{slug}/unsuspend": 1,
        # umbrella and hooli
        "POST /api/user/tenants/{tenant_id}/terminate": 2,
        # wayne-ent: the creates, and the Mailbux list before its POST and after it (its id)
        "POST /api/user/tenants": 1,
        "GET /api/user/tenants": 2,
        "POST /api/reseller/tenants": 1,
    }
    state = live(e2e_emulator, project)
    assert set(state) == {"acme-corp", "globex", "initech", "stark-industries", "wayne-ent"}
    assert_serves(state["acme-corp"], "enterprise", suspended=False)
    assert_serves(state["globex"], "starter", suspended=True)
    assert_serves(state["initech"], "enterprise", suspended=False)
    assert_serves(state["wayne-ent"], "starter", suspended=False)
    assert state["stark-industries"] == untouched_before
    for gone in ("umbrella", "hooli"):
        archive = archive_tenant(e2e_emulator, gone)
        assert archive is not None
        assert archive["status"] == "suspended"
    assert len(mailbux_tenants(e2e_emulator)) == 5  # the two others were terminated
    assert set(project.outputs()["customers"]) == set(state)
