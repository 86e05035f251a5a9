"""Fusion of cached rankings, fast enough to score every question under a grid of policies,
and a per-question trust in the semantic ranking learned on a training half (measured, not
shipped: serving it would scale FusionPolicy.semantic_weight by Trust.factor(trust_features)).

Each question becomes a Case: its lexical ranking, whether `auto` runs it lexically and, per
docnum, which relevance entries it satisfies (so a ranking is scored without building result
items). `fused_order` is kb.semantic.fusion.fuse's order (citations pinned first, per-document
grouping), then the earlier wording of the first hits as search adds it.
"""

from __future__ import annotations

import dataclasses
import itertools
from dataclasses import dataclass

import numpy as np

from kb.compare.earlier import with_earlier_articles
from kb.engine.policy import POLICY
from kb.engine.ranking import Ranking
from kb.engine.snapshot import Snapshot
from kb.query.parse import ParsedQuery
from kb.search import wants_earlier
from kb.search.evaluation import matches
from kb.semantic.fusion import FUSION, choose_mode, fuse
from kb.semantic.retriever import Neighbours
from training.fusion.rankings import Question

METRICS = ("R@10", "R@100", "MRR@10")
LOWEST = -9  # trust step at which the semantic ranking is left out
HIGHEST = 4


@dataclass(frozen=True)
class Trust:
    """How far one question trusts its semantic ranking, learned on training halves of the
    judged pairs (training/fusion/evaluate.py): step = round(bias + Σ θ·(f − centre)/scale)
    over `trust_features`, clipped to [LOWEST, HIGHEST]; the semantic weight is scaled by
    2^(step/2), and by 0 at LOWEST (lexical only)."""

    centre: tuple[float, ...]
    scale: tuple[float, ...]
    theta: tuple[float, ...]
    bias: float = 0.0

    def steps(self, f: np.ndarray) -> np.ndarray:
        """The step of each row of features (questions × features)."""
        z = (f - np.array(self.centre)) / np.array(self.scale)
        return np.clip(np.rint(self.bias + z @ np.array(self.theta)), LOWEST, HIGHEST).astype(int)

    def factor(self, f: np.ndarray) -> float:
        return step_factor(int(self.steps(f[None, :])[0]))


def step_factor(step: int) -> float:
    return 0.0 if step <= LOWEST else 2.0 ** (step / 2)


def trust_features(
    snap: Snapshot, q: ParsedQuery, lexical: Ranking, near: Neighbours
) -> np.ndarray:
    """What the trust reads: how many of the lexical top 10 the semantic top 10 share, the share
    of the question's words in the first lexical hit, that hit's score margin over the second,
    log2 of the question's length, the best neighbour's cosine and its lead over the tenth best."""
    plain = [n for n in lexical.order[:100] if lexical.matched.get(n) != "citation"]
    s = [lexical.scores[n] for n in plain[:2]]
    margin = (s[0] - s[1]) / s[0] if len(s) == 2 and s[0] > 0 else (1.0 if s else 0.0)
    cover = lexical_cover(snap, q, plain[0]) if plain else 0.0
    sem = set(near.docnums[:10].tolist())
    agree = sum(1 for n in lexical.order[:10] if n in sem)
    cos = np.sort(near.cosines)[::-1][:10].astype(float)  # merged sides: not in cosine order
    top, lead = (cos[0], cos[0] - cos[-1]) if cos.size else (0.0, 0.0)
    return np.array([agree, cover, margin, np.log2(max(len(q.text), 1)), top, lead])


def lexical_cover(snap: Snapshot, q: ParsedQuery, docnum: int) -> float:
    """Share of the question's content words (or a synonym) found in a passage or its title."""
    if not q.concepts:
        return 1.0
    text = snap.texts()[docnum] + snap.docs.records[int(snap.passage_doc[docnum])]["title"]
    found = sum(
        c.text in text or any("".join(alt) in text for alt in c.alternatives) for c in q.concepts
    )
    return found / len(q.concepts)


@dataclass
class Case:
    """One question ready for fast fusion and scoring."""

    q: Question
    lex: Ranking
    lexical_only: bool  # `auto` answers it lexically (a citation, phrase or named work)
    earlier: bool  # search adds the first hits' earlier wording
    hits: dict[int, tuple[int, ...]]  # docnum → relevance entries it satisfies


def make_case(x: Question, lex: Ranking) -> Case:
    return Case(
        x,
        lex,
        choose_mode("auto", x.query, True) == "lexical",
        wants_earlier(x.query, x.params),
        {},
    )


@dataclass(frozen=True)
class Policy:
    """A reciprocal-rank fusion: k and semantic weight."""

    k: float = FUSION.k
    w: float = FUSION.semantic_weight


def fused_order(
    snap, case: Case, near: Neighbours | None, p: Policy, learned: dict[int, float] | None = None
) -> list[int]:
    """The default mode's order for the question (lexical when `near` is None or auto says
    so), as search builds it: kb.semantic.fusion.fuse with the policy's k and weight, or by a
    ranker's `learned` scores of its candidates."""
    lex = case.lex
    order = lex.order
    if near is not None and not case.lexical_only:
        fp = dataclasses.replace(FUSION, k=p.k, semantic_weight=p.w)
        scores = None if learned is None else (lambda: learned)
        order = fuse(snap, lex, near, "hybrid", POLICY, fp, scores, shown=1)[0].order
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


def grid(ks, ws) -> list[Policy]:
    return [Policy(k, w) for k, w in itertools.product(ks, ws)]


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


FEATURES = (
    "agree",
    "cover",
    "margin",
    "length",
    "cosine",
    "lead",
)  # kb.semantic.fusion.trust_features


def features(snap, case: Case, near: Neighbours) -> np.ndarray:
    return trust_features(snap, case.q.query, case.lex, near)


def step_metrics(snap, table, cases, nears, base: Policy) -> np.ndarray:
    """(steps, questions, 3): each question's metrics with the semantic weight scaled by every
    trust step's factor (index 0: lexical only … last: HIGHEST)."""
    policies = [
        dataclasses.replace(base, w=base.w * step_factor(s)) for s in range(LOWEST, HIGHEST + 1)
    ]
    return score_all(snap, table, cases, nears, policies)


THETAS = tuple(np.arange(-4.0, 4.01, 0.5))
L1 = 0.002  # objective given up per unit of |θ| (few, small parameters)


def fit_trust(m: np.ndarray, f: np.ndarray, weights: np.ndarray, below: float = 0.0) -> Trust:
    """θ and bias by coordinate search on the training questions' step metrics `m`
    (steps, questions, 3) and features `f` (questions, features), each coordinate over THETAS
    with an L1 pull towards 0 (every question the global weight). A question's metric below its
    lexical one (step LOWEST) costs 1 + `below` times the shortfall: never worse than lexical."""
    shortfall = np.maximum(m[:1] - m, 0.0)
    gain = (m - below * shortfall).sum(-1) * weights  # (steps, questions)
    cols = np.arange(f.shape[0])
    centre, scale = f.mean(0).round(4), np.maximum(f.std(0), 1e-4).round(4)
    t = Trust(tuple(centre.tolist()), tuple(scale.tolist()), (0.0,) * f.shape[1])

    def value(t: Trust) -> float:
        got = gain[t.steps(f) - LOWEST, cols].sum()
        return float(got) - L1 * (abs(t.bias) + sum(map(abs, t.theta)))

    best = value(t)
    for _round in range(3):
        changed = False
        for j in range(f.shape[1] + 1):
            for v in THETAS:
                if j == f.shape[1]:
                    cand = dataclasses.replace(t, bias=float(v))
                else:
                    theta = list(t.theta)
                    theta[j] = float(v)
                    cand = dataclasses.replace(t, theta=tuple(theta))
                got = value(cand)
                if got > best + 1e-9:
                    best, t, changed = got, cand, True
        if not changed:
            break
    return t


@dataclass(frozen=True)
class Trusted:
    """A global policy and the per-question trust around it."""

    base: Policy
    trust: Trust

    def policy(self, f: np.ndarray) -> Policy:
        return dataclasses.replace(self.base, w=self.base.w * self.trust.factor(f))
