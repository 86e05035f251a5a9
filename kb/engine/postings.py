"""Posting lists read from Whoosh into numpy arrays of BM25 impacts, cached per term."""

from __future__ import annotations

import threading
from collections import OrderedDict

import numpy as np
from whoosh.reading import TermNotFound

EMPTY = (np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.float32))


class FieldPostings:
    """BM25 term impacts for one field: impact = tf·(k1+1) / (tf + k1·(1 − b + b·len/avglen)).

    The first use of a term reads its postings through Whoosh's matcher API (about a microsecond
    per posting); later uses are array look-ups. The cache is bounded by the number of postings.
    """

    def __init__(
        self,
        reader,
        field: str,
        lengths: np.ndarray,
        alive: np.ndarray,
        k1: float = 1.2,
        b: float = 0.75,
        max_postings: int = 40_000_000,
    ):
        self.reader, self.field = reader, field
        self.k1, self.b = k1, b
        live_lengths = lengths[alive]
        avg = float(live_lengths.mean()) if live_lengths.size else 1.0
        self._norm = (k1 * (1.0 - b + b * lengths / max(avg, 1e-6))).astype(np.float32)
        self._alive = alive
        self._cache: OrderedDict[str, tuple[np.ndarray, np.ndarray]] = OrderedDict()
        self._size, self._max = 0, max_postings
        self._lock = threading.Lock()

    def get(self, term: str) -> tuple[np.ndarray, np.ndarray]:
        """(docnums, impacts) for `term`; empty arrays when the field does not contain it."""
        with self._lock:
            hit = self._cache.get(term)
            if hit is not None:
                self._cache.move_to_end(term)
                return hit
            arrays = self._read(term)
            self._cache[term] = arrays
            self._size += arrays[0].size
            while self._size > self._max and len(self._cache) > 1:
                _, (ids, _imp) = self._cache.popitem(last=False)
                self._size -= ids.size
            return arrays

    def _read(self, term: str) -> tuple[np.ndarray, np.ndarray]:
        try:
            m = self.reader.postings(self.field, term)
        except TermNotFound:
            return EMPTY
        ids, tfs = [], []
        while m.is_active():
            ids.append(m.id())
            tfs.append(m.weight())
            m.next()
        docnums = np.asarray(ids, dtype=np.int32)
        tf = np.asarray(tfs, dtype=np.float32)
        keep = self._alive[docnums]
        docnums, tf = docnums[keep], tf[keep]
        impact = tf * (self.k1 + 1.0) / (tf + self._norm[docnums])
        return docnums, impact.astype(np.float32)

    def df(self, term: str) -> int:
        """Number of live documents containing `term`."""
        return int(self.get(term)[0].size)

    def warm(self, limit: int = 2000) -> int:
        """Load the `limit` most frequent terms (the slow ones) ahead of queries."""
        with self._lock:
            terms = [
                t.decode("utf-8") if isinstance(t, bytes) else t
                for _f, t in self.reader.most_frequent_terms(self.field, limit)
            ]
        for term in terms:
            self.get(term)
        return len(terms)
