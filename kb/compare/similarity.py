"""How alike articles are: cosine over their character bigrams, weighted by rarity.

A block of old articles is scored against a block of new ones at once with numpy: the pairs that
share a bigram are enumerated bigram by bigram (a sparse product). Bigrams that very many pairs
share (人民, 应当 …) are left out of the measure: their weight is small anyway, and keeping them
would make the work grow with the square of the document.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

MAX_SHARED_PAIRS = 4000  # a bigram in more (old × new) article pairs than this is left out


def bigrams(text: str) -> set[str]:
    """The distinct two-character pieces of `text` (the text itself when shorter)."""
    if len(text) < 2:
        return {text} if text else set()
    return {text[i : i + 2] for i in range(len(text) - 1)}


class Profiles:
    """Bigram profiles of the texts of two versions, ready for block similarity."""

    def __init__(self, old: Sequence[str], new: Sequence[str]):
        vocab: dict[str, int] = {}
        ids = [
            np.fromiter((vocab.setdefault(g, len(vocab)) for g in bigrams(t)), dtype=np.int64)
            for t in (*old, *new)
        ]
        size = max(len(vocab), 1)
        df_old = _df(ids[: len(old)], size)
        df_new = _df(ids[len(old) :], size)
        rarity = np.log1p((len(old) + len(new)) / np.maximum(df_old + df_new, 1))
        kept = df_old * df_new <= MAX_SHARED_PAIRS
        self._w2 = np.where(kept, rarity**2, 0.0)
        shared = kept & (df_old > 0) & (df_new > 0)
        norms = np.sqrt(np.array([self._w2[g].sum() for g in ids]))
        self._norm_old, self._norm_new = norms[: len(old)], norms[len(old) :]
        grams = [np.sort(g[shared[g]]) for g in ids]
        self._old, self._new = grams[: len(old)], grams[len(old) :]

    def matrix(self, rows: Sequence[int], cols: Sequence[int]) -> np.ndarray:
        """Similarity in [0, 1] of old texts `rows` (one row each) with new texts `cols`."""
        n, m = len(rows), len(cols)
        if not n or not m:
            return np.zeros((n, m))
        r_gram, r_idx = _entries([self._old[i] for i in rows])
        c_gram, c_idx = _entries([self._new[j] for j in cols])
        order = np.argsort(c_gram, kind="stable")
        c_gram, c_idx = c_gram[order], c_idx[order]
        lo = np.searchsorted(c_gram, r_gram, "left")
        counts = np.searchsorted(c_gram, r_gram, "right") - lo
        total = int(counts.sum())
        if not total:
            return np.zeros((n, m))
        firsts = np.cumsum(counts) - counts
        cells = (
            np.repeat(r_idx, counts) * m + c_idx[np.arange(total) + np.repeat(lo - firsts, counts)]
        )
        dot = np.bincount(cells, weights=self._w2[np.repeat(r_gram, counts)], minlength=n * m)
        scale = np.outer(self._norm_old[list(rows)], self._norm_new[list(cols)])
        sim = np.divide(dot.reshape(n, m), scale, out=np.zeros((n, m)), where=scale > 0)
        return np.minimum(sim, 1.0)


def _df(ids: list[np.ndarray], size: int) -> np.ndarray:
    """In how many texts each bigram occurs."""
    if not ids:
        return np.zeros(size, dtype=np.int64)
    return np.bincount(np.concatenate(ids), minlength=size)


def _entries(grams: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """(bigram, position in block) for every bigram of a block of texts."""
    lengths = [len(g) for g in grams]
    flat = np.concatenate(grams) if grams else np.zeros(0, dtype=np.int64)
    return flat, np.repeat(np.arange(len(grams)), lengths)
