"""How fast an account's requests may go: the window of sends and answers, where
it is kept (this process, a file shared by processes, Redis) and the limiter over it.
It knows no HTTP and no API.
"""

from ._account import Account
from ._pacing_stores import PacingStoreError
from ._ratelimit import MAX_HOLD, RateLimiter, Slot, shared_rate_limiter

__all__ = [
    "MAX_HOLD",
    "Account",
    "PacingStoreError",
    "RateLimiter",
    "Slot",
    "shared_rate_limiter",
]
