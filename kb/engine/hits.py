"""Materialise a ranked docnum as a cited Hit (inside the searcher, as plain dataclasses)."""

from __future__ import annotations

from dataclasses import replace

from kb.engine.snapshot import Snapshot
from kb.engine.snippets import find_ranges, make_snippet
from kb.labels import render_label
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


def _cited_part(p: Passage, paragraph: int | None, item: int | None) -> tuple | None:
    """The cited 款 and 项 an article has, and the text to highlight; None when it has neither."""
    paras = [x for x in p.paragraphs if not paragraph or x.number == paragraph]
    if paragraph and not paras:
        return None
    for para in paras if item else ():
        found = next((i for i in para.items if i.number == item), None)
        if found:
            return paragraph, item, found.text
    return (paragraph, None, paras[0].text) if paragraph else None


def make_hit(
    snap: Snapshot,
    docnum: int,
    score: float,
    surfaces: list[str],
    matched: str,
    paragraph: int | None = None,
    item: int | None = None,
    retrieval=None,
    earlier_version_of: str | None = None,
) -> Hit:
    """A Hit for `docnum`: text, citation (with 款 and 项 when cited), snippet, document, link."""
    p = load_passage(snap, docnum)
    rec = snap.docs.records[int(snap.passage_doc[docnum])]
    citation = p.citation
    snippet = None
    part = _cited_part(p, paragraph, item) if paragraph or item else None
    if part:
        paragraph, item, shown = part
        label = render_label(citation, paragraph=paragraph, item=item)
        citation = replace(citation, paragraph=paragraph, item=item, label=label)
        snippet = Snippet(p.text, tuple(find_ranges(p.text, [shown])))
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
        earlier_version_of,
    )
