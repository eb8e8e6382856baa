"""An Easy Mail Archive reseller's settings: its rate limit."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pulumi_resellertenant.emulator.bounds import MAX_SETTING
from pulumi_resellertenant.emulator.control_fields import int_field
from pulumi_resellertenant.emulator.errors import FieldErrors
from pulumi_resellertenant.emulator.resellers import ResellerSettings


@dataclass(frozen=True)
class EmaResellerSettings(ResellerSettings):
    # Requests per minute per key, as documented; 0 disables the limit.
    rate_limit: int = 60

    def __post_init__(self) -> None:
        if not 0 <= self.rate_limit <= MAX_SETTING:
            raise ValueError(f"rate_limit must be between 0 and {MAX_SETTING}")

    @classmethod
    def parse_changes(cls, body: Mapping[str, Any], errors: FieldErrors) -> dict[str, Any]:
        rate_limit = int_field(body, "rate_limit", errors, low=0, high=MAX_SETTING)
        return {} if rate_limit is None else {"rate_limit": rate_limit}
