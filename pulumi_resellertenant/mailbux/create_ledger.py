"""The Mailbux creates of this process, per reseller account.

A create POST whose answer is lost may or may not have made a tenant, and the answer was the
only place its id-to-be (the username) was shown. Posting again could make a duplicate; not
posting could leave the resource uncreated. To decide, a create compares the account's
tenants after the POST with those seen before it, and must know which of the new ones other
creates of this process took. The ledger holds what those creates claimed, and a gate: a
resolution waits until no other POST of the account is between sending and claiming, and
holds new POSTs back while it looks.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from pulumi_resellertenant.core.pacing import Account
from pulumi_resellertenant.core.transport import Deadline, DeadlineExceededError

__all__ = ["CreateLedger", "ledger_for"]


class CreateLedger:
    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._posting = 0
        self._last_post = float("-inf")  # time.monotonic() when the latest POST began
        self._resolving = False
        self._claimed: set[str] = set()

    @contextmanager
    def posting(self, deadline: Deadline) -> Iterator[None]:
        """Around one POST and the claim of the tenant it made."""
        with self._cond:
            self._wait(lambda: not self._resolving, deadline)
            self._posting += 1
            self._last_post = time.monotonic()
        try:
            yield
        finally:
            with self._cond:
                self._posting -= 1
                self._cond.notify_all()

    @contextmanager
    def resolving(self, deadline: Deadline) -> Iterator[None]:
        """Alone: no other POST of this account is in flight in this process meanwhile."""
        with self._cond:
            self._wait(lambda: not self._resolving, deadline)
            self._resolving = True
            try:
                self._wait(lambda: self._posting == 0, deadline)
            except BaseException:
                self._resolving = False
                self._cond.notify_all()
                raise
        try:
            yield
        finally:
            with self._cond:
                self._resolving = False
                self._cond.notify_all()

    def posts_in_flight(self) -> int:
        """Creates between sending their POST and claiming the tenant it made."""
        with self._cond:
            return self._posting

    def seconds_since_last_post(self) -> float:
        with self._cond:
            return time.monotonic() - self._last_post

    def claim(self, tenant_id: str) -> None:
        with self._cond:
            self._claimed.add(tenant_id)

    def claimed(self) -> frozenset[str]:
        with self._cond:
            return frozenset(self._claimed)

    def _wait(self, ready: Callable[[], bool], deadline: Deadline) -> None:
        if not self._cond.wait_for(ready, timeout=deadline.remaining()):
            raise DeadlineExceededError(
                "the operation deadline passed while other creates of this reseller account "
                "were being resolved; run `pulumi up` again",
                api="Mailbux",
                method="POST",
                path="/api/user/tenants",
                request_sent=False,
            )


_ledgers: dict[Account, CreateLedger] = {}
_lock = threading.Lock()


def ledger_for(account: Account) -> CreateLedger:
    """This process's ledger of one reseller account."""
    with _lock:
        return _ledgers.setdefault(account, CreateLedger())
