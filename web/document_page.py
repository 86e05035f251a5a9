"""The document page: full text with article anchors, contents, history, versions and parts."""

from __future__ import annotations

import bisect
import functools
from dataclasses import dataclass

from flask import Blueprint, abort, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from kb.errors import NotFound
from kb.models import Document, Heading, Passage
from web.context import get_library
from web.passage_text import passage_lines

bp = Blueprint("documents", __name__)


@dataclass(frozen=True)
class Block:
    """A passage with the headings that open before it (or the heading it is itself)."""

    headings: tuple[tuple[int, Heading], ...]  # (contents index, heading)
    passage: Passage
    level: int | None  # heading level when the passage text is itself a heading


def blocks(doc: Document) -> list[Block]:
    """The document in reading order, headings placed before their first passage."""
    ordinals = [p.ordinal for p in doc.passages]
    at: dict[int, list[tuple[int, Heading]]] = {}
    for i, h in enumerate(doc.headings):
        k = bisect.bisect_left(ordinals, h.first_passage)  # an empty chapter opens the next one
        at.setdefault(min(k, len(ordinals) - 1), []).append((i, h))
    out = []
    for k, p in enumerate(doc.passages):
        opening = at.get(k, [])
        own = next((h.level for _i, h in opening if h.text == p.text), None)
        out.append(Block(tuple((i, h) for i, h in opening if h.text != p.text), p, own))
    return out


def contents(found: list[Block]) -> list[tuple[Heading, str]]:
    """The table of contents: every heading with the anchor it is shown at."""
    out: list[tuple[Heading, str]] = []
    for b in found:
        out += [(h, f"h{i}") for i, h in b.headings]
        if b.level is not None:
            out.append(
                (Heading(b.level, b.passage.text, b.passage.ordinal), f"p{b.passage.ordinal}")
            )
    return out


def heading_tag(level: int, doc: Document) -> str:
    """h2 for the top heading level of this document, down to h6."""
    top = min((h.level for h in doc.headings), default=level)
    return f"h{min(6, 2 + level - top)}"


def switch_url(doc_id: str, to_id: str, at: Passage | None = None) -> str:
    """The link from passage `at` of `doc_id` (or from the document) to version `to_id`."""
    if at is None:
        return url_for(".same_article", doc_id=doc_id, to_id=to_id)
    return url_for(".same_article", doc_id=doc_id, to_id=to_id, p=at.ordinal)


def _ordinal(raw: str | None) -> int | None:
    """The passage ordinal of ?p=<ordinal>, if well formed."""
    return int(raw) if raw and raw.isdigit() and len(raw) <= 6 else None


def _target(doc: Document, raw: str | None) -> Passage | None:
    """The passage asked for with ?p=<ordinal>, if it exists."""
    ordinal = _ordinal(raw)
    return next((p for p in doc.passages if p.ordinal == ordinal), None)


@bp.get("/documents/<doc_id>")
def document(doc_id: str) -> str:
    """The full text of one document, with its versions and contents."""
    if len(doc_id) > 100:
        abort(404)
    library = get_library()
    view = library.document(doc_id)
    doc = view.document
    found = blocks(doc)
    return render_template(
        "document.html",
        view=view,
        doc=doc,
        blocks=found,
        toc=contents(found),
        at=_target(doc, request.args.get("p")),
        unmatched="unmatched" in request.args,
        heading_tag=heading_tag,
        switch_url=functools.partial(switch_url, doc_id),
        links=library.document_links(doc_id),
        passage_lines=passage_lines,
    )


@bp.get("/documents/<doc_id>/in/<to_id>")
def same_article(doc_id: str, to_id: str) -> Response:
    """Switch versions: to the article of version `to_id` that is passage ?p= of `doc_id`
    (the one the version aligner pairs with it, renumbered or not: kb.compare.same_article),
    or to the top of `to_id` where it has none (an article added later or deleted: the page
    says so) or no passage is named."""
    library = get_library()
    library.version(to_id[:100])  # NotFound for an unknown document
    ordinal = _ordinal(request.args.get("p"))
    if ordinal is None:
        return redirect(url_for(".document", doc_id=to_id))
    try:
        p = library.same_article_in(f"{doc_id}-{ordinal}", to_id)
    except NotFound:  # no such passage where we come from: the top of the version asked for
        return redirect(url_for(".document", doc_id=to_id))
    if p is None:
        return redirect(url_for(".document", doc_id=to_id, unmatched=1))
    return redirect(url_for(".document", doc_id=to_id, p=p.ordinal, _anchor=f"p{p.ordinal}"))
