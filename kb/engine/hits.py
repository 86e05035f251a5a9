"""Materialise a ranked docnum as a cited Hit (inside the searcher, as plain dataclasses)."""

from __future__ import annotations

from dataclasses import replace

from kb.citations import render_label
from kb.engine.snapshot import Snapshot
from kb.engine.snippets import find_ranges, make_snippet
from kb.models import DocumentInfo, Hit, Passage, Snippet
from kb.records import passage_from_record


def document_info(rec: dict) -> DocumentInfo:
    """The document fields a hit carries, from a DocTable record."""
    return DocumentInfo(
        rec["id"],
        rec["title"],
        rec["kind"],
        rec.get("region"),
        rec["source"],
        rec.get("version_date"),
        rec.get("effective_date"),
        rec["status"],
        rec.get("version_label") or "",
        rec.get("subtitle"),
    )


def passage_url(p: Passage) -> str:
    """Where the page shows a passage: its document, scrolled to it."""
    return f"/documents/{p.doc_id}#p{p.ordinal}"


def load_passage(snap: Snapshot, docnum: int) -> Passage:
    """The stored passage at `docnum`."""
    return passage_from_record(snap.searcher().stored_fields(docnum)["record"])


def _paragraph_snippet(p: Passage, paragraph: int) -> Snippet | None:
    """Highlight a cited 款 within the article text."""
    para = next((x for x in p.paragraphs if x.number == paragraph), None)
    if para is None:
        return None
    return Snippet(p.text, tuple(find_ranges(p.text, [para.text])))


def make_hit(
    snap: Snapshot,
    docnum: int,
    score: float,
    surfaces: list[str],
    matched: str,
    paragraph: int | None = None,
    retrieval=None,
) -> Hit:
    """A Hit for `docnum`: text, citation (with 款 when cited), snippet, document, link."""
    p = load_passage(snap, docnum)
    rec = snap.docs.records[int(snap.passage_doc[docnum])]
    citation = p.citation
    snippet = None
    if paragraph and any(x.number == paragraph for x in p.paragraphs):
        citation = replace(
            citation, paragraph=paragraph, label=render_label(citation, paragraph=paragraph)
        )
        snippet = _paragraph_snippet(p, paragraph)
    else:
        paragraph = None
    snippet = snippet or make_snippet(p.text, surfaces)
    return Hit(
        p.id,
        round(float(score), 4),
        p.text,
        p.article,
        paragraph,
        p.heading_path,
        snippet,
        document_info(rec),
        citation,
        passage_url(p),
        matched,
        retrieval,
    )
