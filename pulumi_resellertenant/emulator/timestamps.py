"""Timestamps as the emulated APIs write them."""

from __future__ import annotations

from datetime import UTC, datetime


def utc_now() -> str:
    """ISO-8601 UTC to the second, as in the documents' examples: 2025-06-15T10:30:00Z."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
