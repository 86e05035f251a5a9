"""Where a quotation comes from: the passage whose words hold it, found through the index.

Passages are narrowed to those containing the quotation's rarest words (their postings are the
search engine's own, cached per build), then confirmed by comparing the words themselves
(kb.verify.quotes.contains). The work a citation names is read in full first, so a quotation moved
to a neighbouring article is found even when its words are common.
"""

from __future__ import annotations

import numpy as np

from kb.analysis import segment
from kb.engine.articles import articles
from kb.engine.snapshot import Snapshot
from kb.engine.works import work_rows
from kb.models import KINDS
from kb.verify.quotes import article_words, contains, similarity

RAREST = 3  # postings intersected to narrow the candidates
MAX_CANDIDATES = 3000
NEAR_CANDIDATES = 20  # passages compared character by character for a near match
NEAR_WORDS = 5  # the quotation's rarest words that vote for them
MAX_CACHED = 20_000  # passages' compared words kept between checks


class Locator:
    """Finds the passage a quotation is from, in one build."""

    def __init__(self, snap: Snapshot):
        self.snap = snap
        self.table = articles(snap)
        self._words: dict[int, str] = {}  # docnum → article words, filled as passages are read

    def words(self, n: int) -> str:
        """A passage's words as quotations are compared with them (cached)."""
        found = self._words.get(n)
        if found is None:
            if len(self._words) >= MAX_CACHED:
                self._words.clear()
            found = self._words[n] = article_words(self.snap.texts()[n])
        return found

    def locate(self, parts: list[str], prefer: str | None = None) -> int | None:
        """The docnum of a passage holding every part, in order: the preferred work's current
        version first, then any current text, then older versions; None when none does."""
        if not parts:
            return None
        if prefer:
            rows = work_rows(self.snap).get(prefer, [])
            rows = sorted(rows, key=lambda r: not self.snap.docs.current[r])
            for row in rows:
                for n in self.table.docnums(row):
                    if contains(self.words(n), parts):
                        return n
        found = [n for n in self._candidates(parts) if contains(self.words(int(n)), parts)]
        return min(found, key=self._rank, default=None)

    def nearest(self, parts: list[str], skip: int | None = None) -> tuple[int, float] | None:
        """The passage (not `skip`) whose words come closest to the quotation, and how close
        (kb.verify.quotes.similarity), among those sharing its rarest words; None when none does."""
        quote = "……".join(parts)
        best = None
        for n in self._voted(parts):
            if int(n) != skip:
                close = similarity(quote, self.words(int(n)))
                if best is None or close > best[1]:
                    best = (int(n), close)
        return best

    def _candidates(self, parts: list[str]) -> np.ndarray:
        """Live passages holding the rarest words of the longest part."""
        part = max(parts, key=len)
        words = [tok for tok, _s, _e, _sub in segment(part, "query")]
        if len(words) > 3:
            words = words[1:-1]  # the ends may be cut differently inside a longer text
        postings = [self.snap.text.get(w)[0] for w in set(words)]
        postings = sorted((p for p in postings if p.size), key=lambda p: p.size)[:RAREST]
        if not postings:
            return np.zeros(0, dtype=np.int32)
        found = postings[0]
        for more in postings[1:]:
            narrower = np.intersect1d(found, more, assume_unique=True)
            if narrower.size == 0:
                break  # a word cut differently: keep the wider set
            found = narrower
        return found[:MAX_CANDIDATES]

    def _voted(self, parts: list[str]) -> np.ndarray:
        """Passages holding most of the quotation's rarest words (one word may differ)."""
        words = {tok for part in parts for tok, _s, _e, _sub in segment(part, "query")}
        postings = sorted((p for w in words if (p := self.snap.text.get(w)[0]).size), key=len)
        postings = postings[:NEAR_WORDS]
        if not postings:
            return np.zeros(0, dtype=np.int32)
        ids, counts = np.unique(np.concatenate(postings), return_counts=True)
        keep = counts >= max(1, min(len(postings) - 1, int(counts.max())))
        ids, counts = ids[keep], counts[keep]
        return ids[np.argsort(-counts, kind="stable")][:NEAR_CANDIDATES]

    def _rank(self, n) -> tuple:
        """Current versions first, then the legal hierarchy, then reading order."""
        row = int(self.snap.passage_doc[n])
        kind = self.snap.docs.records[row]["kind"]
        return (
            not self.snap.docs.current[row],
            KINDS.index(kind) if kind in KINDS else len(KINDS),
            int(n),
        )
