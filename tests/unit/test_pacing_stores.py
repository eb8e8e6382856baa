"""The machine-local window's folder and the windows the stores hand back: a folder named
by RESELLERTENANT_PACING_DIR is not ours (only a subfolder of our own is), a window holding
values no pacing can have written heals itself, and a file that can no longer be written
leaves the process pacing alone instead of failing every request."""

from __future__ import annotations

import logging
import math
import os
import sqlite3
import stat
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from pulumi_resellertenant.core.pacing._pacing import Window
from pulumi_resellertenant.core.pacing._pacing_stores import (
    MemoryStore,
    SqliteStore,
    account_digest,
    pacing_dir,
)
from pulumi_resellertenant.core.pacing._ratelimit import RateLimiter, shared_rate_limiter
from pulumi_resellertenant.core.transport._deadline import Deadline
from pulumi_resellertenant.core.transport._http import HttpClient
from pulumi_resellertenant.core.transport._settings import Account, ApiSettings, load_settings
from pulumi_resellertenant.easymailarchive.client import EASYMAILARCHIVE
from pulumi_resellertenant.mailbux import MAILBUX
from support.fake_clock import FakeClock

SUBFOLDER = "pulumi-resellertenant-pacing"
TWO_DAYS_AGO = time.time() - 2 * 86400


def account(url: str, key: str = "k-stores-1234567890") -> Account:
    return load_settings(MAILBUX, None, {"MAILBUX_API_KEY": key, "MAILBUX_BASE_URL": url}).account


def file_name(acct: Account) -> str:
    return f"{acct.namespace}-{account_digest(acct)}.sqlite3"


def aged(path: Path, content: bytes = b"") -> Path:
    path.write_bytes(content)
    os.utime(path, (TWO_DAYS_AGO, TWO_DAYS_AGO))
    return path


def pacing_warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        r.getMessage()
        for r in caplog.records
        if r.name == "pulumi_resellertenant.pacing" and r.levelno == logging.WARNING
    ]


# --- finding 5: a folder named by RESELLERTENANT_PACING_DIR is not ours ----------------------


def test_the_named_folder_holds_a_subfolder_of_our_own() -> None:
    assert pacing_dir({"RESELLERTENANT_PACING_DIR": "/srv/shared"}) == Path(
        "/srv/shared", SUBFOLDER
    )


@pytest.mark.skipif(os.name != "posix", reason="POSIX modes")
def test_a_shared_folder_keeps_its_mode_and_other_programs_files(tmp_path: Path) -> None:
    """The issue's case: a 1777 folder, another program's day-old SQLite files in it (one even
    named like ours). Opening a window changes neither: it works in its own subfolder."""
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o1777)
    acct = account("https://shared-folder.test.invalid")
    others = [aged(shared / "other-program.sqlite3"), aged(shared / file_name(acct))]
    store = SqliteStore.for_account(acct, {"RESELLERTENANT_PACING_DIR": str(shared)})
    try:
        RateLimiter(5, 60.0, store=store).acquire()
    finally:
        store.close()
    assert stat.S_IMODE(shared.stat().st_mode) == 0o1777
    assert all(other.exists() for other in others)
    own = shared / SUBFOLDER
    assert stat.S_IMODE(own.stat().st_mode) == 0o700
    assert (own / file_name(acct)).exists()
    assert all(stat.S_IMODE(f.stat().st_mode) == 0o600 for f in own.iterdir())


def test_only_our_own_stale_files_are_removed(tmp_path: Path) -> None:
    own = tmp_path / SUBFOLDER
    own.mkdir(mode=0o700)
    digest = "0123456789abcdef" * 2
    ours = [aged(own / f"mailbux-{digest}.sqlite3"), aged(own / f"mailbux-{digest}.sqlite3-wal")]
    foreign = [aged(own / "notes.sqlite3"), aged(own / f"mailbux-{digest}.sqlite3.bak")]
    SqliteStore.for_account(
        account("https://stale-own.test.invalid"), {"RESELLERTENANT_PACING_DIR": str(tmp_path)}
    ).close()
    assert not any(path.exists() for path in ours)
    assert all(path.exists() for path in foreign)


@pytest.fixture
def elsewhere(tmp_path: Path) -> Iterator[Path]:
    """A folder a link may point to: it must stay as it is."""
    folder = tmp_path / "elsewhere"
    folder.mkdir(mode=0o755)
    aged(folder / "data.sqlite3")
    yield folder
    assert stat.S_IMODE(folder.stat().st_mode) == 0o755
    assert [p.name for p in folder.iterdir()] == ["data.sqlite3"]


@pytest.mark.skipif(os.name != "posix", reason="POSIX links and owners")
@pytest.mark.parametrize("case", ["link", "other-user"])
def test_a_subfolder_not_ours_is_refused_and_the_process_paces_alone(
    case: str,
    tmp_path: Path,
    elsewhere: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    own = shared / SUBFOLDER
    if case == "link":
        own.symlink_to(elsewhere, target_is_directory=True)
    else:
        own.mkdir(mode=0o755)
        if os.geteuid() == 0:
            os.chown(own, 65534, 65534)  # nobody's
        else:
            monkeypatch.setattr(os, "geteuid", lambda: os.getuid() + 1)
    acct = account(f"https://not-ours-{case}.test.invalid")
    with caplog.at_level(logging.WARNING, logger="pulumi_resellertenant.pacing"):
        pacer = shared_rate_limiter(acct, 60, environ={"RESELLERTENANT_PACING_DIR": str(shared)})
    assert isinstance(pacer.store, MemoryStore)
    [warning] = pacing_warnings(caplog)
    assert str(own) in warning
    assert "pacing this process alone" in warning
    assert pacer.acquire() is not None
    if case == "other-user":
        assert stat.S_IMODE(own.lstat().st_mode) == 0o755
        assert list(own.iterdir()) == []


def test_an_unopenable_window_file_is_named_in_the_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    acct = account("https://unopenable.test.invalid")
    environ = {"RESELLERTENANT_PACING_DIR": str(tmp_path)}
    folder = pacing_dir(environ)
    folder.mkdir(mode=0o700, exist_ok=True)
    (folder / file_name(acct)).write_bytes(b"not a database" * 100)
    with caplog.at_level(logging.WARNING, logger="pulumi_resellertenant.pacing"):
        pacer = shared_rate_limiter(acct, 60, environ=environ)
    assert isinstance(pacer.store, MemoryStore)
    [warning] = pacing_warnings(caplog)
    assert str(folder / file_name(acct)) in warning
    assert "DatabaseError" in warning


# --- finding 6: a poisoned window heals, an unwritable one falls back ------------------------


def poison(field: str, value: float) -> Any:
    """A change writing what no pacing can have written (the limiter is bypassed)."""

    def change(window: Window, now: float) -> None:
        if field == "hold":
            window.hold_until = value
        elif field == "done":
            window.done = [now + value, now + value + 1.0]
        else:
            window.pending = {"a": (now + value, now + value + 35.0), "b": (now + value, math.inf)}

    return change


POISONS = [
    pytest.param("hold", 1e18, id="hold-1e18"),
    pytest.param("hold", math.inf, id="hold-infinity"),
    pytest.param("hold", math.nan, id="hold-nan"),
    pytest.param("done", 4 * 3600.0, id="answers-hours-ahead"),
    pytest.param("pending", 4 * 3600.0, id="sends-hours-ahead"),
    pytest.param("done", math.nan, id="answers-nan"),
]


def stored(store: SqliteStore) -> Window:
    return store.update(lambda w, now: Window(list(w.done), dict(w.pending), w.hold_until))


def has_poison(window: Window, now: float) -> bool:
    times = [window.hold_until, *window.done, *(t for e in window.pending.values() for t in e)]
    return any(not math.isfinite(t) for t in times) or window.hold_until > now + 120.0


@pytest.mark.parametrize(("field", "value"), POISONS)
def test_a_poisoned_window_is_repaired_once_with_a_warning_naming_the_store(
    field: str, value: float, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    clock = FakeClock()
    store = SqliteStore(tmp_path / "window.sqlite3", clock=clock)
    store.update(poison(field, value))
    pacer = RateLimiter(2, 60.0, store=store, clock=clock, sleep=clock.sleep)
    with caplog.at_level(logging.WARNING, logger="pulumi_resellertenant.pacing"):
        assert pacer.acquire(max_wait=5.0) is not None
        assert pacer.acquire(max_wait=5.0) is not None
    assert clock.sleeps == []
    [warning] = pacing_warnings(caplog)
    assert store.description in warning
    window = stored(store)
    assert not has_poison(window, clock.now)
    assert all(t <= clock.now for t in window.done)
    assert all(at <= clock.now for at, _ in window.pending.values())
    store.close()


def test_a_legitimate_window_is_left_as_it_is(caplog: pytest.LogCaptureFixture) -> None:
    """A 120 s hold, requests queued behind it and answers up to now: nothing to drop."""
    clock = FakeClock()
    store = MemoryStore(clock)
    pacer = RateLimiter(2, 60.0, store=store, clock=clock, sleep=clock.note)
    with caplog.at_level(logging.WARNING, logger="pulumi_resellertenant.pacing"):
        pacer.settle(pacer.acquire() or pytest.fail("no slot"))
        pacer.hold(120.0)
        assert pacer.acquire() is not None
        assert pacer.acquire() is not None
        assert clock.sleeps == [120.0, 120.0]
        before = store.update(lambda w, now: w.to_json())
        assert pacer.acquire(max_wait=0.0) is None
    assert store.update(lambda w, now: w.to_json()) == before
    assert pacing_warnings(caplog) == []


def test_a_retry_after_longer_than_the_cap_holds_only_up_to_the_cap() -> None:
    clock = FakeClock()
    pacer = RateLimiter(5, 60.0, clock=clock, sleep=clock.sleep)
    pacer.hold(1e18)
    assert pacer.acquire(max_wait=121.0) is not None
    assert clock.sleeps == [120.0]


def test_a_poisoned_window_no_longer_fails_requests_as_too_many_parallel_operations() -> None:
    """The issue's symptom, through the client: a hold of 1e18 in the window made every
    request fail before it was sent, blaming parallelism."""
    clock = FakeClock()
    store = MemoryStore(clock)
    store.update(poison("hold", 1e18))
    sent: list[float] = []
    settings = ApiSettings(
        spec=EASYMAILARCHIVE,
        base_url="https://poisoned.test.invalid",
        api_key="k-poisoned-1234567890",
        requests_per_minute=0,
    )

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(clock.now)
        return httpx.Response(200, json={})

    transport = httpx.MockTransport(answer)
    limiter = RateLimiter(60, 60.0, store=store, clock=clock, sleep=clock.sleep)
    client = HttpClient(
        settings, transport=transport, limiter=limiter, sleep=clock.sleep, clock=clock
    )
    client.request("GET", "/api/reseller/tenants", deadline=Deadline(300.0, clock=clock))
    assert sent == [1000.0]


class FullDisk:
    """A connection whose writes fail as on a full disk; reads still work."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def execute(self, sql: str, *args: Any) -> sqlite3.Cursor:
        if sql.startswith("INSERT"):
            raise sqlite3.OperationalError("database or disk is full")
        return self._conn.execute(sql, *args)

    def close(self) -> None:
        self._conn.close()


@pytest.mark.parametrize("failure", ["read-only", "disk-full"])
def test_a_window_file_that_can_no_longer_be_written_falls_back_to_memory(
    failure: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    clock = FakeClock()
    path = tmp_path / "window.sqlite3"
    store = SqliteStore(path, clock=clock)
    pacer = RateLimiter(1, 60.0, store=store, clock=clock, sleep=clock.sleep)
    if failure == "read-only":
        store._conn.execute("PRAGMA query_only = ON")
    else:
        monkeypatch.setattr(store, "_conn", FullDisk(store._conn))
    with caplog.at_level(logging.WARNING, logger="pulumi_resellertenant.pacing"):
        slot = pacer.acquire(max_wait=5.0)
        assert slot is not None
        pacer.settle(slot)
        # Paced in memory from now on: the limit still holds, with no further warning.
        assert pacer.acquire(max_wait=5.0) is None
        assert pacer.acquire() is not None
    [warning] = pacing_warnings(caplog)
    assert str(path) in warning
    assert "pacing this process alone" in warning
    assert clock.sleeps == [60.0]
    store.close()
