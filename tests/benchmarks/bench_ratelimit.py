"""Benchmark: how close the client-side pacing gets to the server's floor, and at what cost.

Sends GET /api/reseller/tenants through HttpClient (retries, Retry-After and pacing as in a
deployment) to the emulator, whose Easy Mail Archive limit is RATE requests per rolling minute
per key, and prints one table per scenario:

  1. one process, WORKERS threads sharing one client (the 4 workers of a `pulumi up`),
     REQUESTS requests;
  2. PROCESSES processes on one key at once (the preview and the update of one `pulumi up`,
     or several stacks deployed at once), REQUESTS / PROCESSES requests each, WORKERS threads
     each;
  3. as 1, but the first RATE requests reach the server SLOW_MS after they left (the
     emulator's latency fault, applied before its rate limit counts them): a slow network
     at first, a fast one later;
  4. the cost of one acquire (and settle) when nothing waits, and how long a full window
     takes to refuse an acquire whose `max_wait` is too short (HttpClient's operation
     deadline).

Each row is one pacing:

  - `default`: this package's pacing, the window shared by the machine's processes (a file in
    a fresh cache folder), at the documented limit;
  - `default, Redis`: the same window in a redis-server the script starts (with --redis);
  - `old`: the limiter this package had before (send time, one process alone) at 55/min, and
    `old at limit` the same at the server's limit;
  - `pyrate-limiter`: pyrate-limiter 4's SQLiteBucket with its file lock (and with --redis its
    RedisBucket) at the documented limit, through its blocking `try_acquire`;
  - `off`: no client pacing (the server's 429 and Retry-After pace).

The floor is the server's own: ceil(N / RATE) - 1 windows.

    .venv/bin/python tests/benchmarks/bench_ratelimit.py [--requests 120] [--rate 60]
        [--workers 4] [--processes 2] [--pacings default,old,old-at-limit,pyrate,off]
        [--scenarios 1,2,3,4] [--slow-ms 300] [--redis]

pyrate-limiter rows need `pip install 'pyrate-limiter[filelock]'` (not a dependency of the
package). Results are recorded in tests/benchmarks/RESULTS.md. Not collected by pytest.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import math
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import deque
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the tests' helper modules

from pulumi_resellertenant.core import ApiError, ApiSettings, HttpClient
from pulumi_resellertenant.core.pacing._pacing_stores import RedisStore, SqliteStore, account_digest
from pulumi_resellertenant.core.pacing._ratelimit import RateLimiter
from pulumi_resellertenant.easymailarchive import EASYMAILARCHIVE
from support.emulator_handle import EMA_KEY, EmulatorHandle, running_emulator
from support.redis_binary import redis_server_binary

TENANTS = "/api/reseller/tenants"
OLD_DEFAULT = 55  # the package's Easy Mail Archive default before this pacing
WINDOW = 60.0


# --- the pacings compared --------------------------------------------------------------------


class SendTimeWindow:
    """The limiter this package had before, kept here for comparison: a window of send times
    in this process alone."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._lock = threading.Lock()
        self._sent: deque[float] = deque(maxlen=limit)

    def acquire(self, max_wait: float | None = None, *, lease: float | None = None) -> object:
        with self._lock:
            now = time.monotonic()
            at = now if len(self._sent) < self.limit else max(now, self._sent[0] + WINDOW)
            if max_wait is not None and at - now > max_wait:
                return None
            self._sent.append(at)
        if at > now:
            time.sleep(at - now)
        return True

    def settle(self, slot: object) -> None:
        pass

    def hold(self, seconds: float) -> None:
        pass


class PyrateWindow:
    """pyrate-limiter 4 in its documented use: one bucket, blocking try_acquire with the
    deadline as its timeout. It keeps no answer times and no Retry-After."""

    def __init__(self, limit: int, bucket_kind: str, where: str, name: str) -> None:
        from pyrate_limiter import Duration, Limiter, Rate, RedisBucket, SQLiteBucket

        rates = [Rate(limit, Duration.MINUTE)]
        if bucket_kind == "redis":
            from redis import Redis

            bucket: Any = RedisBucket.init(rates, Redis.from_url(where), name)
        else:
            bucket = SQLiteBucket.init_from_file(
                rates, table="pacing", db_path=where, use_file_lock=True
            )
        self._limiter = Limiter(bucket)

    def acquire(self, max_wait: float | None = None, *, lease: float | None = None) -> object:
        timeout = -1 if max_wait is None else max_wait
        return True if self._limiter.try_acquire("pacing", timeout=timeout) else None

    def settle(self, slot: object) -> None:
        pass

    def hold(self, seconds: float) -> None:
        pass


def make_pacing(name: str, url: str, limit: int, cache: str, redis_url: str | None) -> Any:
    """The limiter object of one pacing at a client limit, in this process; None for none."""
    account = settings_for(url).account
    if name == "default":
        store = SqliteStore.for_account(account, {"XDG_CACHE_HOME": cache})
        return RateLimiter(limit, WINDOW, store=store)
    if name == "default-redis":
        assert redis_url is not None
        return RateLimiter(limit, WINDOW, store=RedisStore.for_account(redis_url, account, "-"))
    if name in ("old", "old-at-limit"):
        return SendTimeWindow(limit)
    bucket = account_digest(account)  # one bucket per account, as the package's windows
    if name == "pyrate":
        return PyrateWindow(limit, "sqlite", os.path.join(cache, f"{bucket}.sqlite"), bucket)
    if name == "pyrate-redis":
        assert redis_url is not None
        return PyrateWindow(limit, "redis", redis_url, bucket)
    if name == "off":
        return None
    raise SystemExit(f"unknown pacing {name!r}")


LABELS = {
    "default": "default (machine window)",
    "default-redis": "default, Redis window",
    "old": f"old ({OLD_DEFAULT}/min, per process)",
    "old-at-limit": "old at limit (per process)",
    "pyrate": "pyrate-limiter SQLite+lock",
    "pyrate-redis": "pyrate-limiter Redis",
    "off": "off (429 + Retry-After)",
}


def client_rate(name: str, rate: int) -> int:
    """The client limit of a pacing against a server limit of `rate` (0: none)."""
    return {"old": OLD_DEFAULT, "off": 0}.get(name, rate)


# --- one load ----------------------------------------------------------------------------------


def settings_for(url: str) -> ApiSettings:
    return ApiSettings(spec=EASYMAILARCHIVE, base_url=url, api_key=EMA_KEY, requests_per_minute=0)


def send(url: str, pacing: Any, requests: int, workers: int) -> int:
    """Sends the requests from `workers` threads through one client; returns the failures."""
    with HttpClient(settings_for(url), limiter=pacing) as client:

        def one(_: int) -> bool:
            try:
                client.request("GET", TENANTS, params={"page": 1})
                return True
            except ApiError:
                return False

        with ThreadPoolExecutor(workers) as pool:
            return sum(not ok for ok in pool.map(one, range(requests)))


def worker_main(args: argparse.Namespace) -> None:
    """A child process of scenario 2: waits for the common start, sends, prints JSON."""
    limit = client_rate(args.pacing, args.rate)
    pacing = make_pacing(args.pacing, args.url, limit, args.cache, args.redis_url)
    time.sleep(max(0.0, args.start_at - time.time()))
    failures = send(args.url, pacing, args.requests, args.workers)
    print(json.dumps({"finished": time.time(), "failures": failures}))


def reset(emu: EmulatorHandle, rate: int) -> None:
    emu.reset()
    emu.configure_reseller(api="easymailarchive", api_key=EMA_KEY, rate_limit=rate)


def rejected(emu: EmulatorHandle) -> int:
    routes = emu.counters()
    return sum(r["by_status"].get("429", 0) for r in routes.values())


def one_process(
    emu: EmulatorHandle, name: str, args: argparse.Namespace, cache: str, slow_first: int = 0
) -> tuple[float, int, int]:
    reset(emu, args.rate)
    if slow_first:
        # The first window's requests reach the server slow_first ms after they left.
        emu.add_fault(method="GET", path=TENANTS, latency_ms=slow_first, count=args.rate)
    pacing = make_pacing(name, emu.url, client_rate(name, args.rate), cache, args.redis_url)
    started = time.monotonic()
    failures = send(emu.url, pacing, args.requests, args.workers)
    return time.monotonic() - started, rejected(emu), failures


def processes(
    emu: EmulatorHandle, name: str, args: argparse.Namespace, cache: str
) -> tuple[float, int, int]:
    reset(emu, args.rate)
    start_at = time.time() + 3.0  # after every child has imported the package
    each = args.requests // args.processes
    command = [sys.executable, __file__, "--worker", "--url", emu.url, "--pacing", name]
    command += ["--rate", str(args.rate), "--requests", str(each), "--workers"]
    command += [str(args.workers), "--cache", cache, "--start-at", str(start_at)]
    if args.redis_url:
        command += ["--redis-url", args.redis_url]
    children = [
        subprocess.Popen(command, stdout=subprocess.PIPE, text=True)  # noqa: S603
        for _ in range(args.processes)
    ]
    results = [json.loads(child.communicate(timeout=1800)[0]) for child in children]
    elapsed = max(r["finished"] for r in results) - start_at
    return elapsed, rejected(emu), sum(r["failures"] for r in results)


def print_table(title: str, rows: list[tuple[str, int, float, int, int]], floor: float) -> None:
    print(title)
    print(f"{'pacing':30} {'client':>8} {'elapsed':>9} {'floor':>7} {'ratio':>6} {'429':>4} failed")
    for name, rate, elapsed, too_many, failures in rows:
        limit = f"{rate}/min" if rate else "-"
        ratio = f"{elapsed / floor:5.2f}x" if floor else "    -"
        print(
            f"{LABELS[name]:30} {limit:>8} {elapsed:8.2f}s {floor:6.0f}s {ratio:>6} "
            f"{too_many:4d} {failures}"
        )
    print()


# --- overhead and max_wait -----------------------------------------------------------------


def overhead(name: str, cache: str, redis_url: str | None, limit: int, rounds: int = 10) -> float:
    """Microseconds per acquire + settle when nothing waits: `limit` requests, each in a
    window that holds up to `limit`, on `rounds` fresh accounts."""
    spent = 0.0
    for n in range(rounds):
        url = f"http://127.0.0.1:9/{name}-{n}"  # never contacted: a fresh account
        pacing = make_pacing(name, url, limit, cache, redis_url)
        started = time.perf_counter()
        for _ in range(limit):
            slot = pacing.acquire(None)
            pacing.settle(slot)
        spent += time.perf_counter() - started
    return spent / (rounds * limit) * 1e6


def refusal(name: str, cache: str, redis_url: str | None, max_wait: float = 2.0) -> float:
    """Seconds a full window takes to refuse an acquire that may wait `max_wait` only."""
    url = f"http://127.0.0.1:9/refusal-{name}"
    pacing = make_pacing(name, url, 5, cache, redis_url)
    for _ in range(5):
        pacing.settle(pacing.acquire(None))
    started = time.perf_counter()
    assert not pacing.acquire(max_wait)
    return time.perf_counter() - started


# --- redis-server for the Redis rows ---------------------------------------------------------


@contextmanager
def redis_server() -> Iterator[str]:
    binary = redis_server_binary()
    if binary is None:
        raise SystemExit("--redis needs redis-server: install the dev extra")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    proc = subprocess.Popen(  # noqa: S603
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    try:
        url = f"redis://127.0.0.1:{port}/0"
        for _ in range(100):
            with suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
                break
            time.sleep(0.05)
        yield url
    finally:
        proc.terminate()
        proc.wait(10)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--requests", type=int, default=120)
    parser.add_argument("--rate", type=int, default=60, help="emulator limit per minute per key")
    parser.add_argument("--workers", type=int, default=4, help="threads per process")
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--pacings", default="default,old,old-at-limit,pyrate,off")
    parser.add_argument("--scenarios", default="1,2,3,4")
    parser.add_argument("--redis", action="store_true", help="add the Redis rows")
    parser.add_argument("--slow-ms", type=int, default=300, help="scenario 4's network delay")
    # The child processes of scenario 2:
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--pacing", help=argparse.SUPPRESS)
    parser.add_argument("--cache", help=argparse.SUPPRESS)
    parser.add_argument("--start-at", type=float, help=argparse.SUPPRESS)
    parser.add_argument("--redis-url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker_main(args)
        return

    names = args.pacings.split(",")
    if "pyrate" in names and importlib.util.find_spec("pyrate_limiter") is None:
        raise SystemExit(
            "the pyrate rows need pyrate-limiter: .venv/bin/pip install "
            "'pyrate-limiter[filelock]==4.5.1', or leave pyrate out of --pacings"
        )
    with tempfile.TemporaryDirectory() as tmp, contextmanager_or_none(args.redis) as redis_url:
        args.redis_url = redis_url
        if redis_url:
            names += [n + "-redis" for n in ("default", "pyrate") if n in names]
        n = args.requests
        floor = (math.ceil(n / args.rate) - 1) * WINDOW
        stderr = Path(tmp) / "emulator.log"
        with running_emulator(stderr_path=stderr) as emu:
            scenarios = args.scenarios.split(",")
            if "1" in scenarios:
                rows = []
                for name in names:
                    result = one_process(emu, name, args, tempfile.mkdtemp(dir=tmp))
                    rows.append((name, client_rate(name, args.rate), *result))
                print_table(
                    f"1. one process, {args.workers} threads, {n} requests, "
                    f"emulator limit {args.rate}/min per key",
                    rows,
                    floor,
                )
            if "2" in scenarios:
                rows = []
                for name in names:
                    result = processes(emu, name, args, tempfile.mkdtemp(dir=tmp))
                    rows.append((name, client_rate(name, args.rate), *result))
                print_table(
                    f"2. {args.processes} processes x {args.workers} threads on one key, "
                    f"{n // args.processes} requests each, emulator limit {args.rate}/min",
                    rows,
                    floor,
                )
            if "3" in scenarios:
                rows = []
                for name in names:
                    cache = tempfile.mkdtemp(dir=tmp)
                    result = one_process(emu, name, args, cache, slow_first=args.slow_ms)
                    rows.append((name, client_rate(name, args.rate), *result))
                print_table(
                    f"3. as 1, the first {args.rate} requests reaching the server "
                    f"{args.slow_ms} ms after they left (a slow network at first)",
                    rows,
                    floor,
                )
        if "4" in scenarios:
            print("4. cost per acquire + settle (nothing waits); time to refuse max_wait=2 s")
            print(f"{'pacing':30} {'acquire':>10} {'refusal':>9}")
            for name in names:
                if name == "off":
                    continue
                cache = tempfile.mkdtemp(dir=tmp)
                cost = overhead(name, cache, redis_url, args.rate)
                refused = refusal(name, cache, redis_url)
                print(f"{LABELS[name]:30} {cost:8.0f}us {refused:8.3f}s")


@contextmanager
def contextmanager_or_none(wanted: bool) -> Iterator[str | None]:
    if not wanted:
        yield None
        return
    with redis_server() as url:
        yield url


if __name__ == "__main__":
    main()
