"""Questions about a document itself: 选举法是什么时候通过的, 代表法还有效吗, 简报是哪一期.

Cue words live in kb/data/document_cues.tsv. A query asks about a document when it names a
work and, apart from the name, holds for some aspect both a word naming it (通过) and a word
asking it (什么时候), and nothing else but cue, filler and stop words: 劳动合同法规定劳动合同
什么时候生效 asks about contracts, not about the law.
"""

from __future__ import annotations

import re
from functools import lru_cache

from kb.analysis import segment
from kb.data import data_lines
from kb.query.lexicon import stopwords

ASPECTS = ("issuer", "adopted", "amended", "effective", "status", "issue")
_NOT_WORDS = re.compile(r"[\W\d_]+")


@lru_cache(maxsize=1)
def cues() -> dict[str, tuple[tuple[str, ...], tuple[str, ...]]]:
    """aspect → (words naming it, words asking it); `filler` → (words that may surround them)."""
    table = {}
    for line in data_lines("document_cues.tsv"):
        aspect, naming, *asking = line.split("\t")
        table[aspect] = (tuple(naming.split()), tuple(" ".join(asking).split()))
    return table


@lru_cache(maxsize=1)
def _cue_pattern() -> re.Pattern:
    words = {w for naming, asking in cues().values() for w in naming + asking}
    return re.compile("|".join(map(re.escape, sorted(words, key=len, reverse=True))))


def document_aspects(text: str, name_spans: list[tuple[int, int]]) -> tuple[str, ...]:
    """The aspects of the named document `text` asks about; () when it asks anything else."""
    if not name_spans:
        return ()
    rest = "".join(" " if any(s <= i < e for s, e in name_spans) else c for i, c in enumerate(text))
    found = set(_cue_pattern().findall(rest))  # longest first: 什么时候 is not 什么
    asked = tuple(
        aspect
        for aspect in ASPECTS
        if aspect in cues() and found & set(cues()[aspect][0]) and found & set(cues()[aspect][1])
    )
    if not asked:
        return ()
    leftover = _NOT_WORDS.sub(" ", _cue_pattern().sub(" ", rest))
    stop = stopwords()
    if any(tok.strip() and tok not in stop for tok, *_ in segment(leftover, "query")):
        return ()
    return asked
