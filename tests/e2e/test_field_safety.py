"""A real, imperfect API under the real engines: answers wrapped in PHP notices and HTML
comments, lists that lag behind the writes, and a body that drips. One `up` makes exactly
one tenant per resource and keeps every password; a dripping answer fails its operation at
the deadline in one line; no password or key in what the CLI prints."""

from __future__ import annotations

from support.emulator_handle import EMA_KEY, MAILBUX_KEY, EmulatorHandle
from support.live_tenants import archive_tenant, mailbux_tenants
from support.pulumi_cli import MAILBUX_TYPE, ProjectFactory

PHP_NOTICE = "<br />\n<b>Deprecated</b>: Creation of dynamic property in x.php on line 9<br />\n"
SPEC = {
    "mailbux": {f"mail{i}": {"quota_gb": 1} for i in range(3)},
    "easymailarchive": {
        f"archive{i}": {"slug": f"acme-{i}", "name": f"Acme {i}"} for i in range(2)
    },
}


def test_noisy_create_answers_and_lagging_lists_give_one_tenant_each_with_its_password(
    new_project: ProjectFactory, e2e_emulator: EmulatorHandle
) -> None:
    project = new_project()
    project.write_spec(SPEC)
    for path in ("/api/user/tenants", "/api/reseller/tenants"):
        e2e_emulator.add_fault(method="GET", path=path, list_lag_ms=1500, count=100)
    e2e_emulator.add_fault(method="POST", path="/api/user/tenants", text_before=PHP_NOTICE)
    e2e_emulator.add_fault(
        method="POST", path="/api/reseller/tenants", text_after="\n<!-- cached 0.02s -->\n"
    )
    e2e_emulator.reset_counters()

    up = project.up()

    counters = e2e_emulator.counters()
    assert counters["POST /api/user/tenants"]["total"] == 3
    assert counters["POST /api/reseller/tenants"]["total"] == 2
    e2e_emulator.clear_faults()
    live_ids = sorted(str(tenant["id"]) for tenant in mailbux_tenants(e2e_emulator))
    assert live_ids == sorted(r["id"] for r in project.resources(MAILBUX_TYPE))
    assert all(archive_tenant(e2e_emulator, f"acme-{i}") for i in range(2))
    outputs = project.outputs(show_secrets=True)
    passwords = [outputs[f"mail{i}_password"] for i in range(3)]
    assert all(len(password) >= 12 for password in passwords)
    for run in (up, *project.runs[-1:]):
        if "--show-secrets" in run.args:
            continue
        for secret in (*passwords, MAILBUX_KEY, EMA_KEY):
            assert secret not in run.output
    assert project.preview("--expect-no-changes").returncode == 0


def test_an_answer_that_drips_fails_the_refresh_at_its_deadline_in_one_line(
    new_project: ProjectFactory, e2e_emulator: EmulatorHandle
) -> None:
    project = new_project()
    project.write_spec({"mailbux": {"mail": {"quota_gb": 1}}})
    project.up()
    project.set_config("mailbux:operationTimeout", "4")
    e2e_emulator.add_fault(
        method="GET", path="/api/user/tenants", drip_bytes=1, drip_interval_ms=500, count=20
    )

    refused = project.refresh("--run-program", check=False)

    assert refused.returncode != 0
    expected = (
        "the 200 answer cannot be read: it is still arriving at the operation deadline of 4 s"
    )
    lines = [line for line in refused.stdout.splitlines() if "still arriving" in line]
    assert lines, refused.stdout
    assert all(expected in line for line in lines)  # the whole reason on each line it shows
    assert "Traceback" not in refused.output
