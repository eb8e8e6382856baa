"""Every policy of the pack, in the order the engine lists them."""

from __future__ import annotations

from pulumi_policy import Policy

from .counts import TENANT_COUNT
from .protection import PROTECTED
from .quota import PER_TENANT, TOTAL
from .slugs import SLUG_PATTERN

__all__ = ["ALL"]

ALL: list[Policy] = [PER_TENANT, TOTAL, TENANT_COUNT, SLUG_PATTERN, PROTECTED]
