"""Files of the collection written whole or not at all: a published file, the internal marks,
and the archive of withdrawn and replaced files (self-describing folders, so a kill at any
moment leaves every file either where it was or where it went, and the archive readable)."""

from __future__ import annotations

import json
import os
import shutil
from datetime import datetime, timezone
from pathlib import Path

from collection.places import Places
from kb.access import marks_path, read_marks
from kb.errors import Conflict, NotFound
from kb.store import write_atomic

ORIGIN = "origin.json"


def write_whole(path: Path, data: bytes) -> None:
    """Write `data` to `path` whole or not at all (kb.store.write_atomic: a hidden temporary
    beside it, which the indexer skips, fsynced, renamed, the folder fsynced)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, data)


def sync_folder(folder: Path) -> None:
    """fsync a folder, so a rename in it survives a power cut."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def set_mark(index_dir: Path, source: str, internal: bool) -> bool:
    """Mark `source` internal (or public); returns whether the marks changed. The caller is
    the one keeper, so read-modify-write cannot race."""
    marks = set(read_marks(index_dir))
    before = set(marks)
    (marks.add if internal else marks.discard)(source)
    if marks != before:
        text = json.dumps({"internal": sorted(marks)}, ensure_ascii=False, indent=1)
        write_whole(marks_path(index_dir), text.encode("utf-8"))
    return marks != before


def archive_file(places: Places, root: Path, origin: dict, move: bool) -> str:
    """Put the file root/origin["source"] into root's archive (moved, or copied when it stays
    because a replacement is written over it); returns the archive entry's id."""
    source = origin["source"]
    path = root / source
    if not path.is_file():
        raise NotFound(f"the file of {origin['id']} is not in the collection")
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%f")
    entry = f"{origin['id']}/{stamp}"
    folder = places.archive(root) / entry
    folder.mkdir(parents=True)
    origin = origin | {"root": str(root), "file": path.name, "archived": stamp}
    write_whole(folder / ORIGIN, json.dumps(origin, ensure_ascii=False).encode("utf-8"))
    if move:
        os.replace(path, folder / path.name)  # one rename: the file is here or there
    else:
        write_whole(folder / path.name, path.read_bytes())
    sync_folder(folder)
    sync_folder(path.parent)
    return entry


def archived(places: Places) -> list[dict]:
    """Every archive entry whose file is there, newest first."""
    found = []
    for root in places.settings.corpus_dirs:
        base = places.archive(root)
        for origin_file in base.glob(f"*/*/{ORIGIN}") if base.is_dir() else ():
            try:
                origin = json.loads(origin_file.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            if (origin_file.parent / origin.get("file", "")).is_file():
                entry = f"{origin_file.parent.parent.name}/{origin_file.parent.name}"
                found.append(origin | {"entry": entry})
    return sorted(found, key=lambda o: o["archived"], reverse=True)


def restore_file(places: Places, doc_id: str) -> dict:
    """Move the newest withdrawn file of document `doc_id` back to where it was; returns its
    origin."""
    withdrawn = (o for o in archived(places) if o["id"] == doc_id and o["reason"] == "withdrawn")
    origin = next(withdrawn, None)
    if origin is None:
        raise NotFound(f"no withdrawn document with id {doc_id!r}")
    entry = origin["entry"]
    root = Path(origin["root"])
    target = root / origin["source"]
    if target.exists():
        raise Conflict(f"{origin['source']} is in the collection again: withdraw it first")
    folder = places.archive(root) / entry
    target.parent.mkdir(parents=True, exist_ok=True)
    os.replace(folder / origin["file"], target)
    sync_folder(target.parent)
    shutil.rmtree(folder, ignore_errors=True)
    return origin
