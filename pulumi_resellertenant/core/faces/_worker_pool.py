"""As many provider threads as the engine sends operations.

The dynamic provider server (``python -m pulumi.dynamic``, every SDK since 2019; 3.272
included) serves its RPCs from ``futures.ThreadPoolExecutor(max_workers=4)``, while the CLI
sends up to ``--parallel`` operations at once: four times its CPUs by default
(``defaultParallel`` in pulumi/pkg/cmd/pulumi/operations/up.go). A Mailbux create holds its
thread until the tenant list shows the new tenant's id, and the creates waiting together
share one list; with four threads no list can serve more than four creates, and every other
operation waits in the server's queue. So the pool, found from the thread serving the RPC
(the executor's workers hold a weak reference to it), may run as many threads as the
engine's default parallelism, from the first create on (a refresh's reads wait on nothing
but one shared listing, and run faster on four threads than on more). Outside that server,
or should a future one serve RPCs another way, nothing changes.
"""

from __future__ import annotations

import os
import threading
import weakref
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor

from ._engine_errors import in_dynamic_provider_server

__all__ = ["engine_parallelism", "widen_server_workers"]

_MOST = 64
"""Threads at most, whatever the machine: each waits on the network, not the CPU."""


def engine_parallelism(environ: Mapping[str, str] = os.environ) -> int:
    """The engine's default ``--parallel``: ``PULUMI_PARALLEL``, else four per CPU."""
    try:
        given = int(environ.get("PULUMI_PARALLEL", ""))
    except ValueError:
        given = 0
    return min(_MOST, given if given > 0 else 4 * (os.cpu_count() or 1))


def widen_server_workers() -> int | None:
    """Have the server's pool run ``engine_parallelism()`` threads; its threads now, or
    None when the current thread is not one of the dynamic provider server's workers."""
    if not in_dynamic_provider_server():
        return None
    args = getattr(threading.current_thread(), "_args", ())
    owner = args[0] if args else None
    pool = owner() if isinstance(owner, weakref.ref) else None
    if not isinstance(pool, ThreadPoolExecutor):
        return None
    wanted = engine_parallelism()
    try:
        # _max_workers is read each time a task is submitted (_adjust_thread_count)...
        pool._max_workers = max(pool._max_workers, wanted)
        # ...which adds a thread only when none is idle, and its count of idle threads also
        # counts tasks long finished: a busy pool would seldom grow. So start them now.
        for _ in range(pool._max_workers - len(pool._threads)):
            while pool._idle_semaphore.acquire(timeout=0):
                pass
            pool._adjust_thread_count()
        return len(pool._threads)
    except AttributeError:  # a ThreadPoolExecutor made another way: leave it be
        return None
