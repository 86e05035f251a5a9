"""The keeper's work queue, a table of the database: requests add jobs and wait for them;
the one keeper process takes them in order. A job left running by a killed keeper is taken
again by the next one (every job can be redone)."""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path

from collection.clock import now
from collection.db import opened, transaction
from kb.errors import KBError

KINDS = ("preview", "publish", "internal", "withdraw", "restore")


def enqueue(
    conn: sqlite3.Connection,
    kind: str,
    target: str,
    who: str,
    address: str = "",
    options: dict | None = None,
) -> int:
    """Add a job; returns its id."""
    assert kind in KINDS, kind
    cur = conn.execute(
        "INSERT INTO jobs (kind, target, who, address, options, created) VALUES (?,?,?,?,?,?)",
        (kind, target, who, address, json.dumps(options or {}, ensure_ascii=False), now()),
    )
    return int(cur.lastrowid)


def add(database: Path, kind: str, target: str, who: str, address: str = "", **options) -> int:
    """enqueue in a connection of its own."""
    with opened(database) as conn:
        return enqueue(conn, kind, target, who, address, options)


def claim(conn: sqlite3.Connection) -> list[dict]:
    """The waiting jobs of the oldest job's kind (publishes go together into one index update),
    marked running."""
    with transaction(conn):
        first = conn.execute(
            "SELECT kind FROM jobs WHERE state IN ('waiting', 'running') ORDER BY id LIMIT 1"
        ).fetchone()
        if first is None:
            return []
        rows = conn.execute(
            "SELECT * FROM jobs WHERE state IN ('waiting', 'running') AND kind = ? ORDER BY id",
            (first["kind"],),
        ).fetchall()
        conn.executemany(
            "UPDATE jobs SET state = 'running' WHERE id = ?", [(r["id"],) for r in rows]
        )
    return [dict(r) | {"options": json.loads(r["options"] or "{}")} for r in rows]


def finish(
    conn: sqlite3.Connection, job_id: int, result: dict | None = None, error: KBError | None = None
) -> None:
    """Record a job's outcome."""
    conn.execute(
        "UPDATE jobs SET state = ?, result = ?, error = ?, status = ?, finished = ? WHERE id = ?",
        (
            "failed" if error else "done",
            json.dumps(result, ensure_ascii=False) if result is not None else None,
            str(error) if error else None,
            error.status if error else None,
            now(),
            job_id,
        ),
    )


def pending(database: Path) -> bool:
    """True when some job waits (or was left running by a keeper that died)."""
    with opened(database) as conn:
        row = conn.execute(
            "SELECT 1 FROM jobs WHERE state IN ('waiting', 'running') LIMIT 1"
        ).fetchone()
    return row is not None


def wait(database: Path, job_id: int, seconds: float, poke=None) -> dict | None:
    """The finished job (its row), or None when it is still going after `seconds`.
    `poke()` runs every few seconds (restarts a keeper that died)."""
    deadline = time.monotonic() + seconds
    pause, last_poke = 0.05, time.monotonic()
    with opened(database) as conn:
        while True:
            row = conn.execute("SELECT * FROM jobs WHERE id = ?", (job_id,)).fetchone()
            if row is not None and row["state"] in ("done", "failed"):
                return dict(row)
            if time.monotonic() >= deadline:
                return None
            if poke is not None and time.monotonic() - last_poke > 3:
                poke()
                last_poke = time.monotonic()
            time.sleep(pause)
            pause = min(0.25, pause * 1.5)


def raise_failure(row: dict) -> dict:
    """The job's result; its failure raised as a KBError with its status."""
    if row["state"] == "failed":
        error = KBError(row["error"])
        error.status = row["status"] or 500
        raise error
    return json.loads(row["result"]) if row["result"] else {}
