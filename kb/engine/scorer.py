"""BM25 over text, headings and titles, accumulated with numpy over cached postings."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from kb.analysis import subwords
from kb.engine.policy import Policy
from kb.engine.postings import EMPTY
from kb.engine.snapshot import Snapshot
from kb.query.parse import Concept


def bm25_idf(df: int, n: int) -> float:
    """Robertson–Spärck Jones idf as in Lucene's BM25 (never negative)."""
    return math.log(1.0 + (n - df + 0.5) / (df + 0.5))


@dataclass
class Scores:
    """Dense per-passage arrays for one query."""

    relevance: np.ndarray  # BM25 over text + heading, per passage
    doc_relevance: np.ndarray  # BM25 over title + short names, per document row
    coverage: np.ndarray  # idf mass of the query's concepts each passage matches
    total: float  # idf mass of all concepts
    terms: list[str]  # the index terms used (for highlighting)


class Scorer:
    """Turns concepts into scores over one snapshot."""

    def __init__(self, snap: Snapshot, policy: Policy):
        self.snap, self.policy = snap, policy
        self.n = max(snap.live_count, 1)

    def groups(self, concept: Concept) -> list[tuple[float, tuple[str, ...], bool]]:
        """The concept's phrasings as scored: (weight, terms, text only) (for kb.search.explain)."""
        return self._groups(concept)

    def _groups(self, concept: Concept) -> list[tuple[float, tuple[str, ...], bool]]:
        """The concept's phrasings as (weight, terms, text only); sub-words stand in for a word
        the index lacks. Related words are words of answering articles' text: only the text
        is searched for them (their headings and titles say little, and it halves their cost)."""
        p = self.policy
        groups = [(1.0, (concept.text,), False)]
        groups += [(p.synonym_weight, alt, False) for alt in concept.alternatives]
        groups += [(p.related_weight, (word,), True) for word in concept.related]
        parts = tuple(concept.text[s:e] for s, e in subwords(concept.text))
        if parts:  # a word the index lacks is searched by its parts; a known one gets help
            missing = self.snap.text.df(concept.text) == 0
            groups.append((0.8 if missing else p.subword_weight, parts, False))
        return groups

    def score(self, concepts: tuple[Concept, ...]) -> Scores:
        """Accumulate every concept's BM25 contributions and coverage."""
        snap, p = self.snap, self.policy
        rel = np.zeros(snap.size, dtype=np.float32)
        cov = np.zeros(snap.size, dtype=np.float32)
        doc_rel = np.zeros(len(snap.docs.ids), dtype=np.float32)
        total, used = 0.0, []
        for concept in concepts:
            marks, idf_c = [], 0.0
            for weight, terms, text_only in self._groups(concept):
                for term in terms:
                    ids, imp = snap.text.get(term)
                    hids, himp = EMPTY if text_only else snap.heading.get(term)
                    if ids.size == 0 and hids.size == 0:
                        continue
                    idf = bm25_idf(max(ids.size, hids.size), self.n)
                    w = weight * idf / len(terms)
                    rel[ids] += w * imp
                    if not text_only:
                        rel[hids] += w * p.heading_weight * himp
                        tids, timp = snap.title.get(term)
                        doc_rel[snap.doc_row[tids]] += w * p.title_weight * timp
                    marks += [ids, hids]
                    idf_c = max(idf_c, idf * weight)
                    used.append(term)
            total += idf_c
            self._cover(cov, marks, idf_c)
        return Scores(rel, doc_rel, cov, total, used)

    @staticmethod
    def _cover(cov: np.ndarray, marks: list[np.ndarray], idf: float) -> None:
        """Add `idf` once to every passage any of `marks` contains."""
        marks = [m for m in marks if m.size]
        if marks:
            # `a[ids] += x` reads all of a[ids] before writing: a passage listed twice (in the
            # text and the heading postings, or under two phrasings) still gains x only once.
            cov[np.concatenate(marks) if len(marks) > 1 else marks[0]] += idf
