"""`kb index`: build the index beside the live one, or update it incrementally, then swap it in."""

from __future__ import annotations

import logging
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from corpus.collection import parse_file
from indexer.lock import index_lock
from indexer.scan import SourceFile, scan
from indexer.snapshot import clone_build, new_build_name, remove_stale_builds, write_meta
from indexer.writing import write_documents
from kb import analysis
from kb.config import Settings
from kb.errors import KBError, UnreadableDocument
from kb.models import Document, Skipped
from kb.schema import SCHEMA_VERSION
from kb.store import Store

log = logging.getLogger(__name__)
Progress = Callable[[int, int], None]  # (done, total)


@dataclass
class IndexStats:
    """What one `kb index` run did."""

    mode: str  # full | incremental | unchanged
    build: str
    documents: int = 0
    passages: int = 0
    added: int = 0
    changed: int = 0
    removed: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    seconds: float = 0.0


def _compatible(store: Store, settings: Settings) -> dict | None:
    """The live build's meta when it can be updated in place of a rebuild, else None."""
    try:
        meta = store.meta()
    except KBError:
        return None
    same = (meta.get("schema") == SCHEMA_VERSION and meta.get("analyzer") == analysis.fingerprint()
            and meta.get("corpus_dirs") == [str(p) for p in settings.corpus_dirs])
    return meta if same else None


def build_index(settings: Settings, rebuild: bool = False, progress: Progress | None = None,
                wait: float = 0.0, procs: int | None = None) -> IndexStats:
    """Bring the index up to date with the corpus folders; returns what was done."""
    store = Store(settings.index_dir)
    started = time.monotonic()
    with index_lock(store.lockfile, wait=wait):
        remove_stale_builds(store)
        files, skipped = scan(settings.corpus_dirs)
        meta = None if rebuild else _compatible(store, settings)
        if meta is None:
            stats = _full_build(store, settings, files, progress, procs)
        else:
            stats = _incremental(store, settings, meta, files, progress)
        stats.skipped = skipped + stats.skipped
    stats.seconds = time.monotonic() - started
    return stats


def _parse_all(files: list[SourceFile], stats: IndexStats, progress: Progress | None):
    """Yield parsed documents; unreadable files become Skipped entries on `stats`."""
    for n, sf in enumerate(files, 1):
        try:
            yield sf, parse_file(sf.path, sf.root)
        except UnreadableDocument as exc:
            stats.skipped.append(Skipped(sf.source, exc.reason))
        except Exception as exc:  # one bad file must never abort the run
            log.debug("parser failed on %s", sf.source, exc_info=True)
            stats.skipped.append(Skipped(sf.source, f"cannot parse: {type(exc).__name__}: {exc}"))
        if progress:
            progress(n, len(files))


def _indexed(docs: list[tuple[SourceFile, Document]], stats: IndexStats) -> dict[str, str]:
    """Record counts on `stats`; return the source → sha256 map the meta keeps."""
    stats.documents += len(docs)
    stats.passages += sum(len(d.passages) for _, d in docs)
    return {sf.source: sf.sha256 for sf, _ in docs}


def _full_build(store: Store, settings: Settings, files: dict[str, SourceFile],
                progress: Progress | None, procs: int | None) -> IndexStats:
    """Write every document into a new build, then publish it."""
    name = new_build_name()
    path = store.builds / name
    stats = IndexStats("full", name)
    ordered = [files[k] for k in sorted(files)]
    try:
        written = write_documents(path, _parse_all(ordered, stats, progress), create=True,
                                  procs=procs)
        indexed = _indexed(written, stats)
        stats.added = len(indexed)
        write_meta(path, settings, indexed, stats)
        store.publish(name)
    except BaseException:
        shutil.rmtree(path, ignore_errors=True)
        raise
    return stats


def _incremental(store: Store, settings: Settings, meta: dict, files: dict[str, SourceFile],
                 progress: Progress | None) -> IndexStats:
    """Re-index only added, changed and removed files, in a copy of the live build."""
    old: dict[str, str] = meta.get("files", {})
    changed = [s for s in files if s in old and old[s] != files[s].sha256]
    added = [s for s in files if s not in old]
    removed = [s for s in old if s not in files]
    live = store.current()
    if not (changed or added or removed):
        return IndexStats("unchanged", live.name, meta.get("documents", 0), meta.get("passages", 0))
    stats = IndexStats("incremental", "", changed=len(changed), removed=len(removed))
    parsed = list(_parse_all([files[s] for s in sorted(changed + added)], stats, progress))
    ok = {sf.source for sf, _ in parsed}
    # A changed file that no longer parses keeps its indexed version: nothing indexed is lost.
    delete = [s for s in changed if s in ok] + removed
    kept = {s: h for s, h in old.items() if s not in set(delete)}
    if not parsed and not removed:
        stats.mode, stats.build = "unchanged", live.name
        stats.documents, stats.passages = meta.get("documents", 0), meta.get("passages", 0)
        return stats
    name = new_build_name()
    path = store.builds / name
    stats.build = name
    try:
        clone_build(live, path)
        written = write_documents(path, iter(parsed), create=False, delete_sources=delete)
        indexed = kept | _indexed(written, stats)
        stats.changed = len([s for s in changed if s in ok])
        stats.added = len(written) - stats.changed
        stats.documents, stats.passages = len(indexed), _count_passages(path)
        write_meta(path, settings, indexed, stats)
        store.publish(name)
    except BaseException:
        shutil.rmtree(path, ignore_errors=True)
        raise
    return stats


def _count_passages(path: Path) -> int:
    """Live passages in a build."""
    from whoosh import index as whoosh_index

    from kb.schema import PASSAGES, passage_schema

    ix = whoosh_index.open_dir(str(path), indexname=PASSAGES, schema=passage_schema())
    return ix.doc_count()
