"""How alike texts are, by the character bigrams (pairs of adjacent characters) they share.

The one home of character-bigram similarity, with two weightings for two questions:

- Profiles: articles of two versions of one work, compared block by block for the aligner.
  Cosine over distinct bigrams weighted by rarity; the pairs that share a bigram are enumerated
  bigram by bigram (a sparse product). Bigrams that very many pairs share (人民, 应当 …) are
  left out of the measure: their weight is small anyway, and keeping them would make the work
  grow with the square of the document.
- tfidf_similarities: every row text against every column text at once (local implementing
  articles × national ones, kb.links.indexing.mapping): tf-idf cosine with square-rooted counts,
  dense over the bigrams the row texts use (the column side stays small even for the 民法典).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

MAX_SHARED_PAIRS = 4000  # a bigram in more (old × new) article pairs than this is left out
_PAIR = 0x110000  # one past the last code point: a bigram (a, b) is the integer a·_PAIR + b


def bigram_codes(text: str) -> np.ndarray:
    """Every bigram of `text` in order, as integers (a one-character text: that character)."""
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
    return codes if len(codes) < 2 else codes[:-1] * _PAIR + codes[1:]


def bigram_cells(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """(text, bigram, count) for every distinct bigram of every text, ordered by text then
    bigram; bigrams are numbered 0 … width-1."""
    codes = [bigram_codes(t) for t in texts]
    rows = np.repeat(np.arange(len(texts)), [len(c) for c in codes])
    flat = np.concatenate(codes) if codes else np.zeros(0, dtype=np.int64)
    _vocab, cols = np.unique(flat, return_inverse=True)
    width = int(cols.max()) + 1 if cols.size else 1
    cells, counts = np.unique(rows * width + cols.reshape(-1), return_counts=True)
    return cells // width, cells % width, counts, width


class Profiles:
    """Bigram profiles of the texts of two versions, ready for block similarity."""

    def __init__(self, old: Sequence[str], new: Sequence[str]):
        n_old, n_all = len(old), len(old) + len(new)
        row, col, _counts, width = bigram_cells([*old, *new])
        df_old = np.bincount(col[row < n_old], minlength=width)
        df_new = np.bincount(col[row >= n_old], minlength=width)
        rarity = np.log1p(n_all / np.maximum(df_old + df_new, 1))
        kept = df_old * df_new <= MAX_SHARED_PAIRS
        self._w2 = np.where(kept, rarity**2, 0.0)
        shared = kept & (df_old > 0) & (df_new > 0)
        norms = np.sqrt(np.bincount(row, self._w2[col], minlength=n_all))
        self._norm_old, self._norm_new = norms[:n_old], norms[n_old:]
        useful = shared[col]
        ends = np.cumsum(np.bincount(row[useful], minlength=n_all))[:-1]
        grams = np.split(col[useful], ends)  # sorted within each text
        self._old, self._new = grams[:n_old], grams[n_old:]

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


def _entries(grams: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """(bigram, position in block) for every bigram of a block of texts."""
    lengths = [len(g) for g in grams]
    flat = np.concatenate(grams) if grams else np.zeros(0, dtype=np.int64)
    return flat, np.repeat(np.arange(len(grams)), lengths)


def tfidf_similarities(rows: Sequence[str], cols: Sequence[str]) -> np.ndarray:
    """Cosine similarity (float32) of every row text with every column text: bigrams weighted
    by √count × log((texts + 1) / (texts with it + 1)), over all the texts given."""
    n_rows = len(rows)
    row, col, counts, width = bigram_cells([*rows, *cols])
    if not n_rows or not len(cols) or not row.size:
        return np.zeros((n_rows, len(cols)), np.float32)
    df = np.bincount(col, minlength=width)
    weight = np.sqrt(counts) * np.log((n_rows + len(cols) + 1) / (df[col] + 1))
    norm = np.sqrt(np.bincount(row, weight * weight, minlength=n_rows + len(cols)))
    weight = weight.astype(np.float32)
    used = np.unique(col[row < n_rows])  # only bigrams some row text has can add up
    index = np.full(width, -1, dtype=np.int64)
    index[used] = np.arange(used.size)
    dense = np.zeros((n_rows + len(cols), used.size), dtype=np.float32)
    keep = index[col] >= 0
    dense[row[keep], index[col[keep]]] = weight[keep]
    dense /= (norm[:, None] + 1e-9).astype(np.float32)
    # einsum's own loop, not BLAS: OpenBLAS threads spinning on a busy machine made `@` 10x slower
    return np.einsum("ik,jk->ij", dense[:n_rows], dense[n_rows:])
