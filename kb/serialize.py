"""Results as JSON-ready dicts: one shape for the API and `kb search --json`."""

from __future__ import annotations

from dataclasses import asdict

from kb.models import Hit, SearchResult


def hit_dict(hit: Hit) -> dict:
    """A hit in the documented API shape (new keys may be added; these stay)."""
    return {
        "id": hit.id,
        "score": hit.score,
        "text": hit.text,
        "article": hit.article,
        "paragraph": hit.paragraph,
        "heading_path": list(hit.heading_path),
        "snippet": {"text": hit.snippet.text,
                    "highlights": [list(r) for r in hit.snippet.highlights]},
        "document": asdict(hit.document),
        "citation": {**asdict(hit.citation), "heading_path": list(hit.citation.heading_path)},
        "url": hit.url,
        "matched": hit.matched,
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


def error_envelope(message: str, status: int) -> dict:
    """The one error shape every endpoint uses."""
    return {"ok": False, "error": message, "status": status}
