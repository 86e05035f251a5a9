"""A passage's links: their shapes and the dicts that fill them (GET /api/passages/<id>/links,
`kb links --json`)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from kb.links.reading.view import LinkedPassage as Linked
from kb.links.reading.view import PassageLink, PassageLinks
from kb.records import pick
from kb.shapes.base import Ok, Shape
from kb.shapes.search import DocumentInfo, document_info_dict

Span = tuple[int, int]


class CitationLabel(Shape):
    """The citation to quote."""

    label: str


class LinkedPassage(Shape):
    """The other end of a link."""

    id: str | None = Field(description="Passage id; null when the link names a whole document")
    article: int | None
    paragraph: int | None
    item: int | None
    citation: CitationLabel
    url: str
    document: DocumentInfo


class Link(Shape):
    """One link: the passage at its other end and the words that make it."""

    passage: LinkedPassage
    text: str = Field(description="The words in the citing text (empty for matches)")
    kind: Literal["article", "document"]
    relation: Literal["cites", "implements", "related"]
    span: Span = Field(description="[start, end) of `text` in the citing passage's text")
    exact_version: bool = Field(
        description="false: the version in force when cited is not held; a later one is linked"
    )


class Unresolved(Shape):
    """A reference that leads nowhere in the collection, and why."""

    text: str
    name: str
    reason: str
    span: Span


class LinksEnvelope(Shape):
    """What a passage cites, what cites it, and the local articles implementing it."""

    ok: Ok
    id: str
    cites: list[Link]
    cited_by: list[Link]
    implemented_by: list[Link]
    related: list[Link]
    implements: list[Link]
    unresolved: list[Unresolved]
    counts: dict[str, int]


def linked_passage_dict(p: Linked) -> dict:
    """The other end of a link: passage id (None for a whole document), article, citation label."""
    return {
        **pick(p, ("id", "article", "paragraph", "item")),
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
