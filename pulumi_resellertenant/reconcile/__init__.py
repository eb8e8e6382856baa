"""``pulumi-resellertenant reconcile``: compare reseller accounts with stacks' state.

Small modules, one concern each: ``tokens`` (which resource types are tenants), ``export``
(a stack's state), ``account`` (an account's tenants), ``locks``, ``compare`` (the pure
comparison), ``pending`` (recovering interrupted runs), ``lines`` (what to paste),
``report`` (text and JSON), ``gather`` (the I/O: the ``pulumi`` CLI and the APIs), ``cli``.
"""

from .cli import main

__all__ = ["main"]
