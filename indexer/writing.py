"""Write documents into a build: passages in one Whoosh shard per core, documents in one index.

A full build parses, analyses and writes each shard in its own process with a plain Whoosh
writer, so nothing but small document records crosses between processes; the search side
reads the shards through Whoosh's MultiReader.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.writing import SegmentWriter

from indexer import faults, workers
from indexer.fields import document_fields, passage_fields
from indexer.parsing import parse_or_skip
from indexer.scan import SourceFile
from indexer.segment import BulkSegmentWriter
from kb import analysis
from kb.errors import KBError
from kb.links.indexing.extract import document_references
from kb.models import Skipped
from kb.schema import DOCUMENTS, document_schema, passage_schema, shard_name

log = logging.getLogger(__name__)
_LIMIT_MB = 3072  # postings held in memory: one sort at commit instead of merging runs


@dataclass
class ShardResult:
    """What one shard writer did."""

    documents: list[dict] = field(default_factory=list)  # document index fields
    files: dict[str, str] = field(default_factory=dict)  # source → sha256 written
    passages: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    references: dict[str, dict] = field(default_factory=dict)  # doc id → references found


def _write_shard(
    path: Path,
    shard: int,
    files: list[SourceFile],
    counter,
    parent: int | None,
    create: bool,
    parsed: dict | None = None,
) -> ShardResult:
    """Parse `files` and write their passages into shard `shard` (runs in a worker process).

    `parsed` may hold (document, skipped) pairs already parsed, by source.
    """
    name = shard_name(shard)
    ix = (
        whoosh_index.create_in(str(path), passage_schema(), indexname=name)
        if create
        else whoosh_index.open_dir(str(path), indexname=name, schema=passage_schema())
    )
    result = ShardResult()
    # compound=False: separate segment files are read in place; a compound file is copied into
    # memory by every reader (about 160 MB per thread for the full corpus).
    # A new shard gets every document in docnum order: the bulk writer keeps postings per term.
    writer_class = BulkSegmentWriter if create else SegmentWriter
    with writer_class(ix, limitmb=_LIMIT_MB, compound=False) as writer:  # commits or cancels
        for i, sf in enumerate(files):
            if parent is not None and os.getppid() != parent:
                raise SystemExit(1)  # the parent was killed: nobody will publish this build
            if i == len(files) // 2:
                faults.point("shard-mid", parent)
                faults.point("shard-crash")
            doc, skipped = parsed[sf.source] if parsed else parse_or_skip(sf)
            if doc is not None:
                with writer.group():
                    for p in doc.passages:
                        writer.add_document(**passage_fields(p))
                result.documents.append(document_fields(doc))
                result.references[doc.id] = document_references(doc)
                result.files[sf.source] = sf.sha256
                result.passages += len(doc.passages)
            if skipped is not None:
                result.skipped.append(skipped)
            if counter is not None:
                with counter.get_lock():
                    counter.value += 1
    faults.point("shard-commit", parent)
    return result


def _balance(files: list[SourceFile], shards: int) -> list[list[SourceFile]]:
    """Split files into `shards` lists of similar total size (largest first, greedy)."""
    bins: list[list[SourceFile]] = [[] for _ in range(shards)]
    sizes = [0] * shards
    for sf in sorted(files, key=lambda f: f.size, reverse=True):
        i = sizes.index(min(sizes))
        bins[i].append(sf)
        sizes[i] += sf.size
    return [sorted(b, key=lambda f: f.source) for b in bins]


def process_context():
    """fork where it is safe (no other threads: workers inherit the loaded jieba), else spawn."""
    if os.name == "posix" and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


def write_shards(path: Path, files: list[SourceFile], shards: int, progress=None) -> ShardResult:
    """Create the passage shards of a new build in parallel; returns the merged result."""
    analysis.segmenter()  # loaded before forking, once for all workers
    if shards == 1:
        results = [_write_shard(path, 0, files, None, None, create=True)]
    else:
        ctx = process_context()
        counter = ctx.Value("i", 0)
        jobs = [
            (path, i, part, counter, os.getpid(), True)
            for i, part in enumerate(_balance(files, shards))
        ]
        tick = (lambda: progress(counter.value, len(files))) if progress else None
        results = workers.run(_write_shard, jobs, ctx, tick)
    if progress:
        progress(len(files), len(files))
    return _merge(results)


def _merge(results: list[ShardResult]) -> ShardResult:
    merged = ShardResult()
    for r in results:
        merged.documents += r.documents
        merged.files |= r.files
        merged.passages += r.passages
        merged.skipped += r.skipped
        merged.references |= r.references
    return merged


def write_document_index(
    path: Path, documents: list[dict], create: bool, delete_ids: list[str] = ()
) -> None:
    """Write (or update) the documents index of a build."""
    ix = (
        whoosh_index.create_in(str(path), document_schema(), indexname=DOCUMENTS)
        if create
        else whoosh_index.open_dir(str(path), indexname=DOCUMENTS, schema=document_schema())
    )
    with ix.writer(limitmb=64, compound=False) as w:
        for doc_id in delete_ids:
            w.delete_by_term("id", doc_id)
        for fields in documents:
            w.add_document(**fields)


def count_passages(path: Path, shards: int) -> int:
    """Live passages in the shards of a build."""
    return sum(
        whoosh_index.open_dir(
            str(path), indexname=shard_name(i), schema=passage_schema()
        ).doc_count()
        for i in range(shards)
    )


def verify(path: Path, shards: int, expected: int) -> None:
    """Refuse a build whose shards do not hold the passages written."""
    found = count_passages(path, shards)
    if found != expected:
        raise KBError(f"index build incomplete: {found} of {expected} passages written")


def doc_ids(path: Path, sources: list[str]) -> dict[str, str]:
    """source → document id for sources indexed in the build at `path`."""
    ix = whoosh_index.open_dir(str(path), indexname=DOCUMENTS, schema=document_schema())
    with ix.searcher() as s:
        return {src: f["id"] for src in sources if (f := s.document(source=src))}


def update_shards(
    path: Path,
    shards: int,
    files: list[SourceFile],
    parsed: dict,
    delete_ids: list[str],
    progress=None,
) -> ShardResult:
    """Delete documents from every shard, then add `files` (parsed) to the smallest shard."""
    sizes = []
    for i in range(shards):
        ix = whoosh_index.open_dir(str(path), indexname=shard_name(i), schema=passage_schema())
        if delete_ids:
            with ix.writer(compound=False) as w:
                for doc_id in delete_ids:
                    w.delete_by_term("doc", doc_id)
            faults.point("deleted")
        sizes.append(ix.doc_count())
    target = sizes.index(min(sizes))
    started = time.monotonic()
    result = _write_shard(path, target, files, None, None, create=False, parsed=parsed)
    log.info(
        "updated shard %d with %d files in %.1fs", target, len(files), time.monotonic() - started
    )
    if progress:
        progress(len(files), len(files))
    return result
