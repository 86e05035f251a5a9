"""Fit the learned fusion (kb/semantic/learned.py) on judged questions' cached rankings.

Each question gives its candidates' features, its own features and which candidates answer it;
W minimises the listwise softmax loss (the answers' share of a softmax over the candidates' scores)
plus a ridge pull towards the reciprocal-rank fusion shipped before (W0: the two k=5 reciprocal
ranks, equal weights), so that little data moves it little. Plain numpy, full-batch Adam.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from kb.search.evaluation import Judged, matches
from kb.semantic.fusion import lexical_cover
from kb.semantic.learned import CANDIDATE, QUESTION, FusionModel, candidate_features
from kb.semantic.learned import question_features as _question_features

W0_SCALE = 20.0  # W0's reciprocal-rank weights: a softmax over RRF scores this sharp


@dataclass
class Example:
    """One question's training rows."""

    cands: np.ndarray  # (n, len(CANDIDATE))
    question: np.ndarray  # (len(QUESTION),) raw
    labels: np.ndarray  # (n,) 1.0 for an answering candidate


def example(table, snap, j: Judged, lex, near) -> Example | None:
    """Rows of one question (None when no candidate answers it: nothing to learn)."""
    ranking = lex.ranking
    lex_list = [n for n in ranking.order[:400] if ranking.matched.get(n) != "citation"]
    scores = [ranking.scores[n] for n in lex_list]
    sem = [int(n) for n in near.docnums]
    cands, f = candidate_features(lex_list, scores, sem, near.cosines)
    y = np.array([any(matches(table[n], e) for e in j.relevant) for n in cands], np.float64)
    if not y.any():
        return None
    cover = lexical_cover(snap, lex.query, lex_list[0]) if lex_list else 0.0
    g = _question_features(
        len(lex.query.text), len(lex.query.concepts), cover, lex_list, scores, sem, near.cosines
    )
    return Example(f, g, y)


def w0() -> np.ndarray:
    w = np.zeros((len(CANDIDATE), len(QUESTION)))
    w[CANDIDATE.index("lex_rr5"), 0] = W0_SCALE
    w[CANDIDATE.index("sem_rr5"), 0] = W0_SCALE
    return w


def fit(examples: list[Example], ridge: float = 1.0, steps: int = 400, rate: float = 0.05):
    """W for `examples` (see the module docstring) and the question features' scaling."""
    g = np.array([e.question for e in examples])
    mean, scale = g.mean(axis=0), g.std(axis=0)
    mean[0], scale[0] = 0.0, 1.0
    scale[scale < 1e-9] = 1.0
    width = max(e.cands.shape[0] for e in examples)
    x = np.zeros((len(examples), width, len(CANDIDATE)))
    y = np.zeros((len(examples), width))
    live = np.zeros((len(examples), width), bool)
    for i, e in enumerate(examples):
        n = e.cands.shape[0]
        x[i, :n], y[i, :n], live[i, :n] = e.cands, e.labels / e.labels.sum(), True
    z = (g - mean) / scale
    base = w0()
    w = base.copy()
    m = np.zeros_like(w)
    v = np.zeros_like(w)
    for t in range(1, steps + 1):
        s = np.einsum("qnc,qc->qn", x, z @ w.T)
        s = np.where(live, s, -np.inf)
        s -= s.max(axis=1, keepdims=True)
        p = np.exp(s)
        p /= p.sum(axis=1, keepdims=True)
        grad = np.einsum("qn,qnc->qc", p - y, x).T @ z / len(examples)
        grad += ridge * (w - base) / len(examples)
        m = 0.9 * m + 0.1 * grad
        v = 0.999 * v + 0.001 * grad**2
        w -= rate * (m / (1 - 0.9**t)) / (np.sqrt(v / (1 - 0.999**t)) + 1e-8)
    return w, mean, scale


def train(examples: list[Example], ridge: float, info: dict) -> FusionModel:
    w, mean, scale = fit(examples, ridge)
    return FusionModel(w, mean, scale, info)


def loss(model: FusionModel, examples: list[Example]) -> float:
    """Mean listwise loss (for reporting)."""
    out = []
    for e in examples:
        s = model.score(e.cands, e.question)
        s = s - s.max()
        logp = s - np.log(np.exp(s).sum())
        out.append(-(logp * e.labels / e.labels.sum()).sum())
    return float(np.mean(out))
