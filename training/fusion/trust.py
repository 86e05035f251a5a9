"""Fusion of cached rankings, fast enough to score every question under a grid of policies,
and per-question trust rules chosen on a training half.

Each question becomes a Case: its lexical ranking, whether `auto` runs it lexically, the
features a trust rule reads (length, the lexical first hit's coverage of the question's words
and its score margin, the agreement of both top-10s) and, per docnum, which relevance entries
it satisfies (so a ranking is scored without building result items). `fused_order` is
kb.semantic.fusion.fuse's reciprocal-rank order (citations pinned first, per-document
grouping), then the earlier wording of the first hits as search adds it.
"""

from __future__ import annotations

import dataclasses
import itertools
from dataclasses import dataclass

import numpy as np

from kb.compare.earlier import with_earlier_articles
from kb.engine.policy import POLICY
from kb.engine.ranking import Ranking, group
from kb.search import wants_earlier
from kb.search.evaluation import matches
from kb.semantic.fusion import FUSION, choose_mode, lexical_cover
from kb.semantic.retriever import Neighbours
from training.fusion.rankings import Question

METRICS = ("R@10", "R@100", "MRR@10")


@dataclass
class Case:
    """One question ready for fast fusion and scoring."""

    q: Question
    lex: Ranking
    lexical_only: bool  # `auto` answers it lexically (a citation, phrase or named work)
    earlier: bool  # search adds the first hits' earlier wording
    length: int
    cover: float  # share of the question's words in the first lexical hit (1.0: all)
    margin: float  # (first − second) lexical score over the first's
    hits: dict[int, tuple[int, ...]]  # docnum → relevance entries it satisfies


def make_case(snap, table, x: Question, lex: Ranking) -> Case:
    plain = [n for n in lex.order if lex.matched.get(n) != "citation"]
    s = [lex.scores[n] for n in plain[:2]]
    margin = (s[0] - s[1]) / s[0] if len(s) == 2 and s[0] > 0 else (1.0 if s else 0.0)
    return Case(
        x,
        lex,
        choose_mode("auto", x.query, True) == "lexical",
        wants_earlier(x.query, x.params),
        len(x.query.text),
        lexical_cover(snap, x.query, plain[0]) if plain else 0.0,
        margin,
        {},
    )


def agreement(case: Case, near: Neighbours, top: int = 10) -> int:
    """How many of the first `top` lexical hits are among the first `top` semantic ones."""
    sem = set(near.docnums[:top].tolist())
    return sum(1 for n in case.lex.order[:top] if n in sem)


@dataclass(frozen=True)
class Policy:
    """A reciprocal-rank fusion: k, semantic weight, and how many of the lexical first hits
    stay first (0: none)."""

    k: float = FUSION.k
    w: float = FUSION.semantic_weight
    pin: int = 0


def fused_order(snap, case: Case, near: Neighbours | None, p: Policy) -> list[int]:
    """The default mode's order for the question (lexical when `near` is None or auto says
    so), as search builds it."""
    lex = case.lex
    if near is None or case.lexical_only:
        order = lex.order
    else:
        depth = max(FUSION.depth, near.docnums.size)
        pinned = [n for n in lex.order if lex.matched.get(n) == "citation"]
        plain = [n for n in lex.order[:depth] if lex.matched.get(n) != "citation"]
        score: dict[int, float] = {}
        for i, n in enumerate(plain, 1):
            score[n] = 1.0 / (p.k + i)
        for i, n in enumerate(near.docnums.tolist(), 1):
            score[n] = score.get(n, 0.0) + p.w / (p.k + i)
        fused = sorted(score, key=lambda n: -score[n])
        fused += [n for n in lex.order[depth:] if n not in score]
        if p.pin:
            head = plain[: p.pin]
            fused = head + [n for n in fused if n not in head]
        order = pinned + group(fused, snap.passage_doc, POLICY.per_document, POLICY.page)
    if case.earlier:
        order = with_earlier_articles(snap, dataclasses.replace(lex, order=order))[0].order
    return order


def measure(table, case: Case, order: list[int], subset=None) -> tuple[float, float, float]:
    """(R@10, R@100, MRR@10) of one ranking, as kb.search.evaluation.score_ranking counts."""
    rel = case.q.judged.relevant
    found: dict[int, int] = {}
    rank = 0
    for n in order:
        if rank >= 100:
            break
        rank += 1
        hit = case.hits.get(n)
        if hit is None:
            item = table[n]
            hit = tuple(i for i, e in enumerate(rel) if item is not None and matches(item, e))
            case.hits[n] = hit
        for i in hit:
            if i not in found:
                found[i] = rank
                break
    first = min(found.values(), default=None)
    return (
        sum(1 for r in found.values() if r <= 10) / len(rel),
        len(found) / len(rel),
        1.0 / first if first and first <= 10 else 0.0,
    )


def grid(ks, ws, pins) -> list[Policy]:
    return [Policy(k, w, pin) for k, w, pin in itertools.product(ks, ws, pins)]


def score_all(snap, table, cases, nears, policies) -> np.ndarray:
    """(policies, questions, 3) metrics of every question under every policy."""
    out = np.zeros((len(policies), len(cases), 3))
    for a, p in enumerate(policies):
        for i, (c, near) in enumerate(zip(cases, nears, strict=True)):
            out[a, i] = measure(table, c, fused_order(snap, c, near, p))
    return out


def objective(m: np.ndarray, weights: np.ndarray) -> float:
    """Weighted sum of R@10 + R@100 + MRR@10 (weights: 1/questions of the question's set,
    so each training set counts once)."""
    return float((m.sum(-1) * weights).sum())


@dataclass(frozen=True)
class Rule:
    """Per-question policy: a global policy, and per agreement bucket a semantic weight."""

    base: Policy
    edges: tuple[int, ...] = ()  # agreement bucket edges (bucket b: edges[b-1] <= a < edges[b])
    weights: tuple[float, ...] = ()  # semantic weight per bucket

    def policy(self, agree: int) -> Policy:
        if not self.edges:
            return self.base
        b = int(np.searchsorted(np.array(self.edges), agree, side="right"))
        return dataclasses.replace(self.base, w=self.weights[b])
