"""The limiter over its window stores: a fake clock for every wait, real files for the
machine-local window, and the process-wide registry."""

from __future__ import annotations

import logging
import os
import stat
import sys
import threading
import time
from pathlib import Path

import pytest

from pulumi_resellertenant.core.pacing import _ratelimit as ratelimit
from pulumi_resellertenant.core.pacing._pacing_stores import (
    MemoryStore,
    PacingStoreError,
    RedisStore,
    SqliteStore,
    account_digest,
    pacing_dir,
)
from pulumi_resellertenant.core.pacing._ratelimit import RateLimiter, Slot, shared_rate_limiter
from pulumi_resellertenant.core.transport._settings import Account, load_settings
from pulumi_resellertenant.mailbux import MAILBUX
from support.fake_clock import FakeClock


def limiter(limit: int, window: float, clock: FakeClock) -> RateLimiter:
    return RateLimiter(limit, window, clock=clock, sleep=clock.sleep)


def send(pacer: RateLimiter, clock: FakeClock, latency: float = 0.0) -> Slot:
    """One request: wait for a slot, then the answer after `latency` seconds."""
    slot = pacer.acquire()
    assert slot is not None
    clock.now += latency
    pacer.settle(slot)
    return slot


def test_a_run_within_the_limit_never_waits() -> None:
    clock = FakeClock()
    pacer = limiter(60, 60.0, clock)
    assert all(pacer.acquire() is not None for _ in range(60))
    assert clock.sleeps == []


def test_past_the_limit_each_request_waits_a_window_after_the_answer_it_replaces() -> None:
    clock = FakeClock()
    pacer = limiter(3, 60.0, clock)
    for _ in range(3):
        send(pacer, clock, latency=1.0)  # answered at 1001, 1002, 1003
    send(pacer, clock)
    assert clock.sleeps == [58.0]  # sent at 1061, a window after the first answer
    send(pacer, clock)
    assert clock.sleeps == [58.0, 1.0]  # then at 1062, a window after the second
    assert clock.now == 1062.0


def test_acquire_refuses_without_sleeping() -> None:
    clock = FakeClock()
    pacer = limiter(1, 60.0, clock)
    send(pacer, clock)
    assert pacer.acquire(max_wait=1.0) is None
    assert clock.sleeps == []
    assert pacer.acquire(max_wait=60.0) is not None  # the refused call took nothing


def test_a_slot_in_flight_makes_the_next_wait_for_its_answer() -> None:
    """Limit 1, a request in flight: the next one cannot know its time before that answer;
    it polls until the slot's lease ends (its process never answered here)."""
    clock = FakeClock()
    pacer = RateLimiter(1, 60.0, clock=clock, sleep=clock.sleep, poll=1.0)
    assert pacer.acquire(lease=5.0) is not None  # never settled
    assert pacer.acquire(max_wait=100.0, lease=5.0) is not None
    # Five polls of 1 s until the lease ended at 1005, then a window after it.
    assert clock.sleeps == [1.0] * 5 + [60.0]


def test_a_wait_for_an_answer_counts_against_max_wait() -> None:
    clock = FakeClock()
    pacer = RateLimiter(1, 10.0, clock=clock, sleep=clock.sleep, poll=1.0)
    assert pacer.acquire(lease=100.0) is not None
    assert pacer.acquire(max_wait=12.0) is None  # polled for an answer that never came
    assert sum(clock.sleeps) == 12.0


def test_retry_after_holds_every_caller() -> None:
    clock = FakeClock()
    pacer = limiter(100, 60.0, clock)
    pacer.hold(30.0)
    send(pacer, clock)
    assert clock.sleeps == [30.0]
    assert pacer.acquire(max_wait=0.0) is not None  # after the hold, the window is open
    pacer.hold(0.0)  # no Retry-After of zero holds anything
    assert pacer.acquire(max_wait=0.0) is not None


@pytest.mark.parametrize(("limit", "window"), [(0, 60.0), (-5, 60.0), (60, 0.0), (60, -1.0)])
def test_invalid_parameters(limit: int, window: float) -> None:
    with pytest.raises(ValueError, match=r"limit|window"):
        RateLimiter(limit, window)


def test_threads_get_distinct_slots_in_the_order_they_asked() -> None:
    """8 threads x 25 requests against a frozen clock, each answered at its send time: the
    send times keep the limit, none is lost, and each thread's own never go backwards."""
    clock = FakeClock()
    local = threading.local()
    pacer = RateLimiter(10, 1.0, clock=clock, sleep=lambda s: local.waits.append(s))
    threads, per_thread = 8, 25
    sends: list[float] = []
    lock = threading.Lock()
    barrier = threading.Barrier(threads)

    def work() -> None:
        local.waits = []
        barrier.wait()
        for _ in range(per_thread):
            slot = pacer.acquire()
            assert slot is not None
            pacer.settle(slot)  # answered at its send time: the frozen clock is behind it
        mine = [clock.now + w for w in local.waits]
        assert mine == sorted(mine)
        with lock:
            sends.extend(mine + [clock.now] * (per_thread - len(mine)))

    workers = [threading.Thread(target=work) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=10)
    sends.sort()
    assert len(sends) == threads * per_thread
    assert all(sends[i] - sends[i - 10] >= 1.0 - 1e-9 for i in range(10, len(sends)))
    assert sends[-1] - sends[0] == pytest.approx(19.0)  # ten a second, no second wasted


def test_real_clock_paces_briefly() -> None:
    # The one real-time check: 2 per 0.1 s lets the first two through at once, then waits.
    pacer = RateLimiter(2, 0.1)
    started = time.monotonic()
    for _ in range(3):
        slot = pacer.acquire(max_wait=1.0)
        assert slot is not None
        pacer.settle(slot)
    elapsed = time.monotonic() - started
    assert 0.09 <= elapsed < 0.9


# --- the machine-local window (a SQLite file) ----------------------------------------------


def account(url: str, key: str) -> Account:
    return load_settings(MAILBUX, None, {"MAILBUX_API_KEY": key, "MAILBUX_BASE_URL": url}).account


def test_two_stores_on_one_file_share_the_window(tmp_path: Path) -> None:
    """Two processes open the same file: what one takes, the other sees."""
    path = tmp_path / "window.sqlite3"
    clock = FakeClock()
    first = RateLimiter(
        2, 60.0, store=SqliteStore(path, clock=clock), clock=clock, sleep=clock.sleep
    )
    second = RateLimiter(
        2, 60.0, store=SqliteStore(path, clock=clock), clock=clock, sleep=clock.sleep
    )
    send(first, clock, latency=0.5)
    send(second, clock, latency=0.5)
    assert first.acquire(max_wait=59.0) is None
    assert second.acquire(max_wait=59.5) is not None  # a window after the first answer
    second.hold(120.0)
    assert first.acquire(max_wait=119.0) is None  # the Retry-After reached the other one


def test_the_window_file_is_private_and_named_without_the_key(tmp_path: Path) -> None:
    secret = "file-secret-key-0987654321"
    store = SqliteStore.for_account(
        account("https://files.test.invalid", secret), {"XDG_CACHE_HOME": str(tmp_path)}
    )
    RateLimiter(5, 60.0, store=store).acquire()
    folder = tmp_path / "pulumi-resellertenant" / "pacing"
    files = list(folder.iterdir())
    assert files
    assert all(
        secret not in f.name and secret not in f.read_bytes().decode(errors="replace")
        for f in files
    )
    if os.name == "posix":
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
        assert all(stat.S_IMODE(f.stat().st_mode) == 0o600 for f in files)
    store.close()


def test_the_cache_folder_follows_xdg_cache_home(tmp_path: Path) -> None:
    assert pacing_dir({"XDG_CACHE_HOME": str(tmp_path)}) == (
        tmp_path / "pulumi-resellertenant" / "pacing"
    )
    assert pacing_dir({}) == Path.home() / ".cache" / "pulumi-resellertenant" / "pacing"


def test_stale_windows_are_removed_when_a_window_opens(tmp_path: Path) -> None:
    folder = tmp_path / "pulumi-resellertenant" / "pacing"
    folder.mkdir(parents=True)
    # Named as the store names its files: it deletes no other (another program's, say).
    stale, fresh = folder / f"mailbux-{'0' * 32}.sqlite3", folder / f"mailbux-{'1' * 32}.sqlite3"
    stale.write_bytes(b"")
    fresh.write_bytes(b"")
    two_days_ago = time.time() - 2 * 86400
    os.utime(stale, (two_days_ago, two_days_ago))
    SqliteStore.for_account(
        account("https://stale.test.invalid", "k"), {"XDG_CACHE_HOME": str(tmp_path)}
    ).close()
    assert not stale.exists()
    assert fresh.exists()


def test_a_damaged_window_file_leaves_the_process_pacing_alone(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    acct = account("https://damaged.test.invalid", "k-damaged")
    environ = {"XDG_CACHE_HOME": str(tmp_path)}
    folder = pacing_dir(environ)
    folder.mkdir(parents=True)
    (folder / f"mailbux-{account_digest(acct)}.sqlite3").write_bytes(b"not a database" * 100)
    with caplog.at_level(logging.WARNING, logger="pulumi_resellertenant.pacing"):
        pacer = shared_rate_limiter(acct, 60, environ=environ)
    assert isinstance(pacer.store, MemoryStore)
    assert "DatabaseError" in caplog.text


# --- the process-wide registry -------------------------------------------------------------


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("RESELLERTENANT_PACING_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    return tmp_path


@pytest.mark.usefixtures("cache_home")
def test_shared_limiter_is_one_per_account_and_follows_its_limit() -> None:
    url = "https://shared.test.invalid"
    first = shared_rate_limiter(account(url, "key-one-abcdef"), 60)
    assert shared_rate_limiter(account(url, "key-one-abcdef"), 60) is first
    assert shared_rate_limiter(account(url, "key-two-abcdef"), 60) is not first
    assert shared_rate_limiter(account(url + "/other", "key-one-abcdef"), 60) is not first
    assert (first.limit, first.window) == (60, 60.0)
    assert isinstance(first.store, SqliteStore)
    assert shared_rate_limiter(account(url, "key-one-abcdef"), 30).limit == 30


def test_shared_limiter_registry_never_holds_the_key(cache_home: Path) -> None:
    secret = "registry-secret-key-0987654321"
    shared_rate_limiter(account("https://registry.test.invalid", secret), 60)
    assert secret not in repr(ratelimit._registry)
    assert all(secret not in str(key) for key in ratelimit._registry)
    assert not any(secret in p.name for p in cache_home.rglob("*"))


def test_shared_limiter_without_a_usable_folder_paces_this_process_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.delenv("RESELLERTENANT_PACING_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    with caplog.at_level(logging.WARNING, logger="pulumi_resellertenant.pacing"):
        pacer = shared_rate_limiter(account("https://nofolder.test.invalid", "k-nofolder"), 60)
    assert isinstance(pacer.store, MemoryStore)
    assert "pacing this process alone" in caplog.text
    assert pacer.acquire() is not None


@pytest.mark.usefixtures("cache_home")
def test_shared_limiter_with_a_redis_url_uses_redis_and_a_new_url_replaces_it() -> None:
    acct = account("https://redis-choice.test.invalid", "k-redis-choice")
    first = shared_rate_limiter(acct, 60, redis_url="redis://127.0.0.1:1/0")
    assert isinstance(first.store, RedisStore)
    assert shared_rate_limiter(acct, 60, redis_url="redis://127.0.0.1:1/0") is first
    assert shared_rate_limiter(acct, 60, redis_url="redis://127.0.0.1:2/0") is not first
    assert isinstance(shared_rate_limiter(acct, 60).store, SqliteStore)


@pytest.mark.usefixtures("cache_home")
def test_an_unreachable_redis_is_a_store_error_naming_the_setting_not_the_password() -> None:
    acct = account("https://redis-down.test.invalid", "k-redis-down")
    pacer = shared_rate_limiter(
        acct,
        60,
        redis_url="redis://:hunter2-password@127.0.0.1:1/0",
        redis_setting="mailbux:redisUrl",
    )
    with pytest.raises(PacingStoreError, match=r"mailbux:redisUrl") as caught:
        pacer.acquire()
    assert "hunter2" not in str(caught.value)
    assert "127.0.0.1:1" in str(caught.value)


def test_a_redis_url_without_the_redis_client_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch, cache_home: Path
) -> None:
    monkeypatch.setitem(sys.modules, "redis", None)  # import redis now raises ImportError
    with pytest.raises(PacingStoreError, match=r"pulumi-resellertenant\[redis\]"):
        shared_rate_limiter(
            account("https://noredis.test.invalid", "k"), 60, redis_url="redis://h/0"
        )


@pytest.mark.usefixtures("cache_home")
def test_shared_limiter_is_thread_safe() -> None:
    results: list[RateLimiter] = []
    barrier = threading.Barrier(8)

    def work() -> None:
        barrier.wait()
        results.append(shared_rate_limiter(account("https://race.test.invalid", "race-key"), 60))

    workers = [threading.Thread(target=work) for _ in range(8)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=10)
    assert len(results) == 8
    assert len({id(r) for r in results}) == 1
