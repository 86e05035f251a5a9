"""Results as JSON-ready dicts: one shape for the API and `kb search --json`."""

from __future__ import annotations

from dataclasses import asdict

from kb.models import (
    DocumentInfo,
    DocumentView,
    Hit,
    Passage,
    Retrieval,
    SearchResult,
    VersionInfo,
)
from kb.records import citation_record, paragraph_records


def document_info_dict(d: DocumentInfo) -> dict:
    """The document fields a hit carries."""
    return {
        "id": d.id,
        "title": d.title,
        "kind": d.kind,
        "region": d.region,
        "source": d.source,
        "version_date": d.version_date,
        "effective_date": d.effective_date,
        "status": d.status,
        "version_label": d.version_label,
        "subtitle": d.subtitle,
    }


def hit_dict(hit: Hit) -> dict:
    """A hit in the documented API shape (new keys may be added; these stay).

    Built by hand rather than with dataclasses.asdict, which deep-copies and costs ~0.1 ms a hit.
    """
    return {
        "id": hit.id,
        "score": hit.score,
        "text": hit.text,
        "article": hit.article,
        "paragraph": hit.paragraph,
        "heading_path": list(hit.heading_path),
        "snippet": {
            "text": hit.snippet.text,
            "highlights": [list(r) for r in hit.snippet.highlights],
        },
        "document": document_info_dict(hit.document),
        "citation": citation_record(hit.citation),
        "url": hit.url,
        "matched": hit.matched,
        "retrieval": retrieval_dict(hit.retrieval),
        "earlier_version_of": hit.earlier_version_of,
    }


def retrieval_dict(r: Retrieval | None) -> dict | None:
    """How a hit was found when a semantic pass ran (None otherwise)."""
    if r is None:
        return None
    return {
        "found_by": list(r.found_by),
        "lexical_rank": r.lexical_rank,
        "semantic_rank": r.semantic_rank,
        "semantic_score": r.semantic_score,
    }


def search_envelope(result: SearchResult) -> dict:
    """The /api/search envelope."""
    return {
        "ok": True,
        "query": result.query,
        "total": result.total,
        "limit": result.limit,
        "offset": result.offset,
        "took_ms": result.took_ms,
        "hits": [hit_dict(h) for h in result.hits],
        "understood": result.understood,
    }


def hit_envelope(hit: Hit) -> dict:
    """The /api/passages and /api/cite envelope: one hit."""
    return {"ok": True, "hit": hit_dict(hit)}


def passage_dict(p: Passage) -> dict:
    """A passage of a document in reading order, with its 款/项 and citation."""
    return {
        "id": p.id,
        "ordinal": p.ordinal,
        "label": p.label,
        "role": p.role,
        "article": p.article,
        "article_suffix": p.article_suffix,
        "text": p.text,
        "heading_path": list(p.heading_path),
        "paragraphs": paragraph_records(p.paragraphs),
        "citation": citation_record(p.citation),
        "url": f"/documents/{p.doc_id}#p{p.ordinal}",
    }


def version_dict(v: VersionInfo) -> dict:
    """One version (or part) of a work."""
    return asdict(v)


_DOCUMENT_KEYS = (
    "id",
    "title",
    "subtitle",
    "kind",
    "issuer",
    "region",
    "city",
    "version_date",
    "effective_date",
    "version_label",
    "status",
    "valid_from",
    "valid_to",
    "source",
    "work_key",
    "issue",
)


def document_envelope(view: DocumentView) -> dict:
    """The /api/documents envelope: metadata, history, contents, versions, parts, passages."""
    doc = view.document
    return {
        "ok": True,
        "document": {
            **{k: getattr(doc, k) for k in _DOCUMENT_KEYS},
            "recipients": list(doc.recipients),
            "history": [asdict(h) for h in doc.history],
            "headings": [asdict(h) for h in doc.headings],
        },
        "versions": [version_dict(v) for v in view.versions],
        "parts": [version_dict(v) for v in view.parts],
        "passages": [passage_dict(p) for p in doc.passages],
    }


def health_envelope(health: dict) -> dict:
    """The /api/health envelope: which build is live and how big it is."""
    return {"ok": True, "index": dict(health)}


def error_envelope(message: str, status: int) -> dict:
    """The one error shape every endpoint uses."""
    return {"ok": False, "error": message, "status": status}
