"""Quoted phrases: exact substring matches over the passage texts, wherever the characters occur."""

from __future__ import annotations

from bisect import bisect_right

import numpy as np

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


class Joined:
    """The texts of some passages joined once, to count substrings per passage with one search
    per string over all of them instead of one per string and passage."""

    def __init__(self, texts: list[str], order: list[int]) -> None:
        self.text = "\x00".join(texts[n] for n in order)
        self.starts, pos = [], 0
        for n in order:
            self.starts.append(pos)
            pos += len(texts[n]) + 1
        self.starts.append(pos)

    def found(self, strings: tuple[str, ...]) -> list[int]:
        """How many of `strings` each passage contains."""
        found = [0] * (len(self.starts) - 1)
        for m in strings:
            at = self.text.find(m) if m and "\x00" not in m else -1
            while at >= 0:
                i = bisect_right(self.starts, at) - 1
                found[i] += 1
                at = self.text.find(m, self.starts[i + 1])  # each passage once per string
        return found


def favour(
    joined: Joined,
    strings: tuple[str, ...],
    scores: list[float],
    boost: float,
    per_string: bool = True,
) -> bool:
    """Raise the scores of the joined passages that contain the strings, in place: × boost per
    string found (or × (1 + boost · share found) when not `per_string`). True if any rose."""
    if not strings or boost <= 0:
        return False
    raised = False
    for i, found in enumerate(joined.found(strings)):
        if found:
            scores[i] *= boost**found if per_string else 1.0 + boost * found / len(strings)
            raised = True
    return raised
