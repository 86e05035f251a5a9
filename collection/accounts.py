"""Staff accounts: names, roles and argon2 password hashes; sign-in with throttling."""

from __future__ import annotations

import re
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from collection.clock import now
from collection.db import opened, rows, transaction
from kb.access import ROLES
from kb.errors import BadQuery, Conflict, NotFound, NotSignedIn, Throttled

_HASHER = PasswordHasher()  # argon2id with the library's current defaults
NAME = re.compile(r"^[\w.@-]{1,64}$")
MIN_PASSWORD = 8
MAX_PASSWORD = 1024
# Sign-in throttling, per client address: this many failures within the window lock it out
# for what remains of the window.
FAILURES = 5
WINDOW = 15 * 60
# A hash to verify against when the name is unknown: the answer takes as long either way.
_DUMMY = _HASHER.hash("not a password of anyone")


@dataclass(frozen=True)
class Account:
    """A signed-in person: id, name, role and the epoch their sessions must match."""

    id: int
    name: str
    role: str
    epoch: int


def check_name(name: str) -> str:
    """The name as stored; BadQuery for an unusable one."""
    if not NAME.match(name or ""):
        raise BadQuery("a name is 1-64 letters, digits or . _ @ -")
    return name


def check_role(role: str) -> str:
    """The role; BadQuery unless it is one of ROLES."""
    if role not in ROLES:
        raise BadQuery(f"role must be one of {', '.join(ROLES)}")
    return role


def add_user(database: Path, name: str, role: str, password: str) -> Account:
    """Create an account; Conflict when the name is taken."""
    check_name(name)
    check_role(role)
    digest = _HASHER.hash(_checked_password(password))
    with opened(database) as conn:
        try:
            cur = conn.execute(
                "INSERT INTO users (name, role, password, created) VALUES (?, ?, ?, ?)",
                (name, role, digest, now()),
            )
        except sqlite3.IntegrityError as exc:
            raise Conflict(f"an account named {name!r} exists already") from exc
    return Account(cur.lastrowid, name, role, 0)


def change_user(
    database: Path,
    name: str,
    *,
    role: str | None = None,
    password: str | None = None,
    disabled: bool | None = None,
) -> dict:
    """Change an account's role, password or whether it is disabled; its sessions end (the
    epoch moves). NotFound for an unknown name; Conflict when no enabled admin would be left."""
    if role is not None:
        check_role(role)
    digest = None if password is None else _HASHER.hash(_checked_password(password))
    with opened(database) as conn, transaction(conn):
        row = conn.execute("SELECT role, disabled FROM users WHERE name = ?", (name,)).fetchone()
        if row is None:
            raise NotFound(f"no account named {name!r}")
        conn.execute(
            "UPDATE users SET role = coalesce(?, role), password = coalesce(?, password), "
            "disabled = coalesce(?, disabled), epoch = epoch + 1 WHERE name = ?",
            (role, digest, None if disabled is None else int(disabled), name),
        )
        admins = conn.execute(
            "SELECT count(*) FROM users WHERE role = 'admin' AND disabled = 0"
        ).fetchone()[0]
        if not admins and row["role"] == "admin" and not row["disabled"]:
            raise Conflict("this would leave no enabled admin account")
        changed = conn.execute(
            "SELECT name, role, created, disabled FROM users WHERE name = ?", (name,)
        ).fetchone()
    return dict(changed)


def change_note(role: str | None, password: str | None, disabled: bool | None) -> str:
    """The audit detail of a change (never the password)."""
    parts = [f"role={role}"] if role else []
    parts += ["password"] if password is not None else []
    parts += [] if disabled is None else ["disabled" if disabled else "enabled"]
    return ", ".join(parts)


def _checked_password(password: str) -> str:
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise BadQuery(f"a password has {MIN_PASSWORD} to {MAX_PASSWORD} characters")
    return password


def users(database: Path) -> list[dict]:
    """Every account: name, role, created, disabled."""
    return rows(database, "SELECT name, role, created, disabled FROM users ORDER BY name")


def account(database: Path, user_id: int) -> Account | None:
    """The enabled account with this id."""
    with opened(database) as conn:
        row = conn.execute(
            "SELECT id, name, role, epoch FROM users WHERE id = ? AND disabled = 0", (user_id,)
        ).fetchone()
    return Account(row["id"], row["name"], row["role"], row["epoch"]) if row else None


def sign_in(database: Path, name: str, password: str, address: str) -> Account:
    """The account whose password this is; NotSignedIn otherwise, Throttled when `address`
    failed too often lately (checked before the password, so guessing costs nothing more)."""
    with opened(database) as conn:
        horizon = time.time() - WINDOW
        failed = conn.execute(
            "SELECT count(*), min(at) FROM failures WHERE address = ? AND at > ?",
            (address, horizon),
        ).fetchone()
        if failed[0] >= FAILURES:
            wait = int(failed[1] + WINDOW - time.time()) + 1
            raise Throttled(f"too many failed sign-ins from {address}: try again in {wait} s")
        row = conn.execute(
            "SELECT id, name, role, epoch, password FROM users WHERE name = ? AND disabled = 0",
            (name,),
        ).fetchone()
        if _matches(row["password"] if row else _DUMMY, password) and row is not None:
            conn.execute("DELETE FROM failures WHERE address = ?", (address,))
            if _HASHER.check_needs_rehash(row["password"]):
                conn.execute(
                    "UPDATE users SET password = ? WHERE id = ?",
                    (_HASHER.hash(password), row["id"]),
                )
            return Account(row["id"], row["name"], row["role"], row["epoch"])
        with transaction(conn):
            conn.execute("DELETE FROM failures WHERE at <= ?", (horizon,))
            conn.execute("INSERT INTO failures VALUES (?, ?)", (address, time.time()))
    raise NotSignedIn("wrong name or password")


def _matches(digest: str, password: str) -> bool:
    try:
        return _HASHER.verify(digest, password[:MAX_PASSWORD])
    except (VerificationError, InvalidHashError):
        return False
