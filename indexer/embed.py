"""Vectors for a build: embed the passages whose exact text was never embedded, then write the
build's aligned vector files (kb/semantic/vectors.py) from the cache.

Missing texts are sorted by length and cut into chunks (similar lengths pad little); worker
processes (one per core, one BLAS thread each) embed chunk after chunk and store each whole, so
kill -9 or Ctrl-C loses at most the chunks in flight and the next run goes on from there.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from whoosh import index as whoosh_index
from whoosh.reading import MultiReader

from indexer import faults, workers
from indexer.lock import index_lock
from kb.config import WORKING_CORES
from kb.schema import DOCUMENTS, document_schema, passage_schema, shard_name
from kb.semantic.encoder import DIM, Encoder
from kb.semantic.vectors import (
    VectorCache,
    embed_text,
    has_build_vectors,
    text_key,
    write_build_vectors,
    write_progress,
)
from kb.store import Store, read_meta

log = logging.getLogger(__name__)
CHUNK = 256  # passages per stored chunk
Progress = Callable[[int, int], None]  # (passages embedded, passages to embed)


@dataclass
class EmbedStats:
    """What one vector run did."""

    build: str
    passages: int = 0  # passages of the build
    embedded: int = 0  # embedded by this run (the rest came from the cache)
    seconds: float = 0.0
    complete: bool = False

    @property
    def per_second(self) -> float:
        return self.embedded / self.seconds if self.seconds > 0 else 0.0


def build_texts(build: Path) -> list[str | None]:
    """The text to embed for every passage docnum of a build (None for deleted ones)."""
    meta = read_meta(build)
    docs = whoosh_index.open_dir(str(build), indexname=DOCUMENTS, schema=document_schema())
    with docs.reader() as r:
        titles = {f["id"]: f["record"]["title"] for _n, f in r.iter_docs()}
    shards = [
        whoosh_index.open_dir(str(build), indexname=shard_name(i), schema=passage_schema())
        for i in range(int(meta.get("shards", 1)))
    ]
    readers = [ix.reader() for ix in shards]
    reader = readers[0] if len(readers) == 1 else MultiReader(readers)
    try:
        texts: list[str | None] = [None] * reader.doc_count_all()
        for n, fields in reader.iter_docs():
            rec = fields["record"]
            title = titles.get(rec["doc_id"])
            if title is not None:
                texts[n] = embed_text(title, rec["heading_path"], rec["text"])
    finally:
        reader.close()
    return texts


def _embed_chunks(index_dir: Path, engine: str, chunks: list, counter, parent: int, nice: int):
    """Worker: embed and store chunks (name, keys, texts) one after another."""
    if nice:
        os.nice(nice)
    encoder = Encoder(engine)
    cache = VectorCache(index_dir, encoder.tag)
    for i, (name, keys, texts) in enumerate(chunks):
        if os.getppid() != parent:
            raise SystemExit(1)  # the parent was killed: stop, what is stored stays
        cache.write(name, keys, encoder.passages(texts))
        with counter.get_lock():
            counter.value += len(keys)
        if i == 1:
            faults.point("embed-chunk", parent)
    return len(chunks)


def _plan(missing: dict[bytes, str], procs: int) -> list[list]:
    """Length-sorted chunks (at least 8 per worker for a small job), dealt round-robin."""
    items = sorted(missing.items(), key=lambda kv: len(kv[1]))
    size = max(16, min(CHUNK, -(-len(items) // (procs * 8))))
    stamp = f"{int(time.time())}-{os.getpid()}"
    chunks = [
        (f"{stamp}-{i // size:05d}", [k for k, _ in part], [t for _, t in part])
        for i in range(0, len(items), size)
        for part in [items[i : i + size]]
    ]
    return [chunks[w::procs] for w in range(procs) if chunks[w::procs]]


def embed_missing(
    index_dir: Path,
    encoder: Encoder,
    missing: dict[bytes, str],
    procs: int,
    progress: Progress | None = None,
    nice: int = 0,
) -> None:
    """Embed the texts of `missing` (key → text) in worker processes, storing each chunk."""
    if not missing:
        return
    ctx = multiprocessing.get_context("spawn")  # a fresh numpy with one BLAS thread per worker
    counter = ctx.Value("i", 0)
    jobs = [
        (index_dir, encoder.engine, part, counter, os.getpid(), nice)
        for part in _plan(missing, procs)
    ]
    tick = (lambda: progress(counter.value, len(missing))) if progress else None
    saved = os.environ.get("OPENBLAS_NUM_THREADS")
    os.environ["OPENBLAS_NUM_THREADS"] = "1"
    try:
        workers.run(_embed_chunks, jobs, ctx, tick, interval=0.5)
    finally:
        if saved is None:
            os.environ.pop("OPENBLAS_NUM_THREADS", None)
        else:
            os.environ["OPENBLAS_NUM_THREADS"] = saved
    if progress:
        progress(len(missing), len(missing))


def _recorder(index_dir: Path, tag: str, build: str, have: int, progress: Progress | None):
    """A progress callback that also records progress on disk (at most every 2 s)."""
    last = [0.0]

    def report(done: int, total: int) -> None:
        if progress:
            progress(done, total)
        now = time.monotonic()
        if now - last[0] >= 2.0 or done == total:
            last[0] = now
            write_progress(index_dir, tag, build, have, done, have + total)

    return report


def embed_build(
    index_dir: Path,
    encoder: Encoder,
    procs: int | None = None,
    progress: Progress | None = None,
    nice: int = 0,
    wait: float = 0.0,
) -> EmbedStats:
    """Complete the vectors of the live build (embedding only texts never embedded before)."""
    store = Store(Path(index_dir))
    started = time.monotonic()
    with index_lock(store.root / "VECTORS.LOCK", wait=wait, what="vector build"):
        build = store.current()
        stats = EmbedStats(build.name)
        if has_build_vectors(build, encoder.tag):
            stats.passages, stats.complete = read_meta(build).get("passages", 0), True
            return stats
        texts = build_texts(build)
        keys = [text_key(t) if t is not None else None for t in texts]
        cache = VectorCache(store.root, encoder.tag)
        have = cache.index()
        missing = {k: t for k, t in zip(keys, texts, strict=True) if k and k not in have}
        stats.passages, stats.embedded = sum(k is not None for k in keys), len(missing)
        log.info("%s: %d passages, %d to embed", build.name, stats.passages, len(missing))
        cached = len({k for k in keys if k and k in have})  # distinct texts embedded before
        report = _recorder(store.root, encoder.tag, build.name, cached, progress)
        embed_missing(store.root, encoder, missing, procs or WORKING_CORES, report, nice)
        cache = VectorCache(store.root, encoder.tag)  # re-read: the workers wrote new chunks
        alive = [n for n, k in enumerate(keys) if k is not None]
        vecs, found = cache.gather([keys[n] for n in alive], DIM)
        full = np.zeros((len(keys), DIM), np.float32)
        got = np.zeros(len(keys), bool)
        full[alive], got[alive] = vecs, found
        if store.current_name() != build.name:
            log.warning("a newer build went live while embedding; its vectors come next")
        stats.complete = bool(found.all())
        if stats.complete:  # a build's vectors are written whole or not at all
            write_build_vectors(build, encoder.tag, full, got, encoder.info())
        else:
            log.warning("%d passages still lack vectors: the next run embeds them", (~found).sum())
    stats.seconds = time.monotonic() - started
    return stats
