"""The collection's SQLite database beside the index: one connection per use, WAL, waits for locks."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    id INTEGER PRIMARY KEY, name TEXT UNIQUE NOT NULL, role TEXT NOT NULL,
    password TEXT NOT NULL, epoch INTEGER NOT NULL DEFAULT 0, created TEXT NOT NULL,
    disabled INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS tokens (
    id INTEGER PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL, digest TEXT UNIQUE NOT NULL,
    created TEXT NOT NULL, revoked TEXT, used TEXT);
CREATE TABLE IF NOT EXISTS failures (address TEXT NOT NULL, at REAL NOT NULL);
CREATE INDEX IF NOT EXISTS failures_address ON failures (address, at);
CREATE TABLE IF NOT EXISTS audit (
    id INTEGER PRIMARY KEY, at TEXT NOT NULL, who TEXT NOT NULL, action TEXT NOT NULL,
    target TEXT NOT NULL DEFAULT '', detail TEXT NOT NULL DEFAULT '', address TEXT NOT NULL DEFAULT '');
CREATE TABLE IF NOT EXISTS uploads (
    id TEXT PRIMARY KEY, who TEXT NOT NULL, name TEXT NOT NULL, size INTEGER NOT NULL,
    sha256 TEXT NOT NULL, source TEXT NOT NULL, replaces TEXT, state TEXT NOT NULL,
    preview TEXT, error TEXT, status INTEGER, document TEXT, created TEXT NOT NULL,
    updated TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS jobs (
    id INTEGER PRIMARY KEY, kind TEXT NOT NULL, target TEXT NOT NULL, who TEXT NOT NULL,
    address TEXT NOT NULL DEFAULT '', options TEXT NOT NULL DEFAULT '{}',
    state TEXT NOT NULL DEFAULT 'waiting', error TEXT, status INTEGER, result TEXT,
    created TEXT NOT NULL, finished TEXT);
CREATE TABLE IF NOT EXISTS secrets (name TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


_READY: set[Path] = set()  # databases whose tables this process has made sure of


def connect(path: Path) -> sqlite3.Connection:
    """A connection to the database at `path` (created with its tables when missing)."""
    fresh = path not in _READY
    if fresh:
        path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path, timeout=30, isolation_level=None)  # autocommit; BEGIN by hand
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA busy_timeout=30000")
    conn.execute("PRAGMA synchronous=FULL")
    if fresh:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.executescript(SCHEMA)
        _READY.add(path)
    return conn


@contextlib.contextmanager
def opened(path: Path) -> Iterator[sqlite3.Connection]:
    """A connection closed when done."""
    conn = connect(path)
    try:
        yield conn
    finally:
        conn.close()


def rows(path: Path, sql: str, params: tuple = ()) -> list[dict]:
    """The rows a query answers, as dicts."""
    with opened(path) as conn:
        return [dict(r) for r in conn.execute(sql, params)]


@contextlib.contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """BEGIN IMMEDIATE … COMMIT (ROLLBACK on error): one writer at a time, no lost update."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def has_accounts(path: Path) -> bool:
    """True when the database exists and holds a user or a token (never creates it)."""
    if not path.is_file():
        return False
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
        try:
            row = conn.execute(
                "SELECT (SELECT count(*) FROM users) + (SELECT count(*) FROM tokens)"
            ).fetchone()
        finally:
            conn.close()
    except sqlite3.Error:
        return False
    return bool(row and row[0])


def secret(path: Path, name: str = "session") -> str:
    """A random secret kept in the database (the same for every server process and restart)."""
    import secrets as random

    with opened(path) as conn:
        conn.execute(
            "INSERT OR IGNORE INTO secrets VALUES (?, ?)", (name, random.token_urlsafe(48))
        )
        return conn.execute("SELECT value FROM secrets WHERE name = ?", (name,)).fetchone()[0]
