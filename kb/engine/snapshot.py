"""One published build opened for searching: Whoosh readers plus the arrays scoring needs."""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

import numpy as np
from whoosh import index as whoosh_index
from whoosh.reading import MultiReader
from whoosh.searching import Searcher

from kb.engine.doctable import DocTable
from kb.engine.policy import POLICY, Policy
from kb.engine.postings import FieldPostings
from kb.errors import IndexCorrupt, KBError
from kb.links.reading.table import LinkTable
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
        self._texts: list[str] | None = None
        self._aliases: AliasTable | None = None
        self._first: np.ndarray | None = None
        self._regions: tuple[str, ...] | None = None
        self._links: LinkTable | None = None
        self._texts_lock = threading.Lock()
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
        self.text = FieldPostings(
            preader,
            PASSAGE_TEXT,
            self._lengths(preader, PASSAGE_TEXT, self.size),
            self.alive,
            k1=policy.k1,
            b=policy.b_text,
        )
        # Its own reader: fields read under separate locks must not share file handles.
        hreader = self._keep(self.passage_reader())
        self.heading = FieldPostings(
            hreader,
            PASSAGE_HEADING,
            self._lengths(preader, PASSAGE_HEADING, self.size),
            self.alive,
            k1=policy.k1,
            b=policy.b_heading,
        )
        self.title = FieldPostings(
            dreader,
            DOCUMENT_TITLE,
            self._lengths(dreader, DOCUMENT_TITLE, self.doc_row.size),
            self.doc_row >= 0,
            k1=policy.k1,
            b=policy.b_title,
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

    @staticmethod
    def _lengths(reader, field: str, size: int) -> np.ndarray:
        """Token count of `field` for every docnum."""
        get = reader.doc_field_length
        return np.fromiter((get(n, field) or 0 for n in range(size)), dtype=np.float32, count=size)

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

    def aliases(self) -> AliasTable:
        """Names of the works in this build (titles, short names) for query understanding."""
        if self._aliases is None:
            self._aliases = AliasTable.from_records(self.docs.records, self.region_names())
        return self._aliases

    def links(self) -> LinkTable:
        """The build's links (references resolved at index time), read once."""
        if self._links is None:
            with self._texts_lock:
                if self._links is None:
                    self._links = LinkTable.load(self.path)
        return self._links

    def region_names(self) -> tuple[str, ...]:
        """Provinces and cities the documents belong to, longest first."""
        if self._regions is None:
            names = {r.get(k) for r in self.docs.records for k in ("region", "city")}
            self._regions = tuple(sorted((n for n in names if n), key=len, reverse=True))
        return self._regions

    def passage_reader(self):
        """A new reader over all passage shards, numbering passages across them."""
        readers = [ix.reader() for ix in self.shards]
        return readers[0] if len(readers) == 1 else MultiReader(readers)

    def docnum_of(self, passage_id: str) -> int | None:
        """The docnum of a passage id ("<doc_id>-<ordinal>"), or None.

        A document's passages are written together, in order, into one shard, so the passage is
        at the document's first docnum plus its ordinal; the stored id confirms it.
        """
        doc_id, _, ordinal = passage_id.rpartition("-")
        row = self.docs.row.get(doc_id)
        if row is None or not ordinal.isdigit():
            return None
        first = self.first_docnum()[row]
        n = int(first) + int(ordinal)
        if first < 0 or n >= self.size or not self.alive[n] or self.passage_doc[n] != row:
            return None
        return n if self.searcher().stored_fields(n)["record"]["id"] == passage_id else None

    def first_docnum(self) -> np.ndarray:
        """First live docnum of every document row (-1 for documents without passages)."""
        if self._first is None:
            first = np.full(len(self.docs.ids), self.size, dtype=np.int64)
            live = np.nonzero(self.alive)[0]
            np.minimum.at(first, self.passage_doc[live], live)
            self._first = np.where(first == self.size, -1, first)
        return self._first

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
        if self._texts is None:
            with self._texts_lock:
                if self._texts is None:
                    reader = self.passage_reader()
                    try:
                        column = reader.column_reader("body")
                        self._texts = [b.decode("utf-8") if b else "" for b in column]
                    finally:
                        reader.close()
        return self._texts
