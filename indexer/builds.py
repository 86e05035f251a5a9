"""Build directories: naming, cloning the live build for an update, meta.json, clean-up."""

from __future__ import annotations

import json
import logging
import os
import shutil
import time
from datetime import datetime, timezone
from pathlib import Path

from indexer import faults
from kb import analysis
from kb.config import Settings
from kb.errors import IndexCorrupt
from kb.schema import SCHEMA_VERSION
from kb.store import META, Store, file_crc, sync_dir, write_atomic

log = logging.getLogger(__name__)
_KEEP_PREVIOUS = 1  # builds kept after the live one, for readers that still have them open


def new_build_name() -> str:
    """A unique, sortable build name."""
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S")
    return f"{stamp}-{os.getpid()}-{time.monotonic_ns() % 10**6:06d}"


def clone_build(src: Path, dst: Path) -> None:
    """Copy a build cheaply: Whoosh segment files never change, so hard links are safe."""
    dst.mkdir(parents=True)
    items = sorted(src.iterdir())
    for i, item in enumerate(items):
        if i == len(items) // 2:
            faults.point("cloned-mid")
        if item.name.startswith((META, "vectors-", ".")) or item.name.endswith("_WRITELOCK"):
            continue  # vectors are aligned to the old build's passage numbers: not the copy's;
            # a hidden file is a write_atomic temp file left by a killed writer
        try:
            os.link(item, dst / item.name)
        except OSError:
            shutil.copy2(item, dst / item.name)
    faults.point("cloned")


def write_meta(path: Path, settings: Settings, files: dict[str, str], stats) -> None:
    """Write meta.json last: a build without it is incomplete and never published."""
    meta = {
        "schema": SCHEMA_VERSION,
        "analyzer": analysis.fingerprint(),
        "corpus_dirs": [str(p) for p in settings.corpus_dirs],
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "documents": stats.documents,
        "passages": stats.passages,
        "shards": stats.shards,
        "segments": file_sums(path),
        "files": files,
    }
    write_atomic(path / META, json.dumps(meta, ensure_ascii=False, indent=1))
    _sync(path)  # every file on disk before CURRENT can name this build (a power cut)


def _sync(path: Path) -> None:
    """fsync the index files of a build (Whoosh wrote them) and the folder itself."""
    for item in _index_files(path):
        fd = os.open(item, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    sync_dir(path)


def _index_files(path: Path) -> list[Path]:
    """The Whoosh files of a build (not meta.json, not Whoosh's empty lock files)."""
    return sorted(
        p
        for p in path.iterdir()
        if p.is_file() and not p.name.startswith(META) and not p.name.endswith("_WRITELOCK")
    )


def file_sums(path: Path) -> dict[str, list[int]]:
    """name → [size, CRC-32] of every index file in a build."""
    return {p.name: [p.stat().st_size, file_crc(p)] for p in _index_files(path)}


def live_name(store: Store) -> str | None:
    """The live build's name; None when there is none or CURRENT is damaged (a rebuild fixes it)."""
    try:
        return store.current_name()
    except IndexCorrupt:
        return None


def _finished(store: Store, live: str | None) -> list[Path]:
    """Builds other than the live one that have their meta.json, oldest first."""
    return sorted(p for p in store.builds.iterdir() if p.name != live and (p / META).is_file())


def remove_stale_builds(store: Store) -> None:
    """Delete unfinished builds and all but the newest previous one (caller holds the lock)."""
    for tmp in store.root.glob(".CURRENT.*"):  # left by a `kb index` killed while publishing
        tmp.unlink(missing_ok=True)
    if not store.builds.is_dir():
        return
    live = live_name(store)
    keep = {*(p.name for p in _finished(store, live)[-_KEEP_PREVIOUS:])}
    if live and (store.builds / live / META).is_file():  # an incomplete live build is useless
        keep.add(live)
    for p in store.builds.iterdir():
        if p.name not in keep:
            log.info("removing stale build %s", p.name)
            shutil.rmtree(p, ignore_errors=True)
