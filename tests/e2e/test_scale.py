"""Scale: 1,200 Mailbux tenants in one Python program, past the ~970 dynamic resources at
which the SDK's pickling leak (pulumi/pulumi#9656) crashed such a program with
RecursionError. `up` creates them all with the creates sharing their id look-ups (at most one
tenant list per four creates), and a no-change preview makes no request.

The current engine only: the layer's time. The benchmark (tests/benchmarks/bench_scale.py)
runs both engines up to 5,000 tenants."""

from __future__ import annotations

import pytest

from support.emulator_handle import MAILBUX_KEY, EmulatorHandle
from support.engine_steps import requests_made
from support.pulumi_cli import REPO_ROOT, ProjectFactory

PROGRAM = REPO_ROOT / "tests" / "benchmarks" / "programs" / "bench-tenants"
TENANTS = 1200
LIST = "GET /api/user/tenants"
CREATE = "POST /api/user/tenants"
# The client's own pacing (120 Mailbux requests a minute) is what a user has; here it would
# only make the test wait. The emulator documents no Mailbux limit.
UNPACED = {"MAILBUX_REQUESTS_PER_MINUTE": "0"}


@pytest.mark.engines("current")
def test_twelve_hundred_tenants_up_then_preview_no_changes(
    new_project: ProjectFactory, e2e_emulator: EmulatorHandle
) -> None:
    e2e_emulator.configure_reseller(
        api="mailbux", api_key=MAILBUX_KEY, tenant_limit=TENANTS, quota_gb=TENANTS
    )
    project = new_project(PROGRAM, "scale")
    project.write_spec({"kind": "tenants", "prefix": "scale", "mailbux": TENANTS})

    run = project.pulumi("up", "--yes", "--skip-preview", "--stack", project.stack, env=UNPACED)
    assert f"+ {TENANTS + 1} created" in run.stdout, run.stdout[-2000:]  # and the stack
    assert "RecursionError" not in run.output
    made = requests_made(e2e_emulator)
    creates, lists = made.get(CREATE, 0), made.get(LIST, 0)
    print(f"{lists} tenant lists for {creates} creates")  # shown with -s or on failure
    assert creates == TENANTS
    assert lists <= creates / 4, f"{lists} tenant lists for {creates} creates"
    tenants = project.resources("pulumi-python:dynamic/mailbux:Tenant")
    ids = {str(tenant["outputs"]["tenant_id"]) for tenant in tenants}
    assert len(ids) == TENANTS
    assert not [i for i in ids if i.startswith("unresolved:")]  # every id found by a look-up

    e2e_emulator.reset_counters()
    project.pulumi("preview", "--expect-no-changes", "--stack", project.stack, env=UNPACED)
    assert requests_made(e2e_emulator) == {}
