"""Where a pacing window lives: this process's memory, a file every process of this machine
opens, or Redis for several machines. Each store runs a change on the window atomically, with
its own clock, so all who share the store agree on both the window and the time.

Names are derived from a digest of the account (API, base URL and a digest of the key): the
key never appears in a file name or a Redis key.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import re
import sqlite3
import stat
import threading
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, TypeVar
from urllib.parse import urlsplit

from ._account import Account
from ._pacing import Window

if TYPE_CHECKING:
    import redis

__all__ = [
    "MemoryStore",
    "PacingStoreError",
    "RedisStore",
    "SqliteStore",
    "WindowStore",
    "account_digest",
    "pacing_dir",
]

log = logging.getLogger("pulumi_resellertenant.pacing")

T = TypeVar("T")

Change = Callable[[Window, float], T]
"""Changes the window at the store's time and returns what the caller wants to know."""


class PacingStoreError(Exception):
    """The shared window could not be read or written; the message names where it lives."""


class WindowStore(Protocol):
    description: str
    """Where the window lives, for messages (never a secret)."""

    def update(self, change: Change[T]) -> T: ...

    def close(self) -> None: ...


def account_digest(account: Account) -> str:
    """A name for one account's window: the same in every process, and no trace of the key
    beyond the account's own key digest, hashed again."""
    material = "\0".join((account.namespace, account.base_url, account.key_digest))
    return hashlib.sha256(material.encode()).hexdigest()[:32]


class MemoryStore:
    """The window of this process alone (tests, and the fallback when no file can be kept)."""

    description = "this process's memory"

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._window = Window()

    def update(self, change: Change[T]) -> T:
        with self._lock:
            return change(self._window, self._clock())

    def close(self) -> None:
        pass


# The folder of our files inside a folder named by RESELLERTENANT_PACING_DIR, which may be
# shared (/tmp): there we create, chmod and delete nothing but this folder and its files.
SUBFOLDER = "pulumi-resellertenant-pacing"

# Exactly the names this module gives (namespace, digest) and SQLite's side files: the only
# files it ever deletes.
_OWN_FILE = re.compile(r"[a-z0-9_]+-[0-9a-f]{32}\.sqlite3(?:-wal|-shm|-journal)?")


def pacing_dir(environ: Mapping[str, str] | None = None) -> Path:
    """The folder of the machine-local windows, ours alone: in the per-user cache folder, or
    a subfolder of the one RESELLERTENANT_PACING_DIR names (the processes that must share a
    window must name the same)."""
    env = os.environ if environ is None else environ
    if env.get("RESELLERTENANT_PACING_DIR"):
        return Path(env["RESELLERTENANT_PACING_DIR"]) / SUBFOLDER
    base = env.get("XDG_CACHE_HOME") or env.get("LOCALAPPDATA")
    root = Path(base) if base else Path.home() / ".cache"
    return root / "pulumi-resellertenant" / "pacing"


# A window untouched this long holds nothing; its file is left over from an old run.
_STALE_AFTER = 24 * 3600.0


class SqliteStore:
    """The window in a small SQLite file that every process of this machine opens; SQLite's
    own lock (BEGIN IMMEDIATE) makes each change atomic across processes. Wall-clock time,
    since the file outlives processes (and a reboot).

    A file that cannot be written any more (disk full, made read-only) leaves this process
    pacing alone, in memory, after one warning: a window lost costs at most a 429."""

    def __init__(self, path: Path, *, clock: Callable[[], float] = time.time) -> None:
        self.description = f"the machine-local pacing file {path}"
        self._clock = clock
        self._lock = threading.Lock()
        self._fallback: MemoryStore | None = None
        try:
            # Created private before SQLite opens it; SQLite's side files copy its mode. Never
            # through a link: the file is ours alone.
            flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0)
            os.close(os.open(path, flags, 0o600))
            self._conn = sqlite3.connect(
                path, timeout=30.0, isolation_level=None, check_same_thread=False
            )
        except (OSError, sqlite3.Error) as exc:
            raise PacingStoreError(f"{self.description}: {type(exc).__name__}: {exc}") from None
        try:
            # WAL: writers do not block readers, and a commit needs no fsync with NORMAL; a
            # window lost to a power cut costs nothing that a Retry-After does not repair.
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=NORMAL")
            self._conn.execute(
                "CREATE TABLE IF NOT EXISTS pacing_window"
                " (id INTEGER PRIMARY KEY CHECK (id = 1), state TEXT NOT NULL)"
            )
        except sqlite3.Error as exc:
            self._conn.close()
            raise PacingStoreError(f"{self.description}: {type(exc).__name__}: {exc}") from None

    def update(self, change: Change[T]) -> T:
        with self._lock:
            if self._fallback is None:
                try:
                    return self._update_file(change)
                except sqlite3.Error as exc:
                    log.warning(
                        "pacing: %s cannot be written (%s: %s); pacing this process alone",
                        self.description,
                        type(exc).__name__,
                        exc,
                    )
                    self._conn.close()
                    self._fallback = MemoryStore(self._clock)
            # The file is given up: a change it failed (and so did not keep) runs again here.
            return self._fallback.update(change)

    def _update_file(self, change: Change[T]) -> T:
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            row = self._conn.execute("SELECT state FROM pacing_window WHERE id = 1").fetchone()
            window = Window.from_json(row[0] if row else None)
            result = change(window, self._clock())
            self._conn.execute(
                "INSERT OR REPLACE INTO pacing_window (id, state) VALUES (1, ?)",
                (window.to_json(),),
            )
            self._conn.execute("COMMIT")
        except BaseException:
            with contextlib.suppress(sqlite3.Error):
                self._conn.execute("ROLLBACK")
            raise
        return result

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    @classmethod
    def for_account(cls, account: Account, environ: Mapping[str, str] | None = None) -> SqliteStore:
        folder = pacing_dir(environ)
        try:
            _own_dir(folder)
            _remove_stale(folder)
        except OSError as exc:
            raise PacingStoreError(
                f"the machine-local pacing folder {folder}: {type(exc).__name__}: {exc}"
            ) from None
        return cls(folder / f"{account.namespace}-{account_digest(account)}.sqlite3")


def _own_dir(folder: Path) -> None:
    """Create the folder private, or check that the one there is ours: a real folder of this
    user, never a link (to elsewhere) nor another user's, whose mode is not ours to change.
    Its parent may be shared: created when missing, never changed."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(FileExistsError):
        folder.mkdir(mode=0o700)
    info = folder.lstat()
    if not stat.S_ISDIR(info.st_mode):  # lstat: a link to a folder is not one
        raise PacingStoreError(
            f"the machine-local pacing folder {folder} is a link or a file, not a folder "
            "of its own; remove it or name another folder"
        )
    if os.name != "posix":
        return
    if info.st_uid != os.geteuid():
        raise PacingStoreError(
            f"the machine-local pacing folder {folder} belongs to another user "
            f"(uid {info.st_uid}); name a folder of your own"
        )
    if stat.S_IMODE(info.st_mode) != 0o700:
        folder.chmod(0o700)


def _remove_stale(folder: Path) -> None:
    cutoff = time.time() - _STALE_AFTER
    for entry in folder.iterdir():
        if not _OWN_FILE.fullmatch(entry.name):
            continue
        with contextlib.suppress(OSError):
            if entry.lstat().st_mtime < cutoff:
                entry.unlink()


# Long enough for any window, retry hold and lease; the key then cleans itself up.
_REDIS_TTL_SECONDS = 3600


class RedisStore:
    """The window in Redis, for processes on several machines sharing one key. Each change is
    an optimistic transaction (WATCH, read, MULTI, write), retried when another client changed
    the window meanwhile; the time is Redis's own, so the machines' clocks need not agree."""

    def __init__(
        self, client: redis.Redis, key: str, description: str, *, secret: str | None = None
    ) -> None:
        self._redis = client
        self._key = key
        self.description = description
        self._secret = secret  # the URL's password, kept out of every message

    @classmethod
    def for_account(cls, url: str, account: Account, setting: str) -> RedisStore:
        """``setting``: the config key that named the URL, for messages (the URL itself may
        hold a password, so no message shows it)."""
        try:
            import redis
        except ImportError:
            raise PacingStoreError(
                f"{setting} is set but the Redis client is not installed: "
                "pip install 'pulumi-resellertenant[redis]'"
            ) from None
        parts = urlsplit(url)
        where = parts.hostname or parts.path or "?"
        if parts.port:
            where = f"{where}:{parts.port}"
        try:
            client = redis.Redis.from_url(url, socket_timeout=5.0, socket_connect_timeout=5.0)
        except ValueError:
            raise PacingStoreError(f"{setting} is not a Redis URL redis-py can use") from None
        key = f"pulumi-resellertenant:pacing:{account.namespace}:{account_digest(account)}"
        description = f"the shared pacing window in Redis at {where} ({setting})"
        return cls(client, key, description, secret=parts.password)

    def update(self, change: Change[T]) -> T:
        import redis

        try:
            with self._redis.pipeline() as pipe:
                while True:
                    try:
                        pipe.watch(self._key)  # type: ignore[no-untyped-call]
                        seconds, micros = pipe.time()
                        window = Window.from_json(pipe.get(self._key))
                        result = change(window, seconds + micros / 1e6)
                        pipe.multi()
                        pipe.set(self._key, window.to_json(), ex=_REDIS_TTL_SECONDS)
                        pipe.execute()
                        return result
                    except redis.WatchError:
                        continue  # another client changed the window meanwhile: again
        except redis.RedisError as exc:
            detail = f"{type(exc).__name__}: {exc}"
            if self._secret:
                detail = detail.replace(self._secret, "[REDACTED]")
            raise PacingStoreError(
                f"{self.description}: {detail}; fix the URL, or unset it to pace each machine alone"
            ) from None

    def close(self) -> None:
        self._redis.close()
