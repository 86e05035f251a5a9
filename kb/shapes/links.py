"""PassageLinks as JSON-ready dicts: one shape for GET /api/passages/<id>/links and `kb links --json`."""

from __future__ import annotations

from kb.links.reading.view import LinkedPassage, PassageLink, PassageLinks
from kb.shapes.search import document_info_dict


def linked_passage_dict(p: LinkedPassage) -> dict:
    """The other end of a link: passage id (None for a whole document), article, citation label."""
    return {
        "id": p.id,
        "article": p.article,
        "paragraph": p.paragraph,
        "item": p.item,
        "citation": {"label": p.label},
        "url": p.url,
        "document": document_info_dict(p.document),
    }


def link_dict(link: PassageLink) -> dict:
    """One link: the passage at its other end, the words in the citing text, article|document."""
    return {
        "passage": linked_passage_dict(link.passage),
        "text": link.text,
        "kind": link.kind,
        "relation": link.relation,
        "span": [link.start, link.end],
        "exact_version": link.exact,
    }


def links_envelope(links: PassageLinks) -> dict:
    """The /api/passages/<id>/links envelope (new keys may be added; these stay)."""
    return {
        "ok": True,
        "id": links.passage_id,
        "cites": [link_dict(x) for x in links.cites],
        "cited_by": [link_dict(x) for x in links.cited_by],
        "implemented_by": [link_dict(x) for x in links.implemented_by],
        "related": [link_dict(x) for x in links.related],
        "implements": [link_dict(x) for x in links.implements],
        "unresolved": [
            {"text": u.text, "name": u.name, "reason": u.reason, "span": [u.start, u.end]}
            for u in links.unresolved
        ],
        "counts": dict(links.counts or {}),
    }
