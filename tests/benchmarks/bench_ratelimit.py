"""Benchmark: how precisely the client-side rate limiter paces a busy process.

Sends N requests from WORKERS threads through one shared Easy Mail Archive client (as the 4
worker threads of a ``pulumi up`` do) to the emulator, whose limit is RATE requests per minute
per key, and prints the elapsed time against the ideal and the 429s the emulator answered,
three times: with the client's limit equal to the server's (no margin at all), with the
client's default (55/min), and with the client's limit off (the emulator's 429 and
Retry-After take over).

The ideal for a client limit of C per minute: C requests at once, then C more each time the
window has moved on, so (ceil(N / C) - 1) minutes plus the requests' own time.

    .venv/bin/python tests/benchmarks/bench_ratelimit.py [--requests 120] [--rate 60]

Results are recorded in tests/benchmarks/RESULTS.md. Not collected by pytest (no test_ prefix).
"""

from __future__ import annotations

import argparse
import math
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import httpx

from pulumi_resellertenant.core import ApiError
from pulumi_resellertenant.easymailarchive import EASYMAILARCHIVE, EasyMailArchiveClient

KEY = "easymailarchive-local-key"


def start_emulator() -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "pulumi_resellertenant.emulator", "--port", "0"],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    url = line.rsplit(" ", 1)[-1].strip()
    for _ in range(100):
        try:
            if httpx.get(f"{url}/_emulator/health").status_code == 200:
                return proc, url
        except httpx.TransportError:
            time.sleep(0.1)
    raise RuntimeError(f"emulator did not start: {line!r}")


def run(
    url: str, *, requests: int, workers: int, server_rate: int, client_rate: int
) -> tuple[float, int, int]:
    """Elapsed seconds, 429 answers and failed requests for one load."""
    httpx.post(f"{url}/_emulator/reset")
    httpx.put(
        f"{url}/_emulator/resellers",
        json={"api": "easymailarchive", "api_key": KEY, "rate_limit": server_rate},
    )
    environ = {
        "EASYMAILARCHIVE_API_KEY": KEY,
        "EASYMAILARCHIVE_BASE_URL": url,
        "EASYMAILARCHIVE_REQUESTS_PER_MINUTE": str(client_rate),
    }
    with EasyMailArchiveClient.from_config(environ=environ) as client:

        def one(_: int) -> bool:
            try:
                client.list_tenants()
                return True
            except ApiError:
                return False

        started = time.monotonic()
        with ThreadPoolExecutor(workers) as pool:
            failures = sum(not ok for ok in pool.map(one, range(requests)))
        elapsed = time.monotonic() - started
    routes = httpx.get(f"{url}/_emulator/counters").json()["routes"]
    rejected = sum(r["by_status"].get("429", 0) for r in routes.values())
    return elapsed, rejected, failures


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--requests", type=int, default=120)
    parser.add_argument("--rate", type=int, default=60, help="emulator limit per minute per key")
    parser.add_argument("--workers", type=int, default=4, help="threads, as Pulumi's 4 workers")
    args = parser.parse_args()

    proc, url = start_emulator()
    try:
        n = args.requests
        print(f"{n} requests, {args.workers} threads, emulator limit {args.rate}/min per key")
        for label, client_rate in (
            ("client limit = server limit", args.rate),
            ("client default", EASYMAILARCHIVE.requests_per_minute),
            ("client limit off", 0),
        ):
            ideal = (math.ceil(n / client_rate) - 1) * 60 if client_rate else None
            elapsed, rejected, failures = run(
                url,
                requests=n,
                workers=args.workers,
                server_rate=args.rate,
                client_rate=client_rate,
            )
            ideal_text = f"ideal {ideal:4d} s" if ideal is not None else "ideal    - "
            print(
                f"{label:28} ({client_rate:3d}/min): elapsed {elapsed:6.2f} s, {ideal_text}, "
                f"429 answers: {rejected}, failed requests: {failures}"
            )
    finally:
        proc.terminate()
        proc.wait(10)


if __name__ == "__main__":
    main()
