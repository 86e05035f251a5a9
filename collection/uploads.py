"""Receiving an upload: its bytes streamed to a staged file under a name the server makes, a
row in the database, and a job for the keeper to read it. Nothing here parses the file."""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import unicodedata
from datetime import datetime, timezone
from pathlib import Path
from typing import BinaryIO

from collection import audit, jobs
from collection.clock import now
from collection.db import opened
from collection.places import MANAGED, Places
from corpus.loaders import MAX_FILE_BYTES, MAX_FILE_MB
from kb.errors import BadQuery, NotFound, TooLarge

BLOCK = 1 << 16


def display_name(name: str | None) -> str:
    """The name the browser sent, for showing only: no folders, no control characters."""
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in unicodedata.normalize("NFC", name) if c.isprintable())
    return name.strip()[:120] or "未命名"


def receive(
    places: Places,
    stream: BinaryIO,
    name: str | None,
    who: str,
    replaces: str | None = None,
    address: str = "",
) -> tuple[str, int]:
    """Stage the bytes of `stream` and queue them for reading; returns the upload id and the
    id of the job reading it.

    The bytes go to <keep>/uploads/<id>.part, are synced, then renamed to <id>.bin: a cut-off
    upload or a killed server leaves at most a .part file, never a row.
    """
    upload_id = secrets.token_hex(8)
    places.staged.mkdir(parents=True, exist_ok=True)
    part = places.staged / f"{upload_id}.part"
    digest, size = hashlib.sha256(), 0
    try:
        with open(part, "xb") as f:
            while block := stream.read(BLOCK):
                size += len(block)
                if size > MAX_FILE_BYTES:
                    raise TooLarge(f"the file is larger than {MAX_FILE_MB} MB")
                digest.update(block)
                f.write(block)
            f.flush()
            os.fsync(f.fileno())
        if size == 0:
            raise BadQuery("the file is empty")
        os.replace(part, places.staged / f"{upload_id}.bin")
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    month = datetime.now(timezone.utc).strftime("%Y-%m")
    stamp = now()
    with opened(places.database) as conn:
        conn.execute(
            "INSERT INTO uploads (id, who, name, size, sha256, source, replaces, state, created, "
            "updated) VALUES (?, ?, ?, ?, ?, ?, ?, 'reading', ?, ?)",
            (
                upload_id,
                who,
                display_name(name),
                size,
                digest.hexdigest(),
                f"{MANAGED}/{month}/{upload_id}",  # the suffix comes from the content
                replaces,
                stamp,
                stamp,
            ),
        )
        job = jobs.enqueue(conn, "preview", upload_id, who, address)
        audit.record(
            conn, who, "upload", upload_id, f"{display_name(name)} ({size} bytes)", address
        )
    return upload_id, job


def staged_file(places: Places, upload_id: str) -> Path:
    """Where the bytes of an upload are kept until it is published."""
    return places.staged / f"{upload_id}.bin"


def get(places: Places, upload_id: str) -> dict:
    """An upload as the API shows it; NotFound for an unknown id."""
    with opened(places.database) as conn:
        row = conn.execute("SELECT * FROM uploads WHERE id = ?", (upload_id,)).fetchone()
    if row is None:
        raise NotFound(f"no upload with id {upload_id!r}")
    return shown(dict(row))


def recent(places: Places, limit: int = 50) -> list[dict]:
    """The newest uploads first."""
    with opened(places.database) as conn:
        rows = conn.execute("SELECT * FROM uploads ORDER BY created DESC LIMIT ?", (limit,))
        return [shown(dict(r)) for r in rows]


def shown(row: dict) -> dict:
    """The public face of an upload row."""
    return {
        "id": row["id"],
        "name": row["name"],
        "size": row["size"],
        "state": row["state"],
        "error": row["error"],
        "by": row["who"],
        "created": row["created"],
        "updated": row["updated"],
        "replaces": row["replaces"],
        "document": json.loads(row["document"]) if row["document"] else None,
        "preview": json.loads(row["preview"]) if row["preview"] else None,
    }
