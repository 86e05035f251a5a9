"""Quoted phrases: exact substring matches over the passage texts, wherever the characters occur."""

from __future__ import annotations

import numpy as np

from kb.engine.ranking import top
from kb.engine.snapshot import Snapshot

_FLOOR = 1e-3  # a passage that only matches the phrase still ranks


def phrase_mask(
    snap: Snapshot, phrases: tuple[str, ...], score: np.ndarray, doc_mask: np.ndarray
) -> np.ndarray:
    """Keep only passages containing every phrase; give matching passages at least a floor score."""
    texts = snap.texts()
    hit = snap.alive & doc_mask[snap.passage_doc.clip(0)]
    for phrase in phrases:
        folded = phrase.lower()
        hit &= np.fromiter(
            (folded in t.lower() if t.isascii() else folded in t for t in texts),
            dtype=bool,
            count=snap.size,
        )
    return np.where(hit, np.maximum(score, _FLOOR), 0.0).astype(np.float32)


def favour(
    snap: Snapshot,
    strings: tuple[str, ...],
    score: np.ndarray,
    boost: float,
    candidates: int,
    per_string: bool = True,
) -> np.ndarray:
    """Raise the best `candidates` passages containing the strings: × boost per string found
    (or × (1 + boost · share found) when not `per_string`)."""
    if not strings or boost <= 0:
        return score
    best = top(score, candidates)
    texts = snap.texts()
    score = score.copy()
    for n in best:
        found = sum(1 for m in strings if m in texts[n])
        if found:
            score[n] *= boost**found if per_string else 1.0 + boost * found / len(strings)
    return score
