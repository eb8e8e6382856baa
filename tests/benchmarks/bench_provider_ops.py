"""Benchmark: what each lifecycle operation of the two providers costs.

Drives each pickled provider through the real `python -m pulumi.dynamic` server against the
emulator, as the provider layer's tests do, and prints per operation the API requests it made
(from the emulator's counters) and its median wall time over ROUNDS rounds (gRPC hop
included). Also prints the size of the pickled provider each resource stores in state, and
the provider process's resident memory at the end.

Each round is one deployment (a fresh provider process), as each `pulumi up` is. Its first
call, `check (new tenant)`, includes unpickling the provider, importing the package and
configuring it; for Mailbux it also reads the overview for the quota pre-check, once per
deployment. The emulator's Easy Mail Archive rate limit is turned off: 20 rounds send more
than its 60 requests a minute, and the point is the provider's cost, not 429 waits.

    .venv/bin/python tests/benchmarks/bench_provider_ops.py [--rounds 20]

Results are recorded in tests/benchmarks/RESULTS.md. Not collected by pytest (no test_ prefix).
"""

from __future__ import annotations

import argparse
import base64
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the tests' helper modules

from pulumi_resellertenant import easymailarchive, mailbux
from support.emulator_handle import EMA_KEY, EmulatorHandle, start_emulator
from support.engine_steps import Deployed, requests_made, stack_config
from support.provider_server import ProviderServer
from support.pulumi_mocks import register


def timed(
    emu: EmulatorHandle,
    results: dict[str, list[tuple[float, dict[str, int]]]],
    name: str,
    call: Callable[[], Any],
) -> Any:
    emu.reset_counters()
    start = time.perf_counter()
    value = call()
    elapsed = time.perf_counter() - start
    results[name].append((elapsed, requests_made(emu)))
    return value


def one_round(
    server: ProviderServer,
    emu: EmulatorHandle,
    results: dict[str, list[Any]],
    news: dict[str, Any],
    update: tuple[str, dict[str, Any]],
    delete: str,
) -> None:
    """One tenant's life: create, a no-change up, an update, a suspend, refresh, delete."""
    inputs = timed(emu, results, "check (new tenant)", lambda: server.check({}, news)).inputs
    created = timed(emu, results, "create", lambda: server.create(inputs))
    tenant = Deployed(created.id, inputs, created.outputs)
    same = timed(emu, results, "check (no change)", lambda: server.check(inputs, news)).inputs
    timed(emu, results, "diff (no change)", lambda: server.diff(tenant.id, tenant.outputs, same))
    label, change = update
    changed = {**inputs, **change}
    outputs = timed(emu, results, label, lambda: server.update(tenant.id, tenant.outputs, changed))
    suspended = {**changed, "suspended": True}
    outputs = timed(
        emu, results, "update (suspend)", lambda: server.update(tenant.id, outputs, suspended)
    )
    read = timed(emu, results, "read (refresh)", lambda: server.read(tenant.id, outputs))
    timed(emu, results, delete, lambda: server.delete(tenant.id, read.outputs))


def rss_kib(server: ProviderServer) -> int:
    for line in Path(f"/proc/{server.proc.pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def report(title: str, provider: str, results: dict[str, list[Any]], rss: list[int]) -> None:
    raw = base64.b64decode(provider)
    print(f"\n{title}: pickled provider {len(provider)} characters of base64 ({len(raw)} bytes)")
    print(f"{'operation':<22} {'API requests':<52} {'median ms':>9}")
    for name, samples in results.items():
        counts = {frozenset(c.items()) for _, c in samples}
        requests = "; ".join(
            ", ".join(f"{route} x{n}" for route, n in sorted(dict(c).items())) or "none"
            for c in counts
        )
        median = statistics.median(elapsed for elapsed, _ in samples) * 1000
        print(f"{name:<22} {requests:<52} {median:9.1f}")
    print(f"provider process RSS after a round: median {statistics.median(rss) / 1024:.1f} MiB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()

    [mail] = register(lambda: mailbux.Tenant("mail", quota_gb=1))
    [archive] = register(lambda: easymailarchive.Tenant("archive", slug="abc", name="A"))
    with tempfile.TemporaryDirectory() as tmp:
        process = start_emulator((), stderr_path=Path(tmp) / "emulator.log")
        emu = EmulatorHandle(process.url)
        try:
            for title, registered, run_round in (
                (
                    "mailbux.Tenant",
                    mail,
                    lambda s, r, n: one_round(
                        s,
                        emu,
                        r,
                        {"quota_gb": 5.0},
                        ("update (quota)", {"quota_gb": 6}),
                        "delete (terminate)",
                    ),
                ),
                (
                    "easymailarchive.Tenant",
                    archive,
                    lambda s, r, n: one_round(
                        s,
                        emu,
                        r,
                        {"slug": f"bench-{n}", "name": "Bench"},
                        ("update (rename)", {"name": "Bench Renamed"}),
                        "delete (suspend)",
                    ),
                ),
            ):
                emu.reset()
                # 20 rounds exceed 60 requests a minute: measure the provider, not 429 waits.
                emu.configure_reseller(api="easymailarchive", api_key=EMA_KEY, rate_limit=0)
                results: dict[str, list[Any]] = defaultdict(list)
                rss: list[int] = []
                for n in range(args.rounds):
                    log = Path(tmp) / f"provider-{title}-{n}.log"
                    with ProviderServer.start(registered.provider, stderr_path=log) as server:
                        server.configure(
                            stack_config(emu),
                            secrets=["mailbux:apiKey", "easymailarchive:apiKey"],
                        )
                        run_round(server, results, n)
                        rss.append(rss_kib(server))
                report(title, registered.provider, results, rss)
        finally:
            emu.close()
            process.stop()


if __name__ == "__main__":
    main()
