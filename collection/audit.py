"""The audit log: who did what to which document, when, from which address."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from collection.clock import now
from collection.db import opened, rows


def record(
    database: Path | sqlite3.Connection,
    who: str,
    action: str,
    target: str = "",
    detail: str = "",
    address: str = "",
) -> None:
    """Append one entry (in `database`'s own transaction when given a connection)."""
    row = (now(), who, action, target, detail[:1000], address)
    sql = "INSERT INTO audit (at, who, action, target, detail, address) VALUES (?,?,?,?,?,?)"
    if isinstance(database, sqlite3.Connection):
        database.execute(sql, row)
        return
    with opened(database) as conn:
        conn.execute(sql, row)


def entries(database: Path, limit: int = 200, before: int | None = None) -> list[dict]:
    """The newest entries first (older than entry `before` when given)."""
    return rows(
        database,
        "SELECT id, at, who, action, target, detail, address FROM audit "
        "WHERE id < ? ORDER BY id DESC LIMIT ?",
        (before if before is not None else 2**62, limit),
    )
