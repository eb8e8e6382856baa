"""Benchmark: the API requests, 429 answers and wall time of real Pulumi commands at scale.

Runs an engine of `tools/engine/build` (`--engine`, pinned by default; a `file://` backend in
a temp dir) on the program tests/benchmarks/programs/bench-tenants against the emulator with
its documented limits (Easy Mail Archive 60 requests a minute per key, Mailbux none; its page
size 15, the default), and prints per scenario the requests per API and route (the emulator's
counters), the 429 answers, the wall seconds and the issue's targets:

  a. `pulumi refresh --yes` of N tenants per API (default 200).
  b. `pulumi up --yes` creating C archive tenants (default 120) right after a `pulumi preview`.
  c. a no-change `pulumi up --yes` of N tenants per API, against the same program with N + N
     no-op dynamic resources (no network: the engine's own cost), ROUNDS rounds each.
  d. two stacks' `pulumi up --yes` at once, P archive tenants each (default 60), one key.

a, b and d end with the same command on as many no-op dynamic resources (a reference row):
the engine's own time, which no pacing or coalescing can remove.

The setup of a and c (creating the tenants) runs with the emulator's Easy Mail Archive limit
and the client's limits of both APIs off, and is not measured; the Mailbux account's tenant
limit and quota pool are raised to hold N tenants. Every measured command runs with the
documented limits and the package's default settings. The programs import the package of the
repository this script sits in (PYTHONPATH), with the interpreter running the script (its venv
needs `pulumi`).

    .venv/bin/python tests/benchmarks/bench_engine_requests.py [--scenarios a,b,c,d]
        [--tenants 200] [--creates 120] [--per-process 60] [--rounds 3]

A quick run: `--tenants 10 --creates 10 --per-process 5 --rounds 1`. Results are recorded in
tests/benchmarks/RESULTS.md. Not collected by pytest (no test_ prefix).
"""

from __future__ import annotations

import argparse
import math
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the tests' helper modules

from support.emulator_handle import EMA_KEY, MAILBUX_KEY, EmulatorHandle, running_emulator
from support.pulumi_cli import ENGINES, PulumiProject, PulumiWorkspace, Run, build_engine

REPO_ROOT = Path(__file__).resolve().parents[2]
PROGRAM = Path(__file__).resolve().parent / "programs" / "bench-tenants"
EMA_RATE = 60  # the documented limit, requests per rolling minute per key
EMA_PAGE_SIZE = 15  # the emulator's default, as Laravel's paginator has it
WINDOW_S = 60.0
# The same command on no-op resources: the engine's own time, which no pacing can remove.
REFERENCE = "up --yes, no-op (reference)"
TIMEOUT_S = 3600.0  # per pulumi command; the slowest before-state commands take minutes
# Only for the unmeasured setup: the client's own limits (55 and 120 a minute), off.
SETUP_ENV = {"EASYMAILARCHIVE_REQUESTS_PER_MINUTE": "0", "MAILBUX_REQUESTS_PER_MINUTE": "0"}
API_OF_PREFIX = (("/api/user/", "Mailbux"), ("/api/reseller/", "EMA"))


@dataclass
class Step:
    """One measured command (or commands run at once): its exits, wall and requests."""

    label: str
    exits: list[int]
    wall: float
    routes: dict[str, int]  # "GET /api/user/tenants" -> requests
    too_many: int  # 429 answers
    summary: str  # the engine's "Resources:" lines
    errors: list[str] = field(default_factory=list)

    def requests(self, api: str | None = None, route: str | None = None) -> int:
        return sum(
            n
            for r, n in self.routes.items()
            if (api is None or api_of(r) == api) and (route is None or r == route)
        )


@dataclass
class Target:
    text: str
    measured: str
    met: bool


@dataclass
class Scenario:
    title: str
    steps: list[Step] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def api_of(route: str) -> str:
    path = route.partition(" ")[2]
    return next((api for prefix, api in API_OF_PREFIX if path.startswith(prefix)), "other")


def floor_s(requests: int, rate: int = EMA_RATE) -> float:
    """The server's floor: `rate` requests at once, `rate` more each time the window moves."""
    return max(0, math.ceil(requests / rate) - 1) * WINDOW_S


def engine_share(reference: Step, creates: int) -> str:
    """The engine's own time next to the server's floor. Part of it overlaps the waits, so
    floor + engine bounds from above the wall perfect pacing would reach."""
    floor = floor_s(creates)
    alone = f"engine alone (no-op reference) {reference.wall:.1f} s"
    if not floor:
        return alone
    return (
        f"{alone}; floor {floor:.0f} s + engine = {floor + reference.wall:.1f} s, "
        f"against 1.1 x floor = {1.1 * floor:.0f} s"
    )


def engine_summary(run: Run) -> str:
    """The last "Resources:" block of the output (an `up` prints its preview's first)."""
    lines = [line.strip() for line in run.stdout.splitlines()]
    starts = [i + 1 for i, line in enumerate(lines) if line == "Resources:"]
    if not starts:
        return ""
    taken = []
    for line in lines[starts[-1] :]:
        if not line:
            break
        taken.append(line)
    return ", ".join(taken)


def error_lines(run: Run) -> list[str]:
    found = [line.strip() for line in run.output.splitlines() if "error" in line.lower()]
    return [line[:160] for line in found[:3]]


class Bench:
    def __init__(self, emu: EmulatorHandle, workspace: PulumiWorkspace, timeout: float) -> None:
        self.emu = emu
        self.workspace = workspace
        self.timeout = timeout
        self.cache = workspace.root / "cache"
        self.resets = 0

    def program_env(self, project: PulumiProject) -> dict[str, str]:
        """The program's own directory on PYTHONPATH too (the provider processes the engine
        starts import bench_noop_provider.py from it), and a cache folder of this run's own:
        pacing windows kept on disk start empty and go with the temp dir."""
        return {
            "PYTHONPATH": os.pathsep.join([str(project.workdir), os.environ["PYTHONPATH"]]),
            "XDG_CACHE_HOME": str(self.cache),
        }

    # --- emulator and stacks ------------------------------------------------------------------

    def reset(self) -> None:
        """A fresh emulator and fresh client pacing windows: the server's windows are reset,
        so the client's (kept on disk, shared by processes) start empty too, or a scenario
        would wait for the requests of the one before."""
        self.emu.reset()
        self.resets += 1
        self.cache = self.workspace.root / f"cache-{self.resets}"

    def documented_limits(self, tenants: int = 0) -> None:
        """EMA at its documented rate; a Mailbux account large enough for `tenants`."""
        self.emu.configure_reseller(api="easymailarchive", api_key=EMA_KEY, rate_limit=EMA_RATE)
        if tenants > 0:
            room = max(1000, 2 * tenants)
            self.emu.configure_reseller(
                api="mailbux", api_key=MAILBUX_KEY, tenant_limit=room, quota_gb=room
            )

    def stack(self, name: str, kind: str, mailbux: int, ema: int) -> PulumiProject:
        project = self.workspace.project(PROGRAM, name, stack=name)
        project.write_spec(
            {"kind": kind, "prefix": name, "mailbux": mailbux, "easymailarchive": ema}
        )
        if kind == "tenants":
            project.set_config("mailbux:baseUrl", self.emu.url)
            project.set_config("mailbux:apiKey", MAILBUX_KEY, secret=True)
            project.set_config("easymailarchive:baseUrl", self.emu.url)
            project.set_config("easymailarchive:apiKey", EMA_KEY, secret=True)
        return project

    def setup_up(self, project: PulumiProject) -> None:
        """Create the stack's resources, unmeasured, with the rate limits off (the server's
        Easy Mail Archive limit, the client's of both APIs)."""
        self.emu.configure_reseller(api="easymailarchive", api_key=EMA_KEY, rate_limit=0)
        started = time.perf_counter()
        project.pulumi(
            "up",
            "--yes",
            "--skip-preview",
            "--stack",
            project.stack,
            env=self.program_env(project) | SETUP_ENV,
            timeout=self.timeout,
        )
        elapsed = time.perf_counter() - started
        print(f"  setup: {project.workdir.name} up in {elapsed:.1f} s", flush=True)
        self.emu.configure_reseller(api="easymailarchive", api_key=EMA_KEY, rate_limit=EMA_RATE)

    def command(self, project: PulumiProject, *args: str) -> Run:
        return project.pulumi(
            *args,
            "--stack",
            project.stack,
            check=False,
            env=self.program_env(project),
            timeout=self.timeout,
        )

    def measure(self, label: str, *commands: Callable[[], Run]) -> Step:
        """Run `commands` at once (each in a thread) from fresh counters."""
        self.emu.reset_counters()
        runs: list[Run | None] = [None] * len(commands)

        def run(i: int) -> None:
            runs[i] = commands[i]()

        threads = [threading.Thread(target=run, args=(i,)) for i in range(len(commands))]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall = time.perf_counter() - started
        counters = self.emu.counters()
        done = [r for r in runs if r is not None]
        step = Step(
            label=label,
            exits=[r.returncode for r in done] + [-1] * (len(runs) - len(done)),
            wall=wall,
            routes={route: int(c["total"]) for route, c in counters.items() if c["total"]},
            too_many=sum(int(c["by_status"].get("429", 0)) for c in counters.values()),
            summary=" | ".join(engine_summary(r) for r in done),
            errors=[line for r in done if r.returncode for line in error_lines(r)],
        )
        requests = sum(step.routes.values())
        print(f"  {label}: {wall:.1f} s, exit {step.exits}, {requests} requests", flush=True)
        return step

    # --- the scenarios ------------------------------------------------------------------------

    def refresh_and_no_change(self, tenants: int, rounds: int, which: str) -> list[Scenario]:
        """a and c, on one stack of N + N tenants created once."""
        self.reset()
        self.documented_limits(tenants)
        project = self.stack("tenants", "tenants", tenants, tenants)
        self.setup_up(project)
        noop = self.stack("noop", "noop", tenants, tenants)
        self.setup_up(noop)
        scenarios = []
        if "c" in which:
            scenarios.append(self.no_change(project, noop, tenants, rounds))
        if "a" in which:
            scenarios.append(self.refresh(project, noop, tenants))
        return scenarios

    def refresh(self, project: PulumiProject, noop: PulumiProject, tenants: int) -> Scenario:
        scenario = Scenario(f"a. pulumi refresh --yes of {tenants} tenants per API")
        step = self.measure("refresh --yes", lambda: self.command(project, "refresh", "--yes"))
        scenario.steps.append(step)
        reference = self.measure(
            "refresh --yes, no-op (reference)", lambda: self.command(noop, "refresh", "--yes")
        )
        scenario.steps.append(reference)
        scenario.notes.append(
            f"engine alone (no-op reference) {reference.wall:.1f} s, against the 30 s target"
        )
        lists = step.requests("Mailbux", "GET /api/user/tenants")
        ema_most = 2 * (math.ceil(tenants / EMA_PAGE_SIZE) + 1)
        scenario.targets += [
            Target("Mailbux list requests <= 2", str(lists), lists <= 2),
            Target(
                f"EMA requests <= 2 x (ceil({tenants}/{EMA_PAGE_SIZE}) + 1) = {ema_most}",
                str(step.requests("EMA")),
                step.requests("EMA") <= ema_most,
            ),
            Target("0 x 429", str(step.too_many), step.too_many == 0),
            Target("wall < 30 s", f"{step.wall:.1f} s", step.wall < 30),
            Target("exit 0", str(step.exits), step.exits == [0]),
        ]
        return scenario

    def no_change(
        self, project: PulumiProject, noop: PulumiProject, tenants: int, rounds: int
    ) -> Scenario:
        scenario = Scenario(
            f"c. no-change pulumi up --yes of {tenants} tenants per API vs "
            f"{tenants}+{tenants} no-op dynamic resources, {rounds} round(s)"
        )
        for n in range(1, rounds + 1):
            for label, stack in (("tenants", project), ("no-op", noop)):
                scenario.steps.append(
                    self.measure(
                        f"up --yes, no change, {label}, round {n}",
                        lambda stack=stack: self.command(stack, "up", "--yes"),
                    )
                )
        tenant_steps = [s for s in scenario.steps if ", tenants," in s.label]
        noop_steps = [s for s in scenario.steps if ", no-op," in s.label]
        requests = sum(s.requests() for s in tenant_steps)
        tenant_wall = statistics.median(s.wall for s in tenant_steps)
        noop_wall = statistics.median(s.wall for s in noop_steps)
        scenario.targets += [
            Target("0 requests", str(requests), requests == 0),
            Target(
                "exit 0",
                str([e for s in scenario.steps for e in s.exits]),
                all(s.exits == [0] for s in scenario.steps),
            ),
        ]
        scenario.notes.append(
            f"median wall: tenants {tenant_wall:.1f} s, no-op {noop_wall:.1f} s, "
            f"ratio {tenant_wall / noop_wall:.2f}"
        )
        return scenario

    def create_after_preview(self, creates: int) -> Scenario:
        self.reset()
        self.documented_limits()
        project = self.stack("b", "tenants", 0, creates)
        scenario = Scenario(
            f"b. pulumi preview, then pulumi up --yes creating {creates} EMA tenants"
        )
        scenario.steps.append(self.measure("preview", lambda: self.command(project, "preview")))
        up = self.measure("up --yes", lambda: self.command(project, "up", "--yes"))
        scenario.steps.append(up)
        scenario.targets += self.pacing_targets(up, creates)
        noop = self.stack("b-noop", "noop", 0, creates)
        reference = self.measure(REFERENCE, lambda: self.command(noop, "up", "--yes"))
        scenario.steps.append(reference)
        scenario.notes.append(engine_share(reference, creates))
        return scenario

    def two_at_once(self, per_process: int) -> Scenario:
        self.reset()
        self.documented_limits()
        first = self.stack("d1", "tenants", 0, per_process)
        second = self.stack("d2", "tenants", 0, per_process)
        scenario = Scenario(
            f"d. two stacks' pulumi up --yes at once, {per_process} EMA tenants each, one key"
        )
        walls: dict[str, float] = {}

        def timed(project: PulumiProject) -> Run:
            started = time.perf_counter()
            run = self.command(project, "up", "--yes")
            walls[project.stack_reference] = time.perf_counter() - started
            return run

        step = self.measure("2 x up --yes at once", lambda: timed(first), lambda: timed(second))
        scenario.steps.append(step)
        scenario.targets += self.pacing_targets(step, 2 * per_process)
        scenario.notes.append(
            "each process's wall: " + ", ".join(f"{w:.1f} s" for w in sorted(walls.values()))
        )
        noops = [self.stack(f"d{n}-noop", "noop", 0, per_process) for n in (1, 2)]
        reference = self.measure(
            f"2 x {REFERENCE}",
            lambda: self.command(noops[0], "up", "--yes"),
            lambda: self.command(noops[1], "up", "--yes"),
        )
        scenario.steps.append(reference)
        scenario.notes.append(engine_share(reference, 2 * per_process))
        return scenario

    @staticmethod
    def pacing_targets(step: Step, creates: int) -> list[Target]:
        floor = floor_s(creates)
        within = (
            Target(
                f"wall <= 1.1 x floor ({creates} requests at {EMA_RATE}/min: {floor:.0f} s)",
                f"{step.wall:.1f} s = {step.wall / floor:.2f} x floor",
                step.wall <= 1.1 * floor,
            )
            if floor
            else Target("wall (floor 0 s: all within one window)", f"{step.wall:.1f} s", True)
        )
        return [
            within,
            Target("0 x 429", str(step.too_many), step.too_many == 0),
            Target("exit 0", str(step.exits), all(e == 0 for e in step.exits)),
        ]


# --- the table --------------------------------------------------------------------------------


def route_cells(step: Step, api: str) -> list[str]:
    routes = sorted((r, n) for r, n in step.routes.items() if api_of(r) == api)
    return [f"{r} x{n}" for r, n in routes] or ["none"]


def table(rows: Sequence[Sequence[Sequence[str]]], headers: Sequence[str]) -> str:
    """Columns of multi-line cells, left-aligned."""
    widths = [
        max(len(h), *(len(line) for row in rows for line in row[i])) for i, h in enumerate(headers)
    ]
    out = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip()]
    for row in rows:
        height = max(len(cell) for cell in row)
        for k in range(height):
            cells = [cell[k] if k < len(cell) else "" for cell in row]
            out.append("  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip())
    return "\n".join(out)


def report(scenarios: Iterable[Scenario]) -> None:
    headers = ("step", "exit", "wall s", "Mailbux requests", "EMA requests", "429", "engine")
    for scenario in scenarios:
        print(f"\n{scenario.title}")
        rows = [
            (
                [s.label],
                [",".join(str(e) for e in s.exits)],
                [f"{s.wall:.1f}"],
                route_cells(s, "Mailbux"),
                route_cells(s, "EMA"),
                [str(s.too_many)],
                [s.summary or "-"],
            )
            for s in scenario.steps
        ]
        print(table(rows, headers))
        target_rows = [
            ([t.text], [t.measured], ["met" if t.met else "MISSED"]) for t in scenario.targets
        ]
        print(table(target_rows, ("target", "measured", "")))
        for note in scenario.notes:
            print(f"  {note}")
        for step in scenario.steps:
            for line in step.errors:
                print(f"  {step.label}: {line}")


def package_location() -> str:
    done = subprocess.run(
        [sys.executable, "-c", "import pulumi_resellertenant as p; print(p.__file__)"],
        capture_output=True,
        text=True,
        check=True,
    )
    return str(Path(done.stdout.strip()).parent)


def main() -> None:
    # A plain `kill` ends the run through the `with` blocks: the emulator, the command running
    # in the main thread and the temp dir go with it.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenarios", default="a,b,c,d", help="comma separated, of a,b,c,d")
    parser.add_argument("--tenants", type=int, default=200, help="a, c: tenants per API")
    parser.add_argument("--creates", type=int, default=120, help="b: archive tenants created")
    parser.add_argument("--per-process", type=int, default=60, help="d: tenants per stack")
    parser.add_argument("--rounds", type=int, default=3, help="c: rounds of each program")
    parser.add_argument("--timeout", type=float, default=TIMEOUT_S, help="per command, seconds")
    parser.add_argument("--engine", choices=ENGINES, default="pinned", help="which engine")
    args = parser.parse_args()
    which = {s.strip() for s in args.scenarios.split(",") if s.strip()}
    if not which <= {"a", "b", "c", "d"}:
        parser.error(f"--scenarios takes a,b,c,d, not {args.scenarios!r}")

    # The emulator and every program and provider process the engine starts import the
    # package of this repository, whatever the interpreter's venv has installed.
    os.environ["PYTHONPATH"] = os.pathsep.join(
        filter(None, [str(REPO_ROOT), os.environ.get("PYTHONPATH")])
    )
    engine = build_engine(args.engine).directory
    print(f"engine {engine}; package {package_location()}; {sys.executable}")
    print(f"EMA limit {EMA_RATE}/min per key, page size {EMA_PAGE_SIZE}; Mailbux no limit")
    print(f"load at start: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} (1, 5 min)")
    started = time.perf_counter()
    scenarios: list[Scenario] = []
    with tempfile.TemporaryDirectory(prefix="bench-engine-") as tmp:
        root = Path(tmp)
        with running_emulator(
            ("--ema-page-size", str(EMA_PAGE_SIZE)), stderr_path=root / "emulator.log"
        ) as emu:
            bench = Bench(emu, PulumiWorkspace(engine, root / "pulumi"), args.timeout)
            if which & {"a", "c"}:
                scenarios += bench.refresh_and_no_change(args.tenants, args.rounds, "".join(which))
            if "b" in which:
                scenarios.append(bench.create_after_preview(args.creates))
            if "d" in which:
                scenarios.append(bench.two_at_once(args.per_process))
            # Inside the block: the emulator's own error check at its end must not lose these.
            report(sorted(scenarios, key=lambda s: s.title))
    print(
        f"\ntotal {time.perf_counter() - started:.0f} s; "
        f"load at end: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} (1, 5 min)"
    )


if __name__ == "__main__":
    main()
