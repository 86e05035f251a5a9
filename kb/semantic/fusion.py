"""Hybrid ranking: the lexical ranking and the semantic neighbours of a question, fused.

Which mode runs: `auto` gives natural-language questions a semantic pass and answers citations,
quoted phrases and look-ups in a named work lexically (their answer is named, not described).
When a ranker is shipped for the question side, its scores order the candidates
(kb/semantic/rerank.py, learned by training/fusion/rerank.py); otherwise fusion is weighted
reciprocal rank (FusionPolicy, tuned by 2-fold cross-validation on the STARD training questions
with bench/semantic_eval.py). The semantic side ranks by cosine plus a share of the log document
prior, so the legal hierarchy and named works/regions count there too.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from kb.engine.policy import Policy
from kb.engine.ranking import Ranking, document_prior, group
from kb.engine.snapshot import Snapshot
from kb.models import Retrieval
from kb.query.parse import ParsedQuery
from kb.semantic.retriever import Neighbours, SemanticIndex

MODES = ("auto", "hybrid", "lexical", "semantic")
BIAS_KEPT = 8  # passage biases kept per build (kb.semantic.fusion.passage_bias)


@dataclass(frozen=True)
class FusionPolicy:
    """The knobs of fusion, as bench/semantic_eval.py tuned them on all of STARD train (with the
    shipped query adapter); measured so far on a 71k-passage sub-corpus holding every answer."""

    method: str = "rrf"  # rrf: weighted reciprocal ranks; scores: min-max normalised scores
    k: float = 5.0  # reciprocal-rank constant: larger flattens the head of each list
    lexical_weight: float = 1.0
    semantic_weight: float = 1.0
    prior_weight: float = 0.0  # semantic key = cosine + prior_weight × ln(document prior)
    depth: int = 400  # semantic neighbours fused (and lexical candidates)


FUSION = FusionPolicy()


def wants_semantic(q: ParsedQuery) -> bool:
    """Whether `auto` gives this query a semantic pass (a question in words, not a reference)."""
    if q.citations or q.phrases or q.works:  # the answer is named: where, not what
        return False
    return bool(q.concepts)


def choose_mode(asked: str, q: ParsedQuery, available: bool) -> str:
    """The mode that will run: lexical whenever vectors are not available."""
    if asked == "lexical" or not available:
        return "lexical"
    if asked == "auto":
        return "hybrid" if wants_semantic(q) else "lexical"
    return asked


def neighbours(
    snap: Snapshot,
    q: ParsedQuery,
    index: SemanticIndex,
    vectors: list[np.ndarray],
    doc_mask: np.ndarray,
    policy: Policy,
    fp: FusionPolicy,
    depth: int,
) -> Neighbours:
    """The semantic neighbours of a question among the passages the filters allow: of each of
    its vectors (question sides, or the whole message and its sentences), merged by reciprocal
    ranks when there are several."""
    prior = np.log(np.maximum(document_prior(snap, q, policy), 1e-6)) * np.float32(fp.prior_weight)
    bias = passage_bias(snap, np.where(doc_mask, prior, -np.inf).astype(np.float32))
    return merge_sides(index.nearest_each(np.array(vectors), bias, depth), fp.k, depth)


def passage_bias(snap: Snapshot, doc_bias: np.ndarray) -> np.ndarray:
    """Per passage: its document's entry of `doc_bias` (-inf for a deleted passage). Most
    searches ask for the same one (no filter, the usual prior): the BIAS_KEPT most recently
    asked are kept, read-only, instead of spreading 150k values anew (about 1 ms a search)."""
    key = ("semantic-bias", hashlib.blake2b(doc_bias.tobytes(), digest_size=16).digest())

    def spread() -> np.ndarray:
        bias = np.full(snap.size, -np.inf, np.float32)
        bias[snap.alive] = doc_bias[snap.passage_doc[snap.alive]]  # (alive: in a document)
        bias.setflags(write=False)
        return bias

    return snap.cached(key, spread, keep=BIAS_KEPT)


def merge_sides(lists: list[Neighbours], k: float, depth: int) -> Neighbours:
    """One neighbour list from several question sides' lists: equal reciprocal ranks (constant
    `k`), each passage with its best cosine."""
    if len(lists) == 1:
        return lists[0]
    score: dict[int, float] = {}
    cos: dict[int, float] = {}
    for near in lists:
        for i, (n, c) in enumerate(
            zip(near.docnums.tolist(), near.cosines.tolist(), strict=True), 1
        ):
            score[n] = score.get(n, 0.0) + 1.0 / (k + i)
            cos[n] = max(cos.get(n, -1.0), c)
    order = sorted(score, key=lambda n: -score[n])[:depth]
    return Neighbours(np.array(order, np.int64), np.array([cos[n] for n in order], np.float32))


def fuse(
    snap: Snapshot,
    lexical: Ranking,
    near: Neighbours,
    mode: str,
    policy: Policy,
    fp: FusionPolicy,
    learned: Callable[[], dict[int, float]] | None = None,
    shown: int | None = None,
    also: dict[str, tuple[int, ...]] | None = None,
) -> tuple[Ranking, dict[int, Retrieval]]:
    """One ranking from the lexical one and the neighbours (citations stay pinned first):
    by `learned` scores when a ranker is shipped (its candidates first, then the other lexical
    matches in their order), else by `fp`; how each of the first `shown` (default: depth)
    passages was found; `also`: candidates the ranker got elsewhere, by way found ("lexical":
    searches of a long message's sentences; "memory": answers of remembered questions), counted
    in the total."""
    depth = max(fp.depth, near.docnums.size)  # deeper when a later page is asked for
    pinned = [n for n in lexical.order if lexical.matched.get(n) == "citation"]
    lex = [n for n in lexical.order[:depth] if lexical.matched.get(n) != "citation"]
    lex_rank = {n: i for i, n in enumerate(lex, 1)}
    sem = [int(n) for n in near.docnums]
    sem_rank = {n: i for i, n in enumerate(sem, 1)}
    cos = dict(zip(sem, near.cosines.tolist(), strict=True))
    score: dict[int, float] = {}
    if mode == "semantic":
        score = {n: cos[n] for n in sem}
    elif learned is not None:
        score = learned()
    elif fp.method == "scores":
        score = _score_sum(lex, lexical.scores, sem, near.cosines, fp)
    else:
        for n, r in lex_rank.items():
            score[n] = fp.lexical_weight / (fp.k + r)
        for n, r in sem_rank.items():
            score[n] = score.get(n, 0.0) + fp.semantic_weight / (fp.k + r)
    fused = sorted(score, key=lambda n: -score[n])
    if learned is not None:
        fused += [n for n in lex if n not in score]
    if mode != "semantic":  # lexical matches past the fused depth still follow, for paging
        fused += [n for n in lexical.order[depth:] if n not in score]
    order = pinned + group(fused, snap.passage_doc, policy.per_document, policy.page)
    scores = dict(lexical.scores) | score
    also = also or {}
    elsewhere = set().union(*also.values()) - lexical.scores.keys() - sem_rank.keys()
    total = lexical.total + sum(1 for n in sem if n not in lexical.scores) + len(elsewhere)
    ways = {"lexical": lex_rank.keys() | set(also.get("lexical", ())), "semantic": sem_rank.keys()}
    ways |= {w: set(ns) for w, ns in also.items() if w not in ways}
    retrieval = {
        n: Retrieval(
            tuple(w for w, found in ways.items() if n in found),
            lex_rank.get(n),
            sem_rank.get(n),
            round(cos[n], 4) if n in cos else None,
        )
        for n in order[: shown or depth]
    }
    return replace(lexical, order=order, total=total, scores=scores), retrieval


def _score_sum(
    lex: list[int], lex_scores: dict, sem: list[int], cosines: np.ndarray, fp: FusionPolicy
) -> dict[int, float]:
    """Lexical score over the best one, plus the weighted cosine min-max scaled over the list."""
    score: dict[int, float] = {}
    if lex:
        top = max(lex_scores[lex[0]], 1e-9)
        score = {n: fp.lexical_weight * lex_scores[n] / top for n in lex}
    if sem:
        lo, hi = float(cosines[-1]), float(cosines[0])
        span = max(hi - lo, 1e-6)
        for n, c in zip(sem, cosines.tolist(), strict=True):
            score[n] = score.get(n, 0.0) + fp.semantic_weight * (c - lo) / span
    return score
