"""Documents and passages as the field values the Whoosh writers take."""

from __future__ import annotations

from kb.models import Document, Passage
from kb.query.aliases import aliases_for_title
from kb.records import document_record, passage_record
from kb.schema import article_key


def passage_fields(p: Passage) -> dict:
    """Whoosh fields for one passage (indexed text, heading path, stored record)."""
    return {
        "doc": p.doc_id,
        "art": article_key(p.article, p.article_suffix) if p.role in ("article", "item") else "",
        "text": p.text,
        "heading": " ".join(p.heading_path),
        "body": p.text.encode("utf-8"),
        "record": passage_record(p),
    }


def document_fields(doc: Document) -> dict:
    """Whoosh fields for one document: title words include its subtitle and short names."""
    title = " ".join([doc.title, doc.subtitle or "", *aliases_for_title(doc.title)])
    return {
        "id": doc.id,
        "work": doc.work_key,
        "source": doc.source,
        "title": title,
        "kind": doc.kind,
        "region": doc.region or "",
        "record": document_record(doc),
    }
