"""Structural oddities worth a human look: numbering gaps, duplicates, reversals, empty articles."""

from __future__ import annotations

from corpus.parsers.patterns import strip_label
from kb.models import Anomaly, Document, Passage
from kb.numerals import int_to_cn


def _label(passage: Passage) -> str:
    return passage.label or f"第{int_to_cn(passage.article or 0)}条"


def _step(prev: Passage, cur: Passage) -> str | None:
    """What is wrong between two consecutive articles, if anything."""
    p, c = (prev.article or 0, prev.article_suffix), (cur.article or 0, cur.article_suffix)
    if c == p:
        return f"duplicate article {_label(cur)}"
    if c[1]:  # 第X条之N follows 第X条 or 第X条之N-1
        if c[0] == p[0] and c[1] == p[1] + 1:
            return None
        return f"misplaced {_label(cur)} after {_label(prev)}"
    if c[0] == p[0] + 1:
        return None
    if c[0] < p[0]:
        return f"numbering goes back from {_label(prev)} to {_label(cur)}"
    return f"numbering gap: {_label(prev)} → {_label(cur)}"


def _amending(document: Document) -> bool:
    return "修正案" in document.title or ("修改" in document.title and "决定" in document.title)


def _is_continuation(document: Document) -> bool:
    """民法典's 编 files and 修正案 continue a numbering that starts in another file."""
    return document.subtitle is not None or _amending(document)


def find_anomalies(document: Document) -> list[Anomaly]:
    """Anomalies of one parsed document (empty list when it looks sound)."""
    source = document.source
    if not document.passages:
        return [Anomaly(source, "no passages")]
    articles = [p for p in document.passages if p.role == "article"]
    found: list[str] = []
    if articles and articles[0].article != 1 and not _is_continuation(document):
        found.append(f"first article is {_label(articles[0])}")
    for prev, cur in zip(articles, articles[1:], strict=False):
        problem = _step(prev, cur)
        if problem:
            found.append(problem)
    for passage in articles:
        if not strip_label(passage.text, passage.label).strip():
            found.append(f"empty article {_label(passage)}")
    return [Anomaly(source, detail) for detail in found]
