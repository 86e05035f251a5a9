"""Every document's articles by number, read once per build from the `art` field.

Suggestions (代表法第四 → 第四条, 第四十条 …) and citation checking (does 第九十条 exist? which
article holds this quotation?) both need, for one document, its passages in order and the
article number of each. A document's passages are contiguous docnums (see
Snapshot.docnum_of), so a document is a slice; the numbers come from the `art` postings.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from kb.engine.snapshot import Snapshot

# (document source file, article number) → the docnums of that article's passages in a build
ArticleFinder = Callable[[str, int], tuple[int, ...]]


@dataclass
class ArticleTable:
    """Article number and 之 suffix of every passage docnum (-1: not an article)."""

    number: np.ndarray  # int32 per docnum
    suffix: np.ndarray  # int32 per docnum
    first: np.ndarray  # first docnum of every document row (-1: no passages)
    count: np.ndarray  # live passages of every document row

    def docnums(self, row: int) -> range:
        """The docnums of a document's passages, in reading order."""
        first = int(self.first[row])
        return range(first, first + int(self.count[row])) if first >= 0 else range(0)

    def find(self, row: int, article: int, suffix: int = 0) -> int | None:
        """The docnum of 第`article`条(之`suffix`) in document `row`, or None."""
        span = self.docnums(row)
        if not span:
            return None
        numbers = self.number[span.start : span.stop]
        at = np.flatnonzero((numbers == article) & (self.suffix[span.start : span.stop] == suffix))
        return span.start + int(at[0]) if at.size else None

    def numbered(self, row: int) -> list[tuple[int, int, int]]:
        """(article, suffix, docnum) of every article of document `row`, in reading order."""
        span = self.docnums(row)
        return [(int(self.number[n]), int(self.suffix[n]), n) for n in span if self.number[n] >= 0]

    def last(self, row: int) -> int:
        """The highest article number of document `row` (0 when it has none)."""
        span = self.docnums(row)
        return int(self.number[span.start : span.stop].max(initial=0)) if span else 0


def articles(snap: Snapshot) -> ArticleTable:
    """The build's article table (read on first use, then shared by every thread)."""
    return snap.cached("articles", lambda: _read(snap))


def article_finder(snap: Snapshot) -> ArticleFinder:
    """A function: (document source file, article number) → the docnums of that article's
    passages in the build (none when the document or the article is not there)."""
    table = articles(snap)
    rows = {rec.get("source"): r for r, rec in enumerate(snap.docs.records)}

    def find(source: str, article: int) -> tuple[int, ...]:
        row = rows.get(source)
        span = table.docnums(row) if row is not None else range(0)
        if not span:
            return ()
        at = np.flatnonzero(
            (table.number[span.start : span.stop] == article)
            & (table.suffix[span.start : span.stop] == 0)
        )
        return tuple((span.start + at).tolist())

    return find


def _read(snap: Snapshot) -> ArticleTable:
    number = np.full(snap.size, -1, dtype=np.int32)
    suffix = np.zeros(snap.size, dtype=np.int32)
    reader = snap.passage_reader()
    try:
        for term in reader.lexicon("art"):
            key = term.decode() if isinstance(term, bytes) else term
            whole, _, sub = key.partition(".")
            if not whole.isdigit():
                continue
            docnums = np.fromiter(_postings(reader, term), dtype=np.int64)
            number[docnums] = int(whole)
            suffix[docnums] = int(sub) if sub.isdigit() else 0
    finally:
        reader.close()
    number[~snap.alive] = -1
    live = snap.passage_doc >= 0
    count = np.bincount(snap.passage_doc[live & snap.alive], minlength=len(snap.docs.ids))
    return ArticleTable(number, suffix, snap.first_docnum(), count.astype(np.int32))


def _postings(reader, term):
    m = reader.postings("art", term)
    while m.is_active():
        yield m.id()
        m.next()
