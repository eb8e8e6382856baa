"""Benchmark: a program of thousands of tenants against as many no-op dynamic resources.

For each engine (`--engines`, both by default) and each size (`--sizes`, tenants in all, half
per API), the program tests/benchmarks/programs/bench-tenants is run as three stacks
(`--programs`):

  tenants  the package's tenants
  noop     as many no-op dynamic resources (a provider that answers from its inputs: the
           engine's own cost; the SDK's pickling leak undone after each, so the floor is fair)
  shaped   no-op resources whose records look like a tenant's (its outputs, the password
           secret): the engine's cost of the tenant's records, without any provider work

Each step runs on each stack in that order:

  up       `pulumi up --yes --skip-preview`, creating every resource
  preview  `pulumi preview --expect-no-changes`
  refresh  `pulumi refresh --yes`

and prints per step: exit, wall seconds (of `preview` and `refresh`, the median of
`--rounds` runs, with their range), the ratio of the first program to each of the others,
the API requests (and, for `up`, Mailbux look-up lists per Mailbux create), and the peak RSS
of the provider process and of the program, read from /proc (VmHWM) while the command runs.

The engine writes the whole state file after every step by default, so an `up` of N
resources writes N states of up to N resources: its time grows as N squared and, from 1,000
resources on, is almost all the engine's (a 1,000 no-op `up`: 95 s, 5.6 s without). With
`--skip-checkpoints` every command runs with PULUMI_SKIP_CHECKPOINTS=true (the state is
written once, at the end): what is left is the providers' and the engine's other work.

The emulator runs with its rate limits off (Easy Mail Archive's 60 a minute) and the client's
pacing off (`*_REQUESTS_PER_MINUTE=0`): what is measured is the package's and the engine's
cost, not a server's limit. The Mailbux account is raised to hold the tenants.

    .venv/bin/python tests/benchmarks/bench_scale.py [--engines pinned,current]
        [--sizes 1000,2000,5000] [--programs tenants,noop,shaped] [--rounds 3]
        [--skip-checkpoints]

A quick run: `--engines pinned --sizes 40`. Results are recorded in
tests/benchmarks/RESULTS.md. Not collected by pytest (no test_ prefix).
"""

from __future__ import annotations

import argparse
import compileall
import os
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the tests' helper modules

from bench_engine_requests import (
    REPO_ROOT,
    SETUP_ENV,
    Bench,
    Step,
    api_of,
    package_location,
    table,
)

from support.emulator_handle import EMA_KEY, MAILBUX_KEY, running_emulator
from support.pulumi_cli import ENGINES, PulumiProject, PulumiWorkspace, Run, build_engine

UNPACED = SETUP_ENV  # the client's own pacing off, as for the other benchmark's setup
STEPS = {
    "up": ("up", "--yes", "--skip-preview"),
    "preview": ("preview", "--expect-no-changes"),
    "refresh": ("refresh", "--yes"),
}
MAILBUX_LIST = "GET /api/user/tenants"
MAILBUX_CREATE = "POST /api/user/tenants"
SAMPLE_S = 0.2
PROGRAMS = ("tenants", "noop", "shaped")  # the first is measured, the others are its floors


# --- peak memory of the engine's Python processes ------------------------------------------


def _processes() -> dict[int, tuple[int, str]]:
    """pid -> (parent pid, command line) of every process readable now."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        parent = int(stat.rpartition(")")[2].split()[1])
        found[int(entry.name)] = (parent, cmdline)
    return found


def _peak_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _role(cmdline: str) -> str | None:
    if "pulumi.dynamic" in cmdline:
        return "provider"
    if "pulumi-language-python-exec" in cmdline or "__main__.py" in cmdline:
        return "program"
    return None


@contextmanager
def peak_rss() -> Iterator[dict[str, int]]:
    """The peak RSS (KiB) of this process's descendant provider and program processes,
    sampled every SAMPLE_S while the block runs: VmHWM only grows, so the last sample of
    each process is its peak but for the last fraction of a second."""
    peaks: dict[str, int] = {}
    stop = threading.Event()
    me = os.getpid()

    def sample() -> None:
        while not stop.is_set():
            table_ = _processes()
            for pid, (_, cmdline) in table_.items():
                role = _role(cmdline)
                if role is None:
                    continue
                ancestor = pid
                while ancestor not in (0, 1, me) and ancestor in table_:
                    ancestor = table_[ancestor][0]
                if ancestor == me:
                    peaks[role] = max(peaks.get(role, 0), _peak_kib(pid))
            stop.wait(SAMPLE_S)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        yield peaks
    finally:
        stop.set()
        sampler.join()


# --- the runs ------------------------------------------------------------------------------


@dataclass
class Measured:
    step: Step  # of the round with the median wall time
    peaks: dict[str, int]  # the highest of every round
    walls: list[float]  # every round's

    @classmethod
    def median(cls, rounds: list[Measured]) -> Measured:
        ordered = sorted(rounds, key=lambda m: m.step.wall)
        peaks: dict[str, int] = {}
        for m in rounds:
            for role, kib in m.peaks.items():
                peaks[role] = max(peaks.get(role, 0), kib)
        return cls(ordered[len(ordered) // 2].step, peaks, [m.step.wall for m in rounds])


Results = dict[str, Measured]  # program -> what its step measured


class Scale:
    def __init__(
        self, bench: Bench, programs: tuple[str, ...], rounds: int, skip_checkpoints: bool
    ) -> None:
        self.bench = bench
        self.programs = programs
        self.rounds = rounds
        self.env = UNPACED | ({"PULUMI_SKIP_CHECKPOINTS": "true"} if skip_checkpoints else {})

    def run(self, project: PulumiProject, label: str, args: tuple[str, ...]) -> Measured:
        def command() -> Run:
            return project.pulumi(
                *args,
                "--stack",
                project.stack,
                check=False,
                env=self.bench.program_env(project) | self.env,
                timeout=self.bench.timeout,
            )

        with peak_rss() as peaks:
            step = self.bench.measure(label, command)
        return Measured(step, dict(peaks), [step.wall])

    def size(self, engine: str, tenants: int) -> list[tuple[str, Results]]:
        bench = self.bench
        bench.reset()
        emu = bench.emu
        emu.configure_reseller(api="easymailarchive", api_key=EMA_KEY, rate_limit=0)
        emu.configure_reseller(
            api="mailbux", api_key=MAILBUX_KEY, tenant_limit=2 * tenants, quota_gb=2 * tenants
        )
        mailbux, ema = tenants // 2, tenants - tenants // 2
        stacks = {
            program: bench.stack(f"{program[0]}{tenants}-{engine}", program, mailbux, ema)
            for program in self.programs
        }
        for project in stacks.values():
            compileall.compile_dir(project.workdir, quiet=1)  # the no-op's module too
        rows = []
        for step, args in STEPS.items():
            # The programs take turns, round after round, so a slow minute of the machine
            # falls on all of them; `up` creates, so it runs once.
            rounds: dict[str, list[Measured]] = {program: [] for program in stacks}
            for round_ in range(1 if step == "up" else self.rounds):
                label = f"{engine} {tenants} {step} #{round_ + 1}"
                for program, project in stacks.items():
                    rounds[program].append(self.run(project, f"{label}, {program}", args))
            rows.append((step, {p: Measured.median(runs) for p, runs in rounds.items()}))
        if "tenants" in stacks:
            self.list_weight(mailbux)
        return rows

    def list_weight(self, mailbux: int) -> None:
        emu = self.bench.emu
        answer = httpx.get(f"{emu.url}/api/user/tenants", headers=emu.mailbux_headers(), timeout=60)
        size = len(answer.content)
        print(
            f"  one Mailbux list of {mailbux} tenants: {size / 1024:.0f} KiB "
            f"({size / max(mailbux, 1):.0f} bytes a tenant)",
            flush=True,
        )


def wall_cells(results: Results) -> tuple[list[str], list[str]]:
    """Each program's (median) wall time, and the first program's over each floor's."""
    first, *floors = results
    walls = [
        f"{program} {m.step.wall:.1f}"
        + (f" ({min(m.walls):.1f}-{max(m.walls):.1f})" if len(m.walls) > 1 else "")
        for program, m in results.items()
    ]
    ours = results[first].step.wall
    ratios = [
        # Named in full ("tenants/noop"): each ratio shares a line with another program's wall.
        f"{first}/{floor} {ours / results[floor].step.wall:.2f}x"
        if results[floor].step.wall
        else "-"
        for floor in floors
    ]
    return walls, ratios or ["-"]


def memory_cells(results: Results, tenants: int) -> list[str]:
    """Peak RSS of each program's provider, what the first adds over the bare no-op's per
    tenant, and the first program's own peak."""
    first, *_ = results
    peaks = {program: m.peaks.get("provider", 0) for program, m in results.items()}
    cells = [", ".join(f"{program} {kib / 1024:.0f} MB" for program, kib in peaks.items())]
    if "noop" in peaks and first != "noop":
        cells.append(f"+{(peaks[first] - peaks['noop']) * 1024 / tenants / 1000:.1f} kB a tenant")
    program = results[first].peaks.get("program", 0)
    cells.append(f"program {program / 1024:.0f} MB" if program else "program not run")
    return cells


def request_cells(step: Step, name: str) -> list[str]:
    mailbux, ema = step.requests("Mailbux"), step.requests("EMA")
    cells = [f"Mailbux {mailbux}, EMA {ema}"]
    if name == "up":
        creates = step.requests("Mailbux", MAILBUX_CREATE)
        lists = step.requests("Mailbux", MAILBUX_LIST)
        if creates:
            cells.append(f"{lists} lists / {creates} creates = {lists / creates:.3f}")
    else:
        cells.append(
            ", ".join(f"{r} x{n}" for r, n in sorted(step.routes.items()) if api_of(r) != "other")
            or "-"
        )
    return cells


def report(results: dict[tuple[str, int], list[tuple[str, Results]]]) -> None:
    headers = ("engine", "tenants", "step", "exit", "wall s", "ratio", "requests", "peak RSS")
    rows = []
    for (engine, tenants), steps in results.items():
        for name, measured in steps:
            first = next(iter(measured.values()))
            walls, ratios = wall_cells(measured)
            rows.append(
                (
                    [engine],
                    [str(tenants)],
                    [name],
                    [",".join(str(e) for m in measured.values() for e in m.step.exits)],
                    walls,
                    ratios,
                    request_cells(first.step, name),
                    memory_cells(measured, tenants),
                )
            )
    print()
    print(table(rows, headers))
    for steps in results.values():
        for _, measured in steps:
            for m in measured.values():
                for line in m.step.errors:
                    print(f"  {m.step.label}: {line}")


def main() -> None:
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engines", default=",".join(ENGINES), help="comma separated")
    parser.add_argument("--sizes", default="1000,2000,5000", help="tenants in all, comma separated")
    parser.add_argument(
        "--programs", default=",".join(PROGRAMS), help="comma separated; the first is measured"
    )
    parser.add_argument(
        "--rounds", type=int, default=3, help="of preview and refresh; the median is shown"
    )
    parser.add_argument(
        "--skip-checkpoints", action="store_true", help="PULUMI_SKIP_CHECKPOINTS=true throughout"
    )
    parser.add_argument("--timeout", type=float, default=3600.0, help="per command, seconds")
    args = parser.parse_args()
    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    programs = tuple(p.strip() for p in args.programs.split(",") if p.strip())
    if not set(engines) <= set(ENGINES):
        parser.error(f"--engines takes {','.join(ENGINES)}")
    if not programs or not set(programs) <= set(PROGRAMS):
        parser.error(f"--programs takes {','.join(PROGRAMS)}")
    os.environ["PYTHONPATH"] = os.pathsep.join(
        filter(None, [str(REPO_ROOT), os.environ.get("PYTHONPATH")])
    )
    # Bytecode as a wheel install has it: where PYTHONDONTWRITEBYTECODE is set (this machine
    # sets it), every provider process would otherwise compile the package from source.
    compileall.compile_dir(REPO_ROOT / "pulumi_resellertenant", quiet=1)
    print(f"package {package_location()}; {sys.executable}; {os.cpu_count()} CPUs")
    checkpoints = "skipped" if args.skip_checkpoints else "on"
    print(f"programs {', '.join(programs)}; checkpoints {checkpoints}")
    print(f"load at start: {os.getloadavg()[0]:.2f} (1 min)")
    started = time.perf_counter()
    results: dict[tuple[str, int], list[tuple[str, Results]]] = {}
    for engine in engines:
        directory = build_engine(engine).directory
        print(f"engine {engine}: {directory}", flush=True)
        with tempfile.TemporaryDirectory(prefix="bench-scale-") as tmp:
            root = Path(tmp)
            with running_emulator((), stderr_path=root / "emulator.log") as emu:
                bench = Bench(emu, PulumiWorkspace(directory, root / "pulumi"), args.timeout)
                scale = Scale(bench, programs, max(1, args.rounds), args.skip_checkpoints)
                for tenants in sizes:
                    results[(engine, tenants)] = scale.size(engine, tenants)
                    report({(engine, tenants): results[(engine, tenants)]})  # as it goes
    print("\nall sizes:")
    report(results)
    print(
        f"\ntotal {time.perf_counter() - started:.0f} s; "
        f"load at end: {os.getloadavg()[0]:.2f} (1 min)"
    )


if __name__ == "__main__":
    main()
