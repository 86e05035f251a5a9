"""Timestamps as the database stores them."""

from __future__ import annotations

from datetime import datetime, timezone


def now() -> str:
    """The current UTC time, ISO 8601 to the second."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")
