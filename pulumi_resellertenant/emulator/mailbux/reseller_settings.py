"""A Mailbux reseller's settings: its plan, quota pool and tenant limit."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from pulumi_resellertenant.emulator.bounds import MAX_SETTING
from pulumi_resellertenant.emulator.control_fields import int_field
from pulumi_resellertenant.emulator.errors import FieldErrors
from pulumi_resellertenant.emulator.resellers import ResellerSettings

MailbuxPlan = Literal["paid", "free"]
PLANS: tuple[MailbuxPlan, ...] = ("paid", "free")
_COUNTS = ("quota_gb", "tenant_limit")


@dataclass(frozen=True)
class MailbuxResellerSettings(ResellerSettings):
    """Defaults match the document: a paid plan may write, a free one may only read."""

    plan: MailbuxPlan = "paid"
    quota_gb: int = 100
    tenant_limit: int = 50

    def __post_init__(self) -> None:
        # The same bounds as the CLI and the control API, for settings built in code.
        if self.plan not in PLANS:
            raise ValueError(f"plan must be 'paid' or 'free', not {self.plan!r}")
        for name in _COUNTS:
            if not 0 <= getattr(self, name) <= MAX_SETTING:
                raise ValueError(f"{name} must be between 0 and {MAX_SETTING}")

    @classmethod
    def parse_changes(cls, body: Mapping[str, Any], errors: FieldErrors) -> dict[str, Any]:
        changes: dict[str, Any] = {}
        plan = body.get("plan")
        if plan in PLANS:
            changes["plan"] = plan
        elif plan is not None:
            errors["plan"] = ["The plan must be 'paid' or 'free'."]
        for name in _COUNTS:
            value = int_field(body, name, errors, low=0, high=MAX_SETTING)
            if value is not None:
                changes[name] = value
        return changes
