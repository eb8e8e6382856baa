"""Easy Mail Archive's error shape, as its document shows: Laravel's plain {"message"}, plus
field-level "errors" for validation."""

from __future__ import annotations

from pulumi_resellertenant.emulator.errors import ErrorAnswer


class EmaError(ErrorAnswer):
    pass


def tenant_not_found() -> EmaError:
    return EmaError(404, "Tenant not found.")
