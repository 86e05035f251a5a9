"""Comparisons and article histories as JSON-ready dicts (the API, `kb compare --json`, tools)."""

from __future__ import annotations

from kb.compare.diff import Diff
from kb.compare.model import (
    ArticleHistory,
    ArticleVersion,
    Comparison,
    HeadingPair,
    Pair,
    VersionText,
)
from kb.engine.hits import passage_url
from kb.models import Heading, Passage
from kb.shapes.search import document_info_dict


def diff_list(diff: Diff) -> list[list[str]]:
    """[["=", "…"], ["-", "…"], ["+", "…"]]: the old text is = and -, the new text = and +."""
    return [[op, text] for op, text in diff]


def side_dict(p: Passage | None) -> dict | None:
    """One side of a pair: the article as it stands in that version."""
    if p is None:
        return None
    return {
        "id": p.id,
        "document": p.doc_id,
        "article": p.article,
        "article_suffix": p.article_suffix,
        "label": p.label,
        "text": p.text,
        "heading_path": list(p.heading_path),
        "url": passage_url(p),
    }


def pair_dict(pair: Pair) -> dict:
    """An aligned pair with its status and diff."""
    return {
        "status": pair.status,
        "moved": pair.moved,
        "similarity": pair.similarity,
        "from": side_dict(pair.old),
        "to": side_dict(pair.new),
        "diff": diff_list(pair.diff),
    }


def _heading(h: Heading | None) -> dict | None:
    return None if h is None else {"level": h.level, "text": h.text}


def heading_dict(h: HeadingPair) -> dict:
    """A heading change, with the position of the pair it comes before."""
    return {
        "status": h.status,
        "from": _heading(h.old),
        "to": _heading(h.new),
        "diff": diff_list(h.diff),
        "before": h.before,
    }


def _version(v: VersionText) -> dict:
    return {**document_info_dict(v.document), "parts": list(v.parts)}


def compare_envelope(c: Comparison) -> dict:
    """The /api/compare envelope."""
    s = c.summary
    return {
        "ok": True,
        "from": _version(c.old),
        "to": _version(c.new),
        "summary": {
            "unchanged": s.unchanged,
            "changed": s.changed,
            "added": s.added,
            "deleted": s.deleted,
            "renumbered": s.renumbered,
            "headings": s.headings,
        },
        "took_ms": c.took_ms,
        "headings": [heading_dict(h) for h in c.headings],
        "pairs": [pair_dict(p) for p in c.pairs],
    }


def article_version_dict(v: ArticleVersion) -> dict:
    """The article in one version: its document, status, text and change from the one before."""
    p = v.passage
    return {
        "document": document_info_dict(v.version),
        "version_date": v.version.version_date,
        "status": v.status,
        "passage": p.id if p else None,
        "label": p.label if p else None,
        "text": p.text if p else None,
        "url": passage_url(p) if p else None,
        "diff": diff_list(v.diff),
    }


def history_envelope(h: ArticleHistory) -> dict:
    """The /api/history envelope: the article in every version, oldest first."""
    return {
        "ok": True,
        "title": h.title,
        "article": h.label,
        "passage": h.asked,
        "versions": [article_version_dict(v) for v in h.versions],
    }
