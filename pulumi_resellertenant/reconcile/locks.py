"""Whether a stack is locked: a run killed mid-update leaves its lock behind.

Only a ``file://`` backend's locks can be read from here (one JSON file per lock under
``.pulumi/locks/<org>/<project>/<stack>/``); for any other backend the answer is unknown.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

__all__ = ["LockStatus", "file_backend_dir", "read_file_lock"]


@dataclass(frozen=True)
class LockStatus:
    locked: bool | None
    """True or False when known; None when the backend's locks cannot be read."""
    detail: str = ""
    """Who holds the lock and since when, as the lock file says."""


UNKNOWN = LockStatus(None)


def file_backend_dir(backend_url: str) -> Path | None:
    """The directory of a ``file://`` backend URL (``file://~`` is the home directory);
    None for any other backend."""
    parts = urlsplit(backend_url)
    if parts.scheme != "file":
        return None
    path = unquote(parts.path)
    if parts.netloc == "~":
        return Path.home() / path.lstrip("/")
    return Path(path).expanduser()


def read_file_lock(backend: Path, project: str | None, stack: str) -> LockStatus:
    """The lock of ``stack`` in a file backend; ``stack`` may be ``org/project/stack``."""
    short = stack.rsplit("/", 1)[-1]
    locks = backend / ".pulumi" / "locks"
    patterns = [f"{short}/*.json"]  # a backend without projects
    if project is not None:
        patterns.insert(0, f"*/{project}/{short}/*.json")
    files = sorted(path for pattern in patterns for path in locks.glob(pattern))
    if not files:
        return LockStatus(False)
    return LockStatus(True, _holder(files[0]))


def _holder(path: Path) -> str:
    try:
        lock = json.loads(path.read_text())
    except (OSError, ValueError):
        return f"lock file {path}"
    if not isinstance(lock, dict):
        return f"lock file {path}"
    return (
        f"locked by pid {lock.get('pid', '?')} on {lock.get('hostname', '?')} "
        f"since {lock.get('timestamp', '?')}"
    )
