"""Which national article a local implementing article carries out, by the words they share.

A province's 实施办法 rewrites the national law article by article, rarely citing it. Each local
article is compared with every article of the national version: character pairs weighted by
how rare they are among the compared articles (tf-idf, square-rooted counts), cosine
similarity. The best national article is taken when the similarity reaches MIN_SIMILARITY;
附则 articles (本办法自…起施行) are left out. All local measures implementing one national
version are compared in one batch, over the character pairs the local articles use (the
national matrix stays small even for the 民法典).
"""

from __future__ import annotations

import re

import numpy as np

MIN_SIMILARITY = 0.4
_LABEL = re.compile(r"^\s*第[^条\n]{1,12}条(?:之[一二三四五六七八九十]+)?\s*")
_IN_FORCE = re.compile(r"自.{0,20}(?:施行|生效)|同时废止")
Article = tuple[object, str]  # (any key, text)


def _pairs(text: str) -> np.ndarray:
    """Adjacent character pairs of an article's text (its label removed) as integers."""
    body = _LABEL.sub("", text, count=1)
    codes = np.frombuffer(body.encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
    return codes[:-1] * 0x110000 + codes[1:]


def _weighted(texts: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Sparse tf-idf rows: (row, column, weight) triplets and each row's norm."""
    sizes = [len(t) for t in texts]
    rows = np.repeat(np.arange(len(texts)), sizes)
    _vocab, cols = np.unique(np.concatenate(texts), return_inverse=True)
    width = int(cols.max()) + 1 if cols.size else 1
    cells, counts = np.unique(rows * width + cols, return_counts=True)
    row, col = cells // width, cells % width
    df = np.bincount(col, minlength=width)
    weight = np.sqrt(counts) * np.log((len(texts) + 1) / (df[col] + 1))
    norm = np.sqrt(np.bincount(row, weight * weight, minlength=len(texts)))
    return row, col, weight.astype(np.float32), norm


def similarities(local: list[Article], national: list[Article]) -> np.ndarray:
    """Cosine similarity of every local article (rows) with every national article."""
    texts = [_pairs(t) for _k, t in local] + [_pairs(t) for _k, t in national]
    if not local or not national or not sum(len(t) for t in texts):
        return np.zeros((len(local), len(national)), np.float32)
    row, col, weight, norm = _weighted(texts)
    n_local = len(local)
    used = np.unique(col[row < n_local])  # only pairs some local article has can add up
    index = np.full(int(col.max()) + 1, -1, dtype=np.int64)
    index[used] = np.arange(used.size)
    dense = np.zeros((len(texts), used.size), dtype=np.float32)
    keep = index[col] >= 0
    dense[row[keep], index[col[keep]]] = weight[keep]
    dense /= (norm[:, None] + 1e-9).astype(np.float32)
    # einsum's own loop, not BLAS: OpenBLAS threads spinning on a busy machine made `@` 10x slower
    return np.einsum("ik,jk->ij", dense[:n_local], dense[n_local:])


def match_articles(
    local: list[Article], national: list[Article]
) -> list[tuple[object, object, float]]:
    """(local key, national key, similarity) for every local article that matches one."""
    kept = [a for a in local if not _IN_FORCE.search(a[1]) or len(a[1]) > 80]
    if not kept or not national:
        return []
    sims = similarities(kept, national)
    best = sims.argmax(axis=1)
    return [
        (kept[i][0], national[j][0], float(sims[i, j]))
        for i, j in enumerate(best)
        if sims[i, j] >= MIN_SIMILARITY
    ]
