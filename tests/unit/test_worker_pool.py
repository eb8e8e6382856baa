"""The dynamic provider server's thread pool, widened to the engine's parallelism."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

import pytest

from pulumi_resellertenant.core.faces import _worker_pool
from pulumi_resellertenant.core.faces._worker_pool import engine_parallelism, widen_server_workers


def test_the_engine_default_is_four_per_cpu_or_pulumi_parallel() -> None:
    assert engine_parallelism({}) == min(64, 4 * (os.cpu_count() or 1))
    assert engine_parallelism({"PULUMI_PARALLEL": "12"}) == 12
    assert engine_parallelism({"PULUMI_PARALLEL": "100000"}) == 64
    assert engine_parallelism({"PULUMI_PARALLEL": "many"}) == engine_parallelism({})


def test_the_pool_serving_the_rpc_grows_to_the_engine_parallelism(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(_worker_pool, "in_dynamic_provider_server", lambda: True)
    monkeypatch.setenv("PULUMI_PARALLEL", "16")
    with ThreadPoolExecutor(max_workers=4) as pool:  # as the SDK's server makes it
        assert pool.submit(widen_server_workers).result(5) == 16
        # Sixteen tasks that each wait for all the others: only sixteen threads can run them.
        barrier = Barrier(16, timeout=5)
        waits = [pool.submit(barrier.wait) for _ in range(16)]
        assert sorted(w.result(10) for w in waits) == list(range(16))


def test_nothing_changes_outside_the_server(monkeypatch: pytest.MonkeyPatch) -> None:
    with ThreadPoolExecutor(max_workers=4) as pool:
        assert pool.submit(widen_server_workers).result(5) is None  # not the server process
        assert pool._max_workers == 4
    monkeypatch.setattr(_worker_pool, "in_dynamic_provider_server", lambda: True)
    assert widen_server_workers() is None  # the main thread is no pool's worker
