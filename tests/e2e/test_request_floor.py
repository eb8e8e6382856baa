"""Requests at the floor under the real engine: a refresh lists each account once per
provider process, creates share their id look-ups, and nothing is asked twice."""

from __future__ import annotations

import math
from concurrent.futures import ThreadPoolExecutor

import pytest

from support.emulator_handle import EMA_KEY, EmulatorHandle
from support.engine_steps import requests_made
from support.pulumi_cli import EMA_TYPE, MAILBUX_TYPE, ProjectFactory

TENANTS = 20
PAGE_SIZE = 15  # the emulator's default, as Laravel's paginator has it

SPEC = {
    "mailbux": {f"mail-{n:02}": {"quota_gb": 1} for n in range(TENANTS)},
    "easymailarchive": {
        f"archive-{n:02}": {"slug": f"archive-{n:02}", "name": f"Archive {n}"}
        for n in range(TENANTS)
    },
}


def no_429(emu: EmulatorHandle) -> None:
    for route, figures in emu.counters().items():
        assert "429" not in figures["by_status"], f"{route} met the rate limit"


def test_creates_and_a_refresh_of_many_tenants_cost_a_few_listings(
    new_project: ProjectFactory, e2e_emulator: EmulatorHandle
) -> None:
    project = new_project()
    project.write_spec(SPEC)

    project.up()

    made = requests_made(e2e_emulator)
    # One request per Easy Mail Archive create; Mailbux creates finishing together share
    # their id look-up (plus one list before the first POST), so far fewer lists than POSTs.
    assert made["POST /api/reseller/tenants"] == TENANTS
    assert made["POST /api/user/tenants"] == TENANTS
    assert "GET /api/reseller/tenants/{slug}" not in made
    assert made["GET /api/user/tenants"] < TENANTS
    assert len(project.resources(MAILBUX_TYPE)) == len(project.resources(EMA_TYPE)) == TENANTS
    no_429(e2e_emulator)

    # `pulumi refresh --yes`: its preview and the refresh are two provider processes, and
    # each reads every tenant from one listing of each account.
    e2e_emulator.reset_counters()
    project.pulumi("refresh", "--yes", "--stack", project.stack)
    assert requests_made(e2e_emulator) == {
        "GET /api/user/tenants": 2,
        "GET /api/reseller/tenants": 2 * math.ceil(TENANTS / PAGE_SIZE),
    }
    no_429(e2e_emulator)

    e2e_emulator.reset_counters()
    project.up("--expect-no-changes")
    assert requests_made(e2e_emulator) == {}


# Pacing, not the engine, is what this shows: the current engine alone (CI's time budget).
@pytest.mark.engines("current")
def test_two_stacks_deployed_at_once_share_one_pacing_window(
    new_project: ProjectFactory, e2e_emulator: EmulatorHandle
) -> None:
    # 10 a minute on both sides: 16 creates at once go 10 now and 6 a minute later. Paced
    # apart, each process would send its 8 at once and meet the server's limit.
    limit = 10
    e2e_emulator.configure_reseller(api="easymailarchive", api_key=EMA_KEY, rate_limit=limit)
    projects = []
    for stack in ("first", "second"):
        project = new_project(name=f"pacing-{stack}", stack=stack)
        project.set_config("easymailarchive:requestsPerMinute", str(limit))
        project.write_spec(
            {
                "easymailarchive": {
                    f"{stack}-{n}": {"slug": f"{stack}-{n}", "name": f"{stack} {n}"}
                    for n in range(8)
                }
            }
        )
        projects.append(project)
    e2e_emulator.reset_counters()

    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(lambda project: project.up(), projects))

    assert [len(project.resources(EMA_TYPE)) for project in projects] == [8, 8]
    assert requests_made(e2e_emulator) == {"POST /api/reseller/tenants": 16}
    no_429(e2e_emulator)
