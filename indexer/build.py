"""`kb index`: build the index beside the live one, or update it incrementally, then swap it in."""

from __future__ import annotations

import logging
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import NoReturn

from indexer import faults
from indexer.builds import (
    clone_build,
    live_name,
    new_build_name,
    remove_stale_builds,
    write_meta,
)
from indexer.links import (
    stored_records,
    updated_references,
    write_documents_and_links,
    write_links,
)
from indexer.lock import index_lock
from indexer.parsing import parse_or_skip
from indexer.scan import SourceFile, scan
from indexer.writing import (
    count_passages,
    doc_ids,
    update_shards,
    verify,
    write_document_index,
    write_shards,
)
from kb import analysis
from kb.access import everything_dir, rules_for
from kb.config import WORKING_CORES, Settings
from kb.errors import IndexCorrupt, IndexMissing, KBError
from kb.links.store import REFERENCES
from kb.models import Skipped
from kb.schema import SCHEMA_VERSION
from kb.store import Store, check_files

log = logging.getLogger(__name__)
Progress = Callable[[int, int], None]  # (files done, files in total)


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
    shards: int = 1
    internal: int = 0  # internal files, kept out of this (public) index
    everything: IndexStats | None = None  # the index of every file, when one is kept


class BuildFailed(KBError):
    """Writing a build failed (a full disk, an unwritable folder …); the live index is unchanged."""


def _compatible(store: Store, settings: Settings) -> dict | None:
    """The live build's meta when it can be updated instead of rebuilt, else None."""
    try:
        meta = store.meta()
        check_files(store.current(), meta)
    except IndexCorrupt as exc:  # a damaged live build is rebuilt, never copied
        log.warning("building a new index: %s", exc)
        return None
    except IndexMissing:
        return None
    same = (
        (store.current() / REFERENCES).is_file()  # builds before links were stored
        and meta.get("schema") == SCHEMA_VERSION
        and meta.get("analyzer") == analysis.fingerprint()
        and meta.get("corpus_dirs") == [str(p) for p in settings.corpus_dirs]
    )
    return meta if same else None


def build_index(
    settings: Settings,
    rebuild: bool = False,
    progress: Progress | None = None,
    wait: float = 0.0,
    procs: int | None = None,
) -> IndexStats:
    """Bring the index up to date with the corpus folders; returns what was done.

    Internal files (kb.access) stay out of the public index at settings.index_dir; once any
    exists, a second index of every file is kept at <index_dir>/all, by the same code (its
    first build is the public one plus the internal files, added incrementally).
    """
    store = Store(settings.index_dir)
    started = time.monotonic()
    with index_lock(store.lockfile, wait=wait):
        faults.point("locked")
        files, skipped = scan(settings.corpus_dirs)
        faults.point("scanned")
        rules = rules_for(settings.index_dir, settings.internal_dirs)
        public = {s: f for s, f in files.items() if not rules.internal(s)}
        stats = _bring_up_to_date(store, settings, public, rebuild, progress, procs)
        stats.skipped = skipped + stats.skipped
        stats.internal = len(files) - len(public)
        every = Store(everything_dir(settings.index_dir))
        if stats.internal or every.pointer.exists():
            seed = None if rebuild else (store, _compatible(store, settings))
            stats.everything = _bring_up_to_date(every, settings, files, rebuild, None, procs, seed)
    stats.seconds = time.monotonic() - started
    return stats


def _bring_up_to_date(
    store: Store,
    settings: Settings,
    files: dict[str, SourceFile],
    rebuild: bool,
    progress: Progress | None,
    procs: int | None,
    seed: tuple[Store, dict | None] | None = None,
) -> IndexStats:
    """Update the index at `store` to hold exactly `files`: incrementally from its live build,
    else from `seed`'s live build (a store holding a subset of them), else a full build."""
    remove_stale_builds(store)
    meta = None if rebuild else _compatible(store, settings)
    if meta is not None:
        return _incremental(store, settings, meta, files, progress)
    if seed is not None and seed[1] is not None:
        _share_vectors(seed[0], store)
        return _incremental(store, settings, seed[1], files, progress, seed[0].current())
    shards = max(1, procs or WORKING_CORES)
    return _full_build(store, settings, files, progress, shards)


def _share_vectors(public: Store, store: Store) -> None:
    """Let the index of everything use the public index's vector cache (keyed by text: a text
    embedded for one is never embedded again for the other)."""
    link = store.root / "vectors"
    if link.exists() or link.is_symlink():
        return
    store.root.mkdir(parents=True, exist_ok=True)
    (public.root / "vectors").mkdir(parents=True, exist_ok=True)
    try:
        link.symlink_to(Path("..") / "vectors", target_is_directory=True)
    except OSError:  # no symlinks here: a cache of its own (embeds public texts once more)
        log.info("the index of everything keeps its own vector cache")


def _publish(
    store: Store, settings: Settings, name: str, stats: IndexStats, files: dict[str, str]
) -> None:
    """Write meta.json (the build's completion mark) and make the build live."""
    path = store.builds / name
    write_meta(path, settings, files, stats)
    faults.point("meta-written")
    store.publish(name, before_swap=lambda: faults.point("publish-tmp"))
    faults.point("published")


def _full_build(
    store: Store,
    settings: Settings,
    files: dict[str, SourceFile],
    progress: Progress | None,
    shards: int,
) -> IndexStats:
    """Write every document into a new build, then publish it."""
    name = new_build_name()
    path = store.builds / name
    stats = IndexStats("full", name, shards=shards)
    try:
        path.mkdir(parents=True)
        result = write_shards(path, list(files.values()), shards, progress)
        faults.point("shards-written")
        write_documents_and_links(path, shards, result.documents, result.references)
        faults.point("documents-written")
        verify(path, shards, result.passages)
        stats.documents, stats.passages = len(result.documents), result.passages
        stats.added, stats.skipped = len(result.files), result.skipped
        _publish(store, settings, name, stats, result.files)
    except BaseException as exc:
        _discard(store, path, exc)
    return stats


def _discard(store: Store, path: Path, exc: BaseException) -> NoReturn:
    """Remove an unpublished build and re-raise; an OSError becomes BuildFailed naming its cause."""
    if live_name(store) == path.name:  # failed after the swap: the build is live and complete
        raise exc
    shutil.rmtree(path, ignore_errors=True)
    if isinstance(exc, OSError):
        where = f" ({exc.filename})" if exc.filename else ""
        raise BuildFailed(
            f"index build failed: {exc.strerror or exc}{where}; the previous index is unchanged"
        ) from exc
    raise exc


def _diff(old: dict[str, str], files: dict[str, SourceFile]) -> tuple[list, list, list]:
    changed = sorted(s for s in files if s in old and old[s] != files[s].sha256)
    added = sorted(s for s in files if s not in old)
    removed = sorted(s for s in old if s not in files)
    return changed, added, removed


def _incremental(
    store: Store,
    settings: Settings,
    meta: dict,
    files: dict[str, SourceFile],
    progress: Progress | None,
    live: Path | None = None,
) -> IndexStats:
    """Re-index only added, changed and removed files, in a hard-linked copy of the live build
    (or of `live`, another store's build that `meta` describes)."""
    old: dict[str, str] = meta.get("files", {})
    changed, added, removed = _diff(old, files)
    seeded = live is not None
    live = live or store.current()
    stats = IndexStats(
        "unchanged",
        live.name,
        meta.get("documents", 0),
        meta.get("passages", 0),
        shards=meta.get("shards", 1),
    )
    if not (changed or added or removed or seeded):
        return stats
    name = new_build_name()
    path = store.builds / name
    todo = [files[s] for s in changed + added]
    parsed = {sf.source: parse_or_skip(sf) for sf in todo}
    # A changed file that no longer parses keeps its indexed version: nothing indexed is lost.
    broken = {s for s in changed if parsed[s][0] is None}
    todo = [sf for sf in todo if sf.source not in broken]
    if not todo and not removed and not seeded:
        stats.skipped = [parsed[s][1] for s in sorted(broken) if parsed[s][1]]
        return stats
    try:
        store.builds.mkdir(parents=True, exist_ok=True)
        clone_build(live, path)
        ids = doc_ids(path, [s for s in changed if s not in broken] + removed)
        result = update_shards(path, stats.shards, todo, parsed, list(ids.values()), progress)
        write_document_index(path, result.documents, create=False, delete_ids=list(ids.values()))
        faults.point("documents-written")
        references = updated_references(live, result.references, list(ids.values()))
        write_links(path, stats.shards, stored_records(path), references)
        gone = (set(changed) - broken) | set(removed)
        indexed = {s: h for s, h in old.items() if s not in gone} | result.files
        stats.mode, stats.build = "incremental", name
        stats.changed = len([s for s in changed if s in result.files])
        stats.added = len(result.files) - stats.changed
        stats.removed = len(removed)
        stats.skipped = result.skipped + [parsed[s][1] for s in sorted(broken) if parsed[s][1]]
        stats.documents, stats.passages = len(indexed), count_passages(path, stats.shards)
        _publish(store, settings, name, stats, indexed)
    except BaseException as exc:
        _discard(store, path, exc)
    return stats
