"""Learned fusion: what a ranker reads about each candidate passage of a question.

Candidates are the lexical top DEPTH and each question side's top DEPTH neighbours. Every
feature is computed the same way at training (training/fusion/rerank.py) and when serving.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from kb.engine.phrases import Joined
from kb.engine.policy import POLICY
from kb.engine.ranking import Ranking, document_prior
from kb.engine.snapshot import Snapshot
from kb.query.parse import ParsedQuery
from kb.semantic.fusion import FUSION
from kb.semantic.memory import NOTHING, Recalled
from kb.semantic.ranker import DOCUMENT, MEMORY, SIDE, Ranker
from kb.semantic.retriever import Neighbours, SemanticIndex

DEPTH = 100  # places of each list that become candidates
PART_DEPTH = 30  # places of each sentence's lexical list that become candidates
SEMANTIC = {
    "agree",
    "top_cosine",
    "part_cosine",
    *MEMORY,
    *(f for f in DOCUMENT if f != "doc_lex_rank"),
} | {f"{f}{s}" for s in (1, 2) for f in SIDE}
ABSENT = math.log2(1024)  # log2 rank of a candidate a list did not return


@dataclass(frozen=True)
class Parts:
    """A long message's sentences (kb.query.sentences) as searched on their own: their vectors
    and their lexical top DEPTH (docnums, citations left out), in the same order."""

    vectors: np.ndarray  # parts × DIM
    lexical: tuple[list[int], ...]

    @property
    def candidates(self) -> tuple[int, ...]:
        """What the sentences' lexical searches add to the candidates: each one's top PART_DEPTH."""
        return tuple(dict.fromkeys(n for o in self.lexical for n in o[:PART_DEPTH]))


def recall_vectors(whole: np.ndarray, parts: Parts | None) -> np.ndarray:
    """What recalls remembered questions (kb.semantic.memory): the question's vector, and a
    long message's sentences' too."""
    return whole if parts is None else np.vstack([whole, parts.vectors])


def plain_order(lexical: Ranking) -> list[int]:
    """The lexical top DEPTH without pinned citations: the lexical candidates."""
    return [n for n in lexical.order if lexical.matched.get(n) != "citation"][:DEPTH]


class Learned:
    """The ranker's fusion of one question: scores of its candidates, computed when fuse asks
    (`__call__`), and the semantic features' share of the score of any of them afterwards."""

    def __init__(
        self,
        snap,
        index,
        q,
        lexical,
        sides,
        ranker: Ranker,
        parts: Parts | None = None,
        recalled: Recalled = NOTHING,
    ):
        self.args = (snap, index, q, lexical, sides, parts, recalled)
        self.ranker = ranker
        self.rows: dict[int, int] = {}
        self.x = np.zeros((0, len(ranker.features)), np.float32)

    def __call__(self) -> dict[int, float]:
        cands, self.x = candidate_features(*self.args)
        self.rows = {n: i for i, n in enumerate(cands)}
        return dict(zip(cands, self.ranker.score(self.x).tolist(), strict=True))

    def semantic_shares(self, docnums: list[int]) -> dict[int, float]:
        """Per candidate among `docnums`: the share of its score's parts (their absolute
        values) that the semantic features make (empty for a ranker without inner values)."""
        found = [n for n in docnums if n in self.rows]
        parts = self.ranker.contributions(self.x[[self.rows[n] for n in found]]) if found else None
        if parts is None:
            return {}
        semantic = [i for i, f in enumerate(self.ranker.features) if f in SEMANTIC]
        size = np.abs(parts[:, :-1])
        whole = np.maximum(size.sum(axis=1), 1e-12)
        return dict(
            zip(found, (size[:, semantic].sum(axis=1) / whole).round(3).tolist(), strict=True)
        )


def candidate_features(
    snap: Snapshot,
    index: SemanticIndex,
    q: ParsedQuery,
    lexical: Ranking,
    sides: list[tuple[np.ndarray, Neighbours]],
    parts: Parts | None = None,
    recalled: Recalled = NOTHING,
) -> tuple[list[int], np.ndarray]:
    """The candidates (docnums) of a question and their feature rows (in ranker.feature_names
    order); `parts`: its sentences as searched, when it has several; `recalled`: the remembered
    questions nearest it."""
    plain = plain_order(lexical)
    semantic = [int(n) for _v, near in sides for n in near.docnums[:DEPTH]]
    extra = list(parts.candidates) if parts is not None else []
    cands = list(dict.fromkeys(plain + semantic + extra + list(recalled.candidates)))
    c = np.array(cands, np.int64)
    passage = _passage(snap, q, lexical, plain, c)
    side = [_side(index, vec, near, c) for vec, near in sides]
    if parts is None:
        sentences = np.column_stack([side[-1][:, 1], passage[:, 0]])  # as the whole's
    else:
        sentences = _parts(index, parts, c)
    memory = recalled.features(c)
    document = _document(snap, index, sides[0][0], c, passage[:, 0], side[0], memory[:, 0])
    question = _question(q, plain, sides, len(cands), parts)
    cols = [question, passage, *side, sentences, memory, document]
    return cands, np.hstack(cols).astype(np.float32)


def _document(
    snap: Snapshot,
    index: SemanticIndex,
    vec: np.ndarray,
    c: np.ndarray,
    lex: np.ndarray,
    side: np.ndarray,
    memory: np.ndarray,
) -> np.ndarray:
    """Per candidate, what its document's candidates say (a law several of whose articles come
    up is likelier the one asked about): their best lexical and semantic log2 rank, log2 of how
    many there are, their best cosine, their best remembered question's cosine; and the best
    cosine of the passages just before and after it in its document (an article among related
    ones)."""
    rows = snap.passage_doc[c]
    _docs, where = np.unique(rows, return_inverse=True)
    k = int(where.max(initial=-1)) + 1
    best_lex, best_sem = np.full(k, ABSENT), np.full(k, ABSENT)
    best_cos, best_memory = np.full(k, -1.0), np.zeros(k)
    np.minimum.at(best_lex, where, lex)
    np.minimum.at(best_sem, where, side[:, 0])
    np.maximum.at(best_cos, where, side[:, 1])
    np.maximum.at(best_memory, where, memory)
    count = np.log2(np.bincount(where, minlength=k))
    near = np.clip(np.stack([c - 1, c + 1]), 0, snap.size - 1)  # (one gather for both sides)
    same = (near != c) & (snap.passage_doc[near] == rows) & snap.alive[near]
    beside = np.full(near.shape, -1.0)
    beside[same] = index.cosines_of(vec, near[same])
    per_doc = [best_lex, best_sem, count, best_cos, best_memory]
    return np.column_stack([a[where] for a in per_doc] + [beside.max(axis=0)])


def _parts(index: SemanticIndex, parts: Parts, c: np.ndarray) -> np.ndarray:
    """Per candidate, the best cosine of any of the message's sentences and its best log2 rank
    in their lexical lists."""
    cos = index.cosines_of(parts.vectors, c).max(axis=0)
    best = {}
    for order in parts.lexical:
        for i, n in enumerate(order, 1):
            best[n] = min(best.get(n, i), i)
    rank = np.array([math.log2(best[n]) if n in best else ABSENT for n in c.tolist()])
    return np.column_stack([cos, rank])


def _question(q: ParsedQuery, plain: list[int], sides, n: int, parts: Parts | None) -> np.ndarray:
    near = sides[0][1]
    sem = set(near.docnums[:10].tolist())
    agree = sum(1 for d in plain[:10] if d in sem)
    top = float(near.cosines.max()) if near.cosines.size else 0.0
    pieces = 0 if parts is None else len(parts.vectors)
    row = [math.log2(max(len(q.text), 1)), len(q.concepts), pieces, agree, top]
    return np.tile(np.array(row, np.float32), (n, 1))


def _passage(
    snap: Snapshot, q: ParsedQuery, lexical: Ranking, plain: list[int], c: np.ndarray
) -> np.ndarray:
    docs = snap.docs
    rows = snap.passage_doc[c]
    rank = {d: i for i, d in enumerate(plain, 1)}
    top = lexical.scores.get(plain[0], 0.0) if plain else 0.0
    lex_rank = np.array([math.log2(rank[d]) if d in rank else ABSENT for d in c.tolist()])
    ratio = np.array(
        [lexical.scores.get(d, 0.0) / top if d in rank and top > 0 else 0.0 for d in c.tolist()]
    )
    prior = np.log(np.maximum(document_prior(snap, q, POLICY)[rows], 1e-6))
    bulletin = np.isin(docs.kind[rows], [i for i, k in enumerate(docs.kinds) if "简报" in k])
    texts = snap.texts()
    length = np.array([math.log2(len(texts[d]) + 1) for d in c.tolist()])
    passages = Joined(texts, c.tolist())
    cover, title_cover = _cover(snap, q, c, rows, passages)
    return np.column_stack(
        [
            lex_rank,
            ratio,
            prior,
            docs.local[rows],
            docs.current[rows],
            bulletin,
            length,
            cover,
            title_cover,
            _marked(q, passages),
        ]
    )


def _marked(q: ParsedQuery, passages: Joined) -> np.ndarray:
    """Share of the question's “marked” terms each passage holds (-1: the question marks none)."""
    if not q.marked:
        return np.full(len(passages.starts) - 1, -1.0)
    return np.array(passages.found(q.marked), np.float64) / len(q.marked)


def _cover(snap: Snapshot, q: ParsedQuery, c: np.ndarray, rows: np.ndarray, passages: Joined):
    """Share of the question's content words (or a synonym) in each passage, and in its title."""
    if not q.concepts:
        one = np.ones(len(c))
        return one, one
    forms = [(x.text, *("".join(a) for a in x.alternatives)) for x in q.concepts]
    titled, where = np.unique(rows, return_inverse=True)
    titles = [snap.docs.records[r]["title"] for r in titled.tolist()]
    body, title = np.zeros(len(c)), np.zeros(titled.size)
    heads = Joined(titles, range(len(titles)))
    for fs in forms:
        if "" in fs:  # (an empty form is in every text)
            body, title = body + 1, title + 1
            continue
        body += np.array(passages.found(fs)) > 0
        title += np.array(heads.found(fs)) > 0
    return body / len(forms), title[where] / len(forms)


def _side(index: SemanticIndex, vec: np.ndarray, near: Neighbours, c: np.ndarray) -> np.ndarray:
    rank = {d: i for i, d in enumerate(near.docnums[: FUSION.depth].tolist(), 1)}
    sem_rank = np.array([math.log2(rank[d]) if d in rank else ABSENT for d in c.tolist()])
    cos = index.cosines_of(vec, c)
    top = float(near.cosines.max()) if near.cosines.size else float(cos.max(initial=0.0))
    return np.column_stack([sem_rank, cos, top - cos])
