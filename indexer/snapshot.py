"""Build directories: naming, cloning the live build for an update, meta.json, clean-up."""

from __future__ import annotations

import json
import os
import shutil
import time
from datetime import datetime, timezone
from pathlib import Path

from kb import analysis
from kb.config import Settings
from kb.schema import SCHEMA_VERSION
from kb.store import META, Store

_KEEP_PREVIOUS = 1  # builds kept after the live one, for readers that still have them open


def new_build_name() -> str:
    """A unique, sortable build name."""
    return datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S") + f"-{os.getpid()}-{time.monotonic_ns() % 10**6:06d}"


def clone_build(src: Path, dst: Path) -> None:
    """Copy a build cheaply: Whoosh segment files never change, so hard links are safe."""
    dst.mkdir(parents=True)
    for item in src.iterdir():
        if item.name == META or item.name.endswith("_WRITELOCK"):
            continue
        try:
            os.link(item, dst / item.name)
        except OSError:
            shutil.copy2(item, dst / item.name)


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
        "files": files,
    }
    tmp = path / (META + ".tmp")
    tmp.write_text(json.dumps(meta, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(tmp, path / META)


def remove_stale_builds(store: Store) -> None:
    """Delete unfinished builds and all but the newest previous one (caller holds the lock)."""
    if not store.builds.is_dir():
        return
    live = store.current_name()
    finished = sorted(p for p in store.builds.iterdir()
                      if p.name != live and (p / META).is_file())
    keep = {live, *(p.name for p in finished[-_KEEP_PREVIOUS:])}
    for p in store.builds.iterdir():
        if p.name not in keep:
            shutil.rmtree(p, ignore_errors=True)
