"""From per-passage scores to an ordered list: filters, priors, citations first, grouping."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from kb.engine.policy import Policy
from kb.engine.scorer import Scores
from kb.engine.snapshot import Snapshot
from kb.query.parse import ParsedQuery


@dataclass
class Ranking:
    """Passage docnums best first (after grouping), how many matched, and how each matched."""

    order: list[int]
    total: int
    matched: dict[int, str]  # docnum → "citation" | "phrase" (default "text")
    scores: dict[int, float]  # docnum → final score (pinned citations above everything)
    paragraphs: dict[int, int]  # docnum → cited 款
    items: dict[int, int] = field(default_factory=dict)  # docnum → cited 项


def _base_prior(snap: Snapshot, p: Policy) -> np.ndarray:
    """The legal-hierarchy prior of every document (cached per snapshot and policy)."""

    def make() -> np.ndarray:
        docs = snap.docs
        by_kind = {
            "司法解释": p.interpretation_prior,
            "行政法规": p.regulation_prior,
            "监察法规": p.regulation_prior,
            "部门规章": p.rule_prior,
            "其他": p.rule_prior,
            "地方性法规": p.local_prior,
        }
        prior = np.array([by_kind.get(k, 1.0) for k in docs.kinds], dtype=np.float32)[docs.kind]
        return np.where(docs.local, np.minimum(prior, p.local_prior), prior)

    return snap.cached(("prior", p), make)


def document_prior(snap: Snapshot, q: ParsedQuery, p: Policy) -> np.ndarray:
    """Per-document multiplier: national texts first unless the query names a region or work."""
    docs = snap.docs
    prior = _base_prior(snap, p)
    if q.local_practice:  # "which places have rules on …": local texts are the answer
        prior = np.where(docs.local, 1.0, prior)
    if q.regions:
        named = np.isin(
            docs.region, [docs.regions.index(r) for r in q.regions if r in docs.regions]
        )
        prior = np.where(named, p.region_boost, prior)
    if q.works:
        prior = np.where(docs.work_mask(set(q.works)), prior * p.work_boost, prior)
    return prior.astype(np.float32)


def combine(
    snap: Snapshot, q: ParsedQuery, s: Scores, doc_mask: np.ndarray, p: Policy
) -> np.ndarray:
    """Final score per passage (0 for passages filtered out or not matching).

    Computed over the matching passages only, then spread into a dense array.
    """
    cand = np.flatnonzero(s.relevance > 0)  # (on a bool array: ten times faster than on floats)
    rows = snap.passage_doc[cand]
    keep = snap.alive[cand] & (rows >= 0)
    keep[keep] &= doc_mask[rows[keep]]
    cand, rows = cand[keep], rows[keep]
    # a passage that matches gains its document's title score
    sc = (s.relevance[cand] + s.doc_relevance[rows]) * document_prior(snap, q, p)[rows]
    if s.total > 0:
        share = s.coverage[cand] / np.float32(s.total)
        sc *= share if p.coverage_power == 1.0 else np.power(share, p.coverage_power)
    if p.document_weight > 0 and cand.size:  # a document that answers well lends its passages
        best = np.zeros(len(snap.docs.ids), dtype=np.float32)
        np.maximum.at(best, rows, sc)
        sc += p.document_weight * best[rows]
    score = np.zeros(snap.size, dtype=np.float32)
    score[cand] = sc
    return score


def top(score: np.ndarray, k: int) -> list[int]:
    """Docnums of the `k` highest positive scores, best first."""
    return top_counted(score, k)[0]


def top_counted(score: np.ndarray, k: int) -> tuple[list[int], int]:
    """Docnums of the `k` highest positive scores, best first, and how many are positive."""
    idx = np.flatnonzero(score > 0)
    positive = int(idx.size)
    if idx.size > k:
        idx = idx[np.argpartition(-score[idx], k - 1)[:k]]
    return [int(i) for i in idx[np.argsort(-score[idx], kind="stable")]], positive


def group(order: list[int], passage_doc: np.ndarray, per_document: int, page: int) -> list[int]:
    """Let no document fill the first page: past `per_document` passages of one document in the
    first `page` places, the rest wait until just after that page (later order is untouched)."""
    seen: dict[int, int] = {}
    first, waiting = [], []
    for i, n in enumerate(order):
        if len(first) >= page:
            return first + waiting + order[i:]
        d = int(passage_doc[n])
        seen[d] = seen.get(d, 0) + 1
        (first if seen[d] <= per_document else waiting).append(n)
    return first + waiting
