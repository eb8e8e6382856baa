"""Creates whose answer was lost: a POST is sent again only once the lost answer is proven
to have made nothing, because a second tenant would be a second paid one.

Each API resolves a lost answer its own way (Mailbux compares tenant lists, Easy Mail
Archive looks the slug up); the loop around it, its limits and its message are here once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from pulumi_resellertenant.core.transport import ApiError, Deadline, ResellerTenantError

__all__ = ["LOOKUP_FIRST_DELAY", "LOOKUP_MAX_DELAY", "MAX_POSTS", "post_resolving_lost_answers"]

MAX_POSTS = 5
"""POSTs of one create at most, each after a lost answer proven to have made nothing."""
REPOST_FIRST_DELAY = 0.5
"""Seconds before the first re-POST, doubling: 5xx answers come in bursts."""
LOOKUP_FIRST_DELAY = 0.5
"""Seconds before looking again for a tenant a create made, doubling up to the next."""
LOOKUP_MAX_DELAY = 8.0

T = TypeVar("T")


def post_resolving_lost_answers(
    post: Callable[[], T],
    resolve: Callable[[ApiError], T | None],
    deadline: Deadline,
    *,
    nothing_made: str,
) -> T:
    """What ``post`` made, posting again only after ``resolve`` proved a lost answer made
    nothing.

    ``post`` sends one POST and returns what it made. An ``ApiError`` whose outcome is unknown
    (or that says the API committed the create) goes to ``resolve``: what that POST made, or
    None when it made nothing. Any other error is raised. ``nothing_made`` says, for the
    final error, what each resolution found ("no new tenant appeared").
    """
    for attempt in range(MAX_POSTS):
        if attempt:
            deadline.sleep(REPOST_FIRST_DELAY * 2 ** (attempt - 1))
        try:
            return post()
        except ApiError as error:
            if not (error.committed or error.outcome_unknown):
                raise
            lost = error
        made = resolve(lost)
        if made is not None:
            return made
    raise ResellerTenantError(
        f"POST {lost.path} got no usable answer {MAX_POSTS} times ({lost.message}); each "
        f"time {nothing_made}, so nothing was created: run `pulumi up` again"
    ) from lost
