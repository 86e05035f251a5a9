"""Which articles an answer cites: 第X条 mentions attributed to a law by the nearest 《title》.

A mention counts for a law when the nearest 《…》 before it in the same sentence names that law,
or when no title comes before it in the sentence (《民法典》第一千零七十九条和第一千零八十条 cites
both; 《刑法》第二百六十一条 does not cite 民法典 article 261).
"""

from __future__ import annotations

import re

from training.normalise import article_refs, title_key

_TITLE = re.compile(r"《([^《》]{1,60})》")
_SENTENCE_END = re.compile(r"[。！？；!?;\n]")


def cited(answer: str) -> set[tuple[str | None, int, int]]:
    """(title key or None when unattributed, article, suffix) of every article `answer` cites."""
    out = set()
    for number, suffix, start, _end in article_refs(answer):
        ends = [m.end() for m in _SENTENCE_END.finditer(answer, 0, start)]
        sentence_start = ends[-1] if ends else 0
        titles = list(_TITLE.finditer(answer, sentence_start, start))
        out.add((title_key(titles[-1].group(1)) if titles else None, number, suffix))
    return out


def cites(
    answer_refs: set[tuple[str | None, int, int]], title: str, number: int, suffix: int
) -> bool:
    """Whether the answer's citations include article `number` of `title`."""
    key = title_key(title)
    return (key, number, suffix) in answer_refs or (None, number, suffix) in answer_refs
