"""Comparisons and article histories: their shapes and the dicts that fill them (/api/compare,
/api/history, `kb compare --json`)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from kb.compare import model as cm
from kb.compare.diff import Diff
from kb.compare.model import HEADING_STATUSES, STATUSES
from kb.engine.hits import passage_url
from kb.models import Heading, Passage
from kb.records import pick
from kb.shapes.base import Ok, Shape
from kb.shapes.search import DocumentInfo, document_info_dict

HISTORY_STATUSES = ("original", *STATUSES, "absent")
DiffRuns = Annotated[
    list[tuple[Literal["=", "-", "+"], str]],
    Field(description="Runs [op, text]: the old text is the = and - runs, the new text = and +."),
]


class ComparedArticle(Shape):
    """An article as it stands in one version; id is the passage id."""

    id: str
    document: str
    article: int | None
    article_suffix: int
    label: str
    text: str
    heading_path: list[str]
    url: str


class ComparedPair(Shape):
    """An article of the old version and what became of it in the new one."""

    status: Literal[STATUSES]
    moved: bool = Field(description="paired out of order")
    similarity: float
    from_: ComparedArticle | None = Field(alias="from")
    to: ComparedArticle | None
    diff: DiffRuns


class HeadingText(Shape):
    """A heading as it reads in one version."""

    level: int
    text: str


class HeadingChange(Shape):
    """A heading of the old version and what became of it."""

    status: Literal[HEADING_STATUSES]
    from_: HeadingText | None = Field(alias="from")
    to: HeadingText | None
    diff: DiffRuns
    before: int = Field(description="index of the pair it comes before")


class ComparedVersion(DocumentInfo):
    """One of the two versions compared, with the parts it was put together from."""

    parts: list[str]


class CompareSummary(Shape):
    """How many articles (and headings) each status has."""

    unchanged: int
    changed: int
    added: int
    deleted: int
    renumbered: int
    headings: int


class CompareEnvelope(Shape):
    """Two versions of one work aligned article by article (新旧对照)."""

    ok: Ok
    from_: ComparedVersion = Field(alias="from")
    to: ComparedVersion
    summary: CompareSummary
    took_ms: float
    headings: list[HeadingChange]
    pairs: list[ComparedPair]


class ArticleVersion(Shape):
    """The article in one version, with the change from the version before."""

    document: DocumentInfo
    version_date: str | None
    status: Literal[HISTORY_STATUSES]
    passage: str | None
    label: str | None
    text: str | None
    url: str | None
    diff: DiffRuns


class HistoryEnvelope(Shape):
    """The cited article in every version of its work, oldest first (历次修改)."""

    ok: Ok
    title: str
    article: str
    passage: str
    versions: list[ArticleVersion]


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


def pair_dict(pair: cm.Pair) -> dict:
    """An aligned pair with its status and diff."""
    return {
        **pick(pair, ("status", "moved", "similarity")),
        "from": side_dict(pair.old),
        "to": side_dict(pair.new),
        "diff": diff_list(pair.diff),
    }


def _heading(h: Heading | None) -> dict | None:
    return None if h is None else {"level": h.level, "text": h.text}


def heading_dict(h: cm.HeadingPair) -> dict:
    """A heading change, with the position of the pair it comes before."""
    return {
        "status": h.status,
        "from": _heading(h.old),
        "to": _heading(h.new),
        "diff": diff_list(h.diff),
        "before": h.before,
    }


def _version(v: cm.VersionText) -> dict:
    return {**document_info_dict(v.document), "parts": list(v.parts)}


def compare_envelope(c: cm.Comparison) -> dict:
    """The /api/compare envelope."""
    return {
        "ok": True,
        "from": _version(c.old),
        "to": _version(c.new),
        "summary": pick(
            c.summary, ("unchanged", "changed", "added", "deleted", "renumbered", "headings")
        ),
        "took_ms": c.took_ms,
        "headings": [heading_dict(h) for h in c.headings],
        "pairs": [pair_dict(p) for p in c.pairs],
    }


def article_version_dict(v: cm.ArticleVersion) -> dict:
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


def history_envelope(h: cm.ArticleHistory) -> dict:
    """The /api/history envelope: the article in every version, oldest first."""
    return {
        "ok": True,
        "title": h.title,
        "article": h.label,
        "passage": h.asked,
        "versions": [article_version_dict(v) for v in h.versions],
    }
