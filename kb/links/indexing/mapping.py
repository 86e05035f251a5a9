"""Which national article a local implementing article carries out, by the words they share.

A province's 实施办法 rewrites the national law article by article, rarely citing it. Each local
article is compared with every article of the national version (tf-idf cosine over character
bigrams, kb.compare.similarity.tfidf_similarities); the best national article is taken when the
similarity reaches MIN_SIMILARITY. 附则 articles (本办法自…起施行) are left out. All local
measures implementing one national version are compared in one batch.
"""

from __future__ import annotations

import re

import numpy as np

from kb.compare.similarity import tfidf_similarities
from kb.numerals import NUM_CLASS

MIN_SIMILARITY = 0.4
_LABEL = re.compile(rf"^\s*第[^条\n]{{1,12}}条(?:之{NUM_CLASS})?\s*")
_IN_FORCE = re.compile(r"自.{0,20}(?:施行|生效)|同时废止")
Article = tuple[object, str]  # (any key, text)


def _body(text: str) -> str:
    """An article's text without its label (第三十条之一)."""
    return _LABEL.sub("", text, count=1)


def similarities(local: list[Article], national: list[Article]) -> np.ndarray:
    """Cosine similarity of every local article (rows) with every national article."""
    return tfidf_similarities([_body(t) for _k, t in local], [_body(t) for _k, t in national])


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
