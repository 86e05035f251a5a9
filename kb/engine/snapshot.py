"""One published build opened for searching: Whoosh readers plus the arrays scoring needs."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import TypeVar

import numpy as np
from whoosh import index as whoosh_index
from whoosh.reading import MultiReader
from whoosh.searching import Searcher

from kb.engine.build_cache import BuildCache
from kb.engine.doctable import DocTable
from kb.engine.policy import POLICY, Policy
from kb.engine.postings import FieldPostings
from kb.errors import IndexCorrupt, KBError, NotFound
from kb.query.aliases import AliasTable
from kb.schema import (
    DOCUMENT_TITLE,
    DOCUMENTS,
    PASSAGE_HEADING,
    PASSAGE_TEXT,
    document_schema,
    passage_schema,
    shard_name,
)
from kb.store import check_files, read_meta

log = logging.getLogger(__name__)
T = TypeVar("T")


def _postings(reader, field: str, lengths_from, live: np.ndarray, k1: float, b: float):
    """The BM25 postings of `field` read through `reader`, with every docnum's token count
    read from `lengths_from`."""
    get = lengths_from.doc_field_length
    lengths = np.fromiter((get(n, field) or 0 for n in range(live.size)), np.float32, live.size)
    return FieldPostings(reader, field, lengths, live, k1=k1, b=b)


def _open(path: Path, name: str, schema):
    try:
        return whoosh_index.open_dir(str(path), indexname=name, schema=schema)
    except Exception as exc:  # Whoosh raises several types for missing or damaged files
        raise IndexCorrupt(
            f"cannot open the {name} index in {path}: {exc}: run `kb index --rebuild` to repair it"
        ) from exc


class Snapshot:
    """Everything a search needs from one immutable build, loaded once and shared by threads."""

    def __init__(self, path: Path, policy: Policy = POLICY):
        started = time.monotonic()
        self.path = path
        self._local = threading.local()
        self._open: list = []  # every reader and searcher opened, closed together by close()
        self._open_lock = threading.Lock()
        self._cache = BuildCache()
        try:
            self._load(policy)
        except Exception as exc:
            self.close()
            if isinstance(exc, (KBError, MemoryError)):
                raise
            raise IndexCorrupt(
                f"cannot open index build {path.name} ({type(exc).__name__}: "
                f"{exc}): run `kb index --rebuild` to repair it"
            ) from exc
        log.info(
            "opened %s: %d passages, %d documents in %.2fs",
            path.name,
            self.live_count,
            len(self.docs.ids),
            time.monotonic() - started,
        )

    def _load(self, policy: Policy) -> None:
        """Open the Whoosh indexes of the build and load the arrays scoring needs."""
        meta = read_meta(self.path)
        check_files(self.path, meta)
        self.shards = [
            _open(self.path, shard_name(i), passage_schema())
            for i in range(int(meta.get("shards", 1)))
        ]
        self.documents_ix = _open(self.path, DOCUMENTS, document_schema())
        preader = self._keep(self.passage_reader())
        dreader = self._keep(self.documents_ix.reader())
        docs = [(n, fields["record"]) for n, fields in dreader.iter_docs()]
        self.docs = DocTable.build([rec for _n, rec in docs])
        self.doc_row = np.full(dreader.doc_count_all(), -1, dtype=np.int32)
        self.doc_row[[n for n, _rec in docs]] = np.arange(len(docs), dtype=np.int32)
        self.size = preader.doc_count_all()
        self.alive = np.zeros(self.size, dtype=bool)
        self.alive[np.fromiter(preader.all_doc_ids(), dtype=np.int64)] = True
        self.passage_doc = self._passage_rows(preader)
        self.alive &= self.passage_doc >= 0
        k1 = policy.k1
        self.text = _postings(preader, PASSAGE_TEXT, preader, self.alive, k1, policy.b_text)
        # Its own reader: fields read under separate locks must not share file handles.
        hreader = self._keep(self.passage_reader())
        self.heading = _postings(
            hreader, PASSAGE_HEADING, preader, self.alive, k1, policy.b_heading
        )
        self.title = _postings(
            dreader, DOCUMENT_TITLE, dreader, self.doc_row >= 0, k1, policy.b_title
        )
        self.live_count = int(self.alive.sum())

    def _passage_rows(self, reader) -> np.ndarray:
        """Document row of every passage docnum (-1 for deleted or orphaned passages)."""
        column = reader.column_reader("doc")
        row = self.docs.row
        return np.fromiter(
            (row.get(v.decode() if isinstance(v, bytes) else v, -1) for v in column),
            dtype=np.int32,
            count=self.size,
        )

    def _keep(self, thing):
        with self._open_lock:
            self._open.append(thing)
        return thing

    def close(self) -> None:
        """Close every Whoosh reader and searcher of this snapshot (it must no longer be used)."""
        with self._open_lock:
            opened, self._open = self._open, []
        for thing in opened:
            try:
                thing.close()
            except Exception:  # already closed, or half-open after an error
                log.debug("closing %r failed", thing, exc_info=True)

    def __del__(self) -> None:
        # Dropped by the Library after a newer build went live and no request holds it any more.
        if getattr(self, "_open", None):
            self.close()

    def cached(self, key: Hashable, compute: Callable[[], T], keep: int | None = None) -> T:
        """`compute()`, run once for this build and shared by every thread (see BuildCache);
        features keep their per-build tables here under keys of their own."""
        return self._cache.get(key, compute, keep)

    def aliases(self) -> AliasTable:
        """Names of the works in this build (titles, short names) for query understanding."""
        return self.cached(
            "aliases", lambda: AliasTable.from_records(self.docs.records, self.region_names())
        )

    def region_names(self) -> tuple[str, ...]:
        """Provinces and cities the documents belong to, longest first."""

        def read() -> tuple[str, ...]:
            names = {r.get(k) for r in self.docs.records for k in ("region", "city")}
            return tuple(sorted((n for n in names if n), key=len, reverse=True))

        return self.cached("regions", read)

    def passage_reader(self):
        """A new reader over all passage shards, numbering passages across them."""
        readers = [ix.reader() for ix in self.shards]
        return readers[0] if len(readers) == 1 else MultiReader(readers)

    def row_of(self, doc_id: str) -> int:
        """The document row of an id (NotFound for an unknown id)."""
        row = self.docs.row.get(doc_id) if isinstance(doc_id, str) else None
        if row is None:
            raise NotFound(f"no document with id {doc_id!r}")
        return row

    # Docnums. A document's passages are written together, in order, into one shard, so its
    # passage of ordinal k is at the document's first docnum plus k (the stored id confirms it).

    def docnum_of(self, passage_id: str) -> int | None:
        """The docnum of a passage id ("<doc_id>-<ordinal>"), or None."""
        doc_id, _, ordinal = passage_id.rpartition("-")
        row = self.docs.row.get(doc_id)
        n = self.docnum_at(row, int(ordinal)) if row is not None and ordinal.isdigit() else None
        if n is None:
            return None
        return n if self.searcher().stored_fields(n)["record"]["id"] == passage_id else None

    def docnum_at(self, row: int, ordinal: int) -> int | None:
        """The docnum of a document row's passage `ordinal` (None when it is not live)."""
        first = int(self.first_docnum()[row])
        n = first + ordinal
        if first < 0 or ordinal < 0 or n >= self.size:
            return None
        return n if self.alive[n] and self.passage_doc[n] == row else None

    def docnums(self, row: int) -> range:
        """The docnums of a document row's passages, ordinal 0 first (some may be dead)."""
        first = int(self.first_docnum()[row])
        count = int(self.docs.records[row].get("passage_count") or 0)
        return range(first, min(first + count, self.size)) if first >= 0 else range(0)

    def passage_ids(self, row: int) -> list[str]:
        """The ids of a document row's passages, ordinal 0 first."""
        doc_id = self.docs.ids[row]
        return [
            f"{doc_id}-{k}" for k in range(int(self.docs.records[row].get("passage_count") or 0))
        ]

    def passage_id(self, docnum: int) -> str:
        """The id of a live passage, "<doc_id>-<ordinal>", without reading it."""
        row = self.passage_doc[docnum]
        return f"{self.docs.ids[row]}-{docnum - int(self.first_docnum()[row])}"

    def first_docnum(self) -> np.ndarray:
        """First live docnum of every document row (-1 for documents without passages)."""

        def find() -> np.ndarray:
            first = np.full(len(self.docs.ids), self.size, dtype=np.int64)
            live = np.nonzero(self.alive)[0]
            np.minimum.at(first, self.passage_doc[live], live)
            return np.where(first == self.size, -1, first)

        return self.cached("first docnum", find)

    def searcher(self):
        """This thread's Whoosh searcher over passages (Whoosh readers are not thread-safe)."""
        s = getattr(self._local, "searcher", None)
        if s is None:
            s = self._local.searcher = self._keep(Searcher(self.passage_reader()))
        return s

    def doc_searcher(self):
        """This thread's Whoosh searcher over documents."""
        s = getattr(self._local, "doc_searcher", None)
        if s is None:
            s = self._local.doc_searcher = self._keep(self.documents_ix.searcher())
        return s

    def texts(self) -> list[str]:
        """Every passage text by docnum, read once from the `body` column (for phrase scans)."""

        def read() -> list[str]:
            reader = self.passage_reader()
            try:
                return [b.decode("utf-8") if b else "" for b in reader.column_reader("body")]
            finally:
                reader.close()

        return self.cached("texts", read)
