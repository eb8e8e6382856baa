"""The per-deployment quota budget that check() spends."""

from __future__ import annotations

import threading

import pytest

from pulumi_resellertenant.core.transport._errors import TransportError
from pulumi_resellertenant.core.transport._settings import Account, load_settings
from pulumi_resellertenant.mailbux import MAILBUX
from pulumi_resellertenant.mailbux.quota_budget import (
    QuotaBudget,
    QuotaOverviewUnavailable,
    budget_for,
)


def test_claims_add_up_until_the_pool_is_spent() -> None:
    budget = QuotaBudget(10)
    assert budget.claim(5).granted
    assert budget.claim(5).granted
    refused = budget.claim(5)
    assert not refused.granted
    assert (refused.available_gb, refused.claimed_before_gb) == (10, 10)


def test_a_refused_claim_takes_nothing() -> None:
    budget = QuotaBudget(10)
    assert not budget.claim(11).granted
    assert budget.claim(10).granted


def test_concurrent_claims_never_overspend() -> None:
    budget = QuotaBudget(100)
    granted: list[bool] = []
    lock = threading.Lock()

    def claim() -> None:
        for _ in range(50):
            ok = budget.claim(1).granted
            with lock:
                granted.append(ok)

    threads = [threading.Thread(target=claim) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert granted.count(True) == 100


def test_the_overview_is_read_once_per_account() -> None:
    account = account_of("budget-once")
    reads: list[int] = []

    def read() -> float:
        reads.append(1)
        return 20.0

    first = budget_for(account, read)
    second = budget_for(account, read)
    assert first is second
    assert first is not None
    assert first.available_gb == 20.0
    assert len(reads) == 1


def test_an_overview_without_figures_disables_the_check() -> None:
    account = account_of("budget-none")
    assert budget_for(account, lambda: None) is None


def test_a_failed_read_is_remembered_for_the_run() -> None:
    account = account_of("budget-fails")
    reads: list[int] = []

    def fail() -> float:
        reads.append(1)
        raise TransportError("down", request_sent=False, api="Mailbux", method="GET", path="/")

    with pytest.raises(TransportError):
        budget_for(account, fail)
    # Later checks of the run skip at once instead of each waiting for a failing API.
    with pytest.raises(QuotaOverviewUnavailable):
        budget_for(account, fail)
    assert len(reads) == 1


def test_a_slow_read_holds_up_its_own_account_only() -> None:
    slow, other = account_of("budget-slow"), account_of("budget-other")
    reading = threading.Event()
    release = threading.Event()

    def slow_read() -> float:
        reading.set()
        release.wait(timeout=10)
        return 1.0

    worker = threading.Thread(target=budget_for, args=(slow, slow_read))
    worker.start()
    try:
        assert reading.wait(timeout=10)
        # No process-wide lock is held across the slow account's network call.
        budget = budget_for(other, lambda: 7.0)
        assert budget is not None
        assert budget.available_gb == 7.0
    finally:
        release.set()
        worker.join(timeout=10)


def account_of(key: str) -> Account:
    return load_settings(MAILBUX, None, {"MAILBUX_API_KEY": key}).account
