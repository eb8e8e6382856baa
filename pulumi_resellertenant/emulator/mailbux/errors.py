"""Mailbux's error shape: {"success": false, "error": {"code", "message"}} (+ "errors")."""

from __future__ import annotations

from typing import Any

from pulumi_resellertenant.emulator.errors import ErrorAnswer


class MailbuxError(ErrorAnswer):
    # The code is part of this shape: an injected answer looks like a real one.
    always_coded = True

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "success": False,
            "error": {"code": self.code or "ERROR", "message": self.message},
        }
        if self.errors:
            body["errors"] = self.errors
        return body


def tenant_not_found() -> MailbuxError:
    return MailbuxError(404, "Tenant not found", code="TENANT_NOT_FOUND")
