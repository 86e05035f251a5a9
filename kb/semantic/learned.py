"""Learned fusion: one linear score per candidate passage whose weights depend on the question.

A candidate (a passage in the lexical or the semantic list) is described by how each retriever
placed it (reciprocal ranks at two depths, the lexical score over the best one, the cosine over
the list's span); the question by how far the two retrievers agree, how long it is and how sure
each retriever looks. The score is Σ W[i, j] · candidate[i] · question[j]: every retriever's
signal is weighted per question (the trust), e.g. a long story whose two lists disagree leans on
whichever retriever the training pairs found right in such cases.

W is learned by training/fusion/train.py from judged questions (listwise softmax loss) and ships
as kb/data/fusion-<encoder tag>.json; serving needs only numpy. A missing or damaged model file
leaves fusion to the reciprocal-rank policy (kb/semantic/fusion.py), with a message.
"""

from __future__ import annotations

import json
import logging
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

CANDIDATE = (
    "lex_rr5",  # 5 / (5 + lexical rank): the head of the lexical list
    "sem_rr5",
    "lex_rr60",  # 60 / (60 + lexical rank): its depth
    "sem_rr60",
    "lex_score",  # lexical score over the best lexical score
    "sem_cos",  # (cosine − the list's last) / (first − last)
    "both",  # found by both retrievers
)
QUESTION = (
    "bias",
    "agree10",  # share of the lexical first ten also in the semantic first ten
    "agree1",  # the lexical first hit is in the semantic first ten, or the other way round
    "length",  # ln(characters)
    "concepts",  # ln(1 + content words)
    "lex_cover",  # share of the content words the first lexical hit contains: worded as the law
    "lex_flat",  # tenth lexical score over the first: a flat head is an unsure one
    "sem_top",  # the first cosine
    "sem_flat",  # first minus tenth cosine
)


@dataclass(frozen=True)
class FusionModel:
    """Weights (len(CANDIDATE) × len(QUESTION)) and the question features' scaling."""

    weights: np.ndarray
    mean: np.ndarray  # of the question features (bias excluded: 0)
    scale: np.ndarray  # their standard deviation (bias: 1)
    info: dict

    def score(self, cand: np.ndarray, question: np.ndarray) -> np.ndarray:
        """Scores of candidates (rows of `cand`) for one question's raw features."""
        z = (question - self.mean) / self.scale
        return cand @ (self.weights @ z)

    def to_json(self) -> str:
        return json.dumps(
            {
                "candidate": list(CANDIDATE),
                "question": list(QUESTION),
                "weights": np.round(self.weights, 6).tolist(),
                "mean": np.round(self.mean, 6).tolist(),
                "scale": np.round(self.scale, 6).tolist(),
                "info": self.info,
            },
            ensure_ascii=False,
            indent=1,
        )


class ModelUnusable(ValueError):
    """A fusion model file that cannot be used as it is."""


def parse_model(text: str) -> FusionModel:
    """A model from its JSON text; ModelUnusable when anything is off."""
    try:
        obj = json.loads(text)
        if obj["candidate"] != list(CANDIDATE) or obj["question"] != list(QUESTION):
            raise ModelUnusable("its features are not the ones this version computes")
        w = np.asarray(obj["weights"], np.float64)
        mean = np.asarray(obj["mean"], np.float64)
        scale = np.asarray(obj["scale"], np.float64)
    except (ValueError, KeyError, TypeError) as exc:
        raise ModelUnusable(f"{type(exc).__name__}: {exc}") from None
    if w.shape != (len(CANDIDATE), len(QUESTION)) or mean.shape != scale.shape != (len(QUESTION),):
        raise ModelUnusable(
            f"weights of shape {w.shape}, expected {len(CANDIDATE)}×{len(QUESTION)}"
        )
    if mean.shape != (len(QUESTION),) or not np.all(np.isfinite(w)) or not np.all(scale > 0):
        raise ModelUnusable("scaling missing, or weights not finite")
    return FusionModel(w, mean, scale, obj.get("info", {}))


def model_path(tag: str) -> Path:
    """Where the fusion model learned for an encoder tag lives."""
    from kb.semantic.vectors import slug

    return Path(__file__).resolve().parents[1] / "data" / f"fusion-{slug(tag)}.json"


def load_model(path: Path) -> tuple[FusionModel | None, str]:
    """The model at `path` and a note: (None, why) when it is missing or damaged."""
    if not path.is_file():
        return None, f"no fusion model {path.name}: reciprocal-rank fusion"
    try:
        return parse_model(path.read_text(encoding="utf-8")), ""
    except (OSError, UnicodeDecodeError, ModelUnusable) as exc:
        note = f"fusion model {path.name} unusable ({exc}): reciprocal-rank fusion"
        log.warning(note)
        return None, note


def candidate_features(
    lex: list[int], lex_scores: list[float], sem: list[int], cosines: np.ndarray
) -> tuple[list[int], np.ndarray]:
    """The candidates (lexical list, then the semantic passages it lacks) and their features."""
    depth_l, depth_s = len(lex), len(sem)
    known = set(lex)
    cands = lex + [n for n in sem if n not in known]
    at = {n: i for i, n in enumerate(cands)}
    f = np.zeros((len(cands), len(CANDIDATE)), np.float64)
    if depth_l:
        r = np.arange(1, depth_l + 1, dtype=np.float64)
        f[:depth_l, 0] = 5.0 / (5.0 + r)
        f[:depth_l, 2] = 60.0 / (60.0 + r)
        top = max(float(lex_scores[0]), 1e-9)
        f[:depth_l, 4] = np.clip(np.asarray(lex_scores, np.float64) / top, 0.0, 1.0)
    if depth_s:
        rows = np.fromiter((at[n] for n in sem), np.int64, depth_s)
        r = np.arange(1, depth_s + 1, dtype=np.float64)
        f[rows, 1] = 5.0 / (5.0 + r)
        f[rows, 3] = 60.0 / (60.0 + r)
        c = np.asarray(cosines, np.float64)
        f[rows, 5] = (c - c[-1]) / max(float(c[0] - c[-1]), 1e-6)
        f[rows, 6] = f[rows, 0] > 0
    return cands, f


def question_features(
    chars: int,
    concepts: int,
    cover: float,
    lex: list[int],
    lex_scores: list[float],
    sem: list[int],
    cosines,
) -> np.ndarray:
    """The question's features (QUESTION), raw."""
    l10, s10 = lex[:10], sem[:10]
    agree10 = len(set(l10) & set(s10)) / 10.0
    agree1 = float(bool(l10 and l10[0] in s10) or bool(s10 and s10[0] in l10))
    if lex_scores:
        flat = float(lex_scores[min(9, len(lex_scores) - 1)]) / max(float(lex_scores[0]), 1e-9)
    else:
        flat = 1.0
    c = np.asarray(cosines, np.float64)
    top = float(c[0]) if c.size else 0.0
    sem_flat = float(c[0] - c[min(9, c.size - 1)]) if c.size else 0.0
    return np.array(
        [
            1.0,
            agree10,
            agree1,
            math.log(max(chars, 1)),
            math.log1p(concepts),
            cover,
            flat,
            top,
            sem_flat,
        ]
    )


def learned_scores(
    model: FusionModel,
    chars: int,
    concepts: int,
    cover: float,
    lex: list[int],
    lex_scores: list[float],
    sem: list[int],
    cosines: np.ndarray,
) -> dict[int, float]:
    """The model's score of every candidate (the lexical list first, then the semantic one)."""
    cands, f = candidate_features(lex, lex_scores, sem, cosines)
    if not cands:
        return {}
    g = question_features(chars, concepts, cover, lex, lex_scores, sem, cosines)
    s = model.score(f, g)
    s += 1e-3 - float(s.min())  # positive, as every score of a hit is
    return dict(zip(cands, s.tolist(), strict=True))
