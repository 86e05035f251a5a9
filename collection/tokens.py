"""API tokens for programs: random, shown once, stored as a SHA-256 digest, revocable."""

from __future__ import annotations

import hashlib
import secrets
from pathlib import Path

from collection.accounts import check_name, check_role
from collection.clock import now
from collection.db import opened, rows
from kb.access import Caller
from kb.errors import NotFound, NotSignedIn

PREFIX = "kb_"


def _digest(token: str) -> str:
    # a token has 256 random bits: a fast hash is as safe as a slow one and costs nothing per call
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def add_token(database: Path, name: str, role: str) -> str:
    """Create a token for `name` with `role`; returns it (it is never shown again)."""
    check_name(name)
    check_role(role)
    token = PREFIX + secrets.token_urlsafe(32)
    with opened(database) as conn:
        conn.execute(
            "INSERT INTO tokens (name, role, digest, created) VALUES (?, ?, ?, ?)",
            (name, role, _digest(token), now()),
        )
    return token


def revoke_tokens(database: Path, name: str) -> int:
    """Revoke every live token of `name`; NotFound when it has none."""
    with opened(database) as conn:
        count = conn.execute(
            "UPDATE tokens SET revoked = ? WHERE name = ? AND revoked IS NULL", (now(), name)
        ).rowcount
    if not count:
        raise NotFound(f"no live token named {name!r}")
    return count


def tokens(database: Path) -> list[dict]:
    """Every token: name, role, created, revoked, last used (never the token itself)."""
    return rows(database, "SELECT name, role, created, revoked, used FROM tokens ORDER BY id")


def token_caller(database: Path, token: str) -> Caller:
    """The caller a presented token stands for; NotSignedIn for an unknown or revoked one."""
    with opened(database) as conn:
        row = conn.execute(
            "SELECT id, name, role, used FROM tokens WHERE digest = ? AND revoked IS NULL",
            (_digest(token),),
        ).fetchone()
        if row is None:
            raise NotSignedIn("invalid or revoked token")
        stamp = now()
        if (row["used"] or "")[:16] != stamp[:16]:  # last use, to the minute (few writes)
            conn.execute("UPDATE tokens SET used = ? WHERE id = ?", (stamp, row["id"]))
    return Caller(row["name"], row["role"], "token")
