"""Resource options every tenant resource adds to the user's own."""

from __future__ import annotations

import pulumi

__all__ = ["with_secret_outputs"]


def with_secret_outputs(opts: pulumi.ResourceOptions | None, *names: str) -> pulumi.ResourceOptions:
    """The user's options with ``names`` marked secret as well.

    A dynamic provider cannot return a secret itself: the resource declares which outputs
    the engine must encrypt. ``merge`` appends to the user's own list rather than replace it.
    """
    return pulumi.ResourceOptions.merge(
        opts, pulumi.ResourceOptions(additional_secret_outputs=list(names))
    )
